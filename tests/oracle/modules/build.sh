#!/bin/sh
# Assembles the relocation test modules (kept in the repository beside
# their sources, so the tests need no assembler):  build.sh
set -eu
cd "$(dirname "$0")"
as --64 -o x86_64-relocs.ko x86_64-relocs.S 2>/dev/null || gcc -c -o x86_64-relocs.ko x86_64-relocs.S
i686-linux-gnu-gcc -c -o i386-relocs.ko i386-relocs.S 2>/dev/null || gcc -m32 -c -o i386-relocs.ko i386-relocs.S
aarch64-linux-gnu-gcc -c -o aarch64-relocs.ko aarch64-relocs.S 2>/dev/null ||
	{ cpp -P aarch64-relocs.S | aarch64-linux-gnu-as -o aarch64-relocs.ko; }
