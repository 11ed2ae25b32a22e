/* Allocation and survival: linked structures, cycles, large objects,
 * pointerless data, zeroed memory, many collections in a row. */

#include <signal.h>
#include <string.h>
#include <sys/wait.h>

#include "test-embedder.h"

/* Builds a list of `n` nodes held by one root; returns the root slot's
 * address through `root`. */
static void build_list(struct test_heap *th, void **root, uint32_t n) {
  *root = NULL;
  for (uint32_t i = 0; i < n; i++) {
    struct tnode *node = test_node(th->mut, i, 1);
    test_set(th->mut, node, 0, *root);
    *root = node;
  }
}

static void check_list(void *root, uint32_t n) {
  struct tnode *node = root;
  for (uint32_t i = n; i-- > 0;) {
    CHECKF(node, "list ends early at %u", i);
    CHECKF(node->id == i && node->nfields == 1, "node %u has id %u", i, node->id);
    CHECK(kn_object_tag(node) == TAG_NODE);
    CHECK(kn_object_size(node) == sizeof(struct tnode) + sizeof(void *));
    node = node->fields[0];
  }
  CHECK(node == NULL);
}

static void linked_list_survives(void) {
  struct test_heap th = test_heap_create("heap-size=1m");
  static void *root;
  CHECK(kn_heap_add_root(th.heap, &root));
  build_list(&th, &root, 10000);
  for (int i = 0; i < 5; i++) {
    kn_collect(th.mut, KN_COLLECT_MAJOR);
    check_list(root, 10000);
  }
  kn_collect(th.mut, KN_COLLECT_MINOR);
  check_list(root, 10000);
  test_heap_destroy(&th);
}

static void cycles_survive(void) {
  struct test_heap th = test_heap_create(NULL);
  static void *root;
  CHECK(kn_heap_add_root(th.heap, &root));
  /* A ring of 100 nodes, each also pointing to itself. */
  struct tnode *first = test_node(th.mut, 0, 2);
  root = first;
  struct tnode *prev = first;
  for (uint32_t i = 1; i < 100; i++) {
    void *vals[1] = {prev};
    struct kn_frame frame;
    kn_frame_push(th.mut, &frame, vals, 1);
    struct tnode *n = test_node(th.mut, i, 2);
    kn_frame_pop(th.mut, &frame);
    prev = vals[0];
    test_set(th.mut, prev, 0, n);
    test_set(th.mut, n, 1, n);
    prev = n;
  }
  first = root;
  test_set(th.mut, prev, 0, first);
  test_set(th.mut, first, 1, first);
  for (int round = 0; round < 3; round++) {
    kn_collect(th.mut, KN_COLLECT_MAJOR);
    struct tnode *n = root;
    for (uint32_t i = 0; i < 100; i++) {
      CHECKF(n->id == i, "ring position %u holds id %u", i, n->id);
      CHECK(n->fields[1] == n);
      n = n->fields[0];
    }
    CHECK(n == root);
  }
  test_heap_destroy(&th);
}

static void large_objects(void) {
  struct test_heap th = test_heap_create(NULL);
  static void *roots[4];
  for (int i = 0; i < 4; i++)
    CHECK(kn_heap_add_root(th.heap, &roots[i]));
  /* Large pointerless and large traced objects, around the threshold. */
  size_t sizes[4] = {kn_attr_large_threshold() + 1, 100000, 1 << 20, 64};
  roots[0] = test_blob(th.mut, sizes[0], 1);
  roots[1] = test_blob(th.mut, sizes[1], 2);
  struct tnode *big = test_node(th.mut, 7, 20000); /* 160 kB of fields */
  roots[2] = big;
  for (uint32_t i = 0; i < 20000; i += 100) {
    struct tnode *child = test_node(th.mut, i, 0);
    big = roots[2];
    test_set(th.mut, big, i, child);
  }
  roots[3] = test_blob(th.mut, sizes[3], 4);
  uint64_t live_all = test_live_after_collect(&th);
  for (int round = 0; round < 3; round++) {
    kn_collect(th.mut, KN_COLLECT_MAJOR);
    CHECK(test_blob_intact(roots[0], sizes[0], 1));
    CHECK(test_blob_intact(roots[1], sizes[1], 2));
    CHECK(test_blob_intact(roots[3], sizes[3], 4));
    big = roots[2];
    CHECK(big->id == 7 && big->nfields == 20000);
    for (uint32_t i = 0; i < 20000; i++) {
      struct tnode *child = big->fields[i];
      if (i % 100 == 0)
        CHECKF(child && child->id == i, "child %u lost", i);
      else
        CHECK(child == NULL);
    }
  }
  roots[1] = NULL;
  uint64_t live_fewer = test_live_after_collect(&th);
  CHECKF(live_fewer + 100000 <= live_all, "dropping a 100 kB object freed %llu bytes",
         (unsigned long long)(live_all - live_fewer));
  test_heap_destroy(&th);
}

static void pointerless_untouched(void) {
  struct test_heap th = test_heap_create(NULL);
  static void *root;
  CHECK(kn_heap_add_root(th.heap, &root));
  /* A pointerless object full of words that look like heap addresses. */
  struct tnode *other = test_node(th.mut, 1, 0);
  void *decoy = other;
  void **words = kn_allocate(th.mut, 64 * sizeof(void *), KN_ALLOC_POINTERLESS, TAG_BLOB);
  for (int i = 0; i < 64; i++)
    words[i] = (char *)decoy + (i % 2) * 8;
  root = words;
  uint64_t traced_blobs = kn_test_traced[TAG_BLOB];
  for (int i = 0; i < 3; i++)
    kn_collect(th.mut, KN_COLLECT_MAJOR);
  words = root;
  for (int i = 0; i < 64; i++)
    CHECKF(words[i] == (char *)decoy + (i % 2) * 8, "word %d was rewritten", i);
  CHECK(kn_object_kind(words) & KN_ALLOC_POINTERLESS);
  CHECKF(kn_test_traced[TAG_BLOB] == traced_blobs, "a pointerless object was traced");
  test_heap_destroy(&th);
}

static void memory_is_zeroed(void) {
  struct test_heap th = test_heap_create("heap-size=256k");
  /* Churn so that allocation reuses memory that held data. */
  for (int round = 0; round < 20; round++)
    for (int i = 0; i < 2000; i++) {
      unsigned char *b = test_blob(th.mut, 8 + (size_t)(i % 40) * 8, 0xff);
      (void)b;
    }
  for (int i = 0; i < 2000; i++) {
    size_t size = 8 + (size_t)(i % 40) * 8;
    unsigned char *b = kn_allocate(th.mut, size, KN_ALLOC_POINTERLESS, TAG_BLOB);
    for (size_t j = 0; j < size; j++)
      CHECKF(b[j] == 0, "byte %zu of a fresh %zu-byte object is %u", j, size, b[j]);
    struct tnode *n = test_node(th.mut, 1, 3);
    CHECK(n->fields[0] == NULL && n->fields[1] == NULL && n->fields[2] == NULL);
  }
  test_heap_destroy(&th);
}

static void many_collections(void) {
  struct test_heap th = test_heap_create("heap-size=256k");
  static void *root;
  CHECK(kn_heap_add_root(th.heap, &root));
  build_list(&th, &root, 500);
  for (int i = 0; i < 1000; i++) {
    kn_collect(th.mut, i % 3 ? KN_COLLECT_MINOR : KN_COLLECT_MAJOR);
    test_node(th.mut, 99, 2); /* garbage between collections */
  }
  check_list(root, 500);
  struct kn_stats stats;
  kn_heap_get_stats(th.heap, &stats);
  CHECKF(stats.collections[0] + stats.collections[1] >= 1000, "only %llu collections",
         (unsigned long long)(stats.collections[0] + stats.collections[1]));
  test_heap_destroy(&th);
}

static void zero_and_odd_sizes(void) {
  struct test_heap th = test_heap_create(NULL);
  static void *roots[3];
  for (int i = 0; i < 3; i++)
    CHECK(kn_heap_add_root(th.heap, &roots[i]));
  roots[0] = kn_allocate(th.mut, 0, KN_ALLOC_POINTERLESS, 5);
  roots[1] = kn_allocate(th.mut, 13, KN_ALLOC_POINTERLESS, 6);
  memcpy(roots[1], "hello, kennel", 13);
  roots[2] = kn_allocate(th.mut, 0, KN_ALLOC_POINTERLESS, 5);
  CHECK(roots[0] != roots[2]);
  kn_collect(th.mut, KN_COLLECT_MAJOR);
  CHECK(kn_object_size(roots[0]) == 0 && kn_object_tag(roots[0]) == 5);
  CHECK(kn_object_size(roots[1]) == 13 && kn_object_tag(roots[1]) == 6);
  CHECK(!memcmp(roots[1], "hello, kennel", 13));
  CHECK(roots[0] != roots[2]);
  test_heap_destroy(&th);
}

static void long_lived_hint(void) {
  struct test_heap th = test_heap_create(NULL);
  static void *root;
  CHECK(kn_heap_add_root(th.heap, &root));
  struct tnode *n = kn_allocate(th.mut, sizeof(struct tnode) + sizeof(void *),
                                KN_ALLOC_TRACED | KN_ALLOC_LONG_LIVED, TAG_NODE);
  n->id = 42;
  n->nfields = 1;
  root = n;
  test_set(th.mut, n, 0, test_node(th.mut, 43, 0));
  kn_collect(th.mut, KN_COLLECT_MAJOR);
  n = root;
  CHECK(n->id == 42 && ((struct tnode *)n->fields[0])->id == 43);
  test_heap_destroy(&th);
}

static void allocate_with_wide_tag(void *arg) {
  (void)arg;
  struct test_heap th = test_heap_create(NULL);
  kn_allocate(th.mut, 16, KN_ALLOC_TRACED, 0x10001);
}

static void tag_too_wide_is_caught(void) {
#ifndef KN_DEBUG
  kn_test_skip("tag width is checked in debug builds (--enable-debug) only");
#endif
  char err[512];
  int status = kn_test_run_child(allocate_with_wide_tag, NULL, err, sizeof err);
  CHECKF(WIFSIGNALED(status) && WTERMSIG(status) == SIGABRT, "status %d: %s", status, err);
  CHECKF(strstr(err, "API misuse: kn_allocate: the tag does not fit"), "stderr: %s", err);
}

const struct kn_test_case kn_alloc_cases[] = {
  {"alloc/tag-too-wide-is-caught", tag_too_wide_is_caught},
  {"alloc/linked-list-survives", linked_list_survives},
  {"alloc/cycles-survive", cycles_survive},
  {"alloc/large-objects", large_objects},
  {"alloc/pointerless-untouched", pointerless_untouched},
  {"alloc/memory-is-zeroed", memory_is_zeroed},
  {"alloc/many-collections", many_collections},
  {"alloc/zero-and-odd-sizes", zero_and_odd_sizes},
  {"alloc/long-lived-hint", long_lived_hint},
  {NULL, NULL},
};
