/* Statistics: every collection's pause is logged, so that percentiles are
 * exact; totals and named counters accumulate in the heap's kn_stats. */

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "kn-internal.h"

uint64_t kn_now_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

uint64_t kn_thread_cpu_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static void log_pause(struct kn_pause_log *log, uint64_t ns) {
  if (log->count == log->capacity) {
    size_t cap = log->capacity ? 2 * log->capacity : 256;
    uint64_t *grown = realloc(log->ns, cap * sizeof *grown);
    if (!grown)
      return; /* percentiles then cover the pauses logged so far */
    log->ns = grown;
    log->capacity = cap;
  }
  log->ns[log->count++] = ns;
}

void kn_collection_begin(struct kn_common *c, enum kn_collection_kind kind) {
  struct kn_stats_state *s = &c->stats;
  s->kind = kind;
  if (s->listener.collection_start)
    s->listener.collection_start(s->listener.data, kind);
  s->start_ns = kn_now_ns();
}

void kn_collection_end(struct kn_common *c, struct kn_collection_report *report) {
  struct kn_stats_state *s = &c->stats;
  uint64_t pause = kn_now_ns() - s->start_ns;
  struct kn_stats *t = &s->totals;
  t->collections[report->kind]++;
  t->pause_total_ns += pause;
  if (pause > t->pause_max_ns)
    t->pause_max_ns = pause;
  t->live_bytes = report->live_bytes;
  t->heap_bytes = report->heap_bytes;
  if (report->heap_bytes > t->peak_heap_bytes)
    t->peak_heap_bytes = report->heap_bytes;
  log_pause(&s->pauses, pause);
  report->pause_ns = pause;
  report->number = t->collections[KN_COLLECT_MINOR] + t->collections[KN_COLLECT_MAJOR];
  if (s->listener.collection_end)
    s->listener.collection_end(s->listener.data, report);
}

void kn_stats_count_allocation(struct kn_common *c, uint64_t bytes) {
  c->stats.totals.bytes_allocated += bytes;
}

void kn_stats_heap_resized(struct kn_common *c, uint64_t old_bytes, uint64_t new_bytes) {
  struct kn_stats *t = &c->stats.totals;
  t->heap_bytes = new_bytes;
  if (new_bytes > t->peak_heap_bytes)
    t->peak_heap_bytes = new_bytes;
  if (old_bytes != new_bytes && c->stats.listener.heap_resized)
    c->stats.listener.heap_resized(c->stats.listener.data, old_bytes, new_bytes);
}

static struct kn_counter *find_counter(struct kn_counter *counters, unsigned *count,
                                       const char *name) {
  for (unsigned i = 0; i < *count; i++)
    if (!strcmp(counters[i].name, name))
      return &counters[i];
  if (*count == KN_MAX_COUNTERS)
    kn_fatal("internal error: more than %d counters", KN_MAX_COUNTERS);
  counters[*count].name = name;
  counters[*count].value = 0;
  return &counters[(*count)++];
}

void kn_stats_add_counter(struct kn_common *c, const char *name, uint64_t delta) {
  struct kn_stats *t = &c->stats.totals;
  find_counter(t->counters, &t->counter_count, name)->value += delta;
}

void kn_report_add_counter(struct kn_collection_report *r, const char *name, uint64_t v) {
  find_counter(r->counters, &r->counter_count, name)->value += v;
}

void kn_count_collection(struct kn_common *c, struct kn_collection_report *r, const char *name,
                         uint64_t v) {
  kn_report_add_counter(r, name, v);
  kn_stats_add_counter(c, name, v);
}

static int compare_u64(const void *a, const void *b) {
  uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
  return (x > y) - (x < y);
}

/* Nearest-rank percentile of a sorted array. */
static uint64_t percentile(const uint64_t *sorted, size_t n, unsigned pct) {
  if (!n)
    return 0;
  size_t rank = (n * pct + 99) / 100;
  return sorted[rank ? rank - 1 : 0];
}

void kn_common_get_stats(struct kn_common *c, struct kn_stats *out) {
  *out = c->stats.totals;
  out->collector = kn_collector_id;
  struct kn_pause_log *log = &c->stats.pauses;
  if (log->count) {
    uint64_t *sorted = malloc(log->count * sizeof *sorted);
    if (sorted) {
      memcpy(sorted, log->ns, log->count * sizeof *sorted);
      qsort(sorted, log->count, sizeof *sorted, compare_u64);
      out->pause_p50_ns = percentile(sorted, log->count, 50);
      out->pause_p95_ns = percentile(sorted, log->count, 95);
      free(sorted);
    }
  }
}

void kn_stats_print(const struct kn_stats *s, FILE *out) {
  fprintf(out, "collector: %s\n", s->collector);
  fprintf(out, "collections-minor: %llu\n", (unsigned long long)s->collections[KN_COLLECT_MINOR]);
  fprintf(out, "collections-major: %llu\n", (unsigned long long)s->collections[KN_COLLECT_MAJOR]);
  fprintf(out, "pause-p50-ms: %.3f\n", s->pause_p50_ns / 1e6);
  fprintf(out, "pause-p95-ms: %.3f\n", s->pause_p95_ns / 1e6);
  fprintf(out, "pause-max-ms: %.3f\n", s->pause_max_ns / 1e6);
  fprintf(out, "pause-total-ms: %.3f\n", s->pause_total_ns / 1e6);
  fprintf(out, "bytes-allocated: %llu\n", (unsigned long long)s->bytes_allocated);
  fprintf(out, "live-bytes: %llu\n", (unsigned long long)s->live_bytes);
  fprintf(out, "heap-bytes: %llu\n", (unsigned long long)s->heap_bytes);
  fprintf(out, "peak-heap-bytes: %llu\n", (unsigned long long)s->peak_heap_bytes);
  for (unsigned i = 0; i < s->counter_count; i++)
    fprintf(out, "%s: %llu\n", s->counters[i].name, (unsigned long long)s->counters[i].value);
}
