#!/bin/sh
# The -m load map, byte for byte against maps checked by hand (the
# original's format: Sections table in load order, a blank line, Symbols
# sorted by address with T D R B A U letters, lower case for locals,
# addresses as wide as the target's pointers), for a 64-bit and a 32-bit
# module, at the default load address 0x12340000 and at --base.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
insmod=${INSMOD:-$top/build/insmod}
case $insmod in /*) ;; *) insmod=$PWD/$insmod ;; esac
g=$top/tests/cli/link-map
m=$top/tests/oracle/modules
out=$(mktemp)
trap 'rm -f "$out"' EXIT
check() {	# check WHAT GOLDEN ARGS...
	what=$1; golden=$2; shift 2
	if "$insmod" -n -m --kernel-release=6.1.0-test "$@" > "$out" 2>/dev/null && cmp -s "$out" "$g/$golden"; then
		echo "PASS: map of $what"
	else
		echo "FAIL: map of $what differs from $golden: $(diff "$g/$golden" "$out" | head -3 | tr '\n' ' ')"
	fi
}
check "x86_64 at 0x12340000" x86_64-relocs.map --kernel-symbols="$g/kallsyms64" "$m/x86_64-relocs.ko"
check "x86_64 at --base" x86_64-relocs-base.map --kernel-symbols="$g/kallsyms64" --base=0xffffffffc0000000 "$m/x86_64-relocs.ko"
check "i386 (8-digit addresses)" i386-relocs.map --kernel-symbols="$g/kallsyms32" "$m/i386-relocs.ko"
if "$insmod" -n -q -m --kernel-release=6.1.0-test --kernel-symbols="$g/kallsyms64" "$m/x86_64-relocs.ko" | cmp -s - "$g/x86_64-relocs.map"; then
	echo "PASS: -q does not silence the map"
else
	echo "FAIL: -q changes the map"
fi
# A dry run shows what a load would do: with -Y the ksymoops symbols too.
if "$insmod" -n -m -Y --kernel-release=6.1.0-test --kernel-symbols="$g/kallsyms64" "$m/x86_64-relocs.ko" > "$out" 2>/dev/null &&
   grep -q ' T __insmod_x86_64_relocs_S\.text_L37$' "$out" && grep -q ' D __insmod_x86_64_relocs_O/.*_V393472$' "$out"; then
	echo "PASS: -n -m -Y shows the ksymoops symbols a load would add"
else
	echo "FAIL: -n -m -Y shows no ksymoops symbols: $(grep -c __insmod "$out") of them"
fi
exit 0
