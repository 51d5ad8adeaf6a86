// SPDX-License-Identifier: GPL-2.0
/*
 * kmprof - KUnit suite of the object map: insert, lookup, remove, the
 * prefilter's false-positive rate, lost frees, and a full map.
 */

#include <kunit/test.h>
#include <linux/delay.h>
#include <linux/prandom.h>
#include <linux/sort.h>

#include "helpers.h"

/* Addresses never inserted, from another region. */
#define STRANGER(n)	(0xffff888100000000UL + 0x40UL * (n))

static void kmprof_objmap_test_insert_lookup_remove(struct kunit *test)
{
	struct kmprof_profile *prof = kmprof_test_create(test, 1, 8, 16);
	size_t req, alloc;

	kmprof_test_alloc(prof, OBJ(1), 128, 1);
	kmprof_test_alloc(prof, OBJ(2), 64, 1);
	KUNIT_ASSERT_TRUE(test, kmprof_objmap_test_lookup(prof, OBJ(1), &req,
							  &alloc));
	KUNIT_EXPECT_EQ(test, req, 127);
	KUNIT_EXPECT_EQ(test, alloc, 128);
	KUNIT_EXPECT_TRUE(test, kmprof_objmap_test_prefilter(prof, OBJ(1)));
	KUNIT_EXPECT_FALSE(test, kmprof_objmap_test_lookup(prof, OBJ(3), &req,
							   &alloc));
	KUNIT_EXPECT_EQ(test, kmprof_test_stat(prof, KMPROF_STAT_OBJECTS), 2);

	kmprof_record_free(prof, OBJ(1));
	KUNIT_EXPECT_FALSE(test, kmprof_objmap_test_lookup(prof, OBJ(1), &req,
							   &alloc));
	KUNIT_EXPECT_TRUE(test, kmprof_objmap_test_lookup(prof, OBJ(2), &req,
							  &alloc));
	KUNIT_EXPECT_EQ(test, kmprof_test_stat(prof, KMPROF_STAT_OBJECTS), 1);
	KUNIT_EXPECT_EQ(test, kmprof_test_stat(prof, KMPROF_STAT_FREES), 1);

	/* A second free of the same address, or of a stranger: no effect. */
	kmprof_record_free(prof, OBJ(1));
	kmprof_record_free(prof, STRANGER(1));
	KUNIT_EXPECT_EQ(test, kmprof_test_stat(prof, KMPROF_STAT_FREES), 1);
	KUNIT_EXPECT_EQ(test, kmprof_test_stat(prof, KMPROF_STAT_OBJECTS), 1);
}

/* A random 8-byte aligned address in a 1 GiB region. */
static unsigned long kmprof_objmap_random(struct rnd_state *rnd,
					  unsigned long region)
{
	return region + 8UL * (prandom_u32_state(rnd) >> 5);
}

/* Count prefilter hits among @nr random addresses never inserted. */
static unsigned int kmprof_objmap_false_positives(struct kmprof_profile *prof,
						  unsigned int nr)
{
	unsigned int i, hits = 0;
	struct rnd_state rnd;

	prandom_seed_state(&rnd, 2);
	for (i = 0; i < nr; i++)
		hits += kmprof_objmap_test_prefilter(prof,
				kmprof_objmap_random(&rnd, STRANGER(0)));
	return hits;
}

/*
 * Random addresses: the bitmap has 8 bits per object, so with the map full
 * a stranger hits a set bit with probability 1 - e^(-1/8) = 11.8%, at most
 * 1/8; the bound adds 3 standard deviations (1.1% for 8192 probes). Every
 * mapped address must pass. Once all are removed, the bitmap is empty.
 *
 * Evenly strided addresses, as in a slab, spread over the bitmap perfectly
 * (Fibonacci hashing) and would show no false positive at all: the measure
 * must use random ones.
 */
static void kmprof_objmap_test_prefilter_rate(struct kunit *test)
{
	const unsigned int nr = 1024, probes = 8192;
	struct kmprof_profile *prof = kmprof_test_create(test, 1, 4, nr);
	unsigned long *objs = kunit_kcalloc(test, nr, sizeof(*objs),
					    GFP_KERNEL);
	unsigned int i, passed = 0, hits;
	struct rnd_state rnd;
	size_t req, alloc;

	KUNIT_ASSERT_NOT_NULL(test, objs);
	KUNIT_EXPECT_EQ(test, 1U << kmprof_objmap_test_filter_bits(prof),
			8 * nr);
	KUNIT_EXPECT_EQ(test, kmprof_objmap_false_positives(prof, probes), 0);

	prandom_seed_state(&rnd, 1);
	for (i = 0; i < nr; i++) {
		do {
			objs[i] = kmprof_objmap_random(&rnd, OBJ(0));
		} while (kmprof_objmap_test_lookup(prof, objs[i], &req, &alloc));
		kmprof_test_alloc(prof, objs[i], 32, 1);
		if (i + 1 != nr / 8)
			continue;
		hits = kmprof_objmap_false_positives(prof, probes);
		kunit_info(test, "1/8 full: %u of %u strangers pass\n", hits,
			   probes);
		/* At most 1/64 of the bits are set. */
		KUNIT_EXPECT_LE(test, hits, probes / 64 + probes / 256);
	}
	KUNIT_ASSERT_EQ(test, kmprof_test_stat(prof, KMPROF_STAT_OBJECTS), nr);
	for (i = 0; i < nr; i++)
		passed += kmprof_objmap_test_prefilter(prof, objs[i]);
	KUNIT_EXPECT_EQ(test, passed, nr);
	hits = kmprof_objmap_false_positives(prof, probes);
	kunit_info(test, "full: %u of %u strangers pass\n", hits, probes);
	KUNIT_EXPECT_LE(test, hits, probes / 8 + probes / 90);
	KUNIT_EXPECT_GT(test, hits, 0);

	for (i = 0; i < nr; i++)
		kmprof_record_free(prof, objs[i]);
	KUNIT_EXPECT_EQ(test, kmprof_test_stat(prof, KMPROF_STAT_OBJECTS), 0);
	KUNIT_EXPECT_EQ(test, kmprof_objmap_false_positives(prof, probes), 0);
	for (i = 0; i < nr; i++)
		passed -= kmprof_objmap_test_prefilter(prof, objs[i]);
	KUNIT_EXPECT_EQ(test, passed, nr);
}

/*
 * Removing one of two objects that share a prefilter bit keeps the bit:
 * the other must still be found.
 */
static void kmprof_objmap_test_shared_bit_kept(struct kunit *test)
{
	const unsigned int nr = 64;
	struct kmprof_profile *prof = kmprof_test_create(test, 1, 4, nr);
	unsigned int i, found = 0;
	size_t req, alloc;

	for (i = 0; i < nr; i++)
		kmprof_test_alloc(prof, OBJ(i), 16, 1);
	/* Free every other one; the rest must all be found. */
	for (i = 0; i < nr; i += 2)
		kmprof_record_free(prof, OBJ(i));
	for (i = 1; i < nr; i += 2) {
		found += kmprof_objmap_test_prefilter(prof, OBJ(i)) &&
			 kmprof_objmap_test_lookup(prof, OBJ(i), &req, &alloc);
	}
	KUNIT_EXPECT_EQ(test, found, nr / 2);
	/* And their frees are seen. */
	for (i = 1; i < nr; i += 2)
		kmprof_record_free(prof, OBJ(i));
	KUNIT_EXPECT_EQ(test, kmprof_test_stat(prof, KMPROF_STAT_FREES), nr);
	KUNIT_EXPECT_EQ(test, kmprof_test_stat(prof, KMPROF_STAT_OBJECTS), 0);
}

/*
 * A sampled allocation at an address still mapped: the free was missed.
 * It is counted, accounted as a free of the old object, and the entry now
 * describes the new one.
 */
static void kmprof_objmap_test_lost_free(struct kunit *test)
{
	struct kmprof_profile *prof = kmprof_test_create(test, 1, 8, 8);
	struct kmprof_test_totals totals;
	size_t req, alloc;

	kmprof_test_alloc(prof, OBJ(1), 32, 1);
	kmprof_test_alloc(prof, OBJ(1), 256, 2);
	KUNIT_EXPECT_EQ(test, kmprof_test_stat(prof, KMPROF_STAT_LOST_FREES), 1);
	KUNIT_EXPECT_EQ(test, kmprof_test_stat(prof, KMPROF_STAT_OBJECTS), 1);
	KUNIT_ASSERT_TRUE(test, kmprof_objmap_test_lookup(prof, OBJ(1), &req,
							  &alloc));
	KUNIT_EXPECT_EQ(test, alloc, 256);

	kmprof_test_read(test, prof, &totals);
	KUNIT_EXPECT_EQ(test, totals.sum.allocs, 2);
	KUNIT_EXPECT_EQ(test, totals.sum.frees, 1);
	KUNIT_EXPECT_EQ(test, totals.sum.free_bytes, 32);
	KUNIT_EXPECT_EQ(test, totals.sum.alloc_bytes - totals.sum.free_bytes,
			256);
	KUNIT_EXPECT_EQ(test, totals.negative_buckets, 0);
	KUNIT_EXPECT_EQ(test, totals.unmatched_lifetimes, 0);
}

/* An unsampled allocation at a mapped address retires the stale entry. */
static void kmprof_objmap_test_reuse_retires(struct kunit *test)
{
	struct kmprof_profile *prof = kmprof_test_create(test, 1, 8, 8);
	struct kmprof_test_totals totals;
	size_t req, alloc;

	kmprof_test_alloc(prof, OBJ(1), 32, 1);
	kmprof_record_reuse(prof, OBJ(2));
	KUNIT_EXPECT_EQ(test, kmprof_test_stat(prof, KMPROF_STAT_LOST_FREES), 0);
	kmprof_record_reuse(prof, OBJ(1));
	KUNIT_EXPECT_EQ(test, kmprof_test_stat(prof, KMPROF_STAT_LOST_FREES), 1);
	KUNIT_EXPECT_FALSE(test, kmprof_objmap_test_lookup(prof, OBJ(1), &req,
							   &alloc));
	/* The later real free of the new object is not ours. */
	kmprof_record_free(prof, OBJ(1));
	kmprof_test_read(test, prof, &totals);
	KUNIT_EXPECT_EQ(test, totals.sum.allocs, 1);
	KUNIT_EXPECT_EQ(test, totals.sum.frees, 1);
	KUNIT_EXPECT_EQ(test, kmprof_test_stat(prof, KMPROF_STAT_FREES), 0);
}

/* A full object map drops the sample: neither its alloc nor free count. */
static void kmprof_objmap_test_object_pool_exhaustion(struct kunit *test)
{
	struct kmprof_profile *prof = kmprof_test_create(test, 1, 4, 2);
	struct kmprof_test_totals totals;

	kmprof_test_alloc(prof, OBJ(1), 16, 1);
	kmprof_test_alloc(prof, OBJ(2), 16, 1);
	kmprof_test_alloc(prof, OBJ(3), 16, 1);
	KUNIT_EXPECT_EQ(test, kmprof_test_stat(prof, KMPROF_STAT_DROPS_OBJECT),
			1);
	kmprof_record_free(prof, OBJ(3));
	kmprof_record_free(prof, OBJ(1));
	/* The freed entry is reusable. */
	kmprof_test_alloc(prof, OBJ(4), 16, 1);
	KUNIT_EXPECT_EQ(test, kmprof_test_stat(prof, KMPROF_STAT_DROPS_OBJECT),
			1);
	kmprof_cycle_advance_wait(prof);
	kmprof_test_read(test, prof, &totals);
	KUNIT_EXPECT_EQ(test, totals.sum.allocs, 3);
	KUNIT_EXPECT_EQ(test, totals.sum.frees, 1);
}

/*
 * A sample dropped for a full object map takes nothing: no bucket of the
 * pool, no count in KMPROF_STAT_SAMPLES, only its drop.
 */
static void kmprof_objmap_test_dropped_sample_takes_nothing(struct kunit *test)
{
	struct kmprof_profile *prof = kmprof_test_create(test, 1, 4, 1);

	kmprof_test_alloc(prof, OBJ(1), 16, 1);
	kmprof_test_alloc(prof, OBJ(2), 16, 2);
	KUNIT_EXPECT_EQ(test, kmprof_test_stat(prof, KMPROF_STAT_BUCKETS), 1);
	KUNIT_EXPECT_EQ(test, kmprof_test_stat(prof, KMPROF_STAT_SAMPLES), 1);
	KUNIT_EXPECT_EQ(test, kmprof_test_stat(prof, KMPROF_STAT_DROPS_OBJECT),
			1);
	/* A stale entry at the address is retired even then. */
	kmprof_test_alloc(prof, OBJ(1), 16, 3);
	KUNIT_EXPECT_EQ(test, kmprof_test_stat(prof, KMPROF_STAT_LOST_FREES), 1);
	KUNIT_EXPECT_EQ(test, kmprof_test_stat(prof, KMPROF_STAT_SAMPLES), 2);
	KUNIT_EXPECT_EQ(test, kmprof_test_stat(prof, KMPROF_STAT_BUCKETS), 2);
}

/* What kmprof_profile_ages() reported. */
struct kmprof_ages_seen {
	unsigned int nr;
	u64 bucket_age[4];	/* bucket index << 32 | age, sorted */
};

static void kmprof_objmap_count_age(void *arg, unsigned int bucket, u32 age)
{
	struct kmprof_ages_seen *seen = arg;

	if (seen->nr < ARRAY_SIZE(seen->bucket_age))
		seen->bucket_age[seen->nr] = (u64)bucket << 32 | age;
	seen->nr++;
}

static int kmprof_objmap_cmp_u64(const void *a, const void *b)
{
	u64 x = *(const u64 *)a, y = *(const u64 *)b;

	return x < y ? -1 : x > y;
}

/*
 * Every mapped object is reported once, with its bucket and its age since
 * its allocation; a freed one is not.
 */
static void kmprof_objmap_test_ages(struct kunit *test)
{
	struct kmprof_profile *prof = kmprof_test_create(test, 1, 16, 16);
	struct kmprof_ages_seen seen = {};
	u32 young, old;

	kmprof_test_alloc(prof, OBJ(1), 64, 1);
	kmprof_test_alloc(prof, OBJ(2), 64, 2);
	msleep(2100);
	kmprof_test_alloc(prof, OBJ(3), 64, 1);
	kmprof_record_free(prof, OBJ(2));
	kmprof_profile_ages(prof, kmprof_now_sec(), kmprof_objmap_count_age,
			    &seen);
	KUNIT_ASSERT_EQ(test, seen.nr, 2);
	sort(seen.bucket_age, seen.nr, sizeof(u64), kmprof_objmap_cmp_u64,
	     NULL);
	/* Both in the first bucket made (site 1): index 0. */
	KUNIT_EXPECT_EQ(test, seen.bucket_age[1] >> 32, 0);
	young = (u32)seen.bucket_age[0];
	old = (u32)seen.bucket_age[1];
	KUNIT_EXPECT_LE(test, young, 1);
	KUNIT_EXPECT_GE(test, old, 2);
	KUNIT_EXPECT_LE(test, old, 5);

	/* Taken at a time before both were allocated: age 0, not negative. */
	memset(&seen, 0, sizeof(seen));
	kmprof_profile_ages(prof, kmprof_now_sec() - 1000,
			    kmprof_objmap_count_age, &seen);
	KUNIT_ASSERT_EQ(test, seen.nr, 2);
	KUNIT_EXPECT_EQ(test, (u32)seen.bucket_age[0], 0);
	KUNIT_EXPECT_EQ(test, (u32)seen.bucket_age[1], 0);
}

static struct kunit_case kmprof_objmap_cases[] = {
	KUNIT_CASE(kmprof_objmap_test_insert_lookup_remove),
	KUNIT_CASE(kmprof_objmap_test_prefilter_rate),
	KUNIT_CASE(kmprof_objmap_test_shared_bit_kept),
	KUNIT_CASE(kmprof_objmap_test_lost_free),
	KUNIT_CASE(kmprof_objmap_test_reuse_retires),
	KUNIT_CASE(kmprof_objmap_test_object_pool_exhaustion),
	KUNIT_CASE(kmprof_objmap_test_dropped_sample_takes_nothing),
	KUNIT_CASE_SLOW(kmprof_objmap_test_ages),
	{}
};

static struct kunit_suite kmprof_objmap_suite = {
	.name = "kmprof_objmap",
	.test_cases = kmprof_objmap_cases,
};

kunit_test_suites(&kmprof_objmap_suite);
