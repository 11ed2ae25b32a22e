EXTRA_DIST += doc/architecture.md doc/manual.md doc/semi.md doc/gen-ms.md
