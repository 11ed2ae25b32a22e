/* block-persist: a conservative, non-moving mark collector over big
 * bump-allocated blocks, with Perry's block-persistence pass.
 *
 * Invariants:
 *  - Small objects live in blocks of `block-size` bytes (8 MB by default),
 *    in [start, top), bump-allocated through regions that are holes
 *    between survivors or the block's free tail (regions.c); the rest of a
 *    block is free.  Large objects (payload above
 *    KN_BLOCK_PERSIST_LARGE_THRESHOLD) live in the shared large-object
 *    space.  Nothing ever moves.
 *  - Between collections, an object is allocated if and only if its start
 *    bit is set, or it lies in [indexed, hp) of an open region (allocated
 *    since the region was last indexed, by the inline fast path).  Every
 *    allocated object's fields point to allocated objects (or are
 *    NULL/immediates): a collection frees only objects it did not mark,
 *    and a marked object's referents are marked.
 *  - A block holding no marked object after a collection is emptied and its
 *    pages returned to the system; a block holding one keeps its memory.
 *    In a persisted unit every object is marked; elsewhere the unmarked
 *    ones lose their start bits and become holes, which allocation reuses
 *    until the next collection (each once: the lists are rebuilt by the
 *    sweep), so collections are still triggered by refused grants.
 *  - KN_ALLOC_LONG_LIVED objects go to long-lived blocks that hold nothing
 *    else (option long-lived-blocks, fix A), and only they reuse the holes
 *    there.
 *  - The footprint (granted bytes of blocks in use plus large objects)
 *    stays within the heap size, unless the live blocks alone exceed it;
 *    holes lie inside the granted part and do not grow it.
 * One mutator; its stack and registers are scanned conservatively. */

#define _GNU_SOURCE
#include <stdlib.h>
#include <string.h>

#include "bp.h"

_Static_assert(KN_BLOCK_PERSIST_LARGE_THRESHOLD == 8192,
               "kn-attrs-block-persist.h and block-persist.c disagree");

const char kn_collector_id[] = "block-persist";
static const char *const persist_seeds_choices[] = {"reached", "ambiguous", NULL};
const struct kn_option_spec kn_collector_options[] = {
  {"block-size", KN_OPT_SIZE, 8.0 * 1024 * 1024, 64.0 * 1024, 1024.0 * 1024 * 1024, NULL,
   "arena block size, a power of two"},
  {"persistence", KN_OPT_BOOL, 1, 0, 1, NULL,
   "keep every object of a block (or unit) that holds a seed (Perry's pass)"},
  {"persist-reached-only", KN_OPT_BOOL, 1, 0, 1, NULL,
   "fix B: one persistence round; 0 repeats rounds to a fixed point (Perry)"},
  {"persist-unit", KN_OPT_SIZE, 64.0 * 1024, 0, 1024.0 * 1024 * 1024, NULL,
   "fix C: persist this aligned part of a block around a seed, not the block (0: the block)"},
  {"persist-seeds", KN_OPT_CHOICE, BP_SEEDS_AMBIGUOUS, 0, 1, persist_seeds_choices,
   "fix D: what a persisted unit must hold: an object an ambiguous root designates, or "
   "any object reached from the roots"},
  {"long-lived-blocks", KN_OPT_BOOL, 1, 0, 1, NULL,
   "fix A: KN_ALLOC_LONG_LIVED objects get blocks of their own"},
  {"fresh-block-after-gc", KN_OPT_BOOL, 0, 0, 1, NULL,
   "after a collection, allocate in an empty block, not beside survivors"},
  {"scan-data-sections", KN_OPT_BOOL, 0, 0, 1, NULL,
   "scan the program's writable data sections conservatively too"},
  {NULL, 0, 0, 0, 0, NULL, NULL},
};

static void collect(struct kn_heap *heap);
static void verify_heap(struct kn_heap *heap);

/* Every collection the mutator causes starts here: the stack below the
 * caller is cleared first, so that collect's frames, which the stack scan
 * covers, do not begin with words an earlier collection left there (the
 * last objects it traced, say).  Inlined, so the clearing runs from the
 * very frame that then calls collect. */
__attribute__((always_inline)) static inline void collect_cleanly(struct kn_heap *heap) {
  kn_stack_clear_below();
  collect(heap);
}

/* ---- Heap lifecycle ---------------------------------------------------- */

/* Bytes the heap may ever need: the limit, twice over for blocks that a
 * few survivors keep, or a generous virtual reservation without limit. */
static size_t reserve_bytes(const struct kn_common *c, size_t block_size) {
  size_t limit = c->heap_policy == KN_HEAP_FIXED ? c->heap_size : c->heap_limit;
  if (!limit)
    return (size_t)64 << 30;
  return 2 * limit + 4 * block_size;
}

static bool fail_create(struct kn_options *opts, struct kn_heap *heap, struct kn_mutator *mut,
                        const char *msg) {
  return kn_heap_create_failed(&heap->common, mut, opts, "block-persist: %s", msg);
}

/* A persistence unit as large as a block is the whole block. */
static const char *read_config(struct kn_heap *heap, size_t block_size) {
  const struct kn_options *o = heap->common.opts;
  size_t unit = (size_t)kn_option(o, "persist-unit");
  if (unit && ((unit & (unit - 1)) || unit < BP_PERSIST_UNIT_MIN))
    return "persist-unit must be 0 (whole blocks) or a power of two of at least 512 bytes";
  heap->config.persist_unit = unit < block_size ? unit : 0;
  heap->config.persist_seeds = (enum bp_seeds)kn_option(o, "persist-seeds");
  heap->config.persistence = kn_option(o, "persistence") != 0;
  heap->config.persist_reached_only = kn_option(o, "persist-reached-only") != 0;
  heap->config.long_lived_blocks = kn_option(o, "long-lived-blocks") != 0;
  heap->config.fresh_block_after_gc = kn_option(o, "fresh-block-after-gc") != 0;
  heap->config.scan_data_sections = kn_option(o, "scan-data-sections") != 0;
  return NULL;
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
  size_t block_size = (size_t)kn_option(heap->common.opts, "block-size");
  if (block_size & (block_size - 1))
    return fail_create(opts, heap, mut, "block-size must be a power of two");
  const char *bad = read_config(heap, block_size);
  if (bad)
    return fail_create(opts, heap, mut, bad);
  if (!bp_arena_init(&heap->arena, block_size, reserve_bytes(&heap->common, block_size)))
    return fail_create(opts, heap, mut, "cannot reserve the arena");
  kn_large_space_init(&heap->large);
  mut->heap = heap;
  mut->base.heap = &heap->common;
  kn_stack_init(&mut->stack);
  heap->mutator = mut;
  bp_open_after_collection(heap);
  bp_publish(heap);
  *heap_out = heap;
  *mut_out = mut;
  return true;
}

void kn_heap_destroy(struct kn_heap *heap) {
  bp_arena_destroy(&heap->arena);
  kn_large_space_destroy(&heap->large);
  kn_common_destroy(&heap->common);
  free(heap->mutator);
  free(heap);
}

/* Thread entry points are in collectors/shared/one-mutator.c.  No
 * generations, so no barrier: the fast path never calls this. */
void kn_write_barrier_slow(struct kn_mutator *mut, void *obj, void **slot, void *value) {
  (void)mut, (void)obj, (void)slot, (void)value;
}

/* ---- Heap size ------------------------------------------------------- */

static size_t heap_footprint(const struct kn_heap *heap) { return bp_heap_footprint(heap); }


/* Grows a growable heap so that `bytes` more fit; false if it may not. */
static bool grow_for(struct kn_heap *heap, size_t bytes) {
  struct kn_common *c = &heap->common;
  if (c->heap_policy == KN_HEAP_FIXED)
    return false;
  size_t footprint = heap_footprint(heap);
  size_t want = footprint + bytes + footprint / 2;
  if (c->heap_limit && want > c->heap_limit)
    want = c->heap_limit;
  if (want <= c->heap_target)
    return false;
  c->heap_target = want;
  return true;
}

/* ---- Allocation -------------------------------------------------------- */

static void *allocate_small(struct kn_heap *heap, enum bp_class cls, size_t size,
                            unsigned kind, unsigned tag) {
  size_t bytes = kn_allocation_bytes(size);
  for (;;) {
    struct bp_region *r = bp_make_room(heap, cls, bytes);
    if (r)
      return bp_bump(r, size, kind, tag);
    collect_cleanly(heap);
    if ((r = bp_make_room(heap, cls, bytes)))
      return bp_bump(r, size, kind, tag);
    if (grow_for(heap, bytes) && (r = bp_make_room(heap, cls, bytes)))
      return bp_bump(r, size, kind, tag);
    if (!kn_heap_exhausted(&heap->common, size, heap_footprint(heap)))
      return NULL;
  }
}

static void *allocate_large(struct kn_heap *heap, size_t size, unsigned kind, unsigned tag) {
  struct kn_common *c = &heap->common;
  size_t cost = kn_large_space_cost(size);
  for (;;) {
    bool room = heap_footprint(heap) + cost <= bp_heap_budget(heap);
    if (!room) {
      collect_cleanly(heap);
      room = heap_footprint(heap) + cost <= bp_heap_budget(heap) || grow_for(heap, cost);
    }
    if (room) {
      void *obj = kn_large_space_allocate(&heap->large, size, kind, tag);
      if (obj) {
        kn_stats_count_allocation(c, cost);
        kn_stats_heap_resized(c, heap_footprint(heap) - cost, heap_footprint(heap));
        return obj;
      }
    }
    if (!kn_heap_exhausted(c, size, heap_footprint(heap)))
      return NULL;
  }
}

static enum bp_class class_of(const struct kn_heap *heap, unsigned kind) {
  return (kind & KN_ALLOC_LONG_LIVED) && heap->config.long_lived_blocks ? BP_LONG_LIVED
                                                                        : BP_GENERAL;
}

static bool is_large(size_t size, unsigned kind) {
  return size > KN_BLOCK_PERSIST_LARGE_THRESHOLD || (kind & KN_ALLOC_LARGE);
}

/* The common slow path: the region needs a new hole, grant or block, and no
 * collection is due.  Returns NULL when a collection may be needed. */
static void *allocate_without_collecting(struct kn_heap *heap, size_t size, unsigned kind,
                                         unsigned tag) {
  if (is_large(size, kind) || size > KN_MAX_OBJECT_BYTES)
    return NULL;
  struct bp_region *r = bp_make_room(heap, class_of(heap, kind), kn_allocation_bytes(size));
  return r ? bp_bump(r, size, kind, tag) : NULL;
}

/* The path that may collect.  Out of line, and entered after clearing the
 * stack below the mutator's frames (see kn_stack_clear_below). */
__attribute__((noinline)) static void *allocate_or_collect(struct kn_heap *heap, size_t size,
                                                           unsigned kind, unsigned tag,
                                                           bool stress_due) {
  if (KN_UNLIKELY(size > KN_MAX_OBJECT_BYTES))
    kn_request_too_large(&heap->common, size, heap_footprint(heap));
  if (stress_due)
    collect_cleanly(heap);
  if (is_large(size, kind))
    return allocate_large(heap, size, kind, tag);
  return allocate_small(heap, class_of(heap, kind), size, kind, tag);
}

void *kn_allocate_slow(struct kn_mutator *mut, size_t size, unsigned kind, unsigned tag) {
  struct kn_heap *heap = mut->heap;
  bp_sync_from_fast(heap);
  /* In stress mode every allocation comes here (the fast path sees no
   * room); only those that collect pay for clearing the stack. */
  bool stress_due = kn_stress_tick(&heap->common);
  void *obj = stress_due ? NULL : allocate_without_collecting(heap, size, kind, tag);
  if (!obj) {
    kn_stack_clear_below();
    obj = allocate_or_collect(heap, size, kind, tag, stress_due);
  }
  bp_publish(heap);
  return obj;
}

void kn_collect(struct kn_mutator *mut, enum kn_collection_kind kind) {
  (void)kind; /* no generations: every collection is major */
  bp_sync_from_fast(mut->heap);
  collect_cleanly(mut->heap);
  bp_publish(mut->heap);
}

/* ---- Collection -------------------------------------------------------- */

/* Before marking: the regions are closed (their unused grants leave the
 * footprint, their objects get start bits), and the marks of the last
 * collection are forgotten. */
static void prepare_blocks(struct kn_heap *heap) {
  bp_retire_regions(heap);
  struct bp_arena *a = &heap->arena;
  for (uint32_t i = 0; i < a->used; i++) {
    a->blocks[i].marked_bytes = 0;
  }
}

/* After marking: dead blocks are released; in live ones the marks become
 * the start bits (which drops the unmarked objects when persistence is
 * off) and are cleared. */
static void sweep_blocks(struct kn_heap *heap, struct bp_counts *counts) {
  struct bp_arena *a = &heap->arena;
  for (uint32_t i = 0; i < a->used; i++) {
    struct bp_block *b = &a->blocks[i];
    if (b->state == BP_BLOCK_FREE)
      continue;
    if (!b->marked_bytes) {
      bp_block_release(a, b);
      counts->blocks_freed++;
      continue;
    }
    counts->marked_bytes += b->marked_bytes;
    size_t words = bp_block_bitmap_words(b);
    memcpy(b->starts, b->marks, words * sizeof *b->starts);
    memset(b->marks, 0, words * sizeof *b->marks);
  }
}

static void report_counts(struct kn_heap *heap, const struct bp_counts *n,
                          struct kn_collection_report *report) {
  struct kn_common *c = &heap->common;
  kn_count_collection(c, report, "objects-reached", n->reached);
  kn_count_collection(c, report, "objects-persisted", n->persisted);
  kn_report_add_counter(report, "blocks-live-before", n->blocks_before);
  kn_report_add_counter(report, "blocks-live-after", n->blocks_after);
  kn_count_collection(c, report, "persist-rounds", n->rounds);
  kn_count_collection(c, report, "units-persisted", n->units);
  kn_count_collection(c, report, "blocks-freed", n->blocks_freed);
  kn_report_add_counter(report, "ambiguous-roots", n->ambiguous_hits);
  kn_report_add_counter(report, "large-objects", heap->large.count);
  kn_count_collection(c, report, "holes-reused", heap->recycling.holes_reused);
  kn_count_collection(c, report, "bytes-in-holes", heap->recycling.bytes_in_holes);
  kn_report_add_counter(report, "blocks-recyclable", n->blocks_recyclable);
  memset(&heap->recycling, 0, sizeof heap->recycling);
}

/* What the roots reach sets the next budget, as in the other collectors,
 * plus what persistence kept besides, counted once: garbage a persisted
 * block holds is no reason for more headroom.  The holes of kept blocks
 * are reused, so a kept block no longer costs its whole extent.  The
 * blocks kept may already exceed that size; then their holes, which hold
 * at least the multiplier's share of the live data, take the next
 * cycle's allocation. */
static void set_budget_after_collection(struct kn_heap *heap, const struct bp_counts *n) {
  struct kn_common *c = &heap->common;
  if (c->heap_policy == KN_HEAP_FIXED)
    return;
  size_t reached = n->reached_bytes + heap->large.live_bytes;
  size_t kept_besides = n->marked_bytes - n->reached_bytes;
  size_t target = kn_policy_heap_size(c, reached) + kept_besides;
  if (c->heap_limit && target > c->heap_limit)
    target = c->heap_limit;
  c->heap_target = target > heap_footprint(heap) ? target : heap_footprint(heap);
}

static void collect(struct kn_heap *heap) {
  struct kn_common *c = &heap->common;
  size_t old_footprint = heap_footprint(heap);
  kn_collection_begin(c, KN_COLLECT_MAJOR);
  struct bp_counts counts = {0};
  struct bp_marker marker;
  bp_marker_init(&marker, heap, &counts);
  bp_capture_ambiguous_roots(&marker);
  prepare_blocks(heap);
  bp_mark_heap(&marker);
  bp_marker_destroy(&marker);
  sweep_blocks(heap, &counts);
  kn_large_space_sweep(&heap->large);
  set_budget_after_collection(heap, &counts);
  counts.blocks_recyclable = bp_build_recycle_lists(heap);
  struct kn_collection_report report = {
    .kind = KN_COLLECT_MAJOR,
    .live_bytes = counts.marked_bytes + heap->large.live_bytes,
  };
  report_counts(heap, &counts, &report); /* before the first hole is reused */
  bp_open_after_collection(heap);
  report.heap_bytes = heap_footprint(heap);
  kn_collection_end(c, &report);
  kn_stats_heap_resized(c, old_footprint, heap_footprint(heap));
  if (c->verify)
    verify_heap(heap);
}

/* ---- Verification ------------------------------------------------------ */

static bool bp_is_object(void *ctx, void *ref) {
  struct kn_heap *heap = ctx;
  struct bp_arena *a = &heap->arena;
  uintptr_t p = (uintptr_t)ref;
  if (!bp_arena_contains(a, p))
    return kn_large_space_contains(&heap->large, ref);
  if ((uint32_t)((p - a->lo) >> a->block_shift) >= a->used || (p & (KN_GRANULE - 1)))
    return false;
  struct bp_block *b = bp_block_of(a, p);
  return b->state != BP_BLOCK_FREE && p - KN_HEADER_BYTES < b->top &&
         bp_bit(b->starts, bp_granule_of(b, p - KN_HEADER_BYTES));
}

static size_t run_verifier(struct kn_heap *heap) {
  bp_settle_regions(heap);
  struct kn_verifier *v = kn_verifier_create(&heap->common, bp_is_object, heap);
  kn_trace_global_roots(&heap->common, kn_verifier_sink(v));
  kn_trace_mutator_roots(&heap->mutator->base.fast, &heap->mutator->base.roots, kn_verifier_sink(v));
  size_t problems = kn_verifier_finish(v);
  kn_verifier_destroy(v);
  return problems;
}

static void verify_heap(struct kn_heap *heap) {
  size_t problems = run_verifier(heap);
  if (problems)
    kn_fatal("heap verification failed after collection %llu: %zu problems",
             (unsigned long long)heap->common.stats.totals.collections[KN_COLLECT_MAJOR],
             problems);
}

size_t kn_heap_verify(struct kn_mutator *mut) { return run_verifier(mut->heap); }
