#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# At a small rate, the profile unbiased the way the kmprof tool does it
# estimates the workload's allocations within 3 sigma of the truth.
. "$(dirname "$0")/ktap.sh"
. "$(dirname "$0")/kmprof_lib.sh"

RATE=4096
SIZE=256
N=$((200 * SCALE))

ktap_plan 5
ktap_check load kmprof_load rate=$RATE
ktap_check load_workload workload_load
workload "kmalloc $N $SIZE"
advance
set -- $(heap_site workload_kmalloc)
sampled=$1
bytes=$3
# Each allocation of s bytes is sampled with p = 1 - exp(-s / rate); the
# number sampled is binomial(N, p). Estimate N as the tool does, k / p with
# p from the bucket's average size, and compare with sigma of that
# estimate, sqrt(N (1 - p) / p).
# Busybox awk has no math library: exp() by its series, sqrt() by Newton.
verdict=$(awk -v k="$sampled" -v b="$bytes" -v n="$N" -v r="$RATE" '
function expo(x,   sum, term, i) {
	sum = 1; term = 1
	for (i = 1; i < 60; i++) { term *= x / i; sum += term }
	return sum
}
function root(x,   y, i) {
	y = x > 1 ? x : 1
	for (i = 0; i < 60; i++) y = (y + x / y) / 2
	return y
}
BEGIN {
	if (k == 0) { print "no sample"; exit }
	p = 1 - expo(-(b / k) / r)
	est = k / p
	sigma = root(n * (1 - p) / p)
	d = est - n; if (d < 0) d = -d
	printf "%s estimate %.0f truth %d sigma %.1f\n",
		d <= 3 * sigma ? "ok" : "off", est, n, sigma
}')
ktap_diag "$verdict"
ktap_check estimate_within_3_sigma sh -c "echo '$verdict' | grep -q '^ok '"
ktap_check sampled_fewer expect_eq "sampled < truth" \
	"$(test "$sampled" -lt "$N" && echo yes)" yes
workload free
workload_unload
ktap_check unload kmprof_unload
ktap_finish
