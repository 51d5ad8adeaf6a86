// SPDX-License-Identifier: GPL-2.0
/*
 * kmprof - "diff": the growth between two saved profiles, OLD and NEW.
 *
 * The rows of each file are top's (top_rows_build()) with the same
 * options: each file unbiased with its own rate, its frames named by its
 * own symbols. Rows are matched by what they show, never by address: a
 * site by its name ("sym [mod]") and its allocator's name, a label's value
 * by the value; so the same site matches across boots (KASLR) and across
 * files that list their allocators differently.
 *
 * Cumulative counts tell what was allocated between the two only when
 * both are snapshots of one profile: the same rate, NEW's cycle not before
 * OLD's, and no record with fewer allocations in NEW than in OLD (a reset,
 * a new rate or a reload of the module starts a new profile, and its
 * counts from zero). Records are matched as rows are: by their allocator,
 * size class, labels and the names of their frames.
 */

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "kmprof_tool.h"

enum { OLD, NEW };

struct diff_row {
	const char *name;
	uint32_t allocators;	/* 1 << index in the allocators of both */
	bool used;
	struct heap_estimate e[2];	/* in OLD and in NEW */
};

/* A signed difference, NEW - OLD, as a sign and a magnitude. */
struct delta {
	bool neg;
	uint64_t mag;
};

static struct delta delta(uint64_t old, uint64_t new)
{
	if (new >= old)
		return (struct delta){ .neg = false, .mag = new - old };
	return (struct delta){ .neg = true, .mag = old - new };
}

/* <0, 0 or >0 as @a is less than, equal to or greater than @b. */
static int delta_cmp(struct delta a, struct delta b)
{
	if (a.neg != b.neg)
		return a.neg ? -1 : 1;
	if (a.mag == b.mag)
		return 0;
	return (a.mag < b.mag) != a.neg ? -1 : 1;
}

static struct delta growth(const struct diff_row *r)
{
	return delta(r->e[OLD].inuse_bytes, r->e[NEW].inuse_bytes);
}

static int row_cmp(const void *a, const void *b, void *arg)
{
	const enum diff_sort *sort = arg;
	const struct diff_row *x = a, *y = b;
	uint64_t nx = x->e[NEW].inuse_bytes, ny = y->e[NEW].inuse_bytes;
	int c = 0, names;

	if (*sort == DIFF_SORT_NEW && nx != ny)
		return nx > ny ? -1 : 1;
	c = delta_cmp(growth(y), growth(x));
	if (c)
		return *sort == DIFF_SORT_SHRINK ? -c : c;
	if (nx != ny)
		return nx > ny ? -1 : 1;
	names = strcmp(x->name, y->name);
	if (names)
		return names;
	return x->allocators < y->allocators ? -1 : x->allocators > y->allocators;
}

/* "+1.5 MiB", "-512", "+0 B": a difference of bytes. */
static const char *fmt_delta(char *buf, size_t len, struct delta d, bool raw)
{
	char b[32];

	snprintf(buf, len, "%c%s", d.neg ? '-' : '+',
		 fmt_bytes(b, sizeof(b), d.mag, raw));
	return buf;
}

/* "+3", "-12": a difference of counts. */
static const char *fmt_count(char *buf, size_t len, struct delta d)
{
	snprintf(buf, len, "%c%" PRIu64, d.neg ? '-' : '+', d.mag);
	return buf;
}

/* A string built piece by piece. */
struct text {
	char *s;
	size_t len, cap;
};

static void text_add(struct text *t, const char *s)
{
	size_t n = strlen(s);

	t->s = xgrow(t->s, &t->cap, t->len + n + 1, 1);
	memcpy(t->s + t->len, s, n + 1);
	t->len += n;
}

void rows_merge_sources(struct allocator_list *all,
			const struct heap_profile *const *p, unsigned int n)
{
	*all = p[0]->sources;
	for (unsigned int f = 1; f < n; f++) {
		for (unsigned int s = 0; s < p[f]->sources.nr; s++) {
			const char *name = p[f]->sources.name[s];

			if (allocator_list_find(all, name) < 0 &&
			    all->nr < KMPROF_HEAP_SOURCES_MAX)
				memcpy(all->name[all->nr++], name,
				       sizeof(all->name[0]));
		}
	}
}

uint32_t rows_merged_mask(const struct allocator_list *all,
			  const struct heap_profile *p, uint32_t mask)
{
	uint32_t m = 0;

	for (unsigned int s = 0; s < p->sources.nr; s++) {
		int i = allocator_list_find(all, p->sources.name[s]);

		if ((mask & (1U << s)) && i >= 0)
			m |= 1U << i;
	}
	return m;
}

uint32_t rows_match_id(struct strtab *keys, const struct heap_profile *p,
		       const struct top_row *r, const struct top_options *opt)
{
	char names[KMPROF_HEAP_SOURCES_MAX * (KMPROF_HEAP_ALLOCATOR_MAX + 1)];
	struct text key = { .s = NULL };
	uint32_t id;

	text_add(&key, "");
	if (opt->by < 0) {
		/* a site's row is of one allocator */
		text_add(&key, allocator_list_names(names, sizeof(names),
						    &p->sources, r->allocators));
		text_add(&key, "\n");
	}
	text_add(&key, r->name);
	id = strtab_intern(keys, key.s);
	free(key.s);
	return id;
}

/* The rows of both files, matched: *@n of them, unsorted (never NULL). */
static struct diff_row *match_rows(const struct heap_profile *p[2],
				   const struct top_rows t[2],
				   const struct top_options *opt,
				   const struct allocator_list *all,
				   struct strtab *keys, size_t *n)
{
	struct diff_row *rows = xcalloc(1, sizeof(*rows));
	size_t cap = 1;

	for (int f = OLD; f <= NEW; f++) {
		for (size_t i = 0; i < t[f].nr; i++) {
			const struct top_row *r = &t[f].row[i];
			uint32_t id = rows_match_id(keys, p[f], r, opt);
			struct diff_row *d;

			rows = xgrow(rows, &cap, (size_t)id + 1, sizeof(*rows));
			d = &rows[id];
			d->name = r->name;
			d->used = true;
			d->allocators |= rows_merged_mask(all, p[f], r->allocators);
			d->e[f] = r->e;
		}
	}
	/* id 0 is "": a row only if a label's value is empty */
	*n = 0;
	for (size_t id = 0; id < keys->nr; id++)
		if (rows[id].used)
			rows[(*n)++] = rows[id];
	return rows;
}

/*
 * Record @b's key: its allocator, size class, labels and frames, as
 * shown, so that it is the same in both files; or with @by_address its
 * frames' addresses, which tell apart the records of one profile that
 * the names alone do not (two calls in one function).
 */
static const char *record_key(struct text *key, const struct heap_profile *p,
			      const struct heap_bucket *b, bool by_address)
{
	char head[256], comm[HEAP_COMM_ESCAPED_MAX];

	snprintf(head, sizeof(head), "%s %" PRIu64 " %s %s%s %s%" PRIu64 " %s%" PRIu64,
		 p->sources.name[b->allocator], b->size,
		 b->has_context ? context_name(b->context) : "-",
		 b->has_comm ? "=" : "-",
		 b->has_comm ? comm_escape(comm, sizeof(comm), b->comm) : "",
		 b->has_pid ? "=" : "-", b->pid,
		 b->has_cgroup ? "=" : "-", b->cgroup);
	key->len = 0;
	text_add(key, head);
	for (unsigned int k = 0; k < b->depth; k++) {
		char pc[24];

		text_add(key, "\n");
		if (by_address) {
			snprintf(pc, sizeof(pc), "%" PRIx64, b->pcs[k]);
			text_add(key, pc);
		} else {
			text_add(key, p->funcs[b->func[k]].name);
		}
	}
	return key->s;
}

/* True if a record of @old has fewer allocations in @new, or none. */
static bool allocs_decrease(const struct heap_profile *old,
			    const struct heap_profile *new)
{
	const struct heap_profile *p[2] = { old, new };
	struct text key = { .s = NULL };
	/* per key (id 0 is "", no record's): objects, bytes per file */
	uint64_t (*sum)[2][2] = xcalloc(1, sizeof(*sum));
	struct strtab keys;
	bool fewer = false;
	size_t cap = 1;

	strtab_init(&keys);
	for (int f = OLD; f <= NEW; f++) {
		for (size_t i = 0; i < p[f]->nr; i++) {
			const struct heap_bucket *b = &p[f]->buckets[i];
			uint32_t id = strtab_intern(&keys, record_key(&key, p[f], b, false));

			sum = xgrow(sum, &cap, (size_t)id + 1, sizeof(*sum));
			sum[id][f][0] = sat_add(sum[id][f][0], b->alloc_objs);
			sum[id][f][1] = sat_add(sum[id][f][1], b->alloc_bytes);
		}
	}
	for (size_t id = 0; id < keys.nr && !fewer; id++)
		fewer = sum[id][NEW][0] < sum[id][OLD][0] ||
			sum[id][NEW][1] < sum[id][OLD][1];
	free(sum);
	free(key.s);
	strtab_free(&keys);
	return fewer;
}

const char *heap_other_profile(const struct heap_profile *old,
			       const struct heap_profile *new)
{
	if (old->rate != new->rate)
		return "the rates differ";
	if (new->cycle < old->cycle)
		return "NEW's cycle is before OLD's";
	if (allocs_decrease(old, new))
		return "a record has fewer allocations in NEW than in OLD";
	return NULL;
}

const char *heap_alloc_delta(struct heap_profile *new,
			     const struct heap_profile *old)
{
	const char *other = heap_other_profile(old, new);
	struct text key = { .s = NULL };
	/* per key (id 0 is "", no record's): OLD's objects, bytes, requested */
	uint64_t (*was)[3] = xcalloc(1, sizeof(*was));
	struct strtab keys;
	size_t cap = 1;

	if (other) {
		free(was);
		return other;
	}
	strtab_init(&keys);
	for (size_t i = 0; i < old->nr; i++) {
		const struct heap_bucket *b = &old->buckets[i];
		uint32_t id = strtab_intern(&keys, record_key(&key, old, b, true));

		was = xgrow(was, &cap, (size_t)id + 1, sizeof(*was));
		was[id][0] = sat_add(was[id][0], b->alloc_objs);
		was[id][1] = sat_add(was[id][1], b->alloc_bytes);
		was[id][2] = sat_add(was[id][2], b->alloc_req);
	}
	new->alloc_objs = 0;
	new->alloc_bytes = 0;
	for (size_t i = 0; i < new->nr; i++) {
		struct heap_bucket *b = &new->buckets[i];
		uint32_t id = strtab_intern(&keys, record_key(&key, new, b, true));
		uint64_t *v[3] = { &b->alloc_objs, &b->alloc_bytes, &b->alloc_req };

		was = xgrow(was, &cap, (size_t)id + 1, sizeof(*was));
		for (int f = 0; f < 3; f++) {
			/* a key twice in NEW: OLD's counts are taken once */
			*v[f] = *v[f] > was[id][f] ? *v[f] - was[id][f] : 0;
			was[id][f] = 0;
		}
		new->alloc_objs = sat_add(new->alloc_objs, b->alloc_objs);
		new->alloc_bytes = sat_add(new->alloc_bytes, b->alloc_bytes);
	}
	free(was);
	free(key.s);
	strtab_free(&keys);
	return NULL;
}

/* "2023-11-14 22:13:20 UTC", "time unknown" */
static const char *fmt_time(char *buf, size_t len, const struct heap_profile *p)
{
	time_t t = (time_t)(p->time_ns / 1000000000);
	struct tm tm;

	if (!p->has_time || !gmtime_r(&t, &tm) ||
	    !strftime(buf, len, "%Y-%m-%d %H:%M:%S UTC", &tm))
		snprintf(buf, len, "time unknown");
	return buf;
}

/* "1h02m03.500s", "2m00.000s", "-0.250s": NEW's time - OLD's. */
static const char *fmt_interval(char *buf, size_t len, struct delta ns)
{
	uint64_t ms = ns.mag / 1000000, s = ms / 1000, m = s / 60, h = m / 60;
	const char *sign = ns.neg ? "-" : "";

	if (h)
		snprintf(buf, len, "%s%" PRIu64 "h%02um%02u.%03us", sign, h,
			 (unsigned int)(m % 60), (unsigned int)(s % 60),
			 (unsigned int)(ms % 1000));
	else if (m)
		snprintf(buf, len, "%s%um%02u.%03us", sign, (unsigned int)m,
			 (unsigned int)(s % 60), (unsigned int)(ms % 1000));
	else
		snprintf(buf, len, "%s%u.%03us", sign, (unsigned int)s,
			 (unsigned int)(ms % 1000));
	return buf;
}

static void print_header(FILE *out, const struct heap_profile *p[2],
			 const struct diff_options *opt, const char *other)
{
	const char *label[2] = { "old:", "new:" }, *name[2] = { opt->old_name, opt->new_name };
	char b1[64], b2[64];

	for (int f = OLD; f <= NEW; f++)
		fprintf(out, "%-10s %s: heap v%u, cycle %" PRIu64 ", %s, rate %s, %zu %s\n",
			label[f], name[f], p[f]->version, p[f]->cycle,
			fmt_time(b1, sizeof(b1), p[f]),
			fmt_bytes(b2, sizeof(b2), p[f]->rate, opt->top->raw),
			p[f]->nr, plural(p[f]->nr, "bucket", "buckets"));
	if (p[OLD]->has_time && p[NEW]->has_time)
		fprintf(out, "interval:  %s%s\n",
			fmt_interval(b1, sizeof(b1), delta(p[OLD]->time_ns, p[NEW]->time_ns)),
			p[NEW]->time_ns < p[OLD]->time_ns ? " (NEW was taken before OLD)" : "");
	if (p[OLD]->rate != p[NEW]->rate)
		fprintf(out, "note:      the rates differ: each file's estimates are unbiased with its own\n");
	if (other)
		fprintf(out, "note:      not one profile (%s): allocations between them unknown (-)\n",
			other);
}

static void print_totals(FILE *out, const struct top_rows t[2],
			 const struct diff_options *opt, const char *other)
{
	const struct heap_estimate *o = &t[OLD].all, *n = &t[NEW].all;
	bool raw = opt->top->raw;
	char b1[32], b2[32], b3[48], b4[48];

	fprintf(out, "in use:    %s -> %s (%s), %" PRIu64 " -> %" PRIu64 " %s (%s)\n",
		fmt_bytes(b1, sizeof(b1), o->inuse_bytes, raw),
		fmt_bytes(b2, sizeof(b2), n->inuse_bytes, raw),
		fmt_delta(b3, sizeof(b3), delta(o->inuse_bytes, n->inuse_bytes), raw),
		o->inuse_objs, n->inuse_objs, plural(n->inuse_objs, "object", "objects"),
		fmt_count(b4, sizeof(b4), delta(o->inuse_objs, n->inuse_objs)));
	if (other || n->alloc_bytes < o->alloc_bytes || n->alloc_objs < o->alloc_objs)
		fprintf(out, "allocated: - between them\n");
	else
		fprintf(out, "allocated: %s between them, in %" PRIu64 " %s\n",
			fmt_bytes(b1, sizeof(b1), n->alloc_bytes - o->alloc_bytes, raw),
			n->alloc_objs - o->alloc_objs,
			plural(n->alloc_objs - o->alloc_objs, "object", "objects"));
	top_print_only(out, opt->top);
}

static void print_rows(FILE *out, const struct diff_row *rows, size_t n,
		       const struct allocator_list *all,
		       const struct diff_options *opt, bool one_profile)
{
	char b1[32], b2[32], b3[48], b4[48], b5[32];
	char names[KMPROF_HEAP_SOURCES_MAX * (KMPROF_HEAP_ALLOCATOR_MAX + 1)];
	unsigned int limit = opt->top->limit;

	fprintf(out, "\n%11s %11s %12s %9s %11s  %-9s %s\n",
		"OLD INUSE", "NEW INUSE", "GROWTH", "OBJECTS", "ALLOC",
		"ALLOCATOR", top_row_title(opt->top, b1, sizeof(b1)));
	for (size_t i = 0; i < n && (!limit || i < limit); i++) {
		const struct heap_estimate *o = &rows[i].e[OLD], *e = &rows[i].e[NEW];
		bool between = one_profile && e->alloc_objs >= o->alloc_objs &&
			       e->alloc_bytes >= o->alloc_bytes;

		if (between)
			fmt_bytes(b5, sizeof(b5), e->alloc_bytes - o->alloc_bytes,
				  opt->top->raw);
		else
			snprintf(b5, sizeof(b5), "-");
		fprintf(out, "%11s %11s %12s %9s %11s  %-9s %s\n",
			fmt_bytes(b1, sizeof(b1), o->inuse_bytes, opt->top->raw),
			fmt_bytes(b2, sizeof(b2), e->inuse_bytes, opt->top->raw),
			fmt_delta(b3, sizeof(b3), growth(&rows[i]), opt->top->raw),
			fmt_count(b4, sizeof(b4), delta(o->inuse_objs, e->inuse_objs)),
			b5, allocator_list_names(names, sizeof(names), all,
						 rows[i].allocators),
			rows[i].name);
	}
}

void diff_print(FILE *out, const struct heap_profile *old,
		const struct heap_profile *new, const struct diff_options *opt)
{
	const struct heap_profile *p[2] = { old, new };
	const char *other = heap_other_profile(old, new);
	enum diff_sort sort = opt->sort;
	struct allocator_list all;
	struct top_rows t[2];
	struct diff_row *rows;
	struct strtab keys;
	size_t n;

	for (int f = OLD; f <= NEW; f++)
		top_rows_build(&t[f], p[f], opt->top);
	rows_merge_sources(&all, p, 2);
	strtab_init(&keys);
	rows = match_rows(p, t, opt->top, &all, &keys, &n);
	qsort_r(rows, n, sizeof(*rows), row_cmp, &sort);
	print_header(out, p, opt, other);
	print_totals(out, t, opt, other);
	print_rows(out, rows, n, &all, opt, !other);
	free(rows);
	strtab_free(&keys);
	for (int f = OLD; f <= NEW; f++)
		top_rows_free(&t[f]);
}
