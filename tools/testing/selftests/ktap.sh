# SPDX-License-Identifier: GPL-2.0
# KTAP output for kmprof's guest selftests (busybox sh). A selftest script
# is one KTAP suite: it sources this file, calls ktap_plan, one ktap_ok or
# ktap_fail per case, and ends with ktap_finish. Lines go to /dev/kmsg so
# they keep their place among the kernel's messages on the console.
#
# The runner sets KTAP_SUITE_INDEX and KTAP_SUITE_NAME.

KTAP_OUT=${KTAP_OUT:-/dev/kmsg}
ktap_cases=0
ktap_failed=0
ktap_planned=0

ktap_line() { echo "$*" >"$KTAP_OUT"; }

# ktap_plan N: the suite has N cases.
ktap_plan()
{
	ktap_planned=$1
	ktap_line "    KTAP version 1"
	ktap_line "    # Subtest: $KTAP_SUITE_NAME"
	ktap_line "    1..$1"
}

# ktap_diag TEXT: a diagnostic line, shown by the parser on failure.
ktap_diag() { ktap_line "    # $*"; }

ktap_ok()
{
	ktap_cases=$((ktap_cases + 1))
	ktap_line "    ok $ktap_cases $1"
}

ktap_fail()
{
	ktap_cases=$((ktap_cases + 1))
	ktap_failed=$((ktap_failed + 1))
	ktap_line "    not ok $ktap_cases $1"
}

# ktap_skip NAME REASON: a case that does not apply here.
ktap_skip()
{
	ktap_cases=$((ktap_cases + 1))
	ktap_line "    ok $ktap_cases $1 # SKIP $2"
}

# ktap_check NAME COMMAND...: run COMMAND, ok if it succeeds.
ktap_check()
{
	name=$1
	shift
	if "$@"; then
		ktap_ok "$name"
	else
		ktap_fail "$name"
	fi
}

# ktap_finish: the suite's result; not ok if a case failed or if the cases
# reported are not the ones planned.
ktap_finish()
{
	: >"/tmp/ktap-finished-$KTAP_SUITE_INDEX"
	if [ "$ktap_cases" -ne "$ktap_planned" ]; then
		ktap_diag "planned $ktap_planned cases, reported $ktap_cases"
		ktap_failed=$((ktap_failed + 1))
	fi
	if [ "$ktap_failed" -eq 0 ]; then
		ktap_line "ok $KTAP_SUITE_INDEX $KTAP_SUITE_NAME"
		exit 0
	fi
	ktap_line "not ok $KTAP_SUITE_INDEX $KTAP_SUITE_NAME"
	exit 1
}
