#ifndef PCC_BLOCKS_H
#define PCC_BLOCKS_H

/* pcc's block store: 64 kB blocks carved from 64 MB slabs aligned to their
 * size.  The first block of a slab holds the metadata (struct pcc_block) of
 * every block in it, so an object's block and metadata are two masks away:
 *
 *   slab  = addr & ~(PCC_SLAB_SIZE - 1)
 *   index = (addr - slab) / PCC_BLOCK_SIZE        (1 .. 1023)
 *   meta  = (struct pcc_block *)slab + index
 *
 * A block is used (it holds objects; on the `used` list), free and paged in
 * (on `free_in`), or free and paged out (on `free_out`: its memory was
 * returned with madvise, or never touched).  The caller holds the heap's
 * lock around every call here that changes lists. */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define PCC_BLOCK_SIZE ((size_t)64 * 1024)
#define PCC_SLAB_SIZE ((size_t)64 * 1024 * 1024)
#define PCC_BLOCKS_PER_SLAB (PCC_SLAB_SIZE / PCC_BLOCK_SIZE)

struct pcc_block {
  struct pcc_block *next;  /* on the used, free_in or free_out list */
  uint32_t fill;           /* bytes of objects from the block start, once retired */
  uint8_t paged_out;
  uint8_t from_space;      /* set during a collection: its objects are evacuated */
};

_Static_assert(sizeof(struct pcc_block) * PCC_BLOCKS_PER_SLAB <= PCC_BLOCK_SIZE,
               "block metadata does not fit in the first block of a slab");

struct pcc_block_store {
  char **slabs;
  size_t nslabs, slabs_capacity;
  struct pcc_block *used, *free_in, *free_out;
  size_t nused, nfree_in;
  uint64_t paged_out_total;  /* blocks returned to the system, ever */
};

static inline struct pcc_block *pcc_block_of(const void *addr) {
  uintptr_t slab = (uintptr_t)addr & ~(uintptr_t)(PCC_SLAB_SIZE - 1);
  return (struct pcc_block *)slab + ((uintptr_t)addr - slab) / PCC_BLOCK_SIZE;
}

static inline uintptr_t pcc_block_start(const struct pcc_block *b) {
  uintptr_t slab = (uintptr_t)b & ~(uintptr_t)(PCC_SLAB_SIZE - 1);
  return slab + (size_t)(b - (const struct pcc_block *)slab) * PCC_BLOCK_SIZE;
}

void pcc_blocks_init(struct pcc_block_store *s);
void pcc_blocks_destroy(struct pcc_block_store *s);

/* Takes a free block (paged in if possible, else paged out, else from a
 * new slab), puts it on the used list and returns it; NULL if the system
 * will not map another slab. */
struct pcc_block *pcc_blocks_take(struct pcc_block_store *s);

/* Detaches the used list (the blocks about to be evacuated), marking each
 * block from-space; returns it. */
struct pcc_block *pcc_blocks_begin_evacuation(struct pcc_block_store *s);
/* Returns evacuated blocks to the free list, paged in. */
void pcc_blocks_end_evacuation(struct pcc_block_store *s, struct pcc_block *from);

/* Pages out free blocks until at most `keep` blocks are paged in. */
void pcc_blocks_page_out(struct pcc_block_store *s, size_t keep);
static inline size_t pcc_blocks_paged_in(const struct pcc_block_store *s) {
  return s->nused + s->nfree_in;
}

/* The slab holding `addr`, as an index into s->slabs, or SIZE_MAX. */
size_t pcc_blocks_slab_index(const struct pcc_block_store *s, const void *addr);

#endif
