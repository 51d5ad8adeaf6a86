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

/**
 * DOC: control files
 *
 * KMPROF_DEBUGFS_DIR holds these files, all root only. A write is one
 * token (surrounding white space ignored); anything else is refused with
 * ``EINVAL`` (and a rate-limited warning) and changes nothing.
 *
 * ``heap``
 *     The published profile, in the format of ``include/kmprof_heap.h``
 *     (version 6): the shape of Go's legacy heap profile (``go tool
 *     pprof`` reads it as it is), with requested bytes, the size class and
 *     ``%pS`` symbols in comment lines. Counts are sampled counts;
 *     ``kmprof`` unbiases them. Opening the file takes a snapshot: one
 *     read of the profile, which publishes the closed cycles first, copies
 *     every bucket's counts and refers to its stack; reads then stream the
 *     snapshot record by record. The memory an open file takes is one copy
 *     per bucket, not the text, whatever the size of the profile. The
 *     header's ``cycle``, ``pending`` and ``time_ns`` (when the snapshot
 *     was fixed, ``CLOCK_REALTIME`` in ns) describe that snapshot. The
 *     file holds a reference on the profile it read, so a ``reset`` or a
 *     rate change while it is open is safe: the file goes on showing the
 *     old profile until it is closed, and the next open reads the new one.
 *
 * ``cycle``
 *     Reads ``cycle C pending P``: the counter and the closed cycles not
 *     yet published. Writing ``1`` closes the current cycle: it returns
 *     once the cycle is closed (waiting for an older flush if the ring is
 *     full), and a work item publishes it. It fails with ``EIO`` when the
 *     ring is broken (the fail-safe).
 *
 * ``rate``
 *     The sampling rate in bytes, 0 to KMPROF_RATE_MAX. Writing a new rate
 *     starts a new profile, exactly as ``reset`` does: every count and
 *     every tracked object is dropped, and the cycle is back to 0. Writing
 *     the rate in force changes nothing. A profile's rate is fixed: no
 *     profile ever mixes counts sampled at two rates, and the heap file
 *     states the rate of all its counts.
 *
 * ``enable``
 *     ``1`` profiling, ``0`` stopped. Stopping disarms the backend (every
 *     kprobe and tracepoint probe is unregistered), so a disabled kmprof
 *     costs the allocator nothing; the profile is kept, and frees made
 *     while stopped are not seen (a sampled object freed meanwhile is
 *     retired when its address is allocated again). Writing ``1`` arms it
 *     again; if that fails the write returns the error and profiling stays
 *     off. After the fail-safe disarmed the backend, writing ``1`` resumes
 *     the same profile.
 *
 * ``reset``
 *     Writing ``1`` starts a new profile with the same parameters: every
 *     bucket and sampled object is forgotten, and the cycle is back to 0.
 *     After the fail-safe disarmed the backend, it arms it again.
 *
 * ``stats``
 *     ``kmprof stats vKMPROF_STATS_VERSION``, then ``name value`` lines:
 *     ``events`` (the backend's allocation hits since the profile was
 *     created; only with ``hits=1``), the profile's counters (``samples``
 *     to ``flush_batch_max_ns``, described with the profile core), the
 *     probes' misses (``alloc_probe_nmissed``, ``free_probe_nmissed``),
 *     ``disabled_by_warn`` (1 while the fail-safe keeps the backend
 *     disarmed: the profile found one of its invariants broken and warned
 *     once in the kernel log; ``reset`` or ``enable`` resume) and last the
 *     backend (``backend kprobe``). Readers skip names they do not know.
 *
 * ``probes``
 *     ``kmprof probes vKMPROF_PROBES_VERSION``, ``backend NAME``, then one
 *     line per entry point the backend uses: ``WHERE ROLE STATE HITS
 *     NMISSED ALLOCATOR``, where ``WHERE`` is a function (a kprobe) or
 *     ``SYSTEM:EVENT`` (a tracepoint of ``kmem`` or ``percpu``),
 *     ``ALLOCATOR`` the allocator it serves (``page`` serves ``user``
 *     too), ``ROLE`` is ``alloc`` or ``free``
 *     (what it reports) or ``reuse`` (it only sees the addresses of
 *     allocations, to retire the entries of sampled objects whose free was
 *     missed), ``STATE`` is ``armed``, ``disarmed`` (``enable`` is 0),
 *     ``absent`` (not in this kernel) or ``failed``, and ``HITS`` is ``-``
 *     unless kmprof was loaded with ``hits=1``.
 *
 * ``oom``
 *     ``kmprof oom vKMPROF_OOM_VERSION report=N reports=R skipped=S``: the
 *     sites a report names (``oom_report``, 0: no report), the reports
 *     written since load, and those skipped because the control was busy
 *     (its mutex not free after a few tries: its holder may be the task
 *     that is allocating). Then the last report, if its profile is still
 *     the live one (a ``reset`` or a rate change drops it), as the kernel
 *     log has it: ``out of memory: N sites in use, estimated at rate R,
 *     cycle C, time_ns T``, then per site ``#K BYTES bytes in OBJECTS
 *     objects of SIZE bytes, ALLOCATOR``, estimated as the tool does, and
 *     up to KMPROF_OOM_FRAMES frames from the site, ``  %pS`` each. A
 *     report is written when the OOM killer is about to run, at most once
 *     every KMPROF_OOM_INTERVAL_S seconds: the cycle is closed and
 *     published first, so it shows every allocation up to then.
 */
#define KMPROF_STATS_VERSION	1
#define KMPROF_PROBES_VERSION	5
#define KMPROF_OOM_VERSION	1

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
 * ``max_buckets``  8192        distinct (stack, size class, allocator,
 *                              labels) buckets reserved, 1 to 2^20
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
 * KMPROF_AUTOCYCLE_MS_MIN and KMPROF_AUTOCYCLE_MS_MAX; sources and labels
 * against their names, each named once), and none of them changes
 * without a reload.
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
 * ``sources``       slab,page,  the allocators to record, by name,
 *                   vmalloc,    separated by commas: ``slab``, ``page``
 *                   percpu      (the kernel's page allocations), ``user``
 *                               (movable pages: user memory and the page
 *                               cache), ``vmalloc``, ``percpu``. The entry
 *                               points of the others are not probed
 * ``labels``        context,    what each sample keeps of who allocated,
 *                   cgroup      by name, separated by commas:
 *                               ``context`` (task, softirq, hardirq),
 *                               ``comm``, ``pid`` and ``cgroup`` (of the
 *                               task, in task context only); empty for
 *                               none. Each splits a stack's bucket by its
 *                               values
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
 * ``oom_report``    10          the sites the report at OOM names, 0 to
 *                               64; 0: no report (see the ``oom`` file)
 * ================  ==========  ==========================================
 */
#define KMPROF_OOM_REPORT_DEFAULT	10U
#define KMPROF_OOM_REPORT_MAX		64U
#define KMPROF_OOM_FRAMES		5U
#define KMPROF_OOM_INTERVAL_S		60U
#define KMPROF_AUTOCYCLE_MS_MIN		10U
#define KMPROF_AUTOCYCLE_MS_MAX		(3600U * 1000)

/* The backend= parameter: what feeds the profile. */
#define KMPROF_BACKEND_DEFAULT		"kprobe"

/**
 * enum kmprof_allocator - the allocators a record comes from.
 * @KMPROF_SLAB: the slab allocator (kmalloc, kmem_cache_alloc and their
 *	families).
 * @KMPROF_PAGE: the page allocator, but for the pages that back another
 *	allocator (slab pages, vmalloc areas, percpu chunks) and movable
 *	pages.
 * @KMPROF_USER: movable page allocations: user memory and the page cache.
 * @KMPROF_VMALLOC: vmalloc, and kvmalloc's fallback to it.
 * @KMPROF_PERCPU: the percpu allocator.
 * @KMPROF_ALLOCATORS: how many there are.
 *
 * Their names, in this order, are KMPROF_HEAP_ALLOCATORS (kmprof_heap.h):
 * the sources= parameter's words and the heap file's allocator= values.
 */
enum kmprof_allocator {
	KMPROF_SLAB,
	KMPROF_PAGE,
	KMPROF_USER,
	KMPROF_VMALLOC,
	KMPROF_PERCPU,
	KMPROF_ALLOCATORS
};

/* The sources= parameter when it is not given: every allocator but user. */
#define KMPROF_SOURCES_DEFAULT	"slab,page,vmalloc,percpu"

/**
 * enum kmprof_label - what a sample may record of who allocated.
 * @KMPROF_LABEL_CONTEXT: the context the allocation ran in (enum
 *	kmprof_context).
 * @KMPROF_LABEL_COMM: in task context, the task's name.
 * @KMPROF_LABEL_PID: in task context, its process id (tgid).
 * @KMPROF_LABEL_CGROUP: in task context, the id of its cgroup v2.
 * @KMPROF_LABELS: how many there are.
 *
 * Their names, in this order, are KMPROF_HEAP_LABELS (kmprof_heap.h): the
 * labels= parameter's words and the heap file's keys.
 */
enum kmprof_label {
	KMPROF_LABEL_CONTEXT,
	KMPROF_LABEL_COMM,
	KMPROF_LABEL_PID,
	KMPROF_LABEL_CGROUP,
	KMPROF_LABELS
};

/**
 * enum kmprof_context - where an allocation ran.
 * @KMPROF_CONTEXT_TASK: a task, kernel threads included.
 * @KMPROF_CONTEXT_SOFTIRQ: a softirq being served (not a task that only
 *	disabled bottom halves).
 * @KMPROF_CONTEXT_HARDIRQ: a hard interrupt handler.
 * @KMPROF_CONTEXT_NMI: a non-maskable interrupt.
 * @KMPROF_CONTEXTS: how many there are.
 *
 * Their names, in this order, are KMPROF_HEAP_CONTEXTS (kmprof_heap.h).
 */
enum kmprof_context {
	KMPROF_CONTEXT_TASK,
	KMPROF_CONTEXT_SOFTIRQ,
	KMPROF_CONTEXT_HARDIRQ,
	KMPROF_CONTEXT_NMI,
	KMPROF_CONTEXTS
};

/* The labels= parameter when it is not given. */
#define KMPROF_LABELS_DEFAULT	"context,cgroup"

#endif /* KMPROF_H */
