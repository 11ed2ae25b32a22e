#ifndef BENCH_UTIL_H
#define BENCH_UTIL_H

/* What every workload shares: its command line (common and own options,
 * strictly parsed), heap sizing from the analytically computed live size,
 * the pause log, and the "key: value" report the runner reads. */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "bench-runtime.h"

enum bench_opt_type { BENCH_OPT_INT, BENCH_OPT_DOUBLE };

/* One workload option "--name=value"; the value must lie in [min, max]. */
struct bench_opt {
  const char *name;
  enum bench_opt_type type;
  void *dest;                 /* long or double */
  double min, max;
  const char *help;
};

/* The options every workload takes. */
struct bench_common {
  const char *workload;
  double heap_multiplier;     /* --heap-multiplier: fixed heap = this x live size */
  const char *gc_options;     /* --gc-options: extra kennel options */
  const char *pause_log;      /* --pause-log: write every pause to this file */
  bool corrupt;               /* --corrupt: break the result, so the check must fail */
  bool gc_report;             /* --gc-report: each collection's report on stderr */
};

/* Parses argv (argv[0] is the workload name) into `common` and the
 * workload's `opts` (ended by a NULL name).  On a bad option it prints the
 * valid ones and exits with BENCH_EXIT_USAGE; on --help it prints them
 * and exits 0. */
void bench_parse_args(int argc, char **argv, struct bench_common *common,
                      const struct bench_opt *opts);

/* Creates the heap: fixed, of heap_multiplier x live_bytes (at least
 * BENCH_MIN_HEAP), and prints the sizes. */
enum { BENCH_MIN_HEAP = 1 << 20 };
bench_mut *bench_start(const struct bench_common *common, size_t live_bytes);
size_t bench_heap_bytes(const struct bench_common *common, size_t live_bytes);

/* Prints the figures common to every workload (wall time of the measured
 * part, the collector's statistics, peak RSS, the check), writes the
 * pause log, destroys the heap and returns the exit status. */
int bench_finish(bench_mut *m, const struct bench_common *common, uint64_t elapsed_ns,
                 bool ok);

/* A result check failed: says which, for bench_finish to report. */
bool bench_check(bool cond, const char *what);

void bench_record_pause(uint64_t start_ns, uint64_t duration_ns);

struct bench_pause_summary {
  uint64_t p50_ns, p95_ns, p99_ns, max_ns, total_ns;
  size_t count;
};
struct bench_pause_summary bench_summarize_pauses(const struct bench_pause *p, size_t n);
/* Minimum mutator utilization over windows of `window_ns` within
 * [begin_ns, end_ns]: the worst fraction of a window left to the mutator. */
double bench_mmu(const struct bench_pause *p, size_t n, uint64_t begin_ns, uint64_t end_ns,
                 uint64_t window_ns);

void bench_fatal(const char *fmt, ...) __attribute__((noreturn, format(printf, 1, 2)));
void bench_usage_error(const char *fmt, ...) __attribute__((noreturn, format(printf, 1, 2)));
void bench_exit_exhausted(size_t request) __attribute__((noreturn));

#endif
