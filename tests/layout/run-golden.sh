#!/bin/bash
# Render every test document at 30, 40, 80 and 120 columns, ambiguous width
# 1 and 2 (ruby in parentheses; documents with ruby also above the line and
# off at 40 and 80), compare each with its golden file, and run the
# independent rule checker (render-check.py) over every render.
#
#   run-golden.sh ISOKIOSK [LAYOUT_DIR]
#   UPDATE_GOLDEN=1 run-golden.sh ...   rewrites the golden files (review the
#                                       diff by eye before committing them)
set -u
isokiosk=${1:?usage: run-golden.sh ISOKIOSK [LAYOUT_DIR]}
dir=${2:-$(dirname "$0")}
golden=$dir/golden
check=$dir/render-check.py
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0 n=0

configs() { # doc → "width amb ruby" lines
	local doc=$1 w a r
	for w in 30 40 80 120; do
		for a in 1 2; do
			echo "$w $a paren"
		done
	done
	if grep -q '《' "$doc"; then
		for w in 40 80; do
			for a in 1 2; do
				for r in over off; do
					echo "$w $a $r"
				done
			done
		done
	fi
}

for doc in "$dir"/docs/*.md; do
	name=$(basename "$doc" .md)
	while read -r w a r; do
		n=$((n + 1))
		gold=$golden/$name.w$w.a$a.r$r.txt
		out=$tmp/out.txt
		if ! "$isokiosk" render --width "$w" --ambiguous-width "$a" \
			--ruby "$r" "$doc" >"$out" 2>"$tmp/err"; then
			echo "FAIL: render $name w$w a$a $r:"; cat "$tmp/err"
			fail=1
			continue
		fi
		if [ -s "$tmp/err" ]; then
			echo "FAIL: render $name w$w a$a $r warned:"; cat "$tmp/err"
			fail=1
		fi
		if [ "${UPDATE_GOLDEN:-}" = 1 ]; then
			cp "$out" "$gold"
		elif ! diff -u "$gold" "$out"; then
			echo "FAIL: $gold differs (UPDATE_GOLDEN=1 to rewrite)"
			fail=1
		fi
		if ! python3 "$check" -w "$w" -a "$a" -r "$r" "$doc" "$out"; then
			echo "FAIL: rule check of $name w$w a$a $r"
			fail=1
		fi
	done < <(configs "$doc")
done
echo "$n renders compared and checked"
exit $fail
