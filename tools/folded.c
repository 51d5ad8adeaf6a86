// SPDX-License-Identifier: GPL-2.0
/*
 * kmprof - "folded": one "[allocator];root;...;leaf value" line per stack,
 * the input of flamegraph.pl, inferno and speedscope. The allocator of
 * the records ("[slab]", "[page]", ...; "[slab]" for heap files before
 * version 3) is the root frame, so that a flame graph splits by allocator
 * at its base. Stacks that differ only in size class or addresses within
 * the same functions are merged; stacks whose value is 0 are left out.
 * Values are estimated bytes. Like pprof's, stacks end at the allocation
 * site: the allocator's own frames are the same everywhere and only with
 * all_frames shown.
 */

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "kmprof_tool.h"

/*
 * Bucket @b's folded stack into *@line (grown, *@len its size): its
 * allocator, then its frames from the root to frame @first.
 */
static void fold(const struct heap_profile *p, const struct heap_bucket *b,
		 unsigned int first, char **line, size_t *len)
{
	const char *allocator = p->sources.name[b->allocator];
	size_t need = strlen(allocator) + 4, pos;

	for (unsigned int k = first; k < b->depth; k++)
		need += strlen(p->funcs[b->func[k]].name) + 1;
	*line = xgrow(*line, len, need, 1);
	pos = (size_t)sprintf(*line, "[%s]", allocator);
	for (unsigned int k = b->depth; k-- > first;) {
		const char *name = p->funcs[b->func[k]].name;
		size_t n = strlen(name);

		(*line)[pos++] = ';';
		memcpy(*line + pos, name, n);
		pos += n;
	}
	(*line)[pos] = '\0';
}

void folded_print(FILE *out, const struct heap_profile *p,
		  const struct folded_options *opt)
{
	struct strtab stacks;
	uint64_t *value = NULL;
	size_t cap = 0, len = 0;
	char *line = NULL;

	strtab_init(&stacks);
	for (size_t i = 0; i < p->nr; i++) {
		const struct heap_bucket *b = &p->buckets[i];
		uint64_t v = opt->alloc ? p->est[i].alloc_bytes :
			p->est[i].inuse_bytes;
		uint32_t id;

		if (!v)
			continue;
		fold(p, b, heap_first_frame(p, b, opt->all_frames), &line, &len);
		id = strtab_intern(&stacks, line);
		value = xgrow(value, &cap, (size_t)id + 1, sizeof(*value));
		value[id] = sat_add(value[id], v);
	}
	for (size_t id = 1; id < stacks.nr; id++)
		fprintf(out, "%s %" PRIu64 "\n", stacks.str[id], value[id]);
	free(line);
	free(value);
	strtab_free(&stacks);
}
