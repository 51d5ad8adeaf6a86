#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# kmprof loads, shows its debugfs directory, and unloads without a trace.
. "$(dirname "$0")/ktap.sh"
. "$(dirname "$0")/kmprof_lib.sh"

ROUNDS=5

stats_header() { head -n 1 "$D/stats" | grep -q '^kmprof stats v[0-9]'; }
tool_stats() { kmprof stats | grep -q '^kmprof stats v'; }
rmmod_removes_dir() { rmmod kmprof && ! test -e "$D"; }

# load_unload_rounds: load and unload ROUNDS times, each step checked.
load_unload_rounds()
{
	i=0
	while [ $i -lt $ROUNDS ]; do
		if ! kmprof_load || ! loaded kmprof || ! rmmod kmprof ||
			loaded kmprof; then
			ktap_diag "load/unload round $i failed"
			return 1
		fi
		i=$((i + 1))
	done
}

ktap_plan 6
ktap_check insmod kmprof_load
ktap_check debugfs_dir test -d "$D"
ktap_check stats_header stats_header
ktap_check tool_stats tool_stats
ktap_check rmmod_removes_dir rmmod_removes_dir
ktap_check reload_${ROUNDS}_times load_unload_rounds
ktap_finish
