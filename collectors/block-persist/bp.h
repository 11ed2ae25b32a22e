#ifndef KN_BP_H
#define KN_BP_H

/* block-persist's internal structures, shared by its four files:
 *   arena.c          blocks: reservation, start and mark bitmaps, lookups,
 *                    holes
 *   regions.c        bump regions: holes, tails, grants, recycle lists
 *   mark.c           marking: conservative and precise roots, the
 *                    persistence pass and its instrumentation
 *   block-persist.c  the API: heap, mutator, allocation, collection */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "kn-internal.h"
#include "large-space.h"
#include "stack.h"

enum bp_block_state {
  BP_BLOCK_FREE,        /* on the free list; holds nothing */
  BP_BLOCK_GENERAL,     /* ordinary allocations */
  BP_BLOCK_LONG_LIVED,  /* KN_ALLOC_LONG_LIVED allocations only (fix A) */
};

/* One arena block.  Objects lie in [start, top), separated by holes
 * (free granules) once a collection has dropped some; the rest of the
 * block is free.  Bit i of `starts` says an allocated object's header is
 * at start + 8 i, except in the part of an open bump region that is not
 * indexed yet (the inline fast path cannot set bits; see struct
 * bp_region).  `marks` uses the same numbering and is clear between
 * collections. */
struct bp_block {
  uintptr_t start;
  uintptr_t top;        /* end of the objects; the rest of the block is free */
  uintptr_t granted;    /* end of the part counted in the footprint */
  uintptr_t cursor;     /* recyclable: holes below this were handed out */
  uint64_t *starts, *marks;
  enum bp_block_state state;
  size_t marked_bytes;  /* this collection */
  uint32_t next_free;   /* free list link (block number + 1; 0 ends) */
  uint32_t next_recyclable; /* recycle list link (block number + 1; 0 ends) */
};

/* Allocation classes: general objects and KN_ALLOC_LONG_LIVED ones (fix A),
 * which never share a block. */
enum bp_class { BP_GENERAL, BP_LONG_LIVED, BP_CLASSES };

/* A bump region [hp, limit) of one block, either a hole between live
 * objects (`in_hole`) or the block's tail, which grows by grants and
 * moves the block's top.  Each class has a main region (for BP_GENERAL
 * it is the inline fast path's) and an overflow region that takes the
 * objects too big for the hole the main region is in, so that one such
 * object does not make the main region skip holes (as in Immix).
 * [indexed, hp) was allocated and has no start bits yet. */
struct bp_region {
  struct bp_block *block;  /* NULL: none open */
  uintptr_t hp;            /* for the general main region the truth is fast.hp */
  uintptr_t limit;         /* the hole's end, or the block's grant */
  uintptr_t indexed;       /* start bits are set below here */
  uintptr_t counted;       /* allocation up to here is in the statistics */
  bool in_hole;
};

/* Index of the overflow region of a class in kn_heap.regions. */
static inline int bp_overflow_region(enum bp_class cls) { return BP_CLASSES + (int)cls; }
enum { BP_REGIONS = 2 * BP_CLASSES };

/* Holes smaller than this are left alone: a 256-byte hole takes a few
 * typical objects, and skipping the smaller ones bounds the time spent
 * walking holes per byte allocated. */
enum { BP_MIN_HOLE = 256 };

/* Fix C's smallest unit: one word of a block's bitmaps (64 granules). */
enum { BP_PERSIST_UNIT_MIN = 64 * KN_GRANULE };

/* Hole reuse between two collections, reported at the second. */
struct bp_recycling {
  uint64_t holes_reused;     /* hole regions opened */
  uint64_t bytes_in_holes;   /* bytes allocated in them */
};

struct bp_arena {
  uintptr_t lo, hi;        /* the reservation, block aligned */
  void *mapping;           /* as mmap returned it */
  size_t mapping_bytes;
  size_t block_size;
  int block_shift;
  struct bp_block *blocks; /* one per block of the reservation */
  uint32_t nblocks;        /* blocks in the reservation */
  uint32_t used;           /* blocks ever handed out: [0, used) have metadata */
  uint32_t free_head;      /* free list (block number + 1; 0: empty) */
  uint32_t in_use;         /* blocks neither free nor unused */
  size_t granted_bytes;    /* sum of (granted - start) over blocks in use */
};

/* What the first persistence round starts from (option persist-seeds). */
enum bp_seeds {
  BP_SEEDS_REACHED,     /* any marked object: fix B, or Perry's first round */
  BP_SEEDS_AMBIGUOUS,   /* objects an ambiguous root designates: fix D */
};

/* Options of this collector, read once at heap creation. */
struct bp_config {
  bool persistence;
  bool persist_reached_only;  /* fix B */
  size_t persist_unit;        /* fix C: bytes; 0 persists whole blocks */
  enum bp_seeds persist_seeds; /* fix D */
  bool long_lived_blocks;
  bool fresh_block_after_gc;
  bool scan_data_sections;
};

/* What one collection measured. */
struct bp_counts {
  uint64_t reached;          /* objects marked from the roots */
  uint64_t persisted;        /* objects marked by the persistence pass or from them */
  uint64_t ambiguous_hits;   /* conservative words that identified an object */
  uint64_t blocks_before;    /* blocks holding a marked object before the pass */
  uint64_t blocks_after;     /* ... after it */
  uint64_t rounds;           /* persistence rounds that persisted a block */
  uint64_t units;            /* units persisted (blocks, when the unit is a block) */
  uint64_t blocks_freed;
  uint64_t marked_bytes;
  uint64_t reached_bytes;    /* of the small objects marked from the roots */
  uint64_t blocks_recyclable; /* kept blocks put on the recycle lists */
};

struct kn_heap {
  struct kn_common common;   /* first: the shared code casts */
  struct bp_arena arena;
  struct kn_large_space large;
  struct bp_region regions[BP_REGIONS];
  uint32_t recycle_head[BP_CLASSES]; /* kept blocks with room, lowest first */
  struct bp_recycling recycling;      /* since the last collection */
  struct bp_config config;
  struct kn_mutator *mutator;
};

struct kn_mutator {
  struct kn_mutator_base base;  /* first: the fast paths cast */
  struct kn_heap *heap;
  struct kn_stack stack;
};

/* ---- arena.c ------------------------------------------------------------ */

bool bp_arena_init(struct bp_arena *a, size_t block_size, size_t reserve_bytes);
void bp_arena_destroy(struct bp_arena *a);

/* A block taken off the free list (or never used yet), empty; NULL if the
 * reservation is exhausted or its bitmaps cannot be allocated. */
struct bp_block *bp_block_take(struct bp_arena *a, enum bp_block_state state);
/* Empties a block, returns its pages to the system and frees it. */
void bp_block_release(struct bp_arena *a, struct bp_block *b);

/* Where the last object of a block may end: objects never touch the block's
 * end, so an object's address always lies inside its own block. */
static inline uintptr_t bp_block_usable_end(const struct bp_arena *a, const struct bp_block *b) {
  return b->start + a->block_size - KN_GRANULE;
}

static inline bool bp_arena_contains(const struct bp_arena *a, uintptr_t p) {
  return p - a->lo < a->hi - a->lo;
}

static inline struct bp_block *bp_block_of(const struct bp_arena *a, uintptr_t p) {
  return &a->blocks[(p - a->lo) >> a->block_shift];
}

static inline size_t bp_granule_of(const struct bp_block *b, uintptr_t header) {
  return (header - b->start) / KN_GRANULE;
}

static inline bool bp_bit(const uint64_t *bits, size_t i) {
  return (bits[i / 64] >> (i % 64)) & 1;
}

static inline void bp_set_bit(uint64_t *bits, size_t i) {
  bits[i / 64] |= (uint64_t)1 << (i % 64);
}

/* Sets the start bits of the objects bump-allocated in [from, to). */
void bp_block_index(struct bp_block *b, uintptr_t from, uintptr_t to);

/* The next hole of at least `min_bytes` in [cursor, top) of a block whose
 * start bits are exact there; advances the cursor past it.  False when
 * there is none (the tail above top is not a hole). */
bool bp_block_next_hole(struct bp_block *b, size_t min_bytes, uintptr_t *lo, uintptr_t *hi);

/* The allocated object whose memory (header included) holds `p`, or NULL
 * for free space.  `p` must lie in the block, below its top. */
void *bp_block_find_object(const struct bp_block *b, uintptr_t p);

/* Bitmap words covering [start, top). */
static inline size_t bp_block_bitmap_words(const struct bp_block *b) {
  return (bp_granule_of(b, b->top) + 63) / 64;
}

static inline size_t bp_heap_footprint(const struct kn_heap *heap) {
  return heap->arena.granted_bytes + heap->large.bytes;
}

/* What the footprint may reach before a collection: the fixed size, or
 * the growable heap's current target (set after each collection). */
static inline size_t bp_heap_budget(const struct kn_heap *heap) {
  const struct kn_common *c = &heap->common;
  return c->heap_policy == KN_HEAP_FIXED ? c->heap_size : c->heap_target;
}

/* ---- regions.c ---------------------------------------------------------- */

/* The region to bump `bytes` into, with room made for them; NULL when
 * that needs a collection (or the heap to grow). */
struct bp_region *bp_make_room(struct kn_heap *heap, enum bp_class cls, size_t bytes);
/* Writes the header and zeroes the payload; the room must be made. */
void *bp_bump(struct bp_region *r, size_t size, unsigned kind, unsigned tag);

/* The general main region is the inline fast path's: read its pointer
 * back before the slow path works, publish it after. */
void bp_sync_from_fast(struct kn_heap *heap);
void bp_publish(struct kn_heap *heap);

/* Counts and indexes what a region allocated since it was last settled. */
void bp_region_settle(struct kn_heap *heap, struct bp_region *r);
/* Settles every open region (the fast path's read back first). */
void bp_settle_regions(struct kn_heap *heap);
/* Before a collection: settles and closes every region. */
void bp_retire_regions(struct kn_heap *heap);
/* After the sweep: lists the kept blocks with room; returns how many. */
uint64_t bp_build_recycle_lists(struct kn_heap *heap);
/* Then: opens the general region for the fast path. */
void bp_open_after_collection(struct kn_heap *heap);

/* ---- mark.c ------------------------------------------------------------- */

/* The state of one collection's marking. */
struct bp_marker {
  struct kn_edge_sink sink;
  struct kn_heap *heap;
  struct bp_counts *counts;
  void **stack;               /* objects marked, not yet traced */
  size_t count, capacity;
  uintptr_t *ambiguous;       /* stack words that fall in the arena; once the
                                 roots are marked, the objects they designate
                                 (0: none), fix D's seeds */
  size_t ambiguous_count, ambiguous_capacity;
  uint64_t marked;            /* objects marked so far */
};

void bp_marker_init(struct bp_marker *m, struct kn_heap *heap, struct bp_counts *counts);
void bp_marker_destroy(struct bp_marker *m);

/* First thing in a collection, before the collector's own work leaves
 * addresses in its frames: reads the mutator's stack and registers (and
 * the data sections if asked).  Large objects are marked at once; words
 * in the arena are kept until the arena is indexed. */
void bp_capture_ambiguous_roots(struct bp_marker *m);

/* With the arena indexed: marks from the captured words and the precise
 * roots, traces, runs the persistence pass if enabled; fills the counts. */
void bp_mark_heap(struct bp_marker *m);

/* The object an ambiguous word designates, or NULL (the arena must be
 * indexed). */
void *bp_resolve_ambiguous(struct kn_heap *heap, uintptr_t word);

#endif
