# Sourced by the fuzzing scripts: libFuzzer options per target.
#   -close_fd_mask=3   the targets log every message to the terminal (so
#                      that its arguments are formatted and checked); keep
#                      it out of the output.  Sanitizer reports still show.
#   -timeout=10        an input that takes ten seconds is a hang
#   -handle_xfsz=0     fuzz-link limits the size of the files it writes and
#                      ignores SIGXFSZ (a write past it fails with EFBIG)
#   -malloc_limit_mb   a module may legitimately ask for a large image; the
#                      code under test must then fail cleanly, which
#                      allocator_may_return_null lets it do
# fuzz-link writes a blob per input and fuzz-search builds a tree per
# input, under $TMPDIR: a memory file system (/dev/shm), where there is
# one, halves their time.
if [ -z "${TMPDIR:-}" ] && [ -d /dev/shm ] && [ -w /dev/shm ]; then
	export TMPDIR=/dev/shm
fi
# No index of symbol files (src/link/ksyms-index.c) written or read: an
# input's run must not depend on the runs before it.
export INSMOD_CACHE_DIR=
export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=1:allocator_may_return_null=1"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:+$UBSAN_OPTIONS:}print_stacktrace=1:halt_on_error=1"
fuzz_options() {	# fuzz_options TARGET
	printf '%s ' -close_fd_mask=3 -timeout=10 -rss_limit_mb=3072 -malloc_limit_mb=3072 -handle_xfsz=0
	case $1 in
	elf|link) printf '%s ' -dict=fuzz/elf.dict -max_len=20000 ;;
	decompress) printf '%s ' -max_len=20000 ;;
	*) [ -f "fuzz/$1.dict" ] && printf '%s ' "-dict=fuzz/$1.dict"
	   printf '%s ' -max_len=4096 ;;
	esac
}

# The budget of each target in `make check`: executions that take about
# 20 s on the 2-core machine this was written on (their speeds differ
# tenfold: fuzz-search builds a directory tree per input).
check_runs() {	# check_runs TARGET
	case $1 in
	elf) echo 600000 ;;
	link) echo 60000 ;;
	ksyms) echo 150000 ;;
	params) echo 100000 ;;
	decompress) echo 2000 ;;
	search) echo 150000 ;;
	*) echo 50000 ;;
	esac
}

# The order run-check.sh deals the targets out to its lanes in: slowest
# first (about 40 s each here: link, ksyms; 30 s: elf, search, params;
# 15 s: decompress).  A target not named goes last.
check_order() {
	echo link ksyms elf search params decompress
}

# Functions each target's seeds must reach (run-check.sh looks for them in
# libFuzzer's -print_coverage=1 list of the replay): what the seeds are
# there for.  Only functions that keep their own code in the fuzz build
# (-O1 inlines small static ones) can be named.
#   link: the two lanes (helper_lane), --batch's shared kernel
#   (link_kernel_read), the after-load map (link_loaded_addresses), arm64's
#   PLTs (make_plt_section), the blob writer (link_blob_commit), the 2.4
#   linker (mod24_link)
#   ksyms: the index of a symbol file written (ksyms_index_write, save)
#   and read back (ksyms_index_read)
#   decompress: a compressed file read as a module, then decompressed,
#   into a buffer sized from the size it declares (outbuf_start; xz's
#   index read by xz_index_integer) and grown
reach_funcs() {	# reach_funcs TARGET
	case $1 in
	link) echo helper_lane link_kernel_read link_loaded_addresses make_plt_section link_blob_commit mod24_link ;;
	ksyms) echo ksyms_index_write save ksyms_index_read ;;
	decompress) echo module_file_read decompress outbuf_start xz_index_integer outbuf_grow ;;
	esac
}
