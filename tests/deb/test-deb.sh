#!/bin/sh
# The Debian package (make deb) in a Debian 12 system: installed with
# dpkg -i, insmod -V run, removed, and kmod's insmod checked to be back;
# then installed and purged.  The system is an overlay (in a mount
# namespace of this test's own) on a prepared bookworm root that has kmod:
# make fresh-check's (/var/tmp/insmod-fresh/root) or INSMOD_DEB_ROOT;
# nothing is written to it.  With INSMOD_DEB_BOOTSTRAP=1 (make deb-check)
# a missing root is made with debootstrap (minbase + kmod, cached in
# /var/tmp/insmod-deb-root).  Needs root; else SKIP.
#   sh tests/deb/test-deb.sh [PACKAGE.deb]   (default build/modutils-insmod_*.deb)
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
deb=${1:-$(ls "$top"/build/modutils-insmod_*.deb 2> /dev/null | tail -n 1)}
skip() { echo "SKIP: the Debian package in a Debian 12 chroot ($*)"; exit 0; }

[ "$(id -u)" -eq 0 ] || skip "not root"
command -v unshare > /dev/null && command -v chroot > /dev/null || skip "no unshare or chroot"
if [ -z "$deb" ] || [ ! -f "$deb" ]; then
	echo "FAIL: the package to test exists (make deb; make check builds it)"
	exit 0
fi
has_kmod() { [ -x "$1/usr/bin/dpkg" ] && chroot "$1" dpkg -s kmod > /dev/null 2>&1; }
lower=
for r in ${INSMOD_DEB_ROOT:-} /var/tmp/insmod-fresh/root /var/tmp/insmod-deb-root; do
	if has_kmod "$r"; then lower=$r; break; fi
done
if [ -z "$lower" ] && [ "${INSMOD_DEB_BOOTSTRAP:-}" = 1 ] && command -v debootstrap > /dev/null; then
	r=/var/tmp/insmod-deb-root
	rm -rf --one-file-system "$r"
	echo "test-deb: debootstrap --variant=minbase --include=kmod bookworm $r" >&2
	debootstrap --variant=minbase --include=kmod bookworm "$r" \
		"${FRESH_MIRROR:-http://deb.debian.org/debian}" > /dev/null 2>&1 && lower=$r
fi
[ -n "$lower" ] || skip "no bookworm root with kmod: make fresh-check makes one, or make deb-check"

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cp "$deb" "$work/modutils-insmod.deb"
# kmod's own package, the version in the root, to reinstall while ours is
# installed: from apt's cache, or downloaded once into the tests' cache.
kver=$(chroot "$lower" dpkg-query -W -f='${Version}' kmod)
karch=$(chroot "$lower" dpkg --print-architecture)
cache=${INSMOD_TEST_CACHE:-$top/.cache}/deb
kdeb=$(ls /var/cache/apt/archives/kmod_"$kver"_"$karch".deb "$cache/kmod_${kver}_$karch.deb" 2> /dev/null | head -n 1)
if [ -z "$kdeb" ] && mkdir -p "$cache" && (cd "$cache" && apt-get download "kmod=$kver" > /dev/null 2>&1); then
	kdeb=$cache/kmod_${kver}_$karch.deb
fi
kmod_arg=
if [ -n "$kdeb" ] && [ -f "$kdeb" ]; then
	cp "$kdeb" "$work/kmod.deb"
	kmod_arg=/tmp/kmod.deb
fi
cp "$top/tests/deb/in-root.sh" "$work/in-root.sh"
# The overlay in a mount namespace of our own: gone when the test ends,
# whatever happens, and the prepared root never written.
mkdir "$work/mnt"
overlay='
	set -e
	mount --make-rprivate /
	mount -t tmpfs tmpfs "$1"
	mkdir "$1/upper" "$1/work" "$1/root"
	mount -t overlay overlay -o "lowerdir=$2,upperdir=$1/upper,workdir=$1/work" "$1/root"
	[ -z "$3" ] && exit 0
	cp "$3"/*.deb "$3/in-root.sh" "$1/root/tmp/"
	exec chroot "$1/root" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin LANG=C \
		/bin/sh /tmp/in-root.sh /tmp/modutils-insmod.deb $4'
unshare -m sh -c "$overlay" sh "$work/mnt" "$lower" "" "" > /dev/null 2>&1 ||
	skip "cannot mount an overlay on $lower here"
echo "test-deb: $(basename "$deb") in an overlay on $lower" >&2
unshare -m sh -c "$overlay" sh "$work/mnt" "$lower" "$work" "$kmod_arg"
