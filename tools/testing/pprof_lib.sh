# SPDX-License-Identifier: GPL-2.0
# Reading kmprof's pprof output with go tool pprof, for the host tests.
# Source it after setting $tmp to a private temporary directory.

# go tool pprof runs offline; it wants a writable home and build cache.
export HOME=$tmp/home GOCACHE=$tmp/gocache GOFLAGS= GOPROXY=off
mkdir -p "$HOME"

# top_line PB INDEX [FLAG...]: "total name flat" from go tool pprof -top
# in plain units: the profile's total of sample type INDEX and its largest
# function (among the samples FLAGs such as -tagfocus keep).
top_line()
{
	go tool pprof -top -unit=B -nodecount=1 -sample_index="$2" "${@:3}" "$1" 2>"$tmp/top.err" |
		awk '/^Showing nodes/ { t = $(NF - 1); sub(/B$/, "", t) }
		     /^ *[0-9.]+B? +[0-9.]+%/ && !name { f = $1; sub(/B$/, "", f); name = $6; for (i = 7; i <= NF; i++) name = name " " $i }
		     END { print t, name, f }'
}

# flat_of PB INDEX FUNCTION [FLAG...]: the flat value of FUNCTION (its own
# samples: the allocation site's bytes) in go tool pprof -top, plain
# units, among the samples FLAGs keep; empty if it has no row.
flat_of()
{
	go tool pprof -top -unit=B -nodecount=100000 -sample_index="$2" "${@:4}" "$1" \
		2>"$tmp/top.err" |
		awk -v fn="$3" '/^ *[0-9.]+B? +[0-9.]+%/ && $6 == fn {
			f = $1; sub(/B$/, "", f); print f; exit }'
}
