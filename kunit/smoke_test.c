// SPDX-License-Identifier: GPL-2.0
/*
 * kmprof - KUnit suite of the module as a whole: it is loaded and shows
 * its debugfs directory. Also the test module's own metadata.
 */

#include <kunit/test.h>
#include <linux/debugfs.h>
#include <linux/module.h>

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
MODULE_DESCRIPTION("KUnit suites of kmprof");
MODULE_IMPORT_NS(EXPORTED_FOR_KUNIT_TESTING);
