# subset.js (features of the JS subset the corpus does not use) through
# js-NAME for every built collector, against Node's output.
. "$top_srcdir/tests/tap.sh"
here="$top_srcdir/embedder-examples/js/tests"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
set -- $KN_KNOWN_COLLECTORS
plan $#
for c in "$@"; do
  js="$top_builddir/embedder-examples/js/js-$c"
  case " $KN_BUILT_COLLECTORS " in
    *" $c "*) ;;
    *) skip "js-$c: subset.js" "collector not built"; continue ;;
  esac
  if timeout 60 "$js" "$here/subset.js" >"$tmp/out" 2>"$tmp/err" && cmp -s "$tmp/out" "$here/subset.out"; then
    ok "js-$c: subset.js matches Node"
  else
    fail "js-$c: subset.js matches Node"
    diff "$here/subset.out" "$tmp/out" | head -20 | diag
    head -5 "$tmp/err" | diag
  fi
done
finish
