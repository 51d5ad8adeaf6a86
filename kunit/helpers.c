// SPDX-License-Identifier: GPL-2.0
/*
 * kmprof - helpers of the KUnit suites.
 */

#include <kunit/test.h>
#include <linux/err.h>

#include "helpers.h"

static void kmprof_test_destroy(void *prof)
{
	kmprof_profile_destroy(prof);
}

/**
 * kmprof_test_create_labeled() - a private profile that keeps labels,
 * destroyed when the case ends.
 * @test: the case.
 * @rate: sampling rate.
 * @max_buckets: bucket pool size.
 * @max_objects: object map size.
 * @labels: the labels kept, BIT(enum kmprof_label) each.
 *
 * Asserts that creation succeeds.
 *
 * Return: the profile.
 */
struct kmprof_profile *kmprof_test_create_labeled(struct kunit *test,
						  unsigned long rate,
						  unsigned int max_buckets,
						  unsigned int max_objects,
						  unsigned int labels)
{
	const struct kmprof_params params = {
		.rate = rate,
		.max_buckets = max_buckets,
		.max_objects = max_objects,
		.max_depth = KMPROF_MAX_DEPTH_DEFAULT,
		.labels = labels,
	};
	struct kmprof_profile *prof = kmprof_profile_create(&params, NULL);
	int ret;

	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, prof);
	ret = kunit_add_action_or_reset(test, kmprof_test_destroy, prof);
	KUNIT_ASSERT_EQ(test, ret, 0);
	return prof;
}

/**
 * kmprof_test_create() - a private profile without labels, destroyed when
 * the case ends.
 * @test: the case.
 * @rate: sampling rate.
 * @max_buckets: bucket pool size.
 * @max_objects: object map size.
 *
 * Return: the profile.
 */
struct kmprof_profile *kmprof_test_create(struct kunit *test,
					  unsigned long rate,
					  unsigned int max_buckets,
					  unsigned int max_objects)
{
	return kmprof_test_create_labeled(test, rate, max_buckets, max_objects,
					  0);
}

/**
 * kmprof_test_stack() - the fake stack of allocation site @site.
 * @site: any number; different sites give different stacks.
 * @stack: KMPROF_TEST_DEPTH entries to fill.
 */
void kmprof_test_stack(unsigned int site, unsigned long *stack)
{
	unsigned int i;

	for (i = 0; i < KMPROF_TEST_DEPTH; i++)
		stack[i] = 0xffffffff81000000UL + 0x10000UL * site + 0x10 * i;
}

/**
 * kmprof_test_alloc() - record a sampled allocation from site @site.
 * @prof: the profile.
 * @addr: the object.
 * @size: allocated size; the requested size is @size - 1.
 * @site: the allocation site.
 */
void kmprof_test_alloc(struct kmprof_profile *prof, unsigned long addr,
		       size_t size, unsigned int site)
{
	unsigned long stack[KMPROF_TEST_DEPTH];

	kmprof_test_stack(site, stack);
	kmprof_record_alloc(prof, addr, size - 1, size, KMPROF_SLAB, stack,
			    KMPROF_TEST_DEPTH);
}

static int kmprof_test_sum(void *arg, const struct kmprof_bucket_view *view)
{
	struct kmprof_test_totals *totals = arg;
	const struct kmprof_counts *c = &view->counts;
	u64 lifetimes = 0;
	unsigned int k;

	totals->buckets++;
	for (k = 0; k < KMPROF_LIFETIME_CLASSES; k++) {
		lifetimes += c->lifetimes[k];
		totals->sum.lifetimes[k] += c->lifetimes[k];
	}
	if (lifetimes != c->frees)
		totals->unmatched_lifetimes++;
	totals->sum.lifetime_sum += c->lifetime_sum;
	if (c->allocs < c->frees || c->alloc_bytes < c->free_bytes ||
	    c->alloc_req_bytes < c->free_req_bytes)
		totals->negative_buckets++;
	totals->sum.allocs += c->allocs;
	totals->sum.frees += c->frees;
	totals->sum.alloc_req_bytes += c->alloc_req_bytes;
	totals->sum.alloc_bytes += c->alloc_bytes;
	totals->sum.free_req_bytes += c->free_req_bytes;
	totals->sum.free_bytes += c->free_bytes;
	return 0;
}

/**
 * kmprof_test_read() - read the published profile and sum it.
 * @test: the case.
 * @prof: the profile.
 * @totals: filled in.
 */
void kmprof_test_read(struct kunit *test, struct kmprof_profile *prof,
		      struct kmprof_test_totals *totals)
{
	memset(totals, 0, sizeof(*totals));
	KUNIT_ASSERT_EQ(test, 0, kmprof_profile_read(prof, kmprof_test_sum,
						     totals, NULL));
}

/**
 * kmprof_test_stat() - one counter of @prof.
 * @prof: the profile.
 * @item: the counter.
 *
 * Return: its value.
 */
u64 kmprof_test_stat(struct kmprof_profile *prof, enum kmprof_stat item)
{
	u64 values[KMPROF_STAT_COUNT];

	kmprof_stats_read(prof, values);
	return values[item];
}
