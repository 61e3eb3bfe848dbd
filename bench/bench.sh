#!/bin/bash
# The module linker against GNU ld (ld.bfd) and ld.lld performing the same
# link: the module's sections at the addresses of insmod's map, the kernel
# symbols of the same fixed symbol file, one output file each (insmod: the
# -O blob; the linkers: an ELF file holding the same bytes).  Not a test.
#
#   bash bench/bench.sh [--all] [RUNS]
#
# The insmod measured is the static build of bench/static.sh (INSMOD names
# another).  After the table, a spread of the package's modules by size
# (SPREAD of them, default 16): each one's median time and peak memory for
# the three, written to build/bench/spread.dat and plotted with gnuplot to
# bench/spread.svg (shown in bench/README.md).
#
# For amdgpu.ko, xfs.ko, a mid-sized and a small module of Debian's amd64
# package: median wall time of RUNS runs (default 7) of each, the ratios,
# and each one's peak memory (maximum resident set) beside the module's
# size, also less the peak of a run that links nothing (insmod --version):
# below about 1 MB a module is smaller than the process around it.  --all
# adds one run of each over the whole package (4,000 modules): one process
# per module for every linker, and insmod --batch, which links many
# modules in one process (no general-purpose linker has such a mode).
# Output files go to a tmpfs when /dev/shm exists, so that the page cache
# of a disk does not dominate.  The packages come from tests/oracle/fetch.sh.
#
# The linkers are given the kernel symbols in a linker script, as
# assignments.  The main rows give them only the module's own undefined
# symbols, picked out beforehand and not timed, while insmod reads the
# whole symbol files in its timed run: that favours the linkers.  A second
# line per module gives them the whole table (every line of the same
# kallsyms file), the input insmod reads.
#
# insmod keeps an index of each large symbol file between runs
# (src/link/ksyms-index.c), here in a directory of the benchmark's own: the
# first, untimed run of each module writes it, the timed runs use it.  A
# line per module gives insmod's figures without it (every run reads the
# whole files) and the time of the run that writes it.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
all=
[ "${1:-}" = --all ] && { all=1; shift; }
runs=${1:-7}
insmod=${INSMOD:-$(sh "$top/bench/static.sh")}
echo "insmod: $insmod"
prep=$top/build/oracle/oracle-prep
mkdir -p "$top/build/oracle"
[ -x "$prep" ] && [ "$prep" -nt "$top/tests/oracle/oracle-prep.c" ] || cc -O2 -o "$prep" "$top/tests/oracle/oracle-prep.c"
dir=$(sh "$top/tests/oracle/fetch.sh" amd64)
syms=$dir/kallsyms
[ -s "$syms" ] || sh "$top/tests/oracle/mksyms.sh" amd64 "$dir/Module.symvers" > "$syms"
release=$(cat "$dir/release")
base=0xffffffffc0200000
out=/dev/shm
[ -d "$out" ] && [ -w "$out" ] || out=${TMPDIR:-/tmp}
work=$(mktemp -d "$out/bench.XXXXXX")
trap 'rm -rf "$work"' EXIT
export INSMOD_CACHE_DIR=$work/index
mkdir "$INSMOD_CACHE_DIR"
have_lld=; command -v ld.lld > /dev/null && have_lld=1

now() { date +%s%N; }

ours() {	# ours MODULE OUTPUT
	"$insmod" -n -O "$2" --kernel-symbols="$syms" --kernel-symbols="$dir/Module.symvers" \
		--kernel-release="$release" --base=$base "$1"
}

# The linker script and renamed object for one module (not timed); with
# "all", also the scripts that define the whole symbol table.
prepare() {	# prepare MODULE TAG [all]
	ours "$1" "$work/$2.bin" > /dev/null 2>&1
	"$insmod" -n -m --kernel-symbols="$syms" --kernel-symbols="$dir/Module.symvers" \
		--kernel-release="$release" --base=$base "$1" > "$work/$2.map" 2> /dev/null
	"$prep" "$1" "$work/$2.map" "$work/$2.o" "$work/$2.ld"
	nm -u "$1" | awk '{ print $NF }' | sort -u > "$work/$2.undef"
	awk 'NR == FNR { want[$1] = 1; next }
	     NF >= 3 && ($3 in want) && !($3 in done) { printf "\"%s\" = 0x%s;\n", $3, $1; done[$3] = 1 }' \
		"$work/$2.undef" "$syms" > "$work/$2.syms"
	[ -n "${3:-}" ] && cat "$work/$2.ld" "$work/all.syms" > "$work/$2.all.ld"
	cat "$work/$2.syms" >> "$work/$2.ld"
	# ld.lld will not discard its own .shstrtab with *(*): name what to drop
	sed 's| \*(\*) }| *(.comment) *(.note.GNU-stack) }|' \
		"$work/$2.ld" > "$work/$2.lld"
	[ -z "${3:-}" ] || sed 's| \*(\*) }| *(.comment) *(.note.GNU-stack) }|' \
		"$work/$2.all.ld" > "$work/$2.all.lld"
}

# Every symbol of the kallsyms file, once each, for the whole-table runs.
awk 'NF >= 3 && !($3 in done) { printf "\"%s\" = 0x%s;\n", $3, $1; done[$3] = 1 }' "$syms" > "$work/all.syms"

bfd() { ld.bfd -o "$2" -T "$work/$1.ld" --no-relax -e 0 "$work/$1.o" 2> /dev/null; }
lld() { ld.lld -o "$2" -T "$work/$1.lld" -e 0 "$work/$1.o" 2> /dev/null; }
bfd_all() { ld.bfd -o "$2" -T "$work/$1.all.ld" --no-relax -e 0 "$work/$1.o" 2> /dev/null; }
lld_all() { ld.lld -o "$2" -T "$work/$1.all.lld" -e 0 "$work/$1.o" 2> /dev/null; }

median() { sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }

# time_runs N COMMAND...: median wall time in microseconds.  The clock is
# bash's $EPOCHREALTIME, read without starting a process: timing with
# $(date) put a fork and an exec of date inside every measurement, about
# 1 ms, which is a quarter of a small module's whole link.
time_runs() {
	local n=$1 i t0 t1
	shift
	for ((i = 0; i < n; i++)); do
		t0=$EPOCHREALTIME; "$@" > /dev/null 2>&1 || true; t1=$EPOCHREALTIME
		echo "$t0 $t1"
	done | awk '{ printf "%d\n", ($2 - $1) * 1000000 }' | median
}

# cpu_runs N COMMAND...: median CPU time (task-clock, ms) when perf is
# there, else "-": steadier than wall time on a shared machine
cpu_runs() {
	n=$1; shift
	command -v perf > /dev/null || { echo -; return; }
	i=0
	while [ $i -lt "$n" ]; do
		perf stat -x, -e task-clock -- "$@" 2>&1 > /dev/null | awk -F, '/task-clock/ { print $1 }'
		i=$((i + 1))
	done | median
}

peak() { /usr/bin/time -f %M "$@" 2>&1 > /dev/null | tail -1; }

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a > 0) printf "%.1f", b / a; else print "-" }'; }

# what the process itself takes (program, C library, stack): insmod --version
m_idle=$(peak "$insmod" --version)
t_idle=$(time_runs "$runs" "$insmod" --version)
c_idle=$(cpu_runs "$runs" "$insmod" --version)
echo "a run that links nothing (insmod --version): wall $(awk -v t="$t_idle" 'BEGIN { printf "%.2f", t / 1000 }') ms, CPU $c_idle ms, peak $(awk -v k="$m_idle" 'BEGIN { printf "%.1f", k / 1024 }') MB"
mods="drivers/gpu/drm/amd/amdgpu/amdgpu.ko fs/xfs/xfs.ko drivers/net/ethernet/intel/e1000e/e1000e.ko drivers/net/dummy.ko"
printf '%-12s %9s %11s %11s %11s %7s %7s %10s %10s %10s\n' module size "insmod(ms)" "ld.bfd(ms)" "ld.lld(ms)" "x bfd" "x lld" "insmod MB" "bfd MB" "lld MB"
for m in $mods; do
	ko=$dir/modules/$m
	tag=$(basename "$m" .ko)
	prepare "$ko" "$tag" all
	t_ours=$(time_runs "$runs" ours "$ko" "$work/out.bin")
	t_bfd=$(time_runs "$runs" bfd "$tag" "$work/out.elf")
	t_lld=-; m_lld=-
	if [ -n "$have_lld" ] && lld "$tag" "$work/out.elf"; then
		t_lld=$(time_runs "$runs" lld "$tag" "$work/out.elf")
		m_lld=$(peak ld.lld -o "$work/out.elf" -T "$work/$tag.lld" -e 0 "$work/$tag.o")
	fi
	m_ours=$(peak "$insmod" -n -O "$work/out.bin" --kernel-symbols="$syms" --kernel-symbols="$dir/Module.symvers" \
		--kernel-release="$release" --base=$base "$ko")
	m_bfd=$(peak ld.bfd -o "$work/out.elf" -T "$work/$tag.ld" --no-relax -e 0 "$work/$tag.o")
	c_ours=$(cpu_runs "$runs" "$insmod" -n -O "$work/out.bin" --kernel-symbols="$syms" \
		--kernel-symbols="$dir/Module.symvers" --kernel-release="$release" --base=$base "$ko")
	c_bfd=$(cpu_runs "$runs" ld.bfd -o "$work/out.elf" -T "$work/$tag.ld" --no-relax -e 0 "$work/$tag.o")
	c_lld=$( [ "$t_lld" = - ] && echo - || cpu_runs "$runs" ld.lld -o "$work/out.elf" -T "$work/$tag.lld" -e 0 "$work/$tag.o")
	best=$t_bfd
	[ "$t_lld" != - ] && [ "$t_lld" -lt "$best" ] && best=$t_lld
	printf '%-12s %8sK %11s %11s %11s %7s %7s %10s %10s %10s\n' "$tag" $(($(stat -c %s "$ko") / 1024)) \
		"$(awk -v t="$t_ours" 'BEGIN { printf "%.2f", t / 1000 }')" \
		"$(awk -v t="$t_bfd" 'BEGIN { printf "%.2f", t / 1000 }')" \
		"$(awk -v t="$t_lld" 'BEGIN { if (t == "-") print "-"; else printf "%.2f", t / 1000 }')" \
		"$(ratio "$t_ours" "$t_bfd")" "$( [ "$t_lld" = - ] && echo - || ratio "$t_ours" "$t_lld")" \
		"$(awk -v k="$m_ours" 'BEGIN { printf "%.1f", k / 1024 }')" \
		"$(awk -v k="$m_bfd" 'BEGIN { printf "%.1f", k / 1024 }')" \
		"$(awk -v k="$m_lld" 'BEGIN { if (k == "-") print "-"; else printf "%.1f", k / 1024 }')"
	echo "  $tag: CPU time (ms): insmod $c_ours, ld.bfd $c_bfd, ld.lld $c_lld;" \
	     "insmod $(ratio "$c_ours" "$c_bfd")x faster than ld.bfd, $(ratio "$c_ours" "$c_lld")x than ld.lld (CPU)"
	t_noidx=$(INSMOD_CACHE_DIR= time_runs "$runs" ours "$ko" "$work/out.bin")
	c_noidx=$(INSMOD_CACHE_DIR= cpu_runs "$runs" "$insmod" -n -O "$work/out.bin" --kernel-symbols="$syms" \
		--kernel-symbols="$dir/Module.symvers" --kernel-release="$release" --base=$base "$ko")
	rm -f "$INSMOD_CACHE_DIR"/*
	t_first=$(time_runs 1 ours "$ko" "$work/out.bin")
	if [ -n "$(ls "$INSMOD_CACHE_DIR")" ]; then
		first="the run that writes the index: $(awk -v t="$t_first" 'BEGIN { printf "%.2f", t / 1000 }') ms"
	else
		first="no index for a module of over 64 imports: every run reads the whole files"
	fi
	echo "  $tag: without the symbol files' index: wall $(awk -v t="$t_noidx" 'BEGIN { printf "%.2f", t / 1000 }') ms" \
	     "($(ratio "$t_noidx" "$t_bfd")x ld.bfd), CPU $c_noidx ms ($(ratio "$c_noidx" "$c_bfd")x); $first"
	t_bfd_all=$(time_runs "$runs" bfd_all "$tag" "$work/out.elf")
	t_lld_all=-
	best_all=$t_bfd_all
	if [ -n "$have_lld" ] && lld_all "$tag" "$work/out.elf"; then
		t_lld_all=$(time_runs "$runs" lld_all "$tag" "$work/out.elf")
		[ "$t_lld_all" -lt "$best_all" ] && best_all=$t_lld_all
	fi
	echo "  $tag: the linkers given the whole symbol table ($(wc -l < "$work/all.syms") symbols), as insmod reads it:" \
	     "ld.bfd $(awk -v t="$t_bfd_all" 'BEGIN { printf "%.2f", t / 1000 }') ms," \
	     "ld.lld $(awk -v t="$t_lld_all" 'BEGIN { if (t == "-") print "-"; else printf "%.2f", t / 1000 }') ms;" \
	     "insmod is $(ratio "$t_ours" "$best_all")x faster than the faster"
	echo "  $tag: insmod is $(ratio "$t_ours" "$best")x faster than the faster linker; peak memory $(awk -v k="$m_ours" -v s="$(stat -c %s "$ko")" 'BEGIN { printf "%.2f", k * 1024 / s }')x the module's size," \
	     "$(awk -v k="$m_ours" -v b="$m_idle" -v s="$(stat -c %s "$ko")" 'BEGIN { printf "%.2f", (k - b) * 1024 / s }')x beyond the $(awk -v b="$m_idle" 'BEGIN { printf "%.1f", b / 1024 }') MB of a run that links nothing"
	rm -f "$work/$tag".*
done

# ---- time and peak memory against module size, over a spread of modules
spread=${SPREAD:-16}
find -L "$dir/modules" -name '*.ko' -printf '%s %p\n' | sort -n > "$work/sizes"
seen=
# CPU time (perf) when perf is there: on a shared machine, wall time
# measures the neighbours as much as the linkers
if command -v perf > /dev/null; then
	spread_time() { cpu_runs "$runs" "$@" | awk '{ printf "%d", $1 * 1000 }'; }; what='CPU time (ms)'
else
	spread_time() { time_runs "$runs" "$@"; }; what='wall time (ms)'
fi
mkdir -p "$top/build/bench"
dat=$top/build/bench/spread.dat
echo "# size_bytes insmod_ms bfd_ms lld_ms insmod_MB bfd_MB lld_MB module" > "$dat"
i=0
while [ $i -lt "$spread" ]; do
	# sizes evenly spaced on a log scale, from the smallest to amdgpu.ko
	line=$(awk -v i=$i -v n="$spread" 'NR == 1 { lo = $1 } { s[NR] = $0; z[NR] = $1 }
		END { hi = z[NR]; t = lo * exp(log(hi / lo) * i / (n - 1))
		      for (k = 1; k <= NR; k++) if (z[k] >= t * 0.999) { print s[k]; exit } }' "$work/sizes")
	i=$((i + 1))
	case " $seen " in *" ${line#* } "*) continue ;; esac
	seen="$seen ${line#* }"
	size=${line%% *}; ko=${line#* }
	prepare "$ko" s 2> /dev/null || continue
	t_o=$(spread_time "$insmod" -n -O "$work/out.bin" --kernel-symbols="$syms" --kernel-symbols="$dir/Module.symvers" \
		--kernel-release="$release" --base=$base "$ko")
	t_b=$(spread_time ld.bfd -o "$work/out.elf" -T "$work/s.ld" --no-relax -e 0 "$work/s.o")
	t_l=NaN; m_l=NaN
	if [ -n "$have_lld" ] && lld s "$work/out.elf"; then
		t_l=$(spread_time ld.lld -o "$work/out.elf" -T "$work/s.lld" -e 0 "$work/s.o")
		m_l=$(peak ld.lld -o "$work/out.elf" -T "$work/s.lld" -e 0 "$work/s.o")
	fi
	m_o=$(peak "$insmod" -n -O "$work/out.bin" --kernel-symbols="$syms" --kernel-symbols="$dir/Module.symvers" \
		--kernel-release="$release" --base=$base "$ko")
	m_b=$(peak ld.bfd -o "$work/out.elf" -T "$work/s.ld" --no-relax -e 0 "$work/s.o")
	awk -v s="$size" -v o="$t_o" -v b="$t_b" -v l="$t_l" -v mo="$m_o" -v mb="$m_b" -v ml="$m_l" -v m="$(basename "$ko")" \
		'BEGIN { printf "%d %.3f %.3f %s %.1f %.1f %s %s\n", s, o / 1000, b / 1000, l == "NaN" ? l : sprintf("%.3f", l / 1000),
			 mo / 1024, mb / 1024, ml == "NaN" ? ml : sprintf("%.1f", ml / 1024), m }' >> "$dat"
	rm -f "$work"/s.*
done
echo "spread of $spread modules by size: $dat"
if command -v gnuplot > /dev/null; then
	gnuplot <<EOG && echo "plot: $top/bench/spread.svg"
set terminal svg size 960,420 dynamic font 'sans,11' background rgb 'white'
set output '$top/bench/spread.svg'
set multiplot layout 1,2 title 'Linking one module of Debian 6.1 (amd64) against the kernel symbols, $(date -u +%Y-%m-%d), median of $runs'
set logscale xy
set xlabel 'module size (KiB)'
set key top left
set grid
set ylabel '$what'
plot '$dat' using (\$1/1024):2 with linespoints title 'insmod -n -O', '' using (\$1/1024):3 with linespoints title 'ld.bfd', '' using (\$1/1024):4 with linespoints title 'ld.lld'
set ylabel 'peak memory (MB)'
plot '$dat' using (\$1/1024):5 with linespoints title 'insmod -n -O', '' using (\$1/1024):6 with linespoints title 'ld.bfd', '' using (\$1/1024):7 with linespoints title 'ld.lld'
unset multiplot
EOG
else
	echo "no gnuplot: no plot (apt-get install gnuplot-nox)"
fi

if [ -n "$all" ]; then
	echo "whole package: preparing every module (not timed)..."
	find -L "$dir/modules" -name '*.ko' | sort > "$work/list"
	i=0
	while read -r ko; do
		i=$((i + 1)); prepare "$ko" "m$i" 2> /dev/null || true
	done < "$work/list"
	n=$i
	# each linker over the package, wall time and (with perf) CPU time
	cat > "$work/ours.sh" <<EOS
while read -r ko; do "$insmod" -n -O "$work/out.bin" --kernel-symbols="$syms" --kernel-symbols="$dir/Module.symvers" --kernel-release="$release" --base=$base "\$ko" > /dev/null 2>&1; done < "$work/list"
EOS
	# the same links in one process per xargs batch: insmod --batch
	cat > "$work/batch.sh" <<EOS
rm -rf "$work/blobs"; mkdir "$work/blobs"
xargs "$insmod" --batch -n -O "$work/blobs" --kernel-symbols="$syms" --kernel-symbols="$dir/Module.symvers" --kernel-release="$release" --base=$base < "$work/list" > /dev/null 2>&1
EOS
	cat > "$work/bfd.sh" <<EOS
i=0; while [ \$i -lt $n ]; do i=\$((i + 1)); ld.bfd -o "$work/out.elf" -T "$work/m\$i.ld" --no-relax -e 0 "$work/m\$i.o" > /dev/null 2>&1; done
EOS
	cat > "$work/lld.sh" <<EOS
i=0; while [ \$i -lt $n ]; do i=\$((i + 1)); ld.lld -o "$work/out.elf" -T "$work/m\$i.lld" -e 0 "$work/m\$i.o" > /dev/null 2>&1; done
EOS
	package() {	# package SCRIPT: "WALL_MS CPU_MS"
		t0=$(now)
		if command -v perf > /dev/null; then
			c=$(perf stat -x, -e task-clock -- sh "$1" 2>&1 > /dev/null | awk -F, '/task-clock/ { printf "%d", $1 }')
		else
			sh "$1"; c=-
		fi
		echo "$((($(now) - t0) / 1000000)) $c"
	}
	set -- $(package "$work/ours.sh"); w_ours=$1; c_ours=$2
	set -- $(package "$work/batch.sh"); w_batch=$1; c_batch=$2
	set -- $(package "$work/bfd.sh"); w_bfd=$1; c_bfd=$2
	w_lld=0; c_lld=-
	if [ -n "$have_lld" ]; then
		set -- $(package "$work/lld.sh"); w_lld=$1; c_lld=$2
	fi
	echo "whole package ($n modules, one run each): wall insmod $w_ours ms, ld.bfd $w_bfd ms, ld.lld $w_lld ms;" \
	     "CPU insmod $c_ours ms, ld.bfd $c_bfd ms, ld.lld $c_lld ms"
	echo "whole package: insmod $(ratio "$w_ours" "$w_bfd")x faster than ld.bfd, $(ratio "$w_ours" "$w_lld")x than ld.lld (wall);" \
	     "$(ratio "$c_ours" "$c_bfd")x and $(ratio "$c_ours" "$c_lld")x (CPU)"
	echo "whole package with insmod --batch (xargs: a few processes, the symbols read once in each): wall $w_batch ms, CPU $c_batch ms;" \
	     "$(ratio "$w_batch" "$w_bfd")x faster than ld.bfd, $(ratio "$w_batch" "$w_lld")x than ld.lld (wall)"
fi
