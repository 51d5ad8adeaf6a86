// SPDX-License-Identifier: GPL-2.0
/*
 * kmprof - hooks of the test build (testing.h): built only with
 * KMPROF_TEST=1, for the KUnit suites and the VM selftests.
 *
 * The selftests reach them through /sys/kernel/debug/kmprof/test/:
 *
 *   skip_samples  write N: the next N sampling decisions say no, on any
 *                 CPU (allocations then take the unsampled path at any
 *                 rate); read: how many are left.
 *   corrupt       write ring, active or objmap: break one invariant of the
 *                 live profile, as a bug would, for the fail-safe to find
 *                 (see kmprof_test_corrupt()).
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/atomic.h>
#include <linux/debugfs.h>
#include <linux/fs.h>
#include <linux/string.h>

#include "control.h"
#include "core.h"
#include "debugfs.h"

/* Sampling decisions left to refuse; any context reads and decrements. */
static atomic_long_t kmprof_test_skips = ATOMIC_LONG_INIT(0);

/**
 * kmprof_test_point() - call the test's hook of @prof, if it set one.
 * @prof: the profile.
 * @point: where the core is.
 *
 * Context: that of the test point.
 */
void kmprof_test_point(struct kmprof_profile *prof,
		       enum kmprof_test_point point)
{
	if (prof->test.fn)
		prof->test.fn(prof, point, prof->test.arg);
}

/**
 * kmprof_test_set_hook() - have @fn called at every test point of @prof.
 * @prof: a profile of the test's own, not yet read.
 * @fn: the hook, or NULL to remove it.
 * @arg: passed to @fn.
 *
 * Context: process context, while nothing else uses @prof.
 */
void kmprof_test_set_hook(struct kmprof_profile *prof,
			  void (*fn)(struct kmprof_profile *prof,
				     enum kmprof_test_point point, void *arg),
			  void *arg)
{
	prof->test.fn = fn;
	prof->test.arg = arg;
}
EXPORT_SYMBOL_IF_KUNIT(kmprof_test_set_hook);

/**
 * kmprof_test_skip_sample() - is this sampling decision to say no?
 *
 * Context: any context but NMI.
 * Return: true while skip_samples is above zero, which it lowers by one.
 */
bool kmprof_test_skip_sample(void)
{
	return atomic_long_add_unless(&kmprof_test_skips, -1, 0);
}

/* Break invariant (a) of cycle.c: three closed cycles pending. */
static void kmprof_test_corrupt_ring(struct kmprof_profile *prof)
{
	unsigned long flags;

	raw_spin_lock_irqsave(&prof->cycles.lock, flags);
	prof->cycles.pending = KMPROF_CYCLE_SLOTS;
	raw_spin_unlock_irqrestore(&prof->cycles.lock, flags);
}

/* A free with no allocation in the open slot of the first bucket. */
static int kmprof_test_corrupt_active(struct kmprof_profile *prof)
{
	struct kmprof_bucket *bucket;
	unsigned long flags;

	if (!kmprof_buckets_count(&prof->buckets))
		return -ENOENT;
	bucket = kmprof_bucket_at(&prof->buckets, 0);
	raw_spin_lock_irqsave(&prof->cycles.lock, flags);
	bucket->future[(prof->cycles.cycle + 1) % KMPROF_CYCLE_SLOTS].frees +=
		bucket->active.allocs + 1;
	raw_spin_unlock_irqrestore(&prof->cycles.lock, flags);
	return 0;
}

/* Every empty chain of the object map points out of its pool. */
static void kmprof_test_corrupt_objmap(struct kmprof_profile *prof)
{
	struct kmprof_objmap *map = &prof->objects;
	unsigned long flags;
	u32 i;

	raw_spin_lock_irqsave(&map->lock, flags);
	for (i = 0; i < 1U << map->chain_bits; i++) {
		if (map->chains[i] == KMPROF_OBJECT_NONE)
			map->chains[i] = map->capacity;
	}
	raw_spin_unlock_irqrestore(&map->lock, flags);
}

/**
 * kmprof_test_corrupt() - break one invariant of @prof, as a bug would.
 * @prof: the profile.
 * @what: "ring" (more than two cycles pending: the next advance or flush
 *	finds it), "active" (a free without its allocation: the next flush
 *	of the open slot finds it) or "objmap" (chains leading out of the
 *	pool: the next sampled allocation finds it).
 *
 * Context: process context.
 * Return: 0, -ENOENT for "active" with no bucket yet, -EINVAL for an
 * unknown @what.
 */
int kmprof_test_corrupt(struct kmprof_profile *prof, const char *what)
{
	if (!strcmp(what, "ring"))
		kmprof_test_corrupt_ring(prof);
	else if (!strcmp(what, "active"))
		return kmprof_test_corrupt_active(prof);
	else if (!strcmp(what, "objmap"))
		kmprof_test_corrupt_objmap(prof);
	else
		return -EINVAL;
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(kmprof_test_corrupt);

static ssize_t kmprof_test_skip_write(struct file *file,
				      const char __user *ubuf, size_t count,
				      loff_t *ppos)
{
	char buf[KMPROF_WRITE_MAX], *token;
	long skips;
	int ret;

	ret = kmprof_write_token(ubuf, count, buf, &token);
	if (ret)
		return ret;
	if (kstrtol(token, 10, &skips) || skips < 0)
		return -EINVAL;
	atomic_long_set(&kmprof_test_skips, skips);
	return count;
}

static ssize_t kmprof_test_skip_read(struct file *file, char __user *ubuf,
				     size_t count, loff_t *ppos)
{
	char buf[KMPROF_WRITE_MAX];
	int len;

	len = scnprintf(buf, sizeof(buf), "%ld\n",
			atomic_long_read(&kmprof_test_skips));
	return simple_read_from_buffer(ubuf, count, ppos, buf, len);
}

static const struct file_operations kmprof_test_skip_fops = {
	.owner = THIS_MODULE,
	.read = kmprof_test_skip_read,
	.write = kmprof_test_skip_write,
	.llseek = default_llseek,
};

static ssize_t kmprof_test_corrupt_write(struct file *file,
					 const char __user *ubuf, size_t count,
					 loff_t *ppos)
{
	char buf[KMPROF_WRITE_MAX], *token;
	int ret;

	ret = kmprof_write_token(ubuf, count, buf, &token);
	if (ret)
		return ret;
	ret = kmprof_test_corrupt(kmprof_control_lock(), token);
	kmprof_control_unlock();
	return ret ? ret : count;
}

static const struct file_operations kmprof_test_corrupt_fops = {
	.owner = THIS_MODULE,
	.write = kmprof_test_corrupt_write,
	.llseek = noop_llseek,
};

/**
 * kmprof_testing_debugfs_init() - create the test/ directory of debugfs.
 * @dir: kmprof's debugfs directory.
 *
 * Context: process context, module init; removed with @dir.
 */
void kmprof_testing_debugfs_init(struct dentry *dir)
{
	struct dentry *test = debugfs_create_dir("test", dir);

	debugfs_create_file("skip_samples", 0600, test, NULL,
			    &kmprof_test_skip_fops);
	debugfs_create_file("corrupt", 0200, test, NULL,
			    &kmprof_test_corrupt_fops);
}
