# SPDX-License-Identifier: GPL-2.0
# What the host test scripts share: one "ok - GROUP: NAME" or
# "not ok - GROUP: NAME" line per case, which tools/testing/check.sh counts.
# Set TEST_GROUP before sourcing; $failed turns 1 once a case fails.

failed=0

# result NAME STATUS: the case passed if STATUS is 0.
result()
{
	if [ "$2" = 0 ]; then
		echo "ok - $TEST_GROUP: $1"
	else
		echo "not ok - $TEST_GROUP: $1"
		failed=1
	fi
}

# expect NAME GOT WANT: WANT is never empty, so nothing passes vacuously.
expect()
{
	[ -n "$3" ] && [ "$2" = "$3" ]
	local status=$?
	[ $status = 0 ] || echo "# $1: got '$2', want '$3'" >&2
	result "$1" $status
}
