#!/bin/sh
# Loading a 2.4-era module into a Linux 2.4 kernel -- a simulated one: a
# preloaded library (tests/mod24/fake24.c) answers query_module,
# create_module, init_module and delete_module from a symbol file and
# records what it receives.  The image init_module gets must be
# byte-identical to what -O writes, and to a dry run at the same address,
# and every option must reach struct module.
# Run as: INSMOD=/path/to/insmod sh tests/cli/mod24-load.sh
set -u
. "$(dirname "$0")/lib.sh"
M24=$(cd "$(dirname "$0")/../mod24" && pwd)
M=$T/mods
sh "$M24/build.sh" "$M" > "$T/build.log" 2>&1 || { echo "FAIL: cannot build the 2.4 test modules: $(head -c 300 "$T/build.log")"; exit 1; }
cc -shared -fPIC -O2 -o "$T/fake24.so" "$M24/fake24.c" -ldl || { echo "FAIL: cannot build the fake kernel"; exit 1; }
command -v python3 > /dev/null || { echo "FAIL: python3 is needed to decode images"; exit 1; }
# the sanitizers want to come first among libraries; here the fake must
export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0"

check() { d=$1; shift; if "$@"; then pass "$d"; else fail "$d"; fi; }
BASE=0xffffffffa0100000
decode() { python3 "$M24/blob24.py" "$1" 64 "$BASE" > "$T/dec"; }
has() { grep -qxF -e "$1" "$T/dec"; }
logged() { grep -qxF -e "$1" "$T/k/log"; }

# The kernel: a loaded module exporter24 (struct module at 0xd0002000) and
# enough symbols that QM_SYMBOLS answers ENOSPC to a first small buffer.
{
	printf 'ffffffff80120000 printk\nffffffff80121000 kmalloc\n'
	printf 'ffffffffd0001000 exported_fn\t[exporter24]\n'
	printf 'ffffffffd0002000 __insmod_exporter24_O/lib/modules/2.4.20/misc/exporter24.o_M3F000000_V132116\t[exporter24]\n'
	i=0
	while [ $i -lt 300 ]; do printf 'ffffffff8%07x filler_symbol_number_%d\n' $i $i; i=$((i + 1)); done
} > "$T/ksyms"

kernel() {	# kernel [VAR=VALUE...] -- INSMOD-ARGS...: a run against the fake
	rm -rf "$T/k"; mkdir -p "$T/k"
	envs="FAKE24_KSYMS=$T/ksyms FAKE24_DIR=$T/k FAKE24_BASE=$BASE"
	while [ "$1" != -- ]; do envs="$envs $1"; shift; done
	shift
	env $envs LD_PRELOAD="$T/fake24.so" "$INSMOD" "$@" > "$T/out" 2> "$T/err"
	STATUS=$?
}

Q=$M/quiet24.o
kernel -- -k -m -O "$T/q.blob" "$Q"
expect_status 0 "load into the 2.4 kernel succeeds"
size=$(stat -c %s "$T/q.blob")
check "create_module got the name and the image's size" logged "create_module quiet24 $size"
check "init_module got the name and the image" logged "init_module quiet24 $size"
check "the image handed over is byte-identical to -O" cmp -s "$T/q.blob" "$T/k/init_module.bin"
check "QM_SYMBOLS was asked again after ENOSPC" logged "query_module kernel QM_SYMBOLS 4096 ENOSPC"
check "the map shows the address create_module gave" grep -q '^\.this           000000b8  ffffffffa0100000  2\*\*3$' "$T/out"
cp "$T/k/init_module.bin" "$T/loaded.bin"
kernel -- -n -k --base=$BASE -O "$T/dry.blob" "$Q"
check "a dry run at the same address gives the same bytes" cmp -s "$T/dry.blob" "$T/loaded.bin"
check "a dry run calls neither create_module nor init_module" sh -c "! grep -q _module\ quiet24 '$T/k/log'"
decode "$T/loaded.bin"
check "-k reached struct module: flags NEW_MOD_AUTOCLEAN" has "flags=0x4"
check "size reached struct module" has "size=$(printf '%#x' "$size")"
check "the name" has "name_str=quiet24"
check "the dependency on exporter24 (QM_INFO address), referring to our header" \
	has "dep 0=0xffffffffd0002000,0xffffffffa0100000,0x0"
check "exported_fn resolved from the module (QM_SYMBOLS of exporter24)" logged "query_module exporter24 QM_SYMBOLS 4096"

H=$M/hello24.o
kernel -- -S -x -O "$T/h.blob" "$H" irq=42 'io=,9'
expect_status 0 "load with -S -x and parameters"
check "-O and init_module agree" cmp -s "$T/h.blob" "$T/k/init_module.bin"
decode "$T/k/init_module.bin"
check "no -k: flags 0" has "flags=0x0"
check "-S reached struct module: kallsyms_start" sh -c "! grep -qx 'kallsyms_start=0x0' '$T/dec'"
check "-x reached the export table: the 5 ksymoops symbols only" has "nsyms=5"
kernel -- -y -m "$H" irq=42 'io=,9'
check "-y: no ksymoops symbols" sh -c "! grep -q __insmod_ '$T/out'"
a_irq=$(awk '$3 == "irq" { print $1 }' "$T/out"); a_io=$(awk '$3 == "io" { print $1 }' "$T/out")
python3 "$M24/blob24.py" "$T/k/init_module.bin" 64 "$BASE" "0x$a_irq:4" "0x$a_io:8" > "$T/dec"
check "parameters reached the image: irq=42" has "mem 0x$a_irq:4=2a000000"
check "parameters reached the image: io=,9 (first element untouched)" has "mem 0x$a_io:8=1101090033034404"

kernel FAKE24_RELEASE=2.4.21 -- "$H"
expect_status 1 "uname says 2.4.21: version mismatch"
expect_err "while this kernel is version 2.4.21." "... the original's message"
check "... and nothing was created" sh -c "! grep -q create_module '$T/k/log'"
kernel FAKE24_RELEASE=2.4.21 -- -f "$H"
expect_status 0 "-f loads it anyway"
check "... into the kernel" grep -q '^init_module hello24 [0-9]*$' "$T/k/log"

kernel -- "$M/exporter24.o"
expect_status 1 "a module of that name is loaded already"
expect_err "a module named exporter24 already exists" "... the original's message"
kernel -- -L "$M/exporter24.o"
expect_status 0 "-L: already loaded is success"
check "-L: nothing created" sh -c "! grep -q create_module '$T/k/log'"

# -L locks by module name in a directory only root can write, not the
# module file, which any user who can read it could hold locked forever.
if command -v flock > /dev/null && command -v timeout > /dev/null; then
	rm -f "$T/held"
	flock -s "$H" sh -c "touch '$T/held'; exec sleep 30" & holder=$!
	while [ ! -e "$T/held" ] && kill -0 $holder 2> /dev/null; do sleep 0.05; done
	rm -rf "$T/k"; mkdir -p "$T/k"
	timeout 10 env FAKE24_KSYMS="$T/ksyms" FAKE24_DIR="$T/k" FAKE24_BASE=$BASE LD_PRELOAD="$T/fake24.so" \
		"$INSMOD" -L "$H" > "$T/out" 2> "$T/err"
	STATUS=$?
	kill $holder 2> /dev/null; wait $holder 2> /dev/null
	expect_status 0 "-L is not held up by a user's flock on the module file"
	if [ "$(id -u)" = 0 ]; then
		rm -f "$T/held"
		flock /run/insmod/hello24.lock sh -c "touch '$T/held'; exec sleep 1" & holder=$!
		while [ ! -e "$T/held" ] && kill -0 $holder 2> /dev/null; do sleep 0.05; done
		kernel -- -L "$H"
		if [ -e "$T/held" ] && ! kill -0 $holder 2> /dev/null; then pass "-L waits while /run/insmod/hello24.lock is held"
		else fail "-L waits while /run/insmod/hello24.lock is held (held: $([ -e "$T/held" ] && echo yes || echo no))"; fi
		wait $holder
		expect_status 0 "... and then loads"
		check "/run/insmod is root's, writable by root only" \
			sh -c '[ "$(stat -c %u:%a /run/insmod)" = 0:700 ] || [ "$(stat -c %u:%a /run/insmod)" = 0:755 ]'
		check "/run/insmod/hello24.lock is 0600" sh -c '[ "$(stat -c %a /run/insmod/hello24.lock)" = 600 ]'
	else
		echo "SKIP: the /run/insmod lock checks need root"
	fi
else
	echo "SKIP: -L lock checks need flock(1) and timeout(1)"
fi

kernel FAKE24_CREATE_ERRNO=12 -- "$H"
expect_status 1 "create_module fails with ENOMEM"
expect_err "can't allocate kernel memory for module; needed [0-9]* bytes" "... the original's message"
expect_no_err_match "out of memory" "create_module ENOMEM: no second, misleading 'out of memory' line"
check "create_module ENOMEM: nothing is deleted (insmod created nothing)" sh -c "! grep -q delete_module '$T/k/log'"
kernel FAKE24_CREATE_ERRNO=17 -- "$H"
expect_status 1 "create_module EEXIST (another insmod won the race)"
expect_err "a module named hello24 already exists" "... says so"
check "create_module EEXIST: the other insmod's module is not deleted" sh -c "! grep -q delete_module '$T/k/log'"
kernel FAKE24_CREATE_ERRNO=1 -- "$H"
expect_status 1 "create_module EPERM"
check "create_module EPERM: nothing is deleted" sh -c "! grep -q delete_module '$T/k/log'"
kernel FAKE24_INIT_ERRNO=16 -- "$H"
expect_status 1 "init_module fails"
expect_err "init_module: Device or resource busy" "... with the error"
expect_err "Hint: insmod errors can be caused by incorrect module parameters" "... and the original's hint"
check "... and the module is deleted again" logged "delete_module hello24"
kernel -- "$H" irq=x
expect_status 1 "a bad parameter stops the load"
check "... before create_module" sh -c "! grep -q create_module '$T/k/log'"
kernel -- -p "$H"
expect_status 0 "-p against the kernel"
check "-p creates nothing" sh -c "! grep -q create_module '$T/k/log'"

# A relocation insmod itself does not apply, on a 2.4 object: the 2.4 kernel
# never relocates, so the message must not blame it.
python3 - "$H" "$T/badrel24.o" <<'PY'
import struct, sys
b = bytearray(open(sys.argv[1], "rb").read())
shoff, = struct.unpack_from("<Q", b, 0x28); shnum, = struct.unpack_from("<H", b, 0x3c)
for i in range(shnum):
    sh = shoff + i * 64
    if struct.unpack_from("<I", b, sh + 4)[0] == 4:	# SHT_RELA: first entry's type -> 99
        off, = struct.unpack_from("<Q", b, sh + 0x18)
        struct.pack_into("<I", b, off + 8, 99)
        break
open(sys.argv[2], "wb").write(b)
PY
kernel -- -n "$T/badrel24.o"
expect_status 1 "2.4 object with an unknown relocation type is refused"
expect_err "unknown relocation type 99 (insmod applies only" "... in insmod's name (insmod relocates a 2.4 module)"
expect_no_err_match "the kernel" "... without blaming the kernel"
# No get_module_symbol to take a prefix from: an SMP kernel's uname says smp_.
kernel FAKE24_SMP=1 -- -n "$M/versioned24smp.o"
expect_status 0 "smp_ module, unversioned SMP kernel: prefix from uname"
kernel -- -n "$M/versioned24smp.o"
expect_status 1 "smp_ module, unversioned uniprocessor kernel: unresolved"
# ---- i386: a 32-bit insmod into a 32-bit 2.4 kernel --------------------------
# (gcc-multilib; no compression libraries for the 32-bit build)
top=$(cd "$(dirname "$0")/../.." && pwd)
if ! make -C "$top" -s BUILD=build/m32 CFLAGS="-O2 -g -m32 -Wno-error" LDFLAGS=-m32 PKG_CONFIG=false \
	build/m32/insmod > "$T/m32.log" 2>&1 ||
   ! cc -m32 -shared -fPIC -O2 -o "$T/fake24-32.so" "$M24/fake24.c" -ldl 2>> "$T/m32.log"; then
	fail "i386: cannot build a 32-bit insmod and fake kernel (gcc-multilib?): $(tail -c 300 "$T/m32.log")"
	finish
fi
# Some kernels are built without IA-32 emulation or boot with it off
# (ia32_emulation=0): the machine cannot have this prerequisite, so the
# 32-bit checks are skipped, said, and counted as skipped.
if ! "$top/build/m32/insmod" --version > "$T/m32.run" 2>&1; then
	skip "i386: this kernel cannot run 32-bit programs ($(head -c 200 "$T/m32.run")); the 32-bit 2.4 load checks did not run"
	finish
fi
sed 's/^ffffffff//' "$T/ksyms" > "$T/ksyms32"
BASE=0xd0800000
kernel32() {
	rm -rf "$T/k"; mkdir -p "$T/k"
	env FAKE24_KSYMS="$T/ksyms32" FAKE24_DIR="$T/k" FAKE24_BASE=$BASE FAKE24_MACHINE=i686 \
		LD_PRELOAD="$T/fake24-32.so" "$top/build/m32/insmod" "$@" > "$T/out" 2> "$T/err"
	STATUS=$?
}
kernel32 -k -m -O "$T/q32.blob" "$M/quiet24-32.o"
expect_status 0 "i386: load into the 32-bit 2.4 kernel succeeds"
size=$(stat -c %s "$T/q32.blob")
check "i386: init_module got the image" logged "init_module quiet24-32 $size"
check "i386: byte-identical to -O" cmp -s "$T/q32.blob" "$T/k/init_module.bin"
cp "$T/k/init_module.bin" "$T/loaded32.bin"
kernel32 -n -k --base=$BASE -O "$T/dry32.blob" "$M/quiet24-32.o"
check "i386: and to a dry run at the same address" cmp -s "$T/dry32.blob" "$T/loaded32.bin"
python3 "$M24/blob24.py" "$T/loaded32.bin" 32 $BASE > "$T/dec"
check "i386: a 96-byte struct module" has "size_of_struct=0x60"
check "i386: -k reached flags" has "flags=0x4"
check "i386: the dependency on exporter24" has "dep 0=0xd0002000,0xd0800000,0x0"
kernel32 "$M/hello24-32.o" irq=3 'io=,9'
expect_status 0 "i386: a module with parameters"
finish
