#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Fetch one of Debian's stock kernels named in kernels.conf: the unsigned
# image and the headers to build modules against, extracted into the cache
# (nothing is installed on the host). Prints the extracted root on stdout:
# ROOT/boot/vmlinuz-VER and ROOT/usr/src/linux-headers-VER.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

name=${1:?usage: fetch-stock-kernel.sh NAME}
[ "$(kernel_field "$name" 2)" = stock ] || die "$name: not a stock kernel"
pinned=$(kernel_field "$name" 3)
series=$(kernel_field "$name" 4)

has_package() { [ -n "$(apt-cache show --no-all-versions "$1" 2>/dev/null)" ]; }
newest_of_series() {
	apt-cache search --names-only "^linux-image-${series}-unsigned\$" |
		awk '{ print $1 }' | sed 's/^linux-image-//; s/-unsigned$//' |
		sort -V | tail -n 1
}

cache_lock "stock-$name"
ver=$pinned
if [ ! -f "$KMPROF_CACHE/stock/$ver/complete" ]; then
	has_package "linux-image-$ver-unsigned" || apt-get update -q >&2
	if ! has_package "linux-image-$ver-unsigned"; then
		ver=$(newest_of_series)
		[ -n "$ver" ] || die "$name: no kernel of series $series in the archive"
		say "$name: pinned $pinned is gone from the archive, using $ver"
	fi
fi
out=$KMPROF_CACHE/stock/$ver
root=$out/root
if [ -f "$out/complete" ]; then
	say "$name: Debian kernel $ver (cached)"
	echo "$root"
	exit 0
fi

say "$name: downloading Debian kernel $ver image and headers (~100 MB)"
rm -rf "$out" && mkdir -p "$out/debs" "$root"
# The headers package depends on a -common package and the kbuild tools.
deps=$(apt-cache depends "linux-headers-$ver" |
	awk '/Depends: linux-(headers-.*-common|kbuild-)/ { print $2 }')
(cd "$out/debs" &&
	apt-get download -q "linux-image-$ver-unsigned" "linux-headers-$ver" \
		$deps >&2 2>/dev/null)
for deb in "$out"/debs/*.deb; do
	dpkg-deb -x "$deb" "$root"
done

# The headers refer to their -common half by absolute path: point them at
# the extracted copy instead of the host's /usr/src.
hdr=$root/usr/src/linux-headers-$ver
sed -i "s|^include /usr/src/|include $root/usr/src/|" "$hdr/Makefile"
[ -f "$root/boot/vmlinuz-$ver" ] || die "$name: no image in the package"
rm -rf "$out/debs"
touch "$out/complete"
say "$name: Debian kernel $ver ready"
echo "$root"
