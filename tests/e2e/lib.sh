# Shared helpers of the end-to-end tests: the kiosk in a real terminal (tmux),
# driven by keys and SGR mouse reports, checked by capturing the screen.
#
#   . "$(dirname "$0")/lib.sh"
#   e2e_start 80 24 run --config "$E2E_TMP/conf"
#   e2e_wait '1  日本語' || e2e_fail 'welcome'
#   e2e_keys 1; e2e_click_text '次へ'; e2e_ok 'first screen'
#   e2e_end
#
# Every tmux call uses a private socket and a config of our own
# (remain-on-exit, so a program that ended can still be captured). Waiting
# polls every 0.1 s up to E2E_TIMEOUT seconds and prints the screen on
# time-out. Output is TAP; the script exits non-zero if anything failed.

set -u
: "${ISOKIOSK:=$(cd "$(dirname "$0")/../.." && pwd)/build/src/isokiosk}"
: "${E2E_TIMEOUT:=10}"
export LC_ALL=${LC_ALL:-C.UTF-8}
E2E_TMP=$(mktemp -d /tmp/isokiosk-e2e.XXXXXX)
E2E_SOCK="$E2E_TMP/tmux.0.sock"
E2E_RUNS=0
E2E_N=0
E2E_FAILED=0
# No user or system configuration leaks into a test.
export HOME="$E2E_TMP" XDG_CONFIG_HOME="$E2E_TMP/xdg" ISOKIOSK_CONFIG="$E2E_TMP/none.conf"
cat >"$E2E_TMP/tmux.conf" <<'CONF'
set -g remain-on-exit on
set -g history-limit 5000
set -g default-terminal tmux-256color
set -g escape-time 0
CONF

e2e_tmux() {
	tmux -S "$E2E_SOCK" -f "$E2E_TMP/tmux.conf" "$@"
}

# A fresh server on a fresh socket: an old server that is still going away
# would otherwise unlink the new one's socket.
e2e_new_server() {
	e2e_tmux kill-server >/dev/null 2>&1
	E2E_RUNS=$((E2E_RUNS + 1))
	E2E_SOCK="$E2E_TMP/tmux.$E2E_RUNS.sock"
}

e2e_cleanup() {
	e2e_tmux kill-server >/dev/null 2>&1
	rm -rf "$E2E_TMP"
}
trap e2e_cleanup EXIT

# e2e_start W H ARGS...: run "$ISOKIOSK ARGS..." in a fresh W x H pane.
e2e_start() {
	local w=$1 h=$2 cmd
	shift 2
	e2e_new_server
	cmd=$(printf '%q ' ${E2E_WRAP:-} "$ISOKIOSK" "$@")
	e2e_tmux new-session -d -x "$w" -y "$h" "exec $cmd 2>$E2E_TMP/stderr"
}

# The visible screen (with -S -: the scrollback too).
e2e_screen() {
	e2e_tmux capture-pane -p "$@"
}

e2e_format() {
	e2e_tmux display-message -p "$1"
}

e2e_alive() {
	[ "$(e2e_format '#{pane_dead}')" = 0 ]
}

e2e_show() {
	e2e_screen | sed 's/^/# | /'
	[ -s "$E2E_TMP/stderr" ] && sed 's/^/# stderr: /' "$E2E_TMP/stderr"
	return 0
}

# e2e_wait TEXT [SECONDS]: poll until the screen shows TEXT (fixed string).
e2e_wait() {
	local want=$1 limit=${2:-$E2E_TIMEOUT} i=0
	while [ "$i" -lt $((limit * 10)) ]; do
		e2e_screen | grep -qF -- "$want" && return 0
		sleep 0.1
		i=$((i + 1))
	done
	echo "# timed out after ${limit}s waiting for: $want"
	e2e_show
	return 1
}

# e2e_wait_gone TEXT [SECONDS]: poll until TEXT is no longer shown.
e2e_wait_gone() {
	local want=$1 limit=${2:-$E2E_TIMEOUT} i=0
	while [ "$i" -lt $((limit * 10)) ]; do
		e2e_screen | grep -qF -- "$want" || return 0
		sleep 0.1
		i=$((i + 1))
	done
	echo "# timed out after ${limit}s waiting for this to go: $want"
	e2e_show
	return 1
}

# e2e_wait_dead [SECONDS]: poll until the program has ended.
e2e_wait_dead() {
	local limit=${1:-$E2E_TIMEOUT} i=0
	while [ "$i" -lt $((limit * 10)) ]; do
		e2e_alive || return 0
		sleep 0.1
		i=$((i + 1))
	done
	echo "# timed out after ${limit}s waiting for the program to end"
	e2e_show
	return 1
}

# Keys by tmux name (Right, Escape, C-c, F12, ...).
e2e_keys() {
	e2e_tmux send-keys "$@"
}

# Bytes, as they are, to the program (escape sequences, junk).
e2e_bytes() {
	local hex
	hex=$(printf '%s' "$1" | od -An -tx1 -v)
	# shellcheck disable=SC2086
	e2e_tmux send-keys -H $hex
}

# e2e_click X Y: an SGR 1006 press and release at 0-based cell X, Y.
e2e_click() {
	e2e_bytes "$(printf '\033[<0;%d;%dM\033[<0;%d;%dm' $(($1 + 1)) $(($2 + 1)) $(($1 + 1)) $(($2 + 1)))"
}

# e2e_find TEXT: "X Y" of the first place TEXT is shown (display columns).
e2e_find() {
	e2e_screen | python3 -c '
import sys, unicodedata
want = sys.argv[1]
def width(s):
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in s)
for y, line in enumerate(sys.stdin.read().split("\n")):
    i = line.find(want)
    if i >= 0:
        print(width(line[:i]) + width(want) // 2, y)
        sys.exit(0)
sys.exit(1)' "$1"
}

# e2e_click_text TEXT: click the middle of TEXT where it is shown.
e2e_click_text() {
	local xy i=0
	until xy=$(e2e_find "$1"); do
		i=$((i + 1))
		[ "$i" -ge $((E2E_TIMEOUT * 10)) ] && { echo "# not on screen: $1"; e2e_show; return 1; }
		sleep 0.1
	done
	# shellcheck disable=SC2086
	e2e_click $xy
}

e2e_ok() {
	E2E_N=$((E2E_N + 1))
	echo "ok $E2E_N - $1"
}

e2e_fail() {
	E2E_N=$((E2E_N + 1))
	E2E_FAILED=$((E2E_FAILED + 1))
	echo "not ok $E2E_N - $1"
}

# e2e_check DESC CMD...: ok if CMD succeeds.
e2e_check() {
	local desc=$1
	shift
	if "$@"; then e2e_ok "$desc"; else e2e_fail "$desc"; fi
}

e2e_end() {
	echo "1..$E2E_N"
	[ "$E2E_FAILED" -eq 0 ]
	exit $?
}

# The number of screens in a language's manifest.
e2e_nscreens() {
	grep -cvE '^(#|$|[a-z]+:)' "${SOURCE_ROOT:-$(dirname "$0")/../..}/content/$1/manifest"
}

# The widest line of the screen, in display columns.
e2e_maxwidth() {
	e2e_screen | python3 -c '
import sys, unicodedata
print(max(sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in l)
          for l in sys.stdin.read().split("\n")))'
}

# Line N (0-based) of the screen, first CHARS characters, trimmed.
e2e_line() {
	e2e_screen | python3 -c '
import sys
lines = sys.stdin.read().split("\n")
n, k = int(sys.argv[1]), int(sys.argv[2])
print(lines[n][:k].strip(" |") if n < len(lines) else "")' "$1" "${2:-200}"
}

# e2e_start_wrapped W H ARGS...: like e2e_start, but a shell stays after the
# program and prints "exit=STATUS", so the terminal's modes after the exit
# can be checked on a live pane (tmux resets a dead pane's cursor).
e2e_start_wrapped() {
	local w=$1 h=$2 cmd
	shift 2
	e2e_new_server
	cmd=$(printf '%q ' ${E2E_WRAP:-} "$ISOKIOSK" "$@")
	e2e_tmux new-session -d -x "$w" -y "$h" \
		"$cmd 2>$E2E_TMP/stderr; echo exit=\$?; exec sleep 600"
}

# The pid of the program under the wrapper shell.
e2e_child_pid() {
	pgrep -P "$(e2e_format '#{pane_pid}')" | head -1
}

# Terminal modes: alternate screen, SGR mouse, mouse, cursor visible.
e2e_modes() {
	e2e_format '#{alternate_on}#{mouse_sgr_flag}#{mouse_standard_flag}#{cursor_flag}'
}
