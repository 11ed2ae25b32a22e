kn_gen_ms_sources = \
  collectors/shared/one-mutator.c \
  collectors/gen-ms/gen-ms.h \
  collectors/gen-ms/heap.c \
  collectors/gen-ms/pages.c \
  collectors/gen-ms/nursery.c \
  collectors/gen-ms/old-space.c \
  collectors/gen-ms/remset.c \
  collectors/gen-ms/collect.c \
  collectors/gen-ms/policy.c \
  collectors/gen-ms/verify.c
EXTRA_DIST += $(kn_gen_ms_sources)
kennelinclude_HEADERS += api/kn-attrs-gen-ms.h

if KN_INSTALL_GEN_MS
libkennel_la_SOURCES += $(kn_gen_ms_sources)
endif

# Two variants are built and tested in the tree: precise roots, and the
# conservative stack mode (-DKN_CONSERVATIVE_STACK) that
# --enable-conservative-stack selects for the installed library.
if KN_BUILD_GEN_MS
noinst_LTLIBRARIES += collectors/libkn-gen-ms.la collectors/libkn-gen-ms-conservative.la
collectors_libkn_gen_ms_la_SOURCES = $(kn_shared_sources) $(kn_gen_ms_sources)
collectors_libkn_gen_ms_la_CPPFLAGS = $(AM_CPPFLAGS) -DKN_INSIDE_LIBRARY -DKN_COLLECTOR_GEN_MS
collectors_libkn_gen_ms_conservative_la_SOURCES = $(kn_shared_sources) $(kn_gen_ms_sources)
collectors_libkn_gen_ms_conservative_la_CPPFLAGS = $(AM_CPPFLAGS) -DKN_INSIDE_LIBRARY \
  -DKN_COLLECTOR_GEN_MS -DKN_CONSERVATIVE_STACK

check_PROGRAMS += tests/kntest-gen-ms tests/kntest-gen-ms-conservative
tests_kntest_gen_ms_SOURCES = $(kn_test_sources) tests/t-gen-ms.c
tests_kntest_gen_ms_CPPFLAGS = $(AM_CPPFLAGS) -DKN_COLLECTOR_GEN_MS
tests_kntest_gen_ms_LDADD = collectors/libkn-gen-ms.la -lm
tests_kntest_gen_ms_conservative_SOURCES = $(kn_test_sources) tests/t-gen-ms.c
tests_kntest_gen_ms_conservative_CPPFLAGS = $(AM_CPPFLAGS) -DKN_COLLECTOR_GEN_MS \
  -DKN_CONSERVATIVE_STACK
tests_kntest_gen_ms_conservative_LDADD = collectors/libkn-gen-ms-conservative.la -lm
TESTS += tests/kntest-gen-ms tests/kntest-gen-ms-conservative
endif
