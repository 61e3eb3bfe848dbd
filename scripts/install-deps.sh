#!/bin/sh
# Installs, on Debian 12 as root, everything that building insmod and running
# its tests need.  Safe to run again: apt-get skips what is there.
set -eu
# Named one by one, with --no-install-recommends: what a package only
# recommends (clang's libFuzzer and sanitizer runtimes, libclang-rt-14-dev;
# llvm-symbolizer, in llvm, which names the functions fuzz seeds reach) is
# listed here itself, or a minimal system would not have it.
packages="
  build-essential gcc-12 clang libclang-rt-14-dev lld llvm pkg-config
  zlib1g-dev liblzma-dev libzstd-dev musl-tools
  qemu-system-x86 busybox-static cpio kmod xz-utils zstd gzip
  binutils-i686-linux-gnu binutils-aarch64-linux-gnu
  libelf-dev bc flex bison
  python3 gcc-multilib gnuplot-nox
  mandoc bsdutils
"
if [ "$(id -u)" -ne 0 ]; then
	echo "install-deps: run as root (apt-get install needs it)" >&2
	exit 1
fi
export DEBIAN_FRONTEND=noninteractive
missing=
for p in $packages; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' ||
		missing="$missing $p"
done
if [ -n "$missing" ]; then
	apt-get update -q || apt-get update -q
	apt-get install -y -q --no-install-recommends $missing
fi
