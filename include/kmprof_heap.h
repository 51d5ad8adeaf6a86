/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * kmprof - the "heap" file: the published profile as text, written by the
 * module and read by the kmprof tool. Kernel and user space include this
 * header; it only holds constants and the grammar.
 *
 * The records have the shape of Go's legacy heap profile so that a saved
 * file is also readable by pprof as it is; everything Go's format has no
 * room for lives in comment lines. Version 2:
 *
 *   heap profile: <inuse_objs>: <inuse_bytes> [<alloc_objs>: <alloc_bytes>] @ heap_v2/<rate>
 *   # kmprof-heap v2 rate=<rate> cycle=<cycle> pending=<pending> buckets=<n> time_ns=<ns>
 *   then, per bucket with published counts:
 *   <inuse_objs>: <inuse_bytes> [<alloc_objs>: <alloc_bytes>] @ 0x<pc> 0x<pc> ...
 *   # size=<size class> inuse_req=<bytes> alloc_req=<bytes>
 *   #	0x<pc>	<symbol>+0x<off>/0x<size>[ [module]]   (one per pc, "%pS")
 *
 * - Counts are raw sampled counts, not estimates: a reader unbiases them
 *   with rate as pprof does for Go heap profiles,
 *   scale = 1 / (1 - exp(-(bytes / objs) / rate)), no scaling at rate <= 1.
 * - <inuse_bytes> and <alloc_bytes> are allocated bytes, exactly the size
 *   class times the objects; inuse_req and alloc_req are the bytes the
 *   callers requested, at most the allocated bytes, so that alloc - req is
 *   the internal fragmentation. Every record has at least one frame and
 *   one allocation; in use is at most allocated. Readers refuse a record
 *   whose numbers contradict each other.
 * - The first line's totals are the sums over the records.
 * - Stacks are innermost frame first. <rate> is the sampling rate in
 *   bytes; <cycle> the cycle counter and <pending> the closed cycles not
 *   yet published when the file was generated (0 after the read's flush):
 *   both describe the same snapshot as the records. <ns> is the
 *   CLOCK_REALTIME time, in ns since the epoch, at which the module fixed
 *   that snapshot.
 * - Fields are separated by single spaces and "=", the symbol comment by
 *   tabs. Unknown "# key=value" comment lines and unknown keys must be
 *   skipped by readers of the same version.
 *
 * Versions: 1 is version 2 without time_ns. Readers read every version
 * from KMPROF_HEAP_VERSION_FIRST to KMPROF_HEAP_VERSION.
 */
#ifndef KMPROF_HEAP_H
#define KMPROF_HEAP_H

#define KMPROF_HEAP_VERSION	2
#define KMPROF_HEAP_VERSION_FIRST	1
#define KMPROF_HEAP_FILE	"heap"
#define KMPROF_HEAP_HEADER	"heap profile:"
#define KMPROF_HEAP_MAGIC	"# kmprof-heap v"
#define KMPROF_HEAP_RATE_TAG	"heap_v2/"

#endif /* KMPROF_HEAP_H */
