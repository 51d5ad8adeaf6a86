#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Allocations and frees on both CPUs, periodic advances from the timer and
# from a writer, and reads of heap, all at once: no read ever shows a
# negative in-use count (printed as a number of 2^63 or more), and no free
# goes unseen but for the ones the backend reports it dropped: none for
# the tracepoint backend.
. "$(dirname "$0")/ktap.sh"
. "$(dirname "$0")/kmprof_lib.sh"

ROUNDS=$((3 * SCALE))

churn()
{
	i=0
	while [ $i -lt $((ROUNDS * 4)) ]; do
		workload "kmalloc $((2 * SCALE)) 128" || return 1
		workload "cache $SCALE"
		workload "bulk $SCALE"
		workload free
		ls /sys/kernel >/dev/null
		i=$((i + 1))
	done
}

# frees_seen: every lost free is one the backend dropped.
frees_seen()
{
	lost=$(stat_value lost_frees)
	missed=$(stat_value free_probe_nmissed)
	ktap_diag "lost_frees $lost free_probe_nmissed $missed"
	[ "$lost" -le "$missed" ] || return 1
	[ "$KMPROF_BACKEND" != tracepoint ] || [ "$lost" -eq 0 ]
}

ktap_plan 6
ktap_check load kmprof_load rate=512 autocycle_ms=20
ktap_check load_workload workload_load
churn &
churn_a=$!
churn &
churn_b=$!
reads_ok=1
reads=0
while kill -0 $churn_a 2>/dev/null || kill -0 $churn_b 2>/dev/null; do
	advance
	cat "$D/heap" >/tmp/torture.heap
	no_negative /tmp/torture.heap || reads_ok=0
	reads=$((reads + 1))
done
wait
ktap_diag "$reads reads, $(grep -E '^(skipped_advances|flushes|lost_frees) ' $D/stats | tr '\n' ' ')"
ktap_check never_negative test $reads_ok -eq 1 -a $reads -gt 0
advance
set -- $(heap_site workload_kmalloc)
ktap_check frees_seen frees_seen
ktap_check quiescent_workload_freed expect_eq "workload_kmalloc in use" "$5" 0
workload_unload
ktap_check unload kmprof_unload
ktap_finish
