#!/usr/bin/env bash
# The records database on a full file system (a small tmpfs; root needed):
# a write that cannot be made durable is reported (a clear "disk is full"
# error, no crash), what was reported saved is there and nothing else is,
# the records can still be read, and once space returns the same session is
# saved, completed and sealed, and the chain verifies. Prints TAP; skips
# (with the reason) only where mounting a tmpfs is impossible.
#
# usage: full-disk.sh STORE_DRIVE   (ISOKIOSK: the binary)
set -u
drive=$1
: "${ISOKIOSK:?}"
. "$(dirname "$0")/tap.sh"

tmp=$(mktemp -d)
mnt=$tmp/mnt
mkdir "$mnt"
if [ "$(id -u)" -ne 0 ] || ! mount -t tmpfs -o size=8m,mode=0700 isokiosk-full "$mnt" 2>"$tmp/err"; then
	echo "1..0 # SKIP cannot mount a tmpfs here ($(id -un): $(head -1 "$tmp/err" 2>/dev/null))"
	rm -rf "$tmp"
	exit 0
fi
trap 'umount "$mnt" 2>/dev/null; rm -rf "$tmp"' EXIT
# a home of its own: a kiosk key in the user's (~/.config/isokiosk/
# kiosk.key, left by any `isokiosk sync` run there) would sign these
# chains and fail the test
export HOME=$tmp XDG_CONFIG_HOME=$tmp/xdg ISOKIOSK_KEY=$tmp/no-such.key
db=$mnt/records.db
N=200

# Phase 1: a session starts, the disk fills, the patient keeps answering.
{
	printf 'begin\t患者 全容量\n'
	printf 'screen\t1\twhat-is\t5000\n'
	printf 'answer\t1\tq-a\t1\t0\tA\t1\n'
	printf 'fill\t%s\n' "$mnt/filler"
	for i in $(seq 1 $N); do printf 'answer\t1\tq-f%d\t1\t0\tX\t0\n' "$i"; done
} | "$drive" "$db" 1795244400000 >"$tmp/phase1" 2>&1
st=$?
cp "$tmp/phase1" "$tmp/out"
t "phase 1: no crash (exit 0 or 1, not a signal)" [ $st -le 1 ]
t "phase 1: the session and the first answer were saved" \
	eval '[ "$(sed -n 1p "$tmp/out")" = "ok 1" ] && [ "$(sed -n 3p "$tmp/out")" = ok ]'
t "phase 1: the file system was filled" [ "$(sed -n 4p "$tmp/out")" = ok ]
tail -n +5 "$tmp/phase1" >"$tmp/answers"
nerr=$(grep -c '^error: ' "$tmp/answers")
nok=$(grep -c '^ok$' "$tmp/answers")
cp "$tmp/answers" "$tmp/out"
t "phase 1: writes on the full disk fail ($nerr of $N)" [ "$nerr" -gt 0 ]
t "phase 1: every failure says the disk is full" \
	eval '[ "$(grep -c "^error: recording the answer: database or disk is full (the disk is full: free space, then try again)$\|^error: saving the record: database or disk is full (the disk is full: free space, then try again)$" "$tmp/answers")" -eq "$nerr" ]'
t "phase 1: every answer was answered (ok or error)" [ $((nok + nerr)) -eq $N ]

# While the disk is full: the records can be read, and hold exactly what
# was reported saved.
"$ISOKIOSK" records show 1 --db "$db" >"$tmp/show" 2>&1; st=$?
cp "$tmp/show" "$tmp/out"
t "full disk: records show works" [ $st -eq 0 ]
want=$(awk '$0 == "ok" { printf "q-f%d\n", NR }' "$tmp/answers")
got=$(grep -oE '^  q-f[0-9]+' "$tmp/show" | tr -d ' ')
t "full disk: the saved answers are those reported saved ($nok), no other" \
	[ "$want" = "$got" ]
"$ISOKIOSK" records verify --db "$db" >"$tmp/out" 2>&1; st=$?
t "full disk: records verify works (chain holds, session open)" \
	eval '[ $st -eq 0 ] && grep -q "^session 1: still open" "$tmp/out"'
printf 'begin\tX\n' | "$drive" "$mnt/new.db" >"$tmp/out" 2>&1; st=$?
t "full disk: a new database is refused with a clear error, no crash" \
	eval '[ $st -eq 1 ] && grep -qi "full\|no space" "$tmp/out"'

# Phase 2: space returns; the same calls save the rest of the session.
{
	printf 'unfill\t%s\n' "$mnt/filler"
	for i in $(seq 1 $N); do printf 'answer\t1\tq-f%d\t1\t0\tX\t0\n' "$i"; done
	printf 'ack\t1\tack-a\t記録は失われない。\n'
	printf 'sign\t1\tpatient\t患者 全容量\tpatient acknowledgement\n'
	printf 'end\t1\tcompleted\n'
} | STORE_DRIVE_NO_RECOVER=1 "$drive" "$db" 1795248000000 >"$tmp/out" 2>&1
st=$?
t "space back: every call succeeds" eval '[ $st -eq 0 ] && [ "$(grep -cx ok "$tmp/out")" -eq $((N + 4)) ]'
"$ISOKIOSK" records show 1 --db "$db" >"$tmp/out" 2>&1
t "space back: the session is whole: $((N + 1)) attempts, completed, sealed" \
	eval 'grep -q "^Quiz attempts: *$((N + 1))$" "$tmp/out" && grep -q "^Outcome: *completed$" "$tmp/out" && grep -q "^Seal: *link #1, matches this record$" "$tmp/out"'
"$ISOKIOSK" records verify --db "$db" >"$tmp/out" 2>&1; st=$?
t "space back: the chain verifies" eval '[ $st -eq 0 ] && grep -q "^chain holds: 1 sessions, 1 links" "$tmp/out"'

tap_done
