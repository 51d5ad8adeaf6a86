#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The profile `kmprof pprof` wrote inside a test VM, read on the host by go
# tool pprof: its in-use total and top function are the ones `kmprof top`
# printed in the VM. The guest's tool_on_module selftest hands both files
# over (build/KERNEL/artifacts/tool.pb.gz and tool.top).
# Prints "ok - NAME" / "not ok - NAME" per case.
set -uo pipefail

kernel=${1:?usage: vm_pprof_test.sh KERNEL}
dir=$(cd "$(dirname "$0")/../.." && pwd)/build/$kernel/artifacts
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
. "$(dirname "$0")/pprof_lib.sh"
failed=0

check()
{
	if [ -n "$3" ] && [ "$2" = "$3" ]; then
		echo "ok - vm-pprof $kernel: $1"
	else
		echo "# $1: got '$2', want '$3'"
		echo "not ok - vm-pprof $kernel: $1"
		failed=1
	fi
}

pb=$dir/tool.pb.gz
top=$dir/tool.top
if [ ! -s "$pb" ] || [ ! -s "$top" ]; then
	echo "# no profile from the VM in $dir"
	echo "not ok - vm-pprof $kernel: artifacts_present"
	exit 1
fi
echo "ok - vm-pprof $kernel: artifacts_present"

# kmprof top --raw: "in use: BYTES in ..." and the first site's row.
want_total=$(awk '/^in use:/ { print $3 }' "$top")
want_site=$(awk 'f { n = $9; for (i = 10; i <= NF; i++) n = n " " $i; print n, $1; exit }
	/^ *INUSE/ { f = 1 }' "$top")
read -r total name flat <<<"$(top_line "$pb" inuse_space)"
check inuse_total "$total" "$want_total"
check top_function "$name $flat" "$want_site"
if [ -s "$tmp/top.err" ]; then
	sed 's/^/# /' "$tmp/top.err"
	echo "not ok - vm-pprof $kernel: no_warnings"
	failed=1
else
	echo "ok - vm-pprof $kernel: no_warnings"
fi
exit $failed
