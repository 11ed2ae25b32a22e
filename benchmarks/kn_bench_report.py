"""kn-bench's output: the raw CSV, the per-pair summary with medians and
spreads, the Markdown table on the terminal, the heap-size sweep, and the
gnuplot PNGs.  Only figures measured by kn-bench's runs are used."""

import csv
import os
import statistics
import subprocess
import sys

# Figures read from the processes' "key: value" lines (kn_stats_print's keys).
STAT_KEYS = ["collections-minor", "collections-major", "pause-total-ms", "pause-p50-ms",
             "pause-p95-ms", "pause-max-ms", "heap-size-bytes", "latency-pause-p99-ms",
             "mmu-10ms"]
# Each workload's own headline figures: the first group whose first key a
# run printed.
METRIC_GROUPS = [["small-heap-ns-per-iter", "big-heap-ns-per-iter"], ["ms-per-roundtrip"],
                 ["ns-per-modification", "latency-pause-p99-ms", "mmu-10ms"],
                 ["round-ms-median", "round-ms-max"], ["ms-per-collection", "trace-mib-per-s"],
                 ["elapsed-ms"]]
RUN_COLUMNS = (["workload", "collector", "reference", "run", "status", "exit", "wall_s",
                "user_s", "sys_s", "peak_rss_mib", "host_steal_pct"] + STAT_KEYS +
               ["metric", "heap_multiplier", "note", "pause_log"])
BAD = ("wrong", "crashed", "error")
NA = "n/a"


def number(row, key):
    try:
        return float(row.get(key, ""))
    except ValueError:
        return None


def fmt(x, digits=3):
    if x is None:
        return NA
    return ("%%.%dg" % digits) % x if abs(x) < 1000 else "%.0f" % x


def write_csv(path, rows, columns):
    with open(path, "w", newline="") as f:
        out = csv.DictWriter(f, fieldnames=columns, extrasaction="ignore")
        out.writeheader()
        for row in rows:
            out.writerow({c: (row.get(c) if row.get(c) not in (None, "") else NA)
                          for c in columns})


# ---- Summary per workload and collector ------------------------------------

def group(rows, keys):
    out = {}
    for row in rows:
        out.setdefault(tuple(row[k] for k in keys), []).append(row)
    return out


def summarize(runs):
    ok = [r for r in runs if r["status"] == "ok"]
    first = runs[0]
    s = {"workload": first["workload"], "collector": first["collector"],
         "reference": first["reference"], "runs": len(runs), "ok_runs": len(ok)}
    if not ok:
        s["status"] = first["status"]
        s["note"] = first.get("note", "")
        return s
    s["status"] = "ok" if len(ok) == len(runs) else "%d of %d ok" % (len(ok), len(runs))

    def med(key):
        values = [v for v in (number(r, key) for r in ok) if v is not None]
        return statistics.median(values) if values else None

    def spread(key):
        values = [v for v in (number(r, key) for r in ok) if v is not None]
        if len(values) < 2 or not statistics.median(values):
            return 0.0
        return 100.0 * (max(values) - min(values)) / statistics.median(values)

    walls = [number(r, "wall_s") for r in ok]
    s.update(wall_median_s=med("wall_s"), wall_min_s=min(walls), wall_max_s=max(walls),
             wall_spread_pct=spread("wall_s"), rss_median_mib=med("peak_rss_mib"),
             rss_spread_pct=spread("peak_rss_mib"), host_steal_pct=med("host_steal_pct"))
    for key in STAT_KEYS:
        s[key] = med(key)
    maxes = [v for v in (number(r, "pause-max-ms") for r in ok) if v is not None]
    s["pause-max-ms"] = max(maxes) if maxes else None
    values = {}
    for r in ok:
        for item in r.get("metric", "").split(";"):
            key, sep, value = item.partition("=")
            if sep:
                values.setdefault(key, []).append(float(value))
    s["metric"] = ";".join("%s=%s" % (k, fmt(statistics.median(v), 4))
                           for k, v in values.items())
    return s


SUMMARY_COLUMNS = (["workload", "collector", "reference", "status", "runs", "ok_runs",
                    "wall_median_s", "wall_min_s", "wall_max_s", "wall_spread_pct",
                    "rss_median_mib", "rss_spread_pct", "host_steal_pct"] + STAT_KEYS +
                   ["metric", "note"])


def markdown_table(summaries):
    lines = ["| workload | collector | status | wall s (median, spread) | peak RSS MiB | "
             "collections minor / major | GC total ms | pause p50 / p95 / max ms | "
             "workload figure | host steal % |",
             "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |"]
    for s in summaries:
        name = s["collector"] + (" (reference)" if s["reference"] == "yes" else "")
        if s.get("wall_median_s") is None:
            why = s.get("note") or ""
            lines.append("| %s | %s | %s%s | | | | | | | |" % (
                s["workload"], name, s["status"], ": " + why if why else ""))
            continue
        lines.append("| %s | %s | %s | %s (±%.0f%%) | %s | %s / %s | %s | %s / %s / %s | %s | %s |" % (
            s["workload"], name, s["status"], fmt(s["wall_median_s"]), s["wall_spread_pct"] / 2,
            fmt(s["rss_median_mib"]), fmt(s["collections-minor"]),
            fmt(s["collections-major"]), fmt(s["pause-total-ms"]), fmt(s["pause-p50-ms"]),
            fmt(s["pause-p95-ms"]), fmt(s["pause-max-ms"]),
            (s.get("metric") or "").replace("=", " ").replace(";", ", "),
            fmt(s.get("host_steal_pct"), 2)))
    return "\n".join(lines)


# ---- Configurations of one collector ----------------------------------------

def first_metric(s):
    """The summary's headline workload figure: (name, value) or (None, None)."""
    item = (s.get("metric") or "").split(";")[0]
    key, sep, value = item.partition("=")
    return (key, float(value)) if sep else (None, None)


def ratio(a, b):
    return fmt(a / b) if a is not None and b else NA


def variants_table(summaries):
    """For each workload and collector run in several configurations
    (pcc:parallelism=1 and pcc:parallelism=2, say), every configuration's
    figures as ratios to the first one: lower is better for all of them
    except a throughput figure such as trace-mib-per-s."""
    lines = ["| workload | configuration | against | wall | GC total | workload figure | "
             "peak RSS |", "| --- | --- | --- | --- | --- | --- | --- |"]
    found = False
    for (workload,), runs in group(summaries, ["workload"]).items():
        by_base = {}
        for s in runs:
            if s["reference"] != "yes" and s.get("wall_median_s") is not None:
                by_base.setdefault(s["collector"].partition(":")[0], []).append(s)
        for base, configs in by_base.items():
            if len(configs) < 2:
                continue
            first = configs[0]
            name, value0 = first_metric(first)
            for s in configs[1:]:
                found = True
                other, value = first_metric(s)
                lines.append("| %s | %s | %s | %s | %s | %s | %s |" % (
                    workload, s["collector"], first["collector"],
                    ratio(s["wall_median_s"], first["wall_median_s"]),
                    ratio(s["pause-total-ms"], first["pause-total-ms"]),
                    "%s %s" % (name, ratio(value, value0)) if name and other == name else NA,
                    ratio(s["rss_median_mib"], first["rss_median_mib"])))
    return "\n".join(lines) if found else None


# ---- The heap-size sweep ----------------------------------------------------

def sweep_summary(sweep_rows):
    """Per collector: {multiplier: (completed, wall median, rss median)}."""
    out = {}
    for (collector, mult), runs in group(sweep_rows, ["collector", "heap_multiplier"]).items():
        ok = [r for r in runs if r["status"] == "ok"]
        wall = statistics.median([number(r, "wall_s") for r in ok]) if ok else None
        rss = statistics.median([number(r, "peak_rss_mib") for r in ok]) if ok else None
        statuses = sorted(set(r["status"] for r in runs))
        out.setdefault(collector, {})[float(mult)] = (len(ok) == len(runs), wall, rss,
                                                      ",".join(statuses))
    return out


def sweep_table(sweep):
    mults = sorted({m for c in sweep.values() for m in c})
    lines = ["| collector | smallest multiplier that completes | " +
             " | ".join("x%g" % m for m in mults) + " |",
             "| --- | --- |" + " --- |" * len(mults)]
    for collector, points in sweep.items():
        done = [m for m in mults if m in points and points[m][0]]
        cells = []
        for m in mults:
            p = points.get(m)
            if p is None:
                cells.append("")
            elif p[1] is None:
                cells.append("did not complete" if "did-not-complete" in p[3] else p[3])
            else:
                cells.append("%s s" % fmt(p[1]))
        lines.append("| %s | %s | %s |" % (collector, "x%g" % done[0] if done else "none",
                                            " | ".join(cells)))
    return "\n".join(lines)


# ---- Plots -------------------------------------------------------------------

COLLECTOR_ORDER = ["semi", "pcc", "gen-ms", "block-persist", "bdw", "node", "guile"]


def color_of(collector):
    """The same gnuplot line colour for a collector in every panel."""
    return COLLECTOR_ORDER.index(collector) + 1 if collector in COLLECTOR_ORDER else 8


def plot_bars(f, datadir, summaries, key, lo_key, hi_key, title, ylabel, out):
    by_workload = group([s for s in summaries if s.get(key) is not None], ["workload"])
    if not by_workload:
        return
    n = len(by_workload)
    cols = min(3, n)
    rows = (n + cols - 1) // cols
    f.write('set terminal pngcairo size %d,%d font ",9"\nset output "%s"\n'
            % (420 * cols, 300 * rows, out))
    f.write('set multiplot layout %d,%d title "%s"\n' % (rows, cols, title))
    f.write("set style fill solid 0.6\nset boxwidth 0.6\nset yrange [0:*]\n"
            "set xtics rotate by -30\nunset key\nset ylabel \"%s\"\n" % ylabel)
    for (workload,), items in sorted(by_workload.items()):
        data = os.path.join(datadir, "%s-%s.dat" % (key, workload.replace(":", "_")))
        with open(data, "w") as d:
            for s in items:
                lo = s.get(lo_key) if lo_key else s[key]
                hi = s.get(hi_key) if hi_key else s[key]
                d.write('"%s" %g %g %g %d\n' % (s["collector"], s[key], lo, hi,
                                                color_of(s["collector"])))
        f.write('set title "%s"\nset xrange [-0.6:%g]\n' % (workload, len(items) - 0.4))
        f.write('plot "%s" using 0:2:5:xtic(1) with boxes lc variable, '
                '"" using 0:2:3:4 with yerrorbars lc rgb "black" pt 0\n' % data)
    f.write("unset multiplot\nset xtics norotate\nset xrange [*:*]\n")


def plot_sweep(f, datadir, sweep, out):
    if not sweep:
        return
    f.write('set terminal pngcairo size 900,420 font ",9"\nset output "%s"\n' % out)
    f.write('set multiplot layout 1,2 title "heap-size sweep (did-not-complete points '
            'omitted)"\nset key top right\nset xlabel "heap multiplier"\n')
    plots = {"wall": [], "rss": []}
    for collector, points in sorted(sweep.items()):
        if all(p[1] is None for p in points.values()):
            continue  # nothing completed: gnuplot would reject an empty file
        data = os.path.join(datadir, "sweep-%s.dat" % collector)
        with open(data, "w") as d:
            for m in sorted(points):
                if points[m][1] is not None:
                    d.write("%g %g %g\n" % (m, points[m][1], points[m][2]))
        plots["wall"].append('"%s" using 1:2 with linespoints title "%s"' % (data, collector))
        plots["rss"].append('"%s" using 1:3 with linespoints title "%s"' % (data, collector))
    if not plots["wall"]:
        f.write("unset multiplot\n")
        return
    f.write('set title "wall time"\nset ylabel "s"\nset yrange [0:*]\nplot %s\n'
            % ", ".join(plots["wall"]))
    f.write('set title "peak RSS"\nset ylabel "MiB"\nplot %s\nunset multiplot\n'
            % ", ".join(plots["rss"]))
    f.write("unset xlabel\n")


def plot_pauses(f, datadir, results, rows, out):
    """Every pause of every run, sorted: percentile against duration."""
    per = {}
    for r in rows:
        log = r.get("pause_log")
        if r["status"] == "ok" and log and os.path.exists(os.path.join(results, log)):
            with open(os.path.join(results, log)) as lf:
                ms = [float(line.split()[1]) for line in lf if line.strip()]
            per.setdefault(r["workload"], {}).setdefault(r["collector"], []).extend(ms)
    per = {w: c for w, c in per.items() if any(c.values())}
    if not per:
        return
    n = len(per)
    cols = min(3, n)
    rows_n = (n + cols - 1) // cols
    f.write('set terminal pngcairo size %d,%d font ",9"\nset output "%s"\n'
            % (420 * cols, 300 * rows_n, out))
    f.write('set multiplot layout %d,%d title "pause distributions (all runs)"\n'
            % (rows_n, cols))
    f.write('set logscale y\nset xlabel "percentile"\nset ylabel "pause ms"\n'
            'set key top left\nset xrange [0:100]\nset yrange [*:*]\n')
    for workload, collectors in sorted(per.items()):
        plots = []
        for collector, ms in sorted(collectors.items()):
            if not ms:
                continue
            ms.sort()
            data = os.path.join(datadir, "pauses-%s-%s.dat" % (workload, collector))
            with open(data, "w") as d:
                for i, v in enumerate(ms):
                    d.write("%g %g\n" % (100.0 * (i + 1) / len(ms), max(v, 1e-3)))
            plots.append('"%s" using 1:2 with lines lw 2 title "%s (%d)"'
                         % (data, collector, len(ms)))
        f.write('set title "%s"\nplot %s\n' % (workload, ", ".join(plots)))
    f.write("unset multiplot\nunset logscale y\nset xrange [*:*]\nunset xlabel\n")


def write_plots(results, summaries, sweep, rows, gnuplot):
    datadir = os.path.join(results, "plot-data")
    os.makedirs(datadir, exist_ok=True)
    script = os.path.join(datadir, "plots.gp")
    with open(script, "w") as f:
        plot_bars(f, datadir, summaries, "wall_median_s", "wall_min_s", "wall_max_s",
                  "wall time, median and range of the runs", "s",
                  os.path.join(results, "wall.png"))
        plot_bars(f, datadir, summaries, "rss_median_mib", None, None,
                  "peak RSS, median of the runs", "MiB", os.path.join(results, "rss.png"))
        plot_sweep(f, datadir, sweep, os.path.join(results, "sweep.png"))
        plot_pauses(f, datadir, results, rows, os.path.join(results, "pauses.png"))
    try:
        done = subprocess.run([gnuplot, script], capture_output=True, text=True)
    except OSError:
        return "gnuplot (%s) is not installed: no plots" % gnuplot
    if done.returncode:
        return "gnuplot failed: " + done.stderr.strip()[:500]
    return None


# ---- Everything ---------------------------------------------------------------

def write_all(results, rows, sweep_rows, meta, plots, gnuplot, sections=()):
    """Writes the files, prints the tables (and the Markdown `sections`
    after them); returns the failed runs."""
    write_csv(os.path.join(results, "runs.csv"), rows + sweep_rows, RUN_COLUMNS)
    summaries = [summarize(runs) for runs in group(rows, ["workload", "collector"]).values()]
    write_csv(os.path.join(results, "summary.csv"), summaries, SUMMARY_COLUMNS)
    table = markdown_table(summaries)
    text = ["# kennel benchmarks: %s profile" % meta["profile"], "",
            "Command: `%s`; %d repetitions; %swall time is the process's, peak RSS and CPU "
            "time from GNU time (wait4 of the child); the other figures are the processes' own "
            "statistics. Run time %dm%02ds." % (
                meta["command"], meta["repetitions"],
                "C workloads at a fixed heap of x%g their computed live size; "
                % meta["heap_multiplier"] if rows or sweep_rows else "",
                meta["duration_s"] // 60, meta["duration_s"] % 60)]
    if rows:
        text += ["", table]
    variants = variants_table(summaries)
    if variants:
        text += ["", "Configurations of one collector, as ratios to the first (medians):", "",
                 variants]
    sweep = sweep_summary(sweep_rows)
    if sweep_rows:
        write_csv(os.path.join(results, "sweep.csv"), sweep_rows, RUN_COLUMNS)
        text += ["", "Heap-size sweep: %s, wall time (median) per heap multiplier:"
                 % sweep_rows[0]["workload"], "", sweep_table(sweep)]
    if plots and (rows or sweep_rows):
        problem = write_plots(results, summaries, sweep, rows, gnuplot)
        text += ["", problem if problem else
                 "Plots: wall.png, rss.png, pauses.png" + (", sweep.png" if sweep else "")]
    for section in sections:
        text += ["", section]
    out = "\n".join(text) + "\n"
    with open(os.path.join(results, "table.md"), "w") as f:
        f.write(out)
    sys.stdout.write("\n" + out)
    return [r for r in rows + sweep_rows if r["status"].startswith(BAD)]
