#!/bin/sh
# Prints the path of an llvm-symbolizer, the program through which the
# sanitizers name functions (fuzz/run-check.sh reads the functions a
# target's seeds cover): the one in PATH, else Debian's versioned one.
# Status 1 when there is none (Debian 12: apt-get install llvm).
for s in "$(command -v llvm-symbolizer)" /usr/lib/llvm-*/bin/llvm-symbolizer; do
	if [ -n "$s" ] && [ -x "$s" ]; then
		echo "$s"
		exit 0
	fi
done
exit 1
