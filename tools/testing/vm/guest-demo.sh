#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# What `make demo` shows inside the VM: kmprof profiling the slab
# allocations of a stock kernel while the guest does real work, then the
# profile handed to the host for go tool pprof and flame graphs.
. "$KMPROF_GUEST/selftests/kmprof_lib.sh"
run() { echo "# $*"; "$@"; }

# The first of KMPROF_BACKENDS (kernel command line) feeds the profile.
run insmod "$KMPROF_KO" rate=4096 hits=1 backend="${KMPROF_BACKENDS%%,*}"
echo "# work: walk /sys and /proc; create, stat and delete files in tmpfs,"
echo "#       keeping 300 of them; push data through pipes"
demo_work 2000

run kmprof snapshot -o /tmp/heap
run kmprof -f /tmp/heap top -n 12
run kmprof -f /tmp/heap top -n 6 --sort alloc
echo "# kmprof -f /tmp/heap folded  (the 4 largest stacks)"
kmprof -f /tmp/heap folded -o /tmp/heap.folded
awk '{ print $NF, $0 }' /tmp/heap.folded | sort -n -r | head -n 4 | cut -d' ' -f2-
echo "# head -n 12 /tmp/heap"
head -n 12 /tmp/heap
run kmprof stats
run kmprof probes
kmprof -f /tmp/heap pprof -o /tmp/heap.pb.gz
artifact heap /tmp/heap
artifact heap.folded /tmp/heap.folded
artifact heap.pb.gz /tmp/heap.pb.gz
run rmmod kmprof
