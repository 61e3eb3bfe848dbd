#!/bin/sh
# The manual pages: doc/insmod.8 and doc/insmod_ksymoops_clean.8 pass
# mandoc's lint without a single message; every long option that
# insmod --help lists is in the manual and every one the manual gives is
# in --help; make install installs both pages.
set -u
. "$(dirname "$0")/lib.sh"
top=$(cd "$(dirname "$0")/../.." && pwd)
pages="$top/doc/insmod.8 $top/doc/insmod_ksymoops_clean.8"

if ! command -v mandoc > /dev/null; then
	skip "mandoc is not installed (make deps installs it): the pages are not linted"
else
	for p in $pages; do
		if [ ! -f "$p" ]; then
			fail "${p##*/}: missing"
		elif mandoc -Tlint -Wall "$p" > "$T/lint" 2>&1; then
			pass "${p##*/}: mandoc -Tlint -Wall says nothing"
		else
			fail "${p##*/}: mandoc -Tlint -Wall: $(head -5 "$T/lint" | tr '\n' ' ')"
		fi
	done
fi

# Long options: --word in the help text; \-\-word in the manual's source.
"$INSMOD" --help | grep -o -e '--[a-z][a-z-]*' | sort -u > "$T/help"
sed 's/\\-/-/g' "$top/doc/insmod.8" | grep -o -e '--[a-z][a-z-]*' | sort -u > "$T/manual"
missing=$(comm -23 "$T/help" "$T/manual" | tr '\n' ' ')
extra=$(comm -13 "$T/help" "$T/manual" | tr '\n' ' ')
if [ "$(wc -l < "$T/help")" -lt 10 ]; then
	fail "insmod --help lists long options (found only: $(tr '\n' ' ' < "$T/help"))"
elif [ -z "$missing" ]; then
	pass "every long option of --help is in the manual"
else
	fail "long options of --help missing from the manual: $missing"
fi
if [ -z "$extra" ]; then
	pass "every long option of the manual is in --help"
else
	fail "long options in the manual that --help does not list: $extra"
fi

# The install target, as make would run it (make -n builds nothing).
make -s -n -C "$top" install DESTDIR=/DEST > "$T/install" 2>&1
for p in insmod.8 insmod_ksymoops_clean.8; do
	# one install line per page, or one for all of doc/*.8
	if grep -q "doc/$p /DEST.*/man8/$p" "$T/install" ||
	   grep -q "install -m 0644 .*doc/$p .*/DEST[^ ]*/man8/\$" "$T/install"; then
		pass "make install installs $p"
	else
		fail "make install installs $p (make -n install: $(grep man8 "$T/install" | tr '\n' ' '))"
	fi
done
finish
