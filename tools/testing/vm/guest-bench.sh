#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# What `make bench` runs inside the VM. In mode count (QEMU counting
# instructions, run-vm.sh) only the microbenchmark's passes, without the
# workload, whose times mean nothing there. On a stock kernel: the slab
# microbenchmark and a small real workload in each configuration of
# kmprof, one after the other in this one boot, then with full tracing
# instead of kmprof; the memory kmprof reserves; what an advance and a flush
# cost with 1k to 64k buckets; and how close the estimates are to the
# workload module's truth. On the debug kernel only the last, beside the
# exact numbers of /proc/allocinfo (its slab costs would mean nothing);
# on 6.12, one read of the heap file at the largest bucket pool. On the
# alloctag kernel (Debian's config with the kernel's own allocation
# profiling built in, off until sysctl vm.mem_profiling=1): the
# microbenchmark with that profiling, kmprof and both, what reading each
# profile takes, and the estimates beside /proc/allocinfo. The
# sequence of configurations is repeated in passes, so that a slow spell of
# the host falls on one pass, not on one configuration. The raw results go
# to the host as the artifact bench.txt, one line each (a configuration has
# one line per pass):
#
#   <config> <case> <ns/op on CPU 0> <on CPU 1> ...   microbenchmark
#   <config> workload <ms>                             tmpfs and pipes
#   labelbuckets <labels> <buckets> <drops>          after services_work
#   reserved <params> <bytes>                          from stats
#   flush <n> <buckets> <advance ns> <flush ns> <batch ns> <drops>
#   heapread <n> <records> <bytes> <ms> <KiB>          one read of heap
#   rate <bytes>                                       of the estimates
#   truth <function> <allocs> <req> <bytes> <frees>    the workload's own
#   sampled <function> <inuse objs> <inuse bytes> <alloc objs> <alloc bytes>
#                                                      one heap bucket
#   allocinfo <function> <bytes> <calls>               /proc/allocinfo
#   readtime <profile> <reads> <ms> <bytes> <lines>    reads of a profile
#   readbuckets <buckets> <allocinfo lines>            what was read
#
# KMPROF_BENCH="ITERS,ROUNDS,PASSES[,smoke]" sizes the microbenchmark; the
# workload is scaled with ITERS; "smoke" shrinks the flush and estimate
# runs to a few buckets and objects.
. "$KMPROF_GUEST/selftests/kmprof_lib.sh"
BENCH_KO=$KMPROF_GUEST/kmprof_bench.ko
BENCH_D=/sys/kernel/debug/kmprof_bench
out=/tmp/bench.txt
IFS=, read -r iters rounds passes size <<EOF
$KMPROF_BENCH
EOF
files=$((iters / 20))

# Buckets to flush, buckets of the heap read (the largest pool, on 6.12
# only: a read of it takes minutes under emulation), and the divisor of
# the estimate workload's counts.
label_sets="- context context,cgroup comm pid context,comm,pid,cgroup"
label_files=2000
label_walk=
if [ "$size" = smoke ]; then
	label_files=100
	label_walk=nowalk
	flush_sizes="256 1024"
	read_sizes=4096
	label_sets=context,comm,pid,cgroup
	divisor=64
elif [ "$SCALE" = 1 ]; then
	flush_sizes=""
	read_sizes=""
	divisor=4
else
	flush_sizes="1024 16384 65536"
	read_sizes=
	uname -r | grep -q '^6\.1\.' || read_sizes=1048576
	divisor=1
fi

ms() { awk '{ printf "%d\n", $1 * 1000 }' /proc/uptime; }

# storm: create, stat and delete files in tmpfs, and push data through
# pipes; prints how long it took in ms (/proc/uptime: 10 ms resolution).
storm()
{
	local t0 i

	t0=$(ms)
	mkdir -p /tmp/w
	i=0
	while [ $i -lt $files ]; do
		echo $i >/tmp/w/f$i
		i=$((i + 1))
	done
	ls -l /tmp/w >/dev/null
	rm -rf /tmp/w
	i=0
	while [ $i -lt $((files / 50 + 1)) ]; do
		head -c 65536 /dev/zero | cat | wc -c >/dev/null
		i=$((i + 1))
	done
	echo $(($(ms) - t0))
}

# measure CONFIG: one run of every case, then the workload (not when
# counting instructions).
measure()
{
	echo "kmprof-bench: $1" >/dev/kmsg
	sed "s/^/$1 /" $BENCH_D/results >>$out
	[ "$KMPROF_MODE" = count ] || echo "$1 workload $(storm)" >>$out
}

# services_work: the demo's work, a quarter of it in each of four
# cgroups, as four services of a host would run it (the smoke run walks
# no /sys and /proc: that walk is most of its time).
services_work()
{
	local cg=/sys/fs/cgroup s

	grep -q " $cg cgroup2 " /proc/mounts || mount -t cgroup2 none $cg
	for s in 0 1 2 3; do
		mkdir -p $cg/svc$s
		sh -c ". $KMPROF_GUEST/selftests/kmprof_lib.sh &&
			echo \$\$ >$cg/svc$s/cgroup.procs &&
			demo_work $((label_files / 4)) $label_walk &&
			rm -rf /tmp/demo"
		rmdir $cg/svc$s
	done
}

# label_buckets SET...: for each label set (labels=, "-" for none), the
# buckets services_work leaves at the demo's rate, on the kprobe backend.
label_buckets()
{
	local set

	for set in "$@"; do
		echo "kmprof-bench: buckets with labels $set" >/dev/kmsg
		if ! kmprof_load rate=4096 labels="${set#-}"; then
			echo "labelbuckets $set failed to load" >>$out
			continue
		fi
		services_work
		echo "labelbuckets $set $(stat_value buckets_in_use)" \
			"$(stat_value drops_bucket_pool)" >>$out
		kmprof_unload
	done
}

reserved() { awk -v p="$1" '$1 == "reserved_bytes" { print "reserved", p, $2 }' "$D/stats" >>$out; }

# wait_flush: until the cycle file says no flush is pending (60 s at most).
wait_flush()
{
	local i=0

	while ! grep -q ' pending 0$' "$D/cycle"; do
		i=$((i + 1))
		[ $i -le 600 ] || return 1
		sleep 0.1 2>/dev/null || sleep 1
	done
}

# fill N: N allocations from N stacks of the bench module's tree of calls,
# then an advance and its flush.
fill() { echo "$1" >$BENCH_D/buckets && advance && wait_flush; }

# flush_cost N...: for each N, kmprof at rate 1 with N more buckets filled
# by the bench module's tree of calls; then one advance and its flush, and
# the times stats reports for them. The first round creates the buckets
# and runs the code cold (under TCG, translating it); the second, timed,
# puts one event in each of the same buckets again.
flush_cost()
{
	local n

	for n in "$@"; do
		echo "kmprof-bench: flush $n" >/dev/kmsg
		if ! kmprof_load rate=1 max_buckets=$((n + 16384)); then
			echo "flush $n failed to load" >>$out
			continue
		fi
		if fill "$n" && fill "$n"; then
			awk -v n="$n" '{ v[$1] = $2 }
			END {
				print "flush", n, v["buckets_in_use"],
					v["advance_last_ns"], v["flush_last_ns"],
					v["flush_last_batch_ns"], v["drops_bucket_pool"]
			}' "$D/stats" >>$out
		else
			echo "flush $n failed" >>$out
		fi
		kmprof_unload
	done
}

# heap_read_cost N...: for each N, a pool of N buckets (the tracepoint
# backend at rate 1) filled by the bench module's tree of calls, and one
# read of the whole heap file: its records and bytes, how long it took and
# the memory it took.
heap_read_cost()
{
	local n

	for n in "$@"; do
		echo "kmprof-bench: heap read $n" >/dev/kmsg
		if ! KMPROF_BACKEND=tracepoint kmprof_load rate=1 \
			max_buckets="$n" max_depth=64; then
			echo "heapread $n failed to load" >>$out
			continue
		fi
		if echo "$n" >$BENCH_D/buckets && advance && heap_read_measure; then
			echo "heapread $n $heap_read_records $heap_read_bytes" \
				"$heap_read_ms $heap_read_kib" >>$out
		else
			echo "heapread $n failed" >>$out
		fi
		kmprof_unload
	done
}

# The workload's sites of another allocator than the slab: function and
# allocator.
OTHER_SITES="workload_pages:page workload_vmalloc:vmalloc
workload_percpu:percpu"

# site_buckets FILE: the buckets of a heap file that the workload's
# functions allocated (heap_buckets and heap_alloc_buckets in
# kmprof_lib.sh), raw counts.
site_buckets()
{
	local spec slab

	slab=$(awk '{ print $1 }' "$W" | grep -v \
		-e workload_pages -e workload_vmalloc -e workload_percpu)
	{
		heap_buckets "$1" $slab
		for spec in $OTHER_SITES; do
			heap_alloc_buckets "$1" "${spec%%:*}" "${spec##*:}"
		done
	} | awk '{ print "sampled", $1, $2, $3, $4, $5 }'
}

# allocinfo_diff BEFORE AFTER: the workload module's lines of
# /proc/allocinfo, AFTER minus BEFORE, summed per function.
allocinfo_diff()
{
	awk '
	$4 != "[kmprof_workload]" { next }
	{ f = $5; sub(/^func:/, "", f) }
	FNR == NR { bytes[f] -= $1; calls[f] -= $2; next }
	{ bytes[f] += $1; calls[f] += $2 }
	END { for (f in bytes) print "allocinfo", f, bytes[f], calls[f] }' "$1" "$2"
}

# estimates: at the default rate, every site of the workload module
# allocates and holds its objects; the truth, the profile's buckets of
# those sites and, where the kernel keeps it, /proc/allocinfo over the
# same interval.
estimates()
{
	local allocinfo=0 site count bytes

	echo "kmprof-bench: estimates" >/dev/kmsg
	[ -r /proc/allocinfo ] && [ "$(cat /proc/sys/vm/mem_profiling 2>/dev/null)" = 1 ] &&
		allocinfo=1
	kmprof_load || { echo "estimates failed to load" >>$out; return; }
	workload_load || { echo "estimates failed: no workload" >>$out; kmprof_unload; return; }
	[ $allocinfo = 1 ] && cat /proc/allocinfo >/tmp/allocinfo.0
	while read -r site count bytes; do
		workload "$site $((count / divisor)) $bytes" ||
			echo "estimates failed at $site" >>$out
	done <<-PLAN
	kmalloc 8192 4096
	kmalloc_node 8192 2048
	kmalloc_const 8192
	cache 8192
	cache_lru 8192
	bulk 8192
	krealloc 8192 1024
	kvmalloc 8192 2048
	pages 8192 0
	vmalloc 4096 16384
	percpu 8192 64
	PLAN
	[ $allocinfo = 1 ] && cat /proc/allocinfo >/tmp/allocinfo.1
	advance && wait_flush
	echo "rate $(cat "$D/rate")" >>$out
	sed 's/^/truth /' "$W" >>$out
	cat "$D/heap" >/tmp/estimates.heap
	site_buckets /tmp/estimates.heap >>$out
	[ $allocinfo = 1 ] && allocinfo_diff /tmp/allocinfo.0 /tmp/allocinfo.1 >>$out
	workload free
	workload_unload
	kmprof_unload
}

mem_profiling() { echo "$1" >/proc/sys/vm/mem_profiling; }

# alloctag_passes: the microbenchmark not loaded, with the kernel's
# allocation profiling (alloc_tag), kmprof on each backend at the default
# rate, and alloc_tag and kmprof together, in passes.
alloctag_passes()
{
	local pass=0

	while [ $pass -lt "${passes:-1}" ]; do
		pass=$((pass + 1))
		measure notloaded
		mem_profiling 1 && measure alloctag
		mem_profiling 0
		kmprof_load && measure default
		kmprof_unload
		KMPROF_BACKEND=tracepoint kmprof_load && measure tp-default
		kmprof_unload
		mem_profiling 1
		kmprof_load && measure alloctag-default
		kmprof_unload
		KMPROF_BACKEND=tracepoint kmprof_load &&
			measure alloctag-tp-default
		kmprof_unload
		mem_profiling 0
	done
}

# time_reads NAME COMMAND...: COMMAND's output once (its bytes and lines),
# then how long $reads runs of it take together (/proc/uptime counts
# 10 ms).
time_reads()
{
	local name=$1 t0 i=0

	shift
	if ! "$@" >/tmp/read.out; then
		echo "readtime $name failed" >>$out
		return
	fi
	t0=$(ms)
	while [ $i -lt $reads ]; do
		"$@" >/dev/null
		i=$((i + 1))
	done
	echo "readtime $name $reads $(($(ms) - t0)) $(wc -c </tmp/read.out)" \
		"$(wc -l </tmp/read.out)" >>$out
}

# read_times: the demo's work with both profilers on, kmprof at the
# demo's rate; then reads of /proc/allocinfo, of kmprof's heap file and of
# kmprof top (which reads the heap file and names its frames).
read_times()
{
	echo "kmprof-bench: read times" >/dev/kmsg
	mem_profiling 1
	if ! kmprof_load rate=4096; then
		echo "readtime failed to load" >>$out
		mem_profiling 0
		return
	fi
	services_work
	if advance && wait_flush; then
		time_reads allocinfo cat /proc/allocinfo
		time_reads heap cat "$D/heap"
		time_reads top kmprof top
		echo "readbuckets $(stat_value buckets_in_use)" \
			"$(wc -l </proc/allocinfo)" >>$out
	else
		echo "readtime failed" >>$out
	fi
	kmprof_unload
	mem_profiling 0
}

: >$out
# The alloctag kernel: /proc/allocinfo, and not the debug kernel.
if [ -e /proc/sys/vm/mem_profiling ] && [ "$SCALE" != 1 ]; then
	reads=20
	[ "$size" = smoke ] && reads=2
	insmod "$BENCH_KO" iters="$iters" rounds="$rounds" || exit 1
	# kmprof loaded and unloaded once first, as on the stock kernels: its
	# first load moves the page allocator's state (its reserve is 9 MB),
	# and the page and vmalloc cases took 1.8 times the instructions
	# before it than in every configuration after.
	kmprof_load && kmprof_unload
	alloctag_passes
	rmmod kmprof_bench
	if [ "$KMPROF_MODE" != count ]; then
		read_times
		mem_profiling 1
		estimates
		mem_profiling 0
	fi
	cat $out
	artifact bench.txt $out
	exit 0
fi
if [ "$SCALE" = 1 ]; then
	estimates
	cat $out
	artifact bench.txt $out
	exit 0
fi
insmod "$BENCH_KO" iters="$iters" rounds="$rounds" || exit 1
kmprof_load && reserved default
kmprof_unload
T=/sys/kernel/tracing
mount -t tracefs tracefs $T 2>/dev/null
pass=0
while [ $pass -lt "${passes:-1}" ]; do
	pass=$((pass + 1))
	measure notloaded
	kmprof_load && echo 0 >"$D/enable" && measure disabled
	kmprof_unload
	kmprof_load floor=1 && measure floor
	kmprof_unload
	kmprof_load && measure default
	kmprof_unload
	kmprof_load rate=1 && measure rate1
	kmprof_unload
	# The labels a sample keeps: none, and every one (labels.c).
	kmprof_load labels= && measure nolabels
	kmprof_unload
	kmprof_load labels=context,comm,pid,cgroup && measure labels-all
	kmprof_unload
	kmprof_load rate=1 labels= && measure rate1-nolabels
	kmprof_unload
	kmprof_load rate=1 labels=context,comm,pid,cgroup &&
		measure rate1-labels-all
	kmprof_unload
	# The same with the kernel's kmem tracepoints feeding kmprof.
	KMPROF_BACKEND=tracepoint kmprof_load floor=1 && measure tp-floor
	kmprof_unload
	KMPROF_BACKEND=tracepoint kmprof_load && measure tp-default
	kmprof_unload
	KMPROF_BACKEND=tracepoint kmprof_load rate=1 && measure tp-rate1
	kmprof_unload
	# Full tracing, for comparison: every slab event recorded with its
	# stack by the kernel's own kmem tracepoints, without kmprof.
	if [ -e $T/events/kmem/kmalloc/enable ]; then
		echo 1 >$T/options/stacktrace
		for e in kmem/kmalloc kmem/kfree kmem/kmem_cache_alloc \
			kmem/kmem_cache_free kmem/mm_page_alloc kmem/mm_page_free \
			percpu/percpu_alloc_percpu percpu/percpu_free_percpu; do
			echo 1 >$T/events/$e/enable
		done
		measure tracefs
		echo 0 >$T/events/kmem/enable
		echo 0 >$T/events/percpu/enable
		echo 0 >$T/options/stacktrace
		echo >$T/trace
	fi
done
if [ "$KMPROF_MODE" = count ]; then
	rmmod kmprof_bench
	cat $out
	artifact bench.txt $out
	exit 0
fi
flush_cost $flush_sizes
heap_read_cost $read_sizes
label_buckets $label_sets
rmmod kmprof_bench
estimates
# The largest pools the parameters allow; the VM may not have the memory.
if kmprof_load max_buckets=1048576 max_objects=4194304 max_depth=64; then
	reserved max
	kmprof_unload
else
	echo "reserved max failed" >>$out
fi
cat $out
artifact bench.txt $out
