#!/usr/bin/env bash
# The records commands end to end, and tampering with the sqlite3 shell:
# the triggers refuse edits of sealed rows; an attacker who drops them and
# changes, deletes or swaps rows is named by `records verify` (exit 1), one
# line per session concerned, and no untouched session is named.
# Also: list (--since), show (field by field), CSV export, usage errors.
# Prints TAP.
#
# usage: tamper.sh STORE_DRIVE   (ISOKIOSK: the binary)
set -u
drive=$1
: "${ISOKIOSK:?}"
command -v sqlite3 >/dev/null || { echo "1..0 # SKIP the sqlite3 shell is not installed"; exit 0; }

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
. "$(dirname "$0")/tap.sh"

db=$tmp/records.db
printf 'content\tja/what-is.md\t---\\nid: what-is\\n---\\n本文\\n\nsample\t8\n' |
	"$drive" "$db" 1795244400000 >"$tmp/out"
t "eight sessions recorded" eval '[ "$(grep -cx ok "$tmp/out")" -eq 2 ]'


rec() { "$ISOKIOSK" records "$@" >"$tmp/out" 2>&1; }
has() { grep -qE -- "$1" "$tmp/out"; }
lines() { [ "$(grep -cE -- "${2:-.}" "$tmp/out")" -eq "$1" ]; }

rec verify --db "$db"; st=$?
t "verify: an untouched chain holds (exit 0)" [ $st -eq 0 ]
t "verify: says so, with the head link" has '^chain holds: 8 sessions, 9 links, head #9 [0-9a-f]{64}$'

# ---- the triggers ----
for sql in "UPDATE sessions SET patient_ref = 'x' WHERE id = 1" \
	   "DELETE FROM sessions WHERE id = 1" \
	   "UPDATE answers SET correct = 1 WHERE session_id = 1" \
	   "DELETE FROM acks WHERE session_id = 1" \
	   "INSERT INTO acks VALUES(1, 99, 'ack-x', 'h', 't')" \
	   "DELETE FROM verifications"; do
	sqlite3 "$db" "$sql" >"$tmp/out" 2>&1; st=$?
	t "trigger refuses: $sql" [ $st -ne 0 ]
done
rec verify --db "$db"; st=$?
t "verify: still holds after the refused edits" [ $st -eq 0 ]

# ---- tampering, with the triggers dropped as a determined attacker would ----
drop="DROP TRIGGER sessions_sealed; DROP TRIGGER sessions_no_delete;
DROP TRIGGER answers_no_update; DROP TRIGGER answers_no_delete;
DROP TRIGGER acks_no_delete; DROP TRIGGER screens_no_delete;
DROP TRIGGER signatures_no_delete; DROP TRIGGER verifications_no_update;"
# tamper NAME SQL: a copy of the database changed by SQL, verified
tamper() {
	cp "$db" "$tmp/t.db"
	sqlite3 "$tmp/t.db" "$drop $2" >"$tmp/out" 2>&1 || { not_ok "$1: sqlite3"; return 1; }
	rec verify --db "$tmp/t.db"
}

tamper changed "UPDATE sessions SET patient_ref = '改ざん' WHERE id = 3;"; st=$?
t "changed session row: exit 1" [ $st -eq 1 ]
t "changed session row: names session 3 as changed" has '^session 3: .*changed$'
t "changed session row: names nothing else" lines 1 '^session'
rec show 3 --db "$tmp/t.db"
t "changed session row: show says the seal does not match" has '^Seal: +link #4, DOES NOT MATCH this record$'

tamper answer "UPDATE answers SET correct = 1, choice_text = '減る' WHERE session_id = 4 AND seq = 3;"; st=$?
t "changed answer: exit 1, session 4 changed, nothing else" \
	eval '[ $st -eq 1 ] && has "^session 4: .*changed$" && lines 1 "^session"'

tamper ack "DELETE FROM acks WHERE session_id = 6 AND seq = 8;"; st=$?
t "removed acknowledgement: session 6 changed, nothing else" \
	eval '[ $st -eq 1 ] && has "^session 6: .*changed$" && lines 1 "^session"'

tamper removed "DELETE FROM answers WHERE session_id = 5; DELETE FROM acks WHERE session_id = 5;
DELETE FROM screens WHERE session_id = 5; DELETE FROM signatures WHERE session_id = 5;
DELETE FROM sessions WHERE id = 5;"; st=$?
t "removed session: exit 1" [ $st -eq 1 ]
t "removed session: names session 5 as removed" has '^session 5: removed'
t "removed session: names the missing link" has '^link #[0-9]+ of the chain is missing'
t "removed session: names no other session" lines 1 '^session'

tamper removed-last "DELETE FROM sessions WHERE id = 8;"; st=$?
t "removed last session: exit 1, session 8 removed" \
	eval '[ $st -eq 1 ] && has "^session 8: removed"'

# (links: 1, 2, the staff verification of 2 at #3, then session k at #k+1)
tamper swapped "UPDATE sessions SET seal_seq = 100 WHERE id = 6;
UPDATE sessions SET seal_seq = 7 WHERE id = 7;
UPDATE sessions SET seal_seq = 8 WHERE id = 6;"; st=$?
t "swapped chain order: exit 1" [ $st -eq 1 ]
t "swapped chain order: session 6 reordered" has '^session 6: sealed as link #7 but found at #8: reordered$'
t "swapped chain order: session 7 reordered" has '^session 7: sealed as link #8 but found at #7: reordered$'
t "swapped chain order: names nothing else" lines 2 '^session'

tamper swapped-rows "UPDATE sessions SET patient_ref = CASE id WHEN 1 THEN '患者 000002' ELSE '患者 000001' END WHERE id IN (1, 2);"; st=$?
t "swapped patients of two sessions: both changed, nothing else" \
	eval '[ $st -eq 1 ] && has "^session 1: .*changed$" && has "^session 2: .*changed$" && lines 2 "^session"'

tamper unsealed "UPDATE sessions SET seal_hash = NULL, seal_seq = NULL, seal_prev = NULL WHERE id = 4;"; st=$?
t "seal removed: session 4 named" eval '[ $st -eq 1 ] && has "^session 4: ended \(.*\) but its seal is missing"'

tamper text "DROP TRIGGER texts_no_update; UPDATE texts SET text = '献血してもよい。' WHERE text LIKE '確認事項 3%';"; st=$?
t "changed statement text: named, no session named" \
	eval '[ $st -eq 1 ] && has "^stored text [0-9a-f]{16}\.\.\.: does not match its hash: changed$" && lines 0 "^session"'

tamper verification "UPDATE verifications SET staff_id = 'nurse-z';"; st=$?
t "changed staff verification: session 2 (staff verification) changed" \
	eval '[ $st -eq 1 ] && has "^session 2 \(staff verification\): .*changed$" && lines 1 "^session"'

tamper all "UPDATE sessions SET patient_ref = 'x' WHERE id = 3;
DELETE FROM sessions WHERE id = 5;
UPDATE sessions SET seal_seq = 100 WHERE id = 6;"; st=$?
t "several at once: each named" \
	eval '[ $st -eq 1 ] && has "^session 3: .*changed$" && has "^session 5: removed" && has "^session 6: .*reordered$"'

# ---- list, show, export ----
printf 'begin\t"田中, 花子"\nanswer\t9\tq-x\t1\t0\t=1+1\t0\nack\t9\tack-a\t一行目\\n二行目\nsign\t9\tpatient\t田中 花子\tpatient acknowledgement\n' |
	"$drive" "$db" 1795330800000 >"$tmp/out"
t "a ninth session, left open" eval '[ "$(head -1 "$tmp/out")" = "ok 9" ]'

rec list --db "$db"
t "list: a header and one line per session" eval 'lines 1 "^SESSION  STARTED \(\+00:00\) +OUTCOME +CODE +PROFILE +STAFF +PATIENT +REASON$" && lines 9 "^[0-9]  "'
t "list: id, start, outcome, code, profile, staff, patient, reason" has '^2        2026-11-21 07:00 \+00:00  completed  [0-9a-f]{4}-[0-9a-f]{4}  pregnancy     nurse-a  患者 000002   -$'
t "list: the open session" has '^9        2026-11-22 07:00 \+00:00  open       -          pregnancy     nurse-a  "田中, 花子"  -$'
rec list --since 2026-11-21T07:00:30Z --db "$db"
t "list --since a time: 8 sessions" lines 8 "^[0-9]  "
rec list --since 2026-11-22 --db "$db"
t "list --since a date: 1 session" lines 1 "^[0-9]  "

rec show 2 --db "$db"
t "show: session" has '^Session: +2$'
t "show: patient" has '^Patient: +患者 000002$'
t "show: staff" has '^Staff: +nurse-a$'
t "show: content version" has '^Content version: +5f2b9c1d[0-9a-f]{56}$'
t "show: the frozen content files" has '^  ja/what-is\.md  sha256 [0-9a-f]{64}$'
t "show: outcome" has '^Outcome: +completed$'
t "show: every screen" eval 'has "^Screens shown: +10$" && lines 10 "^  [0-9]+\. [a-z-]+  [0-9]+\.[0-9]{3} s  at "'
t "show: every attempt" eval 'has "^Quiz attempts: +7$" && has "^  q-2  attempt 1  wrong  choice 1 \"増える\"  order 3,1,2  at 2026-"'
t "show: every statement with its hash and text" eval 'has "^Acknowledgements: +8$" && lines 8 "^  ack-[0-7]  confirmed at 2026-[0-9-]+ [0-9:]+ [+-][0-9:]+  sha256 [0-9a-f]{64}$" && has "^    \| 確認事項 0: "'
t "show: the signature with its meaning" has '^  patient  患者 000002  "patient acknowledgement"  at 2026-'
t "show: the staff verification" has '^  nurse-b  at 2026-[0-9-]+ [0-9:]+ [+-][0-9:]+  link #3  [0-9a-f]{64}$'
t "show: the seal" eval 'has "^Seal: +link #2, matches this record$" && has "^  previous: +[0-9a-f]{64}$" && has "^  this: +[0-9a-f]{64}$"'
rec show 9 --db "$db"
t "show: an open session" eval 'has "^Outcome: +open$" && has "^Seal: +none \(the session is open\)$" && has "^    \| 一行目$" && has "^    \| 二行目$"'
rec show 1 --db "$db"
t "show: the first link has no previous" has '^  previous: +\(first link\)$'

"$ISOKIOSK" records export --format csv --db "$db" >"$tmp/csv" 2>"$tmp/out"; st=$?
t "export csv: exit 0" [ $st -eq 0 ]
t "export csv: UTF-8 BOM" eval '[ "$(head -c 3 "$tmp/csv" | od -An -tx1 | tr -d " ")" = efbbbf ]'
t "export csv: CRLF on every line, 10 lines" eval '[ "$(grep -c $'"'"'\r$'"'"' "$tmp/csv")" -eq 10 ] && [ "$(wc -l <"$tmp/csv")" -eq 10 ]'
t "export csv: quoting" grep -q '^9,kiosk-1,nurse-a,"""田中, 花子""",pregnancy,0,ja,' "$tmp/csv"
"$ISOKIOSK" records export --format csv --detail --db "$db" >"$tmp/csv" 2>"$tmp/out"
t "export csv --detail: a formula is never a formula" grep -q "^9,answer,1,q-x,1,'=1+1,0,," "$tmp/csv"
t "export csv --detail: one row per event" eval '[ "$(grep -c "^2," "$tmp/csv")" -eq 27 ]'

# ---- usage and errors ----
rec; st=$?
t "records alone: usage error (2)" [ $st -eq 2 ]
rec export --db "$db"; st=$?
t "export without --format: 2" [ $st -eq 2 ]
rec show abc --db "$db"; st=$?
t "show abc: 2" [ $st -eq 2 ]
rec list --since yesterday --db "$db"; st=$?
t "list --since yesterday: 2" [ $st -eq 2 ]
rec show 99 --db "$db"; st=$?
t "show 99: 1, no such session" eval '[ $st -eq 1 ] && has "no session 99"'
rec verify --db "$tmp/missing.db"; st=$?
t "verify a missing database: 1, says why" eval '[ $st -eq 1 ] && has "missing.db: No such file"'
t "a missing database is not created" [ ! -e "$tmp/missing.db" ]

tap_done
