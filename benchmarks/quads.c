/* quads (Whippet's quads): one long-lived quad tree of depth N, kept alive
 * and checked; then `rounds` rounds, each allocating about 13% of the heap
 * (heap / 7.5) as short-lived depth-3 quad trees and checking the
 * long-lived tree.  The time of each round is reported: its spread shows
 * mutator overheads and collection hits. */

#include <stdlib.h>

#include "bench-util.h"
#include "workloads.h"

struct quad {
  struct quad *kids[4];
};
enum { QUAD_TAG = 4, SHORT_DEPTH = 3 };

static size_t quad_tree_size(long depth) {
  size_t n = 0, level = 1;
  for (long d = 0; d <= depth; d++, level *= 4)
    n += level;
  return n;
}

static struct quad *make_quad_tree(bench_mut *m, long depth) {
  if (depth < 0)
    return NULL;
  void *r[4] = {NULL, NULL, NULL, NULL};
  struct bench_frame f;
  bench_frame_push(m, &f, r, 4);
  for (int i = 0; i < 4; i++)
    r[i] = make_quad_tree(m, depth - 1);
  struct quad *q = bench_alloc(m, sizeof *q, QUAD_TAG);
  for (int i = 0; i < 4; i++)
    bench_store(m, q, (void **)&q->kids[i], r[i]);
  bench_frame_pop(m, &f);
  return q;
}

static size_t count_quads(const struct quad *q) {
  if (!q)
    return 0;
  size_t n = 1;
  for (int i = 0; i < 4; i++)
    n += count_quads(q->kids[i]);
  return n;
}

static int compare_double(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

int workload_quads(int argc, char **argv) {
  long depth = 10, rounds = 20;
  const struct bench_opt opts[] = {
    {"depth", BENCH_OPT_INT, &depth, 1, 13, "depth of the long-lived quad tree (10)"},
    {"rounds", BENCH_OPT_INT, &rounds, 1, 1000, "rounds of short-lived trees (20)"},
    {NULL, 0, NULL, 0, 0, NULL},
  };
  struct bench_common c;
  bench_parse_args(argc, argv, &c, opts);

  size_t quad_bytes = bench_object_bytes(sizeof(struct quad));
  size_t live = quad_tree_size(depth) * quad_bytes;
  bench_mut *m = bench_start(&c, live);
  size_t per_round = (size_t)((double)bench_heap_bytes(&c, live) / 7.5);
  long trees = (long)(per_round / (quad_tree_size(SHORT_DEPTH) * quad_bytes)) + 1;
  printf("depth: %ld\nrounds: %ld\nshort-trees-per-round: %ld\n", depth, rounds, trees);

  double *round_ms = calloc((size_t)rounds, sizeof *round_ms);
  if (!round_ms)
    bench_fatal("out of memory");
  void *r[2] = {NULL, NULL};
  struct bench_frame f;
  bench_frame_push(m, &f, r, 2);
  uint64_t t0 = bench_now_ns();
  r[0] = make_quad_tree(m, depth);
  double build_ms = (bench_now_ns() - t0) / 1e6;
  for (long k = 0; k < rounds; k++) {
    uint64_t start = bench_now_ns();
    for (long i = 0; i < trees; i++) {
      r[1] = make_quad_tree(m, SHORT_DEPTH);
      if (i == trees - 1)
        bench_check(count_quads(r[1]) == quad_tree_size(SHORT_DEPTH),
                    "a short-lived tree has the wrong size");
    }
    if (c.corrupt && k == rounds - 1)
      ((struct quad *)r[0])->kids[2] = NULL;
    bench_check(count_quads(r[0]) == quad_tree_size(depth),
                "the long-lived quad tree has the wrong size");
    round_ms[k] = (bench_now_ns() - start) / 1e6;
  }
  uint64_t elapsed = bench_now_ns() - t0;
  bench_frame_pop(m, &f);
  qsort(round_ms, (size_t)rounds, sizeof *round_ms, compare_double);
  printf("build-ms: %.3f\n", build_ms);
  printf("round-ms-min: %.3f\n", round_ms[0]);
  printf("round-ms-median: %.3f\n", round_ms[rounds / 2]);
  printf("round-ms-max: %.3f\n", round_ms[rounds - 1]);
  free(round_ms);
  return bench_finish(m, &c, elapsed, true);
}
