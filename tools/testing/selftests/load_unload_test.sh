#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# kmprof loads, shows its debugfs directory, and unloads without a trace.
. "$(dirname "$0")/ktap.sh"

KO=$KMPROF_GUEST/kmprof.ko
DIR=/sys/kernel/debug/kmprof
ROUNDS=5

BACKEND=${KMPROF_BACKEND:-kprobe}

loaded() { grep -q '^kmprof ' /proc/modules; }

ktap_plan 6
ktap_check insmod insmod "$KO" backend="$BACKEND"
ktap_check debugfs_dir test -d "$DIR"
ktap_check stats_header sh -c "head -n 1 $DIR/stats | grep -q '^kmprof stats v[0-9]'"
ktap_check tool_stats sh -c "kmprof stats | grep -q '^kmprof stats v'"
ktap_check rmmod_removes_dir sh -c "rmmod kmprof && ! test -e $DIR"

cycles_ok=1
i=0
while [ $i -lt $ROUNDS ]; do
	if ! insmod "$KO" backend="$BACKEND" || ! loaded || ! rmmod kmprof || loaded; then
		ktap_diag "load/unload round $i failed"
		cycles_ok=0
		break
	fi
	i=$((i + 1))
done
ktap_check reload_${ROUNDS}_times test $cycles_ok -eq 1
ktap_finish
