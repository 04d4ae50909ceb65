#!/usr/bin/env bash
# Idle: no input for idle_timeout seconds → a countdown → the welcome
# screen, with neither the pane nor its scrollback holding any text of the
# last screen.
. "$(dirname "$0")/lib.sh"

root=${SOURCE_ROOT:-$(dirname "$0")/../..}
n=$(e2e_nscreens ja)
printf 'idle_timeout = 5\nidle_warning = 3\n' >"$E2E_TMP/k.conf"
# A screen with a title to look for afterwards.
id=$(grep -vE '^(#|$|[a-z]+:)' "$root/content/ja/manifest" | sed -n 3p)
title=$(sed -n 's/^title: *//p' "$root/content/ja/$id.md" | head -1)

e2e_start 80 24 run --config "$E2E_TMP/k.conf"
e2e_wait '1  日本語' >/dev/null
e2e_keys 1 Right Right
e2e_check 'reading the third screen' e2e_wait " 3 / $n"
e2e_check 'its title is shown' e2e_wait "$title"
body=$(e2e_line 5 10)
echo "# a line of the screen: $body"
e2e_check 'after the idle timeout: the countdown' e2e_wait '秒で最初の画面に戻ります' 10
e2e_check 'the countdown counts' e2e_wait 'あと 1 秒で' 5
e2e_check 'then the welcome screen' e2e_wait '1  日本語' 6
sleep 0.3
all=$(e2e_screen -S - -E -; e2e_tmux capture-pane -p -a -S - -E - 2>/dev/null)
leak=0
for t in "$title" "$body" " 3 / $n" '次へ' 'あと'; do
	[ -n "$t" ] && printf '%s\n' "$all" | grep -qF -- "$t" && { echo "# still there: $t"; leak=1; }
done
[ $leak = 0 ] && e2e_ok 'nothing of the last screen in the pane or its scrollback' ||
	e2e_fail 'text of the last screen survived the wipe'
hist=$(e2e_format '#{history_size}')
e2e_check "scrollback is empty (history_size=$hist)" test "$hist" = 0
e2e_keys 1
e2e_check 'a new patient starts at the first screen' e2e_wait " 1 / $n"
e2e_end
