#!/bin/sh
# Boots Debian's kernel under QEMU (TCG), runs one guest shell script as
# root, and prints the script's output here.
#
#   sh tests/qemu/vm.sh [options] GUEST_SCRIPT
#     -i FILE          an insmod binary to install as /usr/local/sbin/insmod
#                      (with the shared libraries ldd names); default $INSMOD
#     -f HOST[:GUEST]  add a host file or directory at GUEST (default
#                      /host/BASENAME); repeatable
#     -e NAME=VALUE    an environment variable for the guest script; repeatable
#     -o DIR           copy what the script left in the guest's /out to DIR
#     -t SECONDS       time limit for the whole run (default 300)
#     -m MB            guest memory (default 1024)
#     -c FILE          keep the kernel console log in FILE
#     -a ARGS          more kernel command-line arguments
#     -q               do not print the stage timings on stderr
#
# Exit status: the guest script's own; 124 when the time limit was hit;
# 125 when the kernel never reached user space, the guest died before the
# script finished, or the harness itself failed.  In each of those cases a
# message starting "vm.sh: " and the end of the kernel console go to stderr.
#
# The guest (a busybox-static initramfs, uncompressed cpio):
#   /bin, /sbin, /usr/...   busybox applets (note: busybox's shell runs its
#                           own insmod applet for a bare `insmod`: call ours
#                           by its absolute path, $IM)
#   /usr/local/sbin/insmod  our insmod, when given; IM is set to this path
#   /lib/modules/$KREL/     a subset of the kernel's modules tree in its real
#                           kernel/ layout (list: IM_VM_KMODS below, with
#                           their dependencies), the test modules except
#                           im_hello in extra/, and modules.dep, .symbols &
#                           co. made by depmod -b for that tree.  im_hello is
#                           kept out of it so that search tests can tell
#                           which mechanism found it.
#   /modules/*.ko           every test module (tests/modules/)
#   /guest/lib.sh           helpers for the script (tests/qemu/guest-lib.sh)
#   /proc /sys /dev(devtmpfs) /tmp /run mounted; /var/log exists
# The script runs as a child of /init (PID 1) with cwd /tmp, stdout and
# stderr on the second serial port (a file on the host), stdin /dev/null.
# Environment: IM, KREL, IM_MODULES_DIR=/modules, and the -e variables.
# Kernel messages go to the first serial port.  /init powers off afterwards.
set -u

IM_VM_KMODS=${IM_VM_KMODS:-"
	kernel/drivers/net/dummy.ko kernel/drivers/net/ifb.ko
	kernel/drivers/net/eql.ko kernel/drivers/net/mii.ko
	kernel/drivers/net/macvtap.ko
	kernel/fs/nls/nls_cp437.ko kernel/fs/nls/nls_iso8859-1.ko
	kernel/fs/nls/nls_utf8.ko
	kernel/lib/crc7.ko kernel/lib/crc-itu-t.ko
"}

vm_die() {
	echo "vm.sh: $*" >&2
	exit 125
}

vm_usage() {
	sed -n '2,/^set -u/p' "$0" | sed '$d; s/^# \{0,1\}//' >&2
	exit 125
}

insmod_bin=${INSMOD:-}
timeout_s=300
mem=1024
outdir=
console_keep=
quiet=
append=
files=
envs=
while getopts i:f:e:o:t:m:c:a:qh opt; do
	case $opt in
	i) insmod_bin=$OPTARG ;;
	f) files="$files
$OPTARG" ;;
	e) envs="$envs
$OPTARG" ;;
	o) outdir=$OPTARG ;;
	t) timeout_s=$OPTARG ;;
	m) mem=$OPTARG ;;
	c) console_keep=$OPTARG ;;
	a) append="$append $OPTARG" ;;
	q) quiet=1 ;;
	*) vm_usage ;;
	esac
done
shift $((OPTIND - 1))
[ $# -eq 1 ] || vm_usage
script=$1
[ -f "$script" ] || vm_die "no guest script $script"

IM_TOP=$(cd "$(dirname "$0")/../.." && pwd)
export IM_TOP
. "$IM_TOP/tests/qemu/build-modules.sh"	# also kernel.sh

now() { date +%s.%N | cut -c1-14; }
elapsed() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'; }
stage() { [ -n "$quiet" ] || echo "vm.sh: $*" >&2; }

t_start=$(now)
busybox=$(command -v busybox) || vm_die "busybox not found (apt-get install busybox-static)"
case $(file -b "$busybox" 2>/dev/null || echo static) in
*dynamically*) vm_die "$busybox is dynamically linked; install busybox-static" ;;
esac
command -v qemu-system-x86_64 > /dev/null || vm_die "qemu-system-x86_64 not found (apt-get install qemu-system-x86)"
command -v cpio > /dev/null || vm_die "cpio not found"

# ---------------------------------------------------------------- base image
# busybox, the modules subset and the test modules; cached by content.
key=$( (echo "$KREL $IM_VM_KMODS"; cat "$IM_MODULES/stamp"; cksum < "$busybox"
	sed -n '/^# -- base begin/,/^# -- base end/p' "$0") | cksum | cut -d' ' -f1)
base=$IM_CACHE/vm/base-$KREL-$key.cpio
# -- base begin
if [ ! -f "$base" ]; then
	mkdir -p "$IM_CACHE/vm"
	stage=$(mktemp -d "$IM_CACHE/vm/base.XXXXXX")
	(
		set -e
		cd "$stage"
		mkdir -p bin sbin usr/bin usr/sbin usr/local/sbin usr/local/bin \
			proc sys dev tmp run etc root var/log modules out \
			"lib/modules/$KREL/extra"
		cp "$busybox" bin/busybox
		for a in $(bin/busybox --list-full); do
			[ -e "$a" ] || ln -s /bin/busybox "$a"
		done
		# The modules subset, with what modules.dep says each needs.
		for m in $IM_VM_KMODS; do
			echo "$m"
			sed -n "s|^$m:||p" "$KMODS/modules.dep" | tr ' ' '\n'
		done | sort -u | while read -r m; do
			[ -n "$m" ] || continue
			mkdir -p "lib/modules/$KREL/${m%/*}"
			cp "$KMODS/$m" "lib/modules/$KREL/$m"
		done
		for f in modules.order modules.builtin modules.builtin.modinfo; do
			cp "$KMODS/$f" "lib/modules/$KREL/"
		done
		cp "$IM_MODULES"/*.ko modules/
		for ko in "$IM_MODULES"/*.ko; do
			case ${ko##*/} in im_hello.ko) continue ;; esac
			cp "$ko" "lib/modules/$KREL/extra/"
		done
		depmod -b "$PWD" "$KREL"
		echo 'root:x:0:0:root:/root:/bin/sh' > etc/passwd
		echo 'user:x:1000:1000:user:/tmp:/bin/sh' >> etc/passwd
		printf 'root:x:0:\nuser:x:1000:\n' > etc/group
		echo guest > etc/hostname
		find . | LC_ALL=C sort | cpio -o -H newc -R 0:0 --quiet > "$base.tmp"
		mv "$base.tmp" "$base"
		# Older bases (another key) are of no further use.
		for old in "$IM_CACHE"/vm/base-*.cpio; do
			[ "$old" = "$base" ] || rm -f "$old"
		done
	) || { rm -rf "$stage"; vm_die "cannot build the base initramfs"; }
	rm -rf "$stage"
	stage "base initramfs built ($(($(stat -c %s "$base") / 1024)) KiB)"
fi
# -- base end

# ------------------------------------------------------------- per-run image
run=$(mktemp -d "${TMPDIR:-/tmp}/insmod-vm.XXXXXX") || vm_die "mktemp failed"
qemu_pid=
cleanup() {
	[ -z "$qemu_pid" ] || kill "$qemu_pid" 2> /dev/null
	rm -rf "$run"
}
trap cleanup EXIT
trap 'exit 125' INT TERM HUP
root=$run/root
mkdir -p "$root/guest" "$root/usr/local/sbin"

copy_with_libs() {	# HOST_BINARY GUEST_PATH
	mkdir -p "$root$(dirname "$2")"
	cp -L "$1" "$root$2" || return 1
	chmod 0755 "$root$2"
	ldd "$1" 2> /dev/null | sed -n 's/.*=> \(\/[^ ]*\) (.*/\1/p; s/^[[:space:]]*\(\/[^ ]*\) (.*/\1/p' |
	while read -r lib; do
		[ -e "$root$lib" ] && continue
		mkdir -p "$root$(dirname "$lib")"
		cp -L "$lib" "$root$lib" || exit 1
	done
}

if [ -n "$insmod_bin" ]; then
	[ -f "$insmod_bin" ] || vm_die "no insmod binary at $insmod_bin"
	copy_with_libs "$insmod_bin" /usr/local/sbin/insmod || vm_die "cannot copy $insmod_bin and its libraries"
	# insmod opens its decompression libraries with dlopen() (src/load/dlib.c),
	# so ldd does not name them: copy them as a system would have them
	for so in libz.so.1 liblzma.so.5 libzstd.so.1; do
		lib=$(ldconfig -p | awk -v so="$so" '$1 == so && /x86-64/ { print $NF; exit }')
		[ -n "$lib" ] || vm_die "$so is not installed on the host"
		copy_with_libs "$lib" "$lib" || vm_die "cannot copy $lib"
	done
fi
echo "$files" | while IFS= read -r spec; do
	[ -n "$spec" ] || continue
	case $spec in
	*:*) src=${spec%%:*}; dst=${spec#*:} ;;
	*) src=$spec; dst=/host/${spec##*/} ;;
	esac
	[ -e "$src" ] || vm_die "no host file $src"
	mkdir -p "$root$(dirname "$dst")"
	cp -a "$src" "$root$dst" || vm_die "cannot copy $src"
done || exit 125
cp "$script" "$root/guest/script.sh"
cp "$IM_TOP/tests/qemu/guest-lib.sh" "$root/guest/lib.sh"
{
	echo "export KREL='$KREL'"
	echo "export IM_MODULES_DIR=/modules"
	if [ -n "$insmod_bin" ]; then echo "export IM=/usr/local/sbin/insmod"; fi
	echo "$envs" | while IFS= read -r e; do
		[ -n "$e" ] || continue
		name=${e%%=*}
		value=$(printf '%s' "${e#*=}" | sed "s/'/'\\\\''/g")
		echo "export $name='$value'"
	done
} > "$root/guest/env"

cat > "$root/init" << 'EOF'
#!/bin/sh
# PID 1 of the test guest (written by tests/qemu/vm.sh).
export PATH=/usr/local/sbin:/usr/local/bin:/sbin:/bin:/usr/sbin:/usr/bin
export HOME=/root
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
mkdir -p /dev/pts /dev/shm
mount -t tmpfs tmpfs /tmp
mount -t tmpfs tmpfs /run
ln -sf /proc/self/fd /dev/fd
hostname guest
stty -F /dev/ttyS1 raw -echo 2>/dev/null
exec 3> /dev/ttyS1
echo "@@IM-GUEST-START $(uname -r)@@" >&3
. /guest/env
cd /tmp
sh /guest/script.sh >&3 2>&1 < /dev/null
rc=$?
echo "@@IM-GUEST-EXIT $rc@@" >&3
if [ -n "$(ls -A /out 2>/dev/null)" ]; then
	echo "@@IM-OUT-BEGIN@@" >&3
	tar -C /out -cf - . | base64 >&3
	echo "@@IM-OUT-END@@" >&3
fi
exec 3>&-
sync
poweroff -f
sleep 5
reboot -f
EOF
chmod 0755 "$root/init"
(cd "$root" && find . | LC_ALL=C sort | cpio -o -H newc -R 0:0 --quiet) > "$run/run.cpio" ||
	vm_die "cannot build the per-run initramfs"
# The kernel unpacks concatenated archives in order, later files winning.
cat "$base" "$run/run.cpio" > "$run/initramfs.cpio"
t_image=$(elapsed "$t_start")

# ------------------------------------------------------------------- boot
# -nodefaults: no VGA, NIC or default serial; ttyS0 = kernel console,
# ttyS1 = the script's output.  panic=-1 and -no-reboot turn a panic into
# an exit.  Guest memory is TCG-emulated: keep the machine small.
start_qemu() {
	: > "$run/console"
	: > "$run/results"
	timeout -k 5 "$timeout_s" qemu-system-x86_64 \
		-accel tcg -M pc -smp 2 -m "$mem" -nodefaults -no-user-config \
		-display none -monitor none -no-reboot \
		-serial "file:$run/console" -serial "file:$run/results" \
		-kernel "$VMLINUX" -initrd "$run/initramfs.cpio" \
		-append "console=ttyS0 rdinit=/init panic=-1 loglevel=4 tsc=reliable no_timer_check$append" \
		> "$run/qemu.out" 2>&1 < /dev/null &
	qemu_pid=$!
}

# Has the guest's script started (or qemu ended) within boot_s seconds
# ($IM_VM_BOOT_SECONDS; tests of this file set it low)?  Under TCG the
# kernel has been seen, rarely, to hang before user space with nothing on
# its console, until the whole run's timeout; a boot normally takes
# seconds.  One such hang is survived by booting again.
boot_s=${IM_VM_BOOT_SECONDS:-120}
booted() {
	i=0
	while [ $i -lt $((boot_s * 2)) ]; do
		grep -q '@@IM-GUEST-START' "$run/results" 2> /dev/null && return 0
		kill -0 "$qemu_pid" 2> /dev/null || return 0
		sleep 0.5
		i=$((i + 1))
	done
	return 1
}

t_boot=$(now)
start_qemu
if ! booted; then
	# nothing of the guest script has run: booting again repeats nothing
	echo "vm.sh: the kernel did not reach user space within $boot_s s; booting it again" >&2
	kill "$qemu_pid" 2> /dev/null
	wait "$qemu_pid" 2> /dev/null
	start_qemu
fi
wait "$qemu_pid"
qrc=$?
qemu_pid=
t_run=$(elapsed "$t_boot")
[ -z "$console_keep" ] || cp "$run/console" "$console_keep"

tr -d '\r' < "$run/results" > "$run/results.txt"
# The script's output: between the start and exit markers.
sed -n '/^@@IM-GUEST-START/,/^@@IM-GUEST-EXIT/{/^@@IM-GUEST-/d;p}' "$run/results.txt"

show_console() {
	echo "vm.sh: --- last kernel console lines ---" >&2
	tail -n 30 "$run/console" | tr -d '\r' >&2
	if [ -s "$run/qemu.out" ]; then
		echo "vm.sh: --- qemu ---" >&2
		cat "$run/qemu.out" >&2
	fi
}
if ! grep -q '^@@IM-GUEST-START' "$run/results.txt"; then
	if [ "$qrc" -eq 124 ] || [ "$qrc" -eq 137 ]; then
		echo "vm.sh: FAILED: the kernel never reached user space (killed after $timeout_s s)" >&2
	else
		echo "vm.sh: FAILED: the kernel never reached user space (qemu exit status $qrc)" >&2
	fi
	show_console
	exit 125
fi
rc=$(sed -n 's/^@@IM-GUEST-EXIT \([0-9]*\)@@$/\1/p' "$run/results.txt")
if [ -z "$rc" ]; then
	if [ "$qrc" -eq 124 ] || [ "$qrc" -eq 137 ]; then
		echo "vm.sh: FAILED: the guest script did not finish within $timeout_s s" >&2
		show_console
		exit 124
	fi
	echo "vm.sh: FAILED: the guest died before its script finished (qemu exit status $qrc)" >&2
	show_console
	exit 125
fi
if [ -n "$outdir" ]; then
	mkdir -p "$outdir"
	if grep -q '^@@IM-OUT-END@@' "$run/results.txt"; then
		sed -n '/^@@IM-OUT-BEGIN@@/,/^@@IM-OUT-END@@/{/^@@IM-OUT-/d;p}' "$run/results.txt" |
			base64 -d | tar -C "$outdir" -xf - ||
			{ echo "vm.sh: cannot unpack the guest's /out" >&2; exit 125; }
	elif grep -q '^@@IM-OUT-BEGIN@@' "$run/results.txt"; then
		echo "vm.sh: the guest's /out came out truncated" >&2
		exit 125
	fi
fi
stage "image $t_image s, boot+script+poweroff $t_run s, total $(elapsed "$t_start") s (qemu status $qrc)"
exit "$rc"
