// SPDX-License-Identifier: GPL-2.0
/*
 * kmprof - the "heap" file: the published profile in the text format of
 * include/kmprof_heap.h.
 *
 * Opening the file takes a snapshot: one kmprof_profile_read() (one
 * consistent cycle) copies every bucket's counts out, with a pointer to its
 * stack, and the header's totals are summed from the copy. Reads then
 * stream it record by record (seq_operations), so the memory a read takes
 * is one copy per bucket, not the text, whatever the size of the profile.
 * The snapshot holds a reference on its profile: its stacks stay valid
 * while the file is open, even across a reset or a rate change.
 */

#include <linux/ktime.h>
#include <linux/seq_file.h>
#include <linux/slab.h>

#include <kmprof_heap.h>

#include "kmprof_internal.h"

/* Buckets the first try of a snapshot makes room for, beyond the count. */
#define KMPROF_HEAP_SLACK	64

/**
 * struct kmprof_heap_snapshot - what an open heap file shows.
 * @prof: the profile read, referenced until the file is closed.
 * @views: its buckets with published counts, as of @cycle.
 * @nr: entries in @views.
 * @capacity: room in @views.
 * @total: counts summed over @views.
 * @cycle: the cycle the snapshot shows, and when it was fixed.
 */
struct kmprof_heap_snapshot {
	struct kmprof_profile *prof;
	struct kmprof_bucket_view *views;
	unsigned int nr;
	unsigned int capacity;
	struct kmprof_counts total;
	struct kmprof_cycle_info cycle;
};

static int kmprof_heap_collect(void *arg, const struct kmprof_bucket_view *view)
{
	struct kmprof_heap_snapshot *snap = arg;

	if (snap->nr == snap->capacity)
		return -EAGAIN;
	snap->views[snap->nr++] = *view;
	return 0;
}

/*
 * Copy the published profile out. Buckets created after the count was
 * taken may be published by the read's own flush: then try again with
 * room for twice as many.
 */
static int kmprof_heap_snapshot_take(struct kmprof_heap_snapshot *snap,
				     struct kmprof_profile *prof)
{
	unsigned int i;
	int ret;

	snap->capacity = kmprof_profile_buckets(prof) + KMPROF_HEAP_SLACK;
	for (;;) {
		snap->views = kvmalloc_array(snap->capacity,
					     sizeof(*snap->views), GFP_KERNEL);
		if (!snap->views)
			return -ENOMEM;
		snap->nr = 0;
		ret = kmprof_profile_read(prof, kmprof_heap_collect, snap,
					  &snap->cycle);
		if (ret != -EAGAIN)
			break;
		kvfree(snap->views);
		snap->capacity *= 2;
	}
	if (ret) {
		kvfree(snap->views);
		return ret;
	}
	for (i = 0; i < snap->nr; i++) {
		const struct kmprof_counts *c = &snap->views[i].counts;

		snap->total.allocs += c->allocs;
		snap->total.frees += c->frees;
		snap->total.alloc_bytes += c->alloc_bytes;
		snap->total.free_bytes += c->free_bytes;
	}
	return 0;
}

static void kmprof_heap_show_header(struct seq_file *m,
				    const struct kmprof_heap_snapshot *snap)
{
	const struct kmprof_counts *t = &snap->total;
	unsigned long rate = kmprof_sampler_rate(snap->prof);

	seq_printf(m, KMPROF_HEAP_HEADER " %llu: %llu [%llu: %llu] @ "
		   KMPROF_HEAP_RATE_TAG "%lu\n",
		   t->allocs - t->frees, t->alloc_bytes - t->free_bytes,
		   t->allocs, t->alloc_bytes, rate);
	seq_printf(m, KMPROF_HEAP_MAGIC "%d rate=%lu cycle=%u pending=%u buckets=%u time_ns=%llu\n",
		   KMPROF_HEAP_VERSION, rate, snap->cycle.cycle,
		   snap->cycle.pending, snap->nr, snap->cycle.time_ns);
}

static void kmprof_heap_show_bucket(struct seq_file *m,
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

/* Position 0 is the header, position n + 1 the snapshot's bucket n. */
static void *kmprof_heap_seq_start(struct seq_file *m, loff_t *pos)
{
	struct kmprof_heap_snapshot *snap = m->private;

	if (*pos == 0)
		return SEQ_START_TOKEN;
	if (*pos > snap->nr)
		return NULL;
	return &snap->views[*pos - 1];
}

static void *kmprof_heap_seq_next(struct seq_file *m, void *v, loff_t *pos)
{
	++*pos;
	return kmprof_heap_seq_start(m, pos);
}

static void kmprof_heap_seq_stop(struct seq_file *m, void *v)
{
}

static int kmprof_heap_seq_show(struct seq_file *m, void *v)
{
	if (v == SEQ_START_TOKEN)
		kmprof_heap_show_header(m, m->private);
	else
		kmprof_heap_show_bucket(m, v);
	return 0;
}

static const struct seq_operations kmprof_heap_seq_ops = {
	.start = kmprof_heap_seq_start,
	.next = kmprof_heap_seq_next,
	.stop = kmprof_heap_seq_stop,
	.show = kmprof_heap_seq_show,
};

/**
 * kmprof_heap_open() - open the heap file: snapshot the live profile.
 * @inode: the file's inode.
 * @file: the file.
 *
 * Flushes every closed cycle first (through kmprof_profile_read()).
 *
 * Context: process context; may sleep.
 * Return: 0 or a negative errno (-ENOMEM).
 */
int kmprof_heap_open(struct inode *inode, struct file *file)
{
	struct kmprof_heap_snapshot *snap;
	struct kmprof_profile *prof;
	int ret;

	snap = __seq_open_private(file, &kmprof_heap_seq_ops, sizeof(*snap));
	if (!snap)
		return -ENOMEM;
	prof = kmprof_control_lock();
	kmprof_profile_get(prof);
	ret = kmprof_heap_snapshot_take(snap, prof);
	kmprof_control_unlock();
	if (ret) {
		kmprof_profile_put(prof);
		seq_release_private(inode, file);
		return ret;
	}
	snap->prof = prof;
	return 0;
}

/**
 * kmprof_heap_release() - close the heap file: drop its snapshot.
 * @inode: the file's inode.
 * @file: the file.
 *
 * Context: process context; may sleep (may free the last reference to a
 * profile that was replaced).
 * Return: 0.
 */
int kmprof_heap_release(struct inode *inode, struct file *file)
{
	struct seq_file *m = file->private_data;
	struct kmprof_heap_snapshot *snap = m->private;

	kvfree(snap->views);
	kmprof_profile_put(snap->prof);
	return seq_release_private(inode, file);
}
