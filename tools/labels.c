// SPDX-License-Identifier: GPL-2.0
/*
 * kmprof - the labels a record may carry of who allocated
 * (include/kmprof_heap.h, version 4): their names and lists of them, as
 * labels= writes them, the contexts, and the comm's escapes: a task's
 * name may hold any byte but NUL, the file holds printable text only, so
 * every other byte, and space and backslash, is "\ooo" there. Outputs
 * show a comm as the file writes it.
 */

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "kmprof_tool.h"

static const char *const labels[] = { KMPROF_HEAP_LABELS };
static const char *const contexts[] = { KMPROF_HEAP_CONTEXTS };

#define NLABELS (sizeof(labels) / sizeof(labels[0]))
#define NCONTEXTS (sizeof(contexts) / sizeof(contexts[0]))

_Static_assert(NLABELS == KMPROF_LABELS, "a name per enum kmprof_label");
_Static_assert(NCONTEXTS == KMPROF_CONTEXTS, "a name per enum kmprof_context");

/* The index of [@s, @s + @len) in @names, -1 if it is not there. */
static int find_name(const char *const *names, size_t n, const char *s,
		     size_t len)
{
	for (size_t i = 0; i < n; i++)
		if (strlen(names[i]) == len && !memcmp(names[i], s, len))
			return (int)i;
	return -1;
}

const char *label_name(enum kmprof_label label)
{
	return labels[label];
}

int label_find(const char *s, size_t len)
{
	return find_name(labels, NLABELS, s, len);
}

const char *label_names(char *buf, size_t len, unsigned int mask)
{
	size_t pos = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < NLABELS; i++)
		if (mask & (1U << i))
			pos += (size_t)snprintf(buf + pos, len - pos, "%s%s",
						pos ? "," : "", labels[i]);
	return buf;
}

/* One name of labels=, [s, s + n), into *@mask after @last. */
static int list_add(unsigned int *mask, int *last, const char *s, size_t n,
		    char *why, size_t whylen)
{
	char shown[QUOTED_MAX + 6];
	int i = label_find(s, n);

	if (i < 0) {
		snprintf(why, whylen, "%s is not a label: expected %s, %s, %s or %s",
			 quoted(shown, sizeof(shown), s, n), labels[0],
			 labels[1], labels[2], labels[3]);
		return -1;
	}
	if (*mask & (1U << i)) {
		snprintf(why, whylen, "\"%s\" given twice", labels[i]);
		return -1;
	}
	if (i < *last) {
		snprintf(why, whylen, "\"%s\" out of order: the order is %s, %s, %s, %s",
			 labels[i], labels[0], labels[1], labels[2], labels[3]);
		return -1;
	}
	*mask |= 1U << i;
	*last = i;
	return 0;
}

int label_list_parse(unsigned int *mask, const char *s, size_t len,
		     char *why, size_t whylen)
{
	const char *end = s + len;
	int last = -1;

	*mask = 0;
	for (;;) {
		const char *comma = memchr(s, ',', (size_t)(end - s));
		const char *stop = comma ? comma : end;

		if (list_add(mask, &last, s, (size_t)(stop - s), why, whylen))
			return -1;
		if (!comma)
			return 0;
		s = comma + 1;
	}
}

const char *context_name(enum kmprof_context context)
{
	return contexts[context];
}

int context_find(const char *s, size_t len)
{
	return find_name(contexts, NCONTEXTS, s, len);
}

const char *context_known_names(void)
{
	static char names[64];

	if (!names[0])
		for (size_t i = 0; i < NCONTEXTS; i++) {
			if (i)
				strcat(names, ", ");
			strcat(names, contexts[i]);
		}
	return names;
}

/* True if @ch stands for itself in a comm= value. */
static bool comm_plain(unsigned char ch)
{
	return ch > ' ' && ch <= '~' && ch != '\\';
}

/* The byte of "\ooo" at @s (4 bytes at least): 0 if it is not one. */
static unsigned int octal_escape(const char *s)
{
	unsigned int v = 0;

	for (int i = 1; i < 4; i++) {
		if (s[i] < '0' || s[i] > '7')
			return 0;
		v = v * 8 + (unsigned int)(s[i] - '0');
	}
	return v <= 0xff ? v : 0;
}

int comm_unescape(char *comm, const char *s, size_t len, char *why,
		  size_t whylen)
{
	size_t n = 0;

	for (size_t i = 0; i < len; n++) {
		unsigned int ch = (unsigned char)s[i];

		if (n == HEAP_COMM_MAX) {
			snprintf(why, whylen, "longer than %d bytes",
				 HEAP_COMM_MAX);
			return -1;
		}
		if (ch == '\\') {
			ch = len - i >= 4 ? octal_escape(s + i) : 0;
			if (!ch) {
				snprintf(why, whylen, "byte %zu: expected \"\\\" and three octal digits of a byte other than 0",
					 i + 1);
				return -1;
			}
			i += 4;
		} else if (!comm_plain((unsigned char)ch)) {
			snprintf(why, whylen, "byte %zu: 0x%02x must be written \"\\%03o\"",
				 i + 1, ch, ch);
			return -1;
		} else {
			i++;
		}
		comm[n] = (char)ch;
	}
	comm[n] = '\0';
	return 0;
}

const char *comm_escape(char *buf, size_t len, const char *comm)
{
	size_t pos = 0;

	/* Room for one more escape and the NUL, or the comm stops there. */
	for (const char *c = comm; *c && pos + 5 <= len; c++) {
		unsigned char ch = (unsigned char)*c;

		if (comm_plain(ch))
			buf[pos++] = (char)ch;
		else
			pos += (size_t)sprintf(buf + pos, "\\%03o", ch);
	}
	buf[pos] = '\0';
	return buf;
}

const char *label_value(const struct heap_bucket *b, enum kmprof_label label,
			struct cgroup_names *cgroups, char *buf, size_t len)
{
	switch (label) {
	case KMPROF_LABEL_CONTEXT:
		return b->has_context ? context_name(b->context) : NULL;
	case KMPROF_LABEL_COMM:
		return b->has_comm ? comm_escape(buf, len, b->comm) : NULL;
	case KMPROF_LABEL_PID:
		if (!b->has_pid)
			return NULL;
		snprintf(buf, len, "%" PRIu64, b->pid);
		return buf;
	case KMPROF_LABEL_CGROUP:
		return b->has_cgroup ? cgroup_name(cgroups, b->cgroup, buf, len) :
			NULL;
	default:
		return NULL;
	}
}
