#!/bin/sh
# scripts/subst.sh SBINDIR IN OUT: OUT is IN with @SBINDIR@ replaced, for
# the unit and cron files that name insmod_ksymoops_clean by its path
# (make install, make deb and their tests).
set -eu
sed "s|@SBINDIR@|$1|g" "$2" > "$3.tmp"
mv "$3.tmp" "$3"
