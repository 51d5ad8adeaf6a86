// SPDX-License-Identifier: GPL-2.0
/*
 * kmprof - "top": the table of where kernel memory goes.
 *
 * Rows are allocation sites (the first frame outside the allocator, see
 * heap_site()) of one allocator: the same site allocating from slab and
 * from the page allocator is two rows. With cumulative, rows are every
 * function of a stack, counted once per stack, per allocator. By a label
 * (heap format 4), rows are the label's values, each over every
 * allocator; records without the label (an interrupt's, for a task's
 * labels) are a row named by their context. Every number is an estimate
 * (unbias.c). Requested next to allocated bytes shows what size classes
 * waste. Only the allocators and the labels asked for count, in the rows
 * and in the totals. With --min-age (heap format 5), only the objects in
 * use of the age classes old enough count, of the records with ages=;
 * the allocation columns are "-": allocations have no age. With
 * --lifetimes (heap format 6), the columns are of the freed objects and
 * how long they lived.
 */

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "kmprof_tool.h"

/* What rows are ordered by: qsort_r()'s argument. */
struct row_order {
	enum top_sort sort;
	const struct heap_profile *p;
};

static uint64_t frees(const struct heap_estimate *e)
{
	return e->alloc_objs > e->inuse_objs ? e->alloc_objs - e->inuse_objs : 0;
}

static uint64_t key(const struct top_row *r, enum top_sort sort)
{
	switch (sort) {
	case SORT_ALLOC:
		return r->e.alloc_bytes;
	case SORT_FREES:
		return frees(&r->e);
	case SORT_OBJECTS:
		return r->e.inuse_objs;
	case SORT_INUSE:
	default:
		return r->e.inuse_bytes;
	}
}

static int row_cmp(const void *a, const void *b, void *arg)
{
	const struct row_order *o = arg;
	const struct top_row *x = a, *y = b;
	uint64_t kx = key(x, o->sort), ky = key(y, o->sort);
	int names;

	if (kx != ky)
		return kx > ky ? -1 : 1;
	if (x->e.inuse_bytes != y->e.inuse_bytes)
		return x->e.inuse_bytes > y->e.inuse_bytes ? -1 : 1;
	names = strcmp(x->name, y->name);
	if (names)
		return names;
	return x->allocators < y->allocators ? -1 : x->allocators > y->allocators;
}

/* Bucket @i's estimates @e into row @r of @t, named @name. */
static void count(struct top_rows *t, struct top_row *r,
		  const struct heap_profile *p, const char *name, size_t i,
		  const struct heap_estimate *e)
{
	if (r->stamp == i + 1)
		return;		/* recursion: once per stack */
	r->stamp = i + 1;
	r->used = true;
	r->name = name;
	r->allocators |= 1U << p->buckets[i].allocator;
	heap_estimate_add(&r->e, e);
	if (t->classes) {
		if (!r->classes)
			r->classes = xcalloc(1, sizeof(*r->classes));
		heap_classes_add(r->classes, p, i);
	}
}

/* Bucket @i's estimates into the row of @func and its allocator. */
static void count_func(struct top_rows *t, const struct heap_profile *p,
		       uint32_t func, size_t i, const struct heap_estimate *e)
{
	size_t r = (size_t)func * p->sources.nr + p->buckets[i].allocator;

	count(t, &t->row[r], p, p->funcs[func].name, i, e);
}

/*
 * The row of a label's value: records without the label (an interrupt's,
 * for a task's labels) are named by their context.
 */
static const char *label_row_name(const struct heap_bucket *b,
				   const struct top_options *opt, char *buf,
				   size_t len)
{
	const char *v = label_value(b, (enum kmprof_label)opt->by,
				    opt->cgroups, buf, len);

	if (v)
		return v;
	snprintf(buf, len, "[%s]",
		 b->has_context ? context_name(b->context) : "interrupt");
	return buf;
}

/* Bucket @i's estimates into the row of its label's value in @t. */
static void count_label(struct top_rows *t, const struct heap_profile *p,
			const struct top_options *opt, size_t i,
			const struct heap_estimate *e)
{
	char buf[HEAP_LABEL_VALUE_MAX];
	const char *name = label_row_name(&p->buckets[i], opt, buf, sizeof(buf));
	uint32_t id = strtab_intern(&t->values, name);

	t->row = xgrow(t->row, &t->cap, (size_t)id + 1, sizeof(*t->row));
	count(t, &t->row[id], p, t->values.str[id], i, e);
}

/* True if record @b has the labels the options ask for. */
static bool labels_match(const struct heap_bucket *b,
			 const struct top_options *opt)
{
	char buf[HEAP_LABEL_VALUE_MAX];

	if (opt->comm && (!b->has_comm || strcmp(b->comm, opt->comm)))
		return false;
	if (opt->has_pid && (!b->has_pid || b->pid != opt->pid))
		return false;
	return !opt->cgroup || (b->has_cgroup &&
		cgroup_within(cgroup_name(opt->cgroups, b->cgroup, buf, sizeof(buf)),
			      opt->cgroup));
}

/* Which of the profile's allocators are shown: those of opt->only. */
static void keep_sources(struct top_rows *t, const struct heap_profile *p,
			 const struct top_options *opt)
{
	for (unsigned int s = 0; s < p->sources.nr; s++)
		t->keep[s] = !opt->only ||
			allocator_list_find(opt->only, p->sources.name[s]) >= 0;
}

/* The used rows of @t compacted to the front, sorted. */
static void sort_rows(struct top_rows *t, const struct heap_profile *p,
		      const struct top_options *opt)
{
	struct row_order order = { .sort = opt->sort, .p = p };
	size_t n = 0;

	for (size_t r = 0; r < t->nr; r++)
		if (t->row[r].used)
			t->row[n++] = t->row[r];
	t->nr = n;
	qsort_r(t->row, n, sizeof(*t->row), row_cmp, &order);
}

void top_rows_build(struct top_rows *t, const struct heap_profile *p,
		    const struct top_options *opt)
{
	*t = (struct top_rows){ .row = NULL };
	strtab_init(&t->values);
	t->classes = opt->classes;
	/* a row per function and allocator; by label, grown as values come */
	t->cap = opt->by < 0 ? p->nfuncs * p->sources.nr : 0;
	t->row = xcalloc(t->cap ? t->cap : 1, sizeof(*t->row));
	keep_sources(t, p, opt);
	for (size_t i = 0; i < p->nr; i++) {
		const struct heap_bucket *b = &p->buckets[i];
		const struct heap_estimate *e = &p->est[i];
		struct heap_estimate aged;

		if (!t->keep[b->allocator] || !labels_match(b, opt))
			continue;
		if (opt->has_min_age) {
			/* only its objects of the classes old enough */
			heap_age_estimate(p, i, opt->min_age_class,
					  KMPROF_HEAP_AGE_CLASSES, &aged);
			if (!aged.inuse_objs)
				continue;
			e = &aged;
		}
		heap_estimate_add(&t->all, e);
		heap_estimate_add(&t->source[b->allocator], e);
		if (opt->by >= 0) {
			count_label(t, p, opt, i, e);
		} else if (opt->cumulative) {
			for (unsigned int k = 0; k < b->depth; k++)
				count_func(t, p, b->func[k], i, e);
		} else {
			count_func(t, p, b->func[heap_site(p, b)], i, e);
		}
	}
	t->nr = opt->by < 0 ? t->cap : t->values.nr;
	sort_rows(t, p, opt);
}

void top_rows_free(struct top_rows *t)
{
	for (size_t r = 0; r < t->nr; r++)
		free(t->row[r].classes);
	free(t->row);
	strtab_free(&t->values);
	*t = (struct top_rows){ .row = NULL };
}

/* "12.5%" of @part in @whole, "-" without a whole. */
static const char *pct(char *buf, size_t len, uint64_t part, uint64_t whole)
{
	if (!whole)
		snprintf(buf, len, "-");
	else
		snprintf(buf, len, "%.1f%%", 100.0 * (double)part / (double)whole);
	return buf;
}

/* The bytes in use that size classes waste: allocated - requested. */
static uint64_t lost(const struct heap_estimate *e)
{
	return e->inuse_bytes > e->inuse_req ? e->inuse_bytes - e->inuse_req : 0;
}

unsigned int top_min_age_class(uint64_t seconds)
{
	unsigned int k = 0;

	while (k < KMPROF_HEAP_AGE_CLASSES && heap_age_class_lo(k) < seconds)
		k++;
	return k;
}

static void print_totals(FILE *out, const struct heap_profile *p,
			 const struct top_rows *t, const struct top_options *opt)
{
	const struct heap_estimate *all = &t->all;
	char b1[32], b2[32], b3[32];
	bool raw = opt->raw;

	fprintf(out, "kmprof heap v%u: rate %s, cycle %" PRIu64 ", %zu %s%s\n",
		p->version, fmt_bytes(b1, sizeof(b1), p->rate, raw),
		p->cycle, p->nr, plural(p->nr, "bucket", "buckets"),
		p->rate <= 1 ? " (every allocation sampled)" : ", estimates unbiased for sampling");
	fprintf(out, "in use:    %s in %" PRIu64 " %s, requested %s (%s lost to size classes)\n",
		fmt_bytes(b1, sizeof(b1), all->inuse_bytes, raw),
		all->inuse_objs, plural(all->inuse_objs, "object", "objects"),
		fmt_bytes(b2, sizeof(b2), all->inuse_req, raw),
		pct(b3, sizeof(b3), lost(all), all->inuse_bytes));
	if (opt->has_min_age) {
		/* allocations have no age: their line is left out */
		fprintf(out, "age:       objects in use for at least %" PRIu64 " s (--min-age %" PRIu64 " s rounded up to an age class)\n",
			heap_age_class_lo(opt->min_age_class), opt->min_age);
		return;
	}
	fprintf(out, "allocated: %s in %" PRIu64 " %s, requested %s; %" PRIu64 " %s freed\n",
		fmt_bytes(b1, sizeof(b1), all->alloc_bytes, raw),
		all->alloc_objs, plural(all->alloc_objs, "object", "objects"),
		fmt_bytes(b2, sizeof(b2), all->alloc_req, raw),
		frees(all), plural(frees(all), "object", "objects"));
}

void top_print_only(FILE *out, const struct top_options *opt)
{
	char comm[HEAP_COMM_ESCAPED_MAX];
	const char *sep = "";

	if (!opt->comm && !opt->has_pid && !opt->cgroup)
		return;
	fprintf(out, "only:      ");
	if (opt->comm) {
		fprintf(out, "comm %s", comm_escape(comm, sizeof(comm), opt->comm));
		sep = ", ";
	}
	if (opt->has_pid) {
		fprintf(out, "%spid %" PRIu64, sep, opt->pid);
		sep = ", ";
	}
	if (opt->cgroup)
		fprintf(out, "%scgroup %s and below", sep, opt->cgroup);
	fprintf(out, "\n");
}

/*
 * "labels:    context,comm,pid,cgroup" if the profile has labels, and
 * the labels the records shown must have.
 */
static void print_labels(FILE *out, const struct heap_profile *p,
			 const struct top_options *opt)
{
	char names[64];

	if (!p->labels)
		return;
	fprintf(out, "labels:    %s\n", label_names(names, sizeof(names), p->labels));
	top_print_only(out, opt);
}

const char *top_row_title(const struct top_options *opt, char *buf,
			  size_t len)
{
	if (opt->by < 0)
		return opt->cumulative ? "FUNCTION (cumulative)" : "SITE";
	snprintf(buf, len, "%s", label_name((enum kmprof_label)opt->by));
	for (char *c = buf; *c; c++)
		*c = (char)(*c - 'a' + 'A');
	return buf;
}

/* "  page:    in use ... in N objects, allocated ... in N objects" */
static void print_sources(FILE *out, const struct heap_profile *p,
			  const struct top_rows *t, const struct top_options *opt)
{
	bool raw = opt->raw;

	char label[KMPROF_HEAP_ALLOCATOR_MAX + 2], b1[32], b2[32];

	for (unsigned int s = 0; s < p->sources.nr; s++) {
		const struct heap_estimate *e = &t->source[s];

		if (!t->keep[s])
			continue;
		snprintf(label, sizeof(label), "%s:", p->sources.name[s]);
		if (opt->has_min_age) {
			fprintf(out, "  %-8s in use %s in %" PRIu64 " %s\n", label,
				fmt_bytes(b1, sizeof(b1), e->inuse_bytes, raw),
				e->inuse_objs, plural(e->inuse_objs, "object", "objects"));
			continue;
		}
		fprintf(out, "  %-8s in use %s in %" PRIu64 " %s, allocated %s in %" PRIu64 " %s\n",
			label, fmt_bytes(b1, sizeof(b1), e->inuse_bytes, raw),
			e->inuse_objs, plural(e->inuse_objs, "object", "objects"),
			fmt_bytes(b2, sizeof(b2), e->alloc_bytes, raw),
			e->alloc_objs, plural(e->alloc_objs, "object", "objects"));
	}
}

static void print_rows(FILE *out, const struct heap_profile *p,
		       const struct top_row *rows, size_t n,
		       const struct top_options *opt, uint64_t inuse)
{
	char b1[32], b2[32], b3[32], b4[32], b5[32];
	char names[KMPROF_HEAP_SOURCES_MAX * (KMPROF_HEAP_ALLOCATOR_MAX + 1)];

	fprintf(out, "\n%11s %6s %11s %6s %9s %11s %9s %9s  %-9s %s\n",
		"INUSE", "INUSE%", "REQUESTED", "FRAG%", "OBJECTS", "ALLOC",
		"ALLOCS", "FREES", "ALLOCATOR", top_row_title(opt, b1, sizeof(b1)));
	for (size_t i = 0; i < n && (!opt->limit || i < opt->limit); i++) {
		const struct heap_estimate *e = &rows[i].e;
		char allocs[24], freed[24];

		/* --min-age: allocations have no age, "-" */
		snprintf(allocs, sizeof(allocs), "%" PRIu64, e->alloc_objs);
		snprintf(freed, sizeof(freed), "%" PRIu64, frees(e));
		fprintf(out, "%11s %6s %11s %6s %9" PRIu64 " %11s %9s %9s  %-9s %s\n",
			fmt_bytes(b1, sizeof(b1), e->inuse_bytes, opt->raw),
			pct(b2, sizeof(b2), e->inuse_bytes, inuse),
			fmt_bytes(b3, sizeof(b3), e->inuse_req, opt->raw),
			pct(b4, sizeof(b4), lost(e), e->inuse_bytes),
			e->inuse_objs,
			opt->has_min_age ? "-" :
			fmt_bytes(b5, sizeof(b5), e->alloc_bytes, opt->raw),
			opt->has_min_age ? "-" : allocs,
			opt->has_min_age ? "-" : freed,
			allocator_list_names(names, sizeof(names), &p->sources,
					     rows[i].allocators),
			rows[i].name);
	}
}

/*
 * --lifetimes: a row's objects freed, its in use beside them, and how long
 * the freed ones lived: their mean and their median class, "-" if none
 * has a lifetime (no frees, or a format before 6).
 */
static void print_lifetime_rows(FILE *out, const struct heap_profile *p,
				const struct top_row *rows, size_t n,
				const struct top_options *opt)
{
	char b1[32], b2[32], mean[32], median[HEAP_AGE_NAME_MAX];
	char names[KMPROF_HEAP_SOURCES_MAX * (KMPROF_HEAP_ALLOCATOR_MAX + 1)];

	fprintf(out, "\n%11s %9s %11s %9s %10s %-12s %-9s %s\n",
		"INUSE", "OBJECTS", "ALLOC", "FREES", "MEAN LIFE",
		"MEDIAN LIFE", "ALLOCATOR", top_row_title(opt, b1, sizeof(b1)));
	for (size_t i = 0; i < n && (!opt->limit || i < opt->limit); i++) {
		const struct heap_estimate *e = &rows[i].e;
		const struct heap_classes *c = rows[i].classes;

		if (c && heap_classes_have_lifetimes(c)) {
			snprintf(mean, sizeof(mean), "%.1fs",
				 heap_classes_mean_lifetime(c));
			heap_lifetime_class_name(median, sizeof(median),
						 heap_classes_median_lifetime(c));
		} else {
			snprintf(mean, sizeof(mean), "-");
			snprintf(median, sizeof(median), "-");
		}
		fprintf(out, "%11s %9" PRIu64 " %11s %9" PRIu64 " %10s %-12s %-9s %s\n",
			fmt_bytes(b1, sizeof(b1), e->inuse_bytes, opt->raw),
			e->inuse_objs,
			fmt_bytes(b2, sizeof(b2), e->alloc_bytes, opt->raw),
			frees(e), mean, median,
			allocator_list_names(names, sizeof(names), &p->sources,
					     rows[i].allocators),
			rows[i].name);
	}
}

void top_print(FILE *out, const struct heap_profile *p,
	       const struct top_options *opt)
{
	struct top_rows t;

	top_rows_build(&t, p, opt);
	print_totals(out, p, &t, opt);
	print_sources(out, p, &t, opt);
	print_labels(out, p, opt);
	if (opt->lifetimes)
		print_lifetime_rows(out, p, t.row, t.nr, opt);
	else
		print_rows(out, p, t.row, t.nr, opt, t.all.inuse_bytes);
	top_rows_free(&t);
}
