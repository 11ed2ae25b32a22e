kn_pcc_sources = \
  collectors/pcc/pcc.h collectors/pcc/pcc.c \
  collectors/pcc/blocks.h collectors/pcc/blocks.c \
  collectors/pcc/evacuate.c collectors/pcc/verify.c
EXTRA_DIST += $(kn_pcc_sources) tests/pcc-parallelism-1.sh tests/pcc-parallelism-2.sh
kennelinclude_HEADERS += api/kn-attrs-pcc.h

if KN_INSTALL_PCC
libkennel_la_SOURCES += $(kn_pcc_sources)
endif

if KN_BUILD_PCC
noinst_LTLIBRARIES += collectors/libkn-pcc.la
collectors_libkn_pcc_la_SOURCES = $(kn_shared_sources) $(kn_pcc_sources)
collectors_libkn_pcc_la_CPPFLAGS = $(AM_CPPFLAGS) -DKN_INSIDE_LIBRARY -DKN_COLLECTOR_PCC

# The suite runs twice: with one GC thread (non-atomic forwarding) and with
# two (atomic forwarding, stealing).  Each script runs tests/kntest-pcc.
check_PROGRAMS += tests/kntest-pcc
tests_kntest_pcc_SOURCES = $(kn_test_sources) tests/t-pcc.c
tests_kntest_pcc_CPPFLAGS = $(AM_CPPFLAGS) -DKN_COLLECTOR_PCC
tests_kntest_pcc_LDADD = collectors/libkn-pcc.la -lm
TESTS += tests/pcc-parallelism-1.sh tests/pcc-parallelism-2.sh
endif
