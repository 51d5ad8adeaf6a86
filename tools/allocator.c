// SPDX-License-Identifier: GPL-2.0
/*
 * kmprof - the allocators a record may come from (include/kmprof_heap.h):
 * their names, and lists of them written "slab,page", as the heap file's
 * sources= and the --allocator option write them.
 *
 * A name this tool does not know is kept as it is, as long as it is a
 * name at all: a later module may record an allocator this tool has never
 * heard of, and its records still have to show up.
 */

#include <stdio.h>
#include <string.h>

#include "kmprof_tool.h"

static const char *const known[] = { KMPROF_HEAP_ALLOCATORS };

#define NKNOWN (sizeof(known) / sizeof(known[0]))

int allocator_rank(const char *name)
{
	for (size_t i = 0; i < NKNOWN; i++)
		if (!strcmp(name, known[i]))
			return (int)i;
	return -1;
}

const char *allocator_known_names(void)
{
	static char names[NKNOWN * (KMPROF_HEAP_ALLOCATOR_MAX + 2)];

	if (!names[0])
		for (size_t i = 0; i < NKNOWN; i++) {
			if (i)
				strcat(names, ", ");
			strcat(names, known[i]);
		}
	return names;
}

bool allocator_name_ok(const char *s, size_t len)
{
	if (len == 0 || len > KMPROF_HEAP_ALLOCATOR_MAX)
		return false;
	for (size_t i = 0; i < len; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') ||
		      (s[i] >= '0' && s[i] <= '9') || s[i] == '_'))
			return false;
	return true;
}

void allocator_name_error(char *why, size_t len, const char *s, size_t n)
{
	char shown[QUOTED_MAX + 6];

	snprintf(why, len, "%s is not an allocator name (1 to %d of a-z, 0-9 and _)",
		 quoted(shown, sizeof(shown), s, n), KMPROF_HEAP_ALLOCATOR_MAX);
}

int allocator_list_find(const struct allocator_list *l, const char *name)
{
	for (unsigned int i = 0; i < l->nr; i++)
		if (!strcmp(l->name[i], name))
			return (int)i;
	return -1;
}

/* One name of a list, [s, s + n), appended to @l. 0, or -1 and why. */
static int list_add(struct allocator_list *l, const char *s, size_t n,
		    char *why, size_t len)
{
	char name[KMPROF_HEAP_ALLOCATOR_MAX + 1];

	if (!allocator_name_ok(s, n)) {
		allocator_name_error(why, len, s, n);
		return -1;
	}
	snprintf(name, sizeof(name), "%.*s", (int)n, s);
	if (allocator_list_find(l, name) >= 0) {
		snprintf(why, len, "\"%s\" given twice", name);
		return -1;
	}
	if (l->nr == KMPROF_HEAP_SOURCES_MAX) {
		snprintf(why, len, "more than %d allocators",
			 KMPROF_HEAP_SOURCES_MAX);
		return -1;
	}
	strcpy(l->name[l->nr++], name);
	return 0;
}

int allocator_list_parse(struct allocator_list *l, const char *s, size_t len,
			 char *why, size_t whylen)
{
	const char *end = s + len;

	memset(l, 0, sizeof(*l));
	for (;;) {
		const char *comma = memchr(s, ',', (size_t)(end - s));
		const char *stop = comma ? comma : end;

		if (list_add(l, s, (size_t)(stop - s), why, whylen))
			return -1;
		if (!comma)
			return 0;
		s = comma + 1;
	}
}

int allocator_list_misordered(const struct allocator_list *l)
{
	int last = -1;

	for (unsigned int i = 0; i < l->nr; i++) {
		int rank = allocator_rank(l->name[i]);

		if (rank < 0)
			continue;
		if (rank < last)
			return (int)i;
		last = rank;
	}
	return -1;
}

const char *allocator_list_names(char *buf, size_t len,
				 const struct allocator_list *l, uint32_t mask)
{
	size_t pos = 0;

	buf[0] = '\0';
	for (unsigned int s = 0; s < l->nr && pos < len; s++)
		if (mask & (1U << s))
			pos += (size_t)snprintf(buf + pos, len - pos, "%s%s",
						pos ? "," : "", l->name[s]);
	return buf;
}
