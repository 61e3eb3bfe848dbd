#!/bin/sh
# Concurrent loads in Debian's real kernel under QEMU (one boot, two
# virtual CPUs): twenty insmod -L of one module all succeed with exactly
# one load; twenty plain insmod give one load and nineteen "already
# loaded" failures.  Each case runs several rounds.
#
#   env INSMOD=/abs/path/to/insmod sh tests/qemu/test-concurrency.sh
. "$(dirname "$0")/lib.sh"
im_test_init concurrency

cat > "$WORK/guest.sh" << 'EOF'
. /guest/lib.sh
N=20
ROUNDS=3

# race ARGS...: starts N copies of insmod ARGS at once; leaves exit statuses
# in /tmp/race/I.rc and output in /tmp/race/I.out.
race() {
	rm -rf /tmp/race
	mkdir -p /tmp/race
	i=0
	while [ $i -lt $N ]; do
		( im_run "$@" > /tmp/race/$i.out 2>&1; echo $? > /tmp/race/$i.rc ) &
		i=$((i + 1))
	done
	wait
	note "\$ $N x insmod $*: exit statuses $(cat /tmp/race/*.rc | sort | uniq -c | tr -s ' \n' ' ')"
}
count_rc() { cat /tmp/race/*.rc | grep -cx "$1"; }
# failures_saying TEXT: how many insmod exited 1 and said TEXT.
failures_saying() {
	_n=0
	for f in /tmp/race/*.rc; do
		[ "$(cat "$f")" = 1 ] || continue
		if grep -qiF -- "$1" "${f%.rc}.out"; then
			_n=$((_n + 1))
		else
			note "$(cat "${f%.rc}.out")"
		fi
	done
	echo $_n
}

r=1
while [ $r -le $ROUNDS ]; do
	kmark
	race -L /modules/im_hello.ko
	check "round $r: $N concurrent insmod -L of im_hello by path all exit 0" '[ "$(count_rc 0)" -eq $N ]'
	check "round $r: -L by path: loaded, and the kernel ran init exactly once" \
		'is_loaded im_hello && [ "$(klog_count "im_hello: hello")" -eq 1 ]'
	unload im_hello

	kmark
	race /modules/im_hello.ko
	check "round $r: $N concurrent plain insmod: exactly one exits 0, $((N - 1)) exit 1" \
		'[ "$(count_rc 0)" -eq 1 ] && [ "$(count_rc 1)" -eq $((N - 1)) ]'
	check "round $r: plain: loaded, and the kernel ran init exactly once" \
		'is_loaded im_hello && [ "$(klog_count "im_hello: hello")" -eq 1 ]'
	msg="module 'im_hello' is already loaded"
	check "round $r: plain: each of the $((N - 1)) failures says \"$msg\"" \
		'[ "$(failures_saying "$msg")" -eq $((N - 1)) ]'
	unload im_hello
	r=$((r + 1))
done

# By bare name through modules.dep, and a signed in-tree module.
kmark
race -L im_provider
check "$N concurrent insmod -L im_provider (by name) all exit 0, loaded once" \
	'[ "$(count_rc 0)" -eq $N ] && is_loaded im_provider && [ "$(klog_count "im_provider: loaded")" -eq 1 ]'
unload im_provider
race -L /lib/modules/$KREL/kernel/drivers/net/dummy.ko numdummies=2
check "$N concurrent insmod -L of signed dummy.ko with a parameter all exit 0, two interfaces" \
	'[ "$(count_rc 0)" -eq $N ] && is_loaded dummy && [ "$(ls /sys/class/net | grep -c "^dummy[0-9]")" -eq 2 ]'
unload dummy

# A module whose init fails: every concurrent -L attempt fails, nothing stays.
race -L /modules/im_initfail.ko
check "$N concurrent insmod -L of im_initfail: all exit 1, nothing left loaded" \
	'[ "$(count_rc 1)" -eq $N ] && not_loaded im_initfail'
exit 0
EOF

im_test_vm "$WORK/guest.sh" -t 400
