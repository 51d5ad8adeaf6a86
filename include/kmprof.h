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

#endif /* KMPROF_H */
