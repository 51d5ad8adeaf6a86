#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Host tests of what runs kmprof across a fleet, against saved profiles
# and a fake debugfs directory (plain files, as tool_test.sh makes them):
#
# - kmprof metrics: the exposition format, its labels, escapes and bounds,
#   the module's counters, the textfile; promtool check metrics accepts
#   it. Then the real things: Debian's prometheus-node-exporter with its
#   textfile collector and Debian's prometheus scraping it, on 127.0.0.1
#   with free ports and temporary data directories, run here and stopped
#   at the end (never a service of the system's): Prometheus's HTTP API
#   answers kmprof_inuse_bytes of a site with what kmprof top --raw
#   prints for it, a cgroup path with a quote and a backslash included.
# - tools/kmprof-alerts.rules.yml: promtool check rules, promtool test
#   rules (testdata/kmprof-alerts.test.yml), and loaded into that
#   Prometheus without an error.
# - kmprof record: a file per interval, allocations of the interval only,
#   in use at its end, a new profile counted from its start, time and
#   duration set, nothing partial, --keep, SIGTERM and SIGINT; go tool
#   pprof reads the files.
#
# Where the packages cannot run (not installed, no port), the cases that
# need them fail. Prints KTAP (host_lib.sh).
set -uo pipefail

tool=${1:?usage: fleet_test.sh PATH-TO-KMPROF}
tool=$(cd "$(dirname "$tool")" && pwd)/$(basename "$tool")
testing=$(cd "$(dirname "$0")" && pwd)
data=$testing/testdata
rules=$(cd "$testing/.." && pwd)/kmprof-alerts.rules.yml
tmp=$(mktemp -d)
pids=()
cleanup()
{
	local pid

	for pid in "${pids[@]}"; do
		kill "$pid" 2>/dev/null
	done
	for pid in "${pids[@]}"; do
		wait "$pid" 2>/dev/null
	done
	rm -rf "$tmp"
}
trap cleanup EXIT
# interrupted, still stop what it started
trap 'exit 1' INT TERM HUP
. "$testing/host_lib.sh"
. "$testing/pprof_lib.sh"

# check NAME COMMAND...: the case passes if COMMAND succeeds.
check()
{
	local name=$1
	shift
	"$@" >"$tmp/check.out" 2>&1
	local status=$?
	[ $status = 0 ] || sed 's/^/# /' "$tmp/check.out" | head -n 20 >&2
	ktap_result "$name" $status
}

# A fake debugfs directory: the profile basic_v3.heap and a stats file.
D=$tmp/d
mkdir -p "$D"
cp "$data/basic_v3.heap" "$D/heap"
printf 'cycle 9 pending 0\n' >"$D/cycle"
cat >"$D/stats" <<'EOF'
kmprof stats v1
samples 4242
sampled_frees 4000
drops_bucket_pool 3
drops_object_pool 0
drops_no_stack 1
lost_frees 7
flushes 9
skipped_advances 2
buckets_in_use 6
objects_in_use 242
cycle 9
reserved_bytes 1048576
advance_last_ns 1500
advance_max_ns 2500
flush_last_ns 1234567890
flush_last_batch_ns 1000
flush_batch_max_ns 2000
alloc_probe_nmissed 0
free_probe_nmissed 5
disabled_by_warn 0
a_later_counter 1
backend tracepoint
EOF
# labels_v4.heap with its cgroups 11 and 12 as directories of a cgroup
# tree made here, one named with a quote, a backslash and a space.
cg=$tmp/cg
weird='we"ird\x y'
mkdir -p "$cg/a" "$cg/$weird"
sed -e "s/cgroup=11\$/cgroup=$(stat -c %i "$cg/a")/" \
	-e "s/cgroup=12\$/cgroup=$(stat -c %i "$cg/$weird")/" \
	"$data/labels_v4.heap" >"$tmp/cg.heap"
export tool D tmp cg

ktap_plan 52

# --- kmprof metrics: the format ---
"$tool" -d "$D" --no-kallsyms metrics >"$tmp/m" 2>"$tmp/m.err"
ktap_result metrics_runs $?
# top --raw's rows: "ALLOCATOR INUSE OBJECTS ALLOC ALLOCS SITE"
"$tool" -d "$D" --no-kallsyms top --raw -n 0 --no-advance |
	awk 'f { print $9, $1, $5, $6, $7, $10 } /^ *INUSE/ { f = 1 }' >"$tmp/top"
# value FILE METRIC LABELS: the value of one series of the text FILE.
value() { awk -v s="$2$3" '$1 == s { print $2 }' "$1"; }
expect metrics_help_type "$(grep -c '^# \(HELP\|TYPE\) kmprof_\(inuse_bytes\|inuse_objects\|alloc_bytes_total\|alloc_objects_total\) ' "$tmp/m")" 8
expect metrics_types "$(awk '$1 == "#" && $2 == "TYPE" && $3 ~ /^kmprof_(inuse|alloc)_/ { print $3, $4 }' "$tmp/m" | tr '\n' ' ')" \
	"kmprof_inuse_bytes gauge kmprof_inuse_objects gauge kmprof_alloc_bytes_total counter kmprof_alloc_objects_total counter "
read -r _ inuse objs alloc allocs site <"$tmp/top"
expect metrics_top_site_matches_top \
	"$(for m in inuse_bytes inuse_objects alloc_bytes_total alloc_objects_total; do
		value "$tmp/m" kmprof_$m "{site=\"$site\",allocator=\"slab\"}"; done | tr '\n' ' ')" \
	"$inuse $objs $alloc $allocs "
expect metrics_every_row_of_top "$(grep -c '^kmprof_inuse_bytes{' "$tmp/m")" "$(($(wc -l <"$tmp/top") + 1))"
expect metrics_other_empty "$(value "$tmp/m" kmprof_inuse_bytes '{site="other",allocator=""}')" 0
"$tool" -d "$D" --no-kallsyms metrics --top 2 >"$tmp/m2" 2>&1
expect metrics_top_bounds_rows "$(grep -c '^kmprof_inuse_bytes{' "$tmp/m2")" 3
total=$("$tool" -d "$D" --no-kallsyms top --raw --no-advance | awk '/^in use:/ { print $3 }')
expect metrics_sum_is_total "$(awk '/^kmprof_inuse_bytes\{/ { s += $2 } END { print s }' "$tmp/m2")" "$total"
expect metrics_other_is_rest "$(value "$tmp/m2" kmprof_inuse_bytes '{site="other",allocator=""}')" \
	"$(tail -n +3 "$tmp/top" | awk '{ s += $2 } END { print s }')"
expect metrics_rate "$(value "$tmp/m" kmprof_sampling_rate_bytes '')" 524288
expect metrics_profile_time "$(value "$tmp/m" kmprof_profile_time_seconds '')" 1700000400.000000000
# --- the module's counters ---
expect metrics_stats "$(for s in samples_total lost_frees_total skipped_advances_total flushes_total; do
	value "$tmp/m" kmprof_$s ''; done | tr '\n' ' ')" "4242 7 2 9 "
expect metrics_stats_drops "$(grep '^kmprof_drops_total' "$tmp/m" | tr '\n' ' ')" \
	'kmprof_drops_total{reason="bucket_pool"} 3 kmprof_drops_total{reason="object_pool"} 0 kmprof_drops_total{reason="no_stack"} 1 '
expect metrics_stats_seconds "$(value "$tmp/m" kmprof_flush_last_seconds '') $(value "$tmp/m" kmprof_advance_max_seconds '')" \
	"1.234567890 0.000002500"
expect metrics_backend "$(value "$tmp/m" kmprof_backend_info '{backend="tracepoint"}')" 1
expect metrics_help_once "$(grep -c '^# HELP kmprof_drops_total ' "$tmp/m")" 1
check metrics_unknown_stat_skipped bash -c '! grep -q a_later "$tmp/m" && [ ! -s "$tmp/m.err" ]'
check metrics_file_without_dir_no_stats bash -c \
	'"$tool" -f "$D/heap" --no-kallsyms metrics >"$tmp/mf" && grep -q "^kmprof_inuse_bytes{" "$tmp/mf" && ! grep -q "^kmprof_samples_total" "$tmp/mf"'
check metrics_file_with_dir_stats bash -c \
	'"$tool" -f "$D/heap" -d "$D" --no-kallsyms metrics | grep -qx "kmprof_samples_total 4242"'
check metrics_stats_other_version bash -c \
	'cp -r "$D" "$tmp/d2" && sed -i 1s/v1/v9/ "$tmp/d2/stats" &&
	"$tool" -d "$tmp/d2" --no-kallsyms metrics 2>"$tmp/err" >"$tmp/m9" &&
	grep -q "kmprof stats v1" "$tmp/err" && ! grep -q "^kmprof_samples_total" "$tmp/m9" &&
	grep -q "^kmprof_inuse_bytes{" "$tmp/m9"'
check metrics_no_module_exits_4 bash -c '"$tool" -d "$tmp/absent" metrics; [ $? -eq 4 ]'
check metrics_top_bad_exits_2 bash -c '"$tool" -d "$D" metrics --top lots; [ $? -eq 2 ]'
# labels: cgroup paths, escaped
"$tool" -f "$tmp/cg.heap" --cgroup-root "$cg" metrics >"$tmp/mcg" 2>&1
check metrics_cgroup_escaped grep -qF 'kmprof_inuse_bytes{site="bar_create",allocator="slab",cgroup="/we\"ird\\x y"} 64' "$tmp/mcg"
expect metrics_v1_no_allocator "$("$tool" -f "$data/basic.heap" --no-kallsyms metrics | grep -c 'allocator=')" 0
# --- promtool check metrics ---
check promtool_check_metrics bash -c 'promtool check metrics <"$tmp/m"'
check promtool_check_metrics_labels bash -c 'promtool check metrics <"$tmp/mcg"'
# --- --textfile: DIR/kmprof.prom replaced at once ---
tf=$tmp/textfile
mkdir -p "$tf"
check textfile_written bash -c '"$tool" -d "$D" --no-kallsyms metrics --textfile "$tmp/textfile" --no-advance &&
	"$tool" -d "$D" --no-kallsyms metrics --no-advance | cmp - "$tmp/textfile/kmprof.prom" &&
	[ "$(ls -A "$tmp/textfile")" = kmprof.prom ]'
check textfile_missing_dir_fails bash -c '! "$tool" -d "$D" --no-kallsyms metrics --textfile "$tmp/absent" 2>/dev/null'

# --- the rules ---
check rules_check promtool check rules "$rules"
check rules_unit_test bash -c 'cd "$0" && promtool test rules kmprof-alerts.test.yml' "$data"

# --- node_exporter and Prometheus ---
# free_port: a TCP port of 127.0.0.1 nothing listens on.
free_port()
{
	python3 -c 'import socket
s = socket.socket()
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])'
}
# query EXPR [LABEL...]: Prometheus's answer, a line per series: the
# values of its LABELs and its value, sorted; nothing if none.
query()
{
	python3 - "$prom_port" "$@" <<'EOF'
import json, sys, urllib.parse, urllib.request
url = "http://127.0.0.1:%s/api/v1/query?query=%s" % (sys.argv[1], urllib.parse.quote(sys.argv[2]))
try:
    with urllib.request.urlopen(url, timeout=2) as r:
        res = json.load(r)["data"]["result"]
except Exception:
    sys.exit(1)
lines = [" ".join([s["metric"].get(l, "") for l in sys.argv[3:]] + [s["value"][1]]) for s in res]
print("\n".join(sorted(lines)))
EOF
}
# What node_exporter serves: the labels profile, its cgroups named, and
# the counters of the fake directory. top's rows of it: "SITE ALLOCATOR
# INUSE", largest first.
"$tool" -f "$tmp/cg.heap" -d "$D" --cgroup-root "$cg" metrics --textfile "$tf"
"$tool" -f "$tmp/cg.heap" --cgroup-root "$cg" top --raw -n 0 |
	awk 'f { print $10, $9, $1 } /^ *INUSE/ { f = 1 }' >"$tmp/cgtop"
read -r top_site top_allocator top_inuse <"$tmp/cgtop"
node_port=$(free_port)
prom_port=$(free_port)
mkdir -p "$tmp/prom"
cat >"$tmp/prom/prometheus.yml" <<EOF
global:
  scrape_interval: 1s
  evaluation_interval: 1s
rule_files:
  - $rules
scrape_configs:
  - job_name: node
    static_configs:
      - targets: ['127.0.0.1:$node_port']
EOF
prometheus-node-exporter --web.listen-address="127.0.0.1:$node_port" \
	--collector.disable-defaults --collector.textfile \
	--collector.textfile.directory="$tf" >"$tmp/node.log" 2>&1 &
pids+=($!)
prometheus --config.file="$tmp/prom/prometheus.yml" \
	--storage.tsdb.path="$tmp/prom/data" \
	--web.listen-address="127.0.0.1:$prom_port" >"$tmp/prom.log" 2>&1 &
prom=$!
pids+=($prom)
# Up to 30 s for the first scrape to reach the database, while
# Prometheus runs.
got=
deadline=$((SECONDS + 30))
while [ $SECONDS -lt $deadline ] && kill -0 $prom 2>/dev/null; do
	got=$(query 'sum by (site, allocator) (kmprof_inuse_bytes{site!="other"})' site allocator 2>/dev/null)
	[ -n "$got" ] && break
	sleep 0.5
done
if [ -z "$got" ]; then
	echo "# node_exporter:"; tail -n 5 "$tmp/node.log" | sed 's/^/#   /'
	echo "# prometheus:"; tail -n 5 "$tmp/prom.log" | sed 's/^/#   /'
fi
expect prometheus_top_site \
	"$(query "kmprof_inuse_bytes{site=\"$top_site\",allocator=\"$top_allocator\"}")" "$top_inuse"
# every site, its cgroups summed
expect prometheus_sites_are_top "$got" "$(sort "$tmp/cgtop")"
expect prometheus_cgroup_escaped \
	"$(query 'kmprof_inuse_bytes{site="bar_create",cgroup="/we\"ird\\x y"}')" 64
expect prometheus_counter "$(query 'kmprof_samples_total')" 4242
expect node_exporter_no_textfile_error "$(query 'node_textfile_scrape_error')" 0
expect prometheus_rules_healthy "$(python3 - "$prom_port" <<'EOF'
import json, sys, time, urllib.request
for _ in range(20):
    with urllib.request.urlopen("http://127.0.0.1:%s/api/v1/rules" % sys.argv[1], timeout=2) as r:
        rules = [x for g in json.load(r)["data"]["groups"] for x in g["rules"]]
    if rules and all(x.get("lastEvaluation", "0001").startswith("2") for x in rules):
        break
    time.sleep(0.5)
print(len(rules), " ".join(sorted(set(x["health"] for x in rules))))
EOF
)" "4 ok"

# --- kmprof record ---
# raw PB: the sums of the four values of go tool pprof -raw's samples:
# "alloc_objects alloc_space inuse_objects inuse_space".
raw()
{
	go tool pprof -raw "$1" 2>/dev/null | awk '
	/^Samples:/ { f = 1; next }
	f && /^ *[0-9]+ +[0-9]+ +[0-9]+ +[0-9]+:/ { a += $1; b += $2; c += $3; e += $4 }
	/^Locations/ { f = 0 }
	END { print a + 0, b + 0, c + 0, e + 0 }'
}
# times PB: the profile's time_nanos and duration_nanos (fields 9 and 10
# of profile.proto), read from the gzipped message.
times()
{
	python3 - "$1" <<'EOF'
import gzip, sys
b = gzip.open(sys.argv[1]).read()
i, f = 0, {}
def varint():
    global i
    v = s = 0
    while True:
        c = b[i]; i += 1; v |= (c & 0x7f) << s; s += 7
        if c < 0x80:
            return v
while i < len(b):
    key = varint()
    t = key & 7
    if t == 0:
        f[key >> 3] = varint()
    elif t == 2:
        n = varint(); i += n
    else:
        i += 8 if t == 1 else 4
print(f.get(9, 0), f.get(10, 0))
EOF
}
# wait_files DIR N: until DIR holds N files of record (10 s at most).
wait_files()
{
	for _ in $(seq 100); do
		[ "$(ls "$1" 2>/dev/null | grep -c '^kmprof-.*Z\.pb\.gz$')" -ge "$2" ] && return 0
		sleep 0.1
	done
	return 1
}
# The profile, then 10 more allocations of the 64-byte slab record (at
# 512 KiB, estimated 81925 objects of 5243200 bytes), then the first
# again: fewer allocations, a new profile.
sed '3s/^10: 640 \[20: 1280\]/10: 640 [30: 1920]/; 1s/\[38: 92736\]/[48: 93376]/' \
	"$data/basic_v3.heap" >"$tmp/more.heap"
R=$tmp/rec
"$tool" -d "$D" --no-kallsyms record --interval 1s --dir "$R" 2>"$tmp/rec.err" &
rec=$!
pids+=($rec)
wait_files "$R" 1 && cp "$tmp/more.heap" "$D/heap.new" && mv "$D/heap.new" "$D/heap" &&
	wait_files "$R" 2 && cp "$data/basic_v3.heap" "$D/heap.new" && mv "$D/heap.new" "$D/heap" &&
	wait_files "$R" 3
kill -TERM $rec
wait $rec
ktap_result record_sigterm_ends_cleanly $?
mapfile -t files < <(ls "$R"/kmprof-*Z.pb.gz 2>/dev/null)
expect record_three_files "${#files[@]} $(ls -A "$R" | grep -vc '^kmprof-')" "3 0"
v3_inuse=$("$tool" -f "$data/basic_v3.heap" top --raw | awk '/^in use:/ { print $3 }')
read -r v3_alloc v3_allocs <<<"$("$tool" -f "$data/basic_v3.heap" top --raw | awk '/^allocated:/ { print $2, $4 }')"
for i in 0 1 2; do
	raw "${files[$i]:-none}" >"$tmp/raw$i"
done
expect record_first_no_allocs "$(cut -d' ' -f1-2 "$tmp/raw0")" "0 0"
expect record_interval_allocs "$(cut -d' ' -f1-2 "$tmp/raw1")" "81925 5243200"
expect record_inuse_at_end "$(cut -d' ' -f4 "$tmp/raw1") $(cut -d' ' -f4 "$tmp/raw2")" "$v3_inuse $v3_inuse"
expect record_new_profile_from_start "$(cut -d' ' -f1-2 "$tmp/raw2")" "$v3_allocs $v3_alloc"
check record_new_profile_warns grep -q 'a new profile began' "$tmp/rec.err"
# The fake profile's time_ns does not move: durations are this machine's.
durations=$(for f in "${files[@]}"; do times "$f"; done |
	awk '$1 == 1700000400000000000 && $2 >= 5e8 && $2 <= 3e9 { n++ } END { print n + 0 }')
expect record_time_and_duration "$durations" 3
# --keep, SIGINT
R2=$tmp/rec2
"$tool" -d "$D" --no-kallsyms record --interval 1 --dir "$R2" --keep 2 2>/dev/null &
rec=$!
pids+=($rec)
wait_files "$R2" 2 && sleep 1.5
kill -INT $rec
wait $rec
ktap_result record_sigint_ends_cleanly $?
expect record_keep "$(ls -A "$R2" | grep -c '^kmprof-.*Z\.pb\.gz$') $(ls -A "$R2" | wc -l)" "2 2"
check record_needs_dir bash -c '"$tool" -d "$D" record --interval 1s; [ $? -eq 2 ]'
check record_bad_interval bash -c '"$tool" -d "$D" record --interval 0 --dir "$tmp/x"; [ $? -eq 2 ] && [ ! -e "$tmp/x" ]'
# The unit's command line: the options it gives are record's (--help
# after them, so that nothing runs).
unit=$testing/../kmprof-record.service
check unit_command_line bash -c 'set -- $(sed -n "s|^ExecStart=/usr/local/sbin/kmprof ||p" "$0");
	[ "$1" = record ] && "$tool" "$@" --help >/dev/null' "$unit"
check unit_loads_tracepoint_backend grep -qx 'ExecStartPre=/sbin/modprobe kmprof backend=tracepoint' "$unit"
# bash completion of the two commands
completion=$testing/../kmprof.bash-completion
export completion
check completion_record_options bash -c '. "$completion"; COMP_WORDS=(kmprof record --ke); COMP_CWORD=2; _kmprof; [ "${COMPREPLY[*]}" = --keep ]'
check completion_metrics_options bash -c '. "$completion"; COMP_WORDS=(kmprof metrics --t); COMP_CWORD=2; _kmprof; [ "${COMPREPLY[*]}" = "--top --textfile" ]'
ktap_finish
