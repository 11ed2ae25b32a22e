#ifndef BENCH_WORKLOADS_H
#define BENCH_WORKLOADS_H

/* Each workload: argv[0] is its name, the rest its options. */
int workload_gcbench(int argc, char **argv);
int workload_quads(int argc, char **argv);
int workload_vecfib(int argc, char **argv);
int workload_json(int argc, char **argv);
int workload_splay(int argc, char **argv);
int workload_trace(int argc, char **argv);

#endif
