#!/bin/bash
# Render every bundled content screen (content/ja and content/en) at 40 and 80
# columns, ambiguous width 1 and 2 (and at 40 with the readings above the
# line), and run the rule checker over each.
# Skipped (exit 77) until content/ja/manifest exists.
#   check-content.sh ISOKIOSK SOURCE_ROOT
set -u
isokiosk=${1:?usage: check-content.sh ISOKIOSK SOURCE_ROOT}
root=${2:?usage: check-content.sh ISOKIOSK SOURCE_ROOT}
check=$(dirname "$0")/render-check.py
[ -f "$root/content/ja/manifest" ] || { echo "no content/ja/manifest yet"; exit 77; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0 n=0
for doc in "$root"/content/ja/*.md "$root"/content/en/*.md; do
	[ -f "$doc" ] || continue
	while read -r w a r; do
		n=$((n + 1))
		if ! "$isokiosk" render --width "$w" --ambiguous-width "$a" \
			--ruby "$r" "$doc" >"$tmp/out" 2>"$tmp/err"; then
			echo "FAIL: render $doc w$w a$a $r:"; cat "$tmp/err"
			fail=1
			continue
		fi
		if ! python3 "$check" -w "$w" -a "$a" -r "$r" "$doc" "$tmp/out"; then
			echo "FAIL: rule check of $doc w$w a$a $r"
			fail=1
		fi
	done <<-EOF
	40 1 paren
	40 2 paren
	80 1 paren
	80 2 paren
	40 1 over
	EOF
done
echo "$n renders checked"
exit $fail
