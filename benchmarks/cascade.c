/* The block-persistence cascade, shown with block-persist's own counters.
 *
 *   benchmarks/cascade [ITERATIONS [OPTIONS]]
 *
 * A JSON-roundtrip-shaped loop in C against the API: setup data (a table
 * of interned keys and the source text) is allocated first, then every
 * iteration "parses" a document of RECORDS records, "stringifies" it to a
 * string, and drops both.  The document is held only by locals (the
 * collector finds it on the stack).  Like a top-down parser, each object
 * is allocated before the objects it points to, and the records hang off a
 * chain of chunks, so pointers run forward in allocation order across
 * every block boundary inside an iteration.
 *
 * OPTIONS are kennel options (as KENNEL_OPTIONS), e.g.
 *   persistence=1,long-lived-blocks=0   Perry's behaviour: the cascade
 *   persistence=1,long-lived-blocks=1   fix A (the setup is hinted long-lived)
 *   persistence=0                       no persistence pass
 * One line per collection, then a summary line with the peak heap, the
 * peak RSS and the wall time (timings are noisy on a shared machine). */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include <kennel.h>

enum { TAG_NODE = 1, TAG_STRING = 2, KEYS = 8, RECORDS = 20000, CHUNK = 64 };

/* A node: `n` pointer fields (immediates allowed). */
struct node {
  uint32_t n;
  uint32_t pad;
  void *f[];
};

static void trace_node(void *obj, unsigned tag, struct kn_edges *edges, void *data) {
  (void)data;
  if (tag != TAG_NODE)
    return;
  struct node *x = obj;
  kn_edges_push_range(edges, x->f, x->n);
}

static struct node *node(struct kn_mutator *mut, uint32_t n, unsigned kind) {
  struct node *x = kn_allocate(mut, sizeof *x + n * sizeof(void *), KN_ALLOC_TRACED | kind,
                               TAG_NODE);
  x->n = n;
  return x;
}

static char *string(struct kn_mutator *mut, const char *s, size_t len, unsigned kind) {
  char *x = kn_allocate(mut, len + 1, KN_ALLOC_POINTERLESS | kind, TAG_STRING);
  memcpy(x, s, len);
  return x;
}

static void *fixnum(uintptr_t v) { return (void *)(v << 3 | 1); }

static uint64_t counter(const struct kn_collection_report *r, const char *name) {
  for (unsigned i = 0; i < r->counter_count; i++)
    if (!strcmp(r->counters[i].name, name))
      return r->counters[i].value;
  return 0;
}

static void on_collection(void *data, const struct kn_collection_report *r) {
  (void)data;
  printf("collection %llu: %llu objects reached, %llu kept by persistence, "
         "%llu -> %llu blocks, %llu rounds, heap %.1f MB\n",
         (unsigned long long)r->number, (unsigned long long)counter(r, "objects-reached"),
         (unsigned long long)counter(r, "objects-persisted"),
         (unsigned long long)counter(r, "blocks-live-before"),
         (unsigned long long)counter(r, "blocks-live-after"),
         (unsigned long long)counter(r, "persist-rounds"), r->heap_bytes / 1048576.0);
}

/* Setup: the interned keys, and the source text; hinted long-lived. */
static struct node *setup(struct kn_mutator *mut) {
  static const char *const names[KEYS] = {"id", "name", "tags", "pos", "x", "y", "kind", "ok"};
  struct node *keys = node(mut, KEYS, KN_ALLOC_LONG_LIVED);
  for (int k = 0; k < KEYS; k++)
    keys->f[k] = string(mut, names[k], strlen(names[k]), KN_ALLOC_LONG_LIVED);
  return keys;
}

/* record = {id, name, tags: [t, t, t], pos: {x, y}, key} */
static struct node *parse_record(struct kn_mutator *mut, struct node *keys, uint32_t i) {
  char text[32];
  struct node *record = node(mut, 5, 0);
  record->f[0] = fixnum(i);
  record->f[4] = keys->f[i % KEYS];
  int len = snprintf(text, sizeof text, "record-%u", i);
  record->f[1] = string(mut, text, (size_t)len, 0);
  struct node *tags = node(mut, 3, 0);
  record->f[2] = tags;
  for (int t = 0; t < 3; t++)
    tags->f[t] = string(mut, "tag", 3, 0);
  struct node *pos = node(mut, 2, 0);
  record->f[3] = pos;
  pos->f[0] = fixnum(i % 640);
  pos->f[1] = fixnum(i / 640);
  return record;
}

/* The document: a chain of chunks of CHUNK records; each chunk is
 * allocated before its records and its successor. */
__attribute__((noinline)) static struct node *parse(struct kn_mutator *mut, struct node *keys) {
  struct node *head = node(mut, CHUNK + 1, 0), *chunk = head;
  for (uint32_t i = 0; i < RECORDS; i++) {
    if (i && i % CHUNK == 0) {
      struct node *next = node(mut, CHUNK + 1, 0);
      chunk->f[CHUNK] = next;
      chunk = next;
    }
    chunk->f[i % CHUNK] = parse_record(mut, keys, i);
  }
  return head;
}

/* Writes the names back out: a fresh pointerless string of their bytes. */
__attribute__((noinline)) static size_t stringify(struct kn_mutator *mut, struct node *doc) {
  size_t bytes = 0;
  for (struct node *c = doc; c; c = c->f[CHUNK])
    for (int i = 0; i < CHUNK && c->f[i]; i++)
      bytes += strlen(((struct node *)c->f[i])->f[1]) + 1;
  char *out = kn_allocate(mut, bytes, KN_ALLOC_POINTERLESS, TAG_STRING);
  size_t at = 0;
  for (struct node *c = doc; c; c = c->f[CHUNK])
    for (int i = 0; i < CHUNK && c->f[i]; i++) {
      const char *name = ((struct node *)c->f[i])->f[1];
      size_t len = strlen(name);
      memcpy(out + at, name, len);
      out[at + len] = ',';
      at += len + 1;
    }
  return at;
}

static double now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

int main(int argc, char **argv) {
  long iterations = argc > 1 ? strtol(argv[1], NULL, 10) : 50;
  struct kn_options *opts = kn_options_create();
  if (iterations <= 0 || !kn_options_parse_env(opts, "KENNEL_OPTIONS") ||
      (argc > 2 && !kn_options_parse(opts, argv[2]))) {
    fprintf(stderr, "usage: cascade [ITERATIONS [OPTIONS]]: %s\n", kn_options_error(opts));
    return 2;
  }
  struct kn_embedder embedder = {.trace_object = trace_node};
  struct kn_heap *heap;
  struct kn_mutator *mut;
  if (!kn_heap_create(opts, &embedder, &heap, &mut)) {
    fprintf(stderr, "cascade: %s\n", kn_options_error(opts));
    return 1;
  }
  kn_options_destroy(opts);
  struct kn_event_listener listener = {.collection_end = on_collection};
  kn_heap_set_event_listener(heap, &listener);

  double start = now_ms();
  struct node *keys = setup(mut);
  size_t out = 0;
  for (long it = 0; it < iterations; it++) {
    struct node *doc = parse(mut, keys);
    out += stringify(mut, doc);
  }
  double ms = now_ms() - start;

  struct kn_stats stats;
  kn_heap_get_stats(heap, &stats);
  struct rusage ru;
  getrusage(RUSAGE_SELF, &ru);
  unsigned long long persisted = 0;
  for (unsigned i = 0; i < stats.counter_count; i++)
    if (!strcmp(stats.counters[i].name, "objects-persisted"))
      persisted = stats.counters[i].value;
  printf("summary: %ld iterations, %llu collections, %llu objects kept by persistence in "
         "total, peak heap %.1f MB, peak RSS %.1f MB, %.0f ms (%zu bytes written)\n",
         iterations, (unsigned long long)stats.collections[KN_COLLECT_MAJOR], persisted,
         stats.peak_heap_bytes / 1048576.0, ru.ru_maxrss / 1024.0, ms, out);
  kn_heap_destroy(heap);
  return 0;
}
