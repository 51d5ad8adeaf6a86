#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# The probes file names the backend and lists what it armed, and that
# covers every family of allocation and free of every source on this
# kernel: the kprobe backend arms every entry point, and the allocation
# tracepoints to see every address; the tracepoint backend the kmem and
# percpu tracepoints, and kprobes only where none reports the events (the
# bulk slab calls, vmalloc).
. "$(dirname "$0")/ktap.sh"
. "$(dirname "$0")/kmprof_lib.sh"

# armed ROLE NAME...: one of the names (6.1 or 6.10+ spelling) is armed;
# its hits are counted or not.
armed()
{
	role=$1
	shift
	for name in "$@"; do
		grep -Eq "^$name $role armed (-|[0-9]+) [0-9]+ [a-z]+$" \
			"$D/probes" &&
			return 0
	done
	ktap_diag "none of $* is armed"
	return 1
}

# kprobed ROLE NAME...: armed if the kprobe backend runs, else not listed.
kprobed()
{
	if [ "$KMPROF_BACKEND" = kprobe ]; then
		armed "$@"
		return
	fi
	shift
	for name in "$@"; do
		if grep -q "^$name " "$D/probes"; then
			ktap_diag "$name is kprobed, its tracepoint covers it"
			return 1
		fi
	done
}

# traced ROLE SYSTEM:EVENT: armed if the tracepoint backend runs. The
# kprobe backend attaches to the allocation events in the role "reuse" (to
# retire the entries of objects whose free was missed), not to the free
# events.
traced()
{
	if [ "$KMPROF_BACKEND" = tracepoint ]; then
		armed "$1" "$2"
		return
	fi
	if [ "$1" = alloc ]; then
		armed reuse "$2"
		return
	fi
	! grep -q "^$2 " "$D/probes"
}

ktap_plan 40
ktap_check load kmprof_load
ktap_check header sh -c "head -n 1 $D/probes | grep -qx 'kmprof probes v5'"
ktap_check backend_line sh -c "sed -n 2p $D/probes | grep -qx 'backend $KMPROF_BACKEND'"
ktap_check backend_in_stats sh -c "grep -qx 'backend $KMPROF_BACKEND' $D/stats"
ktap_check kmalloc kprobed alloc __kmalloc __kmalloc_noprof
ktap_check kmalloc_node kprobed alloc __kmalloc_node __kmalloc_node_noprof
ktap_check kmalloc_track_caller kprobed alloc __kmalloc_node_track_caller \
	__kmalloc_node_track_caller_noprof
ktap_check kmalloc_large kprobed alloc kmalloc_large __kmalloc_large_noprof
ktap_check kmalloc_large_node kprobed alloc kmalloc_large_node \
	__kmalloc_large_node_noprof
ktap_check kmalloc_cache kprobed alloc kmalloc_trace __kmalloc_cache_noprof
ktap_check kmalloc_cache_node kprobed alloc kmalloc_node_trace \
	__kmalloc_cache_node_noprof
ktap_check kmem_cache_alloc kprobed alloc kmem_cache_alloc kmem_cache_alloc_noprof
ktap_check kmem_cache_alloc_lru kprobed alloc kmem_cache_alloc_lru \
	kmem_cache_alloc_lru_noprof
ktap_check kmem_cache_alloc_node kprobed alloc kmem_cache_alloc_node \
	kmem_cache_alloc_node_noprof
ktap_check kfree kprobed free kfree
ktap_check kmem_cache_free kprobed free kmem_cache_free
ktap_check tp_kmalloc traced alloc kmem:kmalloc
ktap_check tp_kmem_cache_alloc traced alloc kmem:kmem_cache_alloc
ktap_check tp_kfree traced free kmem:kfree
ktap_check tp_kmem_cache_free traced free kmem:kmem_cache_free
# The page allocator: one allocation funnel, three ways to free.
ktap_check alloc_pages kprobed alloc __alloc_pages __alloc_pages_noprof
ktap_check free_unref_page kprobed free free_unref_page
ktap_check free_page_batches kprobed free free_unref_page_list \
	free_unref_folios
ktap_check free_pages_ok kprobed free __free_pages_ok
ktap_check tp_mm_page_alloc traced alloc kmem:mm_page_alloc
ktap_check tp_mm_page_free traced free kmem:mm_page_free
# percpu.
ktap_check pcpu_alloc kprobed alloc pcpu_alloc pcpu_alloc_noprof
ktap_check free_percpu kprobed free free_percpu
ktap_check tp_percpu_alloc traced alloc percpu:percpu_alloc_percpu
ktap_check tp_percpu_free traced free percpu:percpu_free_percpu
# vmalloc: no tracepoint reports it; both backends probe it.
ktap_check vmalloc armed alloc __vmalloc_node_range \
	__vmalloc_node_range_noprof
ktap_check vfree armed free vfree
# Neither backend has anything else for the bulk calls.
ktap_check kmem_cache_alloc_bulk armed alloc kmem_cache_alloc_bulk \
	kmem_cache_alloc_bulk_noprof
ktap_check kmem_cache_free_bulk armed free kmem_cache_free_bulk
# Calls are counted only with hits=1: by default no hits, no events line.
ls -R /sys >/dev/null 2>&1
ktap_check hits_not_counted sh -c "awk 'NR > 2 && \$4 != \"-\" { bad = 1 }
	END { exit bad }' $D/probes && ! grep -q '^events ' $D/stats"
ktap_check unload kmprof_unload
ktap_check load_counting_hits kmprof_load hits=1
ls -R /sys >/dev/null 2>&1
ktap_check hits_counted sh -c "awk '\$1 ~ /^(kmem:)?kfree\$/ && \$4 > 0 { ok = 1 }
	END { exit !ok }' $D/probes"
ktap_check events_counted sh -c "awk '\$1 == \"events\" && \$2 > 0 { ok = 1 }
	END { exit !ok }' $D/stats"
ktap_check unload_counting_hits kmprof_unload
ktap_finish
