/* Shared workload machinery: command line, heap sizing, pause log and the
 * report.  See bench-util.h. */

#define _GNU_SOURCE
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include "bench-util.h"

uint64_t bench_now_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* ---- Errors ------------------------------------------------------------- */

void bench_fatal(const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  fputs("bench: ", stderr);
  vfprintf(stderr, fmt, ap);
  fputc('\n', stderr);
  va_end(ap);
  exit(BENCH_EXIT_WRONG);
}

void bench_usage_error(const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  fputs("bench: ", stderr);
  vfprintf(stderr, fmt, ap);
  fputc('\n', stderr);
  va_end(ap);
  exit(BENCH_EXIT_USAGE);
}

void bench_exit_exhausted(size_t request) {
  /* Called from inside the collector: print with the fewest calls. */
  fflush(stdout);
  fprintf(stderr, "bench: heap exhausted (request of %zu bytes): did not complete\n", request);
  printf("status: heap-exhausted\n");
  fflush(stdout);
  _exit(BENCH_EXIT_EXHAUSTED);
}

/* ---- Command line ------------------------------------------------------- */

static void print_options(FILE *out, const char *workload, const struct bench_opt *opts) {
  fprintf(out, "options of workload %s:\n", workload);
  fprintf(out, "  --heap-multiplier=X  fixed heap = X times the computed live size "
               "[1, 100], default 2.5\n");
  fprintf(out, "  --gc-options=SPEC    extra collector options key=value,...\n");
  fprintf(out, "  --pause-log=FILE     write every pause (start ms, duration ms) to FILE\n");
  fprintf(out, "  --corrupt            break the result on purpose: the check must fail\n");
  fprintf(out, "  --gc-report          print each collection's report (its collector's\n"
               "                       counters) to stderr; kennel collectors only\n");
  for (const struct bench_opt *o = opts; o && o->name; o++)
    fprintf(out, "  --%s=%s  %s [%.15g, %.15g]\n", o->name,
            o->type == BENCH_OPT_INT ? "N" : "X", o->help, o->min, o->max);
}

static void bad_option(const char *workload, const struct bench_opt *opts, const char *fmt,
                       const char *arg) {
  fprintf(stderr, "bench %s: ", workload);
  fprintf(stderr, fmt, arg);
  fputc('\n', stderr);
  print_options(stderr, workload, opts);
  exit(BENCH_EXIT_USAGE);
}

static bool parse_number(const char *text, double *out) {
  char *end;
  errno = 0;
  double v = strtod(text, &end);
  if (end == text || *end || errno || !isfinite(v))
    return false;
  *out = v;
  return true;
}

static void set_workload_option(const char *workload, const struct bench_opt *opts,
                                const char *arg, const char *name, size_t len,
                                const char *value) {
  for (const struct bench_opt *o = opts; o && o->name; o++) {
    if (strlen(o->name) != len || strncmp(o->name, name, len))
      continue;
    double v;
    if (!value || !parse_number(value, &v) || v < o->min || v > o->max ||
        (o->type == BENCH_OPT_INT && v != floor(v)))
      bad_option(workload, opts, "bad value in '%s'", arg);
    if (o->type == BENCH_OPT_INT)
      *(long *)o->dest = (long)v;
    else
      *(double *)o->dest = v;
    return;
  }
  bad_option(workload, opts, "unknown option '%s'", arg);
}

void bench_parse_args(int argc, char **argv, struct bench_common *c,
                      const struct bench_opt *opts) {
  *c = (struct bench_common){.workload = argv[0], .heap_multiplier = 2.5};
  for (int i = 1; i < argc; i++) {
    const char *arg = argv[i];
    if (strncmp(arg, "--", 2))
      bad_option(c->workload, opts, "unexpected argument '%s'", arg);
    const char *name = arg + 2;
    const char *eq = strchr(name, '=');
    size_t len = eq ? (size_t)(eq - name) : strlen(name);
    const char *value = eq ? eq + 1 : NULL;
#define IS(s) (len == strlen(s) && !strncmp(name, s, len))
    if (IS("help")) {
      print_options(stdout, c->workload, opts);
      exit(0);
    } else if (IS("corrupt") && !value) {
      c->corrupt = true;
    } else if (IS("gc-report") && !value) {
      c->gc_report = true;
    } else if (IS("gc-options") && value) {
      c->gc_options = value;
    } else if (IS("pause-log") && value && *value) {
      c->pause_log = value;
    } else if (IS("heap-multiplier")) {
      if (!value || !parse_number(value, &c->heap_multiplier) || c->heap_multiplier < 1 ||
          c->heap_multiplier > 100)
        bad_option(c->workload, opts, "bad value in '%s'", arg);
    } else {
      set_workload_option(c->workload, opts, arg, name, len, value);
    }
#undef IS
  }
}

/* ---- Heap and report ---------------------------------------------------- */

size_t bench_heap_bytes(const struct bench_common *c, size_t live_bytes) {
  size_t bytes = (size_t)(c->heap_multiplier * (double)live_bytes);
  bytes = (bytes + 4095) & ~(size_t)4095;
  return bytes < BENCH_MIN_HEAP ? BENCH_MIN_HEAP : bytes;
}

bench_mut *bench_start(const struct bench_common *c, size_t live_bytes) {
  struct bench_config cfg = {.heap_bytes = bench_heap_bytes(c, live_bytes),
                             .gc_options = c->gc_options, .gc_report = c->gc_report};
  printf("workload: %s\n", c->workload);
  printf("heap-multiplier: %g\n", c->heap_multiplier);
  printf("live-bytes-computed: %zu\n", live_bytes);
  printf("heap-size-bytes: %zu\n", cfg.heap_bytes);
  fflush(stdout);
  return bench_heap_create(&cfg);
}

static const char *first_failure;

bool bench_check(bool cond, const char *what) {
  if (!cond && !first_failure)
    first_failure = what;
  return cond;
}

static void write_pause_log(const char *path) {
  FILE *f = fopen(path, "w");
  if (!f)
    bench_fatal("cannot write %s: %s", path, strerror(errno));
  size_t n;
  const struct bench_pause *p = bench_pauses(&n);
  uint64_t t0 = n ? p[0].start_ns : 0;
  for (size_t i = 0; i < n; i++)
    fprintf(f, "%.6f %.6f\n", (p[i].start_ns - t0) / 1e6, p[i].duration_ns / 1e6);
  if (fclose(f))
    bench_fatal("cannot write %s: %s", path, strerror(errno));
}

int bench_finish(bench_mut *m, const struct bench_common *c, uint64_t elapsed_ns, bool ok) {
  printf("elapsed-ms: %.3f\n", elapsed_ns / 1e6);
  bench_print_stats(m, stdout);
  struct rusage ru;
  getrusage(RUSAGE_SELF, &ru);
  printf("peak-rss-kib: %ld\n", ru.ru_maxrss);
  if (c->pause_log)
    write_pause_log(c->pause_log);
  bench_heap_destroy(m);
  ok = ok && !first_failure;
  if (ok) {
    printf("check: ok\n");
  } else {
    printf("check: FAILED (%s)\n", first_failure ? first_failure : "wrong result");
    fprintf(stderr, "bench %s: result check failed: %s\n", c->workload,
            first_failure ? first_failure : "wrong result");
  }
  fflush(stdout);
  return ok ? BENCH_EXIT_OK : BENCH_EXIT_WRONG;
}

/* ---- Pauses ------------------------------------------------------------- */

static struct {
  struct bench_pause *items;
  size_t count, capacity;
} pause_log;

void bench_record_pause(uint64_t start_ns, uint64_t duration_ns) {
  if (pause_log.count == pause_log.capacity) {
    size_t cap = pause_log.capacity ? 2 * pause_log.capacity : 1024;
    struct bench_pause *grown = realloc(pause_log.items, cap * sizeof *grown);
    if (!grown)
      return; /* the log then covers the pauses so far; the stats cover all */
    pause_log.items = grown;
    pause_log.capacity = cap;
  }
  pause_log.items[pause_log.count++] = (struct bench_pause){start_ns, duration_ns};
}

const struct bench_pause *bench_pauses(size_t *count) {
  *count = pause_log.count;
  return pause_log.items;
}

static int compare_u64(const void *a, const void *b) {
  uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
  return (x > y) - (x < y);
}

/* Nearest rank, as kennel's own statistics compute it. */
static uint64_t percentile(const uint64_t *sorted, size_t n, unsigned pct) {
  size_t rank = (n * pct + 99) / 100;
  return sorted[rank ? rank - 1 : 0];
}

struct bench_pause_summary bench_summarize_pauses(const struct bench_pause *p, size_t n) {
  struct bench_pause_summary s = {.count = n};
  if (!n)
    return s;
  uint64_t *d = malloc(n * sizeof *d);
  if (!d)
    bench_fatal("out of memory");
  for (size_t i = 0; i < n; i++) {
    d[i] = p[i].duration_ns;
    s.total_ns += d[i];
  }
  qsort(d, n, sizeof *d, compare_u64);
  s.p50_ns = percentile(d, n, 50);
  s.p95_ns = percentile(d, n, 95);
  s.p99_ns = percentile(d, n, 99);
  s.max_ns = d[n - 1];
  free(d);
  return s;
}

/* Pause time inside [t, t + w]; pauses are sorted and do not overlap. */
static uint64_t paused_within(const struct bench_pause *p, size_t n, uint64_t t, uint64_t w) {
  size_t lo = 0, hi = n;
  while (lo < hi) { /* first pause that ends after t */
    size_t mid = (lo + hi) / 2;
    if (p[mid].start_ns + p[mid].duration_ns <= t)
      lo = mid + 1;
    else
      hi = mid;
  }
  uint64_t sum = 0;
  for (size_t i = lo; i < n && p[i].start_ns < t + w; i++) {
    uint64_t a = p[i].start_ns > t ? p[i].start_ns : t;
    uint64_t e = p[i].start_ns + p[i].duration_ns;
    uint64_t b = e < t + w ? e : t + w;
    if (b > a)
      sum += b - a;
  }
  return sum;
}

/* The worst window starts where a pause starts or ends where one ends. */
double bench_mmu(const struct bench_pause *p, size_t n, uint64_t begin_ns, uint64_t end_ns,
                 uint64_t w) {
  if (end_ns - begin_ns < w)
    w = end_ns - begin_ns;
  if (!w)
    return 1.0;
  uint64_t worst = 0;
  for (size_t i = 0; i < n; i++) {
    uint64_t starts[2] = {p[i].start_ns, p[i].start_ns + p[i].duration_ns - w};
    for (int k = 0; k < 2; k++) {
      uint64_t t = starts[k];
      if (k == 1 && p[i].start_ns + p[i].duration_ns < begin_ns + w)
        t = begin_ns;
      if (t < begin_ns)
        t = begin_ns;
      if (t + w > end_ns)
        t = end_ns - w;
      uint64_t paused = paused_within(p, n, t, w);
      if (paused > worst)
        worst = paused;
    }
  }
  return 1.0 - (double)(worst > w ? w : worst) / (double)w;
}
