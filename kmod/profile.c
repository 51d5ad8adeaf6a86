// SPDX-License-Identifier: GPL-2.0
/*
 * kmprof - a profile: creation, destruction and the record path.
 *
 * Notes on locking
 * ----------------
 *
 * A profile has three spinlocks, all raw (probe handlers may run where a
 * sleeping spinlock cannot be taken) and all taken with irqsave (an
 * interrupt on the same CPU may allocate and be sampled too), and one
 * mutex:
 *
 * - buckets.insert_lock: protects the bucket chain heads and the pool
 *   cursor (nr_used). Taken by kmprof_record_alloc() on a bucket miss only.
 *   Lookups take no lock: they walk the chains under RCU, since a bucket's
 *   key and link never change once published. Innermost; never held with
 *   another lock.
 * - objects.lock: protects the object map (chains, entries, free list) and
 *   the writers of its prefilter bitmap. Taken by kmprof_record_alloc() and
 *   by kmprof_record_free() or kmprof_record_reuse() when the prefilter
 *   says the address may be mapped. Readers of the prefilter take no lock.
 * - ring.lock: protects the cycle counter, the number of pending flushes
 *   and every bucket's records (active and future[]). Taken by the record
 *   path (nested in objects.lock), by kmprof_cycle_advance() from any
 *   context, and by flush, fold and read in process context for one batch
 *   of KMPROF_FLUSH_BATCH buckets at a time.
 * - ring.flush_mutex: serialises flushes and reads, so that `active` only
 *   changes under it. Process context only; taken before ring.lock.
 *
 * Nesting order: objects.lock -> ring.lock, and ring.flush_mutex ->
 * ring.lock; buckets.insert_lock is taken alone.
 *
 * Why objects.lock is held across the ring update: an object's free is
 * accounted only after its entry is found in the map, and the entry is
 * made visible in the same objects.lock section that accounts the
 * allocation. So a free always reaches the ring after its allocation, in a
 * cycle no older: published in-use can never go negative (DESIGN.md,
 * invariant 1).
 *
 * Why one ring lock and not one per bucket-hash shard: only sampled events
 * take it (one per `rate` bytes allocated, one per sampled free), an
 * advance is then a single lock acquisition (one linearization point
 * without taking N locks in a row), and a flush already bounds its hold
 * time by batching.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/printk.h>
#include <linux/slab.h>

#include "record.h"

/**
 * kmprof_params_validate() - check the sizes and rate of a profile.
 * @params: the parameters.
 *
 * Logs which parameter is out of range and what the range is.
 *
 * Context: any.
 * Return: 0 or -EINVAL.
 */
int kmprof_params_validate(const struct kmprof_params *params)
{
	if (params->rate > KMPROF_RATE_MAX) {
		pr_err("rate=%lu: must be at most %lu bytes (0 = off)\n",
		       params->rate, KMPROF_RATE_MAX);
		return -EINVAL;
	}
	if (!params->max_buckets ||
	    params->max_buckets > KMPROF_MAX_BUCKETS_LIMIT) {
		pr_err("max_buckets=%u: must be 1 to %u\n",
		       params->max_buckets, KMPROF_MAX_BUCKETS_LIMIT);
		return -EINVAL;
	}
	if (!params->max_objects ||
	    params->max_objects > KMPROF_MAX_OBJECTS_LIMIT) {
		pr_err("max_objects=%u: must be 1 to %u\n",
		       params->max_objects, KMPROF_MAX_OBJECTS_LIMIT);
		return -EINVAL;
	}
	if (!params->max_depth || params->max_depth > KMPROF_MAX_DEPTH_LIMIT) {
		pr_err("max_depth=%u: must be 1 to %u\n",
		       params->max_depth, KMPROF_MAX_DEPTH_LIMIT);
		return -EINVAL;
	}
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(kmprof_params_validate);

/**
 * kmprof_profile_create() - make a profile with all its memory reserved.
 * @params: sizes and rate; must pass kmprof_params_validate().
 *
 * The pools are vmalloc()ed here, once: nothing on the record path ever
 * allocates.
 *
 * Context: process context; may sleep.
 * Return: the profile, or an ERR_PTR(): -EINVAL, -ENOMEM.
 */
struct kmprof_profile *kmprof_profile_create(const struct kmprof_params *params)
{
	struct kmprof_profile *prof;
	int ret;

	ret = kmprof_params_validate(params);
	if (ret)
		return ERR_PTR(ret);
	prof = kzalloc(sizeof(*prof), GFP_KERNEL);
	if (!prof)
		return ERR_PTR(-ENOMEM);
	prof->max_depth = params->max_depth;
	kmprof_ring_init(&prof->ring);
	prof->stats = alloc_percpu(struct kmprof_stats_cpu);
	if (!prof->stats)
		goto nomem;
	if (kmprof_sampler_init(&prof->sampler, params->rate))
		goto nomem;
	if (kmprof_buckets_init(&prof->buckets, params->max_buckets,
				params->max_depth))
		goto nomem;
	if (kmprof_objmap_init(&prof->objects, params->max_objects))
		goto nomem;
	return prof;

nomem:
	kmprof_profile_destroy(prof);
	return ERR_PTR(-ENOMEM);
}
EXPORT_SYMBOL_IF_KUNIT(kmprof_profile_create);

/**
 * kmprof_profile_destroy() - free a profile and everything it reserved.
 * @prof: the profile, or NULL.
 *
 * Context: process context. No call on @prof may be running or start: the
 * owner has removed every path to it (probes unregistered, files removed).
 */
void kmprof_profile_destroy(struct kmprof_profile *prof)
{
	if (!prof)
		return;
	kmprof_objmap_free(&prof->objects);
	kmprof_buckets_free(&prof->buckets);
	kmprof_sampler_free(&prof->sampler);
	free_percpu(prof->stats);
	mutex_destroy(&prof->ring.flush_mutex);
	kfree(prof);
}
EXPORT_SYMBOL_IF_KUNIT(kmprof_profile_destroy);

/**
 * kmprof_profile_max_depth() - the deepest stack a bucket keeps.
 * @prof: the profile.
 *
 * Context: any.
 * Return: frames; a capture buffer of this size is enough.
 */
unsigned int kmprof_profile_max_depth(const struct kmprof_profile *prof)
{
	return prof->max_depth;
}
EXPORT_SYMBOL_IF_KUNIT(kmprof_profile_max_depth);

/**
 * kmprof_profile_max_buckets() - the capacity of the bucket pool.
 * @prof: the profile.
 *
 * Buckets are never removed, so no walk of the profile visits more.
 *
 * Context: any.
 * Return: buckets.
 */
unsigned int kmprof_profile_max_buckets(const struct kmprof_profile *prof)
{
	return prof->buckets.capacity;
}
EXPORT_SYMBOL_IF_KUNIT(kmprof_profile_max_buckets);

/**
 * kmprof_record_alloc() - record a sampled allocation.
 * @prof: the profile.
 * @addr: the object.
 * @req_size: bytes the caller asked for.
 * @alloc_size: bytes allocated (the size class, part of the bucket key).
 * @stack: the allocation's stack, from kmprof_stack_capture().
 * @depth: entries in @stack; deeper stacks are cut to max_depth.
 *
 * The event goes to the cycle open now. If the bucket pool or the object
 * map is full, the sample is dropped and counted. If @addr is still mapped,
 * the free of the previous object there went unseen: that free is
 * accounted now, counted as a lost free, and the entry reused.
 *
 * Context: any context, preemption disabled or not; never sleeps, never
 * allocates. Takes buckets.insert_lock (on a new bucket), then objects.lock
 * and ring.lock.
 */
void kmprof_record_alloc(struct kmprof_profile *prof, unsigned long addr,
			 size_t req_size, size_t alloc_size,
			 const unsigned long *stack, unsigned int depth)
{
	struct kmprof_bucket *bucket;
	struct kmprof_object old;
	unsigned long flags;
	int ret;

	bucket = kmprof_bucket_get(&prof->buckets, stack, depth, alloc_size);
	if (!bucket) {
		kmprof_stat_inc(prof, KMPROF_STAT_DROPS_BUCKET);
		return;
	}

	raw_spin_lock_irqsave(&prof->objects.lock, flags);
	ret = kmprof_objmap_insert_locked(&prof->objects, addr, bucket,
					  req_size, alloc_size, &old);
	if (ret < 0) {
		raw_spin_unlock_irqrestore(&prof->objects.lock, flags);
		kmprof_stat_inc(prof, KMPROF_STAT_DROPS_OBJECT);
		return;
	}
	raw_spin_lock(&prof->ring.lock);
	if (ret == KMPROF_OBJMAP_REPLACED)
		kmprof_ring_add_locked(&prof->ring, old.bucket, true,
				       old.req_size, old.alloc_size);
	kmprof_ring_add_locked(&prof->ring, bucket, false, req_size,
			       alloc_size);
	raw_spin_unlock(&prof->ring.lock);
	raw_spin_unlock_irqrestore(&prof->objects.lock, flags);

	if (ret == KMPROF_OBJMAP_REPLACED)
		kmprof_stat_inc(prof, KMPROF_STAT_LOST_FREES);
}
EXPORT_SYMBOL_IF_KUNIT(kmprof_record_alloc);

/* Unmap @addr and account its free; false if it was not mapped. */
static bool kmprof_retire(struct kmprof_profile *prof, unsigned long addr)
{
	struct kmprof_object old;
	unsigned long flags;
	bool mapped;

	raw_spin_lock_irqsave(&prof->objects.lock, flags);
	mapped = kmprof_objmap_remove_locked(&prof->objects, addr, &old);
	if (mapped) {
		raw_spin_lock(&prof->ring.lock);
		kmprof_ring_add_locked(&prof->ring, old.bucket, true,
				       old.req_size, old.alloc_size);
		raw_spin_unlock(&prof->ring.lock);
	}
	raw_spin_unlock_irqrestore(&prof->objects.lock, flags);
	return mapped;
}

/**
 * kmprof_record_free_mapped() - record the free of a possibly sampled object.
 * @prof: the profile.
 * @addr: the object being freed; the prefilter could not rule it out.
 *
 * The slow half of kmprof_record_free() (record.h).
 *
 * Context: any context; never sleeps, never allocates. Takes objects.lock
 * and ring.lock.
 */
void kmprof_record_free_mapped(struct kmprof_profile *prof, unsigned long addr)
{
	if (kmprof_retire(prof, addr))
		kmprof_stat_inc(prof, KMPROF_STAT_FREES);
}
EXPORT_SYMBOL_IF_KUNIT(kmprof_record_free_mapped);

/**
 * kmprof_record_reuse() - note an unsampled allocation at @addr.
 * @prof: the profile.
 * @addr: an object just allocated and not sampled.
 *
 * If @addr is still mapped, the free of the sampled object that lived
 * there was missed (a kprobe's nmissed): retire the entry, accounting its
 * free now, and count a lost free. Costs what a free costs.
 *
 * Context: any context; never sleeps, never allocates.
 */
void kmprof_record_reuse(struct kmprof_profile *prof, unsigned long addr)
{
	if (likely(!kmprof_objmap_may_contain(&prof->objects, addr)))
		return;
	if (kmprof_retire(prof, addr))
		kmprof_stat_inc(prof, KMPROF_STAT_LOST_FREES);
}
EXPORT_SYMBOL_IF_KUNIT(kmprof_record_reuse);
