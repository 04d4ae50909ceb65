#!/usr/bin/env bash
# What the patient sees is what `isokiosk render` prints (without the title,
# which the kiosk shows in its header), and it breaks no line-breaking rule:
# every screen at 40, 80 and 120 columns (where the text keeps to the
# reading measure, centred), in a window tall enough to hold it
# whole, captured, cut to the text area, compared with the render and given
# to the rule checker (tests/layout/render-check.py).
. "$(dirname "$0")/lib.sh"

root=${SOURCE_ROOT:-$(dirname "$0")/../..}
check="$root/tests/layout/render-check.py"
n=$(e2e_nscreens ja)
mapfile -t ids < <(grep -vE '^(#|$|[a-z]+:)' "$root/content/ja/manifest")

for w in 40 80 120; do
	# the text area: a margin, the text, a gap, the scroll column (2 wide
	# below 60 columns, 3 from 60); at 120 the measure (80 columns,
	# centred: from column 20)
	left=1
	if [ "$w" -lt 60 ]; then tw=$((w - 4)); else tw=$((w - 5)); fi
	if [ "$tw" -gt 80 ]; then tw=80; left=$(((w - 80) / 2)); fi
	e2e_start "$w" 160 run
	e2e_wait '1  日本語' >/dev/null
	e2e_keys 1
	bad=0 checked=0
	for ((i = 1; i <= n; i++)); do
		id=${ids[$((i - 1))]}
		src="$root/content/ja/$id.md"
		# the title and the blank line after it are the header's
		"$ISOKIOSK" render --width "$tw" "$src" >"$E2E_TMP/full"
		awk 'body { print } !body && /^$/ { body = 1 }' "$E2E_TMP/full" >"$E2E_TMP/want"
		awk '{ print } /^$/ { exit }' "$E2E_TMP/full" >"$E2E_TMP/title"
		lines=$(wc -l <"$E2E_TMP/want")
		e2e_wait " $i / $n" >/dev/null || { bad=1; break; }
		sleep 0.2
		if [ "$lines" -gt 150 ]; then
			echo "# $id: $lines lines at $tw columns, taller than the window; skipped"
		else
			# rows 3 .. 3+lines-1 (a tall window: a blank row under the
			# progress), without the left margin
			e2e_screen | python3 -c '
import sys, unicodedata
rows = sys.stdin.read().split("\n")
n, left = int(sys.argv[1]), int(sys.argv[2])
def cut(r):  # the row from display column left on
    col = 0
    for i, ch in enumerate(r):
        if col >= left:
            return r[i:]
        col += 2 if unicodedata.east_asian_width(ch) in "WF" else 1
    return ""
for r in rows[3:3 + n]:
    print(cut(r).rstrip())' "$lines" "$left" >"$E2E_TMP/got"
			if ! diff -u "$E2E_TMP/want" "$E2E_TMP/got" >"$E2E_TMP/diff"; then
				echo "# $id at $w columns: the screen differs from the render"
				sed 's/^/# /' "$E2E_TMP/diff" | head -20
				bad=1
			elif cat "$E2E_TMP/title" "$E2E_TMP/got" >"$E2E_TMP/page" &&
				python3 "$check" -w "$tw" "$src" "$E2E_TMP/page" >"$E2E_TMP/chk"; then
				checked=$((checked + 1))
			else
				sed 's/^/# /' "$E2E_TMP/chk"
				bad=1
			fi
		fi
		[ "$i" -lt "$n" ] && e2e_keys End Right
	done
	[ $bad = 0 ] && [ $checked -gt 0 ] &&
		e2e_ok "$w columns: $checked screens as rendered, no line-breaking rule broken" ||
		e2e_fail "$w columns: screens as rendered, no line-breaking rule broken"
done
e2e_end
