/* The benchmark runtime over kennel's public API: heap creation from a
 * fixed size and option string, the tracer for the workloads' object
 * model (see bench-runtime.h), pause recording through the event listener. */

#include <stdlib.h>
#include <string.h>

#include "bench-runtime.h"
#include "bench-util.h"

static void trace_object(void *obj, unsigned tag, struct kn_edges *edges, void *data) {
  (void)data;
  void **slots = obj;
  if (tag == BENCH_TAG_VEC)
    kn_edges_push_range(edges, slots + 1, bench_meta_count((uintptr_t)slots[0]));
  else if (tag <= BENCH_MAX_FIXED)
    kn_edges_push_range(edges, slots, tag);
  else
    kn_misuse("benchmark object with an unknown tag");
}

/* The listener's state.  One heap per process, and the Boehm adapter's
 * event callback has no data pointer, so both keep the pause log in
 * bench-util.c. */
static uint64_t pause_started_ns;
static bool print_reports;     /* --gc-report */

/* The largest value of each collector-specific per-collection counter
 * (block-persist's blocks-live-after, say): the totals in kn_stats only
 * sum them, and a cascade shows as a peak. */
static struct {
  char name[40];
  uint64_t max;
} counter_peaks[KN_MAX_COUNTERS];
static unsigned counter_peak_count;

static void record_counter_peak(const struct kn_counter *c) {
  unsigned i = 0;
  while (i < counter_peak_count && strcmp(counter_peaks[i].name, c->name))
    i++;
  if (i == counter_peak_count) {
    if (i == KN_MAX_COUNTERS || strlen(c->name) >= sizeof counter_peaks[i].name)
      return;
    strcpy(counter_peaks[i].name, c->name);
    counter_peaks[i].max = c->value;
    counter_peak_count++;
  } else if (c->value > counter_peaks[i].max) {
    counter_peaks[i].max = c->value;
  }
}

static void collection_start(void *data, enum kn_collection_kind kind) {
  (void)data, (void)kind;
  pause_started_ns = bench_now_ns();
}

/* One line per collection: its number, live and heap MiB, its counters. */
static void print_report(const struct kn_collection_report *r) {
  fprintf(stderr, "collection %llu: live %.1f MiB, heap %.1f MiB", (unsigned long long)r->number,
          r->live_bytes / 1048576.0, r->heap_bytes / 1048576.0);
  for (unsigned i = 0; i < r->counter_count; i++)
    fprintf(stderr, ", %s %llu", r->counters[i].name, (unsigned long long)r->counters[i].value);
  fputc('\n', stderr);
}

static void collection_end(void *data, const struct kn_collection_report *report) {
  (void)data;
  bench_record_pause(pause_started_ns, report->pause_ns);
  for (unsigned i = 0; i < report->counter_count; i++)
    record_counter_peak(&report->counters[i]);
  if (print_reports)
    print_report(report);
}

static bool heap_exhausted(struct kn_heap *heap, size_t request, void *data) {
  (void)heap, (void)data;
  bench_exit_exhausted(request);
}

bench_mut *bench_heap_create(const struct bench_config *cfg) {
  struct kn_options *opts = kn_options_create();
  if (!opts)
    bench_fatal("out of memory");
  if (!kn_options_set(opts, "heap-policy", "fixed") ||
      !kn_options_set_int(opts, "heap-size", (int64_t)cfg->heap_bytes))
    bench_usage_error("heap size %zu: %s", cfg->heap_bytes, kn_options_error(opts));
  if (cfg->gc_options && !kn_options_parse(opts, cfg->gc_options))
    bench_usage_error("--gc-options: %s", kn_options_error(opts));
  struct kn_embedder embedder = {.trace_object = trace_object};
  struct kn_heap *heap;
  struct kn_mutator *mut;
  if (!kn_heap_create(opts, &embedder, &heap, &mut))
    bench_usage_error("cannot create the heap: %s", kn_options_error(opts));
  kn_options_destroy(opts);
  static const struct kn_event_listener listener = {
    .collection_start = collection_start,
    .collection_end = collection_end,
  };
  print_reports = cfg->gc_report;
  kn_heap_set_event_listener(heap, &listener);
  kn_heap_set_oom_handler(heap, heap_exhausted, NULL);
  return mut;
}

void bench_heap_destroy(bench_mut *m) { kn_heap_destroy(kn_mutator_heap(m)); }

bench_mut *bench_mutator_attach(bench_mut *main, const char **why) {
  struct kn_heap *heap = kn_mutator_heap(main);
  struct kn_mutator *m = kn_mutator_attach(heap);
  if (!m)
    *why = kn_heap_error(heap);
  return m;
}

void bench_mutator_detach(bench_mut *m) { kn_mutator_detach(m); }
void bench_mutator_deactivate(bench_mut *m) { kn_mutator_deactivate(m); }
void bench_mutator_reactivate(bench_mut *m) { kn_mutator_reactivate(m); }
void bench_add_root(bench_mut *m, void **slot) {
  if (!kn_heap_add_root(kn_mutator_heap(m), slot))
    bench_fatal("cannot register a root");
}
void bench_remove_root(bench_mut *m, void **slot) {
  kn_heap_remove_root(kn_mutator_heap(m), slot);
}
const char *bench_collector_name(void) { return kn_collector_name(); }

void bench_print_stats(bench_mut *m, FILE *out) {
  struct kn_stats stats;
  kn_heap_get_stats(kn_mutator_heap(m), &stats);
  kn_stats_print(&stats, out);
  for (unsigned i = 0; i < counter_peak_count; i++)
    fprintf(out, "max-%s: %llu\n", counter_peaks[i].name,
            (unsigned long long)counter_peaks[i].max);
}
