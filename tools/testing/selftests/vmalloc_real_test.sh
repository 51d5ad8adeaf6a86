#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# A real vmalloc path nobody here wrote: every task's kernel stack is a
# vmalloc area (CONFIG_VMAP_STACK). While 200 sleeping tasks hold theirs,
# the vmalloc bytes kmprof holds in use at rate 1 grew by what the
# kernel's own books say, within 10%: VmallocUsed of /proc/meminfo and the
# pages of /proc/vmallocinfo.
. "$(dirname "$0")/ktap.sh"
. "$(dirname "$0")/kmprof_lib.sh"

TASKS=200

# vmalloc_used: VmallocUsed, in bytes.
vmalloc_used() { awk '$1 == "VmallocUsed:" { print $2 * 1024 }' /proc/meminfo; }

# vmallocinfo_bytes: the pages of every vmalloc area, in bytes.
vmallocinfo_bytes()
{
	awk '{ for (i = 1; i <= NF; i++) if ($i ~ /^pages=/) {
		sub(/pages=/, "", $i); n += $i } }
	END { print n * 4096 }' /proc/vmallocinfo
}

# kmprof_vmalloc: vmalloc bytes in use in the heap file FILE.
kmprof_vmalloc()
{
	heap_records "$1" | awk '$1 == "vmalloc" { n += $3 } END { print n + 0 }'
}

# within_10pct WHAT GOT WANT: GOT is WANT within 10%, and WANT is 1 MiB at
# least (the tasks' stacks are that much).
within_10pct()
{
	ktap_diag "$1: kmprof $2, the kernel $3"
	awk -v got="$2" -v want="$3" 'BEGIN {
		d = got - want; if (d < 0) d = -d
		exit !(want >= 1048576 && d * 10 <= want)
	}'
}

ktap_plan 5
ktap_check load kmprof_load rate=1 sources=vmalloc
advance
cp "$D/heap" /tmp/heap.vm0
used0=$(vmalloc_used)
info0=$(vmallocinfo_bytes)
pids=
i=0
while [ $i -lt $TASKS ]; do
	sleep 600 &
	pids="$pids $!"
	i=$((i + 1))
done
sleep 1
advance
cp "$D/heap" /tmp/heap.vm1
used1=$(vmalloc_used)
info1=$(vmallocinfo_bytes)
kill $pids 2>/dev/null
wait 2>/dev/null
grown=$(($(kmprof_vmalloc /tmp/heap.vm1) - $(kmprof_vmalloc /tmp/heap.vm0)))
# Without CONFIG_VMAP_STACK (the debug kernel: KASAN without
# KASAN_VMALLOC) the stacks are no vmalloc areas, and VmallocUsed does not
# grow by 8 KiB a task, half the smallest stack.
if [ $((used1 - used0)) -lt $((TASKS * 8192)) ]; then
	for c in stacks_seen vmalloc_used_within_10pct vmallocinfo_within_10pct; do
		ktap_skip "$c" "kernel stacks are not vmalloc areas in this kernel"
	done
	ktap_check unload kmprof_unload
	ktap_finish
fi
# The stacks come from fork, whatever the compiler inlined of it.
ktap_check stacks_seen grep -Eq \
	'alloc_thread_stack_node|dup_task_struct|copy_process' /tmp/heap.vm1
ktap_check vmalloc_used_within_10pct within_10pct VmallocUsed "$grown" \
	$((used1 - used0))
ktap_check vmallocinfo_within_10pct within_10pct vmallocinfo "$grown" \
	$((info1 - info0))
ktap_check unload kmprof_unload
ktap_finish
