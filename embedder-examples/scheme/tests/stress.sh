#!/bin/sh
# The Scheme corpus again in stress mode: a collection every N allocations
# and the heap verifier after each one, on every built collector.  A
# rooting mistake in the interpreter (or a collector that loses an object)
# shows up as wrong output or a verifier abort.
#
# N is the smallest the time budget allows.  Measured on semi (CPU time
# on a shared, loaded 2-core machine, so ratios from one run matter more
# than the figures): corpus.sh takes ~6 s; this script took ~100 s at
# N=10000, ~23 s at N=20000 and ~11 s at N=50000.  The cost is
# collections x live size (the verifier walks the live heap after each
# collection), dominated by list-sort, nqueens and binary-trees.  Under
# ASan+UBSan the corpus takes ~15 s and this script ~39 s at N=40000.
# pcc costs about the same as semi.
. "$top_srcdir/embedder-examples/scheme/tests/corpus-lib.sh"
# Under ASan (~2.5x slower) N doubles to keep the check within its
# budget.  Under TSan (CI builds it for pcc) the interpreter is ~20x slower
# (binary-trees: 0.9 s -> 20 s of CPU), so the stress pass is skipped
# there; corpus.sh still runs every program, collections included.
case ${KN_SAN_CFLAGS:-} in
  *thread*)
    if [ -z "${KN_SCHEME_STRESS:-}" ]; then
      skip "scheme corpus in stress mode" "TSan build: too slow (set KN_SCHEME_STRESS=N to run it)"
      plan 1
      exit 0
    fi
    N=$KN_SCHEME_STRESS ;;
  ?*) N=${KN_SCHEME_STRESS:-40000} ;;
  *) N=${KN_SCHEME_STRESS:-20000} ;;
esac
run_corpus_all "stress=$N,verify=1" 600 "$N"
finish
