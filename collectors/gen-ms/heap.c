/* gen-ms: generational mark-sweep with a non-moving MinorMS nursery.
 *
 * Invariants:
 *  - Every small object lives in a page of the region; every page is free,
 *    young (flags: pointers to here are interesting) or old (pointers from
 *    here are interesting), and all its frames carry those flags.  Large
 *    objects are old from birth and carry the old flags in their own frame
 *    header.  Nothing moves: promotion retags a whole page.
 *  - Remembered set: between collections, every field of a live old
 *    object that holds a young reference is remembered (its slot bit on an
 *    old page, or its large object as a whole).  The write barrier keeps
 *    this for stores; collections keep it for pages they promote.
 *  - Parseability: outside the mutator's allocation buffer every frame
 *    body is objects and fillers, header after header.
 *  - Marks: between collections, young objects are unmarked except on
 *    recycled pages not yet swept; an unswept old page holds exactly the
 *    marks of the trace that last saw it (its live objects); a swept page
 *    holds no marks.  At the start of every collection every young page is
 *    swept, and at the start of a major one every old page too.
 *  - One mutator; roots are precise, or the stack is scanned conservatively
 *    (KN_CONSERVATIVE_STACK), which is sound because nothing moves.
 * The files: pages.c (region, frames, sweeping), nursery.c (allocation
 * buffer, page sorting), old-space.c (free lists, lazy sweeping),
 * remset.c (remembered set, barrier), collect.c (traces), policy.c (heap
 * size, when to collect what), verify.c (the verifier). */

#define _GNU_SOURCE
#include <string.h>

#include "gen-ms.h"

_Static_assert(KN_GEN_MS_LARGE_THRESHOLD + 2 * KN_HEADER_BYTES <= KN_GEN_MS_FRAME_BYTES / 4,
               "a small object must fit easily in a frame body");

const char kn_collector_id[] = "gen-ms";
const struct kn_option_spec kn_collector_options[] = {
  {"page-size", KN_OPT_SIZE, 256.0 * 1024, 64.0 * 1024, 2.0 * 1024 * 1024, NULL,
   "bytes of a nursery (and old) page: a power of two, 64k to 2m"},
  {"nursery-size", KN_OPT_SIZE, 4.0 * 1024 * 1024, 64.0 * 1024, 1024.0 * 1024 * 1024, NULL,
   "target size of the nursery (at most half the heap)"},
  {"recycle-free-minor", KN_OPT_DOUBLE, 0.5, 0, 1, NULL,
   "after a minor GC a young page with at least this fraction free stays in the nursery"},
  {"recycle-free-major", KN_OPT_DOUBLE, 0.3, 0, 1, NULL,
   "the same threshold after a major GC"},
  {"eager-promotion-used", KN_OPT_DOUBLE, 0.3, 0, 1, NULL,
   "promote a page whose last cycle allocated into at most this fraction of its free space"},
  {"aging-cycles", KN_OPT_INT, 4, 1, 1000, NULL,
   "a page recycled this many times in a row sits out a cycle, then is promoted"},
  {"major-multiplier", KN_OPT_DOUBLE, 2.0, 1.1, 100, NULL,
   "a major GC runs when the old space exceeds the live size after the last one times this"},
  {NULL, 0, 0, 0, 0, NULL, NULL},
};

/* ---- Heap lifecycle ---------------------------------------------------- */

static size_t region_reserve(const struct kn_common *c, size_t page_bytes) {
  size_t cap = c->heap_policy == KN_HEAP_FIXED ? c->heap_size
               : c->heap_limit                 ? c->heap_limit
                                               : (size_t)64 << 30;
  return cap + 2 * page_bytes;
}

static bool fail_create(struct kn_heap *heap, struct kn_mutator *mut, struct kn_options *opts,
                        const char *msg) {
  gm_region_destroy(&heap->region);
  return kn_heap_create_failed(&heap->common, mut, opts, "%s", msg);
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
  struct kn_common *c = &heap->common;
  size_t page_bytes = (size_t)kn_option(c->opts, "page-size");
  if (page_bytes & (page_bytes - 1))
    return fail_create(heap, mut, opts, "gen-ms: page-size must be a power of two (64k to 2m)");
  if (c->heap_policy == KN_HEAP_FIXED && c->heap_size < 2 * page_bytes)
    return fail_create(heap, mut, opts,
                       "gen-ms: a fixed heap needs at least two pages: raise heap-size to "
                       "twice page-size or lower page-size");
  /* An unlimited heap asks for 64 GB of address space; where the system
   * (or valgrind) grants less, take the most it grants, down to twice the
   * initial size. */
  size_t reserve = region_reserve(c, page_bytes);
  size_t least = c->heap_policy == KN_HEAP_FIXED ? reserve : 2 * c->heap_size + 2 * page_bytes;
  while (!gm_region_init(&heap->region, page_bytes, reserve)) {
    if (reserve / 2 < least)
      return fail_create(heap, mut, opts, "gen-ms: cannot reserve the heap's address space");
    reserve /= 2;
  }
  kn_large_space_init_aligned(&heap->large, GM_FRAME_BYTES, GM_FRAME_HEADER_BYTES);
  gm_policy_init(heap);
  heap->epoch = 1;
  mut->heap = heap;
  mut->base.heap = c;
  kn_stack_init(&mut->stack);
  heap->mutator = mut;
  kn_stats_heap_resized(c, 0, heap->policy.budget);
  *heap_out = heap;
  *mut_out = mut;
  return true;
}

void kn_heap_destroy(struct kn_heap *heap) {
  gm_remset_destroy(&heap->remset); /* first: large objects hold its bitmaps */
  gm_region_destroy(&heap->region);
  kn_large_space_destroy(&heap->large);
  gm_nursery_destroy(&heap->nursery);
  gm_old_destroy(&heap->old);
  kn_common_destroy(&heap->common);
  free(heap->mutator);
  free(heap);
}

/* Thread entry points are in collectors/shared/one-mutator.c. */

/* ---- Allocation -------------------------------------------------------- */

static void *init_object(void *mem, size_t bytes, size_t size, unsigned kind, unsigned tag) {
  *(kn_header *)mem = kn_header_make(size, kind, tag);
  void *obj = (char *)mem + KN_HEADER_BYTES;
  memset(obj, 0, bytes - KN_HEADER_BYTES);
  return obj;
}

/* Bumps in the allocation buffer; NULL if it is too small. */
static void *bump(struct kn_heap *heap, size_t size, unsigned kind, unsigned tag) {
  struct kn_mutator *mut = heap->mutator;
  size_t bytes = kn_allocation_bytes(size);
  uintptr_t hp = mut->base.fast.hp;
  if (!mut->lab_page || mut->lab_limit - hp < bytes)
    return NULL;
  gm_lab_publish(heap, hp + bytes);
  return init_object((void *)hp, bytes, size, kind, tag);
}

static void *allocate_young(struct kn_heap *heap, size_t size, unsigned kind, unsigned tag) {
  size_t bytes = kn_allocation_bytes(size);
  void *obj = bump(heap, size, kind, tag);
  if (obj)
    return obj;
  if (gm_nursery_refill(heap, bytes))
    return bump(heap, size, kind, tag);
  gm_collect(heap, KN_COLLECT_MINOR);
  for (;;) {
    if (gm_nursery_refill(heap, bytes))
      return bump(heap, size, kind, tag);
    /* The minor could not leave the nursery a page: collect everything. */
    gm_collect(heap, KN_COLLECT_MAJOR);
    if (gm_nursery_refill(heap, bytes))
      return bump(heap, size, kind, tag);
    if (gm_grow_budget(heap, heap->region.page_bytes) && gm_nursery_refill(heap, bytes))
      return bump(heap, size, kind, tag);
    if (!kn_heap_exhausted(&heap->common, size, gm_heap_bytes(heap)))
      return NULL;
  }
}

static void *allocate_old(struct kn_heap *heap, size_t size, unsigned kind, unsigned tag) {
  size_t bytes = kn_allocation_bytes(size);
  for (int attempt = 0;; attempt++) {
    void *mem = gm_old_allocate(heap, bytes);
    if (mem) {
      kn_stats_count_allocation(&heap->common, bytes);
      heap->old.live_bytes += bytes;
      return init_object(mem, bytes, size, kind, tag);
    }
    if (attempt == 0)
      gm_collect(heap, KN_COLLECT_MAJOR);
    else if (!gm_grow_budget(heap, heap->region.page_bytes) &&
             !kn_heap_exhausted(&heap->common, size, gm_heap_bytes(heap)))
      return NULL;
  }
}

static void *allocate_large(struct kn_heap *heap, size_t size, unsigned kind, unsigned tag) {
  size_t cost = kn_large_space_object_cost(&heap->large, size);
  if (gm_policy_wants_major(heap))
    gm_collect(heap, KN_COLLECT_MAJOR);
  for (int attempt = 0;; attempt++) {
    if (gm_budget_allows(heap, cost)) {
      void *obj = kn_large_space_allocate(&heap->large, size, kind, tag);
      if (obj) {
        *gm_frame_flags(obj) = KN_PAGE_POINTERS_FROM_INTERESTING;
        kn_stats_count_allocation(&heap->common, cost);
        return obj;
      }
    }
    if (attempt == 0)
      gm_collect(heap, KN_COLLECT_MAJOR);
    else if (!gm_grow_budget(heap, cost) &&
             !kn_heap_exhausted(&heap->common, size, gm_heap_bytes(heap)))
      return NULL;
  }
}

/* Stress mode: mostly minor collections, every fourth one major. */
static void stress_collect(struct kn_heap *heap) {
  bool major = ++heap->stress_collections % 4 == 0;
  gm_collect(heap, major ? KN_COLLECT_MAJOR : KN_COLLECT_MINOR);
}

void *kn_allocate_slow(struct kn_mutator *mut, size_t size, unsigned kind, unsigned tag) {
  struct kn_heap *heap = mut->heap;
  if (KN_UNLIKELY(size > KN_MAX_OBJECT_BYTES))
    kn_request_too_large(&heap->common, size, gm_heap_bytes(heap));
  if (kn_stress_tick(&heap->common))
    stress_collect(heap);
  if (size > KN_GEN_MS_LARGE_THRESHOLD || (kind & KN_ALLOC_LARGE))
    return allocate_large(heap, size, kind, tag);
  if (kind & KN_ALLOC_LONG_LIVED)
    return allocate_old(heap, size, kind, tag);
  return allocate_young(heap, size, kind, tag);
}

void kn_collect(struct kn_mutator *mut, enum kn_collection_kind kind) {
  gm_collect(mut->heap, kind);
}

size_t kn_heap_verify(struct kn_mutator *mut) { return gm_verify(mut->heap); }
