#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Run every kmprof selftest in the guest as one KTAP document: each
# *_test.sh is a suite, run once per backend, with the same expectations
# (the suite "cycle_test.tracepoint" is cycle_test against backend=
# tracepoint), except a suite of what the backends share, run against the
# first only. A suite that dies before reporting is not ok.
dir=$(dirname "$0")
KTAP_OUT=/dev/kmsg
. "$dir/ktap.sh"

# KMPROF_TESTS (from the kernel command line) may name the suites to run,
# KMPROF_BACKENDS the backends to run them against.
if [ "${KMPROF_TESTS:-all}" = all ]; then
	set -- "$dir"/*_test.sh
else
	set --
	for name in $(echo "$KMPROF_TESTS" | tr , ' '); do
		set -- "$@" "$dir/${name}_test.sh"
	done
fi
backends=$(echo "${KMPROF_BACKENDS:-kprobe,tracepoint}" | tr , ' ')
first=${backends%% *}

# one_backend TEST: the suite says it tests what does not depend on the
# backend (a line "# Backend: either, ..." saying why): it runs against
# the first backend only.
one_backend() { grep -q '^# Backend: either' "$1"; }

# The runs, "BACKEND:TEST" each, in order: every backend's pass.
runs=
for backend in $backends; do
	for test in "$@"; do
		[ "$backend" = "$first" ] || ! one_backend "$test" || continue
		runs="$runs $backend:$test"
	done
done
ktap_plan $(echo $runs | wc -w)
for run in $runs; do
	backend=${run%%:*}
	test=${run#*:}
	index=$((ktap_cases + 1))
	name=$(basename "$test" .sh).$backend
	KMPROF_BACKEND=$backend KTAP_SUITE_INDEX=$index \
		KTAP_SUITE_NAME=$name sh "$test"
	status=$?
	if [ ! -e "/tmp/ktap-finished-$index" ]; then
		ktap_line "    # $name exited with status $status"
		ktap_fail "$name"
		continue
	fi
	# The suite printed its own result line: count it.
	ktap_cases=$index
	if [ "$status" -eq 0 ]; then
		ktap_passed=$((ktap_passed + 1))
	else
		ktap_failed=$((ktap_failed + 1))
	fi
done
ktap_finish
