#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# A sampled object whose free was missed is retired as soon as its address
# is allocated again, sampled or not: its site's in-use comes back to the
# exact count, and the free is counted as lost. The frees are missed by
# disabling kmprof; the addresses are handed out again by allocations the
# sampler (the test build's skip_samples) says no to.
. "$(dirname "$0")/ktap.sh"
. "$(dirname "$0")/kmprof_lib.sh"

N=16

# The workload's commands run on CPU 0, so that the cache's objects freed
# there are the ones it hands out next.

ktap_plan 10
ktap_check load kmprof_load rate=1
ktap_check load_workload workload_load
workload_on_cpu 0 "cache $N"
advance
set -- $(heap_site workload_cache_alloc)
ktap_check sampled_all expect_eq "cache in use" "$5" "$N"

# Frees while disabled go unseen: the entries stay in the object map.
echo 0 >"$D/enable"
workload_on_cpu 0 free
echo 1 >"$D/enable"
lost_before=$(stat_value lost_frees)
sampling_off
ktap_check reallocated workload_on_cpu 0 "reuse $N"
sampling_on
reused=$(awk '$1 == "reused" { print $2 }' "$W")
# KASAN's quarantine (the debug kernel) holds freed objects back: there the
# addresses may not come again, and the cases below hold with none reused.
if [ "$SCALE" = 1 ]; then
	ktap_skip addresses_reused "KASAN's quarantine holds freed objects back"
else
	ktap_check addresses_reused test "$reused" -ge 1
fi

advance
set -- $(heap_site workload_cache_alloc)
ktap_check inuse_back_to_exact expect_eq "cache in use" "$5" $((N - reused))
ktap_check lost_frees_counted test $(($(stat_value lost_frees) - lost_before)) -ge "$reused"
# The reused objects were not sampled: nothing of them is in use.
set -- $(heap_site workload_reuse_alloc)
ktap_check reuse_unsampled expect_eq "reuse in use" "$5" 0
workload free
ktap_check unload_workload workload_unload
ktap_check unload kmprof_unload
ktap_finish
