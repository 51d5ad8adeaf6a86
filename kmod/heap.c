// SPDX-License-Identifier: GPL-2.0
/*
 * kmprof - the "heap" file: the published profile in the text format of
 * include/kmprof_heap.h.
 *
 * The header line carries the totals, so the buckets are first copied out
 * in one kmprof_profile_read() (one consistent cycle), then printed.
 */

#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/vmalloc.h>

#include <kmprof_heap.h>

#include "kmprof_internal.h"

struct kmprof_heap_snapshot {
	struct kmprof_bucket_view *views;
	unsigned int nr;
	unsigned int capacity;
};

static int kmprof_heap_collect(void *arg, const struct kmprof_bucket_view *view)
{
	struct kmprof_heap_snapshot *snap = arg;

	if (snap->nr == snap->capacity)
		return -EAGAIN;
	snap->views[snap->nr++] = *view;
	return 0;
}

static void kmprof_heap_print_bucket(struct seq_file *m,
				     const struct kmprof_bucket_view *view)
{
	const struct kmprof_counts *c = &view->counts;
	unsigned int i;

	seq_printf(m, "%llu: %llu [%llu: %llu] @", c->allocs - c->frees,
		   c->alloc_bytes - c->free_bytes, c->allocs, c->alloc_bytes);
	for (i = 0; i < view->depth; i++)
		seq_printf(m, " 0x%lx", view->stack[i]);
	seq_printf(m, "\n# size=%zu inuse_req=%llu alloc_req=%llu\n",
		   view->size_class, c->alloc_req_bytes - c->free_req_bytes,
		   c->alloc_req_bytes);
	for (i = 0; i < view->depth; i++)
		seq_printf(m, "#\t0x%lx\t%pS\n", view->stack[i],
			   (void *)view->stack[i]);
}

/**
 * kmprof_heap_show() - print a profile's published state.
 * @m: the seq_file.
 * @prof: the profile, held by the caller against reset and unload.
 *
 * Flushes every closed cycle first (through kmprof_profile_read()).
 *
 * Context: process context; may sleep.
 * Return: 0 or -ENOMEM.
 */
int kmprof_heap_show(struct seq_file *m, struct kmprof_profile *prof)
{
	struct kmprof_heap_snapshot snap = {};
	struct kmprof_counts total = {};
	struct kmprof_cycle_info cycle;
	unsigned int i;
	int ret;

	/* Buckets are never removed: the pool size bounds the snapshot. */
	snap.capacity = kmprof_profile_max_buckets(prof);
	snap.views = kvmalloc_array(snap.capacity, sizeof(*snap.views),
				    GFP_KERNEL);
	if (!snap.views)
		return -ENOMEM;
	ret = kmprof_profile_read(prof, kmprof_heap_collect, &snap);
	if (ret)
		goto out;
	kmprof_cycle_get(prof, &cycle);

	for (i = 0; i < snap.nr; i++) {
		const struct kmprof_counts *c = &snap.views[i].counts;

		total.allocs += c->allocs;
		total.frees += c->frees;
		total.alloc_bytes += c->alloc_bytes;
		total.free_bytes += c->free_bytes;
	}
	seq_printf(m, KMPROF_HEAP_HEADER " %llu: %llu [%llu: %llu] @ "
		   KMPROF_HEAP_RATE_TAG "%lu\n",
		   total.allocs - total.frees,
		   total.alloc_bytes - total.free_bytes,
		   total.allocs, total.alloc_bytes, kmprof_sampler_rate(prof));
	seq_printf(m, KMPROF_HEAP_MAGIC "%d rate=%lu cycle=%u pending=%u buckets=%u\n",
		   KMPROF_HEAP_VERSION, kmprof_sampler_rate(prof), cycle.cycle,
		   cycle.pending, snap.nr);
	for (i = 0; i < snap.nr && !seq_has_overflowed(m); i++)
		kmprof_heap_print_bucket(m, &snap.views[i]);
out:
	kvfree(snap.views);
	return ret;
}
