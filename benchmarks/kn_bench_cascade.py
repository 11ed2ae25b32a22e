"""kn-bench --cascade: block-persist's persistence cascade on the JSON
roundtrip (issue #5, seed 000).

The JSON roundtrip, in C against the API (bench-NAME json) and through the
JS interpreter (js:json-roundtrip), runs at each iteration count in seven
configurations: block-persist with persistence and every fix off (Perry's
collector), then with fix A (long-lived blocks), fix B (one persistence
round), fix C (64 kB persistence units instead of blocks) and fix D (units
only around the objects ambiguous roots designate: the default) added in
turn, with persistence off, and gen-ms for reference.  The table gives wall time and peak RSS per
iteration count, the RSS growth from the first count to the last, the
ratios to gen-ms at the last count, and block-persist's own counters.

Every configuration runs in a growable heap (heap-policy=growable): the
cascade is RSS growth, which a fixed heap would turn into exhaustion.

The JS program fixes its sizes in `var RECORDS = N;` lines; the runner
runs a copy with those lines set (the interpreter takes no arguments)."""

import os
import re
import statistics

import kn_bench_report as report

# Each fix is added to the one before; the options name every fix the
# configuration turns off, so that a change of default changes no row.
WHOLE_BLOCKS = "persist-unit=0:persist-seeds=reached"
DEFAULT_CONFIGS = [
    ("block-persist:persist-reached-only=0:long-lived-blocks=0:" + WHOLE_BLOCKS,
     "Perry: persistence, fixes off"),
    ("block-persist:persist-reached-only=0:" + WHOLE_BLOCKS, "fix A: long-lived blocks"),
    ("block-persist:" + WHOLE_BLOCKS, "fixes A and B: one persistence round"),
    ("block-persist:persist-seeds=reached", "fixes A, B and C: 64 kB persistence units"),
    ("block-persist", "fixes A to D: units around ambiguous roots only (the default)"),
    ("block-persist:persistence=0", "persistence off"),
    ("gen-ms", "reference"),
]
# The configurations the target is checked on.
FIXES = {DEFAULT_CONFIGS[1][0]: "fix A", DEFAULT_CONFIGS[2][0]: "fixes A and B",
         DEFAULT_CONFIGS[3][0]: "fixes A, B and C", DEFAULT_CONFIGS[4][0]: "fixes A to D"}
BASELINE = "gen-ms"
GROWABLE = "heap-policy=growable"
# The target for fix A.
TARGET_GROWTH = 0.10
TARGET_RATIO = 1.5

# Per profile: C json arguments besides --iterations, the JS program's
# RECORDS and WARMUPS, the default iteration counts, and the runs per cell
# unless --repetitions says (None: the profile's; quick runs each cell
# once, its peak RSS being stable, to stay quick).
SIZES = {
    "full": ("--records=10000 --warmup=3", 10000, 3, [10, 100], None),
    "quick": ("--records=5000 --warmup=1", 5000, 1, [10, 100], 1),
    "tiny": ("--records=200 --warmup=1", 200, 1, [2, 10], None),
}
# The counters in the table, as C prints them (bench-kennel.c adds the
# max- per-collection peaks) and as the interpreters' --gc-stats print them.
COUNTERS = ["objects-persisted", "max-blocks-live-after", "max-persist-rounds"]
COLUMNS = report.RUN_COLUMNS + ["iterations", "gc_options"] + COUNTERS


def parse_iterations(text, fail_usage):
    try:
        counts = [int(x) for x in text.split(",") if x]
    except ValueError:
        fail_usage("--cascade-iterations: '%s' is not a list of integers" % text)
    if len(counts) < 2 or any(n < 1 or n > 100000 for n in counts):
        fail_usage("--cascade-iterations: at least two counts, each in [1, 100000]")
    return sorted(set(counts))


def describe(name):
    return dict(DEFAULT_CONFIGS).get(name, "")


def growable(target):
    """The configuration's options with the growable heap policy appended."""
    target.gc_options = ",".join(o for o in (target.gc_options, GROWABLE) if o)
    return target


def js_program(ctx, program, records, warmups, iterations):
    """A copy of the JS program with its size constants set, or (None, why)."""
    try:
        with open(program) as f:
            text = f.read()
    except OSError as e:
        return None, "cannot read %s: %s" % (program, e.strerror)
    for name, value in (("RECORDS", records), ("WARMUPS", warmups), ("ITERATIONS", iterations)):
        text, n = re.subn(r"^var %s = \d+;$" % name, "var %s = %d;" % (name, value), text,
                          flags=re.M)
        if n != 1:
            return None, "%s has no single line `var %s = N;`" % (program, name)
    path = os.path.join(ctx.tmp, "json-roundtrip-%d-%d-%d.js" % (records, warmups, iterations))
    with open(path, "w") as f:
        f.write(text)
    return path, None


def plan(ctx, opts, Workload, parse_json_js):
    """The workloads of the comparison: [(workload, iterations)]."""
    c_args, records, warmups = SIZES[opts.profile][:3]
    out = []
    source = os.path.join(opts.srcdir, "embedder-examples", "js", "bench", "json-roundtrip.js")
    for n in opts.cascade_iterations:
        out.append((Workload("json", "c", args=["json"] + c_args.split() +
                             ["--iterations=%d" % n]), n))
    for n in opts.cascade_iterations:
        path, why = js_program(ctx, source, records, warmups, n)
        w = Workload("js:json-roundtrip", "js", program=path, parse=parse_json_js)
        w.absent_why = why
        out.append((w, n))
    return out


# ---- The table -----------------------------------------------------------------

def median(rows, key):
    values = [v for v in (report.number(r, key) for r in rows) if v is not None]
    return statistics.median(values) if values else None


def ratio(a, b):
    return a / b if a is not None and b else None


def summarize(rows, counts):
    """{(workload, configuration): {iterations: (status, wall, rss, row of counters)}}."""
    out = {}
    for (workload, config, n), runs in report.group(
            rows, ["workload", "collector", "iterations"]).items():
        ok = [r for r in runs if r["status"] == "ok"]
        status = "ok" if ok and len(ok) == len(runs) else (
            "%d of %d ok" % (len(ok), len(runs)) if ok else runs[0]["status"])
        note = "" if ok else runs[0].get("note", "")
        figures = {k: median(ok, k) for k in ["wall_s", "peak_rss_mib"] + COUNTERS}
        out.setdefault((workload, config), {})[int(n)] = (status, note, figures)
    return out


def cell(x, digits=3):
    return report.fmt(x, digits) if x is not None else report.NA


def table(rows, counts):
    """The Markdown table and the verdict lines on the issue's target."""
    first, last = counts[0], counts[-1]
    s = summarize(rows, counts)
    head = (["workload", "configuration", "gc options"] +
            ["wall s @%d" % n for n in counts] + ["peak RSS MiB @%d" % n for n in counts] +
            ["RSS growth %d->%d" % (first, last), "RSS / gen-ms @%d" % last,
             "wall / gen-ms @%d" % last, "objects persisted @%d" % last,
             "peak live blocks @%d" % last])
    lines = ["| " + " | ".join(head) + " |", "|" + " --- |" * len(head)]
    verdicts = []
    for (workload, config), points in s.items():
        base = s.get((workload, BASELINE), {}).get(last)
        base_fig = base[2] if base and base[0] == "ok" else {}
        options = next((r["gc_options"] for r in rows
                        if r["workload"] == workload and r["collector"] == config), "")
        label = config + (" (%s)" % describe(config) if describe(config) else "")
        bad = [(n, p) for n, p in sorted(points.items()) if p[0] != "ok"]
        cells = [workload, label, "`%s`" % options]
        if bad:
            n, p = bad[0]
            lines.append("| " + " | ".join(cells) + " | %s at %d iterations%s |" % (
                p[0], n, ": " + p[1] if p[1] else "") + " |" * (len(head) - 4))
            continue
        fig = {n: points[n][2] for n in counts if n in points}
        growth = ratio(fig[last]["peak_rss_mib"], fig[first]["peak_rss_mib"])
        growth = growth - 1 if growth is not None else None
        rss_ratio = ratio(fig[last]["peak_rss_mib"], base_fig.get("peak_rss_mib"))
        wall_ratio = ratio(fig[last]["wall_s"], base_fig.get("wall_s"))
        cells += [cell(fig[n]["wall_s"]) for n in counts]
        cells += [cell(fig[n]["peak_rss_mib"]) for n in counts]
        cells += ["%+.0f%%" % (100 * growth) if growth is not None else report.NA,
                  "%.2fx" % rss_ratio if rss_ratio is not None else report.NA,
                  "%.2fx" % wall_ratio if wall_ratio is not None else report.NA,
                  cell(fig[last]["objects-persisted"], 4),
                  cell(fig[last]["max-blocks-live-after"])]
        lines.append("| " + " | ".join(cells) + " |")
        if config in FIXES and growth is not None:
            met = growth <= TARGET_GROWTH and rss_ratio is not None and rss_ratio <= TARGET_RATIO
            verdicts.append(
                "%s, %s: RSS growth %+.0f%% from %d to %d iterations (target at most %+.0f%%), "
                "%s gen-ms's peak RSS at %d (target at most %.1fx): target %s." % (
                    workload, FIXES[config], 100 * growth, first, last, 100 * TARGET_GROWTH,
                    "%.2fx" % rss_ratio if rss_ratio is not None else "no ratio to",
                    last, TARGET_RATIO, "met" if met else "NOT met"))
    return "\n".join(lines), verdicts


def text(rows, counts, repetitions):
    body, verdicts = table(rows, counts)
    return "\n".join([
        "## The block-persist cascade: JSON roundtrip per iteration count",
        "",
        "Every configuration runs in a growable heap (`%s`): the cascade is RSS growth, which "
        "a fixed heap would turn into exhaustion. Medians of %d run(s) per cell; wall time is "
        "the whole process (setup included): compare it as ratios within this run. Objects "
        "persisted: block-persist's total over the run; peak live blocks: the most blocks kept "
        "after one collection (C only; the interpreters print totals)." % (GROWABLE, repetitions),
        "", body, ""] + verdicts)
