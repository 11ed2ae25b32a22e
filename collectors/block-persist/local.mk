# The block-persist collector: conservative roots, big bump-allocated
# blocks, the block-persistence pass.
kn_block_persist_sources = \
  collectors/shared/one-mutator.c \
  collectors/block-persist/bp.h \
  collectors/block-persist/arena.c \
  collectors/block-persist/mark.c \
  collectors/block-persist/regions.c \
  collectors/block-persist/block-persist.c
EXTRA_DIST += $(kn_block_persist_sources)
kennelinclude_HEADERS += api/kn-attrs-block-persist.h

if KN_INSTALL_BLOCK_PERSIST
libkennel_la_SOURCES += $(kn_block_persist_sources)
endif

if KN_BUILD_BLOCK_PERSIST
noinst_LTLIBRARIES += collectors/libkn-block-persist.la
collectors_libkn_block_persist_la_SOURCES = $(kn_shared_sources) $(kn_block_persist_sources)
collectors_libkn_block_persist_la_CPPFLAGS = $(AM_CPPFLAGS) -DKN_INSIDE_LIBRARY \
  -DKN_COLLECTOR_BLOCK_PERSIST

check_PROGRAMS += tests/kntest-block-persist
tests_kntest_block_persist_SOURCES = $(kn_test_sources) tests/t-block-persist.c
tests_kntest_block_persist_CPPFLAGS = $(AM_CPPFLAGS) -DKN_COLLECTOR_BLOCK_PERSIST
tests_kntest_block_persist_LDADD = collectors/libkn-block-persist.la -lm
TESTS += tests/kntest-block-persist

# The same tests built at -O0: conservative roots must hold whatever the
# compiler does with locals (registers at -O2, stack slots at -O0).  The
# user's CFLAGS come last on the command line, so -O0 is asked for by a
# pragma in tests/kn-test.h; the library is the same.
check_PROGRAMS += tests/kntest-block-persist-O0
tests_kntest_block_persist_O0_SOURCES = $(tests_kntest_block_persist_SOURCES)
tests_kntest_block_persist_O0_CPPFLAGS = $(tests_kntest_block_persist_CPPFLAGS) \
  -DKN_TEST_OPTIMIZE_O0
tests_kntest_block_persist_O0_LDADD = $(tests_kntest_block_persist_LDADD)
TESTS += tests/kntest-block-persist-O0

# The cascade demonstration (doc/block-persist.md): one line per collection.
noinst_PROGRAMS += benchmarks/cascade
benchmarks_cascade_SOURCES = benchmarks/cascade.c
benchmarks_cascade_CPPFLAGS = $(AM_CPPFLAGS) -DKN_COLLECTOR_BLOCK_PERSIST
benchmarks_cascade_LDADD = collectors/libkn-block-persist.la -lm
endif
