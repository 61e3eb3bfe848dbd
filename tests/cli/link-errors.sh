#!/bin/sh
# The linker's refusals and checks (-n, -p, -m, -O), on small x86_64
# modules assembled here and a made-up symbol table: each error gives its
# message and exit status 1, and never leaves a blob file behind.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/tests/cli/fixtures/linker.sh"	# into a scratch directory of its own

module good GPL '	call printk@PLT
	.globl init_module
init_module:
	ret
	.data
	.quad printk
	.quad mod_export
	.weak maybe
	.quad maybe'
run -n -m -O blob $syms good.ko
check "a good module links (status 0)" status_is 0
check "the blob is written" test -s blob
check "the blob is mode 0644 before umask" test "$(umask 022; rm -f blob; "$insmod" -n -O blob $syms good.ko; stat -c %a blob)" = 644
check "the map starts with the Sections: header" sh -c "head -1 out | grep -q '^Sections:       Size      Address           Align$'"
check "the header section comes first, at 0x12340000" sh -c "sed -n 2p out | grep -q '^.gnu.linkonce.this_module 00000080  0000000012340000  2\*\*6$'"
check "the map lists __this_module as D at the base" grep -q '^0000000012340000 D __this_module$' out
check "the map lists init_module as T" grep -q ' T init_module$' out
check "the map lists a kernel symbol as U with its address" grep -q '^ffffffff81000000 U printk$' out
check "an unresolved weak symbol is 0 in the map" grep -q '^0000000000000000 U maybe$' out
check "a loaded module's exported symbol resolves" grep -q '^ffffffffc0001000 U mod_export$' out
rm -f blob
run -p $syms good.ko
check "-p of a good module: status 0, no output" sh -c '[ "$(cat status)" = 0 ] && [ ! -s out ]'
check "-p writes no blob even with -O" sh -c "'$insmod' -p -O blob $syms good.ko && [ ! -e blob ]"

module missing GPL '	call no_such_symbol@PLT
	call not_exported@PLT
	call mod_local@PLT'
echo old > blob
run -n -O blob $syms missing.ko
check "unresolved symbols: status 1" status_is 1
check "unresolved symbols: one line each, FILE: unresolved symbol NAME" \
	sh -c "grep -q 'missing.ko: unresolved symbol no_such_symbol$' err && grep -q 'missing.ko: unresolved symbol not_exported$' err && grep -q 'missing.ko: unresolved symbol mod_local$' err"
check "unresolved symbols: the old blob file is untouched" test "$(cat blob)" = old
rm -f blob
run -q -n $syms missing.ko
check "-q silences unresolved symbol lines (status still 1)" sh -c '[ "$(cat status)" = 1 ] && ! grep -q unresolved err'
run -p $syms missing.ko
check "-p of a module with unresolved symbols: status 1" status_is 1

module crc GPL '	call printk@PLT' '.section __versions,"a"
	.quad 0x12345678
	.asciz "printk"
	.zero 49
	.quad 0x44444444
	.asciz "module_layout"
	.zero 42'
run -n -O blob $syms crc.ko
check "CRC mismatch: status 1" status_is 1
check "CRC mismatch names the symbol and both CRCs" err_has 'disagrees about version of symbol printk (module has CRC 0x12345678, kernel 0x11111111)'
check "CRC mismatch: no blob" no_blob
run -f -n -O blob $syms crc.ko
check "-f turns a CRC mismatch into a warning" sh -c '[ "$(cat status)" = 0 ] && grep -q "disagrees about version of symbol printk" err && [ -e blob ]'
rm -f blob

module layoutcrc GPL '	ret' '.section __versions,"a"
	.quad 0x99999999
	.asciz "module_layout"
	.zero 42'
run -p $syms layoutcrc.ko
check "module_layout CRC mismatch is caught" sh -c '[ "$(cat status)" = 1 ] && grep -q "version of symbol module_layout" err'

module prop Proprietary '	call gpl_only@PLT
	call printk@PLT'
run -n -O blob $syms prop.ko
check "GPL-only symbol from a proprietary module: status 1" status_is 1
check "GPL-only symbol: message names the symbol" err_has 'uses GPL-only symbol gpl_only'
check "GPL-only symbol: no blob" no_blob
module gplmod "Dual MIT/GPL" '	call gpl_only@PLT'
run -p $syms gplmod.ko
check "a GPL-compatible license may use GPL-only symbols" status_is 0

module ns GPL '	call in_namespace@PLT'
run -p $syms ns.ko
check "namespace not imported: status 1 and the namespace named" sh -c '[ "$(cat status)" = 1 ] && grep -q "from namespace MY_NS" err'
module nsok GPL '	call in_namespace@PLT' '.asciz "import_ns=MY_NS"'
run -p $syms nsok.ko
check "namespace imported: accepted" status_is 0

module gotpc GPL '	movq printk@GOTPCREL(%rip), %rax'
run -n -O blob $syms gotpc.ko
check "unknown relocation type: status 1" status_is 1
check "unknown relocation type: names type, section+offset and symbol" err_has 'relocation R_X86_64_REX_GOTPCRELX at .text+0x3 against printk: unknown relocation type 42'
check "unknown relocation type: no blob" no_blob

module ovf GPL '	movl $printk, %eax'
run -n -O blob $syms ovf.ko
check "overflow: status 1" status_is 1
check "overflow: names R_X86_64_32 and the value" err_has 'relocation R_X86_64_32 at .text+0x1 against printk: value 0xffffffff81000000 is out of range \[0, 0xffffffff\]'
check "overflow: no blob" no_blob

module common GPL '	.comm shared_thing,8,8'
run -p $syms common.ko
check "a common symbol is refused" sh -c '[ "$(cat status)" = 1 ] && grep -q "shared_thing is a common symbol" err'

module vermag GPL '	ret'
run -p --kernel-symbols=kallsyms --kernel-release=6.2.0 vermag.ko
check "vermagic of another release (no modversions): status 1" sh -c '[ "$(cat status)" = 1 ] && grep -q "built for kernel 6.1.0-t, not 6.2.0" err'

run -n -O blob --kernel-symbols=hidden --kernel-release=6.1.0-t good.ko
check "hidden addresses: -n refuses, saying to run as root or give --kernel-symbols" \
	sh -c '[ "$(cat status)" = 1 ] && grep -q "run as root, or give --kernel-symbols" err'
check "hidden addresses: no blob" no_blob
run -p --kernel-symbols=hidden --kernel-release=6.1.0-t good.ko
check "hidden addresses: -p still resolves by name" status_is 0

# parameters are written into their variables in the image
module params GPL '	ret
	.section __param,"a"
	.balign 8
	.quad name_int, __this_module, param_ops_int
	.short 0444
	.byte 0xff, 0
	.zero 4
	.quad myint
	.quad name_arr, __this_module, param_array_ops
	.short 0444
	.byte 0xff, 0
	.zero 4
	.quad arr_desc
	.section .rodata
name_int: .asciz "myint"
name_arr: .asciz "myarr"
	.balign 8
arr_desc: .long 4, 2
	.quad arr_count, param_ops_short, arr
	.data
	.balign 8
myint: .long 4
arr_count: .long 0
arr: .short 9, 9, 9, 9' '.asciz "parmtype=myint:int"
	.asciz "parmtype=myarr:array of short"'
printf 'ffffffff81000100 D param_ops_int\nffffffff81000108 r __ksymtab_param_ops_int\nffffffff81000110 D param_array_ops\nffffffff81000118 r __ksymtab_param_array_ops\nffffffff81000120 D param_ops_short\nffffffff81000128 r __ksymtab_param_ops_short\n' >> kallsyms
run -n -m -O blob $syms params.ko myint=-2 myarr=5,-6
at() {	# at SYMBOL BYTES: the blob's bytes at a symbol of the map, in hex
	a=$(awk -v s="$1" '$3 == s { print $1 }' out)
	od -An -tx1 -j $((0x$a - 0x12340000)) -N "$2" blob | tr -d ' \n'
}
check "parameters: linked (status 0)" status_is 0
check "parameters: an int is written into its variable" test "$(at myint 4)" = feffffff
check "parameters: an array's elements are written" test "$(at arr 8)" = 0500faff09000900
check "parameters: an array's count is written" test "$(at arr_count 4)" = 02000000
rm -f blob
run -n -O blob $syms params.ko myarr=1,2,3,4,5
check "parameters: too many array elements are refused" sh -c '[ "$(cat status)" = 1 ] && [ ! -e blob ]'
rm -f blob

mkdir ro && chmod 555 ro
if [ "$(id -u)" != 0 ]; then
	run -n -O ro/blob $syms good.ko
	check "an unwritable directory: status 1, no file" sh -c '[ "$(cat status)" = 1 ] && [ -z "$(ls -A ro)" ]'
fi
run -n -O nodir/blob $syms good.ko
check "-O into a missing directory: status 1 and a message" sh -c '[ "$(cat status)" = 1 ] && grep -q "nodir/blob" err'
ln -s /nonexistent/target link
run -n -O link $syms good.ko
check "-O over a symlink replaces the link, not its target" sh -c '[ "$(cat status)" = 0 ] && [ -f link ] && [ ! -L link ]'

# Names that are not regular files: a stream is written in place, never
# replaced (as root, renaming over /dev/null would turn it into a file).
# The test uses names of its own that stand for /dev/stdout and /dev/null,
# so that a regression cannot damage the machine's /dev.
run -n -O blob $syms good.ko
mv blob reference
ln -s /proc/self/fd/1 stdout-link
"$insmod" -n -O stdout-link $syms good.ko > streamed 2> err; echo $? > status
check "-O /dev/stdout (a link to our output, a file here): the blob on standard output" sh -c '[ "$(cat status)" = 0 ] && cmp -s streamed reference'
check "-O /dev/stdout: the link is still a link" test -L stdout-link
"$insmod" -n -O stdout-link $syms good.ko 2> err | cat > streamed
check "-O /dev/stdout into a pipe: the blob, byte for byte" sh -c 'cmp -s streamed reference && [ -L stdout-link ]'
"$insmod" -n -m -O stdout-link $syms good.ko > streamed 2> err
check "-m -O /dev/stdout: the map comes first, then the blob" sh -c \
	'head -c 9 streamed | grep -q "^Sections:" && tail -c "$(wc -c < reference)" streamed | cmp -s - reference'
if mknod null-dev c 1 3 2> /dev/null; then
	run -n -O null-dev $syms good.ko
	check "-O /dev/null (a null device node): status 0, the node stays a device" sh -c '[ "$(cat status)" = 0 ] && [ -c null-dev ]'
fi
mkfifo pipe
cat pipe > piped &
run -n -O pipe $syms good.ko
wait
check "-O into a named pipe: the blob goes through it, the pipe stays" sh -c '[ "$(cat status)" = 0 ] && cmp -s piped reference && [ -p pipe ]'
mkdir adir
run -n -O adir $syms good.ko
check "-O naming a directory: status 1, a message that says so" sh -c '[ "$(cat status)" = 1 ] && grep -q "adir: a directory" err && [ -d adir ]'
if mknod zero-dev c 1 5 2> /dev/null; then
	run -n -O zero-dev $syms good.ko
	check "-O naming another device: refused, the device untouched" sh -c '[ "$(cat status)" = 1 ] && grep -q "a character device" err && [ -c zero-dev ]'
fi
exit 0
