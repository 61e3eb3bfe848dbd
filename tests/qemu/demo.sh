#!/bin/sh
# The main job, shown: boots Debian's own kernel under QEMU and, inside it,
# has our insmod load real modules with parameters, then shows them in
# /proc/modules and their parameter values in /sys/module/*/parameters.
#
#   sh tests/qemu/demo.sh [PATH_TO_INSMOD]      (default build/insmod)
#
# The first run downloads Debian's kernel packages (about 85 MB, with
# apt-get download, into ${INSMOD_TEST_CACHE:-.cache}) and builds the test
# modules against their headers; later runs boot in a few seconds.
# Nothing is installed on this machine and its own kernel is not touched.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
insmod=${1:-$top/build/insmod}
case $insmod in /*) ;; *) insmod=$(pwd)/$insmod ;; esac
if [ ! -x "$insmod" ]; then
	echo "demo: no insmod binary at $insmod (run make first)" >&2
	exit 1
fi
export IM_TOP=$top
. "$top/tests/qemu/build-modules.sh" || exit 1

echo "demo: this machine runs $(uname -r); to show a real load without touching it,"
echo "demo: Debian's kernel $KREL boots under QEMU (TCG) and runs our insmod as root."
echo

guest=$(mktemp "${TMPDIR:-/tmp}/insmod-demo.XXXXXX") || exit 1
trap 'rm -f "$guest"' EXIT
cat > "$guest" << 'EOF'
failed=0
run() {	# shows the command, runs it, shows a non-zero status
	printf '\n# %s\n' "$*"
	"$@"
	rc=$?
	[ $rc -eq 0 ] || { echo "(exit status $rc)"; failed=1; }
	return 0
}
echo "guest: kernel $(uname -r), $(grep -c . /proc/modules) modules loaded at start; insmod is $IM"
run "$IM" --version

echo
echo "=== 1. A test module with typed parameters (tests/modules/im_params.c)"
run "$IM" -v /modules/im_params.ko p_int=-42 p_hexint=0xff p_ushort=0777 \
	p_ullong=0x123456789abcdef0 p_bool=y 'p_string="hello world"' \
	'p_charp="tab:\there"' a_int=1,-2,0x10 a_charp=red,green,blue a_bool=y,n,y
run grep '^im_params ' /proc/modules
printf '\n# parameter values, as the kernel shows them:\n'
for f in /sys/module/im_params/parameters/*; do
	printf '%-45s %s\n' "$f" "$(cat "$f")"
done

echo
echo "=== 2. An in-tree Debian module, signed, found by bare name"
run "$IM" -v dummy numdummies=2
run grep '^dummy ' /proc/modules
run ls /sys/class/net

echo
echo "=== 3. What the kernel logged"
dmesg | grep -E 'im_params:' | tail -n 8
exit $failed
EOF
sh "$top/tests/qemu/vm.sh" -i "$insmod" -t 300 "$guest"
rc=$?
echo
if [ $rc -eq 0 ]; then
	echo "demo: done: insmod loaded both modules in Debian's kernel $KREL."
else
	echo "demo: FAILED (status $rc)"
fi
exit $rc
