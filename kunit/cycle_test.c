// SPDX-License-Identifier: GPL-2.0
/*
 * kmprof - KUnit suite of the cycle ring, with deterministic interleavings
 * of allocations, frees, advances, flushes and reads.
 *
 * Invariants (DESIGN.md, section 2) and the cases that would fail if one
 * were broken:
 *  1. published in-use never negative: every case checks it on every read,
 *     kmprof_cycle_test_every_interleaving tries all advance placements,
 *     kmprof_cycle_test_read_races_advance an advance inside a read;
 *  2. a published advance holds exactly the events before it:
 *     kmprof_cycle_test_events_across_advance, ..._two_advances_one_pending,
 *     ..._wrap, ..._every_interleaving;
 *  3. advance O(1) and atomic-safe: kmprof_cycle_test_advance_in_hardirq;
 *     flush in batches: kmprof_cycle_test_flush_many_buckets; their
 *     timing for the stats file: kmprof_cycle_test_times.
 */

#include <kunit/test.h>
#include <linux/hrtimer.h>
#include <linux/irqflags.h>
#include <linux/completion.h>
#include <linux/delay.h>

#include "helpers.h"

/* Read, assert nothing negative, and check the published totals. */
static void kmprof_cycle_expect(struct kunit *test, struct kmprof_profile *prof,
				u64 allocs, u64 frees)
{
	struct kmprof_test_totals totals;

	kmprof_test_read(test, prof, &totals);
	KUNIT_EXPECT_EQ(test, totals.negative_buckets, 0);
	KUNIT_EXPECT_EQ(test, totals.unmatched_lifetimes, 0);
	KUNIT_EXPECT_EQ(test, totals.sum.allocs, allocs);
	KUNIT_EXPECT_EQ(test, totals.sum.frees, frees);
}

static unsigned int kmprof_cycle_pending(struct kmprof_profile *prof)
{
	struct kmprof_cycle_info info;

	kmprof_cycle_get(prof, &info);
	return info.pending;
}

/* Something published, so that later reads do not fold the open slot. */
static void kmprof_cycle_publish_one(struct kunit *test,
				     struct kmprof_profile *prof)
{
	kmprof_test_alloc(prof, OBJ(999), 8, 9);
	KUNIT_ASSERT_EQ(test, kmprof_cycle_advance(prof), 0);
	kmprof_cycle_expect(test, prof, 1, 0);
}

/*
 * An allocation before an advance is in its snapshot; a free of that
 * object and an allocation after the advance are not, until the next one.
 */
static void kmprof_cycle_test_events_across_advance(struct kunit *test)
{
	struct kmprof_profile *prof = kmprof_test_create(test, 1, 16, 16);

	kmprof_test_alloc(prof, OBJ(1), 64, 1);
	KUNIT_ASSERT_EQ(test, kmprof_cycle_advance(prof), 0);
	kmprof_test_alloc(prof, OBJ(2), 64, 1);
	kmprof_record_free(prof, OBJ(1));
	kmprof_cycle_expect(test, prof, 1, 0);

	/* Events after an advance but before its flush are still later. */
	KUNIT_ASSERT_EQ(test, kmprof_cycle_advance(prof), 0);
	kmprof_record_free(prof, OBJ(2));
	kmprof_cycle_expect(test, prof, 2, 1);

	kmprof_cycle_advance_wait(prof);
	kmprof_cycle_expect(test, prof, 2, 2);
}

/* An object born and freed within one cycle publishes as 1 alloc, 1 free. */
static void kmprof_cycle_test_alloc_free_same_cycle(struct kunit *test)
{
	struct kmprof_profile *prof = kmprof_test_create(test, 1, 16, 16);
	struct kmprof_test_totals totals;

	kmprof_cycle_publish_one(test, prof);
	kmprof_test_alloc(prof, OBJ(1), 32, 1);
	kmprof_record_free(prof, OBJ(1));
	kmprof_cycle_expect(test, prof, 1, 0);
	KUNIT_ASSERT_EQ(test, kmprof_cycle_advance(prof), 0);
	kmprof_test_read(test, prof, &totals);
	KUNIT_EXPECT_EQ(test, totals.sum.allocs, 2);
	KUNIT_EXPECT_EQ(test, totals.sum.frees, 1);
	KUNIT_EXPECT_EQ(test, totals.sum.alloc_bytes - totals.sum.free_bytes, 8);
	KUNIT_EXPECT_EQ(test, totals.sum.alloc_req_bytes -
			totals.sum.free_req_bytes, 7);
}

/*
 * Two advances with the first flush still pending use all three slots; a
 * third must be refused (and counted) until a flush frees the oldest slot.
 */
static void kmprof_cycle_test_two_advances_one_pending(struct kunit *test)
{
	struct kmprof_profile *prof = kmprof_test_create(test, 1, 16, 16);

	kmprof_test_alloc(prof, OBJ(1), 16, 1);
	KUNIT_ASSERT_EQ(test, kmprof_cycle_advance(prof), 0);
	kmprof_test_alloc(prof, OBJ(2), 16, 2);
	KUNIT_ASSERT_EQ(test, kmprof_cycle_advance(prof), 0);
	KUNIT_EXPECT_EQ(test, kmprof_cycle_pending(prof), 2);
	kmprof_test_alloc(prof, OBJ(3), 16, 3);

	/* Blocked: the open slot would become the one holding OBJ(1). */
	KUNIT_EXPECT_EQ(test, kmprof_cycle_advance(prof), -EBUSY);
	KUNIT_EXPECT_EQ(test, kmprof_test_stat(prof,
					       KMPROF_STAT_SKIPPED_ADVANCES), 1);
	KUNIT_EXPECT_EQ(test, kmprof_cycle_pending(prof), 2);

	/* The read flushes both, oldest first, and nothing later. */
	kmprof_cycle_expect(test, prof, 2, 0);
	KUNIT_EXPECT_EQ(test, kmprof_cycle_pending(prof), 0);
	KUNIT_EXPECT_EQ(test, kmprof_test_stat(prof, KMPROF_STAT_FLUSHES), 2);

	KUNIT_ASSERT_EQ(test, kmprof_cycle_advance(prof), 0);
	kmprof_cycle_expect(test, prof, 3, 0);
}

/* The process-context advance flushes instead of skipping. */
static void kmprof_cycle_test_advance_wait_flushes(struct kunit *test)
{
	struct kmprof_profile *prof = kmprof_test_create(test, 1, 16, 16);
	struct kmprof_cycle_info info;

	kmprof_test_alloc(prof, OBJ(1), 16, 1);
	KUNIT_ASSERT_EQ(test, kmprof_cycle_advance(prof), 0);
	kmprof_test_alloc(prof, OBJ(2), 16, 1);
	KUNIT_ASSERT_EQ(test, kmprof_cycle_advance(prof), 0);
	kmprof_test_alloc(prof, OBJ(3), 16, 1);

	kmprof_cycle_advance_wait(prof);
	kmprof_cycle_get(prof, &info);
	KUNIT_EXPECT_EQ(test, info.cycle, 3);
	KUNIT_EXPECT_EQ(test, info.pending, 1);
	KUNIT_EXPECT_EQ(test, kmprof_test_stat(prof,
					       KMPROF_STAT_SKIPPED_ADVANCES), 0);
	kmprof_cycle_expect(test, prof, 3, 0);
}

/*
 * Across the counter's wrap, each snapshot still holds exactly the events
 * before it: with a wrap that is not a multiple of 3 the slot sequence
 * would jump and an event would be published a cycle early or late.
 */
static void kmprof_cycle_test_wrap(struct kunit *test)
{
	struct kmprof_profile *prof = kmprof_test_create(test, 1, 16, 64);
	struct kmprof_cycle_info info;
	unsigned int i;

	KUNIT_ASSERT_EQ(test, kmprof_cycle_test_set(prof,
						    KMPROF_CYCLE_WRAP - 2), 0);
	for (i = 0; i < 6; i++) {
		kmprof_test_alloc(prof, OBJ(2 * i), 16, 1);
		kmprof_cycle_advance_wait(prof);
		/* Recorded after the advance: in the next snapshot only. */
		kmprof_test_alloc(prof, OBJ(2 * i + 1), 16, 2);
		kmprof_cycle_expect(test, prof, 2 * i + 1, 0);
		kmprof_cycle_get(prof, &info);
		KUNIT_EXPECT_EQ(test, info.cycle,
				(KMPROF_CYCLE_WRAP - 2 + i + 1) %
				KMPROF_CYCLE_WRAP);
	}
	KUNIT_EXPECT_EQ(test, info.cycle, 4);
}

/*
 * Before anything is published, a read folds the open slot, as Go's
 * MemProfile does; afterwards reads show the last snapshot only.
 */
static void kmprof_cycle_test_read_before_publish_folds(struct kunit *test)
{
	struct kmprof_profile *prof = kmprof_test_create(test, 1, 16, 16);

	kmprof_test_alloc(prof, OBJ(1), 16, 1);
	kmprof_test_alloc(prof, OBJ(2), 16, 2);
	kmprof_cycle_expect(test, prof, 2, 0);

	kmprof_record_free(prof, OBJ(1));
	kmprof_test_alloc(prof, OBJ(3), 16, 1);
	kmprof_cycle_expect(test, prof, 2, 0);

	kmprof_cycle_advance_wait(prof);
	kmprof_cycle_expect(test, prof, 3, 1);
}

/* Empty snapshots publish nothing: the read still folds. */
static void kmprof_cycle_test_fold_after_empty_cycles(struct kunit *test)
{
	struct kmprof_profile *prof = kmprof_test_create(test, 1, 16, 16);

	KUNIT_ASSERT_EQ(test, kmprof_cycle_advance(prof), 0);
	kmprof_cycle_flush(prof);
	kmprof_test_alloc(prof, OBJ(1), 16, 1);
	kmprof_cycle_expect(test, prof, 1, 0);
}

/*
 * Two objects, four events (alloc A, alloc B, free A, free B) and an
 * advance after any subset of them: after each advance the published
 * profile has exactly the events before it and nothing negative.
 */
static void kmprof_cycle_test_every_interleaving(struct kunit *test)
{
	unsigned int mask, step;

	for (mask = 0; mask < 16; mask++) {
		struct kmprof_profile *prof = kmprof_test_create(test, 1, 8, 8);
		u64 allocs = 1, frees = 0, snap_allocs = 1, snap_frees = 0;

		kmprof_cycle_publish_one(test, prof);
		for (step = 0; step < 4; step++) {
			switch (step) {
			case 0:
			case 1:
				kmprof_test_alloc(prof, OBJ(step), 32, step);
				allocs++;
				break;
			default:
				kmprof_record_free(prof, OBJ(step - 2));
				frees++;
				break;
			}
			if (mask & (1U << step)) {
				kmprof_cycle_advance_wait(prof);
				snap_allocs = allocs;
				snap_frees = frees;
			}
			kmprof_cycle_expect(test, prof, snap_allocs,
					    snap_frees);
		}
		kmprof_cycle_advance_wait(prof);
		kmprof_cycle_expect(test, prof, 3, 2);
	}
}

/* A lost free is accounted in the cycle where it is discovered. */
static void kmprof_cycle_test_lost_free_cycle(struct kunit *test)
{
	struct kmprof_profile *prof = kmprof_test_create(test, 1, 16, 16);

	kmprof_cycle_publish_one(test, prof);
	kmprof_test_alloc(prof, OBJ(1), 16, 1);
	KUNIT_ASSERT_EQ(test, kmprof_cycle_advance(prof), 0);
	/* OBJ(1)'s free was missed; a new object lives there now. */
	kmprof_test_alloc(prof, OBJ(1), 32, 2);
	kmprof_cycle_expect(test, prof, 2, 0);
	KUNIT_ASSERT_EQ(test, kmprof_cycle_advance(prof), 0);
	kmprof_cycle_expect(test, prof, 3, 1);
	KUNIT_EXPECT_EQ(test, kmprof_test_stat(prof, KMPROF_STAT_LOST_FREES), 1);
	KUNIT_EXPECT_EQ(test, kmprof_test_stat(prof, KMPROF_STAT_OBJECTS), 2);
}

/*
 * A freed object's lifetime is published with its free, in the cycle of
 * the free: class 0 under a second, class 2 for 2 s to 4 s; a lost free's
 * lifetime runs to the allocation that found it.
 */
static void kmprof_cycle_test_lifetimes(struct kunit *test)
{
	struct kmprof_profile *prof = kmprof_test_create(test, 1, 16, 16);
	struct kmprof_test_totals totals;
	unsigned int k;

	kmprof_test_alloc(prof, OBJ(1), 64, 1);
	kmprof_test_alloc(prof, OBJ(2), 64, 1);
	kmprof_test_alloc(prof, OBJ(3), 64, 1);
	kmprof_record_free(prof, OBJ(1));
	kmprof_cycle_expect(test, prof, 3, 0);
	kmprof_cycle_advance_wait(prof);
	kmprof_test_read(test, prof, &totals);
	KUNIT_EXPECT_EQ(test, totals.sum.frees, 1);
	KUNIT_EXPECT_EQ(test, totals.sum.lifetimes[0], 1);
	KUNIT_EXPECT_EQ(test, totals.sum.lifetime_sum, 0);

	msleep(2100);
	kmprof_record_free(prof, OBJ(2));
	/* OBJ(3)'s free was missed; a new object lives there now. */
	kmprof_test_alloc(prof, OBJ(3), 64, 2);
	kmprof_cycle_expect(test, prof, 3, 1);
	kmprof_cycle_advance_wait(prof);
	kmprof_cycle_expect(test, prof, 4, 3);
	kmprof_test_read(test, prof, &totals);
	KUNIT_EXPECT_EQ(test, totals.sum.lifetimes[0], 1);
	KUNIT_EXPECT_EQ(test, totals.sum.lifetimes[2], 2);
	for (k = 0; k < KMPROF_LIFETIME_CLASSES; k++)
		if (k != 0 && k != 2)
			KUNIT_EXPECT_EQ(test, totals.sum.lifetimes[k], 0);
	KUNIT_EXPECT_GE(test, totals.sum.lifetime_sum, 4);
	KUNIT_EXPECT_LE(test, totals.sum.lifetime_sum, 8);
}

/* Lifetime classes: powers of two, the last one open; sums saturate. */
static void kmprof_cycle_test_lifetime_classes(struct kunit *test)
{
	struct kmprof_counts to = {}, from = {};

	KUNIT_EXPECT_EQ(test, kmprof_age_class(0, KMPROF_LIFETIME_CLASSES), 0);
	KUNIT_EXPECT_EQ(test, kmprof_age_class(1, KMPROF_LIFETIME_CLASSES), 1);
	KUNIT_EXPECT_EQ(test, kmprof_age_class(3, KMPROF_LIFETIME_CLASSES), 2);
	KUNIT_EXPECT_EQ(test, kmprof_age_class(4, KMPROF_LIFETIME_CLASSES), 3);
	KUNIT_EXPECT_EQ(test, kmprof_age_class((1U << 14) - 1,
					       KMPROF_LIFETIME_CLASSES), 14);
	KUNIT_EXPECT_EQ(test, kmprof_age_class(1U << 14,
					       KMPROF_LIFETIME_CLASSES), 15);
	KUNIT_EXPECT_EQ(test, kmprof_age_class(U32_MAX,
					       KMPROF_LIFETIME_CLASSES), 15);
	KUNIT_EXPECT_EQ(test, kmprof_age_class(U32_MAX,
					       KMPROF_HEAP_AGE_CLASSES), 32);

	to.lifetimes[3] = U32_MAX - 1;
	to.lifetimes[4] = 7;
	from.lifetimes[3] = 5;
	from.lifetimes[4] = 1;
	from.frees = 6;
	from.lifetime_sum = 60;
	kmprof_counts_add(&to, &from);
	KUNIT_EXPECT_EQ(test, to.lifetimes[3], U32_MAX);
	KUNIT_EXPECT_EQ(test, to.lifetimes[4], 8);
	KUNIT_EXPECT_EQ(test, to.frees, 6);
	KUNIT_EXPECT_EQ(test, to.lifetime_sum, 60);
}

/* Flush and fold walk every batch of buckets, not just the first. */
static void kmprof_cycle_test_flush_many_buckets(struct kunit *test)
{
	const unsigned int nr = 300;
	struct kmprof_profile *prof = kmprof_test_create(test, 1, nr, nr);
	struct kmprof_test_totals totals;
	unsigned int i;

	kmprof_cycle_publish_one(test, prof);
	for (i = 0; i < nr - 1; i++)
		kmprof_test_alloc(prof, OBJ(i), 16, 100 + i);
	KUNIT_ASSERT_EQ(test, kmprof_cycle_advance(prof), 0);
	kmprof_test_read(test, prof, &totals);
	KUNIT_EXPECT_EQ(test, totals.buckets, nr);
	KUNIT_EXPECT_EQ(test, totals.sum.allocs, nr);
}

/*
 * Advances and flushes time themselves for the stats file: a batch is part
 * of its flush, the last advance or flush no longer than the longest.
 * Durations are not checked, only how they relate: the clock may be coarse.
 */
static void kmprof_cycle_test_times(struct kunit *test)
{
	const unsigned int nr = 200;
	struct kmprof_profile *prof = kmprof_test_create(test, 1, nr, nr);
	unsigned int i;

	KUNIT_EXPECT_EQ(test, kmprof_test_stat(prof, KMPROF_STAT_FLUSH_LAST_NS),
			0);
	for (i = 0; i < nr; i++)
		kmprof_test_alloc(prof, OBJ(i), 16, 100 + i);
	KUNIT_ASSERT_EQ(test, kmprof_cycle_advance(prof), 0);
	KUNIT_EXPECT_LE(test,
			kmprof_test_stat(prof, KMPROF_STAT_ADVANCE_LAST_NS),
			kmprof_test_stat(prof, KMPROF_STAT_ADVANCE_MAX_NS));
	kmprof_cycle_flush(prof);
	KUNIT_EXPECT_LE(test,
			kmprof_test_stat(prof, KMPROF_STAT_FLUSH_LAST_BATCH_NS),
			kmprof_test_stat(prof, KMPROF_STAT_FLUSH_LAST_NS));
	KUNIT_EXPECT_LE(test,
			kmprof_test_stat(prof, KMPROF_STAT_FLUSH_LAST_BATCH_NS),
			kmprof_test_stat(prof, KMPROF_STAT_FLUSH_BATCH_MAX_NS));
	kmprof_cycle_expect(test, prof, nr, 0);
}

struct kmprof_cycle_irq {
	struct hrtimer timer;
	struct kmprof_profile *prof;
	struct completion done;
	int advance_ret;
};

static enum hrtimer_restart kmprof_cycle_irq_fn(struct hrtimer *timer)
{
	struct kmprof_cycle_irq *irq = container_of(timer, struct kmprof_cycle_irq,
						   timer);

	kmprof_test_alloc(irq->prof, OBJ(2), 16, 1);
	kmprof_record_free(irq->prof, OBJ(1));
	irq->advance_ret = kmprof_cycle_advance(irq->prof);
	complete(&irq->done);
	return HRTIMER_NORESTART;
}

/*
 * Record and advance from hardirq context (lockdep and might_sleep
 * checks watch), and with interrupts off in process context.
 */
static void kmprof_cycle_test_advance_in_hardirq(struct kunit *test)
{
	struct kmprof_profile *prof = kmprof_test_create(test, 1, 16, 16);
	struct kmprof_cycle_irq *irq = kunit_kzalloc(test, sizeof(*irq),
						    GFP_KERNEL);
	unsigned long flags;

	KUNIT_ASSERT_NOT_NULL(test, irq);
	irq->prof = prof;
	init_completion(&irq->done);
	kmprof_cycle_publish_one(test, prof);
	kmprof_test_alloc(prof, OBJ(1), 16, 1);

	hrtimer_init(&irq->timer, CLOCK_MONOTONIC, HRTIMER_MODE_REL_HARD);
	irq->timer.function = kmprof_cycle_irq_fn;
	hrtimer_start(&irq->timer, ns_to_ktime(1000), HRTIMER_MODE_REL_HARD);
	KUNIT_ASSERT_NE(test, wait_for_completion_timeout(&irq->done, 10 * HZ),
			0);
	hrtimer_cancel(&irq->timer);
	KUNIT_EXPECT_EQ(test, irq->advance_ret, 0);
	kmprof_cycle_expect(test, prof, 3, 1);

	local_irq_save(flags);
	KUNIT_EXPECT_EQ(test, kmprof_cycle_advance(prof), 0);
	local_irq_restore(flags);
	kmprof_cycle_expect(test, prof, 3, 1);
}

/* What the hook of kmprof_cycle_test_read_races_advance() did. */
struct kmprof_cycle_race {
	unsigned long addr;	/* the object to free */
	int advance_ret;
	bool ran;
};

/*
 * As the periodic advance and a free on another CPU would, in the window
 * between a read's flush and its fold: close the cycle, then free the
 * object allocated before it.
 */
static void kmprof_cycle_race_hook(struct kmprof_profile *prof,
				   enum kmprof_test_point point, void *arg)
{
	struct kmprof_cycle_race *race = arg;

	if (point != KMPROF_TEST_READ_FLUSHED || race->ran)
		return;
	race->ran = true;
	race->advance_ret = kmprof_cycle_advance(prof);
	preempt_disable();
	kmprof_record_free(prof, race->addr);
	preempt_enable();
}

/*
 * A first read (nothing published yet, so it folds the open slot) racing
 * an advance and a free: the fold covers the allocation's cycle, never the
 * free's alone, so published in-use never goes below zero.
 */
static void kmprof_cycle_test_read_races_advance(struct kunit *test)
{
	struct kmprof_profile *prof = kmprof_test_create(test, 1, 16, 16);
	struct kmprof_cycle_race race = { .addr = OBJ(1) };
	struct kmprof_test_totals totals;

	kmprof_test_alloc(prof, OBJ(1), 64, 1);
	kmprof_test_set_hook(prof, kmprof_cycle_race_hook, &race);
	kmprof_test_read(test, prof, &totals);
	KUNIT_ASSERT_TRUE(test, race.ran);
	KUNIT_ASSERT_EQ(test, race.advance_ret, 0);
	KUNIT_EXPECT_EQ(test, totals.negative_buckets, 0);
	KUNIT_EXPECT_EQ(test, totals.unmatched_lifetimes, 0);
	KUNIT_EXPECT_GE(test, totals.sum.allocs, totals.sum.frees);

	kmprof_cycle_advance_wait(prof);
	kmprof_cycle_expect(test, prof, 1, 1);
}

static struct kunit_case kmprof_cycle_cases[] = {
	KUNIT_CASE(kmprof_cycle_test_read_races_advance),
	KUNIT_CASE(kmprof_cycle_test_events_across_advance),
	KUNIT_CASE(kmprof_cycle_test_alloc_free_same_cycle),
	KUNIT_CASE(kmprof_cycle_test_two_advances_one_pending),
	KUNIT_CASE(kmprof_cycle_test_advance_wait_flushes),
	KUNIT_CASE(kmprof_cycle_test_wrap),
	KUNIT_CASE(kmprof_cycle_test_read_before_publish_folds),
	KUNIT_CASE(kmprof_cycle_test_fold_after_empty_cycles),
	KUNIT_CASE(kmprof_cycle_test_every_interleaving),
	KUNIT_CASE(kmprof_cycle_test_lost_free_cycle),
	KUNIT_CASE_SLOW(kmprof_cycle_test_lifetimes),
	KUNIT_CASE(kmprof_cycle_test_lifetime_classes),
	KUNIT_CASE(kmprof_cycle_test_flush_many_buckets),
	KUNIT_CASE(kmprof_cycle_test_times),
	KUNIT_CASE(kmprof_cycle_test_advance_in_hardirq),
	{}
};

static struct kunit_suite kmprof_cycle_suite = {
	.name = "kmprof_cycle",
	.test_cases = kmprof_cycle_cases,
};

kunit_test_suites(&kmprof_cycle_suite);
