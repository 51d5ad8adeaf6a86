// SPDX-License-Identifier: GPL-2.0
/*
 * kmprof - a profile: creation, destruction and the record path.
 */

/**
 * DOC: locking
 *
 * A profile has three spinlocks, all raw (probe handlers may run where a
 * sleeping spinlock cannot be taken) and all taken with irqsave (an
 * interrupt on the same CPU may allocate and be sampled too), and one
 * mutex:
 *
 * - ``buckets.insert_lock`` protects the bucket chain heads and the pool
 *   cursor (nr_used). Taken by kmprof_record_alloc() on a bucket miss
 *   only, inside objects.lock. Lookups take no lock: they walk the chains
 *   under RCU, since a bucket's key and link never change once published,
 *   and buckets are never freed while the profile lives. Innermost:
 *   nothing is taken inside it.
 * - ``objects.lock`` protects the object map (chains, entries, free list)
 *   and the writers of its prefilter bitmap. Taken by kmprof_record_alloc()
 *   and by kmprof_record_free() or kmprof_record_reuse() when the
 *   prefilter says the address may be mapped. Readers of the prefilter
 *   take no lock.
 * - ``cycles.lock`` protects the cycle counter, the number of pending
 *   flushes and every bucket's records (active and future[]). Taken by
 *   the record path (nested in objects.lock), by kmprof_cycle_advance()
 *   and kmprof_cycle_get() from any context but NMI, and by flush, fold
 *   and read in process context for one batch of KMPROF_FLUSH_BATCH
 *   buckets at a time.
 * - ``cycles.flush_mutex`` serialises flushes, folds and reads, so that
 *   active only changes under it. Process context only; taken before
 *   cycles.lock.
 *
 * Nesting order: objects.lock -> buckets.insert_lock (kmprof_record_alloc()
 * gets the bucket inside objects.lock, so that a dropped sample takes
 * none), objects.lock -> cycles.lock, and cycles.flush_mutex ->
 * cycles.lock.
 *
 * No lock is taken in NMI context: nothing allocates there, and an
 * advance comes from process context or a timer.
 *
 * Why objects.lock is held across the ring update: an object's free is
 * accounted only after its entry is found in the map, and the entry is
 * made visible in the same objects.lock section that accounts the
 * allocation. So a free always reaches the ring after its allocation, in
 * a cycle no older: published in-use can never go negative (invariant 1
 * of Documentation/core.rst).
 *
 * Why one ring lock and not one per bucket-hash shard: only sampled events
 * take it (one per rate bytes allocated, one per sampled free), an advance
 * is then a single lock acquisition (one linearization point without
 * taking N locks in a row), and a flush already bounds its hold time by
 * batching. At rate=1 on many CPUs the lock is contended; sharding by
 * bucket hash would then need the advance to take every shard lock in
 * order.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/kref.h>
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
	if (params->labels & ~(BIT(KMPROF_LABELS) - 1)) {
		pr_err("labels=%#x: not a set of labels\n", params->labels);
		return -EINVAL;
	}
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(kmprof_params_validate);

/**
 * kmprof_profile_create() - make a profile with all its memory reserved.
 * @params: sizes and rate; must pass kmprof_params_validate().
 * @on_broken: called once when the profile finds one of its invariants
 *	broken (see kmprof_profile_broken()), or NULL.
 *
 * The pools are vmalloc()ed here, once: nothing on the record path ever
 * allocates.
 *
 * Context: process context; may sleep.
 * Return: the profile, or an ERR_PTR(): -EINVAL, -ENOMEM.
 */
struct kmprof_profile *kmprof_profile_create(const struct kmprof_params *params,
					     kmprof_broken_fn on_broken)
{
	struct kmprof_profile *prof;
	int ret;

	ret = kmprof_params_validate(params);
	if (ret)
		return ERR_PTR(ret);
	prof = kzalloc(sizeof(*prof), GFP_KERNEL);
	if (!prof)
		return ERR_PTR(-ENOMEM);
	kref_init(&prof->ref);
	prof->on_broken = on_broken;
	prof->labels = params->labels;
	kmprof_cycles_init(&prof->cycles);
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

static void kmprof_profile_release(struct kref *ref)
{
	struct kmprof_profile *prof =
		container_of(ref, struct kmprof_profile, ref);

	kmprof_objmap_free(&prof->objects);
	kmprof_buckets_free(&prof->buckets);
	kmprof_sampler_free(&prof->sampler);
	free_percpu(prof->stats);
	mutex_destroy(&prof->cycles.flush_mutex);
	kfree(prof);
}

/**
 * kmprof_profile_get() - keep a profile alive for a reader.
 * @prof: the profile, held by the caller (see kmprof_control_lock()).
 *
 * Its stacks and counts stay valid until kmprof_profile_put(), even once
 * its owner has destroyed it.
 *
 * Context: any.
 */
void kmprof_profile_get(struct kmprof_profile *prof)
{
	kref_get(&prof->ref);
}

/**
 * kmprof_profile_put() - drop a reference taken by kmprof_profile_get().
 * @prof: the profile.
 *
 * Context: process context (the last reference frees the pools).
 */
void kmprof_profile_put(struct kmprof_profile *prof)
{
	kref_put(&prof->ref, kmprof_profile_release);
}

/**
 * kmprof_profile_destroy() - the owner is done with a profile.
 * @prof: the profile, or NULL.
 *
 * Drops the creator's reference: everything the profile reserved is freed
 * now, or when the last reader drops its own.
 *
 * Context: process context. No call on @prof may be running or start but
 * from readers holding a reference: the owner has removed every path to
 * it (probes unregistered, files removed or swapped).
 */
void kmprof_profile_destroy(struct kmprof_profile *prof)
{
	if (prof)
		kmprof_profile_put(prof);
}
EXPORT_SYMBOL_IF_KUNIT(kmprof_profile_destroy);

/**
 * kmprof_profile_buckets() - how many buckets a profile holds.
 * @prof: the profile.
 *
 * Buckets are never removed: no walk of the profile started now visits
 * fewer, one started later may visit more.
 *
 * Context: any.
 * Return: buckets in use.
 */
unsigned int kmprof_profile_buckets(struct kmprof_profile *prof)
{
	return kmprof_buckets_count(&prof->buckets);
}

/**
 * kmprof_profile_labels() - what each sample of a profile keeps of who
 * allocated.
 * @prof: the profile.
 *
 * Context: any.
 * Return: BIT(enum kmprof_label) for each label kept.
 */
unsigned int kmprof_profile_labels(const struct kmprof_profile *prof)
{
	return prof->labels;
}
EXPORT_SYMBOL_IF_KUNIT(kmprof_profile_labels);

/**
 * kmprof_profile_broken() - an invariant of @prof does not hold: fail safe.
 * @prof: the profile.
 * @what: which one, for the log.
 *
 * Warns once per breakage and tells the owner (its on_broken function),
 * which stops feeding the profile, as KFENCE switches itself off. The
 * caller then goes on as if nothing were there to find, so that no loop
 * runs forever and nothing is published from a corrupt state.
 *
 * Context: any context but NMI.
 */
void kmprof_profile_broken(struct kmprof_profile *prof, const char *what)
{
	if (atomic_xchg(&prof->broken, 1))
		return;
	WARN(1, KBUILD_MODNAME ": invariant broken: %s; profiling stops\n",
	     what);
	if (prof->on_broken)
		prof->on_broken(prof);
}

/**
 * kmprof_profile_objects() - how many sampled objects a profile tracks.
 * @prof: the profile.
 *
 * Context: any.
 * Return: the objects in its object map now.
 */
unsigned int kmprof_profile_objects(struct kmprof_profile *prof)
{
	/* Pairs with WRITE_ONCE() in objmap.c. */
	return READ_ONCE(prof->objects.nr_used);
}

/**
 * kmprof_profile_is_broken() - did @prof find an invariant broken?
 * @prof: the profile.
 *
 * Context: any.
 * Return: true from the first kmprof_profile_broken() to
 * kmprof_profile_clear_broken().
 */
bool kmprof_profile_is_broken(const struct kmprof_profile *prof)
{
	return atomic_read(&prof->broken);
}

/**
 * kmprof_profile_clear_broken() - let @prof warn again.
 * @prof: the profile, being fed again.
 *
 * Context: any.
 */
void kmprof_profile_clear_broken(struct kmprof_profile *prof)
{
	atomic_set(&prof->broken, 0);
}

/**
 * kmprof_record_alloc() - record a sampled allocation.
 * @prof: the profile.
 * @addr: the object.
 * @req_size: bytes the caller asked for.
 * @alloc_size: bytes allocated (the size class, part of the bucket key).
 * @allocator: the allocator it comes from (part of the bucket key).
 * @stack: the allocation's stack, from kmprof_stack_capture().
 * @depth: entries in @stack; deeper stacks are cut to max_depth.
 *
 * Called in the allocation's own context: the labels the profile keeps
 * (part of the bucket key) are read from it (kmprof_labels_capture());
 * a profile that keeps none reads, hashes and compares none.
 * The event goes to the cycle open now. If @addr is still mapped, the free
 * of the previous object there went unseen: that free is accounted now
 * and counted as a lost free. Then, if no stack was saved, the object map
 * has no room or the bucket pool is full, the sample is dropped and
 * counted as such, having taken nothing; else it is counted in
 * KMPROF_STAT_SAMPLES.
 *
 * Context: any context but NMI, preemption disabled or not; never sleeps,
 * never allocates. Takes objects.lock, buckets.insert_lock (on a new
 * bucket) and cycles.lock.
 */
void kmprof_record_alloc(struct kmprof_profile *prof, unsigned long addr,
			 size_t req_size, size_t alloc_size,
			 enum kmprof_allocator allocator,
			 const unsigned long *stack, unsigned int depth)
{
	enum kmprof_stat result = KMPROF_STAT_SAMPLES;
	struct kmprof_labels labels, *kept = NULL;
	struct kmprof_bucket *bucket = NULL;
	struct kmprof_object old;
	unsigned long flags;
	bool stale;
	u32 now;

	if (prof->labels) {
		kmprof_labels_capture(&labels, prof->labels);
		kept = &labels;
	}
	raw_spin_lock_irqsave(&prof->objects.lock, flags);
	now = kmprof_now_sec();
	stale = kmprof_objmap_remove_locked(&prof->objects, addr, &old);
	if (!depth)	/* the heap file's records all have a frame */
		result = KMPROF_STAT_DROPS_STACK;
	else if (!kmprof_objmap_has_room_locked(&prof->objects))
		result = KMPROF_STAT_DROPS_OBJECT;
	else
		bucket = kmprof_bucket_get(&prof->buckets, stack, depth,
					   alloc_size, allocator, kept);
	if (bucket)
		kmprof_objmap_insert_locked(&prof->objects, addr, bucket,
					    req_size, now);
	else if (result == KMPROF_STAT_SAMPLES)
		result = KMPROF_STAT_DROPS_BUCKET;
	raw_spin_lock(&prof->cycles.lock);
	if (stale)
		kmprof_cycle_free_locked(&prof->cycles, &old, now);
	if (bucket)
		kmprof_cycle_alloc_locked(&prof->cycles, bucket, req_size);
	raw_spin_unlock(&prof->cycles.lock);
	raw_spin_unlock_irqrestore(&prof->objects.lock, flags);

	if (stale)
		kmprof_stat_inc(prof, KMPROF_STAT_LOST_FREES);
	kmprof_stat_inc(prof, result);
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
		raw_spin_lock(&prof->cycles.lock);
		kmprof_cycle_free_locked(&prof->cycles, &old, kmprof_now_sec());
		raw_spin_unlock(&prof->cycles.lock);
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
 * Context: any context but NMI; never sleeps, never allocates. Takes
 * objects.lock and cycles.lock.
 */
void kmprof_record_free_mapped(struct kmprof_profile *prof, unsigned long addr)
{
	if (kmprof_retire(prof, addr))
		kmprof_stat_inc(prof, KMPROF_STAT_FREES);
}
EXPORT_SYMBOL_IF_KUNIT(kmprof_record_free_mapped);

/**
 * kmprof_record_reuse_mapped() - an unsampled object at a mapped address.
 * @prof: the profile.
 * @addr: an object just allocated and not sampled; the prefilter could
 *	not rule it out.
 *
 * The slow half of kmprof_record_reuse() (record.h). If @addr is still
 * mapped, the free of the sampled object that lived there was missed (a
 * kprobe's nmissed, or a free while disabled): its entry is retired, its
 * free accounted now, and a lost free counted.
 *
 * Context: any context but NMI; never sleeps, never allocates. Takes
 * objects.lock and cycles.lock.
 */
void kmprof_record_reuse_mapped(struct kmprof_profile *prof, unsigned long addr)
{
	if (kmprof_retire(prof, addr))
		kmprof_stat_inc(prof, KMPROF_STAT_LOST_FREES);
}
EXPORT_SYMBOL_IF_KUNIT(kmprof_record_reuse_mapped);
