/* pcc only: several mutator threads at once.  Threads build and drop
 * lists, share some through global roots, collect from different threads,
 * attach and detach while others allocate, and sleep inactive; after
 * collections each thread checks its lists against its model.  Each case
 * runs for about a second (a few under ThreadSanitizer). */

#include <pthread.h>
#include <semaphore.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "test-embedder.h"

/* ---- Lists that describe themselves ---------------------------------------
 * A list of n nodes holds ids base+n-1 down to base, linked through field 0;
 * field 1 of every node points back to the head, so a moved head must be
 * the same object seen from every node. */

static struct tnode *build_list(struct kn_mutator *mut, void **slot, uint32_t base, uint32_t n) {
  *slot = NULL;
  for (uint32_t i = 0; i < n; i++) {
    struct tnode *node = test_node(mut, base + i, 2); /* may collect: *slot is a root */
    node->fields[0] = *slot;
    *slot = node;
  }
  for (struct tnode *node = *slot; node; node = node->fields[0])
    node->fields[1] = *slot;
  return *slot;
}

static void check_list(const struct tnode *head, uint32_t base, uint32_t n) {
  const struct tnode *node = head;
  for (uint32_t i = n; i-- > 0; node = node->fields[0]) {
    CHECKF(node, "list of %u from %u ends early at %u", n, base, i);
    CHECKF(node->id == base + i, "expected id %u, found %u", base + i, node->id);
    CHECKF(node->fields[1] == head, "node %u lost its head", node->id);
    CHECK(kn_object_tag(node) == TAG_NODE);
  }
  CHECK(node == NULL);
}

/* ---- Which threads collected ---------------------------------------------- */

static __thread unsigned thread_index;   /* 1..31 for test threads, 0 otherwise */

static void set_thread_index(unsigned i) { thread_index = i < 31 ? i : 31; }
static unsigned collector_threads;       /* bit i: thread i started a collection */
static uint64_t collections_seen;

static void on_collection_start(void *data, enum kn_collection_kind kind) {
  (void)data, (void)kind;
  __atomic_fetch_or(&collector_threads, 1u << thread_index, __ATOMIC_RELAXED);
}

static void on_collection_end(void *data, const struct kn_collection_report *r) {
  (void)data, (void)r;
  __atomic_fetch_add(&collections_seen, 1, __ATOMIC_RELAXED);
}

static struct test_heap threaded_heap(const char *spec) {
  struct test_heap th = test_heap_create(spec);
  collector_threads = 0;
  collections_seen = 0;
  struct kn_event_listener l = {.collection_start = on_collection_start,
                                .collection_end = on_collection_end};
  kn_heap_set_event_listener(th.heap, &l);
  return th;
}

static uint64_t collections_now(void) {
  return __atomic_load_n(&collections_seen, __ATOMIC_RELAXED);
}

/* ---- Many mutators building, sharing, collecting ---------------------------- */

enum { WORKERS = 4, SLOTS = 8, ROUNDS = 1500 };

struct model {
  uint32_t base, length;  /* length 0: empty slot */
};

static void *shared_lists[WORKERS];   /* global roots, one owned by each worker */
static void *own_roots[WORKERS];      /* registered and removed by each worker */

struct worker_args {
  struct kn_heap *heap;
  unsigned index;
};

static void check_all(void **slots, const struct model *model) {
  for (int s = 0; s < SLOTS; s++) {
    if (model[s].length)
      check_list(slots[s], model[s].base, model[s].length);
    else
      CHECK(slots[s] == NULL);
  }
}

/* Reads another worker's published list: its head's id and length say
 * what it must hold.  No allocation while walking: the list cannot move. */
static void check_shared(struct kn_mutator *mut, void **slot, unsigned owner) {
  *slot = __atomic_load_n(&shared_lists[owner], __ATOMIC_ACQUIRE);
  kn_safepoint(mut); /* a collection here must update the frame slot */
  struct tnode *head = *slot;
  if (head) {
    uint32_t n = head->id % 1000 + 1;
    check_list(head, head->id + 1 - n, n);
  }
  *slot = NULL;
}

static void *mutator_worker(void *p) {
  struct worker_args *a = p;
  set_thread_index(a->index + 1);
  struct kn_mutator *mut = kn_mutator_attach(a->heap);
  CHECK(mut);
  void *slots[SLOTS + 2] = {0};
  struct kn_frame frame;
  kn_frame_push(mut, &frame, slots, SLOTS + 2);
  struct model model[SLOTS] = {{0, 0}};
  uint64_t rng = kn_test_seed() * 31 + a->index, checked_at = collections_now();
  uint32_t next_id = 0;
  CHECK(kn_heap_add_root(a->heap, &own_roots[a->index])); /* while others run */
  build_list(mut, &own_roots[a->index], 900000, 100);
  for (unsigned round = 0; round < ROUNDS; round++) {
    uint64_t r = kn_test_random(&rng);
    int s = (int)(r % SLOTS);
    if ((r >> 8) % 4) {
      uint32_t n = 1 + (uint32_t)((r >> 16) % 120);
      build_list(mut, &slots[s], next_id, n);
      model[s] = (struct model){next_id, n};
      next_id += n;
    } else {
      slots[s] = NULL;
      model[s].length = 0;
    }
    if (round % 16 == 0) {
      /* Publish a list whose head id tells its length: base + n - 1 = id. */
      uint32_t n = 1 + (uint32_t)((r >> 24) % 50);
      uint32_t base = (next_id / 1000 + 1) * 1000;
      next_id = base + n;
      build_list(mut, &slots[SLOTS], base, n);
      __atomic_store_n(&shared_lists[a->index], slots[SLOTS], __ATOMIC_RELEASE);
      slots[SLOTS] = NULL;
    }
    if (round % 8 == 4) {
      unsigned other = (a->index + 1 + (unsigned)(r >> 40) % (WORKERS - 1)) % WORKERS;
      check_shared(mut, &slots[SLOTS + 1], other);
    }
    if (round % 100 == 50)
      kn_collect(mut, KN_COLLECT_MAJOR);
    if (collections_now() != checked_at) {
      checked_at = collections_now();
      check_all(slots, model);
    }
  }
  kn_collect(mut, KN_COLLECT_MAJOR);
  check_all(slots, model);
  check_list(own_roots[a->index], 900000, 100);
  CHECK(kn_heap_remove_root(a->heap, &own_roots[a->index]));
  kn_frame_pop(mut, &frame);
  kn_mutator_detach(mut);
  return NULL;
}

static void threads_build_share_and_verify(void) {
  struct test_heap th = threaded_heap("heap-size=2m");
  for (int i = 0; i < WORKERS; i++)
    CHECK(kn_heap_add_root(th.heap, &shared_lists[i]));
  pthread_t threads[WORKERS];
  struct worker_args args[WORKERS];
  kn_mutator_deactivate(th.mut); /* joining blocks outside the heap */
  for (unsigned i = 0; i < WORKERS; i++) {
    args[i] = (struct worker_args){th.heap, i};
    CHECK(pthread_create(&threads[i], NULL, mutator_worker, &args[i]) == 0);
  }
  for (int i = 0; i < WORKERS; i++)
    CHECK(pthread_join(threads[i], NULL) == 0);
  kn_mutator_reactivate(th.mut);
  kn_collect(th.mut, KN_COLLECT_MAJOR);
  for (int i = 0; i < WORKERS; i++) {
    struct tnode *head = shared_lists[i];
    CHECKF(head, "worker %d published nothing", i);
    uint32_t n = head->id % 1000 + 1;
    check_list(head, head->id + 1 - n, n);
  }
  unsigned who = __atomic_load_n(&collector_threads, __ATOMIC_RELAXED);
  CHECKF(__builtin_popcount(who >> 1) >= 2, "collections came from threads %#x only", who);
  CHECKF(collections_now() >= 4 * WORKERS, "only %llu collections",
         (unsigned long long)collections_now());
  test_heap_destroy(&th);
}

/* ---- Attaching and detaching while others allocate --------------------------- */

static int stop_allocating;

static void *steady_allocator(void *p) {
  struct worker_args *a = p;
  set_thread_index(a->index + 1);
  struct kn_mutator *mut = kn_mutator_attach(a->heap);
  CHECK(mut);
  void *slots[2] = {0};
  struct kn_frame frame;
  kn_frame_push(mut, &frame, slots, 2);
  uint32_t id = 0;
  build_list(mut, &slots[0], 500000, 300); /* survives every collection */
  while (!__atomic_load_n(&stop_allocating, __ATOMIC_RELAXED)) {
    build_list(mut, &slots[1], id, 64);
    check_list(slots[1], id, 64);
    id += 64;
  }
  check_list(slots[0], 500000, 300);
  kn_frame_pop(mut, &frame);
  kn_mutator_detach(mut);
  return NULL;
}

static void *short_lived(void *p) {
  struct worker_args *a = p;
  set_thread_index(a->index + 1);
  struct kn_mutator *mut = kn_mutator_attach(a->heap);
  CHECK(mut);
  void *slot = NULL;
  struct kn_frame frame;
  kn_frame_push(mut, &frame, &slot, 1);
  build_list(mut, &slot, a->index * 1000, 400);
  if (a->index % 3 == 0)
    kn_collect(mut, KN_COLLECT_MAJOR);
  check_list(slot, a->index * 1000, 400);
  kn_frame_pop(mut, &frame);
  kn_mutator_detach(mut);
  return NULL;
}

static void attach_detach_while_allocating(void) {
  struct test_heap th = threaded_heap("heap-size=1m");
  enum { STEADY = 2, CHURN = 60 };
  pthread_t steady[STEADY];
  struct worker_args args[STEADY + 2];
  stop_allocating = 0;
  kn_mutator_deactivate(th.mut);
  for (unsigned i = 0; i < STEADY; i++) {
    args[i] = (struct worker_args){th.heap, i};
    CHECK(pthread_create(&steady[i], NULL, steady_allocator, &args[i]) == 0);
  }
  for (unsigned k = 0; k < CHURN; k += 2) {
    pthread_t pair[2];
    struct worker_args churn[2] = {{th.heap, 2 + k}, {th.heap, 3 + k}};
    for (int j = 0; j < 2; j++)
      CHECK(pthread_create(&pair[j], NULL, short_lived, &churn[j]) == 0);
    for (int j = 0; j < 2; j++)
      CHECK(pthread_join(pair[j], NULL) == 0);
  }
  __atomic_store_n(&stop_allocating, 1, __ATOMIC_RELAXED);
  for (int i = 0; i < STEADY; i++)
    CHECK(pthread_join(steady[i], NULL) == 0);
  kn_mutator_reactivate(th.mut);
  CHECKF(collections_now() >= 10, "only %llu collections", (unsigned long long)collections_now());
  test_heap_destroy(&th);
}

/* A small fixed heap shared by four allocating threads: each collection's
 * free blocks go to whoever asks first, and nobody may give up for that. */
static void *small_heap_worker(void *p) {
  struct worker_args *a = p;
  set_thread_index(a->index + 1);
  struct kn_mutator *mut = kn_mutator_attach(a->heap);
  CHECK(mut);
  void *slot = NULL;
  struct kn_frame frame;
  kn_frame_push(mut, &frame, &slot, 1);
  for (uint32_t i = 0; i < 1000; i++) { /* about 3 MB each */
    build_list(mut, &slot, i * 100, 100);
    check_list(slot, i * 100, 100);
  }
  kn_frame_pop(mut, &frame);
  kn_mutator_detach(mut);
  return NULL;
}

static void fixed_heap_shared_by_threads(void) {
  struct test_heap th = threaded_heap("heap-size=1m,heap-policy=fixed");
  pthread_t threads[WORKERS];
  struct worker_args args[WORKERS];
  kn_mutator_deactivate(th.mut);
  for (unsigned i = 0; i < WORKERS; i++) {
    args[i] = (struct worker_args){th.heap, i};
    CHECK(pthread_create(&threads[i], NULL, small_heap_worker, &args[i]) == 0);
  }
  for (int i = 0; i < WORKERS; i++)
    CHECK(pthread_join(threads[i], NULL) == 0);
  kn_mutator_reactivate(th.mut);
  CHECKF(collections_now() >= 10, "only %llu collections", (unsigned long long)collections_now());
  test_heap_destroy(&th);
}

/* ---- An inactive mutator does not hold collections up ------------------------ */

struct sleeper {
  struct kn_heap *heap;
  sem_t inactive, wake;
  void *slot;
  void *before;
};

static void *sleeping_mutator(void *p) {
  struct sleeper *s = p;
  struct kn_mutator *mut = kn_mutator_attach(s->heap);
  CHECK(mut);
  struct kn_frame frame;
  kn_frame_push(mut, &frame, &s->slot, 1);
  build_list(mut, &s->slot, 7000, 500);
  s->before = s->slot;
  kn_mutator_deactivate(mut);
  sem_post(&s->inactive);
  while (sem_wait(&s->wake)) /* blocked outside the heap */
    ;
  kn_mutator_reactivate(mut);
  check_list(s->slot, 7000, 500);
  kn_frame_pop(mut, &frame);
  kn_mutator_detach(mut);
  return NULL;
}

static void inactive_mutator_roots_are_updated(void) {
  alarm(60); /* a collection that waits for the sleeper would hang */
  struct test_heap th = threaded_heap(NULL);
  static struct sleeper s;
  CHECK(sem_init(&s.inactive, 0, 0) == 0 && sem_init(&s.wake, 0, 0) == 0);
  s.heap = th.heap;
  pthread_t thread;
  CHECK(pthread_create(&thread, NULL, sleeping_mutator, &s) == 0);
  kn_mutator_deactivate(th.mut); /* the sleeper may collect while we wait */
  while (sem_wait(&s.inactive))
    ;
  kn_mutator_reactivate(th.mut);
  kn_collect(th.mut, KN_COLLECT_MAJOR);
  kn_collect(th.mut, KN_COLLECT_MAJOR);
  CHECKF(s.slot != s.before, "the sleeper's frame root was not updated");
  sem_post(&s.wake);
  kn_mutator_deactivate(th.mut);
  CHECK(pthread_join(thread, NULL) == 0);
  kn_mutator_reactivate(th.mut);
  test_heap_destroy(&th);
}

/* ---- Racing evacuations keep one copy per object ----------------------------- */

/* A layered DAG: each node points to FANOUT random nodes of the layer
 * below, so every node has several parents and workers tracing different
 * parents race to evacuate it.  After each collection every node reached
 * must have one address, and its edges the model's targets. */
enum { LAYERS = 40, WIDTH = 500, FANOUT = 4 };

static uint32_t dag_edges[LAYERS * WIDTH][FANOUT];

static void check_dag(struct tnode *top) {
  void **address = calloc(LAYERS * WIDTH, sizeof *address);
  struct tnode **stack = malloc(LAYERS * WIDTH * sizeof *stack);
  CHECK(address && stack);
  size_t depth = 0, reached = 0;
  for (uint32_t j = 0; j < WIDTH; j++) {
    struct tnode *n = top->fields[j];
    CHECKF(n->id == j, "top slot %u holds node %u", j, n->id);
    if (!address[j]) {
      address[j] = n;
      stack[depth++] = n;
    }
  }
  while (depth) {
    struct tnode *n = stack[--depth];
    reached++;
    if (n->id / WIDTH == LAYERS - 1)
      continue;
    for (int f = 0; f < FANOUT; f++) {
      struct tnode *child = n->fields[f];
      uint32_t want = dag_edges[n->id][f];
      CHECKF(child && child->id == want, "node %u edge %d: expected %u", n->id, f, want);
      if (!address[want]) {
        address[want] = child;
        stack[depth++] = child;
      }
      CHECKF(address[want] == child, "node %u has two copies: %p and %p", want, address[want],
             (void *)child);
    }
  }
  CHECK(reached >= WIDTH);
  free(stack);
  free(address);
}

static void shared_dag_keeps_identity(void) {
  struct test_heap th = test_heap_create("parallelism=4,parallel-threshold=0");
  static void *below, *above;
  CHECK(kn_heap_add_root(th.heap, &below) && kn_heap_add_root(th.heap, &above));
  uint64_t rng = kn_test_seed();
  for (int layer = LAYERS - 1; layer >= 0; layer--) {
    above = test_node(th.mut, UINT32_MAX, WIDTH); /* holds the layer being built */
    for (uint32_t j = 0; j < WIDTH; j++) {
      uint32_t id = (uint32_t)layer * WIDTH + j;
      struct tnode *n = test_node(th.mut, id, layer == LAYERS - 1 ? 0 : FANOUT);
      for (uint32_t f = 0; f < n->nfields; f++) {
        uint32_t k = (uint32_t)(kn_test_random(&rng) % WIDTH);
        n->fields[f] = ((struct tnode *)below)->fields[k];
        dag_edges[id][f] = ((struct tnode *)n->fields[f])->id;
      }
      ((struct tnode *)above)->fields[j] = n;
    }
    below = above;
  }
  above = NULL;
  for (int c = 0; c < 3; c++) {
    kn_collect(th.mut, KN_COLLECT_MAJOR);
    check_dag(below);
  }
  test_heap_destroy(&th);
}

/* ---- The heap grows and gives blocks back ------------------------------------ */

static void heap_shrinks_after_garbage(void) {
  struct test_heap th = test_heap_create("heap-size=1m");
  static void *root;
  CHECK(kn_heap_add_root(th.heap, &root));
  build_list(th.mut, &root, 0, 200000); /* about 6 MB live */
  struct kn_stats big;
  kn_collect(th.mut, KN_COLLECT_MAJOR);
  kn_heap_get_stats(th.heap, &big);
  root = NULL;
  kn_collect(th.mut, KN_COLLECT_MAJOR);
  struct kn_stats small;
  kn_heap_get_stats(th.heap, &small);
  CHECKF(small.heap_bytes * 4 < big.heap_bytes, "heap %llu after dropping, %llu before",
         (unsigned long long)small.heap_bytes, (unsigned long long)big.heap_bytes);
  uint64_t paged_out = 0;
  for (unsigned i = 0; i < small.counter_count; i++)
    if (!strcmp(small.counters[i].name, "blocks-paged-out"))
      paged_out = small.counters[i].value;
  CHECKF(paged_out * 64 * 1024 >= big.heap_bytes / 4, "only %llu blocks paged out",
         (unsigned long long)paged_out);
  test_heap_destroy(&th);
}

/* ---- Small collections do not wake the helpers ------------------------------ */

static uint64_t stats_counter(const struct kn_stats *s, const char *name) {
  for (unsigned i = 0; i < s->counter_count; i++)
    if (!strcmp(s->counters[i].name, name))
      return s->counters[i].value;
  return UINT64_MAX;
}

/* Below parallel-threshold worker 0 traces alone: the helpers trace
 * nothing.  At 0 they may join (whether they get work is up to the
 * scheduler), and the list must come through intact either way. */
static void small_collections_trace_alone(void) {
  enum { LISTS = 256, LENGTH = 200 };
  const char *specs[] = {"parallelism=2,parallel-threshold=1g",
                         "parallelism=2,parallel-threshold=0"};
  for (int k = 0; k < 2; k++) {
    struct test_heap th = test_heap_create(specs[k]);
    static void *roots[LISTS]; /* many roots: work a helper could steal */
    for (uint32_t i = 0; i < LISTS; i++) {
      CHECK(kn_heap_add_root(th.heap, &roots[i]));
      build_list(th.mut, &roots[i], i * LENGTH, LENGTH);
    }
    for (int i = 0; i < 3; i++)
      kn_collect(th.mut, KN_COLLECT_MAJOR);
    for (uint32_t i = 0; i < LISTS; i++)
      check_list(roots[i], i * LENGTH, LENGTH);
    struct kn_stats s;
    kn_heap_get_stats(th.heap, &s);
    CHECKF(stats_counter(&s, "objects-traced") >= 3 * LISTS * LENGTH,
           "%s: %llu objects traced", specs[k],
           (unsigned long long)stats_counter(&s, "objects-traced"));
    if (k == 0)
      CHECKF(stats_counter(&s, "objects-traced-by-helpers") == 0,
             "%s: helpers traced %llu objects", specs[k],
             (unsigned long long)stats_counter(&s, "objects-traced-by-helpers"));
    for (uint32_t i = 0; i < LISTS; i++)
      kn_heap_remove_root(th.heap, &roots[i]);
    test_heap_destroy(&th);
  }
}

/* ---- A large object's edges are forwarded by several workers -------------- */

/* Two large arrays reach the same entries, in opposite orders, and every
 * entry reaches one shared node.  While a worker traces an array, it
 * hands batches of the array's edges to the idle worker, so both forward
 * entries of one array; an entry copied twice would leave the arrays
 * pointing at different copies. */
static void large_array_edges_are_shared(void) {
  enum { ENTRIES = 100000 };
  struct test_heap th = test_heap_create("parallelism=2,parallel-threshold=0");
  static void *forward, *backward, *shared;
  CHECK(kn_heap_add_root(th.heap, &forward) && kn_heap_add_root(th.heap, &backward) &&
        kn_heap_add_root(th.heap, &shared));
  shared = test_node(th.mut, UINT32_MAX, 0);
  forward = test_node(th.mut, 0, ENTRIES);
  backward = test_node(th.mut, 1, ENTRIES);
  for (uint32_t i = 0; i < ENTRIES; i++) {
    struct tnode *e = test_node(th.mut, i, 1);
    e->fields[0] = shared;
    test_set(th.mut, forward, i, e);
    test_set(th.mut, backward, ENTRIES - 1 - i, e);
  }
  for (int c = 0; c < 5; c++) {
    kn_collect(th.mut, KN_COLLECT_MAJOR);
    const struct tnode *f = forward, *b = backward;
    for (uint32_t i = 0; i < ENTRIES; i++) {
      const struct tnode *e = f->fields[i];
      CHECKF(e && e->id == i, "collection %d: forward entry %u lost", c, i);
      CHECKF(b->fields[ENTRIES - 1 - i] == e, "collection %d: entry %u copied twice", c, i);
      CHECKF(e->fields[0] == shared, "collection %d: entry %u lost the shared node", c, i);
    }
  }
  struct kn_stats s;
  kn_heap_get_stats(th.heap, &s);
  uint64_t shared_batches = stats_counter(&s, "edge-batches-shared");
  CHECKF(shared_batches != UINT64_MAX && shared_batches > 0,
         "no batch of the arrays' edges was handed over in 5 collections");
  test_heap_destroy(&th);
}

/* ---- A fixed heap too small for its survivors is exhausted, not exceeded --- */

/* The lists grow past half of a 4 MB fixed heap, which a copying
 * collector cannot hold: the heap must report exhaustion.  The collection
 * that finds the survivors too big may run over while evacuating them
 * (evacuation never fails for want of reserve), by a few blocks; carrying
 * on afterwards is the bug this catches: two GC threads with the default
 * parallel-threshold once went on in the workers' partial blocks, to 1.6
 * to 2.8 times the fixed size.  (Not every run showed it.) */
static bool exhausted_within_budget(struct kn_heap *heap, size_t request, void *data) {
  (void)request, (void)data;
  struct kn_stats s;
  kn_heap_get_stats(heap, &s);
  if (s.peak_heap_bytes > 5u << 20) {
    printf("# exhausted, but the peak heap was %llu bytes\n",
           (unsigned long long)s.peak_heap_bytes);
    fflush(stdout);
    _exit(1);
  }
  _exit(0); /* the case passes here */
}

static void fixed_heap_exhausted_not_exceeded(void) {
  struct test_heap th =
      test_heap_create("heap-size=4m,heap-policy=fixed,parallelism=2,stress=0,verify=0");
  kn_heap_set_oom_handler(th.heap, exhausted_within_budget, NULL);
  enum { LISTS = 64 }; /* many roots, so that both workers evacuate */
  static void *lists[LISTS];
  for (int k = 0; k < LISTS; k++)
    CHECK(kn_heap_add_root(th.heap, &lists[k]));
  for (uint32_t i = 0; i < 400000; i++) {
    struct tnode *n = test_node(th.mut, i, 2);
    n->fields[0] = lists[i % LISTS];
    lists[i % LISTS] = n;
  }
  CHECKF(false, "400,000 live nodes fit in a 4 MB fixed heap");
}

/* ---- A fixed heap's budget covers blocks, reserve and large objects ------- */

static void fixed_budget_holds(void) {
  struct test_heap th = test_heap_create("heap-size=4m,heap-policy=fixed");
  static void *roots[8];
  for (int i = 0; i < 8; i++) {
    CHECK(kn_heap_add_root(th.heap, &roots[i]));
    roots[i] = test_blob(th.mut, 200000, (unsigned)i); /* 1.6 MB of large objects */
  }
  static void *list;
  CHECK(kn_heap_add_root(th.heap, &list));
  for (uint32_t i = 0; i < 100000; i++) {
    struct tnode *n = test_node(th.mut, i, 2);
    if (i % 8 == 0) { /* about 100 kB stays live */
      n->fields[0] = list;
      list = n;
    }
    if (i % 10000 == 0)
      list = NULL;
  }
  struct kn_stats stats;
  kn_heap_get_stats(th.heap, &stats);
  CHECKF(stats.peak_heap_bytes <= 4u << 20, "peak %llu exceeds the 4 MB budget",
         (unsigned long long)stats.peak_heap_bytes);
  CHECK(stats.collections[KN_COLLECT_MAJOR] >= 2);
  for (int i = 0; i < 8; i++)
    CHECK(test_blob_intact(roots[i], 200000, (unsigned)i));
  test_heap_destroy(&th);
}

const struct kn_test_case kn_collector_cases[] = {
  {"pcc/fixed-budget-holds", fixed_budget_holds},
  {"pcc/threads-build-share-and-verify", threads_build_share_and_verify},
  {"pcc/attach-detach-while-allocating", attach_detach_while_allocating},
  {"pcc/fixed-heap-shared-by-threads", fixed_heap_shared_by_threads},
  {"pcc/inactive-mutator-roots-are-updated", inactive_mutator_roots_are_updated},
  {"pcc/shared-dag-keeps-identity", shared_dag_keeps_identity},
  {"pcc/heap-shrinks-after-garbage", heap_shrinks_after_garbage},
  {"pcc/small-collections-trace-alone", small_collections_trace_alone},
  {"pcc/fixed-heap-exhausted-not-exceeded", fixed_heap_exhausted_not_exceeded},
  {"pcc/large-array-edges-are-shared", large_array_edges_are_shared},
  {NULL, NULL},
};
