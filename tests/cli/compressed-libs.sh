#!/bin/sh
# Compressed modules need zlib, liblzma or libzstd, opened with dlopen()
# when a module first needs one (src/load/dlib.c).  When the library cannot be
# loaded, insmod says which one and why, and exits 1; the other formats
# and uncompressed modules are unaffected.  A library is made unloadable
# by putting a file that is not a library under its soname first in
# LD_LIBRARY_PATH: nothing on the machine is touched.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/tests/cli/fixtures/linker.sh"	# into a scratch directory of its own

module good GPL '	call printk@PLT'
gzip -k good.ko
xz -k good.ko
zstd -q good.ko -o good.ko.zst
mkdir broken
for so in libz.so.1 liblzma.so.5 libzstd.so.1; do
	echo "not a library" > "broken/$so"
done

for pair in gz:libz.so.1:gzip xz:liblzma.so.5:xz zst:libzstd.so.1:zstd; do
	ext=${pair%%:*}; rest=${pair#*:}; so=${rest%%:*}; fmt=${rest#*:}
	run -p $syms "good.ko.$ext"
	check "$fmt: with $so present, the compressed module is read (-p: status 0)" status_is 0
	LD_LIBRARY_PATH=$PWD/broken "$insmod" -p $syms "good.ko.$ext" > out 2> err; echo $? > status
	check "$fmt: with $so unloadable: status 1, a message naming the library and why" sh -c \
		"[ \"\$(cat status)\" = 1 ] && grep -q 'good.ko.$ext: $fmt-compressed, but $so cannot be loaded: .*$so' err"
done
LD_LIBRARY_PATH=$PWD/broken "$insmod" -p $syms good.ko > out 2> err; echo $? > status
check "an uncompressed module does not need the libraries" status_is 0
exit 0
