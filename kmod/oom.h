/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kmprof - the profile at OOM (oom.c): a report of the sites with the
 * most memory in use, printed when the kernel runs out of memory.
 */
#ifndef KMPROF_OOM_H
#define KMPROF_OOM_H

#include <linux/types.h>

#include "profile.h"

struct seq_file;

/* The longest line of a report kept whole; longer ones are cut. */
#define KMPROF_OOM_LINE_MAX	192

/**
 * struct kmprof_oom_site - one site of the report.
 * @bytes: its estimated bytes in use.
 * @objects: its estimated objects in use.
 * @size_class: the bucket's size class.
 * @allocator: the allocator it comes from.
 * @stack: the bucket's stack, valid while its profile lives.
 * @depth: entries in @stack.
 */
struct kmprof_oom_site {
	u64 bytes;
	u64 objects;
	size_t size_class;
	enum kmprof_allocator allocator;
	const unsigned long *stack;
	unsigned int depth;
};

int kmprof_oom_init(unsigned int capacity);
void kmprof_oom_exit(void);
void kmprof_oom_forget_locked(void);
int kmprof_oom_show(struct seq_file *m, void *unused);
u64 kmprof_unbias(u64 value, size_t size, unsigned long rate);
unsigned int kmprof_oom_rank(struct kmprof_profile *prof,
			     struct kmprof_oom_site *sites,
			     unsigned int capacity,
			     struct kmprof_cycle_info *info);

#endif /* KMPROF_OOM_H */
