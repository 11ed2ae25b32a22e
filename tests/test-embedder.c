/* The tests' embedder. */

#include <string.h>

#include "test-embedder.h"

uint64_t kn_test_traced[3];

static void trace_object(void *obj, unsigned tag, struct kn_edges *edges, void *data) {
  (void)data;
  if (tag < 3) /* GC threads may trace at once */
    __atomic_fetch_add(&kn_test_traced[tag], 1, __ATOMIC_RELAXED);
  if (tag != TAG_NODE)
    return;
  struct tnode *n = obj;
  kn_edges_push_range(edges, n->fields, n->nfields);
}

struct test_heap test_heap_create(const char *spec) {
  struct test_heap th;
  struct kn_options *opts = kn_test_options(spec);
  struct kn_embedder embedder = {.trace_object = trace_object};
  memset(kn_test_traced, 0, sizeof kn_test_traced);
  CHECKF(kn_heap_create(opts, &embedder, &th.heap, &th.mut), "kn_heap_create: %s",
         kn_options_error(opts));
  kn_options_destroy(opts);
  return th;
}

void test_heap_destroy(struct test_heap *th) { kn_heap_destroy(th->heap); }

struct tnode *test_node(struct kn_mutator *mut, uint32_t id, uint32_t nfields) {
  struct tnode *n =
      kn_allocate(mut, sizeof(struct tnode) + nfields * sizeof(void *), KN_ALLOC_TRACED, TAG_NODE);
  n->id = id;
  n->nfields = nfields;
  return n;
}

unsigned char *test_blob(struct kn_mutator *mut, size_t size, unsigned seed) {
  unsigned char *b = kn_allocate(mut, size, KN_ALLOC_POINTERLESS, TAG_BLOB);
  for (size_t i = 0; i < size; i++)
    b[i] = (unsigned char)(seed * 31 + i * 7);
  return b;
}

bool test_blob_intact(const unsigned char *blob, size_t size, unsigned seed) {
  for (size_t i = 0; i < size; i++)
    if (blob[i] != (unsigned char)(seed * 31 + i * 7))
      return false;
  return true;
}

void test_set(struct kn_mutator *mut, struct tnode *n, uint32_t i, void *value) {
  kn_store(mut, n, &n->fields[i], value);
}

uint64_t test_live_after_collect(struct test_heap *th) {
  struct kn_stats stats;
  kn_collect(th->mut, KN_COLLECT_MAJOR);
  kn_heap_get_stats(th->heap, &stats);
  return stats.live_bytes;
}
