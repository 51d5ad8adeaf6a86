#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# At rate 1 every allocation of every workload site is in the profile with
# its stack, exactly once, with exact bytes; frees bring in-use back to zero.
. "$(dirname "$0")/ktap.sh"
. "$(dirname "$0")/kmprof_lib.sh"

N=$((20 * SCALE))
SITES="kmalloc:workload_kmalloc:200 kmalloc_large:workload_kmalloc:20000
kmalloc_const:workload_kmalloc_const: kmalloc_node:workload_kmalloc_node:300
cache:workload_cache_alloc: cache_lru:workload_cache_alloc_lru:
bulk:workload_bulk_alloc: krealloc:workload_krealloc:1000
kvmalloc:workload_kvmalloc:500"

ktap_plan 16
ktap_check load kmprof_load rate=1
ktap_check load_workload workload_load

# Allocate at every site, stop sampling, publish.
alloc_ok=1
for spec in $SITES; do
	cmd=${spec%%:*}
	[ "$cmd" = kmalloc_large ] && cmd=kmalloc
	size=${spec##*:}
	workload "$cmd $N $size" || alloc_ok=0
done
ktap_check workload_allocates test $alloc_ok -eq 1
sampling_off
advance
cp "$D/heap" /tmp/heap.alloc

# Each function's totals, allocated objects still held: what the workload
# did, and in use = allocated - freed (krealloc frees its first object).
for fn in workload_kmalloc workload_kmalloc_const workload_kmalloc_node \
	workload_cache_alloc workload_cache_alloc_lru workload_bulk_alloc \
	workload_krealloc workload_kvmalloc; do
	set -- $(truth $fn)
	want="$1 $2 $3 $4"
	set -- $(heap_site $fn /tmp/heap.alloc)
	ktap_check "allocs_$fn" expect_eq "$fn allocs req alloc frees" \
		"$1 $2 $3 $4" "$want"
done

# Free everything; once published, nothing of the workload is in use.
workload free
advance
cp "$D/heap" /tmp/heap.free
freed_ok=1
for fn in workload_kmalloc workload_kmalloc_const workload_kmalloc_node \
	workload_cache_alloc workload_cache_alloc_lru workload_bulk_alloc \
	workload_krealloc workload_kvmalloc; do
	set -- $(truth $fn)
	want_frees=$4
	set -- $(heap_site $fn /tmp/heap.free)
	expect_eq "$fn frees inuse_objs inuse_bytes" "$4 $5 $6" \
		"$want_frees 0 0" || freed_ok=0
done
ktap_check frees_bring_inuse_to_zero test $freed_ok -eq 1

# kfree_rcu() frees arrive through the RCU batches (kmem_cache_free_bulk
# or kfree), later: wait for them.
sampling_on
workload "kmalloc $N 128"
sampling_off
workload free_rcu
rcu_ok=0
i=0
while [ $i -lt 30 ]; do
	advance
	set -- $(heap_site workload_kmalloc)
	if [ "$5" = 0 ]; then
		rcu_ok=1
		break
	fi
	sleep 1
	i=$((i + 1))
done
[ $rcu_ok -eq 1 ] || ktap_diag "after ${i}s: $(heap_site workload_kmalloc)"
ktap_check kfree_rcu_frees_arrive test $rcu_ok -eq 1

ktap_check no_drops sh -c "grep -q '^drops_bucket_pool 0$' $D/stats &&
	grep -q '^drops_object_pool 0$' $D/stats"
ktap_check unload_workload workload_unload
ktap_check unload kmprof_unload
ktap_finish
