#!/bin/sh
# scripts/deb-control.sh VERSION ARCH INSTALLED_KIB GLIBC: the control file
# of modutils-insmod (make deb); GLIBC is the newest symbol version the
# binary needs.  The compression libraries are opened with
# dlopen() (.note.dlopen in the binary), so they are recommended, not
# depended on: without them only compressed modules are refused.
cat <<EOC
Package: modutils-insmod
Version: $1
Architecture: $2
Maintainer: insmod developers <insmod@localhost>
Installed-Size: $3
Depends: libc6 (>= $4)
Recommends: zlib1g, liblzma5, libzstd1
Section: admin
Priority: optional
Description: modutils-style insmod for today's kernels, with a module linker
 A reimplementation of the classic modutils insmod: installs a loadable
 module into the running kernel, checks the module and its parameters
 before the kernel sees them, and says why when the kernel refuses.  Its
 user-space linker does dry runs (-n), load maps (-m), image dumps (-O)
 and probes against another kernel's symbols (-p).
 .
 It replaces kmod's insmod by a dpkg diversion (kmod's is kept as
 /usr/sbin/insmod.kmod and comes back when this package is removed).
 insmod_ksymoops_clean prunes the ksymoops snapshots daily (systemd timer
 or cron).
EOC
