/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kmprof - declarations shared between the module's files.
 */
#ifndef KMPROF_INTERNAL_H
#define KMPROF_INTERNAL_H

#include <linux/jump_label.h>
#include <linux/percpu.h>
#include <linux/rcupdate.h>

#include <kmprof.h>

#include "profile.h"
#include "testing.h"

struct seq_file;

/**
 * struct kmprof_backend - a mechanism that feeds slab events to the profile.
 * @name: its name, as the backend= parameter spells it.
 * @arm: start calling the handlers. @max_depth is the deepest stack they
 *	save; with @floor they return at once (a measurement aid). Called
 *	once the profile is published: from the first call of a handler to
 *	the return of @disarm, kmprof_live_profile() is never NULL, and the
 *	handlers record into it without testing. A handler runs only once
 *	everything it reads of the backend's own state is set. Process
 *	context. Returns 0, or a negative errno with nothing armed.
 * @disarm: stop calling the handlers; on return none is running (then the
 *	profile is unpublished). Process context, and only when armed.
 * @show: print one line per entry point to the "probes" file, as
 *	include/kmprof.h describes it. Process context.
 * @missed: the events the mechanism dropped since the module was loaded.
 *	Process context, under kmprof_control_mutex.
 * @alloc_hits: the allocation calls its handlers saw since the module was
 *	loaded, each counted once (the "events" of the stats file). Any
 *	context.
 *
 * The profile core does not know which backend feeds it: each one saves
 * the stack of a sampled allocation starting at the allocator's entry
 * point, and reports every allocation and every free exactly once.
 */
struct kmprof_backend {
	const char *name;
	int (*arm)(unsigned int max_depth, bool floor);
	void (*disarm)(void);
	void (*show)(struct seq_file *m);
	void (*missed)(unsigned long *alloc_missed, unsigned long *free_missed);
	unsigned long (*alloc_hits)(void);
};

/* main.c: enabled at load by hits=1 */
DECLARE_STATIC_KEY_FALSE(kmprof_hits_counted);

/**
 * kmprof_hits_on() - do the handlers count their calls?
 *
 * Only with hits=1: a per-CPU increment on every slab event is a good part
 * of what the tracepoint backend costs, so it is left out by default. The
 * test is a no-op patched into a jump by hits=1.
 *
 * Context: any.
 * Return: true if the handlers count their calls.
 */
static __always_inline bool kmprof_hits_on(void)
{
	return static_branch_unlikely(&kmprof_hits_counted);
}

/**
 * kmprof_hit() - count one call of an entry point, if calls are counted.
 * @hits: the entry point's per-CPU counter (see kmprof_hits_sum()).
 *
 * Context: a probe handler (preemption disabled).
 */
static __always_inline void kmprof_hit(unsigned long __percpu *hits)
{
	if (kmprof_hits_on())
		this_cpu_inc(*hits);
}

/* control.c: the live profile and what controls it */
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

int kmprof_control_init(const struct kmprof_params *params,
			unsigned int autocycle_ms,
			const struct kmprof_backend *backend, bool floor);
int kmprof_control_start(void);
void kmprof_control_stop(void);
void kmprof_control_exit(void);
struct kmprof_profile *kmprof_control_lock(void);
void kmprof_control_unlock(void);
int kmprof_control_advance(void);
bool kmprof_control_enabled(void);
int kmprof_control_set_enabled(bool enabled);
int kmprof_control_set_rate(unsigned long rate);
int kmprof_control_reset(void);
void kmprof_control_show_probes(struct seq_file *m);
unsigned long kmprof_hits_sum(const unsigned long __percpu *hits);
void kmprof_show_entry_point(struct seq_file *m, const char *system,
			     const char *name, const char *role,
			     const char *state, unsigned long hits,
			     unsigned long missed);
void kmprof_control_show_events(struct seq_file *m);
void kmprof_control_show_backend(struct seq_file *m);

/* probes.c: kprobes on the slab entry points */
extern const struct kmprof_backend kmprof_kprobe_backend;
int kmprof_kprobes_arm(unsigned int max_depth, bool floor, bool untraced_only);
void kmprof_kprobes_disarm(void);
void kmprof_kprobes_show(struct seq_file *m);
void kmprof_kprobes_missed(unsigned long *alloc_missed,
			   unsigned long *free_missed);
unsigned long kmprof_kprobes_alloc_hits(void);
void kmprof_function_extent(unsigned long addr, unsigned long *start,
			    unsigned long *end);

/* tracepoints.c: the kernel's kmem tracepoints */
/**
 * enum kmprof_tp_mode - what the probes attached to the tracepoints do.
 * @KMPROF_TP_RECORD: the tracepoint backend: sample and record.
 * @KMPROF_TP_REUSE: the kprobe backend: on allocations, only retire the
 *	stale entry of a sampled object whose free was missed.
 * @KMPROF_TP_MODES: the number of modes.
 */
enum kmprof_tp_mode {
	KMPROF_TP_RECORD,
	KMPROF_TP_REUSE,
	KMPROF_TP_MODES
};

extern const struct kmprof_backend kmprof_tracepoint_backend;
int kmprof_tracepoints_arm(unsigned int max_depth, enum kmprof_tp_mode mode,
			   bool floor, bool required);
void kmprof_tracepoints_disarm(void);
void kmprof_tracepoints_show(struct seq_file *m);

/* heap.c: the "heap" file */
struct file;
struct inode;
int kmprof_heap_open(struct inode *inode, struct file *file);
int kmprof_heap_release(struct inode *inode, struct file *file);

/* debugfs.c: /sys/kernel/debug/kmprof */
/* Longest token any control file accepts, with its NUL: a u64 in decimal. */
#define KMPROF_WRITE_MAX	24
int kmprof_write_token(const char __user *ubuf, size_t count, char *buf,
		       char **token);
int kmprof_debugfs_init(void);
void kmprof_debugfs_exit(void);

#endif /* KMPROF_INTERNAL_H */
