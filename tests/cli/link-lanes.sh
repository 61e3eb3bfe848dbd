#!/bin/sh
# A module of 1.5 MiB or more is linked on two lanes, the second on a
# thread of its own (src/link/link-lanes.c, "One lane or two"): symbols and checks beside
# the layout and the image, relocation shared, the old blob freed beside
# the rest.  Its results and its failures must be those of a one-lane
# link: the same blob, the same messages, no file left behind, and an old
# blob replaced only by a whole new one.  The test modules are small ones
# with 1.6 MB of padding in an .init section, which puts them over the line
# and, as .init sections are laid out last, leaves the rest of the image
# as it is without the padding.  (tests/cli/link-oracle.sh holds a padded module with
# every relocation type to GNU ld's output.)
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/tests/cli/fixtures/linker.sh"	# into a scratch directory of its own

pad='	.section .init.rodata,"a"
	.zero 1600000
	.text'
code='	call printk@PLT
	movq $printk, %rax
	.data
	.quad printk
	.quad local_data
local_data:
	.quad 42
	.section .rodata.more,"a"
	.quad printk + 16
	.text'
module small GPL "$code"
mkdir padded	# the same module name, for the same struct module
(cd padded && module small GPL "$code
$pad")
cp padded/small.ko big.ko
check "the padded module is over the two-lane line (1.5 MiB)" test "$(wc -c < big.ko)" -ge 1572864

run -n -m -O small.blob $syms small.ko
cp out small.map
run -n -m -O big.blob $syms big.ko
check "two lanes: status 0, no error" sh -c '[ "$(cat status)" = 0 ] && ! grep -v "warning:" err'
head -c "$(wc -c < small.blob)" big.blob > big.head
check "two lanes: the image before the padding is the one-lane link's, byte for byte" cmp -s big.head small.blob
check "two lanes: the map lists the same symbols at the same addresses" \
	sh -c 'grep " printk\$\| local_data\$" small.map > a; grep " printk\$\| local_data\$" out > b; cmp -s a b'

echo "old contents" > blob
run -n -O blob $syms big.ko
check "an old blob is replaced by the whole new one" cmp -s blob big.blob
check "no temporary file is left beside it" test -z "$(ls -A . | grep '^\.blob')"
echo "old contents" > keep
ln -s keep link
run -n -O link $syms big.ko
check "-O through a symbolic link replaces the link, the file it named is untouched" \
	sh -c 'cmp -s link big.blob && [ ! -L link ] && [ "$(cat keep)" = "old contents" ]'

module bigmissing GPL "	call no_such_symbol@PLT
$pad"
echo "old contents" > blob
run -n -O blob $syms bigmissing.ko
check "unresolved symbol: status 1, the symbol named" \
	sh -c '[ "$(cat status)" = 1 ] && grep -q "bigmissing.ko: unresolved symbol no_such_symbol" err'
check "unresolved symbol: the old blob is untouched, no temporary file" \
	sh -c '[ "$(cat blob)" = "old contents" ] && [ -z "$(ls -A . | grep "^\.blob")" ]'

module bigovf GPL "	movl \$printk, %eax
	movl \$printk, %ebx
$pad"
rm -f blob
run -n -O blob $syms bigovf.ko
grep -v "warning:" err > errors
check "relocation overflow: status 1, both fields named in order" \
	sh -c '[ "$(cat status)" = 1 ] && [ "$(grep -c "relocation R_X86_64_32 at .text+0x[16] against printk: value 0xffffffff81000000 is out of range \[0, 0xffffffff\]" errors)" = 2 ] &&
	       head -1 errors | grep -q "text+0x1 "'
check "relocation overflow: no blob, no temporary file" no_blob

run -n -O blob --kernel-symbols=no-such-file --kernel-release=6.1.0-t big.ko
check "a symbol file that cannot be read: status 1, the file named" \
	sh -c '[ "$(cat status)" = 1 ] && grep -q "no-such-file: cannot read kernel symbols" err'
check "a symbol file that cannot be read: no blob" no_blob

run -n -O blob --kernel-symbols=hidden --kernel-release=6.1.0-t big.ko
check "hidden addresses: status 1, told to run as root" sh -c '[ "$(cat status)" = 1 ] && grep -q "run as root" err'
check "hidden addresses: no blob" no_blob

module biggpl Proprietary "	call gpl_only@PLT
	call no_such_symbol@PLT
$pad"
run -n -O blob $syms biggpl.ko
check "every check failure is reported, as on one lane" \
	sh -c 'grep -q "unresolved symbol no_such_symbol" err && grep -q "uses GPL-only symbol gpl_only" err && ! grep -q "relocation" err'
check "check failures: no blob" no_blob

# Relocation shared: 16 target sections of 8192 entries each, which both
# lanes take from one queue.  Held to one CPU, insmod links on one lane:
# the two blobs must be the same.
many=
for i in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16; do
	many="$many
	.section .data.s$i,\"aw\"
	.rept 8192
	.quad printk + $i
	.endr"
done
module shared GPL "	ret
$many"
check "the module with 16 relocated sections is over the two-lane line" test "$(wc -c < shared.ko)" -ge 1572864
run -n -O shared.blob $syms shared.ko
check "16 relocated sections on two lanes: status 0, no error" sh -c '[ "$(cat status)" = 0 ] && ! grep -v "warning:" err'
if command -v taskset > /dev/null && taskset -c 0 true 2> /dev/null; then
	taskset -c 0 "$insmod" -n -O one.blob $syms shared.ko 2> /dev/null
	check "held to one CPU (one lane): the same blob" cmp -s one.blob shared.blob
	taskset -c 0 "$insmod" -n -O one.blob $syms big.ko 2> /dev/null
	check "held to one CPU: the padded module's blob is the same too" cmp -s one.blob big.blob
fi
# compressed, the module's bytes are a decompressed buffer that the main
# lane frees when it is done with them
if command -v xz > /dev/null; then
	xz -k -c big.ko > bigxz.ko.xz
	run -n -O xz.blob $syms bigxz.ko.xz
	check "an xz-compressed module on two lanes: the same blob" sh -c '[ "$(cat status)" = 0 ] && cmp -s xz.blob big.blob'
fi
mkdir batch
run --batch -n -O batch $syms big.ko
check "--batch: the blob is that of a run of its own" cmp -s batch/small.blob big.blob
exit 0
