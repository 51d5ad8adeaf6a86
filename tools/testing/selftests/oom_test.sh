#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# The profile at OOM. The workload holds 64 MiB at one site, then a
# user-space hog (tail reading /dev/zero: one line that never ends) grows
# until the OOM killer ends it. So that the hog has less to fill, the
# workload takes all but FREE_MB of the memory first, before kmprof is
# loaded: those pages are in no profile. Before the kill, kmprof prints the sites
# with the most memory in use: the workload's site is among the first 3,
# estimated near its true size; the oom file keeps the same report;
# kmprof goes on profiling, and unloads. The judge accepts the kernel's
# OOM reports only inside the expect-oom bracket.
. "$(dirname "$0")/ktap.sh"
. "$(dirname "$0")/kmprof_lib.sh"

COUNT=16384
SIZE=4096
FREE_MB=500

# report_rank FILE: the rank (#K) of the first site of the report in
# FILE whose frames name workload_kmalloc, 0 if none does.
report_rank()
{
	awk '/out of memory: [0-9]+ sites? in use/ { on = 1; next }
		on && /#[0-9]+ [0-9]+ bytes in/ {
			match($0, /#[0-9]+/); rank = substr($0, RSTART + 1, RLENGTH - 1)
			next }
		on && /workload_kmalloc\+/ { print rank; found = 1; exit }
		END { if (!found) print 0 }' "$1"
}

# report_bytes FILE RANK: the estimated bytes of site #RANK.
report_bytes()
{
	sed -n "s/.*#$2 \([0-9]*\) bytes in .*/\1/p" "$1" | head -n 1
}

# within LO HI VALUE
within() { [ "$3" -ge "$1" ] && [ "$3" -le "$2" ]; }

hog()
{
	echo "kmprof-vm: expect-oom begin" >/dev/kmsg
	# Only the hog may be chosen: this shell and its parents are spared.
	echo -1000 >/proc/self/oom_score_adj
	sh -c 'echo 1000 >/proc/self/oom_score_adj; exec tail /dev/zero' \
		>/dev/null 2>&1
	status=$?
	echo "kmprof-vm: expect-oom end" >/dev/kmsg
	ktap_diag "the hog ended with status $status"
	[ "$status" -eq 137 ]
}

ktap_plan 9
ktap_check load_workload workload_load
avail_mb=$(awk '$1 == "MemAvailable:" { print int($2 / 1024) }' /proc/meminfo)
# 32 KiB blocks (order 3), fewer than the workload's 131072 objects.
blocks=$(( (avail_mb - FREE_MB) * 32 ))
[ "$blocks" -gt 0 ] && workload "pages $blocks 3"
ktap_diag "$avail_mb MiB available; the workload took $blocks blocks of 32 KiB"
ktap_check load kmprof_load
ktap_check oom_file_before expect_eq "oom file" "$(cat "$D/oom")" \
	"kmprof oom v1 report=10 reports=0 skipped=0"
workload "kmalloc $COUNT $SIZE"
dmesg -c >/dev/null
ktap_check hog_killed hog
dmesg >/tmp/oom.log
sed -n '/kmprof: out of memory/,$p' /tmp/oom.log | grep 'kmprof: ' |
	head -n 40 | while IFS= read -r line; do ktap_diag "$line"; done
RANK=$(report_rank /tmp/oom.log)
ktap_check site_in_top_3 within 1 3 "$RANK"
# 128 samples are expected: 50% off is many standard deviations.
BYTES=$(report_bytes /tmp/oom.log "$RANK")
ktap_diag "estimated ${BYTES:-?} bytes, held $((COUNT * SIZE))"
ktap_check site_estimate within $((COUNT * SIZE / 2)) $((COUNT * SIZE * 3 / 2)) \
	"${BYTES:-0}"
cat "$D/oom" >/tmp/oom.file
ktap_check oom_file_keeps_report sh -c \
	'head -n 1 /tmp/oom.file | grep -q "^kmprof oom v1 report=10 reports=1 skipped=0$" &&
	 [ "$(sed 1d /tmp/oom.file | head -n 1 | sed "s/^.*out of memory/out of memory/")" = \
	   "$(grep -m 1 "kmprof: out of memory" /tmp/oom.log | sed "s/^.*out of memory/out of memory/")" ]'
workload free
advance
cp "$D/heap" /tmp/heap.after
ktap_check still_profiles sh -c "grep -q ' @ 0x' /tmp/heap.after"
workload_unload
ktap_check unload kmprof_unload
ktap_finish
