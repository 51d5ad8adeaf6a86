// SPDX-License-Identifier: GPL-2.0
/*
 * kmprof - the stack of a sampled allocation.
 */

#include <linux/stacktrace.h>

#include "core.h"

/**
 * kmprof_stack_capture() - save the current kernel stack.
 * @entries: where to store return addresses, innermost first.
 * @max_entries: capacity of @entries, at most KMPROF_MAX_DEPTH_LIMIT.
 * @skip: innermost frames to leave out (the profiler's own).
 *
 * Frames below the entry into an interrupt are cut, as stack depot does,
 * so that whatever an interrupt happened to land on does not split one
 * allocation site into many buckets.
 *
 * Context: any; uses no lock and no memory but @entries.
 * Return: the number of entries stored.
 */
unsigned int kmprof_stack_capture(unsigned long *entries,
				  unsigned int max_entries, unsigned int skip)
{
	unsigned int depth = stack_trace_save(entries, max_entries, skip);

	return filter_irq_stacks(entries, depth);
}
EXPORT_SYMBOL_IF_KUNIT(kmprof_stack_capture);
