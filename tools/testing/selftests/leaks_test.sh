#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Leak hunting at the module's default rate. One workload site keeps
# 4096-byte objects (kmalloc: a leak), another allocates and frees as many
# of the same size (churn); both step every half second while
# kmprof leaks -i 2s --cycles 3 takes its four snapshots. leaks must rank
# the leak first, grown in every interval, and find the churn not
# significant; top --min-age must show the leak's old objects and none of
# the churn's.
# Backend: either, the ranking is the tool's, on what either backend samples
# alike.
. "$(dirname "$0")/ktap.sh"
. "$(dirname "$0")/kmprof_lib.sh"

SIZE=4096
# Per step, per site: at least 40 MiB kept over the run's 12 or more steps,
# about 90 samples at 512 KiB (1 - exp(-4096 / 524288) per object).
STEP=960

# The debug kernel's slab runs about 1000 times slower: in the run's
# seconds it would keep too few objects for a sample in every interval.
if [ "$SCALE" = 1 ]; then
	ktap_plan 1
	ktap_skip leaks_at_default_rate "stock kernels only: too few samples in the debug kernel"
	ktap_finish
fi
# The most steps: 65536 objects held at most (half of what the workload
# can hold, WORKLOAD_MAX_OBJECTS).
MAX_STEPS=$((65536 / STEP - 1))
LEAK=workload_kmalloc
CHURN=workload_churn_kmalloc

# step: one step of each site.
step()
{
	workload "kmalloc $STEP $SIZE" && workload "churn $STEP $SIZE" ||
		ktap_diag "a workload step failed"
}

# row SECTION FN: the line of FN's row in /tmp/leaks.out under "suspects"
# or "not significant", empty if none.
row()
{
	awk -v s="$1" -v fn="$2" '
		/^suspects:/ { f = s == "suspects"; next }
		/^not significant:/ { f = s == "not"; next }
		f && $NF == "[kmprof_workload]" && $(NF - 1) == fn { print; exit }' \
		/tmp/leaks.out
}

# first_suspect: the function of the first suspect row.
first_suspect()
{
	awk '/^suspects:/ { f = 1; next } f && $1 ~ /^[+-]/ { print $(NF - 1); exit }' \
		/tmp/leaks.out
}

# churn_not_significant: the churn is listed, and not as a suspect.
churn_not_significant()
{
	[ -n "$(row not $CHURN)" ] && [ -z "$(row suspects $CHURN)" ]
}

# min_age_shows_leak: some of the leak's objects are 4 s old or older.
min_age_shows_leak()
{
	[ "$(top_row /tmp/heap.leaks $LEAK --min-age 4s)" -gt 0 ]
}

ktap_plan 9
# No rate=: the module's default.
ktap_check load kmprof_load
ktap_check load_workload workload_load
ktap_diag "rate $(cat "$D/rate"), $STEP objects of $SIZE bytes a step"
step
kmprof leaks -i 2s --cycles 3 -n 0 --raw >/tmp/leaks.out 2>/tmp/leaks.err &
pid=$!
steps=1
while kill -0 $pid 2>/dev/null; do
	if [ $steps -lt $MAX_STEPS ]; then
		step
		steps=$((steps + 1))
	fi
	sleep 0.5
done
wait $pid
status=$?
ktap_diag "$steps steps: $((steps * STEP * SIZE / 1048576)) MiB kept"
while read -r line; do
	ktap_diag "$line"
done </tmp/leaks.out
while read -r line; do
	ktap_diag "$line"
done </tmp/leaks.err
ktap_check leaks_exits_0 expect_eq "kmprof leaks' exit status" "$status" 0
ktap_check leak_ranks_first expect_eq "first suspect" "$(first_suspect)" "$LEAK"
ktap_check leak_grew_every_interval expect_eq "leak's GREW" \
	"$(row suspects $LEAK | awk '{ print $5 }')" 3/3
ktap_check churn_not_significant churn_not_significant
# The leak's first objects are older than 4 s by now; the churn holds none.
kmprof snapshot -o /tmp/heap.leaks 2>/dev/null
set -- $(truth $LEAK)
ktap_diag "$LEAK: $1 allocations, $(top_row /tmp/heap.leaks $LEAK) bytes estimated in use"
set -- $(truth $CHURN)
ktap_diag "$CHURN: $1 allocations, $4 frees"
ktap_check min_age_shows_leak min_age_shows_leak
ktap_check min_age_churn_zero expect_eq "top --min-age 4s, churn" \
	"$(top_row /tmp/heap.leaks $CHURN --min-age 4s)" 0
workload free
workload_unload
ktap_check unload kmprof_unload
ktap_finish
