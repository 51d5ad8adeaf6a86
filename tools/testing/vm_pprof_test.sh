#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The profile `kmprof pprof` wrote inside a test VM, read on the host by go
# tool pprof: its in-use total and top function are the ones `kmprof top`
# printed in the VM. The guest's tool_on_module selftest hands both files
# over (build/KERNEL/artifacts/tool.pb.gz and tool.top).
# Prints KTAP (host_lib.sh).
set -uo pipefail

kernel=${1:?usage: vm_pprof_test.sh KERNEL}
dir=$(cd "$(dirname "$0")/../.." && pwd)/build/$kernel/artifacts
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
. "$(dirname "$0")/host_lib.sh"
. "$(dirname "$0")/pprof_lib.sh"
ktap_plan 4

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
ktap_finish
