/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kmprof - the profile core: what probe handlers, debugfs and the KUnit
 * suites call.
 *
 * A struct kmprof_profile is one complete profiler state: sampler, bucket
 * table, object map, cycle ring and counters, with every pool reserved when
 * it is created. The module owns one; each KUnit case makes its own small one.
 *
 * Nothing on the record path (kmprof_sample(), kmprof_stack_capture(),
 * kmprof_record_*(), kmprof_cycle_advance()) sleeps or allocates memory: it
 * may run in a kprobe handler, in hardirq or softirq context, and on any CPU
 * at once. Flush and read are for process context.
 *
 * Each function's kernel-doc, with the Context: line saying where it may
 * be called, sits at its definition in the file named below.
 */
#ifndef KMPROF_PROFILE_H
#define KMPROF_PROFILE_H

#include <linux/bitops.h>
#include <linux/jiffies.h>
#include <linux/minmax.h>
#include <linux/types.h>

#include <kmprof.h>
#include <kmprof_heap.h>

struct kmprof_profile;
struct rnd_state;

/**
 * struct kmprof_params - sizes and rate of a profile, fixed at creation.
 * @rate: mean number of bytes allocated between two samples; 1 samples
 *	every allocation, 0 samples none. Fixed for the profile's life, so
 *	that every count of a profile was sampled at its one rate.
 * @max_buckets: capacity of the bucket pool (distinct stack, size class,
 *	allocator and labels).
 * @max_objects: capacity of the object map (sampled objects not yet freed).
 * @max_depth: deepest stack kept, in frames.
 * @labels: what each sample keeps of who allocated, BIT(enum kmprof_label)
 *	each; part of the bucket key.
 */
struct kmprof_params {
	unsigned long rate;
	unsigned int max_buckets;
	unsigned int max_objects;
	unsigned int max_depth;
	unsigned int labels;
};

/**
 * struct kmprof_labels - who made a sampled allocation: part of its key.
 * @cgroup: the id of the task's cgroup v2, 0 if not kept or if the kernel
 *	has no cgroups (an id is never 0).
 * @tgid: the task's process id, 0 if not kept.
 * @context: where it ran (enum kmprof_context), 0 if not kept.
 * @task: 1 if it ran in task context and a task's label is kept: then
 *	the kept ones of @comm, @tgid and @cgroup are the task's.
 * @pad: zero.
 * @comm: the task's name, NUL padded; empty if not kept.
 *
 * Compared and hashed as memory: every byte is written, none is padding.
 */
struct kmprof_labels {
	u64 cgroup;
	u32 tgid;
	u8 context;
	u8 task;
	u8 pad[2];
	char comm[16];
};

/* Lifetime classes of freed objects, as the heap file's lifetimes=. */
#define KMPROF_LIFETIME_CLASSES	KMPROF_HEAP_LIFETIME_CLASSES

/**
 * struct kmprof_counts - what happened to the objects of one bucket.
 * @allocs: sampled allocations.
 * @frees: frees of sampled objects.
 * @alloc_req_bytes: bytes the callers asked for, summed over @allocs.
 * @alloc_bytes: bytes the allocator handed out (the size class), summed.
 * @free_req_bytes: requested bytes of the freed objects.
 * @free_bytes: allocated bytes of the freed objects.
 * @lifetime_sum: seconds the freed objects lived, summed.
 * @lifetimes: the freed objects by lifetime class (kmprof_lifetime_class()),
 *	each count saturating at U32_MAX: they sum to @frees until one does.
 *
 * In use is @allocs - @frees objects, @alloc_bytes - @free_bytes bytes.
 */
struct kmprof_counts {
	u64 allocs;
	u64 frees;
	u64 alloc_req_bytes;
	u64 alloc_bytes;
	u64 free_req_bytes;
	u64 free_bytes;
	u64 lifetime_sum;
	u32 lifetimes[KMPROF_LIFETIME_CLASSES];
};

/*
 * Seconds on the jiffies clock, which any context may read (the
 * monotonic clock's seconds warn while timekeeping is suspended). Only
 * differences mean anything; they wrap after 136 years.
 */
static inline u32 kmprof_now_sec(void)
{
	return (u32)(get_jiffies_64() / HZ);
}

/*
 * The class of an age or lifetime of @seconds: 0 under a second, k for
 * [2^(k-1), 2^k) seconds, and no more than @classes - 1.
 */
static inline unsigned int kmprof_age_class(u32 seconds, unsigned int classes)
{
	return min_t(unsigned int, fls(seconds), classes - 1);
}

/**
 * struct kmprof_bucket_view - one bucket as a reader of the profile sees it.
 * @stack: return addresses, innermost first; immutable while the profile
 *	lives.
 * @depth: number of entries in @stack.
 * @size_class: allocated size of every object of the bucket.
 * @allocator: the allocator its objects come from.
 * @labels: who allocated them, as far as the profile keeps it; immutable
 *	while the profile lives.
 * @index: the bucket's creation index, as kmprof_profile_ages() names it.
 * @counts: published counts.
 */
struct kmprof_bucket_view {
	const unsigned long *stack;
	unsigned int depth;
	size_t size_class;
	enum kmprof_allocator allocator;
	const struct kmprof_labels *labels;
	unsigned int index;
	struct kmprof_counts counts;
};

/**
 * typedef kmprof_read_fn - called by kmprof_profile_read() for each bucket.
 * @arg: the argument given to kmprof_profile_read().
 * @view: the bucket; valid only during the call.
 *
 * Context: process context, may sleep.
 * Return: 0 to continue, anything else stops the walk and is returned.
 */
typedef int (*kmprof_read_fn)(void *arg, const struct kmprof_bucket_view *view);

/**
 * typedef kmprof_age_fn - called by kmprof_profile_ages() for each object.
 * @arg: the argument given to kmprof_profile_ages().
 * @bucket: the creation index of the object's bucket.
 * @age: seconds from the object's allocation to the walk's @now, 0 if it
 *	was allocated after.
 *
 * Context: under a raw spinlock with IRQs off: count, nothing else.
 */
typedef void (*kmprof_age_fn)(void *arg, unsigned int bucket, u32 age);

/**
 * struct kmprof_cycle_info - state of the cycle ring.
 * @cycle: the counter; events now go to the slot of cycle + 1.
 * @pending: closed cycles not yet published (0 to 2).
 * @time_ns: when it was read, CLOCK_REALTIME in ns.
 */
struct kmprof_cycle_info {
	unsigned int cycle;
	unsigned int pending;
	u64 time_ns;
};

/**
 * enum kmprof_stat - the counters of a profile.
 * @KMPROF_STAT_SAMPLES: ``samples``: sampled allocations recorded (not the
 *	sampler's decisions: a failed allocation or a dropped sample is not
 *	counted).
 * @KMPROF_STAT_FREES: ``sampled_frees``: frees of sampled objects recorded.
 * @KMPROF_STAT_DROPS_BUCKET: ``drops_bucket_pool``: samples not recorded,
 *	the bucket pool was full.
 * @KMPROF_STAT_DROPS_OBJECT: ``drops_object_pool``: samples not recorded,
 *	the object map was full.
 * @KMPROF_STAT_DROPS_STACK: ``drops_no_stack``: samples not recorded, no
 *	stack was saved.
 * @KMPROF_STAT_LOST_FREES: ``lost_frees``: sampled objects whose free went
 *	unseen (retired when their address was allocated again).
 * @KMPROF_STAT_FLUSHES: ``flushes``: cycles published.
 * @KMPROF_STAT_SKIPPED_ADVANCES: ``skipped_advances``: advances refused
 *	because a slot was unflushed.
 * @KMPROF_STAT_BUCKETS: ``buckets_in_use``: buckets created.
 * @KMPROF_STAT_OBJECTS: ``objects_in_use``: sampled objects in the object
 *	map.
 * @KMPROF_STAT_CYCLE: ``cycle``: the cycle counter.
 * @KMPROF_STAT_RESERVED_BYTES: ``reserved_bytes``: memory reserved by the
 *	profile.
 * @KMPROF_STAT_ADVANCE_LAST_NS: ``advance_last_ns``: how long the last
 *	advance held cycles.lock, IRQs off.
 * @KMPROF_STAT_ADVANCE_MAX_NS: ``advance_max_ns``: the longest such hold
 *	since the profile was created.
 * @KMPROF_STAT_FLUSH_LAST_NS: ``flush_last_ns``: the last flush that
 *	published a cycle, from its start to its end (process context,
 *	preemptible between batches).
 * @KMPROF_STAT_FLUSH_LAST_BATCH_NS: ``flush_last_batch_ns``: the longest
 *	hold of cycles.lock by one batch of KMPROF_FLUSH_BATCH buckets in that
 *	flush, IRQs off: the flush's bound on interrupt latency.
 * @KMPROF_STAT_FLUSH_BATCH_MAX_NS: ``flush_batch_max_ns``: the longest such
 *	batch since the profile was created, of flushes and of a read's fold.
 * @KMPROF_STAT_COUNT: how many there are.
 *
 * The stats file prints them in this order, under the names above
 * (kmprof_stat_names[] in stats.c). The ones before KMPROF_STAT_BUCKETS
 * count events, per CPU, summed on read; the others are levels read from
 * the profile's state when asked. Allocations seen are counted by the
 * backend, per entry point (its hits), not here: once per event.
 */
enum kmprof_stat {
	KMPROF_STAT_SAMPLES,
	KMPROF_STAT_FREES,
	KMPROF_STAT_DROPS_BUCKET,
	KMPROF_STAT_DROPS_OBJECT,
	KMPROF_STAT_DROPS_STACK,
	KMPROF_STAT_LOST_FREES,
	KMPROF_STAT_FLUSHES,
	KMPROF_STAT_SKIPPED_ADVANCES,
	KMPROF_STAT_BUCKETS,
	KMPROF_STAT_OBJECTS,
	KMPROF_STAT_CYCLE,
	KMPROF_STAT_RESERVED_BYTES,
	KMPROF_STAT_ADVANCE_LAST_NS,
	KMPROF_STAT_ADVANCE_MAX_NS,
	KMPROF_STAT_FLUSH_LAST_NS,
	KMPROF_STAT_FLUSH_LAST_BATCH_NS,
	KMPROF_STAT_FLUSH_BATCH_MAX_NS,
	KMPROF_STAT_COUNT
};

#define KMPROF_STAT_FIRST_LEVEL	KMPROF_STAT_BUCKETS

/* Cycles are counted modulo this; a multiple of the 3 ring slots. */
#define KMPROF_CYCLE_SLOTS	3
#define KMPROF_CYCLE_WRAP	(KMPROF_CYCLE_SLOTS * (1U << 30))

/**
 * typedef kmprof_broken_fn - told that a profile broke an invariant.
 * @prof: the profile, which has warned once and must stop being fed.
 *
 * Context: any context but NMI, with the profile's raw spinlocks possibly
 * held: queue work, do nothing else.
 */
typedef void (*kmprof_broken_fn)(struct kmprof_profile *prof);

/* profile.c: life cycle and the record path */
int kmprof_params_validate(const struct kmprof_params *params);
struct kmprof_profile *kmprof_profile_create(const struct kmprof_params *params,
					     kmprof_broken_fn on_broken);
void kmprof_profile_destroy(struct kmprof_profile *prof);
void kmprof_profile_get(struct kmprof_profile *prof);
void kmprof_profile_put(struct kmprof_profile *prof);
unsigned int kmprof_profile_buckets(struct kmprof_profile *prof);
unsigned int kmprof_profile_labels(const struct kmprof_profile *prof);
unsigned int kmprof_profile_objects(struct kmprof_profile *prof);
bool kmprof_profile_is_broken(const struct kmprof_profile *prof);
void kmprof_profile_clear_broken(struct kmprof_profile *prof);
void kmprof_record_alloc(struct kmprof_profile *prof, unsigned long addr,
			 size_t req_size, size_t alloc_size,
			 enum kmprof_allocator allocator,
			 const unsigned long *stack, unsigned int depth);
/* kmprof_record_free() and kmprof_record_reuse() are inline: see record.h */

/* sampler.c: which allocations to sample */
/* kmprof_sample() is inline: see record.h */
unsigned long kmprof_sampler_rate(const struct kmprof_profile *prof);
void kmprof_sampler_seed(struct kmprof_profile *prof, u64 seed);
unsigned long kmprof_sample_interval(struct rnd_state *rnd, unsigned long rate);

/* labels.c: who allocated */
extern const char *const kmprof_label_names[KMPROF_LABELS];
extern const char *const kmprof_context_names[KMPROF_CONTEXTS];
void kmprof_labels_capture(struct kmprof_labels *labels, unsigned int which);

/* stack.c: the stack of a sampled allocation */
unsigned int kmprof_stack_capture(unsigned long *entries,
				  unsigned int max_entries, unsigned int skip);

/* cycle.c: the 3-slot ring, and reading what it published */
int kmprof_cycle_advance(struct kmprof_profile *prof);
int kmprof_cycle_advance_wait(struct kmprof_profile *prof);
void kmprof_cycle_flush(struct kmprof_profile *prof);
void kmprof_cycle_get(struct kmprof_profile *prof,
		      struct kmprof_cycle_info *info);
int kmprof_profile_read(struct kmprof_profile *prof, kmprof_read_fn fn,
			void *arg, struct kmprof_cycle_info *info);

/* objmap.c: the sampled objects in use */
void kmprof_profile_ages(struct kmprof_profile *prof, u32 now,
			 kmprof_age_fn fn, void *arg);

/* stats.c: counters */
extern const char *const kmprof_stat_names[KMPROF_STAT_COUNT];
void kmprof_stats_read(struct kmprof_profile *prof, u64 *values);

#endif /* KMPROF_PROFILE_H */
