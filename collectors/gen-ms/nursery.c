/* The nursery: young pages, the mutator's allocation buffer, and the
 * sorting of young pages after each collection (MinorMS).
 *
 * The mutator bumps through one free span at a time (its allocation
 * buffer).  When the span runs out it takes, in order: the next span of the
 * same page; the next ready page (fresh, emptied or swept); a recycled page
 * it sweeps itself; a fresh page if the nursery is below its target size
 * and the heap budget allows.  Only then is it time to collect.
 *
 * Sorting, after the trace marked the young survivors of each page (the
 * rule in doc/gen-ms.md; thresholds are options):
 *   aging page:                     promoted (empty if nothing survived)
 *   nothing survived:               empty: reformatted, reusable unswept
 *   free < recycle-free-minor (0.5 of the body; recycle-free-major, 0.3,
 *        after a major):            promoted
 *   the allocator went through it this cycle but used at most
 *        eager-promotion-used (0.3) of the free space it had:
 *                                   promoted eagerly (fragmented)
 *   recycled aging-cycles (4) times in a row already:
 *                                   aging: swept, not allocated into for a
 *                                   cycle, promoted at the next collection
 *   otherwise:                      recycled: swept lazily by the allocator */

#include <string.h>

#include "gen-ms.h"

static struct kn_mutator_fast *fast_of(struct kn_heap *heap) {
  return &heap->mutator->base.fast;
}

void gm_lab_publish(struct kn_heap *heap, uintptr_t hp) {
  struct kn_mutator *mut = heap->mutator;
  mut->base.fast.hp = hp;
  mut->base.fast.limit = heap->common.stress ? hp : mut->lab_limit;
}

void gm_lab_seal(struct kn_heap *heap) {
  struct kn_mutator *mut = heap->mutator;
  uintptr_t hp = fast_of(heap)->hp;
  if (mut->lab_page && hp < mut->lab_limit)
    gm_write_filler((char *)hp, mut->lab_limit - hp);
}

void gm_lab_retire(struct kn_heap *heap) {
  struct kn_mutator *mut = heap->mutator;
  uintptr_t hp = fast_of(heap)->hp;
  if (mut->lab_page) {
    gm_lab_seal(heap);
    mut->lab_page->allocated += (uint32_t)(hp - mut->lab_start);
    kn_stats_count_allocation(&heap->common, hp - mut->lab_start);
  }
  mut->lab_start = mut->lab_limit = 0;
  gm_lab_publish(heap, 0);
}

/* Takes spans from the active page until one holds `bytes`. */
static bool take_span(struct kn_heap *heap, size_t bytes) {
  struct kn_mutator *mut = heap->mutator;
  struct gm_page *p = mut->lab_page;
  while (p->spans) {
    char *span = p->spans;
    p->spans = *(char **)(span + KN_HEADER_BYTES);
    size_t span_bytes = gm_header_bytes(*(kn_header *)span);
    if (span_bytes >= bytes) {
      mut->lab_start = (uintptr_t)span;
      mut->lab_limit = (uintptr_t)span + span_bytes;
      gm_lab_publish(heap, (uintptr_t)span);
      return true;
    }
    /* Too small for this request: it stays a filler until the next sweep. */
  }
  return false;
}

static struct gm_page *fresh_page(struct kn_heap *heap) {
  struct gm_nursery *n = &heap->nursery;
  if (n->pages.count >= n->target_pages || !gm_budget_allows(heap, heap->region.page_bytes))
    return NULL;
  struct gm_page *p = gm_page_take(&heap->region);
  if (!p)
    return NULL;
  p->state = GM_PAGE_YOUNG;
  p->young = GM_YOUNG_READY;
  gm_page_set_flags(&heap->region, p, KN_PAGE_POINTERS_TO_INTERESTING);
  gm_page_format(&heap->region, p);
  gm_list_push(&n->pages, p);
  return p;
}

/* The next page the allocator may use: ready, or recycled and swept now. */
static struct gm_page *next_page(struct kn_heap *heap) {
  struct gm_nursery *n = &heap->nursery;
  while (n->cursor < n->pages.count) {
    struct gm_page *p = n->pages.items[n->cursor++];
    if (p->young == GM_YOUNG_UNSWEPT) {
      gm_page_sweep(&heap->region, p, NULL, NULL);
      p->young = GM_YOUNG_READY;
      kn_stats_add_counter(&heap->common, "pages-swept-by-allocator", 1);
    }
    if (p->young == GM_YOUNG_READY)
      return p;
  }
  struct gm_page *p = fresh_page(heap);
  if (p)
    n->cursor = n->pages.count;
  return p;
}

bool gm_nursery_refill(struct kn_heap *heap, size_t bytes) {
  struct kn_mutator *mut = heap->mutator;
  gm_lab_retire(heap);
  for (;;) {
    if (mut->lab_page) {
      if (take_span(heap, bytes))
        return true;
      mut->lab_page->young = GM_YOUNG_USED;
      mut->lab_page = NULL;
    }
    struct gm_page *p = next_page(heap);
    if (!p)
      return false;
    p->young = GM_YOUNG_ACTIVE;
    mut->lab_page = p;
  }
}

void gm_nursery_prepare(struct kn_heap *heap) {
  struct gm_nursery *n = &heap->nursery;
  gm_lab_retire(heap);
  for (size_t i = 0; i < n->pages.count; i++) {
    struct gm_page *p = n->pages.items[i];
    if (p->young == GM_YOUNG_UNSWEPT) {
      gm_page_sweep(&heap->region, p, NULL, NULL);
      p->young = GM_YOUNG_READY;
    }
    p->live_bytes = 0;
  }
}

enum sort_outcome { SORT_EMPTY, SORT_RECYCLED, SORT_AGING, SORT_PROMOTED, SORT_PROMOTED_EAGER };

static enum sort_outcome sort_page(const struct kn_heap *heap, const struct gm_page *p,
                                   bool major) {
  const struct gm_policy *pol = &heap->policy;
  double body = (double)gm_page_body_bytes(&heap->region);
  if (p->young == GM_YOUNG_AGING)
    return p->live_bytes ? SORT_PROMOTED : SORT_EMPTY;
  if (!p->live_bytes)
    return SORT_EMPTY;
  double free_fraction = (body - p->live_bytes) / body;
  if (free_fraction < (major ? pol->recycle_major : pol->recycle_minor))
    return SORT_PROMOTED;
  if (p->young == GM_YOUNG_USED && p->free_before &&
      p->allocated <= pol->eager_used * p->free_before)
    return SORT_PROMOTED_EAGER;
  if (p->age >= pol->aging_cycles)
    return SORT_AGING;
  return SORT_RECYCLED;
}

void gm_nursery_sort(struct kn_heap *heap, bool major, struct gm_page_list *promoted,
                     struct gm_sort_counts *counts) {
  struct gm_nursery *n = &heap->nursery;
  struct gm_region *r = &heap->region;
  size_t kept = 0;
  heap->mutator->lab_page = NULL;
  for (size_t i = 0; i < n->pages.count; i++) {
    struct gm_page *p = n->pages.items[i];
    switch (sort_page(heap, p, major)) {
    case SORT_EMPTY:
      counts->empty++;
      if (kept >= n->target_pages) {
        gm_page_release(r, p);
        counts->released++;
        continue;
      }
      gm_page_format(r, p);
      p->young = GM_YOUNG_READY;
      p->age = 0;
      break;
    case SORT_PROMOTED_EAGER:
      counts->promoted_eager++;
      /* fall through */
    case SORT_PROMOTED:
      counts->promoted++;
      counts->promoted_bytes += p->live_bytes;
      gm_page_set_flags(r, p, KN_PAGE_POINTERS_FROM_INTERESTING);
      p->age = 0;
      gm_old_adopt(heap, p);
      gm_list_push(promoted, p);
      continue;
    case SORT_AGING:
      counts->aging++;
      gm_page_sweep(r, p, NULL, NULL);
      p->spans = NULL; /* not allocated into this cycle */
      p->young = GM_YOUNG_AGING;
      p->age = 0;
      break;
    case SORT_RECYCLED:
      counts->recycled++;
      p->young = GM_YOUNG_UNSWEPT;
      p->age++;
      break;
    }
    n->pages.items[kept++] = p;
  }
  n->pages.count = kept;
  n->cursor = 0;
}

void gm_nursery_destroy(struct gm_nursery *n) { free(n->pages.items); }
