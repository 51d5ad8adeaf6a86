# SPDX-License-Identifier: GPL-2.0
# Shared helpers of the kmprof test scripts. Source it; it defines no side
# effects beyond variables and functions.

KMPROF_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)
VM_DIR=$KMPROF_ROOT/tools/testing/vm
KERNELS_CONF=$VM_DIR/kernels.conf

# Heavy artifacts live outside the clone so that a fresh clone reuses them;
# every entry is keyed by what produced it, so a stale one is never reused.
KMPROF_CACHE=${KMPROF_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/kmprof}

# make bench's microbenchmark when KMPROF_BENCH is not set: iterations,
# timed rounds (the median is kept) and passes (each ratio is reported as
# the median over the passes, with its range); see
# tools/testing/vm/guest-bench.sh. KMPROF_COUNT sizes the boot that counts
# instructions, whose figures vary little from pass to pass: QEMU runs
# about ten times slower counting.
KMPROF_BENCH_DEFAULT=10000,5,5
KMPROF_COUNT_DEFAULT=2000,5,3

# Progress on stderr so that stdout stays a clean result channel.
say()
{
	printf '[kmprof %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2
}

die()
{
	say "error: $*"
	exit 1
}

# kernel_field NAME COLUMN: one column (2 kind, 3 pinned, 4 series) of the
# kernels.conf line for NAME.
kernel_field()
{
	awk -v n="$1" -v c="$2" '$1 == n && $0 !~ /^#/ { print $c; exit }' \
		"$KERNELS_CONF"
}

# kernel_names [KIND]: every configured kernel name, optionally of one kind.
kernel_names()
{
	awk -v k="${1:-}" '!/^#/ && NF >= 4 && (k == "" || $2 == k) { print $1 }' \
		"$KERNELS_CONF"
}

# cache_lock NAME: hold an exclusive lock on the cache entry NAME until the
# calling script exits, so that concurrent runs wait instead of building the
# same entry twice.
cache_lock()
{
	local fd

	mkdir -p "$KMPROF_CACHE/locks"
	exec {fd}>"$KMPROF_CACHE/locks/$1"
	flock "$fd"
}

# hash_of FILE...: a short content hash used to key cache entries.
hash_of()
{
	cat "$@" | sha256sum | cut -c1-16
}

# linux_source_dir: Debian's linux-source tree of the debug kernel's series,
# extracted once into the cache; prints its path. It also provides kunit.py
# and checkpatch.pl.
linux_source_dir()
{
	local pkg srcver src

	pkg=$(kernel_field debug 4)
	srcver=$(dpkg-query -W -f='${Version}' "$pkg" 2>/dev/null) ||
		die "$pkg is not installed (run install-deps.sh)"
	src=$KMPROF_CACHE/src/$pkg-$srcver
	cache_lock linux-source
	if [ ! -f "$src/.extracted" ]; then
		say "extracting $pkg $srcver (~20 s)"
		rm -rf "$src" && mkdir -p "$src"
		tar -xf "/usr/src/$pkg.tar.xz" -C "$src" --strip-components=1
		touch "$src/.extracted"
	fi
	echo "$src"
}
