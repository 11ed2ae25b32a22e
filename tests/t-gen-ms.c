/* gen-ms only: old-to-young edges and the write barrier, the verifier
 * catching a missing barrier, the page-sorting policy seen through the
 * statistics, the old space's free lists, and conservative stack roots
 * (in the conservative variant, tests/kntest-gen-ms-conservative). */

#include <signal.h>
#include <string.h>
#include <sys/wait.h>

#include "test-embedder.h"

/* ---- Counters of the last collection ------------------------------------ */

struct last_report {
  struct kn_collection_report r;
  uint64_t collections;
};
static struct last_report last;

static void remember_report(void *data, const struct kn_collection_report *r) {
  (void)data;
  last.r = *r;
  last.collections++;
}

/* Sorting is observed at explicit collections, so stress mode (from
 * KN_TEST_OPTIONS) is turned off for these heaps. */
static struct test_heap sorting_heap(const char *extra) {
  char spec[256];
  snprintf(spec, sizeof spec, "stress=0,page-size=64k,nursery-size=512k,heap-size=8m%s%s",
           extra ? "," : "", extra ? extra : "");
  struct test_heap th = test_heap_create(spec);
  struct kn_event_listener l = {.collection_end = remember_report};
  kn_heap_set_event_listener(th.heap, &l);
  return th;
}

static uint64_t counter(const char *name) {
  for (unsigned i = 0; i < last.r.counter_count; i++)
    if (!strcmp(last.r.counters[i].name, name))
      return last.r.counters[i].value;
  kn_test_fail(__FILE__, __LINE__, "the report has no counter '%s'", name);
}

static uint64_t total_counter(struct test_heap *th, const char *name) {
  struct kn_stats s;
  kn_heap_get_stats(th->heap, &s);
  for (unsigned i = 0; i < s.counter_count; i++)
    if (!strcmp(s.counters[i].name, name))
      return s.counters[i].value;
  return 0;
}

static void minor(struct test_heap *th) { kn_collect(th->mut, KN_COLLECT_MINOR); }

enum { PAGE_BODY = 64 * 1024 - 64 };

/* A chain of `n` nodes of `nfields` fields, with `garbage` bytes of dead
 * blob after each, held by `*root`; keeps every node. */
static void chain(struct test_heap *th, void **root, uint32_t n, uint32_t nfields,
                  size_t garbage) {
  for (uint32_t i = 0; i < n; i++) {
    struct tnode *node = test_node(th->mut, i, nfields);
    test_set(th->mut, node, 0, *root);
    *root = node;
    if (garbage)
      test_blob(th->mut, garbage, i);
  }
}

static uint32_t chain_length(void *root) {
  uint32_t n = 0;
  for (struct tnode *node = root; node; node = node->fields[0])
    n++;
  return n;
}

/* ---- Old-to-young edges ------------------------------------------------- */

enum { HOSTS = 48, HOST_FIELDS = 6, BIG_FIELDS = 3000 };

static uint32_t expected_id(uint32_t round, uint32_t host, uint32_t field) {
  return round * 100000 + host * 100 + field;
}

/* Small hosts have every field set each round, large ones every 97th. */
static uint32_t field_step(const struct tnode *host) {
  return host->nfields > HOST_FIELDS ? 97 : 1;
}

static void check_hosts(void **hosts, uint32_t round) {
  for (uint32_t h = 0; h < HOSTS; h++) {
    struct tnode *host = hosts[h];
    CHECKF(host->id == h, "host %u holds id %u", h, host->id);
    for (uint32_t f = 0; f < host->nfields; f++) {
      struct tnode *young = host->fields[f];
      if (f % field_step(host)) {
        CHECK(young == NULL);
        continue;
      }
      CHECKF(young && young->id == expected_id(round, h, f),
             "round %u: host %u field %u holds %p (id %u)", round, h, f, (void *)young,
             young ? young->id : 0);
    }
  }
}

static void old_to_young_edges(void) {
  /* verify=1: the remembered set is checked before and after every
   * collection, so a lost edge fails loudly rather than by luck. */
  struct test_heap th = test_heap_create("verify=1,page-size=64k,nursery-size=256k");
  static void *hosts[HOSTS];
  for (uint32_t h = 0; h < HOSTS; h++)
    CHECK(kn_heap_add_root(th.heap, &hosts[h]));
  /* Old hosts three ways: allocated old, promoted with a full page, large. */
  for (uint32_t h = 0; h < HOSTS; h++) {
    if (h % 3 == 0) {
      struct tnode *n = kn_allocate(th.mut, sizeof(struct tnode) + HOST_FIELDS * sizeof(void *),
                                    KN_ALLOC_TRACED | KN_ALLOC_LONG_LIVED, TAG_NODE);
      n->id = h;
      n->nfields = HOST_FIELDS;
      hosts[h] = n;
    } else if (h % 3 == 1) {
      hosts[h] = test_node(th.mut, h, HOST_FIELDS);
    } else {
      hosts[h] = test_node(th.mut, h, BIG_FIELDS); /* 24 kB: a large object */
    }
  }
  static void *filler;
  CHECK(kn_heap_add_root(th.heap, &filler));
  chain(&th, &filler, 3000, 1, 0); /* fills the hosts' page: promoted whole */
  minor(&th);
  minor(&th);
  for (uint32_t round = 1; round <= 30; round++) {
    for (uint32_t h = 0; h < HOSTS; h++) {
      struct tnode *host = hosts[h];
      for (uint32_t f = 0; f < host->nfields; f += field_step(host)) {
        struct tnode *young = test_node(th.mut, expected_id(round, h, f), 0);
        host = hosts[h];
        if ((h + f) % 2) {
          kn_store(th.mut, host, &host->fields[f], young);
        } else {
          host->fields[f] = young;
          kn_write_barrier(th.mut, host, &host->fields[f], young);
        }
      }
    }
    check_hosts(hosts, round);
    for (int i = 0; i < 2000; i++)
      test_node(th.mut, 7, 2); /* garbage: minor collections happen on their own too */
    kn_collect(th.mut, round % 7 ? KN_COLLECT_MINOR : KN_COLLECT_MAJOR);
    check_hosts(hosts, round);
  }
  CHECK(chain_length(filler) == 3000);
  CHECKF(total_counter(&th, "pages-promoted") >= 1, "the hosts' page was never promoted");
  CHECK(kn_heap_verify(th.mut) == 0);
  test_heap_destroy(&th);
}

/* Stores a young object into an old one without the barrier, then lets a
 * minor collection run: the verifier must report it. */
static void store_without_barrier(void *arg) {
  (void)arg;
  struct test_heap th = test_heap_create("verify=1");
  static void *root;
  CHECK(kn_heap_add_root(th.heap, &root));
  struct tnode *old = kn_allocate(th.mut, sizeof(struct tnode) + 2 * sizeof(void *),
                                  KN_ALLOC_TRACED | KN_ALLOC_LONG_LIVED, TAG_NODE);
  old->nfields = 2;
  root = old;
  old = root;
  old->fields[1] = test_node(th.mut, 1, 0); /* no kn_write_barrier */
  kn_collect(th.mut, KN_COLLECT_MINOR);
  fprintf(stderr, "the minor collection finished without a complaint\n");
}

static void missing_barrier_is_caught(void) {
  char err[4096];
  int status = kn_test_run_child(store_without_barrier, NULL, err, sizeof err);
  CHECKF(WIFSIGNALED(status) && WTERMSIG(status) == SIGABRT, "status %d, stderr: %s", status,
         err);
  CHECKF(strstr(err, "not in the remembered set") && strstr(err, "remembered set misses"),
         "stderr: %s", err);
}

/* ---- Page sorting ---------------------------------------------------------- */

static void empty_pages(void) {
  struct test_heap th = sorting_heap(NULL);
  for (int i = 0; i < 6000; i++)
    test_node(th.mut, 1, 4); /* 48 bytes each, 288 kB of garbage: about 4 pages */
  minor(&th);
  CHECKF(counter("pages-empty") >= 3, "%llu empty pages",
         (unsigned long long)counter("pages-empty"));
  CHECK(counter("promoted-bytes") <= 2 * PAGE_BODY); /* conservative: a stale word or two */
  CHECK(counter("pages-promoted") == counter("pages-promoted-eagerly") + 0 ||
        kn_attr_conservative_stack());
  test_heap_destroy(&th);
}

static void promoted_pages(void) {
  struct test_heap th = sorting_heap(NULL);
  static void *root;
  CHECK(kn_heap_add_root(th.heap, &root));
  chain(&th, &root, 6000, 2, 0); /* 6000 x 32 bytes, all live: about 3 pages */
  minor(&th);
  CHECKF(counter("pages-promoted") >= 2, "%llu promoted",
         (unsigned long long)counter("pages-promoted"));
  CHECKF(counter("promoted-bytes") >= 2 * PAGE_BODY / 2, "%llu bytes promoted",
         (unsigned long long)counter("promoted-bytes"));
  CHECK(chain_length(root) == 6000);
  /* Promoted objects are old: a minor collection no longer counts them. */
  minor(&th);
  CHECK(counter("promoted-bytes") < PAGE_BODY);
  CHECK(chain_length(root) == 6000);
  test_heap_destroy(&th);
}

/* Pages where one node in ten survives: recycled, again, then aging, then
 * promoted (aging-cycles=2). */
static void recycled_then_aging_then_promoted(void) {
  struct test_heap th = sorting_heap("aging-cycles=2");
  static void *root;
  CHECK(kn_heap_add_root(th.heap, &root));
  chain(&th, &root, 1000, 1, 240); /* 24 live bytes, then 248 dead: about 4 pages */
  minor(&th);
  uint64_t recycled = counter("pages-recycled");
  CHECKF(recycled >= 3, "%llu recycled", (unsigned long long)recycled);
  CHECK(counter("pages-promoted") == 0 && counter("pages-aging") == 0);
  minor(&th); /* not allocated into: recycled again, second time in a row */
  CHECK(counter("pages-recycled") == recycled && counter("pages-aging") == 0);
  minor(&th); /* recycled twice in a row already: aging */
  CHECKF(counter("pages-aging") == recycled && counter("pages-recycled") == 0,
         "aging %llu recycled %llu", (unsigned long long)counter("pages-aging"),
         (unsigned long long)counter("pages-recycled"));
  minor(&th); /* sat out a cycle: promoted */
  CHECKF(counter("pages-promoted") == recycled && counter("pages-aging") == 0,
         "promoted %llu", (unsigned long long)counter("pages-promoted"));
  CHECK(chain_length(root) == 1000);
  CHECK(total_counter(&th, "pages-aging") == recycled);
  test_heap_destroy(&th);
}

/* Survivors every 64 bytes leave 40-byte holes: allocations of 112 bytes
 * cannot use them, so the allocator passes through those pages using none
 * of their free space, and the next collection promotes them eagerly. */
static void fragmented_pages_promoted_eagerly(void) {
  struct test_heap th = sorting_heap(NULL);
  static void *root;
  CHECK(kn_heap_add_root(th.heap, &root));
  chain(&th, &root, 2000, 1, 32); /* 24 live, 40 dead: 2 pages, 62% free */
  minor(&th);
  uint64_t recycled = counter("pages-recycled");
  CHECK(recycled >= 1);
  for (int i = 0; i < 20; i++)
    test_blob(th.mut, 100, 1);
  minor(&th);
  /* The last page's fresh tail takes the blobs: it is not fragmented. */
  CHECKF(counter("pages-promoted-eagerly") >= 1 && counter("pages-promoted-eagerly") < recycled + 1,
         "%llu of %llu promoted eagerly", (unsigned long long)counter("pages-promoted-eagerly"),
         (unsigned long long)recycled);
  CHECK(chain_length(root) == 2000);
  test_heap_destroy(&th);
}

/* The same pages, but allocations that fit the holes: no eager promotion. */
static void usable_holes_are_not_promoted_eagerly(void) {
  struct test_heap th = sorting_heap(NULL);
  static void *root;
  CHECK(kn_heap_add_root(th.heap, &root));
  chain(&th, &root, 2000, 1, 32);
  minor(&th);
  for (int i = 0; i < 3000; i++)
    test_blob(th.mut, 24, 1); /* 32 bytes: two per hole */
  minor(&th);
  CHECKF(counter("pages-promoted-eagerly") == 0, "%llu promoted eagerly",
         (unsigned long long)counter("pages-promoted-eagerly"));
  CHECK(chain_length(root) == 2000);
  test_heap_destroy(&th);
}

/* Old pages whose objects all die go back to the system at the major. */
static void dead_old_pages_are_released(void) {
  struct test_heap th = sorting_heap(NULL);
  /* 200 short chains rather than one long one, so that a stale stack word
   * in the conservative variant keeps one chain, not everything. */
  enum { CHAINS = 200 };
  static void *roots[CHAINS];
  for (int i = 0; i < CHAINS; i++) {
    CHECK(kn_heap_add_root(th.heap, &roots[i]));
    chain(&th, &roots[i], 100, 2, 0); /* 200 x 3.2 kB, promoted */
  }
  minor(&th);
  CHECK(total_counter(&th, "pages-promoted") >= 8);
  memset(roots, 0, sizeof roots);
  kn_collect(th.mut, KN_COLLECT_MAJOR);
  CHECKF(counter("pages-released") >= 6, "%llu pages released",
         (unsigned long long)counter("pages-released"));
  test_heap_destroy(&th);
}

/* ---- Old space ------------------------------------------------------------ */

/* Long-lived objects of many sizes, half dropped each round, in a fixed
 * heap: the free lists must serve the next round. */
static void old_space_reuses_free_spans(void) {
  struct test_heap th = test_heap_create("page-size=64k,heap-size=2m,heap-policy=fixed");
  enum { N = 600 };
  static void *objs[N];
  for (int i = 0; i < N; i++)
    CHECK(kn_heap_add_root(th.heap, &objs[i]));
  for (unsigned round = 0; round < 40; round++) {
    for (unsigned i = round % 2; i < N; i += 2) {
      size_t size = 8 + (i * 37 + round * 11) % 1500;
      unsigned char *b = kn_allocate(th.mut, size, KN_ALLOC_POINTERLESS | KN_ALLOC_LONG_LIVED,
                                     TAG_BLOB);
      for (size_t j = 0; j < size; j++)
        b[j] = (unsigned char)(i + j);
      objs[i] = b;
    }
    kn_collect(th.mut, KN_COLLECT_MAJOR);
    for (unsigned i = 0; i < N; i++) {
      unsigned char *b = objs[i];
      if (!b)
        continue;
      for (size_t j = 0; j < kn_object_size(b); j++)
        CHECKF(b[j] == (unsigned char)(i + j), "object %u byte %zu", i, j);
    }
  }
  test_heap_destroy(&th);
}

/* ---- Conservative stack ------------------------------------------------------ */

static __attribute__((noinline)) void churn(struct test_heap *th) {
  for (int i = 0; i < 20000; i++)
    test_node(th->mut, 9, 3);
  kn_collect(th->mut, KN_COLLECT_MINOR);
  kn_collect(th->mut, KN_COLLECT_MAJOR);
  kn_collect(th->mut, KN_COLLECT_MINOR);
}

static void conservative_stack_roots(void) {
  if (!kn_attr_conservative_stack())
    kn_test_skip("precise variant: the C stack is not scanned");
  struct test_heap th = test_heap_create("page-size=64k,nursery-size=256k");
  /* Referenced only from locals: one by its address, one by an interior
   * pointer; each holds a child reached only through it. */
  struct tnode *volatile whole = test_node(th.mut, 41, 1);
  test_set(th.mut, whole, 0, test_node(th.mut, 42, 0));
  struct tnode *other = test_node(th.mut, 43, 2);
  test_set(th.mut, other, 1, test_node(th.mut, 44, 0));
  void **volatile inside = &other->fields[1];
  other = NULL;
  struct tnode *before = whole;
  churn(&th);
  CHECK(whole == before); /* nothing moves */
  CHECK(whole->id == 41 && whole->nfields == 1);
  CHECK(((struct tnode *)whole->fields[0])->id == 42);
  CHECK(((struct tnode *)*inside)->id == 44);
  struct tnode *outer = (struct tnode *)((char *)inside - offsetof(struct tnode, fields[1]));
  CHECK(outer->id == 43 && kn_object_tag(outer) == TAG_NODE);
  CHECK(kn_heap_verify(th.mut) == 0);
  test_heap_destroy(&th);
}

static void attributes_match_the_variant(void) {
#ifdef KN_CONSERVATIVE_STACK
  CHECK(kn_attr_conservative_stack() == 1);
#else
  CHECK(kn_attr_conservative_stack() == 0);
#endif
  CHECK(kn_attr_moves_objects() == 0);
  CHECK(kn_attr_write_barrier() == KN_BARRIER_PAGE_FLAGS);
  CHECK(!strcmp(kn_collector_name(), "gen-ms"));
}

const struct kn_test_case kn_collector_cases[] = {
  {"gen-ms/attributes-match-the-variant", attributes_match_the_variant},
  {"gen-ms/old-to-young-edges", old_to_young_edges},
  {"gen-ms/missing-barrier-is-caught", missing_barrier_is_caught},
  {"gen-ms/sort/empty-pages", empty_pages},
  {"gen-ms/sort/promoted-pages", promoted_pages},
  {"gen-ms/sort/recycled-then-aging-then-promoted", recycled_then_aging_then_promoted},
  {"gen-ms/sort/fragmented-pages-promoted-eagerly", fragmented_pages_promoted_eagerly},
  {"gen-ms/sort/usable-holes-are-not-promoted-eagerly", usable_holes_are_not_promoted_eagerly},
  {"gen-ms/sort/dead-old-pages-are-released", dead_old_pages_are_released},
  {"gen-ms/old-space-reuses-free-spans", old_space_reuses_free_spans},
  {"gen-ms/conservative-stack-roots", conservative_stack_roots},
  {NULL, NULL},
};
