#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The profile `kmprof pprof` wrote inside a test VM, read on the host by go
# tool pprof: its in-use total and top function are the ones `kmprof top`
# printed in the VM. The guest's tool_on_module selftest hands both files
# over (build/KERNEL/artifacts/tool.pb.gz and tool.top). The labels
# selftest hands over, per backend, a profile of two processes in cgroups
# /a and /b and the bytes each allocated at workload_kmalloc
# (labels.BACKEND.pb.gz and .want): -tagfocus on a cgroup selects exactly
# that process's, and -tags lists both cgroups.
# Prints KTAP (host_lib.sh).
set -uo pipefail

kernel=${1:?usage: vm_pprof_test.sh KERNEL}
dir=$(cd "$(dirname "$0")/../.." && pwd)/build/$kernel/artifacts
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
. "$(dirname "$0")/host_lib.sh"
. "$(dirname "$0")/pprof_lib.sh"
ktap_plan 12

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
ktap_finish
