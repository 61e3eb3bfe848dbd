#!/bin/sh
# The bash completion (completion/insmod), run as bash runs it: the script
# sourced, COMP_WORDS and COMP_CWORD set, _insmod called, COMPREPLY read.
# The module tree is the test's own, found through MODPATH (%s = the
# release) as insmod finds it: modules.dep naming dummy.ko and foo.ko.xz,
# whose .modinfo have parm=/parmtype= entries.  Parameters come from
# modinfo -p where there is one, else from .modinfo itself: both ways run.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/tests/cli/fixtures/linker.sh"	# into a scratch directory of its own
comp=$top/completion/insmod

if ! command -v bash > /dev/null; then
	echo "SKIP: bash completion (no bash)"
	exit 0
fi
if [ ! -f "$comp" ]; then
	fail "completion/insmod exists"
	exit 0
fi
module dummy GPL '	ret' '.asciz "parm=numdummies:Number of dummy devices"
	.asciz "parmtype=numdummies:int"
	.asciz "parmtype=debug:bool"'
module foo GPL '	ret' '.asciz "parmtype=quirks:charp"
	.asciz "parm=quirks:which quirks"'
rel=6.1.0-t
mkdir -p "tree/$rel/kernel/drivers/net" "tree/$rel/kernel/fs"
cp dummy.ko "tree/$rel/kernel/drivers/net/"
xz -c foo.ko > "tree/$rel/kernel/fs/foo.ko.xz"
printf 'kernel/drivers/net/dummy.ko:\nkernel/fs/foo.ko.xz: kernel/drivers/net/dummy.ko\n' > "tree/$rel/modules.dep"
export MODPATH="$work/tree/%s"

# A PATH without modinfo, for the fallback: the tools it uses, linked.
mkdir nomodinfo
for t in sed tr sort cat gzip xz zstd uname grep find ls; do
	p=$(command -v "$t") && ln -s "$p" "nomodinfo/$t"
done

# completes CWORD WORD...: the sorted replies on one line, in file "got"
completes() {
	cw=$1; shift
	bash -c '. "$1"; shift; cw=$1; shift; COMP_WORDS=("$@"); COMP_CWORD=$cw
		PATH=${COMP_PATH:-$PATH} _insmod
		((${#COMPREPLY[@]})) && printf "%s\n" "${COMPREPLY[@]}" | LC_ALL=C sort | tr "\n" " "
		true' sh "$comp" "$cw" "$@" > got 2> got.err
}
expect() {	# expect DESCRIPTION "REPLIES" CWORD WORD...
	d=$1 want=$2; shift 2
	completes "$@"
	if [ "$(cat got)" = "$want" ] && [ ! -s got.err ]; then
		pass "$d"
	else
		fail "$d (got '$(cat got)', wanted '$want', stderr: $(head -c 200 got.err))"
	fi
}

expect "options from --help: --ver" "--verbose --version " 1 "$insmod" --ver
expect "an option that takes a value ends in '=': --kernel-rel" "--kernel-release= " 1 "$insmod" --kernel-rel
completes 1 "$insmod" -
check "short options -f -n -p -o among '-'" sh -c "grep -q -- ' -f ' got && grep -q -- ' -n ' got && grep -q -- ' -o ' got"
expect "module names from modules.dep of --kernel-release's tree" "dummy " 2 "$insmod" --kernel-release=$rel du
expect "the same with the option as bash splits it (--kernel-release = VER)" "dummy " 4 "$insmod" --kernel-release = $rel du
expect "the same with the release as the next word" "dummy foo " 3 "$insmod" --kernel-release $rel ""
MODPATH="$work/tree/$rel" expect "MODPATH without %s: every module there, .ko.xz named without it" "dummy foo " 1 "$insmod" ""
if command -v modinfo > /dev/null; then
	expect "a module's parameters after its name (modinfo -p)" "debug= numdummies= " 3 "$insmod" --kernel-release=$rel dummy ""
	expect "an .ko.xz module's parameters (modinfo -p)" "quirks= " 3 "$insmod" --kernel-release=$rel foo q
else
	echo "SKIP: parameters through modinfo -p (no modinfo here; the fallback is checked below)"
fi
COMP_PATH=$work/nomodinfo expect "a module's parameters without modinfo (.modinfo parm/parmtype)" "debug= numdummies= " 3 "$insmod" --kernel-release=$rel dummy ""
COMP_PATH=$work/nomodinfo expect "an .ko.xz module's parameters without modinfo" "quirks= " 4 "$insmod" --kernel-release=$rel foo debug=1 ""
expect "after the module, options are parameters: -o NAME skipped" "debug= numdummies= " 5 "$insmod" -o d2 --kernel-release=$rel dummy ""
expect "a parameter's value: nothing offered" "" 3 "$insmod" --kernel-release=$rel dummy debug=
expect "a path: module files and directories" "./dummy.ko ./foo.ko ./nomodinfo/ ./tree/ " 1 "$insmod" ./
expect "--batch: every operand a module" "dummy " 4 "$insmod" --batch --kernel-release=$rel foo du
: > blobfile
expect "-O: file names" "blobfile " 2 "$insmod" -O blobf
exit 0
