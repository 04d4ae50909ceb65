#!/usr/bin/env bash
# The rest of the kiosk's promises: bad content or a bad configuration
# never reaches a patient; no Japanese locale on the system still works;
# themes and NO_COLOR; preview follows the file as it is saved; TERM dumb
# or unset is refused with a message and status 2.
. "$(dirname "$0")/lib.sh"

root=${SOURCE_ROOT:-$(dirname "$0")/../..}
n=$(e2e_nscreens ja)

# Bad content: refused, with the diagnostics.
cp -r "$root/content" "$E2E_TMP/content"
printf '\n**never closed\n' >>"$E2E_TMP/content/ja/pores.md"
"$ISOKIOSK" run --content "$E2E_TMP/content" >"$E2E_TMP/out" 2>&1
st=$?
e2e_check 'run refuses bad content (status 1)' test "$st" = 1
e2e_check 'and says where' grep -q "content/ja/pores.md:[0-9]*:[0-9]*: error:" "$E2E_TMP/out"
e2e_check 'and why it does not start' grep -q 'has errors; not starting' "$E2E_TMP/out"

# A bad configuration: every problem, with line and column.
printf 'idle_timeout = soon\ntheme = pink\n' >"$E2E_TMP/bad.conf"
"$ISOKIOSK" run --config "$E2E_TMP/bad.conf" >"$E2E_TMP/out" 2>&1
st=$?
e2e_check 'run refuses a bad config (status 1)' test "$st" = 1
e2e_check 'config diagnostics: line 1' grep -qF "$E2E_TMP/bad.conf:1:16: error: idle_timeout" "$E2E_TMP/out"
e2e_check 'config diagnostics: line 2' grep -qF "$E2E_TMP/bad.conf:2:9: error: theme" "$E2E_TMP/out"
"$ISOKIOSK" run --bogus >/dev/null 2>&1
e2e_check 'an unknown option is a usage error (2)' test $? = 2

# No Japanese locale installed, or no UTF-8 locale asked for at all.
for loc in ja_JP.UTF-8 C; do
	E2E_WRAP="env -u LC_ALL LANG=$loc"
	e2e_start 80 24 run
	e2e_check "LANG=$loc: the welcome screen in Japanese" e2e_wait 'ようこそ。ことばを選んでください。'
	e2e_keys 1
	e2e_check "LANG=$loc: Japanese content and UI" e2e_wait '次へ'
	e2e_check "LANG=$loc: the header fits" test "$(e2e_maxwidth)" -le 80
done
E2E_WRAP=

# Without ISOKIOSK_LOCALEDIR the translations are found in the build tree.
E2E_WRAP="env -u ISOKIOSK_LOCALEDIR"
e2e_start 80 24 run
E2E_WRAP=
e2e_wait '2  English' >/dev/null
e2e_keys 2
e2e_check 'translations found without ISOKIOSK_LOCALEDIR' e2e_wait 'From the start'

# Themes: mono and NO_COLOR use no colours; the default theme does.
colours() { e2e_tmux capture-pane -p -e | grep -cE $'\033\\[[0-9;]*(3[0-7]|4[0-7]|38;|48;)[0-9;]*m'; }
e2e_start 80 24 run
e2e_wait '1  日本語' >/dev/null
e2e_keys 1
e2e_wait " 1 / $n" >/dev/null
e2e_check 'default theme: colours' test "$(colours)" -gt 0
printf 'theme = mono\n' >"$E2E_TMP/mono.conf"
e2e_start 80 24 run --config "$E2E_TMP/mono.conf"
e2e_wait '1  日本語' >/dev/null
e2e_keys 1
e2e_wait " 1 / $n" >/dev/null
e2e_check 'mono theme: no colours' test "$(colours)" = 0
e2e_check 'mono theme: the header in reverse video' bash -c 'tmux -S "$1" capture-pane -p -e | head -1 | grep -q $'"'"'\033\[[0-9;]*7[0-9;]*m'"'" _ "$E2E_SOCK"
E2E_WRAP="env NO_COLOR=1"
e2e_start 80 24 run
E2E_WRAP=
e2e_wait '1  日本語' >/dev/null
e2e_keys 1
e2e_wait " 1 / $n" >/dev/null
e2e_check 'NO_COLOR: no colours' test "$(colours)" = 0
printf 'theme = high-contrast\n' >"$E2E_TMP/hc.conf"
e2e_start 80 24 run --config "$E2E_TMP/hc.conf"
e2e_check 'high-contrast theme starts' e2e_wait '1  日本語'

# Preview follows the file.
cp "$root/content/ja/pores.md" "$E2E_TMP/content/ja/pores.md"
e2e_start 80 24 preview "$E2E_TMP/content/ja/pores.md"
title=$(sed -n 's/^title: *//p' "$E2E_TMP/content/ja/pores.md")
e2e_check 'preview shows the file' e2e_wait "$title"
e2e_check 'preview says so' e2e_wait 'プレビュー'
sed -i "s/^title: .*/title: プレビューの見出し/" "$E2E_TMP/content/ja/pores.md"
e2e_check 'preview follows a save' e2e_wait 'プレビューの見出し'
printf '\n**never closed\n' >>"$E2E_TMP/content/ja/pores.md"
e2e_check 'preview shows the errors of a bad save' e2e_wait 'error:'
e2e_keys q
e2e_check 'q ends the preview' e2e_wait_dead
# the preview's one button: close it (no buttons that do nothing)
e2e_start 80 24 preview "$E2E_TMP/content/ja/pores.md"
e2e_wait 'プレビュー' >/dev/null
e2e_check 'preview offers no Back, Topics or Finish' bash -c '! tmux -S "$1" capture-pane -p | grep -qE "戻る|目次|おわる|はじめから"' _ "$E2E_SOCK"
e2e_click_text 'プレビューを閉じる'
e2e_check 'a touch on Close ends the preview' e2e_wait_dead

# A terminal the kiosk cannot draw on: a message naming what is needed,
# exit status 2, and nothing drawn.
for t in dumb unset; do
	if [ $t = unset ]; then E2E_WRAP="env -u TERM"; else E2E_WRAP="env TERM=$t"; fi
	e2e_start_wrapped 80 24 run
	e2e_check "TERM $t: exit status 2" e2e_wait 'exit=2'
	e2e_check "TERM $t: the message names what is needed" \
		grep -q 'needs a screen terminal that can move the cursor' "$E2E_TMP/stderr"
	e2e_check "TERM $t: nothing drawn" bash -c '! tmux -S "$1" capture-pane -p | grep -qE "※|ようこそ"' _ "$E2E_SOCK"
done
# A TERM holding an escape sequence: named in the message, escaped (it
# would set the window title and hide what follows).
E2E_WRAP="env TERM=x"$'\033]0;owned\a\033[8m'
e2e_start_wrapped 80 24 run
e2e_check 'TERM with ESC: exit status 2' e2e_wait 'exit=2'
e2e_check 'TERM with ESC: named, escaped' \
	grep -qF 'TERM=x\x1b]0;owned\x07\x1b[8m:' "$E2E_TMP/stderr"
e2e_check 'TERM with ESC: no raw ESC or BEL on stderr' \
	bash -c '! LC_ALL=C grep -q $'"'"'[\x07\x1b]'"'"' "$1"' _ "$E2E_TMP/stderr"
E2E_WRAP=
e2e_end
