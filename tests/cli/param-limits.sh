#!/bin/sh
# Parameter values too big for the module's own variables (an array's
# maximum count, a module_param_string buffer) are refused before any load
# or probe, naming the limit, as the kernel would refuse them (EINVAL,
# ENOSPC).  The sizes come from the module's __param descriptors.  (The
# real load is tested in the kernel too: tests/qemu/test-params.sh.)
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/tests/cli/fixtures/linker.sh"	# into a scratch directory of its own

# struct kernel_param (64-bit), since Linux 4.2: name, mod, ops,
# perm/level/flags, arg (40 bytes).
param() {	# param NAME DESCRIPTOR
	printf '\t.section .rodata.str,"a"\n%s_name: .asciz "%s"\n' "$1" "$1"
	printf '\t.section __param,"a"\n\t.balign 8\n\t.quad %s_name, 0, 0, 0x124, %s\n' "$1" "$2"
}
# Before Linux 4.2 there was no mod field: name, ops, perm/level/flags,
# arg (32 bytes); ops points at the kernel's param_ops_*, which the
# made-up kernel then exports.
printf 'ffffffff81000050 D param_ops_int\nffffffff81000058 r __ksymtab_param_ops_int\n' >> kallsyms
printf '0x55555555\tparam_ops_int\tvmlinux\tEXPORT_SYMBOL\t\n' >> Module.symvers
param_old() {	# param_old NAME DESCRIPTOR
	printf '\t.section .rodata.str,"a"\n%s_name: .asciz "%s"\n' "$1" "$1"
	printf '\t.section __param,"a"\n\t.balign 8\n\t.quad %s_name, param_ops_int, 0x124, %s\n' "$1" "$2"
}
descriptors="	.data
	.balign 8
arr_desc: .long 3, 4		# kparam_array: max 3, elemsize 4
	.quad arr_num, 0, arr_elems
arr_num: .long 0
arr_elems: .zero 12
str_desc: .long 8, 0		# kparam_string: maxlen 8
	.quad str_buf
str_buf: .zero 8
	.text"
parmtypes='.asciz "parmtype=arr:array of int"
	.asciz "parmtype=str:string"'
module limited GPL "	ret
$(param arr arr_desc)
$(param str str_desc)
$descriptors" "$parmtypes"
module limited_old GPL "	ret
$(param_old arr arr_desc)
$(param_old str str_desc)
$descriptors" "$parmtypes"

for m in limited limited_old; do
	[ $m = limited ] && what= || what=" (the layout before Linux 4.2)"
	for mode in -p -n; do
		run $mode $syms $m.ko arr=1,2,3 str=1234567
		check "$mode$what: values that fit (3 of 3, 7 characters of 8 bytes): status 0" grep -qx 0 status
		run $mode $syms $m.ko arr=1,2,3,4
		check "$mode$what: 4 values for an array of 3: status 1" grep -qx 1 status
		check "$mode$what: ... the message names the maximum" \
			grep -q "parameter arr: 4 values, the array holds at most 3" err
		run $mode $syms $m.ko str=12345678
		check "$mode$what: 8 characters for a buffer of 8 bytes: status 1, the maximum named" \
			sh -c 'grep -qx 1 status && grep -q "parameter str: 8 characters, at most 7 fit" err'
	done
	run -n -O $m.blob $syms $m.ko arr=7,8,9
	check "-n -O$what: arr=7,8,9 is in the image (07000000 08000000 09000000)" \
		sh -c "od -An -tx1 -v $m.blob | tr -d ' \\n' | grep -q 070000000800000009000000"
done
exit 0
