# The JS corpus (shared/corpus/js) through js-NAME for every built
# collector.  With JS_CORPUS_STRESS=N, again in stress mode with the
# verifier: a collection every N allocations, the heap checked after each.
. "$top_srcdir/tests/tap.sh"
corpus="$KN_SHARED_DIR/corpus"
set -- $KN_KNOWN_COLLECTORS
plan $#
mode=""
if [ -n "$JS_CORPUS_STRESS" ]; then
  mode=" (stress=$JS_CORPUS_STRESS,verify=1)"
  KENNEL_OPTIONS="stress=$JS_CORPUS_STRESS,verify=1"
  export KENNEL_OPTIONS
fi
for c in "$@"; do
  js="$top_builddir/embedder-examples/js/js-$c"
  case " $KN_BUILT_COLLECTORS " in
    *" $c "*) ;;
    *) skip "js-$c: corpus$mode" "collector not built in this configuration"; continue ;;
  esac
  if [ ! -x "$corpus/run-corpus" ] || [ ! -d "$corpus/js" ]; then
    skip "js-$c: corpus$mode" "no corpus at $corpus (KN_SHARED_DIR)"
    continue
  fi
  start=$(date +%s)
  if out=$("$corpus/run-corpus" "$js" "$corpus/js" 600 2>&1); then
    ok "js-$c: corpus$mode, $(echo "$out" | tail -n 1), $(( $(date +%s) - start )) s"
  else
    fail "js-$c: corpus$mode"
    echo "$out" | grep -v '^ok' | diag
  fi
done
finish
