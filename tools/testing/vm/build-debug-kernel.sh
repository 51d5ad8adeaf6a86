#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Build the debug kernel (KUnit, lockdep, KASAN, kmemleak, failslab,
# allocation profiling) from Debian's linux-source package, tinyconfig plus
# debug.config. Prints the build directory (bzImage, and the tree to build
# external modules against) on stdout. Cached by source version and config.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

pkg=$(kernel_field debug 4)
srcver=$(dpkg-query -W -f='${Version}' "$pkg" 2>/dev/null) ||
	die "$pkg is not installed (run install-deps.sh)"
# Bump when the way the kernel is built changes (not its config, hashed).
RECIPE=1
key=$srcver-$(echo "recipe $RECIPE" | hash_of - "$VM_DIR/debug.config")
out=$KMPROF_CACHE/debug/$key
build=$out/build
cache_lock debug-kernel

if [ -f "$out/complete" ]; then
	say "debug kernel: $pkg $srcver (cached, $key)"
	echo "$build"
	exit 0
fi

src=$(linux_source_dir)
rm -rf "$out" && mkdir -p "$build"
export CCACHE_DIR=$KMPROF_CACHE/ccache
kmake() { make -C "$src" O="$build" CC="ccache gcc" "$@"; }

kmake -s tinyconfig >/dev/null
"$src/scripts/kconfig/merge_config.sh" -m -O "$build" "$build/.config" \
	"$VM_DIR/debug.config" >/dev/null
kmake -s olddefconfig >/dev/null

# A symbol whose dependencies are unmet is dropped silently by kconfig:
# refuse to build a kernel that lacks something the tests rely on.
unmet=0
while IFS= read -r line; do
	case "$line" in
	CONFIG_*=n) ! grep -q "^${line%=n}=" "$build/.config" ;;
	CONFIG_*) grep -qx "$line" "$build/.config" ;;
	*) continue ;;
	esac || { say "debug.config: $line did not hold"; unmet=1; }
done <"$VM_DIR/debug.config"
[ "$unmet" -eq 0 ] || die "debug.config has unmet symbols"

jobs=$(nproc)
say "debug kernel: building $pkg $srcver with -j$jobs" \
	"(~15 min cold on 2 cores, ~3 min with a warm ccache)"
log=$out/build.log
start=$(date +%s)
kmake -j"$jobs" all >"$log" 2>&1 &
pid=$!
while kill -0 "$pid" 2>/dev/null; do
	sleep 60
	kill -0 "$pid" 2>/dev/null || break
	say "debug kernel: $(( ($(date +%s) - start) / 60 )) min," \
		"$(grep -c '^  CC' "$log" || true) objects compiled"
done
if ! wait "$pid"; then
	tail -n 40 "$log" >&2
	die "debug kernel build failed, log: $log"
fi
touch "$out/complete"
say "debug kernel: built in $(( $(date +%s) - start )) s"
# Builds of other configurations are stale now (ccache keeps what helps).
for old in "$KMPROF_CACHE"/debug/*; do
	[ "$old" = "$out" ] || rm -rf "$old"
done
echo "$build"
