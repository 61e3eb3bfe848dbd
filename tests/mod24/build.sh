#!/bin/sh
# Builds the 2.4-style test modules into DIR (default build/mod24):
# NAME.o for x86_64 and NAME-32.o for i386, compiled the way 2.4 modules
# were (no PIC, no red zone, kernel code model on x86_64) with today's gcc.
# Only compilation is needed (gcc -c), so no 32-bit C library is.
set -eu
src=$(cd "$(dirname "$0")" && pwd)
out=${1:-build/mod24}
mkdir -p "$out"
CC=${CC24:-gcc}
common="-O2 -fno-pic -fno-stack-protector -fno-asynchronous-unwind-tables -ffreestanding -fno-builtin -fcommon -Wall -Wno-unused -D__KERNEL__ -DMODULE"
for m in hello24 exporter24 quiet24 old20 versioned24 badparm24; do
	$CC $common -mcmodel=kernel -mno-red-zone -c -o "$out/$m.o" "$src/$m.c"
	$CC $common -m32 -c -o "$out/$m-32.o" "$src/$m.c"
done
$CC $common -mcmodel=kernel -mno-red-zone -DVPREFIX=smp_ -c -o "$out/versioned24smp.o" "$src/versioned24.c"
$CC $common -m32 -DVPREFIX=smp_ -c -o "$out/versioned24smp-32.o" "$src/versioned24.c"
