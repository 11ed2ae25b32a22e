/* block-persist only: conservative roots (interior pointers held in a
 * register or a local keep their object; integers that point into free
 * space keep nothing), the data-section option, fresh blocks after a
 * collection, and the cascade: with persistence, garbage that shares a
 * block with long-lived setup data drags every later block along; with
 * fix A (long-lived blocks) or without persistence the live block count
 * stays bounded.  Counts come from the per-collection counters; nothing
 * here measures time.  This file is also built at -O0
 * (tests/kntest-block-persist-O0), where locals live in stack slots. */

#include <string.h>

#include "test-embedder.h"

enum { MAX_SEEN = 256, BLOCK = 64 * 1024 };

/* What the listener saw, one entry per collection. */
struct seen_collection {
  uint64_t reached, persisted, blocks_before, blocks_after, rounds, units, ambiguous;
  uint64_t holes_reused, bytes_in_holes, live_bytes, heap_bytes;
};

static struct seen_collection seen[MAX_SEEN];
static unsigned seen_count;

static uint64_t counter(const struct kn_collection_report *r, const char *name) {
  for (unsigned i = 0; i < r->counter_count; i++)
    if (!strcmp(r->counters[i].name, name))
      return r->counters[i].value;
  kn_test_fail(__FILE__, __LINE__, "the report has no counter '%s'", name);
}

static void on_collection_end(void *data, const struct kn_collection_report *r) {
  (void)data;
  if (seen_count == MAX_SEEN)
    return;
  struct seen_collection *s = &seen[seen_count++];
  s->reached = counter(r, "objects-reached");
  s->persisted = counter(r, "objects-persisted");
  s->blocks_before = counter(r, "blocks-live-before");
  s->blocks_after = counter(r, "blocks-live-after");
  s->rounds = counter(r, "persist-rounds");
  s->units = counter(r, "units-persisted");
  s->ambiguous = counter(r, "ambiguous-roots");
  s->holes_reused = counter(r, "holes-reused");
  s->bytes_in_holes = counter(r, "bytes-in-holes");
  s->live_bytes = r->live_bytes;
  s->heap_bytes = r->heap_bytes;
}

static struct test_heap watched_heap(const char *spec) {
  struct test_heap th = test_heap_create(spec);
  static const struct kn_event_listener listener = {.collection_end = on_collection_end};
  kn_heap_set_event_listener(th.heap, &listener);
  seen_count = 0;
  return th;
}

static const struct seen_collection *collect_and_see(struct test_heap *th) {
  kn_collect(th->mut, KN_COLLECT_MAJOR);
  CHECK(seen_count > 0);
  return &seen[seen_count - 1];
}

/* Allocates and drops enough to recycle every block a collection freed:
 * a freed object's memory would be overwritten. */
__attribute__((noinline)) static void churn(struct kn_mutator *mut) {
  for (uint32_t round = 0; round < 4; round++) {
    for (uint32_t i = 0; i < 20000; i++)
      test_node(mut, 0xdead, 3);
    kn_collect(mut, KN_COLLECT_MAJOR);
  }
}

/* A node with a child only it references; returns a pointer 20 bytes into
 * it (into its fields), hidden from the compiler so that no copy of the
 * object's own address needs to survive. */
__attribute__((noinline)) static char *make_object_return_interior(struct kn_mutator *mut) {
  struct tnode *n = test_node(mut, 4242, 4);
  struct tnode *child = test_node(mut, 4343, 0);
  test_set(mut, n, 2, child);
  char *interior = (char *)n + 20;
  __asm__ volatile("" : "+r"(interior));
  return interior;
}

static void check_object_at_interior(char *interior) {
  struct tnode *n = (struct tnode *)(interior - 20);
  CHECKF(n->id == 4242 && n->nfields == 4, "the object was freed: id %u", n->id);
  CHECK(kn_object_tag(n) == TAG_NODE);
  struct tnode *child = n->fields[2];
  CHECKF(child && child->id == 4343, "its child was freed");
}

static void interior_pointer_in_local_survives(void) {
  struct test_heap th = watched_heap("block-size=64k");
  test_scrub_stack();
  /* volatile: the pointer lives in this frame's stack slot. */
  char *volatile interior = make_object_return_interior(th.mut);
  test_scrub_stack(); /* no stale copy of the object's own address */
  const struct seen_collection *s = collect_and_see(&th);
  CHECKF(s->ambiguous >= 1 && s->reached >= 2, "ambiguous %llu, reached %llu",
         (unsigned long long)s->ambiguous, (unsigned long long)s->reached);
  churn(th.mut);
  check_object_at_interior(interior);
  test_heap_destroy(&th);
}

static void interior_pointer_in_register_survives(void) {
  struct test_heap th = watched_heap("block-size=64k");
  test_scrub_stack();
#if defined(__x86_64__) && defined(__OPTIMIZE__)
  /* A callee-saved register: the collector must spill it to see it. */
  register char *held __asm__("r12") = make_object_return_interior(th.mut);
#else
  char *held = make_object_return_interior(th.mut);
#endif
  __asm__ volatile("" : "+r"(held));
  test_scrub_stack(); /* no stale copy of the object's own address */
  churn(th.mut);
  __asm__ volatile("" : "+r"(held));
  check_object_at_interior(held);
  test_heap_destroy(&th);
}

/* Runs fn(mut) 4 kB below this frame: the frames that held the object's
 * address then lie below any frame the next collection's scan covers,
 * where kn_collect clears the stack.  test_scrub_stack alone is not
 * enough at -O0, where a frame keeps unwritten padding slots. */
__attribute__((noinline)) static uintptr_t call_deep(uintptr_t (*fn)(struct kn_mutator *),
                                                     struct kn_mutator *mut) {
  char pad[4096];
  __asm__ volatile("" : : "r"(pad) : "memory"); /* the frame must really be this big */
  return fn(mut);
}

/* Allocates garbage; returns the address of one of its objects, disguised
 * so that it does not look like a pointer while the garbage is collected. */
enum { DISGUISE = 0x5a5a5a5a5a5a5a5a };
__attribute__((noinline)) static uintptr_t make_garbage_return_disguised(struct kn_mutator *mut) {
  uintptr_t middle = 0;
  for (uint32_t i = 0; i < 1000; i++) {
    struct tnode *n = test_node(mut, i, 2);
    if (i == 500)
      middle = (uintptr_t)n;
  }
  return (middle + 8) ^ DISGUISE;
}

static void integer_into_free_space_keeps_nothing(void) {
  struct test_heap th = watched_heap("block-size=64k");
  test_scrub_stack();
  volatile uintptr_t disguised = call_deep(make_garbage_return_disguised, th.mut);
  test_scrub_stack(); /* its dead frame held the garbage's addresses */
  const struct seen_collection *s = collect_and_see(&th);
  CHECKF(s->blocks_after == 0, "garbage kept %llu blocks", (unsigned long long)s->blocks_after);
  /* Now an integer with the value of an address in that freed memory, and
   * one in a block of the arena that was never used. */
  volatile uintptr_t fake = disguised ^ DISGUISE;
  volatile uintptr_t far = fake + 10 * BLOCK;
  s = collect_and_see(&th);
  CHECKF(s->ambiguous == 0 && s->reached == 0 && s->blocks_after == 0,
         "a word into free space kept something: %llu ambiguous roots, %llu objects, %llu "
         "blocks",
         (unsigned long long)s->ambiguous, (unsigned long long)s->reached,
         (unsigned long long)s->blocks_after);
  /* The control: the same kind of integer into an allocated object keeps it. */
  struct tnode *n = test_node(th.mut, 7, 0);
  volatile uintptr_t real = (uintptr_t)n + 4;
  n = NULL;
  s = collect_and_see(&th);
  CHECKF(s->ambiguous >= 1 && s->blocks_after == 1, "%llu ambiguous roots, %llu blocks",
         (unsigned long long)s->ambiguous, (unsigned long long)s->blocks_after);
  CHECK(((struct tnode *)(real - 4))->id == 7);
  (void)far;
  test_heap_destroy(&th);
}

static char *data_section_reference;

static uintptr_t make_object_into_global(struct kn_mutator *mut) {
  data_section_reference = make_object_return_interior(mut);
  return 0;
}

static void data_sections_scanned_on_request(void) {
  static const char *const specs[2] = {"block-size=64k,scan-data-sections=0",
                                       "block-size=64k,scan-data-sections=1"};
  for (int on = 0; on < 2; on++) {
    struct test_heap th = watched_heap(specs[on]);
    test_scrub_stack();
    call_deep(make_object_into_global, th.mut); /* the only reference is the global */
    test_scrub_stack();
    const struct seen_collection *s = collect_and_see(&th);
    CHECKF(s->blocks_after == (uint64_t)on, "scan-data-sections=%d: %llu live blocks", on,
           (unsigned long long)s->blocks_after);
    if (on) {
      churn(th.mut);
      check_object_at_interior(data_section_reference);
    }
    data_section_reference = NULL;
    test_heap_destroy(&th);
  }
}

static void fresh_block_after_collection(void) {
  static void *root;
  static const char *const specs[2] = {"block-size=64k,fresh-block-after-gc=0",
                                       "block-size=64k,fresh-block-after-gc=1"};
  for (int on = 0; on < 2; on++) {
    struct test_heap th = test_heap_create(specs[on]);
    CHECK(kn_heap_add_root(th.heap, &root));
    root = test_node(th.mut, 1, 0);
    kn_collect(th.mut, KN_COLLECT_MAJOR);
    struct tnode *fresh = test_node(th.mut, 2, 0);
    bool same_block = (uintptr_t)fresh / BLOCK == (uintptr_t)root / BLOCK;
    CHECKF(same_block == !on, "fresh-block-after-gc=%d: fresh data %s the survivor's block",
           on, same_block ? "shares" : "does not share");
    root = NULL;
    test_heap_destroy(&th);
  }
}

/* ---- Holes ------------------------------------------------------------------ */

/* Holes are reused in blocks that keep some objects but not all: with
 * persistence off (or in blocks persistence does not reach).  With it on,
 * a block the roots reach is kept whole and has no holes. */
#define HOLES_SPEC "block-size=64k,persistence=0"

enum { ANCHOR_AT = 1000, FILL = 1800 };

static void *anchor;   /* the one live object of the first block */

static bool in_block_of(const void *p, const void *q) {
  return (uintptr_t)p / BLOCK == (uintptr_t)q / BLOCK;
}

static uint64_t heap_bytes_now(struct test_heap *th) {
  struct kn_stats st;
  kn_heap_get_stats(th->heap, &st);
  return st.heap_bytes;
}

/* Fills most of the first block with garbage around one anchored node.
 * Run deep (call_deep), so that no stale word keeps the garbage. */
static uintptr_t fill_block_around_anchor(struct kn_mutator *mut) {
  for (uint32_t i = 0; i < FILL; i++) {
    struct tnode *n = test_node(mut, i, 2);
    if (i == ANCHOR_AT)
      anchor = n;
  }
  return 0;
}

static struct test_heap heap_with_holes(void) {
  struct test_heap th = watched_heap(HOLES_SPEC);
  CHECK(kn_heap_add_root(th.heap, &anchor));
  test_scrub_stack();
  call_deep(fill_block_around_anchor, th.mut);
  test_scrub_stack();
  const struct seen_collection *s = collect_and_see(&th);
  CHECKF(s->blocks_after == 1, "%llu blocks kept", (unsigned long long)s->blocks_after);
  CHECKF(s->live_bytes < 1024, "%llu bytes live around the anchor",
         (unsigned long long)s->live_bytes);
  return th;
}

static void holes_of_kept_block_reused(void) {
  struct test_heap th = heap_with_holes();
  uint64_t footprint = heap_bytes_now(&th);
  /* Fewer bytes than the garbage the anchor's block lost. */
  for (uint32_t i = 0; i < FILL / 2; i++) {
    struct tnode *n = test_node(th.mut, i, 2);
    CHECKF(in_block_of(n, anchor), "allocation %u at %p, outside the anchor's block %p", i,
           (void *)n, anchor);
  }
  CHECKF(heap_bytes_now(&th) <= footprint, "the footprint grew from %llu to %llu bytes",
         (unsigned long long)footprint, (unsigned long long)heap_bytes_now(&th));
  CHECK(((struct tnode *)anchor)->id == ANCHOR_AT);
  const struct seen_collection *s = collect_and_see(&th);
  CHECKF(s->holes_reused >= 1 && s->bytes_in_holes >= FILL / 2 * 32,
         "%llu holes reused, %llu bytes in them", (unsigned long long)s->holes_reused,
         (unsigned long long)s->bytes_in_holes);
  anchor = NULL;
  test_heap_destroy(&th);
}

static void *kept_in_hole;       /* a hole-allocated node with a child */
static void *dropped_in_hole;    /* a hole-allocated node, dropped later */

/* Allocates into the holes: a node with a child (kept by a root), a node
 * held only by the interior pointer returned, and one dropped later. */
static char *allocate_into_holes(struct kn_mutator *mut) {
  struct tnode *parent = test_node(mut, 77, 1);
  kept_in_hole = parent;
  test_set(mut, parent, 0, test_node(mut, 78, 0));
  dropped_in_hole = test_node(mut, 79, 0);
  return make_object_return_interior(mut);
}

static uintptr_t allocate_into_holes_deep(struct kn_mutator *mut) {
  return (uintptr_t)allocate_into_holes(mut) ^ DISGUISE;
}

static void hole_objects_live_and_die(void) {
  struct test_heap th = heap_with_holes();
  CHECK(kn_heap_add_root(th.heap, &kept_in_hole));
  CHECK(kn_heap_add_root(th.heap, &dropped_in_hole));
  test_scrub_stack();
  char *volatile interior = (char *)(call_deep(allocate_into_holes_deep, th.mut) ^ DISGUISE);
  test_scrub_stack();
  struct tnode *parent = kept_in_hole, *dropped = dropped_in_hole;
  CHECK(in_block_of(parent, anchor) && in_block_of(dropped, anchor) &&
        in_block_of(interior, anchor));
  const struct seen_collection *s = collect_and_see(&th);
  uint64_t live_with_dropped = s->live_bytes;
  /* The dropped node goes; its address is kept disguised. */
  volatile uintptr_t dropped_word = (uintptr_t)dropped ^ DISGUISE;
  dropped = NULL;
  dropped_in_hole = NULL;
  test_scrub_stack();
  s = collect_and_see(&th);
  uint64_t live_after_drop = s->live_bytes;
  CHECKF(live_after_drop + 16 <= live_with_dropped,
         "the dropped node was kept: %llu live bytes, then %llu",
         (unsigned long long)live_with_dropped, (unsigned long long)live_after_drop);
  /* No allocation since: its memory is a hole, and a word into it keeps
   * nothing (the live bytes do not change when the word is on the stack). */
  volatile uintptr_t into_hole = (dropped_word ^ DISGUISE) + 8;
  s = collect_and_see(&th);
  CHECKF(s->live_bytes == live_after_drop, "a word into a hole kept %lld bytes",
         (long long)(s->live_bytes - live_after_drop));
  (void)into_hole;
  /* What is reachable survives churn that refills the holes. */
  churn(th.mut);
  parent = kept_in_hole;
  CHECK(parent->id == 77 && ((struct tnode *)parent->fields[0])->id == 78);
  check_object_at_interior(interior);
  kept_in_hole = anchor = NULL;
  test_heap_destroy(&th);
}

/* Every KEEP_EVERY-th node lives to the end, two or three per 64 kB block:
 * each block keeps a survivor, so a heap that reclaims whole blocks only
 * needs as many blocks as the run allocates (about 75, 4.8 MB, in a 1 MB
 * heap: at least 3 collections). */
enum { CHURN_NODES = 200000, KEEP_EVERY = 1000, KEPT = CHURN_NODES / KEEP_EVERY };
static void *kept[KEPT];

static void churn_in_fixed_heap_completes(void) {
  struct test_heap th = watched_heap(HOLES_SPEC ",heap-policy=fixed,heap-size=1m");
  for (uint32_t i = 0; i < KEPT; i++)
    CHECK(kn_heap_add_root(th.heap, &kept[i]));
  for (uint32_t i = 0; i < CHURN_NODES; i++) {
    struct tnode *n = test_node(th.mut, i, 1);
    if (i % KEEP_EVERY == 0)
      kept[i / KEEP_EVERY] = n;
  }
  for (uint32_t i = 0; i < KEPT; i++)
    CHECK(((struct tnode *)kept[i])->id == i * KEEP_EVERY);
  struct kn_stats st;
  kn_heap_get_stats(th.heap, &st);
  CHECKF(st.collections[KN_COLLECT_MAJOR] >= 3, "%llu collections",
         (unsigned long long)st.collections[KN_COLLECT_MAJOR]);
  CHECKF(st.peak_heap_bytes <= 1024 * 1024, "peak footprint %llu",
         (unsigned long long)st.peak_heap_bytes);
  uint64_t reused = 0;
  for (unsigned i = 0; i < seen_count; i++)
    reused += seen[i].holes_reused;
  CHECKF(reused > 0, "no hole was reused in %u collections", seen_count);
  memset(kept, 0, sizeof kept);
  test_heap_destroy(&th);
}

/* ---- The cascade ----------------------------------------------------------- */

enum { KEYS = 64, BLOB = 1500, ITERATIONS = 100, COLLECT_EVERY = 5 };

static void *symbols;   /* setup: a table of KEYS interned keys */
static void *document;  /* the current iteration's document */

static void build_setup(struct kn_mutator *mut, unsigned kind) {
  struct tnode *table = kn_allocate(mut, sizeof(struct tnode) + KEYS * sizeof(void *),
                                    KN_ALLOC_TRACED | kind, TAG_NODE);
  table->id = 1;
  table->nfields = KEYS;
  symbols = table;
  for (uint32_t k = 0; k < KEYS; k++) {
    struct tnode *key = kn_allocate(mut, sizeof(struct tnode), KN_ALLOC_TRACED | kind, TAG_NODE);
    key->id = 1000 + k;
    table = symbols;
    test_set(mut, table, k, key);
  }
}

/* One iteration's data, JSON-parse style: the document is allocated first
 * and filled with fresh records after, so pointers run from older objects
 * to newer ones, across whatever block boundary lies between them.  An
 * iteration (about 100 kB) is bigger than a block (64 kB), as the seed's
 * parsed documents are bigger than its 8 MB blocks: block boundaries fall
 * inside iterations, and each is crossed by a document's pointers. */
__attribute__((noinline)) static void build_document(struct kn_mutator *mut, uint32_t iteration) {
  document = test_node(mut, iteration, KEYS);
  for (uint32_t k = 0; k < KEYS; k++) {
    struct tnode *record = test_node(mut, iteration, 2);
    test_set(mut, record, 0, ((struct tnode *)symbols)->fields[k]);
    test_set(mut, record, 1, test_blob(mut, BLOB, k));
    test_set(mut, document, k, record);
  }
}

/* The same data built bottom-up, as a parser that allocates a container
 * after its elements: pointers run from newer objects to older ones.  The
 * document being built then shares its first block with the previous
 * iteration's dead tail, whose pointers lead back into the iteration
 * before, and so on: the anchor is the live document itself, which no
 * long-lived block removes. */
__attribute__((noinline)) static void build_document_bottom_up(struct kn_mutator *mut,
                                                               uint32_t iteration) {
  static void *records[KEYS];
  struct kn_frame frame;
  kn_frame_push(mut, &frame, records, KEYS);
  for (uint32_t k = 0; k < KEYS; k++) {
    void *blob = test_blob(mut, BLOB, k);
    struct tnode *record = test_node(mut, iteration, 2);
    test_set(mut, record, 0, ((struct tnode *)symbols)->fields[k]);
    test_set(mut, record, 1, blob);
    records[k] = record;
  }
  document = test_node(mut, iteration, KEYS);
  for (uint32_t k = 0; k < KEYS; k++)
    test_set(mut, document, k, records[k]);
  kn_frame_pop(mut, &frame);
  memset(records, 0, sizeof records);
}

struct cascade_result {
  uint64_t first_blocks, last_blocks, max_blocks, last_persisted, max_rounds;
};

static struct cascade_result run_cascade_with(const char *spec, unsigned setup_kind,
                                              void (*build)(struct kn_mutator *, uint32_t)) {
  struct test_heap th = watched_heap(spec);
  CHECK(kn_heap_add_root(th.heap, &symbols));
  CHECK(kn_heap_add_root(th.heap, &document));
  build_setup(th.mut, setup_kind);
  for (uint32_t i = 0; i < ITERATIONS; i++) {
    build(th.mut, i);
    if (i % COLLECT_EVERY == COLLECT_EVERY - 1)
      kn_collect(th.mut, KN_COLLECT_MAJOR);
  }
  /* Whatever was kept, what is reachable is intact. */
  struct tnode *doc = document;
  CHECK(doc->id == ITERATIONS - 1);
  for (uint32_t k = 0; k < KEYS; k++) {
    struct tnode *record = doc->fields[k];
    CHECK(((struct tnode *)record->fields[0])->id == 1000 + k);
    CHECK(test_blob_intact(record->fields[1], BLOB, k));
  }
  CHECK(seen_count == ITERATIONS / COLLECT_EVERY);
  struct cascade_result r = {.first_blocks = seen[0].blocks_after,
                             .last_blocks = seen[seen_count - 1].blocks_after,
                             .last_persisted = seen[seen_count - 1].persisted};
  for (unsigned i = 0; i < seen_count; i++) {
    if (seen[i].blocks_after > r.max_blocks)
      r.max_blocks = seen[i].blocks_after;
    if (seen[i].rounds > r.max_rounds)
      r.max_rounds = seen[i].rounds;
  }
  symbols = document = NULL;
  test_heap_destroy(&th);
  return r;
}

static struct cascade_result run_cascade(const char *spec, unsigned setup_kind) {
  return run_cascade_with(spec, setup_kind, build_document);
}

/* About 100 kB per iteration in 64 kB blocks: 100 iterations fill ~150
 * blocks, 20 collections.  Perry's pass unless a case asks for fix B; the
 * blocks are the units, and persistence starts from every marked object
 * (fixes C and D off). */
#define CASCADE_SPEC "block-size=64k,heap-size=64m,persist-seeds=reached,persist-reached-only=0"

static void cascade_with_persistence(void) {
  struct cascade_result r = run_cascade(CASCADE_SPEC ",persistence=1,long-lived-blocks=1",
                                        KN_ALLOC_TRACED);
  CHECKF(r.last_blocks >= 100 && r.last_blocks >= 10 * r.first_blocks,
         "no cascade: live blocks %llu at the first collection, %llu at the last",
         (unsigned long long)r.first_blocks, (unsigned long long)r.last_blocks);
  CHECKF(r.last_persisted > 100 * KEYS, "only %llu objects kept by persistence",
         (unsigned long long)r.last_persisted);
  /* Allocation recycles the free tails of kept blocks before it takes an
   * empty block, so blocks are no longer filled in address order and one
   * round may persist several of them: fewer rounds than blocks, but many. */
  CHECKF(r.max_rounds >= 10, "the fixed point took at most %llu rounds",
         (unsigned long long)r.max_rounds);
}

static void fix_a_bounds_live_blocks(void) {
  struct cascade_result r = run_cascade(CASCADE_SPEC ",persistence=1,long-lived-blocks=1",
                                        KN_ALLOC_LONG_LIVED);
  CHECKF(r.max_blocks <= 5, "with long-lived blocks, %llu blocks were live",
         (unsigned long long)r.max_blocks);
}

static void no_persistence_bounds_live_blocks(void) {
  struct cascade_result r = run_cascade(CASCADE_SPEC ",persistence=0", KN_ALLOC_TRACED);
  CHECKF(r.max_blocks <= 5 && r.last_persisted == 0, "%llu blocks, %llu persisted",
         (unsigned long long)r.max_blocks, (unsigned long long)r.last_persisted);
}

/* Without fix A's blocks, the long-lived hint changes nothing. */
static void long_lived_hint_needs_its_blocks(void) {
  struct cascade_result r = run_cascade(CASCADE_SPEC ",persistence=1,long-lived-blocks=0",
                                        KN_ALLOC_LONG_LIVED);
  CHECKF(r.last_blocks >= 100, "live blocks %llu", (unsigned long long)r.last_blocks);
}

/* Built bottom-up, the cascade runs backwards from the live document:
 * fix A, given the setup data, does not stop it... */
static void backward_cascade_defeats_fix_a(void) {
  struct cascade_result r = run_cascade_with(CASCADE_SPEC ",long-lived-blocks=1",
                                             KN_ALLOC_LONG_LIVED, build_document_bottom_up);
  CHECKF(r.last_blocks >= 20 && r.max_rounds >= 10,
         "no backward cascade: %llu live blocks at the last collection, %llu rounds at most",
         (unsigned long long)r.last_blocks, (unsigned long long)r.max_rounds);
}

/* ...and fix B does: one round, over the blocks the roots reach. */
static void fix_b_stops_the_backward_cascade(void) {
  struct cascade_result r =
      run_cascade_with("block-size=64k,heap-size=64m,persist-seeds=reached,persist-reached-only=1,long-lived-blocks=1",
                       KN_ALLOC_LONG_LIVED, build_document_bottom_up);
  CHECKF(r.max_rounds == 1 && r.max_blocks <= 8,
         "with fix B: %llu rounds, %llu live blocks at most", (unsigned long long)r.max_rounds,
         (unsigned long long)r.max_blocks);
}

/* Fix B alone, without fix A's blocks, stops the forward cascade too. */
static void fix_b_stops_the_forward_cascade(void) {
  struct cascade_result r =
      run_cascade("block-size=64k,heap-size=64m,persist-seeds=reached,persist-reached-only=1,long-lived-blocks=0",
                  KN_ALLOC_TRACED);
  CHECKF(r.max_rounds == 1 && r.max_blocks <= 8,
         "with fix B: %llu rounds, %llu live blocks at most", (unsigned long long)r.max_rounds,
         (unsigned long long)r.max_blocks);
}

/* Fixes C and D on one 1 MB block: garbage, one object kept by a precise
 * root or only by a stack slot, then garbage again. */
enum { GARBAGE_NODES = 4000, UNIT = 16 * 1024 };
#define UNITS_SPEC "block-size=1m,persist-unit=16k"

static void *kept_root;

__attribute__((noinline)) static void drop_nodes(struct kn_mutator *mut, uint32_t n) {
  for (uint32_t i = 0; i < n; i++)
    test_node(mut, 0xdead, 6);
}

__attribute__((noinline)) static void *kept_amid_garbage(struct kn_mutator *mut) {
  drop_nodes(mut, GARBAGE_NODES);
  void *obj = test_node(mut, 77, 6);
  drop_nodes(mut, GARBAGE_NODES);
  return obj;
}

static struct seen_collection kept_by_precise_root(const char *spec) {
  struct test_heap th = watched_heap(spec);
  CHECK(kn_heap_add_root(th.heap, &kept_root));
  test_scrub_stack();
  kept_root = kept_amid_garbage(th.mut);
  test_scrub_stack(); /* no stale copies of the garbage's addresses */
  struct seen_collection s = *collect_and_see(&th);
  CHECK(((struct tnode *)kept_root)->id == 77);
  kept_root = NULL;
  test_heap_destroy(&th);
  return s;
}

/* The most objects two units can hold: the kept object may straddle two. */
static uint64_t two_units_of_objects(void) { return 2 * UNIT / KN_GRANULE; }

/* Fix C: persistence keeps the unit around a reached object, not the
 * whole block. */
static void fix_c_keeps_a_unit_not_the_block(void) {
  struct seen_collection block =
      kept_by_precise_root("block-size=1m,persist-unit=0,persist-seeds=reached");
  struct seen_collection unit = kept_by_precise_root(UNITS_SPEC ",persist-seeds=reached");
  CHECKF(block.units == 1 && block.persisted >= 2 * GARBAGE_NODES,
         "whole block: %llu units, %llu objects persisted", (unsigned long long)block.units,
         (unsigned long long)block.persisted);
  CHECKF(unit.units >= 1 && unit.persisted > 0 && unit.persisted <= two_units_of_objects(),
         "16 kB units: %llu units, %llu objects persisted", (unsigned long long)unit.units,
         (unsigned long long)unit.persisted);
}

/* Fix D: an object a precise root holds is exact; its neighbours are not
 * kept... */
static void fix_d_keeps_nothing_around_precise_roots(void) {
  struct seen_collection s = kept_by_precise_root(UNITS_SPEC);
  CHECKF(s.reached >= 1 && s.units == 0 && s.persisted == 0,
         "%llu reached, %llu units and %llu objects persisted", (unsigned long long)s.reached,
         (unsigned long long)s.units, (unsigned long long)s.persisted);
}

/* ...while one a stack slot designates keeps its unit. */
static void fix_d_keeps_the_unit_of_a_stack_reference(void) {
  struct test_heap th = watched_heap(UNITS_SPEC);
  test_scrub_stack();
  void *volatile held = kept_amid_garbage(th.mut);
  test_scrub_stack();
  const struct seen_collection *s = collect_and_see(&th);
  CHECKF(s->ambiguous >= 1 && s->units >= 1 && s->persisted > 0 &&
             s->persisted <= two_units_of_objects(),
         "%llu ambiguous roots, %llu units and %llu objects persisted",
         (unsigned long long)s->ambiguous, (unsigned long long)s->units,
         (unsigned long long)s->persisted);
  CHECK(((struct tnode *)held)->id == 77);
  test_heap_destroy(&th);
}

static void trace_nothing(void *obj, unsigned tag, struct kn_edges *edges, void *data) {
  (void)obj, (void)tag, (void)edges, (void)data;
}

static void refused_option(const char *spec, const char *why) {
  struct kn_options *opts = kn_test_options(spec);
  struct kn_embedder embedder = {.trace_object = trace_nothing};
  struct kn_heap *heap;
  struct kn_mutator *mut;
  CHECKF(!kn_heap_create(opts, &embedder, &heap, &mut), "%s was accepted", spec);
  CHECKF(strstr(kn_options_error(opts), why), "%s: %s", spec, kn_options_error(opts));
  kn_options_destroy(opts);
}

static void persist_unit_must_be_power_of_two(void) {
  refused_option("persist-unit=3000", "power of two");
  refused_option("persist-unit=256", "at least 512");
}

static void block_size_must_be_power_of_two(void) {
  refused_option("block-size=96k", "power of two");
}

const struct kn_test_case kn_collector_cases[] = {
  {"block-persist/interior-pointer-in-local-survives", interior_pointer_in_local_survives},
  {"block-persist/interior-pointer-in-register-survives",
   interior_pointer_in_register_survives},
  {"block-persist/integer-into-free-space-keeps-nothing",
   integer_into_free_space_keeps_nothing},
  {"block-persist/data-sections-scanned-on-request", data_sections_scanned_on_request},
  {"block-persist/fresh-block-after-collection", fresh_block_after_collection},
  {"block-persist/holes-of-kept-block-reused", holes_of_kept_block_reused},
  {"block-persist/hole-objects-live-and-die", hole_objects_live_and_die},
  {"block-persist/churn-in-fixed-heap-completes", churn_in_fixed_heap_completes},
  {"block-persist/cascade-with-persistence", cascade_with_persistence},
  {"block-persist/fix-a-bounds-live-blocks", fix_a_bounds_live_blocks},
  {"block-persist/no-persistence-bounds-live-blocks", no_persistence_bounds_live_blocks},
  {"block-persist/long-lived-hint-needs-its-blocks", long_lived_hint_needs_its_blocks},
  {"block-persist/backward-cascade-defeats-fix-a", backward_cascade_defeats_fix_a},
  {"block-persist/fix-b-stops-the-backward-cascade", fix_b_stops_the_backward_cascade},
  {"block-persist/fix-b-stops-the-forward-cascade", fix_b_stops_the_forward_cascade},
  {"block-persist/fix-c-keeps-a-unit-not-the-block", fix_c_keeps_a_unit_not_the_block},
  {"block-persist/fix-d-keeps-nothing-around-precise-roots",
   fix_d_keeps_nothing_around_precise_roots},
  {"block-persist/fix-d-keeps-the-unit-of-a-stack-reference",
   fix_d_keeps_the_unit_of_a_stack_reference},
  {"block-persist/persist-unit-must-be-power-of-two", persist_unit_must_be_power_of_two},
  {"block-persist/block-size-must-be-power-of-two", block_size_must_be_power_of_two},
  {NULL, NULL},
};
