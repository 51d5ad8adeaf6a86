#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# What `make demo` shows inside the VM: kmprof profiling the slab
# allocations of a stock kernel while the guest does some work.
D=/sys/kernel/debug/kmprof
run() { echo "# $*"; "$@"; }

run insmod "$KMPROF_GUEST/kmprof.ko" rate=4096
echo "# (some work: walk /sys and /proc, create files and keep them)"
ls -R /sys /proc >/dev/null 2>&1
mkdir -p /tmp/demo
i=0
while [ $i -lt 300 ]; do
	echo $i >/tmp/demo/file$i
	i=$((i + 1))
done
run kmprof snapshot -o /tmp/demo.heap
run kmprof -f /tmp/demo.heap top -n 12
run kmprof -f /tmp/demo.heap top -n 6 --sort alloc
echo "# kmprof -f /tmp/demo.heap folded | sort -k2 -n -r | head -n 5"
kmprof -f /tmp/demo.heap folded | awk '{ print $NF, $0 }' | sort -n -r |
	head -n 5 | cut -d' ' -f2-
echo "# head -n 12 /tmp/demo.heap"
head -n 12 /tmp/demo.heap
run kmprof stats
run kmprof probes
run rmmod kmprof
