# Helpers for the command-line tests: run insmod, check what it did, print
# one PASS:/FAIL: line per check.
: "${INSMOD:?set INSMOD to the insmod binary}"
FIXTURES=$(cd "$(dirname "$0")/fixtures" && pwd)
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
STATUS=0

pass() { echo "PASS: $1"; }
fail() { echo "FAIL: $1"; }
# A check that cannot run on this machine (a prerequisite it cannot have,
# such as 32-bit execution): counted apart, never as passed.
skip() { echo "SKIP: $1"; }

run() {
	"$INSMOD" "$@" > "$T/out" 2> "$T/err"
	STATUS=$?
}

expect_status() {
	if [ "$STATUS" -eq "$1" ]; then pass "$2"; else fail "$2 (status $STATUS, stderr: $(head -c 300 "$T/err"))"; fi
}
expect_out() {
	if grep -q -e "$1" "$T/out"; then pass "$2"; else fail "$2 (stdout: $(head -c 300 "$T/out"))"; fi
}
expect_err() {
	if grep -q -e "$1" "$T/err"; then pass "$2"; else fail "$2 (stderr: $(head -c 300 "$T/err"))"; fi
}
expect_no_out() {
	if [ -s "$T/out" ]; then fail "$1 (stdout: $(head -c 300 "$T/out"))"; else pass "$1"; fi
}
expect_no_err() {
	if [ -s "$T/err" ]; then fail "$1 (stderr: $(head -c 300 "$T/err"))"; else pass "$1"; fi
}
expect_no_err_match() {
	if grep -q -e "$1" "$T/err"; then fail "$2 (stderr: $(head -c 300 "$T/err"))"; else pass "$2"; fi
}
finish() { exit 0; }
