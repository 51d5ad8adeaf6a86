#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Object ages and lifetimes. At rate 1, objects held since a known time
# fall in their age class (the heap file's ages=), objects just allocated
# in the first classes, and kmprof top --min-age shows the old site but not
# a younger one of the same size; frees take objects out of the classes,
# and put them in their lifetime classes (lifetimes=, lifetime_sum=).
# Backend: either, ages and lifetimes are kept by the object map, after the
# event arrives.
. "$(dirname "$0")/ktap.sh"
. "$(dirname "$0")/kmprof_lib.sh"

N=8
SIZE=4096
# 9 to 15 seconds old at the read: class 4 (8 s to 16 s), with room for
# a slow read in the debug kernel.
WAIT=9
OLD_CLASS=4

# young_ok FILE KEY: workload_kmalloc_node's N objects are all in KEY's
# classes 0 to 2 (under 4 s old, or lived).
young_ok()
{
	heap_key "$1" workload_kmalloc_node "$2" | tr ',' '\n' |
		awk -F: -v n=$N '{ sum += $2; if ($1 > 2) bad = 1 }
			END { exit bad || sum != n }'
}

ktap_plan 12
ktap_check load kmprof_load rate=1
ktap_check load_workload workload_load
workload "kmalloc $N $SIZE"
sleep $WAIT
workload "kmalloc_node $N $SIZE"
sampling_off
advance
cp "$D/heap" /tmp/heap.ages
# Freed at once: the young objects lived as long as the read, the old ones
# WAIT seconds more.
workload free
set -- $(truth workload_kmalloc)
BYTES=$3
ktap_check old_objects_in_their_class expect_eq "workload_kmalloc ages" \
	"$(heap_ages /tmp/heap.ages workload_kmalloc)" "$OLD_CLASS:$N"
ktap_diag "workload_kmalloc_node ages: $(heap_ages /tmp/heap.ages workload_kmalloc_node)"
ktap_check young_objects_in_first_classes young_ok /tmp/heap.ages ages
ktap_check min_age_keeps_old_site expect_eq "top --min-age 8s, old site" \
	"$(top_row /tmp/heap.ages workload_kmalloc --min-age 8s)" "$BYTES"
ktap_check min_age_drops_young_site expect_eq "top --min-age 8s, young site" \
	"$(top_row /tmp/heap.ages workload_kmalloc_node --min-age 8s)" 0
ktap_check min_age_zero_keeps_all expect_eq "top --min-age 0, young site" \
	"$(top_row /tmp/heap.ages workload_kmalloc_node --min-age 0)" "$BYTES"
advance
cp "$D/heap" /tmp/heap.freed
ktap_check frees_leave_no_ages expect_eq "ages after the frees" \
	"$(heap_ages /tmp/heap.freed workload_kmalloc) $(heap_ages /tmp/heap.freed workload_kmalloc_node)" \
	"- -"
# Held 9 to 15 seconds: class 4, the sum in range.
ktap_check old_lifetimes_in_their_class expect_eq "workload_kmalloc lifetimes" \
	"$(heap_key /tmp/heap.freed workload_kmalloc lifetimes)" "$OLD_CLASS:$N"
SUM=$(heap_key /tmp/heap.freed workload_kmalloc lifetime_sum)
ktap_check old_lifetime_sum sh -c "[ ${SUM:-0} -ge $((WAIT * N)) ] &&
	[ ${SUM:-0} -lt $((16 * N)) ]"
ktap_check young_lifetimes_in_first_classes young_ok /tmp/heap.freed lifetimes
sampling_on
workload_unload
ktap_check unload kmprof_unload
ktap_finish
