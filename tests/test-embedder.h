#ifndef KN_TEST_EMBEDDER_H
#define KN_TEST_EMBEDDER_H

/* The embedder the tests use: nodes with an id and N pointer fields, and
 * pointerless blobs. */

#include "kn-test.h"

enum { TAG_NODE = 1, TAG_BLOB = 2 };

struct tnode {
  uint32_t id;
  uint32_t nfields;
  void *fields[];
};

struct test_heap {
  struct kn_heap *heap;
  struct kn_mutator *mut;
};

/* Counts of trace_object calls, by tag, since the heap was created. */
extern uint64_t kn_test_traced[3];

struct test_heap test_heap_create(const char *spec);
void test_heap_destroy(struct test_heap *th);
struct tnode *test_node(struct kn_mutator *mut, uint32_t id, uint32_t nfields);
/* A pointerless blob of `size` bytes filled with a pattern from `seed`. */
unsigned char *test_blob(struct kn_mutator *mut, size_t size, unsigned seed);
bool test_blob_intact(const unsigned char *blob, size_t size, unsigned seed);
/* Stores with the write barrier. */
void test_set(struct kn_mutator *mut, struct tnode *n, uint32_t i, void *value);
/* Zeroes the stack below the caller's frame.  Frames the caller creates
 * next reuse that memory, and a slot they have not written yet would
 * otherwise still hold what an earlier call left there: for a
 * conservative collector, a stale reference that keeps garbage alive. */
void test_scrub_stack(void);
/* Live bytes after a major collection. */
uint64_t test_live_after_collect(struct test_heap *th);

#endif
