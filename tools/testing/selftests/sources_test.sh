#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# The page allocator, vmalloc and percpu in the same profile as the slab:
# at rate 1 every allocation of their workload sites is counted once,
# under its allocator, with exact bytes; the pages that back a slab, a
# large kmalloc, a vmalloc area or a percpu chunk are never counted as
# pages; frees bring in-use back to zero; movable pages are left out
# unless sources= names user, and a source left out is not probed.
. "$(dirname "$0")/ktap.sh"
. "$(dirname "$0")/kmprof_lib.sh"

N=$((4 * SCALE))
# kvmalloc() beyond kmalloc's largest size: vmalloc.
KV_SIZE=16777216
# function:allocator of every site of another allocator than the slab.
SITES="workload_pages:page workload_free_pages:page workload_folio:page
workload_page_put:page workload_vmalloc:vmalloc workload_percpu:percpu
workload_kvmalloc:vmalloc"

# site_ok FILE FUNCTION ALLOCATOR WHAT: FUNCTION's records of ALLOCATOR in
# FILE against the truth; WHAT is "allocs" (allocations, requested and
# allocated bytes) or "freed" (frees, nothing in use).
site_ok()
{
	set -- "$@" $(truth "$2")
	local file=$1 fn=$2 alloc=$3 what=$4 allocs=$5 req=$6 bytes=$7 frees=$8

	set -- $(heap_alloc_site "$fn" "$alloc" "$file")
	if [ "$what" = allocs ]; then
		expect_eq "$fn $alloc allocs req bytes" "$1 $2 $3" \
			"$allocs $req $bytes"
	else
		expect_eq "$fn $alloc frees inuse_objs inuse_bytes" "$4 $5 $6" \
			"$frees 0 0"
	fi
}

# no_page_under FILE FUNCTION...: no record of the page allocator (or of
# user pages) has one of FUNCTIONs on its stack.
no_page_under()
{
	local file=$1

	shift
	heap_records "$file" | awk -v funcs="$*" '
	BEGIN { n = split(funcs, fn, " ") }
	$1 == "page" || $1 == "user" {
		for (i = 9; i <= NF; i++)
			for (j = 1; j <= n; j++)
				if ($i == fn[j]) {
					print "# counted as pages: " $0
					bad = 1
				}
	}
	END { exit bad }'
}

# refused PARAM...: kmprof does not load with these parameters.
refused() { ! kmprof_load "$@"; }

# no_allocator ALLOCATOR FILE: FILE has no record of ALLOCATOR.
no_allocator() { ! heap_records "$2" | grep -q "^$1 "; }

# allocs_of FUNCTION ALLOCATOR FILE: FUNCTION's allocations of ALLOCATOR.
allocs_of() { set -- $(heap_alloc_site "$@"); echo "$1"; }

# user_pages_left_out FILE: no record of user pages in FILE, and none of
# the page allocator made by workload_user_pages. (Its name may show deep
# in other stacks: a frame of a module's init code, freed since, takes the
# name of whatever was loaded there later.)
user_pages_left_out()
{
	no_allocator user "$1" &&
		[ -z "$(heap_alloc_buckets "$1" workload_user_pages page)" ]
}

# armed ALLOCATOR: an entry point of ALLOCATOR is armed (probes file).
armed() { awk -v a="$1" '$3 == "armed" && $6 == a { ok = 1 } END { exit !ok }' "$D/probes"; }

ktap_plan 25
ktap_check bad_sources_refused refused sources=slab,bogus
ktap_check twice_named_refused refused sources=page,page
ktap_check load kmprof_load rate=1
ktap_check load_workload workload_load
ktap_check header_states_sources sh -c \
	"sed -n 2p $D/heap | grep -q ' sources=slab,page,vmalloc,percpu\( \|\$\)'"
for a in page vmalloc percpu; do
	ktap_check "probes_$a" armed $a
done

alloc_ok=1
for cmd in "pages $N 0" "pages $N 3" "free_pages $N 1" "folio $N 2" \
	"page_put $N" "vmalloc $N 20000" "vmalloc $N 65536" "percpu $N 24" \
	"kvmalloc 2 $KV_SIZE" "kmalloc $N 20000" "cache $N" \
	"user_pages $N 0"; do
	workload "$cmd" || alloc_ok=0
done
ktap_check workload_allocates test $alloc_ok -eq 1
sampling_off
advance
cp "$D/heap" /tmp/heap.sources

for spec in $SITES; do
	ktap_check "allocs_${spec%%:*}" site_ok /tmp/heap.sources \
		"${spec%%:*}" "${spec##*:}" allocs
done
ktap_check backing_pages_not_counted no_page_under /tmp/heap.sources \
	workload_vmalloc workload_kvmalloc workload_percpu workload_kmalloc \
	workload_cache_alloc
ktap_check user_pages_left_out user_pages_left_out /tmp/heap.sources

workload free
advance
cp "$D/heap" /tmp/heap.sources.free
freed_ok=1
for spec in $SITES; do
	site_ok /tmp/heap.sources.free "${spec%%:*}" "${spec##*:}" freed ||
		freed_ok=0
done
ktap_check frees_bring_inuse_to_zero test $freed_ok -eq 1
sampling_on
workload_unload
kmprof_unload

# Movable pages, the kernel's and vmalloc: the slab is not probed at all.
ktap_check load_user kmprof_load rate=1 sources=user,page,vmalloc
workload_load
ktap_check slab_not_probed sh -c "! awk '\$6 == \"slab\"' $D/probes | grep -q ."
workload "user_pages $N 1"
workload "pages $N 1"
workload "kmalloc $N 200"
advance
cp "$D/heap" /tmp/heap.user
ktap_check user_pages_counted site_ok /tmp/heap.user workload_user_pages \
	user allocs
ktap_check no_slab_records no_allocator slab /tmp/heap.user

# Cycle boundaries: what the page allocator and vmalloc allocate after an
# advance stays out of the published profile until the next one.
workload "pages $N 1"
workload "vmalloc $N 8192"
cp "$D/heap" /tmp/heap.open
advance
cp "$D/heap" /tmp/heap.next
ktap_check open_cycle_unpublished expect_eq "pages vmalloc before the advance" \
	"$(allocs_of workload_pages page /tmp/heap.open) $(allocs_of workload_vmalloc vmalloc /tmp/heap.open)" \
	"$(allocs_of workload_pages page /tmp/heap.user) 0"
ktap_check next_cycle_published expect_eq "pages vmalloc after the advance" \
	"$(allocs_of workload_pages page /tmp/heap.next) $(allocs_of workload_vmalloc vmalloc /tmp/heap.next)" \
	"$(($(allocs_of workload_pages page /tmp/heap.user) + N)) $N"
workload free
workload_unload
kmprof_unload
ktap_finish
