#!/bin/sh
# The fuzzing part of `make check` (run by tests/run-all.sh): for each
# target, replays its seeds (fuzz/seeds/TARGET) and its regression corpus
# (fuzz/regressions/TARGET, every input that once crashed it), then fuzzes
# it for a fixed budget: a fixed number of executions from a fixed random
# seed (FUZZ_SEED, default 1), so that a check run tries the same inputs on
# every machine, whatever its speed, and a finding can be replayed.  The
# numbers (check_runs in fuzz/options.sh) take about 20 s each here; long
# runs (`make fuzz`) are where new ground is covered.  FUZZ_SECONDS=N fuzzes
# for N seconds instead (0: replay only).  One PASS: or FAIL: line per
# step.  Crashing inputs are kept in build/fuzz/artifacts/TARGET/ and named
# in the FAIL line: add each one, once fixed, to fuzz/regressions/TARGET/.
#   sh fuzz/run-check.sh [TARGET...]
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
B=build/fuzz
secs=${FUZZ_SECONDS:-}
. fuzz/options.sh

if [ $# -eq 0 ]; then
	set --
	for f in fuzz/fuzz-*.c; do
		n=${f#fuzz/fuzz-}
		set -- "$@" "${n%.c}"
	done
fi

status=0
for t in "$@"; do
	bin=$B/fuzz-$t
	if [ ! -x "$bin" ]; then
		echo "FAIL: fuzz-$t is not built (it needs clang: make fuzz-build)"
		status=1
		continue
	fi
	dirs=
	for d in "fuzz/seeds/$t" "fuzz/regressions/$t"; do
		[ -d "$d" ] && dirs="$dirs $d"
	done
	art=$B/artifacts/$t
	mkdir -p "$art"
	log=$B/check-$t.log
	# shellcheck disable=SC2086
	if "$bin" $(fuzz_options "$t") -runs=0 -artifact_prefix="$art/" $dirs > "$log" 2>&1; then
		# shellcheck disable=SC2086
		echo "PASS: fuzz-$t replays its $(find -L $dirs -type f | wc -l | tr -d ' ') seeds and regressions"
	else
		echo "FAIL: fuzz-$t on its seeds or regressions: $(grep -m1 -E 'ERROR|invariant|SUMMARY' "$log") (log $log)"
		status=1
		continue
	fi
	if [ -z "$secs" ]; then
		limit=-runs=$(check_runs "$t"); what="$(check_runs "$t") runs"
	else
		[ "$secs" -gt 0 ] || continue
		limit=-max_total_time=$secs; what="$secs s"
	fi
	work=$(mktemp -d)
	# shellcheck disable=SC2086
	if nice -n 10 "$bin" $(fuzz_options "$t") -seed="${FUZZ_SEED:-1}" $limit -print_final_stats=1 \
		-artifact_prefix="$art/" "$work" $dirs > "$log" 2>&1; then
		echo "PASS: fuzz-$t for $what: $(grep -E '^#[0-9]+.*DONE' "$log" | tail -1 | sed 's/  */ /g')"
	else
		echo "FAIL: fuzz-$t for $what: $(grep -m1 -E 'ERROR|invariant|SUMMARY' "$log"); input in $(sed -n 's/.*Test unit written to //p' "$log" | head -1) (log $log)"
		status=1
	fi
	rm -rf "$work"
done
exit $status
