#!/usr/bin/env bash
# Bad-input pairs: for each tests/content/bad/NAME.md, `isokiosk check NAME.md`
# must print exactly NAME.expected (stdout and stderr together, paths relative
# to the bad/ folder) and exit with the status in NAME.status (default 1).
# A crash (status >= 128) always fails. Prints TAP-like lines and a summary.
set -u
bin=$1
dir=$2
pass=0 fail=0
cd "$dir" || exit 1
for md in *.md; do
	name=${md%.md}
	if [ ! -f "$name.expected" ]; then
		echo "not ok - $name: no $name.expected"
		fail=$((fail + 1))
		continue
	fi
	want_status=1
	[ -f "$name.status" ] && want_status=$(cat "$name.status")
	out=$("$bin" check "$md" 2>&1)
	status=$?
	if [ "$status" -ge 128 ]; then
		echo "not ok - $name: crashed (status $status)"
		fail=$((fail + 1))
	elif [ "$status" != "$want_status" ]; then
		echo "not ok - $name: exit $status, expected $want_status"
		printf '%s\n' "$out" | sed 's/^/#   /'
		fail=$((fail + 1))
	elif [ "$out" != "$(cat "$name.expected")" ]; then
		echo "not ok - $name: diagnostics differ"
		diff <(cat "$name.expected") <(printf '%s\n' "$out") | sed 's/^/#   /'
		fail=$((fail + 1))
	elif [ -z "$out" ] && [ "$want_status" != 0 ]; then
		echo "not ok - $name: silent"
		fail=$((fail + 1))
	else
		echo "ok - $name"
		pass=$((pass + 1))
	fi
done
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ] && [ "$pass" -gt 0 ]
