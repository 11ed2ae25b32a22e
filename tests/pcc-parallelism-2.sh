# The whole pcc suite with parallelism=2: two GC threads, atomic forwarding and stealing.
# parallel-threshold=0: the suite's heaps are small, and would otherwise be
# traced on one thread.  Options in KN_TEST_OPTIONS come after ours and win.
KN_TEST_OPTIONS="parallelism=2,parallel-threshold=0${KN_TEST_OPTIONS:+,$KN_TEST_OPTIONS}"
export KN_TEST_OPTIONS
exec "$top_builddir/tests/kntest-pcc"
