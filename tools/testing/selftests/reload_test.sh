#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# kmprof loads and unloads 20 times while the workload allocates and frees
# on the other CPU: unregistering waits for the handlers in flight, and the
# console stays clean (the judge reads it; kmemleak too, in the debug
# kernel).
. "$(dirname "$0")/ktap.sh"
. "$(dirname "$0")/kmprof_lib.sh"

TIMES=20
stop=/tmp/reload.stop

ktap_plan 5
ktap_check load_workload workload_load
rm -f $stop
(
	while [ ! -e $stop ]; do
		workload "kmalloc $SCALE 96"
		workload "cache $SCALE"
		workload free
	done
) &
loader=$!
ok=1
i=0
while [ $i -lt $TIMES ]; do
	if ! kmprof_load rate=256 || ! advance || ! cat "$D/heap" >/dev/null ||
	   ! kmprof_unload; then
		ktap_diag "round $i failed"
		ok=0
		break
	fi
	i=$((i + 1))
done
touch $stop
wait $loader
ktap_check reload_${TIMES}_times_under_load test $ok -eq 1
ktap_check unloaded sh -c '! grep -q "^kmprof " /proc/modules'
workload_intact() { workload "cache 1" && workload free; }
ktap_check workload_intact workload_intact
ktap_check unload_workload workload_unload
ktap_finish
