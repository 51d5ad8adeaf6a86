#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Host tests of the heap file parser through the tool: every error path,
# made by breaking one field of testdata/basic.heap. A rejected file must
# exit 5 with "FILE:LINE: FIELD: ..." on stderr and nothing on stdout.
# Prints KTAP (host_lib.sh).
set -uo pipefail

tool=${1:?usage: parse_test.sh PATH-TO-KMPROF}
data=$(cd "$(dirname "$0")/testdata" && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
. "$(dirname "$0")/host_lib.sh"
ktap_plan 193

# refused NAME TEXT CMD...: CMD, with 2 GiB of address space and 20 s at
# most, must exit 5 with TEXT on stderr and nothing on stdout.
refused()
{
	local name=$1 text=$2 status=0
	shift 2
	(ulimit -v 2097152; timeout 20 "$@") >"$tmp/out" 2>"$tmp/err"
	local rc=$?
	if [ "$rc" -ne 5 ]; then
		echo "# $name: exit $rc, want 5" >&2
		status=1
	elif [ -s "$tmp/out" ]; then
		echo "# $name: printed something on stdout" >&2
		status=1
	elif ! grep -qF -e "$text" "$tmp/err"; then
		echo "# $name: want '$text', got: $(head -c 300 "$tmp/err")" >&2
		status=1
	fi
	ktap_result "$name" $status
}

# reject NAME LINE FIELD [MESSAGE]: $tmp/in must be refused at LINE, FIELD.
reject()
{
	refused "rejects_$1" "kmprof: $tmp/in:$2: $3: ${4:-}" \
		"$tool" -f "$tmp/in" --no-kallsyms top
}

# mutate NAME LINE FIELD SED-SCRIPT [MESSAGE]: $base (basic.heap unless
# set) edited by sed.
base=basic.heap
mutate()
{
	sed -e "$4" "$data/$base" >"$tmp/in"
	if cmp -s "$tmp/in" "$data/$base"; then
		ktap_result "rejects_$1 (the edit changed nothing)" 1
		return
	fi
	reject "$1" "$2" "$3" "${5:-}"
}

# accept NAME [HEAP]: $tmp/in parses, and top shows what HEAP
# (basic.heap unless given) shows.
accept()
{
	local status=0
	"$tool" -f "$tmp/in" --no-kallsyms top --raw >"$tmp/out" 2>"$tmp/err" || status=1
	"$tool" -f "$data/${2:-basic.heap}" --no-kallsyms top --raw >"$tmp/want" 2>/dev/null
	cmp -s "$tmp/out" "$tmp/want" || status=1
	[ "$status" = 0 ] || echo "# $1: $(cat "$tmp/err")" >&2
	ktap_result "accepts_$1" $status
}

# --- the header line ---
: >"$tmp/in"
reject empty_file 1 header "the file ends early"
mutate not_a_heap_profile 1 header '1s/heap profile/heap prof/'
mutate header_inuse_objs_not_number 1 inuse_objs '1s/^heap profile: 16:/heap profile: x:/'
mutate header_leading_zero 1 inuse_objs '1s/ 16:/ 016:/'
mutate header_overflow 1 inuse_objs '1s/ 16:/ 99999999999999999999:/'
mutate header_inuse_above_alloc 1 inuse_objs '1s/ 16:/ 40:/'
mutate header_no_brackets 1 inuse_bytes '1s/\[32: 11392\]/32: 11392/'
mutate header_alloc_bytes_not_number 1 alloc_bytes '1s/11392/1139x/'
mutate header_no_rate_tag 1 rate '1s|heap_v2/524288|heap/524288|'
mutate header_text_after_rate 1 rate '1s/$/ x/'
mutate header_total_mismatch 1 alloc_bytes '1s/11392/11393/' "total 11393 but the records sum to 11392"
mutate header_inuse_total_mismatch 1 inuse_objs '1s/ 16:/ 17:/'

# --- the magic line ---
mutate magic_missing 2 magic '2d' "not a kmprof heap file"
mutate magic_version_not_number 2 version '2s/v1/vX/'
mutate magic_unknown_version 2 version '2s/v1/v7/' "unknown heap format version 7: this kmprof reads versions 1 to 6"
mutate magic_version_0 2 version '2s/v1/v0/' "unknown heap format version 0"
mutate magic_rate_mismatch 2 rate '2s/rate=524288/rate=4096/'
mutate magic_cycle_missing 2 cycle '2s/ cycle=7//' missing
mutate magic_buckets_missing 2 buckets '2s/ buckets=5//' missing
mutate magic_cycle_twice 2 cycle '2s/$/ cycle=8/' "given twice"
mutate magic_pending_not_number 2 pending '2s/pending=0/pending=-1/'
mutate magic_double_space 2 magic '2s/ pending/  pending/'
mutate magic_bucket_count 2 buckets '2s/buckets=5/buckets=6/' "6 declared but 5 records"
mutate magic_rate_too_high 2 rate '1s|heap_v2/524288|heap_v2/2147483648|; 2s/rate=524288/rate=2147483648/'

# --- version 2: the magic line ends with time_ns ---
base=basic_v2.heap
mutate v2_time_missing 2 time_ns '2s/ time_ns=[0-9]*//' missing
mutate v2_time_not_number 2 time_ns '2s/time_ns=[0-9]*/time_ns=now/'
mutate v2_time_twice 2 time_ns '2s/$/ time_ns=1/' "given twice"
mutate v2_time_overflow 2 time_ns '2s/time_ns=[0-9]*/time_ns=18446744073709551616/'

# --- version 3: sources= on the magic line, allocator= on size lines ---
base=basic_v3.heap
mutate v3_sources_missing 2 sources '2s/ sources=[^ ]*//' missing
mutate v3_sources_empty 2 sources '2s/sources=[^ ]*/sources=/' '"" is not an allocator name'
mutate v3_sources_empty_name 2 sources '2s/sources=slab,page/sources=slab,,page/' '"" is not an allocator name'
mutate v3_sources_bad_name 2 sources '2s/sources=slab/sources=Slab/' '"Slab" is not an allocator name'
mutate v3_sources_name_twice 2 sources '2s/sources=slab,page/sources=slab,page,slab/' '"slab" given twice'
mutate v3_sources_out_of_order 2 sources '2s/sources=slab,page/sources=page,slab/' \
	'"slab" out of order: the order is slab, page, user, vmalloc, percpu'
mutate v3_sources_too_many 2 sources '2s/percpu$/percpu,a,b,c,d,e,f,g,h,i,j,k,l,m/' "more than 16 allocators"
mutate v3_sources_twice 2 sources '2s/$/ sources=slab/' "given twice"
mutate v3_allocator_bad 4 allocator '4s/allocator=slab/allocator=Bad!/' \
	'"Bad!" is not an allocator name (1 to 15 of a-z, 0-9 and _)'
mutate v3_allocator_missing 4 allocator '4s/ allocator=slab//' missing
mutate v3_allocator_empty 4 allocator '4s/allocator=slab/allocator=/' '"" is not an allocator name'
mutate v3_allocator_too_long 4 allocator '4s/allocator=slab/allocator=abcdefghijklmnop/' \
	'"abcdefghijklmnop" is not an allocator name'
mutate v3_allocator_not_a_source 4 allocator '4s/allocator=slab/allocator=user/' \
	'"user" is not among the sources of line 2'
mutate v3_allocator_twice 4 allocator '4s/$/ allocator=page/' "given twice"

# --- version 4: labels= on the magic line, the labels on size lines ---
base=labels_v4.heap
mutate v4_labels_missing 2 labels '2s/ labels=[^ ]*//' missing
mutate v4_labels_empty 2 labels '2s/labels=[^ ]*/labels=/' '"" is not a label: expected context, comm, pid or cgroup'
mutate v4_labels_unknown 2 labels '2s/labels=context,/labels=context,uid,/' '"uid" is not a label'
mutate v4_labels_name_twice 2 labels '2s/labels=context,comm,/labels=context,comm,comm,/' '"comm" given twice'
mutate v4_labels_out_of_order 2 labels '2s/labels=context,comm,/labels=comm,context,/' \
	'"context" out of order: the order is context, comm, pid, cgroup'
mutate v4_labels_twice 2 labels '2s/$/ labels=context/' "given twice"
mutate v4_label_not_listed 4 comm '2s/labels=context,comm,/labels=context,/' \
	"not among the labels of line 2 (labels=context,pid,cgroup)"
mutate v4_cgroup_not_listed 4 cgroup '2s/,cgroup$//' "not among the labels of line 2 (labels=context,comm,pid)"
mutate v4_context_missing 4 context '4s/ context=task//' missing
mutate v4_context_unknown 4 context '4s/context=task/context=irq/' \
	'"irq" is not a context: expected task, softirq, hardirq, nmi'
mutate v4_context_empty 4 context '4s/context=task/context=/' '"" is not a context'
mutate v4_context_twice 18 context '18s/$/ context=task/' "given twice"
mutate v4_comm_bad_escape 11 comm '11s/\\040/\\04/' 'byte 3: expected "\" and three octal digits'
mutate v4_comm_escaped_nul 11 comm '11s/\\040/\\000/' 'byte 3: expected "\" and three octal digits of a byte other than 0'
mutate v4_comm_escape_too_big 11 comm '11s/\\040/\\400/' 'byte 3: expected "\"'
mutate v4_comm_escape_cut 11 comm '11s/\\303\\251sk/\\30/' 'byte 8: expected "\"'
mutate v4_comm_raw_backslash 4 comm '4s/comm=bash/comm=ba\\sh/' 'byte 3: expected "\"'
mutate v4_comm_raw_tab 4 comm '4s/comm=bash/comm=ba\tsh/' 'byte 3: 0x09 must be written "\011"'
mutate v4_comm_raw_utf8 4 line '4s/comm=bash/comm=b\xc3\xa9/' "byte 0xc3 at column"
mutate v4_comm_too_long 4 comm '4s/comm=bash/comm=abcdefghijklmnop/' "longer than 15 bytes"

mutate v4_comm_escaped_too_long 11 comm '11s/comm=my/comm=abcdefghijklmy/' "longer than 15 bytes"
mutate v4_comm_twice 4 comm '4s/$/ comm=x/' "given twice"
mutate v4_pid_not_number 4 pid '4s/pid=100/pid=abc/' "expected a number"
mutate v4_pid_leading_zero 4 pid '4s/pid=100/pid=0100/' "number out of range or with leading zeros"
mutate v4_pid_negative 4 pid '4s/pid=100/pid=-1/' "expected a number"
mutate v4_cgroup_overflow 4 cgroup '4s/cgroup=11/cgroup=18446744073709551616/' "number out of range"
mutate v4_cgroup_text_after 4 cgroup '4s/cgroup=11/cgroup=11x/' "expected a single space"
mutate v4_comm_on_softirq 18 comm '18s/$/ comm=x/' "context=softirq: an interrupt's allocation is charged to no task"
mutate v4_pid_on_hardirq 32 pid '32s/$/ pid=7/' "context=hardirq: an interrupt's allocation"
mutate v4_cgroup_on_nmi 32 cgroup '32s/context=hardirq/context=nmi cgroup=1/' "context=nmi: an interrupt's allocation"

# --- version 5: labels= optional, ages= on size lines ---
base=ages_v5.heap
ages_syntax='expected <class>:<objs>[,<class>:<objs>...]'
mutate v5_ages_empty 4 ages '4s/ages=[^ ]*/ages=/' "$ages_syntax"
mutate v5_ages_no_colon 4 ages '4s/ages=0:1,/ages=0,/' "$ages_syntax"
mutate v5_ages_no_count 4 ages '4s/ages=0:1,/ages=0:,/' "$ages_syntax"
mutate v5_ages_trailing_comma 4 ages '4s/7:1$/7:1,/' "$ages_syntax"
mutate v5_ages_text_after 4 ages '4s/7:1$/7:1x/' "$ages_syntax"
mutate v5_ages_leading_zero 4 ages '4s/3:2/03:2/' "$ages_syntax"
mutate v5_ages_negative 4 ages '4s/3:2/-3:2/' "$ages_syntax"
mutate v5_ages_class_overflow 4 ages '4s/7:1$/99999999999999999999:1/' "$ages_syntax"
mutate v5_ages_class_out_of_range 4 ages '4s/7:1$/33:1/' \
	"class 33 out of range: the classes are 0 to 32"
mutate v5_ages_not_ascending 4 ages '4s/0:1,3:2/3:2,0:1/' \
	"class 0 after class 3: classes ascend, each once"
mutate v5_ages_class_twice 4 ages '4s/3:2,7:1/3:2,3:1/' \
	"class 3 after class 3: classes ascend, each once"
mutate v5_ages_zero_count 4 ages '4s/3:2/3:0/' "class 3 with no objects"
mutate v5_ages_above_inuse 4 ages '4s/7:1/7:2/' "more objects than the 4 in use of line 3"
mutate v5_ages_count_overflow 11 ages '11s/10:1/10:18446744073709551615/' \
	"more objects than the 3 in use of line 10"
mutate v5_ages_without_inuse 23 ages '23s/$/ ages=1:1/' "more objects than the 0 in use of line 22"
mutate v5_ages_twice 4 ages '4s/$/ ages=1:1/' "given twice"
mutate v5_ages_space 4 ages '4s/0:1,3:2/0:1, 3:2/' "$ages_syntax"

# --- version 6: lifetimes= and lifetime_sum= on size lines ---
base=lifetimes_v6.heap
mutate v6_lifetimes_empty 4 lifetimes '4s/lifetimes=[^ ]*/lifetimes=/' "$ages_syntax"
mutate v6_lifetimes_no_colon 4 lifetimes '4s/lifetimes=0:1,/lifetimes=0,/' "$ages_syntax"
mutate v6_lifetimes_trailing_comma 4 lifetimes '4s/2:1 /2:1, /' "$ages_syntax"
mutate v6_lifetimes_leading_zero 4 lifetimes '4s/2:1 /02:1 /' "$ages_syntax"
mutate v6_lifetimes_class_out_of_range 16 lifetimes '16s/15:1/16:1/' \
	"class 16 out of range: the classes are 0 to 15"
mutate v6_lifetimes_not_ascending 4 lifetimes '4s/0:1,2:1/2:1,0:1/' \
	"class 0 after class 2: classes ascend, each once"
mutate v6_lifetimes_class_twice 4 lifetimes '4s/0:1,2:1/2:1,2:1/' \
	"class 2 after class 2: classes ascend, each once"
mutate v6_lifetimes_zero_count 4 lifetimes '4s/0:1,2:1/0:0,2:1/' "class 0 with no objects"
mutate v6_lifetimes_above_frees 4 lifetimes '4s/2:1 /2:2 /' "more objects than the 2 freed of line 3"
mutate v6_lifetimes_below_frees 4 lifetimes '4s/0:1,2:1 lifetime_sum=3/2:1 lifetime_sum=3/' \
	"1 objects but the record of line 3 has 2 frees"
mutate v6_lifetimes_count_above_max 16 lifetimes '16s/15:1/15:4294967296/' \
	"more objects than the 1 freed of line 15"
mutate v6_lifetimes_without_frees 4 lifetimes '3s/\[6: 384\]/[4: 256]/; 1s/\[15: 10048\]/[13: 9920]/; 4s/alloc_req=300/alloc_req=200/' \
	"the record of line 3 has no frees: all its 4 allocations are in use"
mutate v6_frees_without_lifetimes 4 lifetimes '4s/ lifetimes=[^ ]* lifetime_sum=3//' \
	"missing: the record of line 3 has 2 frees"
mutate v6_lifetimes_without_sum 4 lifetime_sum '4s/ lifetime_sum=3//' missing
mutate v6_sum_without_lifetimes 23 lifetime_sum '23s/ lifetimes=3:2//' "without lifetimes="
mutate v6_sum_below_classes 11 lifetime_sum '11s/lifetime_sum=10/lifetime_sum=8/' \
	"8 s but the classes' objects lived at least 9 s"
mutate v6_sum_above_classes 23 lifetime_sum '23s/lifetime_sum=11/lifetime_sum=15/' \
	"15 s but the classes' objects lived at most 14 s"
mutate v6_sum_not_number 4 lifetime_sum '4s/lifetime_sum=3/lifetime_sum=x/' "expected a number"
mutate v6_lifetimes_twice 4 lifetimes '4s/$/ lifetimes=1:1/' "given twice"

base=basic.heap

# --- records ---
mutate record_inuse_above_alloc 3 inuse_objs '3s/^3: 3072/6: 3072/'
mutate record_inuse_bytes_above_alloc 3 inuse_bytes '3s/^3: 3072/3: 6000/'
mutate record_objects_without_bytes 3 inuse_bytes '3s/^3: 3072/3: 0/'
mutate record_not_number 3 alloc_objs '3s/\[5:/[five:/'
mutate record_bad_address 3 stack '3s/0xffffffffc0a01052/0xzz/'
mutate record_address_too_long 3 stack '3s/0xffffffffc0a01052/0x1ffffffffc0a01052/'
mutate record_double_space 3 stack '3s/@ 0x/@  0x/'
mutate record_no_at 3 alloc_bytes '3s/\] @/]/'
mutate record_without_allocations 3 alloc_objs '3s/^3: 3072 \[5: 5120\]/0: 0 [0: 0]/'
mutate record_without_frames 3 stack '3s/\] @ .*/] @/; 5,9d' "a record without frames"
mutate record_inuse_bytes_not_size_times_objects 3 inuse_bytes '3s/^3: 3072/3: 3000/; 1s/ 16: 8192/ 16: 8120/' \
	"3000 bytes are not 3 objects of size 1024 (line 4)"
mutate record_alloc_bytes_not_size_times_objects 3 alloc_bytes '3s/\[5: 5120\]/[5: 5000]/; 1s/\[32: 11392\]/[32: 11272]/' \
	"5000 bytes are not 5 objects of size 1024 (line 4)"
mutate record_size_not_size_class 3 inuse_bytes '4s/size=1024/size=1000/' \
	"3072 bytes are not 3 objects of size 1000 (line 4)"
mutate inuse_req_above_inuse_bytes 4 inuse_req '4s/inuse_req=3000/inuse_req=3073/' \
	"3073 bytes requested but 3072 allocated"
mutate alloc_req_above_alloc_bytes 4 alloc_req '4s/alloc_req=5000/alloc_req=5121/' \
	"5121 bytes requested but 5120 allocated"
frames=$(for i in $(seq 65); do printf ' 0x%x' $((0xffffffff81000000 + i)); done)
mutate record_too_deep 3 stack "3s/@ .*/@$frames/" "more than 64 frames"

# --- size lines ---
mutate size_line_missing 3 size '4d' 'record without a "# size=" line'
mutate size_not_number 4 size '4s/size=1024/size=big/'
mutate size_zero 4 size '4s/size=1024/size=0/'
mutate inuse_req_missing 4 inuse_req '4s/ inuse_req=3000//' missing
mutate alloc_req_missing 4 alloc_req '4s/ alloc_req=5000//' missing
mutate inuse_req_above_alloc_req 4 inuse_req '4s/inuse_req=3000/inuse_req=6000/'
mutate size_line_twice 5 size '4p' "a second size line"
mutate size_before_record 3 size '2a # size=1 inuse_req=0 alloc_req=0' "a size line before any record"

# --- symbol lines ---
mutate symbol_wrong_address 6 symbol '6s/0xffffffffc0a01052/0xffffffffc0a01053/'
mutate symbol_no_offset 6 symbol '6s|foo_alloc_table+0x52/0x120 \[foo\]|foo_alloc_table|'
mutate symbol_unclosed_module 6 symbol '6s|\[foo\]|[foo|'
mutate symbol_space_not_tab 6 symbol '6s/^#\t0xffffffffc0a01052\t/#\t0xffffffffc0a01052 /'
mutate symbol_too_many 10 symbol '9p' "more symbol lines than the 5 frames of line 3"
mutate symbol_before_record 3 symbol '2a #\t0xffffffff81000000\tx+0x1/0x2' "a symbol line before any record"

# --- bytes and lines ---
mutate stray_line 6 line '5a garbage'
mutate bad_comment 6 comment '5a #x'
mutate control_byte 5 line '5s/__kmalloc/__km\x01alloc/' "byte 0x01 at column"
mutate utf8_byte 5 line '5s/__kmalloc/__km\xc3\xa9alloc/' "byte 0xc3 at column"
mutate carriage_return 3 line '3s/$/\r/' "byte 0x0d"
{ head -c 100 "$data/basic.heap"; printf '\0'; tail -c +101 "$data/basic.heap"; } >"$tmp/in"
reject nul_byte 2 line "byte 0x00"
printf '%s\n' 'heap profile: 0: 0 [2: 18446744073709551615] @ heap_v2/1' \
	'# kmprof-heap v1 rate=1 cycle=1 pending=0 buckets=2' \
	'0: 0 [1: 18446744073709551615] @ 0x1' '# size=18446744073709551615 inuse_req=0 alloc_req=1' \
	'0: 0 [1: 18446744073709551615] @ 0x1' '# size=18446744073709551615 inuse_req=0 alloc_req=1' >"$tmp/in"
reject sums_overflow 5 total "the sums over the records overflow"

# --- what a v1 reader must accept ---
sed -e '2a # note=written-by-a-later-v1' -e '4a # future=1 other=2' "$data/basic.heap" >"$tmp/in"
accept unknown_comment_lines
sed -e '4s/$/ later=7/' -e '2s/$/ later=1/' "$data/basic.heap" >"$tmp/in"
accept unknown_keys
sed -e '3s/0xffffffffc0a01052/0xFFFFFFFFC0A01052/' -e '6s/0xffffffffc0a01052/0xFFFFFFFFC0A01052/' "$data/basic.heap" >"$tmp/in"
accept upper_case_hex
sed -e '8a\\' "$data/basic.heap" >"$tmp/in"
accept blank_line
head -c -1 "$data/basic.heap" >"$tmp/in"
accept no_final_newline
# v1 has no time_ns: a v1 file that carries one (a later v1 writer) reads
sed -e '2s/$/ time_ns=5/' "$data/basic.heap" >"$tmp/in"
accept v1_with_time_key
# before v3, sources= and allocator= are unknown keys: every record is slab
sed -e '2s/$/ sources=page/' -e '4s/$/ allocator=page/' "$data/basic.heap" >"$tmp/in"
accept v1_with_allocator_keys
sed -e '2s/$/ sources=page/' -e '4s/$/ allocator=page/' "$data/basic_v2.heap" >"$tmp/in"
accept v2_with_allocator_keys basic_v2.heap

# --- what a v3 reader must accept ---
sed -e '2s/$/ later=1/' -e '4s/$/ later=7/' -e '4a # future=1' "$data/basic_v3.heap" >"$tmp/in"
accept v3_unknown_keys basic_v3.heap
# An allocator this kmprof does not know, anywhere in sources=: kept.
sed -e '2s/sources=/sources=zram_2,/' -e '4s/allocator=slab/allocator=zram_2/' \
	"$data/basic_v3.heap" >"$tmp/in"
"$tool" -f "$tmp/in" --no-kallsyms top --raw >"$tmp/out" 2>"$tmp/err"
ktap_result accepts_v3_later_allocator $?

# Before v4, labels= and the label keys are unknown keys: skipped.
sed -e '2s/$/ labels=comm/' -e '4s/$/ comm=x context=task/' "$data/basic_v3.heap" >"$tmp/in"
accept v3_with_label_keys basic_v3.heap

# --- what a v4 reader must accept ---
sed -e '2s/$/ later=1/' -e '4s/$/ later=7/' "$data/labels_v4.heap" >"$tmp/in"
accept v4_unknown_keys labels_v4.heap
# Without context, nothing says which records ran in a task.
sed -e '2s/labels=.*/labels=pid/' -e 's/ context=[a-z]*//; s/ comm=[^ ]*//; s/ cgroup=[0-9]*//' \
	"$data/labels_v4.heap" >"$tmp/in"
"$tool" -f "$tmp/in" top >"$tmp/out" 2>"$tmp/err"
ktap_result accepts_v4_one_label $?
# A comm of 15 bytes, every one escaped, and an empty one.
sed -e "4s/comm=bash/comm=$(printf '\\\\%03o' $(seq 1 15))/" -e '11s/comm=[^ ]*/comm=/' \
	"$data/labels_v4.heap" >"$tmp/in"
"$tool" -f "$tmp/in" top >"$tmp/out" 2>"$tmp/err"
ktap_result accepts_v4_longest_and_empty_comm $?

# --- what a v5 reader must accept ---
# Without labels= (the module kept none), and with labels.
"$tool" -f "$data/ages_v5.heap" --no-kallsyms top >"$tmp/out" 2>"$tmp/err"
ktap_result accepts_v5_without_labels $?
"$tool" -f "$data/ages_labels_v5.heap" --no-kallsyms top --by comm >"$tmp/out" 2>"$tmp/err"
ktap_result accepts_v5_with_labels $?
# ages= is optional, and without it a record reads as before.
sed -e 's/ ages=[^ ]*//' "$data/ages_v5.heap" >"$tmp/in"
sed -e 's/ ages=[^ ]*//' -e '2s/v5/v4/' -e '2s/$/ labels=pid/' "$data/ages_v5.heap" >"$tmp/want.heap"
"$tool" -f "$tmp/in" --no-kallsyms top --raw 2>&1 | sed 1d >"$tmp/out"
"$tool" -f "$tmp/want.heap" --no-kallsyms top --raw 2>&1 | sed '1d; /^labels:/d' >"$tmp/want"
cmp -s "$tmp/out" "$tmp/want"
ktap_result accepts_v5_without_ages $?
sed -e '2s/$/ later=1/' -e '4s/$/ later=7/' "$data/ages_v5.heap" >"$tmp/in"
accept v5_unknown_keys ages_v5.heap
# The class of the oldest objects, and the labels' keys with ages= last.
sed -e '4s/7:1$/32:1/' "$data/ages_v5.heap" >"$tmp/in"
accept v5_last_class ages_v5.heap
# Before v5, ages= is an unknown key: skipped, even malformed.
sed -e '4s/$/ ages=x/' "$data/labels_v4.heap" >"$tmp/in"
accept v4_with_ages_key labels_v4.heap
# v4 still requires labels=.
sed -e '2s/v5/v4/' "$data/ages_v5.heap" >"$tmp/in"
reject v4_still_needs_labels 2 labels missing

# --- what a v6 reader must accept ---
"$tool" -f "$data/lifetimes_v6.heap" --no-kallsyms top >"$tmp/out" 2>"$tmp/err"
ktap_result accepts_v6 $?
# Lifetimes change nothing top shows without --lifetimes.
sed -e 's/ lifetimes=[^ ]* lifetime_sum=[0-9]*//' -e '2s/v6/v5/' "$data/lifetimes_v6.heap" >"$tmp/in"
"$tool" -f "$data/lifetimes_v6.heap" --no-kallsyms top --raw 2>&1 | sed 1d >"$tmp/out"
"$tool" -f "$tmp/in" --no-kallsyms top --raw 2>&1 | sed 1d >"$tmp/want"
cmp -s "$tmp/out" "$tmp/want"
ktap_result accepts_v6_same_rows_as_v5 $?
sed -e '2s/$/ later=1/' -e '4s/$/ later=7/' "$data/lifetimes_v6.heap" >"$tmp/in"
accept v6_unknown_keys lifetimes_v6.heap
# The last class is open-ended: any sum at least its lower bound.
sed -e '16s/lifetime_sum=20000/lifetime_sum=18446744073709551615/' "$data/lifetimes_v6.heap" >"$tmp/in"
accept v6_last_class_no_upper_bound lifetimes_v6.heap
# A count stopped at 2^32 - 1 counts fewer objects than the frees.
sed -e '1s/\[15: 10048\]/[4294967309: 1099511637312]/' \
	-e '22s/^0: 0 \[2: 512\]/0: 0 [4294967296: 1099511627776]/' \
	-e '23s/lifetimes=3:2 lifetime_sum=11/lifetimes=3:4294967295 lifetime_sum=17179869180/' \
	"$data/lifetimes_v6.heap" >"$tmp/in"
"$tool" -f "$tmp/in" --no-kallsyms top --raw >"$tmp/out" 2>"$tmp/err"
ktap_result accepts_v6_stopped_count $?
# Before v6, lifetimes= and lifetime_sum= are unknown keys: skipped, even
# malformed, and on a record without frees.
sed -e '4s/$/ lifetimes=x lifetime_sum=y/' -e '16s/$/ lifetime_sum=1/' "$data/ages_v5.heap" >"$tmp/in"
accept v5_with_lifetime_keys ages_v5.heap

# --- what a v2 reader must accept: the v1 records, the same numbers ---
"$tool" -f "$data/basic_v2.heap" --no-kallsyms top --raw >"$tmp/out" 2>"$tmp/err"
ktap_result accepts_v2 $?
"$tool" -f "$data/basic.heap" --no-kallsyms top --raw >"$tmp/want" 2>&1
expect v2_same_rows_as_v1 "$(sed 1d "$tmp/out" | md5sum)" "$(sed 1d "$tmp/want" | md5sum)"
expect v2_header_says_v2 "$(head -c 14 "$tmp/out")" "kmprof heap v2"
sed -e '2s/$/ later=1/' -e '4a # future=1' "$data/basic_v2.heap" >"$tmp/in"
"$tool" -f "$tmp/in" --no-kallsyms top --raw >"$tmp/out" 2>&1
expect v2_unknown_keys "$(sed 1d "$tmp/out" | md5sum)" "$(sed 1d "$tmp/want" | md5sum)"
grep -v '^#	' "$data/basic.heap" >"$tmp/in"
"$tool" -f "$tmp/in" --no-kallsyms folded >"$tmp/out" 2>&1
grep -q '^\[slab\];0xffffffff81e4f36c;0xffffffff813b2d1a;0xffffffff81a3c4b0;0xffffffff81a3c2f1;0xffffffff81310e67 5243200$' "$tmp/out"
ktap_result accepts_no_symbols_keeps_addresses $?
"$tool" -f "$tmp/in" --kallsyms "$data/kallsyms" folded >"$tmp/out" 2>&1
grep -q '^\[slab\];do_init_module;do_one_initcall;foo_init \[foo\];foo_alloc_table \[foo\] 1574400$' "$tmp/out"
ktap_result accepts_no_symbols_uses_kallsyms $?
"$tool" -f - --no-kallsyms top <"$data/basic.heap" >"$tmp/out" 2>&1
grep -q 'bar_create$' "$tmp/out"
ktap_result reads_standard_input $?

# --- symbols: a saved file is named by what it says, and --kallsyms ---
# An address the file leaves unnamed stays unnamed with -f, even where
# this machine's /proc/kallsyms has a symbol there (another boot, another
# machine: that name would be wrong).
host=$(awk '$1 !~ /^0+$/ && $2 ~ /^[tT]$/ && !$4 { print $1; exit }' /proc/kallsyms 2>/dev/null)
if [ -n "$host" ]; then
	addr=$(printf '0x%x' $((0x$host + 0x10)))
	sed -e "s/0xffffffffc0b00010/$addr/g" "$data/basic.heap" >"$tmp/in"
	"$tool" -f "$tmp/in" top -n 0 >"$tmp/out" 2>&1
	grep -q " $addr\$" "$tmp/out"
	ktap_result file_not_named_from_host_kallsyms $?
else
	ktap_skip file_not_named_from_host_kallsyms "/proc/kallsyms shows no addresses"
fi
# --kallsyms that cannot be read or parsed is an error, not ignored.
"$tool" -f "$data/basic.heap" --kallsyms "$tmp/absent" top >"$tmp/out" 2>"$tmp/err"
[ $? -eq 1 ] && [ ! -s "$tmp/out" ] && grep -q "cannot open $tmp/absent" "$tmp/err"
ktap_result kallsyms_unreadable_exits_1 $?
# reject_kallsyms NAME LINE FIELD MESSAGE: $tmp/ks refused at LINE, FIELD.
reject_kallsyms()
{
	refused "kallsyms_$1" "kmprof: $tmp/ks:$2: $3: $4" \
		"$tool" -f "$data/basic.heap" --kallsyms "$tmp/ks" top
}
{ head -n 2 "$data/kallsyms"; echo garbage; } >"$tmp/ks"
reject_kallsyms malformed_line 3 address "expected"
sed '1s/^ffffffff81002ad0/-1/' "$data/kallsyms" >"$tmp/ks"
reject_kallsyms negative_address 1 address "expected"
sed '1s/ T / TT /' "$data/kallsyms" >"$tmp/ks"
reject_kallsyms long_type 1 type "expected"
sed '6s/\[foo\]/[foo/' "$data/kallsyms" >"$tmp/ks"
reject_kallsyms unclosed_module 6 module "expected"
sed 's/^[0-9a-f]*/0000000000000000/' "$data/kallsyms" >"$tmp/ks"
reject_kallsyms all_addresses_zero 1 kallsyms "every address is 0"
: >"$tmp/ks"
reject_kallsyms empty 1 kallsyms "no text symbol"

# Names as long as the kernel's (KSYM_NAME_LEN, 512 with its NUL) are kept
# whole: two that differ only after 255 characters are two sites.
long=$(printf 'x%.0s' $(seq 300))
sed -e "22,28s/bar_create+0x41/${long}_b+0x41/" -e "s/bar_create+0x41/${long}_a+0x41/" \
	"$data/basic.heap" >"$tmp/in"
"$tool" -f "$tmp/in" top -n 0 >"$tmp/out" 2>&1
expect long_names_apart "$(grep -c " ${long}_[ab]\$" "$tmp/out")" 2
longest=$(printf 'y%.0s' $(seq 511))
grep -v '^#	' "$data/basic.heap" >"$tmp/in"
sed -e "s/do_one_initcall/$longest/" -e "s/foo_alloc_table/${long}_a/" -e "s/foo_init/${long}_b/" \
	"$data/kallsyms" >"$tmp/ks"
"$tool" -f "$tmp/in" --kallsyms "$tmp/ks" folded >"$tmp/out" 2>&1
grep -q "^\[slab\];do_init_module;$longest;${long}_b \[foo\];${long}_a \[foo\] 1574400\$" "$tmp/out"
ktap_result long_kallsyms_names_kept $?
"$tool" -f "$tmp/absent" top >/dev/null 2>"$tmp/err"
[ $? -eq 1 ] && grep -q "cannot open $tmp/absent" "$tmp/err"
ktap_result missing_file_exits_1 $?

# --- input that is not a heap file is refused before it is read whole ---
refused dev_zero_refused "/dev/zero:1: header: not a heap profile" "$tool" -f /dev/zero top
refused stdin_dev_zero_refused "-:1: header: not a heap profile" \
	sh -c '"$0" -f - top </dev/zero' "$tool"
head -n 2 "$data/basic.heap" >"$tmp/big"
truncate -s 9G "$tmp/big"
refused file_too_large_refused "big:1: header: the file is larger than 8 GiB" "$tool" -f "$tmp/big" top
rm -f "$tmp/big"
ktap_finish
