/* vecfib (seed 003, SpiderMonkey's generational-GC demonstration):
 * add(a, b) allocates a fresh two-element array [a0 + b0, a1 + b1];
 * vecfib(n) runs n iterations, each allocating one and dropping the
 * oldest.  Timed once with a near-empty heap, then again after bigHeap(N)
 * built an array of N two-field objects {number: i, prev: empty} that
 * stays alive.  Both are printed in ns/iter.  The numbers are 64-bit
 * integers that wrap (JS's doubles overflow to infinity), so the result
 * can be checked against a loop that does not allocate. */

#include "bench-util.h"
#include "workloads.h"

/* {prev, number}: one leading reference. */
struct entry {
  void *prev;
  uint64_t number;
};
enum { ENTRY_TAG = 1 };

static uint64_t *add(bench_mut *m, void **a, void **b) {
  uint64_t *v = bench_alloc_data(m, 2 * sizeof(uint64_t));
  const uint64_t *x = *a, *y = *b; /* read after the allocation: they may move */
  v[0] = x[0] + y[0];
  v[1] = x[1] + y[1];
  return v;
}

/* Returns v1 after n iterations, in the caller's rooted slot. */
static void vecfib(bench_mut *m, long n, void **result) {
  void *r[3] = {NULL, NULL, NULL};
  struct bench_frame f;
  bench_frame_push(m, &f, r, 3);
  r[0] = bench_alloc_data(m, 2 * sizeof(uint64_t));
  r[1] = bench_alloc_data(m, 2 * sizeof(uint64_t));
  ((uint64_t *)r[1])[0] = ((uint64_t *)r[1])[1] = 1;
  for (long i = 0; i < n; i++) {
    r[2] = add(m, &r[0], &r[1]);
    r[0] = r[1];
    r[1] = r[2];
  }
  *result = r[0];
  bench_frame_pop(m, &f);
}

static uint64_t expected_fib(long n) {
  uint64_t a = 0, b = 1;
  for (long i = 0; i < n; i++) {
    uint64_t c = a + b;
    a = b;
    b = c;
  }
  return a;
}

static void big_heap(bench_mut *m, long n, void **slot) {
  void **array = bench_alloc(m, sizeof(void *) * (size_t)(n + 1), BENCH_TAG_VEC);
  array[0] = (void *)bench_meta(0, (uint32_t)n);
  *slot = array;
  for (long i = 0; i < n; i++) {
    struct entry *e = bench_alloc(m, sizeof *e, ENTRY_TAG);
    e->number = (uint64_t)i;
    array = *slot;
    bench_store(m, array, &array[i + 1], e);
  }
}

static bool big_heap_ok(void **array, long n) {
  if (bench_meta_count((uintptr_t)array[0]) != (uint32_t)n)
    return false;
  for (long i = 0; i < n; i++) {
    const struct entry *e = array[i + 1];
    if (!e || e->number != (uint64_t)i || e->prev)
      return false;
  }
  return true;
}

int workload_vecfib(int argc, char **argv) {
  long iterations = 10000000, big = 10000000;
  const struct bench_opt opts[] = {
    {"iterations", BENCH_OPT_INT, &iterations, 1, 1e10, "vecfib iterations (10000000)"},
    {"big-heap", BENCH_OPT_INT, &big, 1, 1e9, "objects of the big heap (10000000)"},
    {NULL, 0, NULL, 0, 0, NULL},
  };
  struct bench_common c;
  bench_parse_args(argc, argv, &c, opts);

  size_t live = bench_object_bytes(sizeof(void *) * (size_t)(big + 1)) +
                (size_t)big * bench_object_bytes(sizeof(struct entry)) +
                4 * bench_object_bytes(2 * sizeof(uint64_t));
  bench_mut *m = bench_start(&c, live);
  printf("iterations: %ld\nbig-heap-objects: %ld\n", iterations, big);
  uint64_t want = expected_fib(iterations);

  void *r[3] = {NULL, NULL, NULL}; /* small result, big heap, big result */
  struct bench_frame f;
  bench_frame_push(m, &f, r, 3);
  uint64_t t0 = bench_now_ns();
  vecfib(m, iterations, &r[0]);
  uint64_t t1 = bench_now_ns();
  big_heap(m, big, &r[1]);
  uint64_t t2 = bench_now_ns();
  vecfib(m, iterations, &r[2]);
  uint64_t t3 = bench_now_ns();

  if (c.corrupt)
    ((struct entry *)((void **)r[1])[big])->number++;
  const uint64_t *small_v = r[0], *big_v = r[2];
  bench_check(small_v[0] == want && small_v[1] == want, "vecfib (small heap) is wrong");
  bench_check(big_v[0] == want && big_v[1] == want, "vecfib (big heap) is wrong");
  bench_check(big_heap_ok(r[1], big), "the big heap changed");
  bench_frame_pop(m, &f);
  printf("small-heap-ns-per-iter: %.2f\n", (double)(t1 - t0) / (double)iterations);
  printf("big-heap-build-ms: %.3f\n", (t2 - t1) / 1e6);
  printf("big-heap-ns-per-iter: %.2f\n", (double)(t3 - t2) / (double)iterations);
  return bench_finish(m, &c, t3 - t0, true);
}
