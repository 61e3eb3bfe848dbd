#!/bin/sh
# Run by test-deb.sh as root inside a throw-away Debian 12 root that has
# kmod: installs the package ($1), checks, removes it, checks that kmod's
# files are back, then installs and purges it.  One PASS:/FAIL: line per
# check.  $2, if given, is kmod's own .deb (the version installed), to
# reinstall while ours is there.
set -u
deb=$1
pass() { echo "PASS: $1"; }
fail() { echo "FAIL: $1"; }
check() {	# check DESCRIPTION COMMAND...
	d=$1; shift
	if "$@" > /tmp/check.out 2>&1; then pass "$d"; else fail "$d ($(head -c 300 /tmp/check.out))"; fi
}
kmod_insmod() { /usr/sbin/insmod -V 2>&1 | head -n 1 | grep -q '^kmod version'; }
ours() { "$1" -V 2>&1 | head -n 1 | grep -q '^insmod version'; }
man_is_kmods() { zcat /usr/share/man/man8/insmod.8.gz | grep -qi 'kmod'; }

check "before: /usr/sbin/insmod is kmod's" kmod_insmod
check "before: kmod's files verify (dpkg --verify kmod)" sh -c '[ -z "$(dpkg --verify kmod)" ]'

check "dpkg -i modutils-insmod: status 0" dpkg -i "$deb"
check "/usr/sbin/insmod -V is ours" ours /usr/sbin/insmod
check "/sbin/insmod (kmod's name for it, merged /usr) is ours too" ours /sbin/insmod
check "insmod -V lists +gzip +xz +zstd +dlopen" sh -c \
	'/usr/sbin/insmod -V | sed -n 2p | grep -qx "+gzip +xz +zstd +dlopen"'
/usr/sbin/insmod -V | sed 's/^/    insmod -V: /'
# (kmod is one program that tells its commands by argv[0]: under the name
# insmod.kmod it would not know itself, so the link is what is checked.)
check "kmod's insmod is kept as /usr/sbin/insmod.kmod, its link to kmod" sh -c \
	'[ -L /usr/sbin/insmod.kmod ] && [ "$(readlink -f /usr/sbin/insmod.kmod)" = "$(readlink -f /usr/bin/kmod)" ]'
check "diverted by modutils-insmod: /usr/sbin/insmod to /usr/sbin/insmod.kmod" sh -c \
	'dpkg-divert --list /usr/sbin/insmod | grep -q "to /usr/sbin/insmod.kmod by modutils-insmod"'
check "the manual page is ours, kmod's kept as insmod.kmod.8.gz" sh -c \
	'zcat /usr/share/man/man8/insmod.8.gz | grep -q ksymoops && [ -f /usr/share/man/man8/insmod.kmod.8.gz ]'
for f in /usr/sbin/insmod_ksymoops_clean /usr/share/bash-completion/completions/insmod \
	 /usr/lib/systemd/system/insmod-ksymoops-clean.service /usr/lib/systemd/system/insmod-ksymoops-clean.timer \
	 /etc/cron.daily/insmod-ksymoops-clean; do
	check "installed: $f" test -f "$f"
done
for m in $(dpkg -L modutils-insmod | grep '^/.*/man8/'); do
	check "a manual page installed: $m (gzip)" sh -c "gzip -t '$m'"
done
check "kmod's files still verify with the diversions (dpkg --verify kmod)" sh -c '[ -z "$(dpkg --verify kmod)" ]'
check "dpkg --audit: nothing half-installed" sh -c '[ -z "$(dpkg --audit)" ]'

# kmod upgraded (here: reinstalled) while we are installed: its files must
# go to the diverted names, under both of the names dpkg knows.
if [ -n "${2:-}" ]; then
	check "kmod reinstalled meanwhile (dpkg -i kmod): status 0" dpkg -i "$2"
	check "after kmod's reinstall /usr/sbin/insmod is still ours" ours /usr/sbin/insmod
	check "after kmod's reinstall its insmod is /usr/sbin/insmod.kmod" sh -c \
		'[ "$(readlink -f /usr/sbin/insmod.kmod)" = "$(readlink -f /usr/bin/kmod)" ]'
else
	echo "SKIP: kmod reinstalled while modutils-insmod is installed (no kmod .deb of the root's version at hand)"
fi

check "dpkg -r modutils-insmod: status 0" dpkg -r modutils-insmod
check "after removal: /usr/sbin/insmod is kmod's again" kmod_insmod
check "after removal: /sbin/insmod is kmod's symlink again" sh -c \
	'[ -L /sbin/insmod ] && /sbin/insmod -V | grep -q "^kmod version"'
check "after removal: no insmod.kmod left, no diversion" sh -c \
	'[ ! -e /usr/sbin/insmod.kmod ] && [ -z "$(dpkg-divert --list | grep modutils-insmod)" ]'
check "after removal: kmod's manual page is back" man_is_kmods
check "after removal: kmod's files verify" sh -c '[ -z "$(dpkg --verify kmod)" ]'
check "after removal: the cron script stays until purge (a conffile)" test -f /etc/cron.daily/insmod-ksymoops-clean

check "dpkg -i again, then dpkg -P: status 0" sh -c "dpkg -i '$deb' > /dev/null && dpkg -P modutils-insmod"
check "after purge: kmod's insmod, no diversion, no cron script" sh -c \
	'/usr/sbin/insmod -V | grep -q "^kmod version" && [ -z "$(dpkg-divert --list | grep modutils-insmod)" ] &&
	 [ ! -e /etc/cron.daily/insmod-ksymoops-clean ]'
exit 0
