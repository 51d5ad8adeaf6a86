#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# `make bench`: boot each stock kernel once in QEMU and measure, within
# that boot, what kmprof costs the slab allocator in each configuration
# (tools/testing/vm/guest-bench.sh): not loaded, loaded but disabled, the
# mechanism floor (floor=1), enabled at the default rate, and at rate 1;
# what an advance and a flush cost with 1k, 16k and 64k buckets; and how
# close the default rate's estimates come to the workload module's truth.
# Then boot the debug kernel once to set those estimates beside the exact
# numbers of /proc/allocinfo. Prints tables per kernel and writes
# build/bench/results.json.
#
#   bench.sh           the full run (a few minutes)
#   bench.sh --smoke   a tiny run for make check, a KTAP document with one
#                      case per kernel, ok when the machinery worked; it
#                      never judges a number
#
# Under TCG absolute times mean little; the ratios within one boot do.
set -uo pipefail
. "$(dirname "$0")/vm/lib.sh"
. "$(dirname "$0")/host_lib.sh"

smoke=0
[ "${1:-}" = --smoke ] && smoke=1
out=$KMPROF_ROOT/build/bench
mkdir -p "$out"
if [ "$smoke" -eq 1 ]; then
	export KMPROF_BENCH=200,3,1,smoke
	json=$out/smoke.json
else
	export KMPROF_BENCH=${KMPROF_BENCH:-$KMPROF_BENCH_DEFAULT}
	json=$out/results.json
fi

"$VM_DIR/install-deps.sh" || die "cannot install the host packages"
status=0
names="$(kernel_names stock) $(kernel_names debug)"
[ "$smoke" -eq 0 ] || ktap_plan $(echo $names | wc -w)
results=()
declare -A vm_failed
for name in $names; do
	rm -f "$KMPROF_ROOT/build/$name/artifacts/bench.txt"
	if ! "$VM_DIR/run-vm.sh" "$name" bench >"$out/$name.log" 2>&1; then
		cat "$out/$name.log" >&2
		echo "# $name bench: the VM run failed"
		vm_failed[$name]=1
		status=1
		continue
	fi
	file=$out/$name.txt
	cp "$KMPROF_ROOT/build/$name/artifacts/bench.txt" "$file" 2>/dev/null ||
		: >"$file"
	kver=$(sed -n 's/.*kmprof-vm: mode bench on \([^,]*\),.*/\1/p' \
		"$KMPROF_ROOT/build/$name/bench.log" | tr -d '\r')
	results+=("$name" "$(kernel_field "$name" 2)" "$kver" "$file")
done

verdicts=$out/verdicts
: >"$verdicts"
[ ${#results[@]} -eq 0 ] ||
python3 - "$json" "$KMPROF_BENCH" "$smoke" "$verdicts" "${results[@]}" <<'PY' || status=1
import json, math, sys, time

path, sizing, smoke = sys.argv[1], sys.argv[2], sys.argv[3] == "1"
# "NAME 0|1" per kernel read: did its results parse (1 when not).
verdicts = open(sys.argv[4], "w")
args = sys.argv[5:]
CONFIGS = ["notloaded", "disabled", "floor", "default", "rate1",
           "tp-floor", "tp-default", "tp-rate1"]
# Every slab event traced with its stack (tracefs), for comparison.
EXTRA = ["tracefs"]
CASES = ["kmalloc-16", "kmalloc-64", "kmalloc-256", "kmalloc-1024",
         "kmalloc-4096", "cache-64", "bulk-64", "workload"]
# Bucket counts of the flush runs (guest-bench.sh), and the buckets a
# flush folds per hold of the lock (KMPROF_FLUSH_BATCH, kmod/cycle.c).
FLUSH_SIZES = [256, 1024] if smoke else [1024, 16384, 65536]
FLUSH_BATCH = 64
# Buckets of the heap read (guest-bench.sh): the largest pool, 6.12 only.
READ_SIZES = [4096] if smoke else [1048576]
# The workload module's sites, and the size class krealloc() grows from
# (WORKLOAD_REALLOC_FROM): that object is freed inside.
SITES = ["kmalloc", "kmalloc_const", "kmalloc_node", "cache_alloc",
         "cache_alloc_lru", "bulk_alloc", "krealloc", "kvmalloc"]
REALLOC_FROM = 64
report = {"date": time.strftime("%Y-%m-%d"), "command": "make bench",
          "sizing": sizing, "kernels": {}}


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


ok = True
for i in range(0, len(args), 4):
    name, kind, kver, file = args[i:i + 4]
    ns, reserved, flush, problems = {}, {}, {}, []
    heapread = {}
    rate, truth, sampled, allocinfo = None, {}, {}, {}
    for line in open(file):
        f = line.split()
        try:
            if "failed" in f:
                problems.append(line.strip())
            elif len(f) >= 3 and f[0] == "reserved":
                reserved[f[1]] = int(f[2]) if f[2].isdigit() else None
            elif len(f) == 7 and f[0] == "flush":
                n, buckets, adv, fl, batch, drops = num(f[1:])
                flush[n] = {"buckets": n, "in_use": buckets,
                            "advance_ns": adv, "flush_ns": fl,
                            "batch_max_ns": batch, "drops": drops}
            elif len(f) == 6 and f[0] == "heapread":
                n, records, nbytes, ms, kib = num(f[1:])
                heapread[n] = {"buckets": n, "records": records,
                               "bytes": nbytes, "ms": ms, "taken_kib": kib}
            elif len(f) == 2 and f[0] == "rate":
                rate = int(f[1])
            elif len(f) == 6 and f[0] == "truth":
                truth[f[1]] = num(f[2:])
            elif len(f) == 6 and f[0] == "sampled":
                sampled.setdefault(f[1], []).append(num(f[2:]))
            elif len(f) == 4 and f[0] == "allocinfo":
                allocinfo[f[1]] = {"bytes": int(f[2]), "calls": int(f[3])}
            elif len(f) >= 3 and f[0] in CONFIGS + EXTRA:
                v = [float(x) for x in f[2:]]
                # The CPUs' medians, averaged; the workload is one figure
                # in ms. One line per pass: the least disturbed pass is
                # kept below.
                ns.setdefault(f[0], {}).setdefault(f[1], []).append(
                    sum(v) / len(v))
        except ValueError:
            problems.append(line.strip())
    for c in ns:
        for k in ns[c]:
            # The host's other work only ever adds time: the fastest pass
            # is the one it disturbed least.
            ns[c][k] = min(ns[c][k])
    if kind == "stock":
        for c in CONFIGS:
            for k in CASES:
                if k not in ns.get(c, {}):
                    problems.append("no result for %s %s" % (c, k))
        for p in ("default", "max"):
            if p not in reserved:
                problems.append("no reserved bytes at %s params" % p)
        for n in FLUSH_SIZES:
            if n not in flush:
                problems.append("no flush run with %d buckets" % n)
            elif flush[n]["in_use"] < n:
                problems.append("%d buckets asked, %d in use: stacks merged"
                                % (n, flush[n]["in_use"]))
        for n in READ_SIZES:
            if n not in heapread:
                if smoke or not kver.startswith("6.1."):
                    problems.append("no heap read of %d buckets" % n)
            elif heapread[n]["records"] != n:
                problems.append("heap read of %d buckets: %d records"
                                % (n, heapread[n]["records"]))
    if rate is None:
        problems.append("no estimates")
    sites = {}
    for s in SITES:
        fn = "workload_" + s
        if fn not in truth or not truth[fn][0]:
            problems.append("no truth for %s" % fn)
            continue
        sites[s] = estimate(rate or 1, s, truth[fn], sampled.get(fn, []))
        if kind == "debug":
            if fn not in allocinfo:
                problems.append("no /proc/allocinfo line of %s" % fn)
            else:
                sites[s]["allocinfo"] = allocinfo[fn]
    kern = {"kernel": kver, "kind": kind,
            "estimates": {"rate": rate, "sites": sites}}
    if kind == "stock":
        kern.update({"ns_per_op": ns, "reserved_bytes": reserved,
                     "flush": [flush[n] for n in sorted(flush)],
                     "heap_read": [heapread[n] for n in sorted(heapread)]})
    report["kernels"][name] = kern
    if problems:
        ok = False
        for p in problems:
            print("# %s: %s" % (name, p))
        print("%s 1" % name, file=verdicts)
        continue
    print("%s 0" % name, file=verdicts)
    if smoke:
        continue
    if kind == "stock":
        base, floor = ns["notloaded"], ns["floor"]
        shown = CONFIGS + [c for c in EXTRA if c in ns]
        print("%s (%s): ns/op (workload: ms); x = ratio to not loaded; "
              "f = ratio to the floor" % (name, kver))
        print("%-13s" % "case" + "".join("%24s" % c for c in shown))
        for k in CASES:
            row = "%-13s" % k
            for c in shown:
                v = ns[c].get(k, 0.0)
                cell = "%.1f" % v
                if c != "notloaded":
                    cell += " %.2fx" % (v / base[k] if base[k] else 0)
                # kprobe rows against the kprobe floor, tp- rows against
                # the tracepoint floor
                fl = ns["tp-floor"] if c.startswith("tp-") else floor
                if c in ("default", "rate1", "tp-default", "tp-rate1"):
                    cell += " %.2ff" % (v / fl[k] if fl[k] else 0)
                row += "%24s" % cell
            print(row)
        print("reserved bytes: default params %s, maximum params %s" %
              (reserved["default"], reserved["max"]))
        print()
        print("%s (%s): one advance and its flush at rate 1; IRQ-off "
              "batches of %d buckets, the longest and the mean (the flush "
              "over its batches)" % (name, kver, FLUSH_BATCH))
        print("%8s %8s %11s %9s %14s %14s" % (
            "buckets", "in use", "advance ns", "flush ms", "max batch us",
            "mean batch us"))
        for n in sorted(flush):
            r = flush[n]
            batches = -(-r["in_use"] // FLUSH_BATCH)
            print("%8d %8d %11d %9.1f %14.1f %14.1f" %
                  (n, r["in_use"], r["advance_ns"], r["flush_ns"] / 1e6,
                   r["batch_max_ns"] / 1e3,
                   r["flush_ns"] / batches / 1e3 if batches else 0))
        print()
        for n in sorted(heapread):
            r = heapread[n]
            print("%s (%s): heap file of %d buckets: %d records, %.0f MiB "
                  "of text, read in %.1f s, taking %.0f MiB" %
                  (name, kver, n, r["records"], r["bytes"] / 2**20,
                   r["ms"] / 1e3, r["taken_kib"] / 1024))
        if heapread:
            print()
    print("%s (%s): in-use bytes of the workload's sites, estimated at rate "
          "%d against the truth; error in sigma (s) and in %%" %
          (name, kver, rate))
    if kind == "debug":
        print("ai = /proc/allocinfo, exact (its bytes at the slab's full "
              "object size); est objs = kmprof's estimated objects")
    head = "%-16s %8s %10s %8s %10s %9s %8s %8s" % (
        "site", "objects", "bytes", "samples", "estimate", "sigma",
        "error", "error%")
    if kind == "debug":
        head += " %8s %8s %10s" % ("ai calls", "est objs", "ai bytes")
    print(head)
    for s in SITES:
        e = sites[s]
        row = "%-16s %8d %10d %8d %10d %9d %8s %8s" % (
            s, e["objects"], e["bytes"], e["samples"], e["est_bytes"],
            e["sigma_bytes"],
            "-" if e["error_sigma"] is None else "%+.2fs" % e["error_sigma"],
            "-" if e["error_pct"] is None else "%+.1f%%" % e["error_pct"])
        if kind == "debug":
            row += " %8d %8d %10d" % (e["allocinfo"]["calls"],
                                      e["est_objects"],
                                      e["allocinfo"]["bytes"])
        print(row)
    print()
with open(path, "w") as f:
    json.dump(report, f, indent=1, sort_keys=True)
if not smoke:
    print("results: build/bench/%s" % path.rsplit("/", 1)[-1])
sys.exit(0 if ok else 1)
PY
[ "$smoke" -eq 1 ] || exit $status
# The smoke run's cases: one per kernel, failed when its VM run failed or
# its results did not parse.
for name in $names; do
	verdict=$(awk -v n="$name" '$1 == n { print $2 }' "$verdicts")
	[ -z "${vm_failed[$name]:-}" ] && [ "$verdict" = 0 ]
	ktap_result "${name}_bench" $?
done
ktap_finish
