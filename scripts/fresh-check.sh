#!/bin/sh
# `make fresh-check`: the README's two commands, exactly as written, in a
# fresh clone on a minimal Debian 12, whatever this machine has installed.
#
# Builds a debootstrap minbase root of bookworm (with this machine's apt
# sources, so that it sees the same suites as a new Debian 12 machine),
# installs only what a newcomer brings (FRESH_PACKAGES: a compiler, make,
# git and a few basics, --no-install-recommends), clones the committed
# HEAD of this repository into it and runs, as root in a chroot:
#     make deps demo
#     make deps check
# printing each one's last lines and exit status.  FRESH_REV=COMMIT clones
# that commit instead of HEAD.  Needs root, debootstrap
# and the network to Debian's archive; takes 20 to 30 minutes, most of it
# the test suite.  Not part of `make check`.
#
#   sh scripts/fresh-check.sh [DIR]   (default /var/tmp/insmod-fresh, emptied
#                                     first; outside the tree, so that make
#                                     clean never meets its bound /dev)
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
dir=${1:-/var/tmp/insmod-fresh}
suite=${FRESH_SUITE:-bookworm}
mirror=${FRESH_MIRROR:-http://deb.debian.org/debian}
packages=${FRESH_PACKAGES:-"gcc clang make git python3 binutils xz-utils zstd ca-certificates"}
root=$dir/root

die() {
	echo "fresh-check: $*" >&2
	exit 2
}

[ "$(id -u)" -eq 0 ] || die "run as root (debootstrap and chroot need it)"
command -v debootstrap > /dev/null || die "debootstrap not found (apt-get install debootstrap)"
git -C "$top" rev-parse HEAD > /dev/null 2>&1 || die "$top is not a git repository"
[ -z "$(git -C "$top" status --porcelain --untracked-files=no)" ] ||
	echo "fresh-check: note: uncommitted changes are not part of the clone" >&2

mounted=
unmount_all() {
	for m in $mounted; do
		umount -l "$m" 2> /dev/null
	done
	mounted=
}
trap unmount_all EXIT
trap 'exit 1' INT TERM HUP

bind() {	# bind HOST_PATH: the same path inside the root
	mkdir -p "$root$1"
	mount --rbind "$1" "$root$1" && mount --make-rslave "$root$1" ||
		die "cannot bind $1 into $root"
	mounted="$root$1 $mounted"
}

in_root() {	# in_root COMMAND: a login-like environment of the new system
	chroot "$root" /usr/bin/env -i HOME=/root TERM=dumb LANG=C.UTF-8 \
		PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
		/bin/sh -c "$1"
}

step() {	# step TITLE LOG COMMAND: run, keep the log, print its tail
	title=$1 log=$2
	echo "==> $title"
	t0=$(date +%s)
	in_root "$3" > "$log" 2>&1
	rc=$?
	tail -n "${FRESH_TAIL:-8}" "$log" | sed 's/^/    /'
	echo "<== $title: exit status $rc, $(($(date +%s) - t0)) s (log: $log)"
	return $rc
}

# ---- a minimal Debian 12 --------------------------------------------------
# A root left by an interrupted run may still have /proc, /sys and /dev
# bound into it: unmount them first, and never delete across a mount.
mounts_under_root() { awk -v r="$root" '$2 == r || index($2, r "/") == 1 { print $2 }' /proc/self/mounts; }
for m in $(mounts_under_root | sort -r); do
	umount -l "$m" 2> /dev/null
done
[ -z "$(mounts_under_root)" ] || die "cannot unmount what is mounted under $root"
rm -rf --one-file-system "$root" || die "cannot remove the old $root"
mkdir -p "$dir" || die "cannot create $dir"
echo "==> debootstrap --variant=minbase $suite"
debootstrap --variant=minbase "$suite" "$root" "$mirror" > "$dir/debootstrap.log" 2>&1 ||
	die "debootstrap failed (log: $dir/debootstrap.log)"
if [ -f /etc/apt/sources.list.d/debian.sources ]; then
	cp /etc/apt/sources.list.d/debian.sources "$root/etc/apt/sources.list.d/"
	: > "$root/etc/apt/sources.list"
elif [ -f /etc/apt/sources.list ]; then
	cp /etc/apt/sources.list "$root/etc/apt/sources.list"
fi
cp /etc/resolv.conf "$root/etc/resolv.conf" 2> /dev/null
# The root a mount point of its own, as a machine's / is: tests that take
# a mount namespace (unshare -m) cannot in a plain chroot.
mount --bind "$root" "$root" || die "cannot bind $root onto itself"
mounted="$root"
bind /proc
bind /sys
bind /dev

echo "==> a newcomer's tools: $packages"
in_root "apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q \
	--no-install-recommends $packages" > "$dir/tools.log" 2>&1 ||
	die "cannot install $packages (log: $dir/tools.log)"

# ---- a fresh clone, the README's two commands ------------------------------
git clone -q --no-local "$top" "$root/root/insmod" || die "git clone failed"
if [ -n "${FRESH_REV:-}" ]; then	# another commit than HEAD, e.g. to see an old failure
	git -C "$root/root/insmod" checkout -q "$FRESH_REV" || die "no commit $FRESH_REV"
fi
echo "==> clone of $(git -C "$root/root/insmod" log -1 --format='%h %s')"
status=0
step "make deps demo" "$dir/demo.log" "cd /root/insmod && make deps demo" || status=1
step "make deps check" "$dir/check.log" "cd /root/insmod && make deps check" || status=1
echo "fresh-check: $([ $status -eq 0 ] && echo both commands passed || echo FAILED)"
exit $status
