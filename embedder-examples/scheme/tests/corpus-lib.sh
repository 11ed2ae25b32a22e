# Shared by corpus.sh and stress.sh: runs the Scheme corpus with every
# built collector's interpreter and turns run-corpus's lines into TAP.
# A collector that is not built, or a missing corpus (make distcheck has
# no ../shared), is reported as SKIP, never as passed.
. "$top_srcdir/tests/tap.sh"

# run_corpus_all LABEL TIMEOUT_S: runs with the environment as it is.
run_corpus_all() {
  label=$1
  timeout_s=$2
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
    out=$("$corpus/run-corpus" "$interp" "$corpus/scheme" "$timeout_s" 2>&1)
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
      fail "$c: run-corpus failed (status $status)"
      echo "$out" | diag
    fi
  done
  plan "$tap_n"
}
