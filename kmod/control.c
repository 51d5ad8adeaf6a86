// SPDX-License-Identifier: GPL-2.0
/*
 * kmprof - the module's one live profile and what controls it: enable,
 * reset, rate, cycle advances, the flush work and the periodic advance.
 */

/**
 * DOC: locking
 *
 * The module's control layer adds a mutex and an RCU-protected pointer
 * above the profile's own locks:
 *
 * - ``kmprof_control_mutex`` protects kmprof_profile (which profile the
 *   module owns), kmprof_enabled (which is also whether the backend is
 *   armed), kmprof_stopped, kmprof_disabled_by_warn, kmprof_events_base
 *   and kmprof_params. Taken in process context only: debugfs file
 *   operations, the flush and fail-safe work, module init and exit. A
 *   holder may flush, which takes the profile's cycles.flush_mutex inside
 *   it, and may arm or disarm the backend.
 * - ``kmprof_live`` is the profile the probe handlers and the periodic
 *   advance record into, or NULL while profiling is off; never NULL while
 *   the backend is armed. Written under kmprof_control_mutex with
 *   rcu_assign_pointer(); read with rcu_dereference_sched() from probe
 *   handlers (preemption off) and the timer (softirq). A profile taken out
 *   of kmprof_live is destroyed only after synchronize_rcu(), which waits
 *   for both kinds of reader.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/bits.h>
#include <linux/err.h>
#include <linux/jiffies.h>
#include <linux/mutex.h>
#include <linux/percpu.h>
#include <linux/rcupdate.h>
#include <linux/timer.h>
#include <linux/workqueue.h>

#include "backend.h"
#include "control.h"
#include "oom.h"

static DEFINE_MUTEX(kmprof_control_mutex);
static struct kmprof_profile *kmprof_profile;	/* kmprof_control_mutex */
static struct kmprof_params kmprof_params;	/* kmprof_control_mutex */
static bool kmprof_enabled;			/* kmprof_control_mutex */
static bool kmprof_stopped;			/* kmprof_control_mutex */
/* The fail-safe disarmed the backend; enable or reset clear it. */
static bool kmprof_disabled_by_warn;		/* kmprof_control_mutex */
/* The backend's allocation hits when the profile was created. */
static unsigned long kmprof_events_base;	/* kmprof_control_mutex */
struct kmprof_profile __rcu *kmprof_live;

/* What feeds the profile, and how; set once at init. */
static const struct kmprof_backend *kmprof_backend;
static struct kmprof_arming kmprof_arming;

static unsigned int kmprof_autocycle_ms;	/* set once at init */
static bool kmprof_autocycle_stopping;		/* WRITE_ONCE at exit */
static struct timer_list kmprof_autocycle_timer;

static void kmprof_flush_fn(struct work_struct *work);
static DECLARE_WORK(kmprof_flush_work, kmprof_flush_fn);
static void kmprof_broken_work_fn(struct work_struct *work);
static DECLARE_WORK(kmprof_broken_work, kmprof_broken_work_fn);

static int kmprof_set_enabled_locked(bool enabled);

/*
 * From now on every allocation whose address the backend sees looks for a
 * stale entry (kmprof_frees_may_be_missed()): a free may have gone unseen.
 * Called once it may, before the allocation that reuses the address can be
 * seen, or late (a backend's misses are noticed at the next flush): then a
 * stale entry is retired by the next free of its address, or its next
 * reuse.
 */
static void kmprof_frees_missed_locked(void)
{
	lockdep_assert_held(&kmprof_control_mutex);
	if (!static_key_enabled(&kmprof_frees_missed))
		static_branch_enable(&kmprof_frees_missed);
}

/*
 * Publish the closed cycles: process context, in bounded batches. And
 * notice frees the backend missed.
 */
static void kmprof_flush_fn(struct work_struct *work)
{
	unsigned long alloc_missed, free_missed;

	mutex_lock(&kmprof_control_mutex);
	kmprof_cycle_flush(kmprof_profile);
	kmprof_backend->missed(&alloc_missed, &free_missed);
	if (free_missed)
		kmprof_frees_missed_locked();
	mutex_unlock(&kmprof_control_mutex);
}

/*
 * The fail-safe: the live profile found one of its invariants broken and
 * warned. Disarm the backend, here in process context, unless the profile
 * was replaced meanwhile.
 */
static void kmprof_broken_work_fn(struct work_struct *work)
{
	mutex_lock(&kmprof_control_mutex);
	if (kmprof_enabled && kmprof_profile_is_broken(kmprof_profile)) {
		kmprof_set_enabled_locked(false);
		kmprof_disabled_by_warn = true;
		pr_err("the %s backend is disarmed; write 1 to reset or enable to resume\n",
		       kmprof_backend->name);
	}
	mutex_unlock(&kmprof_control_mutex);
}

/* A profile's on_broken: any context but NMI, so only queue the work. */
static void kmprof_profile_on_broken(struct kmprof_profile *prof)
{
	queue_work(system_unbound_wq, &kmprof_broken_work);
}

/*
 * The periodic advance runs in softirq context: it must not wait for a
 * flush, so a tick that finds the ring full is skipped and counted
 * (kmprof_cycle_advance() does both).
 */
static void kmprof_autocycle_fn(struct timer_list *timer)
{
	struct kmprof_profile *prof = kmprof_live_profile();

	if (prof && !kmprof_cycle_advance(prof))
		queue_work(system_unbound_wq, &kmprof_flush_work);
	if (!READ_ONCE(kmprof_autocycle_stopping))
		mod_timer(timer, jiffies + msecs_to_jiffies(kmprof_autocycle_ms));
}

static void kmprof_set_live_locked(bool enabled)
{
	lockdep_assert_held(&kmprof_control_mutex);
	kmprof_enabled = enabled;
	rcu_assign_pointer(kmprof_live, enabled ? kmprof_profile : NULL);
	/* No handler still records into a profile it should not. */
	synchronize_rcu();
}

/*
 * Profiling on publishes the profile, then arms the backend; off disarms it,
 * then unpublishes the profile: a disabled kmprof costs the allocator
 * nothing, and a handler never finds kmprof_live NULL (see struct
 * kmprof_backend), so it does not test it.
 */
static int kmprof_set_enabled_locked(bool enabled)
{
	int ret;

	lockdep_assert_held(&kmprof_control_mutex);
	if (enabled)
		kmprof_disabled_by_warn = false;
	if (enabled == kmprof_enabled)
		return 0;
	if (enabled && kmprof_stopped)	/* the module is going away */
		return -ENODEV;
	if (enabled) {
		/* Frees of the objects mapped went unseen while disabled. */
		if (kmprof_profile_objects(kmprof_profile))
			kmprof_frees_missed_locked();
		kmprof_set_live_locked(true);
		ret = kmprof_backend_arm(kmprof_backend, &kmprof_arming);
		if (ret) {
			kmprof_set_live_locked(false);
			return ret;
		}
	} else {
		kmprof_backend_disarm(kmprof_backend);
		kmprof_set_live_locked(false);
	}
	return 0;
}

/**
 * kmprof_control_init() - create the live profile, not yet enabled.
 * @params: validated parameters.
 * @autocycle_ms: period of the automatic advance, 0 for none.
 * @backend: what feeds the profile.
 * @floor: arm @backend with handlers that return at once (benchmarks).
 * @sources: the allocators it records, BIT(enum kmprof_allocator) each.
 *
 * Context: process context, module init.
 * Return: 0 or a negative errno.
 */
int kmprof_control_init(const struct kmprof_params *params,
			unsigned int autocycle_ms,
			const struct kmprof_backend *backend, bool floor,
			unsigned int sources)
{
	struct kmprof_profile *prof =
		kmprof_profile_create(params, kmprof_profile_on_broken);

	if (IS_ERR(prof)) {
		pr_err("cannot reserve the profile's memory: %ld\n",
		       PTR_ERR(prof));
		return PTR_ERR(prof);
	}
	kmprof_profile = prof;
	kmprof_params = *params;
	kmprof_autocycle_ms = autocycle_ms;
	kmprof_backend = backend;
	kmprof_arming.max_depth = params->max_depth;
	kmprof_arming.floor = floor;
	kmprof_arming.sources = sources;
	/* Their extents do not change while the module is loaded. */
	if (sources & (BIT(KMPROF_PAGE) | BIT(KMPROF_USER)))
		kmprof_backing_prepare();
	timer_setup(&kmprof_autocycle_timer, kmprof_autocycle_fn, 0);
	return 0;
}

/**
 * kmprof_control_start() - arm the backend, start profiling and the
 * periodic advance.
 *
 * Context: process context, module init.
 * Return: 0, or the backend's error (nothing started).
 */
int kmprof_control_start(void)
{
	int ret;

	mutex_lock(&kmprof_control_mutex);
	ret = kmprof_set_enabled_locked(true);
	mutex_unlock(&kmprof_control_mutex);
	if (!ret && kmprof_autocycle_ms)
		mod_timer(&kmprof_autocycle_timer,
			  jiffies + msecs_to_jiffies(kmprof_autocycle_ms));
	return ret;
}

/**
 * kmprof_control_stop() - stop profiling for good, once.
 *
 * On return no probe handler or timer records into the profile, and none
 * will: the periodic advance is stopped, kmprof_live is NULL and the
 * backend is disarmed.
 *
 * Context: process context, module exit or a failed init.
 */
void kmprof_control_stop(void)
{
	WRITE_ONCE(kmprof_autocycle_stopping, true);
	del_timer_sync(&kmprof_autocycle_timer);
	mutex_lock(&kmprof_control_mutex);
	kmprof_set_enabled_locked(false);
	kmprof_stopped = true;
	mutex_unlock(&kmprof_control_mutex);
}

/**
 * kmprof_control_exit() - free the profile.
 *
 * Context: process context, module exit, after kmprof_control_stop() and
 * the removal of the debugfs files: the flush work is the last user.
 */
void kmprof_control_exit(void)
{
	cancel_work_sync(&kmprof_flush_work);
	cancel_work_sync(&kmprof_broken_work);
	kmprof_profile_destroy(kmprof_profile);
	kmprof_profile = NULL;
}

/**
 * kmprof_control_lock() - hold the live profile for a reader.
 *
 * Context: process context; may sleep.
 * Return: the profile; valid until kmprof_control_unlock().
 */
struct kmprof_profile *kmprof_control_lock(void)
{
	mutex_lock(&kmprof_control_mutex);
	return kmprof_profile;
}

/**
 * kmprof_control_trylock() - kmprof_control_lock(), if the mutex is free.
 *
 * Context: process context.
 * Return: the profile, valid until kmprof_control_unlock(); NULL if the
 * mutex is held.
 */
struct kmprof_profile *kmprof_control_trylock(void)
{
	return mutex_trylock(&kmprof_control_mutex) ? kmprof_profile : NULL;
}

/**
 * kmprof_control_unlock() - release what kmprof_control_lock() returned.
 */
void kmprof_control_unlock(void)
{
	mutex_unlock(&kmprof_control_mutex);
}

/**
 * kmprof_control_advance() - close the current cycle and queue its flush.
 *
 * Waits for an older flush if the ring is full, so it never skips.
 * Returns after the advance, not after its flush.
 *
 * Context: process context; may sleep.
 * Return: 0, or -EIO if the profile is broken (see the fail-safe).
 */
int kmprof_control_advance(void)
{
	int ret;

	mutex_lock(&kmprof_control_mutex);
	ret = kmprof_cycle_advance_wait(kmprof_profile);
	mutex_unlock(&kmprof_control_mutex);
	if (!ret)
		queue_work(system_unbound_wq, &kmprof_flush_work);
	return ret;
}

/**
 * kmprof_control_set_enabled() - turn profiling on or off.
 * @enabled: the new state.
 *
 * Off disarms the backend: on return no handler runs, and the allocator
 * pays nothing for kmprof. On arms it again; buckets and objects sampled
 * before are kept, frees made while off are not seen (a sampled object's
 * entry is retired when its address is allocated again). On after the
 * fail-safe disarmed the backend resumes the same profile, which may warn
 * again.
 *
 * Context: process context; may sleep.
 * Return: 0, or the backend's error when arming fails (still off).
 */
int kmprof_control_set_enabled(bool enabled)
{
	int ret;

	mutex_lock(&kmprof_control_mutex);
	if (enabled)
		kmprof_profile_clear_broken(kmprof_profile);
	ret = kmprof_set_enabled_locked(enabled);
	mutex_unlock(&kmprof_control_mutex);
	return ret;
}

/*
 * Replace the live profile by a fresh one with kmprof_params; the old one
 * is freed once no handler can be using it. A backend the fail-safe
 * disarmed is armed again.
 */
static int kmprof_replace_profile_locked(void)
{
	struct kmprof_profile *fresh, *old;
	bool enable = kmprof_enabled || kmprof_disabled_by_warn;
	int ret;

	lockdep_assert_held(&kmprof_control_mutex);
	fresh = kmprof_profile_create(&kmprof_params, kmprof_profile_on_broken);
	if (IS_ERR(fresh))
		return PTR_ERR(fresh);
	old = kmprof_profile;
	kmprof_profile = fresh;
	kmprof_oom_forget_locked();
	/* Waits for every handler that may still hold @old. */
	kmprof_set_live_locked(kmprof_enabled);
	kmprof_events_base = kmprof_backend->alloc_hits();
	/* The flush work may run on @old no longer: it takes our mutex. */
	kmprof_profile_destroy(old);
	ret = kmprof_set_enabled_locked(enable);
	if (ret)
		pr_warn("cannot arm the %s backend again: %d\n",
			kmprof_backend->name, ret);
	return 0;
}

/**
 * kmprof_control_set_rate() - change the sampling rate: a new profile.
 * @rate: bytes, at most KMPROF_RATE_MAX.
 *
 * Counts sampled at two rates cannot be unbiased together, so a new rate
 * starts a new profile, as kmprof_control_reset() does: everything
 * recorded so far is dropped, and frees of objects sampled before are not
 * counted. Writing the current rate changes nothing.
 *
 * Context: process context; may sleep.
 * Return: 0, -EINVAL (nothing changed) or -ENOMEM (nothing changed).
 */
int kmprof_control_set_rate(unsigned long rate)
{
	unsigned long old_rate;
	int ret = 0;

	if (rate > KMPROF_RATE_MAX)
		return -EINVAL;
	mutex_lock(&kmprof_control_mutex);
	old_rate = kmprof_params.rate;
	if (rate != old_rate) {
		kmprof_params.rate = rate;
		ret = kmprof_replace_profile_locked();
		if (ret)
			kmprof_params.rate = old_rate;
	}
	mutex_unlock(&kmprof_control_mutex);
	return ret;
}

/**
 * kmprof_control_reset() - forget every bucket and object.
 *
 * A fresh profile with the same parameters replaces the live one. Frees of
 * objects sampled before the reset are not counted. After the fail-safe
 * disarmed the backend, a reset arms it again.
 *
 * Context: process context; may sleep.
 * Return: 0, or -ENOMEM (nothing changed).
 */
int kmprof_control_reset(void)
{
	int ret;

	mutex_lock(&kmprof_control_mutex);
	ret = kmprof_replace_profile_locked();
	mutex_unlock(&kmprof_control_mutex);
	return ret;
}

/**
 * kmprof_control_view_locked() - the control's state, for a reader.
 * @view: filled in.
 *
 * Context: process context, between kmprof_control_lock() and
 * kmprof_control_unlock(): everything read there is of one profile.
 */
void kmprof_control_view_locked(struct kmprof_control_view *view)
{
	lockdep_assert_held(&kmprof_control_mutex);
	view->backend = kmprof_backend;
	view->sources = kmprof_arming.sources;
	view->enabled = kmprof_enabled;
	view->disabled_by_warn = kmprof_disabled_by_warn;
	view->events = kmprof_backend->alloc_hits() - kmprof_events_base;
}
