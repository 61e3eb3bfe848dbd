#!/bin/sh
# Loading into a simulated kernel, in seconds and without QEMU: a preloaded
# library (tests/cli/fixtures/fake-loader.c) answers finit_module and
# init_module as the test asks and records what they got, and stands a
# directory in for /proc, /sys, /lib/modules and /dev/kmsg.  So the steps
# of a real load (src/load: checks.c, load.c, diagnose.c) run for real:
# which call, which flags, which bytes and which parameter string reach the
# kernel, and what insmod says when the kernel refuses.  The real kernel's
# own answers are tested under QEMU (tests/qemu).
# Run as: INSMOD=/path/to/insmod sh tests/cli/load-shim.sh
set -u
. "$(dirname "$0")/lib.sh"

REL=6.1.0-56-amd64
VM="$REL SMP preempt mod_unload modversions "
cc -c -O2 -DVERMAGIC="\"$VM\"" -o "$T/fake.ko" "$FIXTURES/fake.c" || { echo "FAIL: cannot build the fixture module"; exit 1; }
cc -shared -fPIC -O2 -o "$T/fake-loader.so" "$FIXTURES/fake-loader.c" -ldl || { echo "FAIL: cannot build the fake loader"; exit 1; }
# the sanitizers want to come first among libraries; here the fake must
export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0"

M=$T/fake.ko
R=$T/root	# the machine's /proc, /sys, /lib/modules, /dev/kmsg
K=$T/k		# what the kernel got
check() { d=$1; shift; if "$@"; then pass "$d"; else fail "$d"; fi; }
fresh() { rm -rf "$R"; mkdir -p "$R"; }	# nothing in /proc and /sys at all
put() {		# put FILE LINE...: a file under the root
	mkdir -p "$(dirname "$R/$1")"
	f=$1; shift
	printf '%s\n' "$@" > "$R/$f"
}
kernel() {	# kernel [VAR=VALUE...] -- INSMOD-ARGS...: a run against the fake
	rm -rf "$K"; mkdir -p "$K"; : > "$K/log"
	envs="FAKE_ROOT=$R FAKE_DIR=$K FAKE_RELEASE=$REL FAKE_MACHINE=x86_64"
	while [ "$1" != -- ]; do envs="$envs $1"; shift; done
	shift
	env $envs LD_PRELOAD="$T/fake-loader.so" "$INSMOD" "$@" > "$T/out" 2> "$T/err"
	STATUS=$?
}
called() { grep -qxF -e "$1" "$K/log"; }
no_call() { [ ! -s "$K/log" ]; }
got_image() { cmp -s "$1" "$K/image"; }
got_args() { [ "$(cat "$K/args")" = "$1" ]; }
size() { wc -c < "$1" | tr -d ' '; }

# Without the fake in effect the loads below would reach the real kernel:
# first make sure it is, by a refusal that comes before any system call.
fresh
kernel FAKE_MACHINE=aarch64 -- -y "$M"
grep -q aarch64 "$T/err" || { echo "FAIL: the fake loader is not in effect (stderr: $(head -c 300 "$T/err")); nothing is loaded"; exit 1; }

# ---- a load by path --------------------------------------------------------
kernel -- -y "$M" count=3 'label=a b'
expect_status 0 "a load by path succeeds"
check "finit_module, without flags" called "finit_module flags=0"
check "finit_module got the module file, byte for byte" got_image "$M"
check "and the parameter string, the space quoted" got_args 'count=3 label="a b"'
expect_no_err "a plain load says nothing"

kernel -- "$M"
expect_status 0 "an unsigned module, ksymoops symbols by default"
check "changed, so through init_module" called "init_module len=$(size "$K/image")"
check "the image init_module got carries the __insmod_ symbols" grep -q __insmod_fake_O "$K/image"

kernel FAKE_FINIT_ERRNO=ENOSYS -- -y "$M"
expect_status 0 "a kernel without finit_module: the load succeeds"
check "finit_module was tried first" called "finit_module refused ENOSYS"
check "then init_module with the file's bytes" called "init_module len=$(size "$M")"
check "the image is the module, unchanged" got_image "$M"
check "no parameters: an empty string" got_args ""

# ---- -f ----------------------------------------------------------------------
kernel -- -f -y "$M"
expect_status 0 "-f: loaded"
check "-f: MODULE_INIT_IGNORE_MODVERSIONS|MODULE_INIT_IGNORE_VERMAGIC" called "finit_module flags=0x3"
check "-f: the file is not changed" got_image "$M"
expect_err "taints the kernel" "-f warns that it taints"

put sys/module/module/parameters/sig_enforce Y
kernel -- -f -y "$M"
expect_err "enforces module signatures (sig_enforce=Y)" "-f under sig_enforce=Y (fake sysfs) warns of refusal"
fresh
put sys/kernel/security/lockdown "none [integrity] confidentiality"
kernel -- -f -y "$M"
expect_err "locked down" "-f under lockdown [integrity] (fake securityfs) warns of refusal"
put sys/kernel/security/lockdown "[none] integrity confidentiality"
kernel -- -f -y "$M"
expect_no_err_match "locked down" "lockdown [none] is no lockdown"
fresh

kernel FAKE_FINIT_ERRNO=ENOSYS -- -f -y "$M"
expect_status 0 "-f through init_module: loaded"
check "init_module, as there are no flags to ask with" called "init_module len=$(size "$K/image")"
check "-f through init_module: the version magic is blanked in the image" sh -c "! grep -q vermagic= '$K/image'"
check "the rest of .modinfo stays" grep -q license=GPL "$K/image"

# ---- --force-vermagic, --force-modversion: each one half of -f -------------
kernel -- --force-vermagic -y "$M"
expect_status 0 "--force-vermagic: loaded"
check "--force-vermagic: MODULE_INIT_IGNORE_VERMAGIC alone" called "finit_module flags=0x2"
kernel -- --force-modversion -y "$M"
expect_status 0 "--force-modversion: loaded"
check "--force-modversion: MODULE_INIT_IGNORE_MODVERSIONS alone" called "finit_module flags=0x1"
expect_err "taints the kernel" "--force-modversion warns that it taints too"
kernel -- --force-vermagic --force-modversion -y "$M"
check "both: the flags of -f" called "finit_module flags=0x3"
cc -c -O2 -DWITH_VERSIONS -DVERMAGIC="\"$VM\"" -o "$T/vers.ko" "$FIXTURES/fake.c"
versions_alloc() { readelf -SW "$K/image" | grep -q ' __versions .* A '; }
kernel FAKE_FINIT_ERRNO=ENOSYS -- --force-vermagic -y "$T/vers.ko"
check "--force-vermagic through init_module: vermagic blanked" sh -c "[ -s '$K/image' ] && ! grep -q vermagic= '$K/image'"
check "--force-vermagic through init_module: __versions kept" versions_alloc
kernel FAKE_FINIT_ERRNO=ENOSYS -- --force-modversion -y "$T/vers.ko"
check "--force-modversion through init_module: vermagic kept" grep -q vermagic= "$K/image"
check "--force-modversion through init_module: __versions dropped" sh -c "[ -s '$K/image' ] && ! readelf -SW '$K/image' | grep -q ' __versions .* A '"
# Built for another release: the version check before the load.
OVM="6.0.0-1-amd64 SMP preempt mod_unload modversions "
cc -c -O2 -DVERMAGIC="\"$OVM\"" -o "$T/other.ko" "$FIXTURES/fake.c"
cc -c -O2 -DWITH_VERSIONS -DVERMAGIC="\"$OVM\"" -o "$T/otherv.ko" "$FIXTURES/fake.c"
kernel -- --force-modversion -y "$T/other.ko"
check "another release, --force-modversion: still refused" [ "$STATUS" -ne 0 ]
check "another release, --force-modversion: the kernel was not asked" no_call
expect_err "built for kernel 6.0.0-1-amd64, not $REL" "another release, --force-modversion: the release is the reason"
kernel -- --force-vermagic -y "$T/other.ko"
expect_status 0 "another release, --force-vermagic: loaded"
check "another release, --force-vermagic: flags 0x2" called "finit_module flags=0x2"
kernel -- -y "$T/otherv.ko"
expect_status 0 "another release, with symbol versions: the CRCs decide, loaded"
kernel -- --force-modversion -y "$T/otherv.ko"
check "another release, versions ignored: the whole magic counts, refused" [ "$STATUS" -ne 0 ]
expect_err "--force-vermagic" "another release, versions ignored: --force-vermagic is named"
kernel -- -f -y "$T/otherv.ko"
check "another release, versions ignored, -f: flags 0x3" called "finit_module flags=0x3"

# ---- compressed ------------------------------------------------------------
xz -k -c "$M" > "$T/fake.ko.xz"
gzip -c "$M" > "$T/fake.ko.gz"
put sys/module/compression xz
kernel -- -y "$T/fake.ko.xz"
expect_status 0 "xz, and the kernel decompresses xz: loaded"
check "finit_module with MODULE_INIT_COMPRESSED_FILE" called "finit_module flags=0x4"
check "the compressed file itself goes in" got_image "$T/fake.ko.xz"
kernel -- -f -y "$T/fake.ko.xz"
check "-f on a compressed file: flags 0x7" called "finit_module flags=0x7"
kernel -- -y "$T/fake.ko.gz"
expect_status 0 "gzip, but the kernel decompresses xz: loaded"
check "init_module with the decompressed bytes" called "init_module len=$(size "$M")"
check "which are the module's" got_image "$M"
fresh
kernel -- -y "$T/fake.ko.xz"
check "no /sys/module/compression: insmod decompresses, init_module" called "init_module len=$(size "$M")"
check "the decompressed module" got_image "$M"

# ---- before the kernel: already loaded, architecture ------------------------
# A module already loaded is the kernel's EEXIST, said then: /sys is not
# asked beforehand (a lookup every load paid for a message of a failure).
put sys/module/fake/initstate live
kernel -- -y "$M"
check "a load does not look in /sys/module first: the kernel was asked" called "finit_module flags=0"
kernel FAKE_ERRNO=EEXIST -- -y "$M"
check "already loaded (the kernel's EEXIST): refused" [ "$STATUS" -ne 0 ]
expect_err "module 'fake' is already loaded" "already loaded, says which"
kernel FAKE_ERRNO=EEXIST -- -L -y "$M"
expect_status 0 "-L and already loaded: nothing to do, success"
expect_no_err "-L and already loaded: nothing said"
kernel -- -y -o fake2 "$M"
expect_status 0 "another name with -o: loaded"
check "-o: renamed, so init_module" called "init_module len=$(size "$K/image")"
check "-o: the name the kernel got is the new one" grep -q fake2 "$K/image"
fresh
mkdir -p "$R/sys/module/fake/parameters"
kernel -- -y "$M"
expect_status 0 "/sys/module/fake without initstate (built in, or gone): loaded"
check "built-in: the kernel was asked" called "finit_module flags=0"

kernel FAKE_MACHINE=aarch64 -- -y "$M"
check "an x86-64 module on an aarch64 kernel: refused" [ "$STATUS" -ne 0 ]
expect_err "but the running kernel is aarch64" "the machines are named"
check "another machine: the kernel was not asked" no_call

# ---- the kernel refuses ------------------------------------------------------
kernel FAKE_ERRNO=EEXIST -- -y "$M"
check "EEXIST: failure" [ "$STATUS" -ne 0 ]
expect_err "init function failed.*EEXIST" "EEXIST with no module of that name live: the module's init said it"

mkdir -p "$R/sys/module/fake"
kernel FAKE_ERRNO=EEXIST FAKE_TOUCH=sys/module/fake/initstate -- -y "$M"
check "EEXIST, loaded meanwhile: failure" [ "$STATUS" -ne 0 ]
expect_err "module 'fake' is already loaded (EEXIST" "EEXIST, loaded meanwhile: already loaded"
expect_err "with -o NAME" "EEXIST: another name is suggested"
rm -f "$R/sys/module/fake/initstate"
kernel FAKE_ERRNO=EEXIST FAKE_TOUCH=sys/module/fake/initstate -- -L -y "$M"
expect_status 0 "-L, EEXIST, loaded meanwhile: success"
expect_no_err "-L, loaded meanwhile: nothing said"
fresh

# The kernel log: an old record, then what the load logs (a record of the
# kernel's, one written by user space, one about another module).
put dev/kmsg '3,5,50,-;fake: Unknown symbol old_symbol (err -2)' @load \
	'3,10,100,-;fake: Unknown symbol foo_bar (err -2)' \
	'12,11,101,-;fake: Unknown symbol spoofed_symbol (err -2)' \
	'3,12,102,-;other: Unknown symbol not_ours (err -2)'
put lib/modules/$REL/modules.symbols 'alias symbol:foo_bar provider'
put lib/modules/$REL/modules.dep 'kernel/drivers/provider.ko:'
kernel FAKE_ERRNO=ENOENT -- -y "$M"
check "ENOENT: failure" [ "$STATUS" -ne 0 ]
expect_err "unknown symbol in module.*(ENOENT" "ENOENT: unknown symbol"
expect_err "see the kernel's reason below" "ENOENT: the kernel's lines are announced"
expect_err "kernel: fake: Unknown symbol foo_bar (err -2)" "ENOENT: the kernel's line is shown"
expect_err "foo_bar: provided by module provider (/lib/modules/$REL/kernel/drivers/provider.ko): load it first (modprobe provider)" \
	"ENOENT: the provider is found in modules.symbols and modules.dep"
expect_no_err_match old_symbol "ENOENT: a record logged before the load is not shown"
expect_no_err_match spoofed_symbol "ENOENT: a record written by user space is not shown"
expect_no_err_match not_ours "ENOENT: a record about another module is not shown"
put sys/module/provider/initstate live
kernel FAKE_ERRNO=ENOENT -- -y "$M"
expect_err "provided by module provider, which is loaded" "ENOENT, provider loaded: a license matter"
rm -r "$R/lib"
kernel FAKE_ERRNO=ENOENT -- -y "$M"
expect_err "modules.symbols: .*(run depmod)" "ENOENT, no modules.symbols: says to run depmod"
fresh
kernel FAKE_ERRNO=ENOENT -- -y "$M"
expect_err "see dmesg for the missing symbols" "ENOENT, no readable kernel log: points to dmesg"

kernel FAKE_ERRNO=EPERM -- -y "$M"
expect_err "needs CAP_SYS_MODULE, or module loading is disabled" "EPERM, nothing to tell: every cause named"
put proc/self/status 'Name:	insmod' 'CapEff:	0000000000000000'
kernel FAKE_ERRNO=EPERM -- -y "$M"
expect_err "lacks the CAP_SYS_MODULE capability\|needs CAP_SYS_MODULE: run insmod as root" \
	"EPERM, CapEff without CAP_SYS_MODULE (fake /proc/self/status)"
fresh
put proc/sys/kernel/modules_disabled 1
kernel FAKE_ERRNO=EPERM -- -y "$M"
expect_err "module loading is disabled (/proc/sys/kernel/modules_disabled is 1" "EPERM, modules_disabled=1"
fresh
put sys/kernel/security/lockdown "none [integrity] confidentiality"
kernel FAKE_ERRNO=EPERM -- -y "$M"
expect_err "locked down (integrity) and refuses unsigned modules; this module is not signed" \
	"EPERM under lockdown [integrity] (fake securityfs)"
fresh
put proc/cmdline "quiet module_blacklist=foo,fake root=/dev/sda1"
kernel FAKE_ERRNO=EPERM -- -y "$M"
expect_err "module 'fake' is blacklisted on the kernel command line" "EPERM, module_blacklist= on the command line"
fresh
put dev/kmsg @load '5,20,200,-;Lockdown: insmod: unsigned module loading is restricted; see man kernel_lockdown.7'
kernel FAKE_ERRNO=EPERM -- -y "$M"
expect_err "the kernel is locked down and refuses unsigned modules" "EPERM, the kernel log says lockdown"
expect_err "kernel: Lockdown: insmod: unsigned module loading" "EPERM: the kernel's line is shown"
fresh

put dev/kmsg @load "3,30,300,-;fake: version magic '6.1.0-9-amd64 SMP mod_unload' should be '$VM'"
kernel FAKE_ERRNO=ENOEXEC -- -y "$M"
expect_err "invalid module format.*(ENOEXEC.*; see the kernel's reason below" "ENOEXEC, the kernel log says why"
expect_err "kernel: fake: version magic '6.1.0-9-amd64" "ENOEXEC: the version magic line is shown"
expect_err "rebuild the module for this kernel, or force it with -f" "ENOEXEC, version magic: rebuild or -f"
put dev/kmsg @load
kernel FAKE_ERRNO=ENOEXEC -- -f -y "$M"
expect_err "logged no reason: .*CONFIG_MODULE_FORCE_LOAD.*refuses forced modules" "ENOEXEC after -f, an empty kernel log: a kernel refusing forced loads"
expect_no_err_match "force it with -f" "ENOEXEC after -f: -f is not suggested again"
put dev/kmsg @load "3,31,301,-;fake: version magic '6.1.0-9-amd64 SMP mod_unload' should be '$VM'"
kernel FAKE_ERRNO=ENOEXEC -- --force-modversion -y "$M"
expect_err "force it with -f or --force-vermagic" \
	"ENOEXEC, version magic after --force-modversion alone: --force-vermagic is suggested"
fresh

put sys/module/module/parameters/sig_enforce Y
kernel FAKE_ERRNO=EKEYREJECTED -- -y "$M"
expect_err "requires signed modules (module.sig_enforce is on) and this module is not signed" \
	"EKEYREJECTED, unsigned, sig_enforce=Y"
# A signed module: 4 bytes of signature, the 12-byte info saying so, the marker.
{ cat "$M"; printf 'SIGN\0\0\0\0\0\0\0\0\0\0\0\004~Module signature appended~\n'; } > "$T/signed.ko"
kernel FAKE_ERRNO=EKEYREJECTED -- "$T/signed.ko"
check "a signed module goes in as it is (no ksymoops symbols)" called "finit_module flags=0"
check "signature and all" got_image "$T/signed.ko"
expect_err "signature did not verify" "EKEYREJECTED, signed: the signature did not verify"
kernel FAKE_ERRNO=EKEYREJECTED -- -f "$T/signed.ko"
expect_err "modified by insmod (forced or renamed) has no valid signature" "EKEYREJECTED, signed but -f"
fresh

finish
