#!/bin/sh
# Messages a user meets when something is wrong with the command: each
# says what is wrong and what to do, in insmod's own words.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/tests/cli/fixtures/linker.sh"	# into a scratch directory of its own

module good GPL '	call printk@PLT'

run --bogus good.ko
check "an unknown long option: 'insmod: unknown option: --bogus', status 1" \
	sh -c 'grep -qx 1 status && head -n 1 err | grep -qx "insmod: unknown option: --bogus"'
run -Z good.ko
check "an unknown short option: 'insmod: unknown option: -Z'" sh -c 'head -n 1 err | grep -qx "insmod: unknown option: -Z"'
run good.ko -o
check "a missing argument: 'insmod: option needs an argument: -o'" \
	sh -c 'head -n 1 err | grep -qx "insmod: option needs an argument: -o"'
run --kernel-symbols
check "a long option's missing argument is named as given" \
	sh -c 'head -n 1 err | grep -qx "insmod: option needs an argument: --kernel-symbols"'
check "no message names the program by its path" sh -c '! grep -q "$1" err' sh "$insmod:"

run --batch -p $syms good.ko count=3
check "--batch with symbol=value: says that --batch takes no parameters" \
	sh -c 'grep -qx 1 status && grep -q "batch takes modules only, no parameters" err'

run -p -m -O x.blob $syms good.ko
check "-p with -m and -O: status 0, and says that neither is written" \
	sh -c 'grep -qx 0 status && grep -q "the map (-m) and the image (-O) are not written" err && [ ! -e x.blob ]'

run -n $syms nosuch.ko
check "a missing nosuch.ko: says that a name with an extension is a path, not searched for" \
	sh -c 'grep -qx 1 status && grep -q "taken as a path and is not searched for" err'
check "... and that without it /lib/modules/6.1.0-t would be searched" \
	grep -q "without its extension to search /lib/modules/6.1.0-t, or where modules.conf's path lines say" err
MODPATH=/opt/mods:/srv/mods run -n $syms nosuch.ko
check "... with MODPATH set, that MODPATH would be searched, not /lib/modules" \
	sh -c 'grep -q "without its extension to search MODPATH, /opt/mods:/srv/mods)" err && ! grep -q /lib/modules err'

# -s where no syslog daemon listens: the messages still reach stderr.  In a
# mount namespace with a /dev of the test's own, which has no /dev/log.
if private_mounts; then
	mkdir fakedev && mknod fakedev/null c 1 3
	unshare -m sh -c 'mount --bind "$1/fakedev" /dev && "$2" -s -n nosuch-module > out 2> err; echo $? > status' \
		sh "$work" "$insmod"
	check "-s with no syslog daemon: the error reaches stderr all the same" \
		sh -c 'grep -qx 1 status && grep -q "nosuch-module: no module by that name found" err'
	check "... after a warning that says why" grep -q "no syslog daemon listens on /dev/log" err
else
	echo "SKIP: -s without a syslog daemon needs a mount namespace of its own (root, unshare, / a mount point)"
fi

# -p's unresolved symbols, grouped by the module that provides them, as a
# refused load says it (load-shim.sh): a /lib/modules of the test's own,
# in a mount namespace.
module needy GPL '	call printk@PLT
	call prov_a@PLT
	call prov_b@PLT
	call other_c@PLT
	call nowhere_d@PLT'
if private_mounts; then
	m=mods/6.1.0-t
	mkdir -p $m/kernel/drivers
	printf 'alias symbol:prov_a provmod\nalias symbol:prov_b provmod\nalias symbol:other_c othermod\n' > $m/modules.symbols
	printf 'kernel/drivers/provmod.ko:\nkernel/drivers/othermod.ko.xz: kernel/drivers/provmod.ko\n' > $m/modules.dep
	made=
	[ -d /lib/modules ] || { mkdir /lib/modules && made=1; }	# a mount point, removed after
	unshare -m sh -c 'mount --bind "$1/mods" /lib/modules && "$2" -p $3 needy.ko > out 2> err; echo $? > status' \
		sh "$work" "$insmod" "$syms"
	[ -z "$made" ] || rmdir /lib/modules
	check "-p, symbols missing: status 1, each unresolved symbol named" \
		sh -c 'grep -qx 1 status && [ "$(grep -c "unresolved symbol" err)" = 4 ]'
	check "... prov_a and prov_b in one line, with the module to load first" \
		grep -qx "insmod: prov_a, prov_b: provided by module provmod (/lib/modules/6.1.0-t/kernel/drivers/provmod.ko): load it first (modprobe provmod)" err
	check "... other_c's provider on a line of its own" grep -q "^insmod: other_c: provided by module othermod " err
	check "... and the symbol no module provides" grep -qx "insmod: nowhere_d: no module of this kernel provides it" err
	run -p -q $syms needy.ko
	check "-q hides them all, the status still tells" sh -c 'grep -qx 1 status && [ ! -s err ]'
else
	echo "SKIP: -p's providers need a mount namespace of their own (root, unshare, / a mount point)"
fi

# A typo in a bare name: the nearest names of modules.dep are suggested.
mkdir -p tree/6.1.0-t
printf 'kernel/drivers/net/dummy.ko:\nkernel/fs/xfs/xfs.ko.xz: kernel/lib/libcrc32c.ko\nkernel/drivers/usb/storage/usb-storage.ko:\n' \
	> tree/6.1.0-t/modules.dep
MODPATH=$work/tree/6.1.0-t "$insmod" -p $syms dumy > out 2> err
check "a typo (dumy): 'did you mean dummy?'" grep -qx "insmod: did you mean dummy?" err
MODPATH=$work/tree/6.1.0-t "$insmod" -p $syms usb_storag > out 2> err
check "'-' and '_' alike (usb_storag): 'did you mean usb-storage?'" grep -qx "insmod: did you mean usb-storage?" err
MODPATH=$work/tree/6.1.0-t "$insmod" -p $syms zzzzzz > out 2> err
check "nothing near: no suggestion" sh -c '! grep -q "did you mean" err'
exit 0
