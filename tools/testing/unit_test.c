// SPDX-License-Identifier: GPL-2.0
/*
 * kmprof - host unit tests of the tool's parts: the parser's fields, the
 * unbiasing against values computed by hand, "%pS" and kallsyms lookups,
 * allocation sites, units. Prints KTAP, as the host test scripts do: a
 * plan, one "ok N NAME" or "not ok N NAME" per case and the totals; it fails
 * when a case failed or did not run.
 *
 * usage: unit_test TESTDATA-DIR
 */

#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kmprof_tool.h"

static unsigned int cases, failed;
static const char *testdata;

#define CHECK(name, cond)						\
	do {								\
		bool ok_ = (cond);					\
		cases++;						\
		if (!ok_) {						\
			failed++;					\
			printf("# failed: %s (%s:%d)\n", #cond,		\
			       __FILE__, __LINE__);			\
		}							\
		printf("%s %u %s\n", ok_ ? "ok" : "not ok", cases, name);	\
		fflush(stdout);						\
	} while (0)

static char *slurp(const char *name, size_t *len)
{
	char path[4096], *buf;

	snprintf(path, sizeof(path), "%s/%s", testdata, name);
	if (read_path(path, false, &buf, len)) {
		fprintf(stderr, "cannot read %s\n", path);
		exit(1);
	}
	return buf;
}

/* === Unbiasing: scale = 1 / (1 - exp(-(bytes / count) / rate)) === */

static bool scales_to(uint64_t count, uint64_t bytes, uint64_t rate,
		      uint64_t want_count, uint64_t want_bytes)
{
	uint64_t c, b;
	double s;

	heap_scale(count, bytes, rate, &c, &b, &s);
	if (c != want_count || b != want_bytes)
		fprintf(stderr, "  scale(%" PRIu64 ", %" PRIu64 ", %" PRIu64 ") = %" PRIu64 ", %" PRIu64 "\n",
			count, bytes, rate, c, b);
	return c == want_count && b == want_bytes;
}

static void test_unbias(void)
{
	/*
	 * One 512 KiB object at rate 512 KiB: p = 1 - 1/e = 0.6321205588,
	 * scale = e / (e - 1) = 1.5819767069; 524288 * 1.5819767069 =
	 * 829411.3 bytes, 1.58 objects: truncated to 1.
	 */
	CHECK("unbias_one_object_at_rate", scales_to(1, 524288, 524288, 1, 829411));
	/*
	 * Ten 64-byte objects: x = 64 / 524288 = 1/8192, 1 - exp(-x) =
	 * 1.22063e-4, scale = 8192.50001; 10 -> 81925, 640 -> 5243200.
	 */
	CHECK("unbias_small_objects", scales_to(10, 640, 524288, 81925, 5243200));
	/* 4096-byte objects: scale = 1 / (1 - exp(-1/128)) = 128.50065 */
	CHECK("unbias_page_objects", scales_to(1, 4096, 524288, 128, 526338));
	/* 1 MiB objects, twice the rate: scale = 1 / (1 - e^-2) = 1.15652 */
	CHECK("unbias_large_objects", scales_to(7, 7340032, 524288, 8, 8488876));
	CHECK("unbias_rate_1_exact", scales_to(3, 300, 1, 3, 300));
	CHECK("unbias_rate_0_unscaled", scales_to(2, 200, 0, 2, 200));
	CHECK("unbias_no_objects", scales_to(0, 0, 524288, 0, 0));
	CHECK("unbias_saturates", scales_to(UINT64_MAX, UINT64_MAX - 1, 1 << 30,
					    UINT64_MAX, UINT64_MAX));
}

/* === The parser on testdata/basic.heap === */

static void test_parse_fields(void)
{
	struct heap_profile p;
	struct heap_error err;
	struct heap_bucket *b;
	size_t len;
	char *buf = slurp("basic.heap", &len);
	int r = heap_parse(buf, len, &p, &err);

	CHECK("parse_basic", r == 0);
	if (r) {
		fprintf(stderr, "  %u: %s: %s\n", err.line, err.field, err.msg);
		free(buf);
		return;
	}
	CHECK("parse_header_totals", p.inuse_objs == 16 && p.inuse_bytes == 8192 &&
	      p.alloc_objs == 32 && p.alloc_bytes == 11392);
	CHECK("parse_magic_fields", p.version == 1 && p.rate == 524288 &&
	      p.cycle == 7 && p.pending == 0 && p.declared_buckets == 5);
	CHECK("parse_v1_has_no_time", !p.has_time && p.time_ns == 0);
	CHECK("parse_v1_sources_slab", p.sources.nr == 1 &&
	      !strcmp(p.sources.name[0], "slab") && p.buckets[4].allocator == 0);
	CHECK("parse_bucket_count", p.nr == 5);
	b = &p.buckets[0];
	CHECK("parse_record_counts", b->inuse_objs == 3 && b->inuse_bytes == 3072 &&
	      b->alloc_objs == 5 && b->alloc_bytes == 5120 && b->line == 3);
	CHECK("parse_size_line", b->size == 1024 && b->inuse_req == 3000 &&
	      b->alloc_req == 5000);
	CHECK("parse_stack", b->depth == 5 && b->pcs[0] == 0xffffffff8134ab27ULL &&
	      b->pcs[4] == 0xffffffff81145e1dULL);
	CHECK("parse_symbol_text", b->pS[1] &&
	      !strcmp(b->pS[1], "foo_alloc_table+0x52/0x120 [foo]"));
	b = &p.buckets[4];
	CHECK("parse_hex_symbol_left_unnamed", b->pS[1] == NULL && b->pS[0] &&
	      !strcmp(b->pS[0], "__kmalloc_large_noprof+0x1e/0xc0"));
	CHECK("parse_freed_bucket", p.buckets[3].inuse_objs == 0 &&
	      p.buckets[3].alloc_objs == 4 && p.buckets[3].inuse_req == 0);

	/* Estimates, as pprof computes them (see test_unbias). */
	heap_symbolize(&p, NULL);
	heap_estimate(&p);
	CHECK("estimate_bucket_inuse", p.est[1].inuse_objs == 81925 &&
	      p.est[1].inuse_bytes == 5243200);
	/* requested bytes scale with the allocated ones: 560 * 8192.50001 */
	CHECK("estimate_bucket_requested", p.est[1].inuse_req == 4587800);
	/* allocated: 20 objects of 64 bytes, the same scale */
	CHECK("estimate_bucket_alloc", p.est[1].alloc_objs == 163850 &&
	      p.est[1].alloc_bytes == 10486400);

	/* Names and sites */
	CHECK("symbolize_module_kept",
	      !strcmp(p.funcs[p.buckets[0].func[1]].name, "foo_alloc_table [foo]") &&
	      !strcmp(p.funcs[p.buckets[0].func[1]].symbol, "foo_alloc_table") &&
	      !strcmp(p.funcs[p.buckets[0].func[1]].module, "foo"));
	CHECK("symbolize_unresolved_is_address",
	      !strcmp(p.funcs[p.buckets[4].func[1]].name, "0xffffffffc0b00010") &&
	      !p.funcs[p.buckets[4].func[1]].resolved);
	CHECK("site_skips_kmalloc", heap_site(&p, &p.buckets[0]) == 1);
	CHECK("site_skips_kmalloc_trace", heap_site(&p, &p.buckets[1]) == 1);
	CHECK("site_skips_kmem_cache_alloc", heap_site(&p, &p.buckets[2]) == 1);
	heap_free(&p);
	free(buf);
}

static void test_parse_empty(void)
{
	static const char text[] =
		"heap profile: 0: 0 [0: 0] @ heap_v2/524288\n"
		"# kmprof-heap v1 rate=524288 cycle=0 pending=0 buckets=0\n";
	static const char text2[] =
		"heap profile: 0: 0 [0: 0] @ heap_v2/1\n"
		"# kmprof-heap v1 rate=1 cycle=3 pending=0 buckets=0 future=x";
	struct heap_profile p;
	struct heap_error err;

	CHECK("parse_empty_profile",
	      heap_parse(text, sizeof(text) - 1, &p, &err) == 0 && p.nr == 0);
	heap_free(&p);
	/* without the last newline, and with an unknown key for later v1 */
	CHECK("parse_no_final_newline_unknown_key",
	      heap_parse(text2, strlen(text2), &p, &err) == 0 && p.rate == 1 &&
	      p.cycle == 3);
	heap_free(&p);
}

static void test_parse_version(void)
{
	static const char text[] =
		"heap profile: 0: 0 [0: 0] @ heap_v2/524288\n"
		"# kmprof-heap v7 rate=524288 cycle=0 pending=0 buckets=0 time_ns=1 sources=slab labels=pid\n";
	struct heap_profile p;
	struct heap_error err;
	size_t len;
	char *buf;
	int r;

	CHECK("parse_unknown_version",
	      heap_parse(text, sizeof(text) - 1, &p, &err) == -1 &&
	      err.kind == HEAP_ERR_VERSION && err.line == 2 &&
	      !strcmp(err.field, "version") && strstr(err.msg, "version 7"));

	buf = slurp("basic_v2.heap", &len);
	r = heap_parse(buf, len, &p, &err);
	CHECK("parse_v2", r == 0 && p.version == 2 && p.nr == 5 &&
	      p.cycle == 7 && p.rate == 524288);
	CHECK("parse_v2_time", r == 0 && p.has_time &&
	      p.time_ns == 1700000000123456789ULL);
	CHECK("parse_v2_sources_slab", r == 0 && p.sources.nr == 1 &&
	      !strcmp(p.sources.name[0], "slab") && p.buckets[0].allocator == 0);
	if (!r)
		heap_free(&p);
	free(buf);
}

/* === Version 3: testdata/basic_v3.heap, every record's allocator === */

/* The names of @p's bucket allocators, "slab page ...", into @buf. */
static const char *bucket_allocators(const struct heap_profile *p, char *buf,
				     size_t len)
{
	size_t n = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < p->nr && n < len; i++)
		n += (size_t)snprintf(buf + n, len - n, "%s%s", i ? " " : "",
				      p->sources.name[p->buckets[i].allocator]);
	return buf;
}

static void test_parse_v3(void)
{
	struct heap_profile p;
	struct heap_error err;
	char names[128];
	size_t len;
	char *buf = slurp("basic_v3.heap", &len);
	int r = heap_parse(buf, len, &p, &err);

	CHECK("parse_v3", r == 0 && p.version == 3 && p.nr == 6 &&
	      p.has_time && p.time_ns == 1700000400000000000ULL);
	if (r) {
		fprintf(stderr, "  %u: %s: %s\n", err.line, err.field, err.msg);
		free(buf);
		return;
	}
	CHECK("parse_v3_sources", p.sources.nr == 4 &&
	      !strcmp(p.sources.name[0], "slab") &&
	      !strcmp(p.sources.name[1], "page") &&
	      !strcmp(p.sources.name[2], "vmalloc") &&
	      !strcmp(p.sources.name[3], "percpu"));
	CHECK("parse_v3_allocators",
	      !strcmp(bucket_allocators(&p, names, sizeof(names)),
		      "slab slab page page vmalloc percpu"));
	/*
	 * Unbiasing is by the bucket's bytes per object, whatever its
	 * allocator. The order-2 pages: x = 16384 / 524288 = 1/32, scale =
	 * 1 / (1 - exp(-1/32)) = 32.5026041; 2 -> 65, 32768 -> 1065045; 3 ->
	 * 97, 49152 -> 1597567. The percpu bucket: x = 160 / 524288, scale =
	 * 3277.3000254; 5 -> 16386, 800 -> 2621840, 720 -> 2359656.
	 */
	heap_symbolize(&p, NULL);
	heap_estimate(&p);
	/* sites past the page, vmalloc and percpu allocators' frames */
	CHECK("site_v3", heap_site(&p, &p.buckets[2]) == 2 &&
	      heap_site(&p, &p.buckets[3]) == 2 &&
	      heap_site(&p, &p.buckets[4]) == 3 &&
	      heap_site(&p, &p.buckets[5]) == 1);
	CHECK("estimate_v3_pages", p.est[3].inuse_objs == 65 &&
	      p.est[3].inuse_bytes == 1065045 && p.est[3].alloc_objs == 97 &&
	      p.est[3].alloc_bytes == 1597567);
	CHECK("estimate_v3_percpu", p.est[5].inuse_objs == 16386 &&
	      p.est[5].inuse_bytes == 2621840 && p.est[5].inuse_req == 2359656);
	heap_free(&p);
	free(buf);
}

/* allocator_list_parse() of @s: 0 and @want_nr names, or -1 and @want_why. */
static bool list_parses(const char *s, int want, unsigned int want_nr,
			const char *want_why)
{
	struct allocator_list l;
	char why[160] = "";
	int r = allocator_list_parse(&l, s, strlen(s), why, sizeof(why));

	if (r != want || (r == 0 && l.nr != want_nr) ||
	    (r && !strstr(why, want_why))) {
		fprintf(stderr, "  \"%s\": %d, %u names, \"%s\"\n", s, r, l.nr, why);
		return false;
	}
	return true;
}

static int misordered(const char *s)
{
	struct allocator_list l;
	char why[160];

	if (allocator_list_parse(&l, s, strlen(s), why, sizeof(why)))
		return -2;
	return allocator_list_misordered(&l);
}

static void test_allocator_names(void)
{
	CHECK("allocator_rank", allocator_rank("slab") == 0 &&
	      allocator_rank("percpu") == 4 && allocator_rank("zram") == -1);
	CHECK("allocator_names", allocator_name_ok("vmalloc", 7) &&
	      allocator_name_ok("a_0", 3) && !allocator_name_ok("", 0) &&
	      !allocator_name_ok("Bad!", 4) && !allocator_name_ok("a-b", 3) &&
	      allocator_name_ok("abcdefghijklmno", 15) &&
	      !allocator_name_ok("abcdefghijklmnop", 16));
	CHECK("allocator_list", list_parses("slab,page,zram", 0, 3, NULL) &&
	      list_parses("percpu", 0, 1, NULL));
	CHECK("allocator_list_bad", list_parses("slab,,page", -1, 0, "\"\" is not") &&
	      list_parses("", -1, 0, "\"\" is not") &&
	      list_parses("slab,", -1, 0, "\"\" is not") &&
	      list_parses("Bad!", -1, 0, "\"Bad!\" is not an allocator name") &&
	      list_parses("slab,slab", -1, 0, "\"slab\" given twice"));
	CHECK("allocator_list_max", list_parses("a,b,c,d,e,f,g,h,i,j,k,l,m,n,o,p", 0, 16, NULL) &&
	      list_parses("a,b,c,d,e,f,g,h,i,j,k,l,m,n,o,p,q", -1, 0, "more than 16"));
	CHECK("allocator_list_order", misordered("slab,page,vmalloc") == -1 &&
	      misordered("page,slab") == 1 && misordered("zram,slab,zz,percpu") == -1 &&
	      misordered("percpu,zram,slab") == 2);
}

/* === "%pS" === */

static void test_pS(void)
{
	struct pS_sym s;

	CHECK("pS_kernel", pS_parse("kmalloc_trace+0x27/0x90", 23, &s) == 0 &&
	      s.name_len == 13 && !memcmp(s.name, "kmalloc_trace", 13) &&
	      s.offset == 0x27 && s.size == 0x90 && !s.module);
	CHECK("pS_module", pS_parse("foo_init+0x12/0x40 [foo]", 24, &s) == 0 &&
	      s.name_len == 8 && s.module_len == 3 && !memcmp(s.module, "foo", 3) &&
	      s.offset == 0x12 && s.size == 0x40);
	CHECK("pS_dotted_name", pS_parse("bar.cold+0x0/0x1c", 17, &s) == 0 &&
	      s.name_len == 8);
	CHECK("pS_address", pS_parse("0xffffffffc0b00010", 18, &s) == 1);
	CHECK("pS_no_offset", pS_parse("kfree", 5, &s) == -1);
	CHECK("pS_bad_module", pS_parse("a+0x1/0x2 [foo", 14, &s) == -1);
	CHECK("pS_space_in_name", pS_parse("a b+0x1/0x2", 11, &s) == -1);
	CHECK("pS_bad_hex", pS_parse("a+0xg/0x2", 9, &s) == -1);
}

/* === kallsyms === */

static void test_kallsyms(void)
{
	const struct ksym *s;
	struct kallsyms ks;
	uint64_t off = 0;

	struct heap_error err;
	size_t len;
	char *buf = slurp("kallsyms", &len);

	CHECK("kallsyms_parse", kallsyms_parse(&ks, buf, len, &err) == 0 &&
	      ks.nr == 8);
	free(buf);
	s = kallsyms_lookup(&ks, 0xffffffffc0b00010ULL, &off);
	CHECK("kallsyms_module_symbol", s && !strcmp(s->name, "baz_probe") &&
	      s->module && !strcmp(s->module, "baz") && off == 0x10);
	s = kallsyms_lookup(&ks, 0xffffffff81002b2cULL, &off);
	CHECK("kallsyms_kernel_symbol", s && !strcmp(s->name, "do_one_initcall") &&
	      !s->module && off == 0x5c);
	s = kallsyms_lookup(&ks, 0xffffffff8134b0c5ULL, &off);
	CHECK("kallsyms_skips_data", s && !strcmp(s->name, "__kmalloc_large_noprof"));
	CHECK("kallsyms_below_first", !kallsyms_lookup(&ks, 0xffffffff81000000ULL, &off));
	CHECK("kallsyms_far_past_last", !kallsyms_lookup(&ks, 0xffffffffc0c00000ULL, &off));
	kallsyms_free(&ks);
	CHECK("kallsyms_malformed", kallsyms_parse(&ks, "ffff T\n", 7, &err) == -1 &&
	      err.line == 1 && !strcmp(err.field, "type"));
	CHECK("kallsyms_zero_addresses",
	      kallsyms_parse(&ks, "0 T a\n0 t b\n", 12, &err) == -1 &&
	      strstr(err.msg, "every address is 0"));
}

/* === Allocator frames === */

static void test_allocator(void)
{
	CHECK("allocator_noprof", sym_is_allocator("__kmalloc_cache_noprof"));
	CHECK("allocator_61", sym_is_allocator("kmalloc_trace"));
	CHECK("allocator_cold", sym_is_allocator("kmem_cache_alloc.cold"));
	CHECK("allocator_wrapper", sym_is_allocator("kstrdup"));
	CHECK("allocator_not_caller", !sym_is_allocator("kmalloc_reserve") &&
	      !sym_is_allocator("foo_init"));
	CHECK("allocator_page", sym_is_allocator("__alloc_pages_noprof") &&
	      sym_is_allocator("alloc_pages_mpol_noprof") &&
	      sym_is_allocator("__get_free_pages"));
	CHECK("allocator_vmalloc", sym_is_allocator("__vmalloc_node_range_noprof") &&
	      sym_is_allocator("vmalloc_noprof") && sym_is_allocator("vzalloc"));
	CHECK("allocator_percpu", sym_is_allocator("pcpu_alloc_noprof") &&
	      sym_is_allocator("__alloc_percpu_gfp") && !sym_is_allocator("pcpu_balance_workfn"));
}

/* === Numbers and units === */

/* scan_u64() of @s: returns @want_r, @want_v and eats @want_len chars. */
static bool scan_digits(const char *s, unsigned int base, int want_r,
			uint64_t want_v, size_t want_len)
{
	const char *p = s;
	uint64_t v;
	int r = scan_u64(&p, s + strlen(s), base, &v);

	if (r != want_r || (r == 1 && v != want_v) || (size_t)(p - s) !=
	    (r == 1 ? want_len : 0)) {
		fprintf(stderr, "  scan_u64(\"%s\", %u) = %d, %" PRIu64 ", %zu chars\n",
			s, base, r, v, (size_t)(p - s));
		return false;
	}
	return true;
}

static void test_units(void)
{
	char buf[32];
	uint64_t v;

	CHECK("bytes_small", !strcmp(fmt_bytes(buf, sizeof(buf), 1023, false), "1023 B"));
	CHECK("bytes_kib", !strcmp(fmt_bytes(buf, sizeof(buf), 1536, false), "1.5 KiB"));
	CHECK("bytes_mib", !strcmp(fmt_bytes(buf, sizeof(buf), 5243200, false), "5.0 MiB"));
	CHECK("bytes_raw", !strcmp(fmt_bytes(buf, sizeof(buf), 5243200, true), "5243200"));
	CHECK("scan_dec", scan_digits("123x", 10, 1, 123, 3));
	CHECK("scan_dec_max", scan_digits("18446744073709551615", 10, 1, UINT64_MAX, 20));
	CHECK("scan_dec_overflow", scan_digits("18446744073709551616", 10, -1, 0, 0));
	CHECK("scan_dec_no_digit", scan_digits("x1", 10, 0, 0, 0) &&
	      scan_digits("", 10, 0, 0, 0) && scan_digits("-1", 10, 0, 0, 0));
	CHECK("scan_dec_not_hex", scan_digits("12ab", 10, 1, 12, 2));
	CHECK("scan_hex", scan_digits("ffFF0 ", 16, 1, 0xffff0, 5));
	CHECK("scan_hex_max", scan_digits("ffffffffffffffff", 16, 1, UINT64_MAX, 16));
	CHECK("scan_hex_overflow", scan_digits("10000000000000000", 16, -1, 0, 0));
	CHECK("u64_whole", parse_u64("42", 100, &v) == 0 && v == 42 &&
	      parse_u64("42 ", 100, &v) == -1 && parse_u64("101", 100, &v) == -1 &&
	      parse_u64("", 100, &v) == -1 && parse_u64("+1", 100, &v) == -1);
	CHECK("size_suffix", parse_size("512K", &v) == 0 && v == 524288);
	CHECK("size_plain", parse_size("1", &v) == 0 && v == 1);
	CHECK("size_bad", parse_size("12KB", &v) == -1 && parse_size("", &v) == -1 &&
	      parse_size("-1", &v) == -1 &&
	      parse_size("99999999999999999999", &v) == -1);
}

/* === Version 4: testdata/labels_v4.heap, every record's labels === */

static void test_parse_v4(void)
{
	struct heap_profile p;
	struct heap_error err;
	size_t len;
	char *buf = slurp("labels_v4.heap", &len);
	int r = heap_parse(buf, len, &p, &err);
	const struct heap_bucket *b = p.buckets;

	CHECK("parse_v4", r == 0 && p.version == 4 && p.nr == 7);
	if (r) {
		fprintf(stderr, "  %u: %s: %s\n", err.line, err.field, err.msg);
		free(buf);
		return;
	}
	CHECK("parse_v4_labels", p.labels == 0xf);
	CHECK("parse_v4_task", b[0].has_context &&
	      b[0].context == KMPROF_CONTEXT_TASK && b[0].has_comm &&
	      !strcmp(b[0].comm, "bash") && b[0].has_pid && b[0].pid == 100 &&
	      b[0].has_cgroup && b[0].cgroup == 11);
	CHECK("parse_v4_comm_unescaped", !strcmp(b[1].comm, "my t\xc3\xa9sk"));
	CHECK("parse_v4_interrupt", b[2].context == KMPROF_CONTEXT_SOFTIRQ &&
	      !b[2].has_comm && !b[2].has_pid && !b[2].has_cgroup &&
	      b[4].context == KMPROF_CONTEXT_HARDIRQ);
	heap_free(&p);
	free(buf);
}

static void test_labels(void)
{
	char why[160], comm[HEAP_COMM_MAX + 1], esc[HEAP_COMM_ESCAPED_MAX];
	unsigned int mask;

	CHECK("label_list", label_list_parse(&mask, "context,cgroup", 14, why,
					     sizeof(why)) == 0 && mask == 0x9);
	CHECK("label_list_unknown",
	      label_list_parse(&mask, "uid", 3, why, sizeof(why)) == -1 &&
	      strstr(why, "\"uid\" is not a label"));
	CHECK("label_names", !strcmp(label_names(esc, sizeof(esc), 0xe),
				     "comm,pid,cgroup"));
	CHECK("context_find", context_find("nmi", 3) == KMPROF_CONTEXT_NMI &&
	      context_find("nm", 2) == -1);
	CHECK("comm_round_trip",
	      comm_unescape(comm, "a\\134b\\040\\377", 14, why, sizeof(why)) == 0 &&
	      !strcmp(comm, "a\\b \xff") &&
	      !strcmp(comm_escape(esc, sizeof(esc), comm), "a\\134b\\040\\377"));
	CHECK("comm_escape_short_buffer",
	      !strcmp(comm_escape(esc, 6, "ab cd"), "ab"));
}

/* === Allocations of an interval: heap_alloc_delta() === */

/*
 * basic_v3.heap, parsed and named; with @more, 10 more allocations of its
 * first record; with @rate (six digits), at that rate.
 */
static int parse_v3_variant(struct heap_profile *p, bool more,
			    const char *rate)
{
	struct heap_error err;
	size_t len;
	char *buf = slurp("basic_v3.heap", &len), *text = NULL;
	int r;

	if (asprintf(&text, "%s", buf) < 0)
		exit(1);
	free(buf);
	if (more) {
		memcpy(strstr(text, "[38: 92736]"), "[48: 93376]", 11);
		memcpy(strstr(text, "10: 640 [20: 1280]"), "10: 640 [30: 1920]", 18);
		memcpy(strstr(text, "alloc_req=1120"), "alloc_req=1760", 14);
	}
	if (rate) {	/* another of the same length */
		memcpy(strstr(text, "heap_v2/524288") + 8, rate, 6);
		memcpy(strstr(text, "rate=524288") + 5, rate, 6);
	}
	r = heap_parse(text, strlen(text), p, &err);
	if (r)
		fprintf(stderr, "  %u: %s: %s\n", err.line, err.field, err.msg);
	else
		heap_symbolize(p, NULL);
	free(text);
	return r;
}

static void test_alloc_delta(void)
{
	struct heap_profile old, new, reset, rate;
	bool others_zero = true;
	const char *why;

	if (parse_v3_variant(&old, false, NULL) || parse_v3_variant(&new, true, NULL) ||
	    parse_v3_variant(&reset, false, NULL) || parse_v3_variant(&rate, true, "524289")) {
		CHECK("alloc_delta_parses", false);
		return;
	}
	why = heap_alloc_delta(&new, &old);
	for (size_t i = 1; i < new.nr; i++)
		others_zero &= !new.buckets[i].alloc_objs && !new.buckets[i].alloc_bytes &&
			       !new.buckets[i].alloc_req;
	CHECK("alloc_delta_record", !why && new.buckets[0].alloc_objs == 10 &&
	      new.buckets[0].alloc_bytes == 640 && new.buckets[0].alloc_req == 640 &&
	      others_zero && new.alloc_objs == 10 && new.alloc_bytes == 640);
	CHECK("alloc_delta_keeps_inuse", new.buckets[0].inuse_objs == 10 &&
	      new.buckets[0].inuse_bytes == 640 && new.inuse_objs == 22);
	/* NEW before its delta: MORE's counts; BASIC after it is a new profile */
	heap_free(&new);
	parse_v3_variant(&new, true, NULL);
	why = heap_alloc_delta(&reset, &new);
	CHECK("alloc_delta_fewer_is_new_profile", why && strstr(why, "fewer allocations") &&
	      reset.buckets[0].alloc_objs == 20 && reset.alloc_objs == 38);
	why = heap_alloc_delta(&rate, &old);
	CHECK("alloc_delta_other_rate", why && strstr(why, "rates differ") &&
	      rate.buckets[0].alloc_objs == 30);
	heap_free(&old);
	heap_free(&new);
	heap_free(&reset);
	heap_free(&rate);
}

/* Each group of cases, and how many CHECK()s it has: the plan. */
static const struct {
	void (*run)(void);
	unsigned int cases;
} groups[] = {
	{ test_unbias, 8 },
	{ test_parse_fields, 20 },
	{ test_parse_empty, 2 },
	{ test_parse_version, 4 },
	{ test_parse_v3, 6 },
	{ test_parse_v4, 5 },
	{ test_labels, 6 },
	{ test_allocator_names, 6 },
	{ test_pS, 8 },
	{ test_kallsyms, 8 },
	{ test_allocator, 8 },
	{ test_units, 16 },
	{ test_alloc_delta, 4 },
};

int main(int argc, char **argv)
{
	unsigned int i, planned = 0;

	if (argc != 2) {
		fprintf(stderr, "usage: unit_test TESTDATA-DIR\n");
		return 2;
	}
	testdata = argv[1];
	for (i = 0; i < sizeof(groups) / sizeof(groups[0]); i++)
		planned += groups[i].cases;
	printf("KTAP version 1\n1..%u\n", planned);
	for (i = 0; i < sizeof(groups) / sizeof(groups[0]); i++)
		groups[i].run();
	printf("# Totals: pass:%u fail:%u skip:0\n", cases - failed, failed);
	if (cases != planned)
		printf("# planned %u cases, reported %u\n", planned, cases);
	return failed || cases != planned;
}
