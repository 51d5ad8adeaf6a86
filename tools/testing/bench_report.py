#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Read what make bench's VM runs wrote (guest-bench.sh's bench.txt, one
file per kernel and mode), print the tables and the verdicts on the
criteria, and write build/bench/results.json.

    bench_report.py JSON SIZING SMOKE VERDICTS (NAME KIND KVER MODE FILE)...

MODE is count (QEMU counting instructions: 1 ns of the guest's clock per
instruction executed, so that a figure is the same from run to run) or
bench (wall time, which the shared host disturbs). Each configuration was
measured once per pass, the passes one after the other: a ratio is taken
within each pass and reported as the median over the passes with its
range. A criterion, judged on the instruction counts, is met only when the
whole range is under it. VERDICTS receives "NAME MODE 0|1" per file read:
1 when its results are missing or do not parse.
"""
import json
import math
import statistics
import sys
import time

# The labels each sample keeps (labels=), on the kprobe backend: the
# default set is "default" and "rate1"; none and every label beside them.
LABEL_CONFIGS = ["nolabels", "labels-all", "rate1-nolabels",
                 "rate1-labels-all"]
CONFIGS = ["notloaded", "disabled", "floor", "default", "rate1",
           "tp-floor", "tp-default", "tp-rate1"] + LABEL_CONFIGS
# Every slab event traced with its stack (tracefs), for comparison.
EXTRA = ["tracefs"]
# The alloctag kernel: the kernel's own allocation profiling (alloc_tag,
# /proc/allocinfo) on, and with kmprof on either backend at the default
# rate; beside not loaded, default and tp-default. Its cases: the slab's
# pairs, the page pair and vmalloc.
ALLOCTAG_CONFIGS = ["alloctag", "alloctag-default", "alloctag-tp-default"]
ALLOCTAG_SHOWN = ["notloaded", "alloctag", "default", "tp-default",
                  "alloctag-default", "alloctag-tp-default"]
ALLOCTAG_CASES = ["kmalloc-64", "cache-64", "kmalloc-4096", "bulk-64",
                  "page-0", "vmalloc-64k"]
# The profiles read on the alloctag kernel after the demo's work.
READS = ["allocinfo", "heap", "top"]
# The kernels with /proc/allocinfo, whose estimates are set beside it.
ALLOCINFO_KINDS = ("debug", "alloctag")
CASES = ["kmalloc-16", "kmalloc-64", "kmalloc-256", "kmalloc-1024",
         "kmalloc-4096", "cache-64", "bulk-64", "page-0", "page-3",
         "vmalloc-64k", "percpu-64"]
# A pair of each source other than the slab, judged against its floor.
SOURCE_CASES = ["page-0", "page-3", "vmalloc-64k", "percpu-64"]
# Timed in the bench mode only (tmpfs and pipes, in ms).
WORKLOAD = "workload"
# The configurations whose ratio to their backend's floor is shown.
FLOORED = {"default": "floor", "rate1": "floor",
           "tp-default": "tp-floor", "tp-rate1": "tp-floor"}
FLOORED.update({c: "floor" for c in LABEL_CONFIGS})
# kmprof's cost on top of alloc_tag: the ratio to alloc_tag alone.
ON_ALLOCTAG = {"alloctag-default": "alloctag",
               "alloctag-tp-default": "alloctag"}
# The label sets whose buckets the demo's work is counted with ("-": none).
LABEL_SETS = ["-", "context", "context,cgroup", "comm", "pid",
              "context,comm,pid,cgroup"]
# (name, case, configuration, against, at most): on the kmalloc(64) pair,
# and each other source's pair against its backend's floor.
CRITERIA = [
    ("disabled <= 1.02x not loaded", "kmalloc-64", "disabled",
     "notloaded", 1.02),
    ("kprobe default <= 1.15x its floor", "kmalloc-64", "default",
     "floor", 1.15),
    ("tracepoint default <= 1.5x not loaded", "kmalloc-64", "tp-default",
     "notloaded", 1.5),
    ("kprobe default, every label, <= 1.15x its floor", "kmalloc-64",
     "labels-all", "floor", 1.15),
] + [("%s %s default <= 1.15x its floor" % (case, backend), case,
      config, floor, 1.15)
     for case in SOURCE_CASES
     for backend, config, floor in (("kprobe", "default", "floor"),
                                    ("tracepoint", "tp-default",
                                     "tp-floor"))]
# The workload module's sites, and the size class krealloc() grows from
# (WORKLOAD_REALLOC_FROM): that object is freed inside.
SITES = ["kmalloc", "kmalloc_const", "kmalloc_node", "cache_alloc",
         "cache_alloc_lru", "bulk_alloc", "krealloc", "kvmalloc", "pages",
         "vmalloc", "percpu"]
REALLOC_FROM = 64
# The buckets a flush folds per hold of the lock (KMPROF_FLUSH_BATCH).
FLUSH_BATCH = 64


def num(words):
    return [int(w) for w in words]


def estimate(rate, site, truth, sampled):
    """A site's in-use bytes and objects: the truth, the estimate unbiased
    per bucket as the kmprof tool does, and sigma of that estimate."""
    allocs, _, nbytes, frees = truth
    objs = allocs - frees
    if site == "krealloc":
        inuse = nbytes - frees * REALLOC_FROM
    else:
        inuse = nbytes - (nbytes * frees // allocs if allocs else 0)
    est_objs = est_bytes = 0.0
    samples = 0
    for io, ib, _, _ in sampled:
        if not io:
            continue
        scale = 1 / (1 - math.exp(-(ib / io) / rate)) if rate > 1 else 1
        est_objs += io * scale
        est_bytes += ib * scale
        samples += io
    sigma = 0.0
    if objs and rate > 1:
        size = inuse / objs
        p = 1 - math.exp(-size / rate)
        sigma = size * math.sqrt(objs * (1 - p) / p)
    e = {"objects": objs, "bytes": inuse, "samples": samples,
         "est_objects": round(est_objs), "est_bytes": round(est_bytes),
         "sigma_bytes": round(sigma)}
    e["error_sigma"] = (est_bytes - inuse) / sigma if sigma else None
    e["error_pct"] = 100.0 * (est_bytes - inuse) / inuse if inuse else None
    return e


def parse(path):
    """One bench.txt: its lines by kind, and the lines it could not read."""
    r = {"passes": {}, "reserved": {}, "flush": {}, "heapread": {},
         "rate": None, "truth": {}, "sampled": {}, "allocinfo": {},
         "labelbuckets": {}, "readtime": {}, "readbuckets": None,
         "problems": []}
    for line in open(path):
        f = line.split()
        try:
            if "failed" in f:
                r["problems"].append(line.strip())
            elif len(f) >= 3 and f[0] == "reserved":
                r["reserved"][f[1]] = int(f[2]) if f[2].isdigit() else None
            elif len(f) == 7 and f[0] == "flush":
                n, buckets, adv, fl, batch, drops = num(f[1:])
                r["flush"][n] = {"buckets": n, "in_use": buckets,
                                 "advance_ns": adv, "flush_ns": fl,
                                 "batch_max_ns": batch, "drops": drops}
            elif len(f) == 6 and f[0] == "heapread":
                n, records, nbytes, ms, kib = num(f[1:])
                r["heapread"][n] = {"buckets": n, "records": records,
                                    "bytes": nbytes, "ms": ms,
                                    "taken_kib": kib}
            elif len(f) == 2 and f[0] == "rate":
                r["rate"] = int(f[1])
            elif len(f) == 6 and f[0] == "truth":
                r["truth"][f[1]] = num(f[2:])
            elif len(f) == 6 and f[0] == "sampled":
                r["sampled"].setdefault(f[1], []).append(num(f[2:]))
            elif len(f) == 4 and f[0] == "allocinfo":
                r["allocinfo"][f[1]] = {"bytes": int(f[2]),
                                        "calls": int(f[3])}
            elif len(f) == 6 and f[0] == "readtime":
                reads, ms, nbytes, lines = num(f[2:])
                r["readtime"][f[1]] = {"reads": reads, "ms": ms,
                                       "bytes": nbytes, "lines": lines}
            elif len(f) == 3 and f[0] == "readbuckets":
                buckets, lines = num(f[1:])
                r["readbuckets"] = {"buckets": buckets,
                                    "allocinfo_lines": lines}
            elif len(f) == 4 and f[0] == "labelbuckets":
                r["labelbuckets"][f[1]] = {"buckets": int(f[2]),
                                           "drops": int(f[3])}
            elif len(f) >= 3 and f[0] in CONFIGS + EXTRA + ALLOCTAG_CONFIGS:
                # The CPUs' medians, averaged (the workload: one figure in
                # ms); one line per pass, in pass order.
                v = [float(x) for x in f[2:]]
                r["passes"].setdefault(f[0], {}).setdefault(
                    f[1], []).append(sum(v) / len(v))
        except ValueError:
            r["problems"].append(line.strip())
    return r


def spread(values):
    return {"median": statistics.median(values), "min": min(values),
            "max": max(values)}


def ratio(passes, config, against, case):
    """config / against within each pass: median and range over passes."""
    a, b = passes[config][case], passes[against][case]
    return spread([x / y for x, y in zip(a, b) if y])


def summary(passes, cases):
    """Per configuration and case: the figure (median over the passes) and
    its ratios, each a median with its range."""
    out = {}
    for c in passes:
        for k in cases:
            if k not in passes[c] or k not in passes["notloaded"]:
                continue
            cell = {"per_pass": passes[c][k],
                    "value": spread(passes[c][k])}
            if c != "notloaded":
                cell["x_notloaded"] = ratio(passes, c, "notloaded", k)
            if c in FLOORED and FLOORED[c] in passes:
                cell["x_floor"] = ratio(passes, c, FLOORED[c], k)
            if c in ON_ALLOCTAG and k in passes.get(ON_ALLOCTAG[c], {}):
                cell["x_alloctag"] = ratio(passes, c, ON_ALLOCTAG[c], k)
            out.setdefault(c, {})[k] = cell
    return out


def fmt_ratio(r, unit):
    lo, hi = "%.2f" % r["min"], "%.2f" % r["max"]
    if lo == hi:
        return "%.2f%s" % (r["median"], unit)
    return "%.2f%s[%s-%s]" % (r["median"], unit, lo, hi)


def print_table(title, table, cases, shown_configs=None):
    shown = [c for c in shown_configs or CONFIGS + EXTRA
             if c in table and (shown_configs or c not in LABEL_CONFIGS)]
    print(title)
    print("%-13s" % "case" + "".join(" %35s" % c for c in shown))
    for k in cases:
        row = "%-13s" % k
        for c in shown:
            cell = table[c].get(k)
            if not cell:
                row += " %35s" % "-"
                continue
            text = "%.0f" % cell["value"]["median"]
            if "x_notloaded" in cell:
                text += " " + fmt_ratio(cell["x_notloaded"], "x")
            if "x_floor" in cell:
                text += " " + fmt_ratio(cell["x_floor"], "f")
            if "x_alloctag" in cell:
                text += " " + fmt_ratio(cell["x_alloctag"], "a")
            row += " %35s" % text
        print(row)
    print()


def print_labels(name, kver, table, buckets):
    """The label sets side by side: the kmalloc(64) pair, and the buckets
    the demo's work left with each set (wall-time boots only)."""
    configs = ["default", "nolabels", "labels-all", "rate1",
               "rate1-nolabels", "rate1-labels-all"]
    print_table("%s (%s): labels= on the kprobe backend: the default set "
                "(context,cgroup), none, every label" % (name, kver),
                table, ["kmalloc-64"], configs)
    if buckets:
        print("buckets after the demo's work at rate 4096, by labels=: " +
              ", ".join("%s %d%s" % (
                  "none" if s == "-" else s, b["buckets"],
                  " (%d dropped)" % b["drops"] if b["drops"] else "")
                  for s, b in buckets.items()))
        print()


def judge(table):
    """The criteria on a table of instruction counts."""
    out = []
    for name, case, config, against, limit in CRITERIA:
        cell = table.get(config, {}).get(case, {})
        key = "x_floor" if against != "notloaded" else "x_notloaded"
        r = cell.get(key)
        if r is None:
            out.append({"criterion": name, "met": None})
            continue
        out.append({"criterion": name, "limit": limit, "ratio": r,
                    "met": r["max"] <= limit})
    return out


def check_results(mode, r, configs, cases, problems):
    """Every configuration measured every case."""
    for c in configs:
        for k in cases:
            if k not in r["passes"].get(c, {}):
                problems.append("%s: no result for %s %s" % (mode, c, k))


def check_stock(name, kver, mode, r, smoke, problems):
    check_results(mode, r, CONFIGS,
                  CASES + ([] if mode == "count" else [WORKLOAD]), problems)
    if mode == "count":
        return
    for p in ("default", "max"):
        if p not in r["reserved"]:
            problems.append("no reserved bytes at %s params" % p)
    for n in ([256, 1024] if smoke else [1024, 16384, 65536]):
        if n not in r["flush"]:
            problems.append("no flush run with %d buckets" % n)
        elif r["flush"][n]["in_use"] < n:
            problems.append("%d buckets asked, %d in use: stacks merged"
                            % (n, r["flush"][n]["in_use"]))
    for s in (["context,comm,pid,cgroup"] if smoke else LABEL_SETS):
        if s not in r["labelbuckets"]:
            problems.append("no bucket count with labels %s" % s)
    # The largest pool is read on 6.12 only: minutes under emulation.
    for n in ([4096] if smoke else [1048576]):
        if n not in r["heapread"]:
            if smoke or not kver.startswith("6.1."):
                problems.append("no heap read of %d buckets" % n)
        elif r["heapread"][n]["records"] != n:
            problems.append("heap read of %d buckets: %d records"
                            % (n, r["heapread"][n]["records"]))


def check_alloctag(mode, r, problems):
    check_results(mode, r, ALLOCTAG_SHOWN, ALLOCTAG_CASES, problems)
    if mode == "count":
        return
    for p in READS:
        if p not in r["readtime"]:
            problems.append("no read time of %s" % p)
    if r["readbuckets"] is None:
        problems.append("no bucket count of the read times")


def print_reads(name, kver, r):
    rb = r["readbuckets"] or {}
    print("%s (%s): reading each profile after the demo's work (%s kmprof "
          "buckets at rate 4096, %s lines of /proc/allocinfo); mean of %d "
          "reads" % (name, kver, rb.get("buckets", "?"),
                     rb.get("allocinfo_lines", "?"),
                     max([t["reads"] for t in r["readtime"].values()] or [0])))
    print("%-22s %8s %10s %8s" % ("profile", "ms/read", "bytes", "lines"))
    names = {"allocinfo": "/proc/allocinfo", "heap": "kmprof heap file",
             "top": "kmprof top"}
    for p in READS:
        t = r["readtime"].get(p)
        if t:
            print("%-22s %8.1f %10d %8d" % (
                names[p], t["ms"] / t["reads"] if t["reads"] else 0,
                t["bytes"], t["lines"]))
    print()


def sites_of(kind, r, problems):
    if r["rate"] is None:
        problems.append("no estimates")
    sites = {}
    for s in SITES:
        fn = "workload_" + s
        if fn not in r["truth"] or not r["truth"][fn][0]:
            problems.append("no truth for %s" % fn)
            continue
        sites[s] = estimate(r["rate"] or 1, s, r["truth"][fn],
                            r["sampled"].get(fn, []))
        if kind in ALLOCINFO_KINDS:
            if fn not in r["allocinfo"]:
                problems.append("no /proc/allocinfo line of %s" % fn)
            else:
                sites[s]["allocinfo"] = r["allocinfo"][fn]
    return sites


def print_flush(name, kver, r):
    print("%s (%s): one advance and its flush at rate 1; IRQ-off batches "
          "of %d buckets, the longest and the mean (the flush over its "
          "batches)" % (name, kver, FLUSH_BATCH))
    print("%8s %8s %11s %9s %14s %14s" % (
        "buckets", "in use", "advance ns", "flush ms", "max batch us",
        "mean batch us"))
    for n in sorted(r["flush"]):
        f = r["flush"][n]
        batches = -(-f["in_use"] // FLUSH_BATCH)
        print("%8d %8d %11d %9.1f %14.1f %14.1f" %
              (n, f["in_use"], f["advance_ns"], f["flush_ns"] / 1e6,
               f["batch_max_ns"] / 1e3,
               f["flush_ns"] / batches / 1e3 if batches else 0))
    print()
    for n in sorted(r["heapread"]):
        h = r["heapread"][n]
        print("%s (%s): heap file of %d buckets: %d records, %.0f MiB of "
              "text, read in %.1f s, taking %.0f MiB" %
              (name, kver, n, h["records"], h["bytes"] / 2**20,
               h["ms"] / 1e3, h["taken_kib"] / 1024))
    if r["heapread"]:
        print()


def print_sites(name, kver, kind, rate, sites):
    print("%s (%s): in-use bytes of the workload's sites, estimated at rate "
          "%d against the truth; error in sigma (s) and in %%" %
          (name, kver, rate))
    if kind in ALLOCINFO_KINDS:
        print("ai = /proc/allocinfo, exact (its bytes at the slab's full "
              "object size); est objs = kmprof's estimated objects")
    head = "%-16s %8s %10s %8s %10s %9s %8s %8s" % (
        "site", "objects", "bytes", "samples", "estimate", "sigma",
        "error", "error%")
    if kind in ALLOCINFO_KINDS:
        head += " %8s %8s %10s" % ("ai calls", "est objs", "ai bytes")
    print(head)
    for s in SITES:
        e = sites.get(s)
        if not e:
            continue
        row = "%-16s %8d %10d %8d %10d %9d %8s %8s" % (
            s, e["objects"], e["bytes"], e["samples"], e["est_bytes"],
            e["sigma_bytes"],
            "-" if e["error_sigma"] is None else "%+.2fs" % e["error_sigma"],
            "-" if e["error_pct"] is None else "%+.1f%%" % e["error_pct"])
        if kind in ALLOCINFO_KINDS and "allocinfo" in e:
            row += " %8d %8d %10d" % (e["allocinfo"]["calls"],
                                      e["est_objects"],
                                      e["allocinfo"]["bytes"])
        print(row)
    print()


def report_kernel(name, kind, runs, smoke, verdicts):
    """One kernel: its count and bench runs. Returns its JSON part and
    whether everything parsed."""
    kern = {"kind": kind}
    ok = True
    for mode in ("count", "bench"):
        if mode not in runs:
            continue
        kver, path = runs[mode]
        kern["kernel"] = kver
        r = parse(path)
        problems = list(r["problems"])
        if kind == "stock":
            check_stock(name, kver, mode, r, smoke, problems)
        elif kind == "alloctag":
            check_alloctag(mode, r, problems)
        cases = CASES + ([] if mode == "count" else [WORKLOAD])
        table = summary(r["passes"], cases) if r["passes"] else {}
        if kind == "alloctag":
            unit = ("instructions per op, QEMU counting (-icount)"
                    if mode == "count" else "ns/op, wall time")
            kern["count" if mode == "count" else "bench"] = table
            if not smoke and table:
                print_table("%s (%s): %s; the kernel's allocation profiling "
                            "(alloctag) beside kmprof's backends at the "
                            "default rate; median of %d passes; x = ratio "
                            "to not loaded, a = to alloctag alone, [range "
                            "over passes]" % (name, kver, unit, len(
                                r["passes"]["notloaded"]["kmalloc-64"])),
                            table, ALLOCTAG_CASES, ALLOCTAG_SHOWN)
            if mode == "bench":
                kern["read_times"] = {"profiles": r["readtime"],
                                      "read": r["readbuckets"]}
                if not smoke:
                    print_reads(name, kver, r)
                sites = sites_of(kind, r, problems)
                kern["estimates"] = {"rate": r["rate"], "sites": sites}
                if not smoke and r["rate"] is not None:
                    print_sites(name, kver, kind, r["rate"], sites)
        elif mode == "count":
            kern["instructions_per_op"] = table
            if not smoke and table:
                print_table("%s (%s): instructions per op, QEMU counting "
                            "(-icount); median of %d passes; x = ratio to "
                            "not loaded, f = to the backend's floor, "
                            "[range over passes] where it is not one "
                            "figure" % (name, kver, len(
                                r["passes"]["notloaded"]["kmalloc-64"])),
                            table, cases)
                print_labels(name, kver, table, {})
                kern["criteria"] = judge(table)
                for c in kern["criteria"]:
                    if c["met"] is None:
                        print("criterion %s: no figure" % c["criterion"])
                        continue
                    print("criterion %s: %s (%s)" % (
                        c["criterion"], "met" if c["met"] else "NOT met",
                        fmt_ratio(c["ratio"], "x")))
                print()
        else:
            if kind == "stock":
                kern["ns_per_op"] = table
                kern["label_buckets"] = r["labelbuckets"]
                kern["reserved_bytes"] = r["reserved"]
                kern["flush"] = [r["flush"][n] for n in sorted(r["flush"])]
                kern["heap_read"] = [r["heapread"][n]
                                     for n in sorted(r["heapread"])]
                if not smoke and table:
                    print_table("%s (%s): ns/op, wall time (workload: ms); "
                                "median of the passes, ratios as above"
                                % (name, kver), table, cases)
                    print_labels(name, kver, table, r["labelbuckets"])
                    print("reserved bytes: default params %s, maximum "
                          "params %s" % (r["reserved"].get("default"),
                                         r["reserved"].get("max")))
                    print()
                    print_flush(name, kver, r)
            sites = sites_of(kind, r, problems)
            kern["estimates"] = {"rate": r["rate"], "sites": sites}
            if not smoke and r["rate"] is not None:
                print_sites(name, kver, kind, r["rate"], sites)
        for p in problems:
            print("# %s %s: %s" % (name, mode, p))
        print("%s %s %d" % (name, mode, 1 if problems else 0),
              file=verdicts)
        ok = ok and not problems
    return kern, ok


def main():
    path, sizing, smoke = sys.argv[1], sys.argv[2], sys.argv[3] == "1"
    verdicts = open(sys.argv[4], "w")
    args = sys.argv[5:]
    kernels = {}
    for i in range(0, len(args), 5):
        name, kind, kver, mode, file = args[i:i + 5]
        kernels.setdefault(name, (kind, {}))[1][mode] = (kver, file)
    report = {"date": time.strftime("%Y-%m-%d"), "command": "make bench",
              "sizing": sizing, "kernels": {}}
    ok = True
    for name, (kind, runs) in kernels.items():
        kern, good = report_kernel(name, kind, runs, smoke, verdicts)
        report["kernels"][name] = kern
        ok = ok and good
    with open(path, "w") as f:
        json.dump(report, f, indent=1, sort_keys=True)
    if not smoke:
        print("results: build/bench/%s" % path.rsplit("/", 1)[-1])
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
