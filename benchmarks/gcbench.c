/* GCBench (Boehm, Ellis and Kovac; the multi-threaded form is Whippet's
 * mt-gcbench).  A node has two children and two integers.  Each mutator
 * thread stretches the heap with a tree of depth stretch-depth, builds a
 * long-lived tree of long-lived-depth and an array of array-size doubles,
 * then for depths d = 4, 6, ..., max-depth builds NumIters(d) trees
 * top-down and as many bottom-up, dropping each, and finally checks the
 * long-lived tree and array.
 *
 * Live size, computed (the heap is a multiple of it): per thread, the
 * larger of the stretch tree (16.8 MB with the defaults) and the long-lived
 * tree plus the array plus one tree of max-depth (12.4 MB, the figure
 * Whippet's mt-gcbench uses: it has no stretch tree).  --stretch-depth=0
 * leaves the stretch tree out, as Whippet does. */

#include <pthread.h>
#include <stdlib.h>

#include "bench-util.h"
#include "workloads.h"

struct node {
  struct node *left, *right;
  int32_t i, j;
};
enum { NODE_TAG = 2 }; /* two leading references */

struct gcbench_params {
  long stretch_depth, long_lived_depth, min_depth, max_depth, array_size, threads;
  bool corrupt;
};

static size_t tree_size(long depth) { return ((size_t)1 << (depth + 1)) - 1; }

static struct node *new_node(bench_mut *m) {
  return bench_alloc(m, sizeof(struct node), NODE_TAG);
}

/* Gives `node` children down to `depth` levels. */
static void populate(bench_mut *m, long depth, struct node *node) {
  if (depth <= 0)
    return;
  void *r[1] = {node};
  struct bench_frame f;
  bench_frame_push(m, &f, r, 1);
  struct node *left = new_node(m);
  bench_store(m, r[0], (void **)&((struct node *)r[0])->left, left);
  struct node *right = new_node(m);
  bench_store(m, r[0], (void **)&((struct node *)r[0])->right, right);
  populate(m, depth - 1, ((struct node *)r[0])->left);
  populate(m, depth - 1, ((struct node *)r[0])->right);
  bench_frame_pop(m, &f);
}

/* A tree of `depth` levels below the root, children first. */
static struct node *make_tree(bench_mut *m, long depth) {
  if (depth <= 0)
    return new_node(m);
  void *r[2] = {NULL, NULL};
  struct bench_frame f;
  bench_frame_push(m, &f, r, 2);
  r[0] = make_tree(m, depth - 1);
  r[1] = make_tree(m, depth - 1);
  struct node *n = new_node(m);
  bench_store(m, n, (void **)&n->left, r[0]);
  bench_store(m, n, (void **)&n->right, r[1]);
  n->i = (int32_t)depth;
  bench_frame_pop(m, &f);
  return n;
}

static size_t count_nodes(const struct node *n) {
  size_t count = 0;
  while (n) {
    count += 1 + count_nodes(n->left);
    n = n->right;
  }
  return count;
}

static bool tree_ok(const struct node *n, long depth) {
  return count_nodes(n) == tree_size(depth);
}

/* Boehm's NumIters: every depth allocates about as much. */
static void time_construction(bench_mut *m, const struct gcbench_params *p, long depth) {
  long iterations = (long)(2 * tree_size(p->max_depth + 2) / tree_size(depth));
  void *r[1] = {NULL};
  struct bench_frame f;
  bench_frame_push(m, &f, r, 1);
  for (long i = 0; i < iterations; i++) {
    r[0] = new_node(m);
    populate(m, depth, r[0]);
  }
  bench_check(tree_ok(r[0], depth), "a top-down tree has the wrong size");
  for (long i = 0; i < iterations; i++)
    r[0] = make_tree(m, depth);
  bench_check(tree_ok(r[0], depth), "a bottom-up tree has the wrong size");
  bench_frame_pop(m, &f);
}

static void run_one_thread(bench_mut *m, const struct gcbench_params *p) {
  void *r[2] = {NULL, NULL}; /* long-lived tree, array */
  struct bench_frame f;
  bench_frame_push(m, &f, r, 2);
  if (p->stretch_depth > 0)
    r[0] = make_tree(m, p->stretch_depth);
  r[0] = NULL;

  r[0] = new_node(m);
  populate(m, p->long_lived_depth, r[0]);
  r[1] = bench_alloc_data(m, (size_t)p->array_size * sizeof(double));
  double *array = r[1];
  for (long i = 0; i < p->array_size / 2; i++)
    array[i] = 1.0 / (double)i;

  for (long d = p->min_depth; d <= p->max_depth; d += 2)
    time_construction(m, p, d);

  if (p->corrupt)
    ((struct node *)r[0])->left = NULL;
  bench_check(tree_ok(r[0], p->long_lived_depth), "the long-lived tree has the wrong size");
  array = r[1];
  bool array_ok = true;
  for (long i = 0; i < p->array_size; i++)
    array_ok &= array[i] == (i < p->array_size / 2 ? 1.0 / (double)i : 0.0);
  bench_check(array_ok, "the long-lived array changed");
  bench_frame_pop(m, &f);
}

struct thread_arg {
  bench_mut *main;
  const struct gcbench_params *params;
  const char *attach_error;
};

static void *thread_main(void *data) {
  struct thread_arg *arg = data;
  bench_mut *m = bench_mutator_attach(arg->main, &arg->attach_error);
  if (!m)
    return NULL;
  if (arg->params) /* NULL: a probe that only attaches */
    run_one_thread(m, arg->params);
  bench_mutator_detach(m);
  return NULL;
}

/* Runs the workload on `threads` threads of their own; the main thread's
 * mutator is inactive meanwhile. */
static void run_threads(bench_mut *main, const struct gcbench_params *p) {
  long n = p->threads;
  pthread_t *tids = calloc((size_t)n, sizeof *tids);
  struct thread_arg *args = calloc((size_t)n, sizeof *args);
  if (!tids || !args)
    bench_fatal("out of memory");
  bench_mutator_deactivate(main);
  for (long i = 0; i < n; i++) {
    args[i] = (struct thread_arg){.main = main, .params = p};
    if (pthread_create(&tids[i], NULL, thread_main, &args[i]))
      bench_fatal("cannot create a thread");
  }
  for (long i = 0; i < n; i++)
    pthread_join(tids[i], NULL);
  bench_mutator_reactivate(main);
  for (long i = 0; i < n; i++)
    bench_check(!args[i].attach_error, "a thread could not attach a mutator");
  free(tids);
  free(args);
}

/* Whether this collector takes more than one mutator: a thread tries. */
static bool supports_threads(bench_mut *main, const char **why) {
  struct thread_arg probe = {.main = main};
  bench_mutator_deactivate(main);
  pthread_t tid;
  if (pthread_create(&tid, NULL, thread_main, &probe))
    bench_fatal("cannot create a thread");
  pthread_join(tid, NULL);
  bench_mutator_reactivate(main);
  *why = probe.attach_error;
  return !probe.attach_error;
}

int workload_gcbench(int argc, char **argv) {
  struct gcbench_params p = {.stretch_depth = 18, .long_lived_depth = 16, .min_depth = 4,
                             .max_depth = 16, .array_size = 500000, .threads = 1};
  const struct bench_opt opts[] = {
    {"stretch-depth", BENCH_OPT_INT, &p.stretch_depth, 0, 26, "stretch tree, 0: none (18)"},
    {"long-lived-depth", BENCH_OPT_INT, &p.long_lived_depth, 1, 24, "long-lived tree (16)"},
    {"max-depth", BENCH_OPT_INT, &p.max_depth, 4, 24, "deepest short-lived trees (16)"},
    {"array-size", BENCH_OPT_INT, &p.array_size, 1, 1e8, "doubles in the array (500000)"},
    {"threads", BENCH_OPT_INT, &p.threads, 1, 64, "mutator threads, each runs it all (1)"},
    {NULL, 0, NULL, 0, 0, NULL},
  };
  struct bench_common c;
  bench_parse_args(argc, argv, &c, opts);
  p.corrupt = c.corrupt;
  size_t node = bench_object_bytes(sizeof(struct node));
  size_t live = (tree_size(p.long_lived_depth) + tree_size(p.max_depth)) * node +
                bench_object_bytes((size_t)p.array_size * sizeof(double));
  size_t stretch = p.stretch_depth > 0 ? tree_size(p.stretch_depth) * node : 0;
  if (stretch > live)
    live = stretch;
  bench_mut *m = bench_start(&c, live * (size_t)p.threads);
  printf("threads: %ld\n", p.threads);
  const char *why = NULL;
  if (p.threads > 1 && !supports_threads(m, &why)) {
    printf("status: skipped\n");
    printf("skipped: collector supports one mutator (%s)\n", why);
    bench_heap_destroy(m);
    return BENCH_EXIT_SKIPPED;
  }
  uint64_t t0 = bench_now_ns();
  if (p.threads == 1)
    run_one_thread(m, &p);
  else
    run_threads(m, &p);
  return bench_finish(m, &c, bench_now_ns() - t0, true);
}
