"""t-bench.sh's check of kn-bench's cascade comparison in a results folder:
every configuration ran once at each iteration count, in a growable heap,
and table.md holds the table.  Prints what is missing; exits 1 if any.

  python3 t-bench-cascade.py RESULTS BUILDDIR"""

import csv
import os
import sys

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import kn_bench_cascade as cascade  # noqa: E402

results, builddir = sys.argv[1], sys.argv[2]
counts = [str(n) for n in cascade.SIZES["tiny"][3]]
with open(os.path.join(results, "cascade.csv"), newline="") as f:
    rows = list(csv.DictReader(f))
missing = []
for workload in ("json", "js:json-roundtrip"):
    for config, _ in cascade.DEFAULT_CONFIGS:
        js = os.path.join(builddir, "embedder-examples", "js", "js-" + config.split(":")[0])
        expected = "ok" if workload == "json" or os.access(js, os.X_OK) else "absent"
        for n in counts:
            got = [r for r in rows if (r["workload"], r["collector"], r["iterations"]) ==
                   (workload, config, n)]
            if [r["status"] for r in got] != [expected]:
                missing.append("%s on %s at %s iterations: %s, expected %s" % (
                    workload, config, n, [r["status"] for r in got] or "no run", expected))
            elif cascade.GROWABLE not in got[0]["gc_options"].split(","):
                missing.append("%s on %s: options %s" % (workload, config, got[0]["gc_options"]))
with open(os.path.join(results, "table.md")) as f:
    table = f.read()
for config, _ in cascade.DEFAULT_CONFIGS:
    if "| json | %s" % config not in table:
        missing.append("table.md has no cascade row for json on " + config)
print("\n".join(missing))
sys.exit(1 if missing else 0)
