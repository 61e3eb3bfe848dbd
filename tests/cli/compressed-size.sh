#!/bin/sh
# Compressed modules and the decompressed size their files declare (gzip's
# ISIZE, zstd's frame content size, xz's index): the output buffer starts
# at that size, so the declared size must only ever be a guess.  A module
# whose size is declared, declared too small (the last of two xz
# streams) or not declared at all links to the same blob as the module
# itself.  gzip and zstd files (one member, one frame, as the kernel reads
# them too) whose declared size is a lie are refused as corrupt: a small
# one without growing past its real size, a huge one without the memory it
# asks for.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/tests/cli/fixtures/linker.sh"	# into a scratch directory of its own

# A module of some size (a few KiB of code), so that its halves are
# compressed apart.
body=$(i=0; while [ $i -lt 400 ]; do printf '\tcall printk@PLT\n\tmovq $%d, %%rax\n' $i; i=$((i + 1)); done)
module sized GPL "$body"
run -n -O want.blob $syms sized.ko
check "the uncompressed module links (status 0)" status_is 0
size=$(wc -c < sized.ko)
half=$((size / 2))
head -c $half sized.ko > first
tail -c +$((half + 1)) sized.ko > second

same_blob() {	# same_blob FILE DESCRIPTION
	rm -f got.blob
	run -n -O got.blob $syms "$1"
	check "$2: status 0, the same blob as the module's" \
		sh -c 'grep -qx 0 status && cmp -s want.blob got.blob'
}

gzip -c sized.ko > whole.ko.gz
same_blob whole.ko.gz "gzip, its size declared"
xz -c sized.ko > whole.ko.xz
same_blob whole.ko.xz "xz, its size declared"
{ xz -c first; xz -c second; } > halves.ko.xz
same_blob halves.ko.xz "xz, two streams (the size declared is the second's)"
xz -c --block-size=1024 sized.ko > blocks.ko.xz
same_blob blocks.ko.xz "xz, blocks of 1 KiB (the size declared is their sum)"
zstd -q -c sized.ko > whole.ko.zst
same_blob whole.ko.zst "zstd, its size declared"
zstd -q -c --no-content-size sized.ko > nosize.ko.zst
same_blob nosize.ko.zst "zstd, no size declared"

# peak_kib FILE: runs insmod -n on FILE; its peak resident memory in KiB
# (and its status and messages in status and err).  Measured by a small C
# program that forks and execs it: a child's peak counts its memory before
# the exec too, and a fork of python3 alone is 14 MB, which hid a few MB.
cat > peak.c <<'EOS'
#include <stdio.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>
int main(int argc, char **argv)
{
	struct rusage ru;
	int st;
	pid_t p = fork();

	if (p == 0) {
		execv(argv[1], argv + 1);
		_exit(127);
	}
	if (p < 0 || wait4(p, &st, 0, &ru) < 0)
		return 2;
	fprintf(stderr, "%d\n", WIFEXITED(st) ? WEXITSTATUS(st) : 128);
	printf("%ld\n", ru.ru_maxrss);
	return argc < 2;
}
EOS
cc -O2 -o peak peak.c
peak_kib() {
	./peak "$insmod" -n --kernel-symbols=kallsyms --kernel-release=6.1.0-t "$1" 2> err.all > peak.out
	tail -n 1 err.all > status
	sed '$d' err.all > err
	cat peak.out
}

# xz's dictionary (8 MiB at the default level) is only written as far as
# the data goes: entering all its pages would cost a module of a few KiB
# 8 MiB of memory.
plain_kib=$(peak_kib sized.ko)
xz_kib=$(peak_kib whole.ko.xz)
check "a small .ko.xz peaks under 4 MiB above the module itself ($xz_kib KiB against $plain_kib)" \
	[ $((xz_kib - plain_kib)) -lt 4096 ]

# Files that declare SIZE: gzip, a valid stream whose ISIZE (its last four
# bytes) is a lie; zstd, one frame, single segment, an 8-byte content size,
# then one raw block that holds the module.
lie() {	# lie SIZE NAME
	python3 - sized.ko "$1" "$2" <<'EOS'
import struct, sys, zlib
data, size, name = open(sys.argv[1], "rb").read(), int(sys.argv[2]), sys.argv[3]
c = zlib.compressobj(9, zlib.DEFLATED, 31)
gz = c.compress(data) + c.flush()
open(name + ".ko.gz", "wb").write(gz[:-4] + struct.pack("<I", size))
block = struct.pack("<I", 1 | (len(data) << 3))[:3]
open(name + ".ko.zst", "wb").write(b"\x28\xb5\x2f\xfd\xe0" + struct.pack("<Q", size) + block + data)
EOS
}

lie 1024 small
for f in small.ko.gz:gzip small.ko.zst:zstd; do
	run -n $syms ${f%:*}
	check "${f%:*} declares 1 KiB, less than it holds: refused (status 1) as corrupt ${f#*:} data" \
		sh -c "grep -qx 1 status && grep -q '${f#*:} data is corrupt' err"
done

# 900 MiB declared by a file of a few KiB: under the 1 GiB limit, but far
# past what a module's compression allows.  Entering 900 MiB of pages
# would show in the peak; 64 MiB is several times what the run needs.
lie $((900 << 20)) huge
for f in huge.ko.gz huge.ko.zst; do
	kib=$(peak_kib $f)
	check "$f declares 900 MiB: refused as corrupt (status 1), naming the format" \
		sh -c "grep -qx 1 status && grep -q '${f##*.}' err"
	check "... with a peak of $kib KiB, under 64 MiB: the size it declares was not taken" \
		[ "$kib" -lt 65536 ]
done
