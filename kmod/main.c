// SPDX-License-Identifier: GPL-2.0
/*
 * kmprof - sampling heap profiler for the slab allocator.
 *
 * Module entry and exit: brings the profiler's parts up in dependency order
 * and takes them down in reverse.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/err.h>
#include <linux/module.h>
#include <linux/moduleparam.h>

#include "kmprof_internal.h"

static unsigned long rate = KMPROF_RATE_DEFAULT;
module_param(rate, ulong, 0444);
MODULE_PARM_DESC(rate, "Mean bytes allocated between two samples (1 = every allocation, 0 = off)");

static unsigned int max_buckets = KMPROF_MAX_BUCKETS_DEFAULT;
module_param(max_buckets, uint, 0444);
MODULE_PARM_DESC(max_buckets, "Distinct (stack, size class) buckets reserved");

static unsigned int max_objects = KMPROF_MAX_OBJECTS_DEFAULT;
module_param(max_objects, uint, 0444);
MODULE_PARM_DESC(max_objects, "Sampled objects tracked until their free");

static unsigned int max_depth = KMPROF_MAX_DEPTH_DEFAULT;
module_param(max_depth, uint, 0444);
MODULE_PARM_DESC(max_depth, "Deepest stack kept, in frames");

/* The module's profile: created at load, destroyed at unload. */
static struct kmprof_profile *kmprof_profile;

static int __init kmprof_init(void)
{
	const struct kmprof_params params = {
		.rate = rate,
		.max_buckets = max_buckets,
		.max_objects = max_objects,
		.max_depth = max_depth,
	};
	int ret;

	/* Logs the offending parameter: a bad value refuses the load. */
	ret = kmprof_params_validate(&params);
	if (ret)
		return ret;
	kmprof_profile = kmprof_profile_create(&params);
	if (IS_ERR(kmprof_profile)) {
		ret = PTR_ERR(kmprof_profile);
		pr_err("cannot reserve the profile's memory: %d\n", ret);
		return ret;
	}
	ret = kmprof_debugfs_init(kmprof_profile);
	if (ret) {
		kmprof_profile_destroy(kmprof_profile);
		return ret;
	}
	pr_info("loaded\n");
	return 0;
}

static void __exit kmprof_exit(void)
{
	/* No file handler can run after this returns: it waits for them. */
	kmprof_debugfs_exit();
	/* Nothing reaches the profile any more: free it. */
	kmprof_profile_destroy(kmprof_profile);
	pr_info("unloaded\n");
}

module_init(kmprof_init);
module_exit(kmprof_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("Sampling heap profiler for the slab allocator");
