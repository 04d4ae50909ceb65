#!/usr/bin/env bash
# English: choosing English on the welcome screen switches the content and
# every string of the program itself; --lang en starts in English.
. "$(dirname "$0")/lib.sh"

root=${SOURCE_ROOT:-$(dirname "$0")/../..}
n=$(e2e_nscreens en)
first=$(grep -vE '^(#|$|[a-z]+:)' "$root/content/en/manifest" | head -1)
title=$(sed -n 's/^title: *//p' "$root/content/en/$first.md" | head -1)

e2e_start 80 24 run
e2e_wait '2  English' >/dev/null
e2e_keys 2
e2e_check 'English content: the first screen title' e2e_wait "$title"
e2e_check 'progress' e2e_wait " 1 / $n"
for s in Back Topics 'From the start' Next DEMO; do
	e2e_check "UI string: $s" e2e_wait "$s" 2
done
e2e_check 'no Japanese UI string left' bash -c '! tmux -S "$1" capture-pane -p | grep -qE "次へ|戻る|目次|はじめから|デモ"' _ "$E2E_SOCK"
e2e_keys m
e2e_check 'menu title in English' e2e_wait 'Topics'
e2e_check 'menu hint in English' e2e_wait 'Touch a topic, or type its number.'
e2e_keys Escape End
e2e_check 'hint at the end in English' e2e_wait 'Touch Next to continue.'
e2e_keys m
e2e_wait 'Topics' >/dev/null
e2e_click_text 'Language'
e2e_check 'the language screen' e2e_wait '1  日本語'
e2e_keys 1
e2e_check 'switched to Japanese mid-session: UI' e2e_wait '次へ'
e2e_check 'switched to Japanese mid-session: same screen' e2e_wait " 1 / $(e2e_nscreens ja)"
e2e_tmux resize-window -x 30 -y 8
e2e_check 'please enlarge, in Japanese now' e2e_wait '大きく'
e2e_keys F12
e2e_tmux resize-window -x 80 -y 24

e2e_start 80 24 run --lang en
e2e_wait '2  English' >/dev/null
e2e_check 'demo mode line in English with --lang en' e2e_wait 'Demo mode (no staff PIN set)'
e2e_keys Enter
e2e_check 'Enter picks the start language' e2e_wait "$title"
e2e_end
