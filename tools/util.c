// SPDX-License-Identifier: GPL-2.0
/*
 * kmprof - small helpers of the tool: an arena, checked allocation, the
 * one parser of numbers, and byte counts for people.
 */

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kmprof_tool.h"

/* === Allocation === */

static void out_of_memory(void)
{
	fputs("kmprof: out of memory\n", stderr);
	exit(EXIT_FAIL);
}

void *xmalloc(size_t size)
{
	void *p = malloc(size ? size : 1);

	if (!p)
		out_of_memory();
	return p;
}

void *xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size ? size : 1);

	if (!p)
		out_of_memory();
	return p;
}

void *xrealloc(void *p, size_t n, size_t size)
{
	if (size && n > SIZE_MAX / size)
		out_of_memory();
	p = realloc(p, n * size > 0 ? n * size : 1);
	if (!p)
		out_of_memory();
	return p;
}

void *xgrow(void *p, size_t *cap, size_t n, size_t size)
{
	size_t old = *cap, want = old ? old : 16;

	if (n <= old)
		return p;
	while (want < n) {
		if (want > SIZE_MAX / 2)
			out_of_memory();
		want *= 2;
	}
	p = xrealloc(p, want, size);
	memset((char *)p + old * size, 0, (want - old) * size);
	*cap = want;
	return p;
}

/* === Arena === */

#define ARENA_CHUNK	(64 * 1024)

struct arena_chunk {
	struct arena_chunk *next;
	size_t used, size;
	max_align_t data[];
};

void *arena_alloc(struct arena *a, size_t size)
{
	struct arena_chunk *c = a->head;
	size_t align = sizeof(max_align_t);
	void *p;

	size = (size + align - 1) / align * align;
	if (!c || c->size - c->used < size) {
		size_t want = size > ARENA_CHUNK ? size : ARENA_CHUNK;

		c = xmalloc(sizeof(*c) + want);
		c->used = 0;
		c->size = want;
		/* A big one-off goes behind the current chunk. */
		if (a->head && size > ARENA_CHUNK) {
			c->next = a->head->next;
			a->head->next = c;
		} else {
			c->next = a->head;
			a->head = c;
		}
	}
	p = (char *)c->data + c->used;
	c->used += size;
	return p;
}

char *arena_strndup(struct arena *a, const char *s, size_t len)
{
	char *d = arena_alloc(a, len + 1);

	memcpy(d, s, len);
	d[len] = '\0';
	return d;
}

void arena_free(struct arena *a)
{
	while (a->head) {
		struct arena_chunk *next = a->head->next;

		free(a->head);
		a->head = next;
	}
}

/* === Units === */

const char *fmt_bytes(char *buf, size_t len, uint64_t bytes, bool raw)
{
	static const char *const unit[] = { "KiB", "MiB", "GiB", "TiB", "PiB", "EiB" };
	double v = (double)bytes;
	int i = -1;

	if (raw || bytes < 1024) {
		snprintf(buf, len, "%" PRIu64 "%s", bytes, raw ? "" : " B");
		return buf;
	}
	while (v >= 1024 && i < 5) {
		v /= 1024;
		i++;
	}
	snprintf(buf, len, "%.1f %s", v, unit[i]);
	return buf;
}

const char *plural(uint64_t n, const char *one, const char *many)
{
	return n == 1 ? one : many;
}

const char *quoted(char *buf, size_t len, const char *s, size_t n)
{
	char shown[QUOTED_MAX + 1];
	size_t i;

	/* A message is one line of text: a tab in the input is shown as '?'. */
	for (i = 0; i < n && i < QUOTED_MAX; i++)
		shown[i] = s[i] > ' ' && s[i] <= '~' ? s[i] : '?';
	shown[i] = '\0';
	snprintf(buf, len, "\"%s\"%s", shown, n > i ? "..." : "");
	return buf;
}

/* === Numbers === */

uint64_t sat_add(uint64_t a, uint64_t b)
{
	return a > UINT64_MAX - b ? UINT64_MAX : a + b;
}

static int digit(char ch, unsigned int base)
{
	int d = ch >= '0' && ch <= '9' ? ch - '0' :
		ch >= 'a' && ch <= 'f' ? ch - 'a' + 10 :
		ch >= 'A' && ch <= 'F' ? ch - 'A' + 10 : -1;

	return d < (int)base ? d : -1;
}

int scan_u64(const char **s, const char *end, unsigned int base, uint64_t *v)
{
	const char *p = *s;
	int d;

	*v = 0;
	while (p < end && (d = digit(*p, base)) >= 0) {
		if (*v > (UINT64_MAX - (uint64_t)d) / base)
			return -1;
		*v = *v * base + (uint64_t)d;
		p++;
	}
	if (p == *s)
		return 0;
	*s = p;
	return 1;
}

int parse_u64(const char *s, uint64_t max, uint64_t *out)
{
	const char *end = s + strlen(s);

	return scan_u64(&s, end, 10, out) == 1 && s == end && *out <= max ?
		0 : -1;
}

int parse_size(const char *s, uint64_t *out)
{
	const char *end = s + strlen(s);
	uint64_t v, mult = 1;

	if (scan_u64(&s, end, 10, &v) != 1)
		return -1;
	switch (*s) {
	case '\0':
		break;
	case 'k': case 'K':
		mult = 1ULL << 10;
		break;
	case 'm': case 'M':
		mult = 1ULL << 20;
		break;
	case 'g': case 'G':
		mult = 1ULL << 30;
		break;
	default:
		return -1;
	}
	if (*s && s[1])
		return -1;
	if (v > UINT64_MAX / mult)
		return -1;
	*out = v * mult;
	return 0;
}
