#!/bin/sh
# The user-space linker against Debian's real kernel under QEMU (one boot):
# -p probes without loading; after a real load of im_ptrs with -m and -O,
# the map agrees with /sys/module/im_ptrs/sections and /proc/kallsyms, and
# the blob's read-only and data sections (full of relocated pointers to the
# module's functions and strings and to kernel symbols) are byte for byte
# the kernel's own memory of the module, read from /proc/kcore.
#
#   env INSMOD=/abs/path/to/insmod sh tests/qemu/test-linker.sh
. "$(dirname "$0")/lib.sh"
im_test_init linker
kcore_read=$(kcore_read_tool) || { echo "FAIL: linker: cannot build tests/qemu/kcore-read.c"; exit 1; }

cat > "$WORK/guest.sh" << 'EOF'
. /guest/lib.sh
P=/modules/im_ptrs.ko

im -p $P
check "-p im_ptrs: exit 0 (it would load) and nothing loaded" '[ "$RC" -eq 0 ] && not_loaded im_ptrs'
im -p /modules/im_consumer.ko
check "-p im_consumer without im_provider: exit 1, names im_provider_add, nothing loaded" \
	'[ "$RC" -eq 1 ] && out_has im_provider_add && not_loaded im_consumer'

im_run -n -m $P > /out/dry.map 2> /out/dry.err
RC=$?
note "\$ insmod -n -m $P -> exit $RC"
sed 's/^/  | /' /out/dry.err
check "-n -m im_ptrs (dry run against this kernel): exit 0, a map, nothing loaded" \
	'[ "$RC" -eq 0 ] && grep -q "^Symbols:" /out/dry.map && not_loaded im_ptrs'

im_run -m -O /out/blob.bin $P > /out/load.map 2> /out/load.err
RC=$?
note "\$ insmod -m -O /out/blob.bin $P -> exit $RC"
sed 's/^/  | /' /out/load.err
check "im_ptrs loaded with -m -O: exit 0, in /proc/modules, map and blob written" \
	'[ "$RC" -eq 0 ] && is_loaded im_ptrs && grep -q "^Symbols:" /out/load.map && [ -s /out/blob.bin ]'
check "im_ptrs init ran and saw its relocated data (log)" 'dmesg | grep -q "im_ptrs: loaded, sum=3, im_ptrs string one, first entry, 1234567890abcdef"'

# What the kernel did, for the host to compare.
for f in /sys/module/im_ptrs/sections/.* /sys/module/im_ptrs/sections/*; do
	[ -f "$f" ] && echo "${f##*/} $(cat "$f")"
done > /out/sections.txt
grep '\[im_ptrs\]$' /proc/kallsyms | sed 's/[[:space:]]*\[im_ptrs\]$//' > /out/kallsyms-mod.txt
awk '$2 == "U" { print $3 }' /out/load.map > /tmp/unames
awk 'NR == FNR { want[$1] = 1; next } NF == 3 && ($3 in want)' /tmp/unames /proc/kallsyms > /out/kallsyms-kernel.txt
mkdir -p /out/kcore
awk '/^Sections:/ { s = 1; next } /^$/ { s = 0 } s && $2 !~ /^0+$/ { print $1, $2, $3 }' /out/load.map |
while read -r name size addr; do
	case $name in .init*) continue ;; esac
	/host/kcore-read "$addr" "$((0x$size))" > "/out/kcore/$name" 2> /tmp/kcore.err ||
		note "kcore-read $name $addr: $(cat /tmp/kcore.err)"
done
unload im_ptrs
exit 0
EOF

im_test_vm "$WORK/guest.sh" -t 300 -f "$kcore_read:/host/kcore-read" -o "$WORK/out"
[ -f "$WORK/out/load.map" ] || exit 0

# The comparison, on the host.
perl - "$WORK/out" << 'EOF'
use strict;
use warnings;
no warnings 'portable';
my $d = shift;
my $DRY_BASE = 0x12340000;

sub pass { print "PASS: $_[0]\n" }
sub fail { print "FAIL: $_[0]\n" }
sub note { print "  $_[0]\n" }
sub slurp { my ($f) = @_; open(my $h, '<', $f) or return undef; binmode $h; local $/; my $x = <$h>; return $x }

sub read_map {
	my ($f) = @_;
	my (%sec, @order, @syms);
	my $mode = '';
	open(my $h, '<', $f) or return;
	while (<$h>) {
		chomp;
		if (/^Sections:/) { $mode = 's'; next }
		if (/^Symbols:/) { $mode = 'y'; next }
		next if /^\s*$/;
		my @w = split ' ';
		if ($mode eq 's' && @w >= 3) {
			$sec{$w[0]} = { size => hex($w[1]), addr => hex($w[2]) };
			push @order, $w[0];
		} elsif ($mode eq 'y' && @w == 3) {
			push @syms, { addr => hex($w[0]), type => $w[1], name => $w[2] };
		}
	}
	return (\%sec, \@order, \@syms);
}

my ($dsec, $dorder) = read_map("$d/dry.map");
my ($lsec, $lorder, $lsyms) = read_map("$d/load.map");
if (!$lsec || !@$lorder || !@$lsyms) {
	fail("after-load map: no Sections/Symbols tables to compare");
	exit 0;
}

# 1. Section addresses: the map against /sys/module/im_ptrs/sections.
my %sys;
open(my $s, '<', "$d/sections.txt") or die;
while (<$s>) { my ($n, $a) = split ' '; $sys{$n} = hex($a) }
my @bad;
my $compared = 0;
for my $n (sort keys %sys) {
	next if $n eq '.symtab' || $n eq '.strtab';	# the kernel's own copies
	if (!exists $lsec->{$n}) { push @bad, "$n missing from the map"; next }
	$compared++;
	push @bad, sprintf("%s: map %x, kernel %x", $n, $lsec->{$n}{addr}, $sys{$n})
		if $lsec->{$n}{addr} != $sys{$n};
}
note($_) for @bad;
if (!@bad && $compared >= 3) { pass("after a real load, every section address in the -m map is the kernel's ($compared sections, /sys/module/im_ptrs/sections)") }
else { fail("after a real load, every section address in the -m map is the kernel's (/sys/module/im_ptrs/sections)") }

# Ranges of the .init sections (freed after init: their symbols leave kallsyms).
my @init = map { [$lsec->{$_}{addr}, $lsec->{$_}{addr} + $lsec->{$_}{size}] }
	grep { /^\.init/ && $lsec->{$_}{size} } keys %$lsec;
sub in_init { my ($a) = @_; for (@init) { return 1 if $a >= $_->[0] && $a < $_->[1] } return 0 }

# 2. Every module line of /proc/kallsyms is in the map, same address and type.
my %mapsym;
for (@$lsyms) { push @{$mapsym{$_->{name}}}, $_ }
my (%ks, @kbad);
open(my $k, '<', "$d/kallsyms-mod.txt") or die;
my $nks = 0;
while (<$k>) {
	my ($a, $t, $n) = split ' ';
	next unless defined $n;
	$nks++;
	$ks{$n} = hex($a);
	my @m = grep { $_->{addr} == hex($a) } @{$mapsym{$n} || []};
	if (!@m) { push @kbad, "kallsyms $a $t $n: not in the map at that address" }
	elsif (!grep { lc($_->{type}) eq lc($t) } @m) { push @kbad, "kallsyms $a $t $n: map type $m[0]{type}" }
}
note($_) for @kbad;
if (!@kbad && $nks >= 10) { pass("every im_ptrs line of /proc/kallsyms ($nks) agrees with the -m map (address and type)") }
else { fail("every im_ptrs line of /proc/kallsyms agrees with the -m map (address and type)") }

# 3. Every defined symbol of the map outside .init (not a section symbol) is
# in /proc/kallsyms at the same address.
my @mbad;
my $nm = 0;
for (@$lsyms) {
	next if $_->{type} eq 'U' || exists $lsec->{$_->{name}} || in_init($_->{addr});
	$nm++;
	push @mbad, sprintf("map %x %s %s: %s", $_->{addr}, $_->{type}, $_->{name},
		exists $ks{$_->{name}} ? sprintf("kallsyms says %x", $ks{$_->{name}}) : "not in kallsyms")
		unless exists $ks{$_->{name}} && $ks{$_->{name}} == $_->{addr};
}
note($_) for @mbad;
if (!@mbad && $nm >= 10) { pass("every defined symbol of the -m map outside .init ($nm) is in /proc/kallsyms at that address") }
else { fail("every defined symbol of the -m map outside .init is in /proc/kallsyms at that address") }

# 4. Undefined symbols carry the kernel's addresses.
my %kern;
open(my $kk, '<', "$d/kallsyms-kernel.txt") or die;
while (<$kk>) { my ($a, $t, $n) = split ' '; push @{$kern{$n}}, hex($a) }
my @ubad;
my $nu = 0;
for my $u (grep { $_->{type} eq 'U' } @$lsyms) {
	$nu++;
	my @want = @{$kern{$u->{name}} || []};
	push @ubad, sprintf("%s: map %x, kallsyms %s", $u->{name}, $u->{addr}, @want ? join(',', map { sprintf '%x', $_ } @want) : 'none')
		unless grep { $_ == $u->{addr} } @want;
}
note($_) for @ubad;
if (!@ubad && $nu >= 3) { pass("every undefined symbol of the -m map ($nu: _printk, jiffies, memcpy, ...) has its /proc/kallsyms address") }
else { fail("every undefined symbol of the -m map has its /proc/kallsyms address") }

# 5. The blob against the kernel's memory, section by section.  The blob
# keeps the dry-run layout (offsets from the dry run's base); code is left
# out (the kernel patches it: alternatives, ftrace, returns), and so are the
# module header and the ORC tables (the kernel fills or sorts them).
my $blob = slurp("$d/blob.bin");
if (!defined $blob) { fail("the -O blob came out of the guest"); exit 0 }
my $same_layout = @$dorder == @$lorder &&
	!grep { !exists $dsec->{$_} || $dsec->{$_}{size} != $lsec->{$_}{size} } @$lorder;
if ($same_layout) { pass("the dry-run (-n) and after-load maps list the same sections and sizes") }
else { fail("the dry-run (-n) and after-load maps list the same sections and sizes"); exit 0 }
my $ncmp = 0;
for my $n (@$lorder) {
	next unless $n =~ /^(\.rodata|\.data|\.exit\.data|__ksymtab|__kcrctab|\.note)/;
	my $size = $lsec->{$n}{size};
	next unless $size;
	my $off = $dsec->{$n}{addr} - $DRY_BASE;
	my $mem = slurp("$d/kcore/$n");
	if (!defined $mem || length($mem) != $size) {
		fail("blob section $n: the kernel's memory could not be read from /proc/kcore");
		next;
	}
	if ($off < 0 || $off + $size > length($blob)) {
		fail("blob section $n: offset $off+$size outside the blob (" . length($blob) . " bytes)");
		next;
	}
	my $mine = substr($blob, $off, $size);
	$ncmp++;
	if ($mine eq $mem) {
		pass("blob section $n ($size bytes at kernel address " . sprintf('%x', $lsec->{$n}{addr}) . ") equals the kernel's memory (/proc/kcore)");
	} else {
		my @diff;
		for (my $i = 0; $i < $size && @diff < 4; $i += 8) {
			my ($x, $y) = (substr($mine, $i, 8), substr($mem, $i, 8));
			push @diff, sprintf("+%#x: blob %s kernel %s", $i, unpack('H*', $x), unpack('H*', $y)) if $x ne $y;
		}
		note($_) for @diff;
		fail("blob section $n ($size bytes) equals the kernel's memory (/proc/kcore)");
	}
}
fail("no read-only or data section was compared") unless $ncmp >= 3;
EOF
