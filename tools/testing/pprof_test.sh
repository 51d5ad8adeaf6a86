#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Host tests of the tool's outputs against independent readers: go tool
# pprof (-raw, -top) opens what `kmprof pprof` writes and must find the
# totals and the top function that awk computes from the heap file with
# pprof's formula; `kmprof folded` must sum to the same totals.
# Prints "ok - NAME" / "not ok - NAME" per case.
set -uo pipefail

tool=${1:?usage: pprof_test.sh PATH-TO-KMPROF}
data=$(cd "$(dirname "$0")/testdata" && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
TEST_GROUP=pprof
. "$(dirname "$0")/host_lib.sh"
. "$(dirname "$0")/pprof_lib.sh"

# expect_empty NAME GOT
expect_empty()
{
	[ -z "$2" ] || echo "# $1: got '$2'" >&2
	result "$1" "$([ -z "$2" ]; echo $?)"
}

# estimates HEAP: "inuse_objs inuse_bytes alloc_objs alloc_bytes", the
# sums of pprof's scaleHeapSample over the records, computed here in awk.
estimates()
{
	awk '
	function scale(c, b,   s) {
		if (c == 0 || b == 0) { ec = 0; eb = 0; return }
		if (rate <= 1) { ec = c; eb = b; return }
		s = 1 / (1 - exp(-(b / c) / rate))
		ec = int(c * s); eb = int(b * s)
	}
	NR == 1 { sub(/.*heap_v2\//, ""); rate = $1 + 0; next }
	/^[0-9]/ {
		gsub(/[:@]/, " "); gsub(/\[/, " "); gsub(/\]/, " ")
		scale($1, $2); io += ec; ib += eb
		scale($3, $4); ao += ec; ab += eb
	}
	END { printf "%.0f %.0f %.0f %.0f\n", io, ib, ao, ab }' "$1"
}

# generate N SEED: a heap file of N random buckets over a few stacks.
generate()
{
	awk -v n="$1" -v seed="$2" '
	BEGIN {
		srand(seed)
		split("kmalloc_trace __kmalloc_noprof kmem_cache_alloc_noprof", alloc, " ")
		split("ext4_alloc_inode dentry_alloc sock_alloc_inode bio_alloc xyz_fill", site, " ")
		split("8 16 32 64 96 128 192 256 512 1024 2048 4096 8192 65536", sizes, " ")
		rate = 4096 * (1 + int(rand() * 256))
		for (i = 1; i <= n; i++) {
			size = sizes[1 + int(rand() * 14)]
			ao = 1 + int(rand() * 50); io = int(rand() * (ao + 1))
			req = size - int(rand() * size / 4)
			a = 1 + int(rand() * 3); s = 1 + int(rand() * 5)
			pa = sprintf("0xffffffff81%06x", 4096 * a + 39)
			off = int(rand() * 64)
			ps = sprintf("0xffffffffc0%06x", 8192 * s + off)
			rec[i] = sprintf("%d: %d [%d: %d] @ %s %s 0xffffffff81002b2c\n# size=%d inuse_req=%d alloc_req=%d\n#\t%s\t%s+0x27/0x90\n#\t%s\t%s+0x%x/0x200 [mod%d]\n#\t0xffffffff81002b2c\tdo_one_initcall+0x5c/0x320",
				io, io * size, ao, ao * size, pa, ps, size, io * req, ao * req,
				pa, alloc[a], ps, site[s], off, s)
			ti += io; tib += io * size; ta += ao; tab += ao * size
		}
		printf "heap profile: %d: %d [%d: %d] @ heap_v2/%d\n", ti, tib, ta, tab, rate
		printf "# kmprof-heap v1 rate=%d cycle=%d pending=0 buckets=%d\n", rate, seed, n
		for (i = 1; i <= n; i++)
			print rec[i]
	}'
}

# raw_sums PB: the four value columns of go tool pprof -raw, summed.
raw_sums()
{
	go tool pprof -raw "$1" 2>"$tmp/raw.err" | awk '
	/^Samples:/ { on = 1; next }
	/^Locations/ { on = 0 }
	on && $1 ~ /^[0-9]+$/ && $4 ~ /:$/ { sub(/:$/, "", $4); a += $1; b += $2; c += $3; d += $4 }
	END { printf "%.0f %.0f %.0f %.0f\n", a, b, c, d }'
}

if ! command -v go >/dev/null || ! go tool pprof -h >/dev/null 2>&1; then
	result "go_tool_pprof_present (install golang-go)" 1
	exit 1
fi

for input in basic random; do
	if [ $input = basic ]; then
		heap=$data/basic.heap
	else
		heap=$tmp/random.heap
		generate 300 $RANDOM >"$heap"
	fi
	want=$(estimates "$heap")
	read -r w_io w_ib w_ao w_ab <<<"$want"
	echo "# $input: estimated in use $w_ib bytes in $w_io objects, allocated $w_ab in $w_ao" >&2

	"$tool" -f "$heap" --no-kallsyms pprof -o "$tmp/$input.pb.gz"
	result "${input}_writes_profile" $?
	gzip -t "$tmp/$input.pb.gz"
	result "${input}_is_gzip" $?

	expect "${input}_raw_totals" "$(raw_sums "$tmp/$input.pb.gz")" "$want"
	expect_empty "${input}_raw_no_warnings" "$(cat "$tmp/raw.err")"

	# kmprof top: its total, and its largest allocation site
	"$tool" -f "$heap" --no-kallsyms top --raw -n 1 >"$tmp/top"
	expect "${input}_kmprof_top_inuse_total" "$(awk '/^in use:/ { print $3 }' "$tmp/top")" "$w_ib"
	expect "${input}_kmprof_top_alloc_total" "$(awk '/^allocated:/ { print $2 }' "$tmp/top")" "$w_ab"
	read -r site_bytes site_name <<<"$(awk 'f { n = $9; for (i = 10; i <= NF; i++) n = n " " $i; print $1, n } /^ *INUSE/ { f = 1 }' "$tmp/top")"

	read -r total name flat <<<"$(top_line "$tmp/$input.pb.gz" inuse_space)"
	expect "${input}_top_inuse_total" "$total" "$w_ib"
	expect "${input}_top_function" "$name $flat" "$site_name $site_bytes"
	expect_empty "${input}_top_no_warnings" "$(cat "$tmp/top.err")"
	read -r total name flat <<<"$(top_line "$tmp/$input.pb.gz" alloc_space)"
	expect "${input}_top_alloc_total" "$total" "$w_ab"
	read -r total name flat <<<"$(top_line "$tmp/$input.pb.gz" alloc_objects)"
	expect "${input}_top_alloc_objects_total" "$total" "$w_ao"

	sum=$("$tool" -f "$heap" --no-kallsyms folded | awk '{ s += $NF } END { printf "%.0f\n", s }')
	expect "${input}_folded_sums_to_inuse" "$sum" "$w_ib"
	sum=$("$tool" -f "$heap" --no-kallsyms folded --alloc | awk '{ s += $NF } END { printf "%.0f\n", s }')
	expect "${input}_folded_alloc_sums_to_alloc" "$sum" "$w_ab"
done

# Go's own heap profile shape: types, period, default type, the label.
go tool pprof -raw "$tmp/basic.pb.gz" 2>/dev/null >"$tmp/raw"
expect sample_types "$(sed -n '/^Samples:/{n;p}' "$tmp/raw" | tr -s ' ')" \
	"inuse_objects/count inuse_space/bytes[dflt] alloc_objects/count alloc_space/bytes"
expect period "$(grep -E '^(PeriodType|Period):' "$tmp/raw" | tr '\n' ' ')" \
	"PeriodType: space bytes Period: 524288 "
expect size_class_labels "$(grep -o 'bytes:\[[0-9]* bytes\]' "$tmp/raw" | sort -u | tr '\n' ' ')" \
	"bytes:[1024 bytes] bytes:[128 bytes] bytes:[192 bytes] bytes:[4096 bytes] bytes:[64 bytes] "
# basic.heap's distinct addresses but the first of each record, the
# allocator's entry point
expect one_location_per_address "$(sed -n '/^Locations/,/^Mappings/p' "$tmp/raw" | grep -c '^ *[0-9]*: 0x')" \
	"$(grep '^[0-9]' "$data/basic.heap" | cut -d@ -f2 | awk '{ for (i = 2; i <= NF; i++) print $i }' | sort -u | wc -l)"
expect module_in_function_name "$(grep -c 'foo_alloc_table \[foo\] :0 s=0(foo_alloc_table)' "$tmp/raw")" 1

# --all-frames keeps the allocator: its entry points become the leaves.
"$tool" -f "$data/basic.heap" --no-kallsyms pprof --all-frames -o "$tmp/all.pb.gz"
read -r total name flat <<<"$(top_line "$tmp/all.pb.gz" inuse_space)"
expect all_frames_top_is_allocator "$name $flat" "kmalloc_trace 5243200"
"$tool" -f "$data/basic.heap" --no-kallsyms folded --all-frames >"$tmp/folded"
grep -qx 'do_syscall_64;__x64_sys_ioctl;bar_ioctl;bar_create;kmalloc_trace 5243200' "$tmp/folded"
result folded_all_frames_root_first $?
"$tool" -f "$data/basic.heap" --no-kallsyms folded >"$tmp/folded"
grep -qx 'do_syscall_64;__x64_sys_ioctl;bar_ioctl;bar_create 5243200' "$tmp/folded"
result folded_root_first_site_last $?
expect folded_merges_and_drops_zero "$(wc -l <"$tmp/folded")" 4

"$tool" -f "$data/basic.heap" pprof >/dev/null 2>&1
expect pprof_needs_output "$?" 2

# time_nanos: when the module took the snapshot (v2's time_ns), never when
# the file was converted; a v1 file has no time, and the profile none.
"$tool" -f "$data/basic_v2.heap" --no-kallsyms pprof -o "$tmp/v2.pb.gz"
expect v2_time_is_snapshot_time "$(go tool pprof -raw "$tmp/v2.pb.gz" 2>/dev/null | sed -n 's/^Time: //p')" \
	"2023-11-14 22:13:20.123456789 +0000 UTC"
expect v1_has_no_time "$(grep -c '^Time:' "$tmp/raw")" 0
exit $failed
