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

# advance: close the cycle; the next read of heap publishes it.
advance() { echo 1 >"$D/cycle"; }

# truth FUNCTION: "<allocs> <req_bytes> <alloc_bytes> <frees>" the
# workload made under FUNCTION.
truth() { awk -v f="$1" '$1 == f { print $2, $3, $4, $5 }' "$W"; }

# heap_site FUNCTION [FILE]: sums over the heap's buckets allocated by
# FUNCTION: "<allocs> <req_bytes> <alloc_bytes> <frees> <inuse_objs>
# <inuse_bytes>". Reads FILE, or the heap file itself. FUNCTION must be the
# caller of the allocator's entry point (frame 1), or its caller's caller
# when that is krealloc or kvmalloc (frame 2): allocations the allocator
# makes for itself under FUNCTION (kmemleak's metadata, in the debug
# kernel) have FUNCTION deeper in their stack and are not FUNCTION's.
heap_site()
{
	awk -v f="$1" '
	function flush() {
		if (hit) {
			allocs += a_objs; abytes += a_bytes; req += a_req
			inuse += i_objs; ibytes += i_bytes
		}
		hit = 0
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
		if (frame <= 2 && index($3, f "+") == 1)
			hit = 1
		frame++
	}
	END {
		flush()
		printf "%d %d %d %d %d %d\n", allocs, req, abytes,
			allocs - inuse, inuse, ibytes
	}' "${2:-$D/heap}"
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
