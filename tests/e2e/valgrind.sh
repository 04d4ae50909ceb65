#!/usr/bin/env bash
# A scripted session under valgrind: welcome, screens, menu, a jump, scroll,
# resizes (also too small), control keys, the staff menu, exit. valgrind must
# report no errors and no definite leaks. Skipped (TAP 1..0) without valgrind.
. "$(dirname "$0")/lib.sh"
command -v valgrind >/dev/null || { echo '1..0 # SKIP no valgrind'; exit 0; }
# valgrind cannot run a program built with AddressSanitizer.
ldd "$ISOKIOSK" 2>/dev/null | grep -q libasan && { echo '1..0 # SKIP sanitizer build'; exit 0; }

E2E_TIMEOUT=90
n=$(e2e_nscreens ja)
E2E_WRAP="valgrind --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite --track-fds=no --log-file=$E2E_TMP/vg.log"
e2e_start_wrapped 80 24 run
e2e_check 'welcome (under valgrind)' e2e_wait '1  日本語'
e2e_keys 1 Right Right
e2e_check 'screens' e2e_wait " 3 / $n"
e2e_keys Down Down PageDown End Home Space
e2e_click_text '次へ'
e2e_keys m
e2e_check 'menu' e2e_wait ' 5. '
e2e_keys 1 2
e2e_check 'jump by number' e2e_wait " 12 / $n"
e2e_tmux resize-window -x 40 -y 15
e2e_check 'resize 40x15' e2e_wait " 12 / $n"
e2e_tmux resize-window -x 20 -y 6
e2e_check 'resize 20x6' e2e_wait '大きく'
e2e_tmux resize-window -x 80 -y 24
e2e_check 'back to 80x24' e2e_wait " 12 / $n"
e2e_keys C-c C-z 'C-\'
e2e_click 5 5
e2e_keys Left
e2e_check 'control keys, a click on the text, Left' e2e_wait " 11 / $n"
e2e_keys m
e2e_wait 'Language' >/dev/null
e2e_click_text 'Language'
e2e_wait '2  English' >/dev/null
e2e_keys 2
e2e_check 'English' e2e_wait 'Next'
e2e_keys F12
e2e_check 'staff menu (demo)' e2e_wait 'Exit the kiosk'
e2e_keys 2
# a reload starts afresh, in the start language
e2e_check 'reload content' e2e_wait 'コンテンツを読み直しました。'
e2e_keys 4 2
e2e_check 'exit with status 0' e2e_wait 'exit=0'
sed 's/^/# /' "$E2E_TMP/vg.log" | grep -E 'ERROR SUMMARY|definitely|indirectly|Invalid|uninit' 
e2e_check 'valgrind: no errors' grep -q 'ERROR SUMMARY: 0 errors' "$E2E_TMP/vg.log"
e2e_end
