#!/bin/sh
# Faults and lesser options in Debian's real kernel under QEMU (one boot):
# an unreadable file, no /dev/kmsg, a full file system for -O, parallel
# dry runs writing one -O path, -q, and the options that have no mechanism
# on Linux 2.6+ (-k -S -x -X -P).
#
#   env INSMOD=/abs/path/to/insmod sh tests/qemu/test-faults.sh
. "$(dirname "$0")/lib.sh"
im_test_init faults
other=$(other_release)
mkdir -p "$WORK/files"
change_vermagic "$IM_MODULES/im_hello.ko" "$WORK/files/im_hello_badver.ko" "$other" || exit 1
change_vermagic_flags "$IM_MODULES/im_hello.ko" "$WORK/files/im_hello_badflags.ko" || exit 1

cat > "$WORK/guest.sh" << 'EOF'
. /guest/lib.sh
H=/modules/im_hello.ko

# ---- a file root cannot have read for it: insmod run by an ordinary user
cp $H /tmp/secret.ko
chmod 0600 /tmp/secret.ko
OUT=$(su -s /bin/sh user -c "timeout 60 $IM /tmp/secret.ko" 2>&1)
RC=$?
note "\$ (as uid 1000) insmod /tmp/secret.ko -> exit $RC"
[ -z "$OUT" ] || printf '%s\n' "$OUT" | sed 's/^/  | /'
check "unreadable file (user, mode 0600 root file): exit 1, message names it and the reason" \
	'[ "$RC" -eq 1 ] && out_has /tmp/secret.ko && out_grep "permission denied|EACCES|not permitted|EPERM|root"'
check "unreadable file: nothing loaded" 'not_loaded im_hello'

# ---- no /dev/kmsg: failures are still explained, loads still work
mv /dev/kmsg /dev/kmsg.away
im /modules/im_initfail.ko
check "without /dev/kmsg: im_initfail still exits 1 with its ENODEV" \
	'[ "$RC" -eq 1 ] && out_grep "ENODEV|no such device" && not_loaded im_initfail'
im $H
check "without /dev/kmsg: im_hello loads" '[ "$RC" -eq 0 ] && is_loaded im_hello'
unload im_hello
mv /dev/kmsg.away /dev/kmsg

# ---- a full file system for -O: clear message, no file left behind
mkdir -p /mnt/small
mount -t tmpfs -o size=16k tmpfs /mnt/small
dd if=/dev/zero of=/mnt/small/filler bs=1k count=14 2> /dev/null
im -n -O /mnt/small/blob.bin /modules/im_params.ko
ls -la /mnt/small | sed "s/^/  /"
check "-O on a full file system: exit 1 with 'No space left' (ENOSPC)" \
	'[ "$RC" -eq 1 ] && out_grep "no space|ENOSPC"'
check "-O on a full file system: no blob and no temporary file left" \
	'[ "$(ls -A /mnt/small)" = filler ]'
umount /mnt/small

# ---- twenty parallel dry runs writing the same -O path
mkdir -p /tmp/par
im_run -n -O /tmp/ref.bin /modules/im_ptrs.ko > /dev/null 2>&1
i=0
while [ $i -lt 20 ]; do
	( im_run -n -O /tmp/par/blob.bin /modules/im_ptrs.ko > /tmp/par.$i.out 2>&1; echo $? > /tmp/par.$i.rc ) &
	i=$((i + 1))
done
wait
note "parallel -O exit statuses: $(cat /tmp/par.*.rc | sort | uniq -c | tr -s ' \n' ' ')"
check "20 parallel insmod -n -O to one path: all exit 0" '[ "$(cat /tmp/par.*.rc | grep -cx 0)" -eq 20 ]'
check "20 parallel insmod -n -O: the blob is complete (same as a lone run), no temporary files" \
	'[ -s /tmp/ref.bin ] && cmp -s /tmp/ref.bin /tmp/par/blob.bin && [ "$(ls -A /tmp/par)" = blob.bin ]'

# ---- -q
im -q /host/files/im_hello_badflags.ko
check "-q: a version mismatch still exits 1 and nothing loads" '[ "$RC" -eq 1 ] && not_loaded im_hello'
check "-q: the version complaint is silenced" '! printf "%s\n" "$OUT" | grep -qF "SMP PREEMPT"'
im -q /modules/im_consumer.ko
check "-q: a module with an unknown symbol still exits 1" '[ "$RC" -eq 1 ] && not_loaded im_consumer'
check "-q: the unresolved symbol is not listed" '! out_has im_provider_add'
# -q hides only what the manual says: safety warnings stay.
im -q -f /host/files/im_hello_badver.ko
check "-q -f: loads, and the warning that a forced load taints is still shown" \
	'[ "$RC" -eq 0 ] && is_loaded im_hello && out_has taints'
check "-q -f: the version complaint itself is silenced" '! out_has "$(cat /host/files/other_release)"'
unload im_hello
im -q -o dummy_q /lib/modules/$KREL/kernel/drivers/net/dummy.ko
check "-q -o on a signed module: loads, and the warning that the signature no longer applies is shown" \
	'[ "$RC" -eq 0 ] && is_loaded dummy_q && out_has signature'
unload dummy_q

# ---- options with no mechanism on Linux 2.6+: accepted, warned about
for o in -k -S -x -X "-P foo_"; do
	im $o $H
	check "$o is accepted: im_hello loads, with a warning that it has no effect" \
		'[ "$RC" -eq 0 ] && is_loaded im_hello && out_grep "no effect|ignored|not apply|no mechanism"'
	unload im_hello
done
im -q -k $H
check "-q -k: loads, and -q silences the no-effect warning" '[ "$RC" -eq 0 ] && is_loaded im_hello && [ -z "$OUT" ]'
unload im_hello
exit 0
EOF
echo "$other" > "$WORK/files/other_release"

im_test_vm "$WORK/guest.sh" -t 300 -f "$WORK/files:/host/files"
