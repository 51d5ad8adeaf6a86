// SPDX-License-Identifier: GPL-2.0
/*
 * kmprof - libFuzzer target of the heap file parser, and of everything the
 * tool does with what it accepts: naming, estimates, top, folded, pprof.
 * Built with -fsanitize=fuzzer,address,undefined by `make -C tools fuzz`.
 *
 * Besides crashes and sanitizer reports, it stops on a rejected input
 * whose error names no line or field, or whose message is not text, and on
 * an accepted one whose totals are not the sums of its records.
 */

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kmprof_tool.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static FILE *sink;

static void check_error(const struct heap_error *err)
{
	if (err->line == 0 || !err->field[0] || !err->msg[0])
		abort();
	for (const char *s = err->msg; *s; s++)
		if (*s < 0x20 || *s > 0x7e)
			abort();
}

static void check_totals(const struct heap_profile *p)
{
	uint64_t io = 0, ab = 0;

	for (size_t i = 0; i < p->nr; i++) {
		io += p->buckets[i].inuse_objs;
		ab += p->buckets[i].alloc_bytes;
		if (p->buckets[i].inuse_objs > p->buckets[i].alloc_objs)
			abort();
	}
	if (io != p->inuse_objs || ab != p->alloc_bytes || p->nr != p->declared_buckets)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct top_options topt = { .limit = 5 };
	struct folded_options fopt = { 0 };
	struct heap_profile p;
	struct heap_error err;
	unsigned char *gz;
	size_t len;

	if (!sink)
		sink = fopen("/dev/null", "w");
	if (heap_parse((const char *)data, size, &p, &err)) {
		check_error(&err);
		return 0;
	}
	check_totals(&p);
	heap_symbolize(&p, NULL);
	heap_estimate(&p);
	top_print(sink, &p, &topt);
	topt.cumulative = true;
	topt.sort = SORT_FREES;
	top_print(sink, &p, &topt);
	folded_print(sink, &p, &fopt);
	fopt.all_frames = true;
	folded_print(sink, &p, &fopt);
	if (pprof_encode(&p, false, &gz, &len) == 0)
		free(gz);
	heap_free(&p);
	return 0;
}
