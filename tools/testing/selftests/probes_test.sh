#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# The probes file lists the armed entry points, and they cover every
# family of slab allocation and free on this kernel.
. "$(dirname "$0")/ktap.sh"
. "$(dirname "$0")/kmprof_lib.sh"

# armed ROLE NAME...: one of the names (6.1 or 6.10+ spelling) is armed.
armed()
{
	role=$1
	shift
	for name in "$@"; do
		grep -q "^$name $role armed [0-9]* [0-9]*$" "$D/probes" && return 0
	done
	ktap_diag "none of $* is armed"
	return 1
}

ktap_plan 18
ktap_check load kmprof_load
ktap_check header sh -c "head -n 1 $D/probes | grep -qx 'kmprof probes v1'"
ktap_check kmalloc armed alloc __kmalloc __kmalloc_noprof
ktap_check kmalloc_node armed alloc __kmalloc_node __kmalloc_node_noprof
ktap_check kmalloc_track_caller armed alloc __kmalloc_node_track_caller \
	__kmalloc_node_track_caller_noprof
ktap_check kmalloc_large armed alloc kmalloc_large __kmalloc_large_noprof
ktap_check kmalloc_large_node armed alloc kmalloc_large_node \
	__kmalloc_large_node_noprof
ktap_check kmalloc_cache armed alloc kmalloc_trace __kmalloc_cache_noprof
ktap_check kmalloc_cache_node armed alloc kmalloc_node_trace \
	__kmalloc_cache_node_noprof
ktap_check kmem_cache_alloc armed alloc kmem_cache_alloc kmem_cache_alloc_noprof
ktap_check kmem_cache_alloc_lru armed alloc kmem_cache_alloc_lru \
	kmem_cache_alloc_lru_noprof
ktap_check kmem_cache_alloc_node armed alloc kmem_cache_alloc_node \
	kmem_cache_alloc_node_noprof
ktap_check kmem_cache_alloc_bulk armed alloc kmem_cache_alloc_bulk \
	kmem_cache_alloc_bulk_noprof
ktap_check kfree armed free kfree
ktap_check kmem_cache_free armed free kmem_cache_free
ktap_check kmem_cache_free_bulk armed free kmem_cache_free_bulk
ls -R /sys >/dev/null 2>&1
ktap_check hits_counted sh -c "awk '\$1 == \"kfree\" && \$4 > 0 { ok = 1 }
	END { exit !ok }' $D/probes"
ktap_check unload kmprof_unload
ktap_finish
