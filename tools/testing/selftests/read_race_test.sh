#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# The first reads of a profile (nothing published yet: a read folds the
# open cycle too) while the periodic advance closes cycles and both CPUs
# allocate and free: no read ever publishes a free without its allocation,
# right after a load or after a reset: 1000 reads of 20 fresh profiles
# (50 reads of 2 in the debug kernel, whose lockdep and KASAN watch the
# race at a crawl; a reset waits for an RCU grace period, which takes a
# second or more under this load and emulation).
# The race is the core's, the same whatever feeds it: it runs with the
# tracepoint backend only.
. "$(dirname "$0")/ktap.sh"
. "$(dirname "$0")/kmprof_lib.sh"

if [ "$KMPROF_BACKEND" != tracepoint ]; then
	ktap_plan 1
	ktap_skip first_reads "the core's race: once, with the tracepoint backend"
	ktap_finish
fi

LOADS=2
if [ "$SCALE" = 1 ]; then
	RESETS=0
	READS=25
else
	RESETS=18
	READS=50
fi
PARAMS="rate=1 autocycle_ms=10 max_buckets=1024 max_objects=4096"
STOP=/tmp/read_race.stop

churn_until_stopped()
{
	while [ ! -e $STOP ]; do
		workload "kmalloc 8 64" || return 1
		workload free
	done
}

# reads: READS reads of heap, each checked; prints the failures.
reads()
{
	r=0
	while [ $r -lt $READS ]; do
		cat "$D/heap" >/tmp/read_race.heap || return 1
		no_negative /tmp/read_race.heap || return 1
		r=$((r + 1))
	done
}

after_loads()
{
	i=0
	while [ $i -lt $LOADS ]; do
		kmprof_load $PARAMS || return 1
		reads || return 1
		kmprof_unload || return 1
		i=$((i + 1))
	done
}

after_resets()
{
	i=0
	while [ $i -lt $RESETS ]; do
		echo 1 >"$D/reset" || return 1
		reads || return 1
		i=$((i + 1))
	done
}

ktap_plan 5
ktap_check load_workload workload_load
rm -f $STOP
churn_until_stopped &
churn_until_stopped &
ktap_check reads_after_load after_loads
ktap_check load kmprof_load $PARAMS
ktap_check reads_after_reset after_resets
touch $STOP
wait
ktap_diag "$(grep -E '^(skipped_advances|flushes|cycle) ' $D/stats | tr '\n' ' ')"
workload_unload
ktap_check unload kmprof_unload
ktap_finish
