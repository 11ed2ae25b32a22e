# Malformed programs never crash an interpreter: mutants of the corpus
# programs (tests/mutate.py: truncated, spans deleted or repeated, tokens
# and stray bytes inserted) through the Scheme and JS examples, on every
# built collector.  Each run must end with one of the interpreter's own
# statuses, or run into the timeout (a mutant may loop forever); a signal,
# any other status or a sanitizer report fails the test, and the mutant is
# kept in the test's log.  KN_TEST_SEED changes the mutants;
# KN_MUTANTS sets how many per interpreter and collector (40).
. "$top_srcdir/tests/tap.sh"
corpus="$KN_SHARED_DIR/corpus"
count=${KN_MUTANTS:-40}
seed=${KN_TEST_SEED:-20261130}
keep=$(mktemp -d "${TMPDIR:-/tmp}/mutants.XXXXXX") || exit 99
set -- $KN_KNOWN_COLLECTORS
plan $((2 * $#))
for c in "$@"; do
  for lang in scheme:scm js:js; do
    sub=${lang%%:*} ext=${lang#*:}
    what="$sub-$c: $count mutants of the $sub corpus"
    case " $KN_BUILT_COLLECTORS " in
      *" $c "*) ;;
      *) skip "$what" "collector not built in this configuration"; continue ;;
    esac
    if [ ! -d "$corpus/$sub" ]; then
      skip "$what" "no corpus at $corpus (KN_SHARED_DIR)"
      continue
    fi
    if out=$(python3 "$top_srcdir/tests/mutate.py" \
               "$top_builddir/embedder-examples/$sub/$sub-$c" "$corpus/$sub" "$ext" \
               "$count" "$seed" 10 "$keep/$sub-$c" 2>&1); then
      ok "$what: $(echo "$out" | tail -n 1)"
    else
      fail "$what"
      echo "$out" | diag
      for f in "$keep/$sub-$c"/mutant-*; do
        [ -f "$f" ] && { echo "--- $f:"; head -c 2000 "$f"; echo; } | diag
      done
    fi
  done
done
rm -rf "$keep"
finish
