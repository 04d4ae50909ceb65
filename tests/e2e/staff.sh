#!/usr/bin/env bash
# Staff: set a PIN (6 digits at least; the config keeps its owner, group and
# mode); the staff key asks for it; wrong PINs wait longer each time, and
# are remembered across a restart; after 10 the PIN is locked until `staff
# unlock`; the right PIN opens the staff menu; exit restores the terminal.
. "$(dirname "$0")/lib.sh"

out=$(printf '246813\n246813\n' | "$ISOKIOSK" staff set-pin --config "$E2E_TMP/k.conf")
e2e_check 'staff set-pin stores a hash' grep -q '^staff_pin_hash = \$argon2id\$' "$E2E_TMP/k.conf"
e2e_check 'set-pin says where' test "$out" = "staff PIN set in $E2E_TMP/k.conf"
e2e_check 'the PIN itself is not stored' bash -c '! grep -q 246813 "$1"' _ "$E2E_TMP/k.conf"
e2e_check 'the config is private (0600)' test "$(stat -c %a "$E2E_TMP/k.conf")" = 600
printf '12\n12\n' | "$ISOKIOSK" staff set-pin --config "$E2E_TMP/bad.conf" 2>/dev/null
e2e_check 'a too short PIN is refused' test ! -e "$E2E_TMP/bad.conf"
printf '1234\n1234\n' | "$ISOKIOSK" staff set-pin --config "$E2E_TMP/bad.conf" 2>"$E2E_TMP/err"
e2e_check 'a 4-digit PIN is refused' test ! -e "$E2E_TMP/bad.conf"
e2e_check 'and says so' grep -q 'a PIN is 6 to 16 digits' "$E2E_TMP/err"
# The file the kiosk runs with keeps its owner, group and mode.
cp "$E2E_TMP/k.conf" "$E2E_TMP/shared.conf"
chmod 640 "$E2E_TMP/shared.conf"
if [ "$(id -u)" = 0 ]; then chown 4321:4322 "$E2E_TMP/shared.conf"; fi
before=$(stat -c '%u:%g %a' "$E2E_TMP/shared.conf")
printf '135792\n135792\n' | "$ISOKIOSK" staff set-pin --config "$E2E_TMP/shared.conf" >/dev/null
e2e_check "set-pin keeps owner, group and mode ($before)" \
	test "$(stat -c '%u:%g %a' "$E2E_TMP/shared.conf")" = "$before"

e2e_start_wrapped 80 24 run --config "$E2E_TMP/k.conf"
e2e_wait '1  日本語' >/dev/null
e2e_check 'no demo mode with a PIN' bash -c '! tmux -S "$1" capture-pane -p | grep -q デモ' _ "$E2E_SOCK"
e2e_keys 1 F12
e2e_check 'the staff key asks for the PIN' e2e_wait 'PIN:'
e2e_keys 1 1 1 1 1 1
e2e_check 'the PIN is not shown' e2e_wait 'PIN: ******'
e2e_keys Enter
# Each wrong PIN is counted on screen; the count stays through the wait and
# after it. The waits themselves (1, 2, 4 seconds, typing ignored meanwhile)
# are checked in test-kiosk with the kiosk's clock in the test's hands: a
# one-second message polled in a terminal is missed on a loaded machine,
# where checking the PIN alone can take longer than the wait.
e2e_check 'wrong PIN: counted (1)' e2e_wait '（まちがい 1 回）'
e2e_check 'after the wait: try again, still counted' e2e_wait 'もう一度入力してください（まちがい 1 回）' 10
e2e_keys 9 9 9 9 9 9 Enter
e2e_check 'second wrong PIN: counted (2)' e2e_wait '（まちがい 2 回）'
e2e_wait 'もう一度入力してください（まちがい 2 回）' 10 >/dev/null
# A restart (a crash: SIGKILL) forgets nothing.
kill -KILL "$(e2e_child_pid)"
e2e_wait 'exit=137' >/dev/null
e2e_start_wrapped 80 24 run --config "$E2E_TMP/k.conf"
e2e_wait '1  日本語' >/dev/null
e2e_keys 1 F12
e2e_check 'after a restart: still 2 wrong PINs' e2e_wait '（まちがい 2 回）'
e2e_wait 'もう一度入力してください（まちがい 2 回）' 10 >/dev/null
e2e_keys 5 5 5 5 5 5 Enter
e2e_check 'third wrong PIN: counted (3)' e2e_wait '（まちがい 3 回）'
e2e_wait 'もう一度入力してください（まちがい 3 回）' 15 >/dev/null
e2e_keys 2 4 6 8 1 3 Enter
e2e_check 'the right PIN opens the staff menu' e2e_wait 'スタッフメニュー'
e2e_check 'staff menu: exit, last' e2e_wait '4  キオスクを終了する'
e2e_check 'staff menu: reload' e2e_wait '2  コンテンツを読み直す'
e2e_keys 2
e2e_check 'reload content' e2e_wait 'コンテンツを読み直しました。'
e2e_keys 1
e2e_check 'start language switches' e2e_wait '最初の言語：English'
e2e_keys 4
e2e_check 'exit asks first' e2e_wait 'キオスクを終了しますか'
e2e_keys Enter
e2e_check 'Enter at the question stays' e2e_wait_gone 'キオスクを終了しますか'
e2e_check 'still running' e2e_alive
e2e_keys 4 2
e2e_check 'exit: the program ends with status 0' e2e_wait 'exit=0'
flags=$(e2e_modes)
echo "# alternate screen, SGR mouse, mouse, cursor: $flags"
e2e_check 'terminal restored (normal screen, mouse off, cursor on)' test "$flags" = 0001

# Ten wrong PINs in a row lock the PIN (the state of nine written as the
# kiosk writes it: the waits of a real run add up to minutes); only `staff
# unlock` from a shell lifts it.
state="$E2E_TMP/.local/share/isokiosk/pin-state"
printf 'isokiosk-pin-state 1\nfails 9\nwait_until 0\nlocked 0\n' >"$state"
e2e_start_wrapped 80 24 run --config "$E2E_TMP/k.conf"
e2e_wait '1  日本語' >/dev/null
e2e_keys 1 F12
e2e_wait '（まちがい 9 回）' >/dev/null
e2e_keys 1 1 1 1 1 1 Enter
e2e_check 'the tenth wrong PIN locks' e2e_wait 'ロックしました'
e2e_keys 2 4 6 8 1 3 Enter
sleep 0.5
e2e_check 'locked: the right PIN does nothing' bash -c '! tmux -S "$1" capture-pane -p | grep -q スタッフメニュー' _ "$E2E_SOCK"
e2e_keys Escape
if [ "$(id -u)" = 0 ]; then
	out=$("$ISOKIOSK" staff unlock --config "$E2E_TMP/k.conf")
	e2e_check "staff unlock says what it did ($out)" \
		test "$out" = "staff PIN unlocked: 10 wrong PINs forgotten ($state)"
	e2e_keys F12
	e2e_wait 'PIN:' >/dev/null
	e2e_keys 2 4 6 8 1 3 Enter
	e2e_check 'unlocked: the right PIN opens the staff menu' e2e_wait 'スタッフメニュー'
	# a copy that anyone may run: the build can sit in a home only root
	# enters (/root on a fresh machine), and the sanitizers' suppression
	# file with it
	nb=$(mktemp -d /tmp/isokiosk-nobody.XXXXXX)
	chmod 755 "$nb"
	cp "$ISOKIOSK" "$nb/isokiosk"
	out=$(cd / && env ASAN_OPTIONS=detect_leaks=0 LSAN_OPTIONS= \
		setpriv --reuid=65534 --regid=65534 --clear-groups "$nb/isokiosk" \
		staff unlock --config "$E2E_TMP/k.conf" 2>&1)
	rm -rf "$nb"
	e2e_check 'staff unlock is refused to anyone but root' \
		test "$out" = "isokiosk staff unlock: only root may lift the PIN lock (run it as root, e.g. with sudo)"
else
	echo "# not root: staff unlock is root's; not tried"
fi
e2e_end
