#!/bin/sh
# Fetches Debian's own kernel for the QEMU tests into the test cache, once.
#
#   sh tests/qemu/kernel.sh          fetch if needed, print the variables
#   . tests/qemu/kernel.sh           same, and set them in the caller's shell
#
# Cache: ${INSMOD_TEST_CACHE:-<repo>/.cache}/kernel/RELEASE/.  Nothing is
# installed on this machine: the packages are unpacked with dpkg -x.
#   debs/      linux-image-RELEASE, linux-headers-RELEASE, its -common
#              headers, linux-kbuild-6.1 (the versions apt-get names)
#   root/      the four packages unpacked; lib/modules/RELEASE gets
#              modules.dep & co. from depmod -b; the headers' Makefile is
#              re-pointed from /usr/src to root/usr/src
#   vmlinux    the uncompressed kernel (xz payload of vmlinuz), booted as
#              a PVH kernel by QEMU
#   stamp      written last: present means all of the above is complete
#
# The release used is the one named by `apt-cache depends linux-image-amd64`
# the first time; later runs reuse the cached one (quick, no network).  Set
# INSMOD_KERNEL_REFRESH=1 to ask apt again and fetch a newer one.
#
# Sets: IM_TOP IM_CACHE KREL KVERSION KDIR KROOT KMODS KHDR VMLINUX
# Exits (even when sourced) with a message on stderr if anything fails.

im_kernel_die() {
	echo "kernel.sh: $*" >&2
	exit 1
}

im_kernel_setup() {
	if [ -z "${IM_TOP:-}" ]; then
		# Sourced or run, find the repository from this file or the cwd.
		IM_TOP=$(git -C "$(dirname "$0")" rev-parse --show-toplevel 2>/dev/null) ||
			IM_TOP=$(pwd)
		[ -f "$IM_TOP/tests/qemu/kernel.sh" ] ||
			IM_TOP=$(git rev-parse --show-toplevel 2>/dev/null) ||
			im_kernel_die "cannot find the repository; set IM_TOP"
	fi
	IM_CACHE=${INSMOD_TEST_CACHE:-$IM_TOP/.cache}
	mkdir -p "$IM_CACHE/kernel" || im_kernel_die "cannot create $IM_CACHE/kernel"
	IM_CACHE=$(cd "$IM_CACHE" && pwd)

	KREL=
	if [ -z "${INSMOD_KERNEL_REFRESH:-}" ] && [ -f "$IM_CACHE/kernel/current" ]; then
		KREL=$(cat "$IM_CACHE/kernel/current")
		[ -f "$IM_CACHE/kernel/$KREL/stamp" ] || KREL=
	fi
	if [ -z "$KREL" ]; then
		KREL=$(im_kernel_release) || exit 1
	fi
	KDIR=$IM_CACHE/kernel/$KREL
	if [ ! -f "$KDIR/stamp" ]; then
		(
			# One fetch at a time (tests and the demo may start together).
			exec 9>"$IM_CACHE/kernel/lock"
			flock 9
			[ -f "$KDIR/stamp" ] || im_kernel_fetch
		) || exit 1
	fi
	echo "$KREL" > "$IM_CACHE/kernel/current"
	. "$KDIR/stamp"
	KROOT=$KDIR/root
	KMODS=$KROOT/lib/modules/$KREL
	KHDR=$KROOT/usr/src/linux-headers-$KREL
	VMLINUX=$KDIR/vmlinux
	export IM_TOP IM_CACHE KREL KVERSION KDIR KROOT KMODS KHDR VMLINUX
}

# Prints the release that linux-image-amd64 depends on, e.g. 6.1.0-56-amd64.
im_kernel_release() {
	rel=$(apt-cache depends linux-image-amd64 2>/dev/null |
		sed -n 's/^ *Depends: linux-image-\([0-9][^ ]*-amd64\)$/\1/p' | head -n 1)
	if [ -z "$rel" ]; then
		echo "kernel.sh: apt-cache knows no linux-image-amd64; running apt-get update" >&2
		apt-get update -q >&2 || apt-get update -q >&2
		rel=$(apt-cache depends linux-image-amd64 2>/dev/null |
			sed -n 's/^ *Depends: linux-image-\([0-9][^ ]*-amd64\)$/\1/p' | head -n 1)
	fi
	[ -n "$rel" ] || im_kernel_die "cannot name the current Debian kernel (apt-cache depends linux-image-amd64)"
	echo "$rel"
}

im_kernel_download() {	# PACKAGE[=VERSION]...
	(cd "$KDIR/debs" && apt-get download -q "$@") >&2 && return 0
	echo "kernel.sh: apt-get download failed; running apt-get update and retrying" >&2
	apt-get update -q >&2 || apt-get update -q >&2
	(cd "$KDIR/debs" && apt-get download -q "$@") >&2
}

im_kernel_fetch() {
	set -e
	t0=$(date +%s)
	echo "kernel.sh: fetching Debian kernel $KREL into $KDIR" >&2
	rm -rf "$KDIR"
	mkdir -p "$KDIR/debs"
	common=${KREL%-amd64}-common
	ver=$(apt-cache show "linux-image-$KREL" 2>/dev/null |
		sed -n 's/^Version: //p' | head -n 1)
	[ -n "$ver" ] || im_kernel_die "apt-cache show linux-image-$KREL gives no version"
	# linux-kbuild-6.1 has several versions in the archive: take the one
	# built with this kernel.
	kbuild=linux-kbuild-$(echo "$KREL" | sed 's/^\([0-9]*\.[0-9]*\).*/\1/')
	im_kernel_download "linux-image-$KREL=$ver" "linux-headers-$KREL=$ver" \
		"linux-headers-$common=$ver" "$kbuild=$ver" ||
		im_kernel_die "apt-get download failed"

	mkdir -p "$KDIR/root"
	for deb in "$KDIR"/debs/*.deb; do
		dpkg -x "$deb" "$KDIR/root" || im_kernel_die "dpkg -x $deb failed"
	done
	root=$KDIR/root
	[ -d "$root/lib/modules/$KREL/kernel" ] || im_kernel_die "no lib/modules/$KREL/kernel in the image package"

	# modules.dep, modules.symbols & co. are made by depmod at install time.
	depmod -b "$root" "$KREL" || im_kernel_die "depmod -b failed"

	# The headers' Makefile includes the common one by absolute path; the
	# build and source links of the modules tree point at /usr/src too.
	hdr=$root/usr/src/linux-headers-$KREL
	sed -i "s|^include /usr/src/|include $root/usr/src/|" "$hdr/Makefile"
	grep -q "^include $root/usr/src/linux-headers-$common/Makefile" "$hdr/Makefile" ||
		im_kernel_die "unexpected $hdr/Makefile: $(cat "$hdr/Makefile")"
	ln -sfn "$hdr" "$root/lib/modules/$KREL/build"
	ln -sfn "$root/usr/src/linux-headers-$common" "$root/lib/modules/$KREL/source"

	# vmlinuz is a bzImage whose payload is xz: find the stream and unpack
	# it; the result is an ELF vmlinux that QEMU boots as a PVH kernel.
	vmlinuz=$root/boot/vmlinuz-$KREL
	off=$(perl -e 'local $/; open(F, "<", $ARGV[0]) or die; binmode F; my $d = <F>;
		print index($d, "\xfd7zXZ\x00")' "$vmlinuz")
	[ "$off" -ge 0 ] || im_kernel_die "no xz payload in $vmlinuz"
	tail -c +$((off + 1)) "$vmlinuz" | xz -dc --single-stream > "$KDIR/vmlinux.tmp" ||
		im_kernel_die "cannot unpack the xz payload of $vmlinuz"
	[ "$(head -c 4 "$KDIR/vmlinux.tmp" | od -An -c | tr -d ' ')" = '177ELF' ] ||
		im_kernel_die "the payload of $vmlinuz is not an ELF file"
	mv "$KDIR/vmlinux.tmp" "$KDIR/vmlinux"

	{
		echo "KVERSION='$ver'"
		echo "# fetched $(date -u +%Y-%m-%dT%H:%M:%SZ) in $(($(date +%s) - t0)) s"
	} > "$KDIR/stamp"
	echo "kernel.sh: kernel $KREL ($ver) ready in $(($(date +%s) - t0)) s" >&2
}

im_kernel_setup
case ${0##*/} in
kernel.sh)
	echo "KREL=$KREL"
	echo "KVERSION=$KVERSION"
	echo "KROOT=$KROOT"
	echo "KMODS=$KMODS"
	echo "KHDR=$KHDR"
	echo "VMLINUX=$VMLINUX"
	;;
esac
