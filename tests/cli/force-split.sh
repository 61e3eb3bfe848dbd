#!/bin/sh
# --force-vermagic and --force-modversion in the dry-run linker (-n, -p):
# each turns only its own check into a warning, as the kernel's
# MODULE_INIT_IGNORE_VERMAGIC and MODULE_INIT_IGNORE_MODVERSIONS do; -f
# is both.  (tests/cli/load-shim.sh checks the flags a real load passes;
# tests/cli/mod24-link.sh the 2.4 kernel version check.)
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/tests/cli/fixtures/linker.sh"	# into a scratch directory of its own

crcs() {	# crcs PRINTK-CRC: a __versions section for printk and module_layout
	printf '%s' ".section __versions,\"a\"
	.quad $1
	.asciz \"printk\"
	.zero 49
	.quad 0x44444444
	.asciz \"module_layout\"
	.zero 42"
}
module plain GPL '	call printk@PLT'
module badcrc GPL '	call printk@PLT' "$(crcs 0x12345678)"
module goodcrc GPL '	call printk@PLT' "$(crcs 0x11111111)"
syms_other=$(echo "$syms" | sed 's/6\.1\.0-t/6.2.0-other/')
vm_error='built for kernel 6.1.0-t, not 6.2.0-other'
crc_error='disagrees about version of symbol printk'

# plain.ko was built for another release than the one checked against.
run -n $syms_other plain.ko
check "another release, no symbol versions: status 1" status_is 1
run -n --force-modversion $syms_other plain.ko
check "--force-modversion does not override the version magic" sh -c '[ "$(cat status)" = 1 ] && grep -q "'"$vm_error"'" err'
run -n --force-vermagic $syms_other plain.ko
check "--force-vermagic overrides the version magic (status 0, a warning)" sh -c '[ "$(cat status)" = 0 ] && grep -q "warning: .*'"$vm_error"'" err'
run -p -q --force-vermagic $syms_other plain.ko
check "-p --force-vermagic: the same verdict" status_is 0

# badcrc.ko disagrees with the kernel about printk's CRC.
run -n --force-vermagic $syms badcrc.ko
check "--force-vermagic does not override a CRC mismatch" sh -c '[ "$(cat status)" = 1 ] && grep -q "'"$crc_error"'" err'
run -n --force-modversion $syms badcrc.ko
check "--force-modversion overrides a CRC mismatch (status 0, a warning)" sh -c '[ "$(cat status)" = 0 ] && grep -q "warning: .*'"$crc_error"'" err'
run -p --force-modversion $syms badcrc.ko
check "-p --force-modversion: the same verdict" status_is 0

# Both at once: each option alone fails on the other's check; -f and the
# two together pass.
run -n --force-vermagic $syms_other badcrc.ko
check "both wrong, --force-vermagic: the CRC still fails" sh -c '[ "$(cat status)" = 1 ] && grep -q "'"$crc_error"'" err'
run -n --force-modversion $syms_other badcrc.ko
check "both wrong, --force-modversion: the version magic still fails" sh -c '[ "$(cat status)" = 1 ] && grep -q "'"$vm_error"'" err && ! grep -q "error.*'"$crc_error"'" err'
run -n -f $syms_other badcrc.ko
check "both wrong, -f: status 0" status_is 0
run -n --force-vermagic --force-modversion $syms_other badcrc.ko
check "both wrong, both options: status 0" status_is 0

# With symbol versions the kernel compares only what follows the release
# in the version magic; ignoring them (--force-modversion) makes the whole
# string count again, release included.
run -n $syms_other goodcrc.ko
check "another release, good CRCs: the CRCs decide (status 0)" status_is 0
run -n --force-modversion $syms_other goodcrc.ko
check "another release, CRCs ignored: the release counts again (status 1)" sh -c '[ "$(cat status)" = 1 ] && grep -q "'"$vm_error"'" err'
run -n -f $syms_other goodcrc.ko
check "another release, CRCs ignored, -f: status 0" status_is 0
exit 0
