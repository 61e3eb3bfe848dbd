#!/bin/sh
# Command-line behaviour that needs no kernel: options, usage, and every
# refusal that happens before a module reaches the kernel.
# Run as: INSMOD=/path/to/insmod sh tests/cli/basics.sh
set -u
. "$(dirname "$0")/lib.sh"

REL=6.1.0-56-amd64
VM="$REL SMP preempt mod_unload modversions "
cc -c -O2 -DVERMAGIC="\"$VM\"" -o "$T/fake.ko" "$FIXTURES/fake.c" || { echo "FAIL: cannot build fixture"; exit 1; }
cc -c -O2 -DVERMAGIC="\"5.10.0-9-amd64 SMP mod_unload modversions \"" -o "$T/old.ko" "$FIXTURES/fake.c"

# --help, --version, usage
run --help
expect_status 0 "--help exits 0"
expect_out "usage: insmod" "--help prints usage on stdout"
expect_out "--noksymoops" "--help lists long options"
run -h
expect_status 0 "-h exits 0"
run --version
expect_status 0 "--version exits 0"
expect_out "insmod version" "--version prints the version on stdout"
run -V
expect_status 0 "-V exits 0"
run --bogus
expect_status 1 "a bad option exits 1"
expect_err "usage: insmod" "a bad option prints usage on stderr"
expect_no_out "a bad option prints nothing on stdout"
run
expect_status 1 "no module exits 1"
expect_err "no module given" "no module says so"
run -o
expect_status 1 "-o without a name exits 1"

# every option of the specification is accepted (they fail later, on the file)
for opt in -f -k -L -m -n -p -q -r -s -S -v -x -X -y -Y --force --autoclean --lock --map \
	--noload --probe --quiet --root --syslog --kallsyms --verbose --export --noexport \
	--ksymoops --noksymoops --name=x --blob=$T/b --prefix=smp_ "-o x" "-O $T/b" "-P smp_"; do
	# shellcheck disable=SC2086
	run $opt "$T/missing.ko"
	if grep -q "usage:" "$T/err"; then fail "option $opt accepted"; else pass "option $opt accepted"; fi
done

# files that are not modules
run "$T/missing.ko"
expect_status 1 "a missing file exits 1"
expect_err "missing.ko: cannot open module: No such file" "a missing file is named"
mkdir "$T/dir.ko"
run "$T/dir.ko"
expect_status 1 "a directory exits 1"
expect_err "is a directory" "a directory is called one"
: > "$T/empty.ko"
run "$T/empty.ko"
expect_status 1 "an empty file exits 1"
expect_err "empty" "an empty file is called empty"
printf 'hello world, not a module at all\n' > "$T/text.ko"
run "$T/text.ko"
expect_status 1 "a text file exits 1"
expect_err "no ELF magic" "a text file has no ELF magic"
cc -O2 -o "$T/prog.ko" "$FIXTURES/prog.c" 2>/dev/null || printf 'int main(void){return 0;}' | cc -x c -o "$T/prog.ko" -
run "$T/prog.ko"
expect_status 1 "an executable exits 1"
expect_err "not a relocatable module" "an executable is called one"
printf 'int x;' | cc -x c -c -o "$T/plain.o" -
run --kernel-release=$REL "$T/plain.o"
expect_status 1 "an object without struct module exits 1"
expect_err "not a kernel module" "an object without struct module is not a module"
gzip -c "$T/text.ko" > "$T/textgz.ko.gz"
run "$T/textgz.ko.gz"
expect_status 1 "gzip of a text file exits 1"
expect_err "no ELF magic" "gzip of a text file: decompressed, then no ELF magic"
head -c 100 "$T/fake.ko" | gzip -c > "$T/trunc.ko.gz"
printf '\037\213\010\000garbage' > "$T/corrupt.ko.gz"
run "$T/corrupt.ko.gz"
expect_status 1 "corrupt gzip exits 1"
expect_err "gzip" "corrupt gzip is called gzip"
printf '\375\067\172\130\132\000garbage' > "$T/corrupt.ko.xz"
run "$T/corrupt.ko.xz"
expect_status 1 "corrupt xz exits 1"
expect_err "xz data" "corrupt xz is called xz"

# version magic
run --kernel-release=6.1.0-99-amd64 "$T/fake.ko"
expect_status 1 "another release is refused"
expect_err "built for kernel $REL, not 6.1.0-99-amd64" "both releases are named"
expect_err "\-f" "the message mentions -f"
run -q --kernel-release=6.1.0-99-amd64 "$T/fake.ko"
expect_status 1 "-q: another release still exits 1"
expect_no_err "-q silences the version complaint"

# parameters are checked before loading
run --kernel-release=$REL "$T/fake.ko" cuont=3
expect_status 1 "an unknown parameter is refused"
expect_err "cuont" "the unknown parameter is named"
expect_err "count" "the nearest parameter is suggested"
run --kernel-release=$REL "$T/fake.ko" level=256
expect_status 1 "a byte out of range is refused"
expect_err "level" "the out-of-range parameter is named"
run --kernel-release=$REL "$T/fake.ko" count=12abc
expect_status 1 "an ill-formed integer is refused"
run --kernel-release=$REL "$T/fake.ko" list=1,,3
expect_status 1 "an empty array element is refused"
expect_err "skip" "the empty element message says elements cannot be skipped"
run --kernel-release=$REL "$T/fake.ko" 'label="a"b"'
expect_status 1 "a value the kernel cannot express is refused"

# -o: name too long for struct module
run --kernel-release=$REL -o "$(printf 'n%.0s' $(seq 1 70))" "$T/fake.ko"
expect_status 1 "an over-long -o name is refused"

# obsolete options warn (for a 2.6+ module: they do work on 2.4-era
# objects, so the warning waits until the file is read), -q silences them
run -p -k "$T/fake.ko"
expect_err "no effect" "-k warns that it has no effect"
run -p -q -k "$T/fake.ko"
expect_no_err_match "no effect" "-q silences the -k warning"

# syslog: with -s nothing goes to the terminal
run -s "$T/missing.ko"
expect_status 1 "-s: a missing file still exits 1"
if [ -S /dev/log ]; then	# a syslog daemon (else messages.sh tests the fallback)
	expect_no_err "-s: nothing on stderr"
else
	expect_err "no syslog daemon listens on /dev/log" "-s without a syslog daemon: says so on stderr"
fi

finish
