// SPDX-License-Identifier: GPL-2.0
/*
 * kmprof - "leaks": the sites whose bytes in use grew over a series of
 * snapshots of one profile, beyond what sampling explains, and why each
 * is a suspect.
 *
 * Rows are top's (top_rows_build()), matched across the snapshots as diff
 * matches them (rows_match_id()). A row's growth is its estimated in-use
 * bytes at the last snapshot minus at the first. Each estimate is a sum of
 * records' sampled objects scaled up: a record of N objects of S bytes
 * samples each with probability q = 1 - exp(-S / rate), and its estimate
 * has the variance N (1 - q) / q objects, estimated by n (1 - q) / q^2 for
 * its n sampled objects (heap_inuse_variance()), times S^2 in bytes. The
 * variance of the growth is taken as the sum of the two: an upper bound,
 * since objects held at both snapshots are the same sampled objects, which
 * makes the two estimates move together. The interval is the growth
 * +- 1.96 sigma (95 % for a normal error). A suspect is a row whose whole
 * interval is above 0; suspects rank by the interval's lower bound, the
 * growth most surely there first. The other rows follow, not significant,
 * by growth.
 *
 * Why a row is a suspect, from the last snapshot: in how many of the
 * intervals between snapshots it grew; from its ages (heap format 5) the
 * share of its objects in use older than the window (the time from the
 * first snapshot to the last, rounded up to an age class); from its
 * lifetimes (heap format 6) how long the objects it freed lived, and the
 * share of its objects in use older than any of those.
 */

#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "kmprof_tool.h"

/* The two-sided 95 % quantile of the normal distribution. */
#define Z95	1.96

struct leak_row {
	const char *name;
	uint32_t allocators;	/* 1 << index in the allocators of all */
	uint64_t *bytes;	/* estimated in use at each snapshot, n of them */
	double var[2];		/* the variance at the first and the last */
	/* at the last snapshot, if the row is there (owned by its top_rows) */
	const struct heap_classes *classes;
	double growth, half;	/* last - first, and 1.96 sigma of it */
	unsigned int grew;	/* the intervals in which it grew */
};

/* The profiles and their rows, as matched. */
struct leaks {
	const struct heap_profile *const *p;
	unsigned int n;		/* snapshots, at least 2 */
	struct top_rows *t;	/* per snapshot */
	struct allocator_list all;
	struct leak_row *row;	/* by id of rows_match_id() */
	size_t nr, cap;
	struct strtab keys;
};

static double lower_bound(const struct leak_row *r)
{
	return r->growth - r->half;
}

static bool suspect(const struct leak_row *r)
{
	return lower_bound(r) > 0;
}

/* Suspects first, by lower bound; then the others by growth; then names. */
static int row_cmp(const void *a, const void *b)
{
	const struct leak_row *x = a, *y = b;
	double kx, ky;
	int names;

	if (suspect(x) != suspect(y))
		return suspect(x) ? -1 : 1;
	kx = suspect(x) ? lower_bound(x) : x->growth;
	ky = suspect(y) ? lower_bound(y) : y->growth;
	if (kx != ky)
		return kx > ky ? -1 : 1;
	names = strcmp(x->name, y->name);
	if (names)
		return names;
	return x->allocators < y->allocators ? -1 : x->allocators > y->allocators;
}

/* Snapshot @f's rows into the matched rows of @l. */
static void match(struct leaks *l, unsigned int f, const struct top_options *opt)
{
	const struct heap_profile *p = l->p[f];

	for (size_t i = 0; i < l->t[f].nr; i++) {
		const struct top_row *r = &l->t[f].row[i];
		uint32_t id = rows_match_id(&l->keys, p, r, opt);
		struct leak_row *lr;

		l->row = xgrow(l->row, &l->cap, (size_t)id + 1, sizeof(*l->row));
		lr = &l->row[id];
		if (!lr->bytes)
			lr->bytes = xcalloc(l->n, sizeof(*lr->bytes));
		lr->name = r->name;
		lr->allocators |= rows_merged_mask(&l->all, p, r->allocators);
		lr->bytes[f] = r->e.inuse_bytes;
		if (f == 0)
			lr->var[0] = r->e.inuse_bytes_var;
		if (f == l->n - 1) {
			lr->var[1] = r->e.inuse_bytes_var;
			lr->classes = r->classes;
		}
	}
}

/* The rows of every snapshot, matched, with their growth: l->nr of them. */
static void build(struct leaks *l, const struct top_options *top)
{
	struct top_options opt = *top;
	struct leak_row moved;
	size_t n = 0;

	l->t = xcalloc(l->n, sizeof(*l->t));
	l->row = xcalloc(1, sizeof(*l->row));	/* never NULL, for qsort() */
	l->cap = 1;
	rows_merge_sources(&l->all, l->p, l->n);
	strtab_init(&l->keys);
	for (unsigned int f = 0; f < l->n; f++) {
		opt.classes = f == l->n - 1;
		top_rows_build(&l->t[f], l->p[f], &opt);
		match(l, f, &opt);
	}
	/* id 0 is "": a row only if a label's value is empty */
	for (size_t id = 0; id < l->keys.nr && id < l->cap; id++) {
		struct leak_row *r = &l->row[id];

		if (!r->bytes)
			continue;
		r->growth = (double)r->bytes[l->n - 1] - (double)r->bytes[0];
		r->half = Z95 * sqrt(r->var[0] + r->var[1]);
		for (unsigned int f = 1; f < l->n; f++)
			r->grew += r->bytes[f] > r->bytes[f - 1];
		moved = *r;
		*r = (struct leak_row){ .bytes = NULL };
		l->row[n++] = moved;
	}
	l->nr = n;
	qsort(l->row, n, sizeof(*l->row), row_cmp);
}

static void leaks_free(struct leaks *l)
{
	for (size_t i = 0; i < l->nr; i++)
		free(l->row[i].bytes);
	free(l->row);
	for (unsigned int f = 0; f < l->n; f++)
		top_rows_free(&l->t[f]);
	free(l->t);
	strtab_free(&l->keys);
}

int leaks_refuse(const struct heap_profile *const *p, const char *const *names,
		 unsigned int n, char *why, size_t len)
{
	for (unsigned int f = 1; f < n; f++) {
		const struct heap_profile *a = p[f - 1], *b = p[f];

		if (a->rate != b->rate) {
			snprintf(why, len, "%s is sampled at rate %" PRIu64 " but %s at %" PRIu64 ": snapshots of one profile have one rate",
				 names[f], b->rate, names[f - 1], a->rate);
			return -1;
		}
		if (b->cycle < a->cycle ||
		    (a->has_time && b->has_time && b->time_ns < a->time_ns)) {
			snprintf(why, len, "%s was taken before %s: give the snapshots oldest first",
				 names[f], names[f - 1]);
			return -1;
		}
	}
	return 0;
}

/* "+1.5 MiB", "-512": a growth of bytes. */
static const char *fmt_growth(char *buf, size_t len, double growth, bool raw)
{
	char b[32];

	snprintf(buf, len, "%c%s", growth < 0 ? '-' : '+',
		 fmt_bytes(b, sizeof(b), (uint64_t)llround(fabs(growth)), raw));
	return buf;
}

/* The seconds from the first snapshot to the last, -1 if unknown. */
static double window(const struct leaks *l)
{
	const struct heap_profile *a = l->p[0], *b = l->p[l->n - 1];

	if (!a->has_time || !b->has_time)
		return -1;
	return (double)(b->time_ns - a->time_ns) / 1e9;
}

static void print_header(FILE *out, const struct leaks *l,
			 const struct leaks_options *opt)
{
	const struct heap_profile *first = l->p[0], *last = l->p[l->n - 1];
	double w = window(l);
	char b1[32];

	fprintf(out, "kmprof leaks: %u snapshots, cycles %" PRIu64 " to %" PRIu64 ", rate %s",
		l->n, first->cycle, last->cycle,
		fmt_bytes(b1, sizeof(b1), first->rate, opt->top->raw));
	if (w >= 0)
		fprintf(out, ", over %.3f s", w);
	fprintf(out, "\nfirst:     %s\nlast:      %s\n", opt->names[0],
		opt->names[l->n - 1]);
	for (unsigned int f = 1; f < l->n; f++) {
		const char *other = heap_other_profile(l->p[f - 1], l->p[f]);

		if (other)
			fprintf(out, "note:      %s and %s are not one profile (%s)\n",
				opt->names[f - 1], opt->names[f], other);
	}
	fprintf(out, "growth:    the estimated bytes in use at the last snapshot minus at the first,\n"
		"           +- 1.96 sigma (95%%); suspects: growth above 0 beyond that, by its lower bound\n");
	top_print_only(out, opt->top);
}

/* "75%": the share @part is of @whole. */
static int pct(double part, double whole)
{
	return (int)lround(100 * part / whole);
}

/* Why row @r is a suspect, from its classes at the last snapshot. */
static void print_why(FILE *out, const struct leaks *l,
		      const struct leak_row *r)
{
	const struct heap_classes *c = r->classes;
	const struct heap_profile *last = l->p[l->n - 1];
	double inuse = c ? heap_classes_aged(c, 0) : 0, w = window(l);
	char name[HEAP_AGE_NAME_MAX];

	fprintf(out, "    why: grew in %u of %u intervals", r->grew, l->n - 1);
	if (inuse > 0 && w >= 0) {
		unsigned int k = top_min_age_class((uint64_t)ceil(w));

		fprintf(out, "; %d%% of its objects in use are older than the window (at least %" PRIu64 " s)",
			pct(heap_classes_aged(c, k), inuse), heap_age_class_lo(k));
	}
	if (c && heap_classes_have_lifetimes(c)) {
		unsigned int j = heap_classes_last_lifetime(c);

		/* age class j + 1 starts at 2^j s, past lifetime class j */
		if (inuse > 0 && j + 1 < KMPROF_HEAP_LIFETIME_CLASSES)
			fprintf(out, "; %d%% of them older than any it freed",
				pct(heap_classes_aged(c, j + 1), inuse));
		fprintf(out, "; its frees lived %.1f s on average, the median one %s",
			heap_classes_mean_lifetime(c),
			heap_lifetime_class_name(name, sizeof(name),
						 heap_classes_median_lifetime(c)));
	} else if (last->version >= 6) {
		fprintf(out, "; it freed nothing");
	}
	fprintf(out, "\n");
}

static void print_rows(FILE *out, const struct leaks *l, size_t from,
		       size_t to, const struct leaks_options *opt)
{
	char b1[48], b2[32], b3[32], b4[32], grew[24];
	char names[KMPROF_HEAP_SOURCES_MAX * (KMPROF_HEAP_ALLOCATOR_MAX + 1)];
	unsigned int limit = opt->top->limit;
	bool raw = opt->top->raw;

	fprintf(out, "%12s %11s %11s %11s %5s  %-9s %s\n", "GROWTH", "+-95%",
		"FIRST", "LAST", "GREW", "ALLOCATOR",
		top_row_title(opt->top, b1, sizeof(b1)));
	for (size_t i = from; i < to && (!limit || i - from < limit); i++) {
		const struct leak_row *r = &l->row[i];

		snprintf(grew, sizeof(grew), "%u/%u", r->grew, l->n - 1);
		fprintf(out, "%12s %11s %11s %11s %5s  %-9s %s\n",
			fmt_growth(b1, sizeof(b1), r->growth, raw),
			fmt_bytes(b2, sizeof(b2), (uint64_t)llround(r->half), raw),
			fmt_bytes(b3, sizeof(b3), r->bytes[0], raw),
			fmt_bytes(b4, sizeof(b4), r->bytes[l->n - 1], raw), grew,
			allocator_list_names(names, sizeof(names), &l->all,
					     r->allocators),
			r->name);
		if (suspect(r))
			print_why(out, l, r);
	}
}

void leaks_print(FILE *out, const struct heap_profile *const *p,
		 unsigned int n, const struct leaks_options *opt)
{
	struct leaks l = { .p = p, .n = n };
	size_t suspects = 0;

	build(&l, opt->top);
	while (suspects < l.nr && suspect(&l.row[suspects]))
		suspects++;
	print_header(out, &l, opt);
	fprintf(out, "\nsuspects: %zu %s whose bytes in use grew beyond sampling error\n",
		suspects, plural(suspects, "row", "rows"));
	if (suspects)
		print_rows(out, &l, 0, suspects, opt);
	fprintf(out, "\nnot significant: %zu %s whose growth's interval reaches 0 or below\n",
		l.nr - suspects, plural(l.nr - suspects, "row", "rows"));
	if (l.nr > suspects)
		print_rows(out, &l, suspects, l.nr, opt);
	leaks_free(&l);
}
