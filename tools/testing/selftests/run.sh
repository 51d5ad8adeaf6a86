#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Run every kmprof selftest in the guest as one KTAP document: each
# *_test.sh is a suite, run once per backend, with the same expectations
# (the suite "cycle_test.tracepoint" is cycle_test against backend=
# tracepoint). A suite that dies before reporting is not ok.
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
ktap_plan $(($# * $(echo $backends | wc -w)))
for backend in $backends; do
	for test in "$@"; do
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
done
ktap_finish
