// SPDX-License-Identifier: GPL-2.0
/*
 * kmprof - the object map: sampled object address -> (bucket, sizes).
 *
 * Every slab free asks it whether the object was sampled, and nearly every
 * answer is no. The no must cost one cache line: a bitmap of 8 bits per
 * object the map can hold, indexed by a hash of the address, has a bit set
 * exactly when some mapped object hashes to it. A clear bit answers without
 * a lock; a set bit (a sampled object, or a false positive with probability
 * at most objects mapped / bits, i.e. 1/8 when full) takes the lock and
 * walks a chain.
 *
 * Chains are indexed by the top bits of the same hash, so all objects that
 * share a filter bit share a chain, and removing one tells exactly whether
 * the bit must be cleared: the map keeps the bitmap exact, no counting.
 *
 * Entries come from a pool reserved at creation, linked by index; the free
 * ones form a list.
 */

#include <linux/bitmap.h>
#include <linux/bitops.h>
#include <linux/hash.h>
#include <linux/log2.h>
#include <linux/sched.h>
#include <linux/vmalloc.h>

#include "core.h"

/* An object's birth costs no memory: it fills the entry's padding. */
static_assert(sizeof(struct kmprof_object) == 4 * sizeof(unsigned long));

/* Filter bits per chain (per object at capacity): false positives <= 1/8. */
#define KMPROF_FILTER_SHIFT	3

static u32 kmprof_objmap_chain(const struct kmprof_objmap *map, u32 hash)
{
	return hash >> (map->filter_bits - map->chain_bits);
}

/*
 * The link that points at @addr's entry, or at the end of its chain when
 * it is not mapped; NULL when the chain is corrupt (a link out of the pool
 * or a loop), which is reported once and then read as "not mapped".
 */
static u32 *kmprof_objmap_find_locked(struct kmprof_objmap *map,
				      unsigned long addr, u32 hash)
{
	u32 *link = &map->chains[kmprof_objmap_chain(map, hash)];
	u32 steps = 0;

	while (*link != KMPROF_OBJECT_NONE) {
		if (*link >= map->capacity || steps++ == map->capacity) {
			kmprof_profile_broken(container_of(map,
							   struct kmprof_profile,
							   objects),
					      "object map chain corrupt");
			return NULL;
		}
		if (map->pool[*link].addr == addr)
			break;
		link = &map->pool[*link].next;
	}
	return link;
}

/**
 * kmprof_objmap_has_room_locked() - can one more object be mapped?
 * @map: the object map.
 *
 * Context: any context but NMI; caller holds map->lock.
 * Return: true if kmprof_objmap_insert_locked() has an entry to take.
 */
bool kmprof_objmap_has_room_locked(const struct kmprof_objmap *map)
{
	lockdep_assert_held(&map->lock);
	return map->free_head != KMPROF_OBJECT_NONE;
}

/**
 * kmprof_objmap_insert_locked() - map a sampled object.
 * @map: the object map, with room (kmprof_objmap_has_room_locked()).
 * @addr: the object's address, not mapped.
 * @bucket: its bucket.
 * @req_size: bytes requested.
 * @born: when it was allocated, kmprof_now_sec().
 *
 * Context: any context but NMI; caller holds map->lock.
 */
void kmprof_objmap_insert_locked(struct kmprof_objmap *map, unsigned long addr,
				 struct kmprof_bucket *bucket, size_t req_size,
				 u32 born)
{
	u32 hash = kmprof_objmap_hash(map, addr);
	u32 *head = &map->chains[kmprof_objmap_chain(map, hash)];
	u32 index = map->free_head;
	struct kmprof_object *obj = &map->pool[index];

	lockdep_assert_held(&map->lock);
	map->free_head = obj->next;
	obj->addr = addr;
	obj->bucket = bucket;
	obj->req_size = req_size;
	obj->born = born;
	obj->next = *head;
	*head = index;
	set_bit(hash, map->prefilter);
	WRITE_ONCE(map->nr_used, map->nr_used + 1);
}

/**
 * kmprof_objmap_remove_locked() - unmap an object.
 * @map: the object map.
 * @addr: the object's address.
 * @old: filled with the entry removed.
 *
 * Context: any context but NMI; caller holds map->lock.
 * Return: true if @addr was mapped.
 */
bool kmprof_objmap_remove_locked(struct kmprof_objmap *map, unsigned long addr,
				 struct kmprof_object *old)
{
	u32 hash = kmprof_objmap_hash(map, addr);
	u32 *link = kmprof_objmap_find_locked(map, addr, hash);
	u32 index, other, steps;

	lockdep_assert_held(&map->lock);
	if (!link || *link == KMPROF_OBJECT_NONE)
		return false;
	index = *link;
	*old = map->pool[index];
	*link = map->pool[index].next;
	map->pool[index].next = map->free_head;
	map->pool[index].bucket = NULL;
	map->free_head = index;
	WRITE_ONCE(map->nr_used, map->nr_used - 1);

	/*
	 * Keep the bit if another object of the chain shares it. The walk is
	 * bounded as kmprof_objmap_find_locked()'s, which reported a corrupt
	 * chain already.
	 */
	other = map->chains[kmprof_objmap_chain(map, hash)];
	for (steps = 0; other < map->capacity && steps < map->capacity;
	     other = map->pool[other].next, steps++)
		if (kmprof_objmap_hash(map, map->pool[other].addr) == hash)
			return true;
	clear_bit(hash, map->prefilter);
	return true;
}

/**
 * kmprof_objmap_reserved() - bytes reserved by the object map.
 * @map: the object map.
 *
 * Context: any.
 * Return: pool, chains and bitmap sizes.
 */
size_t kmprof_objmap_reserved(const struct kmprof_objmap *map)
{
	return (size_t)map->capacity * sizeof(*map->pool) +
	       (sizeof(*map->chains) << map->chain_bits) +
	       BITS_TO_LONGS(1UL << map->filter_bits) * sizeof(long);
}

/**
 * kmprof_objmap_init() - reserve the object map.
 * @map: the map to set up.
 * @capacity: objects it can hold.
 *
 * Context: process context; may sleep.
 * Return: 0 or -ENOMEM.
 */
int kmprof_objmap_init(struct kmprof_objmap *map, unsigned int capacity)
{
	u32 i;

	raw_spin_lock_init(&map->lock);
	map->capacity = capacity;
	map->chain_bits = order_base_2(capacity);
	map->filter_bits = map->chain_bits + KMPROF_FILTER_SHIFT;
	map->nr_used = 0;
	map->pool = vmalloc_array(capacity, sizeof(*map->pool));
	map->chains = vmalloc_array(1UL << map->chain_bits,
				    sizeof(*map->chains));
	map->prefilter = vzalloc(BITS_TO_LONGS(1UL << map->filter_bits) *
				 sizeof(long));
	if (!map->pool || !map->chains || !map->prefilter) {
		kmprof_objmap_free(map);
		return -ENOMEM;
	}
	for (i = 0; i < capacity; i++) {
		map->pool[i].bucket = NULL;
		map->pool[i].next = i + 1 < capacity ? i + 1 : KMPROF_OBJECT_NONE;
	}
	map->free_head = 0;
	for (i = 0; i < 1U << map->chain_bits; i++)
		map->chains[i] = KMPROF_OBJECT_NONE;
	return 0;
}

/**
 * kmprof_objmap_free() - release the object map.
 * @map: the map, no longer in use.
 *
 * Context: process context.
 */
void kmprof_objmap_free(struct kmprof_objmap *map)
{
	vfree(map->prefilter);
	vfree(map->chains);
	vfree(map->pool);
	map->prefilter = NULL;
	map->chains = NULL;
	map->pool = NULL;
}

/* Entries of the object map walked per hold of objects.lock. */
#define KMPROF_AGES_BATCH	1024

/**
 * kmprof_profile_ages() - the age of every sampled object in use.
 * @prof: the profile.
 * @now: the time the ages are taken at, from kmprof_now_sec(): two walks
 *	with the same @now see an object of both at the same age.
 * @fn: called for each object with @arg, its bucket's creation index and
 *	its age in seconds (0 if it was allocated after @now), under
 *	objects.lock with IRQs off: it must only count.
 * @arg: passed to @fn.
 *
 * Walks the object map KMPROF_AGES_BATCH entries per hold of its lock:
 * an object allocated or freed during the walk may be seen or not.
 *
 * Context: process context; may sleep between batches.
 */
void kmprof_profile_ages(struct kmprof_profile *prof, u32 now,
			 kmprof_age_fn fn, void *arg)
{
	const struct kmprof_buckets *buckets = &prof->buckets;
	struct kmprof_objmap *map = &prof->objects;
	const struct kmprof_object *obj;
	unsigned long flags;
	u32 i = 0, end;
	s32 age;

	while (i < map->capacity) {
		end = min(i + KMPROF_AGES_BATCH, map->capacity);
		raw_spin_lock_irqsave(&map->lock, flags);
		for (; i < end; i++) {
			obj = &map->pool[i];
			if (!obj->bucket)
				continue;
			age = now - obj->born;
			fn(arg, ((void *)obj->bucket - buckets->pool) /
				buckets->stride, max(age, 0));
		}
		raw_spin_unlock_irqrestore(&map->lock, flags);
		cond_resched();
	}
}
EXPORT_SYMBOL_IF_KUNIT(kmprof_profile_ages);

#ifdef KMPROF_TEST

/* === Test hooks (testing.h) === */

/**
 * kmprof_objmap_test_prefilter() - the prefilter's answer (tests).
 * @prof: the profile.
 * @addr: an address.
 *
 * Context: any.
 * Return: kmprof_objmap_may_contain().
 */
bool kmprof_objmap_test_prefilter(struct kmprof_profile *prof,
				  unsigned long addr)
{
	return kmprof_objmap_may_contain(&prof->objects, addr);
}
EXPORT_SYMBOL_IF_KUNIT(kmprof_objmap_test_prefilter);

/**
 * kmprof_objmap_test_filter_bits() - log2 of the prefilter's size (tests).
 * @prof: the profile.
 *
 * Context: any.
 * Return: the number of address bits the prefilter hashes to.
 */
unsigned int kmprof_objmap_test_filter_bits(struct kmprof_profile *prof)
{
	return prof->objects.filter_bits;
}
EXPORT_SYMBOL_IF_KUNIT(kmprof_objmap_test_filter_bits);

/**
 * kmprof_objmap_test_lookup() - read a mapped object's sizes (tests).
 * @prof: the profile.
 * @addr: an address.
 * @req_size: set to the requested size if mapped.
 * @alloc_size: set to the allocated size if mapped.
 *
 * Context: any context but NMI; takes objects.lock.
 * Return: true if @addr is mapped.
 */
bool kmprof_objmap_test_lookup(struct kmprof_profile *prof, unsigned long addr,
			       size_t *req_size, size_t *alloc_size)
{
	struct kmprof_objmap *map = &prof->objects;
	unsigned long flags;
	bool mapped;
	u32 *link;

	raw_spin_lock_irqsave(&map->lock, flags);
	link = kmprof_objmap_find_locked(map, addr,
					 kmprof_objmap_hash(map, addr));
	mapped = link && *link != KMPROF_OBJECT_NONE;
	if (mapped) {
		*req_size = map->pool[*link].req_size;
		*alloc_size = map->pool[*link].bucket->size_class;
	}
	raw_spin_unlock_irqrestore(&map->lock, flags);
	return mapped;
}
EXPORT_SYMBOL_IF_KUNIT(kmprof_objmap_test_lookup);

#endif /* KMPROF_TEST */
