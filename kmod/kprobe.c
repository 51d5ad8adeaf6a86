// SPDX-License-Identifier: GPL-2.0
/*
 * kmprof - the probes on the allocators' entry points: the slab, the page
 * allocator, vmalloc and percpu.
 *
 * Allocation entry points get a kretprobe: its entry handler reads the size
 * from the arguments and asks the sampler; an unsampled call returns
 * non-zero there and costs no return probe (but vmalloc's, see
 * kmprof_vmalloc_entry()). A sampled call saves its stack
 * in the instance data, and the return handler records the object the
 * function returned. Free entry points get a plain kprobe that hands the
 * pointer to the object map, whose miss path is one cache line.
 *
 * Each allocation and each free is counted once:
 *  - wrappers that allocate through another entry point are not probed
 *    (krealloc, kvmalloc: the inner kmalloc call counts; kvfree,
 *    kfree_sensitive and the kfree_rcu batches: the inner kfree or
 *    kmem_cache_free_bulk counts);
 *  - an entry point called by another armed allocation entry point (6.12's
 *    __kmalloc_noprof calls the exported __kmalloc_large_node_noprof for
 *    big sizes) leaves the allocation to its caller: the entry handler of
 *    the large kmalloc entry points, the only ones called so, returns at
 *    once when its return address lies inside an armed allocation entry
 *    point;
 *  - a page allocation made for another allocator (a slab, a large
 *    kmalloc, a vmalloc area, a percpu chunk) is that allocator's
 *    (kmprof_stack_backs_allocator());
 *  - on 6.10 and later, vfree() in an interrupt defers to vfree_atomic(),
 *    whose work calls vfree() again: the second free finds nothing mapped.
 *
 * This is the kprobe backend, and the tracepoint backend's complement: it
 * arms only the entry points no tracepoint reports (the bulk slab calls,
 * vmalloc). Only the entry points of the sources= allocators are armed.
 *
 * Handlers never sleep and never allocate: kretprobe instances, with room
 * for a stack, are reserved when the probe is registered.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/bits.h>
#include <linux/err.h>
#include <linux/gfp.h>
#include <linux/kprobes.h>
#include <linux/list.h>
#include <linux/mm.h>
#include <linux/pagevec.h>
#include <linux/percpu.h>
#include <linux/ptrace.h>
#include <linux/rcupdate.h>
#include <linux/slab.h>

#include "backend.h"
#include "control.h"
#include "record.h"

/* Frames of the profiler and of kprobes above the allocator's own. */
#define KMPROF_STACK_SLACK	16

/* The address of a frame inside the probed function is this close to it. */
#define KMPROF_ENTRY_WINDOW	64

enum kmprof_probe_kind {
	KMPROF_ALLOC_SIZE,	/* kmalloc family: a size argument */
	KMPROF_ALLOC_CACHE_SIZE, /* kmalloc from a given cache: cache and size */
	KMPROF_ALLOC_CACHE,	/* kmem_cache_alloc family: a cache argument */
	KMPROF_ALLOC_BULK,	/* cache, count, array of objects */
	KMPROF_ALLOC_PAGES,	/* the page allocator: gfp flags and order */
	KMPROF_ALLOC_VMALLOC,	/* vmalloc: a size argument */
	KMPROF_ALLOC_PERCPU,	/* the percpu allocator: a size argument */
	KMPROF_FREE,		/* a pointer argument */
	KMPROF_FREE_BULK,	/* count, array of objects */
	KMPROF_FREE_PAGE_LIST,	/* a list of pages, linked by their lru */
	KMPROF_FREE_FOLIOS,	/* a struct folio_batch */
};

/**
 * struct kmprof_probe_def - one entry point and how to read its arguments.
 * @symbol: the function.
 * @allocator: the allocator it belongs to (the page allocator's entry
 *	points serve KMPROF_USER too).
 * @kind: what it does and which arguments matter.
 * @cache_arg: index of the struct kmem_cache * argument.
 * @size_arg: index of the requested size (count for bulk calls).
 * @ptr_arg: index of the object pointer (array for bulk calls).
 * @may_nest: another allocation entry point may call this one.
 * @traced: a tracepoint reports the same events (the tracepoint backend
 *	does not arm it).
 */
struct kmprof_probe_def {
	const char *symbol;
	enum kmprof_allocator allocator;
	enum kmprof_probe_kind kind;
	u8 cache_arg;
	u8 size_arg;
	u8 ptr_arg;
	bool may_nest;
	bool traced;
};

#define ALLOC_SIZE(sym, size) \
	{ .symbol = sym, .kind = KMPROF_ALLOC_SIZE, .size_arg = size, \
	  .traced = true }
#define ALLOC_LARGE(sym) \
	{ .symbol = sym, .kind = KMPROF_ALLOC_SIZE, .may_nest = true, \
	  .traced = true }
#define ALLOC_CACHE_SIZE(sym, size) \
	{ .symbol = sym, .kind = KMPROF_ALLOC_CACHE_SIZE, .size_arg = size, \
	  .traced = true }
#define ALLOC_CACHE(sym) \
	{ .symbol = sym, .kind = KMPROF_ALLOC_CACHE, .traced = true }
#define ALLOC_BULK(sym) \
	{ .symbol = sym, .kind = KMPROF_ALLOC_BULK, .size_arg = 2, .ptr_arg = 3 }
#define FREE(sym, ptr) \
	{ .symbol = sym, .kind = KMPROF_FREE, .ptr_arg = ptr, .traced = true }
#define FREE_BULK(sym) \
	{ .symbol = sym, .kind = KMPROF_FREE_BULK, .size_arg = 1, .ptr_arg = 2 }
/* The page allocator: kmem:mm_page_alloc and mm_page_free report it too. */
#define ALLOC_PAGES(sym) \
	{ .symbol = sym, .allocator = KMPROF_PAGE, .kind = KMPROF_ALLOC_PAGES, \
	  .size_arg = 1, .traced = true }
#define FREE_PAGE(sym) \
	{ .symbol = sym, .allocator = KMPROF_PAGE, .kind = KMPROF_FREE, \
	  .traced = true }
#define FREE_PAGES(sym, how) \
	{ .symbol = sym, .allocator = KMPROF_PAGE, .kind = how, .traced = true }
/* vmalloc: no tracepoint tells its allocations, on either kernel. */
#define ALLOC_VMALLOC(sym) \
	{ .symbol = sym, .allocator = KMPROF_VMALLOC, \
	  .kind = KMPROF_ALLOC_VMALLOC }
#define FREE_VMALLOC(sym) \
	{ .symbol = sym, .allocator = KMPROF_VMALLOC, .kind = KMPROF_FREE }
/* percpu: percpu:percpu_alloc_percpu and percpu_free_percpu report it. */
#define ALLOC_PERCPU(sym) \
	{ .symbol = sym, .allocator = KMPROF_PERCPU, \
	  .kind = KMPROF_ALLOC_PERCPU, .traced = true }
#define FREE_PERCPU(sym) \
	{ .symbol = sym, .allocator = KMPROF_PERCPU, .kind = KMPROF_FREE, \
	  .traced = true }

/*
 * The entry points, one table per supported kernel range. Every allocation
 * entry point of the range is listed, with its arguments as the kernel of
 * that range declares them; absent ones are skipped at registration. The
 * ranges are told apart by what the headers define, not by version.
 */
static const struct kmprof_probe_def kmprof_probe_defs[] = {
#ifdef alloc_hooks
	/*
	 * 6.10 and later: with allocation profiling (its alloc_hooks()
	 * wrapper) the entry points were renamed *_noprof.
	 */
	ALLOC_SIZE("__kmalloc_noprof", 0),
	ALLOC_SIZE("__kmalloc_node_noprof", 0),
	ALLOC_SIZE("__kmalloc_node_track_caller_noprof", 0),
	ALLOC_LARGE("__kmalloc_large_noprof"),
	ALLOC_LARGE("__kmalloc_large_node_noprof"),
	ALLOC_CACHE_SIZE("__kmalloc_cache_noprof", 2),
	ALLOC_CACHE_SIZE("__kmalloc_cache_node_noprof", 3),
	ALLOC_CACHE("kmem_cache_alloc_noprof"),
	ALLOC_CACHE("kmem_cache_alloc_lru_noprof"),
	ALLOC_CACHE("kmem_cache_alloc_node_noprof"),
	ALLOC_BULK("kmem_cache_alloc_bulk_noprof"),
	/*
	 * Every page allocation but the bulk one (vmalloc's, whose pages are
	 * vmalloc's anyway) goes through __alloc_pages_noprof(). Every free
	 * goes through one of these three (free_pages_prepare(), which they
	 * share, is inlined into them).
	 */
	ALLOC_PAGES("__alloc_pages_noprof"),
	FREE_PAGE("free_unref_page"),
	FREE_PAGES("free_unref_folios", KMPROF_FREE_FOLIOS),
	FREE_PAGE("__free_pages_ok"),
	/* vfree_atomic() and kvfree() end in vfree(). */
	ALLOC_VMALLOC("__vmalloc_node_range_noprof"),
	FREE_VMALLOC("vfree"),
	ALLOC_PERCPU("pcpu_alloc_noprof"),
#else
	/* 6.1 to 6.9 */
	ALLOC_SIZE("__kmalloc", 0),
	ALLOC_SIZE("__kmalloc_node", 0),
	ALLOC_SIZE("__kmalloc_node_track_caller", 0),
	ALLOC_LARGE("kmalloc_large"),
	ALLOC_LARGE("kmalloc_large_node"),
	ALLOC_CACHE_SIZE("kmalloc_trace", 2),
	ALLOC_CACHE_SIZE("kmalloc_node_trace", 3),
	ALLOC_CACHE("kmem_cache_alloc"),
	ALLOC_CACHE("kmem_cache_alloc_lru"),
	ALLOC_CACHE("kmem_cache_alloc_node"),
	ALLOC_BULK("kmem_cache_alloc_bulk"),
	ALLOC_PAGES("__alloc_pages"),
	FREE_PAGE("free_unref_page"),
	FREE_PAGES("free_unref_page_list", KMPROF_FREE_PAGE_LIST),
	FREE_PAGE("__free_pages_ok"),
	/* vfree_atomic() frees through neither: kvfree() ends in vfree(). */
	ALLOC_VMALLOC("__vmalloc_node_range"),
	FREE_VMALLOC("vfree"),
	FREE_VMALLOC("vfree_atomic"),
	ALLOC_PERCPU("pcpu_alloc"),
#endif
	FREE("kfree", 0),
	FREE("kmem_cache_free", 1),
	FREE_BULK("kmem_cache_free_bulk"),
	FREE_PERCPU("free_percpu"),
};

#define KMPROF_NR_PROBES	ARRAY_SIZE(kmprof_probe_defs)

/**
 * struct kmprof_probe - a registered entry point.
 * @def: what to probe.
 * @krp: the kretprobe of an allocation entry point.
 * @kp: the kprobe of a free entry point.
 * @addr: where the probe sits, once armed.
 * @start: first address of the function, once armed (0 if unknown).
 * @end: end of the function, once armed (0 if unknown).
 * @missed: hits kprobes dropped while it was armed before.
 * @state: where it stands.
 *
 * Written by arm and disarm, under kmprof_control_mutex like every reader
 * but the handlers (which only run while armed).
 */
struct kmprof_probe {
	const struct kmprof_probe_def *def;
	union {
		struct kretprobe krp;
		struct kprobe kp;
	};
	unsigned long addr;
	unsigned long start;
	unsigned long end;
	unsigned long missed;
	enum kmprof_probe_state state;
};

/*
 * What a sampled allocation call keeps between entry and return (and a
 * vmalloc call, sampled or not: @sampled tells).
 */
struct kmprof_call {
	size_t req_size;
	size_t alloc_size;
	enum kmprof_allocator allocator;
	bool sampled;
	void **bulk;		/* the array of a bulk allocation */
	unsigned long *stack;	/* inside @buf */
	unsigned int depth;
	unsigned long buf[];
};

static struct kmprof_probe kmprof_probes[KMPROF_NR_PROBES];
static DEFINE_PER_CPU(unsigned long[KMPROF_NR_PROBES], kmprof_probe_hits);

/* Set at arm time, read by the handlers; see kmprof_kprobes_arm(). */
static unsigned int kmprof_probe_depth;
static bool kmprof_probe_floor;
static unsigned int kmprof_probe_sources;

static bool kmprof_is_alloc(const struct kmprof_probe_def *def)
{
	return def->kind < KMPROF_FREE;
}

static unsigned long kmprof_arg(struct pt_regs *regs, unsigned int n)
{
	return regs_get_kernel_argument(regs, n);
}

static void kmprof_probe_hit(const struct kmprof_probe *probe)
{
	kmprof_hit(&kmprof_probe_hits[probe - kmprof_probes]);
}

/*
 * Is @addr inside an armed allocation entry point? Then the call being
 * probed is nested in one that counts the allocation already.
 */
static bool kmprof_called_from_alloc(unsigned long addr)
{
	const struct kmprof_probe *probe;

	for (probe = kmprof_probes; probe < kmprof_probes + KMPROF_NR_PROBES;
	     probe++) {
		if (probe->end && addr >= probe->start && addr < probe->end &&
		    kmprof_is_alloc(probe->def))
			return true;
	}
	return false;
}

/* A frame of this handler or of kprobes, above the probed function's. */
static bool kmprof_call_above(unsigned long frame, const void *arg)
{
	const struct kmprof_probe *probe = arg;

	return frame - probe->addr >= KMPROF_ENTRY_WINDOW;
}

/* Save the stack of the allocation, starting at the probed function. */
static void kmprof_call_save_stack(struct kmprof_call *call,
				   const struct kmprof_probe *probe)
{
	call->depth = kmprof_stack_save(call->buf, kmprof_probe_depth,
					KMPROF_STACK_SLACK, kmprof_call_above,
					probe, &call->stack);
}

/*
 * The page allocator's entry: the allocator is told by the migrate type,
 * and a sampled allocation that backs another allocator's memory (a slab,
 * a vmalloc area, a percpu chunk) is not recorded: that allocator counts
 * those bytes.
 */
static int kmprof_pages_entry(struct kmprof_profile *prof,
			      const struct kmprof_probe *probe,
			      struct kmprof_call *call, struct pt_regs *regs)
{
	gfp_t gfp = (__force gfp_t)kmprof_arg(regs, 0);
	unsigned int order = kmprof_arg(regs, probe->def->size_arg);
	/* gfp_migratetype(), but for tiny machines that group no pages. */
	bool movable = (gfp & (__GFP_MOVABLE | __GFP_RECLAIMABLE)) ==
		       __GFP_MOVABLE;

	call->allocator = kmprof_page_allocator(movable ? MIGRATE_MOVABLE :
						MIGRATE_UNMOVABLE);
	if (!(kmprof_probe_sources & BIT(call->allocator)))
		return 1;
	call->req_size = PAGE_SIZE << order;
	call->alloc_size = call->req_size;
	if (!kmprof_sample(prof, call->alloc_size))
		return 1;
	kmprof_call_save_stack(call, probe);
	return kmprof_stack_backs_allocator(call->stack, call->depth);
}

/*
 * vmalloc: its return handler runs for every call, so that an unsampled
 * area whose address holds a stale entry retires it (no tracepoint shows
 * vmalloc's addresses). vmalloc is rare and costly: the return costs
 * little beside it.
 */
static int kmprof_vmalloc_entry(struct kmprof_profile *prof,
				const struct kmprof_probe *probe,
				struct kmprof_call *call, struct pt_regs *regs)
{
	size_t size = kmprof_arg(regs, probe->def->size_arg);

	call->allocator = KMPROF_VMALLOC;
	call->req_size = size;
	call->alloc_size = PAGE_ALIGN(size);
	call->sampled = kmprof_sample(prof, call->alloc_size);
	if (call->sampled)
		kmprof_call_save_stack(call, probe);
	return 0;
}

static int __kprobes kmprof_alloc_entry(struct kretprobe_instance *ri,
					struct pt_regs *regs)
{
	struct kmprof_probe *probe =
		container_of(get_kretprobe(ri), struct kmprof_probe, krp);
	const struct kmprof_probe_def *def = probe->def;
	struct kmprof_call *call = (struct kmprof_call *)ri->data;
	struct kmem_cache *cache;
	struct kmprof_profile *prof;
	size_t size;

	if (kmprof_probe_floor)
		return 1;
	prof = kmprof_live_profile();
	if (def->may_nest &&
	    kmprof_called_from_alloc(*(unsigned long *)kernel_stack_pointer(regs)))
		return 1;
	kmprof_probe_hit(probe);

	call->allocator = KMPROF_SLAB;
	switch (def->kind) {
	case KMPROF_ALLOC_PAGES:
		return kmprof_pages_entry(prof, probe, call, regs);
	case KMPROF_ALLOC_VMALLOC:
		return kmprof_vmalloc_entry(prof, probe, call, regs);
	case KMPROF_ALLOC_PERCPU:
		size = kmprof_arg(regs, def->size_arg);
		call->allocator = KMPROF_PERCPU;
		kmprof_percpu_sizes(size, &call->req_size, &call->alloc_size);
		break;
	case KMPROF_ALLOC_SIZE:
		size = kmprof_arg(regs, def->size_arg);
		call->req_size = size;
		call->alloc_size = kmalloc_size_roundup(size);
		break;
	case KMPROF_ALLOC_CACHE_SIZE:
		cache = (struct kmem_cache *)kmprof_arg(regs, def->cache_arg);
		call->req_size = kmprof_arg(regs, def->size_arg);
		call->alloc_size = kmem_cache_size(cache);
		break;
	case KMPROF_ALLOC_CACHE:
		cache = (struct kmem_cache *)kmprof_arg(regs, def->cache_arg);
		call->req_size = kmem_cache_size(cache);
		call->alloc_size = call->req_size;
		break;
	case KMPROF_ALLOC_BULK:
		cache = (struct kmem_cache *)kmprof_arg(regs, def->cache_arg);
		call->req_size = kmem_cache_size(cache);
		call->alloc_size = call->req_size;
		/*
		 * Every object is sampled on its own at return, with the
		 * stack saved now: only when one of them may be due.
		 */
		size = kmprof_arg(regs, def->size_arg);
		if (!kmprof_sample_any_due(prof, size * call->alloc_size))
			return 1;
		call->bulk = (void **)kmprof_arg(regs, def->ptr_arg);
		kmprof_call_save_stack(call, probe);
		return 0;
	default:
		return 1;
	}
	if (!kmprof_sample(prof, call->alloc_size))
		return 1;
	kmprof_call_save_stack(call, probe);
	return 0;
}

static int __kprobes kmprof_alloc_return(struct kretprobe_instance *ri,
					 struct pt_regs *regs)
{
	struct kmprof_probe *probe =
		container_of(get_kretprobe(ri), struct kmprof_probe, krp);
	struct kmprof_call *call = (struct kmprof_call *)ri->data;
	unsigned long ret = regs_return_value(regs);
	struct kmprof_profile *prof;
	unsigned long i;

	prof = kmprof_live_profile();
	if (probe->def->kind == KMPROF_ALLOC_VMALLOC && !call->sampled) {
		kmprof_record_reuse(prof, ret);
		return 0;
	}
	if (probe->def->kind != KMPROF_ALLOC_BULK) {
		if (kmprof_is_object((void *)ret))
			kmprof_record_alloc(prof, ret, call->req_size,
					    call->alloc_size, call->allocator,
					    call->stack, call->depth);
		return 0;
	}
	/* A bulk allocation returns how many objects it stored. */
	for (i = 0; i < (unsigned int)ret; i++) {
		if (kmprof_sample(prof, call->alloc_size))
			kmprof_record_alloc(prof, (unsigned long)call->bulk[i],
					    call->req_size, call->alloc_size,
					    KMPROF_SLAB, call->stack,
					    call->depth);
	}
	return 0;
}

/*
 * The batched page frees: a list of pages (6.1) or a folio batch (6.10 and
 * later). The caller owns the batch: nothing changes it meanwhile.
 */
static void kmprof_free_pages_entry(struct kmprof_profile *prof,
				    const struct kmprof_probe_def *def,
				    void *batch)
{
#ifdef alloc_hooks
	struct folio_batch *folios = batch;
	unsigned int i;

	for (i = 0; i < folios->nr; i++)
		kmprof_record_free(prof, (unsigned long)&folios->folios[i]->page);
#else
	struct list_head *list = batch;
	struct page *page;

	list_for_each_entry(page, list, lru)
		kmprof_record_free(prof, (unsigned long)page);
#endif
}

static int __kprobes kmprof_free_entry(struct kprobe *kp,
				       struct pt_regs *regs)
{
	struct kmprof_probe *probe = container_of(kp, struct kmprof_probe, kp);
	const struct kmprof_probe_def *def = probe->def;
	struct kmprof_profile *prof;
	unsigned long i, nr;
	void **objs;

	if (kmprof_probe_floor)
		return 0;
	prof = kmprof_live_profile();
	kmprof_probe_hit(probe);
	switch (def->kind) {
	case KMPROF_FREE:
		kmprof_record_free(prof, kmprof_arg(regs, def->ptr_arg));
		break;
	case KMPROF_FREE_BULK:
		nr = kmprof_arg(regs, def->size_arg);
		objs = (void **)kmprof_arg(regs, def->ptr_arg);
		for (i = 0; i < nr; i++)
			kmprof_record_free(prof, (unsigned long)objs[i]);
		break;
	default:
		kmprof_free_pages_entry(prof, def,
					(void *)kmprof_arg(regs, def->ptr_arg));
		break;
	}
	return 0;
}

static int kmprof_probe_register(struct kmprof_probe *probe)
{
	const struct kmprof_probe_def *def = probe->def;
	int ret;

	if (kmprof_is_alloc(def)) {
		probe->krp.kp.symbol_name = def->symbol;
		probe->krp.entry_handler = kmprof_alloc_entry;
		probe->krp.handler = kmprof_alloc_return;
		probe->krp.data_size = sizeof(struct kmprof_call) +
			(kmprof_probe_depth + KMPROF_STACK_SLACK) *
			sizeof(unsigned long);
		/* Calls in flight at once: may sleep inside the allocator. */
		probe->krp.maxactive = 16 * num_possible_cpus();
		probe->krp.kp.flags = KPROBE_FLAG_DISABLED;
		ret = register_kretprobe(&probe->krp);
		if (!ret)
			probe->addr = (unsigned long)probe->krp.kp.addr;
	} else {
		probe->kp.symbol_name = def->symbol;
		probe->kp.pre_handler = kmprof_free_entry;
		probe->kp.flags = KPROBE_FLAG_DISABLED;
		ret = register_kprobe(&probe->kp);
		if (!ret)
			probe->addr = (unsigned long)probe->kp.addr;
	}
	return ret;
}

/*
 * Start calling a probe's handlers: it was registered disabled, so that
 * they never run before the extents of every probe are known (a handler
 * reads all of them). Arming a kprobe patches text and syncs every CPU,
 * which orders the extents before any handler.
 */
static int kmprof_probe_enable(struct kmprof_probe *probe)
{
	if (kmprof_is_alloc(probe->def))
		return enable_kretprobe(&probe->krp);
	return enable_kprobe(&probe->kp);
}

static void kmprof_probe_unregister(struct kmprof_probe *probe)
{
	if (kmprof_is_alloc(probe->def))
		unregister_kretprobe(&probe->krp);
	else
		unregister_kprobe(&probe->kp);
}

static void kmprof_probe_failed(struct kmprof_probe *probe, int ret)
{
	pr_warn("cannot probe %s: %d\n", probe->def->symbol, ret);
	probe->state = KMPROF_PROBE_FAILED;
}

/**
 * kmprof_kprobes_arm() - register the entry points this kernel has.
 * @layer: the layer, whose variant (enum kmprof_kprobes_variant) says
 *	whether every entry point or only those no tracepoint reports.
 * @how: how: the deepest stack the handlers save, the sources whose entry
 *	points to arm, and the floor, a measurement aid: every handler
 *	returns at once, so that the probes cost what the kprobe mechanism
 *	alone costs.
 *
 * An entry point this kernel lacks is reported "absent" in the probes
 * file; one that fails to register for another reason "failed", with a
 * warning.
 *
 * Context: process context, under kmprof_control_mutex.
 * Return: 0 if at least one allocation and one free entry point are armed
 * for each allocator the layer serves, else -ENOENT (and nothing stays
 * registered).
 */
int kmprof_kprobes_arm(const struct kmprof_layer *layer,
		       const struct kmprof_arming *how)
{
	bool untraced_only = layer->variant == KMPROF_KPROBES_UNTRACED;
	unsigned int served = 0, have_alloc = 0, have_free = 0;
	struct kmprof_probe *probe;
	unsigned int i;
	int ret;

	kmprof_probe_depth = how->max_depth;
	kmprof_probe_floor = how->floor;
	kmprof_probe_sources = how->sources;
	/* Register every probe disabled, and learn every extent... */
	for (i = 0; i < KMPROF_NR_PROBES; i++) {
		probe = &kmprof_probes[i];
		probe->def = &kmprof_probe_defs[i];
		probe->state = KMPROF_PROBE_UNUSED;
		if ((untraced_only && probe->def->traced) ||
		    !kmprof_source_wanted(how->sources, probe->def->allocator))
			continue;
		served |= BIT(probe->def->allocator);
		/* The kretprobe holds a kprobe: this clears either. */
		memset(&probe->krp, 0, sizeof(probe->krp));
		probe->addr = 0;
		probe->start = 0;
		probe->end = 0;
		ret = kmprof_probe_register(probe);
		if (ret == -ENOENT) {
			probe->state = KMPROF_PROBE_ABSENT;
			continue;
		}
		if (ret) {
			kmprof_probe_failed(probe, ret);
			continue;
		}
		kmprof_function_extent(probe->addr, &probe->start, &probe->end);
		probe->state = KMPROF_PROBE_REGISTERED;
	}
	/* ... then let the handlers run. */
	for (probe = kmprof_probes; probe < kmprof_probes + KMPROF_NR_PROBES;
	     probe++) {
		if (probe->state != KMPROF_PROBE_REGISTERED)
			continue;
		ret = kmprof_probe_enable(probe);
		if (ret) {
			kmprof_probe_unregister(probe);
			kmprof_probe_failed(probe, ret);
			continue;
		}
		probe->state = KMPROF_PROBE_ARMED;
		if (kmprof_is_alloc(probe->def))
			have_alloc |= BIT(probe->def->allocator);
		else
			have_free |= BIT(probe->def->allocator);
	}
	served &= ~(have_alloc & have_free);
	if (!served)
		return 0;
	pr_err("no %s entry point to probe on this kernel\n",
	       kmprof_allocator_names[__ffs(served)]);
	kmprof_kprobes_disarm();
	return -ENOENT;
}

/* Hits dropped by the probe as armed now: reset by the next arm. */
static unsigned long kmprof_probe_nmissed(const struct kmprof_probe *probe)
{
	if (probe->state != KMPROF_PROBE_ARMED)
		return 0;
	if (kmprof_is_alloc(probe->def))
		return READ_ONCE(probe->krp.nmissed) +
		       READ_ONCE(probe->krp.kp.nmissed);
	return READ_ONCE(probe->kp.nmissed);
}

/**
 * kmprof_kprobes_disarm() - unregister every armed probe.
 *
 * Context: process context, under kmprof_control_mutex. On return no
 * handler is running and none will run again (unregistering waits for
 * handlers in flight, and a kretprobe whose function has not returned yet
 * no longer calls its handler).
 */
void kmprof_kprobes_disarm(void)
{
	struct kmprof_probe *probe;

	for (probe = kmprof_probes; probe < kmprof_probes + KMPROF_NR_PROBES;
	     probe++) {
		if (probe->state != KMPROF_PROBE_ARMED)
			continue;
		kmprof_probe_unregister(probe);
		probe->missed += kmprof_probe_nmissed(probe);
		probe->state = KMPROF_PROBE_DISARMED;
	}
}

/* Hits dropped by the probe since the load, over every arm. */
static unsigned long kmprof_probe_missed(const struct kmprof_probe *probe)
{
	return probe->missed + kmprof_probe_nmissed(probe);
}

static unsigned long kmprof_probe_hits_sum(const struct kmprof_probe *probe)
{
	return kmprof_hits_sum(&kmprof_probe_hits[probe - kmprof_probes]);
}

/**
 * kmprof_kprobes_walk() - each entry point in use, for the probes file.
 * @fn: called for each one.
 * @arg: passed to @fn.
 *
 * Context: process context, under kmprof_control_mutex.
 */
void kmprof_kprobes_walk(kmprof_entry_fn fn, void *arg)
{
	struct kmprof_entry_point entry = { .system = "" };
	const struct kmprof_probe *probe;

	for (probe = kmprof_probes; probe < kmprof_probes + KMPROF_NR_PROBES;
	     probe++) {
		if (probe->state == KMPROF_PROBE_UNUSED)
			continue;
		entry.name = probe->def->symbol;
		entry.allocator = probe->def->allocator;
		entry.role = kmprof_is_alloc(probe->def) ? KMPROF_ROLE_ALLOC :
			     KMPROF_ROLE_FREE;
		entry.state = probe->state;
		entry.hits = kmprof_probe_hits_sum(probe);
		entry.missed = kmprof_probe_missed(probe);
		fn(arg, &entry);
	}
}

/**
 * kmprof_kprobes_missed() - events the probes dropped since the load.
 * @alloc_missed: nmissed of the allocation probes, summed.
 * @free_missed: nmissed of the free probes, summed.
 *
 * A missed free leaves its object in the object map until its address is
 * allocated again (counted as a lost free then).
 *
 * Context: process context, under kmprof_control_mutex.
 */
void kmprof_kprobes_missed(unsigned long *alloc_missed,
			   unsigned long *free_missed)
{
	const struct kmprof_probe *probe;

	*alloc_missed = 0;
	*free_missed = 0;
	for (probe = kmprof_probes; probe < kmprof_probes + KMPROF_NR_PROBES;
	     probe++) {
		if (!probe->def)
			continue;
		if (kmprof_is_alloc(probe->def))
			*alloc_missed += kmprof_probe_missed(probe);
		else
			*free_missed += kmprof_probe_missed(probe);
	}
}

/**
 * kmprof_kprobes_alloc_hits() - allocation calls the probes saw.
 *
 * Context: any.
 * Return: the hits of every allocation entry point, summed, since the load.
 */
unsigned long kmprof_kprobes_alloc_hits(void)
{
	const struct kmprof_probe *probe;
	unsigned long sum = 0;

	for (probe = kmprof_probes; probe < kmprof_probes + KMPROF_NR_PROBES;
	     probe++) {
		if (probe->def && kmprof_is_alloc(probe->def))
			sum += kmprof_probe_hits_sum(probe);
	}
	return sum;
}
