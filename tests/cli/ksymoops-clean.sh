#!/bin/sh
# insmod_ksymoops_clean: snapshots not read for two days go, the newest pair
# always stays, nothing else in the directory is touched.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
script=$top/scripts/insmod_ksymoops_clean
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

pass() { echo "PASS: $*"; }
fail() { echo "FAIL: $*"; }
present() {	# present WHAT FILE...
	what=$1; shift
	for f; do
		if [ -e "$d/$f" ] || [ -L "$d/$f" ]; then pass "$what: $f kept"
		else fail "$what: $f was deleted"; fi
	done
}
absent() {
	what=$1; shift
	for f; do
		if [ -e "$d/$f" ] || [ -L "$d/$f" ]; then fail "$what: $f still there"
		else pass "$what: $f deleted"; fi
	done
}
# Access times in the past, given as touch -t stamps computed from the epoch
# (so that BusyBox's date and touch manage too).
ago() { date -d "@$(( $(date +%s) - $1 ))" +%Y%m%d%H%M.%S; }
three_days_ago=$(ago $((3 * 86400 + 60)))
one_day_ago=$(ago 86400)
old() { for f; do touch -a -t "$three_days_ago" "$d/$f"; done; }

[ -x "$script" ] && pass "script is executable" || fail "script is executable"

# 1. Old snapshots go; the newest pair stays although it is old too; fresh
#    ones and unrelated files stay.
d=$tmp/one; mkdir "$d"
for s in 20240101000000 20240102000000 20240103000000; do
	echo k > "$d/$s.ksyms"; echo m > "$d/$s.modules"
done
echo k > "$d/20240104000000.ksyms.tmp-12-ab"
echo x > "$d/notes.txt"
echo r > "$d/20231231000000.ksyms"; echo r > "$d/20231231000000.modules"
old 20240101000000.ksyms 20240101000000.modules 20240102000000.ksyms \
    20240102000000.modules 20240103000000.ksyms 20240103000000.modules \
    20240104000000.ksyms.tmp-12-ab notes.txt
sh "$script" "$d"; rc=$?
[ $rc -eq 0 ] && pass "old: exit status 0" || fail "old: exit status $rc"
absent old 20240101000000.ksyms 20240101000000.modules \
	20240102000000.ksyms 20240102000000.modules 20240104000000.ksyms.tmp-12-ab
present "newest pair" 20240103000000.ksyms 20240103000000.modules
present "recently read" 20231231000000.ksyms 20231231000000.modules
present "not a snapshot" notes.txt

# 2. A newer but incomplete snapshot: the newest complete pair stays, and so
#    does the newest file of each kind.
d=$tmp/two; mkdir "$d"
for s in 20240101000000 20240102000000; do
	echo k > "$d/$s.ksyms"; echo m > "$d/$s.modules"
done
echo k > "$d/20240105000000.ksyms"
old 20240101000000.ksyms 20240101000000.modules 20240102000000.ksyms \
    20240102000000.modules 20240105000000.ksyms
sh "$script" "$d"
absent incomplete 20240101000000.ksyms 20240101000000.modules
present incomplete 20240102000000.ksyms 20240102000000.modules 20240105000000.ksyms

# 3. Read a day ago: not yet two days, kept.
d=$tmp/three; mkdir "$d"
echo k > "$d/20240101000000.ksyms"; echo m > "$d/20240101000000.modules"
echo k > "$d/20240102000000.ksyms"; echo m > "$d/20240102000000.modules"
touch -a -t "$one_day_ago" "$d/20240101000000.ksyms" "$d/20240101000000.modules"
sh "$script" "$d"
present "a day old" 20240101000000.ksyms 20240101000000.modules

# 4. Symbolic links and subdirectories are left alone, and so is what a link
#    points to.
d=$tmp/four; mkdir "$d" "$d/sub"
echo t > "$tmp/target.ksyms"; touch -a -t "$three_days_ago" "$tmp/target.ksyms"
ln -s "$tmp/target.ksyms" "$d/20240101000000.ksyms"
echo s > "$d/sub/20240101000000.ksyms"; touch -a -t "$three_days_ago" "$d/sub/20240101000000.ksyms"
echo k > "$d/20240102000000.ksyms"; echo m > "$d/20240102000000.modules"
sh "$script" "$d"
present links 20240101000000.ksyms sub/20240101000000.ksyms
[ -f "$tmp/target.ksyms" ] && pass "links: target untouched" || fail "links: target deleted"

# 5. No directory: nothing to do, status 0.
sh "$script" "$tmp/none"; rc=$?
[ $rc -eq 0 ] && pass "missing directory: exit status 0" || fail "missing directory: exit status $rc"
[ -e "$tmp/none" ] && fail "missing directory: created" || pass "missing directory: not created"
exit 0
