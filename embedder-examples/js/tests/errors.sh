# Bad input to js-NAME, for every built collector: each case must end with
# its message and exit status, never a crash (status >= 128) or a hang.
# Under the sanitizers, no case may print a report either: an error run
# releases the heap and every buffer, so LeakSanitizer has nothing to say.
. "$top_srcdir/tests/tap.sh"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
n_cases=25

# run_case JS STATUS STDERR_TEXT [OPTIONS...]: runs the program in $tmp/p.js.
run_case() {
  js=$1; want_status=$2; want=$3; shift 3
  timeout 60 "$js" "$@" "$tmp/p.js" >"$tmp/out" 2>"$tmp/err"
  status=$?
  if [ "$status" -eq "$want_status" ] && grep -qF -- "$want" "$tmp/err" &&
     ! grep -qE 'ERROR: (Address|Leak)Sanitizer|runtime error:' "$tmp/err"; then
    return 0
  fi
  echo "status $status (want $want_status), stderr:" | diag
  head -c 600 "$tmp/err" | diag
  echo "want: $want" | diag
  return 1
}

# case DESCRIPTION STATUS STDERR_TEXT PROGRAM [OPTIONS...]
case_() {
  d=$1; st=$2; text=$3; printf '%s' "$4" >"$tmp/p.js"; shift 4
  text=$(printf '%s' "$text" | sed "s|@F|$tmp/p.js|")
  if run_case "$js" "$st" "$text" "$@"; then ok "js-$c: $d"; else fail "js-$c: $d"; fi
}

set -- $KN_KNOWN_COLLECTORS
plan $(( $# * n_cases ))
for c in "$@"; do
  js="$top_builddir/embedder-examples/js/js-$c"
  case " $KN_BUILT_COLLECTORS " in
    *" $c "*) ;;
    *) i=0; while [ $i -lt $n_cases ]; do skip "js-$c: error case $i" "collector not built"; i=$((i + 1)); done
       continue ;;
  esac
  case_ "syntax error: missing expression" 1 '@F:2:9: SyntaxError: unexpected' 'var a = 1;
var b = ;'
  case_ "syntax error: unterminated string" 1 '@F:1:9: SyntaxError: unterminated string literal' 'var s = "abc
print(s);'
  case_ "syntax error: unterminated block" 1 '@F:1:14: SyntaxError: unterminated block' 'function f() { return 1;'
  case_ "syntax error: stray character" 1 "@F:1:11: SyntaxError: unexpected character '@'" 'var x = 1 @ 2;'
  case_ "syntax error: invalid assignment target" 1 '@F:3:1: SyntaxError: invalid assignment target' '

1 = 2;'
  case_ "syntax error: missing ';' between statements" 1 "@F:1:7: SyntaxError: expected ';'" 'var a b;'
  case_ "syntax error: unterminated comment" 1 '@F:1:3: SyntaxError: unterminated comment' 'x /* never closed'
  case_ "property of undefined" 1 "@F:2:12: TypeError: Cannot read properties of undefined (reading 'x')" 'var o;
print(1 + o.x);'
  case_ "property of null by index" 1 "@F:1:16: TypeError: Cannot read properties of null (reading 'k')" 'var o = null; o["k"];'
  case_ "setting a property of undefined" 1 "TypeError: Cannot set properties of undefined (setting 'y')" 'var u; u.y = 1;'
  case_ "calling a number" 1 '@F:1:18: TypeError: f is not a function' 'var f = 3; print(f(1));'
  case_ "calling a missing method" 1 'TypeError: o.nope is not a function' 'var o = {}; o.nope();'
  case_ "new on a non-function" 1 'TypeError: k is not a constructor' 'var k = {}; new k();'
  case_ "undefined variable" 1 '@F:1:7: ReferenceError: missing is not defined' 'print(missing + 1);'
  case_ "assignment to a constant" 1 'TypeError: Assignment to constant variable.' 'const c = 1; c = 2;'
  case_ "runaway recursion" 1 'RangeError: Maximum call stack size exceeded' 'function r(n) { return r(n + 1) + 1; } r(0);'
  case_ "JSON.stringify of a cycle" 1 '@F:1:62: TypeError: Converting circular structure to JSON' 'var a = {}; var b = {n: [1, {a: a}]}; a.b = b; JSON.stringify([a]);'
  case_ "JSON.stringify of a cycle 1000 objects long" 1 'TypeError: Converting circular structure to JSON' 'var h = {}; var p = h; for (var i = 0; i < 1000; i++) { p.n = {}; p = p.n; } p.n = h; JSON.stringify(h);'
  case_ "output before an error is kept" 1 'TypeError' 'print("before"); null.x;'
  if [ "$(cat "$tmp/out")" = before ]; then :; else echo "stdout: $(cat "$tmp/out")" | diag; fi
  case_ "heap exhaustion is reported" 3 'out of memory: the heap limit is reached' \
    'var a = []; while (true) a.push([1, 2, 3]);' --gc-options=heap-policy=fixed,heap-size=4m
  case_ "unknown kennel option" 2 'nonsense' 'print(1);' --gc-options=nonsense=1
  case_ "malformed heap size" 2 'heap-size' 'print(1);' --heap-size=lots
  KENNEL_OPTIONS=verify=maybe; export KENNEL_OPTIONS
  case_ "malformed KENNEL_OPTIONS" 2 "KENNEL_OPTIONS" "print(1);"
  unset KENNEL_OPTIONS
  case_ "unknown command-line option" 2 "unknown option '--bogus'" 'print(1);' --bogus
  printf 'print(1);' >"$tmp/p.js"
  timeout 60 "$js" "$tmp/missing.js" >/dev/null 2>"$tmp/err"
  st=$?
  if [ $st -eq 2 ] && grep -q "cannot read" "$tmp/err"; then ok "js-$c: missing program file"
  else fail "js-$c: missing program file (status $st)"; fi
done
finish
