#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# `make demo`: boot Debian's stock 6.12 kernel in QEMU, load kmprof and show
# what it offers. Installs and downloads what it needs on first use.
set -euo pipefail
. "$(dirname "$0")/vm/lib.sh"

"$VM_DIR/install-deps.sh"
make -s -C "$KMPROF_ROOT/tools" >&2
exec "$VM_DIR/run-vm.sh" 6.12 demo
