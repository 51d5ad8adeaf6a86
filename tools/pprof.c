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
 * estimated (unbiased) values, and stacks that start at the allocation
 * site: as Go hides the runtime's malloc frames, the slab allocator's are
 * left out (heap_site()) unless all_frames is asked for.
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

int pprof_encode(const struct heap_profile *p, bool all_frames,
		 unsigned char **out, size_t *outlen)
{
	Profile prof = PERFTOOLS__PROFILES__PROFILE__INIT;
	uint64_t *func_id = xcalloc(p->nfuncs + 1, sizeof(*func_id));
	uint64_t lo = UINT64_MAX, hi = 0;
	size_t nframes = 0, nloc = 0, nfunc = 0;
	struct locmap map = { 0 };
	struct arena a = { 0 };
	struct strtab st;
	Mapping *mapping;
	char comment[160];
	uint8_t *packed;
	size_t len;
	int ret;

	strtab_init(&st);
	prof.n_sample_type = 4;
	prof.sample_type = arena_alloc(&a, 4 * sizeof(*prof.sample_type));
	prof.sample_type[0] = value_type(&a, &st, "alloc_objects", "count");
	prof.sample_type[1] = value_type(&a, &st, "alloc_space", "bytes");
	prof.sample_type[2] = value_type(&a, &st, "inuse_objects", "count");
	prof.sample_type[3] = value_type(&a, &st, "inuse_space", "bytes");
	prof.period_type = value_type(&a, &st, "space", "bytes");
	prof.period = clamp(p->rate);
	prof.default_sample_type = strtab_intern(&st, "inuse_space");
	if (p->has_time)
		prof.time_nanos = clamp(p->time_ns);
	snprintf(comment, sizeof(comment),
		 "kmprof heap v%u rate=%llu cycle=%llu buckets=%zu", p->version,
		 (unsigned long long)p->rate, (unsigned long long)p->cycle, p->nr);
	prof.n_comment = 1;
	prof.comment = arena_alloc(&a, sizeof(*prof.comment));
	prof.comment[0] = strtab_intern(&st, comment);

	for (size_t i = 0; i < p->nr; i++)
		nframes += p->buckets[i].depth;
	map.nslots = 16;
	while (map.nslots < nframes * 2)
		map.nslots *= 2;
	map.pc = xcalloc(map.nslots, sizeof(*map.pc));
	map.id = xcalloc(map.nslots, sizeof(*map.id));
	prof.location = arena_alloc(&a, (nframes + 1) * sizeof(*prof.location));
	prof.function = arena_alloc(&a, (p->nfuncs + 1) * sizeof(*prof.function));
	prof.sample = arena_alloc(&a, (p->nr + 1) * sizeof(*prof.sample));

	for (size_t i = 0; i < p->nr; i++) {
		const struct heap_bucket *b = &p->buckets[i];
		const struct heap_estimate *e = &p->est[i];
		unsigned int first = heap_first_frame(p, b, all_frames);
		Sample *s = arena_alloc(&a, sizeof(*s));
		Label *l = arena_alloc(&a, sizeof(*l));

		perftools__profiles__sample__init(s);
		s->n_value = 4;
		s->value = arena_alloc(&a, 4 * sizeof(*s->value));
		s->value[0] = clamp(e->alloc_objs);
		s->value[1] = clamp(e->alloc_bytes);
		s->value[2] = clamp(e->inuse_objs);
		s->value[3] = clamp(e->inuse_bytes);
		perftools__profiles__label__init(l);
		l->key = strtab_intern(&st, "bytes");
		l->num = clamp(b->size);
		s->n_label = 1;
		s->label = arena_alloc(&a, sizeof(*s->label));
		s->label[0] = l;
		s->n_location_id = b->depth - first;
		s->location_id = arena_alloc(&a, b->depth * sizeof(*s->location_id));
		for (unsigned int k = first; k < b->depth; k++) {
			const struct heap_func *f = &p->funcs[b->func[k]];
			uint64_t *id = locmap_slot(&map, b->pcs[k]);
			Location *loc;

			if (!*id) {
				/* the call: wraps as pprof's reader does */
				uint64_t addr = b->pcs[k] - 1;
				Line *line = arena_alloc(&a, sizeof(*line));

				loc = arena_alloc(&a, sizeof(*loc));
				perftools__profiles__location__init(loc);
				*id = loc->id = ++nloc;
				loc->mapping_id = 1;
				loc->address = addr;
				if (addr < lo)
					lo = addr;
				if (addr > hi)
					hi = addr;
				prof.location[nloc - 1] = loc;
				if (!func_id[b->func[k]]) {
					Function *fn = arena_alloc(&a, sizeof(*fn));

					perftools__profiles__function__init(fn);
					fn->id = func_id[b->func[k]] = ++nfunc;
					fn->name = strtab_intern(&st, f->name);
					fn->system_name = strtab_intern(&st, f->symbol);
					prof.function[nfunc - 1] = fn;
				}
				perftools__profiles__line__init(line);
				line->function_id = func_id[b->func[k]];
				loc->n_line = 1;
				loc->line = arena_alloc(&a, sizeof(*loc->line));
				loc->line[0] = line;
			}
			s->location_id[k - first] = *id;
		}
		prof.sample[prof.n_sample++] = s;
	}
	prof.n_location = nloc;
	prof.n_function = nfunc;
	if (nloc) {
		mapping = arena_alloc(&a, sizeof(*mapping));
		perftools__profiles__mapping__init(mapping);
		mapping->id = 1;
		mapping->memory_start = lo;
		mapping->memory_limit = hi == UINT64_MAX ? hi : hi + 1;
		mapping->filename = strtab_intern(&st, "[kernel.kallsyms]");
		mapping->has_functions = true;
		prof.n_mapping = 1;
		prof.mapping = arena_alloc(&a, sizeof(*prof.mapping));
		prof.mapping[0] = mapping;
	}
	prof.n_string_table = st.nr;
	prof.string_table = st.str;

	len = perftools__profiles__profile__get_packed_size(&prof);
	packed = xmalloc(len);
	perftools__profiles__profile__pack(&prof, packed);
	ret = gzip_buf(packed, len, out, outlen);

	free(packed);
	free(map.pc);
	free(map.id);
	free(func_id);
	strtab_free(&st);
	arena_free(&a);
	return ret;
}
