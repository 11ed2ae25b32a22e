/* What every heap has: its options, roots, error message, OOM handling and
 * heap-size policy. */

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "kn-internal.h"

/* Fails heap creation: the reason goes to the caller's options, or to
 * stderr when there are none. */
static bool init_failed(struct kn_options *opts, const char *msg) {
  if (opts)
    kn_options_fail(opts, "%s", msg);
  else
    fprintf(stderr, "kennel: %s\n", msg);
  return false;
}

bool kn_common_init(struct kn_common *c, struct kn_options *opts,
                    const struct kn_embedder *embedder) {
  memset(c, 0, sizeof *c);
  if (!embedder || !embedder->trace_object)
    return init_failed(opts, "kn_heap_create: the embedder must supply trace_object");
  c->embedder = *embedder;
  c->opts = kn_options_copy(opts);
  if (!c->opts)
    return init_failed(opts, "kn_heap_create: out of memory");
  pthread_mutex_init(&c->roots_lock, NULL);
  c->heap_size = (size_t)kn_option(c->opts, "heap-size");
  c->heap_target = c->heap_size;
  c->heap_policy = (int)kn_option(c->opts, "heap-policy");
  c->heap_limit = (size_t)kn_option(c->opts, "heap-max-size");
  c->heap_multiplier = kn_option(c->opts, "heap-multiplier");
  c->stress = (uint64_t)kn_option(c->opts, "stress");
  c->stress_countdown = c->stress;
  c->verify = kn_option(c->opts, "verify") != 0;
  if (c->heap_policy == KN_HEAP_GROWABLE && c->heap_limit && c->heap_limit < c->heap_size) {
    kn_common_destroy(c);
    return init_failed(opts, "heap-max-size is smaller than heap-size");
  }
  return true;
}

struct kn_common *kn_heap_alloc(size_t heap_bytes, size_t mutator_bytes,
                                struct kn_options *opts, const struct kn_embedder *embedder,
                                void **mutator_out) {
  struct kn_common *c = calloc(1, heap_bytes);
  void *mutator = calloc(1, mutator_bytes);
  if (!c || !mutator) {
    free(c);
    free(mutator);
    init_failed(opts, "kn_heap_create: out of memory");
    return NULL;
  }
  if (!kn_common_init(c, opts, embedder)) {
    free(c);
    free(mutator);
    return NULL;
  }
  *mutator_out = mutator;
  return c;
}

bool kn_heap_create_failed(struct kn_common *c, void *mutator, struct kn_options *opts,
                           const char *fmt, ...) {
  char msg[256];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  init_failed(opts, msg);
  kn_common_destroy(c);
  free(c);
  free(mutator);
  return false;
}

void kn_common_destroy(struct kn_common *c) {
  kn_options_destroy(c->opts);
  free(c->roots.slots);
  free(c->stats.pauses.ns);
  pthread_mutex_destroy(&c->roots_lock);
  c->opts = NULL;
}

void kn_set_error(struct kn_common *c, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(c->error, sizeof c->error, fmt, ap);
  va_end(ap);
}

void kn_request_too_large(struct kn_common *c, size_t size, size_t heap_bytes) {
  kn_heap_exhausted(c, size, heap_bytes);
  kn_fatal("allocation of %zu bytes exceeds the largest object (%u bytes)", size,
           KN_MAX_OBJECT_BYTES);
}

void kn_fatal(const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  fputs("kennel: ", stderr);
  vfprintf(stderr, fmt, ap);
  fputc('\n', stderr);
  va_end(ap);
  abort();
}

void kn_misuse(const char *what) { kn_fatal("API misuse: %s", what); }

size_t kn_policy_heap_size(struct kn_common *c, size_t live) {
  if (c->heap_policy == KN_HEAP_FIXED)
    return c->heap_size;
  double want = (double)live * c->heap_multiplier;
  size_t size = want > (double)c->heap_size ? (size_t)want : c->heap_size;
  if (c->heap_limit && size > c->heap_limit)
    size = c->heap_limit;
  c->heap_target = size;
  return size;
}

size_t kn_heap_budget(const struct kn_common *c, bool grow) {
  if (c->heap_policy == KN_HEAP_FIXED)
    return c->heap_size;
  if (!grow)
    return c->heap_target;
  return c->heap_limit ? c->heap_limit : SIZE_MAX;
}

bool kn_heap_exhausted(struct kn_common *c, size_t request, size_t heap_bytes) {
  if (c->oom_handler && c->oom_handler((struct kn_heap *)c, request, c->oom_data))
    return true;
  if (c->heap_policy == KN_HEAP_FIXED)
    kn_fatal("heap exhausted: cannot allocate %zu bytes in a fixed heap of %zu bytes "
             "(%zu in use); raise heap-size",
             request, c->heap_size, heap_bytes);
  kn_fatal("heap exhausted: cannot allocate %zu bytes; heap is %zu bytes, limit "
           "heap-max-size=%zu; raise the limit",
           request, heap_bytes, c->heap_limit);
}

/* ---- Worklists ----------------------------------------------------------- */

void kn_pointer_stack_grow(struct kn_pointer_stack *s, const char *what) {
  size_t cap = s->capacity ? 2 * s->capacity : 64;
  void **grown = realloc(s->items, cap * sizeof *grown);
  if (!grown)
    kn_fatal("out of memory for a worklist of %zu %s", cap, what);
  s->items = grown;
  s->capacity = cap;
}

/* ---- Roots ------------------------------------------------------------ */

bool kn_root_set_add(struct kn_root_set *set, void **slot) {
  if (set->count == set->capacity) {
    size_t cap = set->capacity ? 2 * set->capacity : 16;
    void ***grown = realloc(set->slots, cap * sizeof *grown);
    if (!grown)
      return false;
    set->slots = grown;
    set->capacity = cap;
  }
  set->slots[set->count++] = slot;
  return true;
}

bool kn_root_set_remove(struct kn_root_set *set, void **slot) {
  for (size_t i = set->count; i-- > 0;)
    if (set->slots[i] == slot) {
      set->slots[i] = set->slots[--set->count];
      return true;
    }
  return false;
}

void kn_trace_global_roots(struct kn_common *c, struct kn_edge_sink *sink) {
  for (size_t i = 0; i < c->roots.count; i++)
    kn_edges_push(&sink->edges, c->roots.slots[i]);
  if (c->embedder.trace_roots)
    c->embedder.trace_roots(&sink->edges, c->embedder.data);
  kn_edges_flush(&sink->edges);
}

void kn_trace_mutator_roots(struct kn_mutator_fast *fast, const struct kn_mutator_roots *r,
                            struct kn_edge_sink *sink) {
  for (struct kn_frame *f = fast->frames; f; f = f->prev)
    kn_edges_push_range(&sink->edges, f->values, f->count);
  if (r->trace)
    r->trace(&sink->edges, r->data);
  kn_edges_flush(&sink->edges);
}

void kn_edges_flush(struct kn_edges *edges) {
  struct kn_edge_sink *sink = KN_CONTAINER_OF(edges, struct kn_edge_sink, edges);
  size_t n = edges->count;
  edges->count = 0;
  if (n)
    sink->process(sink, edges->slots, n);
}

/* ---- API entry points that every collector shares ---------------------- */

const char *kn_heap_error(struct kn_heap *heap) { return kn_common_of(heap)->error; }

bool kn_heap_add_root(struct kn_heap *heap, void **slot) {
  struct kn_common *c = kn_common_of(heap);
  if (!slot) {
    kn_set_error(c, "kn_heap_add_root: NULL slot");
    return false;
  }
  pthread_mutex_lock(&c->roots_lock);
  bool added = kn_root_set_add(&c->roots, slot);
  pthread_mutex_unlock(&c->roots_lock);
  if (!added) {
    kn_set_error(c, "kn_heap_add_root: out of memory");
    return false;
  }
  return true;
}

bool kn_heap_remove_root(struct kn_heap *heap, void **slot) {
  struct kn_common *c = kn_common_of(heap);
  pthread_mutex_lock(&c->roots_lock);
  bool removed = kn_root_set_remove(&c->roots, slot);
  pthread_mutex_unlock(&c->roots_lock);
  if (removed)
    return true;
  kn_set_error(c, "kn_heap_remove_root: %p is not a registered root", (void *)slot);
#ifdef KN_DEBUG
  kn_misuse(c->error);
#endif
  return false;
}

void kn_mutator_set_roots(struct kn_mutator *mut,
                          void (*trace_roots)(struct kn_edges *edges, void *data),
                          void *data) {
  struct kn_mutator_base *base = kn_mutator_base(mut);
  base->roots.trace = trace_roots;
  base->roots.data = data;
}

struct kn_heap *kn_mutator_heap(struct kn_mutator *mut) {
  return (struct kn_heap *)kn_mutator_base(mut)->heap;
}

void kn_heap_set_oom_handler(struct kn_heap *heap, kn_oom_handler handler, void *data) {
  struct kn_common *c = kn_common_of(heap);
  c->oom_handler = handler;
  c->oom_data = data;
}

void kn_heap_get_stats(struct kn_heap *heap, struct kn_stats *out) {
  kn_common_get_stats(kn_common_of(heap), out);
}

void kn_heap_set_event_listener(struct kn_heap *heap, const struct kn_event_listener *l) {
  struct kn_common *c = kn_common_of(heap);
  if (l)
    c->stats.listener = *l;
  else
    memset(&c->stats.listener, 0, sizeof c->stats.listener);
}
