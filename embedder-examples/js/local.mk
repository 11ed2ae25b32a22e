# embedder-examples/js: a JavaScript interpreter, one binary per collector
# (js-NAME), all built from the same sources through the public API only.
js_sources = \
  embedder-examples/js/js.h embedder-examples/js/ast.h embedder-examples/js/builtins.h \
  embedder-examples/js/main.c embedder-examples/js/lexer.c embedder-examples/js/parser.c \
  embedder-examples/js/resolve.c embedder-examples/js/value.c embedder-examples/js/object.c \
  embedder-examples/js/interp.c embedder-examples/js/property.c embedder-examples/js/builtins.c \
  embedder-examples/js/json.c embedder-examples/js/cmem.c
# Only the public headers: the example must not reach into collectors/.
js_cppflags = -I$(top_srcdir)/api $(KN_DEBUG_CFLAGS)

EXTRA_DIST += embedder-examples/js/README.md \
  embedder-examples/js/bench/vecfib.js embedder-examples/js/bench/json-roundtrip.js

if KN_BUILD_SEMI
noinst_PROGRAMS += embedder-examples/js/js-semi
embedder_examples_js_js_semi_SOURCES = $(js_sources)
embedder_examples_js_js_semi_CPPFLAGS = $(js_cppflags) -DKN_COLLECTOR_SEMI
embedder_examples_js_js_semi_LDADD = collectors/libkn-semi.la -lm
endif

if KN_BUILD_PCC
noinst_PROGRAMS += embedder-examples/js/js-pcc
embedder_examples_js_js_pcc_SOURCES = $(js_sources)
embedder_examples_js_js_pcc_CPPFLAGS = $(js_cppflags) -DKN_COLLECTOR_PCC
embedder_examples_js_js_pcc_LDADD = collectors/libkn-pcc.la -lm
endif

if KN_BUILD_GEN_MS
noinst_PROGRAMS += embedder-examples/js/js-gen-ms
embedder_examples_js_js_gen_ms_SOURCES = $(js_sources)
embedder_examples_js_js_gen_ms_CPPFLAGS = $(js_cppflags) -DKN_COLLECTOR_GEN_MS
embedder_examples_js_js_gen_ms_LDADD = collectors/libkn-gen-ms.la -lm
endif

if KN_BUILD_BLOCK_PERSIST
noinst_PROGRAMS += embedder-examples/js/js-block-persist
embedder_examples_js_js_block_persist_SOURCES = $(js_sources)
embedder_examples_js_js_block_persist_CPPFLAGS = $(js_cppflags) -DKN_COLLECTOR_BLOCK_PERSIST
embedder_examples_js_js_block_persist_LDADD = collectors/libkn-block-persist.la -lm
endif

# Tests: the corpus on every built collector, then in stress mode; bad
# input; JSON.  Each is a TAP shell script (see tests/tap.sh).
js_tests = embedder-examples/js/tests/corpus.sh embedder-examples/js/tests/corpus-stress.sh \
  embedder-examples/js/tests/errors.sh embedder-examples/js/tests/json.sh \
  embedder-examples/js/tests/subset.sh
TESTS += $(js_tests)
EXTRA_DIST += $(js_tests) embedder-examples/js/tests/json-cases.js \
  embedder-examples/js/tests/json-cases.out embedder-examples/js/tests/json-malformed.txt \
  embedder-examples/js/tests/subset.js embedder-examples/js/tests/subset.out
