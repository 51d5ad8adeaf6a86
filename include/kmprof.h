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
 *           lines, one per counter.
 *   cycle   read: "cycle <C> pending <P>": the counter and the closed cycles
 *           not yet published. Write "1": advance (returns after the
 *           advance; the flush is queued).
 *   heap    read: the published profile, see kmprof_heap.h. A read flushes
 *           pending cycles first.
 *   rate    read/write: the sampling rate in bytes, 0..KMPROF_RATE_MAX.
 *   enable  read/write: "1" profiling, "0" stopped (probes stay registered).
 *   reset   write "1": forget every bucket and object.
 *   probes  read: "kmprof probes v<KMPROF_PROBES_VERSION>", then one line per
 *           known entry point: "<symbol> <alloc|free> <armed|absent|failed>
 *           <hits> <nmissed>".
 */
#define KMPROF_STATS_VERSION	1
#define KMPROF_PROBES_VERSION	1

/*
 * Tunables: default values and the accepted range of the module parameters
 * of the same name. rate is in bytes (mean bytes allocated between two
 * samples; 1 samples every allocation, 0 turns sampling off).
 */
#define KMPROF_RATE_DEFAULT		(512UL * 1024)
#define KMPROF_RATE_MAX			(1024UL * 1024 * 1024)
#define KMPROF_MAX_BUCKETS_DEFAULT	8192U
#define KMPROF_MAX_BUCKETS_LIMIT	(1024U * 1024)
#define KMPROF_MAX_OBJECTS_DEFAULT	65536U
#define KMPROF_MAX_OBJECTS_LIMIT	(4U * 1024 * 1024)
#define KMPROF_MAX_DEPTH_DEFAULT	32U
#define KMPROF_MAX_DEPTH_LIMIT		64U
#define KMPROF_AUTOCYCLE_MS_MIN		10U
#define KMPROF_AUTOCYCLE_MS_MAX		(3600U * 1000)

#endif /* KMPROF_H */
