#!/bin/sh
# The representative sample of one package for "make check": every module
# under 100 KB in a few subsystems, and the ten largest.  sample.sh DIR
dir=$1
for s in crypto lib fs/nls sound/core drivers/i2c; do
	find -L "$dir/modules/$s" -name '*.ko' -size -100k 2>/dev/null | sort
done
find -L "$dir/modules" -name '*.ko' -printf '%s %p\n' | sort -n | tail -10 | cut -d' ' -f2-
