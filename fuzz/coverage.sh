#!/bin/sh
# `make fuzz-coverage`: which of the code the fuzz targets are there for
# their inputs reach, line by line (clang's source coverage; libFuzzer's
# own -print_coverage=1 names only functions that keep their own code, and
# -O1 inlines the small static ones).  Builds the targets once more in
# build/fuzz-cov with -fprofile-instr-generate -fcoverage-mapping, replays
# each target's seeds and regressions, plus its corpus from `make fuzz`
# (build/fuzz/corpus/TARGET) when there is one, and prints, for each
# function of interest, the share of its regions run (0% = never reached).
#   sh fuzz/coverage.sh [TARGET...]     (default: link decompress)
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
. fuzz/options.sh
C=build/fuzz-cov
: "${LLVM_COV:=llvm-cov}" "${LLVM_PROFDATA:=llvm-profdata}"
[ $# -gt 0 ] || set -- link decompress

# The functions each target is there to reach, by file.
interest() {	# interest TARGET: lines "FILE FUNCTION..."
	case $1 in
	link) cat <<-EOF
	src/link/link.c two_lanes helper_lane link_kernel_read
	src/link/blob.c open_stream open_writer commit_stream create_temp link_blob_commit
	src/link/layout.c link_loaded_addresses read_address percpu_base
	src/link/arch/aarch64.c count_plts emit_plt write_plt_entry branch26
	EOF
	;;
	decompress) cat <<-EOF
	src/load/file.c module_file_open module_file_read inflate_gzip inflate_xz inflate_zstd outbuf_grow
	EOF
	;;
	esac
}

# the fuzz build's flags (fuzz.mk passes them) and the coverage ones
flags="${FUZZ_COV_FLAGS:--O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined -fno-sanitize-recover=all}"
flags="$flags -fprofile-instr-generate -fcoverage-mapping"
targets=
for t; do targets="$targets $C/fuzz-$t"; done
# shellcheck disable=SC2086
make -s FUZZ_BUILD=$C FUZZ_SANFLAGS="$flags" $targets > /dev/null
for t; do
	dirs=
	for d in "fuzz/seeds/$t" "fuzz/regressions/$t" "build/fuzz/corpus/$t"; do
		[ -d "$d" ] && dirs="$dirs $d"
	done
	rm -f "$C/$t.profraw"
	# shellcheck disable=SC2086
	LLVM_PROFILE_FILE="$C/$t.profraw" "$C/fuzz-$t" $(fuzz_options "$t") -runs=0 $dirs > "$C/$t.log" 2>&1 ||
		echo "fuzz-$t: the replay failed (log $C/$t.log)"
	"$LLVM_PROFDATA" merge -o "$C/$t.profdata" "$C/$t.profraw"
	# shellcheck disable=SC2086
	echo "== fuzz-$t on$dirs: regions run, per function"
	interest "$t" | while read -r file fns; do
		"$LLVM_COV" report -show-functions "$C/fuzz-$t" -instr-profile="$C/$t.profdata" "$file" 2>/dev/null |
		awk -v fns=" $fns " -v file="$file" '
			{ n = $1; sub(/^.*:/, "", n) }
			index(fns, " " n " ") && $2 ~ /^[0-9]+$/ {
				printf "  %-28s %-24s %4d/%-4d regions  %s\n", file, n, $2 - $3, $2, $4 }'
	done
done
