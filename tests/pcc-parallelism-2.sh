# The whole pcc suite with parallelism=2: two GC threads, atomic forwarding and stealing.
# Options in KN_TEST_OPTIONS come after ours and win.
KN_TEST_OPTIONS="parallelism=2${KN_TEST_OPTIONS:+,$KN_TEST_OPTIONS}"
export KN_TEST_OPTIONS
exec "$top_builddir/tests/kntest-pcc"
