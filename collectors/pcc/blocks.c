/* pcc's block store: slabs, free lists, paging blocks in and out. */

#define _GNU_SOURCE
#include <stdlib.h>
#include <sys/mman.h>

#include "kn-internal.h"
#include "blocks.h"

void pcc_blocks_init(struct pcc_block_store *s) {
  s->slabs = NULL;
  s->nslabs = s->slabs_capacity = 0;
  s->used = s->free_in = s->free_out = NULL;
  s->nused = s->nfree_in = 0;
  s->paged_out_total = 0;
}

void pcc_blocks_destroy(struct pcc_block_store *s) {
  for (size_t i = 0; i < s->nslabs; i++)
    munmap(s->slabs[i], PCC_SLAB_SIZE);
  free(s->slabs);
  pcc_blocks_init(s);
}

/* Maps twice the size and trims, to get a slab aligned to its size. */
static char *map_aligned_slab(void) {
  size_t len = 2 * PCC_SLAB_SIZE;
  char *mem = mmap(NULL, len, PROT_READ | PROT_WRITE,
                   MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  if (mem == MAP_FAILED)
    return NULL;
  uintptr_t start = ((uintptr_t)mem + PCC_SLAB_SIZE - 1) & ~(uintptr_t)(PCC_SLAB_SIZE - 1);
  size_t head = start - (uintptr_t)mem;
  if (head)
    munmap(mem, head);
  if (len - head > PCC_SLAB_SIZE)
    munmap((char *)start + PCC_SLAB_SIZE, len - head - PCC_SLAB_SIZE);
  return (char *)start;
}

/* A new slab's blocks go on free_out: untouched memory costs nothing. */
static bool add_slab(struct pcc_block_store *s) {
  if (s->nslabs == s->slabs_capacity) {
    size_t cap = s->slabs_capacity ? 2 * s->slabs_capacity : 4;
    char **grown = realloc(s->slabs, cap * sizeof *grown);
    if (!grown)
      return false;
    s->slabs = grown;
    s->slabs_capacity = cap;
  }
  char *slab = map_aligned_slab();
  if (!slab)
    return false;
  s->slabs[s->nslabs++] = slab;
  struct pcc_block *meta = (struct pcc_block *)slab;
  for (size_t i = PCC_BLOCKS_PER_SLAB - 1; i >= 1; i--) {
    meta[i].paged_out = 1;
    meta[i].next = s->free_out;
    s->free_out = &meta[i];
  }
  return true;
}

struct pcc_block *pcc_blocks_take(struct pcc_block_store *s) {
  struct pcc_block *b;
  if (s->free_in) {
    b = s->free_in;
    s->free_in = b->next;
    s->nfree_in--;
  } else {
    if (!s->free_out && !add_slab(s))
      return NULL;
    b = s->free_out;
    s->free_out = b->next;
    b->paged_out = 0;
  }
  b->fill = 0;
  b->from_space = 0;
  b->next = s->used;
  s->used = b;
  s->nused++;
  return b;
}

struct pcc_block *pcc_blocks_begin_evacuation(struct pcc_block_store *s) {
  struct pcc_block *from = s->used;
  for (struct pcc_block *b = from; b; b = b->next)
    b->from_space = 1;
  s->used = NULL;
  s->nused = 0;
  return from;
}

void pcc_blocks_end_evacuation(struct pcc_block_store *s, struct pcc_block *from) {
  while (from) {
    struct pcc_block *next = from->next;
    from->from_space = 0;
    from->fill = 0;
    from->next = s->free_in;
    s->free_in = from;
    s->nfree_in++;
    from = next;
  }
}

void pcc_blocks_page_out(struct pcc_block_store *s, size_t keep) {
  while (pcc_blocks_paged_in(s) > keep && s->free_in) {
    struct pcc_block *b = s->free_in;
    s->free_in = b->next;
    s->nfree_in--;
    madvise((void *)pcc_block_start(b), PCC_BLOCK_SIZE, MADV_DONTNEED);
    b->paged_out = 1;
    b->next = s->free_out;
    s->free_out = b;
    s->paged_out_total++;
  }
}

size_t pcc_blocks_slab_index(const struct pcc_block_store *s, const void *addr) {
  uintptr_t slab = (uintptr_t)addr & ~(uintptr_t)(PCC_SLAB_SIZE - 1);
  for (size_t i = 0; i < s->nslabs; i++)
    if ((uintptr_t)s->slabs[i] == slab)
      return i;
  return SIZE_MAX;
}
