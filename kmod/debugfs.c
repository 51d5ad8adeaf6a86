// SPDX-License-Identifier: GPL-2.0
/*
 * kmprof - the debugfs interface, /sys/kernel/debug/kmprof/.
 *
 * Every file is root only (0400 or 0600): the profile holds raw kernel
 * addresses.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/debugfs.h>
#include <linux/seq_file.h>

#include "kmprof_internal.h"

static struct dentry *kmprof_debugfs_dir;

/* "stats": a versioned header, then the counters as "name value" lines. */
static int kmprof_stats_show(struct seq_file *m, void *unused)
{
	seq_printf(m, "kmprof stats v%d\n", KMPROF_STATS_VERSION);
	kmprof_stats_print(m->private, m);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(kmprof_stats);

/**
 * kmprof_debugfs_init() - create /sys/kernel/debug/kmprof and its files.
 * @prof: the profile the files show; it outlives them.
 *
 * Context: process context, module init.
 * Return: 0, or -ENODEV when debugfs is unavailable.
 */
int kmprof_debugfs_init(struct kmprof_profile *prof)
{
	struct dentry *dir;

	dir = debugfs_create_dir(KMPROF_NAME, NULL);
	if (IS_ERR(dir)) {
		pr_err("cannot create the debugfs directory: %ld\n",
		       PTR_ERR(dir));
		return -ENODEV;
	}
	debugfs_create_file("stats", 0400, dir, prof, &kmprof_stats_fops);
	kmprof_debugfs_dir = dir;
	return 0;
}

/**
 * kmprof_debugfs_exit() - remove the debugfs files.
 *
 * Context: process context. On return no file operation is running and
 * none can start.
 */
void kmprof_debugfs_exit(void)
{
	debugfs_remove_recursive(kmprof_debugfs_dir);
	kmprof_debugfs_dir = NULL;
}
