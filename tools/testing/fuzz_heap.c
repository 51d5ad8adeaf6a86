// SPDX-License-Identifier: GPL-2.0
/*
 * kmprof - libFuzzer target of the heap file parser, of the kallsyms
 * parser, and of everything the tool does with what they accept: naming,
 * estimates, top (also --lifetimes), diff (of the profile with itself), leaks (of
 * it three times), folded, pprof (from
 * the site and with all frames), and pprof's output decoded again,
 * metrics, and the allocations since itself (record's). Built with -fsanitize=fuzzer,address,
 * undefined by `make -C tools fuzz`.
 *
 * An input is heap text, optionally followed by a NUL byte and kallsyms
 * text (the heap parser refuses NUL bytes, so the split is unambiguous).
 *
 * Besides crashes and sanitizer reports, it stops on a rejected input
 * whose error names no line or field, or whose message is not text; on an
 * accepted one whose totals are not the sums of its records, or with a
 * record whose allocator is none of its sources or with labels line 2 does
 * not list, or with lifetimes where it has no frees or none where it has
 * some (format 6); and on a pprof output
 * that does not decode, or whose samples, locations, functions, allocator
 * labels or strings do not match the profile or point nowhere.
 */

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

#include "kmprof_tool.h"
#include "profile.pb-c.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static FILE *sink;
/* cgroup names from an empty directory: every id is "(deleted) ID" */
static struct cgroup_names cgroups;
/* what top --allocator keeps: a known allocator and a later one */
static struct allocator_list some_allocators;

static void check_error(const struct heap_error *err)
{
	if (err->line == 0 || !err->field[0] || !err->msg[0])
		abort();
	for (const char *s = err->msg; *s; s++)
		if (*s < 0x20 || *s > 0x7e)
			abort();
}

/* A record has only the labels line 2 lists, a task's only in a task. */
static void check_labels(const struct heap_profile *p,
			 const struct heap_bucket *b)
{
	bool task = !b->has_context || b->context == KMPROF_CONTEXT_TASK;

	if ((b->has_context && !(p->labels & (1U << KMPROF_LABEL_CONTEXT))) ||
	    (b->has_comm && !(p->labels & (1U << KMPROF_LABEL_COMM))) ||
	    (b->has_pid && !(p->labels & (1U << KMPROF_LABEL_PID))) ||
	    (b->has_cgroup && !(p->labels & (1U << KMPROF_LABEL_CGROUP))) ||
	    ((b->has_comm || b->has_pid || b->has_cgroup) && !task) ||
	    b->context >= KMPROF_CONTEXTS || strlen(b->comm) > HEAP_COMM_MAX ||
	    (p->version < 4 && p->labels))
		abort();
}

/*
 * Lifetimes only in version 6, in every record with frees and only there,
 * counting at most its frees.
 */
static void check_lifetimes(const struct heap_profile *p,
			    const struct heap_bucket *b)
{
	uint64_t frees = b->alloc_objs - b->inuse_objs, n = 0;

	if (b->has_lifetimes != (p->version >= 6 && frees))
		abort();
	for (unsigned int k = 0; b->has_lifetimes && k < KMPROF_HEAP_LIFETIME_CLASSES; k++)
		n += b->lifetimes[k];
	if (n > frees)
		abort();
}

static void check_totals(const struct heap_profile *p)
{
	uint64_t io = 0, ab = 0;

	for (size_t i = 0; i < p->nr; i++) {
		const struct heap_bucket *b = &p->buckets[i];

		io += b->inuse_objs;
		ab += b->alloc_bytes;
		if (b->inuse_objs > b->alloc_objs || !b->depth ||
		    b->allocator >= p->sources.nr ||
		    b->inuse_bytes != b->inuse_objs * b->size ||
		    b->alloc_req > b->alloc_bytes)
			abort();
		check_labels(p, b);
		check_lifetimes(p, b);
	}
	if (io != p->inuse_objs || ab != p->alloc_bytes ||
	    p->nr != p->declared_buckets || !p->sources.nr ||
	    allocator_list_misordered(&p->sources) >= 0)
		abort();
}

/* gzip -d of @in into a malloc'ed buffer; aborts on anything but gzip. */
static uint8_t *gunzip(const unsigned char *in, size_t len, size_t *outlen)
{
	size_t cap = len * 4 + 1024;
	uint8_t *out = xmalloc(cap);
	z_stream zs;
	int r;

	memset(&zs, 0, sizeof(zs));
	if (inflateInit2(&zs, 15 + 16) != Z_OK)
		abort();
	zs.next_in = (Bytef *)in;
	zs.avail_in = (uInt)len;
	do {
		if (zs.total_out == cap) {
			cap *= 2;
			out = xrealloc(out, cap, 1);
		}
		zs.next_out = out + zs.total_out;
		zs.avail_out = (uInt)(cap - zs.total_out);
		r = inflate(&zs, Z_NO_FLUSH);
	} while (r == Z_OK);
	if (r != Z_STREAM_END)
		abort();
	*outlen = zs.total_out;
	inflateEnd(&zs);
	return out;
}

/*
 * The sample's second label is "allocator", its record's; one more for
 * each label the record has, each a key of the string table.
 */
static void check_allocator_label(const Perftools__Profiles__Profile *pb,
				  const Perftools__Profiles__Sample *s,
				  const struct heap_bucket *b,
				  const char *allocator, bool age)
{
	const Perftools__Profiles__Label *l;

	if (s->n_label != 2U + b->has_context + b->has_comm + b->has_pid +
	    b->has_cgroup + age)
		abort();
	for (size_t i = 0; i < s->n_label; i++)
		if (s->label[i]->key <= 0 ||
		    (size_t)s->label[i]->key >= pb->n_string_table ||
		    (size_t)s->label[i]->str >= pb->n_string_table)
			abort();
	l = s->label[1];
	if (l->key <= 0 || (size_t)l->key >= pb->n_string_table ||
	    l->str <= 0 || (size_t)l->str >= pb->n_string_table ||
	    strcmp(pb->string_table[l->key], "allocator") ||
	    strcmp(pb->string_table[l->str], allocator))
		abort();
}

/* A value as pprof.c writes it: int64, saturated. */
static int64_t clamp(uint64_t v)
{
	return v > INT64_MAX ? INT64_MAX : (int64_t)v;
}

/* pprof's output decodes, and everything in it points somewhere. */
static void check_pprof(const struct heap_profile *p, bool all_frames)
{
	Perftools__Profiles__Profile *pb;
	unsigned char *gz;
	size_t len, plen;
	uint8_t *packed;

	if (pprof_encode(p, all_frames, &cgroups, &gz, &len))
		return;
	packed = gunzip(gz, len, &plen);
	free(gz);
	pb = perftools__profiles__profile__unpack(NULL, plen, packed);
	free(packed);
	size_t nsamples = p->nr, j = 0;

	for (size_t i = 0; i < p->nr; i++)
		for (unsigned int k = 0; p->buckets[i].has_ages && k < KMPROF_HEAP_AGE_CLASSES; k++)
			nsamples += p->buckets[i].ages[k] != 0;
	if (!pb || pb->n_sample != nsamples || pb->n_sample_type != 4 ||
	    pb->n_string_table == 0 || pb->default_sample_type < 0 ||
	    (size_t)pb->default_sample_type >= pb->n_string_table ||
	    strcmp(pb->string_table[pb->sample_type[0]->type], "alloc_objects") ||
	    strcmp(pb->string_table[pb->sample_type[3]->type], "inuse_space"))
		abort();
	/*
	 * A bucket's samples: one per age class (an age label, no
	 * allocations), then one without; each value sums to the estimate.
	 */
	for (size_t i = 0; i < p->nr; i++) {
		const struct heap_bucket *b = &p->buckets[i];
		const struct heap_estimate *e = &p->est[i];
		int64_t sum[4] = { 0, 0, 0, 0 };
		const int64_t want[4] = {
			clamp(e->alloc_objs), clamp(e->alloc_bytes),
			clamp(e->inuse_objs), clamp(e->inuse_bytes),
		};
		size_t n = 1;

		for (unsigned int k = 0; b->has_ages && k < KMPROF_HEAP_AGE_CLASSES; k++)
			n += b->ages[k] != 0;
		for (size_t m = 0; m < n; m++, j++) {
			const Perftools__Profiles__Sample *s = pb->sample[j];
			bool age = m + 1 < n;

			if (s->n_value != 4 || !s->n_location_id ||
			    s->n_location_id > b->depth)
				abort();
			if (age && (s->value[0] || s->value[1]))
				abort();
			for (int v = 0; v < 4; v++) {
				if (s->value[v] < 0)
					abort();
				sum[v] += s->value[v];
			}
			check_allocator_label(pb, s, b,
					      p->sources.name[b->allocator], age);
			for (size_t k = 0; k < s->n_location_id; k++)
				if (!s->location_id[k] || s->location_id[k] > pb->n_location)
					abort();
		}
		if (memcmp(sum, want, sizeof(sum)))
			abort();
	}
	for (size_t i = 0; i < pb->n_location; i++) {
		const Perftools__Profiles__Location *l = pb->location[i];

		if (l->id != i + 1 || l->n_line != 1 || !l->line[0]->function_id ||
		    l->line[0]->function_id > pb->n_function)
			abort();
	}
	for (size_t i = 0; i < pb->n_function; i++) {
		const Perftools__Profiles__Function *f = pb->function[i];

		if (f->id != i + 1 || f->name <= 0 ||
		    (size_t)f->name >= pb->n_string_table ||
		    (size_t)f->system_name >= pb->n_string_table)
			abort();
	}
	perftools__profiles__profile__free_unpacked(pb, NULL);
}

/* diff of the profile with itself, by site and by a label. */
static void print_diffs(const struct heap_profile *p,
			struct top_options *topt)
{
	struct diff_options dopt = {
		.old_name = "old", .new_name = "new",
		.sort = DIFF_SORT_SHRINK, .top = topt,
	};

	topt->cumulative = false;
	diff_print(sink, p, p, &dopt);
	topt->by = KMPROF_LABEL_CGROUP;
	dopt.sort = DIFF_SORT_NEW;
	diff_print(sink, p, p, &dopt);
	topt->by = -1;
}

/* leaks over the profile three times, by site and by a label. */
static void print_leaks(const struct heap_profile *p,
			struct top_options *topt)
{
	const struct heap_profile *three[3] = { p, p, p };
	const char *names[3] = { "a", "b", "c" };
	struct leaks_options lopt = { .names = names, .top = topt };

	topt->cumulative = false;
	leaks_print(sink, three, 3, &lopt);
	topt->by = KMPROF_LABEL_COMM;
	leaks_print(sink, three, 2, &lopt);
	topt->by = -1;
}

/* top by every label, then of the records of a task, pid and cgroup. */
static void print_by_labels(const struct heap_profile *p,
			    struct top_options *topt)
{
	topt->cumulative = false;
	for (int l = 0; l < KMPROF_LABELS; l++) {
		topt->by = l;
		top_print(sink, p, topt);
	}
	topt->comm = "bash";
	topt->has_pid = true;
	topt->pid = 100;
	topt->cgroup = "/";
	top_print(sink, p, topt);
}

/*
 * The allocations of @p since itself: none but what a record of the same
 * key counted before it has (the parser lets a file repeat a record), so
 * no record more than it had; then estimated and written as record does.
 */
static void check_self_delta(struct heap_profile *p)
{
	uint64_t *before = xcalloc(p->nr + 1, sizeof(*before));
	unsigned char *gz;
	size_t len;

	for (size_t i = 0; i < p->nr; i++)
		before[i] = p->buckets[i].alloc_objs;
	if (heap_alloc_delta(p, p))
		abort();
	for (size_t i = 0; i < p->nr; i++)
		if (p->buckets[i].alloc_objs > before[i])
			abort();
	free(before);
	p->duration_ns = 1;
	heap_estimate(p);
	if (!pprof_encode(p, false, &cgroups, &gz, &len))
		free(gz);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t *nul = memchr(data, '\0', size);
	size_t heap_len = nul ? (size_t)(nul - data) : size;
	struct top_options topt = { .limit = 5, .by = -1, .cgroups = &cgroups };
	struct folded_options fopt = { 0 };
	struct metrics_options mopt = {
		.top = 3, .cgroups = &cgroups,
		.stats = "kmprof stats v1\nsamples 1\ndrops_no_stack 2\nflush_last_ns 3\nbackend x\"\n",
	};
	struct kallsyms ks;
	bool have_ks = false;
	struct heap_profile p;
	struct heap_error err;

	if (!sink) {
		char why[160];

		static char dir[] = "/tmp/kmprof_fuzz_XXXXXX";

		sink = fopen("/dev/null", "w");
		allocator_list_parse(&some_allocators, "page,zram", 9, why,
				     sizeof(why));
		cgroup_names_init(&cgroups, mkdtemp(dir) ? dir : "/nonexistent");
		cgroup_name(&cgroups, 1, why, sizeof(why));
		rmdir(dir);
	}
	if (nul) {
		if (kallsyms_parse(&ks, (const char *)nul + 1,
				   size - heap_len - 1, &err))
			check_error(&err);
		else
			have_ks = true;
	}
	if (heap_parse((const char *)data, heap_len, &p, &err)) {
		check_error(&err);
		if (have_ks)
			kallsyms_free(&ks);
		return 0;
	}
	check_totals(&p);
	heap_symbolize(&p, have_ks ? &ks : NULL);
	if (have_ks)
		kallsyms_free(&ks);
	heap_estimate(&p);
	top_print(sink, &p, &topt);
	topt.cumulative = true;
	topt.sort = SORT_FREES;
	top_print(sink, &p, &topt);
	topt.only = &some_allocators;
	top_print(sink, &p, &topt);
	print_diffs(&p, &topt);
	print_leaks(&p, &topt);
	topt.lifetimes = topt.classes = true;
	top_print(sink, &p, &topt);
	topt.lifetimes = topt.classes = false;
	print_by_labels(&p, &topt);
	folded_print(sink, &p, &fopt);
	fopt.all_frames = true;
	folded_print(sink, &p, &fopt);
	check_pprof(&p, false);
	check_pprof(&p, true);
	metrics_print(sink, &p, &mopt);
	check_self_delta(&p);
	heap_free(&p);
	return 0;
}
