#!/bin/sh
# `make fuzz`: runs each target (default: all) for FUZZ_SECONDS seconds
# (default 60), one after another, niced, on a corpus kept between runs in
# build/fuzz/corpus/TARGET (started from the seeds and regressions).
# FUZZ_RUNS=N stops each target after N executions instead.
#   FUZZ_SECONDS=600 sh fuzz/run-fuzz.sh [TARGET...]
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
B=build/fuzz
. fuzz/options.sh
if [ $# -eq 0 ]; then
	for f in fuzz/fuzz-*.c; do
		n=${f#fuzz/fuzz-}
		set -- "$@" "${n%.c}"
	done
fi
status=0
summary=
for t in "$@"; do
	corpus=$B/corpus/$t
	art=$B/artifacts/$t
	mkdir -p "$corpus" "$art"
	dirs=
	for d in "fuzz/seeds/$t" "fuzz/regressions/$t"; do
		[ -d "$d" ] && dirs="$dirs $d"
	done
	if [ -n "${FUZZ_RUNS:-}" ]; then limit=-runs=$FUZZ_RUNS; else limit=-max_total_time=${FUZZ_SECONDS:-60}; fi
	echo "== fuzz-$t ($limit)"
	# shellcheck disable=SC2086
	nice -n 10 "$B/fuzz-$t" $(fuzz_options "$t") $limit -print_final_stats=1 \
		-artifact_prefix="$art/" "$corpus" $dirs 2>&1 | tee "$B/fuzz-$t.log" | grep -a -E '^#[0-9]+.*(DONE|pulse)|ERROR|invariant|SUMMARY|stat::' 
	grep -a -q -E 'ERROR: |invariant failed' "$B/fuzz-$t.log" && status=1
	# the last status line's coverage (cov: edges, ft: features) and the
	# number of executions from -print_final_stats
	last=$(grep -a -E '^#[0-9]+' "$B/fuzz-$t.log" | tail -n 1)
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$B/fuzz-$t.log" | tail -n 1)
	cov=$(printf "%s\n" "$last" | sed -n 's/.* cov: \([0-9]*\).*/\1/p')
	ft=$(printf "%s\n" "$last" | sed -n 's/.* ft: \([0-9]*\).*/\1/p')
	crashed=$(grep -a -q -E 'ERROR: |invariant failed' "$B/fuzz-$t.log" && echo " CRASH (see $art)")
	summary="$summary$(printf '%-12s %10s execs  cov %6s  ft %7s%s' "$t" "${execs:-?}" "${cov:-?}" "${ft:-?}" "$crashed")
"
done
echo "== summary (execs, edges covered, features)"
printf '%s' "$summary"
exit $status
