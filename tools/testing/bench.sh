#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# `make bench`: boot each stock kernel twice in QEMU and measure, within
# each boot, what kmprof costs the slab allocator in each configuration
# (tools/testing/vm/guest-bench.sh): not loaded, loaded but disabled, the
# mechanism floor (floor=1), enabled at the default rate, and at rate 1.
# The first boot (mode count) counts instructions: QEMU advances the
# guest's clock 1 ns per instruction executed, so its figures are the same
# from run to run, and the criteria are judged on them. The second (mode
# bench) times the same in wall time, then what an advance and a flush
# cost with 1k, 16k and 64k buckets, and how close the default rate's
# estimates come to the workload module's truth. Then boot the debug
# kernel once to set those estimates beside the exact numbers of
# /proc/allocinfo. Last, boot the alloctag kernel (Debian's config with
# the kernel's own allocation profiling built in) twice, counting and
# timing: the microbenchmark with that profiling on, with kmprof, and with
# both; in the timed boot, what reading each profile takes, and the
# estimates beside /proc/allocinfo there. tools/testing/bench_report.py
# prints the tables and writes build/bench/results.json.
#
#   bench.sh           the full run
#   bench.sh --smoke   a tiny run for make check, a KTAP document with one
#                      case per boot, ok when the machinery worked; it
#                      never judges a number
#
# Under TCG absolute times mean little; the ratios within one boot do.
set -uo pipefail
. "$(dirname "$0")/vm/lib.sh"
. "$(dirname "$0")/host_lib.sh"

smoke=0
[ "${1:-}" = --smoke ] && smoke=1
out=$KMPROF_ROOT/build/bench
mkdir -p "$out"
if [ "$smoke" -eq 1 ]; then
	bench_sizing=200,3,1,smoke
	count_sizing=200,3,1,smoke
	json=$out/smoke.json
else
	bench_sizing=${KMPROF_BENCH:-$KMPROF_BENCH_DEFAULT}
	count_sizing=${KMPROF_COUNT:-$KMPROF_COUNT_DEFAULT}
	json=$out/results.json
fi

"$VM_DIR/install-deps.sh" || die "cannot install the host packages"
status=0
# Each boot: NAME MODE. The stock kernels count, then time; the debug
# kernel only sets the estimates beside /proc/allocinfo.
boots=()
for name in $(kernel_names stock); do
	boots+=("$name count" "$name bench")
done
for name in $(kernel_names debug); do
	boots+=("$name bench")
done
for name in $(kernel_names alloctag); do
	boots+=("$name count" "$name bench")
done
[ "$smoke" -eq 0 ] || ktap_plan ${#boots[@]}
results=()
declare -A vm_failed
for boot in "${boots[@]}"; do
	read -r name mode <<<"$boot"
	sizing=$bench_sizing
	[ "$mode" = count ] && sizing=$count_sizing
	rm -f "$KMPROF_ROOT/build/$name/artifacts/bench.txt"
	if ! KMPROF_BENCH=$sizing "$VM_DIR/run-vm.sh" "$name" "$mode" \
		>"$out/$name.$mode.log" 2>&1; then
		cat "$out/$name.$mode.log" >&2
		echo "# $name $mode: the VM run failed"
		vm_failed[$boot]=1
		status=1
		continue
	fi
	file=$out/$name.$mode.txt
	cp "$KMPROF_ROOT/build/$name/artifacts/bench.txt" "$file" 2>/dev/null ||
		: >"$file"
	kver=$(sed -n "s/.*kmprof-vm: mode $mode on \([^,]*\),.*/\1/p" \
		"$KMPROF_ROOT/build/$name/$mode.log" | tr -d '\r')
	results+=("$name" "$(kernel_field "$name" 2)" "$kver" "$mode" "$file")
done

verdicts=$out/verdicts
: >"$verdicts"
[ ${#results[@]} -eq 0 ] ||
	"$KMPROF_ROOT/tools/testing/bench_report.py" "$json" "bench $bench_sizing, count $count_sizing" \
		"$smoke" "$verdicts" "${results[@]}" || status=1
[ "$smoke" -eq 1 ] || exit $status
# The smoke run's cases: one per boot, failed when its VM run failed or
# its results did not parse.
for boot in "${boots[@]}"; do
	read -r name mode <<<"$boot"
	verdict=$(awk -v n="$name" -v m="$mode" '$1 == n && $2 == m { print $3 }' "$verdicts")
	[ -z "${vm_failed[$boot]:-}" ] && [ "$verdict" = 0 ]
	ktap_result "${name}_$mode" $?
done
ktap_finish
