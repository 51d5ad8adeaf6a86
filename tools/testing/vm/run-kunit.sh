#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Run kmprof's KUnit suites in the debug kernel and judge them.
exec "$(dirname "$0")/run-vm.sh" debug kunit
