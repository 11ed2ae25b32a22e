/* pcc: a parallel copying collector for several mutator threads.
 *
 * Invariants:
 *  - Every small object (payload up to KN_PCC_LARGE_THRESHOLD) lives in a
 *    used 64 kB block, packed from the block start; a retired block's
 *    `fill` says where its objects end.  A mutator bumps through a block of
 *    its own ([fast.hp, block_limit)); nobody else allocates there.  Large
 *    objects live in the shared large-object space and never move.
 *  - The heap lock guards the block lists, `capacity` and the large space;
 *    the allocation fast path takes no lock, the slow path takes it once
 *    per block.  Nobody holds it while parked or collecting.
 *  - Budget: mutators may fill at most `capacity` blocks (survivors
 *    included); the footprint 2 * capacity * 64 kB + large bytes stays
 *    within the heap size, the other half being the copy reserve that a
 *    collection evacuates into.  The reserve is paged in only when used.
 *  - A collection runs with the world stopped (mutators.h): every other
 *    mutator is parked or inactive, every mutator's block retired.  During
 *    it, the from-space blocks are exactly those marked from_space; a
 *    from-space object is original, BUSY or forwarded (evacuate.c).  After
 *    it, no header is busy or forwarded and from-space is free.
 * Roots are precise; objects move on every collection. */

#include <stdlib.h>
#include <string.h>

#include "pcc.h"

_Static_assert(KN_PCC_LARGE_THRESHOLD == 8192, "kn-attrs-pcc.h and pcc.c disagree");
_Static_assert(KN_HEADER_BYTES + KN_PCC_LARGE_THRESHOLD <= PCC_BLOCK_SIZE,
               "the largest small object must fit in a block");
_Static_assert((PCC_HEADER_BUSY & KN_HEADER_GC_BITS) == PCC_HEADER_BUSY,
               "the busy bit must be a collector bit of the header");

const char kn_collector_id[] = "pcc";
static const char *const forwarding_choices[] = {"auto", "atomic", NULL};
const struct kn_option_spec kn_collector_options[] = {
  {"forwarding", KN_OPT_CHOICE, PCC_FORWARDING_AUTO, 0, 1, forwarding_choices,
   "auto: compare-and-swap only with several GC threads; atomic: always (to measure it)"},
  {"parallel-threshold", KN_OPT_SIZE, 2.0 * 1024 * 1024, 0, 1024.0 * 1024 * 1024 * 1024, NULL,
   "a collection with less than this to evacuate traces on one thread"},
  {NULL, 0, 0, 0, 0, NULL, NULL},
};

/* A partly filled survivor block is worth continuing if this much is free. */
#define PCC_PARTIAL_MIN_ROOM ((size_t)4096)

static bool collect(struct kn_heap *heap, struct kn_mutator *mut, uint64_t epoch,
                    bool take_block);
static void retire_mutator_block(struct kn_mutator *mut);

static struct kn_mutator *mutator_of(struct kn_mutator_entry *e) {
  return (struct kn_mutator *)e->base;
}

/* ---- Heap lifecycle ---------------------------------------------------- */

static size_t blocks_for_budget(size_t bytes) {
  size_t n = bytes / (2 * PCC_BLOCK_SIZE);
  return n ? n : 1;
}

static void init_mutator(struct kn_heap *heap, struct kn_mutator *mut) {
  mut->heap = heap;
  mut->base.heap = &heap->common;
  mut->stress_countdown = heap->common.stress;
  kn_mutators_add(&heap->mutators, &mut->entry, &mut->base);
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
  unsigned parallelism = (unsigned)kn_option(heap->common.opts, "parallelism");
  unsigned nworkers = kn_tracer_workers_for(parallelism);
  heap->tracer = kn_tracer_create(nworkers);
  heap->workers = heap->tracer ? kn_calloc_cache_aligned(nworkers, sizeof *heap->workers) : NULL;
  if (!heap->workers) {
    if (heap->tracer)
      kn_tracer_destroy(heap->tracer);
    return kn_heap_create_failed(common, mut, opts, "pcc: out of memory for %u GC workers",
                                 nworkers);
  }
  pthread_mutex_init(&heap->lock, NULL);
  pcc_blocks_init(&heap->blocks);
  kn_large_space_init(&heap->large);
  kn_mutators_init(&heap->mutators);
  heap->capacity = blocks_for_budget(heap->common.heap_size);
  heap->always_atomic = kn_option(heap->common.opts, "forwarding") == PCC_FORWARDING_ATOMIC;
  heap->parallel_threshold = (size_t)kn_option(heap->common.opts, "parallel-threshold");
  heap->first = mut;
  init_mutator(heap, mut);
  kn_stats_heap_resized(&heap->common, 0, pcc_footprint(heap));
  *heap_out = heap;
  *mut_out = mut;
  return true;
}

void kn_heap_destroy(struct kn_heap *heap) {
  if (heap->mutators.count > 1)
    kn_misuse("kn_heap_destroy: other mutators are still attached; detach them first");
  for (unsigned i = 0; heap->workers && i < kn_tracer_worker_count(heap->tracer); i++) {
    free(heap->workers[i].scan_blocks.items);
    free(heap->workers[i].large.items);
  }
  kn_tracer_destroy(heap->tracer);
  kn_mutators_remove(&heap->mutators, &heap->first->entry);
  kn_mutators_destroy(&heap->mutators);
  pcc_blocks_destroy(&heap->blocks);
  kn_large_space_destroy(&heap->large);
  pthread_mutex_destroy(&heap->lock);
  kn_common_destroy(&heap->common);
  free(heap->workers);
  free(heap->first);
  free(heap);
}

/* ---- Mutators ---------------------------------------------------------- */

struct kn_mutator *kn_mutator_attach(struct kn_heap *heap) {
  struct kn_mutator *mut = calloc(1, sizeof *mut);
  if (!mut) {
    kn_set_error(&heap->common, "kn_mutator_attach: out of memory");
    return NULL;
  }
  init_mutator(heap, mut);
  return mut;
}

void kn_mutator_detach(struct kn_mutator *mut) {
  struct kn_heap *heap = mut->heap;
  if (mut == heap->first)
    kn_misuse("kn_mutator_detach: the heap's first mutator belongs to the heap; "
              "kn_heap_destroy frees it");
  pthread_mutex_lock(&heap->lock);
  retire_mutator_block(mut);
  heap->detached_allocated += mut->allocated;
  pthread_mutex_unlock(&heap->lock);
  kn_mutators_remove(&heap->mutators, &mut->entry);
  free(mut);
}

/* An inactive mutator is neither parked nor running: collections proceed
 * without it, and trace and update its roots while it sleeps. */
void kn_mutator_deactivate(struct kn_mutator *mut) {
  kn_mutators_deactivate(&mut->heap->mutators, &mut->entry);
}

void kn_mutator_reactivate(struct kn_mutator *mut) {
  kn_mutators_reactivate(&mut->heap->mutators, &mut->entry);
}

void kn_safepoint_slow(struct kn_mutator *mut) {
  kn_mutators_park(&mut->heap->mutators, &mut->entry);
}

void kn_write_barrier_slow(struct kn_mutator *mut, void *obj, void **slot, void *value) {
  (void)mut, (void)obj, (void)slot, (void)value;
}

/* ---- Allocation -------------------------------------------------------- */

/* Publishes the bump region to the inline fast path.  In stress mode the
 * fast path sees an empty region, so every allocation is counted here. */
static void set_bump_region(struct kn_mutator *mut, uintptr_t hp) {
  mut->base.fast.hp = hp;
  mut->base.fast.limit = mut->heap->common.stress ? hp : mut->block_limit;
}

/* Hands the mutator's block back, recording how far it is filled.  The
 * caller holds the heap lock or has stopped the world. */
static void retire_mutator_block(struct kn_mutator *mut) {
  if (mut->block) {
    mut->block->fill = (uint32_t)(mut->base.fast.hp - pcc_block_start(mut->block));
    mut->allocated += mut->base.fast.hp - mut->block_base;
  }
  mut->block = NULL;
  mut->block_limit = 0;
  set_bump_region(mut, 0);
}

/* The next block for the mutator: the rest of a survivor block, or a
 * fresh one if the budget allows. */
static bool next_block(struct kn_mutator *mut) {
  struct kn_heap *heap = mut->heap;
  pthread_mutex_lock(&heap->lock);
  retire_mutator_block(mut);
  struct pcc_block *b = NULL;
  if (heap->npartial)
    b = heap->partial[--heap->npartial];
  else if (heap->blocks.nused < heap->capacity)
    b = pcc_blocks_take(&heap->blocks);
  pthread_mutex_unlock(&heap->lock);
  if (!b)
    return false;
  mut->block = b;
  mut->block_base = pcc_block_start(b) + b->fill;
  mut->block_limit = pcc_block_start(b) + PCC_BLOCK_SIZE;
  set_bump_region(mut, mut->block_base);
  return true;
}

static void *bump(struct kn_mutator *mut, size_t size, unsigned kind, unsigned tag) {
  size_t bytes = kn_allocation_bytes(size);
  uintptr_t hp = mut->base.fast.hp;
  if (mut->block_limit - hp < bytes)
    return NULL;
  *(kn_header *)hp = kn_header_make(size, kind, tag);
  void *obj = (void *)(hp + KN_HEADER_BYTES);
  memset(obj, 0, bytes - KN_HEADER_BYTES);
  set_bump_region(mut, hp + bytes);
  return obj;
}

/* Grows a growable heap's capacity so that more blocks can be used;
 * false if the policy does not allow it. */
static bool grow(struct kn_heap *heap) {
  struct kn_common *c = &heap->common;
  pthread_mutex_lock(&heap->lock);
  size_t old = pcc_footprint(heap), used = heap->blocks.nused;
  size_t want = used + used / 2 + 1;
  if (c->heap_policy == KN_HEAP_GROWABLE && c->heap_limit) {
    size_t room = c->heap_limit > heap->large.bytes ? c->heap_limit - heap->large.bytes : 0;
    if (want > room / (2 * PCC_BLOCK_SIZE))
      want = room / (2 * PCC_BLOCK_SIZE);
  }
  bool grew = c->heap_policy == KN_HEAP_GROWABLE && want > heap->capacity;
  if (grew) {
    heap->capacity = want;
    kn_stats_heap_resized(c, old, pcc_footprint(heap));
  }
  pthread_mutex_unlock(&heap->lock);
  return grew;
}

/* After a collection: the survivors of a fixed heap need more than its
 * budget (capacity was raised to the blocks in use, since evacuation
 * never fails).  Carrying on in the survivors' partial blocks would run
 * over the fixed size and thrash; that is exhaustion. */
static bool over_fixed_budget(struct kn_heap *heap) {
  const struct kn_common *c = &heap->common;
  if (c->heap_policy != KN_HEAP_FIXED)
    return false;
  pthread_mutex_lock(&heap->lock); /* other mutators allocate large objects */
  bool over = pcc_footprint(heap) > c->heap_size;
  pthread_mutex_unlock(&heap->lock);
  return over;
}

static void *allocate_small(struct kn_mutator *mut, size_t size, unsigned kind, unsigned tag) {
  struct kn_heap *heap = mut->heap;
  for (;;) {
    void *obj = bump(mut, size, kind, tag);
    if (obj)
      return obj;
    uint64_t epoch = kn_mutators_epoch(&heap->mutators);
    if (next_block(mut))
      continue;
    /* Our own collection takes a block before the others wake, so that
     * they cannot use up what it freed; if another thread collected first,
     * what it freed is worth a try. */
    if (!collect(heap, mut, epoch, true))
      continue;
    if (!over_fixed_budget(heap) && (mut->block || grow(heap)))
      continue;
    if (!kn_heap_exhausted(&heap->common, size, pcc_footprint(heap)))
      return NULL;
  }
}

/* Makes room in the budget (kn_heap_budget) for a large object of `size`
 * bytes, shrinking the block capacity down to the blocks in use if need
 * be.  The caller holds the heap lock. */
static bool make_room_for_large(struct kn_heap *heap, size_t size, bool grow) {
  size_t budget = kn_heap_budget(&heap->common, grow);
  size_t need = heap->large.bytes + kn_large_space_cost(size);
  if (pcc_footprint(heap) + kn_large_space_cost(size) <= budget)
    return true;
  if (need > budget)
    return false;
  size_t capacity = (budget - need) / (2 * PCC_BLOCK_SIZE);
  if (capacity < heap->blocks.nused || capacity == 0)
    return false;
  heap->capacity = capacity;
  pcc_blocks_page_out(&heap->blocks, 2 * capacity);
  return true;
}

static void *allocate_large(struct kn_mutator *mut, size_t size, unsigned kind, unsigned tag) {
  struct kn_heap *heap = mut->heap;
  struct kn_common *c = &heap->common;
  for (bool collected = false;;) {
    uint64_t epoch = kn_mutators_epoch(&heap->mutators);
    pthread_mutex_lock(&heap->lock);
    /* Large objects count against the policy's size, so large garbage
     * triggers collections; the heap grows only when one did not help. */
    if (make_room_for_large(heap, size, false) ||
        (collected && make_room_for_large(heap, size, true))) {
      size_t old = pcc_footprint(heap);
      void *obj = kn_large_space_allocate(&heap->large, size, kind, tag);
      if (obj) {
        mut->allocated += kn_large_space_cost(size);
        kn_stats_heap_resized(c, old, pcc_footprint(heap));
        pthread_mutex_unlock(&heap->lock);
        return obj;
      }
    }
    pthread_mutex_unlock(&heap->lock);
    if (!collected) {
      collected = collect(heap, mut, epoch, false); /* else: retry after theirs */
      continue;
    }
    collected = false;
    if (!kn_heap_exhausted(c, size, pcc_footprint(heap)))
      return NULL;
  }
}

static bool stress_tick(struct kn_mutator *mut) {
  if (!mut->heap->common.stress || --mut->stress_countdown)
    return false;
  mut->stress_countdown = mut->heap->common.stress;
  return true;
}

void *kn_allocate_slow(struct kn_mutator *mut, size_t size, unsigned kind, unsigned tag) {
  struct kn_heap *heap = mut->heap;
  if (KN_UNLIKELY(size > KN_MAX_OBJECT_BYTES))
    kn_request_too_large(&heap->common, size, pcc_footprint(heap));
  kn_safepoint(mut);
  if (stress_tick(mut))
    collect(heap, mut, KN_ANY_EPOCH, false);
  if (size > KN_PCC_LARGE_THRESHOLD || (kind & KN_ALLOC_LARGE))
    return allocate_large(mut, size, kind, tag);
  return allocate_small(mut, size, kind, tag);
}

void kn_collect(struct kn_mutator *mut, enum kn_collection_kind kind) {
  (void)kind; /* no generations: every collection is major */
  collect(mut->heap, mut, KN_ANY_EPOCH, false);
}

/* ---- Collection -------------------------------------------------------- */

/* Retires every mutator's block and gathers what they allocated. */
static uint64_t retire_all_mutators(struct kn_heap *heap) {
  uint64_t allocated = heap->detached_allocated;
  heap->detached_allocated = 0;
  for (struct kn_mutator_entry *e = kn_mutators_first(&heap->mutators); e; e = e->next) {
    struct kn_mutator *m = mutator_of(e);
    retire_mutator_block(m);
    allocated += m->allocated;
    m->allocated = 0;
  }
  return allocated;
}

static void resize_after_collection(struct kn_heap *heap, size_t live_small) {
  struct kn_common *c = &heap->common;
  size_t target = kn_policy_heap_size(c, live_small + heap->large.live_bytes);
  size_t capacity = target > heap->large.bytes
                        ? blocks_for_budget(target - heap->large.bytes) : 1;
  if (capacity < heap->blocks.nused)
    capacity = heap->blocks.nused;
  heap->capacity = capacity;
  pcc_blocks_page_out(&heap->blocks, 2 * capacity);
}

/* Survivor blocks with room for a few objects more are continued. */
static void keep_partial_blocks(struct kn_heap *heap) {
  for (unsigned i = 0; i < kn_tracer_worker_count(heap->tracer); i++) {
    struct pcc_block *b = heap->workers[i].last_block;
    if (b && b->fill + PCC_PARTIAL_MIN_ROOM <= PCC_BLOCK_SIZE)
      heap->partial[heap->npartial++] = b;
  }
}

static void verify_or_die(struct kn_heap *heap) {
  size_t problems = pcc_verify(heap);
  if (problems)
    kn_fatal("heap verification failed after collection %llu: %zu problems",
             (unsigned long long)heap->common.stats.totals.collections[KN_COLLECT_MAJOR],
             problems);
}

static void collect_stopped(struct kn_heap *heap) {
  struct kn_common *c = &heap->common;
  size_t old_footprint = pcc_footprint(heap);
  kn_collection_begin(c, KN_COLLECT_MAJOR);
  kn_stats_count_allocation(c, retire_all_mutators(heap));

  heap->npartial = 0; /* they are from-space now */
  size_t from_bytes = heap->blocks.nused * PCC_BLOCK_SIZE;
  struct pcc_block *from = pcc_blocks_begin_evacuation(&heap->blocks);
  size_t live_small = pcc_evacuate(heap, from_bytes);
  keep_partial_blocks(heap);
  kn_large_space_sweep(&heap->large);
  pcc_blocks_end_evacuation(&heap->blocks, from);
  resize_after_collection(heap, live_small);

  uint64_t stolen = 0, published = 0, traced = 0, by_helpers = 0, cpu = 0, cpu_max = 0;
  uint64_t batches_shared = 0;
  unsigned nworkers = kn_tracer_worker_count(heap->tracer);
  for (unsigned i = 0; i < nworkers; i++) {
    struct kn_trace_worker *tw = kn_tracer_worker(heap->tracer, i);
    stolen += tw->stolen;
    published += tw->published;
    tw->stolen = tw->published = 0;
    traced += heap->workers[i].traced;
    batches_shared += heap->workers[i].edge_batches_shared;
    by_helpers += i ? heap->workers[i].traced : 0;
    uint64_t worker_cpu = heap->gc_threads == 1 ? heap->workers[i].cpu_ns : tw->cpu_ns;
    cpu += worker_cpu;
    cpu_max = worker_cpu > cpu_max ? worker_cpu : cpu_max;
  }
  struct kn_collection_report report = {
    .kind = KN_COLLECT_MAJOR,
    .live_bytes = live_small + heap->large.live_bytes,
    .heap_bytes = pcc_footprint(heap),
  };
  kn_report_add_counter(&report, "large-objects", heap->large.count);
  kn_report_add_counter(&report, "blocks-used", heap->blocks.nused);
  kn_report_add_counter(&report, "gc-threads", heap->gc_threads);
  kn_count_collection(c, &report, "objects-stolen", stolen);
  kn_stats_add_counter(c, "objects-published", published);
  kn_stats_add_counter(c, "objects-traced", traced);
  kn_stats_add_counter(c, "objects-traced-by-helpers", by_helpers);
  kn_stats_add_counter(c, "edge-batches-shared", batches_shared);
  /* CPU time of the trace, all workers and the busiest one: their ratio
   * bounds the speedup an idle machine would give. */
  kn_stats_add_counter(c, "trace-cpu-ns", cpu);
  kn_stats_add_counter(c, "trace-cpu-busiest-ns", cpu_max);
  kn_stats_add_counter(c, "blocks-paged-out",
                       heap->blocks.paged_out_total - heap->paged_out_reported);
  heap->paged_out_reported = heap->blocks.paged_out_total;
  /* The totals above are up to date when the listener hears of the end,
   * as in the other collectors. */
  kn_collection_end(c, &report);
  kn_stats_heap_resized(c, old_footprint, pcc_footprint(heap));
  if (c->verify)
    verify_or_die(heap);
}

/* Collects unless another thread collected since `epoch` (KN_ANY_EPOCH:
 * collect regardless); true if it did.  With take_block, the mutator
 * takes its next block, if there is room, before the world restarts. */
static bool collect(struct kn_heap *heap, struct kn_mutator *mut, uint64_t epoch,
                    bool take_block) {
  if (!kn_mutators_stop_world(&heap->mutators, &mut->entry, epoch))
    return false;
  collect_stopped(heap);
  if (take_block)
    next_block(mut);
  kn_mutators_restart_world(&heap->mutators);
  return true;
}

size_t kn_heap_verify(struct kn_mutator *mut) {
  struct kn_heap *heap = mut->heap;
  kn_mutators_stop_world(&heap->mutators, &mut->entry, KN_ANY_EPOCH);
  heap->detached_allocated += retire_all_mutators(heap);
  size_t problems = pcc_verify(heap);
  kn_mutators_restart_world(&heap->mutators);
  return problems;
}
