#!/usr/bin/env python3
"""Plots of ring_bench's JSON, made with gnuplot (Debian: gnuplot-nox).

Usage: bench/plot.py RESULTS.json OUTPUT_DIR

Writes into OUTPUT_DIR:
  latency.png     round-trip percentiles (p50 .. p99.9) by mechanism, one
                  panel per message size, the atomic ping-pong first
  throughput.png  messages/s and bytes/s by message size, one reader, every
                  mechanism, with single-thread memcpy as the limit
  readers.png     ringlib and the peers with 1, 2 and 4 readers (messages/s)
and the gnuplot script and data files it used (plot.gp, *.dat), so a plot
can be remade or restyled by hand.
"""
import json
import os
import subprocess
import sys


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    results_path, out_dir = sys.argv[1], sys.argv[2]
    with open(results_path) as f:
        results = json.load(f)
    os.makedirs(out_dir, exist_ok=True)
    machine = results["machine"]
    title_suffix = "%s, %s CPUs, kernel %s" % (
        machine["cpu_model"], machine["cpus_online"], machine["kernel"])
    script = [
        "set terminal pngcairo size 1400,900 font 'DejaVu Sans,10'",
        "set grid ytics",
        "set key outside right top",
    ]

    # ---------------------------------------------------------------- latency
    limit = results["limit"]
    latency = [l for l in results["latency"] if l["ok"]]
    sizes = sorted({l["size"] for l in latency})
    if sizes:
        cols = 2 if len(sizes) > 1 else 1
        rows = (len(sizes) + cols - 1) // cols
        script += [
            "set output '%s'" % os.path.join(out_dir, "latency.png"),
            "set multiplot layout %d,%d title 'Ping-pong round trip (ns, log scale) - %s'"
            % (rows, cols, title_suffix),
            "set style data histograms",
            "set style histogram clustered gap 1",
            "set style fill solid 0.8 border -1",
            "set logscale y",
            "set ylabel 'round trip, ns'",
            "set xtics rotate by -30",
        ]
        for size in sizes:
            dat = os.path.join(out_dir, "latency_%d.dat" % size)
            with open(dat, "w") as f:
                f.write("mechanism p50 p90 p99 p99.9\n")
                for key, label in (("atomic_pingpong", "atomic"),
                                   ("atomic_pingpong_pause", "atomic+pause"),
                                   ("atomic_pingpong_paced", "atomic+paced"),
                                   ("atomic_pingpong_two_lines", "atomic-2-lines"),
                                   ("atomic_pingpong_both_lines", "atomic-both-lines")):
                    if key in limit:
                        a = limit[key]
                        f.write("%s %g %g %g %g\n" % (label, a["p50_ns"], a["p90_ns"],
                                                     a["p99_ns"], a["p999_ns"]))
                for l in latency:
                    if l["size"] == size:
                        f.write("%s %g %g %g %g\n" % (l["mechanism"], l["p50_ns"], l["p90_ns"],
                                                     l["p99_ns"], l["p999_ns"]))
            script += [
                "set title '%d-byte messages'" % size,
                "plot '%s' using 2:xtic(1) title col, '' using 3 title col, "
                "'' using 4 title col, '' using 5 title col" % dat,
            ]
        script += ["unset multiplot", "unset logscale y", "unset style data", "unset xtics",
                   "set xtics", "set style data linespoints"]

    # ------------------------------------------------------------- throughput
    throughput = [t for t in results["throughput"] if t["ok"]]
    mechanisms = []
    for t in throughput:
        if t["mechanism"] not in mechanisms:
            mechanisms.append(t["mechanism"])
    if throughput:
        files = []
        for m in mechanisms:
            dat = os.path.join(out_dir, "throughput_%s.dat" % m)
            with open(dat, "w") as f:
                f.write("# size messages_per_second bytes_per_second (1 reader)\n")
                for t in sorted((t for t in throughput if t["mechanism"] == m and t["readers"] == 1),
                                key=lambda t: t["size"]):
                    f.write("%d %g %g\n" % (t["size"], t["messages_per_second"], t["bytes_per_second"]))
            files.append((m, dat))
        ring_cpu_dat = os.path.join(out_dir, "throughput_ringlib_per_cpu_second.dat")
        with open(ring_cpu_dat, "w") as f:
            f.write("# size messages_per_reader_cpu_second bytes_per_reader_cpu_second (ringlib, 1 reader)\n")
            for t in sorted((t for t in throughput if t["mechanism"] == "ringlib" and t["readers"] == 1),
                            key=lambda t: t["size"]):
                rate = t.get("messages_per_reader_cpu_second", 0)
                f.write("%d %g %g\n" % (t["size"], rate, rate * t["size"]))
        cross_dat = os.path.join(out_dir, "cross_core.dat")
        with open(cross_dat, "w") as f:
            f.write("# size bytes_per_second: min(copy out of, copy into the other core's lines)\n")
            reads = {m["size"]: m["bytes_per_second"] for m in limit.get("memcpy_cross_core", [])}
            writes = {m["size"]: m["bytes_per_second"] for m in limit.get("memcpy_cross_core_write", [])}
            for size in sorted(reads):
                f.write("%d %g\n" % (size, min(reads[size], writes.get(size, reads[size]))))
        memcpy_dat = os.path.join(out_dir, "memcpy.dat")
        with open(memcpy_dat, "w") as f:
            f.write("# size bytes_per_second\n")
            for m in limit.get("memcpy", []):
                f.write("%d %g\n" % (m["size"], m["bytes_per_second"]))
        script += [
            "set output '%s'" % os.path.join(out_dir, "throughput.png"),
            "set multiplot layout 1,2 title 'Throughput by message size, 1 reader, lossless - %s'"
            % title_suffix,
            "set logscale xy",
            "set xlabel 'message size, bytes'",
            "set format y '%.0s%c'",
            "set title 'messages/s sustained by the reader'",
            "set ylabel 'messages/s'",
            "plot " + ", ".join(["'%s' using 1:2 with linespoints lw 2 title '%s'" % (dat, m)
                                 for m, dat in files] +
                                ["'%s' using 1:2 with linespoints dt 3 lw 2 lc rgb 'dark-violet' "
                                 "title 'ringlib, per reader CPU-second'" % ring_cpu_dat]),
            "set title 'payload bytes/s (memcpy: single-thread limit)'",
            "set ylabel 'bytes/s'",
            "plot " + ", ".join(["'%s' using 1:3 with linespoints lw 2 title '%s'" % (dat, m)
                                 for m, dat in files] +
                                ["'%s' using 1:3 with linespoints dt 3 lw 2 lc rgb 'dark-violet' "
                                 "title 'ringlib, per reader CPU-second'" % ring_cpu_dat,
                                 "'%s' using 1:2 with lines dt 2 lw 2 lc rgb 'black' title 'memcpy'" % memcpy_dat,
                                 "'%s' using 1:2 with lines dt 4 lw 2 lc rgb 'gray40' "
                                 "title 'cross-core bound'" % cross_dat]),
            "unset multiplot",
        ]
        # Reader counts.
        reader_counts = sorted({t["readers"] for t in throughput})
        panels = []
        for m in mechanisms:
            lines = []
            for r in reader_counts:
                rows = sorted((t for t in throughput if t["mechanism"] == m and t["readers"] == r),
                              key=lambda t: t["size"])
                if not rows:
                    continue
                dat = os.path.join(out_dir, "readers_%s_%d.dat" % (m, r))
                with open(dat, "w") as f:
                    f.write("# size messages_per_second (slowest of %d readers)\n" % r)
                    for t in rows:
                        f.write("%d %g\n" % (t["size"], t["messages_per_second"]))
                lines.append("'%s' using 1:2 with linespoints lw 2 title '%d reader%s'"
                             % (dat, r, "" if r == 1 else "s"))
            if lines:
                panels.append((m, lines))
        cols = 3
        rows_n = (len(panels) + cols - 1) // cols
        script += [
            "set output '%s'" % os.path.join(out_dir, "readers.png"),
            "set multiplot layout %d,%d title 'messages/s of the slowest reader, by reader count - %s'"
            % (rows_n, cols, title_suffix),
            "set ylabel 'messages/s'",
            "set key inside top right",
        ]
        for m, lines in panels:
            script += ["set title '%s'" % m, "plot " + ", ".join(lines)]
        script += ["unset multiplot"]

    write_tables(results, os.path.join(out_dir, "tables.md"))

    gp = os.path.join(out_dir, "plot.gp")
    with open(gp, "w") as f:
        f.write("\n".join(script) + "\n")
    subprocess.run(["gnuplot", gp], check=True)
    print("plot.py: wrote", ", ".join(p for p in ("latency.png", "throughput.png", "readers.png")
                                       if os.path.exists(os.path.join(out_dir, p))), "in", out_dir)


def human(value, unit=""):
    for factor, prefix in ((1e9, "G"), (1e6, "M"), (1e3, "k")):
        if value >= factor:
            return "%.2f %s%s" % (value / factor, prefix, unit)
    return "%.0f %s" % (value, unit)


def caught_up(run, messages):
    """', caught up N' (waits per 100 of the data set's messages) for runs that carry it."""
    if "subscriber_caught_up_waits" not in run or not messages:
        return ""
    return ", caught up %.2f" % (100.0 * run["subscriber_caught_up_waits"] / messages)


def rtt_pair(entry):
    """The cross-core round trip ring_bench measured before and after a point, or '-'."""
    before, after = entry.get("rtt_before_p50_ns", 0), entry.get("rtt_after_p50_ns", 0)
    return "%.0f / %.0f ns" % (before, after) if before and after else "-"


def write_tables(results, path):
    """The tables of docs/benchmarks.md, as Markdown, from one run's JSON."""
    out = []
    machine = results["machine"]
    out.append("Machine: %s, %s CPUs online, kernel %s, %s, build %s, flags `%s`. "
               "Load average at start: %s; at end: %s." % (
                   machine["cpu_model"], machine["cpus_online"], machine["kernel"], machine["compiler"],
                   machine["build_type"], machine["cxx_flags"].strip(), machine["load_average_start"],
                   machine["load_average_end"]))
    if machine.get("tsc_step_ns", 0) > 0:
        out.append("")
        out.append("Clock: the TSC advances in steps of %.1f ns here; the round-trip percentiles are "
                   "interpolated within a step (see *What is measured, and how*)." % machine["tsc_step_ns"])
    out.append("")
    out.append("Command: `%s`" % results["config"]["command"])
    out.append("")
    limit = results["limit"]
    out.append("### The limit")
    out.append("")
    out.append("| baseline | p50 ns | p90 ns | p99 ns | p99.9 ns | max ns |")
    out.append("|---|---:|---:|---:|---:|---:|")
    for key, label in (("atomic_pingpong", "atomic ping-pong (plain spin)"),
                       ("atomic_pingpong_pause", "atomic ping-pong (spin with PAUSE)"),
                       ("atomic_pingpong_paced", "atomic ping-pong (paced as ringlib's readers)"),
                       ("atomic_pingpong_two_lines", "atomic ping-pong, message in a second line (PAUSE)"),
                       ("atomic_pingpong_both_lines", "atomic ping-pong, two lines each way, both polled (PAUSE)")):
        if key in limit:
            a = limit[key]
            chosen = " (the limit)" if limit.get("limit_rtt") == key else ""
            out.append("| %s%s | %.0f | %.0f | %.0f | %.0f | %.0f |" % (
                label, chosen, a["p50_ns"], a["p90_ns"], a["p99_ns"], a["p999_ns"], a["max_ns"]))
    out.append("")
    cross = {m["size"]: m["bytes_per_second"] for m in limit.get("memcpy_cross_core", [])}
    cross_write = {m["size"]: m["bytes_per_second"] for m in limit.get("memcpy_cross_core_write", [])}
    out.append("| size B | memcpy, single thread | copy out of lines another core just wrote "
               "| copy into lines another core just read |")
    out.append("|---:|---:|---:|---:|")
    for m in limit.get("memcpy", []):
        out.append("| %d | %s | %s | %s |" % (m["size"], human(m["bytes_per_second"], "B/s"),
                                             human(cross.get(m["size"], 0), "B/s"),
                                             human(cross_write.get(m["size"], 0), "B/s")))
    out.append("")
    memcpy = {m["size"]: m["bytes_per_second"] for m in limit.get("memcpy", [])}
    pipe = {(t["readers"], t["size"]): t["messages_per_second"]
            for t in results["throughput"] if t["mechanism"] == "pipe" and t["ok"]}
    out.append("### Throughput (lossless, slowest reader)")
    out.append("")
    out.append("| mechanism | readers | size B | messages/s | bytes/s | / memcpy | / cross-core bound | / pipe "
               "| reader's CPU share | messages per reader CPU-second | cross-core round trip before / after "
               "| caught up (waits per message) |")
    out.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for t in results["throughput"]:
        if not t["ok"]:
            out.append("| %s | %d | %d | failed: %s | | | | | | | | |" % (t["mechanism"], t["readers"], t["size"],
                                                                   t.get("error", "")))
            continue
        mc = memcpy.get(t["size"], 0)
        cc = min(cross.get(t["size"], 0), cross_write.get(t["size"], 0)) or cross.get(t["size"], 0)
        pp = pipe.get((t["readers"], t["size"]), 0)
        waits = t.get("reader_waits_per_message")
        out.append("| %s | %d | %d | %s | %s | %s | %s | %s | %.0f %% | %s | %s | %s |" % (
            t["mechanism"], t["readers"], t["size"], human(t["messages_per_second"]),
            human(t["bytes_per_second"], "B/s"),
            "%.2f" % (t["bytes_per_second"] / mc) if mc else "-",
            "%.2f" % (t["bytes_per_second"] / cc) if cc else "-",
            "%.1f" % (t["messages_per_second"] / pp) if pp else "-",
            100 * t.get("reader_cpu_share", 0), human(t.get("messages_per_reader_cpu_second", 0)),
            rtt_pair(t), "%.1f %%" % (100 * waits) if waits is not None else "-"))
    out.append("")
    out.append("### Latency: ping-pong round trip")
    out.append("")
    out.append("Limit at the start of the run, and the atomic ping-pong measured right before each point "
               "(\"adjacent\"; the latency targets divide by it: the VM's CPUs can move between host cores "
               "during a run). For 64 B and more, also the two-line floor measured right after it: a ping-pong "
               "that changes two lines each way, the least any protocol can move for such a message.")
    out.append("")
    out.append("| mechanism | size B | p50 ns | p90 ns | p99 ns | p99.9 ns | max ns | p50 / limit | p99.9 / limit "
               "| adjacent limit p50 ns | p50 / adjacent | p99.9 / adjacent | two-line floor p50 ns "
               "| p50 / two-line floor |")
    out.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for l in results["latency"]:
        if not l["ok"]:
            out.append("| %s | %d | failed: %s | | | | | | | | | | | |" % (
                l["mechanism"], l["size"], l.get("error", "")))
            continue
        adjacent = l.get("adjacent_limit")
        floor = l.get("adjacent_both_lines")
        out.append("| %s | %d | %.0f | %.0f | %.0f | %.0f | %.0f | %s | %s | %s | %s | %s | %s | %s |" % (
            l["mechanism"], l["size"], l["p50_ns"], l["p90_ns"], l["p99_ns"], l["p999_ns"], l["max_ns"],
            "%.2f" % l["p50_over_atomic"] if "p50_over_atomic" in l else "-",
            "%.1f" % l["p999_over_atomic"] if "p999_over_atomic" in l else "-",
            "%.0f" % adjacent["p50_ns"] if adjacent else "-",
            "%.2f" % l["p50_over_adjacent_atomic"] if "p50_over_adjacent_atomic" in l else "-",
            "%.1f" % l["p999_over_adjacent_atomic"] if "p999_over_adjacent_atomic" in l else "-",
            "%.0f" % floor["p50_ns"] if floor else "-",
            "%.2f" % l["p50_over_adjacent_both_lines"] if "p50_over_adjacent_both_lines" in l else "-"))
    out.append("")
    interleaved = results.get("interleaved", [])
    if interleaved:
        legs = ("atomic", "atomic-pause", "bare-slot", "bare-ring", "bare-ring-prepared", "ringlib-spin",
                "ringlib-prepared")
        out.append("### Latency, interleaved")
        out.append("")
        out.append("The legs take turns in one pair of processes, %d round trips at a time; each cycle runs one "
                   "block of each leg, and a block's figure is the mean of its middle half (ns). Rows group the "
                   "cycles by their limit, the faster of the two atomic ping-pongs in that cycle; each figure is "
                   "the median over the group's cycles, and the ratios and differences are taken per cycle "
                   "(spin: `ringlib-spin` over the limit, and minus `bare-ring`; prepared: `ringlib-prepared` "
                   "over the limit, and minus `bare-ring-prepared`)." % interleaved[0].get("block_round_trips", 0))
        out.append("")
        out.append("| size B | limit ns | cycles | " + " | ".join("%s ns" % leg for leg in legs) +
                   " | spin / limit | prepared / limit | spin − bare ns | prepared − bare ns |")
        out.append("|---:|---|---:|" + "---:|" * len(legs) + "---:|---:|---:|---:|")
        for i in interleaved:
            if not i["ok"]:
                out.append("| %d | failed: %s |" % (i["size"], i.get("error", "")) + " |" * (len(legs) + 5))
                continue
            for g in i["groups"] + [i["all"]]:
                if g is i["all"]:
                    limit = "all"
                elif "limit_to_ns" in g:
                    limit = "%.0f-%.0f" % (g["limit_from_ns"], g["limit_to_ns"])
                else:
                    limit = "≥ %.0f" % g["limit_from_ns"]
                out.append("| %d | %s | %d (%.0f %%) | %s | %.3f | %.3f | %.1f | %.1f |" % (
                    i["size"], limit, g["cycles"], 100 * g["share"],
                    " | ".join("%.1f" % g["median_ns"][leg] for leg in legs),
                    g["ringlib_spin_over_limit"], g["ringlib_prepared_over_limit"],
                    g["ringlib_spin_minus_bare_ring_ns"], g["ringlib_prepared_minus_bare_ring_prepared_ns"]))
        out.append("")
    if results["writer_cost"]:
        out.append("### Writer cost (time per Write, %d B, default mode)" % results["config"]["writer_cost_size"])
        out.append("")
        out.append("| readers | writer CPU ns per Write (median) | min .. max of trials | wall ns per Write (median) "
                   "| messages the readers read | share each active reader read | laps "
                   "| cross-core round trip before / after |")
        out.append("|---|---:|---:|---:|---:|---:|---:|---:|")
        for w in results["writer_cost"]:
            active = w.get("active_readers", 0)
            share = "%.0f %%" % (100 * w["reader_share"]) if active > 0 and "reader_share" in w else "-"
            out.append("| %s | %.2f | %.2f .. %.2f | %.2f | %d | %s | %d | %s |" % (
                w["scenario"], w["ns_per_write"], w["min_ns"], w["max_ns"], w.get("wall_ns_per_write", 0),
                w["reader_messages"], share, w["reader_laps"], rtt_pair(w)))
        out.append("")
    if results["idle"]:
        out.append("### Idle reader")
        out.append("")
        out.append("| idle strategy | CPU, % of a core | over s |")
        out.append("|---|---:|---:|")
        for i in results["idle"]:
            out.append("| %s | %.3f | %.1f |" % (i["strategy"], 100 * i["cpu_fraction"], i["wall_seconds"]))
        out.append("")
    if results["replay"]:
        out.append("### Replay end to end (feed_publisher -> feed_subscriber)")
        out.append("")
        out.append("The median run of each data set; 'runs' lists every run in order with the cross-core "
                   "round trip right before / after it (results before 2026-12-07 carry one pair for the "
                   "whole section instead) and, from 2026-12-08, how often the subscriber caught up with "
                   "the publisher (its waits per 100 messages). The publisher's own rate is its messages "
                   "over its own run time, with the subscriber attached. A row with a catch-up backoff "
                   "(opt-in) ran each of its runs right after one of the row above it.")
        out.append("")
        out.append("| data | messages | loops | seconds | messages/s end to end | publisher's own rate, messages/s "
                   "| publisher CPU ns/message | subscriber CPU ns/message | round trip before / after | runs |")
        out.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|---|")
        for p in results["replay"]:
            if not p["ok"]:
                out.append("| %s | %s | | | | | | | | |" % (p["dataset"], p.get("error", "not run")))
                continue
            n = max(p["messages"], 1)
            runs = ", ".join("%s (%s%s)" % (human(r["messages_per_second"]), rtt_pair(r), caught_up(r, p["messages"]))
                             for r in p.get("runs", []))
            dataset = p["dataset"]
            if p.get("subscriber_catch_up_backoff_ns"):
                dataset += ", subscriber --catch-up-backoff %dns" % p["subscriber_catch_up_backoff_ns"]
            out.append("| %s | %d | %d | %.3f | %s | %s | %.0f | %.0f | %s | %s |" % (
                dataset, p["messages"], p["loops"], p["seconds"], human(p["messages_per_second"]),
                human(p["publisher_messages_per_second"]), 1e9 * p["publisher_cpu_seconds"] / n,
                1e9 * p["subscriber_cpu_seconds"] / n, rtt_pair(p), runs or "-"))
        out.append("")
    if results["unavailable"]:
        out.append("### Not run here")
        out.append("")
        for u in results["unavailable"]:
            out.append("- %s: %s" % (u["mechanism"], u["reason"]))
        out.append("")
    out.append("### Targets")
    out.append("")
    out.append("| target | rule | measured | verdict |")
    out.append("|---|---|---:|---|")
    for t in results["targets"]:
        if not t["measured"]:
            out.append("| %s | %s | not measured | - |" % (t["name"], t["rule"]))
            continue
        out.append("| %s | %s | %.4g | %s |" % (t["name"], t["rule"], t["value"],
                                                "met" if t["met"] else "**missed**"))
    out.append("")
    with open(path, "w") as f:
        f.write("\n".join(out))


if __name__ == "__main__":
    main()
