/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kmprof - the record path's inlines, the checks that run on every
 * allocator event in the backends' handlers: the sampler's countdown and
 * the object map's prefilter (both in core.h). Their rare outcomes (a
 * sample, a possibly sampled free or reused address) call into the core
 * out of line.
 *
 * For the backends and the KUnit suites.
 */
#ifndef KMPROF_RECORD_H
#define KMPROF_RECORD_H

#include <linux/compiler.h>
#include <linux/percpu.h>

#include "core.h"

/*
 * The most bytes one allocation counts down: more than any allocation can
 * succeed with, little enough that four nested contexts (task, softirq,
 * hardirq, NMI) each counting it down cannot overflow the countdown.
 */
#define KMPROF_SIZE_CLAMP	(LONG_MAX >> 4)

/**
 * kmprof_sample_due() - count an allocation down; has the countdown run out?
 * @prof: the profile.
 * @size: bytes allocated.
 *
 * One per-CPU subtraction, atomic against interrupts on this CPU; the rate
 * is not read (the countdown carries rates 0 and 1, see sampler.c). A
 * caller that gets true must call kmprof_sample_draw(), which decides.
 * A size above KMPROF_SIZE_CLAMP (a failed kmalloc() of a negative int)
 * counts as KMPROF_SIZE_CLAMP: it must lower the signed countdown, never
 * raise it.
 *
 * Context: any context but NMI, with preemption disabled (a probe handler).
 * Return: true if kmprof_sample_draw() is to decide.
 */
static inline bool kmprof_sample_due(struct kmprof_profile *prof, size_t size)
{
	long bytes = min_t(size_t, size, KMPROF_SIZE_CLAMP);

	return unlikely(this_cpu_sub_return(prof->sampler.cpu->countdown,
					    bytes) <= 0);
}

/**
 * kmprof_sample_any_due() - may one of several allocations be sampled?
 * @prof: the profile.
 * @bytes: their bytes, summed.
 *
 * When the countdown does not run out over @bytes, none of them would be
 * sampled one by one: they are counted down at once. Otherwise the
 * countdown is left as it was, for kmprof_sample() on each.
 *
 * Context: any context but NMI, with preemption disabled (a probe handler).
 * Return: false if none of them is to be sampled.
 */
static inline bool kmprof_sample_any_due(struct kmprof_profile *prof,
					 size_t bytes)
{
	if (!kmprof_sample_due(prof, bytes))
		return false;
	this_cpu_add(prof->sampler.cpu->countdown,
		     min_t(size_t, bytes, KMPROF_SIZE_CLAMP));
	return true;
}

/**
 * kmprof_sample() - decide whether to sample an allocation.
 * @prof: the profile.
 * @size: bytes allocated.
 *
 * kmprof_sample_due(), then, when the countdown ran out,
 * kmprof_sample_draw().
 *
 * Context: any context but NMI, with preemption disabled (a probe handler).
 * Return: true if the allocation is to be recorded.
 */
static inline bool kmprof_sample(struct kmprof_profile *prof, size_t size)
{
	return kmprof_sample_due(prof, size) && kmprof_sample_draw(prof, size);
}

/* profile.c */
void kmprof_record_free_mapped(struct kmprof_profile *prof,
			       unsigned long addr);
void kmprof_record_reuse_mapped(struct kmprof_profile *prof,
				unsigned long addr);

/**
 * kmprof_record_free() - record the free of any slab object.
 * @prof: the profile.
 * @addr: the object being freed.
 *
 * Called on every free: the common case, an object never sampled, reads
 * one word of the prefilter and returns.
 *
 * Context: any context but NMI; never sleeps, never allocates. Takes
 * objects.lock and cycles.lock only if the prefilter cannot rule @addr out.
 */
static inline void kmprof_record_free(struct kmprof_profile *prof,
				      unsigned long addr)
{
	if (likely(!kmprof_objmap_may_contain(&prof->objects, addr)))
		return;
	kmprof_record_free_mapped(prof, addr);
}

/**
 * kmprof_record_reuse() - note an allocation that was not sampled.
 * @prof: the profile.
 * @addr: the object just allocated, or NULL or an ERR_PTR() (never
 *	mapped, so the prefilter rules them out or the map has no entry).
 *
 * An address still in the object map is one whose free was missed: every
 * backend calls this for every allocation it sees the address of and does
 * not sample, so that a stale entry is retired as soon as its address is
 * handed out again. The common case reads one word of the prefilter.
 *
 * Context: any context but NMI; never sleeps, never allocates. Takes
 * objects.lock and cycles.lock only if the prefilter cannot rule @addr out.
 */
static inline void kmprof_record_reuse(struct kmprof_profile *prof,
				       unsigned long addr)
{
	if (likely(!kmprof_objmap_may_contain(&prof->objects, addr)))
		return;
	kmprof_record_reuse_mapped(prof, addr);
}

#endif /* KMPROF_RECORD_H */
