#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# `make check`: every test tier of kmprof on every kernel it applies to.
#
#   host    the tool's tests (with node_exporter, Prometheus and promtool
#           for kmprof metrics) and the VM judge's own test
#   kunit   the KUnit suites, in the debug kernel
#   vm      the guest selftests, on each stock kernel and the debug kernel,
#           and go tool pprof on the host reading the profile they wrote
#   bench   a tiny make bench on every kernel it boots, so that it cannot
#           rot (it never judges a number)
#
# Every tier prints one KTAP document (see count below). Installs what it
# needs, fetches and builds the kernels (cached under $KMPROF_CACHE), and
# ends with one line: "N passed, N failed".
set -uo pipefail
. "$(dirname "$0")/vm/lib.sh"

out=$KMPROF_ROOT/build/check
mkdir -p "$out"
passed=0
failed=0
skipped=0
t0=$(date +%s)

# count LOG: add the cases of the KTAP document a tier printed to the sums:
# its plan "1..N", one "ok N NAME", "ok N NAME # SKIP ..." or "not ok N
# NAME" per case, and "# Totals: pass:N fail:N skip:N" (the VM runs' come
# from the judge). Lines indented or of another shape are the tier's own.
# Totals that disagree with the plan or with the case lines, or a missing
# plan or totals, count as one failure more: a case that silently did not
# run fails.
count()
{
	local p f s problem
	read -r p f s problem < <(awk '
	/^1\.\.[0-9]+$/ { plans++; plan = substr($0, 4) + 0 }
	/^ok [0-9]+ / { if (/ # SKIP/) ls++; else lp++ }
	/^not ok [0-9]+ / { lf++ }
	/^# Totals: pass:[0-9]+ fail:[0-9]+ skip:[0-9]+$/ {
		totals++
		split($0, t, /[: ]+/)
		p = t[4] + 0; f = t[6] + 0; s = t[8] + 0
	}
	END {
		if (plans != 1)
			problem = plans + 0 " KTAP plans"
		else if (totals != 1)
			problem = totals + 0 " Totals lines"
		else if (p + f + s != plan)
			problem = "totals of " p + f + s " cases, planned " plan
		else if (lp + 0 != p || lf + 0 != f || ls + 0 != s)
			problem = "totals pass:" p " fail:" f " skip:" s \
				" but cases pass:" lp + 0 " fail:" lf + 0 " skip:" ls + 0
		print p + 0, f + 0, s + 0, problem
	}' "$1")
	passed=$((passed + p))
	failed=$((failed + f))
	skipped=$((skipped + s))
	if [ -n "$problem" ]; then
		say "check: $(basename "$1" .log): $problem"
		failed=$((failed + 1))
	fi
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
	grep -Ev '^ok [0-9]+ [^#]*$|^\[kmprof ' "$log" || true
	count "$log"
	if [ "$status" -ne 0 ] && [ "$failed" -eq "$before" ]; then
		say "check: $name failed (status $status) without a failed case"
		failed=$((failed + 1))
	fi
}

"$VM_DIR/install-deps.sh" || die "cannot install the host packages"
src=$(linux_source_dir) || die "no kernel source"

# The kernels built here (the debug kernel, then the alloctag kernel of
# make bench) build in the background, at a lower priority, while the
# host tiers and the stock kernels' VMs (one busy host thread each) run;
# a tier that boots one waits on its cache lock (build-kernel.sh).
(
	for name in $(kernel_names debug) $(kernel_names alloctag); do
		nice -n 10 "$VM_DIR/build-kernel.sh" "$name" >/dev/null || exit 1
	done
) >"$out/kernels.log" 2>&1 &
builder=$!

make -s -C "$KMPROF_ROOT/tools" >&2 || die "the tool does not build"
tier host-tool "$KMPROF_ROOT/tools/testing/tool_test.sh" "$KMPROF_ROOT/tools/kmprof"
tier host-unit make -s -C "$KMPROF_ROOT/tools" unit-test
tier host-parse "$KMPROF_ROOT/tools/testing/parse_test.sh" "$KMPROF_ROOT/tools/kmprof"
tier host-pprof "$KMPROF_ROOT/tools/testing/pprof_test.sh" "$KMPROF_ROOT/tools/kmprof"
tier host-fleet "$KMPROF_ROOT/tools/testing/fleet_test.sh" "$KMPROF_ROOT/tools/kmprof"
tier host-fuzz make -s -C "$KMPROF_ROOT/tools" fuzz FUZZ_TIME=20
tier host-judge "$VM_DIR/judge_test.py" "$src/tools/testing/kunit/kunit.py"
tier host-dkms "$KMPROF_ROOT/tools/testing/dkms_test.sh"
tier host-docs "$KMPROF_ROOT/tools/testing/docs_test.sh"

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
# A tiny make bench on every kernel it boots: it fails only when the
# benchmark machinery breaks, never on a number.
tier bench-smoke "$KMPROF_ROOT/tools/testing/bench.sh" --smoke

if ! wait "$builder"; then
	cat "$out/kernels.log" >&2
	say "check: a kernel build failed"
	failed=$((failed + 1))
fi
grep 'built in\|cached' "$out/kernels.log" >&2
say "check: done in $(( ($(date +%s) - t0) / 60 )) min $(( ($(date +%s) - t0) % 60 )) s; logs in ${out#"$KMPROF_ROOT"/}"
[ "$skipped" -eq 0 ] || say "check: $skipped cases skipped (counted in neither)"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
