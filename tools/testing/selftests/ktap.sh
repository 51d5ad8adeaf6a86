# SPDX-License-Identifier: GPL-2.0
# KTAP output of kmprof's shell tests: the guest selftests (busybox sh) and
# the host tests (bash, through tools/testing/host_lib.sh). A test script
# sources this file, calls ktap_plan, then one ktap_ok, ktap_fail,
# ktap_skip, ktap_result or ktap_check per case, and ends with ktap_finish:
# it prints "# Totals: pass:N fail:N skip:N" and fails the script when a
# case failed or when the cases reported are not the ones planned, so that
# a case that silently did not run fails too.
#
# In the guest each selftest is one suite of the run's KTAP document:
# run.sh sets KTAP_SUITE_INDEX and KTAP_SUITE_NAME, the suite's lines are
# indented, and they go to /dev/kmsg so that they keep their place among
# the kernel's messages on the console. Without a suite name (the host
# tests, and run.sh itself) a script prints a KTAP document of its own, on
# standard output unless KTAP_OUT names a file.

if [ -n "${KTAP_SUITE_NAME:-}" ]; then
	KTAP_OUT=${KTAP_OUT:-/dev/kmsg}
	ktap_indent='    '
else
	KTAP_OUT=${KTAP_OUT:-}
	ktap_indent=
fi
ktap_cases=0
ktap_passed=0
ktap_failed=0
ktap_skipped=0
ktap_planned=0

ktap_line()
{
	if [ -n "$KTAP_OUT" ]; then
		echo "$ktap_indent$*" >>"$KTAP_OUT"
	else
		echo "$ktap_indent$*"
	fi
}

# ktap_plan N: the script has N cases.
ktap_plan()
{
	ktap_planned=$1
	ktap_line "KTAP version 1"
	[ -z "${KTAP_SUITE_NAME:-}" ] || ktap_line "# Subtest: $KTAP_SUITE_NAME"
	ktap_line "1..$1"
}

# ktap_diag TEXT: a diagnostic line, shown by the parser on failure.
ktap_diag() { ktap_line "# $*"; }

ktap_ok()
{
	ktap_cases=$((ktap_cases + 1))
	ktap_passed=$((ktap_passed + 1))
	ktap_line "ok $ktap_cases $1"
}

ktap_fail()
{
	ktap_cases=$((ktap_cases + 1))
	ktap_failed=$((ktap_failed + 1))
	ktap_line "not ok $ktap_cases $1"
}

# ktap_skip NAME REASON: a case that does not apply here.
ktap_skip()
{
	ktap_cases=$((ktap_cases + 1))
	ktap_skipped=$((ktap_skipped + 1))
	ktap_line "ok $ktap_cases $1 # SKIP $2"
}

# ktap_result NAME STATUS: ok if STATUS is 0.
ktap_result()
{
	if [ "$2" = 0 ]; then
		ktap_ok "$1"
	else
		ktap_fail "$1"
	fi
}

# ktap_check NAME COMMAND...: run COMMAND, ok if it succeeds.
ktap_check()
{
	ktap_name=$1
	shift
	if "$@"; then
		ktap_ok "$ktap_name"
	else
		ktap_fail "$ktap_name"
	fi
}

# ktap_finish: the totals, and the script's result: it fails if a case
# failed or if the cases reported are not the ones planned. A guest suite
# also reports itself as a case of the run.
ktap_finish()
{
	ktap_line "# Totals: pass:$ktap_passed fail:$ktap_failed skip:$ktap_skipped"
	ktap_status=0
	[ "$ktap_failed" -eq 0 ] || ktap_status=1
	if [ "$ktap_cases" -ne "$ktap_planned" ]; then
		ktap_diag "planned $ktap_planned cases, reported $ktap_cases"
		ktap_status=1
	fi
	if [ -n "${KTAP_SUITE_NAME:-}" ]; then
		: >"/tmp/ktap-finished-$KTAP_SUITE_INDEX"
		ktap_indent=
		if [ "$ktap_status" -eq 0 ]; then
			ktap_line "ok $KTAP_SUITE_INDEX $KTAP_SUITE_NAME"
		else
			ktap_line "not ok $KTAP_SUITE_INDEX $KTAP_SUITE_NAME"
		fi
	fi
	exit "$ktap_status"
}
