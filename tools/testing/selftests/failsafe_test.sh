#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# The fail-safe: a broken invariant of the profile (provoked through the
# test build's corrupt file) warns exactly once, disarms the backend and
# says so in stats; the module stays usable, and reset or enable bring
# profiling back. The judge accepts the warnings only inside the bracket
# that announces them.
. "$(dirname "$0")/ktap.sh"
. "$(dirname "$0")/kmprof_lib.sh"

N=$((2 * SCALE))

# disarmed_by_warn: wait (up to 20 s) for the fail-safe's work to disarm.
disarmed_by_warn()
{
	i=0
	while [ "$(stat_value disabled_by_warn)" != 1 ]; do
		[ $i -lt 20 ] || { ktap_diag "not disarmed"; return 1; }
		sleep 1
		i=$((i + 1))
	done
	expect_eq enable "$(cat $D/enable)" 0 || return 1
	! grep -q ' armed ' "$D/probes"
}

# breaks WHAT TRIGGER...: corrupt WHAT, run TRIGGER, one warning results.
breaks()
{
	what=$1
	shift
	echo "kmprof-vm: expect-warnings begin 1" >/dev/kmsg
	echo "$what" >"$D/test/corrupt" && "$@"
	disarmed_by_warn
	status=$?
	echo "kmprof-vm: expect-warnings end" >/dev/kmsg
	return $status
}

# counts_again: profiling is back, exact at rate 1.
counts_again()
{
	expect_eq disabled_by_warn "$(stat_value disabled_by_warn)" 0 &&
	expect_eq enable "$(cat $D/enable)" 1 || return 1
	before=$(heap_site workload_kmalloc_const | cut -d' ' -f1)
	workload "kmalloc_const $N" || return 1
	advance
	set -- $(heap_site workload_kmalloc_const)
	expect_eq "kmalloc_const allocs" "$1" $((before + N))
}

# read_heap: a read of heap (which flushes), ignoring its status.
read_heap() { cat "$D/heap" >/dev/null; }

ktap_plan 10
ktap_check load kmprof_load rate=1
ktap_check load_workload workload_load
# Three cycles pending: the next advance finds it.
ktap_check ring_breaks breaks ring sh -c "! echo 1 >$D/cycle"
ktap_check reset_resumes sh -c "echo 1 >$D/reset"
ktap_check counts_after_reset counts_again
# A free without its allocation: the flush of its cycle finds it.
ktap_check active_breaks breaks active sh -c "echo 1 >$D/cycle && cat $D/heap >/dev/null"
ktap_check enable_resumes sh -c "echo 1 >$D/enable"
ktap_check counts_after_enable counts_again
# Object map chains out of the pool: the next sampled allocation finds it.
ktap_check objmap_breaks breaks objmap workload "kmalloc_const 1"
workload free
workload_unload
ktap_check unload kmprof_unload
ktap_finish
