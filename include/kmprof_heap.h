/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * kmprof - the "heap" file: the published profile as text, written by the
 * module and read by the kmprof tool. Kernel and user space include this
 * header; it only holds constants and the grammar.
 *
 * The records have the shape of Go's legacy heap profile so that a saved
 * file is also readable by pprof as it is; everything Go's format has no
 * room for lives in comment lines. Version 6:
 *
 *   heap profile: <inuse_objs>: <inuse_bytes> [<alloc_objs>: <alloc_bytes>] @ heap_v2/<rate>
 *   # kmprof-heap v6 rate=<rate> cycle=<cycle> pending=<pending> buckets=<n> \
 *     time_ns=<ns> sources=<name>[,<name>...] [labels=<label>[,<label>...]]
 *                                                  (one line in the file)
 *   then, per bucket with published counts:
 *   <inuse_objs>: <inuse_bytes> [<alloc_objs>: <alloc_bytes>] @ 0x<pc> 0x<pc> ...
 *   # size=<size class> inuse_req=<bytes> alloc_req=<bytes> allocator=<name> \
 *     [context=<context>] [comm=<comm>] [pid=<tgid>] [cgroup=<id>] \
 *     [ages=<class>:<objs>[,<class>:<objs>...]] \
 *     [lifetimes=<class>:<objs>[,<class>:<objs>...] lifetime_sum=<seconds>]
 *                                                  (one line in the file)
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
 * - <name> is an allocator, one of KMPROF_HEAP_ALLOCATORS, in this order:
 *   slab, page, user, vmalloc, percpu. What a record's size class and
 *   requested bytes are depends on its allocator:
 *     slab     the object's size class; req: the size asked for
 *     page     PAGE_SIZE << order, the bytes of the allocation; req: the same
 *     user     as page, for movable page allocations (user memory and the
 *              page cache), a source the module leaves off by default
 *     vmalloc  the size asked for rounded up to whole pages; req: the size
 *              asked for
 *     percpu   the size asked for rounded up to the percpu allocator's
 *              4-byte unit, times the possible CPUs; req: the size asked
 *              for times the possible CPUs
 * - sources= lists the allocators the module recorded for this profile:
 *   at least one, each once, the known ones in the order above, at most
 *   KMPROF_HEAP_SOURCES_MAX. allocator= names the record's allocator,
 *   which is one of the sources. Both keys are required. A name outside
 *   the list above (a later module's allocator) is 1 to
 *   KMPROF_HEAP_ALLOCATOR_MAX characters of [a-z0-9_]: readers keep it as
 *   it is, and may find it anywhere in sources=. Readers refuse any other
 *   name, a sources= list that breaks these rules, and a record whose
 *   allocator is not among the sources.
 *
 * - labels= lists the labels the module kept for each sample, when it kept
 *   any: at least one, each once, in the order of KMPROF_HEAP_LABELS: context, comm,
 *   pid, cgroup. Two records may then share stack, size class and
 *   allocator and differ in their labels. A record carries:
 *     context  always, if a label: task, softirq, hardirq or nmi
 *              (KMPROF_HEAP_CONTEXTS): where the allocation ran
 *     comm     the allocating task's name, 0 to 15 bytes, every byte
 *              that is not printable ASCII, and space and backslash,
 *              written as a backslash and three octal digits ("\040")
 *     pid      the task's process id (its tgid in the initial pid
 *              namespace), a decimal number
 *     cgroup   the id of the task's cgroup in the cgroup v2 hierarchy,
 *              a decimal number: the inode number of its directory
 *              under the cgroup2 mount
 *   comm, pid and cgroup only when the label is kept and the allocation
 *   ran in task context, cgroup also only in a kernel with cgroups: an
 *   interrupt's allocation (softirq, hardirq, nmi) is charged to no task,
 *   never to the one it interrupted. Readers refuse a label key the
 *   header does not list, a context missing where context is listed, and
 *   a malformed value.
 *
 * - ages= counts the record's sampled objects in use by age, when it has
 *   any, as they were when the file was opened: class 0 is younger than a
 *   second, class k (1 to KMPROF_HEAP_AGE_CLASSES - 1) from 2^(k-1) to
 *   2^k seconds old. Classes ascend, each once, with a count of at least
 *   one; the counts sum to at most <inuse_objs> (an object freed since
 *   the snapshot is no longer counted).
 *
 * - lifetimes= counts the record's sampled objects freed, by how long they
 *   lived, and lifetime_sum= is the sum of those lifetimes in seconds: both
 *   when the record has frees (<alloc_objs> above <inuse_objs>), neither
 *   otherwise. They are counted with the frees, in the same cycle, so they
 *   describe exactly the frees of the record. Lifetimes are whole seconds
 *   on the jiffies clock (an object freed within its first second lived 0
 *   seconds). Class 0 is under a second, class k (1 to
 *   KMPROF_HEAP_LIFETIME_CLASSES - 2) from 2^(k-1) to 2^k seconds, and the
 *   last class 2^(KMPROF_HEAP_LIFETIME_CLASSES - 2) seconds or more.
 *   Classes ascend, each once, with a count of at least one; the counts
 *   sum to the record's frees, or less if a count reached 2^32 - 1, where
 *   it stays. A freed object's lifetime is that of a free the module saw,
 *   or, for a free it missed (lost_frees in the stats), up to when its
 *   address was allocated again.
 *
 * Versions: 5 is version 6 without lifetimes= and lifetime_sum=. 4 is
 * version 5 without ages=, with labels= required (a
 * module of version 4 that kept no label wrote version 3). 3 is version 4
 * without labels=, context=, comm=, pid= and cgroup=. 2 is version 3
 * without sources= and allocator=: its sources are slab, and so is every
 * record's allocator (an allocator= key there is an unknown key). 1 is
 * version 2 without time_ns. Readers read every version from
 * KMPROF_HEAP_VERSION_FIRST to KMPROF_HEAP_VERSION.
 */
#ifndef KMPROF_HEAP_H
#define KMPROF_HEAP_H

#define KMPROF_HEAP_VERSION	6
#define KMPROF_HEAP_VERSION_FIRST	1
#define KMPROF_HEAP_FILE	"heap"
#define KMPROF_HEAP_HEADER	"heap profile:"
#define KMPROF_HEAP_MAGIC	"# kmprof-heap v"
#define KMPROF_HEAP_RATE_TAG	"heap_v2/"

/* The allocators of sources= and allocator=, in the order of sources=. */
#define KMPROF_HEAP_ALLOCATORS	"slab", "page", "user", "vmalloc", "percpu"
/* The longest allocator name, and the most names sources= may list. */
#define KMPROF_HEAP_ALLOCATOR_MAX	15
#define KMPROF_HEAP_SOURCES_MAX	16

/* The labels of labels=, in their order, and the values of context=. */
#define KMPROF_HEAP_LABELS	"context", "comm", "pid", "cgroup"
#define KMPROF_HEAP_CONTEXTS	"task", "softirq", "hardirq", "nmi"

/* ages=: class 0 under a second, class k from 2^(k-1) to 2^k seconds. */
#define KMPROF_HEAP_AGE_CLASSES	33

/*
 * lifetimes=: class 0 under a second, class k from 2^(k-1) to 2^k seconds,
 * the last one from 2^14 seconds (4 h 33 min) on.
 */
#define KMPROF_HEAP_LIFETIME_CLASSES	16

/*
 * The allocators' entry points (slab, page, vmalloc, percpu), the
 * wrappers that only pass an allocation on (kstrdup, krealloc, ...) and
 * the probes' trampolines: the site of an allocation is the first frame
 * of its stack that is none of these, as Go's pprof hides the runtime's
 * frames above a heap sample. A symbol matches without a ".suffix" the
 * compiler added ("foo.cold", "foo.isra.0") and without the "_noprof" of
 * 6.10's allocation tagging.
 */
#define KMPROF_HEAP_ALLOCATOR_FUNCS \
	"__kmalloc", "__kmalloc_node", "__kmalloc_node_track_caller", \
	"__kmalloc_cache", "__kmalloc_cache_node", "__kmalloc_large", \
	"__kmalloc_large_node", "kmalloc_large", "kmalloc_large_node", \
	"kmalloc_trace", "kmalloc_node_trace", "__do_kmalloc_node", \
	"kmalloc", "kzalloc", "kcalloc", "kmalloc_array", "kmalloc_node", \
	"kmalloc_node_track_caller", "kmem_cache_alloc", "kmem_cache_zalloc", \
	"kmem_cache_alloc_lru", "kmem_cache_alloc_node", "kmem_cache_alloc_bulk", \
	"slab_alloc_node", "__slab_alloc", "___slab_alloc", "__slab_alloc_node", \
	"krealloc", "__krealloc", "krealloc_array", "kvmalloc", "kvzalloc", \
	"kvmalloc_node", "__kvmalloc_node", "kvrealloc", "kvcalloc", \
	"kmemdup", "kmemdup_nul", "kmemdup_array", "kvmemdup", "kstrdup", \
	"kstrndup", "kstrdup_const", "kasprintf", "kvasprintf", \
	"kvasprintf_const", \
	/* the page allocator */ \
	"__alloc_pages", "alloc_pages", "alloc_pages_mpol", "__alloc_pages_node", \
	"alloc_pages_node", "alloc_page_interleave", "__alloc_pages_bulk", \
	"alloc_pages_bulk_array_mempolicy", "__folio_alloc", "folio_alloc", \
	"folio_alloc_mpol", "vma_alloc_folio", "__get_free_pages", \
	"get_zeroed_page", "alloc_pages_exact", "alloc_pages_exact_nid", \
	/* vmalloc */ \
	"vmalloc", "vzalloc", "vmalloc_node", "vzalloc_node", "vmalloc_user", \
	"vmalloc_32", "vmalloc_32_user", "vmalloc_huge", "__vmalloc", \
	"__vmalloc_node", "__vmalloc_node_range", "__vmalloc_area_node", \
	"vm_area_alloc_pages", "__vmalloc_array", "vmalloc_array", "__vcalloc", \
	"vcalloc", "vrealloc", \
	/* percpu */ \
	"pcpu_alloc", "__alloc_percpu", "__alloc_percpu_gfp", \
	"__alloc_reserved_percpu", \
	/* probes */ \
	"__kretprobe_trampoline", "kretprobe_trampoline", \
	"arch_rethook_trampoline"

#endif /* KMPROF_HEAP_H */
