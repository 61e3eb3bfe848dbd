#!/bin/sh
# The index of a large kernel symbol file (src/link/ksyms-index.c): written
# by the first run that reads the file, used by the next ones, and never
# changing an answer.  Each run's blob and messages are compared with a run
# that uses no index (INSMOD_CACHE_DIR empty).  A changed file, a damaged
# or foreign index, lines too long for it: the file is read whole, and the
# answer is still the same.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/tests/cli/fixtures/linker.sh"	# into a scratch directory of its own

module good GPL '	call printk@PLT
	call gpl_only@PLT'
module odd GPL '	call not_exported@PLT
	call nowhere@PLT'

# The made-up kernel's symbols among 40,000 others, past the 1 MiB from
# which a file gets an index; names that share the wanted ones' hashes'
# buckets come along in any file this size.
awk 'BEGIN { for (i = 0; i < 40000; i++) printf "ffffffff8%07x T filler_symbol_%d\n", i * 16, i }' > big.kallsyms
cat kallsyms >> big.kallsyms
awk 'BEGIN { for (i = 0; i < 20000; i++) printf "0x%08x\tfiller_symbol_%d\tvmlinux\tEXPORT_SYMBOL\t\n", i, i }' > big.symvers
cat Module.symvers >> big.symvers
big="--kernel-symbols=big.kallsyms --kernel-symbols=big.symvers --kernel-release=6.1.0-t"
{ printf 'ffffffff80000000 T %05000d\n' 0; cat big.kallsyms; } > long.kallsyms
mkdir cache

# Files changed in the last 2 seconds get no index yet (their times could
# repeat: see ksyms-index.c).
INSMOD_CACHE_DIR=$PWD/cache "$insmod" -v -n $big good.ko > /dev/null 2> err
check "files just written: not indexed yet, said with -v" \
	sh -c '[ -z "$(ls cache)" ] && grep -q "big.kallsyms: changed in the last 2 seconds; not indexed yet" err'
sleep 2

# both MODULE WHAT: runs -n -O with the index and without; the two blobs
# and the two stderrs must be the same (the "read through its index" lines
# of -v aside).
both() {
	rm -f with.blob without.blob
	INSMOD_CACHE_DIR=$PWD/cache "$insmod" -v -n -O with.blob $big "$1" > /dev/null 2> with.err
	echo $? > with.status
	INSMOD_CACHE_DIR= "$insmod" -v -n -O without.blob $big "$1" > /dev/null 2> without.err
	echo $? > without.status
	grep -v "through its index" with.err > with.msgs
	check "$2: the same status, messages and blob with the index as without" \
		sh -c 'cmp -s with.status without.status && cmp -s with.msgs without.err &&
		       { [ ! -e without.blob ] || cmp -s with.blob without.blob; }'
}

both good.ko "the first run"
cp with.blob first.blob
check "... writes an index for each file, mode 0600" \
	sh -c '[ $(ls cache | grep -c "^ksyms-.*\.idx$") = 2 ] && [ -z "$(find cache -type f ! -perm 0600)" ]'
check "... and reads neither through one" sh -c '! grep -q "through its index" with.err'
both good.ko "the second run"
check "... reads both files through their indexes" \
	sh -c 'grep -q "big.kallsyms: [0-9]* lines read through its index" with.err &&
	       grep -q "big.symvers: [0-9]* lines read through its index" with.err'
grep -q '^0$' with.status && pass "... and links (status 0)" || fail "... and links (status 0)"
both odd.ko "a symbol that is not exported and one nowhere (status 1)"
check "... the same complaints, through the indexes" sh -c 'grep -qx 1 with.status && grep -q not_exported with.err && grep -q nowhere with.err && grep -q "through its index" with.err'

# A file that changed: its index no longer matches (size, times), the file
# is read whole, and the index written again.
sed -i 's/^ffffffff81000000 T printk$/ffffffff81000100 T printk/' big.kallsyms
both good.ko "printk moved in big.kallsyms"
check "... the stale index is not used for it" sh -c '! grep -q "big.kallsyms: .* through its index" with.err'
sleep 2
both good.ko "2 seconds later"
check "... the index is written again" sh -c '! grep -q "big.kallsyms: .* through its index" with.err'
check "... and the blob differs from the first run's (the new address)" \
	sh -c '[ -s with.blob ] && [ -s first.blob ] && ! cmp -s with.blob first.blob'
both good.ko "the run after"
check "... uses the index written again" grep -q "big.kallsyms: [0-9]* lines read through its index" with.err
check "... which took the old one's place (two indexes in all)" sh -c '[ $(ls cache | wc -l) = 2 ]'

# Damaged indexes: cut short, bytes changed anywhere.  Never a crash;
# one whose checks catch the damage is not used.  (Damage that keeps the
# index consistent can hide lines: see ksyms-index.c.  Compared on the
# exit status only.)
mkdir saved
cp cache/*.idx saved/
for f in cache/*.idx; do head -c 1000 saved/${f#cache/} > "$f"; done
both good.ko "indexes cut short"
check "... are not used, and written again" \
	sh -c '! grep -q "through its index" with.err && for f in saved/*; do cmp -s "$f" "cache/${f#saved/}" || exit 1; done'
python3 - "$insmod" $big <<'EOS' > random.out
import os, random, subprocess, sys
saved = {f: open("saved/" + f, "rb").read() for f in os.listdir("saved")}
bad = 0
for seed in range(30):
    rng = random.Random(seed)
    for name, data in saved.items():
        data = bytearray(data)
        for _ in range(rng.randint(1, 8)):
            at = rng.randrange(len(data)) if rng.random() < 0.7 else rng.randrange(88)
            data[at] = rng.randrange(256)
        with open("cache/" + name, "wb") as f:
            f.write(data)
        os.chmod("cache/" + name, 0o600)
    r = subprocess.run([sys.argv[1], "-n", "-O", "rnd.blob"] + sys.argv[2:] + ["good.ko"],
                       env=dict(os.environ, INSMOD_CACHE_DIR=os.getcwd() + "/cache"),
                       stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    # a sanitizer's report exits 1 too
    bad += r.returncode not in (0, 1) or b"Sanitizer" in r.stderr or b"runtime error" in r.stderr
print(bad)
EOS
check "30 runs with random bytes changed in both indexes: each exits 0 or 1 (no crash, no sanitizer report)" \
	grep -qx 0 random.out

restore() { rm -f cache/*.idx; cp saved/* cache/; chmod 600 cache/*.idx; }
restore
chmod 620 cache/*.idx
both good.ko "indexes others may write"
check "... are not used" sh -c '! grep -q "through its index" with.err'
restore
if [ "$(id -u)" -eq 0 ] && chown 65534 cache/*.idx 2> /dev/null; then
	both good.ko "indexes owned by another user"
	check "... are not used" sh -c '! grep -q "through its index" with.err'
else
	echo "SKIP: an index owned by another user needs root to make one"
fi

# What gets no index: a file under 1 MiB, lines too long to read back
# one at a time, no cache.
rm -rf cache && mkdir cache
INSMOD_CACHE_DIR=$PWD/cache "$insmod" -n $syms good.ko 2> /dev/null
check "the small made-up kallsyms gets no index" sh -c '[ -z "$(ls cache)" ]'
INSMOD_CACHE_DIR=$PWD/cache "$insmod" -n --kernel-symbols=long.kallsyms --kernel-symbols=big.symvers \
	--kernel-release=6.1.0-t good.ko 2> /dev/null
check "a kallsyms with a 5,000-byte line gets no index (its Module.symvers does)" \
	sh -c '[ $(ls cache | wc -l) = 1 ]'
rm -rf cache && mkdir cache
module many GPL "$(i=0; while [ $i -lt 65 ]; do printf '\tcall filler_symbol_%d@PLT\n' $i; i=$((i + 1)); done)"
INSMOD_CACHE_DIR=$PWD/cache "$insmod" -n $big many.ko 2> /dev/null
check "a module importing 65 names (more than an index serves faster) writes no index" \
	sh -c '[ -z "$(ls cache)" ]'
INSMOD_CACHE_DIR= "$insmod" -n $big good.ko 2> /dev/null
check "INSMOD_CACHE_DIR empty: no index anywhere" sh -c '[ -z "$(ls cache)" ]'
mkdir home
env -u INSMOD_CACHE_DIR HOME="$PWD/home" XDG_CACHE_HOME= "$insmod" -n $big good.ko 2> /dev/null
check "no INSMOD_CACHE_DIR: the index goes to ~/.cache/insmod" \
	sh -c '[ $(ls home/.cache/insmod | grep -c "\.idx$") = 2 ]'
if [ "$(id -u)" -eq 0 ] && mkdir theirs && chown 65534 theirs; then
	env -u INSMOD_CACHE_DIR HOME="$PWD/theirs" XDG_CACHE_HOME= "$insmod" -n $big good.ko 2> /dev/null
	check "a HOME that is another user's (sudo kept it): no index written there" \
		sh -c '[ -z "$(ls -A theirs)" ]'
else
	echo "SKIP: a HOME owned by another user needs root to make one"
fi
exit 0
