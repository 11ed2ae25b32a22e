# embedder-examples/scheme: a Scheme interpreter built once per collector
# (scheme-NAME), from the same sources, through the public API only.
# The interpreter without main(), shared by scheme-NAME and its tests.
kn_scheme_core = \
  embedder-examples/scheme/scheme.h embedder-examples/scheme/syntax.h \
  embedder-examples/scheme/node.h embedder-examples/scheme/compiler.h \
  embedder-examples/scheme/prims.h embedder-examples/scheme/heap.c \
  embedder-examples/scheme/read.c embedder-examples/scheme/compile.c \
  embedder-examples/scheme/forms.c embedder-examples/scheme/eval.c \
  embedder-examples/scheme/prims.c embedder-examples/scheme/prims-lists.c \
  embedder-examples/scheme/print.c embedder-examples/scheme/util.c
kn_scheme_sources = $(kn_scheme_core) embedder-examples/scheme/main.c
kn_scheme_roots_sources = $(kn_scheme_core) embedder-examples/scheme/tests/roots.c
# Only the public headers: no collectors/shared on the include path.
kn_scheme_cppflags = -I$(top_srcdir)/api $(KN_DEBUG_CFLAGS)

EXTRA_DIST += embedder-examples/scheme/README.md \
  embedder-examples/scheme/tests/corpus-lib.sh embedder-examples/scheme/tests/corpus.sh \
  embedder-examples/scheme/tests/stress.sh embedder-examples/scheme/tests/errors.sh

# The corpus (normal, then stress) and the error tests loop over every
# built collector; scheme-roots-NAME is built per collector.
TESTS += embedder-examples/scheme/tests/corpus.sh embedder-examples/scheme/tests/stress.sh \
  embedder-examples/scheme/tests/errors.sh

if KN_BUILD_SEMI
noinst_PROGRAMS += embedder-examples/scheme/scheme-semi
embedder_examples_scheme_scheme_semi_SOURCES = $(kn_scheme_sources)
embedder_examples_scheme_scheme_semi_CPPFLAGS = $(kn_scheme_cppflags) -DKN_COLLECTOR_SEMI
embedder_examples_scheme_scheme_semi_LDADD = collectors/libkn-semi.la
check_PROGRAMS += embedder-examples/scheme/tests/scheme-roots-semi
TESTS += embedder-examples/scheme/tests/scheme-roots-semi
embedder_examples_scheme_tests_scheme_roots_semi_SOURCES = $(kn_scheme_roots_sources)
embedder_examples_scheme_tests_scheme_roots_semi_CPPFLAGS = $(kn_scheme_cppflags) -DKN_COLLECTOR_SEMI
embedder_examples_scheme_tests_scheme_roots_semi_LDADD = collectors/libkn-semi.la
endif

if KN_BUILD_PCC
noinst_PROGRAMS += embedder-examples/scheme/scheme-pcc
embedder_examples_scheme_scheme_pcc_SOURCES = $(kn_scheme_sources)
embedder_examples_scheme_scheme_pcc_CPPFLAGS = $(kn_scheme_cppflags) -DKN_COLLECTOR_PCC
embedder_examples_scheme_scheme_pcc_LDADD = collectors/libkn-pcc.la
check_PROGRAMS += embedder-examples/scheme/tests/scheme-roots-pcc
TESTS += embedder-examples/scheme/tests/scheme-roots-pcc
embedder_examples_scheme_tests_scheme_roots_pcc_SOURCES = $(kn_scheme_roots_sources)
embedder_examples_scheme_tests_scheme_roots_pcc_CPPFLAGS = $(kn_scheme_cppflags) -DKN_COLLECTOR_PCC
embedder_examples_scheme_tests_scheme_roots_pcc_LDADD = collectors/libkn-pcc.la
endif

if KN_BUILD_GEN_MS
noinst_PROGRAMS += embedder-examples/scheme/scheme-gen-ms
embedder_examples_scheme_scheme_gen_ms_SOURCES = $(kn_scheme_sources)
embedder_examples_scheme_scheme_gen_ms_CPPFLAGS = $(kn_scheme_cppflags) -DKN_COLLECTOR_GEN_MS
embedder_examples_scheme_scheme_gen_ms_LDADD = collectors/libkn-gen-ms.la
check_PROGRAMS += embedder-examples/scheme/tests/scheme-roots-gen-ms
TESTS += embedder-examples/scheme/tests/scheme-roots-gen-ms
embedder_examples_scheme_tests_scheme_roots_gen_ms_SOURCES = $(kn_scheme_roots_sources)
embedder_examples_scheme_tests_scheme_roots_gen_ms_CPPFLAGS = $(kn_scheme_cppflags) -DKN_COLLECTOR_GEN_MS
embedder_examples_scheme_tests_scheme_roots_gen_ms_LDADD = collectors/libkn-gen-ms.la
endif

if KN_BUILD_BLOCK_PERSIST
noinst_PROGRAMS += embedder-examples/scheme/scheme-block-persist
embedder_examples_scheme_scheme_block_persist_SOURCES = $(kn_scheme_sources)
embedder_examples_scheme_scheme_block_persist_CPPFLAGS = $(kn_scheme_cppflags) -DKN_COLLECTOR_BLOCK_PERSIST
embedder_examples_scheme_scheme_block_persist_LDADD = collectors/libkn-block-persist.la
check_PROGRAMS += embedder-examples/scheme/tests/scheme-roots-block-persist
TESTS += embedder-examples/scheme/tests/scheme-roots-block-persist
embedder_examples_scheme_tests_scheme_roots_block_persist_SOURCES = $(kn_scheme_roots_sources)
embedder_examples_scheme_tests_scheme_roots_block_persist_CPPFLAGS = $(kn_scheme_cppflags) -DKN_COLLECTOR_BLOCK_PERSIST
embedder_examples_scheme_tests_scheme_roots_block_persist_LDADD = collectors/libkn-block-persist.la
endif
