#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Every control file refuses bad input with EINVAL and keeps its state;
# good input takes effect; bad module parameters refuse the load.
# Backend: either, what the control files and parameters accept is the
# backends' common code.
. "$(dirname "$0")/ktap.sh"
. "$(dirname "$0")/kmprof_lib.sh"

# write_fails FILE VALUE: the write is refused.
write_fails()
{
	if printf '%s' "$2" >"$D/$1" 2>/dev/null; then
		ktap_diag "$1: '$2' was accepted"
		return 1
	fi
}

# refuses FILE STATE-FILE VALUE...: every VALUE is refused and STATE-FILE
# reads the same afterwards.
refuses()
{
	file=$1
	state=$2
	shift 2
	before=$(cat "$D/$state")
	for value in "$@"; do
		write_fails "$file" "$value" || return 1
	done
	expect_eq "$state after bad writes" "$(cat "$D/$state")" "$before"
}

# load_refused PARAM=VALUE: insmod fails and leaves nothing loaded.
load_refused()
{
	if insmod "$KMPROF_KO" "$1" 2>/dev/null; then
		ktap_diag "$1 was accepted"
		rmmod kmprof
		return 1
	fi
	! loaded kmprof
}

# hits: the hits of every entry point of the probes file, summed.
hits() { awk 'NR > 2 { n += $4 } END { print n + 0 }' "$D/probes"; }

# disabled_costs_nothing: "enable 0" disarms every entry point, and
# allocations made then are not seen; "enable 1" arms them again.
disabled_costs_nothing()
{
	echo 0 >"$D/enable" || return 1
	if grep -q ' armed ' "$D/probes"; then
		ktap_diag "still armed after enable 0:"
		grep ' armed ' "$D/probes" | while read -r l; do ktap_diag "$l"; done
		return 1
	fi
	before=$(hits)
	ls -lR /sys/kernel >/dev/null 2>&1
	expect_eq "hits while disabled" "$(hits)" "$before" || return 1
	echo 1 >"$D/enable" && grep -q ' armed ' "$D/probes" || return 1
	ls -lR /sys/kernel >/dev/null 2>&1
	[ "$(hits)" -gt "$before" ] || { ktap_diag "no hits once enabled"; return 1; }
}

ktap_plan 21
ktap_check load kmprof_load rate=4096 hits=1
ktap_check rate_reads_param expect_eq rate "$(cat $D/rate)" 4096
ktap_check rate_refuses_bad refuses rate rate abc -1 1.5 " " 0x10 \
	"12 13" 99999999999999999999999 1073741825
ktap_check rate_accepts_good sh -c "echo 65536 >$D/rate && [ \$(cat $D/rate) = 65536 ]"
ktap_check enable_refuses_bad refuses enable enable 2 yes on -1 " " "1 1"
ktap_check enable_toggles sh -c "echo 0 >$D/enable && [ \$(cat $D/enable) = 0 ] &&
	echo 1 >$D/enable && [ \$(cat $D/enable) = 1 ]"
ktap_check disabled_costs_nothing disabled_costs_nothing
ktap_check cycle_refuses_bad refuses cycle cycle 0 2 x " " "1 1" -1
# Reading heap publishes the closed cycle: nothing pending afterwards.
ktap_check cycle_advances sh -c "echo 1 >$D/cycle && cat $D/heap >/dev/null &&
	grep -q '^cycle 1 pending 0$' $D/cycle"
ktap_check reset_refuses_bad refuses reset cycle 0 2 reset " "
ktap_check reset_forgets sh -c "echo 1 >$D/reset &&
	grep -q '^buckets_in_use [0-9]' $D/stats && grep -q '^cycle 0$' $D/stats"
ktap_check unload kmprof_unload
ktap_check bad_rate_param load_refused rate=2000000000
ktap_check bad_depth_param load_refused max_depth=65
ktap_check bad_backend_param load_refused backend=ftrace
ktap_check empty_backend_param load_refused backend=
ktap_check zero_buckets_param load_refused max_buckets=0
ktap_check zero_objects_param load_refused max_objects=0
ktap_check bad_autocycle_param load_refused autocycle_ms=5
ktap_check bad_hits_param load_refused hits=2
ktap_check bad_oom_report_param load_refused oom_report=65
ktap_finish
