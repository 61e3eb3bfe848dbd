#!/bin/sh
# What a build says about its compression support.  -V lists the features
# compiled in, as kmod's does: +gzip +xz +zstd (make check needs all three
# libraries) and +dlopen, since the default build opens the libraries only
# when a compressed module needs one.  Because dlopen() leaves no DT_NEEDED
# entry, the binary carries ELF dlopen metadata instead (.note.dlopen,
# owner FDO, type 0x407c0c0a, JSON), read here by a small parser of our own
# (fixtures/dlopen-notes.py) so that a packaging tool would find the
# sonames.  (The static build's -V and its absence of notes: static.sh.)
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/tests/cli/fixtures/linker.sh"	# into a scratch directory of its own

run -V
check "-V: status 0" status_is 0
check "-V: first line is the version" sh -c "head -n 1 out | grep -q '^insmod version [0-9]'"
check "-V: the features line says +gzip +xz +zstd +dlopen" \
	sh -c "sed -n 2p out | grep -qx '+gzip +xz +zstd +dlopen'"
run --version
check "--version prints the same features line" sh -c "sed -n 2p out | grep -qx '+gzip +xz +zstd +dlopen'"

if ! command -v python3 > /dev/null; then
	echo "SKIP: .note.dlopen (no python3 to parse it)"
	exit 0
fi
python3 "$top/tests/cli/fixtures/dlopen-notes.py" "$insmod" > notes 2> notes.err
check "the binary has well-formed .note.dlopen notes (owner FDO, type 0x407c0c0a, JSON)" \
	sh -c "[ -s notes ] && [ ! -s notes.err ] || { cat notes.err >&2; false; }"
for f in "gzip libz.so.1" "xz liblzma.so.5" "zstd libzstd.so.1"; do
	set -- $f
	check "the dlopen note names $1: $2, recommended, with a description" \
		grep -qx "$1 recommended $2 described" notes
done
check "readelf -n shows the notes with owner FDO" \
	sh -c "readelf -n '$insmod' | grep -A3 'note.dlopen' | grep -q FDO"
exit 0
