#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Host tests of the kmprof tool against a fake debugfs directory.
# Prints "ok - NAME" / "not ok - NAME" per case.
set -uo pipefail

tool=${1:?usage: tool_test.sh PATH-TO-KMPROF}
fake=$(mktemp -d)
trap 'rm -rf "$fake"' EXIT
failed=0

check()
{
	local name=$1
	shift
	if "$@" >/dev/null 2>&1; then
		echo "ok - tool: $name"
	else
		echo "not ok - tool: $name"
		failed=1
	fi
}

printf 'kmprof stats v1\nsamples 42\n' >"$fake/stats"
check stats_prints_file \
	bash -c "[ \"\$('$tool' -d '$fake' stats)\" = \"\$(cat '$fake/stats')\" ]"
check missing_dir_exits_1 \
	bash -c "'$tool' -d '$fake/absent' stats; [ \$? -eq 1 ]"
check missing_dir_explains \
	bash -c "'$tool' -d '$fake/absent' stats 2>&1 | grep -q 'cannot open'"
check unknown_command_exits_2 \
	bash -c "'$tool' -d '$fake' frobnicate; [ \$? -eq 2 ]"
check no_command_exits_2 bash -c "'$tool'; [ \$? -eq 2 ]"
check help_exits_0 "$tool" -h
exit $failed
