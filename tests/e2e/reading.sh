#!/usr/bin/env bash
# The reading measure on wide screens: at 120x40 and 200x60 every screen's
# body text is at most the measure wide (40 full-width characters: 80
# columns by default; `measure = 30` in the config: 60) and centred; only
# a table may be wider (it needs the room), and it stays on the screen.
# Every screen is captured page by page to its end.
. "$(dirname "$0")/lib.sh"

n=$(e2e_nscreens ja)

# check W MEASURE: the rows of the capture on stdin between the progress
# row and the hint, without the scroll column; prints problems.
check() {
	python3 -c '
import sys, unicodedata
w, measure = int(sys.argv[1]), int(sys.argv[2])
def width(s):
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in s)
rows = sys.stdin.read().split("\n")
left = (w - measure) // 2          # the column centred on the screen
bad = 0
for y, r in enumerate(rows[2:-5], 2):
    # cut the scroll column (the last 3 cells)
    cells, cut = 0, ""
    for ch in r:
        cells += width(ch)
        if cells > w - 3:
            break
        cut += ch
    body = cut.rstrip()
    if not body.strip():
        continue
    start = width(body) - width(body.lstrip())
    end = width(body)
    # a table (a grid: columns, not a callout frame) may take more
    table = body.count("│") >= 3 or any(c in body for c in "┬┴┼╪")
    if table:
        if end > w - 3:
            print(f"row {y}: a table past the screen: {body!r}"); bad += 1
        continue
    if end - left > measure or start < left:
        print(f"row {y}: columns {start}..{end}, the measure is {left}..{left + measure}: {body.strip()[:30]!r}")
        bad += 1
sys.exit(1 if bad else 0)' "$@"
}

# every screen of a session, page by page, checked
run() {
	local w=$1 h=$2 measure=$3 bad=0 pages=0 i p
	shift 3
	e2e_start "$w" "$h" run "$@"
	e2e_wait '1  日本語' >/dev/null
	e2e_keys 1
	for ((i = 1; i <= n; i++)); do
		e2e_wait " $i / $n" >/dev/null || { bad=1; break; }
		sleep 0.2
		for ((p = 0; p < 30; p++)); do
			pages=$((pages + 1))
			e2e_screen | check "$w" "$measure" >"$E2E_TMP/out" ||
				{ echo "# screen $i:"; sed 's/^/#   /' "$E2E_TMP/out"; bad=1; }
			e2e_screen | grep -q '続きがあります' || break
			e2e_keys PageDown
			sleep 0.2
		done
		[ "$i" -lt "$n" ] && e2e_keys End Right
	done
	[ $bad = 0 ] && [ $pages -ge "$n" ] &&
		e2e_ok "${w}x$h: $pages pages, body text within the measure ($measure columns), centred" ||
		e2e_fail "${w}x$h: body text within the measure ($measure columns), centred"
}

run 120 40 80
run 200 60 80
printf 'measure = 30\n' >"$E2E_TMP/m30.conf"
run 120 40 60 --config "$E2E_TMP/m30.conf"
e2e_end
