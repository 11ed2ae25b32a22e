/* Latency: an Octane-splay-like workload.  A splay tree of tree-size
 * nodes, each holding a payload: a binary tree of depth payload-depth
 * whose leaves hold a 10-element array and a string.  Each step makes
 * `modifications` changes, each inserting a node with a fresh payload and
 * removing another; every pause is recorded (through the collector's
 * event listener) and reported as p50/p95/p99/max and the minimum mutator
 * utilization over 10 ms windows. */

#include <stdlib.h>

#include "bench-util.h"
#include "workloads.h"

/* {left, right, payload, key}: three leading references. */
struct splay_node {
  struct splay_node *left, *right;
  void *payload;
  uint64_t key;
};
enum { NODE_TAG = 3, PAYLOAD_TAG = 2, LEAF_ARRAY = 10 };

/* ---- The tree (no allocation: raw pointers are safe) ------------------------ */

/* Top-down splay (Sleator and Tarjan): brings the node with `key`, or the
 * last one on its search path, to the root. */
static struct splay_node *splay(bench_mut *m, struct splay_node *root, uint64_t key) {
  if (!root)
    return NULL;
  struct splay_node dummy = {NULL, NULL, NULL, 0};
  struct splay_node *left = &dummy, *right = &dummy, *cur = root;
  for (;;) {
    if (key < cur->key) {
      if (!cur->left)
        break;
      if (key < cur->left->key) {
        struct splay_node *t = cur->left;
        bench_store(m, cur, (void **)&cur->left, t->right);
        bench_store(m, t, (void **)&t->right, cur);
        cur = t;
        if (!cur->left)
          break;
      }
      if (right != &dummy)
        bench_store(m, right, (void **)&right->left, cur);
      else
        dummy.left = cur;
      right = cur;
      cur = cur->left;
    } else if (key > cur->key) {
      if (!cur->right)
        break;
      if (key > cur->right->key) {
        struct splay_node *t = cur->right;
        bench_store(m, cur, (void **)&cur->right, t->left);
        bench_store(m, t, (void **)&t->left, cur);
        cur = t;
        if (!cur->right)
          break;
      }
      if (left != &dummy)
        bench_store(m, left, (void **)&left->right, cur);
      else
        dummy.right = cur;
      left = cur;
      cur = cur->right;
    } else {
      break;
    }
  }
  struct splay_node *l_end = left == &dummy ? NULL : left;
  struct splay_node *r_end = right == &dummy ? NULL : right;
  if (l_end)
    bench_store(m, l_end, (void **)&l_end->right, cur->left);
  if (r_end)
    bench_store(m, r_end, (void **)&r_end->left, cur->right);
  bench_store(m, cur, (void **)&cur->left, l_end ? dummy.right : cur->left);
  bench_store(m, cur, (void **)&cur->right, r_end ? dummy.left : cur->right);
  return cur;
}

/* Links the new root `node` (not in the tree) into *root. */
static void insert_node(bench_mut *m, void **root_slot, struct splay_node *node) {
  struct splay_node *root = splay(m, *root_slot, node->key);
  if (root) {
    if (node->key < root->key) {
      bench_store(m, node, (void **)&node->left, root->left);
      bench_store(m, node, (void **)&node->right, root);
      bench_store(m, root, (void **)&root->left, NULL);
    } else {
      bench_store(m, node, (void **)&node->right, root->right);
      bench_store(m, node, (void **)&node->left, root);
      bench_store(m, root, (void **)&root->right, NULL);
    }
  }
  *root_slot = node;
}

static bool contains(bench_mut *m, void **root_slot, uint64_t key) {
  *root_slot = splay(m, *root_slot, key);
  return *root_slot && ((struct splay_node *)*root_slot)->key == key;
}

static void remove_key(bench_mut *m, void **root_slot, uint64_t key) {
  struct splay_node *root = splay(m, *root_slot, key);
  if (!root || root->key != key)
    bench_fatal("splay: removing a key that is not there");
  if (!root->left) {
    *root_slot = root->right;
  } else {
    struct splay_node *right = root->right;
    struct splay_node *left = splay(m, root->left, key); /* its maximum */
    bench_store(m, left, (void **)&left->right, right);
    *root_slot = left;
  }
}

/* The greatest key below `key` after a splay on key, or 0 if none. */
static uint64_t greatest_below(bench_mut *m, void **root_slot, uint64_t key) {
  struct splay_node *root = splay(m, *root_slot, key);
  *root_slot = root;
  if (!root)
    return 0;
  if (root->key < key)
    return root->key;
  struct splay_node *n = root->left;
  if (!n)
    return 0;
  while (n->right)
    n = n->right;
  return n->key;
}

/* ---- Payloads ---------------------------------------------------------- */

static void *make_payload(bench_mut *m, long depth, uint64_t tag) {
  void *r[2] = {NULL, NULL};
  struct bench_frame f;
  bench_frame_push(m, &f, r, 2);
  if (depth == 0) {
    void **array = bench_alloc(m, sizeof(void *) * (LEAF_ARRAY + 1), BENCH_TAG_VEC);
    array[0] = (void *)bench_meta(0, LEAF_ARRAY);
    for (int i = 0; i < LEAF_ARRAY; i++)
      array[i + 1] = bench_fixnum(i);
    r[0] = array;
    char text[64];
    int len = snprintf(text, sizeof text, "String for key %llu in leaf node",
                       (unsigned long long)tag);
    uintptr_t *s = bench_alloc_data(m, sizeof(uintptr_t) + (size_t)len);
    s[0] = (uintptr_t)len;
    memcpy(&s[1], text, (size_t)len);
    r[1] = s;
  } else {
    r[0] = make_payload(m, depth - 1, tag);
    r[1] = make_payload(m, depth - 1, tag);
  }
  void **pair = bench_alloc(m, 2 * sizeof(void *), PAYLOAD_TAG);
  bench_store(m, pair, &pair[0], r[0]);
  bench_store(m, pair, &pair[1], r[1]);
  bench_frame_pop(m, &f);
  return pair;
}

static bool payload_ok(void **pair, long depth) {
  if (!pair)
    return false;
  if (depth > 0)
    return payload_ok(pair[0], depth - 1) && payload_ok(pair[1], depth - 1);
  void **array = pair[0];
  const uintptr_t *s = pair[1];
  if (!array || !s || bench_meta_count((uintptr_t)array[0]) != LEAF_ARRAY)
    return false;
  for (int i = 0; i < LEAF_ARRAY; i++)
    if (bench_fixnum_value(array[i + 1]) != i)
      return false;
  return s[0] > 15 && !memcmp(&s[1], "String for key ", 15);
}

/* In-order: keys strictly increase and every payload is whole. */
static bool tree_ok(const struct splay_node *n, long depth, uint64_t *last, long *count) {
  while (n) {
    if (!tree_ok(n->left, depth, last, count))
      return false;
    if (n->key <= *last || !payload_ok(n->payload, depth))
      return false;
    *last = n->key;
    ++*count;
    n = n->right;
  }
  return true;
}

/* ---- The workload ------------------------------------------------------ */

struct splay_state {
  bench_mut *m;
  void **r;                   /* [0] the tree, [1] a payload being built */
  long payload_depth;
  uint64_t rng, inserted;
};

static uint64_t next_key(struct splay_state *s) {
  s->rng ^= s->rng << 13, s->rng ^= s->rng >> 7, s->rng ^= s->rng << 17;
  return (s->rng >> 1) | 1; /* never 0: 0 means "none" */
}

static uint64_t insert_new_node(struct splay_state *s) {
  uint64_t key;
  do
    key = next_key(s);
  while (contains(s->m, &s->r[0], key));
  s->r[1] = make_payload(s->m, s->payload_depth, ++s->inserted);
  struct splay_node *node = bench_alloc(s->m, sizeof *node, NODE_TAG);
  node->key = key;
  bench_store(s->m, node, &node->payload, s->r[1]);
  s->r[1] = NULL;
  insert_node(s->m, &s->r[0], node);
  return key;
}

static size_t payload_bytes(long depth) {
  if (depth == 0)
    return bench_object_bytes(2 * sizeof(void *)) +
           bench_object_bytes(sizeof(void *) * (LEAF_ARRAY + 1)) +
           bench_object_bytes(sizeof(uintptr_t) + 48);
  return bench_object_bytes(2 * sizeof(void *)) + 2 * payload_bytes(depth - 1);
}

int workload_splay(int argc, char **argv) {
  long tree_size = 8000, steps = 1000, modifications = 80, payload_depth = 5;
  const struct bench_opt opts[] = {
    {"tree-size", BENCH_OPT_INT, &tree_size, 1, 1e7, "nodes in the tree (8000)"},
    {"steps", BENCH_OPT_INT, &steps, 1, 1e7, "steps (1000)"},
    {"modifications", BENCH_OPT_INT, &modifications, 1, 1e6, "inserts+removes per step (80)"},
    {"payload-depth", BENCH_OPT_INT, &payload_depth, 0, 12, "depth of each payload (5)"},
    {NULL, 0, NULL, 0, 0, NULL},
  };
  struct bench_common c;
  bench_parse_args(argc, argv, &c, opts);
  size_t node_bytes = bench_object_bytes(sizeof(struct splay_node)) + payload_bytes(payload_depth);
  bench_mut *m = bench_start(&c, (size_t)(tree_size + 1) * node_bytes);
  printf("tree-size: %ld\nsteps: %ld\nmodifications: %ld\n", tree_size, steps, modifications);

  void *r[2] = {NULL, NULL};
  struct bench_frame f;
  bench_frame_push(m, &f, r, 2);
  struct splay_state s = {.m = m, .r = r, .payload_depth = payload_depth,
                          .rng = 0x9e3779b97f4a7c15u};
  for (long i = 0; i < tree_size; i++)
    insert_new_node(&s);
  size_t pauses_before;
  bench_pauses(&pauses_before);
  uint64_t t0 = bench_now_ns();
  for (long step = 0; step < steps; step++) {
    for (long k = 0; k < modifications; k++) {
      uint64_t key = insert_new_node(&s);
      uint64_t below = greatest_below(m, &r[0], key);
      remove_key(m, &r[0], below ? below : key);
    }
  }
  uint64_t t1 = bench_now_ns();
  if (c.corrupt && r[0])
    ((struct splay_node *)r[0])->key = 0;
  uint64_t last = 0;
  long count = 0;
  bench_check(tree_ok(r[0], payload_depth, &last, &count), "the splay tree is out of order "
              "or a payload is damaged");
  bench_check(count == tree_size, "the splay tree lost or gained nodes");
  bench_frame_pop(m, &f);

  size_t n;
  const struct bench_pause *p = bench_pauses(&n);
  p += pauses_before, n -= pauses_before; /* the steps only, not the build */
  struct bench_pause_summary sum = bench_summarize_pauses(p, n);
  printf("latency-pauses: %zu\n", sum.count);
  printf("latency-pause-p50-ms: %.3f\n", sum.p50_ns / 1e6);
  printf("latency-pause-p95-ms: %.3f\n", sum.p95_ns / 1e6);
  printf("latency-pause-p99-ms: %.3f\n", sum.p99_ns / 1e6);
  printf("latency-pause-max-ms: %.3f\n", sum.max_ns / 1e6);
  printf("mmu-10ms: %.4f\n", bench_mmu(p, n, t0, t1, 10000000));
  printf("ns-per-modification: %.1f\n", (double)(t1 - t0) / (double)(steps * modifications));
  return bench_finish(m, &c, t1 - t0, true);
}
