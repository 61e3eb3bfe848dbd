#!/bin/sh
# The oracle over a whole package: every module of ARCH, then a count.
#   full.sh amd64|i386|arm64      (prints PASS/FAIL/SKIP lines, then the tally)
set -u
here=$(cd "$(dirname "$0")" && pwd)
arch=$1
dir=$(sh "$here/fetch.sh" "$arch") || exit 1
out=${TMPDIR:-/tmp}/oracle-full.$$
find -L "$dir/modules" -name '*.ko' | sort | xargs sh "$here/compare.sh" "$arch" "$dir" | tee "$out"
echo "$arch: $(grep -c '^PASS' "$out") of $(grep -c '' "$out") modules identical to GNU ld," \
     "$(grep -c '^FAIL' "$out") differ, $(grep -c '^SKIP' "$out") skipped (GNU ld could not link them)"
differ=$(grep -c '^FAIL' "$out")
rm -f "$out"
# a module that differs from GNU ld, or could not be compared, fails the run
[ "$differ" -eq 0 ]
