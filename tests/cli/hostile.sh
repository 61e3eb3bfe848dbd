#!/bin/sh
# Hostile files, names and descriptors: what root's insmod must never do
# with them (write outside what was asked, hang, crash, lose output
# silently).  Each check here failed before its fix.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/tests/cli/fixtures/linker.sh"	# into a scratch directory of its own


# A module whose .modinfo calls it NAME (a name that becomes a path).
named_module() {	# named_module FILE NAME
	module "$1" GPL '	ret'
	sed "s|\"name=$1\"|\"name=$2\"|; s|^\t.asciz \"$1\"|\t.asciz \"$2\"|" "$1.S" > "$1.named.S"
	gcc -c -o "$1.ko" "$1.named.S"
}

# ---- names that become paths -----------------------------------------
mkdir -p deep/a/b/blobs
named_module evil '../../../escape'
run --batch -n -O deep/a/b/blobs $syms evil.ko
check "--batch -O DIR: a module named '../../../escape' is refused (status 1)" grep -qx 1 status
check "... and nothing is written outside DIR" \
	sh -c '! ls deep/escape.blob escape.blob deep/a/escape.blob 2>/dev/null | grep -q . &&
	       [ -z "$(ls -A deep/a/b/blobs)" ]'
check "... with a message naming the module's own name" grep -q "calls itself '../../../escape'" err
for bad in '' . ..; do
	named_module dot "$bad"
	run --batch -n -O deep/a/b/blobs $syms dot.ko
	check "--batch -O DIR: a module named '$bad' is refused" \
		sh -c '[ "$(cat status)" = 1 ] && [ -z "$(ls -A deep/a/b/blobs)" ] && grep -q "name" err'
done
run -n -o .. $syms evil.ko
check "-o .. is refused before anything is read" sh -c '[ "$(cat status)" = 1 ] && grep -q "not module names" err'
run -n -o '' $syms evil.ko
check "-o '' says that the name is empty" sh -c '[ "$(cat status)" = 1 ] && grep -q "name is empty" err'
exit 0
