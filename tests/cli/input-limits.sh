#!/bin/sh
# What insmod reads besides the module: kernel symbol files, modules.conf
# and modules.dep.  Files that hold no symbols are said so and the others
# still serve; files that are not what they claim (a device, a huge line)
# are refused with the limit named, not read until memory runs out.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/tests/cli/fixtures/linker.sh"	# into a scratch directory of its own

module good GPL '	call printk@PLT'
rel=--kernel-release=6.1.0-t

# ---- Debian's System.map placeholder, an empty file --------------------
echo "The real System.map is in the linux-image-6.1.0-57-amd64-dbg package" > System.map
run -p --kernel-symbols=System.map --kernel-symbols=Module.symvers $rel good.ko
check "-p with Debian's placeholder System.map and Module.symvers: status 0" grep -qx 0 status
check "... the placeholder is said to hold no symbols" grep -q "System.map: holds no kernel symbols" err
check "... and no unresolved symbol is reported" sh -c '! grep -q unresolved err'
: > empty
run -p --kernel-symbols=empty --kernel-symbols=Module.symvers $rel good.ko
check "-p with an empty symbol file beside Module.symvers: status 0, the empty file named" \
	sh -c 'grep -qx 0 status && grep -q "empty: is empty" err'
run -n --kernel-symbols=System.map --kernel-symbols=Module.symvers $rel good.ko
check "-n with the placeholder: no addresses, said so (status 1)" \
	sh -c 'grep -qx 1 status && grep -q "give no addresses" err'
head -c 8192 /dev/urandom | tr -d '\000' > junk
run -p --kernel-symbols=junk $rel good.ko
check "a larger file that is not a symbol table is still refused" \
	sh -c 'grep -qx 1 status && grep -q "not a kernel symbol table" err'

# ---- unbounded inputs ------------------------------------------------------
# Under a 1 GiB address-space limit, so that a regression fails here
# instead of eating the machine's memory.
# (AddressSanitizer reserves terabytes of address space and cannot start
# under such a limit: there, the 60 s time limit alone guards.)
# (The probe runs in a shell of its own, whose report of the sanitizer's
# abort goes to /dev/null with the rest.)
if sh -c 'ulimit -v 1048576; "$1" --version; exit $?' sh "$insmod" > /dev/null 2>&1; then
	limited() { (ulimit -v 1048576; timeout 60 "$insmod" "$@" > out 2> err; echo $? > status); }
else
	limited() { timeout 60 "$insmod" "$@" > out 2> err; echo $? > status; }
fi
limited -p --kernel-symbols=/dev/zero $rel good.ko
check "--kernel-symbols=/dev/zero: refused (status 1), the line limit named" \
	sh -c 'grep -qx 1 status && grep -q "a line longer than 64 KiB" err'
limited --batch -p --kernel-symbols=/dev/zero $rel good.ko
check "--batch --kernel-symbols=/dev/zero: refused, a limit named" \
	sh -c 'grep -qx 1 status && grep -qE "larger than 256 MiB|longer than 64 KiB" err'

mkdir -p root/lib/modules/6.1.0-t/kernel
cp good.ko root/lib/modules/6.1.0-t/kernel/
{ echo "kernel/good.ko:"; head -c 100000 /dev/zero | tr '\0' 'x'; echo; } > root/lib/modules/6.1.0-t/modules.dep
MODPATH=$work/root/lib/modules/6.1.0-t limited -p --kernel-symbols=kallsyms $rel nosuch
check "modules.dep with a 100 KB line: refused with the line named" \
	sh -c 'grep -qx 1 status && grep -q "modules.dep: line 2 is longer than 64 KiB" err'
{ echo "path=$work/root/lib/modules/6.1.0-t"; head -c 100000 /dev/zero | tr '\0' 'x'; echo; } > modules.conf
MODULECONF=$work/modules.conf limited -p --kernel-symbols=kallsyms $rel good
check "a configuration file with a 100 KB line: refused with the line named" \
	sh -c 'grep -qx 1 status && grep -q "modules.conf: line 2 is longer than 64 KiB" err'
MODULECONF=/dev/zero limited -p --kernel-symbols=kallsyms $rel good
check "MODULECONF=/dev/zero: refused, not read for ever" \
	sh -c 'grep -qx 1 status && grep -q "longer than 64 KiB" err'

# ---- a symbol file that changes while it is read -------------------------
# Read, not mapped: a file truncated under a mapping killed insmod with
# SIGBUS.  A preloaded library truncates victim.symvers the first time
# insmod maps or reads it, so the change always lands mid-run.
export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0"
victim() {	# a Module.symvers of 20,000 lines, so that its pages outlast a cut
	awk 'BEGIN { for (i = 1; i <= 20000; i++) printf "0x%08x\tsym%d\tvmlinux\tEXPORT_SYMBOL\t\n", i, i }' > victim.symvers
	cat Module.symvers >> victim.symvers
}
if cc -shared -fPIC -o trunc.so "$top/tests/cli/fixtures/truncate-on-read.c" -ldl 2> /dev/null; then
	for mode in "" --batch; do
		victim
		TRUNCATE_NAME=victim.symvers LD_PRELOAD=$work/trunc.so "$insmod" $mode -p --kernel-symbols=victim.symvers $rel good.ko > out 2> err
		echo $? > status
		check "${mode:-a filtered table}: a symbol file truncated while read: status 1, no crash (status $(cat status))" \
			grep -qx 1 status
		check "... saying it changed" grep -q "victim.symvers: the file changed size while it was read" err
	done
else
	fail "cannot build the preload library for the truncated symbol file"
fi
exit 0
