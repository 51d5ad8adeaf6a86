/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kmprof - layout of the profile core, shared by its files only.
 *
 * Probe handlers, debugfs and tests go through profile.h and record.h; this
 * header is for sampler.c, bucket.c, objmap.c, cycle.c, profile.c,
 * stats.c, stack.c and testing.c, and for record.h's inlines. The locks
 * named here are described in the notes on locking at the top of
 * profile.c.
 */
#ifndef KMPROF_CORE_H
#define KMPROF_CORE_H

#include <linux/atomic.h>
#include <linux/bitops.h>
#include <linux/hash.h>
#include <linux/jiffies.h>
#include <linux/kref.h>
#include <linux/mutex.h>
#include <linux/percpu.h>
#include <linux/prandom.h>
#include <linux/spinlock.h>
#include <linux/types.h>

#include "profile.h"
#include "testing.h"

/*
 * The core's entry points are exported to the KUnit module only, and only
 * when the kernel has KUnit: a stock kernel's kmprof.ko grows no ABI.
 * Headers older than 6.2 lack kunit/visibility.h; there the macro only
 * checks that the symbol exists. sparse cannot evaluate __has_include()
 * and is only run against a kernel that has the header.
 */
#ifdef __CHECKER__
#define KMPROF_HAVE_KUNIT_VISIBILITY
#elif __has_include("kunit/visibility.h")
#define KMPROF_HAVE_KUNIT_VISIBILITY
#endif

#ifdef KMPROF_HAVE_KUNIT_VISIBILITY
#include <kunit/visibility.h>
#else
#define EXPORT_SYMBOL_IF_KUNIT(symbol) static_assert(!__same_type(symbol, void))
#endif

/* === Sampler (sampler.c) === */

/* Per-CPU state; only touched by its own CPU (see kmprof_sample()). */
struct kmprof_sampler_cpu {
	long countdown;		/* bytes left before the next sample */
	struct rnd_state rnd;	/* draws the intervals */
};

/* @rate is fixed when the profile is created: no count mixes two rates. */
struct kmprof_sampler {
	unsigned long rate;
	struct kmprof_sampler_cpu __percpu *cpu;
};

int kmprof_sampler_init(struct kmprof_sampler *sampler, unsigned long rate);
void kmprof_sampler_free(struct kmprof_sampler *sampler);
bool kmprof_sample_draw(struct kmprof_profile *prof, size_t size);

/* === Buckets (bucket.c) === */

/*
 * One (stack, size class, allocator, labels). Everything before @active is
 * written once, before the bucket is published in its hash chain, and never
 * changes after: lockless readers may use it. The records are the ring's.
 */
struct kmprof_bucket {
	struct kmprof_bucket __rcu *next;	/* hash chain */
	u32 hash;
	u16 depth;
	u16 allocator;				/* enum kmprof_allocator */
	size_t size_class;
	struct kmprof_labels labels;
	/* protected by cycles.lock; @active also by cycles.flush_mutex */
	struct kmprof_counts active;
	struct kmprof_counts future[KMPROF_CYCLE_SLOTS];
	unsigned long stack[];
};

struct kmprof_buckets {
	raw_spinlock_t insert_lock;		/* chain heads, @nr_used */
	struct kmprof_bucket __rcu **heads;	/* 1 << @hash_bits chains */
	unsigned int hash_bits;
	u32 seed;
	void *pool;				/* @capacity * @stride bytes */
	size_t stride;
	unsigned int capacity;
	unsigned int max_depth;
	unsigned int nr_used;	/* smp_store_release under insert_lock */
};

int kmprof_buckets_init(struct kmprof_buckets *buckets,
			unsigned int capacity, unsigned int max_depth);
void kmprof_buckets_free(struct kmprof_buckets *buckets);
struct kmprof_bucket *kmprof_bucket_get(struct kmprof_buckets *buckets,
					const unsigned long *stack,
					unsigned int depth, size_t size_class,
					enum kmprof_allocator allocator,
					const struct kmprof_labels *labels);
unsigned int kmprof_buckets_count(struct kmprof_buckets *buckets);
struct kmprof_bucket *kmprof_bucket_at(struct kmprof_buckets *buckets,
				       unsigned int index);
size_t kmprof_buckets_reserved(const struct kmprof_buckets *buckets);

/* === Object map (objmap.c) === */

#define KMPROF_OBJECT_NONE	U32_MAX

/*
 * A sampled object not yet freed; all fields under objects.lock. Its
 * allocated size is its bucket's size class. @born fills what would be
 * padding: an entry is 32 bytes with it as without.
 */
struct kmprof_object {
	unsigned long addr;
	struct kmprof_bucket *bucket;
	size_t req_size;
	u32 next;		/* next in chain or free list, or NONE */
	u32 born;		/* kmprof_now_sec() when it was recorded */
};

struct kmprof_objmap {
	raw_spinlock_t lock;		/* everything below but @prefilter reads */
	unsigned long *prefilter;	/* bit set <=> some entry hashes there */
	unsigned int filter_bits;	/* log2 of the bitmap's size */
	unsigned int chain_bits;	/* log2 of the number of chains */
	u32 *chains;
	struct kmprof_object *pool;
	u32 capacity;
	u32 free_head;
	u32 nr_used;			/* WRITE_ONCE; read by stats */
};

int kmprof_objmap_init(struct kmprof_objmap *map, unsigned int capacity);
void kmprof_objmap_free(struct kmprof_objmap *map);
bool kmprof_objmap_has_room_locked(const struct kmprof_objmap *map);
void kmprof_objmap_insert_locked(struct kmprof_objmap *map, unsigned long addr,
				 struct kmprof_bucket *bucket, size_t req_size,
				 u32 born);
bool kmprof_objmap_remove_locked(struct kmprof_objmap *map, unsigned long addr,
				 struct kmprof_object *old);
size_t kmprof_objmap_reserved(const struct kmprof_objmap *map);

/* The prefilter's bit of @addr, and the top bits of its chain. */
static inline u32 kmprof_objmap_hash(const struct kmprof_objmap *map,
				     unsigned long addr)
{
	return hash_long(addr, map->filter_bits);
}

/**
 * kmprof_objmap_may_contain() - the prefilter: may @addr be mapped?
 * @map: the object map.
 * @addr: an object being freed.
 *
 * Reads one bitmap word and nothing else. A false answer is exact for
 * every object whose insertion finished before this call; an object being
 * inserted is not yet returned to its caller, so nobody can free it.
 *
 * Context: any; no lock.
 * Return: false if @addr is certainly not mapped.
 */
static inline bool kmprof_objmap_may_contain(const struct kmprof_objmap *map,
					     unsigned long addr)
{
	return test_bit(kmprof_objmap_hash(map, addr), map->prefilter);
}

/* === Cycle ring (cycle.c) === */

struct kmprof_cycles {
	raw_spinlock_t lock;	/* @cycle, @pending, every bucket's records */
	struct mutex flush_mutex;	/* flush, fold and read of @active */
	unsigned int cycle;	/* WRITE_ONCE under @lock; READ_ONCE in stats */
	unsigned int pending;	/* closed, unpublished cycles: 0..2 */
	bool published;		/* some active record is non-zero */
	/*
	 * How long the ring's work takes, in ns, for the stats file: each
	 * WRITE_ONCE, paired with READ_ONCE in kmprof_stats_read().
	 */
	u64 advance_last_ns;	/* @lock held by the last advance; under @lock */
	u64 advance_max_ns;	/* the longest such hold; under @lock */
	u64 batch_max_ns;	/* longest hold of @lock by one batch; under @lock */
	u64 flush_last_ns;	/* the last flush, whole; under @flush_mutex */
	u64 flush_last_batch_ns; /* its longest batch; under @flush_mutex */
};

void kmprof_cycles_init(struct kmprof_cycles *cycles);
void kmprof_counts_add(struct kmprof_counts *to,
		       const struct kmprof_counts *from);
void kmprof_cycle_alloc_locked(struct kmprof_cycles *cycles,
			       struct kmprof_bucket *bucket, size_t req_size);
void kmprof_cycle_free_locked(struct kmprof_cycles *cycles,
			      const struct kmprof_object *obj, u32 now);

/* === Counters (stats.c) === */

struct kmprof_stats_cpu {
	u64 count[KMPROF_STAT_FIRST_LEVEL];
};

/* === The profile (profile.c) === */

struct kmprof_profile {
	struct kmprof_sampler sampler;
	unsigned int labels;	/* kept by each sample; fixed at creation */
	struct kmprof_buckets buckets;
	struct kmprof_objmap objects;
	struct kmprof_cycles cycles;
	struct kmprof_stats_cpu __percpu *stats;
	struct kref ref;	/* the owner's, and each open heap file's */
	/* Set once by the owner before the profile is used; see profile.c. */
	kmprof_broken_fn on_broken;
	atomic_t broken;	/* 1 once an invariant was found broken */
#ifdef KMPROF_TEST
	struct kmprof_test_hooks test;
#endif
};

void kmprof_profile_broken(struct kmprof_profile *prof, const char *what);

/* Count one event; any context. */
static inline void kmprof_stat_inc(struct kmprof_profile *prof,
				   enum kmprof_stat item)
{
	this_cpu_inc(prof->stats->count[item]);
}

#endif /* KMPROF_CORE_H */
