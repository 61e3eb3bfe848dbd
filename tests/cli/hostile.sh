#!/bin/sh
# Hostile files, names and descriptors: what root's insmod must never do
# with them (write outside what was asked, hang, crash, lose output
# silently).  Each check here failed before its fix.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/tests/cli/fixtures/linker.sh"	# into a scratch directory of its own
# The preloaded libraries below come before a sanitized insmod's runtime.
export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0"


# A module whose .modinfo calls it NAME (a name that becomes a path).
named_module() {	# named_module FILE NAME
	module "$1" GPL '	ret'
	sed "s|\"name=$1\"|\"name=$2\"|; s|^\t.asciz \"$1\"|\t.asciz \"$2\"|" "$1.S" > "$1.named.S"
	gcc -c -o "$1.ko" "$1.named.S"
}

# ---- names that become paths -----------------------------------------
mkdir -p deep/a/b/blobs
named_module evil '../../../escape'
run --batch -n -O deep/a/b/blobs $syms evil.ko
check "--batch -O DIR: a module named '../../../escape' is refused (status 1)" grep -qx 1 status
check "... and nothing is written outside DIR" \
	sh -c '! ls deep/escape.blob escape.blob deep/a/escape.blob 2>/dev/null | grep -q . &&
	       [ -z "$(ls -A deep/a/b/blobs)" ]'
check "... with a message naming the module's own name" grep -q "calls itself '../../../escape'" err
for bad in '' . ..; do
	named_module dot "$bad"
	run --batch -n -O deep/a/b/blobs $syms dot.ko
	check "--batch -O DIR: a module named '$bad' is refused" \
		sh -c '[ "$(cat status)" = 1 ] && [ -z "$(ls -A deep/a/b/blobs)" ] && grep -q "name" err'
done
run -n -o .. $syms evil.ko
check "-o .. is refused before anything is read" sh -c '[ "$(cat status)" = 1 ] && grep -q "name directories" err'
run -n -o '' $syms evil.ko
check "-o '' says that the name is empty" sh -c '[ "$(cat status)" = 1 ] && grep -q "name is empty" err'
named_module long "$(printf '%0250d' 0)"
run --batch -n -O deep/a/b/blobs $syms long.ko
check "--batch -O DIR: a module name too long for DIR/.NAME.blob.XXXXXX is refused, saying so" \
	sh -c '[ "$(cat status)" = 1 ] && grep -q "too long to be a file name" err && [ -z "$(ls -A deep/a/b/blobs)" ]'

# ---- closed standard descriptors ---------------------------------------
# A Proprietary module without __versions: -n warns on stderr.
module prop Proprietary '	ret'
ksyms=$syms
run -n -O ref.blob $ksyms prop.ko
check "(a run that warns on stderr and writes a blob)" sh -c 'grep -q warning err && [ -s ref.blob ]'
"$insmod" -n -O closed.blob $ksyms prop.ko 2>&-
check "stderr closed: the blob is the same bytes, no warning inside it" cmp -s ref.blob closed.blob
"$insmod" -n -O closed0.blob $ksyms prop.ko <&- >&- 2>&-
check "0, 1 and 2 closed: the same blob again" cmp -s ref.blob closed0.blob

# Names under /dev are never replaced: -O /dev/stdout with fd 1 closed
# (where /dev/stdout names nothing until insmod opens fd 1 on /dev/null),
# and a new name there.  In a mount namespace of its own, on a /dev of
# the test's, so that a failure cannot break this machine's /dev.
if private_mounts; then
	mkdir fakedev
	mknod fakedev/null c 1 3 && ln -s /proc/self/fd/1 fakedev/stdout &&
	unshare -m sh -c 'mount --bind "$1/fakedev" /dev || exit
		"$2" -n -O /dev/stdout $3 prop.ko >&- 2> err
		echo $? > status
		if [ -L /dev/stdout ]; then echo link; else ls -l /dev/stdout; fi > kind
		"$2" -n -O /dev/new-name $3 prop.ko 2> err.new
		echo $? > status.new
		ls /dev > dev.list' \
		sh "$work" "$insmod" "$ksyms"
	check "fd 1 closed, -O /dev/stdout: the /dev/stdout link is not replaced ($(cat kind 2>/dev/null))" \
		grep -qx link kind
	check "... the blob went to fd 1, which insmod opened on /dev/null (status 0)" grep -qx 0 status
	check "-O a new name under /dev is refused (status 1), saying why" \
		sh -c 'grep -qx 1 status.new && grep -q "under /dev" err.new'
	check "... and nothing is created there" sh -c '[ "$(cat dev.list | tr "\n" " ")" = "null stdout " ]'
else
	echo "SKIP: the /dev checks need a mount namespace of their own (root, unshare, / a mount point)"
fi

# ---- a named pipe with no reader ---------------------------------------
mkfifo fifo
timeout 10 "$insmod" -n -O fifo $ksyms prop.ko > out 2> err
echo $? > status
check "-O a named pipe with no reader: refused at once (status 1, not a hang)" grep -qx 1 status
check "... saying so" grep -q "named pipe with no reader" err
(cat fifo > fifo.out &) ; sleep 0.2
"$insmod" -n -O fifo $ksyms prop.ko 2> /dev/null
sleep 0.2
check "-O a named pipe with a reader: the reader gets the blob" cmp -s ref.blob fifo.out

# ---- output errors -------------------------------------------------------
"$insmod" -n -m $ksyms prop.ko > /dev/full 2> err
echo $? > status
check "-m > /dev/full: status 1, not a lost map" grep -qx 1 status
check "... saying it could not write" grep -q "write error on standard output" err
"$insmod" -h > /dev/full 2> err
check "-h > /dev/full: status 1" test $? -eq 1
"$insmod" -n -m $ksyms prop.ko > map.out 2> /dev/null
check "(-m to a file still works)" grep -q '^Sections:' map.out

# ---- -O's temporary file -------------------------------------------------
# The temporary file's name must not be guessable.  With getpid() and
# time() made predictable, every name an old pid^time generator would try
# is planted: the blob must still be written.
cat > fixed.c <<'EOC'
#include <sys/types.h>
#include <time.h>
pid_t getpid(void) { return 1; }
time_t time(time_t *t) { if (t) *t = 0; return 0; }
EOC
if cc -shared -fPIC -o fixed.so fixed.c 2> /dev/null; then
	mkdir planted
	python3 -c '
s = 1
for _ in range(100):
    s = (s * 1103515245 + 12345) & 0xffffffff
    print(".x.blob.%06x" % (s & 0xffffff))' | while read -r n; do : > "planted/$n"; done
	LD_PRELOAD=$work/fixed.so "$insmod" -n -O planted/x.blob $ksyms prop.ko 2> err
	echo $? > status
	check "-O beside 100 planted temporary names: written all the same" \
		sh -c 'grep -qx 0 status && cmp -s ref.blob planted/x.blob'
else
	fail "cannot build the preload library for the temporary-name check"
fi
# Without getrandom() (kernels before 3.17), the name comes from the clock
# and the process id: two blobs in a row must still be written whole.
cat > norandom.c <<'EOC'
#include <errno.h>
#include <sys/types.h>
ssize_t getrandom(void *b, size_t n, unsigned f) { (void)b; (void)n; (void)f; errno = ENOSYS; return -1; }
EOC
if cc -shared -fPIC -o norandom.so norandom.c 2> /dev/null; then
	mkdir norandom
	LD_PRELOAD=$work/norandom.so "$insmod" -n -O norandom/a.blob $ksyms prop.ko 2> err &&
		LD_PRELOAD=$work/norandom.so "$insmod" -n -O norandom/b.blob $ksyms prop.ko 2>> err
	echo $? > status
	check "-O without getrandom(): both blobs written, nothing else left" \
		sh -c 'grep -qx 0 status && cmp -s ref.blob norandom/a.blob && cmp -s ref.blob norandom/b.blob &&
		       test "$(ls -A norandom | wc -l)" -eq 2'
else
	fail "cannot build the preload library for the getrandom() check"
fi
(umask 022 && "$insmod" -n -O mode.blob $ksyms prop.ko 2> /dev/null)
check "-O's new file has mode 0644 under umask 022" test "$(stat -c %a mode.blob)" = 644
rm -f mode.blob
(umask 077 && "$insmod" -n -O mode.blob $ksyms prop.ko 2> /dev/null)
check "-O's new file has mode 0600 under umask 077" test "$(stat -c %a mode.blob)" = 600
check "-O leaves no temporary file behind" sh -c '! ls -A | grep -q "^\.mode\.blob\."'
run -n -O nosuchdir/x.blob $ksyms prop.ko
check "-O in a directory that does not exist says so" grep -q "its directory does not exist" err

# ---- the module file -------------------------------------------------------
mkfifo modfifo
timeout 10 "$insmod" -n $ksyms ./modfifo > out 2> err
echo $? > status
check "a named pipe given as the module: refused at once (status 1, not a hang)" grep -qx 1 status
check "... saying what it is" grep -q "not a regular file (a named pipe)" err

# The module is read once: a file truncated while insmod uses it must not
# kill it (SIGBUS through a mapping), nor reach the image half-changed.  A
# preloaded library truncates victim.ko as soon as insmod maps or reads it.
pad='	.section .init.rodata,"a"
	.zero 200000
	.text'
module victim GPL "	ret
$pad"
if cc -shared -fPIC -o trunc.so "$top/tests/cli/fixtures/truncate-on-read.c" -ldl 2> /dev/null; then
	TRUNCATE_NAME=victim.ko TRUNCATE_SIZE=4096 LD_PRELOAD=$work/trunc.so "$insmod" -n -O victim.blob $ksyms ./victim.ko > out 2> err
	echo $? > status
	check "a module truncated while it is read: status 1, no crash (status $(cat status))" grep -qx 1 status
	check "... saying it changed" grep -q "changed size while it was read" err
	check "... and no blob" test ! -e victim.blob
else
	fail "cannot build the preload library for the truncation check"
fi
exit 0
