// SPDX-License-Identifier: GPL-2.0
/*
 * kmprof_bench - time allocator operations, for `make bench`.
 *
 * Reading debugfs/kmprof_bench/results runs every case on every online CPU
 * (a work item bound to it) and prints one line per case:
 *
 *	<case> <ns per op on CPU 0> <on CPU 1> ...
 *
 * Each case runs @iters operations once to warm the caches up, then
 * @rounds times more, timed with ktime; a CPU's figure is the median of its
 * rounds. The cases
 * are kmalloc(N)/kfree pairs with N a constant (as most callers have it),
 * a private cache's alloc/free pair, a bulk alloc/free of BENCH_BULK
 * objects (per object), page allocator pairs of order 0 and 3, a
 * vmalloc(64 KiB)/vfree pair and an alloc_percpu/free_percpu pair. The
 * slower ones run fewer operations per round (their divisor). Loading
 * kmprof between two reads is what the numbers compare; this module knows
 * nothing of it.
 *
 * Writing N, a power of two up to 2^BENCH_TREE_MAX_LEVELS, to
 * debugfs/kmprof_bench/buckets makes N kmalloc()/kfree() pairs from N
 * distinct stacks: the leaves of a binary tree of calls. At rate 1 each
 * pair fills its own kmprof bucket, so that the cost of a flush can be
 * measured against the number of buckets.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/cpu.h>
#include <linux/debugfs.h>
#include <linux/kernel.h>
#include <linux/ktime.h>
#include <linux/log2.h>
#include <linux/gfp.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/percpu.h>
#include <linux/sizes.h>
#include <linux/slab.h>
#include <linux/sort.h>
#include <linux/uaccess.h>
#include <linux/vmalloc.h>
#include <linux/workqueue.h>

#define BENCH_MAX_ROUNDS	31
#define BENCH_BULK		16
#define BENCH_TREE_MAX_LEVELS	20
#define BENCH_TREE_SIZE		32

static unsigned int iters = 10000;
module_param(iters, uint, 0444);
MODULE_PARM_DESC(iters, "Operations per round (1 to 1000000)");

static unsigned int rounds = 7;
module_param(rounds, uint, 0444);
MODULE_PARM_DESC(rounds, "Timed rounds per case and CPU (1 to 31)");

static struct kmem_cache *bench_cache;
static struct dentry *bench_dir;
/* Serializes runs: one reader at a time uses the CPUs. */
static DEFINE_MUTEX(bench_mutex);

/* Keeps the compiler from dropping an allocation nobody uses. */
static void *bench_sink;

#define BENCH_KMALLOC(n)						\
static int bench_kmalloc_##n(unsigned int count)			\
{									\
	unsigned int i;							\
	void *p;							\
									\
	for (i = 0; i < count; i++) {					\
		p = kmalloc(n, GFP_KERNEL);				\
		if (!p)							\
			return -ENOMEM;					\
		WRITE_ONCE(bench_sink, p);				\
		kfree(p);						\
	}								\
	return 0;							\
}

BENCH_KMALLOC(16)
BENCH_KMALLOC(64)
BENCH_KMALLOC(256)
BENCH_KMALLOC(1024)
BENCH_KMALLOC(4096)

static int bench_cache_pair(unsigned int count)
{
	unsigned int i;
	void *p;

	for (i = 0; i < count; i++) {
		p = kmem_cache_alloc(bench_cache, GFP_KERNEL);
		if (!p)
			return -ENOMEM;
		WRITE_ONCE(bench_sink, p);
		kmem_cache_free(bench_cache, p);
	}
	return 0;
}

static int bench_bulk(unsigned int count)
{
	void *objs[BENCH_BULK];
	unsigned int i;

	for (i = 0; i < count; i += BENCH_BULK) {
		if (!kmem_cache_alloc_bulk(bench_cache, GFP_KERNEL,
					   BENCH_BULK, objs))
			return -ENOMEM;
		WRITE_ONCE(bench_sink, objs[0]);
		kmem_cache_free_bulk(bench_cache, BENCH_BULK, objs);
	}
	return 0;
}

static int bench_pages(unsigned int count, unsigned int order)
{
	struct page *page;
	unsigned int i;

	for (i = 0; i < count; i++) {
		page = alloc_pages(GFP_KERNEL, order);
		if (!page)
			return -ENOMEM;
		WRITE_ONCE(bench_sink, page);
		__free_pages(page, order);
	}
	return 0;
}

static int bench_pages_0(unsigned int count)
{
	return bench_pages(count, 0);
}

static int bench_pages_3(unsigned int count)
{
	return bench_pages(count, 3);
}

static int bench_vmalloc(unsigned int count)
{
	unsigned int i;
	void *p;

	for (i = 0; i < count; i++) {
		p = vmalloc(SZ_64K);
		if (!p)
			return -ENOMEM;
		WRITE_ONCE(bench_sink, p);
		vfree(p);
	}
	return 0;
}

static int bench_percpu(unsigned int count)
{
	void __percpu *p;
	unsigned int i;

	for (i = 0; i < count; i++) {
		p = __alloc_percpu(64, 8);
		if (!p)
			return -ENOMEM;
		WRITE_ONCE(bench_sink, (__force void *)p);
		free_percpu(p);
	}
	return 0;
}

/*
 * One level of the tree of calls: each call reaches the leaves below it
 * through two call sites of its own, so every leaf has a stack of return
 * addresses no other leaf has. Hiding each result from the optimizer keeps
 * both calls out of tail position: a tail call (or a loop made of one)
 * would drop this frame from the leaves' stacks and merge them.
 */
static noinline int bench_tree(unsigned int levels)
{
	void *p;
	int ret;

	if (!levels) {
		p = kmalloc(BENCH_TREE_SIZE, GFP_KERNEL);
		if (!p)
			return -ENOMEM;
		WRITE_ONCE(bench_sink, p);
		kfree(p);
		cond_resched();
		return 0;
	}
	ret = bench_tree(levels - 1);
	OPTIMIZER_HIDE_VAR(ret);
	if (ret)
		return ret;
	ret = bench_tree(levels - 1);
	OPTIMIZER_HIDE_VAR(ret);
	return ret;
}

static ssize_t bench_buckets_write(struct file *file, const char __user *ubuf,
				   size_t count, loff_t *ppos)
{
	unsigned int n;
	int ret;

	ret = kstrtouint_from_user(ubuf, count, 0, &n);
	if (ret)
		return ret;
	if (!is_power_of_2(n) || n > (1U << BENCH_TREE_MAX_LEVELS))
		return -EINVAL;
	mutex_lock(&bench_mutex);
	ret = bench_tree(ilog2(n));
	mutex_unlock(&bench_mutex);
	return ret ? ret : count;
}

static const struct file_operations bench_buckets_fops = {
	.owner = THIS_MODULE,
	.write = bench_buckets_write,
	.llseek = noop_llseek,
};

/* @divisor: the case runs iters / @divisor operations per round. */
struct bench_case {
	const char *name;
	int (*run)(unsigned int count);
	unsigned int divisor;
};

static const struct bench_case bench_cases[] = {
	{ "kmalloc-16", bench_kmalloc_16, 1 },
	{ "kmalloc-64", bench_kmalloc_64, 1 },
	{ "kmalloc-256", bench_kmalloc_256, 1 },
	{ "kmalloc-1024", bench_kmalloc_1024, 1 },
	{ "kmalloc-4096", bench_kmalloc_4096, 1 },
	{ "cache-64", bench_cache_pair, 1 },
	{ "bulk-64", bench_bulk, 1 },
	{ "page-0", bench_pages_0, 1 },
	{ "page-3", bench_pages_3, 4 },
	{ "vmalloc-64k", bench_vmalloc, 16 },
	{ "percpu-64", bench_percpu, 4 },
};

/* One case on one CPU: its median over the rounds, in ns/op x 10. */
struct bench_run {
	const struct bench_case *bcase;
	u64 result;
	int err;
};

static int bench_cmp_u64(const void *a, const void *b)
{
	u64 x = *(const u64 *)a, y = *(const u64 *)b;

	return x < y ? -1 : x > y;
}

static long bench_on_cpu(void *arg)
{
	struct bench_run *run = arg;
	unsigned int count = max(iters / run->bcase->divisor, 1U);
	u64 times[BENCH_MAX_ROUNDS];
	unsigned int r;
	u64 start;

	run->err = run->bcase->run(count);
	for (r = 0; r < rounds && !run->err; r++) {
		start = ktime_get_ns();
		run->err = run->bcase->run(count);
		times[r] = div_u64((ktime_get_ns() - start) * 10, count);
		cond_resched();
	}
	if (run->err)
		return run->err;
	sort(times, rounds, sizeof(times[0]), bench_cmp_u64, NULL);
	run->result = times[rounds / 2];
	return 0;
}

static void bench_print(struct seq_file *m, u64 tenths)
{
	seq_printf(m, " %llu.%llu", div_u64(tenths, 10),
		   tenths - div_u64(tenths, 10) * 10);
}

static int bench_results_show(struct seq_file *m, void *unused)
{
	struct bench_run run;
	unsigned int i;
	int cpu;

	mutex_lock(&bench_mutex);
	cpus_read_lock();
	for (i = 0; i < ARRAY_SIZE(bench_cases); i++) {
		run.bcase = &bench_cases[i];
		seq_puts(m, run.bcase->name);
		for_each_online_cpu(cpu) {
			run.err = 0;
			work_on_cpu(cpu, bench_on_cpu, &run);
			if (run.err) {
				seq_printf(m, " error %d\n", run.err);
				goto out;
			}
			bench_print(m, run.result);
		}
		seq_putc(m, '\n');
	}
out:
	cpus_read_unlock();
	mutex_unlock(&bench_mutex);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(bench_results);

static int __init bench_init(void)
{
	if (!iters || iters > 1000000 || !rounds || rounds > BENCH_MAX_ROUNDS) {
		pr_err("iters=%u rounds=%u: out of range\n", iters, rounds);
		return -EINVAL;
	}
	bench_cache = kmem_cache_create("kmprof_bench", 64, 0, 0, NULL);
	if (!bench_cache)
		return -ENOMEM;
	bench_dir = debugfs_create_dir("kmprof_bench", NULL);
	debugfs_create_file("results", 0400, bench_dir, NULL,
			    &bench_results_fops);
	debugfs_create_file("buckets", 0200, bench_dir, NULL,
			    &bench_buckets_fops);
	return 0;
}

static void __exit bench_exit(void)
{
	debugfs_remove_recursive(bench_dir);
	kmem_cache_destroy(bench_cache);
}

module_init(bench_init);
module_exit(bench_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("Times slab operations for kmprof's benchmarks");
