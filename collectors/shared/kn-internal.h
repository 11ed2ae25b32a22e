#ifndef KN_INTERNAL_H
#define KN_INTERNAL_H

/* Machinery shared by every collector: options, statistics, roots, heap
 * exhaustion, edge sinks.  A collector's heap embeds a struct kn_common;
 * its file reads as a policy over these pieces and the shared spaces. */

#ifndef KN_INSIDE_LIBRARY
#error "kn-internal.h is part of the library, not of its API: include <kennel.h>"
#endif

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "kennel.h"

#define KN_UNLIKELY(x) __builtin_expect(!!(x), 0)
#define KN_CONTAINER_OF(ptr, type, field) ((type *)((char *)(ptr) - offsetof(type, field)))

/* ---- Options ---------------------------------------------------------- */

enum kn_option_type { KN_OPT_SIZE, KN_OPT_INT, KN_OPT_BOOL, KN_OPT_DOUBLE, KN_OPT_CHOICE };

/* One option a collector understands.  choices: NULL-terminated names, for
 * KN_OPT_CHOICE; the value is the index of the name. */
struct kn_option_spec {
  const char *name;
  enum kn_option_type type;
  double def, min, max;
  const char *const *choices;
  const char *help;
};

/* Each collector defines its own options (the list ends with a NULL name). */
extern const struct kn_option_spec kn_collector_options[];
extern const char kn_collector_id[];

/* A copy of `opts`, or of the defaults when NULL; NULL if out of memory. */
struct kn_options *kn_options_copy(const struct kn_options *opts);
/* Records an error message in `opts`; returns false. */
bool kn_options_fail(struct kn_options *opts, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* The value of an option by name; aborts on an unknown name (a bug). */
double kn_option(const struct kn_options *opts, const char *name);

enum { KN_HEAP_FIXED = 0, KN_HEAP_GROWABLE = 1 };

/* ---- Statistics ------------------------------------------------------- */

struct kn_pause_log {
  uint64_t *ns;
  size_t count, capacity;
};

struct kn_stats_state {
  struct kn_stats totals;
  struct kn_pause_log pauses;
  struct kn_event_listener listener;
  uint64_t start_ns;
  enum kn_collection_kind kind;
};

uint64_t kn_now_ns(void);
/* CPU time of the calling thread. */
uint64_t kn_thread_cpu_ns(void);

/* ---- What every heap has ------------------------------------------------ */

struct kn_root_set {
  void ***slots;
  size_t count, capacity;
};

bool kn_root_set_add(struct kn_root_set *set, void **slot);
bool kn_root_set_remove(struct kn_root_set *set, void **slot);

/* The part of every heap that the shared code manages.  It is the first
 * member of each collector's struct kn_heap, so a heap pointer is also a
 * pointer to its kn_common. */
struct kn_common {
  struct kn_embedder embedder;
  struct kn_options *opts;          /* the heap's own copy */
  struct kn_stats_state stats;
  struct kn_root_set roots;
  pthread_mutex_t roots_lock;       /* mutators may register roots at once */
  kn_oom_handler oom_handler;
  void *oom_data;
  uint64_t stress;                  /* collect every `stress` allocations; 0: off */
  uint64_t stress_countdown;
  bool verify;
  size_t heap_size;                 /* current size the policy allows */
  size_t heap_limit;                /* growable maximum; 0: none */
  size_t heap_target;               /* the size the policy chose at the last collection */
  int heap_policy;
  double heap_multiplier;
  char error[256];
};

/* Reads the common options into `c`, copies them; false on failure with the
 * message in opts (or stderr when opts is NULL). */
bool kn_common_init(struct kn_common *c, struct kn_options *opts,
                    const struct kn_embedder *embedder);
void kn_common_destroy(struct kn_common *c);

/* The first step of every collector's kn_heap_create: a zeroed heap of
 * `heap_bytes` (struct kn_common first) and a zeroed first mutator of
 * `mutator_bytes`, the common part initialized.  NULL on failure, with
 * the reason in opts (or on stderr when opts is NULL) and nothing left
 * allocated. */
struct kn_common *kn_heap_alloc(size_t heap_bytes, size_t mutator_bytes,
                                struct kn_options *opts, const struct kn_embedder *embedder,
                                void **mutator_out);
/* A later step of kn_heap_create failed: records the reason as above,
 * destroys the common part, frees the heap and the mutator.  The
 * collector releases what it acquired itself first.  Returns false. */
bool kn_heap_create_failed(struct kn_common *c, void *mutator, struct kn_options *opts,
                           const char *fmt, ...) __attribute__((format(printf, 4, 5)));
void kn_set_error(struct kn_common *c, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Collections: begin stamps the time and tells the listener; end records
 * the pause and totals.  `report` carries kind, live and heap bytes and
 * counters; the pause and number are filled here. */
void kn_collection_begin(struct kn_common *c, enum kn_collection_kind kind);
void kn_collection_end(struct kn_common *c, struct kn_collection_report *report);
void kn_stats_count_allocation(struct kn_common *c, uint64_t bytes);
void kn_stats_heap_resized(struct kn_common *c, uint64_t old_bytes, uint64_t new_bytes);
/* Adds to a named running total that kn_heap_get_stats reports. */
void kn_stats_add_counter(struct kn_common *c, const char *name, uint64_t delta);
void kn_report_add_counter(struct kn_collection_report *r, const char *name, uint64_t v);
/* Both: a figure of this collection that also accumulates in the totals. */
void kn_count_collection(struct kn_common *c, struct kn_collection_report *r, const char *name,
                         uint64_t v);
void kn_common_get_stats(struct kn_common *c, struct kn_stats *out);

/* Stress mode: true when this allocation should trigger a collection. */
static inline bool kn_stress_tick(struct kn_common *c) {
  if (!c->stress)
    return false;
  if (--c->stress_countdown)
    return false;
  c->stress_countdown = c->stress;
  return true;
}

/* Heap size policy: the size after a collection that left `live` bytes,
 * within [heap-size, heap-max-size] for growable heaps. */
size_t kn_policy_heap_size(struct kn_common *c, size_t live);

/* The footprint an allocation may bring the heap to without collecting
 * first: the policy's last choice; or, with `grow` (a collection did not
 * make room), the limit.  A fixed heap's size either way. */
size_t kn_heap_budget(const struct kn_common *c, bool grow);

/* Heap exhaustion.  Returns true if the OOM handler asked for a retry;
 * otherwise prints the reason and aborts. */
bool kn_heap_exhausted(struct kn_common *c, size_t request, size_t heap_bytes);
/* A request above KN_MAX_OBJECT_BYTES can never be satisfied: the OOM
 * handler hears of it, then kennel stops with the reason.  Callers test
 * the size first, so that the heap size is read only on this path. */
void kn_request_too_large(struct kn_common *c, size_t size, size_t heap_bytes)
    __attribute__((noreturn));
void kn_fatal(const char *fmt, ...) __attribute__((noreturn, format(printf, 1, 2)));

/* ---- Edge sinks -------------------------------------------------------- */

/* A struct kn_edges whose flushes go to `process`.  Collectors embed one per
 * tracer; kn_edges_flush finds it from the edges it was handed. */
struct kn_edge_sink {
  struct kn_edges edges;
  void (*process)(struct kn_edge_sink *sink, void ***slots, size_t count);
};

static inline void kn_sink_init(struct kn_edge_sink *sink,
                                void (*process)(struct kn_edge_sink *, void ***, size_t)) {
  sink->edges.count = 0;
  sink->process = process;
}

/* Calls the embedder's trace for `obj`; its edges stay in the sink's batch
 * until it fills, so that one flush handles the edges of several objects.
 * The caller flushes before it finishes. */
static inline void kn_trace_object_batched(struct kn_common *c, struct kn_edge_sink *sink,
                                           void *obj) {
  if (kn_object_kind(obj) & KN_ALLOC_POINTERLESS)
    return;
  c->embedder.trace_object(obj, kn_object_tag(obj), &sink->edges, c->embedder.data);
}

/* ---- A growable stack of pointers -------------------------------------------- */

/* The worklists that only grow during a collection (large objects to
 * trace, blocks to scan).  Zero-initialised it is empty; free(items)
 * releases it. */
struct kn_pointer_stack {
  void **items;
  size_t count, capacity;
};

/* Out of line: doubles the room, or dies naming `what` if memory is short. */
void kn_pointer_stack_grow(struct kn_pointer_stack *s, const char *what);

static inline void kn_pointer_stack_push(struct kn_pointer_stack *s, void *item,
                                         const char *what) {
  if (s->count == s->capacity)
    kn_pointer_stack_grow(s, what);
  s->items[s->count++] = item;
}

/* ---- Prefetching ------------------------------------------------------------ */

/* Fetches the headers of a batch of edges' targets together, so that their
 * cache misses overlap: for the copying collectors' forwarding.
 *
 * Always inlined: GCC deems a prefetch free of side effects, so it finds a
 * function that only prefetches "const" and deletes calls to it that it
 * has not inlined yet.  pcc's forwarding lost its prefetch that way. */
__attribute__((always_inline)) static inline void kn_prefetch_edge_targets(void ***slots,
                                                                          size_t count) {
  for (size_t i = 0; i < count; i++) {
    void *ref = *slots[i];
    if (kn_is_reference(ref))
      __builtin_prefetch(kn_object_header(ref), 1);
  }
}

/* Fetches the to-space line a copying collector will fill some copies
 * from now (`next` is its copy pointer, `limit` the end of the space it
 * copies into).  The copies' stores then find their lines in the cache
 * instead of each waiting for memory, and so does a compare-and-swap,
 * which waits for every store before it.  512 B to 2 kB ahead measured
 * the same on pcc's trace benchmark. */
enum { KN_COPY_PREFETCH_DISTANCE = 1024 };

static inline void kn_prefetch_copy_space(uintptr_t next, uintptr_t limit) {
  if (next + KN_COPY_PREFETCH_DISTANCE < limit)
    __builtin_prefetch((void *)(next + KN_COPY_PREFETCH_DISTANCE), 1);
}

/* A short FIFO between a mark stack and the code that consumes it: each
 * entry's header is prefetched KN_PREFETCH_DEPTH entries before it comes
 * out, so that the cache misses of several entries overlap instead of
 * following one another.  The marking collectors drain through it. */
enum { KN_PREFETCH_DEPTH = 8 };

struct kn_prefetch_fifo {
  void *items[KN_PREFETCH_DEPTH];
  size_t head, count;
};

/* The next entry, after refilling the FIFO from the top of stack[0, *depth)
 * (entries are object addresses, with the bits of `tag_mask` free for the
 * caller's use); NULL when the stack and the FIFO are both empty. */
static inline void *kn_prefetch_fifo_next(struct kn_prefetch_fifo *f, void **stack,
                                          size_t *depth, uintptr_t tag_mask) {
  while (f->count < KN_PREFETCH_DEPTH && *depth) {
    void *entry = stack[--*depth];
    __builtin_prefetch(kn_object_header((void *)((uintptr_t)entry & ~tag_mask)), 1);
    f->items[(f->head + f->count++) % KN_PREFETCH_DEPTH] = entry;
  }
  if (!f->count)
    return NULL;
  void *entry = f->items[f->head];
  f->head = (f->head + 1) % KN_PREFETCH_DEPTH;
  f->count--;
  return entry;
}

/* Calls the embedder's trace for `obj`, then flushes what it reported. */
static inline void kn_trace_object(struct kn_common *c, struct kn_edge_sink *sink, void *obj) {
  kn_trace_object_batched(c, sink, obj);
  kn_edges_flush(&sink->edges);
}

/* ---- Roots ------------------------------------------------------------- */

/* Reports every precise root: registered slots, the embedder's global
 * roots, then the given mutator's frames and roots callback. */
struct kn_mutator_roots {
  void (*trace)(struct kn_edges *edges, void *data);
  void *data;
};
/* The first member of every collector's struct kn_mutator. */
struct kn_mutator_base {
  struct kn_mutator_fast fast;
  struct kn_common *heap;
  struct kn_mutator_roots roots;
};

static inline struct kn_mutator_base *kn_mutator_base(struct kn_mutator *mut) {
  return (struct kn_mutator_base *)mut;
}

static inline struct kn_common *kn_common_of(struct kn_heap *heap) {
  return (struct kn_common *)heap;
}

void kn_trace_global_roots(struct kn_common *c, struct kn_edge_sink *sink);
void kn_trace_mutator_roots(struct kn_mutator_fast *fast, const struct kn_mutator_roots *r,
                            struct kn_edge_sink *sink);

/* ---- Verifier ----------------------------------------------------------- */

/* Walks everything reachable from the roots the caller feeds it with
 * kn_verify_root, asking `is_object` about every reference.  Returns the
 * number of problems, each printed to stderr. */
struct kn_verifier;
typedef bool (*kn_is_object_fn)(void *ctx, void *ref);
struct kn_verifier *kn_verifier_create(struct kn_common *c, kn_is_object_fn is_object,
                                       void *ctx);
struct kn_edge_sink *kn_verifier_sink(struct kn_verifier *v);
size_t kn_verifier_finish(struct kn_verifier *v);
/* Counted after kn_verifier_finish: objects and bytes reached. */
size_t kn_verifier_objects(struct kn_verifier *v);
void kn_verifier_destroy(struct kn_verifier *v);

#endif
