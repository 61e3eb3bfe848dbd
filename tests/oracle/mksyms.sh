#!/bin/sh
# Writes a fixed, made-up /proc/kallsyms for one architecture from its
# Module.symvers: every export gets an address (vmlinux ones with their
# __ksymtab_ entry, module ones as an upper-case line of that module), so
# that the oracle links every module of the package without a running
# kernel.  mksyms.sh amd64|i386|arm64 Module.symvers > kallsyms
set -eu
case $1 in
amd64) hi=ffffffff; vm=2164260864; mo=3288334336 ;;	# 0x81000000, 0xc4000000
i386) hi=; vm=3238002688; mo=4194304000 ;;		# 0xc1000000, 0xfa000000
arm64) hi=ffff8000; vm=134217728; mo=100663296 ;;	# 0x08000000, 0x06000000
*) echo "mksyms.sh: unknown architecture $1" >&2; exit 2 ;;
esac
awk -F '\t' -v hi="$hi" -v vm="$vm" -v mo="$mo" '
$1 ~ /^0x/ {
	if ($3 == "vmlinux") {
		printf "%s%08x T %s\n", hi, vm + 16 * nv, $2
		printf "%s%08x r __ksymtab_%s\n", hi, vm + 16 * nv + 8, $2
		nv++
	} else {
		m = $3; sub(/.*\//, "", m); gsub(/-/, "_", m)
		printf "%s%08x T %s\t[%s]\n", hi, mo + 16 * nm, $2, m
		nm++
	}
}' "$2"
