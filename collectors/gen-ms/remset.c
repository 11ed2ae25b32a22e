/* The remembered set: which old slots may hold young references.
 *
 * Old pages keep a slot bitmap (one bit per word of the page, allocated the
 * first time the page is remembered); the pages with bits set are listed.
 * Setting a bit is idempotent, so a slot stored to a million times costs
 * one bit, and the minor trace visits each remembered slot once.  A large
 * object has a slot bitmap of its own while it is remembered (one bit per
 * word of its payload, pointed to from its frame header, flagged there and
 * listed).  See doc/gen-ms.md for why bitmaps rather than cards or a
 * store buffer. */

#include <string.h>

#include "gen-ms.h"

enum { GM_FRAME_REMEMBERED = 0x80u }; /* frame flag bit the barrier ignores */

static size_t bitmap_words(const struct gm_region *r) { return r->page_bytes / 8 / 64; }

/* A large object's slot bitmap lives behind the flags of its frame header.
 * Only words [lo, hi) may have bits set, so that a big array with a few
 * young fields costs what those fields cost. */
struct large_slots {
  size_t lo, hi;
  uint64_t bits[];
};

static struct large_slots **large_slots_of(void *obj) {
  return (struct large_slots **)(gm_frame_flags(obj) + 8);
}
static size_t large_words(void *obj) { return (kn_object_size(obj) / 8 + 63) / 64; }

static void large_set(struct large_slots *ls, size_t bit) {
  size_t w = bit / 64;
  ls->bits[w] |= (uint64_t)1 << (bit % 64);
  if (w < ls->lo)
    ls->lo = w;
  if (w >= ls->hi)
    ls->hi = w + 1;
}

static void remember_large(struct gm_remset *rs, void *obj, void **slot) {
  unsigned char *flags = gm_frame_flags(obj);
  size_t bit = (size_t)((char *)slot - (char *)obj) / sizeof(void *);
  if (*flags & GM_FRAME_REMEMBERED) {
    large_set(*large_slots_of(obj), bit);
    return;
  }
  struct large_slots *ls = calloc(1, sizeof *ls + large_words(obj) * sizeof(uint64_t));
  if (!ls)
    kn_fatal("gen-ms: out of memory for a slot bitmap");
  ls->lo = SIZE_MAX;
  large_set(ls, bit);
  *large_slots_of(obj) = ls;
  *flags |= GM_FRAME_REMEMBERED;
  if (rs->large_count == rs->large_capacity) {
    rs->large_capacity = rs->large_capacity ? 2 * rs->large_capacity : 16;
    rs->large = realloc(rs->large, rs->large_capacity * sizeof *rs->large);
    if (!rs->large)
      kn_fatal("gen-ms: out of memory for the remembered set");
  }
  rs->large[rs->large_count++] = obj;
}

void gm_remember_slot(struct kn_heap *heap, void *host, void **slot) {
  struct gm_region *r = &heap->region;
  if (!gm_in_region(r, host)) {
    remember_large(&heap->remset, host, slot);
    return;
  }
  struct gm_page *p = gm_page_of(r, host);
  if (!p->slots && !(p->slots = calloc(bitmap_words(r), sizeof *p->slots)))
    kn_fatal("gen-ms: out of memory for a slot bitmap");
  size_t bit = (size_t)((char *)slot - gm_page_start(r, p)) / sizeof(void *);
  p->slots[bit / 64] |= (uint64_t)1 << (bit % 64);
  if (!p->remembered) {
    p->remembered = true;
    gm_list_push(&heap->remset.pages, p);
  }
}

bool gm_is_remembered(struct kn_heap *heap, void *host, void **slot) {
  struct gm_region *r = &heap->region;
  if (!gm_in_region(r, host)) {
    if (!(*gm_frame_flags(host) & GM_FRAME_REMEMBERED))
      return false;
    size_t bit = (size_t)((char *)slot - (char *)host) / sizeof(void *);
    return (*large_slots_of(host))->bits[bit / 64] >> (bit % 64) & 1;
  }
  struct gm_page *p = gm_page_of(r, host);
  if (!p->slots)
    return false;
  size_t bit = (size_t)((char *)slot - gm_page_start(r, p)) / sizeof(void *);
  return p->slots[bit / 64] >> (bit % 64) & 1;
}

void kn_write_barrier_slow(struct kn_mutator *mut, void *obj, void **slot, void *value) {
  (void)value;
  gm_remember_slot(mut->heap, obj, slot);
}

void gm_remset_trace(struct kn_heap *heap, struct kn_edge_sink *sink) {
  struct gm_region *r = &heap->region;
  struct gm_remset *rs = &heap->remset;
  for (size_t i = 0; i < rs->pages.count; i++) {
    struct gm_page *p = rs->pages.items[i];
    void **page = (void **)gm_page_start(r, p);
    for (size_t w = 0; w < bitmap_words(r); w++)
      for (uint64_t bits = p->slots[w]; bits; bits &= bits - 1)
        kn_edges_push(&sink->edges, &page[w * 64 + (size_t)__builtin_ctzll(bits)]);
  }
  for (size_t i = 0; i < rs->large_count; i++) {
    void **obj = rs->large[i];
    struct large_slots *ls = *large_slots_of(obj);
    for (size_t w = ls->lo; w < ls->hi; w++)
      for (uint64_t bits = ls->bits[w]; bits; bits &= bits - 1)
        kn_edges_push(&sink->edges, &obj[w * 64 + (size_t)__builtin_ctzll(bits)]);
  }
  kn_edges_flush(&sink->edges);
}

static bool holds_young(void **slot) {
  void *v = *slot;
  return kn_is_reference(v) && gm_is_young(v);
}

/* Clears the bits of slots that no longer hold young references; true if
 * any bit remains. */
static bool prune_bitmap(uint64_t *map, size_t words, void **base) {
  bool any = false;
  for (size_t w = 0; w < words; w++) {
    for (uint64_t bits = map[w]; bits; bits &= bits - 1) {
      size_t b = (size_t)__builtin_ctzll(bits);
      if (!holds_young(&base[w * 64 + b]))
        map[w] &= ~((uint64_t)1 << b);
    }
    any |= map[w] != 0;
  }
  return any;
}

static void forget_large(void *obj) {
  free(*large_slots_of(obj));
  *large_slots_of(obj) = NULL;
  *gm_frame_flags(obj) &= (unsigned char)~GM_FRAME_REMEMBERED;
}

void gm_remset_prune(struct kn_heap *heap) {
  struct gm_region *r = &heap->region;
  struct gm_remset *rs = &heap->remset;
  size_t kept = 0;
  for (size_t i = 0; i < rs->pages.count; i++) {
    struct gm_page *p = rs->pages.items[i];
    if (prune_bitmap(p->slots, bitmap_words(r), (void **)gm_page_start(r, p)))
      rs->pages.items[kept++] = p;
    else
      p->remembered = false;
  }
  rs->pages.count = kept;
  kept = 0;
  for (size_t i = 0; i < rs->large_count; i++) {
    void *obj = rs->large[i];
    struct large_slots *ls = *large_slots_of(obj);
    bool any = prune_bitmap(ls->bits + ls->lo, ls->hi - ls->lo, (void **)obj + 64 * ls->lo);
    while (ls->lo < ls->hi && !ls->bits[ls->lo])
      ls->lo++;
    while (ls->hi > ls->lo && !ls->bits[ls->hi - 1])
      ls->hi--;
    if (any)
      rs->large[kept++] = obj;
    else
      forget_large(obj);
  }
  rs->large_count = kept;
}

void gm_remset_clear(struct kn_heap *heap) {
  struct gm_region *r = &heap->region;
  struct gm_remset *rs = &heap->remset;
  for (size_t i = 0; i < rs->pages.count; i++) {
    memset(rs->pages.items[i]->slots, 0, bitmap_words(r) * sizeof(uint64_t));
    rs->pages.items[i]->remembered = false;
  }
  rs->pages.count = 0;
  for (size_t i = 0; i < rs->large_count; i++)
    forget_large(rs->large[i]);
  rs->large_count = 0;
}

void gm_remset_forget_page(struct kn_heap *heap, struct gm_page *p) {
  struct gm_remset *rs = &heap->remset;
  if (!p->remembered)
    return;
  memset(p->slots, 0, bitmap_words(&heap->region) * sizeof(uint64_t));
  p->remembered = false;
  for (size_t i = 0; i < rs->pages.count; i++)
    if (rs->pages.items[i] == p) {
      rs->pages.items[i] = rs->pages.items[--rs->pages.count];
      return;
    }
}

/* Remembers the young fields of one object. */
struct young_recorder {
  struct kn_edge_sink sink;
  struct kn_heap *heap;
  void *host;
};

static void record_edges(struct kn_edge_sink *sink, void ***slots, size_t count) {
  struct young_recorder *y = KN_CONTAINER_OF(sink, struct young_recorder, sink);
  for (size_t i = 0; i < count; i++)
    if (holds_young(slots[i]))
      gm_remember_slot(y->heap, y->host, slots[i]);
}

static void record_object(void *obj, void *data) {
  struct young_recorder *y = data;
  y->host = obj;
  kn_trace_object(&y->heap->common, &y->sink, obj);
}

void gm_remset_scan_promoted(struct kn_heap *heap, struct gm_page_list *promoted) {
  struct young_recorder y = {.heap = heap};
  kn_sink_init(&y.sink, record_edges);
  for (size_t i = 0; i < promoted->count; i++)
    gm_page_visit(&heap->region, promoted->items[i], true, record_object, &y);
}

size_t gm_remset_count(struct kn_heap *heap) {
  struct gm_region *r = &heap->region;
  size_t n = 0;
  for (size_t i = 0; i < heap->remset.large_count; i++) {
    struct large_slots *ls = *large_slots_of(heap->remset.large[i]);
    for (size_t w = ls->lo; w < ls->hi; w++)
      n += (size_t)__builtin_popcountll(ls->bits[w]);
  }
  for (size_t i = 0; i < heap->remset.pages.count; i++)
    for (size_t w = 0; w < bitmap_words(r); w++)
      n += (size_t)__builtin_popcountll(heap->remset.pages.items[i]->slots[w]);
  return n;
}

void gm_remset_destroy(struct gm_remset *rs) {
  for (size_t i = 0; i < rs->large_count; i++)
    free(*large_slots_of(rs->large[i]));
  free(rs->pages.items);
  free(rs->large);
}
