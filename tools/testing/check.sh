#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# `make check`: every test tier of kmprof on every kernel it applies to.
#
#   host    the tool's tests and the VM judge's own test
#   kunit   the KUnit suites, in the debug kernel
#   vm      the guest selftests, on each stock kernel and the debug kernel,
#           and go tool pprof on the host reading the profile they wrote
#
# Installs what it needs, fetches and builds the kernels (cached under
# $KMPROF_CACHE), and ends with one line: "N passed, N failed".
set -uo pipefail
. "$(dirname "$0")/vm/lib.sh"

out=$KMPROF_ROOT/build/check
mkdir -p "$out"
passed=0
failed=0
t0=$(date +%s)

# count LOG: add the results a tier printed to the totals. Host tests print
# "ok - NAME" / "not ok - NAME"; VM runs end with a judge verdict line.
count()
{
	local p f
	p=$(grep -c '^ok - ' "$1")
	f=$(grep -c '^not ok - ' "$1")
	if grep -q '^judge .*: [0-9]* ok, [0-9]* not ok$' "$1"; then
		read -r p f < <(sed -n 's/^judge .*: \([0-9]*\) ok, \([0-9]*\) not ok$/\1 \2/p' "$1" | tail -n 1)
	fi
	passed=$((passed + p))
	failed=$((failed + f))
}

# tier NAME COMMAND...: run one tier, show its failures, count its cases. A
# tier that fails without reporting a failed case counts as one failure.
tier()
{
	local name=$1 log=$out/$1.log before=$failed
	shift
	say "check: $name"
	"$@" >"$log" 2>&1
	local status=$?
	grep '^\[kmprof ' "$log" >&2 || true
	grep -v '^ok - ' "$log" | grep -v '^\[kmprof ' || true
	count "$log"
	if [ "$status" -ne 0 ] && [ "$failed" -eq "$before" ]; then
		say "check: $name failed (status $status) without a failed case"
		failed=$((failed + 1))
	fi
}

"$VM_DIR/install-deps.sh" || die "cannot install the host packages"
src=$(linux_source_dir) || die "no kernel source"

make -s -C "$KMPROF_ROOT/tools" >&2 || die "the tool does not build"
tier host-tool "$KMPROF_ROOT/tools/testing/tool_test.sh" "$KMPROF_ROOT/tools/kmprof"
tier host-unit make -s -C "$KMPROF_ROOT/tools" unit-test
tier host-parse "$KMPROF_ROOT/tools/testing/parse_test.sh" "$KMPROF_ROOT/tools/kmprof"
tier host-pprof "$KMPROF_ROOT/tools/testing/pprof_test.sh" "$KMPROF_ROOT/tools/kmprof"
tier host-fuzz make -s -C "$KMPROF_ROOT/tools" fuzz FUZZ_TIME=20
tier host-judge "$VM_DIR/judge_test.py" "$src/tools/testing/kunit/kunit.py"
tier host-dkms "$KMPROF_ROOT/tools/testing/dkms_test.sh"
tier host-docs "$KMPROF_ROOT/tools/testing/docs_test.sh"
# A tiny make bench on each stock kernel, so that it cannot rot: it fails
# only when the benchmark machinery breaks, never on a number.
tier bench-smoke "$KMPROF_ROOT/tools/testing/bench.sh" --smoke

# The selftests hand the host a profile the tool wrote in the VM: go tool
# pprof reads it here.
for name in $(kernel_names stock); do
	tier "$name-selftest" "$VM_DIR/run-vm.sh" "$name" selftest
	tier "$name-pprof" "$KMPROF_ROOT/tools/testing/vm_pprof_test.sh" "$name"
done
for name in $(kernel_names debug); do
	tier "$name-kunit" "$VM_DIR/run-vm.sh" "$name" kunit
	tier "$name-selftest" "$VM_DIR/run-vm.sh" "$name" selftest
	tier "$name-pprof" "$KMPROF_ROOT/tools/testing/vm_pprof_test.sh" "$name"
done

say "check: done in $(( ($(date +%s) - t0) / 60 )) min $(( ($(date +%s) - t0) % 60 )) s; logs in ${out#"$KMPROF_ROOT"/}"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
