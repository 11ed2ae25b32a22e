/* trace: a trace-heavy run.  Builds a large live heap of 2^(depth+1)-1
 * nodes (two references, two integers; 84 MB at the default depth 20),
 * then forces --collections full collections, each of which must trace
 * all of it, and checks the heap.  It measures what the collector does per
 * live byte, so it compares the tracing of collectors (and pcc's
 * parallelism=1 against 2) with almost no mutator work in between.
 *
 * Two shapes (--shuffle):
 *   1, a graph (default)  the nodes sit in an index (a vector of vectors
 *                    of 512), in allocation order, and form a binary tree in a random
 *                    order: every node is reached twice (from the index
 *                    and from its parent), and a parent and its children
 *                    lie far apart, as in a heap a program has mutated.
 *   0, a tree             a binary tree built children first and traced from
 *                    its root: after one collection the heap is in trace
 *                    order, the friendliest case for a copying collector.
 *
 * Figures: ms-per-collection (the forced collections' mean wall time,
 * timed around each request) and trace-mib-per-s (live bytes traced per
 * second of it). */

#include <stdlib.h>

#include "bench-util.h"
#include "workloads.h"

struct tnode {
  struct tnode *left, *right;
  intptr_t depth, serial;
};
enum { TNODE_TAG = 2 };

/* Builds the tree children first, so that a copying collector's
 * allocation order differs from its tracing order, as in a real heap. */
static struct tnode *build(bench_mut *m, long depth, intptr_t *serial) {
  void *r[2] = {NULL, NULL};
  struct bench_frame f;
  bench_frame_push(m, &f, r, 2);
  if (depth > 0) {
    r[0] = build(m, depth - 1, serial);
    r[1] = build(m, depth - 1, serial);
  }
  struct tnode *n = bench_alloc(m, sizeof *n, TNODE_TAG);
  bench_store(m, n, (void **)&n->left, r[0]);
  bench_store(m, n, (void **)&n->right, r[1]);
  n->depth = depth;
  n->serial = (*serial)++;
  bench_frame_pop(m, &f);
  return n;
}

/* Every node in place, with its depth, and serial numbers in build order:
 * a collector that lost, duplicated or mixed up a node fails this. */
static bool tree_ok(const struct tnode *n, long depth, intptr_t *serial) {
  if (!n || n->depth != depth)
    return false;
  if (depth > 0 && (!tree_ok(n->left, depth - 1, serial) ||
                    !tree_ok(n->right, depth - 1, serial)))
    return false;
  return n->serial == (*serial)++;
}

/* ---- The graph: an index vector and a randomly ordered tree ------------- */

/* A fixed permutation of 0..n-1 (Fisher-Yates over xorshift64). */
static uint32_t *permutation(size_t n) {
  uint32_t *p = malloc(n * sizeof *p);
  if (!p)
    bench_fatal("out of memory for a permutation of %zu", n);
  for (size_t i = 0; i < n; i++)
    p[i] = (uint32_t)i;
  uint64_t x = 0x9e3779b97f4a7c15u;
  for (size_t i = n - 1; i > 0; i--) {
    x ^= x << 13, x ^= x >> 7, x ^= x << 17;
    size_t j = x % (i + 1);
    uint32_t t = p[i];
    p[i] = p[j], p[j] = t;
  }
  return p;
}

/* The index: a vector of chunks of INDEX_CHUNK nodes each, so that no one
 * object holds most of the heap's references (a tracer handles one object
 * on one thread). */
enum { INDEX_CHUNK = 512 };

static size_t chunks_for(size_t n) { return (n + INDEX_CHUNK - 1) / INDEX_CHUNK; }

static struct tnode **node_slot(void **index, size_t i) {
  void **chunk = index[1 + i / INDEX_CHUNK];
  return (struct tnode **)&chunk[1 + i % INDEX_CHUNK];
}

static void *new_vector(bench_mut *m, size_t count) {
  void **v = bench_alloc(m, sizeof(void *) * (count + 1), BENCH_TAG_VEC);
  v[0] = (void *)bench_meta(0, (uint32_t)count);
  return v;
}

/* The index of n nodes (node i has serial i); node perm[k] is at position
 * k of a binary tree whose children are at 2k+1 and 2k+2, and records k
 * in its depth field. */
static void *build_graph(bench_mut *m, size_t n, const uint32_t *perm) {
  void *r[2];
  struct bench_frame f;
  bench_frame_push(m, &f, r, 2);
  r[0] = new_vector(m, chunks_for(n));
  for (size_t c = 0; c < chunks_for(n); c++) {
    size_t count = n - c * INDEX_CHUNK < INDEX_CHUNK ? n - c * INDEX_CHUNK : INDEX_CHUNK;
    r[1] = new_vector(m, count);
    bench_store(m, r[0], &((void **)r[0])[1 + c], r[1]);
    for (size_t j = 0; j < count; j++) {
      struct tnode *node = bench_alloc(m, sizeof *node, TNODE_TAG);
      node->serial = (intptr_t)(c * INDEX_CHUNK + j);
      bench_store(m, r[1], &((void **)r[1])[1 + j], node);
    }
  }
  void **index = r[0];
  for (size_t k = 0; k < n; k++) {
    struct tnode *node = *node_slot(index, perm[k]);
    node->depth = (intptr_t)k;
    if (2 * k + 1 < n)
      bench_store(m, node, (void **)&node->left, *node_slot(index, perm[2 * k + 1]));
    if (2 * k + 2 < n)
      bench_store(m, node, (void **)&node->right, *node_slot(index, perm[2 * k + 2]));
  }
  bench_frame_pop(m, &f);
  return r[0];
}

static bool graph_ok(void **index, size_t n, const uint32_t *perm) {
  if (bench_meta_count((uintptr_t)index[0]) != chunks_for(n))
    return false;
  for (size_t k = 0; k < n; k++) {
    const struct tnode *node = *node_slot(index, perm[k]);
    if (!node || node->serial != (intptr_t)perm[k] || node->depth != (intptr_t)k)
      return false;
    const struct tnode *left = 2 * k + 1 < n ? *node_slot(index, perm[2 * k + 1]) : NULL;
    const struct tnode *right = 2 * k + 2 < n ? *node_slot(index, perm[2 * k + 2]) : NULL;
    if (node->left != left || node->right != right)
      return false;
  }
  return true;
}

int workload_trace(int argc, char **argv) {
  long depth = 20, collections = 20, shuffle = 1;
  const struct bench_opt opts[] = {
    {"depth", BENCH_OPT_INT, &depth, 1, 26, "2^(depth+1)-1 live nodes (20: 84 MB)"},
    {"collections", BENCH_OPT_INT, &collections, 1, 10000, "forced collections (20)"},
    {"shuffle", BENCH_OPT_INT, &shuffle, 0, 1,
     "1: index vector + randomly ordered tree; 0: a tree in build order (1)"},
    {NULL, 0, NULL, 0, 0, NULL},
  };
  struct bench_common c;
  bench_parse_args(argc, argv, &c, opts);
  size_t nodes = ((size_t)1 << (depth + 1)) - 1;
  size_t live = nodes * bench_object_bytes(sizeof(struct tnode));
  if (shuffle)
    live += bench_object_bytes(sizeof(void *) * (chunks_for(nodes) + 1)) +
            chunks_for(nodes) * bench_object_bytes(sizeof(void *) * (INDEX_CHUNK + 1));
  bench_mut *m = bench_start(&c, live);
  printf("shape: %s\n", shuffle ? "graph" : "tree");
  uint32_t *perm = shuffle ? permutation(nodes) : NULL;
  uint64_t t0 = bench_now_ns();
  void *r[1] = {NULL};
  struct bench_frame f;
  bench_frame_push(m, &f, r, 1);
  intptr_t serial = 0;
  r[0] = shuffle ? build_graph(m, nodes, perm) : build(m, depth, &serial);
  uint64_t collecting_ns = 0;
  for (long i = 0; i < collections; i++) {
    uint64_t start = bench_now_ns();
    bench_collect(m);
    collecting_ns += bench_now_ns() - start;
  }
  if (c.corrupt)
    (shuffle ? *node_slot(r[0], 0) : (struct tnode *)r[0])->serial++;
  intptr_t check = 0;
  bool ok = bench_check(shuffle ? graph_ok(r[0], nodes, perm)
                                : tree_ok(r[0], depth, &check) && check == serial,
                        "the live heap is not intact after the collections");
  free(perm);
  bench_frame_pop(m, &f);
  double ms = collecting_ns / 1e6 / (double)collections;
  printf("ms-per-collection: %.3f\n", ms);
  printf("trace-mib-per-s: %.1f\n", (double)live / (1 << 20) / (ms / 1e3));
  return bench_finish(m, &c, bench_now_ns() - t0, ok);
}
