# The public headers, installed under $(includedir)/kennel.
kennelincludedir = $(includedir)/kennel
kennelinclude_HEADERS = \
  api/kennel.h api/kn-object.h api/kn-edges.h api/kn-options.h api/kn-stats.h \
  api/kn-heap.h api/kn-attrs.h api/kn-inline.h
# Every collector's attrs header is installed (kn-attrs.h names them all);
# each collector's local.mk adds its own.
