// SPDX-License-Identifier: GPL-2.0
/*
 * kmprof - KUnit suite of the report at OOM: the fixed-point estimate it
 * prints, and the ranking of the sites in use.
 */

#include <kunit/test.h>

#include "helpers.h"
#include "../kmod/oom.h"

/* A sampled count, and what it stands for: value / (1 - e^-(size/rate)). */
struct kmprof_unbias_case {
	u64 value;
	size_t size;
	unsigned long rate;
	u64 estimate;	/* computed in double precision, rounded */
};

static const struct kmprof_unbias_case kmprof_unbias_cases[] = {
	{ 409600, 4096, 524288, 52633867 },	/* size well under the rate */
	{ 64000, 64, 524288, 524320001 },
	{ 12288, 4096, 4096, 19439 },		/* size = rate */
	{ 10485760, 2097152, 524288, 10681397 },	/* x = 4 */
	{ 1048576, 1048576, 524288, 1212697 },	/* x = 2 */
	{ 3000, 1000, 63000, 190504 },
	{ 8, 8, 1073741824, 1073741828 },	/* the smallest x */
	{ 107374182400ULL, 1073741824, 1, 107374182400ULL },	/* rate 1 */
	{ 4096, 4096, 0, 4096 },		/* rate 0: nothing to scale */
	{ 4096, 4096 * 100, 4096, 4096 },	/* e^-100: always sampled */
};

/* The estimate is the tool's, within a millionth. */
static void kmprof_oom_test_unbias(struct kunit *test)
{
	const struct kmprof_unbias_case *c;
	unsigned int i;
	u64 got;

	for (i = 0; i < ARRAY_SIZE(kmprof_unbias_cases); i++) {
		c = &kmprof_unbias_cases[i];
		got = kmprof_unbias(c->value, c->size, c->rate);
		KUNIT_EXPECT_LE_MSG(test, abs_diff(got, c->estimate),
				    c->estimate / 1000000 + 1,
				    "value %llu size %zu rate %lu: got %llu",
				    c->value, c->size, c->rate, got);
	}
}

/*
 * The ranking closes the open cycle, so that allocations up to the report
 * are in it, and keeps the sites with the most bytes in use, descending;
 * a site whose objects were all freed is not one.
 */
static void kmprof_oom_test_rank(struct kunit *test)
{
	struct kmprof_profile *prof = kmprof_test_create(test, 1, 16, 16);
	unsigned long stack[KMPROF_TEST_DEPTH];
	struct kmprof_oom_site sites[8];
	struct kmprof_cycle_info info;
	unsigned int nr;

	kmprof_test_alloc(prof, OBJ(1), 64, 1);
	kmprof_test_alloc(prof, OBJ(2), 64, 1);
	kmprof_test_alloc(prof, OBJ(3), 64, 1);
	kmprof_test_alloc(prof, OBJ(4), 4096, 2);
	kmprof_test_alloc(prof, OBJ(5), 1024, 3);
	kmprof_test_alloc(prof, OBJ(6), 1024, 3);
	kmprof_test_alloc(prof, OBJ(7), 8192, 4);
	kmprof_record_free(prof, OBJ(7));

	nr = kmprof_oom_rank(prof, sites, ARRAY_SIZE(sites), &info);
	KUNIT_EXPECT_EQ(test, info.cycle, 1);
	KUNIT_ASSERT_EQ(test, nr, 3);
	KUNIT_EXPECT_EQ(test, sites[0].bytes, 4096);
	KUNIT_EXPECT_EQ(test, sites[0].objects, 1);
	KUNIT_EXPECT_EQ(test, sites[1].bytes, 2048);
	KUNIT_EXPECT_EQ(test, sites[1].objects, 2);
	KUNIT_EXPECT_EQ(test, sites[1].size_class, 1024);
	KUNIT_EXPECT_EQ(test, sites[2].bytes, 192);
	KUNIT_EXPECT_EQ(test, sites[2].allocator, KMPROF_SLAB);
	kmprof_test_stack(3, stack);
	KUNIT_ASSERT_EQ(test, sites[1].depth, KMPROF_TEST_DEPTH);
	KUNIT_EXPECT_EQ(test, sites[1].stack[0], stack[0]);

	/* Room for two: the two largest, whatever order they came in. */
	kmprof_test_alloc(prof, OBJ(8), 3072, 5);
	nr = kmprof_oom_rank(prof, sites, 2, &info);
	KUNIT_EXPECT_EQ(test, info.cycle, 2);
	KUNIT_ASSERT_EQ(test, nr, 2);
	KUNIT_EXPECT_EQ(test, sites[0].bytes, 4096);
	KUNIT_EXPECT_EQ(test, sites[1].bytes, 3072);
	kmprof_test_stack(5, stack);
	KUNIT_EXPECT_EQ(test, sites[1].stack[0], stack[0]);
}

/* At a sampling rate, the ranking is by estimated bytes. */
static void kmprof_oom_test_rank_estimates(struct kunit *test)
{
	struct kmprof_profile *prof = kmprof_test_create(test, 4096, 16, 16);
	struct kmprof_oom_site sites[4];
	struct kmprof_cycle_info info;
	unsigned long stack[KMPROF_TEST_DEPTH];

	/* Recorded directly: the sampler is not what is tested here. */
	kmprof_test_stack(1, stack);
	kmprof_record_alloc(prof, OBJ(1), 64, 64, KMPROF_SLAB, stack,
			    KMPROF_TEST_DEPTH);
	kmprof_test_stack(2, stack);
	kmprof_record_alloc(prof, OBJ(2), 8192, 8192, KMPROF_SLAB, stack,
			    KMPROF_TEST_DEPTH);
	KUNIT_ASSERT_EQ(test, kmprof_oom_rank(prof, sites, 4, &info), 2);
	/* 64 / (1 - e^-(1/64)) = 4128.3; 8192 / (1 - e^-2) = 9474.1 */
	KUNIT_EXPECT_EQ(test, sites[0].bytes, 9474);
	KUNIT_EXPECT_EQ(test, sites[1].bytes, 4128);
	KUNIT_EXPECT_EQ(test, sites[1].objects, 64);
}

static struct kunit_case kmprof_oom_cases[] = {
	KUNIT_CASE(kmprof_oom_test_unbias),
	KUNIT_CASE(kmprof_oom_test_rank),
	KUNIT_CASE(kmprof_oom_test_rank_estimates),
	{}
};

static struct kunit_suite kmprof_oom_suite = {
	.name = "kmprof_oom",
	.test_cases = kmprof_oom_cases,
};

kunit_test_suites(&kmprof_oom_suite);
