/* The randomized graph test: builds and mutates a random object graph
 * against a shadow model, and after every collection checks that the graph
 * reachable from the roots is the model's: same ids, same shape, same
 * identity (one model node, one address).  Collectors that retain extra
 * objects (conservative ones) pass too: only what is reachable is
 * compared.  KN_TEST_SEED picks the graph. */

#include <stdlib.h>
#include <string.h>

#include "test-embedder.h"

enum { NROOTS = 16, LARGE_FIELDS = 1100 };

struct model_node {
  uint32_t nfields;
  int32_t *edges;  /* model index or -1 */
};

struct graph_test {
  struct test_heap th;
  void *roots[NROOTS];
  int32_t mroots[NROOTS];
  struct model_node *nodes;
  size_t count, capacity;
  uint64_t rng;
  void **seen;     /* model index -> address, during a comparison */
  uint64_t comparisons;
};

static uint32_t below(struct graph_test *g, uint32_t n) {
  return (uint32_t)(kn_test_random(&g->rng) % n);
}

static int32_t model_add(struct graph_test *g, uint32_t nfields) {
  if (g->count == g->capacity) {
    g->capacity = g->capacity ? 2 * g->capacity : 1024;
    g->nodes = realloc(g->nodes, g->capacity * sizeof *g->nodes);
    CHECK(g->nodes);
  }
  struct model_node *m = &g->nodes[g->count];
  m->nfields = nfields;
  m->edges = malloc((nfields ? nfields : 1) * sizeof *m->edges);
  CHECK(m->edges);
  for (uint32_t i = 0; i < nfields; i++)
    m->edges[i] = -1;
  return (int32_t)g->count++;
}

/* Walks from a random non-empty root along a few non-null fields, in the
 * heap and the model at once.  False if every root is empty. */
static bool random_walk(struct graph_test *g, struct tnode **node, int32_t *model) {
  uint32_t start = below(g, NROOTS);
  for (uint32_t k = 0; k < NROOTS; k++) {
    uint32_t r = (start + k) % NROOTS;
    if (!g->roots[r])
      continue;
    struct tnode *n = g->roots[r];
    int32_t m = g->mroots[r];
    for (uint32_t steps = below(g, 6); steps > 0 && n->nfields; steps--) {
      uint32_t f = below(g, n->nfields);
      if (!n->fields[f])
        break;
      n = n->fields[f];
      m = g->nodes[m].edges[f];
    }
    *node = n;
    *model = m;
    return true;
  }
  return false;
}

static void op_allocate(struct graph_test *g) {
  uint32_t nfields = below(g, 100) == 0 ? LARGE_FIELDS : below(g, 4);
  int32_t m = model_add(g, nfields);
  struct tnode *n = test_node(g->th.mut, (uint32_t)m, nfields);
  uint32_t r = below(g, NROOTS);
  g->roots[r] = n;
  g->mroots[r] = m;
}

static void op_link(struct graph_test *g) {
  struct tnode *from, *to = NULL;
  int32_t mfrom, mto = -1;
  if (!random_walk(g, &from, &mfrom) || !from->nfields)
    return;
  if (below(g, 5) && !random_walk(g, &to, &mto))
    return;
  uint32_t f = below(g, from->nfields);
  test_set(g->th.mut, from, f, to);
  g->nodes[mfrom].edges[f] = mto;
}

static void op_drop_or_copy_root(struct graph_test *g) {
  uint32_t r = below(g, NROOTS), s = below(g, NROOTS);
  if (below(g, 2)) {
    g->roots[r] = NULL;
    g->mroots[r] = -1;
  } else {
    g->roots[r] = g->roots[s];
    g->mroots[r] = g->mroots[s];
  }
}

static void compare_from(struct graph_test *g, struct tnode *n, int32_t m, int depth) {
  /* An explicit stack would be longer; depth is bounded by the node count. */
  if (m < 0) {
    CHECKF(n == NULL, "model edge is empty, heap edge points to %p", (void *)n);
    return;
  }
  CHECKF(n != NULL, "model node %d is reachable, heap edge is NULL", m);
  if (g->seen[m]) {
    CHECKF(g->seen[m] == n, "model node %d seen at %p and %p: identity lost", m, g->seen[m],
           (void *)n);
    return;
  }
  g->seen[m] = n;
  CHECKF(n->id == (uint32_t)m, "expected node %d, found id %u", m, n->id);
  CHECKF(kn_object_tag(n) == TAG_NODE, "node %d lost its tag", m);
  struct model_node *mn = &g->nodes[m];
  CHECKF(n->nfields == mn->nfields, "node %d has %u fields, model %u", m, n->nfields,
         mn->nfields);
  for (uint32_t f = 0; f < mn->nfields; f++)
    if (mn->edges[f] >= 0 || n->fields[f])
      compare_from(g, n->fields[f], mn->edges[f], depth + 1);
}

static void compare(struct graph_test *g) {
  g->seen = calloc(g->count + 1, sizeof *g->seen);
  CHECK(g->seen);
  for (uint32_t r = 0; r < NROOTS; r++)
    compare_from(g, g->roots[r], g->roots[r] ? g->mroots[r] : -1, 0);
  free(g->seen);
  g->comparisons++;
}

static uint64_t collections(struct graph_test *g) {
  struct kn_stats s;
  kn_heap_get_stats(g->th.heap, &s);
  return s.collections[KN_COLLECT_MINOR] + s.collections[KN_COLLECT_MAJOR];
}

static void run_graph_test(const char *spec, unsigned ops) {
  static struct graph_test g;
  memset(&g, 0, sizeof g);
  g.th = test_heap_create(spec);
  g.rng = kn_test_seed();
  for (uint32_t r = 0; r < NROOTS; r++) {
    g.mroots[r] = -1;
    CHECK(kn_heap_add_root(g.th.heap, &g.roots[r]));
  }
  uint64_t compared_at = 0;
  for (unsigned i = 0; i < ops; i++) {
    uint32_t dice = below(&g, 100);
    if (dice < 40)
      op_allocate(&g);
    else if (dice < 85)
      op_link(&g);
    else if (dice < 98)
      op_drop_or_copy_root(&g);
    else
      kn_collect(g.th.mut, below(&g, 2) ? KN_COLLECT_MINOR : KN_COLLECT_MAJOR);
    uint64_t now = collections(&g);
    if (now != compared_at) {
      compare(&g);
      compared_at = now;
    }
  }
  kn_collect(g.th.mut, KN_COLLECT_MAJOR);
  compare(&g);
  CHECKF(g.comparisons >= 10, "only %llu collections were compared",
         (unsigned long long)g.comparisons);
  test_heap_destroy(&g.th);
}

static void random_default(void) { run_graph_test("heap-size=256k", 40000); }
static void random_stress_1(void) { run_graph_test("stress=1,verify=1", 4000); }
static void random_stress_7(void) { run_graph_test("stress=7,verify=1,heap-size=128k", 20000); }

const struct kn_test_case kn_graph_cases[] = {
  {"graph/random", random_default},
  {"graph/random-stress-1-verify", random_stress_1},
  {"graph/random-stress-7-verify", random_stress_7},
  {NULL, NULL},
};
