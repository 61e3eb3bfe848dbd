#!/bin/sh
# insmod --batch: many modules linked (-n) or probed (-p) against one
# reading of the kernel's symbols.  Each module is handled as a run of its
# own would handle it; a failing one is reported and the rest still run;
# the exit status is 1 when any failed.  (tests/cli/link-oracle.sh compares
# --batch blobs of real modules with GNU ld's output.)
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/tests/cli/fixtures/linker.sh"	# into a scratch directory of its own

module good GPL '	call printk@PLT
	.data
	.quad printk'
module other GPL '	call printk@PLT
	.data
	.quad other_data
other_data:
	.quad 42'
module missing GPL '	call no_such_symbol@PLT'
mkdir again
(cd again && module good GPL '	ret')

"$insmod" -n -O good.alone $syms good.ko 2> /dev/null
"$insmod" -n -O other.alone $syms other.ko 2> /dev/null
mkdir blobs
run --batch -n -O blobs $syms good.ko missing.ko other.ko
check "-n of three modules, one with a missing symbol: status 1" status_is 1
check "the failing module is named with its unresolved symbol" err_has 'missing.ko: unresolved symbol no_such_symbol'
check "a closing line counts the failures" err_has '2 linked, 1 failed, in '
check "-O DIR: each module's blob is DIR/NAME.blob, the same bytes as a run of its own" \
	sh -c 'cmp -s blobs/good.blob good.alone && cmp -s blobs/other.blob other.alone'
check "the module after the failing one is still linked" test -s blobs/other.blob
check "the failing module leaves no blob and no temporary file" \
	test "$(ls -A blobs | tr '\n' ' ')" = "good.blob other.blob "

run --batch -p $syms good.ko other.ko
check "-p of two good modules: status 0, nothing printed but warnings and the count" \
	sh -c '[ "$(cat status)" = 0 ] && [ ! -s out ] && ! grep -v -e "warning:" -e "2 would load, 0 would not" err'
run --batch -p $syms good.ko missing.ko
check "-p with one that would not load: status 1, counted" sh -c '[ "$(cat status)" = 1 ] && grep -q "1 would load, 1 would not" err'
run --batch -q -p $syms missing.ko good.ko
check "-q: one line for the failing module, the status tells" sh -c '[ "$(cat status)" = 1 ] && [ "$(grep -c "" err)" = 1 ]'

run --batch -n -m $syms good.ko other.ko
check "-m: each map follows a line with its module's path" sh -c \
	'[ "$(grep -c "^Sections:" out)" = 2 ] && grep -A1 "^good.ko:$" out | grep -q "^Sections:" && grep -A1 "^other.ko:$" out | grep -q "^Sections:"'
check "-m: each map lists its own module's symbols" sh -c \
	'sed -n "/^other.ko:/,\$p" out | grep -q " other_data$" && ! sed -n "1,/^other.ko:/p" out | grep -q " other_data$"'

rm -rf blobs; mkdir blobs
run --batch -n -O blobs $syms good.ko again/good.ko
check "two modules of one name: the second is refused, status 1" sh -c \
	'[ "$(cat status)" = 1 ] && grep -q "again/good.ko: another module named .good. was linked earlier" err'
check "two modules of one name: the first one's blob stays" cmp -s blobs/good.blob good.alone

cp other.alone a-file
run --batch -n -O a-file $syms good.ko
check "-O naming a file, not a directory: refused, the file untouched" sh -c \
	'[ "$(cat status)" = 1 ] && grep -q "a-file: with --batch, -O names a directory" err && cmp -s a-file other.alone'
run --batch -n $syms good.ko no-such-module.ko other.ko
check "a module that cannot be found: reported, the others still linked" sh -c \
	'[ "$(cat status)" = 1 ] && grep -q "no-such-module.ko" err && grep -q "2 linked, 1 failed" err'
run --batch -n --kernel-symbols=no-such-file good.ko
check "a symbol file that cannot be read stops the batch before any module" sh -c \
	'[ "$(cat status)" = 1 ] && grep -q "no-such-file" err && ! grep -q "linked, " err'

run --batch $syms good.ko
check "--batch without -n or -p: a usage error" sh -c '[ "$(cat status)" = 1 ] && grep -q "give -n or -p" err'
run --batch -n -o newname $syms good.ko
check "--batch with -o: a usage error" sh -c '[ "$(cat status)" = 1 ] && grep -q -- "-o" err'
exit 0
