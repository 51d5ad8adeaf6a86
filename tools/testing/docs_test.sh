#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Documentation/ builds with Sphinx, every warning an error (`make docs`).
# Prints "ok - NAME" / "not ok - NAME".
set -uo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
if make -s -C "$root" docs >/tmp/kmprof-docs.log 2>&1; then
	echo "ok - docs: sphinx_builds_without_warnings"
else
	sed 's/^/# /' /tmp/kmprof-docs.log
	echo "not ok - docs: sphinx_builds_without_warnings"
	exit 1
fi
