/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * kmprof - what the module, its KUnit suites and the kmprof tool agree on:
 * the debugfs location, defaults and limits of the tunables.
 *
 * This header is included from kernel and user space alike, so it only
 * holds constants.
 */
#ifndef KMPROF_H
#define KMPROF_H

#define KMPROF_NAME		"kmprof"
#define KMPROF_DEBUGFS_DIR	"/sys/kernel/debug/kmprof"

/*
 * The control files of KMPROF_DEBUGFS_DIR, all root only. Writes take one
 * token (surrounding white space ignored); anything else is -EINVAL and
 * changes nothing.
 *
 *   stats   read: "kmprof stats v<KMPROF_STATS_VERSION>", then "<name> <value>"
 *           lines, one per counter, the backend's dropped events
 *           ("alloc_probe_nmissed", "free_probe_nmissed") and last
 *           "backend <name>". Readers skip names they do not know. Among
 *           the counters, in ns: advance_last_ns and advance_max_ns (how
 *           long the last and the longest advance held the ring's lock,
 *           IRQs off), flush_last_ns (the last flush, start to end, in
 *           process context), flush_last_batch_ns (the longest one batch
 *           of that flush held the lock with IRQs off) and
 *           flush_batch_max_ns (the longest batch since load). Then
 *           "disabled_by_warn 0|1": 1 while the backend is disarmed
 *           because the profile found one of its invariants broken (it
 *           warned once in the kernel log; reset or enable resume).
 *   cycle   read: "cycle <C> pending <P>": the counter and the closed cycles
 *           not yet published. Write "1": advance (returns after the
 *           advance; the flush is queued).
 *   heap    read: the published profile, see kmprof_heap.h. A read flushes
 *           pending cycles first.
 *   rate    read/write: the sampling rate in bytes, 0..KMPROF_RATE_MAX.
 *           Writing a new rate starts a new profile, as reset does: no
 *           profile mixes counts sampled at two rates.
 *   enable  read/write: "1" profiling, "0" stopped: the backend is
 *           disarmed, so the allocator pays nothing. A write of "1" that
 *           cannot arm it fails with its error and stays "0".
 *   reset   write "1": forget every bucket and object (and arm the
 *           backend again if the fail-safe disarmed it).
 *   probes  read: "kmprof probes v<KMPROF_PROBES_VERSION>", "backend <name>",
 *           then one line per entry point the backend uses:
 *           "<where> <role> <state> <hits> <nmissed>", where is a
 *           function (a kprobe) or "kmem:<event>" (a tracepoint), role
 *           alloc or free (what it reports) or reuse (it only sees the
 *           addresses of allocations, to retire the object map's entries
 *           of sampled objects whose free was missed), state one of armed,
 *           disarmed, absent (not in this kernel), failed, and hits "-"
 *           unless counted (module parameter hits=1, which also adds an
 *           "events" line to stats).
 */
#define KMPROF_STATS_VERSION	1
#define KMPROF_PROBES_VERSION	4

/**
 * DOC: profile parameters
 *
 * The module parameters that size the profile and set its rate, validated
 * at load: a value out of range refuses the load with a message naming
 * the parameter and its range. Their defaults and limits are the
 * constants named after them here: KMPROF_RATE_DEFAULT, KMPROF_RATE_MAX,
 * KMPROF_MAX_BUCKETS_DEFAULT, KMPROF_MAX_BUCKETS_LIMIT and so on.
 *
 * ===============  ==========  ===========================================
 * parameter        default     meaning and range
 * ===============  ==========  ===========================================
 * ``rate``         512 KiB     mean bytes allocated between two samples;
 *                              1 samples every allocation, 0 none; at most
 *                              1 GiB. Fixed for a profile's life: writing
 *                              the rate file starts a new profile at the
 *                              new rate
 * ``max_buckets``  8192        distinct (stack, size class) buckets
 *                              reserved, 1 to 2^20
 * ``max_objects``  65536       sampled objects tracked until their free,
 *                              1 to 2^22
 * ``max_depth``    32          deepest stack kept, in frames, 1 to 64
 * ===============  ==========  ===========================================
 */
#define KMPROF_RATE_DEFAULT		(512UL * 1024)
#define KMPROF_RATE_MAX			(1024UL * 1024 * 1024)
#define KMPROF_MAX_BUCKETS_DEFAULT	8192U
#define KMPROF_MAX_BUCKETS_LIMIT	(1024U * 1024)
#define KMPROF_MAX_OBJECTS_DEFAULT	65536U
#define KMPROF_MAX_OBJECTS_LIMIT	(4U * 1024 * 1024)
#define KMPROF_MAX_DEPTH_DEFAULT	32U
#define KMPROF_MAX_DEPTH_LIMIT		64U

/**
 * DOC: module parameters
 *
 * The module's other parameters: how the profile is fed and advanced.
 * They too are checked at load (autocycle_ms against
 * KMPROF_AUTOCYCLE_MS_MIN and KMPROF_AUTOCYCLE_MS_MAX), and none of them
 * changes without a reload.
 *
 * ================  ==========  ==========================================
 * parameter         default     meaning and range
 * ================  ==========  ==========================================
 * ``autocycle_ms``  0           advance the cycle every this many ms,
 *                               10 ms to an hour; 0: only when asked
 * ``backend``       kprobe      what feeds the profile: ``kprobe``
 *                               (kprobes on the allocator's entry points)
 *                               or ``tracepoint`` (the kernel's kmem
 *                               tracepoints)
 * ``hits``          0           1 counts every call of each entry point:
 *                               the hits of the probes file and the
 *                               events line of stats. It costs a per-CPU
 *                               increment on every slab event, a good
 *                               part of what the tracepoint backend
 *                               costs, so it is off unless asked for
 * ``floor``         0           a measurement aid for the benchmarks, not
 *                               a way to run kmprof: 1 arms the backend
 *                               with handlers that return at once and
 *                               record nothing, so that they cost what
 *                               the mechanism alone costs
 * ================  ==========  ==========================================
 */
#define KMPROF_AUTOCYCLE_MS_MIN		10U
#define KMPROF_AUTOCYCLE_MS_MAX		(3600U * 1000)

/* The backend= parameter: what feeds the profile. */
#define KMPROF_BACKEND_DEFAULT		"kprobe"

#endif /* KMPROF_H */
