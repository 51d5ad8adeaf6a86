#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# What `make bench` runs inside the VM: the slab microbenchmark and a small
# real workload in each configuration of kmprof, one after the other in
# this one boot, then with full tracing instead of kmprof, and the memory
# kmprof reserves. The sequence of configurations is repeated in passes,
# so that a slow spell of the host falls on one pass, not on one
# configuration. The raw results go to the host as the artifact bench.txt,
# one line each (a configuration has one line per pass):
#
#   <config> <case> <ns/op on CPU 0> <on CPU 1> ...   microbenchmark
#   <config> workload <ms>                             tmpfs and pipes
#   reserved <params> <bytes>                          from stats
#
# KMPROF_BENCH="ITERS,ROUNDS,PASSES" sizes the microbenchmark; the
# workload is scaled with ITERS.
. "$KMPROF_GUEST/selftests/kmprof_lib.sh"
BENCH_KO=$KMPROF_GUEST/kmprof_bench.ko
out=/tmp/bench.txt
IFS=, read -r iters rounds passes <<EOF
$KMPROF_BENCH
EOF
files=$((iters / 20))

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

# measure CONFIG: one run of every case, then the workload.
measure()
{
	echo "kmprof-bench: $1" >/dev/kmsg
	sed "s/^/$1 /" /sys/kernel/debug/kmprof_bench/results >>$out
	echo "$1 workload $(storm)" >>$out
}

reserved() { awk -v p="$1" '$1 == "reserved_bytes" { print "reserved", p, $2 }' "$D/stats" >>$out; }

: >$out
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
		for e in kmalloc kfree kmem_cache_alloc kmem_cache_free; do
			echo 1 >$T/events/kmem/$e/enable
		done
		measure tracefs
		echo 0 >$T/events/kmem/enable
		echo 0 >$T/options/stacktrace
		echo >$T/trace
	fi
done
rmmod kmprof_bench
# The largest pools the parameters allow; the VM may not have the memory.
if kmprof_load max_buckets=1048576 max_objects=4194304 max_depth=64; then
	reserved max
	kmprof_unload
else
	echo "reserved max failed" >>$out
fi
cat $out
artifact bench.txt $out
