/* bench-NAME WORKLOAD [--option=value...]: one binary per collector (and
 * bench-bdw for the Boehm GC reference) holding every workload.  Each
 * workload checks its own result and prints "key: value" lines; the exit
 * status says how it went (bench-runtime.h: BENCH_EXIT_*). */

#include <stdio.h>
#include <string.h>

#include "bench-runtime.h"
#include "workloads.h"

static const struct {
  const char *name;
  int (*run)(int argc, char **argv);
  const char *what;
} workloads[] = {
  {"gcbench", workload_gcbench, "Boehm's GCBench: trees top-down and bottom-up"},
  {"quads", workload_quads, "a long-lived quad tree, short-lived quad trees"},
  {"vecfib", workload_vecfib, "seed 003: two-element arrays, small and big heap"},
  {"json", workload_json, "seed 000: JSON parse + stringify roundtrip"},
  {"splay", workload_splay, "latency: Octane-splay-like tree of payloads"},
  {"trace", workload_trace, "trace-heavy: forced collections of a large live tree"},
};

static void list_workloads(FILE *out) {
  fprintf(out, "workloads:");
  for (size_t i = 0; i < sizeof workloads / sizeof workloads[0]; i++)
    fprintf(out, " %s", workloads[i].name);
  fputc('\n', out);
}

static void usage(FILE *out, const char *prog) {
  fprintf(out, "usage: %s WORKLOAD [--option=value...]   (WORKLOAD --help lists options)\n",
          prog);
  for (size_t i = 0; i < sizeof workloads / sizeof workloads[0]; i++)
    fprintf(out, "  %-8s %s\n", workloads[i].name, workloads[i].what);
}

int main(int argc, char **argv) {
  if (argc < 2) {
    usage(stderr, argv[0]);
    return BENCH_EXIT_USAGE;
  }
  if (!strcmp(argv[1], "--help")) {
    usage(stdout, argv[0]);
    return 0;
  }
  if (!strcmp(argv[1], "--list")) {
    list_workloads(stdout);
    return 0;
  }
  for (size_t i = 0; i < sizeof workloads / sizeof workloads[0]; i++)
    if (!strcmp(argv[1], workloads[i].name))
      return workloads[i].run(argc - 1, argv + 1);
  fprintf(stderr, "%s: unknown workload '%s'; ", argv[0], argv[1]);
  list_workloads(stderr);
  return BENCH_EXIT_USAGE;
}
