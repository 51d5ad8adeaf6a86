#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# No profile mixes counts sampled at two rates: writing a new rate starts a
# new profile, as reset does, and the heap file states the rate its counts
# were sampled at. After rate 0 then rate 1 every CPU samples every
# allocation again.
# Backend: either, a rate change starts a new profile in the backends'
# common code.
. "$(dirname "$0")/ktap.sh"
. "$(dirname "$0")/kmprof_lib.sh"

N=$((4 * SCALE))

# heap_rate: the rate of the heap file's header line.
heap_rate() { sed -n '1s/.*heap_v2\///p' "$D/heap"; }

# on_each_cpu COMMAND: the workload's command once on every CPU.
on_each_cpu()
{
	cpu=0
	while [ $cpu -lt "$(nproc)" ]; do
		workload_on_cpu $cpu "$@" || return 1
		cpu=$((cpu + 1))
	done
}

ktap_plan 10
ktap_check load kmprof_load rate=1
ktap_check load_workload workload_load
workload "kmalloc $N 256"
advance
set -- $(heap_site workload_kmalloc)
ktap_check sampled_at_rate_1 expect_eq "kmalloc allocs" "$1" "$N"

# The same rate again changes nothing.
echo 1 >"$D/rate"
set -- $(heap_site workload_kmalloc)
ktap_check same_rate_keeps_profile expect_eq "kmalloc allocs" "$1" "$N"

# A new rate: nothing of what rate 1 sampled is left to be scaled by it.
echo 524288 >"$D/rate"
set -- $(heap_site workload_kmalloc)
ktap_check new_rate_new_profile expect_eq "kmalloc allocs" "$1" 0
ktap_check heap_states_rate expect_eq "heap rate" "$(heap_rate)" 524288
ktap_check new_rate_resets_cycle grep -q '^cycle 0 pending 0$' "$D/cycle"

# Off, then every allocation again, on every CPU.
echo 0 >"$D/rate"
echo 1 >"$D/rate"
workload free
on_each_cpu "kmalloc $N 256"
advance
set -- $(heap_site workload_kmalloc)
ktap_check every_cpu_samples expect_eq "kmalloc allocs" "$1" $((N * $(nproc)))
workload free
ktap_check unload_workload workload_unload
ktap_check unload kmprof_unload
ktap_finish
