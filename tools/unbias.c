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
