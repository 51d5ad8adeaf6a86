#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# kmprof record against the live module: three intervals, three files.
# At rate 1 every estimate is an exact count, so the allocations of the
# three files add up to those of one snapshot over the same time: the
# profile is empty and sampling off while record reads its first
# snapshot, and the heap file read without advancing after record ends
# is its last. The host reads the files with go tool pprof
# (tools/testing/vm_pprof_test.sh): record.BACKEND.N.pb.gz, and the
# snapshot's totals in record.BACKEND.want.
. "$(dirname "$0")/ktap.sh"
. "$(dirname "$0")/kmprof_lib.sh"

N=8
SIZE=4096
# Long enough that the test stops record within its fourth interval: the
# debug kernel takes seconds for what the stock ones do at once.
if [ $SCALE = 1 ]; then
	INTERVAL=10
else
	INTERVAL=3
fi
R=/tmp/record

# wait_for SECONDS COMMAND...: until COMMAND succeeds, at most SECONDS.
wait_for()
{
	local n=$(($1 * 10))

	shift
	while [ $n -gt 0 ]; do
		"$@" && return 0
		sleep 0.1
		n=$((n - 1))
	done
	return 1
}
files() { ls "$R" 2>/dev/null | grep -c '^kmprof-.*Z\.pb\.gz$'; }
has_files() { [ "$(files)" -ge "$1" ]; }

ktap_plan 8
ktap_check load kmprof_load rate=1
ktap_check load_workload workload_load
sampling_off
kmprof reset
rm -rf "$R"
kmprof record --interval ${INTERVAL}s --dir "$R" 2>/tmp/record.err &
rec=$!
ktap_check started wait_for 60 grep -q 'a profile every' /tmp/record.err
sampling_on
# A site of the workload's in each interval, the last freed.
workload "kmalloc $N $SIZE"
wait_for 120 has_files 1
workload "kmalloc_node $N $SIZE"
wait_for 120 has_files 2
workload free
ktap_check three_files wait_for 120 has_files 3
kill -TERM $rec
wait $rec
ktap_check sigterm_exits_0 test $? -eq 0
ktap_diag "$(cat /tmp/record.err)"
ktap_check only_its_files expect_eq "files of $R" \
	"$(files) $(ls -A "$R" | grep -vc '^kmprof-.*Z\.pb\.gz$')" "3 0"
ktap_check no_new_profile sh -c "! grep -q 'new profile' /tmp/record.err"
# record's last snapshot: nothing closed a cycle since
cp "$D/heap" /tmp/record.heap
sampling_off
kmprof -f /tmp/record.heap top --raw -n 0 >/tmp/record.top
awk '/^in use:/ { inuse = $3 } /^allocated:/ { print $4, $2, inuse }' \
	/tmp/record.top >/tmp/record.want
ktap_diag "snapshot: $(cat /tmp/record.want) (alloc objects, alloc bytes, in use bytes); $(files) files"
i=0
for f in $(ls "$R" | grep '^kmprof-.*Z\.pb\.gz$'); do
	i=$((i + 1))
	artifact "record.$KMPROF_BACKEND.$i.pb.gz" "$R/$f"
done
artifact "record.$KMPROF_BACKEND.want" /tmp/record.want
sampling_on
workload_unload
ktap_check unload kmprof_unload
ktap_finish
