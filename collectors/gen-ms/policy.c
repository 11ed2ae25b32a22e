/* Heap policy: how big the heap may be, how big the nursery is, and when a
 * collection is major.
 *
 *  - The budget covers every page in use (young and old) and the large
 *    objects.  A fixed heap's budget is heap-size.  A growable heap's
 *    budget starts at heap-size, is reset after each major collection to
 *    the live size times heap-multiplier (kn_policy_heap_size), and grows
 *    when an allocation cannot be met even after a major collection.
 *  - The nursery's target is nursery-size, at most half the budget, at
 *    least one page.  A minor collection runs when the nursery's pages
 *    have no span left and no page can be added.
 *  - A collection is major when the old generation (old objects: live at
 *    the last major collection, promoted or allocated old since, plus the
 *    large objects) has grown past the threshold: major-multiplier times
 *    the live size after the last major collection, and at least half the
 *    initial budget.  It counts object bytes, not old pages: promoted
 *    pages carry free space, and counting it would call for a major
 *    collection that cannot free it (old pages are not compacted).  It is also major when a minor collection left the
 *    nursery no page to allocate into (everything was promoted or aging
 *    and the budget is full): the minor could not promote. */

#include "gen-ms.h"

size_t gm_heap_bytes(const struct kn_heap *heap) {
  return heap->region.in_use * heap->region.page_bytes + heap->large.bytes;
}

size_t gm_old_bytes(const struct kn_heap *heap) {
  return heap->old.live_bytes + heap->large.bytes;
}

bool gm_budget_allows(const struct kn_heap *heap, size_t bytes) {
  return gm_heap_bytes(heap) + bytes <= heap->policy.budget;
}

static size_t budget_limit(const struct kn_common *c) {
  if (c->heap_policy == KN_HEAP_FIXED)
    return c->heap_size;
  return c->heap_limit ? c->heap_limit : SIZE_MAX;
}

bool gm_grow_budget(struct kn_heap *heap, size_t bytes) {
  struct kn_common *c = &heap->common;
  size_t limit = budget_limit(c);
  size_t need = gm_heap_bytes(heap) + bytes;
  if (c->heap_policy == KN_HEAP_FIXED || need > limit)
    return false;
  size_t want = need + need / 2;
  if (want < heap->policy.budget + heap->region.page_bytes)
    want = heap->policy.budget + heap->region.page_bytes;
  if (want > limit)
    want = limit;
  size_t old = heap->policy.budget;
  heap->policy.budget = want;
  kn_stats_heap_resized(c, old, want);
  return true;
}

static void set_nursery_target(struct kn_heap *heap) {
  size_t page = heap->region.page_bytes;
  size_t want = (size_t)kn_option(heap->common.opts, "nursery-size") / page;
  size_t half = heap->policy.budget / 2 / page;
  if (want > half)
    want = half;
  heap->nursery.target_pages = want ? want : 1;
}

void gm_policy_init(struct kn_heap *heap) {
  struct kn_common *c = &heap->common;
  struct gm_policy *pol = &heap->policy;
  size_t min_budget = 2 * heap->region.page_bytes;
  pol->budget = c->heap_size > min_budget ? c->heap_size : min_budget;
  pol->major_threshold = pol->budget / 2;
  pol->recycle_minor = kn_option(c->opts, "recycle-free-minor");
  pol->recycle_major = kn_option(c->opts, "recycle-free-major");
  pol->eager_used = kn_option(c->opts, "eager-promotion-used");
  pol->aging_cycles = (unsigned)kn_option(c->opts, "aging-cycles");
  pol->major_multiplier = kn_option(c->opts, "major-multiplier");
  set_nursery_target(heap);
}

bool gm_policy_wants_major(const struct kn_heap *heap) {
  return gm_old_bytes(heap) > heap->policy.major_threshold;
}

void gm_policy_after_major(struct kn_heap *heap, size_t live) {
  struct kn_common *c = &heap->common;
  struct gm_policy *pol = &heap->policy;
  size_t threshold = (size_t)((double)live * pol->major_multiplier);
  size_t floor = (c->heap_size > 2 * heap->region.page_bytes ? c->heap_size
                                                             : 2 * heap->region.page_bytes) / 2;
  pol->major_threshold = threshold > floor ? threshold : floor;
  if (c->heap_policy != KN_HEAP_FIXED) {
    size_t old = pol->budget;
    size_t want = kn_policy_heap_size(c, live);
    if (want < 2 * heap->region.page_bytes)
      want = 2 * heap->region.page_bytes;
    /* Never below what is in use plus a nursery. */
    size_t floor_bytes = gm_heap_bytes(heap) + heap->nursery.target_pages * heap->region.page_bytes;
    if (want < floor_bytes)
      want = floor_bytes;
    if (want > budget_limit(c))
      want = budget_limit(c);
    pol->budget = want;
    kn_stats_heap_resized(c, old, want);
  }
  set_nursery_target(heap);
}
