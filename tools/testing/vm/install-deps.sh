#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Install every host package kmprof needs to build, test and run its VMs.
# Idempotent: packages already present are not fetched again.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

PACKAGES=(
	# module and kernel builds
	build-essential bc bison flex libelf-dev libssl-dev dwarves kmod
	ccache sparse linux-source-6.12 linux-config-6.12 rsync xz-utils zstd dkms
	# the VM: emulator, guest userspace, initramfs packing
	qemu-system-x86 busybox-static cpio
	# the kmprof tool and its tests
	protobuf-c-compiler libprotobuf-c-dev zlib1g-dev clang libclang-rt-14-dev
	golang-go
	# kmprof metrics and the alert rules, against the real things (their
	# services are never used: the test runs the binaries itself)
	prometheus prometheus-node-exporter
	# the judge (kunit.py parse), and the documentation (Sphinx, and perl
	# for the kernel's kernel-doc that linux-source-6.12 provides)
	python3 python3-sphinx perl
)

missing=()
for p in "${PACKAGES[@]}"; do
	dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null |
		grep -q '^install ok installed$' || missing+=("$p")
done

if [ ${#missing[@]} -eq 0 ]; then
	say "host packages: all ${#PACKAGES[@]} present"
	exit 0
fi

SUDO=
[ "$(id -u)" -eq 0 ] || SUDO=sudo
say "host packages: installing ${missing[*]} (a minute or two)"
$SUDO apt-get update -q >&2
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q \
	--no-install-recommends "${missing[@]}" >&2

# Their postinst starts prometheus and prometheus-node-exporter as
# services where systemd runs: nothing of kmprof uses them (the host test
# runs its own, on free ports), so those this run installed are stopped
# and left disabled.
for s in prometheus prometheus-node-exporter; do
	[[ " ${missing[*]} " == *" $s "* ]] || continue
	[ -d /run/systemd/system ] || continue
	$SUDO systemctl disable --now "$s.service" >&2 || true
done
