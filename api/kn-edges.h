#ifndef KN_EDGES_H
#define KN_EDGES_H

/* How the embedder reports edges to the collector.
 *
 * The trace callback is called once per object and appends the address of
 * each pointer field to a buffer with the inline kn_edges_push; only when
 * the buffer is full does an out-of-line call hand the batch to the
 * collector.  That costs one indirect call per object and one per
 * KN_EDGE_BATCH edges, instead of one indirect call per edge.  Root
 * enumeration uses the same buffer.
 *
 * A slot may hold NULL, the address of a kennel object, or an immediate
 * whose low three bits are not all zero (a tagged fixnum, say); the
 * collector skips NULL and immediates.  Any other value is a bug in the
 * embedder, and the heap verifier (option verify=1) reports it. */

#include <stddef.h>

#define KN_EDGE_BATCH 64

struct kn_edges {
  size_t count;
  void **slots[KN_EDGE_BATCH];
};

/* Hands the buffered edges to the collector and empties the buffer. */
void kn_edges_flush(struct kn_edges *edges);

static inline void kn_edges_push(struct kn_edges *edges, void **slot) {
  if (edges->count == KN_EDGE_BATCH)
    kn_edges_flush(edges);
  edges->slots[edges->count++] = slot;
}

/* Reports `n` consecutive slots, as in a vector of values. */
static inline void kn_edges_push_range(struct kn_edges *edges, void **slots, size_t n) {
  for (size_t i = 0; i < n; i++)
    kn_edges_push(edges, &slots[i]);
}

/* True if a slot value is a heap reference rather than NULL or an immediate. */
static inline int kn_is_reference(const void *value) {
  return value != NULL && ((uintptr_t)value & 7u) == 0;
}

#endif
