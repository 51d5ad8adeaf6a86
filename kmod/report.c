// SPDX-License-Identifier: GPL-2.0
/*
 * kmprof - the output layer: every text the module shows in debugfs, in
 * the formats include/kmprof.h and include/kmprof_heap.h define. Each file
 * is built from one hold of kmprof_control_mutex, so that a reset or a
 * rate change never mixes two profiles in one read.
 *
 * The heap file is the large one. Opening it takes a snapshot: one
 * kmprof_profile_read() (one consistent cycle) copies every bucket's counts
 * out, with a pointer to its stack, and the header's totals are summed from
 * the copy. Reads then stream it record by record (seq_operations), so the
 * memory a read takes is one copy per bucket, not the text, whatever the
 * size of the profile. The snapshot holds a reference on its profile: its
 * stacks stay valid while the file is open, even across a reset or a rate
 * change. It also keeps the symbols of the frames it printed, up to 1024:
 * stacks share most of their frames, and a symbol's lookup costs more than
 * the rest of a record.
 */

#include <linux/bitmap.h>
#include <linux/hash.h>
#include <linux/kallsyms.h>
#include <linux/ktime.h>
#include <linux/log2.h>
#include <linux/seq_file.h>
#include <linux/slab.h>

#include <kmprof.h>
#include <kmprof_heap.h>

#include "backend.h"
#include "control.h"
#include "report.h"

/* === stats, probes and the small files === */

/**
 * kmprof_report_stats_show() - the "stats" file.
 * @m: where to print.
 * @unused: the seq_file's private data.
 *
 * The profile's counters, then the backend's dropped events and the
 * control's state, all read in one hold of kmprof_control_mutex.
 *
 * Context: process context; may sleep.
 * Return: 0.
 */
int kmprof_report_stats_show(struct seq_file *m, void *unused)
{
	unsigned long alloc_missed, free_missed;
	struct kmprof_control_view view;
	u64 values[KMPROF_STAT_COUNT];
	int item;

	kmprof_stats_read(kmprof_control_lock(), values);
	kmprof_control_view_locked(&view);
	view.backend->missed(&alloc_missed, &free_missed);
	kmprof_control_unlock();

	seq_printf(m, "kmprof stats v%d\n", KMPROF_STATS_VERSION);
	/* Allocations are counted once, by the backend's hits. */
	if (kmprof_hits_on())
		seq_printf(m, "events %lu\n", view.events);
	for (item = 0; item < KMPROF_STAT_COUNT; item++)
		seq_printf(m, "%s %llu\n", kmprof_stat_names[item], values[item]);
	seq_printf(m, "alloc_probe_nmissed %lu\n", alloc_missed);
	seq_printf(m, "free_probe_nmissed %lu\n", free_missed);
	seq_printf(m, "disabled_by_warn %d\n", view.disabled_by_warn);
	seq_printf(m, "backend %s\n", view.backend->name);
	return 0;
}

/* One line of the probes file; hits "-" unless counted (hits=1). */
static void kmprof_report_entry_point(void *arg,
				      const struct kmprof_entry_point *entry)
{
	struct seq_file *m = arg;

	seq_printf(m, "%s%s %s %s ", entry->system, entry->name,
		   kmprof_probe_role_names[entry->role],
		   kmprof_probe_state_names[entry->state]);
	if (kmprof_hits_on())
		seq_printf(m, "%lu", entry->hits);
	else
		seq_putc(m, '-');
	seq_printf(m, " %lu %s\n", entry->missed,
		   kmprof_allocator_names[entry->allocator]);
}

/**
 * kmprof_report_probes_show() - the "probes" file.
 * @m: where to print.
 * @unused: the seq_file's private data.
 *
 * Under kmprof_control_mutex: arming rewrites the entry points' states.
 *
 * Context: process context; may sleep.
 * Return: 0.
 */
int kmprof_report_probes_show(struct seq_file *m, void *unused)
{
	struct kmprof_control_view view;

	kmprof_control_lock();
	kmprof_control_view_locked(&view);
	seq_printf(m, "kmprof probes v%d\n", KMPROF_PROBES_VERSION);
	seq_printf(m, "backend %s\n", view.backend->name);
	kmprof_backend_walk(view.backend, kmprof_report_entry_point, m);
	kmprof_control_unlock();
	return 0;
}

/**
 * kmprof_report_cycle() - the "cycle" file: the counter, pending flushes.
 * @m: where to print.
 * @unused: the seq_file's private data.
 *
 * Context: process context; may sleep.
 * Return: 0.
 */
int kmprof_report_cycle(struct seq_file *m, void *unused)
{
	struct kmprof_cycle_info info;

	kmprof_cycle_get(kmprof_control_lock(), &info);
	kmprof_control_unlock();
	seq_printf(m, "cycle %u pending %u\n", info.cycle, info.pending);
	return 0;
}

/**
 * kmprof_report_rate() - the "rate" file: the live profile's rate.
 * @m: where to print.
 * @unused: the seq_file's private data.
 *
 * Context: process context; may sleep.
 * Return: 0.
 */
int kmprof_report_rate(struct seq_file *m, void *unused)
{
	seq_printf(m, "%lu\n", kmprof_sampler_rate(kmprof_control_lock()));
	kmprof_control_unlock();
	return 0;
}

/**
 * kmprof_report_enable() - the "enable" file: 1 while the backend is armed.
 * @m: where to print.
 * @unused: the seq_file's private data.
 *
 * Context: process context; may sleep.
 * Return: 0.
 */
int kmprof_report_enable(struct seq_file *m, void *unused)
{
	struct kmprof_control_view view;

	kmprof_control_lock();
	kmprof_control_view_locked(&view);
	kmprof_control_unlock();
	seq_printf(m, "%d\n", view.enabled);
	return 0;
}

/* === heap === */

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
 * @sources: the allocators the backend records, BIT(enum kmprof_allocator)
 *	each.
 * @symbols: the symbols of frames printed so far, 1 << @symbol_bits.
 * @symbol_bits: log2 of the entries of @symbols.
 * @age_classes: per view, the age classes its sampled objects in use fell
 *	in, BIT_ULL(class) each.
 * @age_first: per view, where its classes' counts start in @age_counts.
 * @age_counts: the objects of each class of @age_classes, view by view,
 *	classes ascending: memory for the classes that count objects only.
 */
struct kmprof_heap_snapshot {
	struct kmprof_profile *prof;
	struct kmprof_bucket_view *views;
	unsigned int nr;
	unsigned int capacity;
	struct kmprof_counts total;
	struct kmprof_cycle_info cycle;
	unsigned int sources;
	struct kmprof_symbol *symbols;
	unsigned int symbol_bits;
	u64 *age_classes;
	u32 *age_first;
	u32 *age_counts;
};

/* @age_classes is a bitmap of them. */
static_assert(KMPROF_HEAP_AGE_CLASSES <= 64);

/*
 * A frame's symbol as "%pS" prints it, kept for the next record that
 * shares the frame: most stacks of a profile do, and looking a symbol up
 * (a module's one in particular) costs more than the rest of a record.
 */
struct kmprof_symbol {
	unsigned long addr;		/* 0: empty */
	char name[KSYM_SYMBOL_LEN];
};

/* The symbol cache of a snapshot: up to 2^10 frames, direct mapped. */
#define KMPROF_SYMBOLS_MIN_BITS	6
#define KMPROF_SYMBOLS_MAX_BITS	10

static int kmprof_heap_collect(void *arg, const struct kmprof_bucket_view *view)
{
	struct kmprof_heap_snapshot *snap = arg;

	if (snap->nr == snap->capacity)
		return -EAGAIN;
	snap->views[snap->nr++] = *view;
	return 0;
}

/* Where the age walks count: views by bucket index. */
struct kmprof_heap_ages {
	struct kmprof_heap_snapshot *snap;
	u32 *view_of;		/* by bucket index: view index + 1, 0 none */
	unsigned int nr_buckets;
};

/* The first walk: which classes each view's objects fall in. */
static void kmprof_heap_mark_age(void *arg, unsigned int bucket, u32 age)
{
	struct kmprof_heap_ages *ages = arg;

	if (bucket < ages->nr_buckets && ages->view_of[bucket])
		ages->snap->age_classes[ages->view_of[bucket] - 1] |=
			BIT_ULL(kmprof_age_class(age, KMPROF_HEAP_AGE_CLASSES));
}

/*
 * The second walk, at the same time: count them. An object of a class the
 * first walk did not see was allocated after that walk read its entry, at
 * the walks' time or later: class 0, among the youngest, which the trim
 * below would drop first. It is left out.
 */
static void kmprof_heap_count_age(void *arg, unsigned int bucket, u32 age)
{
	struct kmprof_heap_ages *ages = arg;
	struct kmprof_heap_snapshot *snap = ages->snap;
	u64 below, bit = BIT_ULL(kmprof_age_class(age, KMPROF_HEAP_AGE_CLASSES));
	unsigned int view;

	if (bucket >= ages->nr_buckets || !ages->view_of[bucket])
		return;
	view = ages->view_of[bucket] - 1;
	if (!(snap->age_classes[view] & bit))
		return;
	below = snap->age_classes[view] & (bit - 1);
	snap->age_counts[snap->age_first[view] + hweight64(below)]++;
}

/*
 * Each view keeps at most its in-use objects, the oldest ones: objects
 * allocated since the snapshot are in the map too, and they are the
 * youngest. Objects freed since are missing: the classes may count fewer
 * objects than the view has in use.
 */
static void kmprof_heap_trim_ages(struct kmprof_heap_snapshot *snap,
				  unsigned int view)
{
	const struct kmprof_counts *c = &snap->views[view].counts;
	u32 *counts = &snap->age_counts[snap->age_first[view]];
	unsigned int k, nr = hweight64(snap->age_classes[view]);
	u64 sum = 0, inuse = c->allocs - c->frees;
	u32 drop;

	for (k = 0; k < nr; k++)
		sum += counts[k];
	for (k = 0; sum > inuse; k++) {
		drop = min_t(u64, counts[k], sum - inuse);
		counts[k] -= drop;
		sum -= drop;
	}
}

/*
 * The age classes of each view's sampled objects in use, in two walks of
 * the object map at one time: the first finds the classes, the second
 * counts them, so that only the classes with objects take memory.
 */
static int kmprof_heap_snapshot_ages(struct kmprof_heap_snapshot *snap)
{
	struct kmprof_heap_ages ages = { .snap = snap };
	u32 now = kmprof_now_sec();
	unsigned int i, nr_counts = 0;
	int ret = -ENOMEM;

	ages.nr_buckets = kmprof_profile_buckets(snap->prof);
	ages.view_of = kvcalloc(ages.nr_buckets, sizeof(*ages.view_of),
				GFP_KERNEL);
	snap->age_classes = kvcalloc(snap->nr, sizeof(*snap->age_classes),
				     GFP_KERNEL);
	snap->age_first = kvcalloc(snap->nr, sizeof(*snap->age_first),
				   GFP_KERNEL);
	if (!ages.view_of || !snap->age_classes || !snap->age_first)
		goto out;
	for (i = 0; i < snap->nr; i++)
		ages.view_of[snap->views[i].index] = i + 1;
	kmprof_profile_ages(snap->prof, now, kmprof_heap_mark_age, &ages);
	for (i = 0; i < snap->nr; i++) {
		snap->age_first[i] = nr_counts;
		nr_counts += hweight64(snap->age_classes[i]);
	}
	snap->age_counts = kvcalloc(max(nr_counts, 1U),
				    sizeof(*snap->age_counts), GFP_KERNEL);
	if (!snap->age_counts)
		goto out;
	kmprof_profile_ages(snap->prof, now, kmprof_heap_count_age, &ages);
	for (i = 0; i < snap->nr; i++)
		kmprof_heap_trim_ages(snap, i);
	ret = 0;
out:
	kvfree(ages.view_of);
	return ret;
}

/* Free what a snapshot holds besides its profile's reference. */
static void kmprof_heap_snapshot_free(struct kmprof_heap_snapshot *snap)
{
	kvfree(snap->symbols);
	kvfree(snap->age_counts);
	kvfree(snap->age_first);
	kvfree(snap->age_classes);
	kvfree(snap->views);
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
	ret = kmprof_heap_snapshot_ages(snap);
	if (ret) {
		kmprof_heap_snapshot_free(snap);
		return ret;
	}
	for (i = 0; i < snap->nr; i++) {
		const struct kmprof_counts *c = &snap->views[i].counts;

		snap->total.allocs += c->allocs;
		snap->total.frees += c->frees;
		snap->total.alloc_bytes += c->alloc_bytes;
		snap->total.free_bytes += c->free_bytes;
	}
	/* Room for a frame or two per bucket, within the bounds. */
	snap->symbol_bits = clamp(order_base_2(snap->nr),
				  KMPROF_SYMBOLS_MIN_BITS,
				  KMPROF_SYMBOLS_MAX_BITS);
	snap->symbols = kvcalloc(1U << snap->symbol_bits,
				 sizeof(*snap->symbols), GFP_KERNEL);
	if (!snap->symbols) {
		kmprof_heap_snapshot_free(snap);
		return -ENOMEM;
	}
	return 0;
}

/* The names of the bits of @set, from @names, separated by commas. */
static void kmprof_heap_show_names(struct seq_file *m, unsigned int set,
				   const char *const *names, unsigned int nr)
{
	const char *sep = "";
	unsigned int i;

	for (i = 0; i < nr; i++) {
		if (set & BIT(i)) {
			seq_printf(m, "%s%s", sep, names[i]);
			sep = ",";
		}
	}
}

static void kmprof_heap_show_header(struct seq_file *m,
				    const struct kmprof_heap_snapshot *snap)
{
	const struct kmprof_counts *t = &snap->total;
	unsigned long rate = kmprof_sampler_rate(snap->prof);
	unsigned int labels = kmprof_profile_labels(snap->prof);

	seq_printf(m, KMPROF_HEAP_HEADER " %llu: %llu [%llu: %llu] @ "
		   KMPROF_HEAP_RATE_TAG "%lu\n",
		   t->allocs - t->frees, t->alloc_bytes - t->free_bytes,
		   t->allocs, t->alloc_bytes, rate);
	seq_printf(m, KMPROF_HEAP_MAGIC "%d rate=%lu cycle=%u pending=%u buckets=%u time_ns=%llu sources=",
		   KMPROF_HEAP_VERSION, rate, snap->cycle.cycle, snap->cycle.pending, snap->nr,
		   snap->cycle.time_ns);
	kmprof_heap_show_names(m, snap->sources, kmprof_allocator_names,
			       KMPROF_ALLOCATORS);
	if (labels) {
		seq_puts(m, " labels=");
		kmprof_heap_show_names(m, labels, kmprof_label_names,
				       KMPROF_LABELS);
	}
	seq_putc(m, '\n');
}

/* @addr's symbol, through the snapshot's cache. */
static const char *kmprof_heap_symbol(struct kmprof_heap_snapshot *snap,
				      unsigned long addr)
{
	struct kmprof_symbol *sym;

	sym = &snap->symbols[hash_long(addr, snap->symbol_bits)];
	if (sym->addr != addr || !addr) {
		sprint_symbol(sym->name, addr);
		sym->addr = addr;
	}
	return sym->name;
}

/*
 * A task's name as kmprof_heap.h writes it: printable ASCII but space and
 * backslash as it is, any other byte as a backslash and three octal digits.
 */
static void kmprof_heap_show_comm(struct seq_file *m, const char *comm,
				  size_t len)
{
	size_t i;

	for (i = 0; i < len && comm[i]; i++) {
		unsigned char c = comm[i];

		if (c > ' ' && c <= '~' && c != '\\')
			seq_putc(m, c);
		else
			seq_printf(m, "\\%03o", c);
	}
}

/* The labels @kept of a record, after its allocator. */
static void kmprof_heap_show_labels(struct seq_file *m, unsigned int kept,
				    const struct kmprof_labels *labels)
{
	if (kept & BIT(KMPROF_LABEL_CONTEXT))
		seq_printf(m, " context=%s",
			   kmprof_context_names[labels->context]);
	if (!labels->task)
		return;
	if (kept & BIT(KMPROF_LABEL_COMM)) {
		seq_puts(m, " comm=");
		kmprof_heap_show_comm(m, labels->comm, sizeof(labels->comm));
	}
	if (kept & BIT(KMPROF_LABEL_PID))
		seq_printf(m, " pid=%u", labels->tgid);
	if ((kept & BIT(KMPROF_LABEL_CGROUP)) && labels->cgroup)
		seq_printf(m, " cgroup=%llu", labels->cgroup);
}

/* The age classes of view @i that count objects, as "k:n" pairs, if any. */
static void kmprof_heap_show_ages(struct seq_file *m,
				  const struct kmprof_heap_snapshot *snap,
				  unsigned int i)
{
	const u32 *counts = &snap->age_counts[snap->age_first[i]];
	DECLARE_BITMAP(classes, KMPROF_HEAP_AGE_CLASSES);
	const char *sep = " ages=";
	unsigned int k;

	bitmap_from_u64(classes, snap->age_classes[i]);
	for_each_set_bit(k, classes, KMPROF_HEAP_AGE_CLASSES) {
		if (*counts) {
			seq_printf(m, "%s%u:%u", sep, k, *counts);
			sep = ",";
		}
		counts++;
	}
}

/* The lifetimes of a record's freed objects, if it has any. */
static void kmprof_heap_show_lifetimes(struct seq_file *m,
				       const struct kmprof_counts *c)
{
	const char *sep = " lifetimes=";
	unsigned int k;

	if (!c->frees)
		return;
	for (k = 0; k < KMPROF_LIFETIME_CLASSES; k++) {
		if (c->lifetimes[k]) {
			seq_printf(m, "%s%u:%u", sep, k, c->lifetimes[k]);
			sep = ",";
		}
	}
	seq_printf(m, " lifetime_sum=%llu", c->lifetime_sum);
}

static void kmprof_heap_show_bucket(struct seq_file *m,
				    struct kmprof_heap_snapshot *snap,
				    const struct kmprof_bucket_view *view)
{
	const struct kmprof_counts *c = &view->counts;
	unsigned int i;

	seq_printf(m, "%llu: %llu [%llu: %llu] @", c->allocs - c->frees,
		   c->alloc_bytes - c->free_bytes, c->allocs, c->alloc_bytes);
	for (i = 0; i < view->depth; i++)
		seq_printf(m, " 0x%lx", view->stack[i]);
	seq_printf(m, "\n# size=%zu inuse_req=%llu alloc_req=%llu allocator=%s",
		   view->size_class, c->alloc_req_bytes - c->free_req_bytes,
		   c->alloc_req_bytes, kmprof_allocator_names[view->allocator]);
	kmprof_heap_show_labels(m, kmprof_profile_labels(snap->prof),
				view->labels);
	kmprof_heap_show_ages(m, snap, view - snap->views);
	kmprof_heap_show_lifetimes(m, c);
	seq_putc(m, '\n');
	for (i = 0; i < view->depth; i++)
		seq_printf(m, "#\t0x%lx\t%s\n", view->stack[i],
			   kmprof_heap_symbol(snap, view->stack[i]));
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
		kmprof_heap_show_bucket(m, m->private, v);
	return 0;
}

static const struct seq_operations kmprof_heap_seq_ops = {
	.start = kmprof_heap_seq_start,
	.next = kmprof_heap_seq_next,
	.stop = kmprof_heap_seq_stop,
	.show = kmprof_heap_seq_show,
};

/**
 * kmprof_report_heap_open() - open the heap file: snapshot the live profile.
 * @inode: the file's inode.
 * @file: the file.
 *
 * Flushes every closed cycle first (through kmprof_profile_read()).
 *
 * Context: process context; may sleep.
 * Return: 0 or a negative errno (-ENOMEM).
 */
int kmprof_report_heap_open(struct inode *inode, struct file *file)
{
	struct kmprof_control_view view;
	struct kmprof_heap_snapshot *snap;
	struct kmprof_profile *prof;
	int ret;

	snap = __seq_open_private(file, &kmprof_heap_seq_ops, sizeof(*snap));
	if (!snap)
		return -ENOMEM;
	prof = kmprof_control_lock();
	kmprof_profile_get(prof);
	snap->prof = prof;
	ret = kmprof_heap_snapshot_take(snap, prof);
	kmprof_control_view_locked(&view);
	snap->sources = view.sources;
	kmprof_control_unlock();
	if (ret) {
		kmprof_profile_put(prof);
		seq_release_private(inode, file);
		return ret;
	}
	return 0;
}

/**
 * kmprof_report_heap_release() - close the heap file: drop its snapshot.
 * @inode: the file's inode.
 * @file: the file.
 *
 * Context: process context; may sleep (may free the last reference to a
 * profile that was replaced).
 * Return: 0.
 */
int kmprof_report_heap_release(struct inode *inode, struct file *file)
{
	struct seq_file *m = file->private_data;
	struct kmprof_heap_snapshot *snap = m->private;

	kmprof_heap_snapshot_free(snap);
	kmprof_profile_put(snap->prof);
	return seq_release_private(inode, file);
}
