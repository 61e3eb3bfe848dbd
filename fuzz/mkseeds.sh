#!/bin/sh
# Regenerates the committed fuzzing seeds (fuzz/seeds/) and the fixed kernel
# symbol tables of the link target (fuzz/ksyms/) from the test caches:
#   .cache/oracle/ARCH/     Debian modules, Module.symvers and the oracle's
#                           made-up kallsyms (tests/oracle/fetch.sh, mksyms.sh)
#   .cache/modules/RELEASE/ the test modules of tests/modules (if built)
# and from tests/cli/fixtures/fake.c, compiled for each architecture with
# clang.  Everything kept small: a few modules of a few KB each (debug
# information stripped), a few dozen lines of each symbol file format.
# Run from anywhere: sh fuzz/mkseeds.sh
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"

# knob2 SOURCE NAME BYTE14: fuzz/seeds/elf/NAME, SOURCE with byte 14 set
knob2() {
	cp "fuzz/seeds/elf/$1" "fuzz/seeds/elf/$2"
	printf "\\$(printf '%03o' "$3")" | dd of="fuzz/seeds/elf/$2" bs=1 seek=14 conv=notrunc 2> /dev/null
}
if [ "${1:-}" = knobs ]; then
	k=fuzz/seeds/elf
	knob2 x86_64-im_params.ko x86_64-im_params-stream.ko 1
	knob2 x86_64-im_params.ko x86_64-im_params-fifo.ko 65
	knob2 x86_64-im_params.ko x86_64-im_params-shared-kernel.ko 2
	knob2 x86_64-im_params.ko x86_64-im_params-loaded.ko 4
	knob2 x86_64-im_params.ko x86_64-im_params-loaded-hostile.ko 36
	knob2 x86_64-iptable_raw.ko x86_64-iptable_raw-shared-fifo.ko 67
	knob2 aarch64-tcp_bic.ko aarch64-tcp_bic-loaded.ko 4
	knob2 aarch64-tcp_bic.ko aarch64-tcp_bic-far.ko 8
	knob2 aarch64-tcp_bic.ko aarch64-tcp_bic-near.ko 16
	knob2 aarch64-tcp_bic.ko aarch64-tcp_bic-shared-far-stream.ko 11
	# a module with per-cpu data (its .data renamed), loaded: the
	# kernel lists no section file for it, /proc/kallsyms tells
	objcopy --rename-section .data=.data..percpu "$k/x86_64-im_params.ko" "$k/x86_64-percpu.ko"
	knob2 x86_64-percpu.ko x86_64-percpu-loaded.ko 4
	knob2 x86_64-percpu.ko x86_64-percpu-loaded-hostile.ko 36
	rm -f fuzz/seeds/elf/x86_64-percpu.ko
	exit 0
fi
O=.cache/oracle
M=.cache/modules/6.1.0-56-amd64
S=fuzz/seeds
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT

rm -rf "$S/elf" "$S/params" "$S/search" "$S/ksyms" fuzz/ksyms
mkdir -p "$S/elf" "$S/params" "$S/search" "$S/ksyms" fuzz/ksyms
[ -e "$S/link" ] || ln -s elf "$S/link"

# ---- modules (elf and link targets) -----------------------------------
arch_rel() {	# debian arch -> release
	cat "$O/$1/release"
}
for a in amd64:x86_64 i386:i386 arm64:aarch64; do
	deb=${a%%:*}; arch=${a#*:}
	case $deb in
	amd64) mods="lib/crc7.ko net/ipv4/netfilter/iptable_raw.ko sound/pci/hda/snd-hda-scodec-cs35l41-i2c.ko"
	       target=x86_64-linux-gnu ;;
	i386) mods="lib/crc7.ko net/netfilter/nf_conntrack_tftp.ko"; target=i686-linux-gnu ;;
	arm64) mods="lib/crc7.ko net/ipv4/tcp_bic.ko"; target=aarch64-linux-gnu ;;
	esac
	for m in $mods; do
		cp "$O/$deb/modules/$m" "$S/elf/$arch-$(basename "$m")"
	done
	rel=$(arch_rel "$deb")
	clang --target=$target -c -O2 -fno-pic -fno-asynchronous-unwind-tables \
		-DVERMAGIC="\"$rel SMP preempt mod_unload modversions \"" \
		-o "$S/elf/$arch-fake.ko" tests/cli/fixtures/fake.c
done
# arm64 modules carry the (empty) PLT sections of the kernel's module.lds.
printf '\0' > "$T/z"
aarch64-linux-gnu-objcopy --add-section .plt="$T/z" --set-section-flags .plt=alloc,code \
	--add-section .init.plt="$T/z" --set-section-flags .init.plt=alloc,code \
	--add-section .text.ftrace_trampoline="$T/z" \
	--set-section-flags .text.ftrace_trampoline=alloc,code \
	"$S/elf/aarch64-fake.ko"
if [ -d "$M" ]; then
	for m in im_hello im_consumer im_ptrs im_params; do
		objcopy --strip-debug "$M/$m.ko" "$S/elf/x86_64-$m.ko"
	done
fi

# 2.0/2.4-era objects (tests/mod24), which the link target hands to the
# 2.4 linker.  Byte 15 of e_ident (EI_PAD) holds the target's option
# knobs (see fuzz-link.c): each seed gets the kernel and options it needs.
sh tests/mod24/build.sh "$T/m24" > /dev/null
seed24() {	# seed24 OBJECT NAME KNOBS
	cp "$T/m24/$1" "$S/elf/$2"
	printf "\\$(printf '%03o' "$3")" | dd of="$S/elf/$2" bs=1 seek=15 conv=notrunc 2> /dev/null
}
seed24 hello24.o x86_64-hello24.o24 0
seed24 hello24-32.o i386-hello24.o24 0
seed24 exporter24.o x86_64-exporter24.o24 4
seed24 quiet24-32.o i386-quiet24.o24 8
seed24 versioned24.o x86_64-versioned24.o24 64
seed24 versioned24smp-32.o i386-versioned24smp.o24 128
seed24 old20.o x86_64-old20.o24 32
seed24 badparm24.o x86_64-badparm24.o24 16

# Variants of the link seeds for fuzz-link's byte-14 knobs (see
# fuzz-link.c): the same module, told to take another path.  Also run
# alone, on the committed seeds: sh fuzz/mkseeds.sh knobs
sh fuzz/mkseeds.sh knobs

# ---- the link target's fixed kernel symbol tables ----------------------
# Exactly the symbols the seed modules use, from the oracle's files, plus
# the test modules' own exports as a loaded module's.
for a in amd64:x86_64 i386:i386 arm64:aarch64; do
	deb=${a%%:*}; arch=${a#*:}
	for f in "$S/elf/$arch"-*.ko; do
		nm -u "$f" 2>/dev/null || true
		strings -a "$f" | sed -n 's/^\(module_layout\)$/\1/p'
	done | awk '{print $NF}' | sort -u > "$T/names"
	echo module_layout >> "$T/names"
	awk 'NR == FNR { want[$1] = 1; next }
	     { n = $3; sub(/^__ksymtab_/, "", n) } want[n]' "$T/names" "$O/$deb/kallsyms" \
		> "fuzz/ksyms/$arch.kallsyms"
	awk -F '\t' 'NR == FNR { want[$1] = 1; next } want[$2]' "$T/names" "$O/$deb/Module.symvers" \
		> "fuzz/ksyms/$arch.symvers"
	echo "$(arch_rel "$deb")" > "fuzz/ksyms/$arch.release"
done
if [ -d "$M" ]; then
	printf 'ffffffffc0100000 T im_provider_add\t[im_provider]\n' >> fuzz/ksyms/x86_64.kallsyms
	printf 'ffffffffc0100040 D im_provider_value\t[im_provider]\n' >> fuzz/ksyms/x86_64.kallsyms
	awk -F '\t' '{ sub(/.*\//, "", $3); print $1 "\t" $2 "\t" $3 "\t" $4 "\t" $5 }' OFS='\t' \
		"$M/build/Module.symvers" >> fuzz/ksyms/x86_64.symvers
fi

# The 2.4 kernels of the link target, as /proc/ksyms: plain, with symbol
# versions, with smp_ symbol versions; the exporter24 module loaded.
for a in x86_64:ffffffff8:ffffffffa i386:c:d; do
	arch=${a%%:*}; k=${a#*:}; m=${k#*:}; k=${k%%:*}
	printf '%s\n' "${k}0120000 printk" "${k}0121000 kmalloc" "${k}0122000 maybe_there" \
		"${m}0001000 exported_fn	[exporter24]" \
		"${m}0002000 __insmod_exporter24_O/lib/modules/2.4.20/misc/exporter24.o_M3F000000_V132116	[exporter24]" \
		"${k}0300000 __start___kallsyms" "${k}0310000 __stop___kallsyms" > "fuzz/ksyms/mod24-$arch.ksyms"
	printf '%s\n' "${k}0120000 printk_R1b7d4074" "${k}0121000 kmalloc_R93d4cfe6" \
		"${m}0001000 exported_fn_R12345678	[exporter24]" > "fuzz/ksyms/mod24-$arch-versioned.ksyms"
	printf '%s\n' "${k}0120000 printk_Rsmp_1b7d4074" "${k}0121000 kmalloc_Rsmp_93d4cfe6" \
		> "fuzz/ksyms/mod24-$arch-smp.ksyms"
done

# ---- kernel symbol files (ksyms target) --------------------------------
# Input: one flags byte (bit 0: filter to wanted names, bit 1: a second
# file follows the line "--8<--"), then the file(s).
seed() {	# seed NAME FLAGS  (content on stdin)
	{ printf "\\$(printf '%03o' "$2")"; cat; } > "$S/ksyms/$1"
}
head -n 40 "$O/amd64/kallsyms" | seed kallsyms-amd64 0
head -n 30 "$O/i386/kallsyms" | seed kallsyms-i386 1
{ head -n 20 /proc/kallsyms 2>/dev/null | grep . || head -n 20 "$O/amd64/kallsyms"; } | seed proc-kallsyms 0
grep -P '\t\S+$' "$O/amd64/Module.symvers" | head -n 12 | seed symvers-ns 0
head -n 25 "$O/arm64/Module.symvers" | seed symvers-arm64 1
printf 'c0123000 printk_R1b7d4074\nc0123010 jiffies\nd0880000 snd_card_new_R9c1e0b2f\t[snd]\nd0880010 snd_free\t[snd]\n' | seed old-ksyms 0
printf 'ffffffffc0a01000 t helper\t[dummy]\nffffffffc0a01010 T dummy_fn\t[dummy]\n--8<--\n0x12345678\tdummy_fn\tdrivers/net/dummy\tEXPORT_SYMBOL_GPL\tDUMMY_NS\n' | seed merged 3
{ head -n 10 "$O/amd64/kallsyms"; echo '--8<--'; head -n 10 "$O/amd64/Module.symvers"; } | seed merged-real 2
printf '0000000000000000 T _text\n0000000000000000 T printk\n0000000000000000 r __ksymtab_printk\n' | seed hidden 0

# ---- parameters ----------------------------------------------------------
# Input: one flags byte (bit 0: 64-bit module), the .modinfo contents, then
# the command-line words, each introduced by a 0x01 byte.
pseed() {	# pseed NAME FLAGS MODINFO-FILE WORD...
	n=$1 f=$2 mi=$3; shift 3
	{ printf "\\$(printf '%03o' "$f")"; cat "$mi"; for w; do printf '\001%s' "$w"; done; } > "$S/params/$n"
}
objcopy -O binary --only-section=.modinfo "$S/elf/x86_64-fake.ko" "$T/fake.mi"
pseed fake-ok 1 "$T/fake.mi" count=3 level=255 label=hello verbose_mode list=1,2,3
pseed fake-bad 1 "$T/fake.mi" cuont=3 level=256 count=12abc list=1,,3 'label="a"b"'
pseed fake-quoted 0 "$T/fake.mi" 'label="two words"' 'label=\x41\101\n' verbose_mode=N dyndbg=+p async_probe
if [ -f "$S/elf/x86_64-im_params.ko" ]; then
	objcopy -O binary --only-section=.modinfo "$S/elf/x86_64-im_params.ko" "$T/imp.mi"
	strings -a "$T/imp.mi" | sed -n 's/^parmtype=\([^:]*\):.*/\1/p' > "$T/names"
	pseed im-params 1 "$T/imp.mi" $(sed 's/$/=1/' "$T/names")
	pseed im-params-hex 1 "$T/imp.mi" $(sed 's/$/=0x7f/' "$T/names")
	pseed im-params-neg 0 "$T/imp.mi" $(sed 's/$/=-1/' "$T/names")
fi
objcopy -O binary --only-section=.modinfo "$S/elf/x86_64-iptable_raw.ko" "$T/ipt.mi"
pseed iptable-raw 1 "$T/ipt.mi" raw_before_defrag=y raw_before_defrag

# ---- module search ---------------------------------------------------------
# Input: one flags byte (bits 0-1: where the configuration file is found:
# $MODULECONF, $MODULECONFIG, ROOT/etc/modules.conf, ROOT/etc/conf.modules),
# then the lines ARG, RELEASE, MODPATH ("-" for unset), then the file.
sseed() {	# sseed NAME FLAGS ARG RELEASE MODPATH (config on stdin)
	{ printf "\\$(printf '%03o' "$2")"; printf '%s\n%s\n%s\n' "$3" "$4" "$5"; cat; } > "$S/search/$1"
}
echo '# nothing' | sseed default 0 dummy 6.1.0-56-amd64 -
printf 'keep\npath[boot]=/lib/modules/boot\npath=%%s/kernel\npath[misc]=`uname -r`/extra\n' | sseed keep 0 my_mod 6.1.0-56-amd64 -
printf 'path=/lib/modules/*/kernel/*\npath[x]=/lib/modules/[0-9].[0-9]\n# comment\nalias eth0 dummy\npath \\\n = /mods\n' | sseed glob 1 a-b 6.1.0-56-amd64 -
printf 'path = mods\npath[\npath\npathological=1\noptions dummy numdummies=2\n' | sseed malformed 2 x 6.1 -
echo 'path=/mods/sub' | sseed modpath 3 ext4 6.1.0-56-amd64 '/lib/modules/%s:/mods::/nowhere/%s'
: | sseed withext 0 dummy.ko 6.1.0-56-amd64 -
