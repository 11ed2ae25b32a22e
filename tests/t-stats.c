/* Statistics and events: the listener sees every collection, and the
 * totals agree with what it saw. */

#include <stdlib.h>
#include <string.h>

#include "test-embedder.h"

struct seen {
  uint64_t starts[KN_COLLECTION_KINDS], ends[KN_COLLECTION_KINDS];
  uint64_t last_number, max_pause;
  bool open;
  bool nested;
};

static void on_start(void *data, enum kn_collection_kind kind) {
  struct seen *s = data;
  if (s->open)
    s->nested = true;
  s->open = true;
  s->starts[kind]++;
}

static void on_end(void *data, const struct kn_collection_report *r) {
  struct seen *s = data;
  CHECK(s->open);
  s->open = false;
  s->ends[r->kind]++;
  CHECKF(r->number == s->last_number + 1, "collection number %llu after %llu",
         (unsigned long long)r->number, (unsigned long long)s->last_number);
  s->last_number = r->number;
  CHECK(r->heap_bytes > 0);
  CHECK(r->counter_count <= KN_MAX_COUNTERS);
  if (r->pause_ns > s->max_pause)
    s->max_pause = r->pause_ns;
}

static void listener_sees_every_collection(void) {
  struct test_heap th = test_heap_create("heap-size=512k");
  static struct seen seen;
  struct kn_event_listener listener = {.collection_start = on_start, .collection_end = on_end,
                                       .data = &seen};
  kn_heap_set_event_listener(th.heap, &listener);
  static void *root;
  CHECK(kn_heap_add_root(th.heap, &root));
  for (uint32_t i = 0; i < 200000; i++) {
    struct tnode *n = test_node(th.mut, i, 2);
    if (i % 100 == 0) {
      test_set(th.mut, n, 0, root);
      root = n;
    }
  }
  kn_collect(th.mut, KN_COLLECT_MAJOR);
  kn_collect(th.mut, KN_COLLECT_MINOR);
  struct kn_stats stats;
  kn_heap_get_stats(th.heap, &stats);
  CHECK(!seen.nested && !seen.open);
  uint64_t total = stats.collections[KN_COLLECT_MINOR] + stats.collections[KN_COLLECT_MAJOR];
  CHECKF(total >= 3, "only %llu collections for 200000 allocations in 512 kB",
         (unsigned long long)total);
  for (int k = 0; k < KN_COLLECTION_KINDS; k++) {
    CHECK(seen.starts[k] == stats.collections[k]);
    CHECK(seen.ends[k] == stats.collections[k]);
  }
  CHECK(stats.pause_p50_ns <= stats.pause_p95_ns);
  CHECK(stats.pause_p95_ns <= stats.pause_max_ns);
  CHECK(stats.pause_max_ns == seen.max_pause);
  CHECK(stats.pause_total_ns >= stats.pause_max_ns);
  uint64_t node_bytes = kn_allocation_bytes(sizeof(struct tnode) + 2 * sizeof(void *));
  CHECKF(stats.bytes_allocated >= 200000 * node_bytes, "bytes allocated %llu < %llu",
         (unsigned long long)stats.bytes_allocated, (unsigned long long)(200000 * node_bytes));
  CHECK(stats.peak_heap_bytes >= stats.heap_bytes);
  CHECK(stats.live_bytes >= 2000 * node_bytes);
  CHECK(!strcmp(stats.collector, kn_collector_name()));
  test_heap_destroy(&th);
}

static void stats_print_is_parseable(void) {
  struct test_heap th = test_heap_create(NULL);
  kn_collect(th.mut, KN_COLLECT_MAJOR);
  struct kn_stats stats;
  kn_heap_get_stats(th.heap, &stats);
  char *buf = NULL;
  size_t len = 0;
  FILE *out = open_memstream(&buf, &len);
  kn_stats_print(&stats, out);
  fclose(out);
  static const char *const keys[] = {"collector: ", "collections-minor: ", "collections-major: ",
                                     "pause-p50-ms: ", "pause-p95-ms: ", "pause-max-ms: ",
                                     "bytes-allocated: ", "live-bytes: ", "peak-heap-bytes: "};
  for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++)
    CHECKF(strstr(buf, keys[i]), "stats output lacks '%s':\n%s", keys[i], buf);
  free(buf);
  test_heap_destroy(&th);
}

const struct kn_test_case kn_stats_cases[] = {
  {"stats/listener-sees-every-collection", listener_sees_every_collection},
  {"stats/print-is-parseable", stats_print_is_parseable},
  {NULL, NULL},
};
