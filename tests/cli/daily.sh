#!/bin/sh
# The daily pruning of ksymoops snapshots (contrib/): a systemd service
# and timer, and a cron.daily script for systems without systemd, each
# running insmod_ksymoops_clean on /var/log/ksymoops.  The files are
# rendered as make install renders them (scripts/subst.sh), with the
# script's own directory as SBINDIR so that its path exists, then:
# systemd-analyze verify on the units (SKIP without it), and the cron
# script run with a stub in place of the cleaner, once as on a systemd
# system (it must leave the work to the timer) and once as on another.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/tests/cli/fixtures/linker.sh"	# into a scratch directory of its own
for f in contrib/systemd/insmod-ksymoops-clean.service.in contrib/systemd/insmod-ksymoops-clean.timer \
	 contrib/cron/insmod-ksymoops-clean.in; do
	[ -f "$top/$f" ] || { fail "$f exists"; exit 0; }
done

mkdir units
sh "$top/scripts/subst.sh" "$top/scripts" "$top/contrib/systemd/insmod-ksymoops-clean.service.in" \
	units/insmod-ksymoops-clean.service
cp "$top/contrib/systemd/insmod-ksymoops-clean.timer" units/
check "the service runs insmod_ksymoops_clean by its installed path" \
	grep -qx "ExecStart=$top/scripts/insmod_ksymoops_clean /var/log/ksymoops" units/insmod-ksymoops-clean.service
check "the timer is daily, persistent, wanted by timers.target" sh -c \
	"grep -qx 'OnCalendar=daily' units/*.timer && grep -qx 'Persistent=true' units/*.timer && grep -qx 'WantedBy=timers.target' units/*.timer"
if command -v systemd-analyze > /dev/null; then
	(cd units && systemd-analyze verify --man=no insmod-ksymoops-clean.service insmod-ksymoops-clean.timer) > verify 2>&1
	rc=$?
	check "systemd-analyze verify: the service and the timer (status 0, nothing said)" \
		sh -c "[ $rc = 0 ] && [ ! -s verify ] || { cat verify; false; }"
	printf '[Service]\nExecStart=relative/path\nType=bogus\n' > units/broken.service
	(cd units && systemd-analyze verify --man=no broken.service) > /dev/null 2>&1
	check "systemd-analyze verify does refuse a broken unit here (so its yes means something)" [ $? != 0 ]
	rm units/broken.service
else
	echo "SKIP: systemd-analyze verify (no systemd-analyze here)"
fi

# The cron script, with a stub cleaner that records its arguments.
mkdir sbin
printf '#!/bin/sh\necho "$@" > %s/ran\n' "$work" > sbin/insmod_ksymoops_clean
chmod +x sbin/insmod_ksymoops_clean
sh "$top/scripts/subst.sh" "$work/sbin" "$top/contrib/cron/insmod-ksymoops-clean.in" cron-daily
check "the cron script is valid sh" sh -n cron-daily
mkdir systemd-here
SYSTEMD_RUN_DIR=$work/systemd-here sh cron-daily; rc=$?
check "on a systemd system it leaves the work to the timer (status 0, cleaner not run)" \
	sh -c "[ $rc = 0 ] && [ ! -e ran ]"
SYSTEMD_RUN_DIR=$work/no-such-dir sh cron-daily; rc=$?
check "elsewhere it runs insmod_ksymoops_clean /var/log/ksymoops" \
	sh -c "[ $rc = 0 ] && [ \"\$(cat ran 2>/dev/null)\" = /var/log/ksymoops ]"
exit 0
