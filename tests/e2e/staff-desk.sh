#!/usr/bin/env bash
# The staff desk inside the kiosk (issue 12), as staff would use it:
#   - touch alone: five taps on the top-left corner, the PIN on the
#     on-screen pad, the staff menu (not one key sent);
#   - Enter on the staff menu as it opens does not exit; exit asks first;
#   - the new-session form refuses to start without a chosen profile and
#     says why, refuses a reference the input gate refuses, and keeps the
#     staff ID for the next patient;
#   - today's sessions: the stopped one with its reason, found by the
#     receipt code the patient saw, read with its answers (the number
#     pressed), countersigned from there (then in `records show`), another
#     opened by touching its row;
#   - at 40x12 every staff-menu item whole, with the open flags' count.
# usage: staff-desk.sh STORE_DRIVE
. "$(dirname "$0")/lib.sh"
drive=$1
db=$E2E_TMP/records.db
export TZ=Asia/Tokyo USER=desk-staff

# Two sessions of today: one completed (a wrong answer, then the right
# one), one stopped after three wrong answers.
{
	printf 'begin\tP-100\tpregnancy\n'
	printf 'answer\t1\tq-x\t1\t2\tthe third\t0\n'
	printf 'answer\t1\tq-x\t2\t0\tthe first\t1\n'
	printf 'ack\t1\ts-1\tI read it.\n'
	printf 'sign\t1\tpatient\tヤマダ ハナコ\tpatient acknowledgement\n'
	printf 'end\t1\tcompleted\n'
	printf 'begin\tP-200\tno-pregnancy\n'
	printf 'end\t2\tstopped\tq-x: 3 wrong answers, please call staff\n'
} | "$drive" "$db" >"$E2E_TMP/drive.out" || { cat "$E2E_TMP/drive.out"; exit 1; }
code=$("$ISOKIOSK" records list --db "$db" | awk 'NR == 2 { print $6 }')
e2e_check "a receipt code to look for ($code)" test "${#code}" = 9

printf '246813\n246813\n' | "$ISOKIOSK" staff set-pin --config "$E2E_TMP/k.conf" >/dev/null
# The clinic's own values (a PIN: no consent session on samples).
cp -r "${SOURCE_ROOT:-$(dirname "$0")/../..}/content" "$E2E_TMP/content"
sed -i 's/ ?= / = /; s/03-0000-0000/03-1234-5678/' "$E2E_TMP/content/clinic.conf"

# e2e_click_last TEXT: click the last place TEXT is shown as a word of its
# own (a pad's key, below text that names it).
e2e_click_last() {
	local xy
	xy=$(e2e_screen | python3 -c '
import re, sys, unicodedata
want = sys.argv[1]
def width(s):
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in s)
hit = None
for y, line in enumerate(sys.stdin.read().split("\n")):
    for m in re.finditer(r"(?<!\S)" + re.escape(want) + r"(?!\S)", line):
        hit = (width(line[:m.start()]) + width(want) // 2, y)
if hit is None:
    sys.exit(1)
print(*hit)' "$1") || { echo "# not on screen: $1"; e2e_show; return 1; }
	# shellcheck disable=SC2086
	e2e_click $xy
}

e2e_start 80 24 run --config "$E2E_TMP/k.conf" --content "$E2E_TMP/content" --db "$db"
e2e_wait '1  日本語' >/dev/null || e2e_fail 'welcome'

# ---- touch alone ----
for i in 1 2 3 4 5; do e2e_click 1 0; done
e2e_check 'five taps on the top-left corner ask for the PIN' e2e_wait 'PIN:'
for d in 2 4 6 8 1 3; do e2e_click_last "$d" || break; done
e2e_check 'the PIN typed on the pad (hidden)' e2e_wait 'PIN: ******'
e2e_click_last 'OK'
e2e_check 'the pad OK opens the staff menu: by clicks alone' e2e_wait 'スタッフメニュー'

# ---- the menu ----
e2e_check 'exit is last' e2e_wait '9  キオスクを終了する'
e2e_keys Enter
e2e_check 'Enter on the opened menu starts a session form, never exits' \
	e2e_wait '患者番号：'
e2e_check 'still running' e2e_alive

# ---- the new-session form ----
e2e_keys Escape
e2e_wait 'スタッフメニュー' >/dev/null
e2e_keys 9
e2e_check 'exit asks first' e2e_wait 'キオスクを終了しますか'
e2e_keys Enter
e2e_check 'Enter at the question stays' e2e_wait_gone 'キオスクを終了しますか'
e2e_check 'the kiosk is still running' e2e_alive
e2e_keys 1
e2e_wait '患者番号：' >/dev/null
e2e_check 'each profile says what it brings' e2e_wait '[ ] 妊娠の可能性がある：問題'
e2e_tmux send-keys -l "$(printf 'P%.0s' $(seq 70))"
e2e_keys Tab Tab 4 7
e2e_check 'a reference the input gate refuses: said, and where' e2e_wait '患者番号が長すぎます（70 文字。64 文字まで）'
e2e_keys Escape
e2e_wait 'スタッフメニュー' >/dev/null
e2e_keys 1
e2e_wait '患者番号：' >/dev/null
e2e_tmux send-keys -l 'P-300'
e2e_keys Tab
for i in $(seq 12); do e2e_keys BSpace; done
e2e_tmux send-keys -l 'nurse-5'
e2e_keys Tab 7
e2e_check 'no session without a chosen profile' e2e_wait '妊娠の可能性があるかどうかを選んでください'
e2e_check 'still the form' e2e_wait '新しい同意セッション'
e2e_keys 4
e2e_check 'the profile chosen' e2e_wait '[x] 妊娠の可能性がない'
e2e_keys 7
e2e_check 'the session starts' e2e_wait ' / '
e2e_keys F12
e2e_wait 'PIN:' >/dev/null
e2e_tmux send-keys -l 246813
e2e_keys Enter
e2e_wait '1  このセッションを終える' >/dev/null
e2e_keys 1
e2e_check 'ended by staff' e2e_wait '中断として記録しました'
e2e_keys 1
e2e_check 'the next patient: the staff ID as typed last' e2e_wait 'スタッフID：nurse-5'
e2e_keys Escape

# ---- today's sessions ----
e2e_wait 'スタッフメニュー' >/dev/null
e2e_keys 2
e2e_check "today's sessions" e2e_wait '今日のセッション'
e2e_check 'a stopped session with its reason' \
	bash -c 'tmux -S "$1" capture-pane -p | grep -q "P-200  妊娠の可能性がない  中止（スタッフ呼び出し）" &&
		 tmux -S "$1" capture-pane -p | grep -q "q-x: 3 wrong answers, please call staff"' _ "$E2E_SOCK"
e2e_check 'the session ended by staff, newest first' \
	bash -c '[ "$(tmux -S "$1" capture-pane -p | grep -n "P-" | head -1 | grep -c "P-300.*中断")" = 1 ]' _ "$E2E_SOCK"
e2e_tmux send-keys -l "$code"
e2e_keys Enter
e2e_check 'found by the receipt code the patient saw' e2e_wait "セッション 1（受付番号 $code）"
e2e_keys PageDown
e2e_check 'its answers, numbered as the patient pressed them' \
	e2e_wait 'q-x  attempt 2  right  choice 1 "the first"'
e2e_check 'with the time in the kiosk zone' e2e_wait '+09:00'
e2e_click_text 'スタッフが確認する'
e2e_check 'countersign: the staff ID asked' e2e_wait 'スタッフIDを入力して'
e2e_check 'countersign: the staff ID typed last is ready' e2e_wait 'スタッフID：nurse-5'
e2e_keys Enter
e2e_check 'countersigned, back on the record' e2e_wait 'スタッフの確認を記録しました。'
e2e_check 'records show has it' bash -c '"$1" records show 1 --db "$2" | grep -q "^  nurse-5  at .* +09:00  link #"' _ "$ISOKIOSK" "$db"
e2e_click_text '一覧に戻る'
e2e_wait '今日のセッション' >/dev/null
e2e_click_text 'P-200'
e2e_check 'a touched row opens its session' e2e_wait 'セッション 2（受付番号'
e2e_check 'and its reason' e2e_wait 'Reason:             q-x: 3 wrong answers'
e2e_keys Escape
e2e_wait '今日のセッション' >/dev/null
e2e_keys Escape   # clears the search, shows today's sessions
e2e_wait_gone "受付番号か患者番号： $code" >/dev/null
e2e_keys Escape
e2e_wait 'スタッフメニュー' >/dev/null
e2e_keys 9 2
e2e_check 'exit after the question' e2e_wait_dead
e2e_check 'nothing on stderr' test ! -s "$E2E_TMP/stderr"

# The smallest screen, 40x12: every item whole, the open flags' count too
# (the short forms of the two longest labels).
e2e_start 40 12 run --config "$E2E_TMP/k.conf" --content "$E2E_TMP/content" --db "$db"
e2e_wait '1  日本語' >/dev/null
e2e_keys F12
e2e_wait 'PIN:' >/dev/null
e2e_keys 2 4 6 8 1 3 Enter
e2e_wait '1  新しい同意セッション' >/dev/null
e2e_wait '7  再診' >/dev/null
row() { bash -c 'tmux -S "$1" capture-pane -p | grep -qxE "$2"' _ "$E2E_SOCK" "$1"; }
e2e_check '40x12: today'"'"'s sessions, whole (the short form)' row ' *2  今日のセッション *'
e2e_check '40x12: follow-ups with the open flags'"'"' count, whole' \
	row ' *7  再診・検査・知らせ：未対応 0 件 *'
e2e_keys 9 2
e2e_check '40x12: exit' e2e_wait_dead
e2e_check '40x12: nothing on stderr' test ! -s "$E2E_TMP/stderr"
e2e_end
