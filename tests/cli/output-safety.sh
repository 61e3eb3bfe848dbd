#!/bin/sh
# What insmod writes when its standard descriptors come closed (from a
# daemon, an init system, `<&- >&- 2>&-`): nothing of its own output may
# land in a -O blob, and when the descriptors cannot be made safe it says
# so and does nothing.  A blob is opened while a large module is still
# being linked (two lanes, src/link/link.c): a descriptor closed at start
# would be the blob's, and what is printed afterwards would go into it.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/tests/cli/fixtures/linker.sh"	# into a scratch directory of its own

# The two-lane linker needs two CPUs; on one, the blob is opened after all
# printing and these checks could not fail.
if ! [ "$(nproc 2> /dev/null || echo 1)" -ge 2 ]; then
	echo "SKIP: the closed-descriptor checks need two CPUs (two-lane link)"
	exit 0
fi

# A Proprietary module (no __versions: a warning) over the two-lane line,
# with many references to kernel symbols: resolving them keeps the checks,
# and so the warning, busy until after the blob is opened.
n=100000
awk -v n=$n 'BEGIN { for (i = 0; i < n; i++)
	printf "ffffffff%08x T filler_%d\nffffffff%08x r __ksymtab_filler_%d\n",
	       0x82000000 + i * 16, i, 0x83000000 + i * 16, i }' > many
awk -v n=$n 'BEGIN { for (i = 0; i < n; i++) printf "0x%08x\tfiller_%d\tvmlinux\tEXPORT_SYMBOL\t\n", i, i }' > many.symvers
cat kallsyms >> many
cat Module.symvers >> many.symvers
refs=$(awk -v n=$n 'BEGIN { for (i = 0; i < n; i++) printf "\t.quad filler_%d\n", i }')
module big Proprietary "	.data
$refs
	.section .init.rodata,\"a\"
	.zero 1600000
	.text"
ks="--kernel-symbols=many --kernel-symbols=many.symvers --kernel-release=6.1.0-t"

mkdir ref
"$insmod" --batch -n -m -O ref $ks big.ko > ref.map 2> ref.err
check "(the reference: a blob, a map of more than a buffer, a warning)" \
	sh -c '[ -s ref/big.blob ] && [ "$(wc -c < ref.map)" -gt 65536 ] && grep -q "warning:" ref.err'

# stdin and stderr closed: the module file takes fd 0 and the blob would
# take fd 2, where the warning is written.
mkdir warn
"$insmod" --batch -n -O warn $ks big.ko <&- 2>&-
echo $? > status
check "stdin and stderr closed: status 0" grep -qx 0 status
check "... and the blob is the same bytes, no warning inside it" cmp -s ref/big.blob warn/big.blob

# stdin and stdout closed: the blob would take fd 1, and the map
# (-m, printed after the blob is opened) would go into it.
mkdir map
"$insmod" --batch -n -m -O map $ks big.ko <&- >&- 2> map.err
echo $? > status
check "stdin and stdout closed, -m: status 0, nothing said but the count" \
	sh -c 'grep -qx 0 status && ! grep -v -e "warning:" -e "^insmod: 1 linked, 0 failed, in " map.err'
check "... and the blob is the same bytes, no map inside it" cmp -s ref/big.blob map/big.blob

# With /dev/null missing (a bare chroot, a broken /dev), a closed
# descriptor cannot be made safe: refused, saying why, on stderr if open.
if private_mounts; then
	mkdir emptydev
	unshare -m sh -c 'mount --bind "$1/emptydev" /dev || exit
		"$2" -n -O nodev.blob $3 big.ko <&- > out 2> err
		echo $? > status' sh "$work" "$insmod" "$ks"
	check "stdin closed, no /dev/null: status 1, no blob" \
		sh -c 'grep -qx 1 status && [ ! -e nodev.blob ]'
	check "... saying why" grep -q "standard input is closed and /dev/null cannot be opened" err
else
	echo "SKIP: the /dev/null check needs a mount namespace of its own (root, unshare, / a mount point)"
fi
exit 0
