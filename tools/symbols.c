// SPDX-License-Identifier: GPL-2.0
/*
 * kmprof - naming the frames of a profile.
 *
 * A frame is named by the "%pS" text the module wrote next to it (it
 * resolved it when the profile was made, on the machine that made it);
 * failing that by /proc/kallsyms, sorted and binary searched; failing that
 * by its raw address. A function's name keeps its module: "sym [mod]", as
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

static bool is_hex(char ch)
{
	return (ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'f') ||
	       (ch >= 'A' && ch <= 'F');
}

/* "0x" and 1 to 16 hex digits, exactly [s, end). */
static bool hex_span(const char *s, const char *end, uint64_t *v)
{
	*v = 0;
	if (end - s < 3 || end - s > 18 || s[0] != '0' || s[1] != 'x')
		return false;
	for (s += 2; s < end; s++) {
		if (!is_hex(*s))
			return false;
		*v = *v << 4 | (uint64_t)(*s <= '9' ? *s - '0' :
					  (*s | 0x20) - 'a' + 10);
	}
	return true;
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

int kallsyms_load(struct kallsyms *ks, const char *path)
{
	size_t cap = 0, n = 0;
	char *line = NULL;
	FILE *f;

	memset(ks, 0, sizeof(*ks));
	f = fopen(path, "r");
	if (!f)
		return -1;
	while (getline(&line, &n, f) > 0) {
		char type, name[256], mod[128] = "";
		uint64_t addr;
		struct ksym *s;

		if (sscanf(line, "%" SCNx64 " %c %255s [%127[^]]]", &addr, &type,
			   name, mod) < 3)
			continue;
		/* Text only; all zero when kptr_restrict hides them. */
		if (!addr || !strchr("tTwW", type))
			continue;
		if (ks->nr == cap) {
			cap = cap ? cap * 2 : 4096;
			ks->syms = xrealloc(ks->syms, cap, sizeof(*ks->syms));
		}
		s = &ks->syms[ks->nr++];
		s->addr = addr;
		s->name = arena_strndup(&ks->arena, name, strlen(name));
		s->module = *mod ? arena_strndup(&ks->arena, mod, strlen(mod)) :
			NULL;
	}
	free(line);
	fclose(f);
	if (ks->nr)
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

void heap_symbolize(struct heap_profile *p, const struct kallsyms *ks)
{
	struct strtab names;
	size_t cap = 0;

	strtab_init(&names);
	free(p->funcs);
	p->funcs = NULL;
	for (size_t i = 0; i < p->nr; i++) {
		struct heap_bucket *b = &p->buckets[i];

		for (unsigned int k = 0; k < b->depth; k++) {
			char symbol[256], module[128] = "", name[400];
			const struct ksym *s;
			bool resolved = true;
			struct pS_sym ps;
			uint64_t off;
			uint32_t id;

			if (b->pS[k] &&
			    !pS_parse(b->pS[k], strlen(b->pS[k]), &ps)) {
				snprintf(symbol, sizeof(symbol), "%.*s",
					 (int)ps.name_len, ps.name);
				if (ps.module)
					snprintf(module, sizeof(module), "%.*s",
						 (int)ps.module_len, ps.module);
			} else if (ks && (s = kallsyms_lookup(ks, b->pcs[k], &off))) {
				snprintf(symbol, sizeof(symbol), "%s", s->name);
				if (s->module)
					snprintf(module, sizeof(module), "%s",
						 s->module);
			} else {
				snprintf(symbol, sizeof(symbol), "0x%" PRIx64,
					 b->pcs[k]);
				resolved = false;
			}
			if (*module)
				snprintf(name, sizeof(name), "%s [%s]", symbol,
					 module);
			else
				snprintf(name, sizeof(name), "%s", symbol);
			id = strtab_intern(&names, name);
			b->func[k] = id;
			if (id < cap && p->funcs[id].name)
				continue;
			if (id >= cap) {
				size_t old = cap;

				cap = cap ? cap * 2 : 256;
				while (cap <= id)
					cap *= 2;
				p->funcs = xrealloc(p->funcs, cap,
						    sizeof(*p->funcs));
				memset(p->funcs + old, 0,
				       (cap - old) * sizeof(*p->funcs));
			}
			p->funcs[id].name = arena_strndup(&p->arena, name,
							  strlen(name));
			p->funcs[id].symbol = arena_strndup(&p->arena, symbol,
							    strlen(symbol));
			p->funcs[id].module = *module ?
				arena_strndup(&p->arena, module, strlen(module)) :
				NULL;
			p->funcs[id].resolved = resolved;
		}
	}
	p->nfuncs = names.nr;
	strtab_free(&names);
}

/* === Allocation sites === */

/*
 * The slab allocator's entry points and the wrappers that only pass an
 * allocation on (kstrdup, krealloc, ...): the site of an allocation is
 * the first frame that is none of these, as Go's pprof hides runtime.*
 * frames above a heap sample.
 */
static const char *const allocator_syms[] = {
	"__kmalloc", "__kmalloc_node", "__kmalloc_node_track_caller",
	"__kmalloc_cache", "__kmalloc_cache_node", "__kmalloc_large",
	"__kmalloc_large_node", "kmalloc_large", "kmalloc_large_node",
	"kmalloc_trace", "kmalloc_node_trace", "__do_kmalloc_node",
	"kmalloc", "kzalloc", "kcalloc", "kmalloc_array", "kmalloc_node",
	"kmalloc_node_track_caller", "kmem_cache_alloc", "kmem_cache_zalloc",
	"kmem_cache_alloc_lru", "kmem_cache_alloc_node", "kmem_cache_alloc_bulk",
	"slab_alloc_node", "__slab_alloc", "___slab_alloc", "__slab_alloc_node",
	"krealloc", "__krealloc", "krealloc_array", "kvmalloc", "kvzalloc",
	"kvmalloc_node", "__kvmalloc_node", "kvrealloc", "kvcalloc",
	"kmemdup", "kmemdup_nul", "kmemdup_array", "kvmemdup", "kstrdup",
	"kstrndup", "kstrdup_const", "kasprintf", "kvasprintf",
	"kvasprintf_const", "__kretprobe_trampoline", "kretprobe_trampoline",
	"arch_rethook_trampoline",
};

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

int heap_site(const struct heap_profile *p, const struct heap_bucket *b)
{
	if (!b->depth)
		return -1;
	for (unsigned int k = 0; k < b->depth; k++)
		if (!sym_is_allocator(p->funcs[b->func[k]].symbol))
			return (int)k;
	return 0;
}

unsigned int heap_first_frame(const struct heap_profile *p,
			      const struct heap_bucket *b, bool all_frames)
{
	int site = all_frames ? 0 : heap_site(p, b);

	return site < 0 ? 0 : (unsigned int)site;
}
