# A tiny TAP helper for the shell tests: source it, call plan, then ok/fail/skip.
tap_n=0
tap_failed=0
plan() { echo "1..$1"; }
ok() { tap_n=$((tap_n + 1)); echo "ok $tap_n - $*"; }
fail() { tap_n=$((tap_n + 1)); tap_failed=$((tap_failed + 1)); echo "not ok $tap_n - $*"; }
skip() { tap_n=$((tap_n + 1)); echo "ok $tap_n - $1 # SKIP $2"; }
diag() { sed 's/^/# /'; }
# check DESCRIPTION COMMAND...: ok if the command succeeds.
check() { d=$1; shift; if "$@"; then ok "$d"; else fail "$d"; fi; }
finish() { [ "$tap_failed" -eq 0 ]; }
# stress_options COLLECTOR N: the kennel options of a stress run on COLLECTOR,
# a collection every N allocations with the verifier after each.
# block-persist runs it with persistence off: persistence keeps whole blocks
# (which would hide a missing root rather than expose it), and where a
# program's live data shares blocks with its garbage it cascades, so every
# forced collection re-marks the cascaded heap (binary-trees.scm: over 120 s
# instead of 5 s).  The ordinary corpus runs keep persistence on.
stress_options() {
  case $1 in
    block-persist) echo "stress=$2,verify=1,persistence=0" ;;
    *) echo "stress=$2,verify=1" ;;
  esac
}
