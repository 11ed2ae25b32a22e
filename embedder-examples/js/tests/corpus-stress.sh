# The JS corpus in stress mode; see corpus.sh.  N = 20000 keeps the pass
# within about 25 s of CPU per collector on semi (measured, 2 cores).
JS_CORPUS_STRESS=${JS_CORPUS_STRESS:-20000}
. "$top_srcdir/embedder-examples/js/tests/corpus.sh"
