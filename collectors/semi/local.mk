kn_semi_sources = collectors/semi/semi.c collectors/shared/one-mutator.c
EXTRA_DIST += $(kn_semi_sources)
kennelinclude_HEADERS += api/kn-attrs-semi.h

if KN_INSTALL_SEMI
libkennel_la_SOURCES += $(kn_semi_sources)
endif

if KN_BUILD_SEMI
noinst_LTLIBRARIES += collectors/libkn-semi.la
collectors_libkn_semi_la_SOURCES = $(kn_shared_sources) $(kn_semi_sources)
collectors_libkn_semi_la_CPPFLAGS = $(AM_CPPFLAGS) -DKN_INSIDE_LIBRARY -DKN_COLLECTOR_SEMI

check_PROGRAMS += tests/kntest-semi
tests_kntest_semi_SOURCES = $(kn_test_sources) tests/t-semi.c
tests_kntest_semi_CPPFLAGS = $(AM_CPPFLAGS) -DKN_COLLECTOR_SEMI
tests_kntest_semi_LDADD = collectors/libkn-semi.la -lm
TESTS += tests/kntest-semi
endif
