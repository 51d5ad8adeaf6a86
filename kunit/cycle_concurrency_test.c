// SPDX-License-Identifier: GPL-2.0
/*
 * kmprof - KUnit suite of the cycle ring under concurrency: one kthread
 * per CPU allocates and frees through the core API while the test thread
 * advances, flushes and reads in a loop.
 *
 * Checks invariant 1 on every read (no bucket ever shows negative in-use),
 * also on the first reads of fresh profiles while another CPU advances,
 * and invariant 2 at quiescence: after a final advance and flush the
 * published profile holds exactly what the workers did, and its in-use
 * equals the objects still in the object map.
 */

#include <kunit/test.h>
#include <linux/cpumask.h>
#include <linux/irqflags.h>
#include <linux/jiffies.h>
#include <linux/kthread.h>
#include <linux/prandom.h>
#include <linux/sched.h>

#include "helpers.h"

#define KMPROF_STRESS_SLOTS	32	/* objects per worker */
#define KMPROF_STRESS_SITES	6	/* allocation sites */
#define KMPROF_STRESS_SECONDS	2

struct kmprof_stress_worker {
	struct kmprof_profile *prof;
	struct task_struct *task;
	unsigned long base;	/* this worker's address range */
	u32 seed;
	/* What the worker did, read once it has stopped. */
	u64 allocs;
	u64 frees;		/* recorded */
	u64 missed;		/* frees not recorded, like a kprobe miss */
	u32 mapped_size[KMPROF_STRESS_SLOTS];	/* 0: not in the map */
	bool live[KMPROF_STRESS_SLOTS];		/* allocated, not freed */
};

static int kmprof_stress_worker_fn(void *data)
{
	struct kmprof_stress_worker *w = data;
	struct rnd_state rnd;
	unsigned int slot;
	unsigned long addr;
	u32 r, size;

	prandom_seed_state(&rnd, w->seed);
	while (!kthread_should_stop()) {
		r = prandom_u32_state(&rnd);
		slot = r % KMPROF_STRESS_SLOTS;
		addr = w->base + 0x100UL * slot;
		/* Probe handlers run with preemption off; so do we. */
		preempt_disable();
		if (w->live[slot] && (r >> 8) % 32 == 0) {
			w->missed++;	/* entry stays mapped */
		} else if (w->live[slot]) {
			kmprof_record_free(w->prof, addr);
			w->frees++;
			w->mapped_size[slot] = 0;
		} else {
			size = 16U << ((r >> 8) % 4);
			kmprof_test_alloc(w->prof, addr, size,
					  (r >> 16) % KMPROF_STRESS_SITES);
			w->allocs++;
			w->mapped_size[slot] = size;
		}
		preempt_enable();
		w->live[slot] = !w->live[slot];
		cond_resched();
	}
	return 0;
}

static void kmprof_stress_check_read(struct kunit *test,
				     struct kmprof_profile *prof,
				     unsigned int *reads)
{
	struct kmprof_test_totals totals;

	kmprof_test_read(test, prof, &totals);
	KUNIT_EXPECT_EQ(test, totals.negative_buckets, 0);
	KUNIT_EXPECT_EQ(test, totals.unmatched_lifetimes, 0);
	KUNIT_EXPECT_GE(test, totals.sum.allocs, totals.sum.frees);
	KUNIT_EXPECT_GE(test, totals.sum.alloc_bytes, totals.sum.free_bytes);
	(*reads)++;
}

static void kmprof_cycle_test_concurrent(struct kunit *test)
{
	struct kmprof_profile *prof =
		kmprof_test_create(test, 1, 64,
				   KMPROF_STRESS_SLOTS * num_possible_cpus());
	unsigned long deadline = jiffies + KMPROF_STRESS_SECONDS * HZ;
	struct kmprof_stress_worker *workers;
	unsigned int reads = 0, advances = 0, round = 0;
	u64 allocs = 0, frees = 0, mapped = 0, mapped_bytes = 0;
	struct kmprof_test_totals totals;
	unsigned long flags;
	unsigned int cpu, slot;

	workers = kunit_kcalloc(test, nr_cpu_ids, sizeof(*workers), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, workers);

	for_each_online_cpu(cpu) {
		struct kmprof_stress_worker *w = &workers[cpu];

		w->prof = prof;
		w->base = 0xffff888010000000UL + 0x100000UL * cpu;
		w->seed = 0x6b6d7072 + cpu;
		w->task = kthread_create_on_cpu(kmprof_stress_worker_fn, w, cpu,
						"kmprof_stress/%u");
		if (IS_ERR(w->task)) {
			w->task = NULL;
			continue;
		}
		wake_up_process(w->task);
	}

	while (time_before(jiffies, deadline)) {
		switch (round++ % 5) {
		case 0:
			/* As a timer would: atomic, may be refused. */
			local_irq_save(flags);
			if (!kmprof_cycle_advance(prof))
				advances++;
			local_irq_restore(flags);
			break;
		case 1:
			kmprof_cycle_advance_wait(prof);
			advances++;
			break;
		case 2:
			kmprof_cycle_flush(prof);
			break;
		default:
			kmprof_stress_check_read(test, prof, &reads);
			break;
		}
		cond_resched();
	}

	for_each_possible_cpu(cpu) {
		struct kmprof_stress_worker *w = &workers[cpu];

		if (!w->task)
			continue;
		kthread_stop(w->task);
		allocs += w->allocs;
		frees += w->frees;
		for (slot = 0; slot < KMPROF_STRESS_SLOTS; slot++) {
			mapped += !!w->mapped_size[slot];
			mapped_bytes += w->mapped_size[slot];
		}
	}
	kunit_info(test, "%llu allocs, %llu frees, %u advances, %u reads\n",
		   allocs, frees, advances, reads);
	KUNIT_EXPECT_GT(test, allocs, 0);
	KUNIT_EXPECT_GT(test, advances, 0);
	KUNIT_EXPECT_GT(test, reads, 0);

	/* Quiescence: the last snapshot holds exactly what was done. */
	kmprof_cycle_advance_wait(prof);
	kmprof_test_read(test, prof, &totals);
	KUNIT_EXPECT_EQ(test, totals.negative_buckets, 0);
	KUNIT_EXPECT_EQ(test, totals.unmatched_lifetimes, 0);
	KUNIT_EXPECT_EQ(test, totals.sum.allocs, allocs);
	KUNIT_EXPECT_EQ(test, totals.sum.frees,
			frees + kmprof_test_stat(prof, KMPROF_STAT_LOST_FREES));
	KUNIT_EXPECT_EQ(test, totals.sum.allocs - totals.sum.frees, mapped);
	KUNIT_EXPECT_EQ(test, totals.sum.allocs - totals.sum.frees,
			kmprof_test_stat(prof, KMPROF_STAT_OBJECTS));
	KUNIT_EXPECT_EQ(test, totals.sum.alloc_bytes - totals.sum.free_bytes,
			mapped_bytes);
	KUNIT_EXPECT_EQ(test, kmprof_test_stat(prof, KMPROF_STAT_DROPS_BUCKET),
			0);
	KUNIT_EXPECT_EQ(test, kmprof_test_stat(prof, KMPROF_STAT_DROPS_OBJECT),
			0);
}

#define KMPROF_FIRST_READ_ROUNDS	100
#define KMPROF_FIRST_READS		4

/* A second CPU that allocates, advances as the timer would, and frees. */
struct kmprof_churn {
	struct kmprof_profile *prof;
	unsigned long base;
	unsigned long advances;
};

static int kmprof_churn_fn(void *data)
{
	struct kmprof_churn *c = data;
	unsigned long flags, n = 0;

	while (!kthread_should_stop()) {
		preempt_disable();
		kmprof_test_alloc(c->prof, c->base + 0x100UL * (n % 8), 64, 1);
		local_irq_save(flags);
		if (!kmprof_cycle_advance(c->prof))
			c->advances++;
		local_irq_restore(flags);
		kmprof_record_free(c->prof, c->base + 0x100UL * (n % 8));
		preempt_enable();
		n++;
		cond_resched();
	}
	return 0;
}

/*
 * The first reads of fresh profiles (nothing published yet: a read folds
 * the open slot) while another CPU allocates, advances and frees: no read
 * ever publishes a free without its allocation.
 */
static void kmprof_cycle_test_first_reads_race_advances(struct kunit *test)
{
	struct kmprof_churn churn = { .base = 0xffff888020000000UL };
	unsigned int round, read, reads = 0, other;
	struct task_struct *task;

	other = cpumask_next(raw_smp_processor_id(), cpu_online_mask);
	if (other >= nr_cpu_ids)
		other = cpumask_first(cpu_online_mask);
	for (round = 0; round < KMPROF_FIRST_READ_ROUNDS; round++) {
		churn.prof = kmprof_test_create(test, 1, 16, 16);
		task = kthread_create_on_cpu(kmprof_churn_fn, &churn, other,
					     "kmprof_churn/%u");
		KUNIT_ASSERT_FALSE(test, IS_ERR(task));
		wake_up_process(task);
		for (read = 0; read < KMPROF_FIRST_READS; read++)
			kmprof_stress_check_read(test, churn.prof, &reads);
		kthread_stop(task);
	}
	kunit_info(test, "%u reads, %lu advances\n", reads, churn.advances);
	KUNIT_EXPECT_GT(test, churn.advances, 0);
}

static struct kunit_case kmprof_cycle_concurrency_cases[] = {
	KUNIT_CASE_SLOW(kmprof_cycle_test_concurrent),
	KUNIT_CASE_SLOW(kmprof_cycle_test_first_reads_race_advances),
	{}
};

static struct kunit_suite kmprof_cycle_concurrency_suite = {
	.name = "kmprof_cycle_concurrency",
	.test_cases = kmprof_cycle_concurrency_cases,
};

kunit_test_suites(&kmprof_cycle_concurrency_suite);
