// SPDX-License-Identifier: GPL-2.0
/*
 * kmprof - "top": the table of where kernel memory goes.
 *
 * Rows are allocation sites (the first frame outside the allocator, see
 * heap_site()) of one allocator: the same site allocating from slab and
 * from the page allocator is two rows. With cumulative, rows are every
 * function of a stack, counted once per stack, per allocator. Every
 * number is an estimate (unbias.c). Requested next to allocated bytes
 * shows what size classes waste. Only the allocators asked for count, in
 * the rows and in the totals.
 */

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "kmprof_tool.h"

struct row {
	uint32_t func;
	unsigned int allocator;	/* index in the profile's sources */
	size_t stamp;		/* last bucket counted, + 1 */
	bool used;
	struct heap_estimate e;
};

/* What rows are ordered by: qsort_r()'s argument. */
struct row_order {
	enum top_sort sort;
	const struct heap_profile *p;
};

/* The estimates summed: over everything shown, and per allocator. */
struct totals {
	struct heap_estimate all;
	struct heap_estimate source[KMPROF_HEAP_SOURCES_MAX];
	bool keep[KMPROF_HEAP_SOURCES_MAX];	/* the allocators shown */
};

static uint64_t frees(const struct heap_estimate *e)
{
	return e->alloc_objs > e->inuse_objs ? e->alloc_objs - e->inuse_objs : 0;
}

static uint64_t key(const struct row *r, enum top_sort sort)
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
	const struct row *x = a, *y = b;
	uint64_t kx = key(x, o->sort), ky = key(y, o->sort);
	int names;

	if (kx != ky)
		return kx > ky ? -1 : 1;
	if (x->e.inuse_bytes != y->e.inuse_bytes)
		return x->e.inuse_bytes > y->e.inuse_bytes ? -1 : 1;
	names = strcmp(o->p->funcs[x->func].name, o->p->funcs[y->func].name);
	if (names)
		return names;
	return x->allocator < y->allocator ? -1 : x->allocator > y->allocator;
}

static void add(struct heap_estimate *to, const struct heap_estimate *e)
{
	to->inuse_objs = sat_add(to->inuse_objs, e->inuse_objs);
	to->inuse_bytes = sat_add(to->inuse_bytes, e->inuse_bytes);
	to->inuse_req = sat_add(to->inuse_req, e->inuse_req);
	to->alloc_objs = sat_add(to->alloc_objs, e->alloc_objs);
	to->alloc_bytes = sat_add(to->alloc_bytes, e->alloc_bytes);
	to->alloc_req = sat_add(to->alloc_req, e->alloc_req);
}

/* Bucket @i's estimates into the row of @func and its allocator. */
static void count(struct row *rows, const struct heap_profile *p,
		  uint32_t func, size_t i)
{
	unsigned int allocator = p->buckets[i].allocator;
	struct row *r = &rows[(size_t)func * p->sources.nr + allocator];

	if (r->stamp == i + 1)
		return;		/* recursion: once per stack */
	r->stamp = i + 1;
	r->used = true;
	r->func = func;
	r->allocator = allocator;
	add(&r->e, &p->est[i]);
}

/* Which of the profile's allocators are shown: those of opt->only. */
static void keep_sources(struct totals *t, const struct heap_profile *p,
			 const struct top_options *opt)
{
	for (unsigned int s = 0; s < p->sources.nr; s++)
		t->keep[s] = !opt->only ||
			allocator_list_find(opt->only, p->sources.name[s]) >= 0;
}

/*
 * The rows of the buckets shown, and their totals in @t: the used rows
 * compacted to the front, sorted; *@n of them.
 */
static struct row *collect(const struct heap_profile *p,
			   const struct top_options *opt, struct totals *t,
			   size_t *n)
{
	size_t nrows = p->nfuncs * p->sources.nr;
	struct row *rows = xcalloc(nrows ? nrows : 1, sizeof(*rows));
	struct row_order order = { .sort = opt->sort, .p = p };

	keep_sources(t, p, opt);
	for (size_t i = 0; i < p->nr; i++) {
		const struct heap_bucket *b = &p->buckets[i];

		if (!t->keep[b->allocator])
			continue;
		add(&t->all, &p->est[i]);
		add(&t->source[b->allocator], &p->est[i]);
		if (opt->cumulative) {
			for (unsigned int k = 0; k < b->depth; k++)
				count(rows, p, b->func[k], i);
		} else {
			count(rows, p, b->func[heap_site(p, b)], i);
		}
	}
	*n = 0;
	for (size_t r = 0; r < nrows; r++)
		if (rows[r].used)
			rows[(*n)++] = rows[r];
	qsort_r(rows, *n, sizeof(*rows), row_cmp, &order);
	return rows;
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

static void print_totals(FILE *out, const struct heap_profile *p,
			 const struct totals *t, bool raw)
{
	const struct heap_estimate *all = &t->all;
	char b1[32], b2[32], b3[32];

	fprintf(out, "kmprof heap v%u: rate %s, cycle %" PRIu64 ", %zu %s%s\n",
		p->version, fmt_bytes(b1, sizeof(b1), p->rate, raw),
		p->cycle, p->nr, plural(p->nr, "bucket", "buckets"),
		p->rate <= 1 ? " (every allocation sampled)" : ", estimates unbiased for sampling");
	fprintf(out, "in use:    %s in %" PRIu64 " %s, requested %s (%s lost to size classes)\n",
		fmt_bytes(b1, sizeof(b1), all->inuse_bytes, raw),
		all->inuse_objs, plural(all->inuse_objs, "object", "objects"),
		fmt_bytes(b2, sizeof(b2), all->inuse_req, raw),
		pct(b3, sizeof(b3), lost(all), all->inuse_bytes));
	fprintf(out, "allocated: %s in %" PRIu64 " %s, requested %s; %" PRIu64 " %s freed\n",
		fmt_bytes(b1, sizeof(b1), all->alloc_bytes, raw),
		all->alloc_objs, plural(all->alloc_objs, "object", "objects"),
		fmt_bytes(b2, sizeof(b2), all->alloc_req, raw),
		frees(all), plural(frees(all), "object", "objects"));
}

/* "  page:    in use ... in N objects, allocated ... in N objects" */
static void print_sources(FILE *out, const struct heap_profile *p,
			  const struct totals *t, bool raw)
{
	char label[KMPROF_HEAP_ALLOCATOR_MAX + 2], b1[32], b2[32];

	for (unsigned int s = 0; s < p->sources.nr; s++) {
		const struct heap_estimate *e = &t->source[s];

		if (!t->keep[s])
			continue;
		snprintf(label, sizeof(label), "%s:", p->sources.name[s]);
		fprintf(out, "  %-8s in use %s in %" PRIu64 " %s, allocated %s in %" PRIu64 " %s\n",
			label, fmt_bytes(b1, sizeof(b1), e->inuse_bytes, raw),
			e->inuse_objs, plural(e->inuse_objs, "object", "objects"),
			fmt_bytes(b2, sizeof(b2), e->alloc_bytes, raw),
			e->alloc_objs, plural(e->alloc_objs, "object", "objects"));
	}
}

static void print_rows(FILE *out, const struct heap_profile *p,
		       const struct row *rows, size_t n,
		       const struct top_options *opt, uint64_t inuse)
{
	char b1[32], b2[32], b3[32], b4[32], b5[32];

	fprintf(out, "\n%11s %6s %11s %6s %9s %11s %9s %9s  %-9s %s\n",
		"INUSE", "INUSE%", "REQUESTED", "FRAG%", "OBJECTS", "ALLOC",
		"ALLOCS", "FREES", "ALLOCATOR", opt->cumulative ?
		"FUNCTION (cumulative)" : "SITE");
	for (size_t i = 0; i < n && (!opt->limit || i < opt->limit); i++) {
		const struct heap_estimate *e = &rows[i].e;

		fprintf(out, "%11s %6s %11s %6s %9" PRIu64 " %11s %9" PRIu64 " %9" PRIu64 "  %-9s %s\n",
			fmt_bytes(b1, sizeof(b1), e->inuse_bytes, opt->raw),
			pct(b2, sizeof(b2), e->inuse_bytes, inuse),
			fmt_bytes(b3, sizeof(b3), e->inuse_req, opt->raw),
			pct(b4, sizeof(b4), lost(e), e->inuse_bytes),
			e->inuse_objs,
			fmt_bytes(b5, sizeof(b5), e->alloc_bytes, opt->raw),
			e->alloc_objs, frees(e),
			p->sources.name[rows[i].allocator],
			p->funcs[rows[i].func].name);
	}
}

void top_print(FILE *out, const struct heap_profile *p,
	       const struct top_options *opt)
{
	struct totals t = { 0 };
	struct row *rows;
	size_t n;

	rows = collect(p, opt, &t, &n);
	print_totals(out, p, &t, opt->raw);
	print_sources(out, p, &t, opt->raw);
	print_rows(out, p, rows, n, opt, t.all.inuse_bytes);
	free(rows);
}
