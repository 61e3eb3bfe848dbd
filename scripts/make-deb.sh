#!/bin/sh
# scripts/make-deb.sh VERSION BUILD: BUILD/modutils-insmod_VERSION_ARCH.deb,
# with dpkg-deb alone (no debhelper): make install into a staging root
# (PREFIX=/usr), manual pages compressed as Debian has them, and
# maintainer scripts that divert what kmod and bash-completion ship under
# the same names, so that neither package is broken and both come back
# when this one is removed:
#   /usr/sbin/insmod (and /sbin/insmod, the name kmod's package gives it
#   on a merged-/usr Debian 12)          -> insmod.kmod
#   /usr/share/man/man8/insmod.8.gz      -> insmod.kmod.8.gz
#   /usr/share/bash-completion/completions/insmod -> insmod.bash-completion
# The daily snapshot pruning timer is enabled where systemctl exists.
set -eu
version=$1
build=$2
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
arch=$(dpkg --print-architecture)
stage=$build/deb/root
deb=$build/modutils-insmod_${version}_$arch.deb

rm -rf "$build/deb"
make -s install BUILD="$build" DESTDIR="$PWD/$stage" PREFIX=/usr SYSCONFDIR=/etc > /dev/null
strip --strip-unneeded "$stage/usr/sbin/insmod"	# keeps .note.dlopen: it is allocated
gzip -9n "$stage"/usr/share/man/man8/*.8
mkdir -p "$stage/DEBIAN"
glibc=$(objdump -T "$build/insmod" | grep -o 'GLIBC_[0-9.]*' | sed 's/GLIBC_//' | sort -V | tail -n 1)
sh scripts/deb-control.sh "$version" "$arch" "$(du -sk --exclude=DEBIAN "$stage" | cut -f1)" \
	"${glibc:-2.34}" > "$stage/DEBIAN/control"
echo /etc/cron.daily/insmod-ksymoops-clean > "$stage/DEBIAN/conffiles"
for s in preinst postinst prerm postrm; do
	install -m 0755 "scripts/deb/$s" "$stage/DEBIAN/$s"
done
dpkg-deb --root-owner-group -Zxz --build "$stage" "$deb" > /dev/null
echo "$deb"
