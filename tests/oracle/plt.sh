#!/bin/sh
# arm64 module PLTs, checked by decoding: link each module 896 MiB below
# the fixed symbol file's kernel (beyond the +-128 MiB of a branch, so that
# every branch to the kernel needs a PLT entry), then decode every JUMP26/
# CALL26 of the blob and follow it, through its PLT entry if need be, to its
# target.  plt.sh DIR MODULE.ko...   (DIR from fetch.sh arm64)
set -u
dir=$1; shift
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
build=${BUILD:-$top/build}
linker=${LINKER:-$build/insmod}
work=${TMPDIR:-/tmp}/plt.$$
mkdir -p "$work"
trap 'rm -rf "$work"' EXIT
syms=$dir/kallsyms
[ -s "$syms" ] || sh "$here/mksyms.sh" arm64 "$dir/Module.symvers" > "$syms"
release=${RELEASE:-$(cat "$dir/release")}
for ko in "$@"; do
	if ! "$linker" -n -m -O "$work/b" --kernel-symbols="$syms" --kernel-symbols="$dir/Module.symvers" \
		--kernel-release="$release" --base=0xffff7fffd0000000 "$ko" > "$work/map" 2> "$work/err"; then
		echo "FAIL: arm64 PLT ${ko##*/}: insmod refused it: $(head -2 "$work/err" | tr '\n' ' ')"
		continue
	fi
	"$build/oracle/plt-check" "$ko" "$work/map" "$work/b" "$syms"
done
