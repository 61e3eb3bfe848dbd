#!/bin/sh
# The module linker against an independent oracle, GNU ld, on real Debian
# 6.1 modules of amd64, i386 and arm64 (a representative sample: every
# module under 100 KB of a few subsystems and the ten largest) and on the
# test modules that use every relocation type; arm64 PLTs are checked by
# decoding the branches.  The packages are fetched once into the test cache
# (tests/oracle/fetch.sh).  Under the sanitizer build the sample is cut to
# a few modules per architecture: the plain build covers the rest.
# tests/oracle/full.sh ARCH runs the same comparison over a whole package.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
insmod=${INSMOD:-$top/build/insmod}
case $insmod in /*) ;; *) insmod=$PWD/$insmod ;; esac
oracle=$top/tests/oracle
helpers=$top/build/oracle
mkdir -p "$helpers"
for h in oracle-prep plt-check; do
	if [ ! -x "$helpers/$h" ] || [ "$oracle/$h.c" -nt "$helpers/$h" ]; then
		${CC:-cc} -O2 -o "$helpers/$h" "$oracle/$h.c" || { echo "FAIL: cannot build $h"; exit 1; }
	fi
done
export LINKER="$insmod" BUILD="$top/build"
case $insmod in */san/*) small=1 ;; *) small= ;; esac
for pair in amd64:x86_64 i386:i386 arm64:aarch64; do
	arch=${pair%%:*}; m=${pair#*:}
	if ! dir=$(sh "$oracle/fetch.sh" "$arch" 2> "${TMPDIR:-/tmp}/fetch.$$"); then
		echo "FAIL: $arch: cannot fetch Debian's modules: $(tail -1 "${TMPDIR:-/tmp}/fetch.$$")"
		rm -f "${TMPDIR:-/tmp}/fetch.$$"
		continue
	fi
	rm -f "${TMPDIR:-/tmp}/fetch.$$"
	RELEASE=6.1.0-test sh "$oracle/compare.sh" "$arch" "$dir" "$oracle/modules/$m-relocs.ko"
	# the same module padded past 1.5 MiB (an .init section of zeros, laid
	# out last), which the linker takes on two lanes (src/link/link-lanes.c)
	padded=$(mktemp -d)
	objcopy=$(. "$oracle/settings.sh"; echo "$OBJCOPY")
	head -c 1600000 /dev/zero > "$padded/zeros"
	if $objcopy --add-section .init.rodata="$padded/zeros" \
		--set-section-flags .init.rodata=alloc,readonly,contents \
		"$oracle/modules/$m-relocs.ko" "$padded/$m-relocs.ko"; then
		RELEASE=6.1.0-test sh "$oracle/compare.sh" "$arch" "$dir" "$padded/$m-relocs.ko" |
			sed 's/^\(PASS\|FAIL\|SKIP\): /\1: on two lanes: /'
	else
		echo "FAIL: $arch: cannot pad the relocation test module with $objcopy"
	fi
	rm -rf "$padded"
	if [ -n "$small" ]; then
		sh "$oracle/sample.sh" "$dir" | awk 'NR % 40 == 1' | xargs sh "$oracle/compare.sh" "$arch" "$dir"
	else
		sh "$oracle/sample.sh" "$dir" | xargs sh "$oracle/compare.sh" "$arch" "$dir"
	fi
	if [ "$arch" = arm64 ]; then
		RELEASE=6.1.0-test sh "$oracle/plt.sh" "$dir" "$oracle/modules/aarch64-relocs.ko"
		sh "$oracle/sample.sh" "$dir" | tail -${small:+2}${small:-10} | xargs sh "$oracle/plt.sh" "$dir"
	fi
done

# A module of 1.5 MiB or more (OVERLAP_MIN_FILE) is linked on two lanes
# (src/link/link-lanes.c): when the link of a real one fails, the message is the
# link's and no file is left behind (tests/cli/link-lanes.sh has more).
# (Its successful blobs are among the ten largest compared above.)
if dir=$(sh "$oracle/fetch.sh" amd64 2> /dev/null); then
	big=$dir/modules/drivers/gpu/drm/amd/amdgpu/amdgpu.ko
	work=$(mktemp -d)
	echo "ffffffff81000000 T printk" > "$work/kallsyms"
	"$insmod" -n -O "$work/blob" --kernel-symbols="$work/kallsyms" --kernel-release="$(cat "$dir/release")" \
		"$big" > /dev/null 2> "$work/err"
	rc=$?
	if [ "$rc" = 1 ] && grep -q "unresolved symbol" "$work/err" && [ "$(ls -A "$work")" = "$(printf 'err\nkallsyms')" ]; then
		echo "PASS: amd64: amdgpu.ko (threaded link) with symbols missing: exit 1, unresolved symbols named, no blob or temporary file"
	else
		echo "FAIL: amd64: amdgpu.ko (threaded link) with symbols missing: exit $rc, files: $(ls -A "$work" | tr '\n' ' ')"
	fi
	rm -rf "$work"
fi
# make oracle-full on a clean tree: it builds its own helpers (it once
# relied on this script having built them, and compared nothing).
plan=$(make -s -n -C "$top" -W tests/oracle/oracle-prep.c -W tests/oracle/plt-check.c oracle-full 2>&1)
if echo "$plan" | grep -q "oracle-prep.c" && echo "$plan" | grep -q "plt-check.c"; then
	echo "PASS: make oracle-full builds oracle-prep and plt-check itself"
else
	echo "FAIL: make oracle-full builds oracle-prep and plt-check itself"
fi
exit 0
