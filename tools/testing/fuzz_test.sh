#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Run the libFuzzer target of the heap and kallsyms parsers and the
# outputs (fuzz_heap.c) for a bounded time, seeded with the test files.
# Prints KTAP (host_lib.sh).
#
# usage: fuzz_test.sh FUZZER SECONDS
set -uo pipefail

fuzzer=${1:?usage: fuzz_test.sh FUZZER SECONDS}
seconds=${2:?usage: fuzz_test.sh FUZZER SECONDS}
data=$(cd "$(dirname "$0")/testdata" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
. "$(dirname "$0")/host_lib.sh"
ktap_plan 1

mkdir -p "$work/corpus"
cp "$data"/*.heap "$work/corpus/"
# Seeds the fuzzer would take long to find: a profile without buckets, one
# without symbols, and a heap file followed by a NUL and kallsyms text.
printf 'heap profile: 0: 0 [0: 0] @ heap_v2/1\n# kmprof-heap v1 rate=1 cycle=0 pending=0 buckets=0\n' \
	>"$work/corpus/empty.heap"
grep -v '^#	' "$data/basic.heap" >"$work/corpus/nosyms.heap"
{ cat "$work/corpus/nosyms.heap"; printf '\0'; cat "$data/kallsyms"; } >"$work/corpus/kallsyms.heap"

if "$fuzzer" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
	-max_len=65536 -print_final_stats=1 "$work/corpus" >"$work/log" 2>&1; then
	runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$work/log")
	echo "# heap_parse: ${runs:-?} inputs in ${seconds}s, no crash or sanitizer report"
	ktap_ok heap_parse
else
	tail -n 40 "$work/log" | sed 's/^/# /'
	cp "$work"/crash-* "$work"/leak-* "$work"/timeout-* . 2>/dev/null &&
		echo "# the failing input is saved in $(pwd)"
	ktap_fail heap_parse
fi
ktap_finish
