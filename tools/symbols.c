// SPDX-License-Identifier: GPL-2.0
/*
 * kmprof - naming the frames of a profile.
 *
 * A frame is named by the "%pS" text the module wrote next to it (it
 * resolved it when the profile was made, on the machine that made it);
 * failing that by a kallsyms file (/proc/kallsyms for the live profile,
 * the one given with --kallsyms), sorted and binary searched; failing that
 * by its raw address. Names are as long as the kernel's (KSYM_NAME_LEN,
 * 512 since 6.1) or longer: nothing here cuts them. A function's name keeps its module: "sym [mod]", as
 * %pS prints it, so that two static functions of the same name in
 * different modules stay apart in every output.
 */

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kmprof_tool.h"

/* === "%pS" text === */

/* "0x" and hex digits of at most 64 bits, exactly [s, end). */
static bool hex_span(const char *s, const char *end, uint64_t *v)
{
	*v = 0;
	if (end - s < 3 || s[0] != '0' || s[1] != 'x')
		return false;
	s += 2;
	return scan_u64(&s, end, 16, v) == 1 && s == end;
}

/* Characters of a symbol or module name. */
static bool name_span(const char *s, const char *end)
{
	if (s == end)
		return false;
	for (; s < end; s++)
		if (*s <= ' ' || *s > '~' || strchr("+/[]\t", *s))
			return false;
	return true;
}

int pS_parse(const char *text, size_t len, struct pS_sym *out)
{
	const char *end = text + len, *sp, *plus, *slash;

	memset(out, 0, sizeof(*out));
	if (hex_span(text, end, &out->offset))
		return 1;
	sp = memchr(text, ' ', len);
	if (sp) {
		/* " [module]" to the end */
		if (end - sp < 4 || sp[1] != '[' || end[-1] != ']' ||
		    !name_span(sp + 2, end - 1))
			return -1;
		out->module = sp + 2;
		out->module_len = (size_t)(end - 1 - (sp + 2));
		end = sp;
	}
	plus = NULL;
	for (const char *s = text; s < end; s++)
		if (*s == '+')
			plus = s;
	if (!plus || !name_span(text, plus))
		return -1;
	slash = memchr(plus, '/', (size_t)(end - plus));
	if (!slash || !hex_span(plus + 1, slash, &out->offset) ||
	    !hex_span(slash + 1, end, &out->size))
		return -1;
	out->name = text;
	out->name_len = (size_t)(plus - text);
	return 0;
}

/* === /proc/kallsyms === */

static int ksym_cmp(const void *a, const void *b)
{
	const struct ksym *x = a, *y = b;

	if (x->addr != y->addr)
		return x->addr < y->addr ? -1 : 1;
	return strcmp(x->name, y->name);
}

static int ks_fail(struct heap_error *err, unsigned int line,
		   const char *field, const char *msg)
{
	err->kind = HEAP_ERR_SYNTAX;
	err->line = line;
	snprintf(err->field, sizeof(err->field), "%s", field);
	snprintf(err->msg, sizeof(err->msg), "%s", msg);
	return -1;
}

/* The end of a name: the first byte that is not printable or is a space. */
static const char *name_end(const char *s, const char *end)
{
	while (s < end && *s > ' ' && *s <= '~')
		s++;
	return s;
}

/*
 * One line: "<hex address> <type> <name>[\t[<module>]]". Text symbols
 * (types t, T, w, W) with an address are added to @ks; 1 if one was, 0 if
 * the line holds another symbol, -1 with @err filled if it is malformed.
 */
static int ks_line(struct kallsyms *ks, const char *s, const char *end,
		   unsigned int line, struct heap_error *err, size_t *cap)
{
	const char *name, *nend, *mod = NULL, *mend = NULL;
	uint64_t addr;
	struct ksym *k;
	char type;

	if (scan_u64(&s, end, 16, &addr) != 1 || s == end || *s++ != ' ')
		return ks_fail(err, line, "address",
			       "expected \"<hex address> <type> <name>\"");
	if (end - s < 2 || !((*s | 0x20) >= 'a' && (*s | 0x20) <= 'z') ||
	    s[1] != ' ')
		return ks_fail(err, line, "type",
			       "expected a one-letter symbol type and a space");
	type = *s;
	name = s + 2;
	nend = name_end(name, end);
	if (nend == name)
		return ks_fail(err, line, "name", "expected a symbol name");
	if (nend != end) {
		mod = nend + 2;
		mend = end - 1;
		if (end - nend < 4 || nend[0] != '\t' || nend[1] != '[' ||
		    *mend != ']' || name_end(mod, mend) != mend ||
		    memchr(mod, ']', (size_t)(mend - mod)))
			return ks_fail(err, line, "module",
				       "expected nothing or \"<tab>[<module>]\" after the name");
	}
	/* Text only; all zero when kptr_restrict hides them. */
	if (!strchr("tTwW", type))
		return 0;
	if (!addr)
		return 2;
	ks->syms = xgrow(ks->syms, cap, ks->nr + 1, sizeof(*ks->syms));
	k = &ks->syms[ks->nr++];
	k->addr = addr;
	k->name = arena_strndup(&ks->arena, name, (size_t)(nend - name));
	k->module = mod ? arena_strndup(&ks->arena, mod, (size_t)(mend - mod)) :
		NULL;
	return 1;
}

int kallsyms_parse(struct kallsyms *ks, const char *buf, size_t len,
		   struct heap_error *err)
{
	const char *p = buf, *end = buf + len;
	unsigned int line = 0;
	bool zero = false;
	size_t cap = 0;

	memset(ks, 0, sizeof(*ks));
	memset(err, 0, sizeof(*err));
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *eol = nl ? nl : end;
		int r;

		line++;
		r = ks_line(ks, p, eol, line, err, &cap);
		if (r < 0) {
			kallsyms_free(ks);
			return -1;
		}
		zero |= r == 2;
		p = nl ? nl + 1 : end;
	}
	if (!ks->nr) {
		kallsyms_free(ks);
		return ks_fail(err, 1, "kallsyms", zero ?
			       "every address is 0: read it as root (kptr_restrict)" :
			       "no text symbol");
	}
	qsort(ks->syms, ks->nr, sizeof(*ks->syms), ksym_cmp);
	return 0;
}

/* Past the last symbol an address is only believed this close to it. */
#define KSYM_LAST_SPAN	(64 * 1024)

const struct ksym *kallsyms_lookup(const struct kallsyms *ks, uint64_t pc,
				   uint64_t *off)
{
	size_t lo = 0, hi = ks->nr;

	/* The last symbol at or below pc: syms[lo - 1]. */
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (ks->syms[mid].addr <= pc)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo == 0)
		return NULL;
	*off = pc - ks->syms[lo - 1].addr;
	if (lo == ks->nr && *off >= KSYM_LAST_SPAN)
		return NULL;
	return &ks->syms[lo - 1];
}

void kallsyms_free(struct kallsyms *ks)
{
	free(ks->syms);
	arena_free(&ks->arena);
	memset(ks, 0, sizeof(*ks));
}

/* === Naming the frames === */

/* "sym" or "sym [mod]" into *@buf, grown as needed. */
static const char *func_name(char **buf, size_t *cap, const char *sym,
			     size_t sym_len, const char *mod, size_t mod_len)
{
	*buf = xgrow(*buf, cap, sym_len + mod_len + 4, 1);
	if (mod)
		snprintf(*buf, *cap, "%.*s [%.*s]", (int)sym_len, sym,
			 (int)mod_len, mod);
	else
		snprintf(*buf, *cap, "%.*s", (int)sym_len, sym);
	return *buf;
}

void heap_symbolize(struct heap_profile *p, const struct kallsyms *ks)
{
	struct strtab names;
	size_t cap = 0, name_cap = 0;
	char *name = NULL;

	strtab_init(&names);
	free(p->funcs);
	p->funcs = NULL;
	for (size_t i = 0; i < p->nr; i++) {
		struct heap_bucket *b = &p->buckets[i];

		for (unsigned int k = 0; k < b->depth; k++) {
			const char *sym, *mod = NULL;
			size_t sym_len, mod_len = 0;
			const struct ksym *s;
			bool resolved = true;
			struct heap_func *f;
			struct pS_sym ps;
			char addr[20];
			uint64_t off;
			uint32_t id;

			if (b->pS[k] &&
			    !pS_parse(b->pS[k], strlen(b->pS[k]), &ps)) {
				sym = ps.name;
				sym_len = ps.name_len;
				mod = ps.module;
				mod_len = ps.module_len;
			} else if (ks && (s = kallsyms_lookup(ks, b->pcs[k], &off))) {
				sym = s->name;
				sym_len = strlen(sym);
				mod = s->module;
				mod_len = mod ? strlen(mod) : 0;
			} else {
				snprintf(addr, sizeof(addr), "0x%" PRIx64,
					 b->pcs[k]);
				sym = addr;
				sym_len = strlen(addr);
				resolved = false;
			}
			func_name(&name, &name_cap, sym, sym_len, mod, mod_len);
			id = strtab_intern(&names, name);
			b->func[k] = id;
			p->funcs = xgrow(p->funcs, &cap, (size_t)id + 1,
					 sizeof(*p->funcs));
			if (p->funcs[id].name)
				continue;
			f = &p->funcs[id];
			f->name = arena_strndup(&p->arena, name, strlen(name));
			f->symbol = arena_strndup(&p->arena, sym, sym_len);
			f->module = mod ? arena_strndup(&p->arena, mod, mod_len) :
				NULL;
			f->resolved = resolved;
		}
	}
	p->nfuncs = names.nr;
	strtab_free(&names);
	free(name);
}

/* === Allocation sites === */

/* The allocators' own functions (kmprof_heap.h): a site is none of them. */
static const char *const allocator_syms[] = { KMPROF_HEAP_ALLOCATOR_FUNCS };

bool sym_is_allocator(const char *symbol)
{
	size_t len = strcspn(symbol, ".");	/* "foo.cold", "foo.isra.0" */

	if (len > 7 && !memcmp(symbol + len - 7, "_noprof", 7))
		len -= 7;			/* 6.10+ alloc tagging */
	for (size_t i = 0; i < sizeof(allocator_syms) / sizeof(*allocator_syms); i++)
		if (strlen(allocator_syms[i]) == len &&
		    !memcmp(allocator_syms[i], symbol, len))
			return true;
	return false;
}

unsigned int heap_site(const struct heap_profile *p,
		       const struct heap_bucket *b)
{
	for (unsigned int k = 0; k < b->depth; k++)
		if (!sym_is_allocator(p->funcs[b->func[k]].symbol))
			return k;
	return 0;
}

unsigned int heap_first_frame(const struct heap_profile *p,
			      const struct heap_bucket *b, bool all_frames)
{
	return all_frames ? 0 : heap_site(p, b);
}
