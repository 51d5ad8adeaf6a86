#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# A heap file far larger than what a read may buffer: the bench module fills
# every bucket of a 128k pool with a distinct stack, and the whole file
# (some 250 MiB of text) reads back, every record of the snapshot taken at
# open, in memory the size of the buckets rather than of the text. make
# bench reads the largest pool, 1M buckets, the same way. The code is the
# same on every kernel and backend: it runs once, on the stock 6.12
# kernel with the tracepoint backend.
. "$(dirname "$0")/ktap.sh"
. "$(dirname "$0")/kmprof_lib.sh"

BUCKETS=131072
BENCH_KO=$KMPROF_GUEST/kmprof_bench.ko
B=/sys/kernel/debug/kmprof_bench

if [ "$KMPROF_BACKEND" != tracepoint ] || [ "$SCALE" = 1 ] ||
   uname -r | grep -q '^6\.1\.'; then
	ktap_plan 1
	ktap_skip heap_of_all_buckets "once: stock 6.12, tracepoint backend"
	ktap_finish
fi

# memory_not_text: the read took less than a quarter of the text's size.
memory_not_text() { [ $((heap_read_kib * 1024 * 4)) -lt "$heap_read_bytes" ]; }

# read_whole: the whole file, counted and timed.
read_whole()
{
	heap_read_measure count || return 1
	ktap_diag "read $heap_read_records records, $((heap_read_bytes >> 20)) MiB, in $heap_read_ms ms, taking $((heap_read_kib >> 10)) MiB"
}

ktap_plan 7
ktap_check load kmprof_load rate=1 max_buckets=$BUCKETS max_depth=64
ktap_check load_bench insmod "$BENCH_KO"
ktap_check fill sh -c "echo $BUCKETS >$B/buckets"
ktap_check pool_full expect_eq buckets_in_use "$(stat_value buckets_in_use)" "$BUCKETS"
advance
ktap_check read_whole read_whole
ktap_check every_record expect_eq records "$heap_read_records" "$BUCKETS"
ktap_check memory_of_buckets_not_text memory_not_text
rmmod kmprof_bench
kmprof_unload
ktap_finish
