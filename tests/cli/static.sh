#!/bin/sh
# make static: one self-contained binary (musl where musl-gcc is there,
# else glibc), with zlib, liblzma and libzstd linked in rather than opened
# with dlopen().  Checked here: no program interpreter and no dynamic
# section, at most 600 KiB stripped, -V says "-dlopen +static", no dlopen
# notes (nothing to open), and it reads .ko.gz, .ko.xz and .ko.zst where
# no library exists at all: inside an empty directory made the root with
# chroot (as root), else with LD_LIBRARY_PATH pointing at unloadable
# files under the libraries' sonames.  The binary is the one make check
# builds (make static): STATIC_INSMOD names another.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/tests/cli/fixtures/linker.sh"	# into a scratch directory of its own
static=${STATIC_INSMOD:-$top/build/static/insmod}
limit=$((600 * 1024))

if [ ! -x "$static" ]; then
	fail "$static exists (make static; make check builds it)"
	exit 0
fi
size=$(wc -c < "$static")
check "stripped size $size bytes is at most 600 KiB ($limit)" [ "$size" -le "$limit" ]
check "stripped: no symbol table" sh -c "! readelf -S '$static' | grep -q '\.symtab'"
check "no program interpreter (PT_INTERP)" sh -c "! readelf -lW '$static' | grep -q INTERP"
check "no dynamic section" sh -c "readelf -d '$static' | grep -q 'no dynamic section'"
check "no .note.dlopen: nothing is opened" sh -c "! readelf -S '$static' | grep -q note.dlopen"
"$static" -V > out 2> err; echo $? > status
check "-V: +gzip +xz +zstd -dlopen +static" sh -c "sed -n 2p out | grep -qx '+gzip +xz +zstd -dlopen +static'"
# Another C library, another getopt: musl's leaves optind past argc
# after an option that lacks its argument.
# (It also moves the operands behind the options, leaving a NULL before them.)
for o in -o --name -O "good.ko -o" "good.ko --name" "-p good.ko -O"; do
	"$static" $o > out 2> err; echo $? > status
	check "$o without its argument: status 1, 'option needs an argument: ${o##* }'" \
		sh -c "[ \"\$(cat status)\" = 1 ] && grep -qx 'insmod: option needs an argument: ${o##* }' err"
done

module good GPL '	call printk@PLT'
gzip -k good.ko
xz -k good.ko
zstd -q good.ko -o good.ko.zst
printf 'not a gzip stream' | cat good.ko.gz - | head -c 200 > bad.ko.gz	# truncated
if [ "$(id -u)" -eq 0 ] && command -v chroot > /dev/null; then
	# An empty root: the binary, the modules and the symbol tables, nothing else.
	mkdir root
	cp "$static" root/insmod
	cp good.ko good.ko.gz good.ko.xz good.ko.zst bad.ko.gz kallsyms Module.symvers root/
	where="an empty root (chroot, no /lib at all)"
	in_env() { chroot root /insmod "$@"; }
	check "the root holds no library at all" sh -c "[ -z \"\$(find root -name '*.so*')\" ] && [ ! -e root/lib ]"
	if readelf -lW "$insmod" | grep -q INTERP; then
		cp "$insmod" root/dynamic
		check "the dynamic build cannot even start there (so the root proves something)" \
			sh -c "! chroot root /dynamic -V > /dev/null 2>&1"
		rm root/dynamic
	fi
else
	mkdir broken
	for so in libz.so.1 liblzma.so.5 libzstd.so.1; do
		echo "not a library" > "broken/$so"
	done
	where="LD_LIBRARY_PATH at unloadable libraries (not root: no chroot)"
	in_env() { LD_LIBRARY_PATH=$PWD/broken "$static" "$@"; }
fi
# What it says of the uncompressed module (a warning: no __versions), it
# must say of each compressed one, word for word.
in_env -p $syms good.ko > out 2> plain.err; echo $? > status
check "the uncompressed module: -p status 0 in $where" status_is 0
for ext in gz xz zst; do
	in_env -p $syms "good.ko.$ext" > out 2> err; echo $? > status
	sed "s/good\.ko\.$ext/good.ko/" err > err.same
	check ".ko.$ext is read in $where (-p: status 0, the messages of good.ko)" \
		sh -c "[ \"\$(cat status)\" = 0 ] && cmp -s plain.err err.same"
done
in_env -n $syms good.ko.xz > out 2> err; echo $? > status
check ".ko.xz links in $where (-n: status 0)" status_is 0
in_env -p $syms bad.ko.gz > out 2> err; echo $? > status
check "a truncated .ko.gz: status 1, a gzip message" \
	sh -c "[ \"\$(cat status)\" = 1 ] && grep -q 'gzip data is' err"
exit 0
