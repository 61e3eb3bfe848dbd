#!/bin/sh
# The fuzzing part of `make check` (run by tests/run-all.sh): for each
# target, replays its seeds (fuzz/seeds/TARGET) and its regression corpus
# (fuzz/regressions/TARGET, every input that once crashed it), checks that
# the seeds still reach the code they are there for (reach_funcs in
# fuzz/options.sh), then fuzzes it for a fixed budget: a fixed number of
# executions from a fixed random seed (FUZZ_SEED, default 1), so that a
# check run tries the same inputs on every machine, whatever its speed,
# and a finding can be replayed.  The numbers (check_runs in
# fuzz/options.sh) take 15-40 s each here; long runs (`make fuzz`) are
# where new ground is covered.  FUZZ_SECONDS=N fuzzes for N seconds
# instead (0: replay only).
#
# The targets run on FUZZ_JOBS lanes at once (default: one per CPU; the
# machine this was written for has 2), each lane one target after another; the
# output is printed in target order when all are done.  One PASS: or FAIL:
# line per step.  Crashing inputs are kept in build/fuzz/artifacts/TARGET/
# and named in the FAIL line: add each one, once fixed, to
# fuzz/regressions/TARGET/.
#   sh fuzz/run-check.sh [TARGET...]
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
B=build/fuzz
secs=${FUZZ_SECONDS:-}
. fuzz/options.sh
# -print_coverage names functions through llvm-symbolizer; Debian installs
# it versioned, outside PATH, unless the llvm package is there too.
if sym=$(sh fuzz/symbolizer.sh); then
	export ASAN_SYMBOLIZER_PATH="$sym"
fi

if [ $# -eq 0 ]; then
	set --
	for f in fuzz/fuzz-*.c; do
		n=${f#fuzz/fuzz-}
		set -- "$@" "${n%.c}"
	done
fi

# check_reach TARGET LOG: each function of reach_funcs TARGET is covered
# in the replay whose -print_coverage=1 output is LOG.
check_reach() {
	missing=
	for fn in $(reach_funcs "$1"); do
		grep -q "^COVERED_FUNC: .* $fn " "$2" || missing="$missing $fn"
	done
	if [ -n "$missing" ] && grep -q "invalid path to external symbolizer" "$2"; then
		echo "FAIL: fuzz-$1: no llvm-symbolizer to name the functions its seeds reach (apt-get install llvm; log $2)"
		return 1
	elif [ -n "$missing" ]; then
		echo "FAIL: fuzz-$1: its seeds no longer reach:$missing (log $2)"
		return 1
	fi
	[ -z "$(reach_funcs "$1")" ] ||
		echo "PASS: fuzz-$1's seeds reach$(for fn in $(reach_funcs "$1"); do printf ' %s' "$fn"; done)"
}

check_one() {	# check_one TARGET: its PASS/FAIL lines; status 1 on a FAIL
	t=$1
	bin=$B/fuzz-$t
	if [ ! -x "$bin" ]; then
		echo "FAIL: fuzz-$t is not built (it needs clang: make fuzz-build)"
		return 1
	fi
	dirs=
	for d in "fuzz/seeds/$t" "fuzz/regressions/$t"; do
		[ -d "$d" ] && dirs="$dirs $d"
	done
	art=$B/artifacts/$t
	mkdir -p "$art"
	log=$B/check-$t.log
	# shellcheck disable=SC2086
	if "$bin" $(fuzz_options "$t") -runs=0 -print_coverage=1 -artifact_prefix="$art/" $dirs > "$log" 2>&1; then
		# shellcheck disable=SC2086
		echo "PASS: fuzz-$t replays its $(find -L $dirs -type f | wc -l | tr -d ' ') seeds and regressions"
	else
		echo "FAIL: fuzz-$t on its seeds or regressions: $(grep -a -m1 -E 'ERROR|invariant|SUMMARY' "$log") (log $log)"
		return 1
	fi
	cp "$log" "$B/reach-$t.log"
	check_reach "$t" "$B/reach-$t.log" || return 1
	if [ -z "$secs" ]; then
		limit=-runs=$(check_runs "$t"); what="$(check_runs "$t") runs"
	else
		[ "$secs" -gt 0 ] || return 0
		limit=-max_total_time=$secs; what="$secs s"
	fi
	work=$(mktemp -d)
	# shellcheck disable=SC2086
	if nice -n 10 "$bin" $(fuzz_options "$t") -seed="${FUZZ_SEED:-1}" $limit -print_final_stats=1 \
		-artifact_prefix="$art/" "$work" $dirs > "$log" 2>&1; then
		echo "PASS: fuzz-$t for $what: $(grep -a -E '^#[0-9]+.*DONE' "$log" | tail -1 | sed 's/  */ /g')"
	else
		echo "FAIL: fuzz-$t for $what: $(grep -a -m1 -E 'ERROR|invariant|SUMMARY' "$log"); input in $(sed -n 's/.*Test unit written to //p' "$log" | head -1) (log $log)"
		rm -rf "$work"
		return 1
	fi
	rm -rf "$work"
}

# Lanes: the targets in check_order (slowest first) dealt out in turn, so
# that the lanes take about as long; each lane a background job.
jobs=${FUZZ_JOBS:-$(nproc 2>/dev/null || echo 2)}
[ "$jobs" -ge 1 ] 2>/dev/null || jobs=1
ordered=
for t in $(check_order) "$@"; do
	for u in "$@"; do
		[ "$u" = "$t" ] && case " $ordered " in *" $t "*) ;; *) ordered="$ordered $t" ;; esac
	done
done
mkdir -p "$B"
i=0
while [ "$i" -lt "$jobs" ]; do
	lane=
	k=0
	for t in $ordered; do
		[ $((k % jobs)) -eq "$i" ] && lane="$lane $t"
		k=$((k + 1))
	done
	(
		for t in $lane; do
			check_one "$t" > "$B/check-$t.out" 2>&1
			echo $? > "$B/check-$t.status"
		done
	) &
	i=$((i + 1))
done
wait
status=0
for t in "$@"; do
	cat "$B/check-$t.out"
	[ "$(cat "$B/check-$t.status")" = 0 ] || status=1
	rm -f "$B/check-$t.out" "$B/check-$t.status"
done
exit $status
