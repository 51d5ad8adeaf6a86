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

# mem_available: MemAvailable in KiB.
mem_available() { awk '$1 == "MemAvailable:" { print $2 }' /proc/meminfo; }

# read_all: read the heap file whole, counting its records and bytes, and
# the least memory available during the read, beside what it was before.
read_all()
{
	before=$(mem_available)
	least=$before
	rm -f /tmp/big.fifo
	mkfifo /tmp/big.fifo
	grep -c '^[0-9]' /tmp/big.fifo >/tmp/big.count &
	counter=$!
	cat "$D/heap" | tee /tmp/big.fifo | wc -c >/tmp/big.bytes &
	reader=$!
	start=$(cut -d' ' -f1 /proc/uptime)
	while kill -0 $reader 2>/dev/null; do
		now=$(mem_available)
		[ "$now" -lt "$least" ] && least=$now
		sleep 1
	done
	wait $reader && wait $counter || return 1
	end=$(cut -d' ' -f1 /proc/uptime)
	taken=$((before - least))
	ktap_diag "read $(cat /tmp/big.count) records, $(($(cat /tmp/big.bytes) >> 20)) MiB, in $(echo "$start $end" |
		awk '{ printf "%.1f", $2 - $1 }') s, taking $((taken >> 10)) MiB"
}

# memory_not_text: the read took less than a quarter of the text's size.
memory_not_text() { [ $((taken * 1024 * 4)) -lt "$(cat /tmp/big.bytes)" ]; }

ktap_plan 7
ktap_check load kmprof_load rate=1 max_buckets=$BUCKETS max_depth=64
ktap_check load_bench insmod "$BENCH_KO"
ktap_check fill sh -c "echo $BUCKETS >$B/buckets"
ktap_check pool_full expect_eq buckets_in_use "$(stat_value buckets_in_use)" "$BUCKETS"
advance
ktap_check read_whole read_all
ktap_check every_record expect_eq records "$(cat /tmp/big.count)" "$BUCKETS"
ktap_check memory_of_buckets_not_text memory_not_text
rmmod kmprof_bench
kmprof_unload
ktap_finish
