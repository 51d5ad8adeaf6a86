// SPDX-License-Identifier: GPL-2.0
/*
 * kmprof - a string table: each distinct string gets a dense id, in order
 * of first use, id 0 being "". It names functions and is profile.proto's
 * string_table as it is.
 */

#include <stdlib.h>
#include <string.h>

#include "kmprof_tool.h"

static uint64_t str_hash(const char *s)
{
	uint64_t h = 1469598103934665603ULL;	/* FNV-1a */

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ULL;
	return h;
}

static void strtab_grow(struct strtab *t)
{
	size_t n = t->nslots ? t->nslots * 2 : 64;
	uint32_t *slots = xcalloc(n, sizeof(*slots));

	for (size_t id = 0; id < t->nr; id++) {
		size_t i = str_hash(t->str[id]) & (n - 1);

		while (slots[i])
			i = (i + 1) & (n - 1);
		slots[i] = (uint32_t)id + 1;
	}
	free(t->slots);
	t->slots = slots;
	t->nslots = n;
}

void strtab_init(struct strtab *t)
{
	memset(t, 0, sizeof(*t));
	strtab_intern(t, "");
}

uint32_t strtab_intern(struct strtab *t, const char *s)
{
	size_t i;

	if ((t->nr + 1) * 2 > t->nslots)
		strtab_grow(t);
	i = str_hash(s) & (t->nslots - 1);
	while (t->slots[i]) {
		uint32_t id = t->slots[i] - 1;

		if (!strcmp(t->str[id], s))
			return id;
		i = (i + 1) & (t->nslots - 1);
	}
	t->str = xgrow(t->str, &t->cap, t->nr + 1, sizeof(*t->str));
	t->str[t->nr] = xmalloc(strlen(s) + 1);
	strcpy(t->str[t->nr], s);
	t->slots[i] = (uint32_t)t->nr + 1;
	return (uint32_t)t->nr++;
}

void strtab_free(struct strtab *t)
{
	for (size_t i = 0; i < t->nr; i++)
		free(t->str[i]);
	free(t->str);
	free(t->slots);
	memset(t, 0, sizeof(*t));
}
