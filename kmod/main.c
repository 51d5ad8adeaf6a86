// SPDX-License-Identifier: GPL-2.0
/*
 * kmprof - sampling heap profiler for the kernel's allocators.
 *
 * Module entry and exit: brings the profiler's parts up in dependency order
 * and takes them down in reverse.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/err.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/string.h>

#include "backend.h"
#include "control.h"
#include "debugfs.h"
#include "oom.h"
#include "profile.h"

static unsigned long rate = KMPROF_RATE_DEFAULT;
module_param(rate, ulong, 0444);
MODULE_PARM_DESC(rate, "Mean bytes allocated between two samples (1 = every allocation, 0 = off)");

static unsigned int max_buckets = KMPROF_MAX_BUCKETS_DEFAULT;
module_param(max_buckets, uint, 0444);
MODULE_PARM_DESC(max_buckets, "Distinct (stack, size class, allocator, labels) buckets reserved");

static unsigned int max_objects = KMPROF_MAX_OBJECTS_DEFAULT;
module_param(max_objects, uint, 0444);
MODULE_PARM_DESC(max_objects, "Sampled objects tracked until their free");

static unsigned int max_depth = KMPROF_MAX_DEPTH_DEFAULT;
module_param(max_depth, uint, 0444);
MODULE_PARM_DESC(max_depth, "Deepest stack kept, in frames");

static unsigned int autocycle_ms;
module_param(autocycle_ms, uint, 0444);
MODULE_PARM_DESC(autocycle_ms, "Advance the cycle every this many ms (0 = only on request)");

static char *backend = KMPROF_BACKEND_DEFAULT;
module_param(backend, charp, 0444);
MODULE_PARM_DESC(backend, "What feeds the profile: kprobe or tracepoint (the kernel's kmem tracepoints)");

static bool hits;
module_param(hits, bool, 0444);
MODULE_PARM_DESC(hits, "Count the calls of each entry point (the probes file's hits, the stats file's events)");

static char *sources = KMPROF_SOURCES_DEFAULT;
module_param(sources, charp, 0444);
MODULE_PARM_DESC(sources, "Allocators to record: slab, page, user (movable pages), vmalloc, percpu, separated by commas");

static char *labels = KMPROF_LABELS_DEFAULT;
module_param(labels, charp, 0444);
MODULE_PARM_DESC(labels, "What a sample keeps of who allocated: context, comm, pid, cgroup, separated by commas (empty: none)");

static unsigned int oom_report = KMPROF_OOM_REPORT_DEFAULT;
module_param(oom_report, uint, 0444);
MODULE_PARM_DESC(oom_report, "Sites the report at OOM names in the kernel log and the oom file (0 = no report)");

/* A measurement aid for the benchmarks, not a way to run kmprof. */
static bool floor;
module_param(floor, bool, 0444);
MODULE_PARM_DESC(floor, "Arm the probes with handlers that return at once (benchmarks only)");

/**
 * kmprof_param_names() - the set of names a list parameter gives.
 * @param: the parameter's name, for the log.
 * @list: names separated by commas, each named once; "" is none.
 * @names: the names known, in their order.
 * @nr: how many there are.
 * @set: set to BIT(index in @names) for each name of @list.
 *
 * Logs what is wrong with a bad list, and what the names are.
 *
 * Context: process context.
 * Return: 0, or -EINVAL for an unknown or repeated name.
 */
static int __init kmprof_param_names(const char *param, const char *list,
				     const char *const *names, unsigned int nr,
				     unsigned int *set)
{
	const char *word = list, *end;
	unsigned int mask = 0, i;

	while (*word) {
		end = strchrnul(word, ',');
		for (i = 0; i < nr; i++) {
			if (strlen(names[i]) == end - word &&
			    !strncmp(word, names[i], end - word))
				break;
		}
		if (i == nr || (mask & BIT(i))) {
			pr_err("%s=%s: '%.*s' is %s; the names are:\n", param,
			       list, (int)(end - word), word,
			       i == nr ? "not one" : "named twice");
			for (i = 0; i < nr; i++)
				pr_err("%s=...: %s\n", param, names[i]);
			return -EINVAL;
		}
		mask |= BIT(i);
		word = *end ? end + 1 : end;
	}
	*set = mask;
	return 0;
}

static int __init kmprof_init(void)
{
	const struct kmprof_backend *feed = kmprof_backend_find(backend);
	struct kmprof_params params = {
		.rate = rate,
		.max_buckets = max_buckets,
		.max_objects = max_objects,
		.max_depth = max_depth,
	};
	unsigned int source_mask;
	int ret;

	/* Each logs the offending parameter: a bad value refuses the load. */
	ret = kmprof_param_names("labels", labels, kmprof_label_names,
				 KMPROF_LABELS, &params.labels);
	if (ret)
		return ret;
	ret = kmprof_params_validate(&params);
	if (ret)
		return ret;
	if (autocycle_ms && (autocycle_ms < KMPROF_AUTOCYCLE_MS_MIN ||
			     autocycle_ms > KMPROF_AUTOCYCLE_MS_MAX)) {
		pr_err("autocycle_ms=%u: must be 0 or %u to %u\n", autocycle_ms,
		       KMPROF_AUTOCYCLE_MS_MIN, KMPROF_AUTOCYCLE_MS_MAX);
		return -EINVAL;
	}

	if (!feed) {
		pr_err("backend=%s: must be kprobe or tracepoint\n", backend);
		return -EINVAL;
	}
	ret = kmprof_param_names("sources", sources, kmprof_allocator_names,
				 KMPROF_ALLOCATORS, &source_mask);
	if (ret)
		return ret;
	if (!source_mask) {
		pr_err("sources=: name at least one allocator\n");
		return -EINVAL;
	}

	ret = kmprof_control_init(&params, autocycle_ms, feed, floor,
				  source_mask);
	if (ret)
		return ret;
	/*
	 * Before the backend is armed: kmprof's own allocations are not
	 * sampled, and no record keeps a frame of this __init function,
	 * whose text is freed after the load.
	 */
	ret = kmprof_oom_init(oom_report);
	if (ret)
		goto err_control;
	if (hits)
		static_branch_enable(&kmprof_hits_counted);
	/* Arms the backend: its handlers record from here on. */
	ret = kmprof_control_start();
	if (ret)
		goto err_oom;
	ret = kmprof_debugfs_init();
	if (ret)
		goto err_stop;
	if (floor)
		pr_info("loaded with floor=1: the %s backend records nothing\n",
			feed->name);
	else
		pr_info("loaded, backend %s, rate %lu, sources %s, labels %s\n",
			feed->name, rate, sources, *labels ? labels : "none");
	return 0;

err_stop:
	kmprof_control_stop();
err_oom:
	kmprof_oom_exit();
err_control:
	kmprof_control_exit();
	return ret;
}

static void __exit kmprof_exit(void)
{
	/*
	 * Once: no handler or timer records any more, none will again (the
	 * backend is disarmed, which waits for handlers in flight).
	 */
	kmprof_control_stop();
	/* No report at OOM starts after this; one under way has ended. */
	kmprof_oom_exit();
	/* No file operation runs after this, none can start. */
	kmprof_debugfs_exit();
	/* Cancels the flush work, the last user, then frees the pools. */
	kmprof_control_exit();
	pr_info("unloaded\n");
}

module_init(kmprof_init);
module_exit(kmprof_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("Sampling heap profiler for the kernel's allocators");
