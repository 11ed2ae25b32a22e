#!/bin/sh
# The Scheme corpus again in stress mode: a collection every N allocations
# and the heap verifier after each one, on every built collector.  A
# rooting mistake in the interpreter (or a collector that loses an object)
# shows up as wrong output or a verifier abort.
#
# N is the smallest the time budget allows.  Measured on semi (CPU time,
# noisy shared machine, ratios from one run): the corpus takes ~6 s
# normally; with verify=1 it takes ~100 s at N=10000, ~25 s at N=20000
# and ~11 s at N=50000.  The cost is collections x live size, dominated by
# list-sort, nqueens and binary-trees.
. "$top_srcdir/embedder-examples/scheme/tests/corpus-lib.sh"
N=${KN_SCHEME_STRESS:-20000}
KENNEL_OPTIONS="stress=$N,verify=1"
export KENNEL_OPTIONS
run_corpus_all "stress=$N,verify=1" 600
finish
