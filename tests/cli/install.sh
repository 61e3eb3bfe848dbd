#!/bin/sh
# make install on a live system (no DESTDIR) first names, in a warning,
# every file it is about to replace or hide that belongs to another
# package (dpkg -S): on Debian, kmod's insmod (which dpkg knows as
# /sbin/insmod, the merged-/usr name) and its manual page.  Checked: the
# warning script on paths of the machine (nothing is installed), and that
# make install runs it before installing anything, and not with DESTDIR.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/tests/cli/fixtures/linker.sh"	# into a scratch directory of its own
owners=$top/scripts/install-owners.sh
[ -f "$owners" ] || { fail "scripts/install-owners.sh exists"; exit 0; }

make -s -n -C "$top" install PREFIX=/usr > plan 2>&1
check "make install (no DESTDIR) checks the owners of /usr/sbin/insmod and its manual page first" \
	sh -c "grep -n '' plan | grep 'install-owners.sh /usr/sbin/insmod .*/usr/share/man/man8/insmod.8' |
	       cut -d: -f1 | { read -r a; b=\$(grep -n 'install -m' plan | head -n 1 | cut -d: -f1); [ \"\$a\" -lt \"\$b\" ]; }"
make -s -n -C "$top" install PREFIX=/usr DESTDIR="$work/dest" > plan 2>&1
check "with DESTDIR (packaging) nothing is checked" sh -c "! grep -q install-owners plan"

: > mine
sh "$owners" "$work/mine" /nonexistent/insmod > out 2> err; echo $? > status
check "a path no package owns, or that does not exist: no warning, status 0" \
	sh -c "[ \"\$(cat status)\" = 0 ] && [ ! -s err ] && [ ! -s out ]"
if command -v dpkg > /dev/null && dpkg -S /sbin/insmod 2> /dev/null | grep -q '^kmod:'; then
	sh "$owners" /usr/sbin/insmod /usr/share/man/man8/insmod.8 > out 2> err; echo $? > status
	check "kmod's insmod: a warning naming the package and the file dpkg knows (/sbin/insmod)" \
		grep -q "warning: /sbin/insmod belongs to the package kmod" err
	if [ -e /usr/share/man/man8/insmod.8.gz ]; then
		check "kmod's manual page (insmod.8.gz) is named too" \
			grep -q "warning: /usr/share/man/man8/insmod.8.gz belongs to the package kmod" err
	fi
	check "it only warns: status 0, nothing on stdout" sh -c "[ \"\$(cat status)\" = 0 ] && [ ! -s out ]"
else
	echo "SKIP: the warning for kmod's insmod (no dpkg, or kmod does not own /sbin/insmod here)"
fi
exit 0
