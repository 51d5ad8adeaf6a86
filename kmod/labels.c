// SPDX-License-Identifier: GPL-2.0
/*
 * kmprof - labels: who made a sampled allocation. The context it ran in
 * and, in task context, the task's name, process and cgroup, read when the
 * sample is recorded, in the allocation's own context (a kretprobe's
 * return handler and a tracepoint's probe both run there). Only sampled
 * allocations pay for them.
 *
 * An interrupt's allocation is charged to no task: the task it happened
 * to interrupt did not ask for it. Labels are part of a bucket's key, so
 * a label that takes many values (pid on a host that forks a lot) splits
 * a stack into as many buckets; max_buckets bounds them.
 */

#include <linux/build_bug.h>
#include <linux/cgroup.h>
#include <linux/preempt.h>
#include <linux/rcupdate.h>
#include <linux/sched.h>
#include <linux/string.h>

#include <kmprof_heap.h>

#include "core.h"

const char *const kmprof_label_names[KMPROF_LABELS] = { KMPROF_HEAP_LABELS };

static_assert(ARRAY_SIZE(kmprof_label_names) == KMPROF_LABELS);

const char *const kmprof_context_names[KMPROF_CONTEXTS] = {
	KMPROF_HEAP_CONTEXTS
};

static_assert(ARRAY_SIZE(kmprof_context_names) == KMPROF_CONTEXTS);

/* Memory compared and hashed as a key: no padding the compiler adds. */
static_assert(sizeof(struct kmprof_labels) == 32);

/*
 * Where the caller runs. A task that only disabled bottom halves is a
 * task; ksoftirqd serving softirqs is not.
 */
static enum kmprof_context kmprof_context_now(void)
{
	if (in_nmi())
		return KMPROF_CONTEXT_NMI;
	if (in_hardirq())
		return KMPROF_CONTEXT_HARDIRQ;
	if (in_serving_softirq())
		return KMPROF_CONTEXT_SOFTIRQ;
	return KMPROF_CONTEXT_TASK;
}

/* The id of the current task's cgroup v2; 0 in a kernel without cgroups. */
static u64 kmprof_cgroup_now(void)
{
#ifdef CONFIG_CGROUPS
	u64 id;

	rcu_read_lock();
	id = cgroup_id(task_dfl_cgroup(current));
	rcu_read_unlock();
	return id;
#else
	return 0;
#endif
}

/**
 * kmprof_labels_capture() - the labels of an allocation made now.
 * @labels: filled in; whatever is not kept is zero.
 * @which: the labels to keep, BIT(enum kmprof_label) each.
 *
 * The task's name is read as bpf_get_current_comm() reads it, without
 * task_lock(): a rename meanwhile gives the old or the new name.
 *
 * Context: the allocation's, any but NMI; never sleeps, takes no lock
 * (an RCU read section for the cgroup).
 */
void kmprof_labels_capture(struct kmprof_labels *labels, unsigned int which)
{
	enum kmprof_context context;

	memset(labels, 0, sizeof(*labels));
	if (!which)
		return;
	context = kmprof_context_now();
	if (which & BIT(KMPROF_LABEL_CONTEXT))
		labels->context = context;
	if (context != KMPROF_CONTEXT_TASK)
		return;
	labels->task = 1;
	if (which & BIT(KMPROF_LABEL_COMM))
		strscpy_pad(labels->comm, current->comm, sizeof(labels->comm));
	if (which & BIT(KMPROF_LABEL_PID))
		labels->tgid = task_tgid_nr(current);
	if (which & BIT(KMPROF_LABEL_CGROUP))
		labels->cgroup = kmprof_cgroup_now();
}
EXPORT_SYMBOL_IF_KUNIT(kmprof_labels_capture);
