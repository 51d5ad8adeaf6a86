#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# The kmprof tool against the real module: snapshot, top, folded and the
# control commands read and drive what the module offers.
# Backend: either, the tool reads what the module publishes, whichever
# backend fed it.
. "$(dirname "$0")/ktap.sh"
. "$(dirname "$0")/kmprof_lib.sh"

# Enough to hold more than any other slab site at rate 1 (arming the
# kprobes allocates ftrace hashes of about 140 KiB).
N=$((32 + 8 * SCALE))
SIZE=32768
BYTES=$((N * SIZE))

ktap_plan 13
ktap_check load kmprof_load rate=1
ktap_check load_workload workload_load
workload "kmalloc $N $SIZE"
sampling_off
# What snapshot says on stderr goes through /dev/kmsg as a diagnostic: on
# the console it could cut into a KTAP line.
ktap_check snapshot kmprof snapshot -o /tmp/snap.heap 2>/tmp/snap.err
ktap_diag "$(cat /tmp/snap.err)"
ktap_check snapshot_has_site sh -c \
	"grep -q 'workload_kmalloc+' /tmp/snap.heap"
# At rate 1 nothing is scaled: the site's in-use bytes are exact, and it
# holds more than any other slab site (a page or vmalloc site of the
# kernel's may hold more: the debug kernel's do).
kmprof -f /tmp/snap.heap top --allocator slab --raw -n 1 >/tmp/top_slab.txt
row=$(awk 'f { print; exit } /^ *INUSE/ { f = 1 }' /tmp/top_slab.txt)
ktap_diag "top: $row"
ktap_check top_site_first sh -c "echo '$row' | grep -q ' workload_kmalloc \[kmprof_workload\]$'"
ktap_check top_exact_bytes expect_eq "top in use" "$(echo "$row" | awk '{ print $1 }')" "$BYTES"
folded=$(kmprof -f /tmp/snap.heap folded | grep 'workload_kmalloc \[kmprof_workload\] ' |
	awk '{ sum += $NF } END { print sum + 0 }')
ktap_check folded_exact_bytes expect_eq "folded in use" "$folded" "$BYTES"
ktap_check pprof_written sh -c "kmprof -f /tmp/snap.heap pprof -o /tmp/p.pb.gz &&
	test -s /tmp/p.pb.gz"
# The host reads both with go tool pprof (tools/testing/vm_pprof_test.sh),
# the whole top beside the whole profile.
kmprof -f /tmp/snap.heap top --raw -n 1 >/tmp/top.txt
artifact tool.pb.gz /tmp/p.pb.gz
artifact tool.top /tmp/top.txt
ktap_check rate_command sh -c "kmprof rate 4096 && [ \$(cat $D/rate) = 4096 ]"
ktap_check disable_command sh -c "kmprof disable && [ \$(cat $D/enable) = 0 ]"
ktap_check enable_command sh -c "kmprof enable && [ \$(cat $D/enable) = 1 ]"
ktap_check reset_command sh -c "kmprof reset && grep -q '^cycle 0 ' $D/cycle"
workload free
workload_unload
ktap_check unload kmprof_unload
ktap_finish
