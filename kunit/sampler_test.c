// SPDX-License-Identifier: GPL-2.0
/*
 * kmprof - KUnit suite of the sampler: rate 1 and 0, the distribution of
 * the intervals it draws, and what it counts.
 */

#include <kunit/test.h>
#include <linux/math64.h>
#include <linux/prandom.h>
#include <linux/preempt.h>

#include "helpers.h"

#define KMPROF_DRAWS		100000
#define KMPROF_DRAW_RATE	65536UL

static bool kmprof_sampler_decide(struct kmprof_profile *prof, size_t size)
{
	bool sampled;

	/* The sampler runs in probe handlers, with preemption off. */
	preempt_disable();
	sampled = kmprof_sample(prof, size);
	preempt_enable();
	return sampled;
}

static void kmprof_sampler_test_rate_one_samples_all(struct kunit *test)
{
	struct kmprof_profile *prof = kmprof_test_create(test, 1, 4, 4);
	unsigned int i, sampled = 0;

	for (i = 0; i < 1000; i++)
		sampled += kmprof_sampler_decide(prof, 1 + i % 300);
	KUNIT_EXPECT_EQ(test, sampled, 1000);
}

static void kmprof_sampler_test_rate_zero_samples_none(struct kunit *test)
{
	struct kmprof_profile *prof = kmprof_test_create(test, 0, 4, 4);
	unsigned int i, sampled = 0;

	for (i = 0; i < 1000; i++)
		sampled += kmprof_sampler_decide(prof, 4096);
	KUNIT_EXPECT_EQ(test, sampled, 0);
}

/*
 * 10^5 draws of mean 65536: the sample mean is within 5% (the standard
 * error is 0.3%), the variance is mean^2 within 10% (standard error about
 * 1%), and the tail P(X > mean) is 1/e within 0.01 (standard error 0.0015)
 * as for an exponential distribution.
 */
static void kmprof_sampler_test_interval_distribution(struct kunit *test)
{
	u64 sum = 0, sum_sq = 0, above = 0, mean, var, draw;
	struct rnd_state rnd;
	unsigned int i;

	prandom_seed_state(&rnd, 42);
	for (i = 0; i < KMPROF_DRAWS; i++) {
		draw = kmprof_sample_interval(&rnd, KMPROF_DRAW_RATE);
		KUNIT_ASSERT_GE(test, draw, 1);
		sum += draw;
		sum_sq += draw * draw;
	}
	mean = div_u64(sum, KMPROF_DRAWS);
	var = div_u64(sum_sq, KMPROF_DRAWS) - mean * mean;
	kunit_info(test, "mean %llu variance %llu (rate %lu)\n", mean, var,
		   KMPROF_DRAW_RATE);
	KUNIT_EXPECT_GE(test, mean, KMPROF_DRAW_RATE * 95 / 100);
	KUNIT_EXPECT_LE(test, mean, KMPROF_DRAW_RATE * 105 / 100);
	KUNIT_EXPECT_GE(test, var, (u64)KMPROF_DRAW_RATE * KMPROF_DRAW_RATE / 10 * 9);
	KUNIT_EXPECT_LE(test, var, (u64)KMPROF_DRAW_RATE * KMPROF_DRAW_RATE / 10 * 11);

	prandom_seed_state(&rnd, 43);
	for (i = 0; i < KMPROF_DRAWS; i++)
		above += kmprof_sample_interval(&rnd, KMPROF_DRAW_RATE) >
			 KMPROF_DRAW_RATE;
	/* e^-1 = 0.3679 */
	KUNIT_EXPECT_GE(test, above, KMPROF_DRAWS * 3579 / 10000);
	KUNIT_EXPECT_LE(test, above, KMPROF_DRAWS * 3779 / 10000);
}

/* Small rates keep their mean: the +1 and the rounding do not dominate. */
static void kmprof_sampler_test_interval_small_rate(struct kunit *test)
{
	struct rnd_state rnd;
	unsigned int i;
	u64 sum = 0;

	prandom_seed_state(&rnd, 7);
	for (i = 0; i < KMPROF_DRAWS; i++)
		sum += kmprof_sample_interval(&rnd, 64);
	KUNIT_EXPECT_GE(test, div_u64(sum, KMPROF_DRAWS / 100), 64 * 95);
	KUNIT_EXPECT_LE(test, div_u64(sum, KMPROF_DRAWS / 100), 64 * 105);
}

/*
 * Through the per-CPU countdown: 64-byte allocations at rate 4096 are
 * sampled once per 4096 bytes on average (about 1560 samples: the
 * standard error is 2.5%, the bound 4 of them).
 */
static void kmprof_sampler_test_decision_rate(struct kunit *test)
{
	struct kmprof_profile *prof = kmprof_test_create(test, 4096, 4, 4);
	unsigned int i, sampled = 0;
	const unsigned int expected = KMPROF_DRAWS * 64 / 4096;

	kmprof_sampler_seed(prof, 1);
	for (i = 0; i < KMPROF_DRAWS; i++)
		sampled += kmprof_sampler_decide(prof, 64);
	kunit_info(test, "%u sampled, %u expected\n", sampled, expected);
	KUNIT_EXPECT_GE(test, sampled, expected * 90 / 100);
	KUNIT_EXPECT_LE(test, sampled, expected * 110 / 100);
}

/* An allocation larger than the rate is nearly always sampled. */
static void kmprof_sampler_test_large_allocations(struct kunit *test)
{
	struct kmprof_profile *prof = kmprof_test_create(test, 512, 4, 4);
	unsigned int i, sampled = 0;

	kmprof_sampler_seed(prof, 3);
	for (i = 0; i < 1000; i++)
		sampled += kmprof_sampler_decide(prof, 512 * 64);
	/* P(interval > 64 * rate) = e^-64 */
	KUNIT_EXPECT_EQ(test, sampled, 1000);
}

/* The seeding hook makes decisions repeatable. */
static void kmprof_sampler_test_seed_repeats(struct kunit *test)
{
	struct kmprof_profile *prof = kmprof_test_create(test, 1024, 4, 4);
	DECLARE_BITMAP(first, 512);
	unsigned int i;

	preempt_disable();	/* the same CPU's generator both times */
	kmprof_sampler_seed(prof, 99);
	for (i = 0; i < 512; i++)
		__assign_bit(i, first, kmprof_sample(prof, 48));
	kmprof_sampler_seed(prof, 99);
	for (i = 0; i < 512; i++)
		if (test_bit(i, first) != kmprof_sample(prof, 48))
			break;
	preempt_enable();
	KUNIT_EXPECT_EQ(test, i, 512);
	KUNIT_EXPECT_GT(test, bitmap_weight(first, 512), 0);
}

/*
 * A size that does not fit a long (a failed kmalloc() of a negative int)
 * counts the countdown down like the largest allocation, never up: it is
 * due at once, and the next allocation of any size is decided as usual.
 */
static void kmprof_sampler_test_huge_size_counts_down(struct kunit *test)
{
	struct kmprof_profile *prof =
		kmprof_test_create(test, KMPROF_RATE_DEFAULT, 4, 4);
	bool due;

	preempt_disable();
	due = kmprof_sample_due(prof, SIZE_MAX);
	if (due)
		kmprof_sample_draw(prof, SIZE_MAX);
	preempt_enable();
	KUNIT_EXPECT_TRUE(test, due);
	KUNIT_EXPECT_TRUE(test, kmprof_sampler_decide(prof, (size_t)1 << 63));
}

/*
 * A decision is not a record: KMPROF_STAT_SAMPLES counts what
 * kmprof_record_alloc() recorded, not the allocations the sampler chose
 * (a failed one returns NULL and is never recorded).
 */
static void kmprof_sampler_test_samples_count_records(struct kunit *test)
{
	struct kmprof_profile *prof = kmprof_test_create(test, 1, 4, 4);

	KUNIT_EXPECT_TRUE(test, kmprof_sampler_decide(prof, 64));
	KUNIT_EXPECT_EQ(test, kmprof_test_stat(prof, KMPROF_STAT_SAMPLES), 0);
	kmprof_test_alloc(prof, 0xffff888000001000UL, 64, 0);
	KUNIT_EXPECT_EQ(test, kmprof_test_stat(prof, KMPROF_STAT_SAMPLES), 1);
}

/* One 16-object bulk call of 64-byte objects, decided one by one. */
static bool kmprof_sampler_bulk_one_by_one(struct kmprof_profile *prof)
{
	unsigned int obj;
	bool any = false;

	for (obj = 0; obj < 16; obj++)
		any |= kmprof_sample(prof, 64);
	return any;
}

/*
 * Counting a bulk allocation down at once decides as sampling its objects
 * one by one does: two profiles with the same seed see the same stream of
 * 16-object calls, one asking kmprof_sample_any_due() first (and deciding
 * one by one only when it says a sample may be due, as the bulk handler
 * does), the other always one by one. Their countdowns stay equal, so
 * every call samples in both or in neither, and kmprof_sample_any_due()
 * says a sample may be due exactly for the calls that sample.
 */
static void kmprof_sampler_test_any_due_matches(struct kunit *test)
{
	struct kmprof_profile *bulk = kmprof_test_create(test, 4096, 4, 4);
	struct kmprof_profile *each = kmprof_test_create(test, 4096, 4, 4);
	unsigned int call, sampled_calls = 0;
	bool due, in_bulk, in_each;

	preempt_disable();	/* the same CPU's countdowns throughout */
	kmprof_sampler_seed(bulk, 5);
	kmprof_sampler_seed(each, 5);
	for (call = 0; call < 200; call++) {
		due = kmprof_sample_any_due(bulk, 16 * 64);
		in_bulk = due && kmprof_sampler_bulk_one_by_one(bulk);
		in_each = kmprof_sampler_bulk_one_by_one(each);
		/* due exactly when a sample is: no stack saved for nothing */
		if (due != in_each || in_bulk != in_each)
			break;
		sampled_calls += in_each;
	}
	preempt_enable();
	KUNIT_EXPECT_EQ(test, call, 200);
	/* 1 KiB per call at a 4 KiB rate: 1 - e^-0.25, 22% of the calls */
	KUNIT_EXPECT_GT(test, sampled_calls, 20);
	KUNIT_EXPECT_LT(test, sampled_calls, 80);
}

static struct kunit_case kmprof_sampler_cases[] = {
	KUNIT_CASE(kmprof_sampler_test_rate_one_samples_all),
	KUNIT_CASE(kmprof_sampler_test_rate_zero_samples_none),
	KUNIT_CASE(kmprof_sampler_test_interval_distribution),
	KUNIT_CASE(kmprof_sampler_test_interval_small_rate),
	KUNIT_CASE(kmprof_sampler_test_decision_rate),
	KUNIT_CASE(kmprof_sampler_test_large_allocations),
	KUNIT_CASE(kmprof_sampler_test_seed_repeats),
	KUNIT_CASE(kmprof_sampler_test_any_due_matches),
	KUNIT_CASE(kmprof_sampler_test_huge_size_counts_down),
	KUNIT_CASE(kmprof_sampler_test_samples_count_records),
	{}
};

static struct kunit_suite kmprof_sampler_suite = {
	.name = "kmprof_sampler",
	.test_cases = kmprof_sampler_cases,
};

kunit_test_suites(&kmprof_sampler_suite);
