#!/bin/sh
# scripts/install-owners.sh PATH...: run by make install (without DESTDIR)
# before it writes anything.  For each PATH that dpkg says belongs to
# another package, one warning on stderr: make install will replace that
# package's file (kmod's insmod, its manual page, bash-completion's
# completion), and the package will no longer match what is on disk.
# A manual page is looked for compressed too (NAME.gz), and a path under
# /usr also under its merged-/usr alias (/sbin/insmod is kmod's name for
# what is /usr/sbin/insmod on Debian 12).  Never fails: it only warns.
command -v dpkg > /dev/null 2>&1 || exit 0
owners() {	# the packages that own $1, one a line, diversion lines left out
	dpkg -S "$1" 2> /dev/null | grep -v '^diversion by ' | sed 's/: .*//' | tr ',' '\n' |
		sed 's/^ *//; s/:[a-z0-9]*$//' | grep -vx 'modutils-insmod'
}
for p in "$@"; do
	for q in "$p" "$p.gz" "${p#/usr}" "${p#/usr}.gz"; do
		[ -e "$q" ] || [ -L "$q" ] || continue
		for pkg in $(owners "$q"); do
			echo "make install: warning: $q belongs to the package $pkg (dpkg -S);" \
			     "installing $p replaces or hides it: reinstall $pkg to get it back," \
			     "or install with make deb instead, which diverts it"
		done
	done
done | sort -u >&2
exit 0
