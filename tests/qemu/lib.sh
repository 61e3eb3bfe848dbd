# Host-side helpers for tests/qemu/test-*.sh (POSIX sh).  Source it:
#   . "$(dirname "$0")/lib.sh"
#
# im_test_init fetches the kernel and builds the test modules if needed
# (printing one FAIL line and exiting if that is impossible), checks that
# $INSMOD (default build/insmod) exists, and makes a scratch directory
# $WORK that is removed on exit.  im_test_vm boots one guest.

IM_TOP=$(cd "$(dirname "$0")/../.." && pwd)
export IM_TOP

im_test_init() {	# NAME
	IM_TEST_NAME=$1
	INSMOD=${INSMOD:-$IM_TOP/build/insmod}
	case $INSMOD in /*) ;; *) INSMOD=$(pwd)/$INSMOD ;; esac
	export INSMOD
	if [ ! -x "$INSMOD" ]; then
		echo "FAIL: $IM_TEST_NAME: no insmod binary at $INSMOD (run make first)"
		exit 1
	fi
	if ! (. "$IM_TOP/tests/qemu/build-modules.sh") > "${TMPDIR:-/tmp}/im-prep.$$" 2>&1; then
		sed 's/^/  /' "${TMPDIR:-/tmp}/im-prep.$$"
		rm -f "${TMPDIR:-/tmp}/im-prep.$$"
		echo "FAIL: $IM_TEST_NAME: cannot fetch Debian's kernel or build the test modules"
		exit 1
	fi
	rm -f "${TMPDIR:-/tmp}/im-prep.$$"
	. "$IM_TOP/tests/qemu/build-modules.sh"
	WORK=$(mktemp -d "${TMPDIR:-/tmp}/im-$IM_TEST_NAME.XXXXXX")
	trap 'rm -rf "$WORK"' EXIT
	trap 'exit 1' INT TERM HUP
}

# im_test_vm GUEST_SCRIPT [vm.sh OPTIONS...]: boots, prints the guest's
# PASS/FAIL lines and diagnostics.  A boot failure, a time-out or a guest
# that printed no check at all is one FAIL line.  Returns vm.sh's status.
im_test_vm() {
	_script=$1
	shift
	_t0=$(date +%s)
	sh "$IM_TOP/tests/qemu/vm.sh" -q -c "$WORK/console.log" -i "$INSMOD" "$@" "$_script" \
		> "$WORK/vm.out" 2> "$WORK/vm.err"
	_rc=$?
	cat "$WORK/vm.out"
	echo "  (guest run took $(($(date +%s) - _t0)) s, status $_rc)"
	if [ "$_rc" -eq 124 ] || [ "$_rc" -eq 125 ]; then
		sed 's/^/  /' "$WORK/vm.err"
		echo "FAIL: $IM_TEST_NAME: the VM run did not complete ($(grep -m1 '^vm.sh: ' "$WORK/vm.err" | cut -c8-))"
	elif ! grep -qE '^(PASS|FAIL): ' "$WORK/vm.out"; then
		sed 's/^/  /' "$WORK/vm.err"
		echo "FAIL: $IM_TEST_NAME: the guest script reported no check"
	elif [ -s "$WORK/vm.err" ]; then
		sed 's/^/  /' "$WORK/vm.err"
	fi
	return "$_rc"
}

# other_release: a kernel release of the same length as $KREL that is not
# $KREL (its ABI number's digits all 9, or all 8).
other_release() {
	_abi=$(echo "$KREL" | sed -n 's/^[0-9]*\.[0-9]*\.[0-9]*-\([0-9]*\)-.*/\1/p')
	_n=$(echo "$_abi" | tr '0-9' '9999999999')
	[ "$_n" != "$_abi" ] || _n=$(echo "$_abi" | tr '0-9' '8888888888')
	echo "$KREL" | sed "s/^\([0-9]*\.[0-9]*\.[0-9]*-\)$_abi-/\1$_n-/"
}

# change_vermagic IN OUT RELEASE: a byte-for-byte copy of IN whose
# .modinfo vermagic names RELEASE (same length) instead of $KREL.
change_vermagic() {
	perl -e '
		my ($in, $out, $from, $to) = @ARGV;
		length($from) == length($to) or die "lengths differ\n";
		open(my $f, "<", $in) or die "$in: $!\n"; binmode $f;
		local $/; my $d = <$f>; close $f;
		my $n = ($d =~ s/vermagic=\Q$from\E /vermagic=$to /g);
		$n == 1 or die "$in: $n vermagic strings\n";
		open(my $o, ">", $out) or die "$out: $!\n"; binmode $o;
		print $o $d; close $o or die "$out: $!\n";
	' "$1" "$2" "$KREL" "$3"
}

# change_vermagic_flags IN OUT: a byte-for-byte copy of IN whose vermagic
# has the same release but another flag part ("preempt" becomes "PREEMPT"):
# what the kernel refuses even for a module with symbol versions.
change_vermagic_flags() {
	perl -e '
		my ($in, $out, $rel) = @ARGV;
		open(my $f, "<", $in) or die "$in: $!\n"; binmode $f;
		local $/; my $d = <$f>; close $f;
		my $n = ($d =~ s/(vermagic=\Q$rel\E [^\0]*?)preempt/$1PREEMPT/g);
		$n == 1 or die "$in: $n vermagic strings with preempt\n";
		open(my $o, ">", $out) or die "$out: $!\n"; binmode $o;
		print $o $d; close $o or die "$out: $!\n";
	' "$1" "$2" "$KREL"
}

# kcore_read_tool: builds (once, into the cache) the static helper
# tests/qemu/kcore-read.c and prints its path.
kcore_read_tool() {
	_src=$IM_TOP/tests/qemu/kcore-read.c
	_sum=$(cksum < "$_src" | cut -d' ' -f1)
	_bin=$IM_CACHE/tools/kcore-read-$_sum
	if [ ! -x "$_bin" ]; then
		mkdir -p "$IM_CACHE/tools"
		gcc-12 -static -O2 -Wall -Wextra -o "$_bin.tmp" "$_src" >&2 || return 1
		mv "$_bin.tmp" "$_bin"
	fi
	echo "$_bin"
}
