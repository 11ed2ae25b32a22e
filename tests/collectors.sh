# Every collector kennel knows: built ones must have a test binary that
# names itself; the others are reported as skipped, never as passed.
. "$top_srcdir/tests/tap.sh"
set -- $KN_KNOWN_COLLECTORS
plan $#
for c in "$@"; do
  case " $KN_BUILT_COLLECTORS " in
    *" $c "*)
      bin="$top_builddir/tests/kntest-$c"
      if [ -x "$bin" ] && "$bin" -l | grep -q '^graph/random$' &&
         "$bin" options/defaults | grep -q "^ok 1 - $c: options/defaults"; then
        ok "$c: built, its suite runs"
      else
        fail "$c: built, but $bin does not run as $c"
      fi ;;
    *) skip "$c" "not built in this configuration (see --enable-collectors)" ;;
  esac
done
finish
