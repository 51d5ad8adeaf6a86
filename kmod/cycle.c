// SPDX-License-Identifier: GPL-2.0
/*
 * kmprof - the cycle ring: consistent snapshots of a profile that never
 * stops recording, ported from Go's runtime/mprof.go. The DOC: blocks
 * below are its design, pulled into Documentation/core.rst.
 */

/**
 * DOC: cycle ring
 *
 * Every bucket has one published record, ``active``, and three per-cycle
 * records, ``future[0..2]``. A global counter C names the current cycle.
 * Every event (a sampled allocation or the free of a sampled object)
 * recorded while the counter reads C is added to ``future[(C + 1) % 3]``
 * of its bucket: the open slot. Go sends mallocs to C + 2 and sweep frees
 * to C + 1 because its frees of a cycle arrive only after the next mark
 * termination; the kernel frees explicitly, so both kinds of event take
 * one offset. A free carries its object's lifetime into the same slot:
 * the lifetimes a profile publishes are exactly those of its frees.
 *
 * kmprof_cycle_advance() (C := C + 1, under cycles.lock) closes the open
 * slot: it now holds exactly the events that happened before the advance,
 * which is the snapshot's linearization point. It is O(1) and safe in any
 * context but NMI. kmprof_cycle_flush() later adds each closed slot into
 * ``active``, oldest first, and clears it. It walks the buckets by index
 * in batches of KMPROF_FLUSH_BATCH (64), holding cycles.lock with IRQs off
 * for one batch at a time and calling cond_resched() between batches; it
 * reads the bucket count again for each batch.
 */

/**
 * DOC: cycle timeline
 *
 * The ring over time, with A for an advance and F for the flush of the
 * slot that advance closed::
 *
 *    C =        0            1              2              3
 *    open:  future[1]    future[2]      future[0]      future[1]
 *           ------------A1------------A2-------------A3---------> time
 *                        |·············F1             |
 *                        |     publishes future[1]:   |
 *                        |     all events before A1   |
 *                                     |················F2
 *                                     publishes future[2]
 *
 * Between A2 and the end of F1 the three slots are all busy:
 *
 * - future[1]: closed by A1, being flushed;
 * - future[2]: closed by A2, waiting for its flush;
 * - future[0]: open, receiving events.
 *
 * That is the point of the third slot: an advance may come while one
 * flush is still pending. A3 needs future[1] back as the open slot, so it
 * cannot happen before F1 finishes: kmprof_cycle_advance() refuses with
 * -EBUSY and counts a skipped advance (``skipped_advances``), and
 * kmprof_cycle_advance_wait(), in process context, flushes first.
 */

/**
 * DOC: cycle invariants
 *
 * Invariants kept here:
 *
 * (a) pending, the number of closed unpublished slots, is 0, 1 or 2; they
 *     are slots (C - pending + 1) % 3 .. C % 3, oldest first, so the open
 *     slot (C + 1) % 3 is never one of them.
 * (b) A slot receives events only while open; a flush or a fold clears a
 *     slot under cycles.lock, one bucket batch at a time.
 * (c) ``active`` changes only under cycles.flush_mutex, in cycle order: a
 *     reader holding the mutex sees every bucket as of the same advance.
 * (d) The counter wraps at KMPROF_CYCLE_WRAP (3 * 2^30), a multiple of 3,
 *     so that C % 3 keeps counting 0, 1, 2, 0 across the wrap (2^32 is not
 *     a multiple of 3).
 *
 * An advance that finds more than two slots pending, or a flush that
 * does, reports the profile broken (kmprof_profile_broken()) instead of
 * going on.
 */

#include <linux/ktime.h>
#include <linux/lockdep.h>
#include <linux/sched.h>
#include <linux/string.h>

#include "core.h"

/* Buckets folded per hold of cycles.lock: bounds the time with IRQs off. */
#define KMPROF_FLUSH_BATCH	64

static unsigned int kmprof_cycle_open_slot(const struct kmprof_cycles *cycles)
{
	return (cycles->cycle + 1) % KMPROF_CYCLE_SLOTS;
}

/**
 * kmprof_counts_add() - add one record to another.
 * @to: the sum.
 * @from: what is added.
 *
 * Lifetime classes saturate at U32_MAX, where they stay.
 *
 * Context: any; the caller owns both records.
 */
void kmprof_counts_add(struct kmprof_counts *to,
		       const struct kmprof_counts *from)
{
	unsigned int k;

	to->allocs += from->allocs;
	to->frees += from->frees;
	to->alloc_req_bytes += from->alloc_req_bytes;
	to->alloc_bytes += from->alloc_bytes;
	to->free_req_bytes += from->free_req_bytes;
	to->free_bytes += from->free_bytes;
	to->lifetime_sum += from->lifetime_sum;
	for (k = 0; k < KMPROF_LIFETIME_CLASSES; k++)
		to->lifetimes[k] = min_t(u64, (u64)to->lifetimes[k] +
					 from->lifetimes[k], U32_MAX);
}
EXPORT_SYMBOL_IF_KUNIT(kmprof_counts_add);

/**
 * kmprof_cycle_alloc_locked() - account a sampled allocation in the open slot.
 * @cycles: the ring.
 * @bucket: the bucket of the object.
 * @req_size: bytes requested for the object; its size class is the bucket's.
 *
 * The caller holding cycles->lock is what makes the event and an advance
 * ordered: the event belongs to the cycle the counter reads now.
 *
 * Context: any context but NMI; caller holds cycles->lock.
 */
void kmprof_cycle_alloc_locked(struct kmprof_cycles *cycles,
			       struct kmprof_bucket *bucket, size_t req_size)
{
	struct kmprof_counts *slot;

	lockdep_assert_held(&cycles->lock);
	slot = &bucket->future[kmprof_cycle_open_slot(cycles)];
	slot->allocs++;
	slot->alloc_req_bytes += req_size;
	slot->alloc_bytes += bucket->size_class;
}

/**
 * kmprof_cycle_free_locked() - account the free of a sampled object in the
 * open slot, with its lifetime.
 * @cycles: the ring.
 * @obj: the object, just unmapped.
 * @now: kmprof_now_sec() at the free.
 *
 * The lifetime goes to the same slot as the free: a published profile's
 * lifetimes are exactly those of its frees.
 *
 * Context: any context but NMI; caller holds cycles->lock.
 */
void kmprof_cycle_free_locked(struct kmprof_cycles *cycles,
			      const struct kmprof_object *obj, u32 now)
{
	struct kmprof_bucket *bucket = obj->bucket;
	struct kmprof_counts *slot;
	u32 lifetime = now - obj->born;
	unsigned int class;

	lockdep_assert_held(&cycles->lock);
	slot = &bucket->future[kmprof_cycle_open_slot(cycles)];
	slot->frees++;
	slot->free_req_bytes += obj->req_size;
	slot->free_bytes += bucket->size_class;
	slot->lifetime_sum += lifetime;
	class = kmprof_age_class(lifetime, KMPROF_LIFETIME_CLASSES);
	if (slot->lifetimes[class] < U32_MAX)
		slot->lifetimes[class]++;
}

static u64 kmprof_cycle_held_locked(struct kmprof_cycles *cycles, u64 start,
				    u64 *max)
{
	u64 held = ktime_get_mono_fast_ns() - start;

	lockdep_assert_held(&cycles->lock);
	/* Pairs with READ_ONCE in kmprof_stats_read(). */
	if (held > *max)
		WRITE_ONCE(*max, held);
	return held;
}

static int __kmprof_cycle_advance(struct kmprof_profile *prof)
{
	struct kmprof_cycles *cycles = &prof->cycles;
	unsigned long flags;
	int ret = 0;
	u64 start;

	raw_spin_lock_irqsave(&cycles->lock, flags);
	start = ktime_get_mono_fast_ns();
	/* Invariant (a): the next open slot would still hold cycle C - 1. */
	if (cycles->pending >= KMPROF_CYCLE_SLOTS) {
		ret = -EIO;
	} else if (cycles->pending == KMPROF_CYCLE_SLOTS - 1) {
		ret = -EBUSY;
	} else {
		/* Invariant (d). Pairs with READ_ONCE in kmprof_stats_read(). */
		WRITE_ONCE(cycles->cycle, (cycles->cycle + 1) % KMPROF_CYCLE_WRAP);
		cycles->pending++;
		/* Pairs with READ_ONCE in kmprof_stats_read(). */
		WRITE_ONCE(cycles->advance_last_ns,
			   kmprof_cycle_held_locked(cycles, start,
						    &cycles->advance_max_ns));
	}
	raw_spin_unlock_irqrestore(&cycles->lock, flags);
	if (ret == -EIO)
		kmprof_profile_broken(prof, "more than 2 cycles pending");
	return ret;
}

/**
 * kmprof_cycle_advance() - start a new cycle, closing the current one.
 * @prof: the profile.
 *
 * The linearization point of a snapshot: once this returns 0, the closed
 * slot holds exactly the events recorded before it, and a flush will
 * publish them. O(1); does not flush.
 *
 * Context: any context but NMI (a timer, a probe, hardirq); takes
 * cycles.lock.
 * Return: 0, -EBUSY (counted in KMPROF_STAT_SKIPPED_ADVANCES) if two
 * closed cycles still wait for their flush, or -EIO if the ring is broken.
 */
int kmprof_cycle_advance(struct kmprof_profile *prof)
{
	int ret = __kmprof_cycle_advance(prof);

	if (ret == -EBUSY)
		kmprof_stat_inc(prof, KMPROF_STAT_SKIPPED_ADVANCES);
	return ret;
}
EXPORT_SYMBOL_IF_KUNIT(kmprof_cycle_advance);

/* Invariant 1 of the design: published in-use is never negative. */
static bool kmprof_counts_negative(const struct kmprof_counts *c)
{
	return c->frees > c->allocs || c->free_bytes > c->alloc_bytes ||
	       c->free_req_bytes > c->alloc_req_bytes;
}

/*
 * Fold one slot of every bucket into active, KMPROF_FLUSH_BATCH buckets per
 * hold of cycles.lock. The bucket count is read again for every batch: a
 * bucket created meanwhile may hold events of @slot if it was open then.
 * *@batch_max is raised to the longest hold. A bucket whose published
 * in-use would go negative is left as it was, and the profile reported
 * broken.
 */
static void kmprof_cycle_fold_slot(struct kmprof_profile *prof,
				   unsigned int slot, u64 *batch_max)
{
	struct kmprof_counts sum;
	bool negative = false;
	struct kmprof_cycles *cycles = &prof->cycles;
	struct kmprof_bucket *bucket;
	struct kmprof_counts *from;
	unsigned int index = 0, end;
	unsigned long flags;
	bool published;
	u64 start, held;

	lockdep_assert_held(&cycles->flush_mutex);
	while (index < kmprof_buckets_count(&prof->buckets)) {
		published = false;
		end = min(index + KMPROF_FLUSH_BATCH,
			  kmprof_buckets_count(&prof->buckets));
		raw_spin_lock_irqsave(&cycles->lock, flags);
		start = ktime_get_mono_fast_ns();
		for (; index < end; index++) {
			bucket = kmprof_bucket_at(&prof->buckets, index);
			from = &bucket->future[slot];
			if (!from->allocs && !from->frees)
				continue;
			sum = bucket->active;
			kmprof_counts_add(&sum, from);
			memset(from, 0, sizeof(*from));
			if (kmprof_counts_negative(&sum)) {
				negative = true;
				continue;
			}
			bucket->active = sum;
			published = true;
		}
		if (published)
			cycles->published = true;
		held = kmprof_cycle_held_locked(cycles, start, &cycles->batch_max_ns);
		raw_spin_unlock_irqrestore(&cycles->lock, flags);
		*batch_max = max(*batch_max, held);
		cond_resched();
	}
	if (negative)
		kmprof_profile_broken(prof, "published in-use below zero");
}

/*
 * Publish every closed cycle, oldest first. A flush that found a closed
 * cycle records how long it took, from its start to its end, and its
 * longest batch.
 *
 * With @info, for a read: fills it in and returns the slot the read must
 * fold besides (the open slot, while nothing was ever published), or
 * KMPROF_CYCLE_SLOTS for none, both under the same hold of cycles.lock that
 * found no closed cycle left. Read apart, an advance in between would
 * close that slot unflushed, and a fold of the next one alone could
 * publish a free without its allocation.
 */
static unsigned int kmprof_cycle_flush_locked(struct kmprof_profile *prof,
					      struct kmprof_cycle_info *info)
{
	struct kmprof_cycles *cycles = &prof->cycles;
	unsigned int slot = KMPROF_CYCLE_SLOTS;
	u64 start = ktime_get_ns();
	bool flushed = false;
	u64 batch_max = 0;
	unsigned long flags;

	lockdep_assert_held(&cycles->flush_mutex);
	for (;;) {
		raw_spin_lock_irqsave(&cycles->lock, flags);
		if (!cycles->pending || cycles->pending >= KMPROF_CYCLE_SLOTS)
			break;
		/*
		 * Invariant (a): the oldest closed slot is C - pending + 1.
		 * An advance raises C and pending together, so it stays the
		 * same while the lock is dropped, and only we lower pending.
		 */
		slot = (cycles->cycle + KMPROF_CYCLE_SLOTS + 1 - cycles->pending) %
		       KMPROF_CYCLE_SLOTS;
		raw_spin_unlock_irqrestore(&cycles->lock, flags);

		kmprof_cycle_fold_slot(prof, slot, &batch_max);

		raw_spin_lock_irqsave(&cycles->lock, flags);
		cycles->pending--;
		raw_spin_unlock_irqrestore(&cycles->lock, flags);
		kmprof_stat_inc(prof, KMPROF_STAT_FLUSHES);
		flushed = true;
	}
	slot = KMPROF_CYCLE_SLOTS;
	if (info) {
		if (!cycles->published)
			slot = kmprof_cycle_open_slot(cycles);
		info->cycle = cycles->cycle;
		info->pending = cycles->pending;
		info->time_ns = ktime_get_real_ns();
	}
	if (cycles->pending >= KMPROF_CYCLE_SLOTS) {
		raw_spin_unlock_irqrestore(&cycles->lock, flags);
		kmprof_profile_broken(prof, "more than 2 cycles pending");
		return KMPROF_CYCLE_SLOTS;
	}
	raw_spin_unlock_irqrestore(&cycles->lock, flags);
	if (flushed) {
		/* Both pair with READ_ONCE in kmprof_stats_read(). */
		WRITE_ONCE(cycles->flush_last_ns, ktime_get_ns() - start);
		WRITE_ONCE(cycles->flush_last_batch_ns, batch_max);
	}
	return slot;
}

/**
 * kmprof_cycle_flush() - publish every closed cycle.
 * @prof: the profile.
 *
 * Walks the buckets in batches of KMPROF_FLUSH_BATCH, dropping cycles.lock
 * and calling cond_resched() between batches. Events keep being recorded
 * meanwhile; advances too, up to the ring's capacity. The stats file shows
 * how long the last flush and its longest batch took, and the longest
 * batch of all.
 *
 * Context: process context; may sleep (takes cycles.flush_mutex).
 */
void kmprof_cycle_flush(struct kmprof_profile *prof)
{
	mutex_lock(&prof->cycles.flush_mutex);
	kmprof_cycle_flush_locked(prof, NULL);
	mutex_unlock(&prof->cycles.flush_mutex);
}
EXPORT_SYMBOL_IF_KUNIT(kmprof_cycle_flush);

/**
 * kmprof_cycle_advance_wait() - advance, flushing first if the ring is full.
 * @prof: the profile.
 *
 * Never skips: when two cycles wait for their flush it publishes them,
 * then advances. Does not flush the cycle it closes.
 *
 * Context: process context; may sleep.
 * Return: 0, or -EIO if the ring is broken (nothing advanced).
 */
int kmprof_cycle_advance_wait(struct kmprof_profile *prof)
{
	int ret;

	might_sleep();
	while ((ret = __kmprof_cycle_advance(prof)) == -EBUSY)
		kmprof_cycle_flush(prof);
	return ret;
}
EXPORT_SYMBOL_IF_KUNIT(kmprof_cycle_advance_wait);

/**
 * kmprof_cycle_get() - read the counter and the number of pending flushes.
 * @prof: the profile.
 * @info: filled in.
 *
 * Context: any context but NMI; takes cycles.lock.
 */
void kmprof_cycle_get(struct kmprof_profile *prof,
		      struct kmprof_cycle_info *info)
{
	unsigned long flags;

	raw_spin_lock_irqsave(&prof->cycles.lock, flags);
	info->cycle = prof->cycles.cycle;
	info->pending = prof->cycles.pending;
	info->time_ns = ktime_get_real_ns();
	raw_spin_unlock_irqrestore(&prof->cycles.lock, flags);
}
EXPORT_SYMBOL_IF_KUNIT(kmprof_cycle_get);

/**
 * kmprof_profile_read() - walk the published profile.
 * @prof: the profile.
 * @fn: called for every bucket that has published counts.
 * @arg: passed to @fn.
 * @info: filled with the cycle the walk shows and when it was fixed; may
 *	be NULL.
 *
 * Flushes every closed cycle first, as Go's MemProfile does. If nothing was
 * ever published (no cycle closed yet, or only empty ones), the open slot is
 * folded into `active` too, so that a profile is not empty just because no
 * snapshot was taken: this read then acts as the first snapshot.
 *
 * The walk holds cycles.flush_mutex, so `active` cannot change under it
 * (invariant (c)): @fn sees all buckets as of the same cycle, the one
 * @info names.
 *
 * Context: process context; may sleep, and so may @fn.
 * Return: 0, or the first non-zero value returned by @fn.
 */
int kmprof_profile_read(struct kmprof_profile *prof, kmprof_read_fn fn,
			void *arg, struct kmprof_cycle_info *info)
{
	struct kmprof_cycles *cycles = &prof->cycles;
	struct kmprof_cycle_info fixed;
	struct kmprof_bucket_view view;
	struct kmprof_bucket *bucket;
	unsigned int index, count;
	unsigned int slot;
	u64 batch_max = 0;
	int ret = 0;

	mutex_lock(&cycles->flush_mutex);
	slot = kmprof_cycle_flush_locked(prof, &fixed);
	kmprof_test_point(prof, KMPROF_TEST_READ_FLUSHED);
	/*
	 * An advance racing with this fold turns @slot into a closed slot:
	 * what is folded now are events from before that advance, and its
	 * flush publishes the rest. Only @slot is folded, never the slot the
	 * advance opens.
	 */
	if (slot < KMPROF_CYCLE_SLOTS)
		kmprof_cycle_fold_slot(prof, slot, &batch_max);

	count = kmprof_buckets_count(&prof->buckets);
	for (index = 0; index < count && !ret; index++) {
		bucket = kmprof_bucket_at(&prof->buckets, index);
		/* Invariant (c): stable while we hold flush_mutex. */
		view.counts = bucket->active;
		if (!view.counts.allocs && !view.counts.frees)
			continue;
		view.stack = bucket->stack;
		view.depth = bucket->depth;
		view.size_class = bucket->size_class;
		view.allocator = bucket->allocator;
		view.labels = &bucket->labels;
		view.index = index;
		ret = fn(arg, &view);
		cond_resched();
	}
	mutex_unlock(&cycles->flush_mutex);
	if (info)
		*info = fixed;
	return ret;
}
EXPORT_SYMBOL_IF_KUNIT(kmprof_profile_read);

/**
 * kmprof_cycles_init() - an empty ring at cycle 0.
 * @cycles: the ring to set up.
 *
 * Context: any.
 */
void kmprof_cycles_init(struct kmprof_cycles *cycles)
{
	raw_spin_lock_init(&cycles->lock);
	mutex_init(&cycles->flush_mutex);
	cycles->cycle = 0;
	cycles->pending = 0;
	cycles->published = false;
	cycles->advance_last_ns = 0;
	cycles->advance_max_ns = 0;
	cycles->batch_max_ns = 0;
	cycles->flush_last_ns = 0;
	cycles->flush_last_batch_ns = 0;
}

#ifdef KMPROF_TEST

/* === Test hooks (testing.h) === */

/**
 * kmprof_cycle_test_set() - set the counter, to test the wrap.
 * @prof: a profile with no bucket and no pending flush.
 * @cycle: the new value, below KMPROF_CYCLE_WRAP.
 *
 * Context: process context.
 * Return: 0, -EBUSY if the profile holds events, -EINVAL on a bad @cycle.
 */
int kmprof_cycle_test_set(struct kmprof_profile *prof, unsigned int cycle)
{
	unsigned long flags;
	int ret = 0;

	if (cycle >= KMPROF_CYCLE_WRAP)
		return -EINVAL;
	raw_spin_lock_irqsave(&prof->cycles.lock, flags);
	if (prof->cycles.pending || kmprof_buckets_count(&prof->buckets))
		ret = -EBUSY;
	else
		WRITE_ONCE(prof->cycles.cycle, cycle);
	raw_spin_unlock_irqrestore(&prof->cycles.lock, flags);
	return ret;
}
EXPORT_SYMBOL_IF_KUNIT(kmprof_cycle_test_set);

#endif /* KMPROF_TEST */
