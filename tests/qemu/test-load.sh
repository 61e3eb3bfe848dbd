#!/bin/sh
# Loading in Debian's real kernel under QEMU (one boot): by path, by bare
# name through every search mechanism, compressed, -o, -f and version
# checks, ownership checks, the already-loaded message, errors of the
# module's own init, unknown symbols, -s into a syslog daemon, snapshots.
#
#   env INSMOD=/abs/path/to/insmod sh tests/qemu/test-load.sh
. "$(dirname "$0")/lib.sh"
im_test_init load

# Host-made variants of modules (the guest's busybox has no zstd).
M=$IM_MODULES
K=$KMODS
other=$(other_release)
mkdir -p "$WORK/files"
F=$WORK/files
gzip -9 -c "$M/im_hello.ko" > "$F/im_hello.ko.gz"
xz -c "$M/im_hello.ko" > "$F/im_hello.ko.xz"
zstd -q -c "$M/im_hello.ko" > "$F/im_hello.ko.zst"
zstd -q -c "$K/kernel/drivers/net/dummy.ko" > "$F/dummy.ko.zst"
xz -c "$K/kernel/fs/nls/nls_utf8.ko" > "$F/nls_utf8.ko.xz"
gzip -9 -c "$K/kernel/lib/crc7.ko" > "$F/crc7.ko.gz"
change_vermagic "$M/im_hello.ko" "$F/im_hello_badver.ko" "$other" || exit 1
change_vermagic "$K/kernel/drivers/net/dummy.ko" "$F/dummy_badver.ko" "$other" || exit 1
change_vermagic_flags "$M/im_hello.ko" "$F/im_hello_badflags.ko" || exit 1
change_vermagic_flags "$K/kernel/drivers/net/dummy.ko" "$F/dummy_badflags.ko" || exit 1
xz -k -c "$F/im_hello_badflags.ko" > "$F/im_hello_badflags.ko.xz" || exit 1
# The kernel here cannot decompress: a compressed forced module goes in
# through init_module, with version data stripped by insmod itself.
xz -k -c "$F/im_hello_badver.ko" > "$F/im_hello_badver.ko.xz" || exit 1
printf 'this is not an ELF file\n' > "$F/notelf.ko"

cat > "$WORK/guest.sh" << 'EOF'
. /guest/lib.sh
other=$(cat /host/files/other_release)
K=/lib/modules/$KREL
D=$K/kernel/drivers/net/dummy.ko

# ---- by path
kmark
im "$D"
check "load an in-tree module by path (dummy.ko): exit 0 and in /proc/modules" \
	'[ "$RC" -eq 0 ] && is_loaded dummy'
check "signed in-tree module loaded by path is not marked unsigned (no E flag)" \
	'is_loaded dummy && ! module_flags dummy | grep -q E'
im "$D"
msg="module 'dummy' is already loaded"
check "already loaded: loading dummy again exits 1 with \"$msg\"" \
	'[ "$RC" -eq 1 ] && out_has "$msg"'
unload dummy

kmark
im /modules/im_hello.ko
check "load a test module by path: exit 0, in /proc/modules, its init ran once" \
	'[ "$RC" -eq 0 ] && is_loaded im_hello && [ "$(klog_count "im_hello: hello \(loaded as im_hello\)")" -eq 1 ]'
im /modules/im_hello.ko
msg="module 'im_hello' is already loaded"
check "already loaded: second load of im_hello exits 1 with \"$msg\"" \
	'[ "$RC" -eq 1 ] && out_has "$msg"'
check "already loaded: the kernel ran init only once" '[ "$(klog_count "im_hello: hello")" -eq 1 ]'
unload im_hello

im /modules
check "a directory instead of a module file: exit 1 with a message naming it" \
	'[ "$RC" -eq 1 ] && out_has /modules'
im /host/files/notelf.ko
check "not an ELF file: exit 1, message names the file" \
	'[ "$RC" -eq 1 ] && out_has notelf.ko'

# ---- by bare name: default search of /lib/modules/RELEASE
im -v dummy
check "bare name, default search with modules.dep: dummy loads" '[ "$RC" -eq 0 ] && is_loaded dummy'
check "-v prints 'Using $D'" 'out_has "Using $D"'
unload dummy
im im_provider
check "bare name, default search with modules.dep: im_provider found in extra/" \
	'[ "$RC" -eq 0 ] && is_loaded im_provider'
unload im_provider
mkdir -p /tmp/depsaved
mv $K/modules.dep $K/modules.dep.bin /tmp/depsaved/
im -v dummy
check "bare name, default search without modules.dep (tree walk): dummy loads" \
	'[ "$RC" -eq 0 ] && is_loaded dummy'
unload dummy
im nls_iso8859_1
check "bare name without modules.dep: nls_iso8859_1 finds nls_iso8859-1.ko" \
	'[ "$RC" -eq 0 ] && is_loaded nls_iso8859_1'
unload nls_iso8859_1
mv /tmp/depsaved/* $K/
im nls_iso8859_1
check "bare name with modules.dep: nls_iso8859_1 finds nls_iso8859-1.ko" \
	'[ "$RC" -eq 0 ] && is_loaded nls_iso8859_1'
unload nls_iso8859_1
im crc-itu-t
check "bare name: crc-itu-t (module crc_itu_t) loads" '[ "$RC" -eq 0 ] && is_loaded crc_itu_t'
unload crc_itu_t
im nls-cp437
check "bare name: nls-cp437 finds nls_cp437.ko" '[ "$RC" -eq 0 ] && is_loaded nls_cp437'
unload nls_cp437
im no_such_module_xyz
check "a module that is nowhere: exit 1, message names it" \
	'[ "$RC" -eq 1 ] && out_has no_such_module_xyz'

# ---- the other default directories: /lib/modules/boot first, then the
# release, then /lib/modules/MAJOR.MINOR
mm=$(echo "$KREL" | sed 's/^\([0-9]*\.[0-9]*\).*/\1/')
mkdir -p /lib/modules/boot /lib/modules/$mm
cp /modules/im_hello.ko /lib/modules/boot/
im -v im_hello
check "default search: im_hello found in /lib/modules/boot" \
	'[ "$RC" -eq 0 ] && is_loaded im_hello && out_has "Using /lib/modules/boot/im_hello.ko"'
unload im_hello
mv /lib/modules/boot/im_hello.ko /lib/modules/$mm/
im -v im_hello
check "default search: im_hello found in /lib/modules/$mm (major.minor)" \
	'[ "$RC" -eq 0 ] && is_loaded im_hello && out_has "Using /lib/modules/$mm/im_hello.ko"'
unload im_hello
rm /lib/modules/$mm/im_hello.ko
cp "$D" /lib/modules/boot/dummy.ko
im -v dummy
check "default search: /lib/modules/boot comes before /lib/modules/$KREL" \
	'[ "$RC" -eq 0 ] && is_loaded dummy && out_has "Using /lib/modules/boot/dummy.ko"'
unload dummy
rm /lib/modules/boot/dummy.ko

# ---- MODPATH
mkdir -p /opt/mp/$KREL /opt/mp2 /opt/mpxz
cp /modules/im_hello.ko /opt/mp/$KREL/
cp /modules/im_hello.ko /opt/mp2/
cp /host/files/im_hello.ko.xz /opt/mpxz/
MODPATH=/opt/mp/%s im -v im_hello
check "MODPATH with %s for the release: im_hello found in /opt/mp/$KREL" \
	'[ "$RC" -eq 0 ] && is_loaded im_hello'
check "MODPATH: -v says Using /opt/mp/$KREL/im_hello.ko" 'out_has "Using /opt/mp/$KREL/im_hello.ko"'
unload im_hello
MODPATH=/nonexistent:/opt/mp2 im im_hello
check "MODPATH, colon-separated: found in the second directory" \
	'[ "$RC" -eq 0 ] && is_loaded im_hello'
unload im_hello
MODPATH=/opt/mp/%s im dummy
check "MODPATH replaces the default directories: dummy is not found" \
	'[ "$RC" -eq 1 ] && not_loaded dummy'
unload dummy
MODPATH=/opt/mpxz im im_hello
check "bare name finds a compressed im_hello.ko.xz (MODPATH)" '[ "$RC" -eq 0 ] && is_loaded im_hello'
unload im_hello

# ---- configuration files
mkdir -p /opt/conf
cp /modules/im_hello.ko /opt/conf/
printf '# test\npath[misc]=/opt/conf\n' > /etc/im1.conf
printf 'keep\npath[misc]=/opt/conf\n' > /etc/im2.conf
MODULECONF=/etc/im1.conf im im_hello
check "MODULECONF with path[misc]=/opt/conf: im_hello found" '[ "$RC" -eq 0 ] && is_loaded im_hello'
unload im_hello
MODULECONF=/etc/im1.conf im dummy
check "MODULECONF path lines replace the defaults: dummy not found" '[ "$RC" -eq 1 ] && not_loaded dummy'
unload dummy
MODPATH=/nonexistent MODULECONF=/etc/im1.conf im im_hello
check "the configuration file overrides MODPATH" '[ "$RC" -eq 0 ] && is_loaded im_hello'
unload im_hello
MODULECONF=/etc/im2.conf im im_hello
check "MODULECONF with keep: the path line's directory is searched" '[ "$RC" -eq 0 ] && is_loaded im_hello'
unload im_hello
MODULECONF=/etc/im2.conf im dummy
check "MODULECONF with keep: the default directories are still searched" '[ "$RC" -eq 0 ] && is_loaded dummy'
unload dummy
cp /etc/im1.conf /etc/modules.conf
im im_hello
check "/etc/modules.conf is read without MODULECONF" '[ "$RC" -eq 0 ] && is_loaded im_hello'
unload im_hello
rm /etc/modules.conf
cp /etc/im1.conf /etc/conf.modules
im im_hello
check "/etc/conf.modules is read, with a deprecation warning" \
	'[ "$RC" -eq 0 ] && is_loaded im_hello && out_has conf.modules deprecat'
unload im_hello
rm /etc/conf.modules

# ---- compressed
for z in gz xz zst; do
	kmark
	im /host/files/im_hello.ko.$z
	check "load im_hello.ko.$z by path: exit 0, loaded, init ran" \
		'[ "$RC" -eq 0 ] && is_loaded im_hello && [ "$(klog_count "im_hello: hello")" -eq 1 ]'
	unload im_hello
done
im /host/files/dummy.ko.zst
check "load a signed in-tree dummy.ko.zst: loaded, signature still valid (no E flag)" \
	'[ "$RC" -eq 0 ] && is_loaded dummy && ! module_flags dummy | grep -q E'
unload dummy
im /host/files/nls_utf8.ko.xz
check "load a signed in-tree nls_utf8.ko.xz" '[ "$RC" -eq 0 ] && is_loaded nls_utf8'
unload nls_utf8
im /host/files/crc7.ko.gz
check "load a signed in-tree crc7.ko.gz" '[ "$RC" -eq 0 ] && is_loaded crc7'
unload crc7

# ---- -o NAME
kmark
im /modules/im_hello.ko
im -o im_hello2 /modules/im_hello.ko
check "-o im_hello2: the same module loaded twice, both in /proc/modules" \
	'[ "$RC" -eq 0 ] && is_loaded im_hello && is_loaded im_hello2'
check "-o im_hello2: the kernel knows the new name (/sys/module/im_hello2, init saw it)" \
	'[ -d /sys/module/im_hello2 ] && [ "$(klog_count "loaded as im_hello2")" -eq 1 ]'
unload im_hello2 im_hello
# A signed module renamed: its signature no longer matches, so insmod must
# drop it (else EKEYREJECTED); the kernel then sees an unsigned module.
im -o dummy2 "$D"
check "-o dummy2 on a signed in-tree module: loaded as dummy2, not rejected" \
	'[ "$RC" -eq 0 ] && is_loaded dummy2 && not_loaded dummy'
check "-o dummy2: the kernel took it as unsigned (E flag), the signature was removed" \
	'module_flags dummy2 | grep -q E'
check "-o on a signed module warns that the signature is invalidated" 'out_has signature'
# A second copy of dummy fails in its own init (the "dummy" link type is
# taken): EEXIST from init, although no module of that name is loaded.
im -o dummy3 "$D"
check "-o dummy3 while dummy2 runs: dummy's init fails (EEXIST), exit 1, dummy3 not loaded" \
	'[ "$RC" -eq 1 ] && not_loaded dummy3'
msg="module 'dummy3' is already loaded"
check "an EEXIST from the module's own init is not reported as \"$msg\"" '! out_has "$msg"'
unload dummy2

# ---- version mismatch, -f
# With symbol versions (__versions) the kernel compares vermagic from the
# first space: another release alone is accepted, with a warning naming both.
im /host/files/im_hello_badver.ko
check "vermagic for $other with symbol versions: loads (exit 0), as the kernel allows" \
	'[ "$RC" -eq 0 ] && is_loaded im_hello'
check "... with a warning naming both releases" 'out_has warning "$other" "$KREL"'
unload im_hello
# (a changed signed module, such as dummy_badver.ko, no longer verifies:
# the kernel refuses it for that, EKEYREJECTED, whatever insmod thinks)
im -p /host/files/dummy_badver.ko
check "-p agrees: release only is accepted" '[ "$RC" -eq 0 ]'
im /host/files/im_hello_badflags.ko
check "vermagic flag part changed (PREEMPT): refused, exit 1, not loaded" '[ "$RC" -eq 1 ] && not_loaded im_hello'
check "... the message shows the module's version magic" 'printf "%s\n" "$OUT" | grep -qF "SMP PREEMPT"'
im -p /host/files/im_hello_badflags.ko
check "-p agrees: flag part changed is refused" '[ "$RC" -eq 1 ]'
im -f /host/files/im_hello_badver.ko
check "-f loads the version-mismatched im_hello" '[ "$RC" -eq 0 ] && is_loaded im_hello'
check "-f: the kernel marks the module forced (F flag)" 'module_flags im_hello | grep -q F'
unload im_hello
# Each half of -f, by the kernel's own flags.
im --force-vermagic /host/files/im_hello_badflags.ko
check "--force-vermagic loads the module whose flag part differs (PREEMPT)" \
	'[ "$RC" -eq 0 ] && is_loaded im_hello && module_flags im_hello | grep -q F'
unload im_hello
im --force-modversion /host/files/im_hello_badflags.ko
check "--force-modversion does not: refused, not loaded" '[ "$RC" -eq 1 ] && not_loaded im_hello'
im --force-modversion /modules/im_hello.ko
check "--force-modversion on a good module: loaded, the kernel marks it forced (F)" \
	'[ "$RC" -eq 0 ] && is_loaded im_hello && module_flags im_hello | grep -q F'
unload im_hello
im /host/files/dummy_badflags.ko
check "vermagic refused on a signed in-tree module (dummy)" '[ "$RC" -eq 1 ] && not_loaded dummy'
im -f /host/files/dummy_badver.ko
check "-f loads a changed signed module (dummy) without EKEYREJECTED" '[ "$RC" -eq 0 ] && is_loaded dummy'
unload dummy
im /host/files/im_hello_badflags.ko.xz
check "vermagic refused on a compressed module (.ko.xz)" '[ "$RC" -eq 1 ] && not_loaded im_hello'
im -v -f /host/files/im_hello_badver.ko.xz
check "-f on a .ko.xz: loaded through init_module with version data stripped" \
	'[ "$RC" -eq 0 ] && is_loaded im_hello && out_has init_module stripped'
check "-f on a .ko.xz: the kernel marks the module forced (F flag)" 'module_flags im_hello | grep -q F'
unload im_hello
im -f -o im_forced /host/files/im_hello_badver.ko
check "-f -o together: renamed and forced through init_module" \
	'[ "$RC" -eq 0 ] && is_loaded im_forced && not_loaded im_hello'
unload im_forced

# ---- the load succeeds, the -O/-m after it fails: say the module is in
im -O /nonexistent/dir/im_hello.blob /modules/im_hello.ko
check "-O to a missing directory after a good load: exit 1, but the module is loaded" \
	'[ "$RC" -eq 1 ] && is_loaded im_hello'
check "... and insmod says plainly that it is loaded and that -O failed" \
	'out_has "im_hello" "is loaded" "-O"'
unload im_hello

# ---- root-ownership check
mkdir -p /opt/own /opt/gw
cp /modules/im_hello.ko /opt/own/
chown 1000:1000 /opt/own/im_hello.ko
chmod 0644 /opt/own/im_hello.ko
cp /modules/im_hello.ko /opt/gw/
chmod 0664 /opt/gw/im_hello.ko
MODPATH=/opt/own im im_hello
check "found by search, owned by uid 1000: refused with exit 1, not loaded" \
	'[ "$RC" -eq 1 ] && not_loaded im_hello'
check "ownership refusal names the file, owner (1000 or user) and mode, and mentions -r" \
	'out_has /opt/own/im_hello.ko && out_grep "1000|user" && out_grep "644|rw-r--r--" &&
	 out_grep "(^|[^a-z])-r([^a-z]|$)|--root"'
unload im_hello
MODPATH=/opt/gw im im_hello
check "found by search, root-owned but group-writable (0664): refused" \
	'[ "$RC" -eq 1 ] && not_loaded im_hello'
unload im_hello
MODPATH=/opt/own im -r im_hello
check "-r: the module owned by uid 1000 loads" '[ "$RC" -eq 0 ] && is_loaded im_hello'
unload im_hello
im /opt/own/im_hello.ko
check "given by explicit path, the module owned by uid 1000 loads" '[ "$RC" -eq 0 ] && is_loaded im_hello'
unload im_hello

# ---- the module's own init error
kmark
im /modules/im_initfail.ko
check "im_initfail: exit 1, nothing left loaded" \
	'[ "$RC" -eq 1 ] && [ ! -d /sys/module/im_initfail ] && not_loaded im_initfail'
check "im_initfail: the kernel ran its init exactly once (log)" '[ "$(klog_count "im_initfail: init returns")" -eq 1 ]'
check "im_initfail: the message gives the module's own error (ENODEV / No such device)" \
	'out_grep "ENODEV|no such device"'

# ---- unknown symbols
im /modules/im_consumer.ko
check "im_consumer alone: exit 1, not loaded" '[ "$RC" -eq 1 ] && not_loaded im_consumer'
check "unknown symbol: the message names im_provider_add" 'out_has im_provider_add'
check "unknown symbol: the message names the providing module im_provider" \
	'out_grep "im_provider([^_a-z0-9]|$)"'
im im_provider
im im_consumer
check "after im_provider, im_consumer loads by name" '[ "$RC" -eq 0 ] && is_loaded im_consumer'
unload im_consumer im_provider

# ---- -s: messages to syslog
syslogd -O /var/log/messages
sleep 1
im -s no_such_module_syslog
sleep 1
check "-s: a failure exits 1 and prints nothing on the terminal" '[ "$RC" -eq 1 ] && [ -z "$OUT" ]'
check "-s: the error arrives in the syslog daemon with ident insmod, facility daemon, level err" \
	'grep -qE "daemon\.err insmod(\[[0-9]+\])?: .*no_such_module_syslog" /var/log/messages'
im -s -v /modules/im_hello.ko
sleep 1
check "-s -v: the load succeeds, terminal silent, verbose lines at daemon.info" \
	'[ "$RC" -eq 0 ] && [ -z "$OUT" ] && is_loaded im_hello &&
	 grep -qE "daemon\.info insmod(\[[0-9]+\])?: " /var/log/messages'
note "--- /var/log/messages:"
sed 's/^/  | /' /var/log/messages
unload im_hello

# ---- ksymoops snapshots
mkdir -p /var/log/ksymoops
chmod 0755 /var/log/ksymoops
im "$D"
ls -l /var/log/ksymoops | sed 's/^/  /'
ks=$(ls /var/log/ksymoops | grep -E '^[0-9]{14}\.ksyms$' | tail -n 1)
check "snapshot: a YYYYMMDDhhmmss.ksyms file written after a load" '[ -n "$ks" ]'
check "snapshot: the matching .modules file names dummy" \
	'grep -q "^dummy " "/var/log/ksymoops/${ks%.ksyms}.modules"'
check "snapshot: the .ksyms file is the kernel's symbol table" \
	'grep -qE "^[0-9a-f]+ [TtDd] _?printk" "/var/log/ksymoops/$ks"'
unload dummy

# ---- ksymoops symbols in /proc/kallsyms (the original's -Y, today)
# ksym NAME-PREFIX: "ADDRESS NAME" of the first kallsyms line of im_hello
# whose name starts with NAME-PREFIX.
ksym() { grep -E " [a-zA-Z] $1" /proc/kallsyms | head -n 1 | cut -d' ' -f1,3; }
sec() { sed 's/^0x//' "/sys/module/$1/sections/$2"; }
im /modules/im_hello.ko
o=$(ksym __insmod_im_hello_O)
note "kallsyms: $o; this_module at $(sec im_hello .gnu.linkonce.this_module)"
check "unsigned module, default: __insmod_im_hello_O/modules/im_hello.ko_M<16 hex>_V393472 in /proc/kallsyms" \
	'printf "%s\n" "$o" | grep -qE "^[0-9a-f]+ __insmod_im_hello_O/modules/im_hello.ko_M[0-9A-F]{16}_V393472\b"'
check "the _O symbol is at struct module (/sys/module/im_hello/sections/.gnu.linkonce.this_module)" \
	'[ "${o%% *}" = "$(sec im_hello .gnu.linkonce.this_module)" ]'
unload im_hello
# im_ptrs has .text, .rodata and .data; their sizes come from readelf on the host.
im /modules/im_ptrs.ko
for s in .text .rodata .data; do
	len=$(sed -n "s/^$s //p" /host/files/ptrs_sizes)
	k=$(ksym "__insmod_im_ptrs_S${s}_L$len\b")
	note "kallsyms: $k; $s at $(sec im_ptrs $s)"
	check "the _S${s}_L$len symbol is at the start of $s" \
		'[ -n "$k" ] && [ "${k%% *}" = "$(sec im_ptrs $s)" ]'
done
check "no _S symbol for the empty .bss" '! grep -q "__insmod_im_ptrs_S.bss" /proc/kallsyms'
unload im_ptrs
im -y /modules/im_hello.ko
check "-y: no __insmod_ symbols" '[ "$RC" -eq 0 ] && ! grep -q __insmod_im_hello /proc/kallsyms'
unload im_hello
im -v "$D"
check "signed module, default: no ksymoops symbols, signature kept (no E flag)" \
	'[ "$RC" -eq 0 ] && ! grep -q __insmod_dummy /proc/kallsyms && ! module_flags dummy | grep -q E'
check "-v says the ksymoops symbols were skipped because the module is signed" \
	'out_has "no ksymoops symbols" signed'
unload dummy
im -Y "$D"
check "signed module with -Y: symbols added anyway, with a warning about the signature" \
	'[ "$RC" -eq 0 ] && grep -q " __insmod_dummy_O" /proc/kallsyms && out_has signature'
check "signed module with -Y: the kernel took it as unsigned (E flag)" 'module_flags dummy | grep -q E'
unload dummy

# ---- an in-tree module with a parameter, by bare name
im dummy numdummies=3
check "dummy numdummies=3 by bare name: three dummy interfaces exist" \
	'[ "$RC" -eq 0 ] && [ "$(ls /sys/class/net | grep -c "^dummy[0-9]")" -eq 3 ]'
unload dummy
exit 0
EOF
echo "$other" > "$F/other_release"
readelf -SW "$M/im_ptrs.ko" | sed 's/^ *\[ *[0-9]*\] *//' | awk '$1 ~ /^\.(text|rodata|data)$/ { print $1, $5 }' |
	while read -r name hex; do echo "$name $((0x$hex))"; done > "$F/ptrs_sizes"

im_test_vm "$WORK/guest.sh" -t 400 -f "$F:/host/files"
