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
