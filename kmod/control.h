/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kmprof - the module's one live profile and what controls it (control.c):
 * for the backends (kmprof_live_profile()), the debugfs files and the
 * output layer, and module init and exit.
 */
#ifndef KMPROF_CONTROL_H
#define KMPROF_CONTROL_H

#include <linux/rcupdate.h>
#include <linux/types.h>

#include "profile.h"

struct kmprof_backend;

extern struct kmprof_profile __rcu *kmprof_live;

/**
 * kmprof_live_profile() - the profile to record into, if profiling is on.
 *
 * Context: preemption disabled (probe handlers, timers); the profile stays
 * valid until the caller enables preemption again.
 * Return: the profile, or NULL; never NULL in an armed backend's handler.
 */
static inline struct kmprof_profile *kmprof_live_profile(void)
{
	return rcu_dereference_sched(kmprof_live);
}

/**
 * struct kmprof_control_view - the control's state, as one reader sees it.
 * @backend: what feeds the profile.
 * @sources: the allocators it records, BIT(enum kmprof_allocator) each.
 * @enabled: the backend is armed.
 * @disabled_by_warn: the fail-safe disarmed it.
 * @events: allocations the backend saw since the profile was created
 *	(counted only with hits=1).
 */
struct kmprof_control_view {
	const struct kmprof_backend *backend;
	unsigned int sources;
	bool enabled;
	bool disabled_by_warn;
	unsigned long events;
};

int kmprof_control_init(const struct kmprof_params *params,
			unsigned int autocycle_ms,
			const struct kmprof_backend *backend, bool floor,
			unsigned int sources);
int kmprof_control_start(void);
void kmprof_control_stop(void);
void kmprof_control_exit(void);
struct kmprof_profile *kmprof_control_lock(void);
struct kmprof_profile *kmprof_control_trylock(void);
void kmprof_control_unlock(void);
void kmprof_control_view_locked(struct kmprof_control_view *view);
int kmprof_control_advance(void);
int kmprof_control_set_enabled(bool enabled);
int kmprof_control_set_rate(unsigned long rate);
int kmprof_control_reset(void);

#endif /* KMPROF_CONTROL_H */
