/* The remembered set: which old slots may hold young references.
 *
 * Old pages keep a slot bitmap (one bit per word of the page, allocated the
 * first time the page is remembered); the pages with bits set are listed.
 * Setting a bit is idempotent, so a slot stored to a million times costs
 * one bit, and the minor trace visits each remembered slot once.  A large
 * object is remembered whole (a flag in its frame header and a list): the
 * minor trace re-reads every field of it.  See doc/gen-ms.md for why. */

#include <string.h>

#include "gen-ms.h"

enum { GM_FRAME_REMEMBERED = 0x80u }; /* frame flag bit the barrier ignores */

static size_t bitmap_words(const struct gm_region *r) { return r->page_bytes / 8 / 64; }

static void remember_large(struct gm_remset *rs, void *obj) {
  unsigned char *flags = gm_frame_flags(obj);
  if (*flags & GM_FRAME_REMEMBERED)
    return;
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
    remember_large(&heap->remset, host);
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
  if (!gm_in_region(r, host))
    return *gm_frame_flags(host) & GM_FRAME_REMEMBERED;
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
  kn_edges_flush(&sink->edges);
  for (size_t i = 0; i < rs->large_count; i++)
    kn_trace_object(&heap->common, sink, rs->large[i]);
}

static bool holds_young(void **slot) {
  void *v = *slot;
  return kn_is_reference(v) && gm_is_young(v);
}

/* Finds whether an object has any young field. */
struct young_probe {
  struct kn_edge_sink sink;
  bool found;
};

static void probe_edges(struct kn_edge_sink *sink, void ***slots, size_t count) {
  struct young_probe *y = KN_CONTAINER_OF(sink, struct young_probe, sink);
  for (size_t i = 0; i < count && !y->found; i++)
    y->found = holds_young(slots[i]);
}

void gm_remset_prune(struct kn_heap *heap) {
  struct gm_region *r = &heap->region;
  struct gm_remset *rs = &heap->remset;
  size_t kept = 0;
  for (size_t i = 0; i < rs->pages.count; i++) {
    struct gm_page *p = rs->pages.items[i];
    void **page = (void **)gm_page_start(r, p);
    bool any = false;
    for (size_t w = 0; w < bitmap_words(r); w++) {
      for (uint64_t bits = p->slots[w]; bits; bits &= bits - 1) {
        size_t b = (size_t)__builtin_ctzll(bits);
        if (!holds_young(&page[w * 64 + b]))
          p->slots[w] &= ~((uint64_t)1 << b);
      }
      any |= p->slots[w] != 0;
    }
    if (any)
      rs->pages.items[kept++] = p;
    else
      p->remembered = false;
  }
  rs->pages.count = kept;
  kept = 0;
  for (size_t i = 0; i < rs->large_count; i++) {
    struct young_probe y = {.found = false};
    kn_sink_init(&y.sink, probe_edges);
    kn_trace_object(&heap->common, &y.sink, rs->large[i]);
    if (y.found)
      rs->large[kept++] = rs->large[i];
    else
      *gm_frame_flags(rs->large[i]) &= (unsigned char)~GM_FRAME_REMEMBERED;
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
    *gm_frame_flags(rs->large[i]) &= (unsigned char)~GM_FRAME_REMEMBERED;
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
  size_t n = heap->remset.large_count;
  for (size_t i = 0; i < heap->remset.pages.count; i++)
    for (size_t w = 0; w < bitmap_words(r); w++)
      n += (size_t)__builtin_popcountll(heap->remset.pages.items[i]->slots[w]);
  return n;
}

void gm_remset_destroy(struct gm_remset *rs) {
  free(rs->pages.items);
  free(rs->large);
}
