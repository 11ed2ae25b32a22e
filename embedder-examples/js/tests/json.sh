# JSON.parse and JSON.stringify through js-NAME for every built collector:
# round trips (json-cases.js, expected output from Node 20), deep nesting
# beyond what Node accepts, and malformed documents, each of which must
# end the program with its position and status 1.
. "$top_srcdir/tests/tap.sh"
here="$top_srcdir/embedder-examples/js/tests"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
n_malformed=$(grep -vc '^#' "$here/json-malformed.txt")
per=$((n_malformed + 2))
set -- $KN_KNOWN_COLLECTORS
plan $(( $# * per ))
for c in "$@"; do
  js="$top_builddir/embedder-examples/js/js-$c"
  case " $KN_BUILT_COLLECTORS " in
    *" $c "*) ;;
    *) i=0; while [ $i -lt $per ]; do skip "js-$c: json case $i" "collector not built"; i=$((i + 1)); done
       continue ;;
  esac
  if timeout 120 "$js" "$here/json-cases.js" >"$tmp/out" 2>"$tmp/err" &&
     cmp -s "$tmp/out" "$here/json-cases.out"; then
    ok "js-$c: json-cases.js matches Node"
  else
    fail "js-$c: json-cases.js matches Node"
    diff "$here/json-cases.out" "$tmp/out" | head -20 | diag
    head -5 "$tmp/err" | diag
  fi
  # 262,144 levels: parsed and printed back, or refused with a clear error
  cat >"$tmp/deep.js" <<'JS'
var open = "[", close = "]";
for (var i = 0; i < 18; i++) { open = open + open; close = close + close; }
var text = open + close;
var v = JSON.parse(text);
print(JSON.stringify(v) === text);
JS
  timeout 120 "$js" "$tmp/deep.js" >"$tmp/out" 2>"$tmp/err"
  st=$?
  if { [ $st -eq 0 ] && [ "$(cat "$tmp/out")" = true ]; } ||
     { [ $st -eq 1 ] && grep -q 'RangeError: JSON.*nesting too deep' "$tmp/err"; }; then
    ok "js-$c: 262144 nested arrays (status $st)"
  else
    fail "js-$c: 262144 nested arrays (status $st)"
    head -5 "$tmp/err" | diag
  fi
  while IFS='	' read -r lit want; do
    case $lit in '#'*) continue ;; esac
    printf 'print("start");\nJSON.parse(%s);\nprint("not reached");\n' "$lit" >"$tmp/m.js"
    timeout 60 "$js" "$tmp/m.js" >"$tmp/out" 2>"$tmp/err"
    st=$?
    if [ $st -eq 1 ] && [ "$(cat "$tmp/out")" = start ] &&
       grep -qF "$tmp/m.js:2:11: SyntaxError: JSON.parse: $want" "$tmp/err"; then
      ok "js-$c: malformed $lit: $want"
    else
      fail "js-$c: malformed $lit (status $st)"
      head -3 "$tmp/err" | diag
    fi
  done <"$here/json-malformed.txt"
done
finish
