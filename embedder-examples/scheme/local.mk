# embedder-examples/scheme: a Scheme interpreter built once per collector
# (scheme-NAME), from the same sources, through the public API only.
kn_scheme_sources = \
  embedder-examples/scheme/scheme.h embedder-examples/scheme/syntax.h \
  embedder-examples/scheme/node.h embedder-examples/scheme/compiler.h \
  embedder-examples/scheme/prims.h \
  embedder-examples/scheme/main.c embedder-examples/scheme/heap.c \
  embedder-examples/scheme/read.c embedder-examples/scheme/compile.c \
  embedder-examples/scheme/forms.c embedder-examples/scheme/eval.c \
  embedder-examples/scheme/prims.c embedder-examples/scheme/prims-lists.c \
  embedder-examples/scheme/print.c embedder-examples/scheme/util.c
# Only the public headers: no collectors/shared on the include path.
kn_scheme_cppflags = -I$(top_srcdir)/api $(KN_DEBUG_CFLAGS)

EXTRA_DIST += embedder-examples/scheme/README.md

if KN_BUILD_SEMI
noinst_PROGRAMS += embedder-examples/scheme/scheme-semi
embedder_examples_scheme_scheme_semi_SOURCES = $(kn_scheme_sources)
embedder_examples_scheme_scheme_semi_CPPFLAGS = $(kn_scheme_cppflags) -DKN_COLLECTOR_SEMI
embedder_examples_scheme_scheme_semi_LDADD = collectors/libkn-semi.la
endif

if KN_BUILD_PCC
noinst_PROGRAMS += embedder-examples/scheme/scheme-pcc
embedder_examples_scheme_scheme_pcc_SOURCES = $(kn_scheme_sources)
embedder_examples_scheme_scheme_pcc_CPPFLAGS = $(kn_scheme_cppflags) -DKN_COLLECTOR_PCC
embedder_examples_scheme_scheme_pcc_LDADD = collectors/libkn-pcc.la
endif

if KN_BUILD_GEN_MS
noinst_PROGRAMS += embedder-examples/scheme/scheme-gen-ms
embedder_examples_scheme_scheme_gen_ms_SOURCES = $(kn_scheme_sources)
embedder_examples_scheme_scheme_gen_ms_CPPFLAGS = $(kn_scheme_cppflags) -DKN_COLLECTOR_GEN_MS
embedder_examples_scheme_scheme_gen_ms_LDADD = collectors/libkn-gen-ms.la
endif

if KN_BUILD_BLOCK_PERSIST
noinst_PROGRAMS += embedder-examples/scheme/scheme-block-persist
embedder_examples_scheme_scheme_block_persist_SOURCES = $(kn_scheme_sources)
embedder_examples_scheme_scheme_block_persist_CPPFLAGS = $(kn_scheme_cppflags) -DKN_COLLECTOR_BLOCK_PERSIST
embedder_examples_scheme_scheme_block_persist_LDADD = collectors/libkn-block-persist.la
endif
