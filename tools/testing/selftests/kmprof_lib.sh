# SPDX-License-Identifier: GPL-2.0
# Helpers of kmprof's guest selftests (busybox sh): loading the modules,
# driving the workload, and reading the heap file.

D=/sys/kernel/debug/kmprof
W=/sys/kernel/debug/kmprof_workload/ctl
KMPROF_KO=$KMPROF_GUEST/kmprof.ko
WORKLOAD_KO=$KMPROF_GUEST/kmprof_workload.ko

# The debug kernel (KASAN, lockdep, kmemleak under TCG) runs slab
# operations about 1000 times slower: loops there are scaled down.
if [ -e /sys/kernel/debug/kmemleak ]; then
	SCALE=1
else
	SCALE=10
fi

loaded() { grep -q "^$1 " /proc/modules; }

# The backend under test (run.sh sets it): every load uses it.
KMPROF_BACKEND=${KMPROF_BACKEND:-kprobe}
kmprof_load() { insmod "$KMPROF_KO" backend="$KMPROF_BACKEND" "$@"; }
kmprof_unload() { ! loaded kmprof || rmmod kmprof; }
workload_load() { loaded kmprof_workload || insmod "$WORKLOAD_KO"; }
workload_unload() { ! loaded kmprof_workload || rmmod kmprof_workload; }
workload() { echo "$*" >"$W"; }
# workload_on_cpu CPU COMMAND: the workload's command, run on that CPU.
workload_on_cpu()
{
	local cpu=$1

	shift
	taskset $((1 << cpu)) sh -c "echo '$*' >$W"
}

# demo_work FILES [nowalk]: what make demo profiles: walk /sys and /proc
# (unless nowalk); create, stat and delete FILES files in tmpfs, keeping 3
# in 20 of them (in /tmp/demo/keep); push data through FILES / 40
# pipelines of 3 processes.
demo_work()
{
	local i

	[ "${2:-}" = nowalk ] || ls -R /sys /proc >/dev/null 2>&1
	mkdir -p /tmp/demo/keep
	i=0
	while [ $i -lt "$1" ]; do
		echo $i >/tmp/demo/f$i
		i=$((i + 1))
	done
	ls -l /tmp/demo >/dev/null
	rm -f /tmp/demo/f*
	i=0
	while [ $i -lt $(($1 * 3 / 20)) ]; do
		echo $i >/tmp/demo/keep/f$i
		i=$((i + 1))
	done
	i=0
	while [ $i -lt $(($1 / 40)) ]; do
		head -c 65536 /dev/zero | cat | wc -c >/dev/null
		i=$((i + 1))
	done
}

# advance: close the cycle; the next read of heap publishes it.
advance() { echo 1 >"$D/cycle"; }

# sampling_off, sampling_on: the sampler says no to every allocation, or
# decides again, without a new profile (a rate write would start one). The
# test build's skip_samples hook.
sampling_off() { echo 9000000000000000000 >"$D/test/skip_samples"; }
sampling_on() { echo 0 >"$D/test/skip_samples"; }

# no_negative FILE: every count of the heap file FILE is below 2^63 (an
# in-use below zero prints as 2^64 minus a little).
no_negative()
{
	awk '/^heap profile:|^[0-9]/ {
		line = $0
		gsub(/:|\[|\]|@|heap profile/, " ", line)
		n = split(line, f, " ")
		for (i = 1; i <= 4; i++)
			if (f[i] + 0 >= 9.2e18) { print "negative: " $0; bad = 1 }
	}
	END { exit bad }' "$1"
}

# heap_read_measure [count]: read the heap file whole, once; set
# heap_read_bytes to its size, heap_read_ms to how long the read took and
# heap_read_kib to the most memory it took (MemAvailable, sampled each
# second, below what it was before). With "count", heap_read_records is
# the number of records of that read (slower: the text goes through grep
# too); without, the header's buckets= of another open, just after.
heap_read_measure()
{
	local before least now start reader counter=

	before=$(awk '$1 == "MemAvailable:" { print $2 }' /proc/meminfo)
	least=$before
	rm -f /tmp/heap.fifo
	mkfifo /tmp/heap.fifo
	start=$(awk '{ printf "%d\n", $1 * 1000 }' /proc/uptime)
	if [ "${1:-}" = count ]; then
		grep -c '^[0-9]' /tmp/heap.fifo >/tmp/heap.records &
		counter=$!
		cat "$D/heap" | tee /tmp/heap.fifo | wc -c >/tmp/heap.bytes &
	else
		cat "$D/heap" | wc -c >/tmp/heap.bytes &
	fi
	reader=$!
	while kill -0 $reader 2>/dev/null; do
		now=$(awk '$1 == "MemAvailable:" { print $2 }' /proc/meminfo)
		[ "$now" -lt "$least" ] && least=$now
		sleep 1
	done
	wait $reader || return 1
	heap_read_ms=$(($(awk '{ printf "%d\n", $1 * 1000 }' /proc/uptime) - start))
	if [ -n "$counter" ]; then
		wait $counter || return 1
	else
		head -n 2 "$D/heap" |
			sed -n 's/.* buckets=\([0-9]*\).*/\1/p' >/tmp/heap.records
	fi
	heap_read_records=$(cat /tmp/heap.records)
	heap_read_bytes=$(cat /tmp/heap.bytes)
	heap_read_kib=$((before - least))
	rm -f /tmp/heap.fifo /tmp/heap.records /tmp/heap.bytes
}

# stat_value NAME: one counter of the stats file.
stat_value() { awk -v n="$1" '$1 == n { print $2 }' "$D/stats"; }

# truth FUNCTION: "<allocs> <req_bytes> <alloc_bytes> <frees>" the
# workload made under FUNCTION.
truth() { awk -v f="$1" '$1 == f { print $2, $3, $4, $5 }' "$W"; }

# heap_buckets FILE FUNCTION...: one line per bucket of the heap file FILE
# that one of the FUNCTIONs allocated: "<function> <inuse_objs>
# <inuse_bytes> <alloc_objs> <alloc_bytes> <alloc_req_bytes>", raw sampled
# counts. A bucket is FUNCTION's when FUNCTION is the caller of the
# allocator's entry point (frame 1), or its caller's caller when that is
# krealloc or kvmalloc (frame 2): allocations the allocator makes for
# itself under FUNCTION (kmemleak's metadata, in the debug kernel) have
# FUNCTION deeper in their stack and are not FUNCTION's.
heap_buckets()
{
	file=$1
	shift
	awk -v funcs="$*" '
	BEGIN { n = split(funcs, fn, " ") }
	function flush() {
		if (site != "")
			print site, i_objs, i_bytes, a_objs, a_bytes, a_req
		site = ""
	}
	/^heap profile:/ { next }
	/^[0-9]/ {
		flush()
		frame = 0
		line = $0
		gsub(/:|\[|\]|@/, " ", line)
		split(line, f1, " ")
		i_objs = f1[1]; i_bytes = f1[2]; a_objs = f1[3]; a_bytes = f1[4]
		next
	}
	/^# size=/ { sub(/.*alloc_req=/, ""); a_req = $1; next }
	/^#\t/ {
		for (j = 1; frame <= 2 && site == "" && j <= n; j++)
			if (index($3, fn[j] "+") == 1)
				site = fn[j]
		frame++
	}
	END { flush() }' "$file"
}

# heap_site FUNCTION [FILE]: sums over the buckets of FUNCTION (see
# heap_buckets) in FILE, or the heap file itself: "<allocs> <req_bytes>
# <alloc_bytes> <frees> <inuse_objs> <inuse_bytes>".
heap_site()
{
	heap_buckets "${2:-$D/heap}" "$1" | awk '
	{ inuse += $2; ibytes += $3; allocs += $4; abytes += $5; req += $6 }
	END {
		printf "%d %d %d %d %d %d\n", allocs, req, abytes,
			allocs - inuse, inuse, ibytes
	}'
}

# heap_records FILE: one line per record of the heap file FILE:
# "<allocator> <inuse_objs> <inuse_bytes> <alloc_objs> <alloc_bytes>
# <alloc_req_bytes> <size> <labels> <function>...", <labels> its label
# keys joined by commas ("context=task,cgroup=1") or "-" for none (its
# ages= is not a label: heap_ages), its frames as function names,
# innermost first.
heap_records()
{
	awk '
	function flush() {
		if (rec != "")
			print alloc, rec, size, labels frames
		rec = ""
	}
	/^heap profile:/ { next }
	/^[0-9]/ {
		flush()
		line = $0
		gsub(/:|\[|\]|@/, " ", line)
		split(line, f, " ")
		rec = f[1] " " f[2] " " f[3] " " f[4]
		frames = ""
		next
	}
	/^# size=/ {
		size = $2; sub(/size=/, "", size)
		req = $4; sub(/alloc_req=/, "", req)
		alloc = $5; sub(/allocator=/, "", alloc)
		rec = rec " " req
		labels = ""
		for (i = 6; i <= NF; i++)
			if ($i !~ /^ages=/)
				labels = labels (labels == "" ? "" : ",") $i
		if (labels == "")
			labels = "-"
		next
	}
	/^#\t/ { fn = $3; sub(/\+.*/, "", fn); frames = frames " " fn }
	END { flush() }' "$1"
}

# heap_key FILE FUNCTION KEY: the value of KEY= in each record of FILE
# whose first four frames hold FUNCTION, one line each ("-" for a record
# without).
heap_key()
{
	awk -v fn="$2" -v key="$3=" '
	function flush() {
		if (mine)
			print value
		mine = 0
	}
	/^[0-9]/ { flush(); frame = 0; value = "-"; next }
	/^# size=/ {
		for (i = 2; i <= NF; i++)
			if (index($i, key) == 1)
				value = substr($i, length(key) + 1)
		next
	}
	/^#\t/ {
		if (frame++ < 4 && index($3, fn "+") == 1)
			mine = 1
	}
	END { flush() }' "$1"
}

# heap_ages FILE FUNCTION: heap_key's ages=.
heap_ages() { heap_key "$1" "$2" ages; }

# heap_alloc_buckets FILE FUNCTION ALLOCATOR: one line per record of
# ALLOCATOR in FILE that FUNCTION made, as heap_buckets prints them:
# "<function> <inuse_objs> <inuse_bytes> <alloc_objs> <alloc_bytes>
# <alloc_req_bytes>". FUNCTION is among the record's first four frames, or
# six for the page allocator, whose entry points call each other (deeper,
# the allocation is one the allocator made for itself).
heap_alloc_buckets()
{
	local frames=4

	[ "$3" = page ] || [ "$3" = user ] && frames=6
	heap_records "$1" | awk -v fn="$2" -v a="$3" -v frames=$frames '
	$1 == a {
		for (i = 9; i < 9 + frames && i <= NF; i++)
			if ($i == fn) {
				print fn, $2, $3, $4, $5, $6
				break
			}
	}'
}

# heap_alloc_site FUNCTION ALLOCATOR FILE: sums over the records of
# heap_alloc_buckets: "<allocs> <req_bytes> <alloc_bytes> <frees>
# <inuse_objs> <inuse_bytes>".
heap_alloc_site()
{
	heap_alloc_buckets "$3" "$1" "$2" | awk '
	{ inuse += $2; ibytes += $3; allocs += $4; abytes += $5; req += $6 }
	END {
		printf "%d %d %d %d %d %d\n", allocs, req, abytes,
			allocs - inuse, inuse, ibytes
	}'
}

# top_row FILE FUNCTION OPTION...: in-use bytes of the workload
# module's FUNCTION's row of kmprof top with OPTIONs, 0 without one.
top_row()
{
	local file=$1 fn=$2

	shift 2
	kmprof -f "$file" top --raw -n 0 "$@" |
		awk -v fn="$fn" 'f && $NF == "[kmprof_workload]" && $(NF - 1) == fn {
			print $1; found = 1; exit }
			/^ *INUSE/ { f = 1 }
			END { if (!found) print 0 }'
}

# expect_eq WHAT GOT WANT: ok if equal, else a diagnostic.
expect_eq()
{
	[ "$2" = "$3" ] && return 0
	ktap_diag "$1: got '$2', want '$3'"
	return 1
}

# artifact NAME FILE: hand FILE to the host through the console, base64
# encoded; run-vm.sh saves it as build/<kernel>/artifacts/NAME.
artifact()
{
	echo "kmprof-vm: artifact-begin $1" >/dev/kmsg
	base64 "$2" | while IFS= read -r line; do
		echo "$line" >/dev/kmsg
	done
	echo "kmprof-vm: artifact-end $1" >/dev/kmsg
}
