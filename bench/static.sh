#!/bin/sh
# Builds the static insmod the benchmarks measure (build/static/insmod,
# `make static`: musl where it builds, else glibc -static, the compression
# libraries linked in rather than opened with dlopen) and prints its path.
# A static program starts without the dynamic loader mapping and
# relocating the C library: for a small module that is most of a run.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
make -s -C "$top" static > /dev/null 2>&1 ||
	{ echo "static.sh: cannot build a static insmod (make static; musl-tools, libz.a, liblzma.a, libzstd.a?)" >&2; exit 1; }
echo "$top/build/static/insmod"
