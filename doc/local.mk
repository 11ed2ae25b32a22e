EXTRA_DIST += doc/architecture.md doc/manual.md doc/semi.md doc/benchmarks.md \
  doc/benchmarks/wall.png doc/benchmarks/rss.png doc/benchmarks/pauses.png \
  doc/benchmarks/sweep.png
