// SPDX-License-Identifier: GPL-2.0
/*
 * kmprof - the profile at OOM. When the kernel runs out of memory, before
 * the OOM killer picks a victim, close the cycle, publish it, and print to
 * the kernel log the sites with the most memory in use, estimated, each
 * with a short stack. The report stays readable in the "oom" file until
 * the profile it was taken from is replaced (reset, or a rate change).
 *
 * Nothing is allocated at OOM time: the ranking array and the report's
 * text are reserved at load. The report is written under
 * kmprof_control_mutex, taken with a few tries only: a holder of it may be
 * the one allocating (a reset creates a profile), and waiting for it
 * would wait for the OOM killer that waits for us. A report that cannot
 * have the mutex is skipped and counted. The flush and the read take
 * cycles.flush_mutex, whose holders never allocate.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/delay.h>
#include <linux/jiffies.h>
#include <linux/kallsyms.h>
#include <linux/math64.h>
#include <linux/mm.h>
#include <linux/oom.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/string.h>

#include <kmprof.h>
#include <kmprof_heap.h>

#include "backend.h"
#include "control.h"
#include "core.h"
#include "oom.h"

/* What a ranking walk fills: the top @nr of @capacity sites. */
struct kmprof_oom_rank {
	struct kmprof_oom_site *sites;	/* by estimated bytes, descending */
	unsigned int nr;
	unsigned int capacity;
	unsigned long rate;
};

/*
 * The OOM report's state. Everything but @skipped is protected by
 * kmprof_control_mutex: the notifier holds it while it writes, readers of
 * the "oom" file and the control's profile replacement while they read or
 * clear. @skipped is counted without it, by a notifier that could not have
 * it.
 */
static struct {
	unsigned int capacity;		/* oom_report=, 0: no report */
	struct kmprof_oom_site *sites;	/* @capacity, reserved at load */
	char *text;			/* the kept report, NUL terminated */
	size_t text_size;
	char name[KSYM_SYMBOL_LEN];	/* a frame's symbol, being matched */
	unsigned long last;		/* jiffies of the last report */
	unsigned int reports;		/* reports written since load */
	atomic_t skipped;		/* reports that did not get the mutex */
	bool registered;
} kmprof_oom;

/* e^-1 in 32.32 fixed point. */
#define KMPROF_EXP_MINUS_ONE_Q32	1580030169ULL
#define KMPROF_Q32			BIT_ULL(32)
/* Terms of the series below: the 14th is under 2^-32 for x under 1. */
#define KMPROF_SERIES_TERMS		14

/*
 * sum over k >= 0 of (-x)^k / (k + @first)!, times @first!, for @x in
 * [0, 1) in 32.32 fixed point: with @first 0 that is e^-x, with @first 1
 * it is (1 - e^-x) / x. Both are in (1/e, 1]: no cancellation, an error
 * of a few units in the last place.
 */
static u64 kmprof_exp_series_q32(u64 x, unsigned int first)
{
	u64 term = KMPROF_Q32;
	s64 sum = KMPROF_Q32;
	unsigned int k;

	for (k = 1; k < KMPROF_SERIES_TERMS; k++) {
		term = (term * x >> 32) / (k + first);
		sum += k & 1 ? -(s64)term : (s64)term;
	}
	return sum;
}

/**
 * kmprof_unbias() - estimate what sampled counts stand for, without FPU.
 * @value: a sampled count of objects or bytes in use.
 * @size: the bucket's size class, in bytes.
 * @rate: the profile's sampling rate.
 *
 * Divides by the chance that an object of @size is sampled at @rate,
 * 1 - e^-(size / rate), as the kmprof tool and pprof do (scaleHeapSample):
 * in 32.32 fixed point, to a relative error under 10^-6.
 *
 * Context: any.
 * Return: the estimate; @value itself at a rate of 0 or 1.
 */
u64 kmprof_unbias(u64 value, size_t size, unsigned long rate)
{
	u64 x, whole, e;

	if (rate <= 1 || !size || !value)
		return value;
	x = mul_u64_u64_div_u64(size, KMPROF_Q32, rate);
	whole = x >> 32;
	if (!whole) {
		/* value / (x g(x)) = value * rate / size / g(x), g < 1 */
		return mul_u64_u64_div_u64(mul_u64_u64_div_u64(value, rate,
							       size),
					   KMPROF_Q32,
					   kmprof_exp_series_q32(x, 1));
	}
	if (whole >= 64)	/* e^-x under 2^-92: sampled for sure */
		return value;
	e = kmprof_exp_series_q32(x & U32_MAX, 0);
	while (whole--)
		e = e * KMPROF_EXP_MINUS_ONE_Q32 >> 32;
	return mul_u64_u64_div_u64(value, KMPROF_Q32, KMPROF_Q32 - e);
}
EXPORT_SYMBOL_IF_KUNIT(kmprof_unbias);

/* Insert @site in @rank's top, in one pass: by estimated bytes, descending. */
static void kmprof_oom_rank_insert(struct kmprof_oom_rank *rank,
				   const struct kmprof_oom_site *site)
{
	unsigned int i = min(rank->nr, rank->capacity - 1);

	if (rank->nr == rank->capacity &&
	    site->bytes <= rank->sites[i].bytes)
		return;
	for (; i > 0 && rank->sites[i - 1].bytes < site->bytes; i--)
		rank->sites[i] = rank->sites[i - 1];
	rank->sites[i] = *site;
	if (rank->nr < rank->capacity)
		rank->nr++;
}

static int kmprof_oom_rank_bucket(void *arg,
				  const struct kmprof_bucket_view *view)
{
	struct kmprof_oom_rank *rank = arg;
	const struct kmprof_counts *c = &view->counts;
	struct kmprof_oom_site site = {
		.size_class = view->size_class,
		.allocator = view->allocator,
		.stack = view->stack,
		.depth = view->depth,
	};

	if (c->allocs == c->frees)
		return 0;
	site.bytes = kmprof_unbias(c->alloc_bytes - c->free_bytes,
				   view->size_class, rank->rate);
	site.objects = kmprof_unbias(c->allocs - c->frees, view->size_class,
				     rank->rate);
	kmprof_oom_rank_insert(rank, &site);
	return 0;
}

/**
 * kmprof_oom_rank() - close the cycle, publish it, rank the sites in use.
 * @prof: the profile.
 * @sites: room for @capacity sites, filled by estimated in-use bytes,
 *	descending; their stacks are @prof's, valid while it lives.
 * @capacity: how many to keep, at least 1.
 * @info: the cycle the ranking shows.
 *
 * Context: process context; may sleep; allocates nothing. Takes
 * cycles.flush_mutex.
 * Return: how many sites were kept, 0 to @capacity.
 */
unsigned int kmprof_oom_rank(struct kmprof_profile *prof,
			     struct kmprof_oom_site *sites,
			     unsigned int capacity,
			     struct kmprof_cycle_info *info)
{
	struct kmprof_oom_rank rank = {
		.sites = sites,
		.capacity = capacity,
		.rate = kmprof_sampler_rate(prof),
	};

	kmprof_cycle_advance_wait(prof);
	kmprof_profile_read(prof, kmprof_oom_rank_bucket, &rank, info);
	return rank.nr;
}
EXPORT_SYMBOL_IF_KUNIT(kmprof_oom_rank);

/* True if @name ("sym", "sym [mod]") is an allocator's own function. */
static bool kmprof_oom_is_allocator(const char *name)
{
	static const char *const funcs[] = { KMPROF_HEAP_ALLOCATOR_FUNCS };
	size_t len = strcspn(name, ". ");
	unsigned int i;

	if (len > 7 && !memcmp(name + len - 7, "_noprof", 7))
		len -= 7;
	for (i = 0; i < ARRAY_SIZE(funcs); i++)
		if (strlen(funcs[i]) == len && !memcmp(funcs[i], name, len))
			return true;
	return false;
}

/* The first frame of @site outside the allocator, 0 if none is. */
static unsigned int kmprof_oom_site_frame(const struct kmprof_oom_site *site)
{
	unsigned int i;

	for (i = 0; i < site->depth; i++) {
		sprint_symbol_no_offset(kmprof_oom.name, site->stack[i]);
		if (!kmprof_oom_is_allocator(kmprof_oom.name))
			return i;
	}
	return 0;
}

/* Append to the report's text; a report too long for it is cut. */
static __printf(2, 3) size_t kmprof_oom_add(size_t len, const char *fmt, ...)
{
	va_list args;

	va_start(args, fmt);
	len += vscnprintf(kmprof_oom.text + len, kmprof_oom.text_size - len,
			  fmt, args);
	va_end(args);
	return len;
}

/* The report of @nr ranked sites, as text: the file's and the log's. */
static void kmprof_oom_format(unsigned int nr,
			      const struct kmprof_cycle_info *info,
			      unsigned long rate)
{
	const struct kmprof_oom_site *site;
	unsigned int i, frame, end;
	size_t len;

	len = kmprof_oom_add(0, "out of memory: %u %s in use, estimated at rate %lu, ",
			     nr, nr == 1 ? "site" : "sites", rate);
	len = kmprof_oom_add(len, "cycle %u, time_ns %llu\n", info->cycle,
			     info->time_ns);
	for (i = 0; i < nr; i++) {
		site = &kmprof_oom.sites[i];
		len = kmprof_oom_add(len, "#%u %llu bytes in %llu objects of %zu bytes, %s\n",
				     i + 1, site->bytes, site->objects,
				     site->size_class,
				     kmprof_allocator_names[site->allocator]);
		frame = kmprof_oom_site_frame(site);
		end = min(site->depth, frame + KMPROF_OOM_FRAMES);
		for (; frame < end; frame++)
			len = kmprof_oom_add(len, "  %pS\n",
					     (void *)site->stack[frame]);
	}
}

/* Print the kept report to the kernel log, a line at a time. */
static void kmprof_oom_print(void)
{
	const char *line = kmprof_oom.text, *end;

	while (*line) {
		end = strchrnul(line, '\n');
		pr_warn("%.*s\n", (int)(end - line), line);
		line = *end ? end + 1 : end;
	}
}

/* Tries at the control mutex, KMPROF_OOM_TRY_MS apart. */
#define KMPROF_OOM_TRIES	5
#define KMPROF_OOM_TRY_MS	20

static int kmprof_oom_notify(struct notifier_block *nb, unsigned long unused,
			     void *freed)
{
	struct kmprof_cycle_info info;
	struct kmprof_profile *prof;
	unsigned int nr, tries;

	for (tries = 0; !(prof = kmprof_control_trylock()); tries++) {
		if (tries == KMPROF_OOM_TRIES) {
			atomic_inc(&kmprof_oom.skipped);
			return NOTIFY_OK;
		}
		msleep(KMPROF_OOM_TRY_MS);
	}
	if (!kmprof_oom.reports ||
	    time_after(jiffies, kmprof_oom.last + KMPROF_OOM_INTERVAL_S * HZ)) {
		nr = kmprof_oom_rank(prof, kmprof_oom.sites,
				     kmprof_oom.capacity, &info);
		kmprof_oom_format(nr, &info, kmprof_sampler_rate(prof));
		kmprof_oom.last = jiffies;
		kmprof_oom.reports++;
		kmprof_oom_print();
	}
	kmprof_control_unlock();
	return NOTIFY_OK;
}

static struct notifier_block kmprof_oom_nb = {
	.notifier_call = kmprof_oom_notify,
};

/**
 * kmprof_oom_forget_locked() - drop the kept report: its profile is gone.
 *
 * Context: process context, under kmprof_control_mutex.
 */
void kmprof_oom_forget_locked(void)
{
	if (kmprof_oom.text)
		kmprof_oom.text[0] = '\0';
}

/**
 * kmprof_oom_show() - the "oom" file: the counts and the kept report.
 * @m: where to print.
 * @unused: the seq_file's private data.
 *
 * Context: process context; may sleep.
 * Return: 0.
 */
int kmprof_oom_show(struct seq_file *m, void *unused)
{
	kmprof_control_lock();
	seq_printf(m, "kmprof oom v%d report=%u reports=%u skipped=%d\n",
		   KMPROF_OOM_VERSION, kmprof_oom.capacity, kmprof_oom.reports,
		   atomic_read(&kmprof_oom.skipped));
	if (kmprof_oom.text)
		seq_puts(m, kmprof_oom.text);
	kmprof_control_unlock();
	return 0;
}

/**
 * kmprof_oom_init() - reserve what a report needs, and register for OOM.
 * @capacity: the sites a report names (oom_report=), 0 for none.
 *
 * Context: process context, at load.
 * Return: 0, -EINVAL (out of range) or -ENOMEM.
 */
int kmprof_oom_init(unsigned int capacity)
{
	int ret;

	if (capacity > KMPROF_OOM_REPORT_MAX) {
		pr_err("oom_report=%u: must be 0 to %u\n", capacity,
		       KMPROF_OOM_REPORT_MAX);
		return -EINVAL;
	}
	kmprof_oom.capacity = capacity;
	if (!capacity)
		return 0;
	kmprof_oom.sites = kvcalloc(capacity, sizeof(*kmprof_oom.sites),
				    GFP_KERNEL);
	kmprof_oom.text_size = KMPROF_OOM_LINE_MAX *
			       (1 + capacity * (1 + KMPROF_OOM_FRAMES));
	kmprof_oom.text = kvzalloc(kmprof_oom.text_size, GFP_KERNEL);
	if (!kmprof_oom.sites || !kmprof_oom.text) {
		ret = -ENOMEM;
		goto err;
	}
	ret = register_oom_notifier(&kmprof_oom_nb);
	if (ret)
		goto err;
	kmprof_oom.registered = true;
	return 0;
err:
	kvfree(kmprof_oom.text);
	kvfree(kmprof_oom.sites);
	kmprof_oom.text = NULL;
	kmprof_oom.sites = NULL;
	return ret;
}

/**
 * kmprof_oom_exit() - unregister, and free what was reserved.
 *
 * Context: process context, at unload, before the control is torn down.
 */
void kmprof_oom_exit(void)
{
	if (kmprof_oom.registered)
		unregister_oom_notifier(&kmprof_oom_nb);
	kmprof_oom.registered = false;
	kvfree(kmprof_oom.text);
	kvfree(kmprof_oom.sites);
	kmprof_oom.text = NULL;
	kmprof_oom.sites = NULL;
}
