// SPDX-License-Identifier: GPL-2.0
/*
 * kmprof - the sampler: which allocations to record.
 *
 * Like Go's heap profiler, an allocation is sampled when the bytes allocated
 * on this CPU since the last sample cross a random threshold. Thresholds are
 * drawn from an exponential distribution of mean `rate`, which makes samples
 * a Poisson process over the bytes allocated: every byte has the same chance
 * 1/rate to be the one sampled, whatever the size of the allocation holding
 * it, and the reader can unbias estimates knowing only rate and the size.
 *
 * The kernel has no floating point here: the draw -ln(u) * rate, u uniform
 * in (0, 1], is computed in fixed point from an integer log2.
 */

#include <linux/log2.h>
#include <linux/percpu.h>
#include <linux/prandom.h>
#include <linux/random.h>

#include "core.h"

/* Bits of randomness in one draw: u = q / 2^26, q in [1, 2^26] (as Go). */
#define KMPROF_DRAW_BITS	26
/* Fractional bits of the fixed-point logarithms. */
#define KMPROF_LOG_FRAC_BITS	16
/* ln(2) * 2^32, rounded. */
#define KMPROF_LN2_Q32		2977044472ULL

/*
 * log2(x) for x >= 1, in fixed point with KMPROF_LOG_FRAC_BITS fraction
 * bits, by repeated squaring of the mantissa: each squaring doubles the
 * logarithm, so the bit shifted out when the square reaches 2 is the next
 * binary digit of the fraction. Truncates: the error is below 2^-16.
 */
static u32 kmprof_log2_fixed(u32 x)
{
	u32 int_part = ilog2(x);
	u64 mant = (u64)x << (31 - int_part);	/* Q1.31, in [1, 2) */
	u32 frac = 0;
	int bit;

	for (bit = KMPROF_LOG_FRAC_BITS - 1; bit >= 0; bit--) {
		mant = (mant * mant) >> 31;	/* mant < 2^32: no overflow */
		if (mant >= (1ULL << 32)) {
			mant >>= 1;
			frac |= 1U << bit;
		}
	}
	return (int_part << KMPROF_LOG_FRAC_BITS) | frac;
}

/**
 * kmprof_sample_interval() - draw the bytes until the next sample.
 * @rnd: the generator to draw from.
 * @rate: the mean of the distribution, at most KMPROF_RATE_MAX.
 *
 * Context: any; the caller keeps @rnd from being used concurrently.
 * Return: an exponentially distributed number of bytes of mean @rate, at
 * least 1.
 */
unsigned long kmprof_sample_interval(struct rnd_state *rnd, unsigned long rate)
{
	u32 q = (prandom_u32_state(rnd) >> (32 - KMPROF_DRAW_BITS)) + 1;
	/* -log2(q / 2^26) in Q16, in [0, 26] */
	u64 neg_log2 = ((u64)KMPROF_DRAW_BITS << KMPROF_LOG_FRAC_BITS) -
		       kmprof_log2_fixed(q);
	/* -ln(q / 2^26) in Q16: below 2^21 */
	u64 neg_ln = (neg_log2 * KMPROF_LN2_Q32) >> 32;

	return ((neg_ln * rate) >> KMPROF_LOG_FRAC_BITS) + 1;
}
EXPORT_SYMBOL_IF_KUNIT(kmprof_sample_interval);

/*
 * The countdown also carries the rate's two special values, so that the
 * fast path is one subtraction and no test of the rate:
 *  - rate 0 (off): a countdown no allocation brings down to zero;
 *  - rate 1 (every allocation): a countdown left at zero.
 */
#define KMPROF_COUNTDOWN_OFF	LONG_MAX

/* The countdown a CPU starts with, or redraws, at @rate. */
static long kmprof_countdown_new(struct rnd_state *rnd, unsigned long rate)
{
	if (!rate)
		return KMPROF_COUNTDOWN_OFF;
	return rate > 1 ? kmprof_sample_interval(rnd, rate) : 0;
}

/**
 * kmprof_sample_draw() - the slow half of kmprof_sample().
 * @prof: the profile.
 * @size: bytes of the allocation whose countdown ran out.
 *
 * Called once kmprof_sample_due() found the countdown run out: the
 * allocation is sampled (unless the rate is 0) and the next interval
 * drawn. The rate is the profile's for life, so no rate change can land
 * between reading it and installing a countdown. The draw runs with
 * interrupts off, so that an interrupt on this CPU cannot use the
 * generator halfway through it.
 *
 * Context: any context but NMI, with preemption disabled (a probe handler).
 * Return: true if the allocation is to be recorded.
 */
bool kmprof_sample_draw(struct kmprof_profile *prof, size_t size)
{
	unsigned long rate = prof->sampler.rate;
	struct kmprof_sampler_cpu *cpu;
	unsigned long flags;

	local_irq_save(flags);
	cpu = this_cpu_ptr(prof->sampler.cpu);
	cpu->countdown = kmprof_countdown_new(&cpu->rnd, rate);
	local_irq_restore(flags);
	return rate && !kmprof_test_skip_sample();
}
EXPORT_SYMBOL_IF_KUNIT(kmprof_sample_draw);

/**
 * kmprof_sampler_rate() - the mean sampling interval.
 * @prof: the profile.
 *
 * Context: any.
 * Return: the rate in bytes.
 */
unsigned long kmprof_sampler_rate(const struct kmprof_profile *prof)
{
	return prof->sampler.rate;
}
EXPORT_SYMBOL_IF_KUNIT(kmprof_sampler_rate);

static void kmprof_sampler_seed_cpu(struct kmprof_sampler_cpu *cpu, u64 seed,
				    unsigned long rate)
{
	prandom_seed_state(&cpu->rnd, seed);
	cpu->countdown = kmprof_countdown_new(&cpu->rnd, rate);
}

/**
 * kmprof_sampler_seed() - make the sampler deterministic.
 * @prof: the profile.
 * @seed: CPU n's generator is seeded with @seed + n; countdowns are redrawn.
 *
 * Context: process context, while nothing samples with @prof (tests).
 */
void kmprof_sampler_seed(struct kmprof_profile *prof, u64 seed)
{
	unsigned long rate = kmprof_sampler_rate(prof);
	int cpu;

	for_each_possible_cpu(cpu)
		kmprof_sampler_seed_cpu(per_cpu_ptr(prof->sampler.cpu, cpu),
					seed + cpu, rate);
}
EXPORT_SYMBOL_IF_KUNIT(kmprof_sampler_seed);

/**
 * kmprof_sampler_init() - reserve and seed the per-CPU state.
 * @sampler: the sampler to set up.
 * @rate: the initial rate.
 *
 * Context: process context; may sleep.
 * Return: 0 or -ENOMEM.
 */
int kmprof_sampler_init(struct kmprof_sampler *sampler, unsigned long rate)
{
	int cpu;

	sampler->cpu = alloc_percpu(struct kmprof_sampler_cpu);
	if (!sampler->cpu)
		return -ENOMEM;
	sampler->rate = min(rate, KMPROF_RATE_MAX);
	for_each_possible_cpu(cpu)
		kmprof_sampler_seed_cpu(per_cpu_ptr(sampler->cpu, cpu),
					get_random_u64(), sampler->rate);
	return 0;
}

/**
 * kmprof_sampler_free() - release the per-CPU state.
 * @sampler: the sampler, no longer in use.
 *
 * Context: process context.
 */
void kmprof_sampler_free(struct kmprof_sampler *sampler)
{
	free_percpu(sampler->cpu);
	sampler->cpu = NULL;
}
