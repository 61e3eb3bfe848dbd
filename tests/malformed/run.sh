#!/bin/sh
# The malformed-module corpus: every corruption of a good module that the
# kernel's own ELF checks catch (tests/malformed/mkcorpus.py builds the
# corpus at test time), given to insmod.  For each corrupted file:
#   - a dry run, insmod -n -m -O OUT --kernel-symbols=... --kernel-release=...:
#     exit status 1, exactly one line on stderr, "insmod: FILE: " and the
#     expected fault, nothing on stdout, nothing left in OUT's directory
#     (no blob, no temporary file), no sanitizer report;
#   - when the file must be refused before the kernel sees it, a plain load
#     (insmod --kernel-release=... FILE), with the same checks.  A plain
#     load is never tried on a file that only the linker or the kernel
#     would refuse, and never on a machine-mismatch case except on x86_64.
# Cases the kernel tolerates (it skips relocations of unallocated sections,
# takes alignment 0 as 1) must link: exit 0 and a whole blob.
# Two good modules: tests/cli/fixtures/fake.c compiled here, and a real
# signed Debian module from the fuzzing seeds (the signature trailer is kept
# after the corrupted ELF part).
# Run as: INSMOD=/path/to/insmod sh tests/malformed/run.sh
set -u
: "${INSMOD:?set INSMOD to the insmod binary}"
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
REL=6.1.0-56-amd64
KSYMS=$top/fuzz/ksyms/x86_64.kallsyms
BASE=0xffffffffc0200000
machine=$(uname -m)

if ! command -v python3 > /dev/null; then
	echo "FAIL: python3 is needed to build the malformed-module corpus"
	exit 1
fi
cc -c -O2 -DVERMAGIC="\"$REL SMP preempt mod_unload modversions \"" \
	-o "$T/fake.ko" "$top/tests/cli/fixtures/fake.c" || { echo "FAIL: cannot build fake.ko"; exit 1; }
goods="$T/fake.ko"
[ -f "$top/fuzz/seeds/elf/x86_64-crc7.ko" ] && goods="$goods $top/fuzz/seeds/elf/x86_64-crc7.ko"

sanitizer='AddressSanitizer|LeakSanitizer|UndefinedBehaviorSanitizer|runtime error:'

# check LABEL EXPECTED-STATUS REGEX FILE: judges the last run ($T/out,
# $T/err, $status, $T/o/) and prints one PASS: or FAIL: line.
check() {
	label=$1 want=$2 regex=$3 file=$4
	why=
	[ "$status" -eq "$want" ] || why="$why; status $status, not $want"
	if grep -q -E "$sanitizer" "$T/err"; then
		why="$why; sanitizer report: $(grep -m1 -E "$sanitizer" "$T/err")"
	fi
	if [ "$want" -ne 0 ]; then
		lines=$(wc -l < "$T/err")
		[ "$lines" -eq 1 ] || why="$why; $lines lines on stderr"
		grep -q -E "^insmod: $file: $regex" "$T/err" ||
			why="$why; expected \"insmod: $file: $regex\""
		[ -s "$T/out" ] && why="$why; output on stdout"
		left=$(ls -A "$T/o")
		[ -z "$left" ] || why="$why; left behind: $left"
	else
		[ -s "$T/o/blob" ] || why="$why; no blob written"
		[ -s "$T/err" ] && why="$why; messages on stderr"
		[ "$(ls -A "$T/o" | wc -l)" -le 1 ] || why="$why; left behind: $(ls -A "$T/o")"
	fi
	if [ -z "$why" ]; then
		echo "PASS: $label"
	else
		echo "FAIL: $label${why} (stderr: $(head -c 300 "$T/err"))"
	fi
	rm -rf "$T/o"
	mkdir "$T/o"
}

dry_run() {	# dry_run FILE
	"$INSMOD" -n -m -O "$T/o/blob" --base=$BASE --kernel-symbols="$KSYMS" \
		--kernel-release=$REL "$1" > "$T/out" 2> "$T/err"
	status=$?
}

plain_load() {	# plain_load FILE
	"$INSMOD" --kernel-release=$REL "$1" > "$T/out" 2> "$T/err"
	status=$?
}

mkdir "$T/o"
tab=$(printf '\t')
for good in $goods; do
	g=$(basename "$good" .ko)
	dry_run "$good"
	check "$g: the good module links" 0 "" "$good"
	c=$T/corpus-$g
	if ! python3 "$here/mkcorpus.py" "$good" "$c" > "$T/py" 2>&1; then
		echo "FAIL: $g: mkcorpus.py: $(head -c 300 "$T/py")"
		continue
	fi
	echo "PASS: $g: corpus of $(wc -l < "$c/MANIFEST") malformed modules built"
	while IFS=$tab read -r name want dry plain; do
		f=$c/$name.ko
		dry_run "$f"
		check "$g/$name: -n -m -O" "$want" "$dry" "$f"
		# a plain load only of what must be refused before the kernel
		[ "$want" = 1 ] || continue
		case $plain in
		-|'') continue ;;
		"@arch "*)
			[ "$machine" = x86_64 ] || continue
			plain=${plain#@arch } ;;
		esac
		plain_load "$f"
		check "$g/$name: plain load" 1 "$plain" "$f"
	done < "$c/MANIFEST"
done
exit 0
