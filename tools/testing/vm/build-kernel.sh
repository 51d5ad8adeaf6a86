#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Build a kernel of kernels.conf from Debian's linux-source package:
#
#   build-kernel.sh debug      KUnit, lockdep, KASAN, kmemleak, failslab and
#                              allocation profiling: tinyconfig plus
#                              debug.config
#   build-kernel.sh alloctag   Debian's own amd64 config (linux-config-6.12,
#                              of the same version as the source) with its
#                              modules off, plus alloctag.config: the
#                              kernel's allocation profiling built in and off
#                              until sysctl vm.mem_profiling=1, for make bench
#
# Prints the build directory (bzImage, and the tree to build external
# modules against) on stdout. Cached by source version and configuration.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

name=${1:?usage: build-kernel.sh NAME}
kind=$(kernel_field "$name" 2)
pkg=$(kernel_field "$name" 4)
srcver=$(dpkg-query -W -f='${Version}' "$pkg" 2>/dev/null) ||
	die "$pkg is not installed (run install-deps.sh)"
case "$kind" in
debug)
	base=tinyconfig
	fragment=$VM_DIR/debug.config
	minutes="~15 min cold on 2 cores, ~3 min with a warm ccache"
	;;
alloctag)
	# Debian's config of this very source version: the config package
	# and the source package are built from one tree.
	cfgpkg=${pkg/source/config}
	cfgver=$(dpkg-query -W -f='${Version}' "$cfgpkg" 2>/dev/null) ||
		die "$cfgpkg is not installed (run install-deps.sh)"
	[ "$cfgver" = "$srcver" ] ||
		die "$cfgpkg $cfgver does not match $pkg $srcver"
	base=/usr/src/${cfgpkg}/config.amd64_none_amd64.xz
	fragment=$VM_DIR/alloctag.config
	minutes="~32 min cold on 2 cores, ~9 min with a warm ccache"
	;;
*)
	die "$name: not a kernel built here (kernels.conf)"
	;;
esac
# base_config: the configuration the fragment is merged over, when it is
# a file (Debian's, its modules off: the VM loads kmprof's alone, and
# building Debian's thousands would take hours here); nothing for
# tinyconfig, which kconfig makes.
base_config()
{
	[ "$base" = tinyconfig ] ||
		xzcat "$base" | sed 's/^\(CONFIG_[A-Za-z0-9_]*\)=m$/\1=n/'
}

# Bump when the way the kernels are built changes (not their configs,
# which are hashed, their comments left out).
RECIPE=1
key=$srcver-$(echo "recipe $RECIPE" |
	hash_of - <(grep -v '^#' "$fragment") <(base_config))
out=$KMPROF_CACHE/$name/$key
build=$out/build
cache_lock "kernel-$name"

if [ -f "$out/complete" ]; then
	say "$name kernel: $pkg $srcver (cached, $key)"
	echo "$build"
	exit 0
fi

src=$(linux_source_dir)
rm -rf "$out" && mkdir -p "$build"
export CCACHE_DIR=$KMPROF_CACHE/ccache
kmake() { make -C "$src" O="$build" CC="ccache gcc" "$@"; }

if [ "$base" = tinyconfig ]; then
	kmake -s tinyconfig >/dev/null
else
	base_config >"$build/.config"
fi
"$src/scripts/kconfig/merge_config.sh" -m -O "$build" "$build/.config" \
	"$fragment" >/dev/null
kmake -s olddefconfig >/dev/null

# A symbol whose dependencies are unmet is dropped silently by kconfig:
# refuse to build a kernel that lacks something the tests rely on.
unmet=0
while IFS= read -r line; do
	case "$line" in
	CONFIG_*=n) ! grep -q "^${line%=n}=" "$build/.config" ;;
	CONFIG_*) grep -qx "$line" "$build/.config" ;;
	*) continue ;;
	esac || { say "$(basename "$fragment"): $line did not hold"; unmet=1; }
done <"$fragment"
[ "$unmet" -eq 0 ] || die "$(basename "$fragment") has unmet symbols"

jobs=$(nproc)
say "$name kernel: building $pkg $srcver with -j$jobs ($minutes)"
log=$out/build.log
start=$(date +%s)
kmake -j"$jobs" all >"$log" 2>&1 &
pid=$!
while kill -0 "$pid" 2>/dev/null; do
	sleep 60
	kill -0 "$pid" 2>/dev/null || break
	say "$name kernel: $(( ($(date +%s) - start) / 60 )) min," \
		"$(grep -c '^  CC' "$log" || true) objects compiled"
done
if ! wait "$pid"; then
	tail -n 40 "$log" >&2
	die "$name kernel build failed, log: $log"
fi
touch "$out/complete"
say "$name kernel: built in $(( $(date +%s) - start )) s"
# Builds of other configurations are stale now (ccache keeps what helps).
for old in "$KMPROF_CACHE/$name"/*; do
	[ "$old" = "$out" ] || rm -rf "$old"
done
echo "$build"
