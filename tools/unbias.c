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
	e->inuse_bytes_var = heap_inuse_variance(n, b->size, p->rate);
}

void heap_classes_add(struct heap_classes *c, const struct heap_profile *p,
		      size_t i)
{
	const struct heap_bucket *b = &p->buckets[i];
	uint64_t objs, bytes;
	double s;

	/* one size class: the in-use and the allocation scales are one */
	heap_scale(b->alloc_objs, b->alloc_bytes, p->rate, &objs, &bytes, &s);
	for (unsigned int k = 0; b->has_ages && k < KMPROF_HEAP_AGE_CLASSES; k++)
		c->age[k] += (double)b->ages[k] * s;
	if (!b->has_lifetimes)
		return;
	for (unsigned int k = 0; k < KMPROF_HEAP_LIFETIME_CLASSES; k++)
		c->life[k] += (double)b->lifetimes[k] * s;
	c->freed += (double)(b->alloc_objs - b->inuse_objs) * s;
	c->life_seconds += (double)b->lifetime_sum * s;
}

bool heap_classes_have_lifetimes(const struct heap_classes *c)
{
	return c->freed > 0;
}

double heap_classes_mean_lifetime(const struct heap_classes *c)
{
	return c->freed > 0 ? c->life_seconds / c->freed : 0;
}

unsigned int heap_classes_median_lifetime(const struct heap_classes *c)
{
	double all = 0, sum = 0;
	unsigned int k;

	for (k = 0; k < KMPROF_HEAP_LIFETIME_CLASSES; k++)
		all += c->life[k];
	for (k = 0; k + 1 < KMPROF_HEAP_LIFETIME_CLASSES; k++) {
		sum += c->life[k];
		if (sum > 0 && sum >= all / 2)
			break;
	}
	return k;
}

unsigned int heap_classes_last_lifetime(const struct heap_classes *c)
{
	unsigned int k = KMPROF_HEAP_LIFETIME_CLASSES - 1;

	while (k && !(c->life[k] > 0))
		k--;
	return k;
}

double heap_classes_aged(const struct heap_classes *c, unsigned int lo)
{
	double n = 0;

	for (unsigned int k = lo; k < KMPROF_HEAP_AGE_CLASSES; k++)
		n += c->age[k];
	return n;
}

/*
 * Of N objects of @size bytes, each is sampled with probability q = 1 -
 * exp(-size / rate): the n sampled are Binomial(N, q), and n / q, the
 * estimate, has the variance N (1 - q) / q, estimated by n (1 - q) / q^2.
 */
double heap_inuse_variance(uint64_t n, uint64_t size, uint64_t rate)
{
	double q, bytes;

	if (rate <= 1 || !n)
		return 0;
	q = -expm1(-(double)size / (double)rate);
	bytes = (double)size;
	return bytes * bytes * (double)n * (1 - q) / (q * q);
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
		e->inuse_bytes_var = heap_inuse_variance(b->inuse_objs, b->size,
							 p->rate);
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
	to->inuse_bytes_var += e->inuse_bytes_var;
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

uint64_t heap_lifetime_class_lo(unsigned int k)
{
	return heap_age_class_lo(k);	/* the same bounds, up to the last */
}

const char *heap_lifetime_class_name(char *buf, size_t len, unsigned int k)
{
	if (k + 1 < KMPROF_HEAP_LIFETIME_CLASSES)
		return heap_age_class_name(buf, len, k);
	snprintf(buf, len, "%llus+",
		 (unsigned long long)heap_lifetime_class_lo(k));
	return buf;
}
