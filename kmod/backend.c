// SPDX-License-Identifier: GPL-2.0
/*
 * kmprof - the backends, each a list of layers (kprobe.c, tracepoint.c),
 * and what they share: arming their layers, the names of probe states and
 * roles, the hits counters, function extents and the stack of a sampled
 * allocation.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/bits.h>
#include <linux/build_bug.h>
#include <linux/kallsyms.h>
#include <linux/kernel.h>
#include <linux/kprobes.h>
#include <linux/printk.h>
#include <linux/string.h>

#include <kmprof_heap.h>

#include "backend.h"
#include "profile.h"

const char *const kmprof_probe_state_names[KMPROF_PROBE_STATES] = {
	[KMPROF_PROBE_UNUSED]		= "unused",
	[KMPROF_PROBE_REGISTERED]	= "registered",
	[KMPROF_PROBE_ARMED]		= "armed",
	[KMPROF_PROBE_DISARMED]		= "disarmed",
	[KMPROF_PROBE_ABSENT]		= "absent",
	[KMPROF_PROBE_FAILED]		= "failed",
};

static_assert(ARRAY_SIZE(kmprof_probe_state_names) == KMPROF_PROBE_STATES);

const char *const kmprof_probe_role_names[KMPROF_ROLES] = {
	[KMPROF_ROLE_ALLOC]	= "alloc",
	[KMPROF_ROLE_FREE]	= "free",
	[KMPROF_ROLE_REUSE]	= "reuse",
};

static_assert(ARRAY_SIZE(kmprof_probe_role_names) == KMPROF_ROLES);

const char *const kmprof_allocator_names[KMPROF_ALLOCATORS] = {
	KMPROF_HEAP_ALLOCATORS
};

static_assert(ARRAY_SIZE(kmprof_allocator_names) == KMPROF_ALLOCATORS);

/* === The backends: each a list of layers === */

static const struct kmprof_layer kmprof_kprobes_all = {
	.arm = kmprof_kprobes_arm, .disarm = kmprof_kprobes_disarm,
	.walk = kmprof_kprobes_walk, .variant = KMPROF_KPROBES_ALL,
};

static const struct kmprof_layer kmprof_kprobes_untraced = {
	.arm = kmprof_kprobes_arm, .disarm = kmprof_kprobes_disarm,
	.walk = kmprof_kprobes_walk, .variant = KMPROF_KPROBES_UNTRACED,
};

static const struct kmprof_layer kmprof_tracepoints_record = {
	.arm = kmprof_tracepoints_arm, .disarm = kmprof_tracepoints_disarm,
	.walk = kmprof_tracepoints_walk, .variant = KMPROF_TP_RECORD,
};

static const struct kmprof_layer kmprof_tracepoints_reuse = {
	.arm = kmprof_tracepoints_arm, .disarm = kmprof_tracepoints_disarm,
	.walk = kmprof_tracepoints_walk, .variant = KMPROF_TP_REUSE,
};

/*
 * The kprobe backend: kprobes on every entry point. Its kretprobes see the
 * address of sampled allocations only: the kmem allocation tracepoints,
 * where the kernel has them, show every address, so that a sampled object
 * whose free was missed is retired when its address is allocated again.
 * floor=1 attaches empty probes there too: the floor is the whole
 * mechanism.
 */
static const struct kmprof_layer *const kmprof_kprobe_layers[] = {
	&kmprof_kprobes_all,
	&kmprof_tracepoints_reuse,
};

/*
 * The tracepoint backend: the kmem tracepoints, and kprobes on the bulk
 * entry points, which emit none.
 */
static const struct kmprof_layer *const kmprof_tracepoint_layers[] = {
	&kmprof_tracepoints_record,
	&kmprof_kprobes_untraced,
};

static const struct kmprof_backend kmprof_backends[] = {
	{
		.name = "kprobe",
		.layers = kmprof_kprobe_layers,
		.nr_layers = ARRAY_SIZE(kmprof_kprobe_layers),
		.missed = kmprof_kprobes_missed,
		.alloc_hits = kmprof_kprobes_alloc_hits,
	},
	{
		.name = "tracepoint",
		.layers = kmprof_tracepoint_layers,
		.nr_layers = ARRAY_SIZE(kmprof_tracepoint_layers),
		/* Tracepoints drop nothing; the bulk kprobes may. */
		.missed = kmprof_kprobes_missed,
		.alloc_hits = kmprof_tracepoints_alloc_hits,
	},
};

/**
 * kmprof_backend_find() - the backend of a name.
 * @name: as the backend= parameter spells it.
 *
 * Context: any.
 * Return: the backend, or NULL if there is none of that name.
 */
const struct kmprof_backend *kmprof_backend_find(const char *name)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(kmprof_backends); i++) {
		if (!strcmp(name, kmprof_backends[i].name))
			return &kmprof_backends[i];
	}
	return NULL;
}

/**
 * kmprof_backend_arm() - attach every layer of a backend, in order.
 * @backend: the backend.
 * @how: how its handlers are armed.
 *
 * Context: process context, under kmprof_control_mutex, with the profile
 * published.
 * Return: 0, or the first layer's error, with nothing attached.
 */
int kmprof_backend_arm(const struct kmprof_backend *backend,
		       const struct kmprof_arming *how)
{
	unsigned int i;
	int ret;

	for (i = 0; i < backend->nr_layers; i++) {
		ret = backend->layers[i]->arm(backend->layers[i], how);
		if (ret) {
			while (i--)
				backend->layers[i]->disarm();
			return ret;
		}
	}
	return 0;
}

/**
 * kmprof_backend_disarm() - detach every layer, in the reverse order.
 * @backend: the backend, armed.
 *
 * Context: process context, under kmprof_control_mutex. On return no
 * handler is running.
 */
void kmprof_backend_disarm(const struct kmprof_backend *backend)
{
	unsigned int i = backend->nr_layers;

	while (i--)
		backend->layers[i]->disarm();
}

/**
 * kmprof_backend_walk() - each entry point the backend uses, in order.
 * @backend: the backend.
 * @fn: called for each one.
 * @arg: passed to @fn.
 *
 * Context: process context, under kmprof_control_mutex.
 */
void kmprof_backend_walk(const struct kmprof_backend *backend,
			 kmprof_entry_fn fn, void *arg)
{
	unsigned int i;

	for (i = 0; i < backend->nr_layers; i++)
		backend->layers[i]->walk(fn, arg);
}

/* hits=1: the handlers count their calls. Set at load, before arming. */
DEFINE_STATIC_KEY_FALSE(kmprof_hits_counted);

/* A free may have been missed; enabled by the control, never disabled. */
DEFINE_STATIC_KEY_FALSE(kmprof_frees_missed);

/**
 * kmprof_hits_sum() - an entry point's calls, summed over the CPUs.
 * @hits: its per-CPU counter, incremented by its handler when hits=1.
 *
 * Context: any.
 * Return: the sum; 0 unless the calls are counted.
 */
unsigned long kmprof_hits_sum(const unsigned long __percpu *hits)
{
	unsigned long sum = 0;
	int cpu;

	for_each_possible_cpu(cpu)
		sum += *per_cpu_ptr(hits, cpu);
	return sum;
}

/**
 * kmprof_function_extent() - where the function containing an address lies.
 * @addr: the address.
 * @start: set to the function's first address.
 * @end: set to the address past its end.
 *
 * Read from its "name+off/size" symbol: a kprobe's address may lie past
 * the function's start (x86 moves it past an ENDBR instruction). Both are
 * 0 if the symbol is not known.
 *
 * Context: process context.
 */
void kmprof_function_extent(unsigned long addr, unsigned long *start,
			    unsigned long *end)
{
	char sym[KSYM_SYMBOL_LEN];
	unsigned long offset, size;
	char *plus;

	*start = 0;
	*end = 0;
	sprint_symbol(sym, addr);
	plus = strrchr(sym, '+');
	if (!plus || sscanf(plus + 1, "%lx/%lx", &offset, &size) != 2 ||
	    offset > addr)
		return;
	*start = addr - offset;
	*end = *start + size;
}

/*
 * The functions that allocate pages for another allocator's memory: a
 * slab, a large kmalloc, a vmalloc area, a percpu chunk. A page allocation
 * with one of them on its stack is that allocator's, which counts its
 * bytes: the page source leaves it out. Most are static: their extents
 * are learnt through a kprobe registered disabled, which finds a symbol
 * by name, then unregistered. A name this kernel lacks matches nothing.
 */
static const char *const kmprof_backing_names[] = {
	"allocate_slab",
	"__kmalloc_large_node",		/* 6.1 */
	"___kmalloc_large_node",	/* 6.10 and later */
	"__vmalloc_node_range",		/* 6.1 */
	"__vmalloc_node_range_noprof",	/* 6.10 and later */
	"pcpu_populate_chunk",
};

#define KMPROF_NR_BACKING	ARRAY_SIZE(kmprof_backing_names)

/* Written by kmprof_backing_prepare() before any handler reads it. */
static struct {
	unsigned long start;
	unsigned long end;
} kmprof_backing[KMPROF_NR_BACKING];

/* The kprobes that find them, in kmprof_backing_prepare() only. */
static struct kprobe kmprof_backing_kps[KMPROF_NR_BACKING];

/**
 * kmprof_backing_prepare() - find the functions that allocate pages for
 * another allocator.
 *
 * Called once, at module init: the extents do not change while the module
 * is loaded.
 *
 * Context: process context, module init, before any handler is armed.
 */
void kmprof_backing_prepare(void)
{
	struct kprobe *found[KMPROF_NR_BACKING];
	struct kprobe *kp;
	unsigned int i, nr = 0;

	for (i = 0; i < KMPROF_NR_BACKING; i++) {
		kp = &kmprof_backing_kps[i];
		memset(kp, 0, sizeof(*kp));
		kmprof_backing[i].start = 0;
		kmprof_backing[i].end = 0;
		kp->symbol_name = kmprof_backing_names[i];
		kp->flags = KPROBE_FLAG_DISABLED;
		if (register_kprobe(kp))
			continue;
		kmprof_function_extent((unsigned long)kp->addr,
				       &kmprof_backing[i].start,
				       &kmprof_backing[i].end);
		found[nr++] = kp;
	}
	if (nr)
		unregister_kprobes(found, nr);
}

/**
 * kmprof_stack_backs_allocator() - is a page allocation another
 * allocator's?
 * @stack: its stack, innermost frame first.
 * @depth: frames in @stack.
 *
 * Context: a probe handler.
 * Return: true if a frame lies in a function that allocates pages for a
 * slab, a large kmalloc, a vmalloc area or a percpu chunk.
 */
bool kmprof_stack_backs_allocator(const unsigned long *stack,
				  unsigned int depth)
{
	unsigned int i, j;

	for (i = 0; i < depth; i++) {
		for (j = 0; j < KMPROF_NR_BACKING; j++) {
			if (stack[i] >= kmprof_backing[j].start &&
			    stack[i] < kmprof_backing[j].end)
				return true;
		}
	}
	return false;
}

/**
 * kmprof_stack_save() - the stack of a sampled allocation, from the
 * allocator's own frame down.
 * @buf: room for @max_depth + @slack return addresses.
 * @max_depth: deepest stack kept.
 * @slack: frames of the profiler and of the backend's mechanism that may
 *	lie above the allocator's frame.
 * @above: tells a frame of the profiler or the mechanism, to leave out.
 * @arg: passed to @above.
 * @stack: set to the first frame kept, inside @buf.
 *
 * The frames @above tells, from the innermost one, are left out; if every
 * frame is such, all are kept, as the unwinder gave them.
 *
 * Context: a probe handler (any context but NMI).
 * Return: the frames kept, at most @max_depth.
 */
unsigned int kmprof_stack_save(unsigned long *buf, unsigned int max_depth,
			       unsigned int slack,
			       bool (*above)(unsigned long frame,
					     const void *arg),
			       const void *arg, unsigned long **stack)
{
	unsigned int n, i;

	n = kmprof_stack_capture(buf, max_depth + slack, 0);
	for (i = 0; i < n && above(buf[i], arg); i++)
		;
	if (i == n)
		i = 0;
	*stack = buf + i;
	return min(n - i, max_depth);
}
