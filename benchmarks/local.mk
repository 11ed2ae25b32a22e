# benchmarks: the workloads (written once against bench-runtime.h), one
# binary per collector in the tree, benchmarks/bench-NAME, plus
# benchmarks/bench-bdw over Boehm GC; the runner; make bench, bench-quick.
kn_bench_workload_sources = \
  benchmarks/bench-runtime.h benchmarks/bench-util.h benchmarks/bench-util.c \
  benchmarks/workloads.h benchmarks/bench-main.c \
  benchmarks/gcbench.c benchmarks/quads.c benchmarks/vecfib.c \
  benchmarks/json.h benchmarks/json.c benchmarks/json-value.c benchmarks/splay.c \
  benchmarks/trace.c
kn_bench_kennel_sources = $(kn_bench_workload_sources) benchmarks/bench-kennel.c
# Benchmarks are measured at -O2 whatever CFLAGS the build uses.
kn_bench_cflags = $(AM_CFLAGS) -O2
kn_bench_programs =

EXTRA_DIST += $(kn_bench_kennel_sources) benchmarks/bench-bdw.c benchmarks/kn-bench \
  benchmarks/kn_bench_report.py benchmarks/kn_bench_cascade.py

if KN_BUILD_SEMI
kn_bench_programs += benchmarks/bench-semi
benchmarks_bench_semi_SOURCES = $(kn_bench_kennel_sources)
benchmarks_bench_semi_CPPFLAGS = $(AM_CPPFLAGS) -DKN_COLLECTOR_SEMI
benchmarks_bench_semi_CFLAGS = $(kn_bench_cflags)
benchmarks_bench_semi_LDADD = collectors/libkn-semi.la -lm
endif

if KN_BUILD_PCC
kn_bench_programs += benchmarks/bench-pcc
benchmarks_bench_pcc_SOURCES = $(kn_bench_kennel_sources)
benchmarks_bench_pcc_CPPFLAGS = $(AM_CPPFLAGS) -DKN_COLLECTOR_PCC
benchmarks_bench_pcc_CFLAGS = $(kn_bench_cflags)
benchmarks_bench_pcc_LDADD = collectors/libkn-pcc.la -lm
endif

if KN_BUILD_GEN_MS
kn_bench_programs += benchmarks/bench-gen-ms
benchmarks_bench_gen_ms_SOURCES = $(kn_bench_kennel_sources)
benchmarks_bench_gen_ms_CPPFLAGS = $(AM_CPPFLAGS) -DKN_COLLECTOR_GEN_MS
benchmarks_bench_gen_ms_CFLAGS = $(kn_bench_cflags)
benchmarks_bench_gen_ms_LDADD = collectors/libkn-gen-ms.la -lm
endif

if KN_BUILD_BLOCK_PERSIST
kn_bench_programs += benchmarks/bench-block-persist
benchmarks_bench_block_persist_SOURCES = $(kn_bench_kennel_sources)
benchmarks_bench_block_persist_CPPFLAGS = $(AM_CPPFLAGS) -DKN_COLLECTOR_BLOCK_PERSIST
benchmarks_bench_block_persist_CFLAGS = $(kn_bench_cflags)
benchmarks_bench_block_persist_LDADD = collectors/libkn-block-persist.la -lm
endif

if KN_HAVE_BDWGC
kn_bench_programs += benchmarks/bench-bdw
benchmarks_bench_bdw_SOURCES = $(kn_bench_workload_sources) benchmarks/bench-bdw.c
benchmarks_bench_bdw_CPPFLAGS = $(AM_CPPFLAGS) -DBENCH_BDW $(BDWGC_CFLAGS)
benchmarks_bench_bdw_CFLAGS = $(kn_bench_cflags)
benchmarks_bench_bdw_LDADD = $(BDWGC_LIBS) -lm
endif

noinst_PROGRAMS += $(kn_bench_programs)

# The runner reads what was built and where the references are from here.
kn_bench_env = \
  KN_BUILT_COLLECTORS='$(KN_BUILT_COLLECTORS)' KN_SHARED_DIR='$(KN_SHARED_DIR)' \
  KN_BENCH_BUILDDIR='$(abs_top_builddir)' KN_BENCH_SRCDIR='$(abs_top_srcdir)' \
  GNUPLOT='$(GNUPLOT)'
KN_BENCH_ARGS =
PYTHON3 = python3

# Both build everything first (the interpreters too), then run the runner.
# The full run: every workload at full size, 5 repetitions, and the sweep.
bench: all
	$(kn_bench_env) $(PYTHON3) $(top_srcdir)/benchmarks/kn-bench --full $(KN_BENCH_ARGS)

# The README's first comparison: every collector on GCBench, vecfib and
# the JSON roundtrip (and the rest), scaled down to finish in minutes.
bench-quick: all
	$(kn_bench_env) $(PYTHON3) $(top_srcdir)/benchmarks/kn-bench --quick $(KN_BENCH_ARGS)

.PHONY: bench bench-quick

TESTS += benchmarks/t-bench.sh
EXTRA_DIST += benchmarks/t-bench.sh benchmarks/t-bench-cascade.py
