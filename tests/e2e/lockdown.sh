#!/usr/bin/env bash
# Lockdown: Ctrl-C, Ctrl-Z, Ctrl-\, Esc sequences and random bytes at every
# state leave the kiosk running and drawn correctly; a paste or a modified
# key at a quiz question records nothing; SIGINT, SIGQUIT and
# SIGTSTP are ignored; SIGTERM ends it cleanly with the terminal restored.
. "$(dirname "$0")/lib.sh"

n=$(e2e_nscreens ja)
printf '246813\n246813\n' | "$ISOKIOSK" staff set-pin --config "$E2E_TMP/k.conf" >/dev/null
cp "$E2E_TMP/k.conf" "$E2E_TMP/i.conf"
# No idle warning in the middle of the other states (slow machines)...
printf 'idle_timeout = 600\n' >>"$E2E_TMP/k.conf"
# ... and one that comes soon and stays, for the idle-warning state.
printf 'idle_timeout = 5\nidle_warning = 600\n' >>"$E2E_TMP/i.conf"
# The quiz session: no PIN (a kiosk with one refuses consent sessions on
# the bundled sample clinic.conf).
printf 'idle_timeout = 600\n' >"$E2E_TMP/q.conf"

# Deterministic junk: control bytes, broken escape sequences, bytes that are
# not UTF-8, printable characters. No F12 (the staff key) can form by chance
# since its sequence is removed.
junk() {
	python3 -c '
import random, sys
r = random.Random(int(sys.argv[1]))
b = bytearray(r.randrange(256) for _ in range(150))
b += b"\x1b[\x1b[1;5\x1bO\x1b[<0;999;999M\x1b[<65;1;1M\x1b]0;x\x07\x1b[200~"
b = bytes(b).replace(b"\x1b[24~", b"")
sys.stdout.write(b.hex())' "$1"
}
send_junk() {
	local hex
	hex=$(junk "$1" | sed 's/../& /g')
	# shellcheck disable=SC2086
	e2e_tmux send-keys -H $hex
}
# Control keys: they are keys, and mean nothing.
send_controls() {
	e2e_keys C-c C-z 'C-\' C-d C-s C-q C-o C-v C-y
	sleep 0.3
}
# Escape sequences, whole and broken: a lone Esc is the Back key, so the
# state may change; the kiosk must stay up and drawn.
send_escapes() {
	e2e_bytes $'\033[' ; e2e_bytes $'\033[1;2' ; e2e_bytes $'\033O'
	e2e_bytes $'\033[99~\033[1;9Z\033[M!!!'
	sleep 0.3
}
# Drawn correctly: alive, a known screen, nothing past 80 columns, no stray
# escape characters or mouse reports visible.
drawn_ok() {
	local s
	e2e_alive || { echo '# the kiosk ended'; return 1; }
	sleep 0.3
	s=$(e2e_screen)
	printf '%s\n' "$s" | grep -qE "$1" || { echo "# expected /$1/"; e2e_show; return 1; }
	printf '%s\n' "$s" | grep -qE $'\033|\\^\\[|\\[<|\uFFFD' && { echo '# junk on screen'; e2e_show; return 1; }
	[ "$(e2e_maxwidth)" -le 80 ] || { echo '# drawn past the edge'; return 1; }
	return 0
}
known=".*(/ $n|日本語|目次|PIN|スタッフ|大きく|戻ります|言語)"
at_state() { # NAME REGEX SEED [RESTART-CMD]
	send_controls
	e2e_check "$1: Ctrl-C, Ctrl-Z, Ctrl-\\ ... change nothing" drawn_ok "$2"
	send_escapes
	e2e_check "$1: escape sequences" drawn_ok "$known"
	send_junk "$3"
	e2e_check "$1: random bytes" drawn_ok "$known"
}

e2e_start 80 24 run --config "$E2E_TMP/k.conf"
e2e_wait '1  日本語' >/dev/null
at_state welcome '1  日本語' 1
e2e_keys Escape; sleep 0.2
e2e_tmux respawn-pane -k "exec $(printf '%q ' "$ISOKIOSK") run --config $E2E_TMP/k.conf"
e2e_wait '1  日本語' >/dev/null
e2e_keys 1; e2e_wait " 1 / $n" >/dev/null
at_state screen "/ $n" 2
e2e_tmux respawn-pane -k "exec $(printf '%q ' "$ISOKIOSK") run --config $E2E_TMP/k.conf"
e2e_wait '1  日本語' >/dev/null
e2e_keys 1 m; e2e_wait ' 3. ' >/dev/null
at_state menu '目次' 3
e2e_tmux respawn-pane -k "exec $(printf '%q ' "$ISOKIOSK") run --config $E2E_TMP/k.conf"
e2e_wait '1  日本語' >/dev/null
e2e_keys 1 m; e2e_wait ' 3. ' >/dev/null; e2e_click_text '言語'
e2e_wait '言語' >/dev/null
at_state language '言語' 4
e2e_tmux respawn-pane -k "exec $(printf '%q ' "$ISOKIOSK") run --config $E2E_TMP/k.conf"
e2e_wait '1  日本語' >/dev/null
e2e_keys 1; e2e_tmux resize-window -x 30 -y 8
e2e_wait '大きく' >/dev/null
at_state too-small '大きく' 5
e2e_tmux resize-window -x 80 -y 24
# the screen back before F12: a key read before the resize would race it
e2e_wait " 1 / $n" >/dev/null
# the junk ended inside a bracketed paste that never ends: the kiosk drops
# it after INPUT_PASTE_MS (1 s) without a byte, and keys sent before that
# are part of the paste (F12 was lost so once, in the fresh-machine run)
sleep 1.5
e2e_keys F12
e2e_wait 'PIN:' >/dev/null
at_state staff-pin 'PIN:|スタッフ' 6
e2e_keys Escape
e2e_tmux respawn-pane -k "exec $(printf '%q ' "$ISOKIOSK") run --config $E2E_TMP/i.conf"
e2e_wait '1  日本語' >/dev/null
e2e_keys 1
e2e_check 'idle-warning reached' e2e_wait '秒で最初の画面に戻ります' 15
send_controls   # any key dismisses the warning: that is its job
e2e_check 'idle-warning: control keys resume the screen' drawn_ok " 1 / $n"
e2e_wait '秒で最初の画面に戻ります' 15 >/dev/null
send_junk 7
e2e_check 'idle-warning: random bytes' drawn_ok ".*(/ $n|日本語|目次|戻ります)"
# The staff menu: only keys that are not its own choices. (The junk above
# made wrong PINs, which the kiosk remembers: forgotten first.)
rm -f "$E2E_TMP/.local/share/isokiosk/pin-state"
e2e_tmux respawn-pane -k "exec $(printf '%q ' "$ISOKIOSK") run --config $E2E_TMP/k.conf"
e2e_wait '1  日本語' >/dev/null
e2e_keys F12 2 4 6 8 1 3 Enter
e2e_wait 'スタッフメニュー' >/dev/null
e2e_keys C-c C-z 'C-\' C-d
e2e_check 'staff-menu: control keys' drawn_ok 'スタッフメニュー'

# A quiz question: a bracketed paste of answers and Enters, modifyOtherKeys
# and CSI u (Ctrl-2, Ctrl-Enter, Alt-1), the same behind a C1 CSI, and a
# paste that never ends answer nothing and record nothing; then a plain 1
# still answers.
answers() { # the answers recorded in session 1
	"$ISOKIOSK" records show 1 --db "$E2E_TMP/lock.db" | grep -c ' attempt [0-9]'
}
e2e_start 80 24 run --config "$E2E_TMP/q.conf" --db "$E2E_TMP/lock.db" \
	--patient L-1 --profile pregnancy
for i in $(seq 1 "$n"); do
	e2e_wait " $i / $n" >/dev/null
	e2e_keys End Right
done
e2e_check 'quiz: a question' e2e_wait '答えにふれるか'
e2e_bytes $'\033[200~1\r2\r3\r\n\033[201~'
e2e_bytes $'\033[27;5;50~\033[27;5;13~\033[27;3;49~\033[49;5u\033[13;5u'
e2e_bytes $'\xc2\x9b27;5;49~\x9b200~2\r\033[201~'
e2e_bytes $'\033[200~1\r'
sleep 1.5
e2e_check 'quiz: paste and modified keys: still the question' drawn_ok '答えにふれるか'
e2e_check 'quiz: paste and modified keys: nothing recorded' test "$(answers)" = 0
e2e_keys 1
e2e_check 'quiz: a plain 1 still answers' e2e_wait '正解'
e2e_check 'quiz: and is recorded' test "$(answers)" = 1

# Signals: INT, QUIT, TSTP ignored; TERM and HUP end cleanly.
for sig in TERM HUP; do
	e2e_start_wrapped 80 24 run --config "$E2E_TMP/k.conf"
	e2e_wait '1  日本語' >/dev/null
	e2e_keys 1
	e2e_wait " 1 / $n" >/dev/null
	pid=$(e2e_child_pid)
	kill -INT "$pid"; kill -QUIT "$pid"; kill -TSTP "$pid"
	e2e_check 'SIGINT, SIGQUIT, SIGTSTP ignored' drawn_ok " 1 / $n"
	kill -"$sig" "$pid"
	e2e_check "SIG$sig ends the kiosk with status 0" e2e_wait 'exit=0'
	flags=$(e2e_modes)
	echo "# alternate screen, SGR mouse, mouse, cursor: $flags"
	e2e_check "SIG$sig: terminal restored (normal screen, mouse off, cursor on)" test "$flags" = 0001
done
e2e_end
