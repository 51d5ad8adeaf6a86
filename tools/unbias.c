// SPDX-License-Identifier: GPL-2.0
/*
 * kmprof - from sampled counts to estimates, as pprof does for Go heap
 * profiles (runtime/pprof's scaleHeapSample).
 *
 * With sampling at a mean rate of R bytes, an object of S bytes is
 * sampled with probability 1 - exp(-S / R); each sampled count and byte
 * total is divided by that probability. The average object size of the
 * counts being scaled stands for S, so in-use and allocated counts of one
 * bucket are scaled separately. Results are truncated to integers like
 * pprof's, so the same file gives the same numbers in both.
 */

#include <math.h>
#include <stdlib.h>

#include "kmprof_tool.h"

/* v * s truncated, saturating: the input is not trusted to be sane. */
static uint64_t scaled(uint64_t v, double s)
{
	double r = (double)v * s;

	if (!(r > 0))
		return 0;
	if (r >= 18446744073709551616.0)
		return UINT64_MAX;
	return (uint64_t)r;
}

void heap_scale(uint64_t count, uint64_t bytes, uint64_t rate,
		uint64_t *est_count, uint64_t *est_bytes, double *scale)
{
	double s;

	*scale = 1;
	if (count == 0 || bytes == 0) {
		*est_count = 0;
		*est_bytes = 0;
		return;
	}
	if (rate <= 1) {
		/* 1: every allocation was sampled; 0: treated as unknown */
		*est_count = count;
		*est_bytes = bytes;
		return;
	}
	s = 1 / (1 - exp(-((double)bytes / (double)count) / (double)rate));
	*scale = s;
	*est_count = scaled(count, s);
	*est_bytes = scaled(bytes, s);
}

/* v * num / den * s truncated, saturating; exactly scaled() if num == den. */
static uint64_t scaled_part(uint64_t v, uint64_t num, uint64_t den, double s)
{
	if (num == den)
		return scaled(v, s);
	return scaled(v, (double)num / (double)den * s);
}

void heap_age_estimate(const struct heap_profile *p, size_t i,
		       unsigned int lo, unsigned int hi,
		       struct heap_estimate *e)
{
	const struct heap_bucket *b = &p->buckets[i];
	uint64_t n = 0, objs, bytes;
	double s;

	*e = (struct heap_estimate){ 0 };
	if (!b->has_ages)
		return;
	for (unsigned int k = lo; k < hi && k < KMPROF_HEAP_AGE_CLASSES; k++)
		n += b->ages[k];	/* the parser bounds the sum by inuse_objs */
	if (!n)
		return;
	/* the record's in-use scale, so that the classes add up to its estimate */
	heap_scale(b->inuse_objs, b->inuse_bytes, p->rate, &objs, &bytes, &s);
	e->inuse_objs = scaled(n, s);
	e->inuse_bytes = scaled(n * b->size, s);
	e->inuse_req = scaled_part(b->inuse_req, n, b->inuse_objs, s);
}

void heap_estimate(struct heap_profile *p)
{
	free(p->est);
	p->est = xcalloc(p->nr, sizeof(*p->est));
	for (size_t i = 0; i < p->nr; i++) {
		const struct heap_bucket *b = &p->buckets[i];
		struct heap_estimate *e = &p->est[i];
		double s;

		heap_scale(b->inuse_objs, b->inuse_bytes, p->rate,
			   &e->inuse_objs, &e->inuse_bytes, &s);
		e->inuse_req = scaled(b->inuse_req, s);
		heap_scale(b->alloc_objs, b->alloc_bytes, p->rate,
			   &e->alloc_objs, &e->alloc_bytes, &s);
		e->alloc_req = scaled(b->alloc_req, s);
	}
}

void heap_estimate_add(struct heap_estimate *to, const struct heap_estimate *e)
{
	to->inuse_objs = sat_add(to->inuse_objs, e->inuse_objs);
	to->inuse_bytes = sat_add(to->inuse_bytes, e->inuse_bytes);
	to->inuse_req = sat_add(to->inuse_req, e->inuse_req);
	to->alloc_objs = sat_add(to->alloc_objs, e->alloc_objs);
	to->alloc_bytes = sat_add(to->alloc_bytes, e->alloc_bytes);
	to->alloc_req = sat_add(to->alloc_req, e->alloc_req);
}

uint64_t heap_age_class_lo(unsigned int k)
{
	return k ? 1ULL << (k - 1) : 0;
}

const char *heap_age_class_name(char *buf, size_t len, unsigned int k)
{
	if (!k)
		snprintf(buf, len, "<1s");
	else
		snprintf(buf, len, "%llus-%llus",
			 (unsigned long long)heap_age_class_lo(k),
			 (unsigned long long)heap_age_class_lo(k + 1));
	return buf;
}
