// SPDX-License-Identifier: GPL-2.0
/*
 * kmprof - "pprof": the profile as pprof's profile.proto, gzipped, for
 * go tool pprof and every pprof-compatible viewer.
 *
 * Shaped like the heap profiles Go writes (runtime/pprof/protomem.go) and
 * like pprof's own reading of the heap text: the sample types
 * alloc_objects, alloc_space, inuse_objects, inuse_space in that order,
 * inuse_space the default, period_type space/bytes with period = rate, a
 * numeric "bytes" label with the size class (no unit, as Go writes it),
 * a string "allocator" label with the allocator of the record ("slab" for
 * heap files before version 3: go tool pprof -tagfocus=allocator=page),
 * the record's labels of heap format 4 (string labels "context", "comm",
 * "cgroup", a numeric "pid"; -tagfocus=cgroup=/system.slice), with
 * the ages of heap format 5 a string "age" label on a Sample per age
 * class ("<1s", "1s-2s", "2s-4s", ...; -tagfocus=age=^1s-2s$),
 * estimated (unbiased) values, and stacks that start at the allocation
 * site: as Go hides the runtime's malloc frames, the allocators' are
 * left out (heap_site()) unless all_frames is asked for.
 * time_nanos is when the snapshot was taken; duration_nanos, set only for
 * the allocations of an interval (kmprof record), its length, as Go's
 * net/http/pprof marks its delta profiles.
 * Every distinct address is one Location, at the call: the return
 * address - 1, as Go and pprof's reader of the heap text place it. Every
 * function one Function, whose name keeps its module ("sym [mod]", as in
 * the other outputs) and whose system_name is the bare symbol; a frame
 * without a symbol is a function of its own named by its address, as top
 * and folded name it. All addresses sit in one Mapping named
 * "[kernel.kallsyms]", as perf names the kernel: pprof then knows the
 * frames are already symbolized and does not try to find a binary for
 * them.
 */

#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "kmprof_tool.h"
#include "profile.pb-c.h"

typedef Perftools__Profiles__Profile Profile;
typedef Perftools__Profiles__ValueType ValueType;
typedef Perftools__Profiles__Sample Sample;
typedef Perftools__Profiles__Label Label;
typedef Perftools__Profiles__Mapping Mapping;
typedef Perftools__Profiles__Location Location;
typedef Perftools__Profiles__Line Line;
typedef Perftools__Profiles__Function Function;

/* Addresses to Location ids: open addressing, id 0 free. */
struct locmap {
	uint64_t *pc;
	uint64_t *id;
	size_t nslots;
};

static uint64_t *locmap_slot(struct locmap *m, uint64_t pc)
{
	size_t i = (size_t)((pc * 0x9e3779b97f4a7c15ULL) >> 20) & (m->nslots - 1);

	while (m->id[i] && m->pc[i] != pc)
		i = (i + 1) & (m->nslots - 1);
	m->pc[i] = pc;
	return &m->id[i];
}

static int64_t clamp(uint64_t v)
{
	return v > INT64_MAX ? INT64_MAX : (int64_t)v;
}

static ValueType *value_type(struct arena *a, struct strtab *st,
			     const char *type, const char *unit)
{
	ValueType *vt = arena_alloc(a, sizeof(*vt));

	perftools__profiles__value_type__init(vt);
	vt->type = strtab_intern(st, type);
	vt->unit = strtab_intern(st, unit);
	return vt;
}

static int gzip_buf(const uint8_t *in, size_t inlen, unsigned char **out,
		    size_t *outlen)
{
	z_stream zs;
	uLong bound;
	int ret;

	memset(&zs, 0, sizeof(zs));
	/* 15 window bits + 16: a gzip header and trailer, not zlib's */
	if (deflateInit2(&zs, Z_DEFAULT_COMPRESSION, Z_DEFLATED, 15 + 16, 8,
			 Z_DEFAULT_STRATEGY) != Z_OK)
		return -1;
	bound = deflateBound(&zs, (uLong)inlen) + 32;
	*out = xmalloc(bound);
	zs.next_in = (Bytef *)in;
	zs.avail_in = (uInt)inlen;
	zs.next_out = *out;
	zs.avail_out = (uInt)bound;
	ret = deflate(&zs, Z_FINISH);
	*outlen = zs.total_out;
	deflateEnd(&zs);
	if (ret != Z_STREAM_END) {
		free(*out);
		*out = NULL;
		return -1;
	}
	return 0;
}

/* The profile as it is built, and what its parts share. */
struct builder {
	const struct heap_profile *p;
	struct cgroup_names *cgroups;	/* names the cgroup labels */
	Profile prof;
	struct arena a;
	struct strtab st;
	struct locmap map;
	uint64_t *func_id;	/* Function ids by heap function, 0: none yet */
	uint64_t lo, hi;	/* the lowest and highest Location address */
};

/*
 * Room for every Location (at most one a frame), Function and Sample the
 * profile can have.
 */
static void builder_init(struct builder *b, const struct heap_profile *p)
{
	Profile *prof = &b->prof;
	size_t nframes = 0;

	b->p = p;
	b->lo = UINT64_MAX;
	strtab_init(&b->st);
	b->func_id = xcalloc(p->nfuncs + 1, sizeof(*b->func_id));
	size_t nsamples = p->nr;

	for (size_t i = 0; i < p->nr; i++) {
		const struct heap_bucket *hb = &p->buckets[i];

		nframes += hb->depth;
		for (unsigned int k = 0; hb->has_ages && k < KMPROF_HEAP_AGE_CLASSES; k++)
			nsamples += hb->ages[k] != 0;
	}
	b->map.nslots = 16;
	while (b->map.nslots < nframes * 2)
		b->map.nslots *= 2;
	b->map.pc = xcalloc(b->map.nslots, sizeof(*b->map.pc));
	b->map.id = xcalloc(b->map.nslots, sizeof(*b->map.id));
	prof->location = arena_alloc(&b->a, (nframes + 1) * sizeof(*prof->location));
	prof->function = arena_alloc(&b->a, (p->nfuncs + 1) * sizeof(*prof->function));
	prof->sample = arena_alloc(&b->a, (nsamples + 1) * sizeof(*prof->sample));
}

static void builder_free(struct builder *b)
{
	free(b->map.pc);
	free(b->map.id);
	free(b->func_id);
	strtab_free(&b->st);
	arena_free(&b->a);
}

/* Go's heap sample types, inuse_space the default; the period is the rate. */
static void add_sample_types(struct builder *b)
{
	Profile *prof = &b->prof;

	prof->n_sample_type = 4;
	prof->sample_type = arena_alloc(&b->a, 4 * sizeof(*prof->sample_type));
	prof->sample_type[0] = value_type(&b->a, &b->st, "alloc_objects", "count");
	prof->sample_type[1] = value_type(&b->a, &b->st, "alloc_space", "bytes");
	prof->sample_type[2] = value_type(&b->a, &b->st, "inuse_objects", "count");
	prof->sample_type[3] = value_type(&b->a, &b->st, "inuse_space", "bytes");
	prof->period_type = value_type(&b->a, &b->st, "space", "bytes");
	prof->period = clamp(b->p->rate);
	prof->default_sample_type = strtab_intern(&b->st, "inuse_space");
}

/* When the snapshot was taken, if the file says, and a comment naming it. */
static void add_time_and_comment(struct builder *b)
{
	const struct heap_profile *p = b->p;
	Profile *prof = &b->prof;
	char comment[160];

	if (p->has_time)
		prof->time_nanos = clamp(p->time_ns);
	prof->duration_nanos = clamp(p->duration_ns);
	snprintf(comment, sizeof(comment),
		 "kmprof heap v%u rate=%llu cycle=%llu buckets=%zu", p->version,
		 (unsigned long long)p->rate, (unsigned long long)p->cycle, p->nr);
	prof->n_comment = 1;
	prof->comment = arena_alloc(&b->a, sizeof(*prof->comment));
	prof->comment[0] = strtab_intern(&b->st, comment);
}

/* The Function of heap function @func: added at its first frame. */
static uint64_t function_id(struct builder *b, uint32_t func)
{
	const struct heap_func *f = &b->p->funcs[func];
	Function *fn;

	if (b->func_id[func])
		return b->func_id[func];
	fn = arena_alloc(&b->a, sizeof(*fn));
	perftools__profiles__function__init(fn);
	fn->id = b->func_id[func] = ++b->prof.n_function;
	fn->name = strtab_intern(&b->st, f->name);
	fn->system_name = strtab_intern(&b->st, f->symbol);
	b->prof.function[fn->id - 1] = fn;
	return fn->id;
}

/*
 * The Location of return address @pc, a frame of heap function @func:
 * added at its first frame, one Line in that function.
 */
static uint64_t location_id(struct builder *b, uint64_t pc, uint32_t func)
{
	uint64_t *id = locmap_slot(&b->map, pc);
	/* the call: wraps as pprof's reader does */
	uint64_t addr = pc - 1;
	Location *loc;
	Line *line;

	if (*id)
		return *id;
	loc = arena_alloc(&b->a, sizeof(*loc));
	perftools__profiles__location__init(loc);
	*id = loc->id = ++b->prof.n_location;
	loc->mapping_id = 1;
	loc->address = addr;
	if (addr < b->lo)
		b->lo = addr;
	if (addr > b->hi)
		b->hi = addr;
	b->prof.location[loc->id - 1] = loc;
	line = arena_alloc(&b->a, sizeof(*line));
	perftools__profiles__line__init(line);
	line->function_id = function_id(b, func);
	loc->n_line = 1;
	loc->line = arena_alloc(&b->a, sizeof(*loc->line));
	loc->line[0] = line;
	return loc->id;
}

/* A Label @key: @str, or the number @num if @str is NULL. */
static Label *label(struct builder *b, const char *key, const char *str,
		    int64_t num)
{
	Label *l = arena_alloc(&b->a, sizeof(*l));

	perftools__profiles__label__init(l);
	l->key = strtab_intern(&b->st, key);
	if (str)
		l->str = strtab_intern(&b->st, str);
	else
		l->num = num;
	return l;
}

/*
 * The labels of Sample @s: "bytes" with the size class, "allocator" with
 * the allocator, and those of the record's labels it has (heap format 4):
 * "context", "comm" (escaped as the heap file has it) and "cgroup" (its
 * path) as strings, "pid" as a number.
 */
static void add_labels(struct builder *b, Sample *s,
		       const struct heap_bucket *hb, const char *age)
{
	char buf[HEAP_LABEL_VALUE_MAX];

	s->label = arena_alloc(&b->a, (3 + KMPROF_LABELS) * sizeof(*s->label));
	s->label[s->n_label++] = label(b, "bytes", NULL, clamp(hb->size));
	s->label[s->n_label++] = label(b, "allocator",
				       b->p->sources.name[hb->allocator], 0);
	for (int l = 0; l < KMPROF_LABELS; l++) {
		const char *v = label_value(hb, (enum kmprof_label)l,
					    b->cgroups, buf, sizeof(buf));

		if (!v)
			continue;
		if (l == KMPROF_LABEL_PID)
			s->label[s->n_label++] = label(b, "pid", NULL,
						       clamp(hb->pid));
		else
			s->label[s->n_label++] = label(b, label_name(l), v, 0);
	}
	if (age)
		s->label[s->n_label++] = label(b, "age", age, 0);
}

/*
 * A Sample of bucket @i with @values (alloc_objects, alloc_space,
 * inuse_objects, inuse_space), its labels and @age's if not NULL, and
 * its stack from heap_first_frame() on.
 */
static void add_sample(struct builder *b, size_t i, bool all_frames,
		       const int64_t values[4], const char *age)
{
	const struct heap_bucket *hb = &b->p->buckets[i];
	unsigned int first = heap_first_frame(b->p, hb, all_frames);
	Sample *s = arena_alloc(&b->a, sizeof(*s));

	perftools__profiles__sample__init(s);
	s->n_value = 4;
	s->value = arena_alloc(&b->a, 4 * sizeof(*s->value));
	memcpy(s->value, values, 4 * sizeof(*s->value));
	add_labels(b, s, hb, age);
	s->n_location_id = hb->depth - first;
	s->location_id = arena_alloc(&b->a, hb->depth * sizeof(*s->location_id));
	for (unsigned int k = first; k < hb->depth; k++)
		s->location_id[k - first] = location_id(b, hb->pcs[k], hb->func[k]);
	b->prof.sample[b->prof.n_sample++] = s;
}

/*
 * Bucket @i as Samples of its estimated values. With ages= (heap format
 * 5), one per age class with the class's in-use values (heap_age_estimate())
 * and an "age" label naming the class, and one without it carrying the
 * allocations and the in-use values no class has (objects freed since
 * the snapshot, what truncation leaves): each value sums over the
 * bucket's Samples to what one Sample of the bucket would have.
 */
static void add_bucket(struct builder *b, size_t i, bool all_frames)
{
	const struct heap_bucket *hb = &b->p->buckets[i];
	const struct heap_estimate *e = &b->p->est[i];
	int64_t v[4] = {
		clamp(e->alloc_objs), clamp(e->alloc_bytes),
		clamp(e->inuse_objs), clamp(e->inuse_bytes),
	};

	for (unsigned int k = 0; hb->has_ages && k < KMPROF_HEAP_AGE_CLASSES; k++) {
		struct heap_estimate ae;
		char name[HEAP_AGE_NAME_MAX];
		int64_t av[4] = { 0, 0, 0, 0 };

		if (!hb->ages[k])
			continue;
		heap_age_estimate(b->p, i, k, k + 1, &ae);
		/* never more than the bucket has left (saturated values) */
		av[2] = clamp(ae.inuse_objs) < v[2] ? clamp(ae.inuse_objs) : v[2];
		av[3] = clamp(ae.inuse_bytes) < v[3] ? clamp(ae.inuse_bytes) : v[3];
		v[2] -= av[2];
		v[3] -= av[3];
		add_sample(b, i, all_frames, av,
			   heap_age_class_name(name, sizeof(name), k));
	}
	add_sample(b, i, all_frames, v, NULL);
}

/* The one Mapping, "[kernel.kallsyms]", over every Location's address. */
static void add_mapping(struct builder *b)
{
	Mapping *mapping;

	if (!b->prof.n_location)
		return;
	mapping = arena_alloc(&b->a, sizeof(*mapping));
	perftools__profiles__mapping__init(mapping);
	mapping->id = 1;
	mapping->memory_start = b->lo;
	mapping->memory_limit = b->hi == UINT64_MAX ? b->hi : b->hi + 1;
	mapping->filename = strtab_intern(&b->st, "[kernel.kallsyms]");
	mapping->has_functions = true;
	b->prof.n_mapping = 1;
	b->prof.mapping = arena_alloc(&b->a, sizeof(*b->prof.mapping));
	b->prof.mapping[0] = mapping;
}

/* @prof packed and gzipped into *@out. 0, or -1 on failure. */
static int pack_gzip(const Profile *prof, unsigned char **out, size_t *outlen)
{
	size_t len = perftools__profiles__profile__get_packed_size(prof);
	uint8_t *packed = xmalloc(len);
	int ret;

	perftools__profiles__profile__pack(prof, packed);
	ret = gzip_buf(packed, len, out, outlen);
	free(packed);
	return ret;
}

int pprof_encode(const struct heap_profile *p, bool all_frames,
		 struct cgroup_names *cgroups, unsigned char **out,
		 size_t *outlen)
{
	struct builder b = {
		.prof = PERFTOOLS__PROFILES__PROFILE__INIT,
		.cgroups = cgroups,
	};
	int ret;

	builder_init(&b, p);
	add_sample_types(&b);
	add_time_and_comment(&b);
	for (size_t i = 0; i < p->nr; i++)
		add_bucket(&b, i, all_frames);
	add_mapping(&b);
	/* Every string is in: the table is whole. */
	b.prof.n_string_table = b.st.nr;
	b.prof.string_table = b.st.str;
	ret = pack_gzip(&b.prof, out, outlen);
	builder_free(&b);
	return ret;
}
