#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Who allocated. Two processes, each in its own cgroup (a and b) and of
# its own name, make the workload allocate: at rate 1 with every label
# kept, each one's records carry exactly its cgroup, comm and pid, with
# exact counts. A timer's and a hard hrtimer's allocations carry their
# context and no task's labels. The tool filters and groups by each label,
# names a removed cgroup "(deleted) ID", and hands its pprof to the host
# (vm_pprof_test.sh: -tagfocus selects one cgroup). Without labels the
# heap file has no labels= and no label key.
. "$(dirname "$0")/ktap.sh"
. "$(dirname "$0")/kmprof_lib.sh"

N_A=$((3 * SCALE))
N_B=$((5 * SCALE))
N_IRQ=4
SIZE=64
CG=/sys/fs/cgroup
COMM_A="alloc a"
COMM_B=alloc_b

# run_in CGROUP COMM COMMAND: the workload's COMMAND, written by a new
# shell that first moves itself into CGROUP and renames itself COMM;
# prints the shell's pid.
run_in()
{
	sh -c "echo \$\$ >$CG/$1/cgroup.procs &&
		echo -n '$2' >/proc/\$\$/comm && echo \$\$ && echo '$3' >$W"
}

# labeled_records FILE FUNCTION: one line per record of FILE whose first
# four frames hold FUNCTION: "<alloc_objs> <alloc_bytes> <inuse_objs>
# <labels>", <labels> as heap_records joins them.
labeled_records()
{
	heap_records "$1" | awk -v fn="$2" '
	{
		for (i = 9; i < 13 && i <= NF; i++)
			if ($i == fn) {
				print $4, $5, $2, $8
				break
			}
	}'
}

# refused PARAM...: kmprof does not load with these parameters.
refused() { ! kmprof_load "$@"; }

# label_row FILE LABEL VALUE: in-use bytes of VALUE's row of
# kmprof top --by LABEL, empty without one.
label_row()
{
	kmprof -f "$1" top --raw -n 0 --by "$2" |
		awk -v v="$3" 'f && $NF == v { print $1; exit }
			/^ *INUSE/ { f = 1 }'
}

ktap_plan 24
ktap_check bad_label_refused refused labels=context,bogus
ktap_check twice_named_refused refused labels=pid,pid

# Without labels: no labels= and no label key.
ktap_check load_unlabeled kmprof_load rate=1 labels=
workload_load
workload "kmalloc $N_A $SIZE"
advance
cp "$D/heap" /tmp/heap.unlabeled
ktap_check unlabeled_no_labels_line sh -c "sed -n 2p /tmp/heap.unlabeled |
	grep -q '^# kmprof-heap v[0-9]* .* sources=[a-z,]*\$'"
ktap_check unlabeled_no_label_keys sh -c \
	"! grep -Eq ' (context|comm|pid|cgroup)=' /tmp/heap.unlabeled"
workload free
workload_unload
kmprof_unload

grep -q " $CG cgroup2 " /proc/mounts || mount -t cgroup2 none $CG
mkdir -p $CG/a $CG/b
ID_A=$(stat -c %i $CG/a)
ID_B=$(stat -c %i $CG/b)
ktap_check load kmprof_load rate=1 labels=context,comm,pid,cgroup
workload_load
ktap_check header_lists_labels sh -c \
	"sed -n 2p $D/heap | grep -q '^# kmprof-heap v[0-9]* .* labels=context,comm,pid,cgroup\$'"
PID_A=$(run_in a "$COMM_A" "kmalloc $N_A $SIZE")
PID_B=$(run_in b "$COMM_B" "kmalloc $N_B $SIZE")
ktap_check workload_in_cgroups test -n "$PID_A" -a -n "$PID_B"
ok=1
workload "softirq $N_IRQ $SIZE" || ok=0
workload "hardirq $N_IRQ $SIZE" || ok=0
ktap_check workload_in_interrupts test $ok -eq 1
sampling_off
advance
cp "$D/heap" /tmp/heap.labels
set -- $(truth workload_kmalloc)
CLASS=$(($3 / $1))
BYTES_A=$((CLASS * N_A))
BYTES_B=$((CLASS * N_B))

# Exact counts per process, each with its own labels and no other.
labeled_records /tmp/heap.labels workload_kmalloc | sort >/tmp/kmalloc.labels
cat >/tmp/kmalloc.want <<EOF
$N_A $BYTES_A $N_A context=task,comm=alloc\\040a,pid=$PID_A,cgroup=$ID_A
$N_B $BYTES_B $N_B context=task,comm=$COMM_B,pid=$PID_B,cgroup=$ID_B
EOF
sort -o /tmp/kmalloc.want /tmp/kmalloc.want
ktap_check per_task_exact expect_eq "workload_kmalloc's records" \
	"$(tr '\n' ';' </tmp/kmalloc.labels)" "$(tr '\n' ';' </tmp/kmalloc.want)"
ktap_check softirq_no_task expect_eq "softirq records" \
	"$(labeled_records /tmp/heap.labels workload_softirq_kmalloc)" \
	"$N_IRQ $((N_IRQ * CLASS)) $N_IRQ context=softirq"
ktap_check hardirq_no_task expect_eq "hardirq records" \
	"$(labeled_records /tmp/heap.labels workload_hardirq_kmalloc)" \
	"$N_IRQ $((N_IRQ * CLASS)) $N_IRQ context=hardirq"

# The tool: each filter keeps exactly one process's allocations.
ktap_check top_cgroup_a expect_eq "--cgroup /a" \
	"$(top_row /tmp/heap.labels workload_kmalloc --cgroup /a)" "$BYTES_A"
ktap_check top_cgroup_b expect_eq "--cgroup /b" \
	"$(top_row /tmp/heap.labels workload_kmalloc --cgroup /b)" "$BYTES_B"
ktap_check top_comm expect_eq "--comm '$COMM_A'" \
	"$(top_row /tmp/heap.labels workload_kmalloc --comm "$COMM_A")" "$BYTES_A"
ktap_check top_pid expect_eq "--pid $PID_B" \
	"$(top_row /tmp/heap.labels workload_kmalloc --pid "$PID_B")" "$BYTES_B"
ktap_check top_by_comm sh -c "[ \"\$(kmprof -f /tmp/heap.labels top --raw -n 0 --by comm |
	awk '\$NF == \"$COMM_B\" { print \$1 }')\" -ge $BYTES_B ]"
ktap_check top_by_context sh -c "[ \"\$(kmprof -f /tmp/heap.labels top --raw -n 0 --by context |
	awk '\$NF == \"hardirq\" { print \$1 }')\" -ge $((N_IRQ * SIZE)) ]"
row=$(label_row /tmp/heap.labels cgroup /b)
ktap_diag "--by cgroup, /b: ${row:-no row}"
ktap_check top_by_cgroup_path test "${row:-0}" -ge "$BYTES_B"
kmprof -f /tmp/heap.labels pprof -o /tmp/labels.pb.gz
ktap_check pprof_written test -s /tmp/labels.pb.gz
printf '%s %s\n' /a "$BYTES_A" /b "$BYTES_B" >/tmp/labels.want
artifact "labels.$KMPROF_BACKEND.pb.gz" /tmp/labels.pb.gz
artifact "labels.$KMPROF_BACKEND.want" /tmp/labels.want

# A cgroup removed since: its id, marked deleted.
ktap_check cgroup_removed rmdir $CG/b
ktap_check deleted_cgroup_named sh -c "kmprof -f /tmp/heap.labels top --raw -n 0 --by cgroup |
	grep -q '(deleted) $ID_B\$'"

# Frees credit the buckets of the allocations, whoever frees.
workload free
advance
labeled_records "$D/heap" workload_kmalloc >/tmp/kmalloc.freed
ktap_check frees_credit_allocators expect_eq "in use after the frees" \
	"$(awk '{ sub(/,pid=.*/, "", $4); print $3, $4 }' /tmp/kmalloc.freed | sort | tr '\n' ' ')" \
	"$(printf '0 context=task,comm=%s\n0 context=task,comm=%s\n' 'alloc\040a' $COMM_B | sort | tr '\n' ' ')"
sampling_on
workload_unload
ktap_check unload kmprof_unload
rmdir $CG/a
ktap_finish
