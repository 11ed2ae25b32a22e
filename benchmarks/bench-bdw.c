/* The benchmark runtime over Boehm GC, the reference: GC_MALLOC and
 * GC_MALLOC_ATOMIC, conservative stack scanning, no generational or
 * incremental mode.  A fixed heap is Boehm's maximum heap size, expanded
 * to that size up front.  Pauses are timed from GC_EVENT_START to
 * GC_EVENT_END; the statistics are printed under kennel's keys. */

#include <stdlib.h>
#include <string.h>

#include "bench-runtime.h"
#include "bench-util.h"

struct bench_bdw_mutator {
  int unused;
};

/* Boehm's callbacks take no data pointer: one heap per process. */
static struct bench_bdw_mutator the_mutator;
static uint64_t pause_started_ns;
static uint64_t peak_heap_bytes;

void bench_bdw_out_of_memory(size_t size) { bench_exit_exhausted(size); }

static void *on_out_of_memory(size_t size) { bench_exit_exhausted(size); }

static void on_collection_event(GC_EventType event) {
  if (event == GC_EVENT_START) {
    pause_started_ns = bench_now_ns();
  } else if (event == GC_EVENT_END) {
    bench_record_pause(pause_started_ns, bench_now_ns() - pause_started_ns);
    size_t heap = GC_get_heap_size();
    if (heap > peak_heap_bytes)
      peak_heap_bytes = heap;
  }
}

bench_mut *bench_heap_create(const struct bench_config *cfg) {
  if (cfg->gc_options && *cfg->gc_options)
    bench_usage_error("--gc-options: the Boehm GC reference takes no options (got '%s')",
                      cfg->gc_options);
  GC_set_max_heap_size(cfg->heap_bytes);
  GC_INIT();
  GC_allow_register_threads();
  GC_set_oom_fn(on_out_of_memory);
  GC_set_on_collection_event(on_collection_event);
  size_t have = GC_get_heap_size();
  if (cfg->heap_bytes > have && !GC_expand_hp(cfg->heap_bytes - have))
    bench_exit_exhausted(cfg->heap_bytes);
  peak_heap_bytes = GC_get_heap_size();
  return &the_mutator;
}

void bench_heap_destroy(bench_mut *m) { (void)m; }

/* GC_THREADS redirects pthread_create, so threads are registered. */
bench_mut *bench_mutator_attach(bench_mut *main, const char **why) {
  (void)why;
  return main;
}
void bench_mutator_detach(bench_mut *m) { (void)m; }
void bench_mutator_deactivate(bench_mut *m) { (void)m; }
void bench_mutator_reactivate(bench_mut *m) { (void)m; }
void bench_add_root(bench_mut *m, void **slot) {
  (void)m;
  GC_add_roots(slot, slot + 1);
}
void bench_remove_root(bench_mut *m, void **slot) {
  (void)m;
  GC_remove_roots(slot, slot + 1);
}
const char *bench_collector_name(void) { return "bdw"; }

void bench_print_stats(bench_mut *m, FILE *out) {
  (void)m;
  size_t n;
  const struct bench_pause *p = bench_pauses(&n);
  struct bench_pause_summary s = bench_summarize_pauses(p, n);
  size_t heap = GC_get_heap_size();
  if (heap > peak_heap_bytes)
    peak_heap_bytes = heap;
  fprintf(out, "collector: bdw\n");
  fprintf(out, "collections-minor: 0\n");
  fprintf(out, "collections-major: %llu\n", (unsigned long long)s.count);
  fprintf(out, "pause-p50-ms: %.3f\n", s.p50_ns / 1e6);
  fprintf(out, "pause-p95-ms: %.3f\n", s.p95_ns / 1e6);
  fprintf(out, "pause-max-ms: %.3f\n", s.max_ns / 1e6);
  fprintf(out, "pause-total-ms: %.3f\n", s.total_ns / 1e6);
  fprintf(out, "bytes-allocated: %llu\n", (unsigned long long)GC_get_total_bytes());
  fprintf(out, "heap-bytes: %llu\n", (unsigned long long)heap);
  fprintf(out, "peak-heap-bytes: %llu\n", (unsigned long long)peak_heap_bytes);
  fprintf(out, "bdw-extra-marker-threads: %d\n", GC_get_parallel());
  fprintf(out, "bdw-incremental: %d\n", GC_is_incremental_mode());
}
