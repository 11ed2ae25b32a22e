#!/bin/sh
# The Scheme corpus (../shared/corpus/scheme) on every built collector:
# each program's output must equal its .out exactly.  About 6 s of CPU
# per collector (15 s under ASan, ~2 min under TSan); the generous
# per-program timeout only catches hangs.
. "$top_srcdir/embedder-examples/scheme/tests/corpus-lib.sh"
unset KENNEL_OPTIONS
run_corpus_all "normal" 600
finish
