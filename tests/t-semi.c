/* semi only: objects move and are packed; large objects stay put; the two
 * halves and the large objects stay within a fixed heap's budget. */

#include "test-embedder.h"

static void survivors_move_and_pack(void) {
  struct test_heap th = test_heap_create(NULL);
  static void *roots[3];
  for (int i = 0; i < 3; i++)
    CHECK(kn_heap_add_root(th.heap, &roots[i]));
  roots[0] = test_node(th.mut, 0, 0);
  for (int i = 0; i < 100; i++)
    test_node(th.mut, 99, 4); /* garbage between the survivors */
  roots[1] = test_node(th.mut, 1, 0);
  roots[2] = test_blob(th.mut, kn_attr_large_threshold() + 100, 3);
  void *before0 = roots[0], *before2 = roots[2];
  kn_collect(th.mut, KN_COLLECT_MAJOR);
  CHECK(roots[0] != before0);
  size_t node_bytes = kn_allocation_bytes(sizeof(struct tnode));
  CHECKF((char *)roots[1] - (char *)roots[0] == (ptrdiff_t)node_bytes,
         "survivors are %td bytes apart, not packed", (char *)roots[1] - (char *)roots[0]);
  CHECK(roots[2] == before2);
  CHECK(test_blob_intact(roots[2], kn_attr_large_threshold() + 100, 3));
  test_heap_destroy(&th);
}

static void fixed_budget_covers_both_halves(void) {
  struct test_heap th = test_heap_create("heap-size=4m,heap-policy=fixed");
  static void *roots[8];
  for (int i = 0; i < 8; i++) {
    CHECK(kn_heap_add_root(th.heap, &roots[i]));
    roots[i] = test_blob(th.mut, 200000, (unsigned)i); /* 1.6 MB of large objects */
  }
  for (uint32_t i = 0; i < 100000; i++)
    test_node(th.mut, i, 2);
  struct kn_stats stats;
  kn_heap_get_stats(th.heap, &stats);
  CHECKF(stats.peak_heap_bytes <= 4u << 20, "peak %llu exceeds the 4 MB budget",
         (unsigned long long)stats.peak_heap_bytes);
  for (int i = 0; i < 8; i++)
    CHECK(test_blob_intact(roots[i], 200000, (unsigned)i));
  test_heap_destroy(&th);
}

const struct kn_test_case kn_collector_cases[] = {
  {"semi/survivors-move-and-pack", survivors_move_and_pack},
  {"semi/fixed-budget-covers-both-halves", fixed_budget_covers_both_halves},
  {NULL, NULL},
};
