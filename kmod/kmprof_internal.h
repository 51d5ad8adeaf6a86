/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kmprof - declarations shared between the module's files.
 */
#ifndef KMPROF_INTERNAL_H
#define KMPROF_INTERNAL_H

#include <kmprof.h>

#include "profile.h"

struct seq_file;

/* control.c: the live profile and what controls it */
int kmprof_control_init(const struct kmprof_params *params,
			unsigned int autocycle_ms);
void kmprof_control_start(void);
void kmprof_control_stop(void);
void kmprof_control_exit(void);
struct kmprof_profile *kmprof_live_profile(void);
struct kmprof_profile *kmprof_control_lock(void);
void kmprof_control_unlock(void);
void kmprof_control_advance(void);
bool kmprof_control_enabled(void);
void kmprof_control_set_enabled(bool enabled);
int kmprof_control_set_rate(unsigned long rate);
int kmprof_control_reset(void);

/* probes.c: the slab entry points */
int kmprof_probes_arm(unsigned int max_depth, bool floor);
void kmprof_probes_disarm(void);
void kmprof_probes_show(struct seq_file *m);
void kmprof_probes_missed(unsigned long *alloc_missed,
			  unsigned long *free_missed);

/* heap.c: the "heap" file */
int kmprof_heap_show(struct seq_file *m, struct kmprof_profile *prof);

/* debugfs.c: /sys/kernel/debug/kmprof */
int kmprof_debugfs_init(void);
void kmprof_debugfs_exit(void);

#endif /* KMPROF_INTERNAL_H */
