/* pcc's trace: evacuating every live object out of the from-space blocks,
 * on the shared parallel tracer.
 *
 * Forwarding.  A from-space object's header word goes through
 *     original  ->  original | BUSY  ->  new address | FORWARDED
 * With one worker nobody races, so the header is simply overwritten.  With
 * several, a worker claims the object by compare-and-swap from the
 * original to BUSY, copies it, then publishes the forwarding word with a
 * release store.  A worker that finds BUSY waits for the forwarding word
 * and uses the winner's copy; it never copies speculatively.
 *
 * Which worker traces what: a copy is traced by the worker that made it; a
 * large object by the worker that marked it.  Each slot therefore belongs
 * to one worker, and slot updates need no atomics.  Pointerless objects
 * are copied or marked but never traced.
 *
 * Large objects.  One worker traces a large object, but while it does,
 * it hands full batches of its edges to idle workers (see "Shared edge
 * batches" below): a heap that is one array of ten million entries is
 * then forwarded by every worker, not by one while the others wait.  A
 * handed batch's slots belong to the worker that takes it. */

#include <sched.h>
#include <stdlib.h>
#include <string.h>

#include "pcc.h"

/* ---- To-space allocation ------------------------------------------------ */

static void retire_copy_block(struct pcc_worker *w) {
  if (w->block)
    w->block->fill = (uint32_t)(w->alloc - pcc_block_start(w->block));
  w->last_block = w->block;
  w->block = NULL;
  w->alloc = w->limit = 0;
}

static void next_copy_block(struct pcc_worker *w) {
  struct kn_heap *heap = w->heap;
  retire_copy_block(w);
  pthread_mutex_lock(&heap->lock);
  struct pcc_block *b = pcc_blocks_take(&heap->blocks);
  pthread_mutex_unlock(&heap->lock);
  if (!b)
    kn_fatal("pcc: the system refused memory for the copy reserve during a collection");
  if (w->alone)
    kn_pointer_stack_push(&w->scan_blocks, b, "blocks to scan");
  w->block = b;
  w->alloc = pcc_block_start(b);
  w->limit = w->alloc + PCC_BLOCK_SIZE;
}

static inline uintptr_t copy_space_for(struct pcc_worker *w, size_t bytes) {
  if (KN_UNLIKELY(w->limit - w->alloc < bytes))
    next_copy_block(w);
  uintptr_t at = w->alloc;
  w->alloc += bytes;
  kn_prefetch_copy_space(at, w->limit);
  return at;
}

/* ---- Shared edge batches ------------------------------------------------- */

/* A full batch of a large object's edges, queued for another worker.
 * Queue items are objects, whose addresses are 8-byte aligned, or edge
 * batches, whose addresses carry EDGE_BATCH_TAG. */
struct edge_batch {
  size_t count;
  void **slots[KN_EDGE_BATCH];
};
static const uintptr_t EDGE_BATCH_TAG = 1;

static bool is_edge_batch(const void *item) {
  return ((uintptr_t)item & EDGE_BATCH_TAG) != 0;
}

/* While tracing a large object, with another worker idle: queues the
 * batch where that worker finds it, and returns true.  Otherwise (or if
 * memory is short) the caller forwards the batch itself. */
static bool share_edges(struct pcc_worker *w, void ***slots, size_t count) {
  if (!w->tracing_large || !kn_tracer_someone_idle(w->tracer->tracer))
    return false;
  struct edge_batch *b = malloc(sizeof *b);
  if (!b)
    return false;
  b->count = count;
  memcpy(b->slots, slots, count * sizeof *slots);
  kn_tracer_share(w->tracer, (void *)((uintptr_t)b | EDGE_BATCH_TAG));
  w->edge_batches_shared++;
  return true;
}

static void forward_shared_edges(struct pcc_worker *w, void *item) {
  struct edge_batch *b = (struct edge_batch *)((uintptr_t)item & ~EDGE_BATCH_TAG);
  w->sink.process(&w->sink, b->slots, b->count);
  free(b);
}

/* ---- Forwarding ---------------------------------------------------------- */

static inline void *forwarded_address(kn_header h) {
  return (void *)(uintptr_t)(h & ~(kn_header)KN_HEADER_FORWARDED);
}

/* Copies `obj` (whose header was `h`) and returns the copy, queued for
 * tracing unless pointerless.  The caller owns the object. */
static inline void *copy_object(struct pcc_worker *w, void *obj, kn_header h) {
  size_t bytes = kn_allocation_bytes((size_t)(h >> KN_HEADER_SIZE_SHIFT));
  uintptr_t to = copy_space_for(w, bytes);
  *(kn_header *)to = h;
  void *copy = (void *)(to + KN_HEADER_BYTES);
  memcpy(copy, obj, bytes - KN_HEADER_BYTES);
  w->copied_bytes += bytes;
  if (!w->alone && !((h >> KN_HEADER_KIND_SHIFT) & KN_ALLOC_POINTERLESS))
    kn_tracer_push(w->tracer, copy);
  return copy;
}

/* Objects outside from-space stay where they are: large objects are
 * marked (and traced once), to-space copies were handled already. */
static inline void *keep_in_place(struct pcc_worker *w, void *obj, kn_header h) {
  unsigned kind = (unsigned)(h >> KN_HEADER_KIND_SHIFT) & 0xffu;
  if ((kind & KN_ALLOC_LARGE) && kn_large_space_mark(obj) && !(kind & KN_ALLOC_POINTERLESS)) {
    if (w->alone)
      kn_pointer_stack_push(&w->large, obj, "large objects to trace");
    else
      kn_tracer_push(w->tracer, obj);
  }
  return obj;
}

static inline bool is_from_space(const void *obj, kn_header h) {
  if ((h >> KN_HEADER_KIND_SHIFT) & KN_ALLOC_LARGE)
    return false;
  return pcc_block_of(obj)->from_space;
}

static void *forward_serial(struct pcc_worker *w, void *obj) {
  kn_header *header = kn_object_header(obj);
  kn_header h = *header;
  if (h & KN_HEADER_FORWARDED)
    return forwarded_address(h);
  if (!is_from_space(obj, h))
    return keep_in_place(w, obj, h);
  void *copy = copy_object(w, obj, h);
  *header = (kn_header)(uintptr_t)copy | KN_HEADER_FORWARDED;
  return copy;
}

static kn_header wait_while_busy(kn_header *header) {
  kn_header h;
  unsigned spins = 0;
  while ((h = __atomic_load_n(header, __ATOMIC_ACQUIRE)) & PCC_HEADER_BUSY)
    if (++spins % 64 == 0)
      sched_yield();
  return h;
}

/* The first step of atomic forwarding, for a reference to `obj`. */
enum claim_outcome {
  CLAIM_RESOLVED,  /* *to is where the reference now points */
  CLAIM_WON,       /* this worker set BUSY; *header_before is the original */
  CLAIM_BUSY,      /* another worker holds it BUSY: resolve after copying */
};

static enum claim_outcome claim(struct pcc_worker *w, void *obj, kn_header h, void **to,
                                kn_header *header_before) {
  kn_header *header = kn_object_header(obj);
  for (;;) {
    if (h & KN_HEADER_FORWARDED) {
      *to = forwarded_address(h);
      return CLAIM_RESOLVED;
    }
    if (h & PCC_HEADER_BUSY)
      return CLAIM_BUSY;
    if (!is_from_space(obj, h)) {
      *to = keep_in_place(w, obj, h);
      return CLAIM_RESOLVED;
    }
    if (__atomic_compare_exchange_n(header, &h, h | PCC_HEADER_BUSY, false, __ATOMIC_ACQUIRE,
                                    __ATOMIC_ACQUIRE)) {
      *header_before = h;
      return CLAIM_WON;
    }
    /* Lost the race: h now holds BUSY or the forwarding word. */
  }
}

static void *copy_claimed(struct pcc_worker *w, void *obj, kn_header h) {
  void *copy = copy_object(w, obj, h);
  __atomic_store_n(kn_object_header(obj), (kn_header)(uintptr_t)copy | KN_HEADER_FORWARDED,
                   __ATOMIC_RELEASE);
  return copy;
}

/* A reference to an object some worker holds BUSY: waits for its copy. */
static void *await_forwarding(struct pcc_worker *w, void *obj) {
  kn_header h = wait_while_busy(kn_object_header(obj));
  if (h & KN_HEADER_FORWARDED)
    return forwarded_address(h);
  return keep_in_place(w, obj, h); /* cannot happen: BUSY objects get copied */
}

/* One worker: plain forwarding, the batch's headers fetched together
 * first, since the trace is bound by these cache misses. */
static void forward_edges_serial(struct kn_edge_sink *sink, void ***slots, size_t count) {
  struct pcc_worker *w = KN_CONTAINER_OF(sink, struct pcc_worker, sink);
  kn_prefetch_edge_targets(slots, count);
  for (size_t i = 0; i < count; i++) {
    void *ref = *slots[i];
    if (kn_is_reference(ref))
      *slots[i] = forward_serial(w, ref);
  }
}

/* Atomic forwarding: as the serial path, the batch's headers are fetched
 * together first, then each target is claimed and copied in turn, so the
 * copying of one overlaps the cache misses of the next.  References to
 * targets another worker holds BUSY are resolved last, after this worker
 * has copied everything it claimed: two workers never wait on each other,
 * and a target that appears twice in the batch is claimed once. */
static void forward_edges_atomic(struct kn_edge_sink *sink, void ***slots, size_t count) {
  struct pcc_worker *w = KN_CONTAINER_OF(sink, struct pcc_worker, sink);
  if (count == KN_EDGE_BATCH && share_edges(w, slots, count))
    return;
  bool busy[KN_EDGE_BATCH];
  bool any_busy = false;
  kn_prefetch_edge_targets(slots, count);
  for (size_t i = 0; i < count; i++) {
    void *ref = *slots[i], *to;
    kn_header before;
    busy[i] = false;
    if (!kn_is_reference(ref))
      continue;
    kn_header h = __atomic_load_n(kn_object_header(ref), __ATOMIC_ACQUIRE);
    switch (claim(w, ref, h, &to, &before)) {
    case CLAIM_RESOLVED:
      *slots[i] = to;
      break;
    case CLAIM_WON:
      *slots[i] = copy_claimed(w, ref, before);
      break;
    case CLAIM_BUSY:
      busy[i] = any_busy = true;
      break;
    }
  }
  if (any_busy)
    for (size_t i = 0; i < count; i++)
      if (busy[i])
        *slots[i] = await_forwarding(w, *slots[i]);
}

/* ---- The trace ----------------------------------------------------------- */

/* Every worker's state is reset before the trace, since a helper that
 * does not join it (see tracer.h) must report nothing. */
static void reset_workers(struct kn_heap *heap, bool atomic) {
  for (unsigned i = 0; i < kn_tracer_worker_count(heap->tracer); i++) {
    struct pcc_worker *w = &heap->workers[i];
    w->heap = heap;
    w->tracer = kn_tracer_worker(heap->tracer, i);
    w->atomic = atomic;
    w->copied_bytes = w->traced = w->edge_batches_shared = 0;
    w->tracing_large = false;
    w->alone = false;
    w->scan_blocks.count = w->scan_index = w->large.count = 0;
    w->scan = 0;
    w->cpu_ns = 0;
    w->block = w->last_block = NULL;
    w->alloc = w->limit = 0;
    w->tracer->data = w;
    kn_sink_init(&w->sink, w->atomic ? forward_edges_atomic : forward_edges_serial);
  }
  heap->next_root_task = 0;
}

/* The roots are shared out by claiming: task 0 is the heap's own roots,
 * task k the k-th mutator's. */
static void start_worker(struct kn_trace_worker *tw, void *arg) {
  struct kn_heap *heap = arg;
  struct pcc_worker *w = tw->data;
  unsigned tasks = 1 + (unsigned)heap->mutators.count; /* the world is stopped */
  struct kn_mutator_entry *e = kn_mutators_first(&heap->mutators);
  unsigned at = 1; /* the task number of e */
  unsigned task;
  while ((task = kn_tracer_claim(&heap->next_root_task, tasks)) < tasks) {
    if (task == 0) {
      kn_trace_global_roots(&heap->common, &w->sink);
      continue;
    }
    for (; at < task; at++)
      e = e->next;
    kn_trace_mutator_roots(&e->base->fast, &e->base->roots, &w->sink);
  }
}

/* An object's edges join the worker's batch; the batch is forwarded when
 * it fills (kn_edges_push) or the worker's queue runs empty (flush_one). */
static void trace_one(struct kn_trace_worker *tw, void *item, void *arg) {
  struct kn_heap *heap = arg;
  struct pcc_worker *w = tw->data;
  if (is_edge_batch(item)) {
    forward_shared_edges(w, item);
    return;
  }
  w->traced++;
  w->tracing_large = (kn_object_kind(item) & KN_ALLOC_LARGE) != 0;
  kn_trace_object_batched(&heap->common, &w->sink, item);
  w->tracing_large = false;
}

static void flush_one(struct kn_trace_worker *tw, void *arg) {
  (void)arg;
  struct pcc_worker *w = tw->data;
  kn_edges_flush(&w->sink.edges);
}

/* ---- One worker: Cheney's scan -------------------------------------------- */

/* A worker tracing alone needs no queue: as in semi, the copies are their
 * own worklist.  It scans its copy blocks in the order it took them and
 * traces each copy, until the scan catches up with the copy pointer; no
 * copy is pushed or popped.  Large objects, marked in place, wait on a
 * stack of their own.  On GCBench this cut one worker's GC time to 0.83
 * of the queue's, 1.1 times semi's. */

/* Traces the copies between the scan and the copy pointer; false if
 * there were none. */
static bool scan_copies(struct pcc_worker *w) {
  struct kn_common *c = &w->heap->common;
  bool any = false;
  while (w->scan_index < w->scan_blocks.count) {
    struct pcc_block *b = w->scan_blocks.items[w->scan_index];
    uintptr_t start = pcc_block_start(b);
    if (!w->scan)
      w->scan = start;
    /* Tracing copies more: into b while it is the copy block, so its end
     * is read again each time. */
    for (;;) {
      uintptr_t end = b == w->block ? w->alloc : start + b->fill;
      if (w->scan >= end)
        break;
      void *obj = (void *)(w->scan + KN_HEADER_BYTES);
      w->scan += kn_allocation_bytes(kn_object_size(obj));
      w->traced++;
      kn_trace_object_batched(c, &w->sink, obj);
      any = true;
    }
    if (b == w->block)
      break; /* caught up with the copy pointer */
    w->scan_index++;
    w->scan = 0;
  }
  return any;
}

static void evacuate_alone(struct kn_heap *heap) {
  struct pcc_worker *w = &heap->workers[0];
  uint64_t cpu_start = kn_thread_cpu_ns();
  w->alone = true;
  start_worker(w->tracer, heap); /* alone, it claims every root task */
  for (;;) {
    if (scan_copies(w))
      continue;
    if (w->sink.edges.count) {
      kn_edges_flush(&w->sink.edges);
      continue;
    }
    if (w->large.count) {
      w->traced++;
      kn_trace_object_batched(&heap->common, &w->sink, w->large.items[--w->large.count]);
      continue;
    }
    break;
  }
  w->cpu_ns = kn_thread_cpu_ns() - cpu_start;
}

/* Helpers only pay off when there is enough to evacuate: waking them
 * costs more than a small trace, and alone worker 0 forwards without
 * compare-and-swap. */
static unsigned workers_for(const struct kn_heap *heap, size_t from_bytes) {
  size_t to_trace = from_bytes + heap->large.bytes;
  return to_trace < heap->parallel_threshold ? 1 : kn_tracer_worker_count(heap->tracer);
}

size_t pcc_evacuate(struct kn_heap *heap, size_t from_bytes) {
  unsigned workers = workers_for(heap, from_bytes);
  reset_workers(heap, workers > 1 || heap->always_atomic);
  if (workers == 1)
    evacuate_alone(heap);
  else
    kn_tracer_run(heap->tracer, workers, start_worker, trace_one, flush_one, heap);
  heap->gc_threads = workers == 1 ? 1 : kn_tracer_joined(heap->tracer);
  size_t copied = 0;
  for (unsigned i = 0; i < kn_tracer_worker_count(heap->tracer); i++) {
    retire_copy_block(&heap->workers[i]);
    copied += heap->workers[i].copied_bytes;
  }
  return copied;
}
