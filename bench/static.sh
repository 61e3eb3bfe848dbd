#!/bin/sh
# Builds the static insmod the benchmarks measure (build/static/insmod) and
# prints its path: -static, the compression libraries linked in rather
# than opened with dlopen (-DINSMOD_STATIC_LIBS, src/load/dlib.c).  A
# static program starts without the dynamic loader mapping and relocating
# the C library: for a small module that is most of a run.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
make -s -C "$top" -j2 BUILD=build/static LDFLAGS=-static CPPFLAGS=-DINSMOD_STATIC_LIBS \
	LIB_LIBS="-lz -llzma -lzstd" all > /dev/null 2>&1 ||
	{ echo "static.sh: cannot build a static insmod (libc.a, libz.a, liblzma.a, libzstd.a?)" >&2; exit 1; }
echo "$top/build/static/insmod"
