#!/bin/sh
# Module parameters in Debian's real kernel under QEMU (one boot): every
# type of im_params arriving intact, read back from
# /sys/module/im_params/parameters, and bad values refused before the
# kernel sees them.
#
#   env INSMOD=/abs/path/to/insmod sh tests/qemu/test-params.sh
. "$(dirname "$0")/lib.sh"
im_test_init params

cat > "$WORK/guest.sh" << 'EOF'
. /guest/lib.sh
P=/modules/im_params.ko

# ---- load 1: every scalar type, in decimal, hex, octal, negative; arrays
kmark
im $P p_byte=0x41 p_short=-300 p_ushort=0177 p_int=-2147483648 p_uint=0xffffffff \
	p_long=-9223372036854775808 p_ulong=18446744073709551615 \
	p_ullong=0x1234567890abcdef p_hexint=255 p_bool=y p_invbool=n p_bint=1 \
	p_charp=hello p_string=world a_int=1,-2,0x10,010 a_charp=a,bb,ccc a_bool=y,n,Y,N
check "load 1: every parameter type at once: exit 0, im_params loaded" '[ "$RC" -eq 0 ] && is_loaded im_params'
klog_since | grep im_params | sed 's/^/  /'
expect_param im_params p_byte 65 "byte p_byte=0x41 (hex) arrives as 65"
expect_param im_params p_short -300 "short p_short=-300 (negative) arrives"
expect_param im_params p_ushort 127 "ushort p_ushort=0177 (octal) arrives as 127"
expect_param im_params p_int -2147483648 "int p_int=-2147483648 (INT_MIN) arrives"
expect_param im_params p_uint 4294967295 "uint p_uint=0xffffffff arrives as 4294967295"
expect_param im_params p_long -9223372036854775808 "long p_long=LONG_MIN arrives"
expect_param im_params p_ulong 18446744073709551615 "ulong p_ulong=ULONG_MAX arrives"
expect_param im_params p_ullong 1311768467294899695 "ullong p_ullong=0x1234567890abcdef arrives"
expect_param im_params p_hexint 0x0000ff "hexint p_hexint=255 arrives (kernel shows 0x0000ff)"
expect_param im_params p_bool Y "bool p_bool=y arrives as Y"
expect_param im_params p_invbool N "invbool p_invbool=n arrives (shown N)"
check "invbool p_invbool=n: the variable itself is true (init log)" 'klog_since | grep -q "invbool=1 "'
expect_param im_params p_bint 1 "bint p_bint=1 arrives"
expect_param im_params p_charp hello "charp p_charp=hello arrives"
expect_param im_params p_string world "string p_string=world arrives"
expect_param im_params a_int "1,-2,16,8" "array of int a_int=1,-2,0x10,010 arrives as 1,-2,16,8"
expect_param im_params a_charp "a,bb,ccc" "array of charp a_charp=a,bb,ccc arrives"
expect_param im_params a_bool "Y,N,Y,N" "array of bool a_bool=y,n,Y,N arrives"
unload im_params

# ---- load 2: quoted C strings with spaces and escapes, limits, more forms
kmark
im $P 'p_string="hello world"' 'p_charp="a\tb\\c\101\x42"' 'a_charp=x y,z' \
	p_short=-0x10 p_int=-010 p_byte=255 p_ushort=65535 p_hexint=0xdeadbeef \
	p_bool=N p_invbool=Y p_bint=0 p_ullong=18446744073709551615 \
	a_int=-2147483648,2147483647 a_bool=1,0 p_uint=0 p_long=0x7fffffffffffffff
check "load 2: quoted strings, escapes, limits: exit 0, loaded" '[ "$RC" -eq 0 ] && is_loaded im_params'
klog_since | grep im_params | sed 's/^/  /'
expect_param im_params p_string "hello world" "string p_string=\"hello world\" arrives with its space"
expect_param_bytes im_params p_charp 'a\tb\\cAB' "charp p_charp=\"a\\tb\\\\c\\101\\x42\": C escapes decoded (tab, backslash, octal, hex)"
expect_param im_params a_charp "x y,z" "array of charp a_charp='x y,z' (space inside) arrives"
expect_param im_params p_short -16 "short p_short=-0x10 (negative hex) arrives as -16"
expect_param im_params p_int -8 "int p_int=-010 (negative octal) arrives as -8"
expect_param im_params p_byte 255 "byte p_byte=255 (maximum) arrives"
expect_param im_params p_ushort 65535 "ushort p_ushort=65535 (maximum) arrives"
expect_param im_params p_hexint 0xdeadbeef "hexint p_hexint=0xdeadbeef arrives"
expect_param im_params p_bool N "bool p_bool=N arrives"
expect_param im_params p_invbool Y "invbool p_invbool=Y arrives"
expect_param im_params p_bint 0 "bint p_bint=0 arrives"
expect_param im_params p_ullong 18446744073709551615 "ullong p_ullong=ULLONG_MAX arrives"
expect_param im_params a_int "-2147483648,2147483647" "array of int with INT_MIN and INT_MAX arrives"
expect_param im_params a_bool "Y,N" "array of bool a_bool=1,0 arrives as Y,N"
expect_param im_params p_uint 0 "uint p_uint=0 arrives"
expect_param im_params p_long 9223372036854775807 "long p_long=0x7fffffffffffffff arrives"
unload im_params

# ---- load 3: a value with white space and no quotes (one argv word)
kmark
im -v $P 'p_charp=a b' 'p_string=two  spaces' p_bint=y
check "load 3: values with white space as single words: exit 0, loaded" '[ "$RC" -eq 0 ] && is_loaded im_params'
expect_param im_params p_charp "a b" "charp 'p_charp=a b' (one word, no quotes) arrives whole"
expect_param im_params p_string "two  spaces" "string 'p_string=two  spaces' arrives whole"
expect_param im_params p_bint 1 "bint p_bint=y arrives as 1"
check "-v shows the parameter string passed to the kernel (p_charp quoted)" \
	'out_grep "p_charp=\"a b\"|\"p_charp=a b\""'
unload im_params

# ---- load 3b: the other words the kernel's kstrtobool takes
kmark
im $P p_bool=true p_invbool=false p_bint=FALSE a_bool=t,F,True
check "load 3b: bools as true/false/t/F: exit 0, loaded" '[ "$RC" -eq 0 ] && is_loaded im_params'
expect_param im_params p_bool Y "bool p_bool=true arrives as Y"
expect_param im_params p_invbool N "invbool p_invbool=false arrives (shown N)"
expect_param im_params p_bint 0 "bint p_bint=FALSE arrives as 0"
expect_param im_params a_bool "Y,N,Y" "array of bool a_bool=t,F,True arrives as Y,N,Y"
unload im_params

# ---- load 4: the names every module accepts
im $P dyndbg=+p p_int=7
check "dyndbg is accepted as a parameter of any module" '[ "$RC" -eq 0 ] && is_loaded im_params'
expect_param im_params p_int 7 "p_int=7 next to dyndbg arrives"
unload im_params
im $P async_probe=1
check "async_probe is accepted as a parameter of any module" '[ "$RC" -eq 0 ] && is_loaded im_params'
unload im_params

# ---- refused before loading: exit 1, not loaded, nothing in the kernel log
refused() {	# DESCRIPTION WORD...
	_desc=$1
	shift
	kmark
	im $P "$@"
	check "refused before loading: $_desc (exit 1, not loaded, kernel never saw it)" \
		'[ "$RC" -eq 1 ] && not_loaded im_params && [ "$(klog_count im_params)" -eq 0 ]'
	unload im_params
}
refused "unknown parameter nosuch=1" nosuch=1
check "unknown parameter: the message names it and lists the module's parameters" \
	'out_has nosuch p_int p_charp a_bool'
refused "bool p_bool=enable (6.1's kstrtobool refuses e/d)" p_bool=enable
refused "misspelt p_itn=5" p_itn=5
check "misspelt p_itn: the message suggests p_int" 'out_grep "p_int([^_a-z]|$)"'
refused "byte p_byte=256 (out of range)" p_byte=256
check "out of range: the message names the parameter and its type" 'out_has p_byte byte'
refused "byte p_byte=-1" p_byte=-1
refused "short p_short=32768" p_short=32768
refused "short p_short=-32769" p_short=-32769
refused "ushort p_ushort=65536" p_ushort=65536
refused "int p_int=2147483648" p_int=2147483648
refused "int p_int=abc" p_int=abc
refused "int p_int=12abc" p_int=12abc
refused "int p_int=08 (bad octal)" p_int=08
refused "int p_int= (empty)" p_int=
refused "uint p_uint=-1" p_uint=-1
refused "uint p_uint=4294967296" p_uint=4294967296
refused "long p_long=9223372036854775808" p_long=9223372036854775808
refused "ulong p_ulong=18446744073709551616" p_ulong=18446744073709551616
refused "ullong p_ullong=-1" p_ullong=-1
refused "hexint p_hexint=0x100000000" p_hexint=0x100000000
refused "bool p_bool=maybe" p_bool=maybe
refused "invbool p_invbool=2" p_invbool=2
refused "bint p_bint=maybe" p_bint=maybe
refused "array of int a_int=1,x" a_int=1,x
refused "array of bool a_bool=y,maybe" a_bool=y,maybe
refused "array with an empty element a_int=1,,2" a_int=1,,2
check "empty array element: the message says the kernel cannot skip elements" 'out_grep "skip|empty"'
refused "a string with an embedded double quote p_charp=\"a\\\"b\"" 'p_charp="a\"b"'
refused "one good and one bad word: p_int=1 p_byte=300" p_int=1 p_byte=300
refused "an array of 4 given 5 values a_int=1,2,3,4,5" a_int=1,2,3,4,5
check "array too long: the message names the maximum (4)" 'out_has "5 values, the array holds at most 4"'
refused "a 32-byte module_param_string given 32 characters" p_string=abcdefghijklmnopqrstuvwxyz012345
check "string too long: the message names the maximum (31 characters)" 'out_has "at most 31 fit its buffer"'
exit 0
EOF

im_test_vm "$WORK/guest.sh" -t 400
