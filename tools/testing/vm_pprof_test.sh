#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The profile `kmprof pprof` wrote inside a test VM, read on the host by go
# tool pprof: its in-use total and top function are the ones `kmprof top`
# printed in the VM. The guest's tool_on_module selftest hands both files
# over (build/KERNEL/artifacts/tool.pb.gz and tool.top). The labels
# selftest hands over, per backend, a profile of two processes in cgroups
# /a and /b and the bytes each allocated at workload_kmalloc
# (labels.BACKEND.pb.gz and .want): -tagfocus on a cgroup selects exactly
# that process's, and -tags lists both cgroups. The record selftest hands
# over, per backend, the three files kmprof record wrote at rate 1 and the
# totals of one snapshot over the same time (record.BACKEND.N.pb.gz and
# record.BACKEND.want): the files' allocations add up to the snapshot's,
# and the last file's bytes in use are the snapshot's.
# Prints KTAP (host_lib.sh).
set -uo pipefail

kernel=${1:?usage: vm_pprof_test.sh KERNEL}
dir=$(cd "$(dirname "$0")/../.." && pwd)/build/$kernel/artifacts
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
. "$(dirname "$0")/host_lib.sh"
. "$(dirname "$0")/pprof_lib.sh"
ktap_plan 20

pb=$dir/tool.pb.gz
top=$dir/tool.top
[ -s "$pb" ] && [ -s "$top" ]
ktap_result artifacts_present $?
[ "$ktap_failed" = 0 ] || { echo "# no profile from the VM in $dir"; ktap_finish; }

# kmprof top --raw: "in use: BYTES in ..." and the first site's row, the
# largest function among the samples of the row's allocator.
want_total=$(awk '/^in use:/ { print $3 }' "$top")
want_site=$(awk 'f { n = $10; for (i = 11; i <= NF; i++) n = n " " $i; print n, $1; exit }
	/^ *INUSE/ { f = 1 }' "$top")
allocator=$(awk 'f { print $9; exit } /^ *INUSE/ { f = 1 }' "$top")
read -r total name flat <<<"$(top_line "$pb" inuse_space -tagfocus=allocator="$allocator")"
expect inuse_total "$total" "$want_total"
expect top_function "$name $flat" "$want_site"
sed 's/^/# /' "$tmp/top.err"
[ ! -s "$tmp/top.err" ]
ktap_result no_warnings $?

for backend in kprobe tracepoint; do
	pb=$dir/labels.$backend.pb.gz
	want=$dir/labels.$backend.want
	if ! [ -s "$pb" ] || ! [ -s "$want" ]; then
		echo "# no labels profile from the VM for $backend in $dir"
		for c in present cgroup_a cgroup_b tags; do
			ktap_result "labels_${backend}_$c" 1
		done
		continue
	fi
	ktap_result "labels_${backend}_present" 0
	while read -r cgroup bytes; do
		expect "labels_${backend}_cgroup_${cgroup#/}" \
			"$(flat_of "$pb" inuse_space workload_kmalloc \
				-tagfocus=cgroup="$cgroup")" "$bytes"
	done <"$want"
	go tool pprof -tags "$pb" >"$tmp/tags" 2>"$tmp/tags.err"
	grep -q ' /a$' "$tmp/tags" && grep -q ' /b$' "$tmp/tags"
	status=$?
	[ $status = 0 ] || sed 's/^/# /' "$tmp/tags" "$tmp/tags.err"
	ktap_result "labels_${backend}_tags" $status
done

for backend in kprobe tracepoint; do
	want=$dir/record.$backend.want
	n=$(ls "$dir" 2>/dev/null | grep -c "^record\.$backend\.[0-9]*\.pb\.gz\$")
	expect "record_${backend}_three_files" "$n $([ -s "$want" ] && echo want)" "3 want"
	objs=0 bytes=0 inuse=
	for i in $(seq "$n"); do
		pb=$dir/record.$backend.$i.pb.gz
		read -r t _ <<<"$(top_line "$pb" alloc_objects)"
		objs=$((objs + ${t:-0}))
		read -r t _ <<<"$(top_line "$pb" alloc_space)"
		bytes=$((bytes + ${t:-0}))
		read -r inuse _ <<<"$(top_line "$pb" inuse_space)"
	done
	read -r want_objs want_bytes want_inuse <"$want" 2>/dev/null
	expect "record_${backend}_alloc_objects_add_up" "$objs" "${want_objs:-none}"
	expect "record_${backend}_alloc_space_add_up" "$bytes" "${want_bytes:-none}"
	expect "record_${backend}_inuse_at_end" "${inuse:-none}" "${want_inuse:-none}"
done
ktap_finish
