// SPDX-License-Identifier: GPL-2.0
/*
 * kmprof - smoke test: the test module loads beside kmprof and KUnit
 * reports through the console.
 */

#include <kunit/test.h>
#include <linux/debugfs.h>

#include <kmprof.h>

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
kunit_test_suites(&kmprof_smoke_suite);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("KUnit smoke test of kmprof");
