# Helpers for guest scripts (busybox sh), installed by vm.sh as
# /guest/lib.sh:  . /guest/lib.sh
#
# Every check prints exactly one line, "PASS: what" or "FAIL: what", and
# only from the real kernel's state (/proc/modules, /sys/module, the kernel
# log, files) plus insmod's exit status and messages.  Lines starting with
# two spaces are diagnostics for the log and are not counted.

pass() { echo "PASS: $*"; }
fail() { echo "FAIL: $*"; }
note() { echo "  $*"; }

# check DESCRIPTION 'SHELL CONDITION': PASS if the condition (evaluated
# with eval, so write it in single quotes; && and || work) holds.
check() {
	_d=$1
	shift
	if eval "$*"; then pass "$_d"; else fail "$_d"; fi
}

# out_grep ERE: OUT matches the extended regular expression.
out_grep() {
	printf '%s\n' "$OUT" | grep -qiE -- "$1"
}

# is_loaded NAME: the module is in /proc/modules.
is_loaded() { grep -q "^$1 " /proc/modules; }
not_loaded() { ! is_loaded "$1"; }

# module_flags NAME: the taint flags /proc/modules shows, e.g. "OE".
module_flags() {
	sed -n "s/^$1 .*(\([A-Z]*\))\$/\1/p" /proc/modules
}

# unload NAME...: remove the modules if loaded (busybox rmmod).
unload() {
	for _m in "$@"; do
		is_loaded "$_m" && rmmod "$_m" 2> /dev/null
		is_loaded "$_m" && note "could not unload $_m"
	done
	return 0
}

# im_run ARGS...: our insmod, killed if it takes longer than IM_TIMEOUT
# seconds (default 60), so that a hang costs one check, not the whole run.
im_run() {
	timeout "${IM_TIMEOUT:-60}" "$IM" "$@"
}

# im ARGS...: runs our insmod; sets RC and OUT (stdout and stderr
# together), and shows both in the log.
im() {
	OUT=$(im_run "$@" 2>&1)
	RC=$?
	note "\$ insmod $* -> exit $RC"
	[ "$RC" -lt 124 ] || note "(killed or timed out after ${IM_TIMEOUT:-60} s?)"
	[ -z "$OUT" ] || printf '%s\n' "$OUT" | sed 's/^/  | /'
	return 0
}

# out_has WORD...: every word occurs in OUT (case-insensitive, fixed).
out_has() {
	for _w in "$@"; do
		printf '%s\n' "$OUT" | grep -qiF -- "$_w" || return 1
	done
}

# kmark: puts a unique mark in the kernel log; klog_since prints the lines
# after the last mark.
KMARK_N=0
kmark() {
	KMARK_N=$((KMARK_N + 1))
	KMARK="imtest-mark-$$-$KMARK_N"
	echo "$KMARK" > /dev/kmsg
}
klog_since() {
	dmesg | sed -n "/$KMARK\$/,\$p" | sed 1d
}
# klog_count PATTERN: lines since the mark matching PATTERN (grep -E).
klog_count() {
	klog_since | grep -cE -- "$1"
}

# sysparam MODULE PARAM: the value the kernel shows for a parameter.
sysparam() {
	cat "/sys/module/$1/parameters/$2" 2> /dev/null
}

# expect_param MODULE PARAM EXPECTED [DESCRIPTION]
expect_param() {
	_got=$(sysparam "$1" "$2")
	if [ "$_got" = "$3" ]; then
		pass "${4:-$1 $2 reads back $3}"
	else
		fail "${4:-$1 $2 reads back $3} (got '$_got')"
	fi
}

# expect_param_bytes MODULE PARAM PRINTF_FORMAT DESCRIPTION: the bytes the
# kernel shows (less its closing newline) are those printf makes of
# PRINTF_FORMAT; for values with tabs, backslashes or trailing spaces.
expect_param_bytes() {
	_got=$(od -An -tx1 "/sys/module/$1/parameters/$2" 2> /dev/null | tr -d ' \n')
	_want=$({ printf "$3"; echo; } | od -An -tx1 | tr -d ' \n')
	if [ -n "$_got" ] && [ "$_got" = "$_want" ]; then
		pass "$4"
	else
		fail "$4 (bytes $_got, want $_want)"
	fi
}
