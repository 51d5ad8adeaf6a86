#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# `make demo`: boot Debian's stock 6.12 kernel in QEMU, profile it with
# kmprof while the guest works, show kmprof top, and save the profile on
# the host (build/6.12/artifacts/). Installs and downloads what it needs on
# first use.
set -euo pipefail
. "$(dirname "$0")/vm/lib.sh"

"$VM_DIR/install-deps.sh"
make -s -C "$KMPROF_ROOT/tools" >&2
"$VM_DIR/run-vm.sh" 6.12 demo
cat <<'END'

Open the profile with:  go tool pprof -http=localhost:8080 build/6.12/artifacts/heap.pb.gz
                   or:  go tool pprof -top build/6.12/artifacts/heap.pb.gz
a flame graph from:     build/6.12/artifacts/heap.folded (flamegraph.pl, inferno, speedscope)
the raw profile:        tools/kmprof -f build/6.12/artifacts/heap top
END
