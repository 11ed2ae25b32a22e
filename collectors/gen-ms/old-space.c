/* The old space: pages promoted whole from the nursery, pages of objects
 * allocated old (KN_ALLOC_LONG_LIVED), all non-moving, collected by the
 * major trace and swept lazily.
 *
 * Free spans of swept old pages sit on size-segregated free lists.  Size
 * classes (bytes of a span, header included; spans are multiples of 8):
 *   classes 0..15:  [16,32), [32,48), ..., [256,272): steps of 16 bytes
 *   classes 16..23: [257,512), [512,1k), [1k,2k), ..., [32k,64k): powers of two
 * An allocation of n bytes first tries the spans of n's own class (first
 * fit, a few entries), then pops the first span of the smallest class
 * whose spans all fit, and gives the remainder back to its class.
 *
 * Lazy sweeping: after a major trace (and after a promotion) old pages keep
 * their marks and wait on the unswept list; the allocator sweeps one when
 * the lists cannot serve it.  A page with nothing live is returned to the
 * system at once. */

#include <string.h>

#include "gen-ms.h"

enum { FIRST_FIT_PROBES = 8 };

/* The class that holds a free span of `bytes`. */
static unsigned class_of_span(size_t bytes) {
  if (bytes < 272)
    return (unsigned)(bytes / 16 - 1);
  unsigned log2 = 63u - (unsigned)__builtin_clzll(bytes);
  return 16u + (log2 > 8 ? log2 - 8 : 0);
}

/* The smallest class all of whose spans hold `bytes`. */
static unsigned class_for_request(size_t bytes) {
  if (bytes <= 256)
    return (unsigned)((bytes + 15) / 16 - 1);
  unsigned log2 = 63u - (unsigned)__builtin_clzll(bytes - 1) + 1;
  return 16u + log2 - 8;
}

static char **link_of(char *span) { return (char **)(span + KN_HEADER_BYTES); }

static void push_span(char *span, size_t bytes, void *data) {
  struct gm_old_space *o = data;
  if (bytes < 2 * KN_HEADER_BYTES)
    return;
  unsigned c = class_of_span(bytes);
  *link_of(span) = o->free[c];
  o->free[c] = span;
}

static void *carve(struct gm_old_space *o, char *span, size_t bytes) {
  size_t span_bytes = gm_header_bytes(*(kn_header *)span);
  if (span_bytes > bytes) {
    gm_write_filler(span + bytes, span_bytes - bytes);
    push_span(span + bytes, span_bytes - bytes, o);
  }
  return span;
}

static void *from_free_lists(struct gm_old_space *o, size_t bytes) {
  unsigned own = class_of_span(bytes);
  char **link = &o->free[own];
  for (int probes = 0; *link && probes < FIRST_FIT_PROBES; probes++) {
    char *span = *link;
    if (gm_header_bytes(*(kn_header *)span) >= bytes) {
      *link = *link_of(span);
      return carve(o, span, bytes);
    }
    link = link_of(span);
  }
  for (unsigned c = class_for_request(bytes); c < GM_SIZE_CLASSES; c++) {
    char *span = o->free[c];
    if (span) {
      o->free[c] = *link_of(span);
      return carve(o, span, bytes);
    }
  }
  return NULL;
}

/* Sweeps one unswept page; its spans join the free lists, or the page goes
 * back to the system if nothing on it is live. */
static void sweep_page(struct kn_heap *heap, struct gm_page *p) {
  struct gm_region *r = &heap->region;
  size_t free_bytes = gm_page_sweep(r, p, NULL, NULL);
  p->swept = true;
  if (free_bytes == gm_page_body_bytes(r)) {
    gm_remset_forget_page(heap, p);
    gm_page_release(r, p);
    kn_stats_add_counter(&heap->common, "pages-released", 1);
    return;
  }
  for (char *span = p->spans, *next; span; span = next) {
    next = *link_of(span);
    push_span(span, gm_header_bytes(*(kn_header *)span), &heap->old);
  }
  p->spans = NULL;
}

static bool sweep_one(struct kn_heap *heap) {
  struct gm_page_list *l = &heap->old.unswept;
  while (l->count) {
    struct gm_page *p = l->items[--l->count];
    if (p->state == GM_PAGE_OLD && !p->swept) {
      sweep_page(heap, p);
      kn_stats_add_counter(&heap->common, "old-pages-swept-lazily", 1);
      return true;
    }
  }
  return false;
}

static bool add_old_page(struct kn_heap *heap) {
  struct gm_region *r = &heap->region;
  if (!gm_budget_allows(heap, r->page_bytes))
    return false;
  struct gm_page *p = gm_page_take(r);
  if (!p)
    return false;
  p->state = GM_PAGE_OLD;
  p->swept = true;
  gm_page_set_flags(r, p, KN_PAGE_POINTERS_FROM_INTERESTING);
  gm_page_format(r, p);
  for (char *span = p->spans, *next; span; span = next) {
    next = *link_of(span);
    push_span(span, gm_header_bytes(*(kn_header *)span), &heap->old);
  }
  p->spans = NULL;
  return true;
}

void *gm_old_allocate(struct kn_heap *heap, size_t bytes) {
  for (;;) {
    void *mem = from_free_lists(&heap->old, bytes);
    if (mem)
      return mem;
    if (!sweep_one(heap) && !add_old_page(heap))
      return NULL;
  }
}

void gm_old_adopt(struct kn_heap *heap, struct gm_page *p) {
  p->state = GM_PAGE_OLD;
  p->swept = false;
  p->spans = NULL;
  heap->old.live_bytes += p->live_bytes;
  gm_list_push(&heap->old.unswept, p);
}

/* Gives a sparse old page back to the nursery before a major trace.  Its
 * flags say young during the trace, so the trace notes every old field
 * that points into it (the remembered set is rebuilt from those), and the
 * page is sorted with the nursery's pages afterwards: recycled, emptied,
 * or promoted again if it turned out full. */
static void demote(struct kn_heap *heap, struct gm_page *p) {
  gm_page_set_flags(&heap->region, p, KN_PAGE_POINTERS_TO_INTERESTING);
  p->state = GM_PAGE_YOUNG;
  p->young = GM_YOUNG_READY;
  p->age = 0;
  p->spans = NULL;
  gm_list_push(&heap->nursery.pages, p);
}

size_t gm_old_prepare_major(struct kn_heap *heap) {
  struct gm_region *r = &heap->region;
  double body = (double)gm_page_body_bytes(r);
  size_t demoted = 0;
  for (size_t i = 0; i < r->high_water; i++) {
    struct gm_page *p = &r->pages[i];
    if (p->state != GM_PAGE_OLD)
      continue;
    if (!p->swept) {
      gm_page_sweep(r, p, NULL, NULL);
      p->spans = NULL;
      p->swept = true;
    }
    p->live_bytes = 0;
    if (p->free_before >= heap->policy.recycle_minor * body) {
      demote(heap, p);
      demoted++;
    }
  }
  heap->old.unswept.count = 0;
  memset(heap->old.free, 0, sizeof heap->old.free);
  return demoted;
}

void gm_old_after_major(struct kn_heap *heap, struct gm_sort_counts *counts) {
  struct gm_region *r = &heap->region;
  heap->old.live_bytes = 0;
  for (size_t i = 0; i < r->high_water; i++) {
    struct gm_page *p = &r->pages[i];
    if (p->state != GM_PAGE_OLD)
      continue;
    if (!p->live_bytes) {
      gm_remset_forget_page(heap, p);
      gm_page_release(r, p);
      counts->released++;
      continue;
    }
    p->swept = false;
    heap->old.live_bytes += p->live_bytes;
    gm_list_push(&heap->old.unswept, p);
  }
}

void gm_old_destroy(struct gm_old_space *o) { free(o->unswept.items); }
