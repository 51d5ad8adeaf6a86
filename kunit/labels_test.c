// SPDX-License-Identifier: GPL-2.0
/*
 * kmprof - KUnit suite of the labels: what a sample keeps of who
 * allocated, in task, softirq and hardirq context, and how labels split
 * buckets. Each case records from the context it checks: a kernel thread
 * of its own name, a timer, a hard hrtimer.
 */

#include <kunit/test.h>
#include <linux/cgroup.h>
#include <linux/completion.h>
#include <linux/hrtimer.h>
#include <linux/kthread.h>
#include <linux/sched.h>
#include <linux/timer.h>

#include "helpers.h"

#define KMPROF_ALL_LABELS	(BIT(KMPROF_LABELS) - 1)

/* An allocation to record from another context, and when it was. */
struct kmprof_labels_call {
	struct kmprof_profile *prof;
	unsigned long addr;
	unsigned int site;
	struct completion done;
	struct timer_list timer;
	struct hrtimer hrtimer;
};

static void kmprof_labels_call_record(struct kmprof_labels_call *call)
{
	kmprof_test_alloc(call->prof, call->addr, 64, call->site);
	complete(&call->done);
}

static int kmprof_labels_thread(void *arg)
{
	kmprof_labels_call_record(arg);
	return 0;
}

static void kmprof_labels_timer(struct timer_list *timer)
{
	kmprof_labels_call_record(container_of(timer, struct kmprof_labels_call,
					       timer));
}

static enum hrtimer_restart kmprof_labels_hrtimer(struct hrtimer *timer)
{
	kmprof_labels_call_record(container_of(timer, struct kmprof_labels_call,
					       hrtimer));
	return HRTIMER_NORESTART;
}

static void kmprof_labels_call_init(struct kmprof_labels_call *call,
				    struct kmprof_profile *prof,
				    unsigned long addr, unsigned int site)
{
	call->prof = prof;
	call->addr = addr;
	call->site = site;
	init_completion(&call->done);
}

/* Record from a kernel thread named @comm; wait for it. */
static void kmprof_labels_from_thread(struct kunit *test,
				      struct kmprof_profile *prof,
				      unsigned long addr, unsigned int site,
				      const char *comm)
{
	struct kmprof_labels_call call;
	struct task_struct *task;

	kmprof_labels_call_init(&call, prof, addr, site);
	task = kthread_run(kmprof_labels_thread, &call, "%s", comm);
	KUNIT_ASSERT_FALSE(test, IS_ERR(task));
	wait_for_completion(&call.done);
}

/* Record from a timer: softirq context. */
static void kmprof_labels_from_softirq(struct kmprof_profile *prof,
				       unsigned long addr, unsigned int site)
{
	struct kmprof_labels_call call;

	kmprof_labels_call_init(&call, prof, addr, site);
	timer_setup_on_stack(&call.timer, kmprof_labels_timer, 0);
	mod_timer(&call.timer, jiffies + 1);
	wait_for_completion(&call.done);
	del_timer_sync(&call.timer);
	destroy_timer_on_stack(&call.timer);
}

/* Record from a hard hrtimer: hardirq context. */
static void kmprof_labels_from_hardirq(struct kmprof_profile *prof,
				       unsigned long addr, unsigned int site)
{
	struct kmprof_labels_call call;

	kmprof_labels_call_init(&call, prof, addr, site);
	hrtimer_init_on_stack(&call.hrtimer, CLOCK_MONOTONIC,
			      HRTIMER_MODE_REL_HARD);
	call.hrtimer.function = kmprof_labels_hrtimer;
	hrtimer_start(&call.hrtimer, ns_to_ktime(1000), HRTIMER_MODE_REL_HARD);
	wait_for_completion(&call.done);
	hrtimer_cancel(&call.hrtimer);
	destroy_hrtimer_on_stack(&call.hrtimer);
}

/* The published buckets of a profile: their labels and counts. */
struct kmprof_labels_seen {
	struct kmprof_labels labels[8];
	struct kmprof_counts counts[8];
	unsigned int nr;
};

static int kmprof_labels_collect(void *arg,
				 const struct kmprof_bucket_view *view)
{
	struct kmprof_labels_seen *seen = arg;

	if (seen->nr == ARRAY_SIZE(seen->labels))
		return -ENOSPC;
	seen->labels[seen->nr] = *view->labels;
	seen->counts[seen->nr++] = view->counts;
	return 0;
}

/* Publish and read @prof; freed when the case ends. */
static struct kmprof_labels_seen *kmprof_labels_read(struct kunit *test,
						     struct kmprof_profile *prof)
{
	struct kmprof_labels_seen *seen;

	seen = kunit_kzalloc(test, sizeof(*seen), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, seen);
	KUNIT_ASSERT_EQ(test, kmprof_cycle_advance(prof), 0);
	KUNIT_ASSERT_EQ(test, kmprof_profile_read(prof, kmprof_labels_collect,
						  seen, NULL), 0);
	return seen;
}

/* The bucket whose comm is @comm, or -1. */
static int kmprof_labels_find_comm(const struct kmprof_labels_seen *seen,
				   const char *comm)
{
	unsigned int i;

	for (i = 0; i < seen->nr; i++)
		if (!strcmp(seen->labels[i].comm, comm))
			return i;
	return -1;
}

/* In task context every label is the task's. */
static void kmprof_labels_test_task(struct kunit *test)
{
	struct kmprof_profile *prof =
		kmprof_test_create_labeled(test, 1, 16, 16, KMPROF_ALL_LABELS);
	const struct kmprof_labels *got;
	struct kmprof_labels_seen *seen;
	u64 cgroup;

	kmprof_test_alloc(prof, OBJ(1), 64, 1);
	seen = kmprof_labels_read(test, prof);
	KUNIT_ASSERT_EQ(test, seen->nr, 1);
	got = &seen->labels[0];
	KUNIT_EXPECT_EQ(test, got->context, KMPROF_CONTEXT_TASK);
	KUNIT_EXPECT_EQ(test, got->task, 1);
	KUNIT_EXPECT_STREQ(test, got->comm, current->comm);
	KUNIT_EXPECT_EQ(test, got->tgid, task_tgid_nr(current));
#ifdef CONFIG_CGROUPS
	rcu_read_lock();
	cgroup = cgroup_id(task_dfl_cgroup(current));
	rcu_read_unlock();
	KUNIT_EXPECT_NE(test, cgroup, 0);
#else
	cgroup = 0;	/* no cgroup at all */
#endif
	KUNIT_EXPECT_EQ(test, got->cgroup, cgroup);
}

/*
 * Two tasks on one stack are two buckets, and the free of each object
 * credits the bucket of its allocation, whoever frees it.
 */
static void kmprof_labels_test_tasks_split(struct kunit *test)
{
	struct kmprof_profile *prof =
		kmprof_test_create_labeled(test, 1, 16, 16,
					   BIT(KMPROF_LABEL_COMM) |
					   BIT(KMPROF_LABEL_PID));
	struct kmprof_labels_seen *seen;
	int a, b;

	kmprof_labels_from_thread(test, prof, OBJ(1), 1, "kmprof_a");
	kmprof_labels_from_thread(test, prof, OBJ(2), 1, "kmprof_b");
	kmprof_labels_from_thread(test, prof, OBJ(3), 1, "kmprof_b");
	kmprof_record_free(prof, OBJ(1));
	kmprof_record_free(prof, OBJ(2));
	seen = kmprof_labels_read(test, prof);
	KUNIT_ASSERT_EQ(test, seen->nr, 3);	/* b twice: two processes */
	a = kmprof_labels_find_comm(seen, "kmprof_a");
	KUNIT_ASSERT_GE(test, a, 0);
	KUNIT_EXPECT_EQ(test, seen->counts[a].allocs, 1);
	KUNIT_EXPECT_EQ(test, seen->counts[a].frees, 1);
	KUNIT_EXPECT_NE(test, seen->labels[a].tgid, 0);
	KUNIT_EXPECT_NE(test, seen->labels[a].tgid, task_tgid_nr(current));
	b = kmprof_labels_find_comm(seen, "kmprof_b");
	KUNIT_ASSERT_GE(test, b, 0);
	KUNIT_EXPECT_EQ(test, seen->counts[b].allocs, 1);
	KUNIT_EXPECT_EQ(test, seen->labels[b].cgroup, 0);	/* not kept */
	KUNIT_EXPECT_EQ(test, seen->labels[b].context, 0);
}

/* Interrupts are charged to no task, each to its own context. */
static void kmprof_labels_test_interrupts(struct kunit *test)
{
	struct kmprof_profile *prof =
		kmprof_test_create_labeled(test, 1, 16, 16, KMPROF_ALL_LABELS);
	const struct kmprof_labels none = {};
	struct kmprof_labels_seen *seen;
	struct kmprof_labels want;
	unsigned int i, found = 0;

	kmprof_labels_from_softirq(prof, OBJ(1), 1);
	kmprof_labels_from_hardirq(prof, OBJ(2), 1);
	seen = kmprof_labels_read(test, prof);
	KUNIT_ASSERT_EQ(test, seen->nr, 2);
	for (i = 0; i < seen->nr; i++) {
		want = none;
		want.context = seen->labels[i].context;
		KUNIT_EXPECT_TRUE(test, want.context == KMPROF_CONTEXT_SOFTIRQ ||
				  want.context == KMPROF_CONTEXT_HARDIRQ);
		found |= BIT(want.context);
		KUNIT_EXPECT_EQ(test, memcmp(&want, &seen->labels[i],
					     sizeof(want)), 0);
	}
	KUNIT_EXPECT_EQ(test, found, BIT(KMPROF_CONTEXT_SOFTIRQ) |
			BIT(KMPROF_CONTEXT_HARDIRQ));
}

/* Labels not kept split nothing: a profile without them is one bucket. */
static void kmprof_labels_test_none_kept(struct kunit *test)
{
	struct kmprof_profile *prof = kmprof_test_create(test, 1, 16, 16);
	const struct kmprof_labels none = {};
	struct kmprof_labels_seen *seen;

	KUNIT_EXPECT_EQ(test, kmprof_profile_labels(prof), 0);
	kmprof_test_alloc(prof, OBJ(1), 64, 1);
	kmprof_labels_from_thread(test, prof, OBJ(2), 1, "kmprof_a");
	kmprof_labels_from_softirq(prof, OBJ(3), 1);
	seen = kmprof_labels_read(test, prof);
	KUNIT_ASSERT_EQ(test, seen->nr, 1);
	KUNIT_EXPECT_EQ(test, seen->counts[0].allocs, 3);
	KUNIT_EXPECT_EQ(test, memcmp(&none, &seen->labels[0], sizeof(none)), 0);
}

/* Only the context kept: tasks share a bucket, a softirq has its own. */
static void kmprof_labels_test_context_only(struct kunit *test)
{
	struct kmprof_profile *prof =
		kmprof_test_create_labeled(test, 1, 16, 16,
					   BIT(KMPROF_LABEL_CONTEXT));
	struct kmprof_labels_seen *seen;
	unsigned int i;

	kmprof_labels_from_thread(test, prof, OBJ(1), 1, "kmprof_a");
	kmprof_labels_from_thread(test, prof, OBJ(2), 1, "kmprof_b");
	kmprof_labels_from_softirq(prof, OBJ(3), 1);
	seen = kmprof_labels_read(test, prof);
	KUNIT_ASSERT_EQ(test, seen->nr, 2);
	for (i = 0; i < seen->nr; i++) {
		bool task = seen->labels[i].context == KMPROF_CONTEXT_TASK;

		KUNIT_EXPECT_EQ(test, seen->counts[i].allocs, task ? 2 : 1);
		KUNIT_EXPECT_EQ(test, seen->labels[i].task, task);
		KUNIT_EXPECT_STREQ(test, seen->labels[i].comm, "");
		KUNIT_EXPECT_EQ(test, seen->labels[i].tgid, 0);
	}
}

/* A label set beyond the known labels is refused. */
static void kmprof_labels_test_unknown_refused(struct kunit *test)
{
	const struct kmprof_params params = {
		.rate = 1, .max_buckets = 1, .max_objects = 1, .max_depth = 1,
		.labels = BIT(KMPROF_LABELS),
	};

	KUNIT_EXPECT_EQ(test, kmprof_params_validate(&params), -EINVAL);
}

static struct kunit_case kmprof_labels_cases[] = {
	KUNIT_CASE(kmprof_labels_test_task),
	KUNIT_CASE(kmprof_labels_test_tasks_split),
	KUNIT_CASE(kmprof_labels_test_interrupts),
	KUNIT_CASE(kmprof_labels_test_none_kept),
	KUNIT_CASE(kmprof_labels_test_context_only),
	KUNIT_CASE(kmprof_labels_test_unknown_refused),
	{}
};

static struct kunit_suite kmprof_labels_suite = {
	.name = "kmprof_labels",
	.test_cases = kmprof_labels_cases,
};

kunit_test_suites(&kmprof_labels_suite);
