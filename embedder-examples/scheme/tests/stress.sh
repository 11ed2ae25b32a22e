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
# Under sanitizers N grows to keep the check within its budget: ASan is
# ~2.5x slower; TSan (CI builds it for pcc) is slower still and not yet
# measured here, hence the cautious figure.
case ${KN_SAN_CFLAGS:-} in
  *thread*) N=${KN_SCHEME_STRESS:-100000} ;;
  ?*) N=${KN_SCHEME_STRESS:-40000} ;;
  *) N=${KN_SCHEME_STRESS:-20000} ;;
esac
KENNEL_OPTIONS="stress=$N,verify=1"
export KENNEL_OPTIONS
run_corpus_all "stress=$N,verify=1" 600
finish
