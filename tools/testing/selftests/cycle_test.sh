#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# A published cycle holds exactly the events before its advance: events
# after it wait for the next advance, whatever reads happen meanwhile.
# Backend: either, publication is the cycle ring's, after the event arrives.
. "$(dirname "$0")/ktap.sh"
. "$(dirname "$0")/kmprof_lib.sh"

N=$((5 * SCALE))
M=$((3 * SCALE))

ktap_plan 9
ktap_check load kmprof_load rate=1
ktap_check load_workload workload_load
workload "cache $N"
advance
workload "kmalloc_const $M"
workload "kmalloc $M 64"
set -- $(heap_site workload_cache_alloc)
ktap_check before_advance_published expect_eq "cache allocs" "$1" "$N"
set -- $(heap_site workload_kmalloc_const)
ktap_check after_advance_unpublished expect_eq "kmalloc_const allocs" "$1" 0
# A second read flushes nothing new: still only what preceded the advance.
set -- $(heap_site workload_kmalloc)
ktap_check reread_unpublished expect_eq "kmalloc allocs" "$1" 0
advance
set -- $(heap_site workload_kmalloc_const)
ktap_check next_advance_publishes expect_eq "kmalloc_const allocs" "$1" "$M"
workload free
set -- $(heap_site workload_cache_alloc)
ktap_check free_waits_for_advance expect_eq "cache in use" "$5" "$N"
advance
set -- $(heap_site workload_cache_alloc)
ktap_check free_published expect_eq "cache in use" "$5" 0
workload_unload
ktap_check unload kmprof_unload
ktap_finish
