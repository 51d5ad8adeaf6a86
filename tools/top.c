// SPDX-License-Identifier: GPL-2.0
/*
 * kmprof - "top": the table of where kernel memory goes.
 *
 * Rows are allocation sites (the first frame outside the allocator, see
 * heap_site()), or with cumulative every function of a stack, counted
 * once per stack. Every number is an estimate (unbias.c). Requested next
 * to allocated bytes shows what size classes waste.
 */

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "kmprof_tool.h"

struct row {
	uint32_t func;
	size_t stamp;		/* last bucket counted, + 1 */
	bool used;
	struct heap_estimate e;
};

/* What rows are ordered by: qsort_r()'s argument. */
struct row_order {
	enum top_sort sort;
	const struct heap_profile *p;
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

	if (kx != ky)
		return kx > ky ? -1 : 1;
	if (x->e.inuse_bytes != y->e.inuse_bytes)
		return x->e.inuse_bytes > y->e.inuse_bytes ? -1 : 1;
	return strcmp(o->p->funcs[x->func].name, o->p->funcs[y->func].name);
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

static void count(struct row *rows, uint32_t func, size_t bucket,
		  const struct heap_estimate *e)
{
	struct row *r = &rows[func];

	if (r->stamp == bucket + 1)
		return;		/* recursion: once per stack */
	r->stamp = bucket + 1;
	r->used = true;
	r->func = func;
	add(&r->e, e);
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

void top_print(FILE *out, const struct heap_profile *p,
	       const struct top_options *opt)
{
	struct row *rows = xcalloc(p->nfuncs ? p->nfuncs : 1, sizeof(*rows));
	struct row_order order = { .sort = opt->sort, .p = p };
	struct heap_estimate total = { 0 };
	char b1[32], b2[32], b3[32], b4[32], b5[32];
	size_t n = 0;

	for (size_t i = 0; i < p->nr; i++) {
		const struct heap_bucket *b = &p->buckets[i];

		add(&total, &p->est[i]);
		if (opt->cumulative) {
			for (unsigned int k = 0; k < b->depth; k++)
				count(rows, b->func[k], i, &p->est[i]);
		} else {
			count(rows, b->func[heap_site(p, b)], i, &p->est[i]);
		}
	}
	/* Compact the used rows to the front. */
	for (size_t f = 0; f < p->nfuncs; f++)
		if (rows[f].used)
			rows[n++] = rows[f];
	qsort_r(rows, n, sizeof(*rows), row_cmp, &order);

	fprintf(out, "kmprof heap v%u: rate %s, cycle %" PRIu64 ", %zu %s%s\n",
		p->version, fmt_bytes(b1, sizeof(b1), p->rate, opt->raw),
		p->cycle, p->nr, plural(p->nr, "bucket", "buckets"),
		p->rate <= 1 ? " (every allocation sampled)" : ", estimates unbiased for sampling");
	fprintf(out, "in use:    %s in %" PRIu64 " %s, requested %s (%s lost to size classes)\n",
		fmt_bytes(b1, sizeof(b1), total.inuse_bytes, opt->raw),
		total.inuse_objs, plural(total.inuse_objs, "object", "objects"),
		fmt_bytes(b2, sizeof(b2), total.inuse_req, opt->raw),
		pct(b3, sizeof(b3), total.inuse_bytes - (total.inuse_req < total.inuse_bytes ? total.inuse_req : total.inuse_bytes),
		    total.inuse_bytes));
	fprintf(out, "allocated: %s in %" PRIu64 " %s, requested %s; %" PRIu64 " %s freed\n",
		fmt_bytes(b1, sizeof(b1), total.alloc_bytes, opt->raw),
		total.alloc_objs, plural(total.alloc_objs, "object", "objects"),
		fmt_bytes(b2, sizeof(b2), total.alloc_req, opt->raw),
		frees(&total), plural(frees(&total), "object", "objects"));
	fprintf(out, "\n%11s %6s %11s %6s %9s %11s %9s %9s  %s\n",
		"INUSE", "INUSE%", "REQUESTED", "FRAG%", "OBJECTS", "ALLOC",
		"ALLOCS", "FREES", opt->cumulative ? "FUNCTION (cumulative)" :
		"SITE");
	for (size_t i = 0; i < n && (!opt->limit || i < opt->limit); i++) {
		const struct heap_estimate *e = &rows[i].e;
		uint64_t lost = e->inuse_bytes > e->inuse_req ?
			e->inuse_bytes - e->inuse_req : 0;

		fprintf(out, "%11s %6s %11s %6s %9" PRIu64 " %11s %9" PRIu64 " %9" PRIu64 "  %s\n",
			fmt_bytes(b1, sizeof(b1), e->inuse_bytes, opt->raw),
			pct(b2, sizeof(b2), e->inuse_bytes, total.inuse_bytes),
			fmt_bytes(b3, sizeof(b3), e->inuse_req, opt->raw),
			pct(b4, sizeof(b4), lost, e->inuse_bytes),
			e->inuse_objs,
			fmt_bytes(b5, sizeof(b5), e->alloc_bytes, opt->raw),
			e->alloc_objs, frees(e), p->funcs[rows[i].func].name);
	}
	free(rows);
}
