// SPDX-License-Identifier: GPL-2.0
/*
 * kmprof_workload - allocates and frees known patterns from known
 * functions, on command, and reports exactly what it did: the ground truth
 * of kmprof's selftests.
 *
 * /sys/kernel/debug/kmprof_workload/ctl takes one command per write:
 *
 *   <site> <count> [<size>]   allocate <count> objects at <site>; for
 *                             the page sites (pages, free_pages, folio,
 *                             page_put, user_pages) <size> is the order
 *   free                      free every object held, each the way its
 *                             site allocated it
 *   free_rcu                  the same through kfree_rcu() where a site
 *                             allows it (kmalloc sites)
 *   softirq <count> <size>    kmalloc(<size>, GFP_ATOMIC) <count> times
 *                             (at most WORKLOAD_IRQ_MAX) from a timer's
 *                             callback: softirq context
 *   hardirq <count> <size>    the same from a hard hrtimer's callback:
 *                             hardirq context
 *   reuse <count>             allocate from the cache site's cache, at the
 *                             site "reuse", until the addresses of the
 *                             last <count> cache objects freed are all
 *                             handed out again, or 4 * <count> objects
 *   churn <count> <size>      kmalloc(<size>) and kfree() it at once,
 *                             <count> times: allocations that hold
 *                             nothing, as a cache in steady state
 *
 * and reads back one line per site: "<function> <allocs> <req_bytes>
 * <alloc_bytes> <frees>", where <function> is the noinline function that
 * made the allocations, so that it shows in their stacks, then "reused
 * <n>": how many of the addresses the last "reuse" looked for it got. Every slab
 * allocation and free made under that function counts, including the ones
 * krealloc() makes inside (the 64-byte object it grows from, and its free).
 * The sites of the other allocators count the bytes as kmprof does: a
 * page allocation PAGE_SIZE << order, a vmalloc area its size in whole
 * pages, a percpu area its size in PCPU_MIN_ALLOC_SIZE units times the
 * possible CPUs (requested: its size times the CPUs); kvmalloc() counts
 * as slab or vmalloc, wherever the object landed.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/debugfs.h>
#include <linux/completion.h>
#include <linux/gfp.h>
#include <linux/hrtimer.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/percpu.h>
#include <linux/rcupdate.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/timer.h>
#include <linux/uaccess.h>
#include <linux/vmalloc.h>

#define WORKLOAD_MAX_OBJECTS	131072
#define WORKLOAD_CACHE_SIZE	200
#define WORKLOAD_CONST_SIZE	96
#define WORKLOAD_REALLOC_FROM	64
#define WORKLOAD_BULK_CHUNK	32
#define WORKLOAD_REUSE_MAX	256
#define WORKLOAD_IRQ_MAX	256

enum workload_site {
	SITE_KMALLOC,		/* kmalloc(size): size not known at build time */
	SITE_KMALLOC_CONST,	/* kmalloc(WORKLOAD_CONST_SIZE) */
	SITE_KMALLOC_NODE,	/* kmalloc_node(size) */
	SITE_CACHE,		/* kmem_cache_alloc() */
	SITE_CACHE_LRU,		/* kmem_cache_alloc_lru() */
	SITE_BULK,		/* kmem_cache_alloc_bulk(), freed in bulk */
	SITE_KREALLOC,		/* krealloc() of a 64-byte object to size */
	SITE_KVMALLOC,		/* kvmalloc(size), size below a page */
	SITE_REUSE,		/* kmem_cache_alloc(), at freed addresses */
	SITE_PAGES,		/* alloc_pages(GFP_KERNEL, order) */
	SITE_FREE_PAGES,	/* __get_free_pages(), freed by free_pages() */
	SITE_FOLIO,		/* folio_alloc(), freed by folio_put() */
	SITE_PAGE_PUT,		/* alloc_page(), freed by put_page() */
	SITE_USER_PAGES,	/* alloc_pages(GFP_HIGHUSER_MOVABLE, order) */
	SITE_VMALLOC,		/* vmalloc(size) */
	SITE_PERCPU,		/* __alloc_percpu(size, 8) */
	SITE_SOFTIRQ,		/* kmalloc(size, GFP_ATOMIC) in a timer */
	SITE_HARDIRQ,		/* kmalloc(size, GFP_ATOMIC) in a hard hrtimer */
	SITE_CHURN,		/* kmalloc(size), kfree()d at once */
	SITE_COUNT
};

static const char *const workload_site_names[SITE_COUNT] = {
	[SITE_KMALLOC]		= "kmalloc",
	[SITE_KMALLOC_CONST]	= "kmalloc_const",
	[SITE_KMALLOC_NODE]	= "kmalloc_node",
	[SITE_CACHE]		= "cache",
	[SITE_CACHE_LRU]	= "cache_lru",
	[SITE_BULK]		= "bulk",
	[SITE_KREALLOC]		= "krealloc",
	[SITE_KVMALLOC]		= "kvmalloc",
	[SITE_REUSE]		= "reuse",
	[SITE_PAGES]		= "pages",
	[SITE_FREE_PAGES]	= "free_pages",
	[SITE_FOLIO]		= "folio",
	[SITE_PAGE_PUT]		= "page_put",
	[SITE_USER_PAGES]	= "user_pages",
	[SITE_VMALLOC]		= "vmalloc",
	[SITE_PERCPU]		= "percpu",
	[SITE_SOFTIRQ]		= "softirq",
	[SITE_HARDIRQ]		= "hardirq",
	[SITE_CHURN]		= "churn",
};

/* The function whose frame the site's allocations carry. */
static const char *const workload_site_functions[SITE_COUNT] = {
	[SITE_KMALLOC]		= "workload_kmalloc",
	[SITE_KMALLOC_CONST]	= "workload_kmalloc_const",
	[SITE_KMALLOC_NODE]	= "workload_kmalloc_node",
	[SITE_CACHE]		= "workload_cache_alloc",
	[SITE_CACHE_LRU]	= "workload_cache_alloc_lru",
	[SITE_BULK]		= "workload_bulk_alloc",
	[SITE_KREALLOC]		= "workload_krealloc",
	[SITE_KVMALLOC]		= "workload_kvmalloc",
	[SITE_REUSE]		= "workload_reuse_alloc",
	[SITE_PAGES]		= "workload_pages",
	[SITE_FREE_PAGES]	= "workload_free_pages",
	[SITE_FOLIO]		= "workload_folio",
	[SITE_PAGE_PUT]		= "workload_page_put",
	[SITE_USER_PAGES]	= "workload_user_pages",
	[SITE_VMALLOC]		= "workload_vmalloc",
	[SITE_PERCPU]		= "workload_percpu",
	[SITE_SOFTIRQ]		= "workload_softirq_kmalloc",
	[SITE_HARDIRQ]		= "workload_hardirq_kmalloc",
	[SITE_CHURN]		= "workload_churn_kmalloc",
};

struct workload_object {
	void *ptr;
	enum workload_site site;
	unsigned int order;	/* of a page allocation */
};

struct workload_truth {
	u64 allocs;
	u64 req_bytes;
	u64 alloc_bytes;
	u64 frees;
};

/* A kfree_rcu()-able object: the head lives in the allocation. */
struct workload_rcu_object {
	struct rcu_head rcu;
};

/* Allocations an interrupt makes for the softirq and hardirq sites. */
struct workload_irq {
	void *objs[WORKLOAD_IRQ_MAX];
	unsigned int count;
	size_t size;
	struct completion done;
	struct timer_list timer;
	struct hrtimer hrtimer;
};

static DEFINE_MUTEX(workload_mutex);	/* everything below */
static struct workload_irq workload_irq;
static struct workload_object *workload_objects;
static unsigned int workload_nr;
static struct workload_truth workload_truth[SITE_COUNT];
static struct kmem_cache *workload_cache;
static struct dentry *workload_dir;
/* The cache objects of the last "free", newest last, and "reuse"'s result. */
static void *workload_freed[WORKLOAD_REUSE_MAX];
static unsigned int workload_nr_freed;
static void *workload_wanted[WORKLOAD_REUSE_MAX];
static unsigned int workload_reused;

/*
 * Each site is a noinline function that must stay on the stack of its
 * allocations: hiding the result from the optimizer keeps the compiler from
 * turning the allocation into a tail call, which would drop the frame.
 */
static __always_inline void *workload_keep_frame(void *ret)
{
	OPTIMIZER_HIDE_VAR(ret);
	return ret;
}

static noinline void *workload_kmalloc(size_t size)
{
	return workload_keep_frame(kmalloc(size, GFP_KERNEL));
}

static noinline void *workload_kmalloc_const(void)
{
	return workload_keep_frame(kmalloc(WORKLOAD_CONST_SIZE, GFP_KERNEL));
}

static noinline void *workload_kmalloc_node(size_t size)
{
	return workload_keep_frame(kmalloc_node(size, GFP_KERNEL, NUMA_NO_NODE));
}

static noinline void *workload_cache_alloc(void)
{
	return workload_keep_frame(kmem_cache_alloc(workload_cache, GFP_KERNEL));
}

static noinline void *workload_cache_alloc_lru(void)
{
	return workload_keep_frame(kmem_cache_alloc_lru(workload_cache, NULL,
						  GFP_KERNEL));
}

static noinline int workload_bulk_alloc(void **objs, size_t nr)
{
	int ret = kmem_cache_alloc_bulk(workload_cache, GFP_KERNEL, nr, objs);

	OPTIMIZER_HIDE_VAR(ret);
	return ret;
}

static noinline void *workload_krealloc(size_t size)
{
	void *p = kmalloc(WORKLOAD_REALLOC_FROM, GFP_KERNEL);
	void *q;

	if (!p)
		return NULL;
	q = krealloc(p, size, GFP_KERNEL);
	if (!q)
		kfree(p);
	return q;
}

static noinline void *workload_kvmalloc(size_t size)
{
	return workload_keep_frame(kvmalloc(size, GFP_KERNEL));
}

static noinline void *workload_reuse_alloc(void)
{
	return workload_keep_frame(kmem_cache_alloc(workload_cache, GFP_KERNEL));
}

static noinline void *workload_pages(unsigned int order)
{
	return workload_keep_frame(alloc_pages(GFP_KERNEL, order));
}

static noinline void *workload_free_pages(unsigned int order)
{
	return workload_keep_frame((void *)__get_free_pages(GFP_KERNEL, order));
}

static noinline void *workload_folio(unsigned int order)
{
	return workload_keep_frame(folio_alloc(GFP_KERNEL, order));
}

static noinline void *workload_page_put(void)
{
	return workload_keep_frame(alloc_page(GFP_KERNEL));
}

static noinline void *workload_user_pages(unsigned int order)
{
	return workload_keep_frame(alloc_pages(GFP_HIGHUSER_MOVABLE, order));
}

static noinline void *workload_vmalloc(size_t size)
{
	return workload_keep_frame(vmalloc(size));
}

static noinline void *workload_percpu(size_t size)
{
	return workload_keep_frame((__force void *)__alloc_percpu(size, 8));
}

static noinline void *workload_softirq_kmalloc(size_t size)
{
	return workload_keep_frame(kmalloc(size, GFP_ATOMIC));
}

/* Unlike the softirq's in its flags: identical functions would be folded. */
static noinline void *workload_hardirq_kmalloc(size_t size)
{
	return workload_keep_frame(kmalloc(size, GFP_ATOMIC | __GFP_NOWARN));
}

/*
 * An object allocated and freed here: false if none could be. Its body is
 * unlike workload_kmalloc()'s, which the compiler would otherwise fold
 * into one function (-fipa-icf), one frame for both sites.
 */
static noinline bool workload_churn_kmalloc(size_t size)
{
	void *p = kmalloc(size, GFP_KERNEL);
	bool allocated = p;

	kfree(p);
	return allocated;
}

static void workload_softirq_fn(struct timer_list *timer)
{
	struct workload_irq *irq = container_of(timer, struct workload_irq,
						timer);
	unsigned int i;

	for (i = 0; i < irq->count; i++)
		irq->objs[i] = workload_softirq_kmalloc(irq->size);
	complete(&irq->done);
}

static enum hrtimer_restart workload_hardirq_fn(struct hrtimer *timer)
{
	struct workload_irq *irq = container_of(timer, struct workload_irq,
						hrtimer);
	unsigned int i;

	for (i = 0; i < irq->count; i++)
		irq->objs[i] = workload_hardirq_kmalloc(irq->size);
	complete(&irq->done);
	return HRTIMER_NORESTART;
}

/* What kmprof counts of an object of @site: requested and allocated. */
static void workload_sizes(enum workload_site site, void *p, size_t size,
			   size_t *req, size_t *alloc)
{
	switch (site) {
	case SITE_KMALLOC_CONST:
		*req = WORKLOAD_CONST_SIZE;
		*alloc = kmalloc_size_roundup(*req);
		break;
	case SITE_CACHE:
	case SITE_CACHE_LRU:
		*req = kmem_cache_size(workload_cache);
		*alloc = *req;
		break;
	case SITE_PAGES:
	case SITE_FREE_PAGES:
	case SITE_FOLIO:
	case SITE_PAGE_PUT:
	case SITE_USER_PAGES:
		*req = PAGE_SIZE << size;
		*alloc = *req;
		break;
	case SITE_PERCPU:
		*req = size * num_possible_cpus();
		*alloc = ALIGN(size, PCPU_MIN_ALLOC_SIZE) * num_possible_cpus();
		break;
	case SITE_VMALLOC:
		*req = size;
		*alloc = PAGE_ALIGN(size);
		break;
	case SITE_KVMALLOC:
		*req = size;
		*alloc = is_vmalloc_addr(p) ? PAGE_ALIGN(size) :
			 kmalloc_size_roundup(size);
		break;
	default:
		*req = size;
		*alloc = kmalloc_size_roundup(size);
		break;
	}
}

static void workload_account(enum workload_site site, void *ptr, size_t req,
			     size_t alloc)
{
	/* krealloc() allocated its first object and freed it inside. */
	if (site == SITE_KREALLOC) {
		workload_truth[site].allocs++;
		workload_truth[site].req_bytes += WORKLOAD_REALLOC_FROM;
		workload_truth[site].alloc_bytes +=
			kmalloc_size_roundup(WORKLOAD_REALLOC_FROM);
		workload_truth[site].frees++;
	}
	workload_objects[workload_nr].ptr = ptr;
	workload_objects[workload_nr].site = site;
	workload_nr++;
	workload_truth[site].allocs++;
	workload_truth[site].req_bytes += req;
	workload_truth[site].alloc_bytes += alloc;
}

static int workload_bulk(unsigned int count)
{
	size_t size = kmem_cache_size(workload_cache);
	void *objs[WORKLOAD_BULK_CHUNK];
	unsigned int done = 0, n, i;

	while (done < count) {
		n = min_t(unsigned int, count - done, WORKLOAD_BULK_CHUNK);
		if (workload_bulk_alloc(objs, n) != n)
			return -ENOMEM;
		for (i = 0; i < n; i++)
			workload_account(SITE_BULK, objs[i], size, size);
		done += n;
	}
	return 0;
}

/* @count allocations of @size in the interrupt of @site; wait for them. */
static int workload_irq_alloc(enum workload_site site, unsigned int count,
			      size_t size)
{
	struct workload_irq *irq = &workload_irq;
	unsigned int i;
	int ret = 0;

	irq->count = count;
	irq->size = size;
	reinit_completion(&irq->done);
	if (site == SITE_SOFTIRQ)
		mod_timer(&irq->timer, jiffies + 1);
	else
		hrtimer_start(&irq->hrtimer, ns_to_ktime(NSEC_PER_USEC),
			      HRTIMER_MODE_REL_HARD);
	wait_for_completion(&irq->done);
	for (i = 0; i < count; i++) {
		if (irq->objs[i])
			workload_account(site, irq->objs[i], size,
					 kmalloc_size_roundup(size));
		else
			ret = -ENOMEM;
	}
	return ret;
}

static int workload_alloc(enum workload_site site, unsigned int count,
			  size_t size)
{
	size_t req, alloc;
	unsigned int i;
	void *p;

	if (site == SITE_BULK)
		return workload_bulk(count);
	if (site == SITE_SOFTIRQ || site == SITE_HARDIRQ)
		return workload_irq_alloc(site, count, size);
	for (i = 0; i < count; i++) {
		switch (site) {
		case SITE_KMALLOC:
			p = workload_kmalloc(size);
			break;
		case SITE_KMALLOC_CONST:
			p = workload_kmalloc_const();
			break;
		case SITE_KMALLOC_NODE:
			p = workload_kmalloc_node(size);
			break;
		case SITE_CACHE:
			p = workload_cache_alloc();
			break;
		case SITE_CACHE_LRU:
			p = workload_cache_alloc_lru();
			break;
		case SITE_KREALLOC:
			p = workload_krealloc(size);
			break;
		case SITE_PAGES:
			p = workload_pages(size);
			break;
		case SITE_FREE_PAGES:
			p = workload_free_pages(size);
			break;
		case SITE_FOLIO:
			p = workload_folio(size);
			break;
		case SITE_PAGE_PUT:
			p = workload_page_put();
			break;
		case SITE_USER_PAGES:
			p = workload_user_pages(size);
			break;
		case SITE_VMALLOC:
			p = workload_vmalloc(size);
			break;
		case SITE_PERCPU:
			p = workload_percpu(size);
			break;
		default:
			p = workload_kvmalloc(size);
			break;
		}
		if (!p)
			return -ENOMEM;
		workload_sizes(site, p, size, &req, &alloc);
		workload_objects[workload_nr].order = size;
		workload_account(site, p, req, alloc);
	}
	return 0;
}

static void workload_free_bulk_chunk(void **objs, unsigned int *n)
{
	kmem_cache_free_bulk(workload_cache, *n, objs);
	*n = 0;
}

static void workload_free_all(bool rcu)
{
	void *bulk[WORKLOAD_BULK_CHUNK];
	unsigned int i, nbulk = 0;

	for (i = 0; i < workload_nr; i++) {
		struct workload_object *obj = &workload_objects[i];

		workload_truth[obj->site].frees++;
		switch (obj->site) {
		case SITE_CACHE:
			workload_freed[workload_nr_freed++ % WORKLOAD_REUSE_MAX] =
				obj->ptr;
			fallthrough;
		case SITE_CACHE_LRU:
		case SITE_REUSE:
			kmem_cache_free(workload_cache, obj->ptr);
			break;
		case SITE_BULK:
			bulk[nbulk++] = obj->ptr;
			if (nbulk == WORKLOAD_BULK_CHUNK)
				workload_free_bulk_chunk(bulk, &nbulk);
			break;
		case SITE_KVMALLOC:
			kvfree(obj->ptr);
			break;
		case SITE_PAGES:
		case SITE_USER_PAGES:
			__free_pages(obj->ptr, obj->order);
			break;
		case SITE_FREE_PAGES:
			free_pages((unsigned long)obj->ptr, obj->order);
			break;
		case SITE_FOLIO:
			folio_put(obj->ptr);
			break;
		case SITE_PAGE_PUT:
			put_page(obj->ptr);
			break;
		case SITE_VMALLOC:
			vfree(obj->ptr);
			break;
		case SITE_PERCPU:
			free_percpu((void __percpu *)(__force unsigned long)obj->ptr);
			break;
		default:
			if (rcu)
				kfree_rcu((struct workload_rcu_object *)obj->ptr,
					  rcu);
			else
				kfree(obj->ptr);
			break;
		}
	}
	if (nbulk)
		workload_free_bulk_chunk(bulk, &nbulk);
	workload_nr = 0;
}

/*
 * Allocate at SITE_REUSE until the last @count cache objects freed have
 * all been handed out again, or 4 * @count objects were allocated.
 */
static int workload_reuse(unsigned int count)
{
	size_t size = kmem_cache_size(workload_cache);
	void **want = workload_wanted;
	unsigned int i, tries;
	void *p;

	count = min3(count, workload_nr_freed, (unsigned int)WORKLOAD_REUSE_MAX);
	for (i = 0; i < count; i++)
		want[i] = workload_freed[(workload_nr_freed - 1 - i) %
					 WORKLOAD_REUSE_MAX];
	workload_reused = 0;
	for (tries = 0; tries < 4 * count && workload_reused < count; tries++) {
		if (workload_nr == WORKLOAD_MAX_OBJECTS)
			return -ENOSPC;
		p = workload_reuse_alloc();
		if (!p)
			return -ENOMEM;
		workload_account(SITE_REUSE, p, size, size);
		for (i = 0; i < count; i++) {
			if (want[i] == p) {
				want[i] = NULL;
				workload_reused++;
			}
		}
	}
	return 0;
}

/* @count objects of @size allocated and freed at once: none is held. */
static int workload_churn(unsigned int count, size_t size)
{
	struct workload_truth *t = &workload_truth[SITE_CHURN];
	unsigned int i;

	for (i = 0; i < count; i++) {
		if (!workload_churn_kmalloc(size))
			return -ENOMEM;
		t->allocs++;
		t->req_bytes += size;
		t->alloc_bytes += kmalloc_size_roundup(size);
		t->frees++;
	}
	return 0;
}

/* The largest vmalloc area a site asks for. */
#define WORKLOAD_VMALLOC_MAX	(64UL << 20)

/* Is @size one @site takes? Sites that need none ignore it. */
static bool workload_size_ok(enum workload_site site, unsigned long size)
{
	switch (site) {
	case SITE_KMALLOC:
	case SITE_KMALLOC_NODE:
	case SITE_KREALLOC:
	case SITE_SOFTIRQ:
	case SITE_HARDIRQ:
	case SITE_CHURN:
		/* kfree_rcu() needs room for its head. */
		return size >= sizeof(struct rcu_head) && size <= PAGE_SIZE * 8;
	case SITE_KVMALLOC:
		/* In the slab below a page; in vmalloc beyond kmalloc's reach. */
		return (size >= sizeof(struct rcu_head) && size < PAGE_SIZE) ||
		       (size > KMALLOC_MAX_SIZE && size <= WORKLOAD_VMALLOC_MAX);
	case SITE_PAGES:
	case SITE_FREE_PAGES:
	case SITE_FOLIO:
	case SITE_USER_PAGES:
		return size <= PAGE_ALLOC_COSTLY_ORDER;
	case SITE_PAGE_PUT:
		return size == 0;
	case SITE_VMALLOC:
		return size && size <= WORKLOAD_VMALLOC_MAX;
	case SITE_PERCPU:
		return size && size <= PAGE_SIZE;
	default:
		return true;
	}
}

static int workload_run(char *cmd)
{
	unsigned int count, site;
	unsigned long size = 0;
	char name[16];
	int n;

	if (!strcmp(cmd, "free") || !strcmp(cmd, "free_rcu")) {
		workload_free_all(cmd[4] == '_');
		return 0;
	}
	n = sscanf(cmd, "%15s %u %lu", name, &count, &size);
	if (n < 2)
		return -EINVAL;
	if (!strcmp(name, "reuse"))
		return count ? workload_reuse(count) : -EINVAL;
	for (site = 0; site < SITE_COUNT; site++)
		if (!strcmp(name, workload_site_names[site]))
			break;
	if (site == SITE_COUNT || !count ||
	    count > WORKLOAD_MAX_OBJECTS - workload_nr)
		return -EINVAL;
	if ((site == SITE_SOFTIRQ || site == SITE_HARDIRQ) &&
	    count > WORKLOAD_IRQ_MAX)
		return -EINVAL;
	if (!workload_size_ok(site, size))
		return -EINVAL;
	if (site == SITE_CHURN)
		return workload_churn(count, size);
	/* krealloc() must move the object: grow it out of its size class. */
	if (site == SITE_KREALLOC &&
	    kmalloc_size_roundup(size) == kmalloc_size_roundup(WORKLOAD_REALLOC_FROM))
		return -EINVAL;
	return workload_alloc(site, count, size);
}

static ssize_t workload_ctl_write(struct file *file, const char __user *ubuf,
				  size_t count, loff_t *ppos)
{
	char buf[64];
	int ret;

	if (!count || count >= sizeof(buf))
		return -EINVAL;
	if (copy_from_user(buf, ubuf, count))
		return -EFAULT;
	buf[count] = '\0';
	mutex_lock(&workload_mutex);
	ret = workload_run(strstrip(buf));
	mutex_unlock(&workload_mutex);
	return ret ? ret : count;
}

static int workload_ctl_show(struct seq_file *m, void *unused)
{
	unsigned int site;

	mutex_lock(&workload_mutex);
	for (site = 0; site < SITE_COUNT; site++)
		seq_printf(m, "%s %llu %llu %llu %llu\n",
			   workload_site_functions[site],
			   workload_truth[site].allocs,
			   workload_truth[site].req_bytes,
			   workload_truth[site].alloc_bytes,
			   workload_truth[site].frees);
	seq_printf(m, "reused %u\n", workload_reused);
	mutex_unlock(&workload_mutex);
	return 0;
}

static int workload_ctl_open(struct inode *inode, struct file *file)
{
	return single_open(file, workload_ctl_show, NULL);
}

static const struct file_operations workload_ctl_fops = {
	.owner = THIS_MODULE,
	.open = workload_ctl_open,
	.read = seq_read,
	.write = workload_ctl_write,
	.llseek = seq_lseek,
	.release = single_release,
};

static int __init workload_init(void)
{
	workload_objects = vmalloc_array(WORKLOAD_MAX_OBJECTS,
					 sizeof(*workload_objects));
	if (!workload_objects)
		return -ENOMEM;
	workload_cache = kmem_cache_create("kmprof_workload",
					   WORKLOAD_CACHE_SIZE, 0, 0, NULL);
	if (!workload_cache) {
		vfree(workload_objects);
		return -ENOMEM;
	}
	init_completion(&workload_irq.done);
	timer_setup(&workload_irq.timer, workload_softirq_fn, 0);
	hrtimer_init(&workload_irq.hrtimer, CLOCK_MONOTONIC,
		     HRTIMER_MODE_REL_HARD);
	workload_irq.hrtimer.function = workload_hardirq_fn;
	workload_dir = debugfs_create_dir(KBUILD_MODNAME, NULL);
	debugfs_create_file("ctl", 0600, workload_dir, NULL,
			    &workload_ctl_fops);
	return 0;
}

static void __exit workload_exit(void)
{
	debugfs_remove_recursive(workload_dir);
	/* No command runs now: neither timer is pending. */
	del_timer_sync(&workload_irq.timer);
	hrtimer_cancel(&workload_irq.hrtimer);
	workload_free_all(false);
	/* kfree_rcu() of objects of ours may still be in flight. */
	rcu_barrier();
	kmem_cache_destroy(workload_cache);
	vfree(workload_objects);
}

module_init(workload_init);
module_exit(workload_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("Known slab allocation patterns for kmprof's selftests");
