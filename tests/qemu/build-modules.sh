#!/bin/sh
# Builds the test modules of tests/modules/ with gcc-12 against the headers
# of Debian's kernel (fetched by kernel.sh), in the test cache:
#   ${INSMOD_TEST_CACHE:-<repo>/.cache}/modules/RELEASE/*.ko
#
#   sh tests/qemu/build-modules.sh     build if needed, print the directory
#   . tests/qemu/build-modules.sh      same, and set IM_MODULES
#
# Quick when nothing changed: a stamp holds a checksum of the sources.
# Exits (even when sourced) with a message on stderr if the build fails.

. "${IM_TOP:-$(git -C "$(dirname "$0")" rev-parse --show-toplevel 2>/dev/null || pwd)}/tests/qemu/kernel.sh"

im_modules_build() {
	src=$IM_TOP/tests/modules
	IM_MODULES=$IM_CACHE/modules/$KREL
	sum=$( (echo "$KREL $KVERSION"; cat "$src"/Kbuild "$src"/*.c "$IM_TOP/tests/qemu/build-modules.sh") |
		cksum | cut -d' ' -f1)
	if [ -f "$IM_MODULES/stamp" ] && [ "$(cat "$IM_MODULES/stamp")" = "$sum" ]; then
		export IM_MODULES
		return 0
	fi
	(
		exec 9>"$IM_CACHE/modules.lock"
		flock 9
		[ -f "$IM_MODULES/stamp" ] && [ "$(cat "$IM_MODULES/stamp")" = "$sum" ] && exit 0
		t0=$(date +%s)
		echo "build-modules.sh: building the test modules against $KREL" >&2
		rm -rf "$IM_MODULES"
		mkdir -p "$IM_MODULES/build"
		cp "$src"/Kbuild "$src"/*.c "$IM_MODULES/build/"
		# The headers' .kernelvariables picks gcc-12, as Debian built
		# the kernel with it.
		if ! make -s -C "$KHDR" M="$IM_MODULES/build" -j2 modules > "$IM_MODULES/build.log" 2>&1; then
			cat "$IM_MODULES/build.log" >&2
			echo "build-modules.sh: building the test modules failed" >&2
			exit 1
		fi
		for ko in "$IM_MODULES"/build/*.ko; do
			cp "$ko" "$IM_MODULES/"
		done
		echo "$sum" > "$IM_MODULES/stamp"
		echo "build-modules.sh: built $(ls "$IM_MODULES"/*.ko | wc -l) modules in $(($(date +%s) - t0)) s" >&2
	) || exit 1
	export IM_MODULES
}

im_modules_build
case ${0##*/} in
build-modules.sh)
	echo "IM_MODULES=$IM_MODULES"
	ls "$IM_MODULES"/*.ko
	;;
esac
