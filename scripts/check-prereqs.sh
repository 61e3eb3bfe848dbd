#!/bin/sh
# Run by `make check` before anything is built: every prerequisite that the
# tests cannot do without, and that `make deps` installs, is checked here,
# so that a machine without one stops at once with one line naming it
# instead of failing hundreds of checks later.  (What a machine cannot
# have at all, such as 32-bit execution, is not checked here: those tests
# say SKIP.)
#   sh scripts/check-prereqs.sh [CC] [FUZZ_CC] [PKG_CONFIG]
set -u
cc=${1:-cc}
fuzz_cc=${2:-clang}
pkg_config=${3:-pkg-config}
missing=0

need() {	# need WHAT CONDITION...
	what=$1; shift
	if ! "$@" > /dev/null 2>&1; then
		echo "make check: $what not found: run make deps (as root)" >&2
		missing=1
	fi
}

have() { command -v "$1"; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

for c in qemu-system-x86_64 cpio xz zstd gzip python3 ld.bfd ld.lld objcopy \
	 i686-linux-gnu-ld aarch64-linux-gnu-ld gcc-12 bc flex bison mandoc; do
	need "$c" have "$c"
done
need "busybox (static)" have busybox
for lib in zlib liblzma libzstd; do
	need "the $lib development files (pkg-config $lib)" "$pkg_config" --exists "$lib"
done

# The compiler runtimes are separate packages in Debian 12 (clang only
# recommends libclang-rt-14-dev; gcc -m32 needs gcc-multilib): try them.
printf 'int main(void) { return 0; }\n' > "$tmp/m.c"
need "a 32-bit C library for $cc -m32 (gcc-multilib)" \
	"$cc" -m32 -o "$tmp/m32" "$tmp/m.c"
printf 'int LLVMFuzzerTestOneInput(const char *d, unsigned long n)\n{ (void)d; (void)n; return 0; }\n' > "$tmp/f.c"
need "$fuzz_cc" have "$fuzz_cc"
if have "$fuzz_cc" > /dev/null; then
	need "the libFuzzer and sanitizer runtimes for $fuzz_cc (libclang-rt-14-dev)" \
		"$fuzz_cc" -fsanitize=fuzzer,address,undefined -o "$tmp/f" "$tmp/f.c"
fi
# The fuzz check reads which functions the seeds reach from the sanitizer's
# coverage report, which names them only through llvm-symbolizer.
need "llvm-symbolizer (llvm), for the fuzz seeds' coverage by function" \
	sh "$(dirname "$0")/../fuzz/symbolizer.sh"
exit $missing
