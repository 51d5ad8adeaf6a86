/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kmprof - hooks of the test build (KMPROF_TEST=1, see Kbuild): they make
 * rare states and interleavings reachable in a few steps, for the KUnit
 * suites and the VM selftests. The module users load is built without
 * them; there every hook below is an empty inline and costs nothing.
 */
#ifndef KMPROF_TESTING_H
#define KMPROF_TESTING_H

#include <linux/types.h>

struct dentry;
struct kmprof_labels;
struct kmprof_profile;

/**
 * enum kmprof_test_point - where the core calls a test's hook.
 * @KMPROF_TEST_READ_FLUSHED: kmprof_profile_read() has published every
 *	closed cycle and dropped cycles.lock, before it walks the buckets.
 */
enum kmprof_test_point {
	KMPROF_TEST_READ_FLUSHED,
};

#ifdef KMPROF_TEST

/**
 * struct kmprof_test_hooks - what a test asked of one profile.
 * @fn: called at each test point, with @arg; NULL for none.
 * @arg: passed to @fn.
 */
struct kmprof_test_hooks {
	void (*fn)(struct kmprof_profile *prof, enum kmprof_test_point point,
		   void *arg);
	void *arg;
};

void kmprof_test_point(struct kmprof_profile *prof,
		       enum kmprof_test_point point);
bool kmprof_test_skip_sample(void);
void kmprof_testing_debugfs_init(struct dentry *dir);

/* For the KUnit suites: each one documents the state it requires. */
void kmprof_test_set_hook(struct kmprof_profile *prof,
			  void (*fn)(struct kmprof_profile *prof,
				     enum kmprof_test_point point, void *arg),
			  void *arg);
int kmprof_cycle_test_set(struct kmprof_profile *prof, unsigned int cycle);
int kmprof_bucket_test_set_hash_bits(struct kmprof_profile *prof,
				     unsigned int bits);
bool kmprof_bucket_test_exists(struct kmprof_profile *prof,
			       const unsigned long *stack, unsigned int depth,
			       size_t size_class,
			       enum kmprof_allocator allocator,
			       const struct kmprof_labels *labels,
			       unsigned int *index);
bool kmprof_objmap_test_prefilter(struct kmprof_profile *prof,
				  unsigned long addr);
bool kmprof_objmap_test_lookup(struct kmprof_profile *prof, unsigned long addr,
			       size_t *req_size, size_t *alloc_size);
unsigned int kmprof_objmap_test_filter_bits(struct kmprof_profile *prof);
int kmprof_test_corrupt(struct kmprof_profile *prof, const char *what);

#else /* !KMPROF_TEST */

static inline void kmprof_test_point(struct kmprof_profile *prof,
				     enum kmprof_test_point point)
{
}

static inline bool kmprof_test_skip_sample(void)
{
	return false;
}

static inline void kmprof_testing_debugfs_init(struct dentry *dir)
{
}

#endif /* KMPROF_TEST */

#endif /* KMPROF_TESTING_H */
