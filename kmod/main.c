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

static unsigned int autocycle_ms;
module_param(autocycle_ms, uint, 0444);
MODULE_PARM_DESC(autocycle_ms, "Advance the cycle every this many ms (0 = only on request)");

/* A measurement aid for the benchmarks, not a way to run kmprof. */
static bool floor;
module_param(floor, bool, 0444);
MODULE_PARM_DESC(floor, "Arm the probes with handlers that return at once (benchmarks only)");

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
	if (autocycle_ms && (autocycle_ms < KMPROF_AUTOCYCLE_MS_MIN ||
			     autocycle_ms > KMPROF_AUTOCYCLE_MS_MAX)) {
		pr_err("autocycle_ms=%u: must be 0 or %u to %u\n", autocycle_ms,
		       KMPROF_AUTOCYCLE_MS_MIN, KMPROF_AUTOCYCLE_MS_MAX);
		return -EINVAL;
	}

	ret = kmprof_control_init(&params, autocycle_ms);
	if (ret)
		return ret;
	/* Handlers run from here on, and do nothing until the start below. */
	ret = kmprof_probes_arm(max_depth, floor);
	if (ret)
		goto err_control;
	ret = kmprof_debugfs_init();
	if (ret)
		goto err_probes;
	kmprof_control_start();
	if (floor)
		pr_info("loaded with floor=1: the probes record nothing\n");
	else
		pr_info("loaded, rate %lu\n", rate);
	return 0;

err_probes:
	kmprof_probes_disarm();
err_control:
	kmprof_control_exit();
	return ret;
}

static void __exit kmprof_exit(void)
{
	/* Once: no handler or timer records any more, none will again. */
	kmprof_control_stop();
	/* No file operation runs after this, none can start. */
	kmprof_debugfs_exit();
	/* Waits for handlers in flight; no handler is called after it. */
	kmprof_probes_disarm();
	/* Cancels the flush work, the last user, then frees the pools. */
	kmprof_control_exit();
	pr_info("unloaded\n");
}

module_init(kmprof_init);
module_exit(kmprof_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("Sampling heap profiler for the slab allocator");
