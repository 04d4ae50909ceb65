# TAP helpers for the records test scripts (sourced). The script sets $tmp
# (a temporary folder; $tmp/out is shown under a failed check) and ends with
# tap_done, whose status is the script's.
n=0
failed=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
not_ok() {
	n=$((n + 1)); failed=$((failed + 1)); echo "not ok $n - $1"
	[ -f "$tmp/out" ] && sed 's/^/# /' "$tmp/out" | head -40
}
# t NAME COMMAND...: a check that passes when COMMAND succeeds
t() { local name=$1; shift; if "$@"; then ok "$name"; else not_ok "$name"; fi; }
tap_done() { echo "1..$n"; [ "$failed" -eq 0 ]; }
