// SPDX-License-Identifier: GPL-2.0
/*
 * kmprof - the parser of the "heap" file, versions 1 to 6
 * (include/kmprof_heap.h).
 *
 * The input is untrusted bytes (a file copied off another machine, a
 * fuzzer): every number is parsed by hand with overflow checks, every
 * byte outside printable ASCII is refused, and every error names the line
 * and the field. Nothing is printed from here but by heap_error_print().
 */

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <kmprof.h>
#include <kmprof_heap.h>

#include "kmprof_tool.h"

/* One line of the input, consumed left to right. */
struct cursor {
	const char *p, *end;
};

struct parser {
	struct heap_profile *prof;
	struct heap_error *err;
	unsigned int line;
	struct heap_bucket *cur;	/* the record comments belong to */
	unsigned int nsyms;		/* symbol lines of cur so far */
};

static int fail(struct parser *ps, enum heap_error_kind kind,
		const char *field, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static int fail(struct parser *ps, enum heap_error_kind kind,
		const char *field, const char *fmt, ...)
{
	va_list ap;

	ps->err->kind = kind;
	ps->err->line = ps->line;
	snprintf(ps->err->field, sizeof(ps->err->field), "%s", field);
	va_start(ap, fmt);
	vsnprintf(ps->err->msg, sizeof(ps->err->msg), fmt, ap);
	va_end(ap);
	return -1;
}

static bool eat(struct cursor *c, const char *lit)
{
	size_t n = strlen(lit);

	if ((size_t)(c->end - c->p) < n || memcmp(c->p, lit, n))
		return false;
	c->p += n;
	return true;
}

/* A decimal u64: 1 on success, 0 if no digit, -1 on overflow. */
static int dec(struct cursor *c, uint64_t *v)
{
	const char *start = c->p;
	int r = scan_u64(&c->p, c->end, 10, v);

	/* Leading zeros would make two spellings of one value. */
	if (r == 1 && c->p - start > 1 && *start == '0')
		return -1;
	return r;
}

/* "0x" and hex digits of at most 64 bits: 1 on success, 0 if malformed. */
static int hex(struct cursor *c, uint64_t *v)
{
	return eat(c, "0x") && scan_u64(&c->p, c->end, 16, v) == 1;
}

/* A decimal number named @field, followed by @sep. */
static int number(struct parser *ps, struct cursor *c, const char *field,
		  uint64_t *v, const char *sep)
{
	int r = dec(c, v);

	if (r < 0)
		return fail(ps, HEAP_ERR_SYNTAX, field,
			    "number out of range or with leading zeros");
	if (r == 0)
		return fail(ps, HEAP_ERR_SYNTAX, field, "expected a number");
	if (sep && !eat(c, sep))
		return fail(ps, HEAP_ERR_SYNTAX, field,
			    "expected \"%s\" after the number", sep);
	return 0;
}

static bool add_ok(uint64_t *sum, uint64_t v)
{
	if (*sum > UINT64_MAX - v)
		return false;
	*sum += v;
	return true;
}

/* @part, which @what, may not exceed the @whole allocated. */
static int at_most(struct parser *ps, const char *field, uint64_t part,
		   const char *what, uint64_t whole)
{
	if (part <= whole)
		return 0;
	return fail(ps, HEAP_ERR_SYNTAX, field,
		    "%" PRIu64 " %s but %" PRIu64 " allocated", part, what,
		    whole);
}

/* "<inuse_objs>: <inuse_bytes> [<alloc_objs>: <alloc_bytes>] @" */
static int counts(struct parser *ps, struct cursor *c, uint64_t v[4])
{
	if (number(ps, c, "inuse_objs", &v[0], ": ") ||
	    number(ps, c, "inuse_bytes", &v[1], " [") ||
	    number(ps, c, "alloc_objs", &v[2], ": ") ||
	    number(ps, c, "alloc_bytes", &v[3], "] @"))
		return -1;
	if (at_most(ps, "inuse_objs", v[0], "in use", v[2]) ||
	    at_most(ps, "inuse_bytes", v[1], "in use", v[3]))
		return -1;
	if ((v[0] == 0) != (v[1] == 0) || (v[2] == 0) != (v[3] == 0))
		return fail(ps, HEAP_ERR_SYNTAX, v[0] || v[1] ? "inuse_bytes" :
			    "alloc_bytes", "bytes without objects or objects without bytes");
	return 0;
}

/* Line 1: "heap profile: <counts> heap_v2/<rate>" */
static int parse_header(struct parser *ps, struct cursor *c)
{
	struct heap_profile *p = ps->prof;
	uint64_t v[4];

	if (!eat(c, KMPROF_HEAP_HEADER " "))
		return fail(ps, HEAP_ERR_SYNTAX, "header",
			    "not a heap profile: expected \"" KMPROF_HEAP_HEADER "\"");
	if (counts(ps, c, v))
		return -1;
	p->inuse_objs = v[0];
	p->inuse_bytes = v[1];
	p->alloc_objs = v[2];
	p->alloc_bytes = v[3];
	if (!eat(c, " " KMPROF_HEAP_RATE_TAG))
		return fail(ps, HEAP_ERR_SYNTAX, "rate",
			    "expected \" " KMPROF_HEAP_RATE_TAG "<rate>\"");
	if (number(ps, c, "rate", &p->rate, NULL))
		return -1;
	if (c->p != c->end)
		return fail(ps, HEAP_ERR_SYNTAX, "rate",
			    "unexpected text after the rate");
	return 0;
}

/* The next " key=" of a comment line: its key in @key (NUL terminated). */
static bool next_key(struct cursor *c, char *key, size_t len)
{
	const char *eq, *sp;

	if (c->p == c->end)
		return false;
	eq = memchr(c->p, '=', (size_t)(c->end - c->p));
	sp = memchr(c->p, ' ', (size_t)(c->end - c->p));
	if (!eq || (sp && sp < eq) || eq == c->p)
		return false;
	snprintf(key, len, "%.*s", (int)(eq - c->p), c->p);
	c->p = eq + 1;
	return true;
}

/* Skip the value of an unknown key. */
static void skip_value(struct cursor *c)
{
	const char *sp = memchr(c->p, ' ', (size_t)(c->end - c->p));

	c->p = sp ? sp : c->end;
}

/* After a value: a single space before the next key, or the end. */
static int value_end(struct parser *ps, struct cursor *c, const char *key)
{
	if (c->p == c->end)
		return 0;
	if (eat(c, " ") && c->p != c->end)
		return 0;
	return fail(ps, HEAP_ERR_SYNTAX, key,
		    "expected a single space and the next key=value");
}

#define NFIELDS(fields) (sizeof(fields) / sizeof((fields)[0]))

/* One key=value of a comment line: how its value is read, and where to. */
struct key_field {
	const char *key;
	int (*read)(struct parser *ps, struct cursor *c, const char *key,
		    void *dst);
	void *dst;
	unsigned int since;	/* the first version that has it */
	bool seen;
	bool optional;		/* a line may go without it */
};

/* A field whose value is a decimal number, into the uint64_t at @dst. */
static int read_number(struct parser *ps, struct cursor *c, const char *key,
		       void *dst)
{
	return number(ps, c, key, dst, NULL);
}

#define NUMBER_KEY(key, dst, since) { key, read_number, dst, since, false, false }

/* The field of @fields named @key that this version has, or NULL. */
static struct key_field *find_field(struct key_field *fields, size_t nfields,
				    const char *key, unsigned int version)
{
	for (size_t i = 0; i < nfields; i++)
		if (!strcmp(key, fields[i].key) && fields[i].since <= version)
			return &fields[i];
	return NULL;
}

/*
 * The key=value pairs up to the end of the line, into @fields: an unknown
 * key, or one of a later version than the file's, is skipped (a later
 * format may add some), a key given twice or one of @fields missing is an
 * error. @what names the line in errors.
 */
static int key_values(struct parser *ps, struct cursor *c, const char *what,
		      struct key_field *fields, size_t nfields)
{
	unsigned int version = ps->prof->version;
	struct key_field *f;
	char key[32];

	while (c->p != c->end) {
		if (!next_key(c, key, sizeof(key)))
			return fail(ps, HEAP_ERR_SYNTAX, what,
				    "expected key=value");
		f = find_field(fields, nfields, key, version);
		if (!f) {
			skip_value(c);
		} else {
			if (f->seen)
				return fail(ps, HEAP_ERR_SYNTAX, key,
					    "given twice");
			f->seen = true;
			if (f->read(ps, c, key, f->dst))
				return -1;
		}
		if (value_end(ps, c, key))
			return -1;
	}
	for (size_t i = 0; i < nfields; i++)
		if (!fields[i].seen && !fields[i].optional &&
		    fields[i].since <= version)
			return fail(ps, HEAP_ERR_SYNTAX, fields[i].key,
				    "missing");
	return 0;
}

/* The value at @c, up to the next space: its length, @c past it. */
static size_t word(struct cursor *c, const char **start)
{
	*start = c->p;
	skip_value(c);
	return (size_t)(c->p - *start);
}

/* sources=: the allocators of the profile. */
static int read_sources(struct parser *ps, struct cursor *c, const char *key,
			void *dst)
{
	struct allocator_list *l = dst;
	const char *s;
	size_t len = word(c, &s);
	char why[sizeof(ps->err->msg)];
	int i;

	if (allocator_list_parse(l, s, len, why, sizeof(why)))
		return fail(ps, HEAP_ERR_SYNTAX, key, "%s", why);
	i = allocator_list_misordered(l);
	if (i >= 0)
		return fail(ps, HEAP_ERR_SYNTAX, key,
			    "\"%s\" out of order: the order is %s", l->name[i],
			    allocator_known_names());
	return 0;
}

/* allocator=: the record's allocator, one of the profile's sources. */
static int read_allocator(struct parser *ps, struct cursor *c,
			  const char *key, void *dst)
{
	struct heap_bucket *b = dst;
	char why[sizeof(ps->err->msg)], name[KMPROF_HEAP_ALLOCATOR_MAX + 1];
	const char *s;
	size_t len = word(c, &s);
	int i;

	if (!allocator_name_ok(s, len)) {
		allocator_name_error(why, sizeof(why), s, len);
		return fail(ps, HEAP_ERR_SYNTAX, key, "%s", why);
	}
	snprintf(name, sizeof(name), "%.*s", (int)len, s);
	i = allocator_list_find(&ps->prof->sources, name);
	if (i < 0)
		return fail(ps, HEAP_ERR_SYNTAX, key,
			    "\"%s\" is not among the sources of line 2", name);
	b->allocator = (unsigned int)i;
	return 0;
}

/* labels=: the labels every record may carry. */
static int read_labels(struct parser *ps, struct cursor *c, const char *key,
		       void *dst)
{
	char why[sizeof(ps->err->msg)];
	const char *s;
	size_t len = word(c, &s);

	if (label_list_parse(dst, s, len, why, sizeof(why)))
		return fail(ps, HEAP_ERR_SYNTAX, key, "%s", why);
	return 0;
}

/* A label key of a size line: one of the labels line 2 lists. */
static int label_listed(struct parser *ps, const char *key,
			enum kmprof_label label)
{
	char names[64];

	if (ps->prof->labels & (1U << label))
		return 0;
	return fail(ps, HEAP_ERR_SYNTAX, key,
		    "not among the labels of line 2 (labels=%s)",
		    label_names(names, sizeof(names), ps->prof->labels));
}

/* context=: where the allocation ran. */
static int read_context(struct parser *ps, struct cursor *c, const char *key,
			void *dst)
{
	struct heap_bucket *b = dst;
	char shown[QUOTED_MAX + 6];
	const char *s;
	size_t len;
	int i;

	if (label_listed(ps, key, KMPROF_LABEL_CONTEXT))
		return -1;
	len = word(c, &s);
	i = context_find(s, len);
	if (i < 0)
		return fail(ps, HEAP_ERR_SYNTAX, key,
			    "%s is not a context: expected %s",
			    quoted(shown, sizeof(shown), s, len),
			    context_known_names());
	b->context = (enum kmprof_context)i;
	b->has_context = true;
	return 0;
}

/* comm=: the task's name, escaped. */
static int read_comm(struct parser *ps, struct cursor *c, const char *key,
		     void *dst)
{
	struct heap_bucket *b = dst;
	char why[sizeof(ps->err->msg)];
	const char *s;
	size_t len;

	if (label_listed(ps, key, KMPROF_LABEL_COMM))
		return -1;
	len = word(c, &s);
	if (comm_unescape(b->comm, s, len, why, sizeof(why)))
		return fail(ps, HEAP_ERR_SYNTAX, key, "%s", why);
	b->has_comm = true;
	return 0;
}

/* pid=: the task's process id. */
static int read_pid(struct parser *ps, struct cursor *c, const char *key,
		    void *dst)
{
	struct heap_bucket *b = dst;

	if (label_listed(ps, key, KMPROF_LABEL_PID) ||
	    number(ps, c, key, &b->pid, NULL))
		return -1;
	b->has_pid = true;
	return 0;
}

/* cgroup=: the id of the task's cgroup. */
static int read_cgroup(struct parser *ps, struct cursor *c, const char *key,
		       void *dst)
{
	struct heap_bucket *b = dst;

	if (label_listed(ps, key, KMPROF_LABEL_CGROUP) ||
	    number(ps, c, key, &b->cgroup, NULL))
		return -1;
	b->has_cgroup = true;
	return 0;
}

/* A label key of the size line: from version 4, optional. */
#define LABEL_KEY(key, read, b) { key, read, b, 4, false, true }

/*
 * "<class>:<objs>[,<class>:<objs>...]" ([@s, @s + @len)) into @counts,
 * @nclasses of them (zeroed first): classes below @nclasses, ascending,
 * each once, counts of at least one summing to at most @max, the record
 * of line @line's objects @what ("in use", "freed").
 */
static int read_classes(struct parser *ps, const char *key, const char *s,
			size_t len, uint64_t *counts, unsigned int nclasses,
			uint64_t max, const char *what, unsigned int line)
{
	struct cursor v = { s, s + len };
	uint64_t sum = 0;
	int last = -1;

	memset(counts, 0, nclasses * sizeof(*counts));
	do {
		uint64_t k, n;

		if (dec(&v, &k) != 1 || !eat(&v, ":") || dec(&v, &n) != 1)
			return fail(ps, HEAP_ERR_SYNTAX, key,
				    "expected <class>:<objs>[,<class>:<objs>...]");
		if (k >= nclasses)
			return fail(ps, HEAP_ERR_SYNTAX, key,
				    "class %" PRIu64 " out of range: the classes are 0 to %u",
				    k, nclasses - 1);
		if ((int)k <= last)
			return fail(ps, HEAP_ERR_SYNTAX, key,
				    "class %" PRIu64 " after class %d: classes ascend, each once",
				    k, last);
		if (n == 0)
			return fail(ps, HEAP_ERR_SYNTAX, key,
				    "class %" PRIu64 " with no objects", k);
		if (!add_ok(&sum, n) || sum > max)
			return fail(ps, HEAP_ERR_SYNTAX, key,
				    "more objects than the %" PRIu64 " %s of line %u",
				    max, what, line);
		counts[k] = n;
		last = (int)k;
	} while (eat(&v, ","));
	if (v.p != v.end)
		return fail(ps, HEAP_ERR_SYNTAX, key,
			    "expected <class>:<objs>[,<class>:<objs>...]");
	return 0;
}

/*
 * ages=: the record's sampled objects in use by age class, at most its
 * inuse_objs.
 */
static int read_ages(struct parser *ps, struct cursor *c, const char *key,
		     void *dst)
{
	struct heap_bucket *b = dst;
	const char *s;
	size_t len = word(c, &s);

	b->ages = arena_alloc(&ps->prof->arena,
			      KMPROF_HEAP_AGE_CLASSES * sizeof(*b->ages));
	if (read_classes(ps, key, s, len, b->ages, KMPROF_HEAP_AGE_CLASSES,
			 b->inuse_objs, "in use", b->line))
		return -1;
	b->has_ages = true;
	return 0;
}

/* A record's frees: allocations no longer in use. */
static uint64_t bucket_frees(const struct heap_bucket *b)
{
	return b->alloc_objs - b->inuse_objs;	/* counts() checked the order */
}

/*
 * lifetimes=: the record's sampled objects freed by lifetime class, at
 * most its frees; only a record with frees has them.
 */
static int read_lifetimes(struct parser *ps, struct cursor *c,
			  const char *key, void *dst)
{
	struct heap_bucket *b = dst;
	const char *s;
	size_t len = word(c, &s);

	if (!bucket_frees(b))
		return fail(ps, HEAP_ERR_SYNTAX, key,
			    "the record of line %u has no frees: all its %" PRIu64 " allocations are in use",
			    b->line, b->alloc_objs);
	b->lifetimes = arena_alloc(&ps->prof->arena,
				   KMPROF_HEAP_LIFETIME_CLASSES * sizeof(*b->lifetimes));
	if (read_classes(ps, key, s, len, b->lifetimes,
			 KMPROF_HEAP_LIFETIME_CLASSES, bucket_frees(b), "freed",
			 b->line))
		return -1;
	b->has_lifetimes = true;
	return 0;
}

/* Where a lifetimes= count stops: it never exceeds it, and stays there. */
#define LIFETIME_COUNT_MAX	UINT32_MAX

/*
 * lifetimes= and lifetime_sum= (version 6) agree with the record and each
 * other: both if it has frees, neither if not; the classes count every
 * free unless a count stopped at LIFETIME_COUNT_MAX; the sum is one the
 * classes' bounds allow (lifetimes are whole seconds: class 0 is 0 s,
 * class k from 2^(k-1) to 2^k - 1 s, the last one open-ended).
 */
static int check_lifetimes(struct parser *ps, const struct heap_bucket *b,
			   bool has_sum)
{
	uint64_t counted = 0, lo = 0, hi = 0;
	bool stopped = false, open = false;

	if (ps->prof->version < 6)
		return 0;
	if (!b->has_lifetimes && has_sum)
		return fail(ps, HEAP_ERR_SYNTAX, "lifetime_sum",
			    "without lifetimes=");
	if (!b->has_lifetimes && bucket_frees(b))
		return fail(ps, HEAP_ERR_SYNTAX, "lifetimes",
			    "missing: the record of line %u has %" PRIu64 " frees",
			    b->line, bucket_frees(b));
	if (!b->has_lifetimes)
		return 0;
	if (!has_sum)
		return fail(ps, HEAP_ERR_SYNTAX, "lifetime_sum", "missing");
	for (unsigned int k = 0; k < KMPROF_HEAP_LIFETIME_CLASSES; k++) {
		uint64_t n = b->lifetimes[k];

		if (n > LIFETIME_COUNT_MAX)
			return fail(ps, HEAP_ERR_SYNTAX, "lifetimes",
				    "class %u counts %" PRIu64 ": counts stop at %" PRIu64,
				    k, n, (uint64_t)LIFETIME_COUNT_MAX);
		stopped |= n == LIFETIME_COUNT_MAX;
		counted += n;
		/* n < 2^32 and class bounds < 2^15: no overflow */
		lo += n * heap_lifetime_class_lo(k);
		if (k + 1 < KMPROF_HEAP_LIFETIME_CLASSES)
			hi += n * (heap_lifetime_class_lo(k + 1) - 1);
		else
			open = n != 0;	/* the last class has no upper bound */
	}
	if (counted < bucket_frees(b) && !stopped)
		return fail(ps, HEAP_ERR_SYNTAX, "lifetimes",
			    "%" PRIu64 " objects but the record of line %u has %" PRIu64 " frees",
			    counted, b->line, bucket_frees(b));
	if (b->lifetime_sum < lo)
		return fail(ps, HEAP_ERR_SYNTAX, "lifetime_sum",
			    "%" PRIu64 " s but the classes' objects lived at least %" PRIu64 " s",
			    b->lifetime_sum, lo);
	if (!stopped && !open && b->lifetime_sum > hi)
		return fail(ps, HEAP_ERR_SYNTAX, "lifetime_sum",
			    "%" PRIu64 " s but the classes' objects lived at most %" PRIu64 " s",
			    b->lifetime_sum, hi);
	return 0;
}

/*
 * A record's labels agree with line 2 and each other: a context if the
 * labels have it, and no task's labels on an interrupt's allocation.
 */
static int check_labels(struct parser *ps, const struct heap_bucket *b)
{
	const char *task = b->has_comm ? "comm" : b->has_pid ? "pid" :
		b->has_cgroup ? "cgroup" : NULL;

	if ((ps->prof->labels & (1U << KMPROF_LABEL_CONTEXT)) &&
	    !b->has_context)
		return fail(ps, HEAP_ERR_SYNTAX, "context", "missing");
	if (task && b->has_context && b->context != KMPROF_CONTEXT_TASK)
		return fail(ps, HEAP_ERR_SYNTAX, task,
			    "context=%s: an interrupt's allocation is charged to no task",
			    context_name(b->context));
	return 0;
}

/*
 * Line 2: "# kmprof-heap v<N> rate=<r> cycle=<c> pending=<p> buckets=<n>",
 * from version 2 on " time_ns=<ns>", from version 3 on " sources=<names>",
 * from version 4 on " labels=<names>", optional from version 5 on.
 */
static int parse_magic(struct parser *ps, struct cursor *c)
{
	struct heap_profile *p = ps->prof;
	uint64_t version, rate;
	struct key_field fields[] = {
		NUMBER_KEY("rate", &rate, 1),
		NUMBER_KEY("cycle", &p->cycle, 1),
		NUMBER_KEY("pending", &p->pending, 1),
		NUMBER_KEY("buckets", &p->declared_buckets, 1),
		NUMBER_KEY("time_ns", &p->time_ns, 2),
		{ "sources", read_sources, &p->sources, 3, false, false },
		{ "labels", read_labels, &p->labels, 4, false, false },
	};
	char why[sizeof(ps->err->msg)];

	if (!eat(c, KMPROF_HEAP_MAGIC))
		return fail(ps, HEAP_ERR_SYNTAX, "magic",
			    "not a kmprof heap file: expected \"" KMPROF_HEAP_MAGIC "%d\"",
			    KMPROF_HEAP_VERSION);
	if (dec(c, &version) != 1)
		return fail(ps, HEAP_ERR_SYNTAX, "version",
			    "expected a version number");
	if (version < KMPROF_HEAP_VERSION_FIRST || version > KMPROF_HEAP_VERSION)
		return fail(ps, HEAP_ERR_VERSION, "version",
			    "unknown heap format version %" PRIu64
			    ": this kmprof reads versions %d to %d", version,
			    KMPROF_HEAP_VERSION_FIRST, KMPROF_HEAP_VERSION);
	p->version = (unsigned int)version;
	/* Before version 3, every record is the slab allocator's. */
	allocator_list_parse(&p->sources, "slab", 4, why, sizeof(why));
	if (c->p != c->end && !eat(c, " "))
		return fail(ps, HEAP_ERR_SYNTAX, "version",
			    "expected a space after the version");
	/* labels=, from version 5 on only when the module kept labels */
	fields[NFIELDS(fields) - 1].optional = p->version >= 5;
	if (key_values(ps, c, "magic", fields, NFIELDS(fields)))
		return -1;
	p->has_time = p->version >= 2;
	if (rate != p->rate)
		return fail(ps, HEAP_ERR_SYNTAX, "rate",
			    "%" PRIu64 " but line 1 says %" PRIu64, rate,
			    p->rate);
	if (p->rate > KMPROF_RATE_MAX)
		return fail(ps, HEAP_ERR_SYNTAX, "rate",
			    "%" PRIu64 " exceeds the maximum %lu", p->rate,
			    KMPROF_RATE_MAX);
	return 0;
}

/* The record before a new one (or the end) must have had its size line. */
static int close_record(struct parser *ps)
{
	struct heap_bucket *b = ps->cur;

	if (b && !b->has_size) {
		ps->line = b->line;
		return fail(ps, HEAP_ERR_SYNTAX, "size",
			    "record without a \"# size=\" line");
	}
	ps->cur = NULL;
	return 0;
}

/* "<counts> 0x<pc> 0x<pc> ..." */
static int parse_record(struct parser *ps, struct cursor *c)
{
	struct heap_profile *p = ps->prof;
	uint64_t v[4], pcs[KMPROF_MAX_DEPTH_LIMIT];
	struct heap_bucket *b;
	unsigned int depth = 0;

	if (close_record(ps) || counts(ps, c, v))
		return -1;
	if (v[2] == 0)
		return fail(ps, HEAP_ERR_SYNTAX, "alloc_objs",
			    "a record without allocations");
	if (c->p == c->end)
		return fail(ps, HEAP_ERR_SYNTAX, "stack",
			    "a record without frames");
	while (c->p != c->end) {
		if (!eat(c, " ") || !hex(c, &pcs[depth]))
			return fail(ps, HEAP_ERR_SYNTAX, "stack",
				    "frame %u: expected \" 0x<address>\"",
				    depth);
		if (++depth == KMPROF_MAX_DEPTH_LIMIT && c->p != c->end)
			return fail(ps, HEAP_ERR_SYNTAX, "stack",
				    "more than %u frames",
				    KMPROF_MAX_DEPTH_LIMIT);
	}
	p->buckets = xgrow(p->buckets, &p->cap, p->nr + 1, sizeof(*p->buckets));
	b = &p->buckets[p->nr++];
	b->line = ps->line;
	b->inuse_objs = v[0];
	b->inuse_bytes = v[1];
	b->alloc_objs = v[2];
	b->alloc_bytes = v[3];
	b->allocator = 0;	/* "slab", the one source before version 3 */
	b->depth = depth;
	b->pcs = arena_alloc(&p->arena, depth * sizeof(*b->pcs));
	memcpy(b->pcs, pcs, depth * sizeof(*b->pcs));
	b->pS = arena_alloc(&p->arena, depth * sizeof(*b->pS));
	memset(b->pS, 0, depth * sizeof(*b->pS));
	b->func = arena_alloc(&p->arena, depth * sizeof(*b->func));
	memset(b->func, 0, depth * sizeof(*b->func));
	ps->cur = b;
	ps->nsyms = 0;
	return 0;
}

/*
 * A record's @bytes must be its @objs objects of its size class; the
 * error names the record's line and field, and the size line.
 */
static int bytes_of(struct parser *ps, const struct heap_bucket *b,
		    const char *field, uint64_t bytes, uint64_t objs)
{
	unsigned int size_line = ps->line;

	if (objs <= UINT64_MAX / b->size && bytes == objs * b->size)
		return 0;
	ps->line = b->line;
	return fail(ps, HEAP_ERR_SYNTAX, field,
		    "%" PRIu64 " bytes are not %" PRIu64 " objects of size %" PRIu64 " (line %u)",
		    bytes, objs, b->size, size_line);
}

/*
 * "# size=<size> inuse_req=<bytes> alloc_req=<bytes>" after "# size=",
 * from version 3 on " allocator=<name>", from version 4 on the labels:
 * " context=<context> comm=<comm> pid=<pid> cgroup=<id>", each optional
 * here (check_labels()), from version 5 on an optional " ages=<ages>",
 * from version 6 on " lifetimes=<lifetimes> lifetime_sum=<seconds>" if
 * the record has frees (check_lifetimes()).
 */
static int parse_size_line(struct parser *ps, struct cursor *c)
{
	struct heap_bucket *b = ps->cur;
	struct key_field fields[] = {
		NUMBER_KEY("inuse_req", b ? &b->inuse_req : NULL, 1),
		NUMBER_KEY("alloc_req", b ? &b->alloc_req : NULL, 1),
		{ "allocator", read_allocator, b, 3, false, false },
		LABEL_KEY("context", read_context, b),
		LABEL_KEY("comm", read_comm, b),
		LABEL_KEY("pid", read_pid, b),
		LABEL_KEY("cgroup", read_cgroup, b),
		{ "ages", read_ages, b, 5, false, true },
		{ "lifetimes", read_lifetimes, b, 6, false, true },
		{ "lifetime_sum", read_number, b ? &b->lifetime_sum : NULL, 6,
		  false, true },
	};

	if (!b)
		return fail(ps, HEAP_ERR_SYNTAX, "size",
			    "a size line before any record");
	if (b->has_size)
		return fail(ps, HEAP_ERR_SYNTAX, "size",
			    "a second size line for the record of line %u",
			    b->line);
	if (number(ps, c, "size", &b->size, NULL) ||
	    value_end(ps, c, "size"))
		return -1;
	if (key_values(ps, c, "size", fields, NFIELDS(fields)) ||
	    check_labels(ps, b) ||
	    check_lifetimes(ps, b, fields[NFIELDS(fields) - 1].seen))
		return -1;
	if (at_most(ps, "inuse_req", b->inuse_req, "in use", b->alloc_req))
		return -1;
	if (b->size == 0)
		return fail(ps, HEAP_ERR_SYNTAX, "size", "a zero size class");
	if (bytes_of(ps, b, "inuse_bytes", b->inuse_bytes, b->inuse_objs) ||
	    bytes_of(ps, b, "alloc_bytes", b->alloc_bytes, b->alloc_objs))
		return -1;
	if (at_most(ps, "inuse_req", b->inuse_req, "bytes requested",
		    b->inuse_bytes) ||
	    at_most(ps, "alloc_req", b->alloc_req, "bytes requested",
		    b->alloc_bytes))
		return -1;
	b->has_size = true;
	return 0;
}

/* "#\t0x<pc>\t<%pS>" after "#\t" */
static int parse_symbol_line(struct parser *ps, struct cursor *c)
{
	struct heap_bucket *b = ps->cur;
	struct pS_sym sym;
	uint64_t pc;

	if (!b)
		return fail(ps, HEAP_ERR_SYNTAX, "symbol",
			    "a symbol line before any record");
	if (!hex(c, &pc) || !eat(c, "\t"))
		return fail(ps, HEAP_ERR_SYNTAX, "symbol",
			    "expected \"#<tab>0x<address><tab><symbol>\"");
	if (ps->nsyms >= b->depth)
		return fail(ps, HEAP_ERR_SYNTAX, "symbol",
			    "more symbol lines than the %u frames of line %u",
			    b->depth, b->line);
	if (pc != b->pcs[ps->nsyms])
		return fail(ps, HEAP_ERR_SYNTAX, "symbol",
			    "address 0x%" PRIx64 " is not frame %u (0x%" PRIx64 ") of line %u",
			    pc, ps->nsyms, b->pcs[ps->nsyms], b->line);
	switch (pS_parse(c->p, (size_t)(c->end - c->p), &sym)) {
	case 0:
		b->pS[ps->nsyms] = arena_strndup(&ps->prof->arena, c->p,
						 (size_t)(c->end - c->p));
		break;
	case 1:
		/* %pS found no symbol either: leave it to kallsyms. */
		break;
	default:
		return fail(ps, HEAP_ERR_SYNTAX, "symbol",
			    "expected \"name+0x<off>/0x<size>\", optionally \" [module]\"");
	}
	ps->nsyms++;
	return 0;
}

static int parse_comment(struct parser *ps, struct cursor *c)
{
	if (eat(c, "#\t"))
		return parse_symbol_line(ps, c);
	if (eat(c, "# size="))
		return parse_size_line(ps, c);
	/* Other comments (e.g. "# key=value" of later writers) are skipped. */
	if (eat(c, "# ") || c->p + 1 == c->end)
		return 0;
	return fail(ps, HEAP_ERR_SYNTAX, "comment",
		    "expected \"# \" or \"#<tab>\"");
}

/* Bytes a line may hold: printable ASCII and tabs. */
static int check_bytes(struct parser *ps, const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		unsigned char ch = (unsigned char)s[i];

		if ((ch < 0x20 && ch != '\t') || ch > 0x7e)
			return fail(ps, HEAP_ERR_SYNTAX, "line",
				    "byte 0x%02x at column %zu is not printable text",
				    ch, i + 1);
	}
	return 0;
}

/* The header's totals are the sums over the records. */
static int check_totals(struct parser *ps)
{
	struct heap_profile *p = ps->prof;
	uint64_t s[4] = { 0 };
	static const char *const field[4] = {
		"inuse_objs", "inuse_bytes", "alloc_objs", "alloc_bytes"
	};
	const uint64_t want[4] = {
		p->inuse_objs, p->inuse_bytes, p->alloc_objs, p->alloc_bytes
	};

	for (size_t i = 0; i < p->nr; i++) {
		const struct heap_bucket *b = &p->buckets[i];

		if (!add_ok(&s[0], b->inuse_objs) ||
		    !add_ok(&s[1], b->inuse_bytes) ||
		    !add_ok(&s[2], b->alloc_objs) ||
		    !add_ok(&s[3], b->alloc_bytes)) {
			ps->line = b->line;
			return fail(ps, HEAP_ERR_SYNTAX, "total",
				    "the sums over the records overflow");
		}
	}
	ps->line = 1;
	for (int i = 0; i < 4; i++)
		if (s[i] != want[i])
			return fail(ps, HEAP_ERR_SYNTAX, field[i],
				    "total %" PRIu64 " but the records sum to %" PRIu64,
				    want[i], s[i]);
	if (p->declared_buckets != p->nr) {
		ps->line = 2;
		return fail(ps, HEAP_ERR_SYNTAX, "buckets",
			    "%" PRIu64 " declared but %zu records",
			    p->declared_buckets, p->nr);
	}
	return 0;
}

int heap_parse(const char *buf, size_t len, struct heap_profile *p,
	       struct heap_error *err)
{
	struct parser ps = { .prof = p, .err = err };
	size_t pos = 0;

	memset(p, 0, sizeof(*p));
	memset(err, 0, sizeof(*err));
	while (pos < len) {
		const char *nl = memchr(buf + pos, '\n', len - pos);
		size_t n = nl ? (size_t)(nl - (buf + pos)) : len - pos;
		struct cursor c = { buf + pos, buf + pos + n };
		int r;

		ps.line++;
		pos += n + (nl != NULL);
		if (check_bytes(&ps, c.p, n))
			goto bad;
		if (ps.line == 1)
			r = parse_header(&ps, &c);
		else if (ps.line == 2)
			r = parse_magic(&ps, &c);
		else if (n == 0)
			r = 0;	/* blank lines carry nothing */
		else if (*c.p == '#')
			r = parse_comment(&ps, &c);
		else if (*c.p >= '0' && *c.p <= '9')
			r = parse_record(&ps, &c);
		else
			r = fail(&ps, HEAP_ERR_SYNTAX, "line",
				 "expected a record (\"<objs>: <bytes> ...\") or a comment");
		if (r)
			goto bad;
	}
	if (ps.line < 2) {
		ps.line++;
		fail(&ps, HEAP_ERR_SYNTAX, ps.line == 1 ? "header" : "magic",
		     "the file ends early");
		goto bad;
	}
	if (close_record(&ps) || check_totals(&ps))
		goto bad;
	return 0;
bad:
	heap_free(p);
	return -1;
}

void heap_free(struct heap_profile *p)
{
	free(p->buckets);
	free(p->est);
	free(p->funcs);
	arena_free(&p->arena);
	memset(p, 0, sizeof(*p));
}

void heap_error_print(const char *name, const struct heap_error *err)
{
	fprintf(stderr, "kmprof: %s:%u: %s: %s\n", name, err->line, err->field,
		err->msg);
	if (err->kind == HEAP_ERR_VERSION)
		fprintf(stderr,
			"kmprof: use the kmprof tool built with this module\n");
}
