/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kmprof - the backend layer: what feeds the profile, and what every
 * backend shares (backend.c). A backend is a table of entry points (kernel
 * functions or tracepoints) and a handler per kind of entry point; adding
 * an allocator source to a backend is a table entry and a handler.
 *
 * For kprobe.c, tracepoint.c, the control (control.c) and the output
 * (report.c).
 */
#ifndef KMPROF_BACKEND_H
#define KMPROF_BACKEND_H

#include <linux/align.h>
#include <linux/cpumask.h>
#include <linux/err.h>
#include <linux/jump_label.h>
#include <linux/mmzone.h>
#include <linux/percpu.h>
#include <linux/slab.h>
#include <linux/types.h>

#include <kmprof.h>

struct kmprof_profile;

/**
 * enum kmprof_probe_state - where an entry point stands.
 * @KMPROF_PROBE_UNUSED: the backend as armed does not use it (not listed).
 * @KMPROF_PROBE_REGISTERED: registered, its handler not running yet.
 * @KMPROF_PROBE_ARMED: its handler runs.
 * @KMPROF_PROBE_DISARMED: it ran, and was unregistered.
 * @KMPROF_PROBE_ABSENT: this kernel does not have it.
 * @KMPROF_PROBE_FAILED: it exists but could not be registered.
 * @KMPROF_PROBE_STATES: the number of states.
 */
enum kmprof_probe_state {
	KMPROF_PROBE_UNUSED,
	KMPROF_PROBE_REGISTERED,
	KMPROF_PROBE_ARMED,
	KMPROF_PROBE_DISARMED,
	KMPROF_PROBE_ABSENT,
	KMPROF_PROBE_FAILED,
	KMPROF_PROBE_STATES
};

/**
 * enum kmprof_probe_role - what an entry point reports to the profile.
 * @KMPROF_ROLE_ALLOC: allocations.
 * @KMPROF_ROLE_FREE: frees.
 * @KMPROF_ROLE_REUSE: only the addresses of allocations, to retire the
 *	object map's stale entries (kmprof_record_reuse()).
 * @KMPROF_ROLES: the number of roles.
 */
enum kmprof_probe_role {
	KMPROF_ROLE_ALLOC,
	KMPROF_ROLE_FREE,
	KMPROF_ROLE_REUSE,
	KMPROF_ROLES
};

/**
 * struct kmprof_entry_point - one line of the probes file.
 * @system: "kmem:" or "percpu:" for a tracepoint, "" for a function.
 * @name: the function or event.
 * @allocator: the allocator it serves (the page allocator's serve
 *	KMPROF_USER too).
 * @role: what it reports.
 * @state: where it stands; never KMPROF_PROBE_UNUSED.
 * @hits: its calls, if counted (hits=1).
 * @missed: the calls its mechanism dropped since the load.
 */
struct kmprof_entry_point {
	const char *system;
	const char *name;
	enum kmprof_allocator allocator;
	enum kmprof_probe_role role;
	enum kmprof_probe_state state;
	unsigned long hits;
	unsigned long missed;
};

/* Called for each entry point a backend lists; process context. */
typedef void (*kmprof_entry_fn)(void *arg,
				const struct kmprof_entry_point *entry);

/**
 * struct kmprof_arming - how a backend's handlers are armed.
 * @max_depth: the deepest stack they save.
 * @floor: they return at once (a measurement aid: what the mechanism alone
 *	costs).
 * @sources: the allocators they record, BIT(enum kmprof_allocator) each;
 *	entry points of the others are not attached.
 */
struct kmprof_arming {
	unsigned int max_depth;
	bool floor;
	unsigned int sources;
};

/**
 * struct kmprof_layer - one mechanism a backend is made of: a set of entry
 * points attached together (kprobes on functions, or tracepoints).
 * @arm: attach the handlers, as @how says. A handler runs only once
 *	everything it reads of the layer's own state is set. Returns 0, or
 *	a negative errno with nothing attached.
 * @disarm: detach them; on return none is running.
 * @walk: call a function for each entry point in use, for the probes file.
 * @variant: what @arm attaches: an enum kmprof_kprobes_variant for the
 *	kprobes, an enum kmprof_tp_mode for the tracepoints.
 *
 * All three run in process context, under kmprof_control_mutex.
 */
struct kmprof_layer {
	int (*arm)(const struct kmprof_layer *layer,
		   const struct kmprof_arming *how);
	void (*disarm)(void);
	void (*walk)(kmprof_entry_fn fn, void *arg);
	unsigned int variant;
};

/**
 * enum kmprof_kprobes_variant - which entry points the kprobes layer arms.
 * @KMPROF_KPROBES_ALL: every one (the kprobe backend).
 * @KMPROF_KPROBES_UNTRACED: those that emit no kmem tracepoint, the bulk
 *	calls (the tracepoint backend's complement).
 */
enum kmprof_kprobes_variant {
	KMPROF_KPROBES_ALL,
	KMPROF_KPROBES_UNTRACED,
};

/**
 * enum kmprof_tp_mode - what the probes attached to the tracepoints do.
 * @KMPROF_TP_RECORD: the tracepoint backend: sample and record; every
 *	tracepoint must exist.
 * @KMPROF_TP_REUSE: the kprobe backend: on allocations, only retire the
 *	stale entry of a sampled object whose free was missed; a kernel
 *	without the tracepoints goes without.
 * @KMPROF_TP_MODES: the number of modes.
 */
enum kmprof_tp_mode {
	KMPROF_TP_RECORD,
	KMPROF_TP_REUSE,
	KMPROF_TP_MODES
};

/**
 * struct kmprof_backend - what feeds allocator events to the profile.
 * @name: its name, as the backend= parameter spells it.
 * @layers: the mechanisms it is made of, armed in this order and disarmed
 *	in the reverse one (kmprof_backend_arm()). Armed once the profile is
 *	published: from the first call of a handler to the return of
 *	kmprof_backend_disarm(), kmprof_live_profile() is never NULL, and the
 *	handlers record into it without testing.
 * @nr_layers: entries in @layers.
 * @missed: the events the mechanisms dropped since the module was loaded.
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
	const struct kmprof_layer *const *layers;
	unsigned int nr_layers;
	void (*missed)(unsigned long *alloc_missed, unsigned long *free_missed);
	unsigned long (*alloc_hits)(void);
};

/* backend.c */
const struct kmprof_backend *kmprof_backend_find(const char *name);
int kmprof_backend_arm(const struct kmprof_backend *backend,
		       const struct kmprof_arming *how);
extern const char *const kmprof_allocator_names[KMPROF_ALLOCATORS];
void kmprof_backend_disarm(const struct kmprof_backend *backend);
void kmprof_backend_walk(const struct kmprof_backend *backend,
			 kmprof_entry_fn fn, void *arg);
extern const char *const kmprof_probe_state_names[KMPROF_PROBE_STATES];
extern const char *const kmprof_probe_role_names[KMPROF_ROLES];
DECLARE_STATIC_KEY_FALSE(kmprof_hits_counted);
DECLARE_STATIC_KEY_FALSE(kmprof_frees_missed);
unsigned long kmprof_hits_sum(const unsigned long __percpu *hits);
void kmprof_function_extent(unsigned long addr, unsigned long *start,
			    unsigned long *end);
unsigned int kmprof_stack_save(unsigned long *buf, unsigned int max_depth,
			       unsigned int slack,
			       bool (*above)(unsigned long frame,
					     const void *arg),
			       const void *arg, unsigned long **stack);
void kmprof_backing_prepare(void);
bool kmprof_stack_backs_allocator(const unsigned long *stack,
				  unsigned int depth);

/**
 * kmprof_source_wanted() - is an entry point of an allocator to be armed?
 * @sources: the allocators recorded, BIT(enum kmprof_allocator) each.
 * @allocator: the entry point's; the page allocator's serve KMPROF_USER
 *	too.
 *
 * Context: any.
 * Return: true if @sources needs it.
 */
static inline bool kmprof_source_wanted(unsigned int sources,
					enum kmprof_allocator allocator)
{
	if (allocator == KMPROF_PAGE)
		return sources & (BIT(KMPROF_PAGE) | BIT(KMPROF_USER));
	return sources & BIT(allocator);
}

/**
 * kmprof_percpu_sizes() - what a percpu area weighs, in both backends.
 * @size: the size asked for, on one CPU.
 * @req_size: set to @size on every possible CPU.
 * @alloc_size: set to @size in the allocator's units (PCPU_MIN_ALLOC_SIZE)
 *	on every possible CPU, as the percpu allocator charges it.
 *
 * Context: any.
 */
static inline void kmprof_percpu_sizes(size_t size, size_t *req_size,
				       size_t *alloc_size)
{
	*req_size = size * num_possible_cpus();
	*alloc_size = ALIGN(size, PCPU_MIN_ALLOC_SIZE) * num_possible_cpus();
}

/**
 * kmprof_page_allocator() - the allocator a page allocation counts for.
 * @migratetype: its migrate type.
 *
 * Movable pages are user memory and the page cache (KMPROF_USER); the
 * others are the kernel's own (KMPROF_PAGE).
 *
 * Context: any.
 * Return: KMPROF_USER or KMPROF_PAGE.
 */
static inline enum kmprof_allocator kmprof_page_allocator(int migratetype)
{
	return migratetype == MIGRATE_MOVABLE ? KMPROF_USER : KMPROF_PAGE;
}

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

/**
 * kmprof_frees_may_be_missed() - may a sampled object's free have gone
 * unseen, so that unsampled allocations must look for stale entries?
 *
 * A kprobe backend misses frees all the time (nested hits), and its reuse
 * tracepoints look at every allocation whatever this says. The tracepoint
 * backend sees every free through its tracepoints: the check on its
 * unsampled path (kmprof_record_reuse()) is a no-op, patched into a jump
 * once the control finds a free may have been missed (kmprof_frees_missed:
 * its bulk kprobes missed one, or it was disabled with objects mapped).
 *
 * Context: any.
 * Return: true if unsampled allocations must check for stale entries.
 */
static __always_inline bool kmprof_frees_may_be_missed(void)
{
	return static_branch_unlikely(&kmprof_frees_missed);
}

/**
 * kmprof_is_object() - is what an allocator returned an object?
 * @ptr: the pointer.
 *
 * NULL, ZERO_SIZE_PTR and ERR_PTR() values are not.
 *
 * Context: any.
 * Return: true if @ptr is an object.
 */
static inline bool kmprof_is_object(const void *ptr)
{
	return !ZERO_OR_NULL_PTR(ptr) && !IS_ERR(ptr);
}

/* kprobe.c: kprobes on the entry points */
int kmprof_kprobes_arm(const struct kmprof_layer *layer,
		       const struct kmprof_arming *how);
void kmprof_kprobes_disarm(void);
void kmprof_kprobes_walk(kmprof_entry_fn fn, void *arg);
void kmprof_kprobes_missed(unsigned long *alloc_missed,
			   unsigned long *free_missed);
unsigned long kmprof_kprobes_alloc_hits(void);

/* tracepoint.c: the kmem tracepoints */
int kmprof_tracepoints_arm(const struct kmprof_layer *layer,
			   const struct kmprof_arming *how);
void kmprof_tracepoints_disarm(void);
void kmprof_tracepoints_walk(kmprof_entry_fn fn, void *arg);
unsigned long kmprof_tracepoints_alloc_hits(void);

#endif /* KMPROF_BACKEND_H */
