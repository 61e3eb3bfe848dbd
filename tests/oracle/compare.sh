#!/bin/sh
# The GNU ld oracle for the module linker.
#
#   compare.sh ARCH DIR MODULE.ko...     (DIR from fetch.sh)
#
# For each module: link with "insmod -n -m -O" against the fixed symbol
# file, then link the same object with GNU ld using a script that puts
# each section where our map says and defines each kernel symbol as the
# symbol file does, convert with objcopy -O binary, and compare byte for
# byte (our blob may run on past ld's output only with zeros: NOBITS
# sections at the end), and check that every symbol of GNU ld's output is
# where our load map puts it.  The same modules are also linked in one
# "insmod --batch -n -O DIR" run, and each of those blobs is held to GNU
# ld's output in the same way.  Prints PASS:/FAIL: per module; SKIP: when GNU ld
# itself cannot link the module.  $LINKER overrides the linker under test.
set -u
arch=$1; dir=$2; shift 2
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
. "$here/settings.sh"
build=${BUILD:-$top/build}
linker=${LINKER:-$build/insmod}
prep=$build/oracle/oracle-prep
work=${TMPDIR:-/tmp}/oracle.$$
batch=$work.batch
mkdir -p "$work" "$batch"
trap 'rm -rf "$work" "$batch" "$work.batch-err"' EXIT
release=${RELEASE:-$(cat "$dir/release")}
syms=$dir/kallsyms
[ -s "$syms" ] || sh "$here/mksyms.sh" "$arch" "$dir/Module.symvers" > "$syms"
"$linker" --batch -n -O "$batch" --kernel-symbols="$syms" --kernel-symbols="$dir/Module.symvers" \
	--kernel-release="$release" --base="$BASE" "$@" > /dev/null 2> "$work.batch-err"
for ko in "$@"; do
	name=${ko##*/}
	# the kernel's name for a module: its file's, with - as _
	blob=$batch/$(echo "${name%.ko}" | tr - _).blob
	rm -f "$work"/*
	if ! "$linker" -n -m -O "$work/ours.bin" --kernel-symbols="$syms" \
		--kernel-symbols="$dir/Module.symvers" --kernel-release="$release" \
		--base="$BASE" "$ko" > "$work/map" 2> "$work/err"; then
		echo "FAIL: $arch $name: insmod refused it: $(head -3 "$work/err" | tr '\n' ' ')"
		continue
	fi
	"$prep" "$ko" "$work/map" "$work/prep.o" "$work/link.ld" || { echo "FAIL: $arch $name: oracle-prep"; continue; }
	# every undefined symbol the fixed file defines, quoted (some names
	# are not valid --defsym expressions)
	nm -u "$ko" 2>/dev/null | awk '{ print $NF }' | sort -u > "$work/undef"
	awk 'NR == FNR { want[$1] = 1; next }
	     NF >= 3 && ($3 in want) && !($3 in done) { printf "\"%s\" = 0x%s;\n", $3, $1; done[$3] = 1 }' \
		"$work/undef" "$syms" >> "$work/link.ld"
	if ! "$LD" -o "$work/ld.elf" -T "$work/link.ld" --no-relax -e 0 "$work/prep.o" 2> "$work/lderr"; then
		echo "SKIP: $arch $name: GNU ld failed: $(grep -v warning "$work/lderr" | head -2 | tr '\n' ' ')"
		continue
	fi
	"$OBJCOPY" -O binary "$work/ld.elf" "$work/ld.bin"
	n=$(stat -c %s "$work/ld.bin")
	m=$(stat -c %s "$work/ours.bin")
	if [ "$n" -gt "$m" ]; then
		echo "FAIL: $arch $name: GNU ld's image is longer ($n > $m bytes)"
	elif ! cmp -s -n "$n" "$work/ld.bin" "$work/ours.bin"; then
		echo "FAIL: $arch $name: differs from GNU ld at $(cmp -n "$n" "$work/ld.bin" "$work/ours.bin" | awk '{ print $5 }' | tr -d ,)"
	elif [ "$(tail -c +"$((n + 1))" "$work/ours.bin" | tr -d '\000' | wc -c)" -ne 0 ]; then
		echo "FAIL: $arch $name: non-zero bytes past GNU ld's image"
	elif ! [ -f "$blob" ] || [ "$(stat -c %s "$blob")" != "$m" ] || ! cmp -s -n "$n" "$work/ld.bin" "$blob"; then
		echo "FAIL: $arch $name: its --batch blob differs from GNU ld's image: $(grep "$name" "$work.batch-err" | head -2 | tr '\n' ' ')"
	elif ! nm "$work/ld.elf" 2>/dev/null | awk '
		NR == FNR { if (seen) map[$1 " " $3] = 1; if ($1 == "Symbols:") seen = 1; next }
		NF == 3 && $2 !~ /^[UuwvN]$/ && !(($1 " " $3) in map) { print $1, $3; bad = 1; exit }
		END { exit bad }' "$work/map" - > "$work/nmbad"; then
		echo "FAIL: $arch $name: GNU ld puts symbol $(cat "$work/nmbad") where our map does not"
	else
		echo "PASS: $arch $name: $m bytes identical to GNU ld (alone and in --batch), every symbol where the map says"
	fi
done
rm -f "$work.batch-err"
