#!/bin/sh
# What insmod --batch says: under -q one line for each failing module (its
# path and why), a closing count on success too, a progress line on a
# terminal once a batch has taken more than a second, and module paths
# read from standard input ("-").  (tests/cli/link-batch.sh: what a batch
# does with each module.)
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/tests/cli/fixtures/linker.sh"	# into a scratch directory of its own

module good GPL '	call printk@PLT'
module other GPL '	call printk@PLT'
module missing GPL '	call no_such_symbol@PLT'
module missing2 GPL '	call no_such_symbol@PLT
	call nor_this_one@PLT'
lines() { grep -c '' "$1"; }
summary_re='in [0-9][0-9]*\.[0-9][0-9] s$'

# ---- (1) -q: one line for each failing module --------------------------------
run --batch -q -p $syms missing.ko good.ko missing2.ko other.ko no-such-module.ko
check "-q: status 1" status_is 1
check "-q: three failing modules, three lines" test "$(lines err)" = 3
check "-q: the line of a module with an unresolved symbol names it and the symbol" \
	grep -qx 'insmod: missing.ko: unresolved symbol no_such_symbol' err
check "-q: a module with two problems still has one line, saying there are more" \
	grep -qx 'insmod: missing2.ko: unresolved symbol no_such_symbol (and 1 more)' err
check "-q: a module that cannot be found: one line naming it" sh -c '[ "$(grep -c no-such-module.ko err)" = 1 ]'
check "-q: nothing about the good ones" sh -c '! grep -q -e good.ko -e other.ko err'
run --batch -q -n $syms good.ko other.ko
check "-q, all good: status 0, nothing said" sh -c '[ "$(cat status)" = 0 ] && [ ! -s err ]'

# ---- (2) a closing count, success or not -------------------------------------
run --batch -n $syms good.ko other.ko
check "-n, all good: status 0" status_is 0
check "-n, all good: a closing line counts them, with the time" grep -qx "insmod: 2 linked, 0 failed, $summary_re" err
run --batch -p $syms good.ko missing.ko other.ko
check "-p, one bad: status 1" status_is 1
check "-p: the closing line counts what would load and what would not" grep -qx "insmod: 2 would load, 1 would not, $summary_re" err
check "-p: the closing line comes last" sh -c "tail -1 err | grep -q 'would not'"

# ---- (4) module paths from standard input ------------------------------------
mkdir blobs
printf 'good.ko\nother.ko\n' > list
"$insmod" --batch -n -O blobs $syms - < list > out 2> err; echo $? > status
check "-: paths from standard input, all linked (status 0)" status_is 0
check "-: each one's blob written" sh -c 'test -s blobs/good.blob && test -s blobs/other.blob'
check "-: one closing line for them all" grep -qx "insmod: 2 linked, 0 failed, $summary_re" err
echo other.ko | "$insmod" --batch -n $syms good.ko - missing.ko > out 2> err; echo $? > status
check "- among paths: all three, one closing line" sh -c \
	"[ \"\$(cat status)\" = 1 ] && grep -qx 'insmod: 2 linked, 1 failed, $summary_re' err"
printf 'good.ko\n\nother.ko\n' | "$insmod" --batch -n $syms - > out 2> err; echo $? > status
check "-: an empty line is named, and counts as a failure" sh -c \
	"[ \"\$(cat status)\" = 1 ] && grep -qx 'insmod: standard input, line 2: an empty line, not a module path' err &&
	 grep -qx 'insmod: 2 linked, 1 failed, $summary_re' err"
{ echo good.ko; head -c 5000 /dev/zero | tr '\0' a; echo; echo other.ko; } | "$insmod" --batch -n $syms - > out 2> err; echo $? > status
check "-: a line too long for a path is named, the others still linked" sh -c \
	"[ \"\$(cat status)\" = 1 ] && grep -qx 'insmod: standard input, line 2: longer than 4095 bytes, not a module path' err &&
	 grep -qx 'insmod: 2 linked, 1 failed, $summary_re' err"
printf 'go\000od.ko\nother.ko' | "$insmod" --batch -q -n $syms - > out 2> err; echo $? > status
check "-: a NUL byte in a line is named; a last line without newline is read (-q: one line)" sh -c \
	"[ \"\$(cat status)\" = 1 ] && [ \"\$(grep -c '' err)\" = 1 ] && grep -qx 'insmod: standard input, line 1: a NUL byte, not a module path' err"
"$insmod" --batch -n $syms - < /dev/null > out 2> err; echo $? > status
check "-: nothing on standard input is an error" sh -c \
	"[ \"\$(cat status)\" = 1 ] && grep -qx 'insmod: no module paths on standard input' err"

# ---- (3) progress on a terminal ----------------------------------------------
# Rendered as a terminal shows it: each carriage return goes back to the
# start of the line, and what follows overwrites what was there.
render() {
	python3 -c 'import sys
for raw in open(sys.argv[1], "rb").read().decode("latin-1").split("\n"):
    out = []
    for seg in raw.split("\r"):
        for i, ch in enumerate(seg):
            if i < len(out): out[i] = ch
            else: out.append(ch)
    print("".join(out).rstrip())' "$1"
}
slow='(echo good.ko; sleep 1.3; echo missing.ko; sleep 0.3; echo other.ko)'
if ! command -v script > /dev/null || ! script -qc true /dev/null > /dev/null 2>&1; then
	echo "SKIP: progress on a terminal (script(1), package bsdutils, is not available)"
elif ! command -v python3 > /dev/null; then
	echo "SKIP: progress on a terminal (python3 is needed to render the terminal's output)"
else
	script -qec "sh -c '$slow | \"$insmod\" --batch -n $syms -'" /dev/null < /dev/null > tty.raw 2>&1
	render tty.raw > tty.screen
	check "terminal, more than a second: a progress line was drawn" grep -q 'insmod: 1 done, 0 failed, 1\.[0-9] s: missing.ko' tty.raw
	check "terminal: it is rewritten in place (carriage return, no newline)" \
		sh -c "tr '\r' '\n' < tty.raw | grep -q '^insmod: 2 done, 1 failed, 1\.[0-9] s: other.ko'"
	check "terminal: cleared before an error, which shows whole" \
		grep -qx 'insmod: missing.ko: unresolved symbol no_such_symbol' tty.screen
	check "terminal: cleared before the closing line" grep -qx "insmod: 2 linked, 1 failed, $summary_re" tty.screen
	check "terminal: no progress left on the screen" sh -c '! grep -q " done, " tty.screen'
	eval "$slow" | "$insmod" --batch -n $syms - > out 2> err
	check "not a terminal: no progress line, no carriage return" sh -c "! grep -q ' done, ' err && ! grep -q \"\$(printf '\r')\" err"
	script -qec "sh -c '$slow | \"$insmod\" --batch -q -n $syms -'" /dev/null < /dev/null > tty.raw 2>&1
	check "terminal, -q: no progress line" sh -c '! grep -q " done, " tty.raw'
fi
exit 0
