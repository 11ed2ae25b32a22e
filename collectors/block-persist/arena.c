/* block-persist's arena: one virtual reservation cut into equal,
 * block-aligned blocks, so that the block of any address is a shift away.
 * Each block in use has two bitmaps, one bit per 8-byte granule: where
 * objects start (their headers), and which are marked. */

#define _GNU_SOURCE
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "bp.h"

bool bp_arena_init(struct bp_arena *a, size_t block_size, size_t reserve_bytes) {
  memset(a, 0, sizeof *a);
  a->block_size = block_size;
  a->block_shift = __builtin_ctzll(block_size);
  size_t nblocks = (reserve_bytes + block_size - 1) / block_size;
  if (nblocks > UINT32_MAX - 1)
    nblocks = UINT32_MAX - 1;
  /* One block more than needed, to align the start.  Where address space
   * is limited (ulimit -v, valgrind), settle for less: halve down to 1 GB
   * or 8 blocks. */
  for (;;) {
    a->mapping_bytes = (nblocks + 1) * block_size;
    a->mapping = mmap(NULL, a->mapping_bytes, PROT_READ | PROT_WRITE,
                      MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (a->mapping != MAP_FAILED)
      break;
    if (nblocks * block_size <= ((size_t)1 << 30) || nblocks <= 8)
      return false;
    nblocks /= 2;
  }
  a->lo = ((uintptr_t)a->mapping + block_size - 1) & ~(uintptr_t)(block_size - 1);
  a->hi = a->lo + nblocks * block_size;
  a->nblocks = (uint32_t)nblocks;
  a->blocks = calloc(nblocks, sizeof *a->blocks);
  if (!a->blocks) {
    munmap(a->mapping, a->mapping_bytes);
    return false;
  }
  return true;
}

void bp_arena_destroy(struct bp_arena *a) {
  for (uint32_t i = 0; i < a->used; i++) {
    free(a->blocks[i].starts);
    free(a->blocks[i].marks);
  }
  free(a->blocks);
  munmap(a->mapping, a->mapping_bytes);
  memset(a, 0, sizeof *a);
}

static size_t bitmap_bytes(const struct bp_arena *a) {
  return a->block_size / KN_GRANULE / 8;
}

struct bp_block *bp_block_take(struct bp_arena *a, enum bp_block_state state) {
  struct bp_block *b;
  if (a->free_head) {
    b = &a->blocks[a->free_head - 1];
    a->free_head = b->next_free;
  } else {
    if (a->used == a->nblocks)
      return NULL;
    b = &a->blocks[a->used];
    b->starts = calloc(1, bitmap_bytes(a));
    b->marks = calloc(1, bitmap_bytes(a));
    if (!b->starts || !b->marks) {
      free(b->starts);
      free(b->marks);
      b->starts = b->marks = NULL;
      return NULL;
    }
    b->start = a->lo + (uintptr_t)a->used * a->block_size;
    a->used++;
  }
  b->top = b->granted = b->cursor = b->start;
  b->state = state;
  b->next_free = 0;
  a->in_use++;
  return b;
}

void bp_block_release(struct bp_arena *a, struct bp_block *b) {
  size_t touched = b->top - b->start;
  if (touched) {
    size_t words = bp_block_bitmap_words(b);
    memset(b->starts, 0, words * sizeof *b->starts);
    memset(b->marks, 0, words * sizeof *b->marks);
    /* The kernel takes the pages back and hands out zeroes next time. */
    madvise((void *)b->start, (touched + 4095) & ~(size_t)4095, MADV_DONTNEED);
  }
  a->granted_bytes -= b->granted - b->start;
  b->top = b->granted = b->cursor = b->start;
  b->state = BP_BLOCK_FREE;
  b->next_free = a->free_head;
  a->free_head = (uint32_t)(b - a->blocks) + 1;
  a->in_use--;
}

static size_t bytes_at(uintptr_t header) {
  return kn_allocation_bytes((size_t)(*(kn_header *)header >> KN_HEADER_SIZE_SHIFT));
}

void bp_block_index(struct bp_block *b, uintptr_t from, uintptr_t to) {
  for (uintptr_t h = from; h < to; h += bytes_at(h))
    bp_set_bit(b->starts, bp_granule_of(b, h));
}

/* The lowest set bit at or above index i and below `end`, or `end`. */
static size_t next_start_at_or_above(const uint64_t *bits, size_t i, size_t end) {
  if (i >= end)
    return end;
  size_t w = i / 64, last = (end - 1) / 64;
  uint64_t word = bits[w] & (~(uint64_t)0 << (i % 64));
  for (;;) {
    if (word) {
      size_t g = w * 64 + (size_t)__builtin_ctzll(word);
      return g < end ? g : end;
    }
    if (w == last)
      return end;
    word = bits[++w];
  }
}

/* The cursor is always at an object's header or in free space: it starts
 * at the block's start and moves to a hole's end (a header, or top) or
 * past an object. */
bool bp_block_next_hole(struct bp_block *b, size_t min_bytes, uintptr_t *lo, uintptr_t *hi) {
  size_t end = bp_granule_of(b, b->top);
  while (b->cursor < b->top) {
    size_t g = bp_granule_of(b, b->cursor);
    if (bp_bit(b->starts, g)) {
      b->cursor += bytes_at(b->cursor);
      continue;
    }
    uintptr_t next = b->start + next_start_at_or_above(b->starts, g, end) * KN_GRANULE;
    uintptr_t from = b->cursor;
    b->cursor = next;
    if (next - from >= min_bytes) {
      *lo = from;
      *hi = next;
      return true;
    }
  }
  return false;
}

/* The highest set bit at or below index i, or SIZE_MAX. */
static size_t last_start_at_or_below(const uint64_t *bits, size_t i) {
  size_t w = i / 64;
  uint64_t word = bits[w] & (~(uint64_t)0 >> (63 - i % 64));
  for (;;) {
    if (word)
      return w * 64 + 63 - (size_t)__builtin_clzll(word);
    if (!w)
      return SIZE_MAX;
    word = bits[--w];
  }
}

void *bp_block_find_object(const struct bp_block *b, uintptr_t p) {
  size_t g = last_start_at_or_below(b->starts, bp_granule_of(b, p));
  if (g == SIZE_MAX)
    return NULL;
  uintptr_t header = b->start + g * KN_GRANULE;
  void *obj = (void *)(header + KN_HEADER_BYTES);
  size_t bytes = kn_allocation_bytes(kn_object_size(obj));
  /* A zero-sized object's address is the end of its memory. */
  if (p < header + bytes || p == (uintptr_t)obj)
    return obj;
  return NULL;
}
