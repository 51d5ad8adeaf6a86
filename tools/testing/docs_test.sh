#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Documentation/ builds with Sphinx, every warning an error (`make docs`).
# Prints KTAP (host_lib.sh).
set -uo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
. "$(dirname "$0")/host_lib.sh"

ktap_plan 1
make -s -C "$root" docs >/tmp/kmprof-docs.log 2>&1
status=$?
[ $status = 0 ] || sed 's/^/# /' /tmp/kmprof-docs.log
ktap_result sphinx_builds_without_warnings $status
ktap_finish
