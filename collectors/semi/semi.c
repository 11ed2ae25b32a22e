/* semi: a Cheney semi-space copying collector.
 *
 * Invariants:
 *  - Between collections every small object lives in the active half, in
 *    [start, hp), packed header after header; the other half holds nothing
 *    live.  Large objects (payload above KN_SEMI_LARGE_THRESHOLD) live in
 *    the large-object space and never move.
 *  - During a collection, a from-space object is either unvisited or its
 *    header is (new address | KN_HEADER_FORWARDED).  To-space [start, scan)
 *    holds objects whose fields already point to to-space; [scan, alloc)
 *    holds copies not yet scanned (the Cheney worklist).
 *  - The heap budget covers both halves and the large objects:
 *    2 * capacity + large bytes <= heap size, unless the live data alone
 *    exceeds it (then allocation reports exhaustion).
 * One mutator; roots are precise. */

#define _GNU_SOURCE
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "kn-internal.h"
#include "large-space.h"

_Static_assert(KN_SEMI_LARGE_THRESHOLD == 8192, "kn-attrs-semi.h and semi.c disagree");

const char kn_collector_id[] = "semi";
const struct kn_option_spec kn_collector_options[] = {
  {NULL, 0, 0, 0, 0, NULL, NULL},
};

struct semi_space {
  char *halves[2];
  int active;
  size_t reserve;      /* virtual bytes reserved per half */
  size_t capacity;     /* usable bytes of the active half */
  size_t touched[2];   /* high-water mark of each half, for returning pages */
  uintptr_t alloc_start; /* hp after the last collection: allocation counting */
};

struct kn_heap {
  struct kn_common common;  /* first: the shared code casts */
  struct semi_space space;
  struct kn_large_space large;
  struct kn_mutator *mutator;
};

struct kn_mutator {
  struct kn_mutator_base base;  /* first: the fast paths cast */
  struct kn_heap *heap;
};

/* State of one collection. */
struct semi_tracer {
  struct kn_edge_sink sink;
  struct kn_heap *heap;
  uintptr_t from_lo, from_hi;
  uintptr_t alloc;             /* to-space copy pointer */
  uintptr_t to_hi;             /* the end of to-space */
  struct kn_pointer_stack large; /* large objects marked, not yet traced */
};

static void collect(struct kn_heap *heap);
static void trim_idle_half(struct semi_space *s);

/* ---- Heap lifecycle ---------------------------------------------------- */

static size_t round_to_page(size_t n) {
  size_t page = (size_t)sysconf(_SC_PAGESIZE);
  return (n + page - 1) & ~(page - 1);
}

static char *reserve_half(size_t bytes) {
  void *mem = mmap(NULL, bytes, PROT_READ | PROT_WRITE,
                   MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  return mem == MAP_FAILED ? NULL : mem;
}

/* How far a half may ever grow: half the limit, or a generous virtual
 * reservation when the heap may grow without limit. */
static size_t half_reserve(const struct kn_common *c) {
  size_t cap = c->heap_policy == KN_HEAP_FIXED ? c->heap_size
               : c->heap_limit                 ? c->heap_limit
                                               : (size_t)64 << 30;
  return round_to_page(cap / 2 + KN_HEADER_BYTES);
}

static struct kn_mutator_fast *fast_of(struct kn_heap *heap) {
  return &heap->mutator->base.fast;
}

static uintptr_t active_start(const struct semi_space *s) {
  return (uintptr_t)s->halves[s->active];
}

/* Publishes the bump region to the inline fast path.  In stress mode the
 * fast path sees an empty region, so every allocation takes the slow path
 * and is counted. */
static void set_bump_region(struct kn_heap *heap, uintptr_t hp) {
  struct kn_mutator_fast *fast = fast_of(heap);
  fast->hp = hp;
  fast->limit = heap->common.stress ? hp : active_start(&heap->space) + heap->space.capacity;
}

static uintptr_t real_limit(struct kn_heap *heap) {
  return active_start(&heap->space) + heap->space.capacity;
}

static size_t heap_footprint(struct kn_heap *heap) {
  return 2 * heap->space.capacity + heap->large.bytes;
}

bool kn_heap_create(struct kn_options *opts, const struct kn_embedder *embedder,
                    struct kn_heap **heap_out, struct kn_mutator **mut_out) {
  void *m;
  struct kn_common *common =
      kn_heap_alloc(sizeof(struct kn_heap), sizeof(struct kn_mutator), opts, embedder, &m);
  if (!common)
    return false;
  struct kn_heap *heap = KN_CONTAINER_OF(common, struct kn_heap, common);
  struct kn_mutator *mut = m;
  struct semi_space *s = &heap->space;
  s->reserve = half_reserve(&heap->common);
  s->halves[0] = reserve_half(s->reserve);
  s->halves[1] = reserve_half(s->reserve);
  if (!s->halves[0] || !s->halves[1]) {
    if (s->halves[0])
      munmap(s->halves[0], s->reserve);
    return kn_heap_create_failed(common, mut, opts,
                                 "semi: cannot reserve two halves of %zu bytes", s->reserve);
  }
  s->capacity = heap->common.heap_size / 2 & ~(size_t)(KN_GRANULE - 1);
  if (s->capacity > s->reserve)
    s->capacity = s->reserve;
  kn_large_space_init(&heap->large);
  mut->heap = heap;
  mut->base.heap = &heap->common;
  heap->mutator = mut;
  s->alloc_start = active_start(s);
  set_bump_region(heap, active_start(s));
  kn_stats_heap_resized(&heap->common, 0, heap_footprint(heap));
  *heap_out = heap;
  *mut_out = mut;
  return true;
}

void kn_heap_destroy(struct kn_heap *heap) {
  munmap(heap->space.halves[0], heap->space.reserve);
  munmap(heap->space.halves[1], heap->space.reserve);
  kn_large_space_destroy(&heap->large);
  kn_common_destroy(&heap->common);
  free(heap->mutator);
  free(heap);
}

/* Thread entry points are in collectors/shared/one-mutator.c.  No
 * generations, so no barrier: the fast path never calls this. */
void kn_write_barrier_slow(struct kn_mutator *mut, void *obj, void **slot, void *value) {
  (void)mut, (void)obj, (void)slot, (void)value;
}

/* ---- Allocation -------------------------------------------------------- */

static void *bump(struct kn_heap *heap, size_t size, unsigned kind, unsigned tag) {
  size_t bytes = kn_allocation_bytes(size);
  uintptr_t hp = fast_of(heap)->hp;
  if (real_limit(heap) - hp < bytes)
    return NULL;
  *(kn_header *)hp = kn_header_make(size, kind, tag);
  void *obj = (void *)(hp + KN_HEADER_BYTES);
  memset(obj, 0, bytes - KN_HEADER_BYTES);
  set_bump_region(heap, hp + bytes);
  return obj;
}

/* Grows the active half so that `bytes` more fit, if the policy allows. */
static bool grow_for(struct kn_heap *heap, size_t bytes) {
  struct kn_common *c = &heap->common;
  struct semi_space *s = &heap->space;
  size_t used = fast_of(heap)->hp - active_start(s);
  size_t want = round_to_page(used + bytes + used / 2);
  if (c->heap_policy == KN_HEAP_FIXED || want > s->reserve)
    return false;
  size_t footprint = 2 * want + heap->large.bytes;
  if (c->heap_limit && footprint > c->heap_limit) {
    want = (c->heap_limit - heap->large.bytes) / 2 & ~(size_t)(KN_GRANULE - 1);
    if (want < used + bytes)
      return false;
  }
  size_t old = heap_footprint(heap);
  s->capacity = want;
  set_bump_region(heap, fast_of(heap)->hp);
  kn_stats_heap_resized(c, old, heap_footprint(heap));
  return true;
}

static void *allocate_small(struct kn_heap *heap, size_t size, unsigned kind, unsigned tag) {
  for (;;) {
    void *obj = bump(heap, size, kind, tag);
    if (obj)
      return obj;
    collect(heap);
    if ((obj = bump(heap, size, kind, tag)))
      return obj;
    if (grow_for(heap, kn_allocation_bytes(size)) && (obj = bump(heap, size, kind, tag)))
      return obj;
    if (!kn_heap_exhausted(&heap->common, size, heap_footprint(heap)))
      return NULL;
  }
}

/* Makes room in the budget for a large object of `size` bytes, shrinking
 * the halves down to what the active one uses if need be; false if that
 * is not enough. */
static bool make_room_for_large(struct kn_heap *heap, size_t size, bool grow) {
  struct semi_space *s = &heap->space;
  size_t budget = kn_heap_budget(&heap->common, grow);
  size_t cost = kn_large_space_cost(size);
  if (heap_footprint(heap) + cost <= budget)
    return true;
  size_t need = heap->large.bytes + cost;
  if (need > budget)
    return false;
  size_t capacity = (budget - need) / 2 & ~(size_t)(KN_GRANULE - 1);
  if (capacity < fast_of(heap)->hp - active_start(s))
    return false;
  s->capacity = capacity;
  set_bump_region(heap, fast_of(heap)->hp);
  trim_idle_half(s);
  return true;
}

/* Large objects count against the same budget as the halves, so a program
 * that allocates only large objects still triggers collections. */
static void *allocate_large(struct kn_heap *heap, size_t size, unsigned kind, unsigned tag) {
  struct kn_common *c = &heap->common;
  for (;;) {
    bool room = make_room_for_large(heap, size, false);
    if (!room) {
      collect(heap);
      room = make_room_for_large(heap, size, false) || make_room_for_large(heap, size, true);
    }
    if (room) {
      size_t old = heap_footprint(heap);
      void *obj = kn_large_space_allocate(&heap->large, size, kind, tag);
      if (obj) {
        kn_stats_count_allocation(c, kn_large_space_cost(size));
        kn_stats_heap_resized(c, old, heap_footprint(heap));
        return obj;
      }
    }
    if (!kn_heap_exhausted(c, size, heap_footprint(heap)))
      return NULL;
  }
}

void *kn_allocate_slow(struct kn_mutator *mut, size_t size, unsigned kind, unsigned tag) {
  struct kn_heap *heap = mut->heap;
  if (KN_UNLIKELY(size > KN_MAX_OBJECT_BYTES))
    kn_request_too_large(&heap->common, size, heap_footprint(heap));
  if (kn_stress_tick(&heap->common))
    collect(heap);
  if (size > KN_SEMI_LARGE_THRESHOLD || (kind & KN_ALLOC_LARGE))
    return allocate_large(heap, size, kind, tag);
  return allocate_small(heap, size, kind, tag);
}

void kn_collect(struct kn_mutator *mut, enum kn_collection_kind kind) {
  (void)kind; /* no generations: every collection is major */
  collect(mut->heap);
}

/* ---- Tracing ----------------------------------------------------------- */

/* Returns the to-space address of `obj`, copying it on first visit. */
static inline void *forward(struct semi_tracer *t, void *obj) {
  uintptr_t addr = (uintptr_t)obj;
  if (addr - t->from_lo >= t->from_hi - t->from_lo) {
    /* Not in from-space: a large object (or already in to-space). */
    if ((kn_object_kind(obj) & KN_ALLOC_LARGE) && kn_large_space_mark(obj))
      kn_pointer_stack_push(&t->large, obj, "large objects to trace");
    return obj;
  }
  kn_header *header = kn_object_header(obj);
  kn_header h = *header;
  if (h & KN_HEADER_FORWARDED)
    return (void *)(uintptr_t)(h & ~(kn_header)KN_HEADER_FORWARDED);
  size_t bytes = kn_allocation_bytes((size_t)(h >> KN_HEADER_SIZE_SHIFT));
  memcpy((void *)t->alloc, header, bytes);
  void *copy = (void *)(t->alloc + KN_HEADER_BYTES);
  kn_prefetch_copy_space(t->alloc, t->to_hi);
  t->alloc += bytes;
  *header = (kn_header)(uintptr_t)copy | KN_HEADER_FORWARDED;
  return copy;
}

/* A batch holds the edges of several objects (kn_trace_object_batched):
 * their targets' headers are fetched together first, so that the cache
 * misses overlap instead of following one another. */
static void forward_edges(struct kn_edge_sink *sink, void ***slots, size_t count) {
  struct semi_tracer *t = KN_CONTAINER_OF(sink, struct semi_tracer, sink);
  kn_prefetch_edge_targets(slots, count);
  for (size_t i = 0; i < count; i++) {
    void *ref = *slots[i];
    if (kn_is_reference(ref))
      *slots[i] = forward(t, ref);
  }
}

/* Cheney's scan, interleaved with tracing the large objects reached.
 * Edges are forwarded in batches across objects; the scan is done when it
 * has caught up with the copies and no edge is left in the batch. */
static void trace_until_done(struct semi_tracer *t, uintptr_t scan) {
  struct kn_common *c = &t->heap->common;
  for (;;) {
    while (scan < t->alloc) {
      void *obj = (void *)(scan + KN_HEADER_BYTES);
      scan += kn_allocation_bytes(kn_object_size(obj));
      kn_trace_object_batched(c, &t->sink, obj);
    }
    kn_edges_flush(&t->sink.edges);
    if (scan < t->alloc)
      continue;
    if (!t->large.count)
      return;
    kn_trace_object(c, &t->sink, t->large.items[--t->large.count]);
  }
}

/* ---- Collection -------------------------------------------------------- */

static void verify_heap(struct kn_heap *heap);

/* Returns pages above the new capacity in the idle half to the system. */
static void trim_idle_half(struct semi_space *s) {
  int idle = 1 - s->active;
  size_t keep = round_to_page(s->capacity);
  if (s->touched[idle] > keep) {
    madvise(s->halves[idle] + keep, s->touched[idle] - keep, MADV_DONTNEED);
    s->touched[idle] = keep;
  }
}

static void resize_after_collection(struct kn_heap *heap, size_t live_small) {
  struct kn_common *c = &heap->common;
  struct semi_space *s = &heap->space;
  size_t target = kn_policy_heap_size(c, live_small + heap->large.live_bytes);
  size_t capacity = target > heap->large.bytes ? (target - heap->large.bytes) / 2 : 0;
  capacity &= ~(size_t)(KN_GRANULE - 1);
  if (capacity < live_small)
    capacity = live_small;
  if (capacity > s->reserve)
    capacity = s->reserve;
  s->capacity = capacity;
}

static void collect(struct kn_heap *heap) {
  struct kn_common *c = &heap->common;
  struct semi_space *s = &heap->space;
  struct kn_mutator_fast *fast = fast_of(heap);
  size_t old_footprint = heap_footprint(heap);

  kn_collection_begin(c, KN_COLLECT_MAJOR);
  kn_stats_count_allocation(c, fast->hp - s->alloc_start);
  if (fast->hp - active_start(s) > s->touched[s->active])
    s->touched[s->active] = fast->hp - active_start(s);

  struct semi_tracer t = {.heap = heap};
  kn_sink_init(&t.sink, forward_edges);
  t.from_lo = active_start(s);
  t.from_hi = t.from_lo + s->reserve;
  s->active = 1 - s->active;
  uintptr_t to = active_start(s);
  t.alloc = to;
  t.to_hi = to + s->reserve;

  kn_trace_global_roots(c, &t.sink);
  kn_trace_mutator_roots(fast, &heap->mutator->base.roots, &t.sink);
  trace_until_done(&t, to);
  free(t.large.items);
  kn_large_space_sweep(&heap->large);

  size_t live_small = t.alloc - to;
  resize_after_collection(heap, live_small);
  if (live_small > s->touched[s->active])
    s->touched[s->active] = live_small;
  trim_idle_half(s);
  s->alloc_start = t.alloc;
  set_bump_region(heap, t.alloc);

  struct kn_collection_report report = {
    .kind = KN_COLLECT_MAJOR,
    .live_bytes = live_small + heap->large.live_bytes,
    .heap_bytes = heap_footprint(heap),
  };
  kn_report_add_counter(&report, "large-objects", heap->large.count);
  kn_collection_end(c, &report);
  kn_stats_heap_resized(c, old_footprint, heap_footprint(heap));
  if (c->verify)
    verify_heap(heap);
}

/* ---- Verification ------------------------------------------------------ */

struct semi_verify {
  struct kn_heap *heap;
  uintptr_t start, end;
  uint64_t *starts;  /* one bit per granule of [start, end): an object begins */
};

static bool semi_is_object(void *ctx, void *ref) {
  struct semi_verify *v = ctx;
  uintptr_t p = (uintptr_t)ref;
  if (p >= v->start && p < v->end) {
    size_t g = (p - v->start) / KN_GRANULE;
    return (v->starts[g / 64] >> (g % 64)) & 1;
  }
  return kn_large_space_contains(&v->heap->large, ref);
}

static size_t run_verifier(struct kn_heap *heap) {
  struct semi_verify v = {.heap = heap, .start = active_start(&heap->space),
                          .end = fast_of(heap)->hp};
  size_t granules = (v.end - v.start) / KN_GRANULE + 1;
  v.starts = calloc(granules / 64 + 1, sizeof *v.starts);
  if (!v.starts)
    kn_fatal("verifier: out of memory");
  size_t problems = 0;
  for (uintptr_t p = v.start; p < v.end;) {
    void *obj = (void *)(p + KN_HEADER_BYTES);
    size_t size = kn_object_size(obj);
    if (size > KN_SEMI_LARGE_THRESHOLD || (*kn_object_header(obj) & KN_HEADER_FORWARDED)) {
      fprintf(stderr, "kennel verify: semi: corrupt header at %p\n", (void *)p);
      problems++;
      break;
    }
    size_t g = ((uintptr_t)obj - v.start) / KN_GRANULE;
    v.starts[g / 64] |= (uint64_t)1 << (g % 64);
    p += kn_allocation_bytes(size);
  }
  struct kn_verifier *ver = kn_verifier_create(&heap->common, semi_is_object, &v);
  kn_trace_global_roots(&heap->common, kn_verifier_sink(ver));
  kn_trace_mutator_roots(fast_of(heap), &heap->mutator->base.roots, kn_verifier_sink(ver));
  problems += kn_verifier_finish(ver);
  kn_verifier_destroy(ver);
  free(v.starts);
  return problems;
}

static void verify_heap(struct kn_heap *heap) {
  size_t problems = run_verifier(heap);
  if (problems)
    kn_fatal("heap verification failed after collection %llu: %zu problems",
             (unsigned long long)(heap->common.stats.totals.collections[KN_COLLECT_MAJOR]),
             problems);
}

size_t kn_heap_verify(struct kn_mutator *mut) { return run_verifier(mut->heap); }
