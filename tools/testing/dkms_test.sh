#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# dkms adds and builds kmprof from dkms.conf for each stock kernel, against
# that kernel's headers, in private trees (nothing of the host's dkms state
# is touched). Prints KTAP (host_lib.sh).
set -uo pipefail
. "$(dirname "$0")/vm/lib.sh"

version=$(sed -n 's/^PACKAGE_VERSION="\(.*\)"$/\1/p' "$KMPROF_ROOT/dkms.conf")
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
. "$(dirname "$0")/host_lib.sh"

# add, then two cases per stock kernel
ktap_plan $((1 + 2 * $(kernel_names stock | wc -w)))
src=$tmp/src/kmprof-$version
mkdir -p "$src" "$tmp/tree"
cp -r "$KMPROF_ROOT"/{Kbuild,dkms.conf,kmod,include,kunit} "$src/"
dkms=(dkms --dkmstree "$tmp/tree" --sourcetree "$tmp/src")
"${dkms[@]}" add -m kmprof -v "$version" >"$tmp/add.log" 2>&1
ktap_result add $?

for name in $(kernel_names stock); do
	root=$("$VM_DIR/fetch-stock-kernel.sh" "$name") || { ktap_fail "build_$name"; continue; }
	kver=$(basename "$(dirname "$root")")
	"${dkms[@]}" build -m kmprof -v "$version" -k "$kver" \
		--kernelsourcedir "$root/usr/src/linux-headers-$kver" >"$tmp/build.log" 2>&1
	status=$?
	[ $status = 0 ] || sed 's/^/# /' "$tmp/build.log"
	ktap_result "build_$name" $status
	# DKMS compresses the module as the kernel's own are when that
	# kernel's config says so (6.12: xz), which it reads from the
	# headers installed for it, if any.
	built=
	for ko in "$tmp/tree/kmprof/$version/$kver/x86_64/module/kmprof.ko"{,.xz,.zst,.gz}; do
		[ -s "$ko" ] && built=$ko
	done
	[ -n "$built" ] || ls -R "$tmp/tree/kmprof/$version/$kver" | sed 's/^/# /'
	test -n "$built"
	ktap_result "module_built_for_$kver" $?
done
ktap_finish
