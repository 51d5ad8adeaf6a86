#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Boot one target kernel in QEMU with kmprof and judge its console.
#
#   run-vm.sh NAME MODE
#
# NAME is a kernel of kernels.conf; MODE is kunit, selftest, demo, bench
# or count. The modules are built for that kernel under build/NAME/, packed
# with busybox, the kmprof tool and the guest scripts into an initramfs,
# and booted under a timeout with the serial console logged to build/NAME/MODE.log. The
# judge prints its cases as KTAP, and last "judge NAME/MODE: N ok, N not
# ok"; the exit status is
# non-zero when anything failed. MODE demo prints the guest's output instead.
# KMPROF_TESTS="NAME..." runs only those selftests (NAME_test.sh), and
# KMPROF_BACKENDS="kprobe,tracepoint" against those backends. MODE
# bench runs the benchmarks (KMPROF_BENCH="ITERS,ROUNDS,PASSES" sizes them) and,
# like demo, prints the guest's output; see tools/testing/bench.sh. MODE
# count runs bench's microbenchmark alone with QEMU counting instructions
# (-icount shift=0: the guest's clock advances 1 ns per instruction
# executed) on one vCPU, so that its times are instruction counts, the
# same from run to run whatever else the host does.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

name=${1:?usage: run-vm.sh NAME MODE}
mode=${2:?usage: run-vm.sh NAME MODE}
case "$mode" in
kunit | selftest | demo | bench | count) ;;
*) die "unknown mode '$mode'" ;;
esac

append=
case "$(kernel_field "$name" 2)" in
stock)
	root=$("$VM_DIR/fetch-stock-kernel.sh" "$name")
	kver=$(basename "$(dirname "$root")")
	image=$root/boot/vmlinuz-$kver
	kdir=$root/usr/src/linux-headers-$kver
	# make bench reads a heap file of 1M buckets: minutes under TCG.
	timeout=${KMPROF_VM_TIMEOUT:-900}
	case "$mode" in
	bench | count) timeout=${KMPROF_VM_TIMEOUT:-1800} ;;
	esac
	;;
debug | alloctag)
	kdir=$("$VM_DIR/build-kernel.sh" "$name")
	image=$kdir/arch/x86/boot/bzImage
	kver=$(cat "$kdir/include/config/kernel.release")
	# The debug kernel: KASAN, lockdep and kmemleak under TCG, everything
	# is slow; the alloctag kernel runs make bench's longest boots.
	timeout=${KMPROF_VM_TIMEOUT:-1800}
	# The alloctag kernel's allocation profiling off, and switchable at
	# run time: without the parameter a kernel that does not enable it by
	# default never can.
	[ "$(kernel_field "$name" 2)" = debug ] ||
		append=sysctl.vm.mem_profiling=0
	;;
*)
	die "$name: not in kernels.conf"
	;;
esac
if [ "$mode" = kunit ]; then
	# The suites' needs are stated once, in kunit/.kunitconfig.
	while IFS= read -r want; do
		grep -qx "$want" "$kdir/.config" ||
			die "$name: kernel lacks $want (kunit/.kunitconfig)"
	done < <(grep '^CONFIG_' "$KMPROF_ROOT/kunit/.kunitconfig")
fi

work=$KMPROF_ROOT/build/$name
mkdir -p "$work"
# One run per kernel at a time: runs share the kernel's build directory.
exec {lock}>"$work/.lock"
flock "$lock"

# Modules: kbuild builds out-of-tree modules inside their source directory,
# so each kernel gets its own copy of the sources. The tests load the test
# build (KMPROF_TEST=1: kmod/testing.h's hooks); demo and bench the module
# users load.
test_build=
case "$mode" in
kunit | selftest) test_build=KMPROF_TEST=1 ;;
esac
say "$name: building modules"
mkdir -p "$work/src/tools/testing"
rsync -a --delete --exclude '*.o' --exclude '*.ko' \
	"$KMPROF_ROOT"/{Kbuild,kmod,include,kunit} "$work/src/"
rsync -a --delete --exclude '*.o' --exclude '*.ko' \
	"$KMPROF_ROOT"/tools/testing/{workload,bench} "$work/src/tools/testing/"
if ! make -C "$kdir" M="$work/src" CONFIG_DEBUG_INFO_BTF_MODULES= \
	KMPROF_WORKLOAD=1 $test_build modules >"$work/modules.log" 2>&1; then
	cat "$work/modules.log" >&2
	die "$name: module build failed"
fi

# The tool, static: the initramfs has no C library.
make -s -C "$KMPROF_ROOT/tools" O="$work/tool" LDFLAGS=-static >&2

stage=$work/initramfs
rm -rf "$stage"
mkdir -p "$stage"/{bin,dev,proc,sys,tmp,kmprof}
cp /bin/busybox "$stage/bin/"
mknod "$stage/dev/console" c 5 1
install -m 0755 "$VM_DIR/guest-init" "$stage/init"
cp "$work"/src/*.ko "$work/tool/kmprof" "$stage/kmprof/"
cp -r "$KMPROF_ROOT/tools/testing/selftests" "$stage/kmprof/"
cp "$VM_DIR/guest-demo.sh" "$stage/kmprof/demo.sh"
cp "$VM_DIR/guest-bench.sh" "$stage/kmprof/bench.sh"
(cd "$stage" && find . | cpio -o -H newc --quiet) | gzip -1 >"$work/initramfs.cpio.gz"

log=$work/$mode.log
say "$name: booting $kver in QEMU for $mode" \
	"(TCG; timeout ${timeout}s; console: ${log#"$KMPROF_ROOT"/})"
start=$(date +%s)
status=0
# Mode count: QEMU counts instructions, on one vCPU (6.1 does not bring a
# second one up under -icount here, and an instruction count needs one).
clock=()
[ "$mode" = count ] && clock=(-icount shift=0 -smp 1)
# One host thread runs both vCPUs (thread=single). With multi-threaded TCG
# a vCPU can run stale translated code across another vCPU's text_poke, and
# take the int3 ftrace puts in a kprobed function entry after the patching
# CPU has finished with it: kprobes then claims that int3 and jumps to a
# NULL single-step slot (reproduced in 3 runs of 3 by loading kmprof while
# another vCPU allocates; never with thread=single). LA57 off: the debug
# kernel's KASAN reported a wild access at boot under 5-level paging.
timeout "$timeout" qemu-system-x86_64 -accel tcg,thread=single -cpu max,la57=off -m 2G -smp 2 \
	"${clock[@]}" -nographic -no-reboot -kernel "$image" \
	-initrd "$work/initramfs.cpio.gz" \
	-append "console=ttyS0 loglevel=7 panic=-1 printk.devkmsg=on KMPROF_MODE=$mode KMPROF_TESTS=${KMPROF_TESTS:-all} KMPROF_BACKENDS=${KMPROF_BACKENDS:-kprobe,tracepoint} KMPROF_BENCH=${KMPROF_BENCH:-$KMPROF_BENCH_DEFAULT} $append" \
	</dev/null >"$log" 2>&1 || status=$?
say "$name: $mode run took $(( $(date +%s) - start )) s"

# Files the guest printed between "kmprof-vm: artifact-begin NAME" and
# "...-end NAME", base64 encoded, land in build/NAME/artifacts/. A name
# handed over twice (a selftest run once per backend) keeps the last copy.
# Lines of the kernel's own between them (a clocksource watchdog's, in the
# slow debug kernel) are no base64, and left out.
rm -rf "$work/artifacts"
mkdir -p "$work/artifacts"
awk -v dir="$work/artifacts" '
	/kmprof-vm: artifact-begin / { name = $NF; sub(/\r$/, "", name); next }
	/kmprof-vm: artifact-end / { close(dir "/" name ".b64"); name = ""; next }
	name != "" { line = $0; sub(/^\[[ 0-9.]*\] /, "", line); sub(/\r$/, "", line)
		if (line ~ /^[A-Za-z0-9+\/=]+$/)
			print line > (dir "/" name ".b64") }' "$log"
for b64 in "$work"/artifacts/*.b64; do
	[ -e "$b64" ] || continue
	base64 -d "$b64" >"${b64%.b64}" && rm "$b64"
done

if [ "$mode" = demo ] || [ "$mode" = bench ] || [ "$mode" = count ]; then
	sed -n '/kmprof-vm: mode/,/kmprof-vm: done/p' "$log" | tr -d '\r' |
		sed '/kmprof-vm: artifact-begin/,/kmprof-vm: artifact-end/d'
	[ "$status" -eq 0 ] || die "$name: the VM exited with status $status"
	for file in "$work"/artifacts/*; do
		[ -e "$file" ] && echo "saved on the host: ${file#"$KMPROF_ROOT"/}"
	done
	exit 0
fi

judge_args=(--name "$name/$mode" --kunit-py "$(linux_source_dir)/tools/testing/kunit/kunit.py")
[ "$status" -ne 124 ] || judge_args+=(--timed-out)
"$VM_DIR/judge.py" "${judge_args[@]}" "$log"
