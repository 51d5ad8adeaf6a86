#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# What `make demo` shows inside the VM: kmprof loaded on a stock kernel.
run() { echo "# $*"; "$@"; }

run insmod "$KMPROF_GUEST/kmprof.ko"
run ls -l /sys/kernel/debug/kmprof
run kmprof stats
run rmmod kmprof
