#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# What `make demo` shows inside the VM: kmprof profiling the slab
# allocations of a stock kernel while the guest does some work.
D=/sys/kernel/debug/kmprof
run() { echo "# $*"; "$@"; }

run insmod "$KMPROF_GUEST/kmprof.ko" rate=4096
run cat $D/probes
echo "# (some work: walk /sys and /proc, create and remove files)"
ls -R /sys /proc >/dev/null 2>&1
i=0
while [ $i -lt 200 ]; do
	echo $i >/tmp/f$i
	i=$((i + 1))
done
rm -f /tmp/f*
run sh -c "echo 1 > $D/cycle"
run cat $D/cycle
run cat $D/stats
echo "# head -n 40 $D/heap"
head -n 40 $D/heap
run rmmod kmprof
