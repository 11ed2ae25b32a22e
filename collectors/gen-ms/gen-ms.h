#ifndef KN_GEN_MS_H
#define KN_GEN_MS_H

/* gen-ms internals: the structures every gen-ms file shares.
 *
 * Memory layout.  Small objects live in pages carved from one reserved
 * region; a page is `page-size` bytes (an option, 256 kB by default) made of
 * 64 kB frames, each aligned and beginning with a 64-byte frame header
 * whose first byte holds the write barrier's flags (young pages:
 * KN_PAGE_POINTERS_TO_INTERESTING, old pages: ..._FROM_...).  Objects never
 * cross a frame header.  Large objects are single mappings from the shared
 * large-object space, aligned to a frame, with a frame header of their own
 * that says "old".  So every object address rounded down to 64 kB is a
 * readable frame header, which is what the inline barrier needs.
 *
 * Parseability.  Outside the mutator's active allocation buffer, every
 * frame body is a sequence of objects and fillers, header after header.  A
 * filler is a header with GM_FILLER set; free spans are fillers, and a free
 * span of 16 bytes or more keeps a link to the next span in its payload. */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "kn-internal.h"
#include "large-space.h"
#include "stack.h"

#define GM_FRAME_BYTES ((size_t)KN_GEN_MS_FRAME_BYTES)
#define GM_FRAME_HEADER_BYTES ((size_t)64)
#define GM_FRAME_BODY_BYTES (GM_FRAME_BYTES - GM_FRAME_HEADER_BYTES)

/* Collector bits of the object header. */
enum {
  GM_MARK = 2u,    /* reached by the current (or last, on unswept pages) trace */
  GM_FILLER = 4u,  /* free space, not an object */
};

enum gm_page_state { GM_PAGE_FREE, GM_PAGE_YOUNG, GM_PAGE_OLD };

/* Where a young page is in the nursery's cycle. */
enum gm_young_state {
  GM_YOUNG_READY,    /* swept or fresh: its spans are ready for allocation */
  GM_YOUNG_ACTIVE,   /* the allocator is taking spans from it */
  GM_YOUNG_USED,     /* the allocator went through all its spans */
  GM_YOUNG_UNSWEPT,  /* recycled by the last GC; marks still set */
  GM_YOUNG_AGING,    /* sits out this cycle; promoted at the next GC */
};

struct gm_page {
  uint8_t state;          /* enum gm_page_state */
  uint8_t young;          /* enum gm_young_state, for young pages */
  uint8_t age;            /* times recycled in a row */
  bool swept;             /* old pages: false while marks of the last trace remain */
  bool remembered;        /* in the remembered set's page list */
  uint32_t live_bytes;    /* bytes marked by the current trace */
  uint32_t free_before;   /* free bytes when it was last swept or formatted */
  uint32_t allocated;     /* bytes allocated into it since then */
  char *spans;            /* young: next free span to allocate into */
  uint64_t *slots;        /* old: remembered-set bitmap, one bit per word */
  uint64_t *starts;       /* object-start bitmap, one bit per granule */
  uint64_t starts_epoch;  /* the heap epoch `starts` was built for */
};

struct gm_region {
  char *base;             /* aligned to page_bytes */
  size_t reserve_pages;
  size_t page_bytes;
  unsigned page_shift;
  size_t frames_per_page;
  struct gm_page *pages;  /* one per reserved page */
  size_t high_water;      /* pages [0, high_water) have been used */
  size_t in_use;          /* pages not free */
  uint32_t *free;         /* indices of free pages below high_water */
  size_t free_count;
};

/* A growable array of pages. */
struct gm_page_list {
  struct gm_page **items;
  size_t count, capacity;
};

struct gm_nursery {
  struct gm_page_list pages;  /* young pages, in allocation order */
  size_t cursor;              /* next page the allocator looks at */
  size_t target_pages;
};

/* Size classes of the old space's free lists (see old-space.c). */
enum { GM_SIZE_CLASSES = 24 };

struct gm_old_space {
  char *free[GM_SIZE_CLASSES];  /* free spans, by size class */
  struct gm_page_list unswept;  /* old pages waiting for the lazy sweeper */
  size_t live_bytes;            /* live at the last major, plus promoted and allocated since */
};

struct gm_remset {
  struct gm_page_list pages;    /* old pages whose slot bitmap is not empty */
  void **large;                 /* remembered large objects */
  size_t large_count, large_capacity;
};

struct gm_policy {
  size_t budget;                /* bytes the heap may use now */
  size_t major_threshold;       /* old bytes that trigger a major collection */
  double recycle_minor, recycle_major, eager_used, major_multiplier;
  unsigned aging_cycles;
  uint64_t stress_count;
};

/* Per-GC page-sorting tallies, reported as counters. */
struct gm_sort_counts {
  uint64_t empty, recycled, aging, promoted, promoted_eager, released, promoted_bytes, demoted;
};

struct kn_heap {
  struct kn_common common;      /* first: the shared code casts */
  struct gm_region region;
  struct gm_nursery nursery;
  struct gm_old_space old;
  struct gm_remset remset;
  struct gm_policy policy;
  struct kn_large_space large;
  struct kn_mutator *mutator;
  uint64_t epoch;               /* bumped by each collection and verification */
  uint64_t stress_collections;
};

struct kn_mutator {
  struct kn_mutator_base base;  /* first: the fast paths cast */
  struct kn_heap *heap;
  uintptr_t lab_start, lab_limit;  /* the allocation buffer; fast.limit may be lower (stress) */
  struct gm_page *lab_page;
  struct kn_stack stack;
};

/* ---- Headers and frames (pages.c) ---------------------------------------- */

static inline kn_header gm_header(const void *obj) { return *kn_object_header(obj); }
static inline bool gm_is_filler(kn_header h) { return h & GM_FILLER; }
static inline size_t gm_header_bytes(kn_header h) {
  return kn_allocation_bytes((size_t)(h >> KN_HEADER_SIZE_SHIFT));
}
static inline unsigned char *gm_frame_flags(const void *addr) {
  return (unsigned char *)(((uintptr_t)addr & ~(uintptr_t)(GM_FRAME_BYTES - 1)) +
                           KN_GEN_MS_FLAGS_OFFSET);
}
static inline bool gm_is_young(const void *obj) {
  return *gm_frame_flags(obj) & KN_PAGE_POINTERS_TO_INTERESTING;
}

bool gm_region_init(struct gm_region *r, size_t page_bytes, size_t reserve_bytes);
void gm_region_destroy(struct gm_region *r);
static inline bool gm_in_region(const struct gm_region *r, const void *addr) {
  return (uintptr_t)addr - (uintptr_t)r->base < r->reserve_pages * r->page_bytes;
}
static inline struct gm_page *gm_page_of(const struct gm_region *r, const void *addr) {
  return &r->pages[((uintptr_t)addr - (uintptr_t)r->base) >> r->page_shift];
}
static inline char *gm_page_start(const struct gm_region *r, const struct gm_page *p) {
  return r->base + ((size_t)(p - r->pages) << r->page_shift);
}
static inline size_t gm_page_body_bytes(const struct gm_region *r) {
  return r->frames_per_page * GM_FRAME_BODY_BYTES;
}
/* A free page, or NULL if the reservation is used up. */
struct gm_page *gm_page_take(struct gm_region *r);
/* Returns a page's memory to the system and the page to the free pool. */
void gm_page_release(struct gm_region *r, struct gm_page *p);
/* Sets the barrier flags of every frame of the page. */
void gm_page_set_flags(struct gm_region *r, struct gm_page *p, unsigned flags);
/* Makes every frame body one free span; links the spans in p->spans. */
void gm_page_format(struct gm_region *r, struct gm_page *p);
void gm_write_filler(char *at, size_t bytes);

/* Sweeps a page: unmarked objects and fillers become free spans (passed to
 * `free_span`, or linked into p->spans when it is NULL), marks are cleared.
 * Returns the free bytes. */
size_t gm_page_sweep(struct gm_region *r, struct gm_page *p,
                     void (*free_span)(char *span, size_t bytes, void *data), void *data);
/* Calls visit(obj, data) for every object of the page (not fillers); only
 * the marked ones if `marked_only`. */
void gm_page_visit(struct gm_region *r, struct gm_page *p, bool marked_only,
                   void (*visit)(void *obj, void *data), void *data);
/* The object that `addr` points to (or into, if `interior`), among the
 * allocated objects of the region (dead objects of unswept pages excluded);
 * NULL if none.  The page must be parseable. */
void *gm_find_object(struct kn_heap *heap, uintptr_t addr, bool interior);

static inline void gm_list_push(struct gm_page_list *l, struct gm_page *p) {
  if (l->count == l->capacity) {
    size_t cap = l->capacity ? 2 * l->capacity : 64;
    struct gm_page **items = realloc(l->items, cap * sizeof *items);
    if (!items)
      kn_fatal("gen-ms: out of memory for a page list");
    l->items = items;
    l->capacity = cap;
  }
  l->items[l->count++] = p;
}

/* ---- Nursery (nursery.c) ------------------------------------------------- */

/* Retires the allocation buffer (its unused tail becomes a filler). */
void gm_lab_retire(struct kn_heap *heap);
/* Writes a filler over the unused tail of the buffer, leaving it in use, so
 * that its page can be walked. */
void gm_lab_seal(struct kn_heap *heap);
/* Publishes [hp, lab_limit) to the fast path. */
void gm_lab_publish(struct kn_heap *heap, uintptr_t hp);
/* Finds a span of at least `bytes` for the allocation buffer; false if the
 * nursery is full (time for a minor collection). */
bool gm_nursery_refill(struct kn_heap *heap, size_t bytes);
/* Before a trace: sweeps recycled pages not yet swept, clears live counts. */
void gm_nursery_prepare(struct kn_heap *heap);
/* After a trace: sorts every young page; promoted pages go to `promoted`. */
void gm_nursery_sort(struct kn_heap *heap, bool major, struct gm_page_list *promoted,
                     struct gm_sort_counts *counts);
void gm_nursery_destroy(struct gm_nursery *n);

/* ---- Old space (old-space.c) --------------------------------------------- */

void *gm_old_allocate(struct kn_heap *heap, size_t bytes);
/* Before a major trace: sweeps every unswept page, forgets the free lists,
 * and gives pages at least recycle-free-minor free back to the nursery
 * (returns how many). */
size_t gm_old_prepare_major(struct kn_heap *heap);
/* After a major trace: frees empty old pages, queues the rest for sweeping. */
void gm_old_after_major(struct kn_heap *heap, struct gm_sort_counts *counts);
/* A page promoted from the nursery joins the old space, unswept. */
void gm_old_adopt(struct kn_heap *heap, struct gm_page *p);
void gm_old_destroy(struct gm_old_space *o);

/* ---- Remembered set (remset.c) ------------------------------------------- */

void gm_remember_slot(struct kn_heap *heap, void *host, void **slot);
bool gm_is_remembered(struct kn_heap *heap, void *host, void **slot);
/* Reports every remembered slot (and every slot of remembered large objects). */
void gm_remset_trace(struct kn_heap *heap, struct kn_edge_sink *sink);
/* Drops slots that no longer hold young references. */
void gm_remset_prune(struct kn_heap *heap);
void gm_remset_clear(struct kn_heap *heap);
/* Forgets the slots of a page that leaves the old space. */
void gm_remset_forget_page(struct kn_heap *heap, struct gm_page *p);
/* Records the young edges of the marked objects of newly promoted pages. */
void gm_remset_scan_promoted(struct kn_heap *heap, struct gm_page_list *promoted);
size_t gm_remset_count(struct kn_heap *heap);
void gm_remset_destroy(struct gm_remset *rs);

/* ---- Policy (policy.c) ----------------------------------------------------- */

size_t gm_heap_bytes(const struct kn_heap *heap);
/* Bytes of the old generation's objects (see policy.c). */
size_t gm_old_bytes(const struct kn_heap *heap);
/* True if one more page fits in the budget. */
bool gm_budget_allows(const struct kn_heap *heap, size_t bytes);
/* Grows a growable heap's budget so that `bytes` more fit; false if not. */
bool gm_grow_budget(struct kn_heap *heap, size_t bytes);
bool gm_policy_wants_major(const struct kn_heap *heap);
void gm_policy_after_major(struct kn_heap *heap, size_t live);
void gm_policy_init(struct kn_heap *heap);

/* ---- Collection (collect.c) ------------------------------------------------ */

void gm_collect(struct kn_heap *heap, enum kn_collection_kind kind);

/* ---- Verification (verify.c) ------------------------------------------------- */

/* Old-to-young edges missing from the remembered set, each printed. */
size_t gm_verify_remset(struct kn_heap *heap, const char *when);
size_t gm_verify(struct kn_heap *heap);

#endif
