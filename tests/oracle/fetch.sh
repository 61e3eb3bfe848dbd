#!/bin/sh
# Fetches one architecture's Debian 6.1 kernel modules and Module.symvers
# into the test cache, once:  fetch.sh amd64|i386|arm64
# Prints the directory: DIR/modules (the .ko tree) and DIR/Module.symvers.
# Needs root the first time for a foreign architecture (dpkg
# --add-architecture, apt-get update); later runs only read the cache.
set -eu
arch=$1
top=$(cd "$(dirname "$0")/../.." && pwd)
cache=${INSMOD_TEST_CACHE:-$top/.cache}
dir=$cache/oracle/$arch
if [ -f "$dir/stamp" ]; then
	echo "$dir"
	exit 0
fi
case $arch in
amd64) meta=linux-image-amd64 ;;
i386) meta=linux-image-686:i386 ;;
arm64) meta=linux-image-arm64:arm64 ;;
*) echo "fetch.sh: unknown architecture $arch" >&2; exit 2 ;;
esac
native=$(dpkg --print-architecture)
if [ "$arch" != "$native" ] && ! dpkg --print-foreign-architectures | grep -qx "$arch"; then
	dpkg --add-architecture "$arch" >&2
	apt-get update -q >&2 || apt-get update -q >&2 || true
fi
image=$(apt-cache depends "$meta" 2>/dev/null | awk '/Depends: linux-image-[0-9]/ { sub(/:.*/, "", $2); print $2; exit }')
if [ -z "$image" ]; then
	apt-get update -q >&2 || true
	image=$(apt-cache depends "$meta" | awk '/Depends: linux-image-[0-9]/ { sub(/:.*/, "", $2); print $2; exit }')
fi
[ -n "$image" ] || { echo "fetch.sh: cannot find the kernel package behind $meta" >&2; exit 1; }
headers=$(echo "$image" | sed 's/^linux-image-/linux-headers-/')
suffix=
[ "$arch" = "$native" ] || suffix=":$arch"
mkdir -p "$dir/debs" "$dir/root"
# the archive is sometimes mid-sync: retry, refreshing the indexes between tries
tries=0
until (cd "$dir/debs" && apt-get download -q "$image$suffix" "$headers$suffix" >&2); do
	tries=$((tries + 1))
	[ $tries -lt 3 ] || { echo "fetch.sh: cannot download $image$suffix" >&2; exit 1; }
	sleep 5
	apt-get update -q >&2 || true
done
for d in "$dir"/debs/*.deb; do
	dpkg-deb -x "$d" "$dir/root"
done
mods=$(find "$dir/root/lib/modules" -mindepth 1 -maxdepth 1 -type d | head -1)
symvers=$(find "$dir/root/usr/src" -name Module.symvers | head -1)
[ -n "$mods" ] && [ -n "$symvers" ] || { echo "fetch.sh: unpacked packages lack modules or Module.symvers" >&2; exit 1; }
ln -sfn "$mods/kernel" "$dir/modules"
cp "$symvers" "$dir/Module.symvers"
basename "$mods" > "$dir/release"
rm -rf "$dir/debs" "$dir/root/usr" "$dir/root/boot"	# only the modules are needed
touch "$dir/stamp"
echo "$dir"
