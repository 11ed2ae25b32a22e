# The whole pcc suite with parallelism=1: one GC thread, non-atomic forwarding.
# Options in KN_TEST_OPTIONS come after ours and win.
KN_TEST_OPTIONS="parallelism=1${KN_TEST_OPTIONS:+,$KN_TEST_OPTIONS}"
export KN_TEST_OPTIONS
exec "$top_builddir/tests/kntest-pcc"
