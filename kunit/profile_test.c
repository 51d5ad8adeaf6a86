// SPDX-License-Identifier: GPL-2.0
/*
 * kmprof - KUnit suite of a profile as a whole: it is created only from
 * sane parameters, names every counter and reserves its pools.
 */

#include <kunit/test.h>

#include <kmprof.h>

#include "helpers.h"

static const struct kmprof_params kmprof_good_params = {
	.rate = KMPROF_RATE_DEFAULT,
	.max_buckets = 8,
	.max_objects = 8,
	.max_depth = KMPROF_MAX_DEPTH_DEFAULT,
};

static void kmprof_profile_test_params(struct kunit *test)
{
	struct kmprof_params params = kmprof_good_params;

	KUNIT_EXPECT_EQ(test, kmprof_params_validate(&params), 0);
	params.rate = 0;
	KUNIT_EXPECT_EQ(test, kmprof_params_validate(&params), 0);
	params.rate = KMPROF_RATE_MAX + 1;
	KUNIT_EXPECT_EQ(test, kmprof_params_validate(&params), -EINVAL);

	params = kmprof_good_params;
	params.max_buckets = 0;
	KUNIT_EXPECT_EQ(test, kmprof_params_validate(&params), -EINVAL);
	params.max_buckets = KMPROF_MAX_BUCKETS_LIMIT + 1;
	KUNIT_EXPECT_EQ(test, kmprof_params_validate(&params), -EINVAL);

	params = kmprof_good_params;
	params.max_objects = 0;
	KUNIT_EXPECT_EQ(test, kmprof_params_validate(&params), -EINVAL);
	params.max_objects = KMPROF_MAX_OBJECTS_LIMIT + 1;
	KUNIT_EXPECT_EQ(test, kmprof_params_validate(&params), -EINVAL);

	params = kmprof_good_params;
	params.max_depth = 0;
	KUNIT_EXPECT_EQ(test, kmprof_params_validate(&params), -EINVAL);
	params.max_depth = KMPROF_MAX_DEPTH_LIMIT + 1;
	KUNIT_EXPECT_EQ(test, kmprof_params_validate(&params), -EINVAL);
	KUNIT_EXPECT_TRUE(test, IS_ERR(kmprof_profile_create(&params, NULL)));
}

/* Every counter has a name; reserved memory covers the pools. */
static void kmprof_profile_test_stats(struct kunit *test)
{
	struct kmprof_profile *prof = kmprof_test_create(test, 1, 128, 1024);
	unsigned int item;

	for (item = 0; item < KMPROF_STAT_COUNT; item++)
		KUNIT_EXPECT_NOT_NULL(test, kmprof_stat_names[item]);
	/* A bucket holds its stack; an object entry is 32 bytes. */
	KUNIT_EXPECT_GE(test, kmprof_test_stat(prof,
					       KMPROF_STAT_RESERVED_BYTES),
			128 * KMPROF_MAX_DEPTH_DEFAULT * sizeof(long) +
			1024 * 32);
	KUNIT_EXPECT_EQ(test, kmprof_test_stat(prof, KMPROF_STAT_CYCLE), 0);
	kmprof_cycle_advance_wait(prof);
	KUNIT_EXPECT_EQ(test, kmprof_test_stat(prof, KMPROF_STAT_CYCLE), 1);
}

static struct kunit_case kmprof_profile_cases[] = {
	KUNIT_CASE(kmprof_profile_test_params),
	KUNIT_CASE(kmprof_profile_test_stats),
	{}
};

static struct kunit_suite kmprof_profile_suite = {
	.name = "kmprof_profile",
	.test_cases = kmprof_profile_cases,
};

kunit_test_suites(&kmprof_profile_suite);
