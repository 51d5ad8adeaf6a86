/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kmprof - what the KUnit suites share: private profiles, fake allocation
 * sites and a reader that sums the published profile.
 */
#ifndef KMPROF_TEST_HELPERS_H
#define KMPROF_TEST_HELPERS_H

#include <kunit/test.h>

#include "../kmod/profile.h"
#include "../kmod/record.h"

/* Depth of the fake stacks of kmprof_test_stack(). */
#define KMPROF_TEST_DEPTH	4

/*
 * OBJ(n): the address of fake object @n, 64 bytes after object n - 1, in
 * the direct map as a slab object would be. Never dereferenced: the core
 * only hashes and compares it.
 */
#define OBJ(n)	(0xffff888000100000UL + 0x40UL * (n))

/**
 * struct kmprof_test_totals - the published profile, summed.
 * @sum: counts summed over all buckets.
 * @buckets: buckets with published counts.
 * @unmatched_lifetimes: buckets whose lifetime classes do not sum to their
 *	frees: a free published without its lifetime, or the reverse.
 * @negative_buckets: buckets whose published in-use (objects or bytes,
 *	requested or allocated) is negative.
 */
struct kmprof_test_totals {
	struct kmprof_counts sum;
	unsigned int buckets;
	unsigned int negative_buckets;
	unsigned int unmatched_lifetimes;
};

struct kmprof_profile *kmprof_test_create(struct kunit *test,
					  unsigned long rate,
					  unsigned int max_buckets,
					  unsigned int max_objects);
struct kmprof_profile *kmprof_test_create_labeled(struct kunit *test,
						  unsigned long rate,
						  unsigned int max_buckets,
						  unsigned int max_objects,
						  unsigned int labels);
void kmprof_test_stack(unsigned int site, unsigned long *stack);
void kmprof_test_alloc(struct kmprof_profile *prof, unsigned long addr,
		       size_t size, unsigned int site);
void kmprof_test_read(struct kunit *test, struct kmprof_profile *prof,
		      struct kmprof_test_totals *totals);
u64 kmprof_test_stat(struct kmprof_profile *prof, enum kmprof_stat item);

#endif /* KMPROF_TEST_HELPERS_H */
