#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Host tests of the tool's outputs against Go's own reading of the same
# heap text: go tool pprof reads a heap file as it is (the records are Go's
# legacy heap profile), and `go tool pprof -raw` of that and of what
# `kmprof pprof` wrote must hold the same samples, value by value, label by
# label, address by address. kmprof top, folded and go tool pprof -top must
# agree with those numbers.
# Prints KTAP (host_lib.sh).
set -uo pipefail

tool=${1:?usage: pprof_test.sh PATH-TO-KMPROF}
data=$(cd "$(dirname "$0")/testdata" && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
. "$(dirname "$0")/host_lib.sh"
. "$(dirname "$0")/pprof_lib.sh"

# expect_empty NAME GOT
expect_empty()
{
	[ -z "$2" ] || echo "# $1: got '$2'" >&2
	ktap_result "$1" "$([ -z "$2" ]; echo $?)"
}

# expect_same NAME GOT-FILE WANT-FILE: the same lines, the difference shown.
expect_same()
{
	local status=0
	[ -s "$3" ] && diff "$3" "$2" >"$tmp/diff" || status=1
	[ $status = 0 ] || sed 's/^/# /' "$tmp/diff" | head -n 20 >&2
	ktap_result "$1" $status
}

# samples PB|HEAP [STACKS [FLAG...]]: the samples of go tool pprof -raw
# (with FLAGs such as -tagfocus), one line each, sorted: "values | labels
# | addresses", the addresses of the stack innermost first, or "-" unless
# STACKS. The first line is the sample types, without pprof's mark of the
# default one.
samples()
{
	go tool pprof -raw "${@:3}" "$1" 2>"$tmp/raw.err" | awk -v stacks="${2:-}" '
	/^Samples:/ { sec = "s"; getline; gsub(/\[dflt\]/, ""); print "types:", $0; next }
	/^Locations/ { sec = "l"; next }
	/^Mappings/ { sec = "m"; next }
	sec == "s" && /^ *-?[0-9]+( +-?[0-9]+)*:/ {
		n++; i = index($0, ":")
		val[n] = substr($0, 1, i - 1); stk[n] = substr($0, i + 1)
		gsub(/ +/, " ", val[n]); sub(/^ /, "", val[n]); next
	}
	sec == "s" && NF { sub(/^ +/, ""); lab[n] = lab[n] $0 " "; next }
	sec == "l" && $1 ~ /^[0-9]+:$/ { sub(/:$/, "", $1); addr[$1] = $2 }
	END {
		for (i = 1; i <= n; i++) {
			a = ""; k = split(stk[i], ids, " ")
			for (j = 1; j <= k; j++) a = a " " addr[ids[j]]
			print val[i], "|", lab[i], "|", stacks ? a : "-"
		}
	}' | sort
}

# no_allocator SAMPLES-FILE: its samples without their allocator and age
# labels, which the heap text read by Go has not; samples that differed
# only in them merged, as pprof merges those of the same stack and labels:
# the samples of a record's age classes sum to the record's.
no_allocator()
{
	sed 's/allocator:\[[a-z0-9_]*\] //; s/age:\[[^]]*\] //' "$1" | awk -F' [|] ' '
	/^types:/ { print; next }
	{ k = $2 " | " $3; if (!(k in n)) order[++keys] = k
	  split($1, v, " "); for (i = 1; i <= 4; i++) s[k, i] += v[i]; n[k]++ }
	END { for (j = 1; j <= keys; j++) { k = order[j]
		printf "%.0f %.0f %.0f %.0f | %s\n", s[k, 1], s[k, 2], s[k, 3], s[k, 4], k } }' | sort
}

# allocator_labels SAMPLES-FILE: the allocator labels of its samples, each
# once, and how many samples have none.
allocator_labels()
{
	grep -v '^types:' "$1" | awk '{ if (match($0, / allocator:\[[a-z0-9_]*\] /)) print substr($0, RSTART + 12, RLENGTH - 14); else print "NONE" }' |
		sort -u | tr '\n' ' '
}

# allocators HEAP: the allocator of each record, in order ("slab" before
# heap format 3).
allocators()
{
	awk '/^# size=/ { a = "slab"; if (match($0, / allocator=[^ ]*/)) a = substr($0, RSTART + 11, RLENGTH - 11); print a }' "$1"
}

# only_allocator HEAP NAME: the heap text of NAME's records alone.
only_allocator()
{
	awk -v name="$2" 'FNR <= 2 { print; next }
	/^[0-9]/ { rec = $0; keep = 0; next }
	/^# size=/ { a = "slab"; if (match($0, / allocator=[^ ]*/)) a = substr($0, RSTART + 11, RLENGTH - 11)
		     keep = a == name; if (keep) print rec }
	keep' "$1"
}

# by_label SAMPLES-FILE: the values of samples() summed per label, sorted.
by_label()
{
	awk -F' [|] ' '!/^types:/ { split($1, v, " "); for (i = 1; i <= 4; i++) s[$2, i] += v[i]; l[$2] = 1 }
	     END { for (k in l) printf "%s %.0f %.0f %.0f %.0f\n", k, s[k, 1], s[k, 2], s[k, 3], s[k, 4] }' "$1" | sort
}

# sums SAMPLES-FILE: the value columns of samples() summed.
sums()
{
	awk '!/^types:/ { for (i = 1; i <= 4; i++) s[i] += $i }
	     END { printf "%.0f %.0f %.0f %.0f\n", s[1], s[2], s[3], s[4] }' "$1"
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
		split("slab page user vmalloc percpu", allocator, " ")
		rate = 4096 * (1 + int(rand() * 256))
		for (i = 1; i <= n; i++) {
			size = sizes[1 + int(rand() * 14)]
			ao = 1 + int(rand() * 50); io = int(rand() * (ao + 1))
			req = size - int(rand() * size / 4)
			a = 1 + int(rand() * 3); s = 1 + int(rand() * 5)
			pa = sprintf("0xffffffff81%06x", 4096 * a + 39)
			off = int(rand() * 64)
			ps = sprintf("0xffffffffc0%06x", 8192 * s + off)
			rec[i] = sprintf("%d: %d [%d: %d] @ %s %s 0xffffffff81002b2c\n# size=%d inuse_req=%d alloc_req=%d allocator=%s\n#\t%s\t%s+0x27/0x90\n#\t%s\t%s+0x%x/0x200 [mod%d]\n#\t0xffffffff81002b2c\tdo_one_initcall+0x5c/0x320",
				io, io * size, ao, ao * size, pa, ps, size, io * req, ao * req,
				allocator[1 + int(rand() * 5)], pa, alloc[a], ps, site[s], off, s)
			ti += io; tib += io * size; ta += ao; tab += ao * size
		}
		printf "heap profile: %d: %d [%d: %d] @ heap_v2/%d\n", ti, tib, ta, tab, rate
		printf "# kmprof-heap v3 rate=%d cycle=%d pending=0 buckets=%d time_ns=%d sources=slab,page,user,vmalloc,percpu\n", rate, seed, n, 1700000000000000000 + seed
		for (i = 1; i <= n; i++)
			print rec[i]
	}'
}

# 15 cases per input, 22 after them.
inputs="basic basic_v2 basic_v3 ages_v5 random"
ktap_plan $((15 * $(echo $inputs | wc -w) + 53))
if ! command -v go >/dev/null || ! go tool pprof -h >/dev/null 2>&1; then
	ktap_fail "go_tool_pprof_present (install golang-go)"
	ktap_finish
fi

for input in $inputs; do
	if [ $input = random ]; then
		heap=$tmp/random.heap
		generate 300 $RANDOM >"$heap"
	else
		heap=$data/$input.heap
	fi

	# What Go makes of the heap text: the numbers every output must show.
	samples "$heap" stacks >"$tmp/$input.go.raw"
	no_allocator "$tmp/$input.go.raw" >"$tmp/$input.go"
	expect_empty "${input}_go_reads_heap_text" "$(grep -v '^Main binary filename not available' "$tmp/raw.err")"
	read -r w_ao w_ab w_io w_ib <<<"$(sums "$tmp/$input.go")"
	echo "# $input: Go reads in use $w_ib bytes in $w_io objects, allocated $w_ab in $w_ao" >&2

	"$tool" -f "$heap" --no-kallsyms pprof --all-frames -o "$tmp/$input.all.pb.gz"
	ktap_result "${input}_writes_profile" $?
	gzip -t "$tmp/$input.all.pb.gz"
	ktap_result "${input}_is_gzip" $?
	# Every stack whole: the same samples as Go's reading, and each
	# location at the call (the return address - 1), as Go has it.
	samples "$tmp/$input.all.pb.gz" stacks >"$tmp/ours.all.labelled"
	expect_empty "${input}_raw_no_warnings" "$(cat "$tmp/raw.err")"
	no_allocator "$tmp/ours.all.labelled" >"$tmp/ours.all"
	expect_same "${input}_all_frames_samples_match_go" "$tmp/ours.all" "$tmp/$input.go"

	# Every sample has its record's allocator as a label, and
	# -tagfocus=allocator=NAME keeps exactly the samples Go reads from
	# NAME's records alone.
	expect "${input}_allocator_label_on_every_sample" \
		"$(allocator_labels "$tmp/ours.all.labelled")" "$(allocators "$heap" | sort -u | tr '\n' ' ')"
	status=0
	for name in $(allocators "$heap" | sort -u); do
		only_allocator "$heap" "$name" >"$tmp/only.heap"
		samples "$tmp/only.heap" stacks >"$tmp/only.go.raw"
		no_allocator "$tmp/only.go.raw" >"$tmp/only.go"
		samples "$tmp/$input.all.pb.gz" stacks -tagfocus=allocator="$name" >"$tmp/only.labelled"
		if grep -v '^types:' "$tmp/only.labelled" | grep -qv " allocator:\[$name\] "; then
			echo "# $input: -tagfocus=allocator=$name keeps another allocator's samples" >&2
			status=1
		fi
		no_allocator "$tmp/only.labelled" >"$tmp/only.ours"
		[ -s "$tmp/only.go" ] && diff -q "$tmp/only.go" "$tmp/only.ours" >/dev/null || {
			echo "# $input: -tagfocus=allocator=$name is not the samples of its records" >&2
			status=1
		}
	done
	ktap_result "${input}_tagfocus_keeps_each_allocators_samples" $status

	# Stacks from the allocation site (pprof merges the samples they make
	# alike): the same values per size class.
	"$tool" -f "$heap" --no-kallsyms pprof -o "$tmp/$input.pb.gz"
	samples "$tmp/$input.pb.gz" >"$tmp/ours.labelled"
	no_allocator "$tmp/ours.labelled" >"$tmp/ours"
	by_label "$tmp/ours" >"$tmp/ours.labels"
	by_label "$tmp/$input.go" >"$tmp/go.labels"
	expect_same "${input}_site_stacks_values_match_go" "$tmp/ours.labels" "$tmp/go.labels"

	# kmprof top: its totals, and its largest allocation site, which is
	# pprof's largest function among the samples of the site's allocator
	"$tool" -f "$heap" --no-kallsyms top --raw -n 1 >"$tmp/top"
	expect "${input}_kmprof_top_inuse_total" "$(awk '/^in use:/ { print $3 }' "$tmp/top")" "$w_ib"
	expect "${input}_kmprof_top_alloc_total" "$(awk '/^allocated:/ { print $2 }' "$tmp/top")" "$w_ab"
	read -r site_bytes site_allocator site_name <<<"$(awk 'f { n = $10; for (i = 11; i <= NF; i++) n = n " " $i; print $1, $9, n } /^ *INUSE/ { f = 1 }' "$tmp/top")"

	read -r total name flat <<<"$(top_line "$tmp/$input.pb.gz" inuse_space -tagfocus=allocator="$site_allocator")"
	expect "${input}_top_inuse_total" "$total" "$w_ib"
	expect "${input}_top_function" "$name $flat" "$site_name $site_bytes"
	expect_empty "${input}_top_no_warnings" "$(cat "$tmp/top.err")"

	sum=$("$tool" -f "$heap" --no-kallsyms folded | awk '{ s += $NF } END { printf "%.0f\n", s }')
	expect "${input}_folded_sums_to_inuse" "$sum" "$w_ib"
	sum=$("$tool" -f "$heap" --no-kallsyms folded --alloc | awk '{ s += $NF } END { printf "%.0f\n", s }')
	expect "${input}_folded_alloc_sums_to_alloc" "$sum" "$w_ab"
done

# --- heap format 4: every sample has its record's labels ---
# labels_v4.heap at rate 1, its cgroup ids 11, 12 and 13 those of the
# directories a, b and a/x of a tree made here, as in tool_test.sh.
cg=$tmp/cg
mkdir -p "$cg/a/x" "$cg/b"
sed -e "s/cgroup=11\$/cgroup=$(stat -c %i "$cg/a")/" -e "s/cgroup=12\$/cgroup=$(stat -c %i "$cg/b")/" \
	-e "s/cgroup=13\$/cgroup=$(stat -c %i "$cg/a/x")/" "$data/labels_v4.heap" >"$tmp/v4.heap"
"$tool" -f "$tmp/v4.heap" --cgroup-root "$cg" pprof --all-frames -o "$tmp/v4.pb.gz"
ktap_result v4_writes_profile $?
# tags KEY: "value total" of go tool pprof -tags for the label KEY.
tags()
{
	go tool pprof -tags -unit=B "$tmp/v4.pb.gz" 2>/dev/null |
		awk -v key="$1" '$1 == key ":" { f = 1; next } f && !NF { exit }
		f { sub(/\.0B$/, "", $1); if (key == "pid") sub(/B$/, "", $NF); print $NF, $1 }' | tr '\n' ' '
}
expect v4_tags_cgroup "$(tags cgroup)" "/a 4608 /a/x 192 /b 64 "
expect v4_tags_comm "$(tags comm)" 'bash 4608 kworker/0:1 192 my\040t\303\251sk 64 '
expect v4_tags_context "$(tags context)" "task 4864 softirq 192 hardirq 0 "
expect v4_tags_pid "$(tags pid)" "101 4096 100 512 2 192 200 64 "
# Records that differ only in their labels are samples of their own.
samples "$tmp/v4.pb.gz" stacks >"$tmp/v4.ours"
expect_empty v4_raw_no_warnings "$(cat "$tmp/raw.err")"
expect v4_samples_per_record "$(grep -vc '^types:' "$tmp/v4.ours")" 7
expect v4_labels_of_a_record "$(grep '^2 384 2 384 ' "$tmp/v4.ours" | cut -d'|' -f2)" \
	" allocator:[slab] cgroup:[/a] comm:[bash] context:[task] bytes:[192] pid:[100]  "
# Without the labels, the samples are Go's reading of the heap text.
samples "$tmp/v4.heap" stacks >"$tmp/v4.go.raw"
no_allocator "$tmp/v4.go.raw" >"$tmp/v4.go"
sed -E 's/ (cgroup|comm|context):\[[^]]*\]//g; s/pid:\[[0-9]*\] //' "$tmp/v4.ours" >"$tmp/v4.nolabels"
no_allocator "$tmp/v4.nolabels" >"$tmp/v4.merged"
expect_same v4_samples_match_go "$tmp/v4.merged" "$tmp/v4.go"
# -tagfocus keeps a cgroup's samples (a regexp: /a and /a/x, as top
# --cgroup /a keeps a cgroup and those below it), a context's, a comm's.
samples "$tmp/v4.pb.gz" "" -tagfocus=cgroup=/b >"$tmp/focus"
expect v4_tagfocus_cgroup_b "$(grep -v '^types:' "$tmp/focus")" \
	"1 64 1 64 | allocator:[slab] cgroup:[/b] comm:[my\\040t\\303\\251sk] context:[task] bytes:[64] pid:[200]  | -"
samples "$tmp/v4.pb.gz" "" -tagfocus=cgroup=/a >"$tmp/focus"
expect v4_tagfocus_cgroup_a "$(sums "$tmp/focus") $(grep -o 'cgroup:\[[^]]*\]' "$tmp/focus" | sort -u | tr '\n' ' ')" \
	"9 9024 6 4800 cgroup:[/a/x] cgroup:[/a] "
# in_use HEAP OPTION...: kmprof top's "objects bytes" in use.
in_use() { "$tool" -f "$1" --cgroup-root "$cg" top --raw "${@:2}" | awk '/^in use:/ { print $5, $3 }'; }
expect v4_tagfocus_cgroup_a_is_top "$(sums "$tmp/focus" | cut -d' ' -f3-)" "$(in_use "$tmp/v4.heap" --cgroup /a)"
samples "$tmp/v4.pb.gz" "" -tagfocus=context=softirq >"$tmp/focus"
expect v4_tagfocus_context_softirq "$(grep -v '^types:' "$tmp/focus")" \
	"3 192 3 192 | allocator:[slab] context:[softirq] bytes:[64]  | -"
samples "$tmp/v4.pb.gz" "" -tagfocus=comm=bash >"$tmp/focus"
expect v4_tagfocus_comm_is_top "$(sums "$tmp/focus" | cut -d' ' -f3-)" "$(in_use "$tmp/v4.heap" --comm bash)"

# --- heap format 5: an "age" label per age class on in-use samples ---
# ages_labels_v5.heap at rate 512 KiB: bar_create (pid 100) has ages
# 0:1,3:2,7:1 of 64 bytes, alloc_inode 2:1,10:1 of 192, pgd_alloc 32:1.
v5l=$data/ages_labels_v5.heap
"$tool" -f "$v5l" pprof --all-frames -o "$tmp/v5.pb.gz"
ktap_result v5_writes_profile $?
expect v5_tags_age "$(go tool pprof -tags -unit=B "$tmp/v5.pb.gz" 2>/dev/null |
	awk '$1 == "age:" { f = 1; next } f && !NF { exit } f { sub(/\.0B$/, "", $1); print $NF, $1 }' | tr '\n' ' ')" \
	"4s-8s 1048640 2147483648s-4294967296s 526338 2s-4s 524384 512s-1024s 524384 64s-128s 524320 <1s 524320 "
samples "$tmp/v5.pb.gz" stacks >"$tmp/v5.ours"
expect_empty v5_raw_no_warnings "$(cat "$tmp/raw.err")"
# A sample per class with in-use values only, one per record without age.
expect v5_samples_per_class "$(grep -c 'age:\[' "$tmp/v5.ours") $(grep -v '^types:' "$tmp/v5.ours" | grep -vc 'age:\[')" "6 3"
expect v5_age_samples_no_allocations "$(grep 'age:\[' "$tmp/v5.ours" | awk '{ s += $1 + $2 } END { print s }')" 0
# Totals and every record's sums unchanged: Go's reading of the heap text.
samples "$v5l" stacks >"$tmp/v5.go.raw"
no_allocator "$tmp/v5.go.raw" >"$tmp/v5.go"
sed -E 's/ (comm|context):\[[^]]*\]//g; s/pid:\[[0-9]*\] //' "$tmp/v5.ours" >"$tmp/v5.nolabels"
no_allocator "$tmp/v5.nolabels" >"$tmp/v5.merged"
expect_same v5_samples_match_go "$tmp/v5.merged" "$tmp/v5.go"
# -tagfocus=age selects exactly a class: what top --min-age counts of it.
samples "$tmp/v5.pb.gz" "" '-tagfocus=age=^2147483648s-4294967296s$' >"$tmp/focus"
expect v5_tagfocus_oldest_class_is_top "$(sums "$tmp/focus" | cut -d' ' -f3-)" \
	"$("$tool" -f "$v5l" top --raw --min-age 2147483648 | awk '/^in use:/ { print $5, $3 }')"
samples "$tmp/v5.pb.gz" "" '-tagfocus=age=^64s-128s$' >"$tmp/focus"
expect v5_tagfocus_class_is_top "$(sums "$tmp/focus") $(grep -o 'age:\[[^]]*\]' "$tmp/focus" | sort -u)" \
	"0 0 $("$tool" -f "$v5l" top --raw --min-age 64 --pid 100 | awk '/^in use:/ { print $5, $3 }') age:[64s-128s]"

# Go's heap profile shape: the sample types in Go's order, inuse_space the
# default, so that -sample_index means what it means for Go's profiles and
# the profile merges with the heap text it came from.
go tool pprof -raw "$tmp/basic.pb.gz" 2>/dev/null >"$tmp/raw"
expect sample_types_go_order "$(sed -n '/^Samples:/{n;p}' "$tmp/raw" | tr -s ' ')" \
	"alloc_objects/count alloc_space/bytes inuse_objects/count inuse_space/bytes[dflt]"
read -r total name flat <<<"$(top_line "$tmp/basic.pb.gz" 0)"
read -r w_ao w_ab w_io w_ib <<<"$(sums "$tmp/basic.go")"
expect sample_index_0_is_alloc_objects "$total" "$w_ao"
total=$(go tool pprof -top -unit=B "$tmp/basic.pb.gz" "$data/basic.heap" 2>"$tmp/merge.err" |
	awk '/^Showing nodes/ { t = $(NF - 1); sub(/B$/, "", t); print t }')
sed 's/^/# /' "$tmp/merge.err" >&2
expect merges_with_heap_text "$total" "$((2 * w_ib))"
expect period "$(grep -E '^(PeriodType|Period):' "$tmp/raw" | tr '\n' ' ')" \
	"PeriodType: space bytes Period: 524288 "
expect size_class_labels "$(grep -o 'bytes:\[[0-9]*\]' "$tmp/raw" | sort -u | tr '\n' ' ')" \
	"bytes:[1024] bytes:[128] bytes:[192] bytes:[4096] bytes:[64] "
# -tags: the allocators' totals, as kmprof top has them (tool_test.sh);
# before heap format 3, everything is slab.
expect v3_tags_allocator_totals "$(go tool pprof -tags -unit=B "$tmp/basic_v3.pb.gz" 2>/dev/null |
	awk '/^ *allocator:/ { f = 1; next } f && !NF { exit } f { sub(/\.0B$/, "", $1); print $NF, $1 }' | tr '\n' ' ')" \
	"slab 6291968 percpu 2621840 page 1591383 vmalloc 1056789 "
expect v1_tags_all_slab "$(go tool pprof -tags -unit=B "$tmp/basic.pb.gz" 2>/dev/null |
	awk '/^ *allocator:/ { f = 1; next } f && !NF { exit } f { sub(/\.0B$/, "", $1); print $NF, $1 }' | tr '\n' ' ')" \
	"slab 8392706 "
read -r total name flat <<<"$(top_line "$tmp/basic_v3.pb.gz" inuse_space -tagfocus=allocator=vmalloc)"
expect v3_tagfocus_vmalloc "$name $flat" "foo_alloc_table [foo] 1056789"
expect module_in_function_name "$(grep -c 'foo_alloc_table \[foo\] :0 s=0(foo_alloc_table)' "$tmp/raw")" 1

# An unnamed frame is a function of its own, named by its address, as in
# top and folded: with no symbol at all, pprof -top's rows are top's.
grep -v '^#	' "$data/basic.heap" >"$tmp/nosyms.heap"
"$tool" -f "$tmp/nosyms.heap" pprof -o "$tmp/nosyms.pb.gz"
go tool pprof -top -unit=B -nodecount=100 "$tmp/nosyms.pb.gz" 2>/dev/null |
	awk '/^ *flat/ { f = 1; next } f && $1 != "0" { sub(/B$/, "", $1); print $6, $1 }' | sort >"$tmp/pprof.rows"
"$tool" -f "$tmp/nosyms.heap" top --raw -n 0 |
	awk 'f { print $10, $1 } /^ *INUSE/ { f = 1 }' | sort >"$tmp/top.rows"
expect_same unnamed_frames_apart_as_in_top "$tmp/pprof.rows" "$tmp/top.rows"
expect unnamed_frame_function "$(grep -c '^ *[0-9]*: 0xffffffffc0b0000f M=1 0xffffffffc0b00010 ' "$tmp/raw")" 1

# --all-frames keeps the allocator: its entry points become the leaves.
read -r total name flat <<<"$(top_line "$tmp/basic.all.pb.gz" inuse_space)"
expect all_frames_top_is_allocator "$name $flat" "kmalloc_trace 5243200"
"$tool" -f "$data/basic.heap" --no-kallsyms folded --all-frames >"$tmp/folded"
grep -qx '[[]slab];do_syscall_64;__x64_sys_ioctl;bar_ioctl;bar_create;kmalloc_trace 5243200' "$tmp/folded"
ktap_result folded_all_frames_root_first $?
"$tool" -f "$data/basic.heap" --no-kallsyms folded >"$tmp/folded"
grep -qx '[[]slab];do_syscall_64;__x64_sys_ioctl;bar_ioctl;bar_create 5243200' "$tmp/folded"
ktap_result folded_root_first_site_last $?
expect folded_merges_and_drops_zero "$(wc -l <"$tmp/folded")" 4
# The allocator is the root of every stack, whatever the format version:
# a flame graph splits by allocator at its base. basic_v3.heap's values
# are top's (tool_test.sh); bar_create's slab and page stacks stay apart.
expect folded_v3_allocator_roots "$("$tool" -f "$data/basic_v3.heap" folded)" \
"[slab];do_syscall_64;__x64_sys_ioctl;bar_ioctl;bar_create 5243200
[slab];new_inode;alloc_inode 1048768
[page];do_syscall_64;__x64_sys_ioctl;bar_ioctl;bar_create 526338
[page];dup_mm;mm_init;pgd_alloc 1065045
[vmalloc];do_init_module;do_one_initcall;foo_init [foo];foo_alloc_table [foo] 1056789
[percpu];dup_mm;mm_init;percpu_counter_init_many 2621840"
expect folded_v3_alloc_roots "$("$tool" -f "$data/basic_v3.heap" folded --alloc --all-frames | sed -n '3p;5p')" \
"[page];do_syscall_64;__x64_sys_ioctl;bar_ioctl;bar_create;alloc_pages_noprof;__alloc_pages_noprof 2105354
[vmalloc];do_init_module;do_one_initcall;foo_init [foo];foo_alloc_table [foo];vmalloc_noprof;__vmalloc_node_noprof;__vmalloc_node_range_noprof 1585183"
for v in basic basic_v2; do
	expect "folded_${v}_roots_slab" "$("$tool" -f "$data/$v.heap" folded | cut -d';' -f1 | sort -u)" "[slab]"
done

# Heap files without labels: go tool pprof -raw of the profile, from the
# site and with all frames, as golden/ keeps it for every version before 4.
for v in basic basic_v2 basic_v3; do
	go tool pprof -raw "$tmp/$v.pb.gz" >"$tmp/got" 2>/dev/null
	expect_same "${v}_pprof_raw_unchanged" "$tmp/got" "$data/golden/$v.pprof-raw"
	go tool pprof -raw "$tmp/$v.all.pb.gz" >"$tmp/got" 2>/dev/null
	expect_same "${v}_pprof_all_frames_raw_unchanged" "$tmp/got" "$data/golden/$v.pprof-all-raw"
done

"$tool" -f "$data/basic.heap" pprof >/dev/null 2>&1
expect pprof_needs_output "$?" 2

# kmprof diff's growth is what go tool pprof -diff_base shows, as the
# README puts it: the same total at rate 1 and, every bucket's estimate
# truncated alike, at rate 4096; the same growth per site.
# growth_total OLD NEW: pprof's in-use total of NEW less OLD, in bytes.
growth_total()
{
	"$tool" pprof -f "$1" -o "$tmp/old.pb.gz" && "$tool" pprof -f "$2" -o "$tmp/new.pb.gz" &&
	go tool pprof -diff_base="$tmp/old.pb.gz" -sample_index=inuse_space -top -unit=B \
		-nodecount=100000 "$tmp/new.pb.gz" 2>"$tmp/top.err" |
		awk '/^Showing nodes accounting for/ { t = $5; sub(/B,$/, "", t); print t }'
}
# diff_total OLD NEW: kmprof diff's in-use growth, in bytes.
diff_total() { "$tool" diff --raw "$1" "$2" | awk '/^in use:/ { t = $6; gsub(/[(+),]/, "", t); print t }'; }
old=$data/diff_old.heap new=$data/diff_new.heap
expect diff_base_total_is_diff "$(growth_total "$old" "$new")" "$(diff_total "$old" "$new")"
go tool pprof -diff_base="$tmp/old.pb.gz" -sample_index=inuse_space -top -unit=B "$tmp/new.pb.gz" 2>/dev/null |
	awk '/^ *-?[0-9.]+B? +-?[0-9.]+%/ && $1 != "0" { f = $1; sub(/B$/, "", f); if (f > 0) f = "+" f
		name = $6; for (i = 7; i <= NF; i++) name = name " " $i; print name, f }' | sort >"$tmp/pprof.growth"
"$tool" diff --raw "$old" "$new" | awk 'f { n = $7; for (i = 8; i <= NF; i++) n = n " " $i; print n, $3 } /^ *OLD INUSE/ { f = 1 }' |
	sort >"$tmp/diff.growth"
expect_same diff_base_sites_are_diff_rows "$tmp/pprof.growth" "$tmp/diff.growth"
for f in old new; do
	sed '1s|heap_v2/1$|heap_v2/4096|; 2s/ rate=1 / rate=4096 /' "$data/diff_$f.heap" >"$tmp/r4096_$f.heap"
done
expect diff_base_total_is_diff_rate_4096 "$(growth_total "$tmp/r4096_old.heap" "$tmp/r4096_new.heap")" \
	"$(diff_total "$tmp/r4096_old.heap" "$tmp/r4096_new.heap")"

# time_nanos: when the module took the snapshot (v2's time_ns), never when
# the file was converted; a v1 file has no time, and the profile none.
go tool pprof -raw "$tmp/basic_v2.pb.gz" 2>/dev/null >"$tmp/raw.v2"
expect v2_time_is_snapshot_time "$(sed -n 's/^Time: //p' "$tmp/raw.v2")" \
	"2023-11-14 22:13:20.123456789 +0000 UTC"
expect v1_has_no_time "$(grep -c '^Time:' "$tmp/raw")" 0
ktap_finish
