# The test suite.  Each collector's local.mk builds tests/kntest-NAME from
# these sources and adds it to TESTS; the scripts below test the build.
kn_test_sources = \
  tests/kn-test.h tests/test-main.c \
  tests/test-embedder.h tests/test-embedder.c \
  tests/t-options.c tests/t-alloc.c tests/t-roots.c tests/t-heap.c \
  tests/t-stats.c tests/t-graph.c

TESTS += tests/collectors.sh tests/configure.sh tests/install.sh tests/mutants.sh
EXTRA_DIST += tests/collectors.sh tests/configure.sh tests/install.sh tests/tap.sh \
  tests/install-prog.c tests/mutants.sh tests/mutate.py
