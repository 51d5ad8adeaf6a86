// SPDX-License-Identifier: GPL-2.0
/*
 * kmprof - buckets: one record set per (allocation stack, size class,
 * allocator, labels).
 *
 * The key includes the allocated size so that every object of a bucket has
 * the same size and unbiasing a sampled count stays exact, the allocator,
 * so that a stack that allocates from two (kvmalloc()'s, say) keeps them
 * apart, and the labels the profile keeps (labels.c), so that the same
 * stack run by two cgroups is two buckets.
 *
 * Why not lib/stackdepot. Stack depot (used by KASAN, KFENCE, page_owner)
 * already deduplicates stacks without slab and is exported on both target
 * kernels, but:
 *  - a depot handle names a stack, not a (stack, size class) pair, so a
 *    bucket table keyed by (handle, size) is needed anyway and a sample
 *    would pay two hash lookups instead of one;
 *  - its pool is global and shared with the kernel's own debug users: its
 *    capacity is not ours to size or report, and records saved by 6.1 can
 *    never be freed, so a profiler's stacks would outlive its unload;
 *  - without permission to allocate (a probe handler cannot give it) it
 *    fails once its preallocated pool is full, silently for us.
 * So the stack lives inside the bucket, as in Go, and the bucket pool is
 * sized by max_buckets * max_depth. What we take from stack depot is its
 * pattern: seeded jhash2, lockless lookup, look again under the insert
 * lock, carve from a preallocated pool, publish with rcu_assign_pointer().
 *
 * Buckets are never freed while the profile lives; a bucket's key and chain
 * link are written before it is published and never again, so a lookup
 * needs no lock, only RCU (for the pointer's publication order).
 */

#include <linux/cache.h>
#include <linux/jhash.h>
#include <linux/log2.h>
#include <linux/random.h>
#include <linux/rcupdate.h>
#include <linux/string.h>
#include <linux/vmalloc.h>

#include "core.h"

/* What a bucket is looked up by, and the hash chain it belongs in. */
struct kmprof_bucket_key {
	const unsigned long *stack;
	unsigned int depth;
	size_t size_class;
	enum kmprof_allocator allocator;
	const struct kmprof_labels *labels;
	u32 hash;
	struct kmprof_bucket __rcu **head;
};

/*
 * Keep the first max_depth frames of @stack, hash them with @size_class,
 * @allocator and @labels.
 */
static void kmprof_bucket_key_init(struct kmprof_bucket_key *key,
				   struct kmprof_buckets *buckets,
				   const unsigned long *stack,
				   unsigned int depth, size_t size_class,
				   enum kmprof_allocator allocator,
				   const struct kmprof_labels *labels)
{
	u32 hash;

	key->stack = stack;
	key->depth = min(depth, buckets->max_depth);
	key->size_class = size_class;
	key->allocator = allocator;
	key->labels = labels;
	hash = jhash2((const u32 *)stack,
		      key->depth * (sizeof(*stack) / sizeof(u32)),
		      buckets->seed);
	if (labels)
		hash = jhash2((const u32 *)labels,
			      sizeof(*labels) / sizeof(u32), hash);
	key->hash = jhash_3words(hash, (u32)size_class,
				 upper_32_bits(size_class) ^ allocator,
				 buckets->seed);
	key->head = &buckets->heads[key->hash &
				    ((1U << buckets->hash_bits) - 1)];
}

/* The bucket of @key in its chain, or NULL. Under rcu_read_lock(). */
static struct kmprof_bucket *
kmprof_bucket_lookup(const struct kmprof_bucket_key *key)
{
	struct kmprof_bucket *bucket;

	for (bucket = rcu_dereference(*key->head); bucket;
	     bucket = rcu_dereference(bucket->next)) {
		if (bucket->hash == key->hash &&
		    bucket->size_class == key->size_class &&
		    bucket->allocator == key->allocator &&
		    bucket->depth == key->depth &&
		    (!key->labels || !memcmp(&bucket->labels, key->labels,
					     sizeof(*key->labels))) &&
		    !memcmp(bucket->stack, key->stack,
			    key->depth * sizeof(*key->stack)))
			return bucket;
	}
	return NULL;
}

/**
 * kmprof_bucket_get() - find or create the bucket of a stack, size,
 * allocator and labels.
 * @buckets: the bucket table.
 * @stack: return addresses; only the first @max_depth are kept.
 * @depth: entries in @stack.
 * @size_class: allocated size of the object.
 * @allocator: the allocator it comes from.
 * @labels: who allocated it; NULL in a profile that keeps no label, whose
 *	buckets all have empty labels: then neither hashed nor compared.
 *
 * Context: any context but NMI; takes buckets->insert_lock (raw, irqsave)
 * on a miss.
 * Return: the bucket, or NULL when it is new and the pool is full.
 */
struct kmprof_bucket *kmprof_bucket_get(struct kmprof_buckets *buckets,
					const unsigned long *stack,
					unsigned int depth, size_t size_class,
					enum kmprof_allocator allocator,
					const struct kmprof_labels *labels)
{
	struct kmprof_bucket_key key;
	struct kmprof_bucket *bucket;
	unsigned long flags;

	kmprof_bucket_key_init(&key, buckets, stack, depth, size_class,
			       allocator, labels);
	rcu_read_lock();
	bucket = kmprof_bucket_lookup(&key);
	if (bucket)
		goto out_rcu;

	raw_spin_lock_irqsave(&buckets->insert_lock, flags);
	/* Look again: another CPU may have inserted it meanwhile. */
	bucket = kmprof_bucket_lookup(&key);
	if (bucket || buckets->nr_used == buckets->capacity)
		goto out;

	bucket = buckets->pool + (size_t)buckets->nr_used * buckets->stride;
	bucket->hash = key.hash;
	bucket->depth = key.depth;
	bucket->size_class = size_class;
	bucket->allocator = allocator;
	if (labels)
		bucket->labels = *labels;
	else
		memset(&bucket->labels, 0, sizeof(bucket->labels));
	memcpy(bucket->stack, stack, key.depth * sizeof(*stack));
	RCU_INIT_POINTER(bucket->next, rcu_dereference(*key.head));
	rcu_assign_pointer(*key.head, bucket);
	/* Pairs with smp_load_acquire() in kmprof_buckets_count(). */
	smp_store_release(&buckets->nr_used, buckets->nr_used + 1);
out:
	raw_spin_unlock_irqrestore(&buckets->insert_lock, flags);
out_rcu:
	rcu_read_unlock();
	return bucket;
}

/**
 * kmprof_buckets_count() - number of buckets created so far.
 * @buckets: the bucket table.
 *
 * Buckets are created in index order and never removed: every index below
 * the result names a fully initialised bucket.
 *
 * Context: any.
 * Return: the count.
 */
unsigned int kmprof_buckets_count(struct kmprof_buckets *buckets)
{
	/* Pairs with smp_store_release() in kmprof_bucket_get(). */
	return smp_load_acquire(&buckets->nr_used);
}

/**
 * kmprof_bucket_at() - the bucket created index-th.
 * @buckets: the bucket table.
 * @index: below kmprof_buckets_count().
 *
 * Context: any.
 * Return: the bucket.
 */
struct kmprof_bucket *kmprof_bucket_at(struct kmprof_buckets *buckets,
				       unsigned int index)
{
	return buckets->pool + (size_t)index * buckets->stride;
}

/**
 * kmprof_buckets_reserved() - bytes reserved by the bucket table.
 * @buckets: the bucket table.
 *
 * Context: any.
 * Return: the size of the pool and of the chain heads.
 */
size_t kmprof_buckets_reserved(const struct kmprof_buckets *buckets)
{
	return (size_t)buckets->capacity * buckets->stride +
	       (sizeof(*buckets->heads) << buckets->hash_bits);
}

/**
 * kmprof_buckets_init() - reserve the bucket pool and hash table.
 * @buckets: the table to set up.
 * @capacity: buckets in the pool.
 * @max_depth: frames kept per stack.
 *
 * One chain head per bucket, rounded up to a power of two.
 *
 * Context: process context; may sleep.
 * Return: 0 or -ENOMEM.
 */
int kmprof_buckets_init(struct kmprof_buckets *buckets, unsigned int capacity,
			unsigned int max_depth)
{
	raw_spin_lock_init(&buckets->insert_lock);
	buckets->capacity = capacity;
	buckets->max_depth = max_depth;
	buckets->stride = ALIGN(sizeof(struct kmprof_bucket) +
				max_depth * sizeof(unsigned long),
				L1_CACHE_BYTES);
	buckets->hash_bits = order_base_2(capacity);
	buckets->seed = get_random_u32();
	buckets->nr_used = 0;
	buckets->pool = vzalloc(array_size(capacity, buckets->stride));
	buckets->heads = vcalloc(1UL << buckets->hash_bits,
				 sizeof(*buckets->heads));
	if (!buckets->pool || !buckets->heads) {
		kmprof_buckets_free(buckets);
		return -ENOMEM;
	}
	return 0;
}

/**
 * kmprof_buckets_free() - release the bucket table.
 * @buckets: the table, no longer reachable by any reader.
 *
 * Context: process context.
 */
void kmprof_buckets_free(struct kmprof_buckets *buckets)
{
	vfree(buckets->heads);
	vfree(buckets->pool);
	buckets->heads = NULL;
	buckets->pool = NULL;
}

#ifdef KMPROF_TEST

/* === Test hooks (testing.h) === */

/**
 * kmprof_bucket_test_set_hash_bits() - resize the chain table (tests).
 * @prof: a profile with no bucket yet.
 * @bits: log2 of the number of chains to use, not above the reserved one;
 *	0 puts every bucket on one chain.
 *
 * Context: process context.
 * Return: 0, -EBUSY if a bucket exists, -EINVAL if @bits is too large.
 */
int kmprof_bucket_test_set_hash_bits(struct kmprof_profile *prof,
				     unsigned int bits)
{
	struct kmprof_buckets *buckets = &prof->buckets;
	unsigned long flags;
	int ret = 0;

	raw_spin_lock_irqsave(&buckets->insert_lock, flags);
	if (buckets->nr_used)
		ret = -EBUSY;
	else if (bits > buckets->hash_bits)
		ret = -EINVAL;
	else
		buckets->hash_bits = bits;
	raw_spin_unlock_irqrestore(&buckets->insert_lock, flags);
	return ret;
}
EXPORT_SYMBOL_IF_KUNIT(kmprof_bucket_test_set_hash_bits);

/**
 * kmprof_bucket_test_exists() - look a bucket up without creating it.
 * @prof: the profile.
 * @stack: return addresses.
 * @depth: entries in @stack.
 * @size_class: allocated size.
 * @allocator: the allocator.
 * @labels: the labels; ignored in a profile that keeps none.
 * @index: if not NULL, set to the bucket's creation index when found.
 *
 * Context: any.
 * Return: true if the bucket exists.
 */
bool kmprof_bucket_test_exists(struct kmprof_profile *prof,
			       const unsigned long *stack, unsigned int depth,
			       size_t size_class,
			       enum kmprof_allocator allocator,
			       const struct kmprof_labels *labels,
			       unsigned int *index)
{
	struct kmprof_buckets *buckets = &prof->buckets;
	struct kmprof_bucket_key key;
	struct kmprof_bucket *bucket;

	kmprof_bucket_key_init(&key, buckets, stack, depth, size_class,
			       allocator, prof->labels ? labels : NULL);
	rcu_read_lock();
	bucket = kmprof_bucket_lookup(&key);
	rcu_read_unlock();
	if (bucket && index)
		*index = ((void *)bucket - buckets->pool) / buckets->stride;
	return bucket;
}
EXPORT_SYMBOL_IF_KUNIT(kmprof_bucket_test_exists);

#endif /* KMPROF_TEST */
