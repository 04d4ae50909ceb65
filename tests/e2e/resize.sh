#!/usr/bin/env bash
# Resize: 80x24 → 40x15 → 120x40 → 20x6 (please enlarge) → 80x24; the layout
# is redone each time, the reader stays at the same paragraph, and a window
# too small shows a clear message, never garbage.
. "$(dirname "$0")/lib.sh"

n=$(e2e_nscreens ja)
# The first body line (row 2), without the scroll bar column.
top_line() { e2e_line 2 12; }

e2e_start 80 24 run
e2e_wait '1  日本語' >/dev/null
e2e_keys 1 Right
e2e_wait " 2 / $n" >/dev/null
for _ in 1 2 3 4 5 6 7 8 9 10 11 12; do e2e_keys Down; done
sleep 0.3
e2e_tmux resize-window -x 40 -y 15
e2e_check '40x15: relaid out (header fits 40 columns)' e2e_wait " 2 / $n"
sleep 0.3
para=$(top_line)
echo "# paragraph on top at 40x15: $para"
wide=$(e2e_maxwidth)
[ "$wide" -le 40 ] && e2e_ok '40x15: nothing drawn past column 40' || e2e_fail "40x15: a line $wide columns wide"
e2e_tmux resize-window -x 120 -y 40
e2e_check '120x40: relaid out' e2e_wait " 2 / $n"
e2e_check '120x40: the paragraph is on screen' e2e_wait "${para:0:8}"
e2e_tmux resize-window -x 20 -y 6
e2e_check '20x6: please enlarge' e2e_wait '画面を大きくしてくだ'
e2e_check '20x6: nothing else drawn' bash -c '! tmux -S "$1" capture-pane -p | grep -qE "次へ|/ $2"' _ "$E2E_SOCK" "$n"
e2e_keys Right Right Space
e2e_tmux resize-window -x 80 -y 24
e2e_check '80x24 again: back on the same screen' e2e_wait " 2 / $n"
sleep 0.3
now=$(top_line)
echo "# paragraph on top at 80x24: $now"
[ -n "$para" ] && [ "${now:0:8}" = "${para:0:8}" ] &&
	e2e_ok 'the reader is at the same paragraph' ||
	e2e_fail "the reader moved: '$para' → '$now'"
e2e_check 'still running' e2e_alive
e2e_end
