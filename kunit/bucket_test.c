// SPDX-License-Identifier: GPL-2.0
/*
 * kmprof - KUnit suite of the buckets: keying, collisions, exhaustion of
 * the bucket pool, and a record path that never allocates from slab.
 */

#include <kunit/test.h>
#include <linux/atomic.h>
#include <linux/kprobes.h>
#include <linux/sched.h>
#include <linux/slab.h>

#include "helpers.h"

/* What a profile without labels keys every bucket by. */
static const struct kmprof_labels no_labels;

/* The slab bucket of a stack and size, looked up without creating it. */
static bool slab_bucket(struct kmprof_profile *prof, const unsigned long *stack,
			unsigned int depth, size_t size, unsigned int *index)
{
	return kmprof_bucket_test_exists(prof, stack, depth, size, KMPROF_SLAB,
					 &no_labels, index);
}

static void kmprof_buckets_test_same_key_same_bucket(struct kunit *test)
{
	struct kmprof_profile *prof = kmprof_test_create(test, 1, 16, 16);
	unsigned long stack[KMPROF_TEST_DEPTH], other[KMPROF_TEST_DEPTH];
	unsigned int first, again, bigger, deeper;
	struct kmprof_test_totals totals;

	kmprof_test_stack(1, stack);
	kmprof_record_alloc(prof, OBJ(1), 60, 64, KMPROF_SLAB, stack,
			    KMPROF_TEST_DEPTH);
	kmprof_record_alloc(prof, OBJ(2), 50, 64, KMPROF_SLAB, stack,
			    KMPROF_TEST_DEPTH);
	KUNIT_ASSERT_TRUE(test, slab_bucket(prof, stack, KMPROF_TEST_DEPTH, 64,
					    &first));
	KUNIT_EXPECT_EQ(test, kmprof_test_stat(prof, KMPROF_STAT_BUCKETS), 1);

	/* Another size class is another bucket: same stack, other key. */
	kmprof_record_alloc(prof, OBJ(3), 60, 96, KMPROF_SLAB, stack,
			    KMPROF_TEST_DEPTH);
	KUNIT_ASSERT_TRUE(test, slab_bucket(prof, stack, KMPROF_TEST_DEPTH, 96,
					    &bigger));
	KUNIT_EXPECT_NE(test, first, bigger);

	/* A stack that differs in its outermost frame only. */
	memcpy(other, stack, sizeof(other));
	other[KMPROF_TEST_DEPTH - 1]++;
	kmprof_record_alloc(prof, OBJ(4), 60, 64, KMPROF_SLAB, other,
			    KMPROF_TEST_DEPTH);
	KUNIT_ASSERT_TRUE(test, slab_bucket(prof, other, KMPROF_TEST_DEPTH, 64,
					    &deeper));
	KUNIT_EXPECT_NE(test, first, deeper);

	/* A prefix of the stack is a different stack. */
	KUNIT_EXPECT_FALSE(test, slab_bucket(prof, stack, KMPROF_TEST_DEPTH - 1,
					     64, NULL));
	KUNIT_ASSERT_TRUE(test, slab_bucket(prof, stack, KMPROF_TEST_DEPTH, 64,
					    &again));
	KUNIT_EXPECT_EQ(test, first, again);

	kmprof_test_read(test, prof, &totals);
	KUNIT_EXPECT_EQ(test, totals.buckets, 3);
	KUNIT_EXPECT_EQ(test, totals.sum.allocs, 4);
	KUNIT_EXPECT_EQ(test, totals.sum.alloc_req_bytes, 230);
	KUNIT_EXPECT_EQ(test, totals.sum.alloc_bytes, 288);
}

/* A view of the profile's buckets, by allocator. */
static int kmprof_buckets_count_allocators(void *arg,
					   const struct kmprof_bucket_view *view)
{
	struct kmprof_counts *by_allocator = arg;

	by_allocator[view->allocator].allocs += view->counts.allocs;
	by_allocator[view->allocator].alloc_bytes += view->counts.alloc_bytes;
	by_allocator[view->allocator].frees += view->counts.frees;
	by_allocator[view->allocator].free_bytes += view->counts.free_bytes;
	return 0;
}

/*
 * The allocator is part of the key: one stack and size from two
 * allocators are two buckets, each read with its allocator. An object
 * above 4 GiB (a vmalloc area may be) is credited back whole on its free.
 */
static void kmprof_buckets_test_allocator_in_key(struct kunit *test)
{
	struct kmprof_profile *prof = kmprof_test_create(test, 1, 16, 16);
	struct kmprof_counts by_allocator[KMPROF_ALLOCATORS] = {};
	const size_t huge = 5ULL << 30;
	unsigned long stack[KMPROF_TEST_DEPTH];
	unsigned int slab, vmalloc;

	kmprof_test_stack(1, stack);
	kmprof_record_alloc(prof, OBJ(1), 4096, 4096, KMPROF_SLAB, stack,
			    KMPROF_TEST_DEPTH);
	kmprof_record_alloc(prof, OBJ(2), 4096, 4096, KMPROF_VMALLOC, stack,
			    KMPROF_TEST_DEPTH);
	kmprof_record_alloc(prof, OBJ(3), huge - 1, huge, KMPROF_VMALLOC,
			    stack, KMPROF_TEST_DEPTH);
	KUNIT_ASSERT_TRUE(test, kmprof_bucket_test_exists(prof, stack,
							  KMPROF_TEST_DEPTH,
							  4096, KMPROF_SLAB,
							  &no_labels, &slab));
	KUNIT_ASSERT_TRUE(test, kmprof_bucket_test_exists(prof, stack,
							  KMPROF_TEST_DEPTH,
							  4096, KMPROF_VMALLOC,
							  &no_labels,
							  &vmalloc));
	KUNIT_EXPECT_NE(test, slab, vmalloc);
	KUNIT_EXPECT_EQ(test, kmprof_test_stat(prof, KMPROF_STAT_BUCKETS), 3);

	kmprof_record_free(prof, OBJ(3));
	KUNIT_ASSERT_EQ(test, kmprof_cycle_advance(prof), 0);
	KUNIT_ASSERT_EQ(test, kmprof_profile_read(prof,
						  kmprof_buckets_count_allocators,
						  by_allocator, NULL), 0);
	KUNIT_EXPECT_EQ(test, by_allocator[KMPROF_SLAB].allocs, 1);
	KUNIT_EXPECT_EQ(test, by_allocator[KMPROF_SLAB].alloc_bytes, 4096);
	KUNIT_EXPECT_EQ(test, by_allocator[KMPROF_VMALLOC].allocs, 2);
	KUNIT_EXPECT_EQ(test, by_allocator[KMPROF_VMALLOC].alloc_bytes,
			huge + 4096);
	KUNIT_EXPECT_EQ(test, by_allocator[KMPROF_VMALLOC].free_bytes, huge);
}

/* Frames beyond max_depth are cut: stacks equal up to there share. */
static void kmprof_buckets_test_depth_cut(struct kunit *test)
{
	const struct kmprof_params params = {
		.rate = 1, .max_buckets = 4, .max_objects = 4, .max_depth = 2,
	};
	struct kmprof_profile *prof = kmprof_profile_create(&params, NULL);
	unsigned long stack[KMPROF_TEST_DEPTH];

	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, prof);
	kmprof_test_stack(1, stack);
	kmprof_record_alloc(prof, OBJ(1), 8, 8, KMPROF_SLAB, stack,
			    KMPROF_TEST_DEPTH);
	stack[3]++;
	kmprof_record_alloc(prof, OBJ(2), 8, 8, KMPROF_SLAB, stack,
			    KMPROF_TEST_DEPTH);
	KUNIT_EXPECT_EQ(test, kmprof_test_stat(prof, KMPROF_STAT_BUCKETS), 1);
	KUNIT_EXPECT_TRUE(test, slab_bucket(prof, stack, 2, 8, NULL));
	kmprof_profile_destroy(prof);
}

/* With every bucket on one chain, lookups still tell them apart. */
static void kmprof_buckets_test_collisions(struct kunit *test)
{
	const unsigned int nr = 12;
	struct kmprof_profile *prof = kmprof_test_create(test, 1, nr, nr * 2);
	unsigned long stack[KMPROF_TEST_DEPTH];
	struct kmprof_test_totals totals;
	unsigned int i, index;

	KUNIT_ASSERT_EQ(test, kmprof_bucket_test_set_hash_bits(prof, 0), 0);
	for (i = 0; i < nr; i++)
		kmprof_test_alloc(prof, OBJ(i), 32 + 8 * (i % 2), i / 2);
	/* A second allocation per key must find the existing bucket. */
	for (i = 0; i < nr; i++)
		kmprof_test_alloc(prof, OBJ(nr + i), 32 + 8 * (i % 2), i / 2);
	for (i = 0; i < nr; i++) {
		kmprof_test_stack(i / 2, stack);
		KUNIT_EXPECT_TRUE(test,
				  slab_bucket(prof, stack, KMPROF_TEST_DEPTH,
					      32 + 8 * (i % 2), &index));
		KUNIT_EXPECT_EQ(test, index, i);
	}
	KUNIT_EXPECT_EQ(test, kmprof_test_stat(prof, KMPROF_STAT_DROPS_BUCKET),
			0);
	kmprof_test_read(test, prof, &totals);
	KUNIT_EXPECT_EQ(test, totals.buckets, nr);
	KUNIT_EXPECT_EQ(test, totals.sum.allocs, 2 * nr);

	/* The hook refuses once buckets exist. */
	KUNIT_EXPECT_EQ(test, kmprof_bucket_test_set_hash_bits(prof, 1),
			-EBUSY);
}

/* A full bucket pool drops new stacks, counts them, keeps known ones. */
static void kmprof_buckets_test_pool_exhaustion(struct kunit *test)
{
	struct kmprof_profile *prof = kmprof_test_create(test, 1, 4, 16);
	struct kmprof_test_totals totals;
	unsigned int i;

	for (i = 0; i < 6; i++)
		kmprof_test_alloc(prof, OBJ(i), 16, i);
	kmprof_test_alloc(prof, OBJ(6), 16, 0);
	KUNIT_EXPECT_EQ(test, kmprof_test_stat(prof, KMPROF_STAT_BUCKETS), 4);
	KUNIT_EXPECT_EQ(test, kmprof_test_stat(prof, KMPROF_STAT_DROPS_BUCKET),
			2);
	/* A dropped sample is not tracked, so its free is not counted. */
	KUNIT_EXPECT_EQ(test, kmprof_test_stat(prof, KMPROF_STAT_OBJECTS), 5);
	kmprof_record_free(prof, OBJ(5));
	kmprof_record_free(prof, OBJ(0));
	KUNIT_EXPECT_EQ(test, kmprof_test_stat(prof, KMPROF_STAT_FREES), 1);
	kmprof_test_read(test, prof, &totals);
	KUNIT_EXPECT_EQ(test, totals.buckets, 4);
	KUNIT_EXPECT_EQ(test, totals.sum.allocs, 5);
	KUNIT_EXPECT_EQ(test, totals.sum.frees, 1);
	KUNIT_EXPECT_EQ(test, totals.negative_buckets, 0);
	KUNIT_EXPECT_EQ(test, totals.unmatched_lifetimes, 0);
}

/*
 * Slab allocations of the current task, seen through should_failslab(),
 * which every slab allocation calls when CONFIG_FAILSLAB is set.
 */
static struct task_struct *kmprof_watched_task;
static atomic_t kmprof_slab_calls;

static int kmprof_count_slab_call(struct kprobe *kp, struct pt_regs *regs)
{
	if (current == READ_ONCE(kmprof_watched_task))
		atomic_inc(&kmprof_slab_calls);
	return 0;
}

static void kmprof_buckets_unwatch(void *kp)
{
	WRITE_ONCE(kmprof_watched_task, NULL);
	unregister_kprobe(kp);
}

static void kmprof_buckets_test_no_slab_on_record(struct kunit *test)
{
	struct kmprof_profile *prof = kmprof_test_create(test, 1, 64, 64);
	struct kprobe *kp = kunit_kzalloc(test, sizeof(*kp), GFP_KERNEL);
	struct kmprof_test_totals totals;
	unsigned int i;
	void *probe;
	int ret;

	KUNIT_ASSERT_NOT_NULL(test, kp);
	kp->symbol_name = "should_failslab";
	kp->pre_handler = kmprof_count_slab_call;
	if (register_kprobe(kp))
		kunit_skip(test, "no kprobe on should_failslab (CONFIG_FAILSLAB)");
	ret = kunit_add_action_or_reset(test, kmprof_buckets_unwatch, kp);
	KUNIT_ASSERT_EQ(test, ret, 0);
	WRITE_ONCE(kmprof_watched_task, current);

	/* The detector works: a slab allocation is seen. */
	atomic_set(&kmprof_slab_calls, 0);
	probe = kmalloc(16, GFP_KERNEL);
	kfree(probe);
	KUNIT_ASSERT_GT(test, atomic_read(&kmprof_slab_calls), 0);

	/* Every path of the core: new buckets, hits, lost frees, frees. */
	atomic_set(&kmprof_slab_calls, 0);
	for (i = 0; i < 40; i++)
		kmprof_test_alloc(prof, OBJ(i % 20), 16 << (i % 3), i % 7);
	for (i = 0; i < 20; i += 2)
		kmprof_record_free(prof, OBJ(i));
	kmprof_record_reuse(prof, OBJ(1));
	kmprof_record_free(prof, OBJ(1000));
	KUNIT_EXPECT_EQ(test, kmprof_cycle_advance(prof), 0);
	kmprof_cycle_advance_wait(prof);
	kmprof_cycle_flush(prof);
	kmprof_test_read(test, prof, &totals);
	KUNIT_EXPECT_EQ(test, atomic_read(&kmprof_slab_calls), 0);
	KUNIT_EXPECT_EQ(test, totals.sum.allocs, 40);
}

static struct kunit_case kmprof_buckets_cases[] = {
	KUNIT_CASE(kmprof_buckets_test_same_key_same_bucket),
	KUNIT_CASE(kmprof_buckets_test_allocator_in_key),
	KUNIT_CASE(kmprof_buckets_test_depth_cut),
	KUNIT_CASE(kmprof_buckets_test_collisions),
	KUNIT_CASE(kmprof_buckets_test_pool_exhaustion),
	KUNIT_CASE(kmprof_buckets_test_no_slab_on_record),
	{}
};

static struct kunit_suite kmprof_buckets_suite = {
	.name = "kmprof_buckets",
	.test_cases = kmprof_buckets_cases,
};

kunit_test_suites(&kmprof_buckets_suite);
