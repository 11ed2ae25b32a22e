/* block-persist's marking: roots, tracing, and the block-persistence pass.
 *
 * Roots come in two kinds.  Ambiguous words (the mutator's stack and
 * registers, optionally the data sections) may be anything: a word keeps
 * the object whose memory holds it, header included, and nothing when it
 * points into free space.  Precise roots and heap edges hold exact object
 * addresses.  Either way an object is marked once and pushed on the mark
 * stack, whose objects are traced through the embedder's callback.
 *
 * The persistence pass then treats every unit (a block, or with fix C an
 * aligned part of one) holding a marked object as wholly live: it marks
 * every object in it and traces them.  Perry's pass repeats that until no
 * further unit gains a mark, and so feeds on itself: a dead object kept in
 * one block keeps the next block whole, and so on (the cascade).  Fix B
 * (persist-reached-only=1) runs one round: objects the persisted ones
 * reach are marked, since a kept object's fields must stay valid, but
 * their units are not persisted in turn.  Fix C (persist-unit, 64 kB by
 * default) bounds the garbage kept around each seed to a unit instead of
 * a block; the rest of the block's dead space becomes holes.  Fix D
 * (persist-seeds=ambiguous) starts the pass only from the objects the
 * ambiguous roots designate, the references a conservative scan is unsure
 * of, rather than from everything marked: a precise root or a heap edge
 * is exact and gives no reason to keep its neighbours.  Objects marked by
 * persistence are counted apart, which is how the cascade shows in the
 * statistics. */

#include <stdlib.h>
#include <string.h>

#include "bp.h"

static void push(struct bp_marker *m, void *obj) {
  if (m->count == m->capacity) {
    m->capacity = m->capacity ? 2 * m->capacity : 4096;
    m->stack = realloc(m->stack, m->capacity * sizeof *m->stack);
    if (!m->stack)
      kn_fatal("block-persist: out of memory for the mark stack");
  }
  m->stack[m->count++] = obj;
}

/* Marks a small object given its block; true if it was unmarked.  Its
 * header is read only when it is traced (drain), after a prefetch. */
static bool mark_in_block(struct bp_marker *m, struct bp_block *b, void *obj) {
  size_t g = bp_granule_of(b, (uintptr_t)obj - KN_HEADER_BYTES);
  if (bp_bit(b->marks, g))
    return false;
  bp_set_bit(b->marks, g);
  m->marked++;
  push(m, obj);
  return true;
}

/* An exact reference: a precise root or a heap edge. */
static void mark_exact(struct bp_marker *m, void *obj) {
  struct bp_arena *a = &m->heap->arena;
  uintptr_t p = (uintptr_t)obj;
  if (bp_arena_contains(a, p)) {
    mark_in_block(m, bp_block_of(a, p), obj);
    return;
  }
  if ((kn_object_kind(obj) & KN_ALLOC_LARGE) && kn_large_space_mark(obj)) {
    m->marked++;
    push(m, obj);
  }
}

static void mark_edges(struct kn_edge_sink *sink, void ***slots, size_t count) {
  struct bp_marker *m = KN_CONTAINER_OF(sink, struct bp_marker, sink);
  for (size_t i = 0; i < count; i++) {
    void *ref = *slots[i];
    if (kn_is_reference(ref))
      mark_exact(m, ref);
  }
}

/* ---- Ambiguous roots ---------------------------------------------------- */

/* The small object an ambiguous word designates, or NULL. */
static void *resolve_in_arena(struct bp_arena *a, uintptr_t w) {
  struct bp_block *b = bp_block_of(a, w);
  if (b->state == BP_BLOCK_FREE || b->start + a->block_size <= w || w >= b->top)
    return NULL;
  return bp_block_find_object(b, w);
}

void *bp_resolve_ambiguous(struct kn_heap *heap, uintptr_t w) {
  struct bp_arena *a = &heap->arena;
  if (bp_arena_contains(a, w)) {
    if ((uint32_t)((w - a->lo) >> a->block_shift) >= a->used)
      return NULL;
    return resolve_in_arena(a, w);
  }
  return kn_large_space_find(&heap->large, w);
}

/* A zero-sized object ends where the next header begins: a word equal to
 * its address also designates the preceding zero-sized object. */
static void mark_zero_sized_before(struct bp_marker *m, struct bp_block *b, uintptr_t w) {
  if (w == b->start || (w & (KN_GRANULE - 1)))
    return;
  size_t g = bp_granule_of(b, w - KN_GRANULE);
  if (bp_bit(b->starts, g) && kn_object_size((void *)w) == 0)
    mark_in_block(m, b, (void *)w);
}

/* Marks what an ambiguous word designates, and returns it (NULL: nothing);
 * the arena must be indexed. */
static void *mark_ambiguous(struct bp_marker *m, uintptr_t w) {
  struct kn_heap *heap = m->heap;
  void *obj = bp_resolve_ambiguous(heap, w);
  if (!obj)
    return NULL;
  m->counts->ambiguous_hits++;
  if (bp_arena_contains(&heap->arena, w)) {
    struct bp_block *b = bp_block_of(&heap->arena, w);
    mark_in_block(m, b, obj);
    if ((uintptr_t)obj - KN_HEADER_BYTES == w)
      mark_zero_sized_before(m, b, w);
  } else if (kn_large_space_mark(obj)) {
    m->marked++;
    push(m, obj);
  }
  return obj;
}

static void capture_word(uintptr_t w, void *data) {
  struct bp_marker *m = data;
  if (!bp_arena_contains(&m->heap->arena, w)) {
    mark_ambiguous(m, w); /* the large space needs no indexing */
    return;
  }
  if (m->ambiguous_count == m->ambiguous_capacity) {
    m->ambiguous_capacity = m->ambiguous_capacity ? 2 * m->ambiguous_capacity : 1024;
    m->ambiguous = realloc(m->ambiguous, m->ambiguous_capacity * sizeof *m->ambiguous);
    if (!m->ambiguous)
      kn_fatal("block-persist: out of memory for the ambiguous roots");
  }
  m->ambiguous[m->ambiguous_count++] = w;
}

void bp_capture_ambiguous_roots(struct bp_marker *m) {
  struct kn_heap *heap = m->heap;
  kn_stack_scan(&heap->mutator->stack, capture_word, m);
  if (heap->config.scan_data_sections)
    kn_scan_data_sections(capture_word, m);
}

/* ---- Tracing -------------------------------------------------------------- */

static void visit(struct bp_marker *m, void *obj) {
  struct bp_arena *a = &m->heap->arena;
  if (bp_arena_contains(a, (uintptr_t)obj))
    bp_block_of(a, (uintptr_t)obj)->marked_bytes += kn_allocation_bytes(kn_object_size(obj));
  kn_trace_object(&m->heap->common, &m->sink, obj);
}

/* Marked objects leave the stack through a prefetching FIFO (kn-internal.h). */
static void drain(struct bp_marker *m) {
  struct kn_prefetch_fifo fifo = {0};
  void *obj;
  while ((obj = kn_prefetch_fifo_next(&fifo, m->stack, &m->count, 0)))
    visit(m, obj);
}

static void mark_roots(struct bp_marker *m) {
  struct kn_heap *heap = m->heap;
  struct kn_mutator *mut = heap->mutator;
  for (size_t i = 0; i < m->ambiguous_count; i++)
    m->ambiguous[i] = (uintptr_t)mark_ambiguous(m, m->ambiguous[i]);
  kn_trace_global_roots(&heap->common, &m->sink);
  kn_trace_mutator_roots(&mut->base.fast, &mut->base.roots, &m->sink);
}

/* The blocks holding a marked object; adds their marked bytes to *bytes. */
static uint64_t blocks_with_marks(const struct bp_arena *a, uint64_t *bytes) {
  uint64_t n = 0;
  for (uint32_t i = 0; i < a->used; i++)
    if (a->blocks[i].state != BP_BLOCK_FREE && a->blocks[i].marked_bytes) {
      n++;
      *bytes += a->blocks[i].marked_bytes;
    }
  return n;
}

/* Marks and pushes every unmarked object that starts in words [from, to)
 * of b's bitmaps (64 granules each). */
static void persist_words(struct bp_marker *m, struct bp_block *b, size_t from, size_t to) {
  for (size_t w = from; w < to; w++) {
    uint64_t unmarked = b->starts[w] & ~b->marks[w];
    while (unmarked) {
      size_t g = w * 64 + (size_t)__builtin_ctzll(unmarked);
      unmarked &= unmarked - 1;
      void *obj = (void *)(b->start + g * KN_GRANULE + KN_HEADER_BYTES);
      mark_in_block(m, b, obj);
    }
  }
}

static bool any_marked(const struct bp_block *b, size_t from, size_t to) {
  for (size_t w = from; w < to; w++)
    if (b->marks[w])
      return true;
  return false;
}

static bool any_unmarked(const struct bp_block *b, size_t from, size_t to) {
  for (size_t w = from; w < to; w++)
    if (b->starts[w] & ~b->marks[w])
      return true;
  return false;
}

/* The bitmap words [*from, *to) of the unit of b that holds bitmap word
 * `w`: the whole block, or with fix C an aligned `persist-unit`. */
static void unit_around(const struct bp_marker *m, const struct bp_block *b, size_t w,
                        size_t *from, size_t *to) {
  size_t words = bp_block_bitmap_words(b);
  size_t per_unit = m->heap->config.persist_unit / BP_PERSIST_UNIT_MIN;
  if (!per_unit) {
    *from = 0;
    *to = words;
    return;
  }
  *from = w / per_unit * per_unit;
  *to = *from + per_unit < words ? *from + per_unit : words;
}

/* Marks every object of the unit; false if they all were marked already
 * (the unit was persisted before, or holds nothing else). */
static bool persist_unit(struct bp_marker *m, struct bp_block *b, size_t from, size_t to) {
  if (!any_unmarked(b, from, to))
    return false;
  persist_words(m, b, from, to);
  m->counts->units++;
  return true;
}

/* Persists every unit holding a marked object; false if none needed it. */
static bool persist_marked_units(struct bp_marker *m) {
  struct bp_arena *a = &m->heap->arena;
  bool any = false;
  for (uint32_t i = 0; i < a->used; i++) {
    struct bp_block *b = &a->blocks[i];
    if (b->state == BP_BLOCK_FREE || !b->marked_bytes)
      continue;
    size_t from, to, words = bp_block_bitmap_words(b);
    for (size_t w = 0; w < words; w = to) {
      unit_around(m, b, w, &from, &to);
      if (any_marked(b, from, to))
        any |= persist_unit(m, b, from, to);
    }
  }
  return any;
}

/* Fix D: persists the units holding an object that an ambiguous root
 * designates; false if none needed it. */
static bool persist_ambiguous_units(struct bp_marker *m) {
  struct bp_arena *a = &m->heap->arena;
  bool any = false;
  for (size_t i = 0; i < m->ambiguous_count; i++) {
    void *obj = (void *)m->ambiguous[i]; /* resolved by mark_roots */
    if (!obj)
      continue;
    struct bp_block *b = bp_block_of(a, (uintptr_t)obj);
    size_t from, to;
    unit_around(m, b, bp_granule_of(b, (uintptr_t)obj - KN_HEADER_BYTES) / 64, &from, &to);
    any |= persist_unit(m, b, from, to);
  }
  return any;
}

/* Returns the rounds that persisted at least one unit: one at most with
 * fix B, otherwise as many as it takes to reach the fixed point.  Each
 * round traces what it marked before the next one looks for marks. */
static uint64_t persist(struct bp_marker *m) {
  const struct bp_config *config = &m->heap->config;
  bool any = config->persist_seeds == BP_SEEDS_AMBIGUOUS ? persist_ambiguous_units(m)
                                                          : persist_marked_units(m);
  uint64_t rounds = 0;
  for (;;) {
    drain(m);
    if (!any)
      return rounds;
    rounds++;
    if (config->persist_reached_only)
      return rounds;
    any = persist_marked_units(m);
  }
}

void bp_marker_init(struct bp_marker *m, struct kn_heap *heap, struct bp_counts *counts) {
  memset(m, 0, sizeof *m);
  m->heap = heap;
  m->counts = counts;
  kn_sink_init(&m->sink, mark_edges);
}

void bp_marker_destroy(struct bp_marker *m) {
  free(m->stack);
  free(m->ambiguous);
}

void bp_mark_heap(struct bp_marker *m) {
  struct kn_heap *heap = m->heap;
  mark_roots(m);
  drain(m);
  m->counts->reached = m->marked;
  m->counts->blocks_before = blocks_with_marks(&heap->arena, &m->counts->reached_bytes);
  if (heap->config.persistence)
    m->counts->rounds = persist(m);
  /* Kept by persistence: marked in the blocks it persisted, or reached
   * only from objects marked there. */
  m->counts->persisted = m->marked - m->counts->reached;
  uint64_t all_bytes = 0;
  m->counts->blocks_after = blocks_with_marks(&heap->arena, &all_bytes);
}
