#!/bin/bash
# Render every bundled content screen (content/ja and content/en) at 40 and 80
# columns, ambiguous width 1 and 2, and run the rule checker over each.
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
	for w in 40 80; do
		for a in 1 2; do
			n=$((n + 1))
			if ! "$isokiosk" render --width "$w" --ambiguous-width "$a" \
				"$doc" >"$tmp/out" 2>"$tmp/err"; then
				echo "FAIL: render $doc w$w a$a:"; cat "$tmp/err"
				fail=1
				continue
			fi
			if ! python3 "$check" -w "$w" -a "$a" "$doc" "$tmp/out"; then
				echo "FAIL: rule check of $doc w$w a$a"
				fail=1
			fi
		done
	done
done
echo "$n renders checked"
exit $fail
