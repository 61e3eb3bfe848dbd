#!/bin/sh
# Real loads against BusyBox's and kmod's insmod, in Debian's kernel under
# QEMU (tests/qemu), in one boot: each round times CYCLES load+unload
# cycles of dummy.ko per tool, the tools taking turns, and the median of
# ROUNDS rounds is printed with the ratios.  Not a test: timings say
# nothing about correctness and vary with the machine's load.
#
#   sh bench/load.sh [CYCLES [ROUNDS]]      (default 30 and 3)
#   env INSMOD=/abs/path/insmod INSMOD_TEST_CACHE=DIR sh bench/load.sh
#
# The insmod measured is the static build of bench/static.sh unless INSMOD
# names another; the dynamically linked build/insmod is measured beside
# it, as "insmod-dyn", and INSMOD_BASE, when given (an older build, say),
# as "base".  "floor" is bench/floor-load.c, built static: a program that
# only opens the file and calls finit_module, the least any loader started
# with an exec can cost.
#
# Every cycle unloads with the same BusyBox rmmod, so the differences are
# the loaders' own.  BusyBox's shell runs its insmod applet for a bare
# "insmod" (as a script would; a standalone shell may skip the exec);
# "busybox-exec" is /bin/busybox insmod, started like the others; kmod
# runs as a link named insmod to the host's kmod binary
# (with the libraries ldd names).  The clock is the host's date(1)
# (nanoseconds; BusyBox's date has none), read only around each batch.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
cycles=${1:-30}
rounds=${2:-3}
IM_TOP=$top
export IM_TOP
[ -n "${INSMOD:-}" ] || INSMOD=$(sh "$top/bench/static.sh")
dyn=${INSMOD_DYN:-$top/build/insmod}
[ -x "$dyn" ] || make -s -C "$top" -j2 all > /dev/null
case $INSMOD in /*) ;; *) INSMOD=$(pwd)/$INSMOD ;; esac
[ -x "$INSMOD" ] || { echo "load.sh: no insmod binary at $INSMOD (run make first)" >&2; exit 1; }
. "$top/tests/qemu/build-modules.sh" > /dev/null	# the kernel, fetched once
WORK=$(mktemp -d "${TMPDIR:-/tmp}/im-bench-load.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
static_cc=$(command -v musl-gcc || echo "${CC:-cc}")
"$static_cc" -O2 -static -s -o "$WORK/floor-load" "$top/bench/floor-load.c" ||
	{ echo "load.sh: cannot build bench/floor-load.c static with $static_cc" >&2; exit 1; }
kmod=$(command -v kmod) || { echo "load.sh: kmod is not installed on the host" >&2; exit 1; }
gdate=$(command -v date)

# kmod and date with their libraries, at the same paths in the guest
files="-f $dyn:/host/bin/insmod-dyn -f $WORK/floor-load:/host/bin/floor-load"
tools='"$IM" insmod /tmp/kmod/insmod /host/bin/insmod-dyn /bin/busybox /host/bin/floor-load'
names='insmod busybox kmod insmod-dyn busybox-exec floor'
if [ -n "${INSMOD_BASE:-}" ]; then
	files="$files -f $INSMOD_BASE:/host/bin/insmod-base"
	tools="$tools /host/bin/insmod-base"
	names="$names base"
fi
for bin in "$kmod" "$gdate"; do
	files="$files -f $bin:/host/bin/${bin##*/}"
	for lib in $(ldd "$bin" | sed -n 's/.*=> \(\/[^ ]*\) (.*/\1/p'); do
		files="$files -f $(readlink -f "$lib"):$lib"
	done
done

cat > "$WORK/guest.sh" << EOF
cycles=$cycles
rounds=$rounds
set -- $tools
names="$names"
EOF
cat >> "$WORK/guest.sh" << 'EOF'
D=/lib/modules/$KREL/kernel/drivers/net/dummy.ko
mkdir -p /tmp/kmod
ln -s /host/bin/kmod /tmp/kmod/insmod
now() { /host/bin/date +%s%N; }
# batch TOOL...: microseconds for $cycles cycles of TOOL D; rmmod dummy
batch() {
	t0=$(now)
	i=0
	while [ $i -lt $cycles ]; do
		"$@" "$D" || { echo "FAIL: $* $D" >&2; return 1; }
		rmmod dummy
		i=$((i + 1))
	done
	echo $((($(now) - t0) / 1000))
}
grep -q '^dummy ' /proc/modules && rmmod dummy
# one unmeasured cycle each: files in the page cache, libraries mapped once
for t in "$@"; do
	case $t in /bin/busybox) "$t" insmod "$D" ;; *) "$t" "$D" ;; esac && rmmod dummy
done
r=0
while [ $r -lt $rounds ]; do
	line=round
	n=1
	for t in "$@"; do	# the tools take turns within each round
		name=$(echo $names | cut -d' ' -f$n)
		case $name in busybox-exec) line="$line $name $(batch "$t" insmod)" ;;
		*) line="$line $name $(batch "$t")" ;; esac
		n=$((n + 1))
	done
	echo "$line"
	r=$((r + 1))
done
EOF
# shellcheck disable=SC2086
sh "$top/tests/qemu/vm.sh" -q -i "$INSMOD" $files -t 600 "$WORK/guest.sh" > "$WORK/out" ||
	{ cat "$WORK/out" >&2; echo "load.sh: the guest run failed" >&2; exit 1; }
grep -v '^round ' "$WORK/out" | sed 's/^/  guest: /' >&2
grep '^round ' "$WORK/out" | sed 's/^/  /'
awk -v cycles="$cycles" '
	function median(a, n,   i, j, t) {
		for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (a[j] < a[i]) { t = a[i]; a[i] = a[j]; a[j] = t }
		return a[int((n + 1) / 2)]
	}
	/^round / { n++; for (f = 2; f < NF; f += 2) { v[$f, n] = $(f + 1); seen[$f] = 1 } }
	END {
		if (!n) { print "load.sh: no timings from the guest"; exit 1 }
		for (t in seen) { for (r = 1; r <= n; r++) a[r] = v[t, r]; m[t] = median(a, n) / 1000 }
		printf "%d load+unload cycles of dummy.ko, median of %d rounds: insmod %.1f ms, BusyBox %.1f ms, kmod %.1f ms", cycles, n, m["insmod"], m["busybox"], m["kmod"]
		printf " (/bin/busybox insmod %.1f ms, dynamically linked insmod %.1f ms, floor %.1f ms%s)\n", m["busybox-exec"], m["insmod-dyn"], m["floor"], ("base" in seen) ? sprintf(", base %.1f ms", m["base"]) : ""
		printf "insmod is %.2fx as fast as BusyBox (%.2fx as /bin/busybox insmod) and %.2fx as fast as kmod", m["busybox"] / m["insmod"], m["busybox-exec"] / m["insmod"], m["kmod"] / m["insmod"]
		printf " (dynamically linked: %.2fx and %.2fx", m["busybox"] / m["insmod-dyn"], m["kmod"] / m["insmod-dyn"]
		if ("base" in seen) printf "; base: %.2fx and %.2fx", m["busybox"] / m["base"], m["kmod"] / m["base"]
		print ")"
		printf "the floor (a program started with an exec that only opens the file and calls finit_module) is %.2fx as fast as BusyBox; insmod takes %.2fx the floor\n", m["busybox"] / m["floor"], m["insmod"] / m["floor"]
	}' "$WORK/out"
