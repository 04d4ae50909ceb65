#!/usr/bin/env bash
# A kiosk killed (SIGKILL) in the middle of a session: every answer it was
# told was saved is there, at most the one in flight is lost (or kept), and
# the next start seals the session as abandoned, ended at its last recorded
# event; the chain verifies. (SIGKILL leaves the OS buffers alone: a power
# cut is the VFS failure seam's part, in the unit tests.) Prints TAP.
#
# usage: crash.sh STORE_DRIVE   (ISOKIOSK: the binary)
set -u
drive=$1
: "${ISOKIOSK:?}"
. "$(dirname "$0")/tap.sh"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
db=$tmp/records.db
N=100000

# Answers, each committed durably, as fast as the disk allows; killed
# once a few hundred are in.
{
	printf 'begin\t患者 停電\n'
	for i in $(seq 1 $N); do printf 'answer\t1\tq-%d\t1\t0\tX\t1\n' "$i"; done
} >"$tmp/script"
"$drive" "$db" <"$tmp/script" >"$tmp/acked" 2>&1 &
pid=$!
for _ in $(seq 1 300); do
	[ "$(wc -l <"$tmp/acked")" -ge 300 ] && break
	sleep 0.05
done
kill -KILL $pid
wait $pid 2>/dev/null
acked=$(($(grep -cx ok "$tmp/acked")))
cp "$tmp/acked" "$tmp/out"
t "killed mid-session after $acked acknowledged answers" \
	eval '[ "$acked" -ge 1 ] && [ "$acked" -lt $N ] && [ "$(head -1 "$tmp/acked")" = "ok 1" ]'

# The next start (a kiosk opening the database) seals it as abandoned.
"$drive" "$db" </dev/null >"$tmp/out" 2>&1
t "the next start opens the database" [ $? -eq 0 ]
"$ISOKIOSK" records show 1 --db "$db" >"$tmp/show" 2>&1
cp "$tmp/show" "$tmp/out"
kept=$(grep -cE '^  q-[0-9]+  attempt 1' "$tmp/show")
t "every acknowledged answer is there, at most the one in flight more ($kept of $acked)" \
	eval '[ "$kept" -eq "$acked" ] || [ "$kept" -eq $((acked + 1)) ]'
t "in order, none missing" \
	eval '[ "$(grep -oE "^  q-[0-9]+" "$tmp/show" | tr -d " q-" | tr "\n" " ")" = "$(seq 1 "$kept" | tr "\n" " ")" ]'
t "sealed as abandoned, found open at start-up" \
	eval 'grep -q "^Outcome: *abandoned$" "$tmp/show" && grep -q "^Reason: *found open at start-up$" "$tmp/show"'
last=$(grep -oE '^  q-[0-9]+  attempt 1  right  choice 1 "X"  order -  at [0-9-]+ [0-9:]+ [+-][0-9:]+$' "$tmp/show" | tail -1 | sed 's/.* at //')
t "ended at its last recorded event" grep -q "^Ended: *$last$" "$tmp/show"
"$ISOKIOSK" records verify --db "$db" >"$tmp/out" 2>&1
t "the chain verifies" eval '[ $? -eq 0 ] && grep -q "^chain holds: 1 sessions, 1 links" "$tmp/out"'

tap_done
