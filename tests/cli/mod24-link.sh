#!/bin/sh
# 2.4-era modules in the dry-run linker (-n, -m, -O, -p), x86_64 and
# i386: the module header, parameters (typed and 2.0 style, every error),
# ksymoops symbols in their exact names, -X/-x exports, -S kallsyms,
# symbol versions and -P, the kernel version check and -f.  The modules
# are compiled here from tests/mod24/ with gcc; the kernel is a made-up
# /proc/ksyms.  Needs python3 to decode images (tests/mod24/blob24.py).
# Run as: INSMOD=/path/to/insmod sh tests/cli/mod24-link.sh
set -u
. "$(dirname "$0")/lib.sh"
M24=$(cd "$(dirname "$0")/../mod24" && pwd)
M=$T/mods
sh "$M24/build.sh" "$M" > "$T/build.log" 2>&1 || { echo "FAIL: cannot build the 2.4 test modules: $(head -c 300 "$T/build.log")"; exit 1; }
command -v python3 > /dev/null || { echo "FAIL: python3 is needed to decode images"; exit 1; }

check() {	# check DESCRIPTION COMMAND...
	d=$1; shift
	if "$@"; then pass "$d"; else fail "$d"; fi
}
decode() {	# decode BLOB BITS [ADDR:LEN...] > $T/dec
	b=$1; bits=$2; shift 2
	python3 "$M24/blob24.py" "$b" "$bits" 0x12340000 "$@" > "$T/dec"
}
has() {	# has LINE: $T/dec holds exactly this line
	grep -qxF -e "$1" "$T/dec"
}
map_has() {	# map_has LINE: stdout holds exactly this line
	grep -qxF -e "$1" "$T/out"
}
hexsize() {	# hexsize OBJECT SECTION: the section's size in decimal
	printf '%d' "0x$(readelf -S -W "$1" | sed 's/^ *\[ *[0-9]*\] //' | awk -v s="$2" '$1 == s { print $5 }')"
}
# symbol's address in the map on stdout
addr_of() { awk -v n="$1" '$3 == n { print $1; exit }' "$T/out"; }

# The kernel: /proc/ksyms of a 2.4 kernel without symbol versions, a
# loaded module "exporter24" whose struct module is at 0xd0002000.
cat > "$T/ksyms" <<'EOF'
c0120000 printk
c0121000 kmalloc
d0001000 exported_fn	[exporter24]
d0002000 __insmod_exporter24_O/lib/modules/2.4.20/misc/exporter24.o_M3F000000_V132116	[exporter24]
EOF
K="--kernel-symbols=$T/ksyms --kernel-release=2.4.20"

# ---- x86_64: header, map, ksymoops symbols -------------------------------
H=$M/hello24.o
run -n -m -O "$T/h.blob" $K "$H"
expect_status 0 "x86_64: -n -m -O of a 2.4 module succeeds"
cp "$T/out" "$T/h.map"
mkdir "$T/batch"
run --batch -n -m -O "$T/batch" $K "$H"
expect_status 0 "--batch: a 2.4 module links in a batch too"
check "--batch: its blob is DIR/NAME.blob, the bytes -O alone writes" cmp -s "$T/batch/hello24.blob" "$T/h.blob"
check "--batch -m: the module's path, then its map" sh -c "head -1 '$T/out' | grep -qxF '$H:' && tail -n +2 '$T/out' | cmp -s - '$T/h.map'"
expect_out '^Sections:       Size      Address           Align$' "x86_64: map header with 16-digit addresses"
check "x86_64: .this (184-byte struct module) is first, at 0x12340000" \
	sed -n 2p "$T/out" | grep -qx '\.this           000000b8  0000000012340000  2\*\*3'
real=$(readlink -f "$H")
mtime=$(printf '%016X' "$(stat -c %Y "$H")")
O="__insmod_hello24_O${real}_M${mtime}_V132116"
check "x86_64: _O symbol at the header, exact name" map_has "0000000012340000 D $O"
for s in .text .rodata .data .bss; do
	n="__insmod_hello24_S${s}_L$(hexsize "$H" "$s")"
	[ "$s" = .bss ] && n="__insmod_hello24_S.bss_L28"	# .bss grew by the common symbol
	check "x86_64: $n at the start of $s" grep -q " [A-Z] $n\$" "$T/out"
done
check "x86_64: no _S symbol for an absent .sbss" sh -c "! grep -q '_S.sbss' '$T/out'"
check "x86_64: init_module is local (t) after hiding" grep -q ' t init_module$' "$T/out"
check "x86_64: __this_module is a local in .this" map_has "0000000012340000 d __this_module"
check "x86_64: the common symbol went into .bss (D)" grep -q ' D counter$' "$T/out"
check "x86_64: .text.init comes last" sh -c "grep -A1 '^\.text\.init' '$T/out' | grep -q '^\.data\.init'"

decode "$T/h.blob" 64
size=$(printf '%#x' "$(stat -c %s "$T/h.blob")")
check "x86_64: size_of_struct is 184" has "size_of_struct=0xb8"
check "x86_64: size is the image's size" has "size=$size"
check "x86_64: flags 0 without -k" has "flags=0x0"
check "x86_64: name is the module's" has "name_str=hello24"
check "x86_64: init is init_module's address" has "init=0x$(addr_of init_module | sed 's/^0*//')"
check "x86_64: cleanup is cleanup_module's address" has "cleanup=0x$(addr_of cleanup_module | sed 's/^0*//')"
exs=$(awk '$1 == "__ex_table" { print $3 }' "$T/out" | sed 's/^0*//')
check "x86_64: ex_table_start at __ex_table" has "ex_table_start=0x$exs"
check "x86_64: ex_table_end 16 bytes on" has "ex_table_end=$(printf '%#x' $((0x$exs + 16)))"
init=$(awk '$1 == ".text.init" { print $3 }' "$T/out" | sed 's/^0*//')
check "x86_64: runsize is where .text.init starts" has "runsize=$(printf '%#x' $((0x$init - 0x12340000)))"
check "x86_64: no kallsyms without -S or kernel support" has "kallsyms_start=0x0"
check "x86_64: -X default exports every external symbol" has "export hello_work=0x$(addr_of hello_work | sed 's/^0*//')"
check "x86_64: ... including the ksymoops symbols" has "export $O=0x12340000"
check "x86_64: ... but not the hidden init_module" sh -c "! grep -q '^export init_module=' '$T/dec'"
check "x86_64: ... nor symbols taken from the kernel" sh -c "! grep -q '^export printk=' '$T/dec'"
check "x86_64: 17 exports" has "nsyms=17"
check "x86_64: no dependencies" has "ndeps=0"

# A relocation checked by hand: init_module's call to printk (0xc0120000).
reloc_field() {	# reloc_field OBJECT RELSECTION: offset of the printk entry
	readelf -r -W "$1" | awk -v s="'$2'" '$0 ~ "Relocation section " s { f = 1; next }
		/Relocation section/ { f = 0 } f && / printk/ { print $1; exit }'
}
off=$(reloc_field "$H" .rela.text.init)
P=$((0x$init + 0x$off))
decode "$T/h.blob" 64 "$(printf '%#x' $P):4"
want=$(printf '%08x' $(((0xc0120000 - 4 - P) & 0xffffffff)) | sed 's/\(..\)\(..\)\(..\)\(..\)/\4\3\2\1/')
check "x86_64: the call to printk is relocated (PLT32: S + A - P)" has "mem $(printf '%#x' $P):4=$want"

run -n -k -O "$T/k.blob" $K "$H"
decode "$T/k.blob" 64
check "x86_64: -k sets NEW_MOD_AUTOCLEAN (4) in flags" has "flags=0x4"
run -n -O "$T/b.blob" --base=0x40000000 $K "$H"
check "--base moves the header" sh -c "python3 '$M24/blob24.py' '$T/b.blob' 64 0x40000000 | grep -x 'name_str=hello24' > /dev/null"
run -n -o renamed -m $K "$H"
check "-o names the module in the ksymoops symbols" grep -q " D __insmod_renamed_O${real}_M" "$T/out"
run -n -m -y $K "$H"
check "-y: no __insmod_ symbols" sh -c "! grep -q __insmod_ '$T/out'"

# ---- parameters, typed (2.1+) ---------------------------------------------
run -n -m -O "$T/p.blob" $K "$H" irq=0x21 'io=7,,0x99' flag=200 mask=-1 name='"a\tb\101"' label=abcdefg \
	ids=5,6,7 saved=3 names=one,,three noequals
expect_status 0 "typed parameters are accepted"
a_irq=0x$(addr_of irq); a_io=0x$(addr_of io); a_flag=0x$(addr_of flag); a_mask=0x$(addr_of mask)
a_name=0x$(addr_of name); a_label=0x$(addr_of label); a_ids=0x$(addr_of ids); a_names=0x$(addr_of names)
decode "$T/p.blob" 64 "$a_irq:4" "$a_io:8" "$a_flag:1" "$a_mask:8" "$a_label:8" "$a_ids:16" "$a_name:8" "$a_names:24"
check "i: irq=0x21 written" has "mem $a_irq:4=21000000"
check "h array: io=7,,0x99 leaves the skipped element as it was (0x222)" has "mem $a_io:8=0700220299004404"
check "b: flag=200" has "mem $a_flag:1=c8"
check "l: mask=-1 is 8 bytes of ones" has "mem $a_mask:8=ffffffffffffffff"
check "c8: label=abcdefg (7 characters) fits" has "mem $a_label:8=6162636465666700"
check "i array 2-4: ids=5,6,7 and the fourth untouched" has "mem $a_ids:16=0500000006000000070000002c000000"
ptr=$(sed -n "s/^mem $a_name:8=//p" "$T/dec")
p=$(python3 -c "import struct,sys; print(hex(struct.unpack('<Q', bytes.fromhex('$ptr'))[0]))")
decode "$T/p.blob" 64 "$p:5"
check "s: a quoted string is decoded (\\t, \\101) into .kstrtab" has "mem $p:5=6109624100"
decode "$T/p.blob" 64 "$a_names:24"
check "s array: names=one,,three leaves the skipped pointer NULL" \
	sh -c "grep -q '^mem $a_names:24=................0000000000000000................$' '$T/dec'"

perr() {	# perr DESCRIPTION MESSAGE ARGS...: fails with exactly that message
	d=$1; msg=$2; shift 2
	run -n $K "$H" "$@"
	if [ "$STATUS" -eq 1 ] && grep -qxF "insmod: $H: $msg" "$T/err"; then pass "$d"
	else fail "$d (status $STATUS, stderr: $(head -c 300 "$T/err"))"; fi
}
perr "too many values" "too many values for io (max 4)" io=1,2,3,4,5
perr "a trailing comma counts as a value" "too many values for io (max 4)" io=1,2,3,4,
perr "too few values" "too few values for ids (min 2)" ids=1
perr "string too long for c8 (8 characters)" "string too long for label (max 7)" label=abcdefgh
perr "bad integer syntax" "invalid argument syntax for irq: 'x'" irq=12x
perr "not an integer at all" "invalid argument syntax for irq: 'z'" irq=zz
perr "garbage after a string" "invalid argument syntax for name: 'x'" 'name="a"x'
perr "unterminated quoted string" "improperly terminated string argument for name" 'name="abc'
perr "unknown parameter (the original's key, parm_ and all)" "invalid parameter parm_nosuch" nosuch=1
perr "several bad words are each reported" "invalid parameter parm_other" nosuch=1 other=2
check "... the first one too" grep -qxF "insmod: $H: invalid parameter parm_nosuch" "$T/err"

B=$M/badparm24.o
run -n $K "$B" weird=1 nosize=ab
expect_status 1 "bad declarations: the two the original counted as errors fail the load"
for m in "warning: $B: symbol for parameter ghost not found" \
	 "warning: $B: parameter backwards has max < min!" \
	 "warning: $B: parameter nosize has no size after 'c'!" \
	 "warning: $B: parameter weird has unknown format character 'q'" \
	 "warning: $B: parameter oddmod has unknown format modifier 'x'" \
	 "$B: parameter pstr is invalid persistent string" \
	 "$B: parameter parm_bare found with no value" \
	 "$B: unknown parameter type 'q' for weird" \
	 "$B: parameter type 'c' for nosize must be followed by the maximum size"; do
	check "message: $m" grep -qxF "insmod: $m" "$T/err"
done

# ---- parameters, 2.0 style --------------------------------------------------
O20=$M/old20.o
K20="--kernel-symbols=$T/ksyms --kernel-release=2.0.36"
run -n -m -O "$T/o.blob" $K20 "$O20" io=0x310 ports=9,,7 mode=manual hidden=3
expect_status 0 "2.0 module: any int or char * symbol is a parameter"
a_io=0x$(addr_of io); a_ports=0x$(addr_of ports); a_hidden=0x$(addr_of hidden); a_mode=0x$(addr_of mode)
decode "$T/o.blob" 64 "$a_io:4" "$a_ports:16" "$a_hidden:4" "$a_mode:8"
check "2.0: a value starting with a digit is an integer" has "mem $a_io:4=10030000"
check "2.0: arrays with a skipped element" has "mem $a_ports:16=09000000020000000700000004000000"
check "2.0: even a static variable" has "mem $a_hidden:4=03000000"
check "2.0: the module name from the file name" has "name_str=old20"
check "2.0: kernel_version 2.0.36 gives _V131108" grep -q "__insmod_old20_O.*_V131108\$" "$T/out"
perr20() { d=$1; msg=$2; shift 2; run -n $K20 "$O20" "$@"
	if [ "$STATUS" -eq 1 ] && grep -qxF "insmod: $O20: $msg" "$T/err"; then pass "$d"
	else fail "$d (status $STATUS, stderr: $(head -c 300 "$T/err"))"; fi; }
perr20 "2.0: unknown symbol" "symbol for parameter nosuch not found" nosuch=1
perr20 "2.0: a symbol from the kernel is no parameter" "symbol for parameter printk not found" printk=1
perr20 "2.0: no count limit, but never past the variable" "too many values for ports (max 4)" ports=1,2,3,4,5
perr20 "2.0: -1 is a string, and a pointer does not fit an int" \
	"a 8-byte value for io does not fit in its 4-byte variable" io=-1

# ---- version check ----------------------------------------------------------
run -n --kernel-symbols="$T/ksyms" --kernel-release=2.4.21 "$H"
expect_status 1 "a version mismatch fails"
check "the original's message" sh -c "grep -qxF 'insmod: $H: kernel-module version mismatch' '$T/err' &&
	grep -qxF '	$H was compiled for kernel version 2.4.20' '$T/err' &&
	grep -qxF '	while this kernel is version 2.4.21.' '$T/err'"
run -n -f --kernel-symbols="$T/ksyms" --kernel-release=2.4.21 "$H"
expect_status 0 "-f loads anyway"
expect_err "warning: kernel-module version mismatch" "-f: the mismatch is a warning"
run -n --force-vermagic --kernel-symbols="$T/ksyms" --kernel-release=2.4.21 "$H"
expect_status 0 "--force-vermagic: the version check is -f's, so it loads anyway"
run -n --force-modversion --kernel-symbols="$T/ksyms" --kernel-release=2.4.21 "$H"
expect_status 1 "--force-modversion: the kernel version still counts"
expect_err "--force-modversion has no effect on a 2.4 module" "--force-modversion on a 2.4 module: said to do nothing"
run -n -q --kernel-symbols="$T/ksyms" --kernel-release=2.4.21 "$H"
expect_status 1 "-q: still fails"
expect_no_err "-q: silently"

# ---- symbol versions and -P ------------------------------------------------
cat > "$T/vksyms" <<'EOF'
00000001 Using_Versions
c0120000 printk_R1b7d4074
c0121000 kmalloc_R93d4cfe6
c0122000 get_module_symbol_R12345678
EOF
cat > "$T/smpksyms" <<'EOF'
00000001 Using_Versions
c0120000 printk_Rsmp_1b7d4074
c0121000 kmalloc_Rsmp_93d4cfe6
c0122000 get_module_symbol_Rsmp_12345678
EOF
V=$M/versioned24.o
run -n -p --kernel-symbols="$T/vksyms" --kernel-release=2.4.99 "$V"
expect_status 0 "both versioned, same CRCs: resolved, and the release is not compared"
sed 's/1b7d4074/1b7d4075/' "$T/vksyms" > "$T/vbad"
run -n -p --kernel-symbols="$T/vbad" --kernel-release=2.4.20 "$V"
expect_status 1 "both versioned, another CRC: unresolved"
expect_err "unresolved symbol printk_R1b7d4074" "... the versioned name is reported"
run -n -p $K "$V"
expect_status 0 "versioned module, unversioned kernel: matched by base name"
run -n -p -v --kernel-symbols="$T/smpksyms" --kernel-release=2.4.20 "$H"
expect_status 0 "unversioned module, SMP-versioned kernel: matched by base name"
expect_err "Symbol version prefix 'smp_'" "... with the prefix taken from get_module_symbol_R"
run -n -p -P bigmem_ --kernel-symbols="$T/smpksyms" --kernel-release=2.4.20 "$H"
expect_status 1 "-P with another prefix: no match"
run -n -p $K "$M/versioned24smp.o"
expect_status 1 "smp_ module, unversioned kernel, no prefix: unresolved"
run -n -p -P smp_ $K "$M/versioned24smp.o"
expect_status 0 "smp_ module, unversioned kernel, -P smp_: resolved"

# ---- unresolved symbols, -p -------------------------------------------------
echo 'c0121000 kmalloc' > "$T/noprintk"
run -n --kernel-symbols="$T/noprintk" --kernel-release=2.4.20 "$H"
expect_status 1 "an unresolved symbol fails"
check "... named the original's way" grep -qxF "insmod: $H: unresolved symbol printk" "$T/err"
run -n --kernel-symbols="$T/noprintk" --kernel-release=2.4.20 "$M/exporter24.o"
expect_status 0 "an unresolved weak symbol is 0, not an error"
# GPLONLY_ exports are for GPL-compatible modules only (hello24 is GPL,
# exporter24 Proprietary, with a weak reference to maybe_there)
printf 'c0120000 GPLONLY_printk\nc0121000 kmalloc\n' > "$T/gplonly"
run -n --kernel-symbols="$T/gplonly" --kernel-release=2.4.20 "$H"
expect_status 0 "GPLONLY_printk resolves printk for a GPL module"
echo 'ffffffff80125000 GPLONLY_maybe_there' > "$T/gplonly"
run -n -m --kernel-symbols="$T/gplonly" --kernel-release=2.4.20 "$M/exporter24.o"
check "GPLONLY_maybe_there is not for a proprietary module: its weak reference stays 0" \
	map_has "0000000000000000 A maybe_there"
echo 'ffffffff80125000 maybe_there' > "$T/gplonly"
run -n -m --kernel-symbols="$T/gplonly" --kernel-release=2.4.20 "$M/exporter24.o"
check "... while a plain export of it resolves" sh -c "[ $STATUS = 0 ] && ! grep -q ' A maybe_there\$' '$T/out'"
run -n -m -p $K "$H"
expect_status 0 "-p succeeds"
expect_no_out "-p: no map"

# ---- exports: -X, -x, own tables, EXPORT_NO_SYMBOLS, dependencies ----------
run -n -x -O "$T/x.blob" $K "$H"
decode "$T/x.blob" 64
check "-x: only the 5 ksymoops symbols are exported" has "nsyms=5"
check "-x: hello_work is not" sh -c "! grep -q '^export hello_work=' '$T/dec'"
run -n -x -y -O "$T/xy.blob" $K "$H"
decode "$T/xy.blob" 64
check "-x -y: nothing exported" has "nsyms=0"
E=$M/exporter24.o
run -n -m -O "$T/e.blob" $K "$E"
decode "$T/e.blob" 64
check "own export table: kept, with the ksymoops symbols added" has "nsyms=5"
check "own export table: exported_fn" has "export exported_fn=0x$(addr_of exported_fn | sed 's/^0*//')"
check "own export table: not_exported is not" sh -c "! grep -q '^export not_exported=' '$T/dec'"
Q=$M/quiet24.o
run -n -m -O "$T/q.blob" $K "$Q"
decode "$T/q.blob" 64
check "EXPORT_NO_SYMBOLS: quiet_global is not exported" sh -c "! grep -q '^export quiet_global=' '$T/dec'"
check "EXPORT_NO_SYMBOLS: ksymoops symbols still are" has "nsyms=3"
check "a module's symbol makes a dependency" has "ndeps=1"
check "dependency: dep is the module's struct module, ref is ours" has "dep 0=0xd0002000,0x12340000,0x0"

# ---- -S kallsyms ---------------------------------------------------------------
run -n -S -m -O "$T/s.blob" $K "$H"
decode "$T/s.blob" 64
ks=$(awk '$1 == "__kallsyms" { print $3 }' "$T/out" | sed 's/^0*//')
check "-S: a __kallsyms section, in the header" has "kallsyms_start=0x$ks"
check "-S: 72-byte header, 32-byte sections, 24-byte symbols" has "kallsyms section_size=32 symbol_size=24"
check "-S: .text listed with its address, size and flags" \
	has "ksec .text=0x$(awk '$1 == ".text" { print $3 }' "$T/out" | sed 's/^0*//'),$(hexsize "$H" .text),0x6"
check "-S: symbols by address, hello_work among them" grep -q "^ksym [0-9]* hello_work=0x$(addr_of hello_work | sed 's/^0*//'),0\$" "$T/dec"
check "-S: no __insmod_ symbols in kallsyms" sh -c "! grep -q '^ksym .*__insmod_' '$T/dec'"
check "-S: symbols sorted by address" sh -c "grep '^ksym ' '$T/dec' | sed 's/.*=//; s/,.*//' | python3 -c 'import sys; v=[int(l,16) for l in sys.stdin]; sys.exit(v != sorted(v))'"
printf 'c0300000 __start___kallsyms\nc0310000 __stop___kallsyms\n' >> "$T/ksyms"
run -n -O "$T/s2.blob" $K "$H"
decode "$T/s2.blob" 64
check "a kernel with kallsyms gets them without -S" sh -c "! grep -qx 'kallsyms_start=0x0' '$T/dec'"

# ---- i386 -----------------------------------------------------------------
H32=$M/hello24-32.o
run -n -m -O "$T/h32.blob" $K "$H32" irq=9 'io=,5' label=xy
expect_status 0 "i386: -n -m -O succeeds"
expect_out '^Sections:       Size      Address   Align$' "i386: 8-digit addresses"
check "i386: .this (96-byte struct module) first" sed -n 2p "$T/out" | grep -qx '\.this           00000060  12340000  2\*\*2'
real32=$(readlink -f "$H32")
mtime32=$(printf '%016X' "$(stat -c %Y "$H32")")
check "i386: _O symbol, exact name" map_has "12340000 D __insmod_hello24-32_O${real32}_M${mtime32}_V132116"
a_irq=0x$(addr_of irq); a_io=0x$(addr_of io); a_label=0x$(addr_of label)
decode "$T/h32.blob" 32 "$a_irq:4" "$a_io:8" "$a_label:4"
check "i386: size_of_struct 96" has "size_of_struct=0x60"
check "i386: size" has "size=$(printf '%#x' "$(stat -c %s "$T/h32.blob")")"
check "i386: init" has "init=0x$(addr_of init_module)"
check "i386: irq=9" has "mem $a_irq:4=09000000"
check "i386: io=,5 skips the first element" has "mem $a_io:8=1101050033034404"
check "i386: label=xy" has "mem $a_label:4=78790065"
check "i386: 4-byte export entries" has "export hello_work=0x$(addr_of hello_work)"
init32=$(awk '$1 == ".text.init" { print $3 }' "$T/out")
off=$(reloc_field "$H32" .rel.text.init)
P=$((0x$init32 + 0x$off))
decode "$T/h32.blob" 32 "$(printf '%#x' $P):4"
want=$(printf '%08x' $(((0xc0120000 - 4 - P) & 0xffffffff)) | sed 's/\(..\)\(..\)\(..\)\(..\)/\4\3\2\1/')
check "i386: the call to printk is relocated (PC32: field + S - P)" has "mem $(printf '%#x' $P):4=$want"
run -n -S -O "$T/s32.blob" $K "$H32"
decode "$T/s32.blob" 32
check "i386 -S: 44-byte header, 16-byte sections, 12-byte symbols" has "kallsyms section_size=16 symbol_size=12"
check "i386 -S: header size 44" grep -q '^kallsyms size=44 ' "$T/dec"
run -n $K20 "$M/old20-32.o" io=5 mode=x
expect_status 0 "i386: 2.0 module with a string (4-byte pointer) parameter"

# ---- sizes a 2.4 kernel could never have held --------------------------------------
# A few KB of object that claims a 200 MB common symbol: refused at once,
# the limit named, without allocating it (under a 1 GiB address-space limit).
printf '#include "kmod24.h"\nMODULE_KERNEL_VERSION();\nMODULE_LICENSE("GPL");\nchar huge[200000000];\nint init_module(void) { return huge[0]; }\nvoid cleanup_module(void) { }\n' > "$T/huge24.c"
gcc -O2 -fno-pic -fcommon -ffreestanding -mcmodel=kernel -mno-red-zone -D__KERNEL__ -DMODULE -I"$M24" \
	-c -o "$T/huge24.o" "$T/huge24.c"
# (in a shell of its own, whose report of ASan's abort goes to /dev/null)
if sh -c 'ulimit -v 1048576; "$1" --version; exit $?' sh "$INSMOD" > /dev/null 2>&1; then	# not under ASan
	(ulimit -v 1048576; "$INSMOD" -n $K "$T/huge24.o" > "$T/out" 2> "$T/err"; echo $? > "$T/status")
else
	"$INSMOD" -n $K "$T/huge24.o" > "$T/out" 2> "$T/err"; echo $? > "$T/status"
fi
STATUS=$(cat "$T/status")
expect_status 1 "a 200 MB common symbol in a $(wc -c < "$T/huge24.o")-byte object is refused"
expect_err "common symbol huge: 200000000 bytes, more than a 2.4 module can hold (64 MiB)" "... naming the limit"
# ---- not on this kernel ---------------------------------------------------------
run "$H"
expect_status 1 "a real load of a 2.4 module on a kernel without query_module fails"
expect_err "has no query_module(2)" "... saying why"
finish
