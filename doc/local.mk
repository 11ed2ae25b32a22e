# One line a page, so that each collector's page merges without conflict.
EXTRA_DIST += doc/architecture.md
EXTRA_DIST += doc/manual.md
EXTRA_DIST += doc/semi.md
EXTRA_DIST += doc/pcc.md
EXTRA_DIST += doc/benchmarks.md
EXTRA_DIST += doc/benchmarks/wall.png doc/benchmarks/rss.png
EXTRA_DIST += doc/benchmarks/pauses.png doc/benchmarks/sweep.png
EXTRA_DIST += doc/block-persist.md
EXTRA_DIST += doc/gen-ms.md
