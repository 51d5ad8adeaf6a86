// SPDX-License-Identifier: GPL-2.0
/*
 * kmprof - sampling heap profiler for the slab allocator.
 *
 * Module entry and exit: brings the profiler's parts up in dependency order
 * and takes them down in reverse.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>

#include "kmprof_internal.h"

static int __init kmprof_init(void)
{
	int ret;

	ret = kmprof_debugfs_init();
	if (ret)
		return ret;
	pr_info("loaded\n");
	return 0;
}

static void __exit kmprof_exit(void)
{
	/* No file handler can run after this returns: it waits for them. */
	kmprof_debugfs_exit();
	pr_info("unloaded\n");
}

module_init(kmprof_init);
module_exit(kmprof_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("Sampling heap profiler for the slab allocator");
