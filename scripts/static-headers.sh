#!/bin/sh
# Copies the headers of zlib, liblzma and libzstd into DIR for the static
# build (make static).  musl-gcc searches musl's include directory only,
# never /usr/include (glibc's headers there would not fit musl), so the
# three libraries' own headers, which need nothing of the C library's
# beyond what musl has, are copied where -I DIR finds them.  Their paths
# are asked of the host compiler, so that a multiarch zconf.h is found too.
#   sh scripts/static-headers.sh DIR [HOST_CC]
set -eu
dir=$1
host_cc=${2:-cc}
mkdir -p "$dir/lzma"
printf '#include <zlib.h>\n#include <lzma.h>\n#include <zstd.h>\n' |
	"$host_cc" -M -x c - |
	tr ' \\' '\n\n' |
	grep -E '/(zlib|zconf|lzma|zstd[a-z_]*)\.h$|/lzma/[^/]+\.h$' |
	while read -r h; do
		case $h in
		*/lzma/*) cp "$h" "$dir/lzma/" ;;
		*) cp "$h" "$dir/" ;;
		esac
	done
for h in zlib.h zconf.h lzma.h zstd.h; do
	[ -f "$dir/$h" ] || { echo "static-headers: $h not found (zlib1g-dev liblzma-dev libzstd-dev)" >&2; exit 1; }
done
