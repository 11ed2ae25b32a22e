# Machinery every collector uses.  It is compiled into each collector's
# library (it sees the collector's attributes through kennel.h).
kn_shared_sources = \
  collectors/shared/kn-internal.h \
  collectors/shared/common.c \
  collectors/shared/options.c \
  collectors/shared/stats.c \
  collectors/shared/verify.c \
  collectors/shared/large-space.h \
  collectors/shared/large-space.c \
  collectors/shared/stack.h \
  collectors/shared/stack.c \
  collectors/shared/mutators.h \
  collectors/shared/mutators.c \
  collectors/shared/tracer.h \
  collectors/shared/tracer.c

# The installed library: the shared machinery plus the configured collector,
# whose local.mk appends its sources.
lib_LTLIBRARIES += libkennel.la
libkennel_la_SOURCES = $(kn_shared_sources)
libkennel_la_CPPFLAGS = $(AM_CPPFLAGS) -DKN_INSIDE_LIBRARY $(KN_COLLECTOR_CFLAGS)
libkennel_la_LDFLAGS = $(AM_LDFLAGS) -version-info $(KENNEL_LT_VERSION) -lm
