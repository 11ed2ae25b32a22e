#!/bin/sh
# The Scheme corpus (../shared/corpus/scheme) on every built collector:
# each program's output must equal its .out exactly.  About 10 s of CPU
# per collector.
. "$top_srcdir/embedder-examples/scheme/tests/corpus-lib.sh"
unset KENNEL_OPTIONS
run_corpus_all "normal" 120
finish
