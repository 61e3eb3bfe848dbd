#!/bin/sh
# Parameter values too big for the module's own variables (an array's
# maximum count, a module_param_string buffer) are refused before any load
# or probe, naming the limit, as the kernel would refuse them (EINVAL,
# ENOSPC).  The sizes come from the module's __param descriptors.  (The
# real load is tested in the kernel too: tests/qemu/test-params.sh.)
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/tests/cli/fixtures/linker.sh"	# into a scratch directory of its own

# struct kernel_param (64-bit): name, mod, ops, perm/level/flags, arg.
param() {	# param NAME DESCRIPTOR
	printf '\t.section .rodata.str,"a"\n%s_name: .asciz "%s"\n' "$1" "$1"
	printf '\t.section __param,"a"\n\t.balign 8\n\t.quad %s_name, 0, 0, 0x124, %s\n' "$1" "$2"
}
body="	ret
$(param arr arr_desc)
$(param str str_desc)
	.data
	.balign 8
arr_desc: .long 3, 4		# kparam_array: max 3, elemsize 4
	.quad arr_num, 0, arr_elems
arr_num: .long 0
arr_elems: .zero 12
str_desc: .long 8, 0		# kparam_string: maxlen 8
	.quad str_buf
str_buf: .zero 8
	.text"
module limited GPL "$body" '.asciz "parmtype=arr:array of int"
	.asciz "parmtype=str:string"'

for mode in -p -n; do
	run $mode $syms limited.ko arr=1,2,3 str=1234567
	check "$mode: values that fit (3 of 3, 7 characters of 8 bytes): status 0" grep -qx 0 status
	run $mode $syms limited.ko arr=1,2,3,4
	check "$mode: 4 values for an array of 3: status 1" grep -qx 1 status
	check "$mode: ... the message names the maximum" grep -q "parameter arr: 4 values, the array holds at most 3" err
	run $mode $syms limited.ko str=12345678
	check "$mode: 8 characters for a buffer of 8 bytes: status 1, the maximum named" \
		sh -c 'grep -qx 1 status && grep -q "parameter str: 8 characters, at most 7 fit" err'
done
exit 0
