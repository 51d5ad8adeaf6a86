// SPDX-License-Identifier: GPL-2.0
/*
 * kmprof - KUnit suites of the module as a whole: it is loaded and shows
 * its debugfs directory, and a profile is created only from sane
 * parameters. Also the test module's own metadata.
 */

#include <kunit/test.h>
#include <linux/debugfs.h>
#include <linux/module.h>

#include <kmprof.h>

#include "helpers.h"

/* kmprof.ko is loaded first and owns the debugfs directory. */
static void kmprof_smoke_test_debugfs_dir(struct kunit *test)
{
	struct dentry *dir = debugfs_lookup(KMPROF_NAME, NULL);

	KUNIT_EXPECT_NOT_ERR_OR_NULL(test, dir);
	dput(dir);
}

static struct kunit_case kmprof_smoke_cases[] = {
	KUNIT_CASE(kmprof_smoke_test_debugfs_dir),
	{}
};

static struct kunit_suite kmprof_smoke_suite = {
	.name = "kmprof_smoke",
	.test_cases = kmprof_smoke_cases,
};

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

kunit_test_suites(&kmprof_smoke_suite, &kmprof_profile_suite);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("KUnit suites of kmprof");
MODULE_IMPORT_NS(EXPORTED_FOR_KUNIT_TESTING);
