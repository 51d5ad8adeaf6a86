// SPDX-License-Identifier: GPL-2.0
/*
 * kmprof - the tracepoint backend: the allocators' own tracepoints feed
 * the profile.
 *
 * The slab allocator emits kmem:kmalloc and kmem:kmem_cache_alloc after
 * every allocation of the kmalloc and kmem_cache_alloc families, kmem:kfree
 * and kmem:kmem_cache_free before every free; the page allocator
 * kmem:mm_page_alloc after every allocation but the bulk one, and
 * kmem:mm_page_free from free_pages_prepare(), which every free passes;
 * the percpu allocator percpu:percpu_alloc_percpu and percpu_free_percpu:
 * on 6.1 and 6.12 alike, with the same prototypes. A tracepoint probe is a
 * plain function call from inside the allocator, much cheaper than a
 * kprobe, and it is never dropped. The module attaches to them with
 * tracepoint_probe_register() after finding them with
 * for_each_kernel_tracepoint() (they are not exported). Only the events
 * of the sources= allocators are attached to.
 *
 * The kprobe backend attaches to the allocation events too, in mode
 * KMPROF_TP_REUSE: its kretprobes see the address of sampled allocations
 * only, and a sampled object whose free was missed must be retired when
 * its address is handed out again, sampled or not (kmprof_record_reuse()).
 *
 * What the tracepoints do not cover, kprobes do (kprobe.c, kmprof_kprobes_untraced):
 *  - kmem_cache_alloc_bulk() and kmem_cache_free_bulk() emit nothing; the
 *    kfree_rcu() batches free through kmem_cache_free_bulk();
 *  - vmalloc emits nothing with its size and caller;
 * and what they cover twice is counted once:
 *  - 6.10 and later: a large __kmalloc_noprof() (and its _node and
 *    _track_caller variants) calls the exported __kmalloc_large_node_noprof()
 *    which emits kmem:kmalloc, then emits its own for the same object. The
 *    inner one, whose call site lies inside one of those three functions,
 *    is left out.
 * krealloc(), kvmalloc() and kvfree() reach kmalloc and kfree, as with the
 * kprobes; so do kfree_sensitive() and the single kfree_rcu() fallback.
 *
 * Probes run with preemption disabled, inside the allocator: they never
 * sleep and never allocate. The stack of a sampled allocation is saved into
 * a per-CPU buffer, one per context level (task, softirq, hardirq, NMI), as
 * an interrupt may allocate while a probe of the interrupted level runs.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/err.h>
#include <linux/module.h>
#include <linux/percpu.h>
#include <linux/preempt.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/tracepoint.h>
#include <trace/events/kmem.h>
#include <trace/events/percpu.h>

#include "backend.h"
#include "control.h"
#include "record.h"

/* Frames of the profiler and of the tracepoint iterator above the stack. */
#define KMPROF_TP_STACK_SLACK	8
#define KMPROF_TP_STACK_MAX	(KMPROF_MAX_DEPTH_LIMIT + KMPROF_TP_STACK_SLACK)
/* Task, softirq, hardirq and NMI: see interrupt_context_level(). */
#define KMPROF_TP_LEVELS	4

enum kmprof_tp_id {
	KMPROF_TP_KMALLOC,
	KMPROF_TP_CACHE_ALLOC,
	KMPROF_TP_KFREE,
	KMPROF_TP_CACHE_FREE,
	KMPROF_TP_PAGE_ALLOC,
	KMPROF_TP_PAGE_FREE,
	KMPROF_TP_PERCPU_ALLOC,
	KMPROF_TP_PERCPU_FREE,
	KMPROF_NR_TPS
};

/**
 * struct kmprof_tp - one allocator tracepoint.
 * @system: its system and a colon, "kmem:" or "percpu:".
 * @event: its name in the system.
 * @allocator: the allocator it reports (the page allocator's report
 *	KMPROF_USER too).
 * @probes: kmprof's probe in each mode; NULL where the mode leaves the
 *	tracepoint alone.
 * @floor_probe: the empty one that replaces it with floor=1.
 * @is_alloc: reports allocations (else frees).
 * @tp: the kernel's tracepoint, once found.
 * @iter_start: the extent of the tracepoint's iterator, which calls the
 *	probes when more than one is attached: a frame there is left out of
 *	the stack.
 * @iter_end: see @iter_start.
 * @state: where it stands.
 *
 * Written by arm and disarm under kmprof_control_mutex; the probes read
 * @iter_start and @iter_end, set before the probe is registered.
 */
struct kmprof_tp {
	const char *system;
	const char *event;
	enum kmprof_allocator allocator;
	void *probes[KMPROF_TP_MODES];
	void *floor_probe;
	bool is_alloc;
	struct tracepoint *tp;
	unsigned long iter_start;
	unsigned long iter_end;
	enum kmprof_probe_state state;
};

static DEFINE_PER_CPU(unsigned long[KMPROF_NR_TPS], kmprof_tp_hits);
static DEFINE_PER_CPU(unsigned long[KMPROF_TP_LEVELS][KMPROF_TP_STACK_MAX],
		      kmprof_tp_stacks);

/* Set at arm time, before any probe is registered. */
static unsigned int kmprof_tp_depth;
static enum kmprof_tp_mode kmprof_tp_mode;	/* kmprof_control_mutex */
static bool kmprof_tp_floor;			/* kmprof_control_mutex */
static unsigned int kmprof_tp_sources;		/* kmprof_control_mutex */

/*
 * 6.10 and later: the functions a nested kmem:kmalloc comes from (see the
 * top of the file); they are exported, their extents found at arm time.
 */
static void *const kmprof_tp_nesting_fns[] = {
#ifdef alloc_hooks
	__kmalloc_noprof, __kmalloc_node_noprof,
	__kmalloc_node_track_caller_noprof,
#endif
	NULL	/* keeps the array from being empty; matches nothing */
};

#define KMPROF_TP_NR_NESTING	ARRAY_SIZE(kmprof_tp_nesting_fns)

static struct {
	unsigned long start;
	unsigned long end;
} kmprof_tp_nesting[KMPROF_TP_NR_NESTING];

static struct kmprof_tp kmprof_tps[KMPROF_NR_TPS];

static void kmprof_tp_hit(enum kmprof_tp_id id)
{
	kmprof_hit(&kmprof_tp_hits[id]);
}

/* Is @call_site inside a function that emits kmem:kmalloc itself? */
static bool kmprof_tp_nested(unsigned long call_site)
{
	unsigned int i;

	for (i = 0; i < KMPROF_TP_NR_NESTING; i++) {
		if (call_site >= kmprof_tp_nesting[i].start &&
		    call_site < kmprof_tp_nesting[i].end)
			return true;
	}
	return false;
}

/* A frame of this module or of the tracepoint's iterator. */
static bool kmprof_tp_above(unsigned long frame, const void *arg)
{
	const struct kmprof_tp *tpd = arg;

	return within_module(frame, THIS_MODULE) ||
	       (frame >= tpd->iter_start && frame < tpd->iter_end);
}

/*
 * Save the stack into this context level's buffer, starting at the
 * allocator's function that emitted @id.
 */
static unsigned int kmprof_tp_save_stack(enum kmprof_tp_id id,
					 unsigned long **stack)
{
	unsigned long *buf;

	buf = this_cpu_ptr(kmprof_tp_stacks)[interrupt_context_level()];
	return kmprof_stack_save(buf, kmprof_tp_depth, KMPROF_TP_STACK_SLACK,
				 kmprof_tp_above, &kmprof_tps[id], stack);
}

/*
 * A sampled allocation: its stack, into the profile. Rare: out of line. A
 * page allocation made for another allocator is that one's (see
 * kmprof_stack_backs_allocator()).
 */
static noinline void kmprof_tp_record(struct kmprof_profile *prof,
				      enum kmprof_tp_id id, const void *ptr,
				      size_t req_size, size_t alloc_size,
				      enum kmprof_allocator allocator)
{
	unsigned long *stack;
	unsigned int depth;

	if (!kmprof_sample_draw(prof, alloc_size)) {
		kmprof_record_reuse(prof, (unsigned long)ptr);
		return;
	}
	if (!kmprof_is_object(ptr))
		return;
	depth = kmprof_tp_save_stack(id, &stack);
	if ((allocator == KMPROF_PAGE || allocator == KMPROF_USER) &&
	    kmprof_stack_backs_allocator(stack, depth)) {
		kmprof_record_reuse(prof, (unsigned long)ptr);
		return;
	}
	kmprof_record_alloc(prof, (unsigned long)ptr, req_size, alloc_size,
			    allocator, stack, depth);
}

/*
 * Every allocation: inline in its probe, a few instructions when unsampled
 * (the countdown, and once a free may have been missed, the prefilter for
 * a stale entry at @ptr; the sampled path is one tail call, so the fast
 * path saves no register).
 */
static __always_inline void kmprof_tp_alloc(enum kmprof_tp_id id,
					    const void *ptr, size_t req_size,
					    size_t alloc_size,
					    enum kmprof_allocator allocator)
{
	struct kmprof_profile *prof = kmprof_live_profile();

	kmprof_tp_hit(id);
	/* Failed allocations count down too, as with kprobes: they are rare. */
	if (likely(!kmprof_sample_due(prof, alloc_size))) {
		if (kmprof_frees_may_be_missed())
			kmprof_record_reuse(prof, (unsigned long)ptr);
		return;
	}
	kmprof_tp_record(prof, id, ptr, req_size, alloc_size, allocator);
}

/* A kmalloc whose request is not a size class: ask for the class. */
static noinline void kmprof_tp_kmalloc_rounded(const void *ptr,
					       size_t bytes_req)
{
	kmprof_tp_alloc(KMPROF_TP_KMALLOC, ptr, bytes_req,
			kmalloc_size_roundup(bytes_req), KMPROF_SLAB);
}

static void kmprof_tp_kmalloc(void *data, unsigned long call_site,
			      const void *ptr, size_t bytes_req,
			      size_t bytes_alloc, gfp_t gfp_flags, int node)
{
	if (unlikely(bytes_req > KMALLOC_MAX_CACHE_SIZE) &&
	    kmprof_tp_nested(call_site))
		return;
	/*
	 * Record the size class, as the kprobe backend does. bytes_alloc is
	 * the slot, debug metadata included: the class lies between the
	 * request and the slot, so it is known at no cost when they are
	 * equal, and asked for otherwise.
	 */
	if (bytes_alloc != bytes_req)
		kmprof_tp_kmalloc_rounded(ptr, bytes_req);
	else
		kmprof_tp_alloc(KMPROF_TP_KMALLOC, ptr, bytes_req, bytes_req,
				KMPROF_SLAB);
}

static void kmprof_tp_cache_alloc(void *data, unsigned long call_site,
				  const void *ptr, struct kmem_cache *s,
				  gfp_t gfp_flags, int node)
{
	size_t size = kmem_cache_size(s);

	kmprof_tp_alloc(KMPROF_TP_CACHE_ALLOC, ptr, size, size, KMPROF_SLAB);
}

/*
 * Every page allocation but the bulk one (vmalloc's, whose pages are
 * vmalloc's anyway), from __alloc_pages(); the struct page is the object.
 * Movable pages are KMPROF_USER's, left alone unless that source is on.
 */
static void kmprof_tp_page_alloc(void *data, struct page *page,
				 unsigned int order, gfp_t gfp_flags,
				 int migratetype)
{
	enum kmprof_allocator allocator = kmprof_page_allocator(migratetype);

	if (!(kmprof_tp_sources & BIT(allocator)))
		return;
	kmprof_tp_alloc(KMPROF_TP_PAGE_ALLOC, page, PAGE_SIZE << order,
			PAGE_SIZE << order, allocator);
}

/* A percpu area weighs its size on every possible CPU. */
static void kmprof_tp_percpu_alloc(void *data, unsigned long call_site,
				   bool reserved, bool is_atomic, size_t size,
				   size_t align, void *base_addr, int off,
				   void __percpu *ptr, size_t bytes_alloc,
				   gfp_t gfp_flags)
{
	size_t req_size, alloc_size;

	kmprof_percpu_sizes(size, &req_size, &alloc_size);
	kmprof_tp_alloc(KMPROF_TP_PERCPU_ALLOC, (__force void *)ptr, req_size,
			alloc_size, KMPROF_PERCPU);
}

static __always_inline void kmprof_tp_free(enum kmprof_tp_id id,
					   const void *ptr)
{
	struct kmprof_profile *prof = kmprof_live_profile();

	kmprof_tp_hit(id);
	kmprof_record_free(prof, (unsigned long)ptr);
}

static void kmprof_tp_kfree(void *data, unsigned long call_site,
			    const void *ptr)
{
	kmprof_tp_free(KMPROF_TP_KFREE, ptr);
}

static void kmprof_tp_cache_free(void *data, unsigned long call_site,
				 const void *ptr, const struct kmem_cache *s)
{
	kmprof_tp_free(KMPROF_TP_CACHE_FREE, ptr);
}

/*
 * Every page free, batched or not, passes free_pages_prepare(), which
 * emits kmem:mm_page_free; kmem:mm_page_free_batched would count the
 * batched ones twice.
 */
static void kmprof_tp_page_free(void *data, struct page *page,
				unsigned int order)
{
	kmprof_tp_free(KMPROF_TP_PAGE_FREE, page);
}

static void kmprof_tp_percpu_free(void *data, void *base_addr, int off,
				  void __percpu *ptr)
{
	kmprof_tp_free(KMPROF_TP_PERCPU_FREE, (__force void *)ptr);
}

/* The kprobe backend's: every allocation's address, for stale entries. */
static void kmprof_tp_kmalloc_reuse(void *data, unsigned long call_site,
				    const void *ptr, size_t bytes_req,
				    size_t bytes_alloc, gfp_t gfp_flags,
				    int node)
{
	kmprof_tp_hit(KMPROF_TP_KMALLOC);
	kmprof_record_reuse(kmprof_live_profile(), (unsigned long)ptr);
}

static void kmprof_tp_cache_alloc_reuse(void *data, unsigned long call_site,
					const void *ptr, struct kmem_cache *s,
					gfp_t gfp_flags, int node)
{
	kmprof_tp_hit(KMPROF_TP_CACHE_ALLOC);
	kmprof_record_reuse(kmprof_live_profile(), (unsigned long)ptr);
}

static void kmprof_tp_page_alloc_reuse(void *data, struct page *page,
				       unsigned int order, gfp_t gfp_flags,
				       int migratetype)
{
	kmprof_tp_hit(KMPROF_TP_PAGE_ALLOC);
	kmprof_record_reuse(kmprof_live_profile(), (unsigned long)page);
}

static void kmprof_tp_percpu_alloc_reuse(void *data, unsigned long call_site,
					 bool reserved, bool is_atomic,
					 size_t size, size_t align,
					 void *base_addr, int off,
					 void __percpu *ptr, size_t bytes_alloc,
					 gfp_t gfp_flags)
{
	kmprof_tp_hit(KMPROF_TP_PERCPU_ALLOC);
	kmprof_record_reuse(kmprof_live_profile(), (__force unsigned long)ptr);
}

/* floor=1: what attaching to the tracepoints alone costs. */
static void kmprof_tp_kmalloc_floor(void *data, unsigned long call_site,
				    const void *ptr, size_t bytes_req,
				    size_t bytes_alloc, gfp_t gfp_flags,
				    int node)
{
}

static void kmprof_tp_cache_alloc_floor(void *data, unsigned long call_site,
					const void *ptr, struct kmem_cache *s,
					gfp_t gfp_flags, int node)
{
}

static void kmprof_tp_kfree_floor(void *data, unsigned long call_site,
				  const void *ptr)
{
}

static void kmprof_tp_cache_free_floor(void *data, unsigned long call_site,
				       const void *ptr,
				       const struct kmem_cache *s)
{
}

static void kmprof_tp_page_alloc_floor(void *data, struct page *page,
				       unsigned int order, gfp_t gfp_flags,
				       int migratetype)
{
}

static void kmprof_tp_page_free_floor(void *data, struct page *page,
				      unsigned int order)
{
}

static void kmprof_tp_percpu_alloc_floor(void *data, unsigned long call_site,
					 bool reserved, bool is_atomic,
					 size_t size, size_t align,
					 void *base_addr, int off,
					 void __percpu *ptr, size_t bytes_alloc,
					 gfp_t gfp_flags)
{
}

static void kmprof_tp_percpu_free_floor(void *data, void *base_addr, int off,
					void __percpu *ptr)
{
}

#define KMEM_TP(name, what)	.system = "kmem:", .event = name, \
				.allocator = what

static struct kmprof_tp kmprof_tps[KMPROF_NR_TPS] = {
	[KMPROF_TP_KMALLOC] = {
		KMEM_TP("kmalloc", KMPROF_SLAB), .is_alloc = true,
		.probes = {
			[KMPROF_TP_RECORD] = kmprof_tp_kmalloc,
			[KMPROF_TP_REUSE] = kmprof_tp_kmalloc_reuse,
		},
		.floor_probe = kmprof_tp_kmalloc_floor,
	},
	[KMPROF_TP_CACHE_ALLOC] = {
		KMEM_TP("kmem_cache_alloc", KMPROF_SLAB), .is_alloc = true,
		.probes = {
			[KMPROF_TP_RECORD] = kmprof_tp_cache_alloc,
			[KMPROF_TP_REUSE] = kmprof_tp_cache_alloc_reuse,
		},
		.floor_probe = kmprof_tp_cache_alloc_floor,
	},
	[KMPROF_TP_KFREE] = {
		KMEM_TP("kfree", KMPROF_SLAB),
		.probes = {
			[KMPROF_TP_RECORD] = kmprof_tp_kfree,
		},
		.floor_probe = kmprof_tp_kfree_floor,
	},
	[KMPROF_TP_CACHE_FREE] = {
		KMEM_TP("kmem_cache_free", KMPROF_SLAB),
		.probes = {
			[KMPROF_TP_RECORD] = kmprof_tp_cache_free,
		},
		.floor_probe = kmprof_tp_cache_free_floor,
	},
	[KMPROF_TP_PAGE_ALLOC] = {
		KMEM_TP("mm_page_alloc", KMPROF_PAGE), .is_alloc = true,
		.probes = {
			[KMPROF_TP_RECORD] = kmprof_tp_page_alloc,
			[KMPROF_TP_REUSE] = kmprof_tp_page_alloc_reuse,
		},
		.floor_probe = kmprof_tp_page_alloc_floor,
	},
	[KMPROF_TP_PAGE_FREE] = {
		KMEM_TP("mm_page_free", KMPROF_PAGE),
		.probes = {
			[KMPROF_TP_RECORD] = kmprof_tp_page_free,
		},
		.floor_probe = kmprof_tp_page_free_floor,
	},
	[KMPROF_TP_PERCPU_ALLOC] = {
		.system = "percpu:", .event = "percpu_alloc_percpu",
		.allocator = KMPROF_PERCPU, .is_alloc = true,
		.probes = {
			[KMPROF_TP_RECORD] = kmprof_tp_percpu_alloc,
			[KMPROF_TP_REUSE] = kmprof_tp_percpu_alloc_reuse,
		},
		.floor_probe = kmprof_tp_percpu_alloc_floor,
	},
	[KMPROF_TP_PERCPU_FREE] = {
		.system = "percpu:", .event = "percpu_free_percpu",
		.allocator = KMPROF_PERCPU,
		.probes = {
			[KMPROF_TP_RECORD] = kmprof_tp_percpu_free,
		},
		.floor_probe = kmprof_tp_percpu_free_floor,
	},
};

/* The probes' prototypes are the kernel's: checked, at no run-time cost. */
static void __maybe_unused kmprof_tp_check_prototypes(void)
{
	check_trace_callback_type_kmalloc(kmprof_tp_kmalloc);
	check_trace_callback_type_kmalloc(kmprof_tp_kmalloc_floor);
	check_trace_callback_type_kmalloc(kmprof_tp_kmalloc_reuse);
	check_trace_callback_type_kmem_cache_alloc(kmprof_tp_cache_alloc);
	check_trace_callback_type_kmem_cache_alloc(kmprof_tp_cache_alloc_floor);
	check_trace_callback_type_kmem_cache_alloc(kmprof_tp_cache_alloc_reuse);
	check_trace_callback_type_kfree(kmprof_tp_kfree);
	check_trace_callback_type_kfree(kmprof_tp_kfree_floor);
	check_trace_callback_type_kmem_cache_free(kmprof_tp_cache_free);
	check_trace_callback_type_kmem_cache_free(kmprof_tp_cache_free_floor);
	check_trace_callback_type_mm_page_alloc(kmprof_tp_page_alloc);
	check_trace_callback_type_mm_page_alloc(kmprof_tp_page_alloc_reuse);
	check_trace_callback_type_mm_page_alloc(kmprof_tp_page_alloc_floor);
	check_trace_callback_type_mm_page_free(kmprof_tp_page_free);
	check_trace_callback_type_mm_page_free(kmprof_tp_page_free_floor);
	check_trace_callback_type_percpu_alloc_percpu(kmprof_tp_percpu_alloc);
	check_trace_callback_type_percpu_alloc_percpu(kmprof_tp_percpu_alloc_reuse);
	check_trace_callback_type_percpu_alloc_percpu(kmprof_tp_percpu_alloc_floor);
	check_trace_callback_type_percpu_free_percpu(kmprof_tp_percpu_free);
	check_trace_callback_type_percpu_free_percpu(kmprof_tp_percpu_free_floor);
}

static void kmprof_tp_find(struct tracepoint *tp, void *unused)
{
	struct kmprof_tp *tpd;

	for (tpd = kmprof_tps; tpd < kmprof_tps + KMPROF_NR_TPS; tpd++) {
		if (!strcmp(tp->name, tpd->event))
			tpd->tp = tp;
	}
}

/* The probe of @tpd as armed; NULL if the mode leaves it alone. */
static void *kmprof_tp_probe(const struct kmprof_tp *tpd)
{
	if (!tpd->probes[kmprof_tp_mode])
		return NULL;
	return kmprof_tp_floor ? tpd->floor_probe : tpd->probes[kmprof_tp_mode];
}

/**
 * kmprof_tracepoints_disarm() - detach every probe attached.
 *
 * Context: process context, under kmprof_control_mutex. On return no probe
 * call is in flight.
 */
void kmprof_tracepoints_disarm(void)
{
	struct kmprof_tp *tpd;

	for (tpd = kmprof_tps; tpd < kmprof_tps + KMPROF_NR_TPS; tpd++) {
		if (tpd->state != KMPROF_PROBE_ARMED)
			continue;
		tracepoint_probe_unregister(tpd->tp, kmprof_tp_probe(tpd),
					    NULL);
		tpd->state = KMPROF_PROBE_DISARMED;
	}
	/* Waits for every probe call in flight. */
	tracepoint_synchronize_unregister();
}

/*
 * Find the kmem tracepoints and the extents the probes read (the nesting
 * functions', each tracepoint's iterator's): all of it before any probe is
 * attached.
 */
static void kmprof_tp_prepare(void)
{
	struct kmprof_tp *tpd;
	unsigned int i;

	for (i = 0; i < KMPROF_TP_NR_NESTING; i++) {
		if (kmprof_tp_nesting_fns[i])
			kmprof_function_extent((unsigned long)kmprof_tp_nesting_fns[i],
					       &kmprof_tp_nesting[i].start,
					       &kmprof_tp_nesting[i].end);
	}
	for_each_kernel_tracepoint(kmprof_tp_find, NULL);
	for (tpd = kmprof_tps; tpd < kmprof_tps + KMPROF_NR_TPS; tpd++) {
		if (tpd->tp && tpd->tp->iterator)
			kmprof_function_extent((unsigned long)tpd->tp->iterator,
					       &tpd->iter_start,
					       &tpd->iter_end);
	}
}

/**
 * kmprof_tracepoints_arm() - attach the probes of a mode.
 * @layer: the layer, whose variant is the mode (enum kmprof_tp_mode): what
 *	the probes do; in mode KMPROF_TP_RECORD every tracepoint must exist.
 * @how: the deepest stack the probes save, the sources whose tracepoints
 *	to attach to, and the floor: empty probes instead, on the same
 *	tracepoints (a measurement aid: what the mechanism alone costs).
 *
 * A tracepoint the mode or the sources leave alone is not listed in the
 * probes file; one this kernel lacks is listed "absent".
 *
 * Context: process context, under kmprof_control_mutex.
 * Return: 0, or a negative errno with nothing attached.
 */
int kmprof_tracepoints_arm(const struct kmprof_layer *layer,
			   const struct kmprof_arming *how)
{
	enum kmprof_tp_mode mode = layer->variant;
	bool required = mode == KMPROF_TP_RECORD;
	struct kmprof_tp *tpd;
	int ret;

	kmprof_tp_depth = how->max_depth;
	kmprof_tp_sources = how->sources;
	kmprof_tp_mode = mode;
	kmprof_tp_floor = how->floor;
	kmprof_tp_prepare();
	for (tpd = kmprof_tps; tpd < kmprof_tps + KMPROF_NR_TPS; tpd++) {
		tpd->state = KMPROF_PROBE_UNUSED;
		if (!tpd->probes[mode] ||
		    !kmprof_source_wanted(how->sources, tpd->allocator))
			continue;
		tpd->state = KMPROF_PROBE_ABSENT;
		if (!tpd->tp) {
			if (!required)
				continue;
			pr_err("this kernel has no %s%s tracepoint\n",
			       tpd->system, tpd->event);
			ret = -ENOENT;
			goto err;
		}
		ret = tracepoint_probe_register(tpd->tp, kmprof_tp_probe(tpd),
						NULL);
		if (ret) {
			pr_err("cannot attach to %s%s: %d\n", tpd->system,
			       tpd->event, ret);
			tpd->state = KMPROF_PROBE_FAILED;
			goto err;
		}
		tpd->state = KMPROF_PROBE_ARMED;
	}
	return 0;
err:
	kmprof_tracepoints_disarm();
	return ret;
}

static unsigned long kmprof_tp_hits_sum(enum kmprof_tp_id id)
{
	return kmprof_hits_sum(&kmprof_tp_hits[id]);
}

/**
 * kmprof_tracepoints_alloc_hits() - allocation calls the tracepoint
 * backend saw: its tracepoints' and its bulk kprobes'.
 *
 * Context: any.
 * Return: the hits, summed, since the load.
 */
unsigned long kmprof_tracepoints_alloc_hits(void)
{
	unsigned long sum = kmprof_kprobes_alloc_hits();
	enum kmprof_tp_id id;

	for (id = 0; id < KMPROF_NR_TPS; id++) {
		if (kmprof_tps[id].is_alloc)
			sum += kmprof_tp_hits_sum(id);
	}
	return sum;
}

/**
 * kmprof_tracepoints_walk() - each tracepoint in use, for the probes file.
 * @fn: called for each one.
 * @arg: passed to @fn.
 *
 * An allocation event attached in mode KMPROF_TP_REUSE has the role
 * "reuse": it reports no allocation, it retires stale entries.
 *
 * Context: process context, under kmprof_control_mutex.
 */
void kmprof_tracepoints_walk(kmprof_entry_fn fn, void *arg)
{
	struct kmprof_entry_point entry;
	const struct kmprof_tp *tpd;

	for (tpd = kmprof_tps; tpd < kmprof_tps + KMPROF_NR_TPS; tpd++) {
		if (tpd->state == KMPROF_PROBE_UNUSED)
			continue;
		entry.system = tpd->system;
		entry.name = tpd->event;
		entry.allocator = tpd->allocator;
		entry.missed = 0;
		entry.role = !tpd->is_alloc ? KMPROF_ROLE_FREE :
			     kmprof_tp_mode == KMPROF_TP_REUSE ?
			     KMPROF_ROLE_REUSE : KMPROF_ROLE_ALLOC;
		entry.state = tpd->state;
		entry.hits = kmprof_tp_hits_sum(tpd - kmprof_tps);
		fn(arg, &entry);
	}
}
