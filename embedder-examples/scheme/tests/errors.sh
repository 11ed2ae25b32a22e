#!/bin/sh
# Bad input to the Scheme interpreter: syntax errors say file, line and
# column and exit 1; runtime errors say what and where and exit 1; heap
# exhaustion under a limit is reported with status 2 (on every built
# collector); bad options exit 2.  Never a crash, never a hang (each run
# has a timeout).  A few seconds in all.
. "$top_srcdir/tests/tap.sh"

tmp=$(mktemp -d "${TMPDIR:-/tmp}/scheme-errors.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT
built=""
for c in $KN_BUILT_COLLECTORS; do
  [ -x "$top_builddir/embedder-examples/scheme/scheme-$c" ] && built="$built $c"
done
set -- $built
if [ $# -eq 0 ]; then
  plan 1
  fail "no scheme interpreter built (KN_BUILT_COLLECTORS='$KN_BUILT_COLLECTORS')"
  exit 1
fi
bindir=$(cd "$top_builddir/embedder-examples/scheme" && pwd)
scheme=$bindir/scheme-$1

# run INTERP PROGRAM ARGS...: runs PROGRAM (text) from t.scm; sets $status,
# with stdout in $tmp/out and stderr in $tmp/err.
run() {
  interp=$1 program=$2
  shift 2
  printf '%s' "$program" >"$tmp/t.scm"
  (cd "$tmp" && timeout -k 5 60 "$interp" "$@" t.scm) </dev/null >"$tmp/out" 2>"$tmp/err"
  status=$?
}

# expect DESCRIPTION STATUS MESSAGE PROGRAM [ARGS...]: stderr must hold
# MESSAGE (a fixed string) and the exit status must be STATUS.
expect_with() {
  interp=$1 d=$2 want_status=$3 want=$4 program=$5
  shift 5
  run "$interp" "$program" "$@"
  if [ "$status" -eq "$want_status" ] && grep -qF -- "$want" "$tmp/err"; then
    ok "$d"
  else
    fail "$d: status $status (want $want_status), stderr:"
    diag <"$tmp/err"
    printf 'wanted: %s\n' "$want" | diag
  fi
}
expect() { expect_with "$scheme" "$@"; }

# ---- Malformed source ------------------------------------------------------
expect "unclosed list" 1 "t.scm:2:1: syntax error: missing ')'" \
  '(display 1)
(display (+ 1 2)'
expect "unclosed list around a closed one" 1 "t.scm:1:1: syntax error: missing ')'" \
  '(display (list 1 2)'
expect "unexpected close paren" 1 "t.scm:1:12: syntax error: unexpected ')'" '(display 1))'
expect "mismatched bracket" 1 "t.scm:1:4: syntax error: ']' closes the list opened at line 1 column 1" \
  '(1 ]'
expect "unterminated string" 1 "t.scm:2:10: syntax error: unterminated string" \
  '(newline)
(display "abc)
(newline)'
expect "bad escape in string" 1 "t.scm:1:13: syntax error: unknown escape '\\q'" '(display "ab\q")'
expect "bad token #" 1 "t.scm:1:1: syntax error: bad token '#q'" '#q'
expect "unknown character name" 1 "t.scm:1:10: syntax error: unknown character name '#\\foo'" \
  '(display #\foo)'
expect "bad character in source" 1 "t.scm:1:12: syntax error: bad character (byte 0x01)" \
  "$(printf '(display 1)\001')"
expect "floating-point literal" 1 "t.scm:1:4: syntax error: bad number '1.5'" '(+ 1.5 2)'
expect "too many datums after dot" 1 "t.scm:1:15: syntax error: more than one datum after '.'" \
  "(quote (1 . 2 3))"
expect "malformed if" 1 "t.scm:1:1: syntax error: bad if form" '(if)'
expect "malformed let binding" 1 "t.scm:1:7: syntax error: let: a binding must be (name value)" \
  '(let ((x)) x)'
expect "duplicate parameter" 1 "t.scm:1:12: syntax error: parameter 'x' appears twice" \
  '(lambda (x x) x)'
run "$scheme" '(display "before")
(car 1)'
check "output before an error is kept" [ "$(cat "$tmp/out")" = before ]

# ---- Runtime errors ------------------------------------------------------------
expect "car of a non-pair" 1 "t.scm:2:10: error: car: expected a pair, got 5" \
  '(define x 5)
(display (car x))'
expect "wrong type to +" 1 "t.scm:1:1: error: +: expected an integer, got \"a\"" '(+ 1 "a")'
expect "unbound variable" 1 "t.scm:1:10: error: unbound variable: nowhere" '(display nowhere)'
expect "wrong argument count" 1 "t.scm:2:1: error: f: wrong number of arguments (expected 1, got 2)" \
  '(define (f x) x)
(f 1 2)'
expect "primitive argument count" 1 "error: cons: wrong number of arguments (expected 2, got 1)" \
  '(cons 1)'
expect "vector index out of range" 1 "t.scm:1:1: error: vector-ref: index 5 out of range [0, 2)" \
  '(vector-ref (vector 1 2) 5)'
expect "string index out of range" 1 "error: string-ref: index 3 out of range [0, 3)" \
  '(string-ref "abc" 3)'
expect "not a procedure" 1 "t.scm:1:1: error: not a procedure: 5" '(5 3)'
expect "division by zero" 1 "error: modulo: division by zero" '(modulo 7 0)'
expect "integer overflow" 1 "error: *: integer overflow" '(* 4611686018427387903 2)'
expect "length of a circular list" 1 "error: length: circular list" \
  '(define l (list 1 2)) (set-cdr! (cdr l) l) (length l)'
expect "letrec variable used too early" 1 "error: variable used before its definition: b" \
  '(letrec ((a b) (b 1)) a)'
expect "set! of an unbound variable" 1 "error: set! of an unbound variable: nowhere" \
  '(set! nowhere 1)'
expect "runaway recursion" 1 "error: stack overflow: recursion too deep" \
  '(define (f n) (+ 1 (f n))) (f 0)' --stack-size=4m
run "$scheme" '(define (f n) (if (= n 0) 0 (+ 1 (f (- n 1))))) (display (f 100000))'
deep_ok() { [ "$status" -eq 0 ] && [ "$(cat "$tmp/out")" = 100000 ]; }
check "100000-deep non-tail recursion" deep_ok

# ---- Options ---------------------------------------------------------------------
expect "unknown kennel option" 2 "unknown option 'bogus'" '1' --gc-options=bogus=1
expect "bad --heap-size" 2 "option 'heap-size'" '1' --heap-size=12q
KENNEL_OPTIONS=stress=x; export KENNEL_OPTIONS
expect "bad KENNEL_OPTIONS" 2 "option 'stress'" '1'
unset KENNEL_OPTIONS
run "$scheme" '(gc) (gc) (display "ok")' --gc-stats
majors=$(sed -n 's/^collections-major: //p' "$tmp/err")
stats_ok() {
  [ "$status" -eq 0 ] && [ "${majors:-0}" -ge 2 ] && grep -q "^collector: $1\$" "$tmp/err" &&
    grep -q '^pause-p95-ms: ' "$tmp/err" && grep -q '^peak-heap-bytes: ' "$tmp/err"
}
check "--gc-stats reports the collections (gc) asked for" stats_ok "$1"

# ---- The REPL ----------------------------------------------------------------------
out=$(printf '(define x 6)\n(* x\n 7)\n(car 1)\n(display "still here")\n' |
      timeout -k 5 60 "$scheme" 2>"$tmp/err")
repl_ok() {
  [ "$out" = "42
still here" ] && grep -qF "error: car: expected a pair, got 1" "$tmp/err"
}
check "REPL evaluates, writes values and survives an error" repl_ok

# ---- Heap exhaustion, on every built collector -------------------------------------
for c in $built; do
  interp=$bindir/scheme-$c
  expect_with "$interp" "$c: heap exhaustion in a fixed heap" 2 \
    "error: heap exhausted: cannot allocate" \
    '(define (grow l) (grow (cons l l))) (grow 0)' --heap-size=1m
  expect_with "$interp" "$c: heap exhaustion at heap-max-size" 2 "error: heap exhausted" \
    '(define (grow l) (grow (cons l l))) (grow 0)' --gc-options=heap-size=1m,heap-max-size=4m
  expect_with "$interp" "$c: one vector bigger than the heap" 2 "error: heap exhausted" \
    '(define v (make-vector 10000000 0))' --heap-size=4m
done

finish_plan() { plan "$tap_n"; finish; }
finish_plan
