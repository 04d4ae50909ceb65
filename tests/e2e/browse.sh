#!/usr/bin/env bash
# Browse: welcome → 日本語 → every screen in order by keys, then again by
# mouse clicks on 次へ (SGR 1006 reports); back, the topic menu, a jump to a
# topic and the way back.
. "$(dirname "$0")/lib.sh"

root=${SOURCE_ROOT:-$(dirname "$0")/../..}
n=$(e2e_nscreens ja)
mapfile -t ids < <(grep -vE '^(#|$|[a-z]+:)' "$root/content/ja/manifest")
title() { sed -n 's/^title: *//p' "$root/content/ja/$1.md" | head -1; }

e2e_start 80 24 run
e2e_check 'welcome screen offers the languages' e2e_wait '1  日本語'
e2e_check 'welcome in English too' e2e_wait '2  English'
e2e_check 'demo mode is marked' e2e_wait 'デモモード'
e2e_keys 1
ok=1
for ((i = 1; i <= n; i++)); do
	e2e_wait " $i / $n" || { ok=0; break; }
	t=$(title "${ids[$((i - 1))]}")
	case $t in *《*|*｜*) ;; *) e2e_wait "$t" 2 || { ok=0; break; } ;; esac
	[ "$i" -lt "$n" ] && e2e_keys Right
done
[ $ok = 1 ] && e2e_ok "keys: all $n screens in manifest order" || e2e_fail "keys: all $n screens in manifest order"
e2e_check 'the last screen offers Finish' e2e_wait 'おわる'
e2e_keys Right
e2e_check 'Finish returns to the welcome screen' e2e_wait '1  日本語'

# The same by mouse.
e2e_click_text '日本語'
ok=1
for ((i = 1; i <= n; i++)); do
	e2e_wait " $i / $n" || { ok=0; break; }
	[ "$i" -lt "$n" ] && { e2e_click_text '次へ' || { ok=0; break; }; }
done
[ $ok = 1 ] && e2e_ok "mouse: all $n screens by clicking 次へ" || e2e_fail "mouse: all $n screens by clicking 次へ"

# Back (button and Esc), the menu, a jump, the way back; the scroll
# column; はじめから (the first screen) and おわる (the welcome screen).
e2e_click_text '戻る'
e2e_check 'the 戻る button goes back one screen' e2e_wait "$((n - 1)) / $n"
e2e_keys Escape
e2e_check 'Esc goes back one screen' e2e_wait "$((n - 2)) / $n"
e2e_keys Left
e2e_check 'Left goes back one screen' e2e_wait "$((n - 3)) / $n"
e2e_click_text '目次'
e2e_check 'the 目次 button opens the topic menu' e2e_wait ' 3. '
e2e_keys 3
e2e_check 'number key 3 jumps to the third topic' e2e_wait " 3 / $n"
e2e_keys m
e2e_wait ' 5. ' >/dev/null && e2e_click_text ' 5. '
e2e_check 'a click on a topic jumps to it' e2e_wait " 5 / $n"
e2e_keys m
e2e_wait ' 5. ' >/dev/null && e2e_keys Escape
e2e_check 'Esc in the menu returns to the screen' e2e_wait " 5 / $n"
e2e_keys m Down Down Enter
e2e_check 'arrows and Enter in the menu' e2e_wait " 7 / $n"
e2e_click_text 'はじめから'
e2e_check 'はじめから opens the first screen again' e2e_wait " 1 / $n"
# the scroll column: ▼ reads on, ▲ back (a screen longer than the window)
e2e_keys End Right
e2e_wait " 2 / $n" >/dev/null
e2e_check 'a long screen offers ▼' e2e_wait '▼'
top=$(e2e_line 2 30)
e2e_click_text '▼'
e2e_check '▼ scrolls down a page' e2e_wait_gone "$top"
e2e_click_text '▲'
e2e_check '▲ scrolls back up' e2e_wait "$top"
e2e_keys m End Enter
e2e_wait " $n / $n" >/dev/null
e2e_click_text 'おわる'
e2e_check 'おわる returns to the welcome screen' e2e_wait '1  日本語'
e2e_check 'still running' e2e_alive
e2e_end
