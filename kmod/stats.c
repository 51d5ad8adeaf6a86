// SPDX-License-Identifier: GPL-2.0
/*
 * kmprof - the counters of a profile (report.c prints them).
 *
 * Event counters are per CPU (a probe handler bumps one without sharing a
 * cache line with other CPUs) and summed when read; levels (buckets and
 * objects in use, the cycle, memory reserved, how long advances and
 * flushes took) are read from the state.
 */

#include <linux/build_bug.h>

#include "core.h"

const char *const kmprof_stat_names[KMPROF_STAT_COUNT] = {
	[KMPROF_STAT_SAMPLES]		= "samples",
	[KMPROF_STAT_FREES]		= "sampled_frees",
	[KMPROF_STAT_DROPS_BUCKET]	= "drops_bucket_pool",
	[KMPROF_STAT_DROPS_OBJECT]	= "drops_object_pool",
	[KMPROF_STAT_DROPS_STACK]	= "drops_no_stack",
	[KMPROF_STAT_LOST_FREES]	= "lost_frees",
	[KMPROF_STAT_FLUSHES]		= "flushes",
	[KMPROF_STAT_SKIPPED_ADVANCES]	= "skipped_advances",
	[KMPROF_STAT_BUCKETS]		= "buckets_in_use",
	[KMPROF_STAT_OBJECTS]		= "objects_in_use",
	[KMPROF_STAT_CYCLE]		= "cycle",
	[KMPROF_STAT_RESERVED_BYTES]	= "reserved_bytes",
	[KMPROF_STAT_ADVANCE_LAST_NS]	= "advance_last_ns",
	[KMPROF_STAT_ADVANCE_MAX_NS]	= "advance_max_ns",
	[KMPROF_STAT_FLUSH_LAST_NS]	= "flush_last_ns",
	[KMPROF_STAT_FLUSH_LAST_BATCH_NS] = "flush_last_batch_ns",
	[KMPROF_STAT_FLUSH_BATCH_MAX_NS] = "flush_batch_max_ns",
};
EXPORT_SYMBOL_IF_KUNIT(kmprof_stat_names);
static_assert(ARRAY_SIZE(kmprof_stat_names) == KMPROF_STAT_COUNT);

/**
 * kmprof_stats_read() - read every counter.
 * @prof: the profile.
 * @values: KMPROF_STAT_COUNT values, indexed by enum kmprof_stat.
 *
 * Each counter is read on its own: the set is not one atomic snapshot.
 *
 * Context: any.
 */
void kmprof_stats_read(struct kmprof_profile *prof, u64 *values)
{
	const struct kmprof_cycles *cycles = &prof->cycles;
	int item, cpu;

	for (item = 0; item < KMPROF_STAT_FIRST_LEVEL; item++) {
		values[item] = 0;
		for_each_possible_cpu(cpu)
			values[item] += per_cpu_ptr(prof->stats, cpu)->count[item];
	}
	values[KMPROF_STAT_BUCKETS] = kmprof_buckets_count(&prof->buckets);
	/* Pairs with WRITE_ONCE() in objmap.c. */
	values[KMPROF_STAT_OBJECTS] = READ_ONCE(prof->objects.nr_used);
	/* Pairs with WRITE_ONCE() in __kmprof_cycle_advance(). */
	values[KMPROF_STAT_CYCLE] = READ_ONCE(prof->cycles.cycle);
	values[KMPROF_STAT_RESERVED_BYTES] =
		sizeof(*prof) +
		(sizeof(struct kmprof_stats_cpu) +
		 sizeof(struct kmprof_sampler_cpu)) * num_possible_cpus() +
		kmprof_buckets_reserved(&prof->buckets) +
		kmprof_objmap_reserved(&prof->objects);
	/* Each pairs with a WRITE_ONCE() in cycle.c. */
	values[KMPROF_STAT_ADVANCE_LAST_NS] = READ_ONCE(cycles->advance_last_ns);
	values[KMPROF_STAT_ADVANCE_MAX_NS] = READ_ONCE(cycles->advance_max_ns);
	values[KMPROF_STAT_FLUSH_LAST_NS] = READ_ONCE(cycles->flush_last_ns);
	values[KMPROF_STAT_FLUSH_LAST_BATCH_NS] =
		READ_ONCE(cycles->flush_last_batch_ns);
	values[KMPROF_STAT_FLUSH_BATCH_MAX_NS] = READ_ONCE(cycles->batch_max_ns);
}
EXPORT_SYMBOL_IF_KUNIT(kmprof_stats_read);
