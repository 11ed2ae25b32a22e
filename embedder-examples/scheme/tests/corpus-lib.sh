# Shared by corpus.sh and stress.sh: runs the Scheme corpus, and this
# example's own programs (tests/programs: the whole subset, with output
# from Guile), with every built collector's interpreter, and turns
# run-corpus's lines into TAP.
# A collector that is not built, or a missing corpus (make distcheck has
# no ../shared), is reported as SKIP, never as passed.
. "$top_srcdir/tests/tap.sh"

# run_corpus_all LABEL TIMEOUT_S [STRESS_N]: runs with the environment as
# it is, or in stress mode (tests/tap.sh's stress_options) when STRESS_N is
# given.
run_corpus_all() {
  label=$1
  timeout_s=$2
  stress_n=${3:-}
  corpus=${KN_SHARED_DIR:-}/corpus
  if [ ! -x "$corpus/run-corpus" ] || [ ! -d "$corpus/scheme" ]; then
    skip "scheme corpus $label" "no corpus at $corpus (configure --with-shared)"
    plan 1
    return 0
  fi
  for c in $KN_KNOWN_COLLECTORS; do
    interp=$top_builddir/embedder-examples/scheme/scheme-$c
    case " $KN_BUILT_COLLECTORS " in
      *" $c "*) ;;
      *) skip "$c: scheme corpus $label" "$c is not built in this configuration"; continue ;;
    esac
    if [ ! -x "$interp" ]; then
      fail "$c: $interp is missing"
      continue
    fi
    if [ -n "$stress_n" ]; then
      KENNEL_OPTIONS=$(stress_options "$c" "$stress_n")
      export KENNEL_OPTIONS
    fi
    for dir in "$corpus/scheme" "$top_srcdir/embedder-examples/scheme/tests/programs"; do
      out=$("$corpus/run-corpus" "$interp" "$dir" "$timeout_s" 2>&1)
      status=$?
      lines=0
      while IFS= read -r line; do
        case $line in
          "ok "*) ok "$c: ${line#ok } ($label)"; lines=$((lines + 1)) ;;
          "FAIL "*) fail "$c: ${line#FAIL } ($label)"; lines=$((lines + 1)) ;;
        esac
      done <<EOF_OUT
$out
EOF_OUT
      if [ "$lines" -eq 0 ] || { [ "$status" -ne 0 ] && [ "$tap_failed" -eq 0 ]; }; then
        fail "$c: run-corpus $dir failed (status $status)"
        echo "$out" | diag
      fi
    done
  done
  plan "$tap_n"
}
