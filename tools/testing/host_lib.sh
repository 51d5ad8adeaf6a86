# SPDX-License-Identifier: GPL-2.0
# What the host test scripts share: the KTAP helpers of the guest
# selftests (selftests/ktap.sh), printing on standard output. A script
# calls ktap_plan with its number of cases, one ktap_result, ktap_check,
# ktap_skip or expect per case, and ends with ktap_finish;
# tools/testing/check.sh counts its "# Totals:" line against its plan.

. "$(dirname "${BASH_SOURCE[0]}")/selftests/ktap.sh"

# expect NAME GOT WANT: WANT is never empty, so nothing passes vacuously.
expect()
{
	[ -n "$3" ] && [ "$2" = "$3" ]
	local status=$?
	[ $status = 0 ] || echo "# $1: got '$2', want '$3'" >&2
	ktap_result "$1" $status
}
