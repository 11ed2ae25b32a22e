/* pcc's heap verifier: what "an object" means in pcc, for the shared
 * verifier.  An object is either in the large-object space or starts at a
 * header found by walking a used block from its start to its fill. */

#include <stdlib.h>

#include "pcc.h"

#define GRANULES_PER_BLOCK (PCC_BLOCK_SIZE / KN_GRANULE)

struct pcc_verify {
  struct kn_heap *heap;
  uint64_t **starts;  /* per slab and block: one bit per granule that starts an object */
};

static uint64_t **starts_of(struct pcc_verify *v, const void *addr) {
  size_t slab = pcc_blocks_slab_index(&v->heap->blocks, addr);
  if (slab == SIZE_MAX)
    return NULL;
  size_t index = ((uintptr_t)addr & (PCC_SLAB_SIZE - 1)) / PCC_BLOCK_SIZE;
  return &v->starts[slab * PCC_BLOCKS_PER_SLAB + index];
}

static bool pcc_is_object(void *ctx, void *ref) {
  struct pcc_verify *v = ctx;
  if (kn_large_space_contains(&v->heap->large, ref))
    return true;
  uint64_t **starts = starts_of(v, ref);
  if (!starts || !*starts)
    return false;
  size_t g = ((uintptr_t)ref & (PCC_BLOCK_SIZE - 1)) / KN_GRANULE;
  return ((*starts)[g / 64] >> (g % 64)) & 1;
}

/* Walks one used block, recording where objects start; returns problems. */
static size_t index_block(struct pcc_verify *v, struct pcc_block *b) {
  uintptr_t start = pcc_block_start(b), end = start + b->fill;
  uint64_t *bits = calloc(GRANULES_PER_BLOCK / 64, sizeof *bits);
  if (!bits)
    kn_fatal("verifier: out of memory");
  *starts_of(v, (void *)start) = bits;
  if (b->from_space || b->fill > PCC_BLOCK_SIZE) {
    fprintf(stderr, "kennel verify: pcc: block %p is in a bad state\n", (void *)start);
    return 1;
  }
  for (uintptr_t p = start; p < end;) {
    void *obj = (void *)(p + KN_HEADER_BYTES);
    kn_header h = *kn_object_header(obj);
    size_t size = (size_t)(h >> KN_HEADER_SIZE_SHIFT);
    if ((h & (KN_HEADER_FORWARDED | PCC_HEADER_BUSY)) || size > KN_PCC_LARGE_THRESHOLD ||
        p + kn_allocation_bytes(size) > end) {
      fprintf(stderr, "kennel verify: pcc: corrupt header at %p\n", (void *)p);
      return 1;
    }
    size_t g = ((uintptr_t)obj - start) / KN_GRANULE;
    bits[g / 64] |= (uint64_t)1 << (g % 64);
    p += kn_allocation_bytes(size);
  }
  return 0;
}

size_t pcc_verify(struct kn_heap *heap) {
  struct pcc_verify v = {.heap = heap};
  size_t nblocks = heap->blocks.nslabs * PCC_BLOCKS_PER_SLAB;
  v.starts = calloc(nblocks ? nblocks : 1, sizeof *v.starts);
  if (!v.starts)
    kn_fatal("verifier: out of memory");
  size_t problems = 0;
  for (struct pcc_block *b = heap->blocks.used; b; b = b->next)
    problems += index_block(&v, b);
  struct kn_verifier *ver = kn_verifier_create(&heap->common, pcc_is_object, &v);
  kn_trace_global_roots(&heap->common, kn_verifier_sink(ver));
  for (struct kn_mutator_entry *e = kn_mutators_first(&heap->mutators); e; e = e->next)
    kn_trace_mutator_roots(&e->base->fast, &e->base->roots, kn_verifier_sink(ver));
  problems += kn_verifier_finish(ver);
  kn_verifier_destroy(ver);
  for (size_t i = 0; i < nblocks; i++)
    free(v.starts[i]);
  free(v.starts);
  return problems;
}
