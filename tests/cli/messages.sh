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

# -s where no syslog daemon listens: the messages still reach stderr.  In a
# mount namespace with a /dev of the test's own, which has no /dev/log.
if [ "$(id -u)" -eq 0 ] && command -v unshare > /dev/null; then
	mkdir fakedev && mknod fakedev/null c 1 3
	unshare -m sh -c 'mount --bind "$1/fakedev" /dev && "$2" -s -n nosuch-module > out 2> err; echo $? > status' \
		sh "$work" "$insmod"
	check "-s with no syslog daemon: the error reaches stderr all the same" \
		sh -c 'grep -qx 1 status && grep -q "nosuch-module: no module by that name found" err'
	check "... after a warning that says why" grep -q "no syslog daemon listens on /dev/log" err
else
	echo "SKIP: -s without a syslog daemon needs root and unshare(1) (a private /dev)"
fi
exit 0
