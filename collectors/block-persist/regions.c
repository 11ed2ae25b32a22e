/* block-persist's bump regions: where the next object goes.
 *
 * An allocation bumps through a region [hp, limit) of one block.  After a
 * collection, the blocks it kept that still have room (holes left by dead
 * objects between the live ones, or a free tail) are recyclable: each
 * class has a list of them, lowest block first, and a region that runs
 * out moves to the next hole of at least BP_MIN_HOLE bytes, then to the
 * tail of that block, then to the next recyclable block, and only when
 * the list is empty to an empty block.  A hole is just a bump region to
 * the inline fast path.
 *
 * Holes are found from the start bitmap and each live object's header
 * size, granule exact, so no line marks are needed: the walk costs a
 * header read per live object of a recyclable block, once per cycle.
 *
 * Start bits: the objects of a region are indexed when it is given up
 * (bp_region_settle), and the open regions are settled before a
 * collection, so that a collection sees every object allocated since the
 * last one.
 *
 * Footprint: a hole lies below its block's top, inside the granted part
 * counted already, so reusing it costs nothing; a tail is granted in
 * steps of BP_GRANT_CHUNK against the budget.  Collections are still
 * triggered by allocation: between two collections the holes are handed
 * out once each (the cursor of a block only moves forward), so a program
 * allocates at most the holes plus the room the budget leaves before it
 * needs a grant the budget refuses. */

#include <string.h>

#include "bp.h"

static struct kn_mutator_fast *fast_of(struct kn_heap *heap) {
  return &heap->mutator->base.fast;
}

static struct bp_region *general_region(struct kn_heap *heap) {
  return &heap->regions[BP_GENERAL];
}

void bp_sync_from_fast(struct kn_heap *heap) {
  struct bp_region *r = general_region(heap);
  if (r->block)
    r->hp = fast_of(heap)->hp;
}

/* In stress mode the fast path sees an empty region, so every allocation
 * comes to the slow path and is counted. */
void bp_publish(struct kn_heap *heap) {
  struct bp_region *r = general_region(heap);
  struct kn_mutator_fast *fast = fast_of(heap);
  fast->hp = r->block ? r->hp : 0;
  fast->limit = r->block && !heap->common.stress ? r->limit : fast->hp;
}

void bp_region_settle(struct kn_heap *heap, struct bp_region *r) {
  struct bp_block *b = r->block;
  kn_stats_count_allocation(&heap->common, r->hp - r->counted);
  r->counted = r->hp;
  bp_block_index(b, r->indexed, r->hp);
  if (r->in_hole)
    heap->recycling.bytes_in_holes += r->hp - r->indexed;
  else
    b->top = r->hp;
  r->indexed = r->hp;
}

/* Gives up the region: its objects are indexed, and a tail's unused grant
 * leaves the footprint (the rest of a hole stays free, and counted). */
static void retire(struct kn_heap *heap, struct bp_region *r) {
  struct bp_block *b = r->block;
  if (!b)
    return;
  bp_region_settle(heap, r);
  if (!r->in_hole) {
    heap->arena.granted_bytes -= b->granted - r->hp;
    b->granted = r->hp;
  }
  r->block = NULL;
}

void bp_retire_regions(struct kn_heap *heap) {
  for (int i = 0; i < BP_REGIONS; i++)
    retire(heap, &heap->regions[i]);
  bp_publish(heap);
}

void bp_settle_regions(struct kn_heap *heap) {
  bp_sync_from_fast(heap);
  for (int i = 0; i < BP_REGIONS; i++)
    if (heap->regions[i].block)
      bp_region_settle(heap, &heap->regions[i]);
}

/* ---- Tails: grants against the budget ------------------------------------ */

/* Bytes a tail's grant grows by at a time: the footprint follows what is
 * used, and one region cannot take the whole budget from the others. */
#define BP_GRANT_CHUNK ((size_t)256 * 1024)

enum grant_result { GRANTED, BLOCK_FULL, OVER_BUDGET };

/* Extends a tail region's grant so that `bytes` fit, as far as the block
 * and the budget allow. */
static enum grant_result grant(struct kn_heap *heap, struct bp_region *r, size_t bytes) {
  struct bp_block *b = r->block;
  uintptr_t end = bp_block_usable_end(&heap->arena, b);
  if (end - r->hp < bytes)
    return BLOCK_FULL;
  if (b->granted - r->hp >= bytes)
    return GRANTED;
  size_t footprint = bp_heap_footprint(heap), budget = bp_heap_budget(heap);
  size_t room = budget > footprint ? budget - footprint : 0;
  size_t step = bytes > BP_GRANT_CHUNK ? bytes : BP_GRANT_CHUNK;
  if (room > step)
    room = step;
  uintptr_t want = end - b->granted > room ? b->granted + room : end;
  if (want - r->hp < bytes)
    return OVER_BUDGET;
  heap->arena.granted_bytes += want - b->granted;
  b->granted = want;
  r->limit = want;
  kn_stats_heap_resized(&heap->common, footprint, bp_heap_footprint(heap));
  return GRANTED;
}

static void open_at(struct bp_region *r, struct bp_block *b, uintptr_t hp, uintptr_t limit,
                    bool in_hole) {
  r->block = b;
  r->hp = r->indexed = r->counted = hp;
  r->limit = limit;
  r->in_hole = in_hole;
}

/* Opens the region on the tail of block b and grants `bytes` there. */
static enum grant_result open_tail(struct kn_heap *heap, struct bp_region *r,
                                   struct bp_block *b, size_t bytes) {
  open_at(r, b, b->top, b->granted, false);
  enum grant_result g = grant(heap, r, bytes);
  if (g != GRANTED)
    retire(heap, r);
  return g;
}

static enum bp_block_state state_of_class(enum bp_class cls) {
  return cls == BP_LONG_LIVED ? BP_BLOCK_LONG_LIVED : BP_BLOCK_GENERAL;
}

/* Opens the region on an empty block. */
static bool open_empty_block(struct kn_heap *heap, struct bp_region *r, enum bp_class cls,
                             size_t bytes) {
  if (bp_heap_footprint(heap) + bytes > bp_heap_budget(heap))
    return false; /* no empty block the budget could not grant */
  struct bp_block *b = bp_block_take(&heap->arena, state_of_class(cls));
  return b && open_tail(heap, r, b, bytes) == GRANTED;
}

/* ---- Recycling ------------------------------------------------------------ */

static struct bp_block *recyclable_head(struct kn_heap *heap, enum bp_class cls) {
  uint32_t n = heap->recycle_head[cls];
  return n ? &heap->arena.blocks[n - 1] : NULL;
}

static bool has_room(const struct bp_arena *a, const struct bp_block *b) {
  return b->marked_bytes < b->top - b->start ||
         bp_block_usable_end(a, b) - b->top >= BP_MIN_HOLE;
}

/* After the sweep, with every region retired: the kept blocks with room
 * become the recycle lists of their class.  Long-lived blocks recycle
 * only for long-lived allocations (and have none without fix A). */
uint64_t bp_build_recycle_lists(struct kn_heap *heap) {
  struct bp_arena *a = &heap->arena;
  uint64_t n = 0;
  for (int cls = 0; cls < BP_CLASSES; cls++)
    heap->recycle_head[cls] = 0;
  for (uint32_t i = a->used; i-- > 0;) {
    struct bp_block *b = &a->blocks[i];
    if (b->state == BP_BLOCK_FREE || !has_room(a, b))
      continue;
    enum bp_class cls = b->state == BP_BLOCK_LONG_LIVED ? BP_LONG_LIVED : BP_GENERAL;
    /* A block without holes (a persisted one, say) offers its tail only:
     * no need to walk its objects to get there. */
    b->cursor = b->marked_bytes < b->top - b->start ? b->start : b->top;
    b->next_recyclable = heap->recycle_head[cls];
    heap->recycle_head[cls] = i + 1;
    n++;
  }
  return n;
}

/* Moves the region to the next hole or recyclable tail where `bytes` fit;
 * false when the list runs out.  Holes and tails passed over stay free
 * until the next collection. */
static bool recycle(struct kn_heap *heap, struct bp_region *r, enum bp_class cls,
                    size_t bytes) {
  struct bp_block *b;
  while ((b = recyclable_head(heap, cls))) {
    uintptr_t lo, hi;
    while (bp_block_next_hole(b, BP_MIN_HOLE, &lo, &hi)) {
      if (hi - lo >= bytes) {
        open_at(r, b, lo, hi, true);
        heap->recycling.holes_reused++;
        return true;
      }
    }
    heap->recycle_head[cls] = b->next_recyclable;
    b->next_recyclable = 0;
    if (open_tail(heap, r, b, bytes) == GRANTED)
      return true;
  }
  return false;
}

/* ---- Making room ----------------------------------------------------------- */

/* The main region moves on: to a hole, a recyclable tail or an empty
 * block, unless the budget refuses a tail its grant. */
static bool open_main(struct kn_heap *heap, enum bp_class cls, size_t bytes) {
  struct bp_region *r = &heap->regions[cls];
  bool over_budget = false;
  if (r->block && !r->in_hole) {
    enum grant_result g = grant(heap, r, bytes);
    if (g == GRANTED)
      return true;
    over_budget = g == OVER_BUDGET;
  }
  retire(heap, r);
  if (recycle(heap, r, cls, bytes))
    return true;
  return !over_budget && open_empty_block(heap, r, cls, bytes);
}

/* The overflow region takes tails only: a grant, or an empty block. */
static bool open_overflow(struct kn_heap *heap, enum bp_class cls, size_t bytes) {
  struct bp_region *o = &heap->regions[bp_overflow_region(cls)];
  if (o->block) {
    enum grant_result g = grant(heap, o, bytes);
    if (g != BLOCK_FULL)
      return g == GRANTED;
    retire(heap, o);
  }
  return open_empty_block(heap, o, cls, bytes);
}

struct bp_region *bp_make_room(struct kn_heap *heap, enum bp_class cls, size_t bytes) {
  struct bp_region *r = &heap->regions[cls];
  if (r->block && r->limit - r->hp >= bytes)
    return r;
  if (r->block && r->in_hole && bytes > BP_MIN_HOLE) {
    struct bp_region *o = &heap->regions[bp_overflow_region(cls)];
    return open_overflow(heap, cls, bytes) ? o : NULL;
  }
  return open_main(heap, cls, bytes) ? r : NULL;
}

/* After a collection the general region opens at once, so that the fast
 * path has room; with fresh-block-after-gc on an empty block, away from
 * the survivors (the holes come after it).  Published at once: the
 * verifier reads the fast path's pointer back. */
void bp_open_after_collection(struct kn_heap *heap) {
  if (!heap->config.fresh_block_after_gc ||
      !open_empty_block(heap, general_region(heap), BP_GENERAL, KN_GRANULE))
    open_main(heap, BP_GENERAL, KN_GRANULE);
  bp_publish(heap);
}

void *bp_bump(struct bp_region *r, size_t size, unsigned kind, unsigned tag) {
  size_t bytes = kn_allocation_bytes(size);
  uintptr_t hp = r->hp;
  *(kn_header *)hp = kn_header_make(size, kind, tag);
  void *obj = (void *)(hp + KN_HEADER_BYTES);
  memset(obj, 0, bytes - KN_HEADER_BYTES);
  r->hp = hp + bytes;
  return obj;
}
