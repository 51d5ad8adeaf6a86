#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Host tests of the kmprof tool's commands against a fake debugfs
# directory (plain files in a temp dir): control files, snapshot, top,
# watch, help and exit statuses. Prints KTAP (host_lib.sh).
set -uo pipefail

tool=${1:?usage: tool_test.sh PATH-TO-KMPROF}
data=$(cd "$(dirname "$0")/testdata" && pwd)
fake=$(mktemp -d)
trap 'rm -rf "$fake"' EXIT
. "$(dirname "$0")/host_lib.sh"

# check NAME COMMAND...: the case passes if COMMAND succeeds.
check()
{
	local name=$1
	shift
	"$@" >/dev/null 2>&1
	ktap_result "$name" $?
}

# status WANT CMD...: CMD exits WANT.
status()
{
	local want=$1
	shift
	"$@" >/dev/null 2>&1
	[ $? -eq "$want" ]
}

# expect_file NAME FILE CMD...: CMD prints exactly FILE.
expect_file()
{
	local name=$1 want=$2
	shift 2
	"$@" >"$fake/got" 2>&1
	cmp -s "$fake/got" "$want"
	local status=$?
	[ $status = 0 ] || diff "$want" "$fake/got" | head -n 20 | sed 's/^/# /' >&2
	ktap_result "$name" $status
}

# A fresh fake directory with the module's files.
populate()
{
	rm -rf "$fake/d"
	mkdir -p "$fake/d"
	printf 'kmprof stats v1\nevents 1000\nsamples 42\n' >"$fake/d/stats"
	printf 'kmprof probes v1\n__kmalloc_noprof alloc armed 10 0\nkfree free armed 30 1\n' >"$fake/d/probes"
	printf 'cycle 6 pending 0\n' >"$fake/d/cycle"
	printf '524288\n' >"$fake/d/rate"
	printf '1\n' >"$fake/d/enable"
	: >"$fake/d/reset"
	cp "$data/basic.heap" "$fake/d/heap"
}
populate
D=$fake/d
export D tool data
ktap_plan 251

# --- files printed as they are ---
check stats_prints_file bash -c '[ "$("$tool" -d "$D" stats)" = "$(cat "$D/stats")" ]'
check probes_prints_file bash -c '[ "$("$tool" -d "$D" probes)" = "$(cat "$D/probes")" ]'
check rate_prints_file bash -c '[ "$("$tool" -d "$D" rate)" = 524288 ]'
check global_dir_after_command bash -c '[ "$("$tool" stats -d "$D")" = "$(cat "$D/stats")" ]'

# --- control files written as the shell's echo would ---
check rate_sets bash -c '"$tool" -d "$D" rate 4096 && [ "$(cat "$D/rate")" = 4096 ]'
check rate_suffix bash -c '"$tool" -d "$D" rate 1M && [ "$(cat "$D/rate")" = 1048576 ]'
check rate_zero bash -c '"$tool" -d "$D" rate 0 && [ "$(cat "$D/rate")" = 0 ]'
check rate_too_high_exits_2 bash -c 'echo 5 >"$D/rate"; "$tool" -d "$D" rate 2G; [ $? -eq 2 ] && [ "$(cat "$D/rate")" = 5 ]'
check rate_not_number_exits_2 status 2 "$tool" -d "$D" rate lots
check rate_two_args_exits_2 status 2 "$tool" -d "$D" rate 1 2
check enable_writes_1 bash -c 'echo x >"$D/enable"; "$tool" -d "$D" enable && [ "$(cat "$D/enable")" = 1 ]'
check disable_writes_0 bash -c '"$tool" -d "$D" disable && [ "$(cat "$D/enable")" = 0 ]'
check reset_writes_1 bash -c '"$tool" -d "$D" reset && [ "$(cat "$D/reset")" = 1 ]'
check control_refuses_file status 2 "$tool" -f "$data/basic.heap" enable
check write_missing_file_exits_4 bash -c 'rm "$D/reset"; "$tool" -d "$D" reset; [ $? -eq 4 ] && [ ! -e "$D/reset" ]'
populate

# --- snapshot: advance (write 1 to cycle), then read heap ---
check snapshot_prints_heap bash -c '[ "$("$tool" -d "$D" snapshot)" = "$(cat "$D/heap")" ]'
check snapshot_advances bash -c 'printf "cycle 6 pending 0\n" >"$D/cycle"; "$tool" -d "$D" snapshot >/dev/null && [ "$(cat "$D/cycle")" = 1 ]'
check snapshot_saves bash -c '"$tool" -d "$D" snapshot -o "$D/saved" 2>"$D/err" && cmp "$D/saved" "$D/heap" && grep -q "cycle 7, 5 buckets" "$D/err"'
check snapshot_saved_file_reads_back bash -c '[ "$("$tool" -f "$D/saved" --no-kallsyms top)" = "$("$tool" -f "$D/heap" --no-kallsyms top)" ]'
check snapshot_warns_no_advance bash -c 'printf "cycle 7 pending 0\n" >"$D/cycle"; "$tool" -d "$D" snapshot 2>&1 >/dev/null | grep -q "did not advance"'
check snapshot_warns_pending bash -c 'sed "2s/pending=0/pending=1/" "$data/basic.heap" >"$D/heap"; "$tool" -d "$D" snapshot 2>&1 >/dev/null | grep -q "not yet published"'
populate
check snapshot_rejects_bad_heap bash -c 'echo garbage >"$D/heap"; "$tool" -d "$D" snapshot -o "$D/out"; [ $? -eq 5 ] && [ ! -e "$D/out" ]'
populate
check snapshot_refuses_file status 2 "$tool" -f "$data/basic.heap" snapshot

# --- reading commands on the live directory advance first ---
check top_advances bash -c '"$tool" -d "$D" --no-kallsyms top >/dev/null && [ "$(cat "$D/cycle")" = 1 ]'
populate
check top_no_advance bash -c '"$tool" -d "$D" --no-kallsyms top --no-advance >/dev/null && [ "$(cat "$D/cycle")" = "cycle 6 pending 0" ]'
check top_site_first bash -c '"$tool" -d "$D" --no-kallsyms top -n 1 --raw | tail -n 1 | grep -q " 5243200 .* bar_create$"'
check top_limit bash -c '[ "$("$tool" -d "$D" --no-kallsyms top -n 2 | sed "1,/INUSE/d" | wc -l)" = 2 ]'
check top_human_units bash -c '"$tool" -d "$D" --no-kallsyms top | grep -q "^ *5.0 MiB  62.5%  *4.4 MiB  12.5% .* bar_create$"'
check top_sort_objects bash -c '"$tool" -d "$D" --no-kallsyms top --raw --sort objects | sed "1,/INUSE/d" | awk "{ print \$5 }" | sort -nrc'
check top_sort_alloc bash -c '"$tool" -d "$D" --no-kallsyms top --raw --sort alloc | sed "1,/INUSE/d" | awk "{ print \$6 }" | sort -nrc'
check top_sort_frees bash -c '"$tool" -d "$D" --no-kallsyms top --raw --sort frees | sed "1,/INUSE/d" | awk "{ print \$8 }" | sort -nrc'
check top_sort_bad_exits_2 status 2 "$tool" -d "$D" top --sort size
check top_cumulative bash -c '"$tool" -d "$D" --no-kallsyms top --cumulative -n 0 | grep -q " 2.0 MiB .* do_one_initcall$"'
check top_requested_vs_allocated bash -c '"$tool" -d "$D" --no-kallsyms top --raw | grep -q "^in use: *8392706 in 89052 objects, requested 7688070 "'
# --- top: the allocator of every row, the totals of every allocator ---
# basic_v3.heap at rate 512 KiB, unbiased by hand as in unit_test.c: the
# 64-byte slab bucket 10 -> 81925 objects, 640 -> 5243200 bytes; one page
# of bar_create: scale 128.50065, 4096 -> 526338; four pages of pgd_alloc:
# scale 32.502604, 2 -> 65, 32768 -> 1065045; two pages of vmalloc: scale
# 64.501302, 16384 -> 1056789; 160 percpu bytes: scale 3277.30003, 800 ->
# 2621840. bar_create is two rows: its slab and its page allocations.
v3=$data/basic_v3.heap
export v3
top_rows() { "$tool" -f "$v3" top --raw -n 0 "$@" | awk 'f { print $9, $1, $10 } /^ *INUSE/ { f = 1 }'; }
expect top_allocator_column "$("$tool" -f "$v3" top | grep -c ' FREES  ALLOCATOR SITE$')" 1
expect top_allocator_rows "$(top_rows)" "slab 5243200 bar_create
percpu 2621840 percpu_counter_init_many
page 1065045 pgd_alloc
vmalloc 1056789 foo_alloc_table
slab 1048768 alloc_inode
page 526338 bar_create"
expect top_allocator_totals "$("$tool" -f "$v3" top --raw | grep '^  [a-z]*: ')" \
"  slab:    in use 6291968 in 87387 objects, allocated 11535168 in 169312 objects
  page:    in use 1591383 in 193 objects, allocated 3702921 in 611 objects
  vmalloc: in use 1056789 in 129 objects, allocated 1585183 in 193 objects
  percpu:  in use 2621840 in 16386 objects, allocated 3146208 in 19663 objects"
expect top_allocator_page "$(top_rows --allocator page)" "page 1065045 pgd_alloc
page 526338 bar_create"
expect top_allocator_page_totals "$("$tool" -f "$v3" top --raw --allocator page | sed -n '2p;4p')" \
"in use:    1591383 in 193 objects, requested 1591383 (0.0% lost to size classes)
  page:    in use 1591383 in 193 objects, allocated 3702921 in 611 objects"
expect top_allocator_list "$(top_rows --allocator percpu,vmalloc | awk '{ print $1 }' | tr '\n' ' ')" "percpu vmalloc "
expect top_allocator_cumulative "$("$tool" -f "$v3" top --raw -n 0 --cumulative --allocator page,slab |
	awk '$NF == "bar_ioctl" { print $9, $1 }' | tr '\n' ' ')" "slab 5243200 page 526338 "
check top_allocator_unknown_exits_2 bash -c '"$tool" -f "$v3" top --allocator slab,bogus >"$D/out" 2>"$D/err"; [ $? = 2 ] && [ ! -s "$D/out" ] &&
	grep -q "^kmprof top: --allocator: unknown allocator .bogus.: expected slab, page, user, vmalloc, percpu$" "$D/err"'
check top_allocator_malformed_exits_2 bash -c '"$tool" -f "$v3" top --allocator Page >"$D/out" 2>"$D/err"; [ $? = 2 ] && [ ! -s "$D/out" ] &&
	grep -q "^kmprof top: --allocator: \"Page\" is not an allocator name" "$D/err"'
expect top_allocator_not_recorded "$(top_rows --allocator user | wc -l)" 0
sed -e '2s/sources=/sources=zram_2,/' -e '4s/allocator=slab/allocator=zram_2/' "$v3" >"$fake/later.heap"
expect top_allocator_later "$("$tool" -f "$fake/later.heap" top --raw --allocator zram_2 | sed -n '4p;7p')" \
"  zram_2:  in use 5243200 in 81925 objects, allocated 10486400 in 163850 objects
    5243200 100.0%     4587800  12.5%     81925    10486400    163850     81925  zram_2    bar_create"
expect top_v1_all_slab "$("$tool" -f "$data/basic.heap" top --raw -n 0 | awk 'f { print $9 } /^ *INUSE/ { f = 1 }' | sort -u)" slab
expect top_v2_slab_totals "$("$tool" -f "$data/basic_v2.heap" top --raw | grep '^  [a-z]*: ')" \
	"  slab:    in use 8392706 in 89052 objects, allocated 16782914 in 188388 objects"
# --- top: labels (heap format 4). labels_v4.heap is at rate 1: every
# number is the file's. Its cgroup ids 11, 12 and 13 become the inode
# numbers of the directories a, b and a/x of a cgroup tree made here.
v4=$data/labels_v4.heap
cg=$fake/cg
mkdir -p "$cg/a/x" "$cg/b"
sed -e "s/cgroup=11\$/cgroup=$(stat -c %i "$cg/a")/" -e "s/cgroup=12\$/cgroup=$(stat -c %i "$cg/b")/" \
	-e "s/cgroup=13\$/cgroup=$(stat -c %i "$cg/a/x")/" "$v4" >"$fake/cg.heap"
export v4 cg
label_rows() { "$tool" --cgroup-root "$cg" top --raw -n 0 "$@" 2>"$fake/err" |
	awk 'f { n = $10; for (i = 11; i <= NF; i++) n = n " " $i; print $9, $1, n } /^ *INUSE/ { f = 1 }'; }
expect top_by_comm "$(label_rows -f "$v4" --by comm)" "slab,page 4608 bash
slab 192 [softirq]
slab 192 kworker/0:1
slab 64 my\\040t\\303\\251sk
slab 0 [hardirq]"
expect top_by_pid "$(label_rows -f "$v4" --by pid)" "page 4096 101
slab 512 100
slab 192 2
slab 192 [softirq]
slab 64 200
slab 0 [hardirq]"
expect top_by_context "$(label_rows -f "$v4" --by context)" "slab,page 4864 task
slab 192 softirq
slab 0 hardirq"
expect top_by_cgroup_paths "$(label_rows -f "$fake/cg.heap" --by cgroup)" "slab,page 4608 /a
slab 192 /a/x
slab 192 [softirq]
slab 64 /b
slab 0 [hardirq]"
expect top_by_site_default "$(label_rows -f "$v4")" "page 4096 pgd_alloc
slab 576 alloc_inode
slab 384 bar_create"
expect top_by_title "$("$tool" -f "$v4" top --by pid | grep -c ' ALLOCATOR PID$')" 1
expect top_labels_line "$("$tool" -f "$v4" top | grep '^labels:')" "labels:    context,comm,pid,cgroup"
totals() { "$tool" --cgroup-root "$cg" top --raw "$@" 2>&1 | sed -n '2p;/^only:/p'; }
expect top_comm "$(totals -f "$v4" --comm bash)" "in use:    4608 in 5 objects, requested 4496 (2.4% lost to size classes)
only:      comm bash"
expect top_comm_unescaped "$(label_rows -f "$v4" --comm "$(printf 'my t\303\251sk')")" "slab 64 bar_create"
expect top_pid "$(label_rows -f "$v4" --pid 100 --by comm)" "slab 512 bash"
expect top_cgroup_and_below "$(totals -f "$fake/cg.heap" --cgroup /a/)" "in use:    4800 in 6 objects, requested 4646 (3.2% lost to size classes)
only:      cgroup /a/ and below"
expect top_cgroup_root_is_every_task "$(label_rows -f "$fake/cg.heap" --cgroup / --by context)" "slab,page 4864 task"
expect top_filters_combine "$(label_rows -f "$fake/cg.heap" --cgroup /a --comm kworker/0:1 --by pid)" "slab 192 2"
expect top_filters_and_allocator "$(label_rows -f "$v4" --comm bash --allocator slab)" "slab 384 alloc_inode
slab 128 bar_create"
expect top_by_label_and_allocator "$(label_rows -f "$v4" --by comm --allocator page)" "page 4096 bash"
expect top_filter_matches_nothing "$(totals -f "$v4" --pid 7 | head -n 1)" "in use:    0 in 0 objects, requested 0 (- lost to size classes)"
rmdir "$cg/a/x"
export gone=$(sed -n 's/.*comm=kworker.* cgroup=//p' "$fake/cg.heap")
expect top_cgroup_deleted "$(label_rows -f "$fake/cg.heap" --by cgroup | grep deleted)" "slab 192 (deleted) $gone"
expect top_cgroup_deleted_not_below "$(totals -f "$fake/cg.heap" --cgroup /a | head -n 1)" \
	"in use:    4608 in 5 objects, requested 4496 (2.4% lost to size classes)"
check top_cgroup_root_unreadable_warns bash -c '"$tool" -f "$v4" --cgroup-root "$D/absent" top --by cgroup 2>&1 >/dev/null |
	grep -q "^kmprof: warning: cannot read the cgroups in .*absent: No such file or directory"'
check top_no_cgroup_walk_without_label bash -c 'sed "2s/,cgroup\$//; s/ cgroup=[0-9]*//" "$v4" >"$D/nocg.heap" &&
	"$tool" -f "$D/nocg.heap" --cgroup-root "$D/absent" top --by pid 2>"$D/err" >/dev/null && [ ! -s "$D/err" ] &&
	"$tool" -f "$data/basic_v3.heap" --cgroup-root "$D/absent" pprof -o "$D/p" 2>"$D/err" && [ ! -s "$D/err" ]'
check top_interrupt_without_context bash -c 'sed "2s/labels=context,/labels=/; s/ context=[a-z]*//" "$v4" >"$D/noctx.heap" &&
	"$tool" -f "$D/noctx.heap" top --raw --by comm | grep -q "^ *192 .* 384 .* slab      \[interrupt\]$"'
# Asking for a label the profile lacks, or a malformed one, is exit 2.
check top_by_v3_exits_2 bash -c '"$tool" -f "$v3" top --by comm >"$D/out" 2>"$D/err"; [ $? = 2 ] && [ ! -s "$D/out" ] &&
	grep -qx "kmprof top: --by: the profile has no comm label (heap format 3 has no labels)" "$D/err"'
check top_by_missing_label_exits_2 bash -c '"$tool" -f "$D/nocg.heap" top --by cgroup >"$D/out" 2>"$D/err"; [ $? = 2 ] && [ ! -s "$D/out" ] &&
	grep -qx "kmprof top: --by: the profile has no cgroup label (labels=context,comm,pid)" "$D/err"'
check top_cgroup_filter_missing_label_exits_2 bash -c '"$tool" -f "$D/nocg.heap" top --cgroup /a 2>&1 >/dev/null | grep -q "^kmprof top: --cgroup: the profile has no cgroup label"; [ ${PIPESTATUS[0]} = 2 ]'
check top_comm_v3_exits_2 status 2 "$tool" -f "$v3" top --comm bash
check top_pid_v3_exits_2 status 2 "$tool" -f "$v3" top --pid 1
check top_by_unknown_exits_2 bash -c '"$tool" -f "$v4" top --by uid 2>&1 | grep -q "^kmprof top: --by: expected site, comm, pid, cgroup or context, not .uid.$"'
check top_by_cumulative_exits_2 status 2 "$tool" -f "$v4" top --by comm --cumulative
check top_cgroup_relative_exits_2 status 2 "$tool" -f "$v4" top --cgroup a
check top_pid_not_number_exits_2 status 2 "$tool" -f "$v4" top --pid x
check top_comm_too_long_exits_2 status 2 "$tool" -f "$v4" top --comm abcdefghijklmnop
# --- top --min-age: the objects in use of the age classes old enough
# (heap format 5). ages_v5.heap is at rate 1: bar_create has 4 objects
# in use of 64 bytes (ages 0:1,3:2,7:1, 200 bytes requested),
# alloc_inode 3 of 192 (2:1,10:1, 450 requested), pgd_alloc and d_alloc
# no ages. ages_labels_v5.heap is the same at a sampling rate, with
# labels; its pgd_alloc's one object is of class 32.
v5=$data/ages_v5.heap
v5l=$data/ages_labels_v5.heap
export v5 v5l
age_rows() { "$tool" top --raw -n 0 "$@" 2>"$fake/err" |
	awk 'f { print $1, $3, $5, $6, $7, $8, $9, $10 } /^ *INUSE/ { f = 1 }'; }
age_head() { "$tool" top --raw "$@" 2>"$fake/err" | grep -e '^in use:' -e '^age:' -e '^  [a-z]*:'; }
expect top_min_age_rows "$(age_rows -f "$v5" --min-age 60s)" "192 150 1 - - - slab alloc_inode
64 50 1 - - - slab bar_create"
expect top_min_age_totals "$(age_head -f "$v5" --min-age 60s)" \
"in use:    256 in 2 objects, requested 200 (21.9% lost to size classes)
age:       objects in use for at least 64 s (--min-age 60 s rounded up to an age class)
  slab:    in use 256 in 2 objects
  page:    in use 0 in 0 objects"
# 4 s is a class boundary: classes 3 and up; 5 s rounds up to 8 s.
expect top_min_age_boundary "$(age_rows -f "$v5" --min-age 4)" "192 150 1 - - - slab alloc_inode
192 150 3 - - - slab bar_create"
expect top_min_age_rounds_up "$(age_head -f "$v5" --min-age 5 | head -n 2)" \
"in use:    256 in 2 objects, requested 200 (21.9% lost to size classes)
age:       objects in use for at least 8 s (--min-age 5 s rounded up to an age class)"
expect top_min_age_units "$(age_head -f "$v5" --min-age 2m | sed -n 2p; age_head -f "$v5" --min-age 1h | sed -n 2p;
	age_head -f "$v5" --min-age 1d | sed -n 2p)" \
"age:       objects in use for at least 128 s (--min-age 120 s rounded up to an age class)
age:       objects in use for at least 4096 s (--min-age 3600 s rounded up to an age class)
age:       objects in use for at least 131072 s (--min-age 86400 s rounded up to an age class)"
# 0 s keeps every class, the youngest too, but only records with ages=.
expect top_min_age_zero "$(age_rows -f "$v5" --min-age 0)" "384 300 2 - - - slab alloc_inode
256 200 4 - - - slab bar_create"
expect top_min_age_none_old_enough "$(age_rows -f "$v5" --min-age 1d | wc -l)" 0
# At a rate, a class is estimated with its record's in-use scale: the
# 1 object of 64 bytes as 8192 (1 / (1 - exp(-64 / 524288))), 524320
# bytes; pgd_alloc's one object, all of its in use, as the record is.
expect top_min_age_scaled "$(age_rows -f "$v5l" --min-age 60s)" "526338 526338 128 - - - page pgd_alloc
524384 409675 2731 - - - slab alloc_inode
524320 409625 8192 - - - slab bar_create"
expect top_min_age_record_whole "$(age_rows -f "$v5l" --min-age 1d --allocator page)" \
	"$("$tool" -f "$v5l" top --raw -n 0 --allocator page | awk 'f { print $1, $3, $5, "-", "-", "-", $9, $10 } /^ *INUSE/ { f = 1 }')"
expect top_min_age_by_label "$(age_rows -f "$v5l" --min-age 60s --by comm)" "1050658 935963 8320 - - - slab,page bash
524384 409675 2731 - - - slab [softirq]"
check watch_min_age bash -c '"$tool" -f "$v5" watch -i 0.1 --iterations 1 --min-age 60s | grep -q "^ *64 .* slab  *bar_create$"'
check top_min_age_v4_exits_2 bash -c '"$tool" -f "$v4" top --min-age 1m >"$D/out" 2>"$D/err"; [ $? = 2 ] && [ ! -s "$D/out" ] &&
	grep -qx "kmprof top: --min-age: the profile has no ages (heap format 5)" "$D/err"'
check top_min_age_v3_exits_2 status 2 "$tool" -f "$v3" top --min-age 0
for bad in x 10x 5ms -1 m "" 1.5h 99999999999999999999d; do
	check "top_min_age_malformed_exits_2 ($bad)" bash -c '"$tool" -f "$v5" top --min-age "$1" >"$D/out" 2>"$D/err"; [ $? = 2 ] && [ ! -s "$D/out" ] &&
		grep -qxF "kmprof top: --min-age: expected a duration (30s, 10m, 2h, 1d or seconds), not '"'"'$1'"'"'" "$D/err"' - "$bad"
done
check top_min_age_sort_alloc_exits_2 status 2 "$tool" -f "$v5" top --min-age 1 --sort alloc
check top_min_age_sort_objects bash -c '"$tool" -f "$v5" top --min-age 4 --sort objects --raw | tail -n 1 | grep -q " alloc_inode$"'
check diff_refuses_min_age status 2 "$tool" diff --min-age 1 "$v5" "$v5"
check top_without_min_age_as_before bash -c '"$tool" -f "$v5" top --raw | grep -q "^ *576 .* 960 *5 *2  slab  *alloc_inode$"'
# --- top --lifetimes (heap format 6): lifetimes_v6.heap is ages_v5.heap
# at rate 1 with lifetimes: bar_create's 2 frees 0:1,2:1 (3 s in all),
# alloc_inode's 2 1:1,4:1 (10 s), pgd_alloc's 1 15:1 (20000 s), d_alloc's
# 2 3:2 (11 s). Mean: the sum over the frees; median: the class holding
# the first half of them.
v6=$data/lifetimes_v6.heap
export v6
life_rows() { "$tool" top --raw -n 0 --lifetimes "$@" 2>"$fake/err" |
	awk 'f { print $4, $5, $6, $8 } /^ *INUSE/ { f = 1 }'; }
expect top_lifetimes_rows "$(life_rows -f "$v6")" "1 20000.0s 16384s+ pgd_alloc
2 5.0s 1s-2s alloc_inode
2 1.5s <1s bar_create
2 5.5s 4s-8s d_alloc"
# At rate 4096, one site's two records: 2 frees of 64 bytes that lived 0 s
# (scale 1 / (1 - exp(-64 / 4096)) = 64.5013), 1 of 4096 bytes that lived
# 5 s (scale 1.58198): frees 129 + 3 - 1 = 131, mean lifetime
# 5 * 1.58198 / (2 * 64.5013 + 1.58198) = 0.06 s, not 5 / 3.
printf '%s\n' 'heap profile: 1: 4096 [4: 8320] @ heap_v2/4096' \
	'# kmprof-heap v6 rate=4096 cycle=3 pending=0 buckets=2 time_ns=1 sources=slab' \
	'0: 0 [2: 128] @ 0xffffffff81a3c2f1' \
	'# size=64 inuse_req=0 alloc_req=128 allocator=slab lifetimes=0:2 lifetime_sum=0' \
	'1: 4096 [2: 8192] @ 0xffffffff81a3c2f1' \
	'# size=4096 inuse_req=4096 alloc_req=8192 allocator=slab lifetimes=3:1 lifetime_sum=5' >"$fake/life.heap"
expect top_lifetimes_scaled "$(life_rows -f "$fake/life.heap")" "131 0.1s <1s 0xffffffff81a3c2f1"
check top_lifetimes_v5_exits_2 bash -c '"$tool" -f "$v5" top --lifetimes >"$D/out" 2>"$D/err"; [ $? = 2 ] && [ ! -s "$D/out" ] &&
	grep -qx "kmprof top: --lifetimes: the profile has no lifetimes (heap format 6)" "$D/err"'
check top_lifetimes_min_age_exits_2 status 2 "$tool" -f "$v6" top --lifetimes --min-age 1
check watch_lifetimes bash -c '"$tool" -f "$v6" watch -i 0.1 --iterations 1 --lifetimes | grep -q " 5.5s 4s-8s  *slab  *d_alloc$"'

check folded_refuses_cgroup_root status 2 "$tool" -f "$v4" --cgroup-root "$cg" folded
check watch_by_comm bash -c '"$tool" -f "$v4" watch -i 0.1 --iterations 1 --by comm | grep -q " slab,page bash$"'
check folded_v4_stacks_as_before bash -c '[ "$("$tool" -f "$v4" folded)" = "[slab];do_syscall_64;__x64_sys_ioctl;bar_ioctl;bar_create 384
[page];dup_mm;mm_init;pgd_alloc 4096
[slab];new_inode;alloc_inode 576" ]'
check watch_allocator bash -c '"$tool" -d "$D" --no-kallsyms watch -i 0.1 --iterations 1 --allocator slab | grep -q " slab  *bar_create$"'
check top_kallsyms_names_the_rest bash -c '"$tool" -d "$D" --kallsyms "$data/kallsyms" top | grep -q "baz_probe \[baz\]$"'
host=$(awk '$1 !~ /^0+$/ && $2 ~ /^[tT]$/ && !$4 { print $1; exit }' /proc/kallsyms 2>/dev/null)
if [ -n "$host" ]; then
	addr=$(printf '0x%x' $((0x$host + 0x10)))
	sed "s/0xffffffffc0b00010/$addr/g" "$data/basic.heap" >"$D/heap"
	export sym=$("$tool" -f "$D/heap" --kallsyms /proc/kallsyms top --raw | awk 'END { print $10 }')
	check live_named_from_host_kallsyms bash -c '[ -n "$sym" ] && [ "${sym#0x}" = "$sym" ] &&
		"$tool" -d "$D" top -n 0 | grep -q " $sym$"'
	populate
else
	ktap_skip live_named_from_host_kallsyms "/proc/kallsyms shows no addresses"
fi
check top_without_kallsyms_keeps_address bash -c '"$tool" -d "$D" --no-kallsyms top | grep -q " 0xffffffffc0b00010$"'
check folded_live bash -c '"$tool" -d "$D" --no-kallsyms folded | grep -qx "\[slab\];new_inode;alloc_inode 1048768"'
check folded_output_file bash -c '"$tool" -d "$D" --no-kallsyms folded -o "$D/f" && [ "$(wc -l <"$D/f")" = 4 ]'
check pprof_live bash -c '"$tool" -d "$D" pprof -o "$D/p.pb.gz" && gzip -t "$D/p.pb.gz"'
check heap_unknown_version_exits_5 bash -c 'sed "2s/v1/v9/" "$data/basic.heap" >"$D/heap"; "$tool" -d "$D" top >/dev/null 2>"$D/err"; [ $? = 5 ] && grep -q "unknown heap format version 9: this kmprof reads versions 1 to 6" "$D/err"'
populate

# --- heap files without labels read as they always have: top and folded
# of every format version before 4, byte for byte as golden/ keeps them ---
golden=$data/golden
for v in basic basic_v2 basic_v3; do
	h=$data/$v.heap
	expect_file "${v}_top_unchanged" "$golden/$v.top" "$tool" -f "$h" top
	expect_file "${v}_top_raw_unchanged" "$golden/$v.top-raw" "$tool" -f "$h" top -n 0 --raw
	expect_file "${v}_top_cumulative_unchanged" "$golden/$v.top-cumulative" "$tool" -f "$h" top --cumulative -n 0
	expect_file "${v}_folded_unchanged" "$golden/$v.folded" "$tool" -f "$h" folded
	expect_file "${v}_folded_alloc_all_unchanged" "$golden/$v.folded-alloc-all" "$tool" -f "$h" folded --alloc --all-frames
done

# --- diff: the growth between two saved profiles. diff_old.heap and
# diff_new.heap are at rate 1, so every number is the files'. NEW's
# addresses are all moved (as after a reboot, KASLR): rows can only match
# by name. Its counts are a later snapshot of OLD's profile: bar_create
# grows, alloc_inode shrinks, pgd_alloc frees all it had, foo_alloc_table
# is new. Their cgroup ids 11, 12 and 13 become a, b and a/x of a tree
# made here.
old=$data/diff_old.heap new=$data/diff_new.heap
cgd=$fake/cgd
mkdir -p "$cgd/a/x" "$cgd/b"
for f in old new; do
	sed -e "s/cgroup=11\$/cgroup=$(stat -c %i "$cgd/a")/" -e "s/cgroup=12\$/cgroup=$(stat -c %i "$cgd/b")/" \
		-e "s/cgroup=13\$/cgroup=$(stat -c %i "$cgd/a/x")/" "$data/diff_$f.heap" >"$fake/cg_$f.heap"
done
export old new cgd
# diff_rows OPTION...: "ALLOCATOR OLD NEW GROWTH OBJECTS ALLOC NAME" per row.
diff_rows() { "$tool" diff --cgroup-root "$cgd" "$@" 2>"$fake/err" |
	awk 'f { n = $7; for (i = 8; i <= NF; i++) n = n " " $i; print $6, $1, $2, $3, $4, $5, n } /^ *OLD INUSE/ { f = 1 }'; }
expect diff_rows_raw "$(diff_rows --raw "$old" "$new")" "vmalloc 0 8192 +8192 +1 8192 foo_alloc_table [foo]
slab 320 1344 +1024 +16 1280 bar_create
slab 11904 9792 -2112 -11 1920 alloc_inode
page 8192 0 -8192 -2 0 pgd_alloc"
expect diff_totals_raw "$("$tool" diff --raw "$old" "$new" | sed -n '/^in use:/p;/^allocated:/p')" \
"in use:    20416 -> 19328 (-1088), 69 -> 73 objects (+4)
allocated: 11392 between them, in 31 objects"
expect diff_header "$("$tool" diff "$old" "$new" | sed -n '1,3p' | sed "s|$data/||")" \
"old:       diff_old.heap: heap v4, cycle 20, 2023-11-14 22:13:20 UTC, rate 1 B, 5 buckets
new:       diff_new.heap: heap v4, cycle 25, 2023-11-14 23:15:23 UTC, rate 1 B, 6 buckets
interval:  1h02m03.500s"
expect diff_human_units "$("$tool" diff "$old" "$new" | grep ' alloc_inode$')" \
	"   11.6 KiB     9.6 KiB     -2.1 KiB       -11     1.9 KiB  slab      alloc_inode"
expect diff_sort_shrink "$(diff_rows --raw --sort shrink "$old" "$new" | awk '{ print $4, $NF }' | tr '\n' ' ')" \
	"-8192 pgd_alloc -2112 alloc_inode +1024 bar_create +8192 [foo] "
expect diff_sort_new "$(diff_rows --raw --sort new "$old" "$new" | awk '{ print $3, $NF }' | tr '\n' ' ')" \
	"9792 alloc_inode 8192 [foo] 1344 bar_create 0 pgd_alloc "
check diff_sort_bad_exits_2 bash -c '"$tool" diff --sort inuse "$old" "$new" 2>&1 >/dev/null | grep -q "^kmprof diff: --sort: expected growth, shrink or new, not .inuse.$"; [ ${PIPESTATUS[0]} = 2 ]'
expect diff_limit "$(diff_rows -n 2 "$old" "$new" | awk '{ print $NF }' | tr '\n' ' ')" "[foo] bar_create "
expect diff_self_all_zero "$(diff_rows --raw "$old" "$old")" "slab 11904 11904 +0 +0 0 alloc_inode
page 8192 8192 +0 +0 0 pgd_alloc
slab 320 320 +0 +0 0 bar_create"
expect diff_self_totals "$("$tool" diff --raw "$old" "$old" | sed -n '3,5p')" "interval:  0.000s
in use:    20416 -> 20416 (+0), 69 -> 69 objects (+0)
allocated: 0 between them, in 0 objects"
# The filters and --by of top, applied to both files.
expect diff_by_cgroup "$(diff_rows --raw --by cgroup "$fake/cg_old.heap" "$fake/cg_new.heap")" \
"vmalloc 0 8192 +8192 +1 8192 /b
slab 64 64 +0 +0 0 [softirq]
slab 384 192 -192 -1 0 /a/x
slab,page 19968 10880 -9088 +4 3200 /a"
expect diff_by_cgroup_filtered "$(diff_rows --raw --by cgroup --cgroup /a --allocator slab "$fake/cg_old.heap" "$fake/cg_new.heap")" \
"slab 384 192 -192 -1 0 /a/x
slab 11776 10880 -896 +6 3200 /a"
expect diff_filter_totals "$("$tool" diff --raw --cgroup-root "$cgd" --cgroup /a --allocator slab "$fake/cg_old.heap" "$fake/cg_new.heap" | sed -n '/^in use:/,/^only:/p')" \
"in use:    12160 -> 11072 (-1088), 66 -> 71 objects (+5)
allocated: 3200 between them, in 30 objects
only:      cgroup /a and below"
expect diff_by_pid_comm "$(diff_rows --raw --by pid --comm bash "$old" "$new")" "slab 11776 10880 -896 +6 3200 100
page 8192 0 -8192 -2 0 101"
expect diff_by_title "$("$tool" diff --by comm "$old" "$new" | grep -c ' ALLOCATOR COMM$')" 1
check diff_by_v3_exits_2 bash -c '"$tool" diff --by comm "$old" "$data/basic_v3.heap" >"$D/out" 2>"$D/err"; [ $? = 2 ] && [ ! -s "$D/out" ] &&
	grep -qx "kmprof diff: --by: $data/basic_v3.heap has no comm label (heap format 3 has no labels)" "$D/err"'
check diff_allocator_unknown_exits_2 status 2 "$tool" diff --allocator bogus "$old" "$new"
# Not one profile: counts from a reset, a reload or another rate are not
# comparable, so nothing is said of what was allocated between them.
sed -e '1s/\[127: 40128\]/[125: 31936]/' -e 's/^0: 0 \[3: 12288\]/0: 0 [1: 4096]/' \
	-e 's/inuse_req=0 alloc_req=12288/inuse_req=0 alloc_req=4096/' "$new" >"$fake/reset.heap"
export reset=$fake/reset.heap
check diff_fewer_allocations_note bash -c '"$tool" diff "$old" "$reset" | grep -qx "note:      not one profile (a record has fewer allocations in NEW than in OLD): allocations between them unknown (-)"'
expect diff_fewer_allocations_no_alloc "$(diff_rows --raw "$old" "$reset" | awk '{ print $6 }' | sort -u)" "-"
expect diff_fewer_allocations_totals "$("$tool" diff --raw "$old" "$reset" | sed -n '/^in use:/,/^allocated:/p')" \
"in use:    20416 -> 19328 (-1088), 69 -> 73 objects (+4)
allocated: - between them"
check diff_cycle_before_note bash -c '"$tool" diff "$new" "$old" | grep -q "^note:      not one profile (NEW.s cycle is before OLD.s)"'
check diff_one_profile_no_note bash -c '! "$tool" diff "$old" "$new" | grep -q "^note:"'
# Another rate: each file unbiased with its own. The rate-4096 pair is the
# rate-1 pair sampled at 4096: every row's OLD and NEW are top's rows of
# each file, its growth their difference.
for f in old new; do
	sed '1s|heap_v2/1$|heap_v2/4096|; 2s/ rate=1 / rate=4096 /' "$data/diff_$f.heap" >"$fake/r4096_$f.heap"
done
export r4096_old=$fake/r4096_old.heap r4096_new=$fake/r4096_new.heap
check diff_rate_note bash -c '"$tool" diff "$old" "$r4096_new" >"$D/out" &&
	grep -qx "note:      the rates differ: each file.s estimates are unbiased with its own" "$D/out" &&
	grep -qx "note:      not one profile (the rates differ): allocations between them unknown (-)" "$D/out"'
top_inuse() { "$tool" -f "$1" top --raw -n 0 | awk 'f { n = $10; for (i = 11; i <= NF; i++) n = n " " $i; print $9, $1, n } /^ *INUSE/ { f = 1 }'; }
top_inuse "$r4096_old" >"$fake/top_old"
top_inuse "$r4096_new" >"$fake/top_new"
diff_rows --raw "$r4096_old" "$r4096_new" >"$fake/diff_rows"
expect diff_rate_4096_unbiased "$(awk 'FILENAME ~ /top_old/ { o[$1 " " $3 $4] = $2; next }
	FILENAME ~ /top_new/ { n[$1 " " $3 $4] = $2; next }
	{ k = $1 " " $7 $8; g = $3 - $2; if ($2 != o[k] + 0 || $3 != n[k] + 0 || $4 != (g >= 0 ? "+" g : g)) bad = bad " " $7 }
	END { print NR - 0, bad == "" ? "ok" : bad }' "$fake/top_old" "$fake/top_new" "$fake/diff_rows")" "$(( $(wc -l <"$fake/top_old") + $(wc -l <"$fake/top_new") + 4 )) ok"
expect diff_rate_4096_total "$("$tool" diff --raw "$r4096_old" "$r4096_new" | awk '/^in use:/ { print $3, $5 }')" \
	"$("$tool" -f "$r4096_old" top --raw | awk '/^in use:/ { print $3 }') $("$tool" -f "$r4096_new" top --raw | awk '/^in use:/ { print $3 }')"
# Operands: one may be standard input; both, or fewer than two, are usage
# errors; a file that cannot be read or parsed is named, as for -f.
check diff_stdin_old bash -c '[ "$("$tool" diff --raw - "$new" <"$old" | sed 1d)" = "$("$tool" diff --raw "$old" "$new" | sed 1d)" ]'
check diff_both_stdin_exits_2 bash -c '"$tool" diff - - <"$old" 2>&1 >/dev/null | grep -q "^kmprof diff: OLD and NEW cannot both be standard input (-)$"; [ ${PIPESTATUS[0]} = 2 ]'
check diff_no_operand_exits_2 bash -c '"$tool" diff 2>&1 >/dev/null | grep -q "^kmprof diff: missing OLD and NEW"; [ ${PIPESTATUS[0]} = 2 ]'
check diff_one_operand_exits_2 bash -c '"$tool" diff "$old" 2>&1 >/dev/null | grep -q "^kmprof diff: missing NEW"; [ ${PIPESTATUS[0]} = 2 ]'
check diff_three_operands_exits_2 status 2 "$tool" diff "$old" "$new" "$new"
check diff_malformed_exits_5 bash -c 'sed "3s/^4: 256/5: 256/" "$old" >"$D/bad.heap"; "$tool" diff "$D/bad.heap" "$new" >"$D/out" 2>"$D/err"; [ $? = 5 ] && [ ! -s "$D/out" ] &&
	grep -q "^kmprof: $D/bad.heap:3: " "$D/err"'
check diff_missing_file_exits_1 bash -c '"$tool" diff "$old" "$D/absent.heap" 2>&1 >/dev/null | grep -q "cannot open $D/absent.heap: No such file"; [ ${PIPESTATUS[0]} = 1 ]'
check diff_refuses_file_option status 2 "$tool" -f "$old" diff "$old" "$new"
check diff_empty_profiles bash -c 'printf "%s\n" "heap profile: 0: 0 [0: 0] @ heap_v2/1" "# kmprof-heap v1 rate=1 cycle=0 pending=0 buckets=0" >"$D/empty.heap" &&
	"$tool" diff "$D/empty.heap" "$D/empty.heap" | grep -qx "in use:    0 B -> 0 B (+0 B), 0 -> 0 objects (+0)"'
check diff_kallsyms_names_both bash -c '"$tool" diff --kallsyms "$data/kallsyms" "$data/basic.heap" "$data/basic.heap" | grep -q " baz_probe \[baz\]$" &&
	"$tool" diff "$data/basic.heap" "$data/basic.heap" | grep -q " 0xffffffffc0b00010$"'

# --- leaks: leaks_[0-3]_v6.heap are four snapshots 10 s apart at rate
# 65536 of three sites of 4096-byte objects. Sampled objects in use:
# leak_grow 10, 20, 30, 40, its 2 to 5 frees lived 0 s, and at the last
# 20 of its 40 objects are of age class 6 (32 s and older: older than the
# 30 s window); churn_once 10 throughout, 90 to 390 frees of 1 s;
# burst_fill 5, 20, 10, 6. Each estimate is n * 4096 * s truncated, s =
# 1 / (1 - exp(-4096 / 65536)); its variance 4096^2 n (1 - q) / q^2 with
# q = 1 / s; the interval 1.96 sqrt(var(first) + var(last)).
leaks_files="$data/leaks_0_v6.heap $data/leaks_1_v6.heap $data/leaks_2_v6.heap $data/leaks_3_v6.heap"
export leaks_files
# want_leak FIRST LAST: "+GROWTH HALF FIRST LAST" of a row of n objects at
# the first snapshot and m at the last, computed here.
want_leak()
{
	python3 -c 'import math, sys
q = 1 - math.exp(-4096 / 65536)
est = lambda n: int(n * 4096 / q)
var = lambda n: 4096 ** 2 * n * (1 - q) / q ** 2
a, b = int(sys.argv[1]), int(sys.argv[2])
g = est(b) - est(a)
print("%s%d %d %d %d" % ("+" if g >= 0 else "-", abs(g), round(1.96 * math.sqrt(var(a) + var(b))), est(a), est(b)))' "$1" "$2"
}
# leak_rows SECTION ARGS...: the rows of "suspects" or "not significant".
leak_rows()
{
	local section=$1
	shift
	"$tool" leaks --raw "$@" 2>"$fake/err" | awk -v s="$section" '
		/^suspects:/ { f = s == "suspects"; next }
		/^not significant:/ { f = s == "not"; next }
		f && $1 ~ /^[+-]/ { print }'
}
expect leaks_steady_first "$(leak_rows suspects $leaks_files | awk 'NR == 1 { print $7, $8 }')" "leak_grow [leaky]"
expect leaks_one_suspect "$("$tool" leaks $leaks_files | grep '^suspects:')" \
	"suspects: 1 row whose bytes in use grew beyond sampling error"
expect leaks_steady_numbers "$(leak_rows suspects $leaks_files | awk '$7 == "leak_grow" { print $1, $2, $3, $4, $5 }')" \
	"$(want_leak 10 40) 3/3"
expect leaks_steady_why "$("$tool" leaks $leaks_files | grep -A1 ' leak_grow \[leaky\]$' | sed -n 2p)" \
	"    why: grew in 3 of 3 intervals; 50% of its objects in use are older than the window (at least 32 s); 100% of them older than any it freed; its frees lived 0.0 s on average, the median one <1s"
expect leaks_churn_not_significant "$(leak_rows not $leaks_files | awk '$7 == "churn_once" { print $1, $2, $3, $4, $5 }')" \
	"$(want_leak 10 10) 0/3"
expect leaks_burst_not_significant "$(leak_rows not $leaks_files | awk '$7 == "burst_fill" { print $1, $2, $3, $4, $5 }')" \
	"$(want_leak 5 6) 1/3"
expect leaks_not_significant_by_growth "$(leak_rows not $leaks_files | awk '{ print $7 }' | tr '\n' ' ')" "burst_fill churn_once "
check leaks_no_why_when_not_significant bash -c '! "$tool" leaks $leaks_files | sed -n "/^not significant:/,\$p" | grep -q "why:"'
expect leaks_header "$("$tool" leaks $leaks_files | sed -n 1p)" \
	"kmprof leaks: 4 snapshots, cycles 10 to 13, rate 64.0 KiB, over 30.000 s"
# Two snapshots: the first and the last, one interval.
expect leaks_two_files "$(leak_rows suspects "$data/leaks_0_v6.heap" "$data/leaks_3_v6.heap" | awk '{ print $1, $2, $5, $7 }')" \
	"$(want_leak 10 40 | awk '{ print $1, $2 }') 1/1 leak_grow"
# Heap format 5: ages, but no lifetimes to compare with.
for i in 0 1 2 3; do
	sed -e '2s/v6/v5/' -e 's/ lifetimes=[^ ]* lifetime_sum=[0-9]*//' "$data/leaks_${i}_v6.heap" >"$fake/leaks_${i}_v5.heap"
done
v5_leaks="$fake/leaks_0_v5.heap $fake/leaks_1_v5.heap $fake/leaks_2_v5.heap $fake/leaks_3_v5.heap"
export v5_leaks
expect leaks_v5_why "$("$tool" leaks $v5_leaks | grep '^    why:')" \
	"    why: grew in 3 of 3 intervals; 50% of its objects in use are older than the window (at least 32 s)"
expect leaks_v5_same_rows "$(leak_rows suspects $v5_leaks; leak_rows not $v5_leaks)" \
	"$(leak_rows suspects $leaks_files; leak_rows not $leaks_files)"
# At rate 1 every allocation is sampled: no error, burst_fill's one more
# object is a suspect, churn_once's +0 is not.
for i in 0 1 2 3; do
	sed -e '1s|heap_v2/65536|heap_v2/1|' -e '2s/rate=65536/rate=1/' "$data/leaks_${i}_v6.heap" >"$fake/leaks_${i}_r1.heap"
done
expect leaks_rate_1_exact "$(leak_rows suspects "$fake"/leaks_{0,1,2,3}_r1.heap | awk '{ print $1, $2, $7 }')" \
	"+122880 0 leak_grow
+4096 0 burst_fill"
expect leaks_rate_1_churn "$(leak_rows not "$fake"/leaks_{0,1,2,3}_r1.heap | awk '{ print $1, $2, $7 }')" "+0 0 churn_once"
expect leaks_allocator_filter "$("$tool" leaks --allocator page $leaks_files | grep -e '^suspects:' -e '^not significant:')" \
	"suspects: 0 rows whose bytes in use grew beyond sampling error
not significant: 0 rows whose growth's interval reaches 0 or below"
expect leaks_limit "$(leak_rows not -n 1 $leaks_files | awk '{ print $7 }')" burst_fill
# Input that is no series of snapshots of one profile.
check leaks_one_file_exits_2 bash -c '"$tool" leaks "$data/leaks_0_v6.heap" >"$D/out" 2>"$D/err"; [ $? = 2 ] && [ ! -s "$D/out" ] &&
	grep -q "^kmprof leaks: expected two heap files or more, oldest first, or -i DURATION$" "$D/err"'
check leaks_no_file_exits_2 status 2 "$tool" leaks
sed -e '1s|heap_v2/65536|heap_v2/4096|' -e '2s/rate=65536/rate=4096/' "$data/leaks_1_v6.heap" >"$fake/leaks_rate.heap"
check leaks_rates_differ_exits_2 bash -c '"$tool" leaks "$data/leaks_0_v6.heap" "$0" >"$D/out" 2>"$D/err"; [ $? = 2 ] && [ ! -s "$D/out" ] &&
	grep -qx "kmprof leaks: $0 is sampled at rate 4096 but $data/leaks_0_v6.heap at 65536: snapshots of one profile have one rate" "$D/err"' "$fake/leaks_rate.heap"
check leaks_not_a_heap_exits_5 bash -c '"$tool" leaks "$data/leaks_0_v6.heap" "$data/kallsyms" >"$D/out" 2>"$D/err"; [ $? = 5 ] && [ ! -s "$D/out" ] &&
	grep -q "^kmprof: $data/kallsyms:1: header: not a heap profile" "$D/err"'
check leaks_missing_file_exits_1 status 1 "$tool" leaks "$data/leaks_0_v6.heap" "$fake/absent.heap"
check leaks_out_of_order_exits_2 bash -c '"$tool" leaks "$data/leaks_1_v6.heap" "$data/leaks_0_v6.heap" 2>&1 >/dev/null |
	grep -q "was taken before .*: give the snapshots oldest first$"; [ ${PIPESTATUS[0]} = 2 ]'
check leaks_cycles_without_interval_exits_2 status 2 "$tool" leaks --cycles 2 $leaks_files
check leaks_interval_with_files_exits_2 status 2 "$tool" -d "$D" leaks -i 1 $leaks_files
check leaks_bad_interval_exits_2 status 2 "$tool" -d "$D" leaks -i 0
check leaks_lifetimes_not_an_option status 2 "$tool" leaks --lifetimes $leaks_files
# Live: -i takes the snapshots itself, each after closing a cycle.
check leaks_live bash -c 'printf "cycle 6 pending 0\n" >"$D/cycle"; "$tool" -d "$D" --no-kallsyms leaks -i 1 --cycles 1 >"$D/out" 2>"$D/err" &&
	grep -q "^kmprof leaks: 2 snapshots, cycles 7 to 7" "$D/out" && [ "$(grep -c "^kmprof: snapshot [12] of 2: cycle 7$" "$D/err")" = 2 ] &&
	[ "$(cat "$D/cycle")" = 1 ]'
populate

# --- watch: bounded by --iterations; a pipe gets no escape codes ---
check watch_iterations bash -c '[ "$("$tool" -d "$D" --no-kallsyms watch -i 0.1 --iterations 3 | grep -c "^kmprof watch: every 0.1 s")" = 3 ]'
check watch_no_escapes_in_pipe bash -c '! "$tool" -d "$D" --no-kallsyms watch -i 0.1 --iterations 2 | grep -q $'"'"'\e'"'"''
check watch_bad_interval_exits_2 status 2 "$tool" -d "$D" watch -i 0
check watch_stops_on_error bash -c 'echo garbage >"$D/heap"; "$tool" -d "$D" watch -i 0.1 --iterations 3 >/dev/null 2>&1; [ $? -eq 5 ]'
populate
check top_no_interval status 2 "$tool" -d "$D" top -i 1

# --- messages a person can act on ---
check missing_dir_exits_4 status 4 "$tool" -d "$fake/absent" stats
check missing_dir_explains bash -c '"$tool" -d "$fake/absent" stats 2>&1 | grep -q "cannot open .*/absent/stats: No such file or directory"'
check missing_dir_names_it bash -c '"$tool" -d "$fake/absent" stats 2>&1 | grep -q "no directory .*/absent"'
check missing_file_in_dir bash -c 'rm "$D/probes"; "$tool" -d "$D" probes 2>&1 | grep -q "has no .probes.: not a kmprof directory"'
populate
if [ "$(id -u)" -ne 0 ]; then
	chmod 000 "$D/stats"
	check not_root_exits_3 status 3 "$tool" -d "$D" stats
	check not_root_explains bash -c '"$tool" -d "$D" stats 2>&1 | grep -q "root only: run kmprof as root"'
	chmod 644 "$D/stats"
else
	ktap_skip not_root_exits_3 "running as root"
	ktap_skip not_root_explains "running as root"
fi
check unknown_command_exits_2 status 2 "$tool" -d "$D" frobnicate
check no_command_exits_2 status 2 "$tool"
check bad_option_exits_2 status 2 "$tool" top --frobnicate
check extra_argument_exits_2 status 2 "$tool" -d "$D" top extra
check help_exits_0 "$tool" -h
commands="top watch snapshot diff leaks pprof folded record metrics stats probes rate enable disable reset help"
export commands
check help_lists_commands bash -c 'for c in $commands; do "$tool" --help | grep -q "^  $c " || exit 1; done'
check command_help bash -c 'for c in $commands; do "$tool" $c --help | grep -q "^usage: kmprof $c\b" || exit 1; done'
check command_help_to_stdout_exit_0 status 0 "$tool" pprof --help

# --- the command line says what it is doing, and nothing else ---
check option_error_names_command bash -c '"$tool" top -x 2>&1 >/dev/null | grep -q "^kmprof top: invalid option -- .x.$"'
check long_option_error_names_command bash -c '"$tool" folded --frobnicate 2>&1 >/dev/null | grep -q "^kmprof folded: unrecognized option .--frobnicate.$"'
check missing_argument_names_command bash -c '"$tool" top -n 2>&1 >/dev/null | grep -q "^kmprof top: option requires an argument -- .n.$"'
export version=$(sed -n 's/^PACKAGE_VERSION="\(.*\)"$/\1/p' "$(dirname "$0")/../../dkms.conf")
check version_prints_tool_and_formats bash -c '[ "$("$tool" --version)" = "kmprof $version
reads heap format versions 1 to 6" ]'
check help_command bash -c '"$tool" help | grep -q "^  pprof " && [ "$("$tool" help top)" = "$("$tool" top --help)" ]'
check help_unknown_command_exits_2 status 2 "$tool" help frobnicate
check snapshot_refuses_no_advance bash -c 'printf "cycle 6 pending 0\n" >"$D/cycle"; "$tool" -d "$D" snapshot --no-advance; [ $? = 2 ] && [ "$(cat "$D/cycle")" = "cycle 6 pending 0" ]'
check snapshot_refuses_kallsyms status 2 "$tool" -d "$D" snapshot --kallsyms "$data/kallsyms"
check stats_refuses_kallsyms status 2 "$tool" -d "$D" stats --kallsyms "$data/kallsyms"
check stats_refuses_global_kallsyms status 2 "$tool" -d "$D" --kallsyms "$data/kallsyms" stats
check rate_refuses_no_advance status 2 "$tool" -d "$D" --no-advance rate 4096
check file_refuses_no_advance status 2 "$tool" -f "$data/basic.heap" top --no-advance
check kallsyms_and_no_kallsyms_exit_2 status 2 "$tool" -f "$data/basic.heap" --kallsyms "$data/kallsyms" top --no-kallsyms
check usage_stats_offers_only_dir bash -c '[ "$("$tool" stats --help | head -n 1)" = "usage: kmprof stats [-d DIR]" ]'
check usage_snapshot_offers_only_its_options bash -c '[ "$("$tool" snapshot --help | head -n 1)" = "usage: kmprof snapshot [-d DIR] [-o FILE]" ]'
check usage_on_error_is_the_commands bash -c '"$tool" stats -x 2>&1 | grep -qx "usage: kmprof stats \[-d DIR\]"'
check disable_says_it_unregisters bash -c '"$tool" help disable | grep -q "unregisters"'
check rate_says_it_starts_a_new_profile bash -c '"$tool" help rate | grep -q "starts a new profile"'
printf '%s\n' 'heap profile: 1: 64 [1: 64] @ heap_v2/1' \
	'# kmprof-heap v1 rate=1 cycle=1 pending=1 buckets=1' \
	'1: 64 [1: 64] @ 0xffffffff81a3c2f1' '# size=64 inuse_req=60 alloc_req=60' >"$D/heap"
check top_one_bucket bash -c '"$tool" -d "$D" top | grep -q "^kmprof heap v1: rate 1 B, cycle 1, 1 bucket (every"'
check top_one_object bash -c '"$tool" -d "$D" top | grep -q "^in use: .* in 1 object, requested"'
check snapshot_one_bucket bash -c '"$tool" -d "$D" snapshot -o "$D/one" 2>&1 | grep -q "cycle 1, 1 bucket, "'
check snapshot_one_pending_cycle bash -c '"$tool" -d "$D" snapshot 2>&1 >/dev/null | grep -q "warning: 1 cycle was not yet published"'
populate

# --- kmprof.8 and Documentation/tool.rst say what the tables say ---
export man=$(dirname "$0")/../kmprof.8 rst=$(dirname "$0")/../../Documentation/tool.rst
awk '$0 == ".\\\" END kmprof help --man" { f = 0 } f; $0 == ".\\\" BEGIN kmprof help --man" { f = 1 }' "$man" >"$fake/man.part"
check man_page_from_tables bash -c '"$tool" help --man | cmp -s - "$0" && [ -s "$0" ]' "$fake/man.part"
check docs_show_every_usage bash -c 'for c in $commands; do u=$("$tool" $c --help | head -n 1); grep -qF "\`\`${u#usage: }\`\`" "$rst" || { echo "$u"; exit 1; }; done'
if man -w man >/dev/null 2>&1; then
	check man_see_also_pages_exist bash -c 'sed -n "/^\.SH SEE ALSO/,/^\.SH/p" "$man" | sed -n "s/^\.BR \([^ ]*\) (\([0-9]\)).*/\2 \1/p" >"$D/see"; [ -s "$D/see" ] &&
		while read -r sec page; do man -w "$sec" "$page" >/dev/null 2>&1 || { echo "$page($sec)"; exit 1; }; done <"$D/see"'
else
	ktap_skip man_see_also_pages_exist "no man pages on this host"
fi

# --- bash completion ---
export completion=$(dirname "$0")/../kmprof.bash-completion
check completion_commands bash -c '. "$completion"; COMP_WORDS=(kmprof -d /x to); COMP_CWORD=3; _kmprof; [ "${COMPREPLY[*]}" = top ]'
check completion_sort_keys bash -c '. "$completion"; COMP_WORDS=(kmprof top --sort f); COMP_CWORD=3; _kmprof; [ "${COMPREPLY[*]}" = frees ]'
check completion_allocators bash -c '. "$completion"; COMP_WORDS=(kmprof top --allocator p); COMP_CWORD=3; _kmprof; [ "${COMPREPLY[*]}" = "page percpu" ]'
check completion_allocator_list bash -c '. "$completion"; COMP_WORDS=(kmprof top --allocator slab,v); COMP_CWORD=3; _kmprof; [ "${COMPREPLY[*]}" = slab,vmalloc ]'
check completion_diff_sort_keys bash -c '. "$completion"; COMP_WORDS=(kmprof diff --sort s); COMP_CWORD=3; _kmprof; [ "${COMPREPLY[*]}" = shrink ]'
check completion_diff_options bash -c '. "$completion"; COMP_WORDS=(kmprof diff --so); COMP_CWORD=2; _kmprof; [ "${COMPREPLY[*]}" = --sort ]'
check completion_by bash -c '. "$completion"; COMP_WORDS=(kmprof top --by c); COMP_CWORD=3; _kmprof; [ "${COMPREPLY[*]}" = "comm cgroup context" ]'
check completion_cgroup_paths bash -c '. "$completion"; COMP_WORDS=(kmprof top --cgroup-root "$cg" --cgroup /); COMP_CWORD=5; _kmprof; [ "$(printf "%s\n" "${COMPREPLY[@]}" | sort | tr "\n" " ")" = "/a /b " ]'
check completion_top_lifetimes bash -c '. "$completion"; COMP_WORDS=(kmprof top --life); COMP_CWORD=2; _kmprof; [ "${COMPREPLY[*]}" = --lifetimes ]'
check completion_leaks_options bash -c '. "$completion"; COMP_WORDS=(kmprof leaks --cy); COMP_CWORD=2; _kmprof; [ "${COMPREPLY[*]}" = --cycles ]'
check completion_command_options bash -c '. "$completion"; COMP_WORDS=(kmprof folded --al); COMP_CWORD=2; _kmprof; [ "${COMPREPLY[*]}" = "--alloc --all-frames" ]'
ktap_finish
