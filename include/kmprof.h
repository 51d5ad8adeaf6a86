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

/* Version of the "stats" file layout: "name value" lines after a header. */
#define KMPROF_STATS_VERSION	1

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

#endif /* KMPROF_H */
