#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# `make style`: the kernel's checkpatch.pl --strict on the kernel-side code,
# and sparse (C=2) over the modules built against the debug kernel, whose
# CONFIG_KUNIT builds the test module too. Any finding fails.
set -uo pipefail
. "$(dirname "$0")/vm/lib.sh"

"$VM_DIR/install-deps.sh" || die "cannot install the host packages"
src=$(linux_source_dir) || die "no kernel source"
kdir=$("$VM_DIR/build-kernel.sh" debug) || die "no debug kernel"
status=0

cd "$KMPROF_ROOT" || exit 1
files=$(git ls-files 'kmod/*.[ch]' 'kunit/*.[ch]' 'include/*.h' \
	'tools/testing/workload/*.c' 'tools/testing/bench/*.c')
say "style: checkpatch --strict on $(echo "$files" | wc -w) files"
# FILE_PATH_CHANGES and SPDX placement are about patches to the kernel tree,
# not an out-of-tree module's files.
if ! "$src/scripts/checkpatch.pl" --no-tree --strict --quiet --terse \
	--ignore FILE_PATH_CHANGES -f $files; then
	status=1
fi

say "style: sparse over the modules"
work=$KMPROF_ROOT/build/style
mkdir -p "$work/tools/testing"
rsync -a --delete "$KMPROF_ROOT"/{Kbuild,kmod,include,kunit} "$work/"
rsync -a --delete "$KMPROF_ROOT"/tools/testing/{workload,bench} "$work/tools/testing/"
log=$work/sparse.log
make -C "$kdir" M="$work" C=2 CONFIG_DEBUG_INFO_BTF_MODULES= KMPROF_WORKLOAD=1 KMPROF_TEST=1 \
	modules >"$log" 2>&1 || status=1
if grep -E 'warning:|error:' "$log"; then
	status=1
fi
[ "$status" -eq 0 ] && say "style: clean"
exit $status
