#!/bin/sh
# Runs every test and prints one closing line "N passed, N failed, N skipped".
#
# Every test program prints one line per check, "PASS: what" or
# "FAIL: what", or "SKIP: what (why)" for a check that this machine cannot
# run (a prerequisite it cannot have, not one that is merely missing).  A program that exits non-zero without having printed a
# FAIL line counts as one failure of its own, so a crash is never silent.
#
# Every test runs twice: against the plain build and against the ASan+UBSan
# build (build/san), the kernel tests too (in QEMU, Debian's own kernel);
# the tests of the linker's threads also run against build/tsan.
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
log=${TEST_LOG:-build/test.log}
mkdir -p build
: > "$log"
passed=0
failed=0
skipped=0

run() {	# run LABEL COMMAND...
	label=$1; shift
	out=$(mktemp)
	"$@" > "$out" 2>&1
	rc=$?
	p=$(grep -c '^PASS: ' "$out")
	f=$(grep -c '^FAIL: ' "$out")
	s=$(grep -c '^SKIP: ' "$out")
	if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
		echo "FAIL: $label exited with status $rc" >> "$out"
		f=1
	fi
	{ echo "=== $label"; cat "$out"; } >> "$log"
	grep -E '^(FAIL|SKIP): ' "$out" | sed "s|^|[$label] |"
	echo "$label: $p passed, $f failed, $s skipped"
	passed=$((passed + p))
	failed=$((failed + f))
	skipped=$((skipped + s))
	rm -f "$out"
}

export ASAN_OPTIONS=detect_leaks=1:abort_on_error=0
# The index insmod keeps of large symbol files (src/link/ksyms-index.c)
# goes to one of the suite's own, new for each run, not the user's cache.
export INSMOD_CACHE_DIR="$top/build/test-index"
rm -rf "$INSMOD_CACHE_DIR"
mkdir -p "$INSMOD_CACHE_DIR"
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1

for build in build build/san; do
	[ -x "$build/insmod" ] || continue
	for t in "$build"/tests/test-*; do
		[ -x "$t" ] || continue
		run "$build/${t##*/}" "$t"
	done
	for t in tests/cli/*.sh; do
		[ -f "$t" ] && [ "${t##*/}" != lib.sh ] || continue
		run "$build/cli/${t##*/}" env INSMOD="$top/$build/insmod" sh "$t"
	done
done

# The Debian package (make deb, built by make check) installed into a
# Debian 12 chroot and removed again; SKIP without root or a prepared root.
run "deb/test-deb.sh" sh tests/deb/test-deb.sh

# ---- hostile input (fuzz/, tests/malformed/) --------------------------
# The malformed-module corpus against both builds, then the fuzzers'
# seeds and regression corpus replayed and a short fuzz run of each target
# with a fixed seed and number of executions (fuzz/run-check.sh; SKIP_FUZZ=1
# skips it).
for build in build build/san; do
	[ -x "$build/insmod" ] || continue
	run "$build/malformed" env INSMOD="$top/$build/insmod" sh tests/malformed/run.sh
done
if [ -z "${SKIP_FUZZ:-}" ]; then
	run "fuzz" sh fuzz/run-check.sh
fi
# ---- end of hostile input ---------------------------------------------

# The linker's two lanes (two threads) under ThreadSanitizer: a data race
# is reported on stderr and makes insmod exit 66, which fails the checks.
# Some kernels' address-space layout keeps ThreadSanitizer from starting
# at all; that is said, not counted.
if [ -x build/tsan/insmod ]; then
	if TSAN_OPTIONS=exitcode=66 build/tsan/insmod --version > /dev/null 2>&1; then
		run "build/tsan/cli/link-lanes.sh" env INSMOD="$top/build/tsan/insmod" \
			TSAN_OPTIONS=halt_on_error=1:exitcode=66 sh tests/cli/link-lanes.sh
	else
		echo "SKIP: ThreadSanitizer cannot start under this kernel's address-space layout;" \
			"the two-lane tests ran without it"
		skipped=$((skipped + 1))
	fi
fi

if [ -z "${SKIP_QEMU:-}" ]; then
	# In the real kernel too, the sanitized insmod runs every test again.
	for build in build build/san; do
		[ -x "$build/insmod" ] || continue
		for t in tests/qemu/test-*.sh; do
			[ -f "$t" ] || continue
			run "$build/qemu/${t##*/}" env INSMOD="$top/$build/insmod" sh "$t"
		done
	done
fi

echo "full log: $log"
echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
