#!/usr/bin/env bash
# The records commands end to end, and tampering with the sqlite3 shell:
# the triggers refuse edits of sealed rows; an attacker who drops them and
# changes, deletes or swaps rows is named by `records verify` (exit 1), one
# line per session concerned, and no untouched session is named.
# Also: list (--since), show (field by field), CSV export, usage errors.
# And the attacks of issue #13: hostile bytes (ESC, C1, bidi controls, bytes
# that are not UTF-8) in every printed column, the CSV formula guard, the
# content a patient saw swapped under its own hash, a symbolic link, a
# foreign or loose database, a newer schema, read-only media, hostile
# command lines and configurations; every output is scanned for raw ESC,
# C1 and bidi controls.
# Prints TAP.
#
# usage: tamper.sh STORE_DRIVE   (ISOKIOSK: the binary)
set -u
drive=$1
: "${ISOKIOSK:?}"
command -v sqlite3 >/dev/null || { echo "1..0 # SKIP the sqlite3 shell is not installed"; exit 0; }

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# records verify checks signatures against the kiosk key when one exists:
# these chains are made without one
export ISOKIOSK_KEY="$tmp/no-such.key"
. "$(dirname "$0")/tap.sh"

db=$tmp/records.db
printf 'content\tja/what-is.md\t---\\nid: what-is\\n---\\n本文\\n\nsample\t8\n' |
	"$drive" "$db" 1795244400000 >"$tmp/out"
t "eight sessions recorded" eval '[ "$(grep -cx ok "$tmp/out")" -eq 2 ]'


# scan FILE: keep a copy of an output, checked at the end (one python for
# them all: a machine under load starts python slowly) for raw ESC, C1
# controls (as UTF-8 or a lone byte), bidi controls and other invisible
# format characters.
scan() { { printf '\n==> %s <==\n' "$1"; cat "$1"; } >>"$tmp/all"; }
rec() { "$ISOKIOSK" records "$@" >"$tmp/out" 2>&1; local st=$?; scan "$tmp/out"; return $st; }
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

# ---- hostile values: ESC, C1, bidi controls, bytes that are not UTF-8 ----
# Every text column a records command prints, edited behind the store's back
# (as an attacker with the sqlite3 shell, or an older isokiosk, could): no
# output carries a raw ESC, C1 control or bidi control (every output of this
# script is scanned, see rec), ESC[8m cannot hide the verdict, the FHIR
# export refuses bytes that are not UTF-8 (never replaces them).
alltrig() { sqlite3 "$1" "SELECT 'DROP TRIGGER ' || name || ';' FROM sqlite_master WHERE type = 'trigger'" | sqlite3 "$1"; }
# payload COLUMN: a value that holds every kind of hostile character
payload() { printf "%s || char(27) || '[8m' || char(155) || char(8238) || char(8203) || char(7)" "$1"; }
hostile() { # DB INVALID(0|1): session 2's every text column made hostile
	local bad=""
	[ "$2" = 1 ] && bad=" || CAST(X'9bff' AS TEXT)"
	alltrig "$1"
	sqlite3 "$1" "
UPDATE sessions SET kiosk_id = $(payload kiosk_id)$bad, staff_id = $(payload staff_id)$bad,
  patient_ref = $(payload patient_ref)$bad, profile = $(payload profile)$bad,
  lang = $(payload lang)$bad, content_version = $(payload content_version)$bad,
  started_at = $(payload started_at)$bad, ended_at = $(payload ended_at)$bad,
  outcome = $(payload outcome)$bad, reason = $(payload "'r'")$bad,
  seal_prev = $(payload seal_prev)$bad, seal_hash = $(payload seal_hash)$bad WHERE id = 2;
UPDATE screens SET screen_id = $(payload screen_id)$bad, at = $(payload at)$bad WHERE session_id = 2;
UPDATE answers SET question_id = $(payload question_id)$bad, choice_text = $(payload choice_text)$bad,
  shown_order = $(payload shown_order)$bad, at = $(payload at)$bad WHERE session_id = 2;
UPDATE acks SET statement_id = $(payload statement_id)$bad, text_sha256 = $(payload text_sha256)$bad,
  at = $(payload at)$bad WHERE session_id = 2 AND seq > 1;
UPDATE signatures SET role = $(payload role)$bad, name = $(payload name)$bad,
  meaning = $(payload meaning)$bad, at = $(payload at)$bad WHERE session_id = 2;
UPDATE verifications SET staff_id = $(payload staff_id)$bad, at = $(payload at)$bad,
  seal_hash = $(payload seal_hash)$bad WHERE session_id = 2;
UPDATE texts SET text = $(payload text)$bad WHERE text LIKE '確認事項 0%';
UPDATE content_files SET name = $(payload name)$bad;" >"$tmp/out" 2>&1
}
for bad in 1 0; do
	kind=$([ $bad = 1 ] && echo "with invalid bytes" || echo "valid UTF-8")
	cp "$db" "$tmp/h.db"
	hostile "$tmp/h.db" $bad || { not_ok "hostile ($kind): sqlite3"; continue; }
	rec list --db "$tmp/h.db"; st=$?
	t "hostile ($kind): list: exit 0, ESC shown as \\x1b, U+009B and U+202E as <U+...>" \
		eval '[ $st -eq 0 ] && has "\\\\x1b\[8m<U\+009B><U\+202E><U\+200B>\\\\x07"'
	rec show 2 --db "$tmp/h.db"; st=$?
	t "hostile ($kind): show: exit 0" [ $st -eq 0 ]
	t "hostile ($kind): show: the patient escaped" has '^Patient: +患者 000002\\x1b\[8m<U\+009B><U\+202E><U\+200B>\\x07'
	t "hostile ($kind): show: the signature escaped" has '^  patient\\x1b\[8m<U\+009B>.*  患者 000002\\x1b\[8m'
	t "hostile ($kind): show: a screen escaped" has '^  1\. welcome\\x1b\[8m<U\+009B>.*  at 2026-11-21T07:00:31\.000Z\\x1b\[8m'
	[ $bad = 1 ] && t "hostile ($kind): show: bytes that are not UTF-8 as \\x9b\\xff" has '\\x9b\\xff'
	rec verify --db "$tmp/h.db"; st=$?
	t "hostile ($kind): verify: exit 1, session 2 changed" eval '[ $st -eq 1 ] && has "^session 2: .*changed$"'
	t "hostile ($kind): verify: the verdict is there and visible" has '^chain broken: '
	rec receipt 2 --db "$tmp/h.db" --output "$tmp/h.pdf"; st=$?
	t "hostile ($kind): receipt: refused (exit 1), no file, said escaped" \
		eval '[ $st -eq 1 ] && [ ! -e "$tmp/h.pdf" ] && has "^isokiosk records: "'
	"$ISOKIOSK" records export --format csv --db "$tmp/h.db" >"$tmp/h.csv" 2>"$tmp/out"; st=$?
	scan "$tmp/h.csv"
	t "hostile ($kind): csv: exit 0, made visible" eval '[ $st -eq 0 ] && grep -q "\\\\x1b\[8m<U+009B><U+202E>" "$tmp/h.csv"'
	"$ISOKIOSK" records export --format csv --detail --db "$tmp/h.db" >"$tmp/h.csv" 2>"$tmp/out"; st=$?
	scan "$tmp/h.csv"
	t "hostile ($kind): csv --detail: exit 0" [ $st -eq 0 ]
	"$ISOKIOSK" records export --format fhir --db "$tmp/h.db" >"$tmp/h.json" 2>"$tmp/out"; st=$?
	scan "$tmp/h.json"
	scan "$tmp/out"
	if [ $bad = 1 ]; then
		# the statements' wording is shared (texts): session 1's may be
		# the first refused
		t "hostile ($kind): fhir: refused at the source, naming session and field, nothing replaced" \
			eval '[ $st -eq 1 ] && has "session [12], [a-z_ ]+( #[0-9]+)?: not valid UTF-8 \(byte [0-9]+\): the export stops here" && ! grep -q "$(printf "\xef\xbf\xbd")" "$tmp/h.json"'
	else
		t "hostile ($kind): fhir: exit 0, JSON, the value exact" \
			python3 -c '
import json, sys
d = json.load(open(sys.argv[1], encoding="utf-8"))
refs = [e["resource"]["subject"]["identifier"]["value"] for e in d["entry"] if e["resource"]["resourceType"] == "QuestionnaireResponse"]
want = "患者 000002\x1b[8m\x9b\u202e\u200b\x07"
sys.exit(0 if want in refs else 1)' "$tmp/h.json"
	fi
done

# The follow-up's records (#14): a flag, its acknowledgement, a visit
# answer and a pregnancy test edited the same way. records patient and
# list --due print them escaped; CSV makes them visible; FHIR writes C1
# and invisibles as \u escapes and refuses bytes that are not UTF-8,
# naming where.
vdb=$tmp/visit.db
{
	printf 'follow-up\tP-700\n'
	printf 'vanswer\t1\tmood\tlow-mood\t1\t1\n'
	printf 'flag\t1\tmood\tlow-mood\tstaff\n'
	printf 'end\t1\tstopped\tflag\n'
	printf 'flag-ack\t1\t1\tnurse-c\n'
	printf 'test\tP-700\t2026-11-20\tnegative\tclinic\tnurse-c\n'
} | "$drive" "$vdb" 1795244400000 >"$tmp/out" 2>&1
t "follow-up: a visit, a flag, its acknowledgement and a test recorded" eval '! grep -q "^error" "$tmp/out"'
for bad in 1 0; do
	kind=$([ $bad = 1 ] && echo "with invalid bytes" || echo "valid UTF-8")
	badv=""
	[ $bad = 1 ] && badv=" || CAST(X'9bff' AS TEXT)"
	cp "$vdb" "$tmp/hv.db"
	alltrig "$tmp/hv.db"
	sqlite3 "$tmp/hv.db" "
UPDATE flags SET entry_id = $(payload entry_id)$badv;
UPDATE flag_acks SET staff_id = $(payload staff_id)$badv;
UPDATE visit_answers SET entry_id = $(payload entry_id)$badv;
UPDATE pregnancy_tests SET patient_ref = $(payload patient_ref)$badv, staff_id = $(payload staff_id)$badv;" >"$tmp/out" 2>&1
	rec patient P-700 --db "$tmp/hv.db"; st=$?
	t "follow-up hostile ($kind): records patient: exit 0, escaped" \
		eval '[ $st -eq 0 ] && has "low-mood\\\\x1b\[8m<U\+009B><U\+202E><U\+200B>\\\\x07"'
	rec list --due --db "$tmp/hv.db"; st=$?
	t "follow-up hostile ($kind): list --due: exit 0" [ $st -eq 0 ]
	rec verify --db "$tmp/hv.db"; st=$?
	t "follow-up hostile ($kind): verify: exit 1, the edits found" [ $st -eq 1 ]
	"$ISOKIOSK" records export --format csv --db "$tmp/hv.db" >"$tmp/hv.csv" 2>"$tmp/out"; st=$?
	scan "$tmp/hv.csv"
	t "follow-up hostile ($kind): csv: exit 0, the flag made visible" \
		eval '[ $st -eq 0 ] && grep -q "low-mood\\\\x1b\[8m<U+009B><U+202E>" "$tmp/hv.csv"'
	"$ISOKIOSK" records export --format fhir --db "$tmp/hv.db" >"$tmp/hv.json" 2>"$tmp/out"; st=$?
	scan "$tmp/hv.json"
	scan "$tmp/out"
	if [ $bad = 1 ]; then
		t "follow-up hostile ($kind): fhir: refused, naming session or test and field" \
			eval '[ $st -eq 1 ] && has "(session 1, (visit answer|flag) [a-z_ ]+ #[0-9]+|pregnancy test #1, [a-z_]+): not valid UTF-8 \(byte [0-9]+\): the export stops here"'
	else
		t "follow-up hostile ($kind): fhir: exit 0, the values exact" \
			python3 -c '
import json, sys
d = json.load(open(sys.argv[1], encoding="utf-8"))
res = [e["resource"] for e in d["entry"]]
obs = [r for r in res if r["resourceType"] == "Observation"]
want = "P-700\x1b[8m\x9b\u202e\u200b\x07"
ok = obs and obs[0]["subject"]["identifier"]["value"] == want
sys.exit(0 if ok else 1)' "$tmp/hv.json"
		t "follow-up hostile ($kind): fhir: C1 and bidi as \\u escapes, never raw" \
			eval 'grep -q "\\\\u202e\|\\\\u202E" "$tmp/hv.json" && ! grep -q "$(printf "\xe2\x80\xae")" "$tmp/hv.json"'
	fi
done

# records add-test opens for writing as the kiosk does (never through a
# symbolic link, never a database others may read, never a foreign one),
# but never makes one, and its patient reference passes the input gate.
# It signs the test with the kiosk's key (made now, as the kiosk's first
# start makes it): a key of its own here, the other chains have none.
at() { ISOKIOSK_KEY="$tmp/at.key" rec add-test --date 2026-11-20 --result negative --setting clinic --staff nurse-c "$@"; }
at --patient P-700 --db "$tmp/none.db"; st=$?
t "add-test: no database: exit 1, says why, none made" eval '[ $st -eq 1 ] && has "none.db: no such records database .a test or a prescription is added to the kiosk.s own database" && [ ! -e "$tmp/none.db" ]'
ln -s "$vdb" "$tmp/link.db"
at --patient P-700 --db "$tmp/link.db"; st=$?
t "add-test: a symbolic link: refused" eval '[ $st -eq 1 ] && has "link\.db: is a symbolic link"'
cp "$vdb" "$tmp/loose-v.db"
chmod 644 "$tmp/loose-v.db"
at --patient P-700 --db "$tmp/loose-v.db"; st=$?
t "add-test: a database others may read: refused, mode kept" \
	eval '[ $st -eq 1 ] && has "mode 644 lets others read" && [ "$(stat -c %a "$tmp/loose-v.db")" = 644 ]'
sqlite3 "$tmp/foreign-v.db" "CREATE TABLE t(x); INSERT INTO t VALUES (1);"
chmod 600 "$tmp/foreign-v.db"
at --patient P-700 --db "$tmp/foreign-v.db"; st=$?
t "add-test: a foreign SQLite file: refused, left as it was" \
	eval '[ $st -eq 1 ] && [ "$(sqlite3 "$tmp/foreign-v.db" "PRAGMA user_version")" = 0 ]'
at --patient "P-7$(printf '\033')[8m00" --db "$vdb"; st=$?
t "add-test: an ESC in --patient: a usage error, said escaped" eval '[ $st -eq 2 ] && has "--patient"'
at --patient P-700 --db "$vdb" --date 2099-01-01; st=$?
t "add-test: a date after the clinic's today: refused, nothing added" \
	eval '[ $st -eq 1 ] && has "--date 2099-01-01: after today \(20[0-9-]+ in the kiosk.s time zone\)" && [ "$(sqlite3 "$vdb" "SELECT count(*) FROM pregnancy_tests")" = 1 ]'
at --patient P-700 --db "$vdb"; st=$?
t "add-test: recorded (exit 0)" eval '[ $st -eq 0 ] && has "^pregnancy test #2 recorded: P-700  2026-11-20  negative  clinic$"'
rec verify --db "$vdb"; st=$?
t "add-test: the chain still holds" [ $st -eq 0 ]
atkey=$("$ISOKIOSK" keys show --key "$tmp/at.key" | sed -n 's/^public key: *//p')
rec verify --db "$vdb" --key "$atkey"; st=$?
t "add-test: the test's link is signed with the kiosk's key" \
	eval '[ $st -eq 0 ] && has "^signatures hold: 1 of [0-9]+ links signed" && has "sealed before the kiosk had a key"'

# the CSV formula guard, with the leading TAB, CR or sign a spreadsheet takes
cp "$db" "$tmp/f.db"
alltrig "$tmp/f.db"
sqlite3 "$tmp/f.db" "UPDATE sessions SET patient_ref = char(9) || '=1+2' WHERE id = 1;
UPDATE sessions SET patient_ref = char(13) || '@SUM(A1)' WHERE id = 2;
UPDATE sessions SET patient_ref = '＝1' WHERE id = 3;"
"$ISOKIOSK" records export --format csv --db "$tmp/f.db" >"$tmp/f.csv" 2>&1
t "csv: a leading TAB is guarded" grep -q "^1,kiosk-1,nurse-a,'	=1+2," "$tmp/f.csv"
t "csv: a leading CR is guarded (and quoted)" grep -q "^2,kiosk-1,nurse-a,\"'"$'\r'"@SUM(A1)\"," "$tmp/f.csv"
t "csv: a full-width = is guarded" grep -q "^3,kiosk-1,nurse-a,'＝1," "$tmp/f.csv"

# ---- the content a patient saw cannot be swapped ----
cdb=$tmp/content.db
printf 'frozen\tja\tmanifest\tscreens\\n\twhat-is.md\t---\\nid: what-is\\n---\\n本文\\n\nsample\t3\n' |
	"$drive" "$cdb" 1795244400000 >"$tmp/out"
t "content: three sessions over frozen content" eval '[ "$(grep -c ^ok "$tmp/out")" -eq 2 ]'
rec verify --db "$cdb"; st=$?
t "content: the chain holds, the version checked against its files" \
	eval '[ $st -eq 0 ] && has "^content: 1 version checked against the files frozen for it$"'
forged=$(printf 'forged' | sha256sum | cut -d' ' -f1)
cp "$cdb" "$tmp/c.db"
sqlite3 "$tmp/c.db" "DROP TRIGGER content_files_no_update;
INSERT INTO texts VALUES('$forged', 'forged');
UPDATE content_files SET sha256 = '$forged' WHERE name = 'ja/what-is.md';" >"$tmp/out" 2>&1
rec verify --db "$tmp/c.db"; st=$?
t "content swapped under its own hash: exit 1" [ $st -eq 1 ]
t "content swapped: every session shown it is changed" eval 'lines 3 "^session [1-3]: does not match its seal"'
t "content swapped: the version named" has '^content version [0-9a-f]{16}\.\.\.: its stored files are not the files it was made of: changed$'
rec show 1 --db "$tmp/c.db"
t "content swapped: show says the seal does not match" has '^Seal: +link #1, DOES NOT MATCH this record$'
cp "$cdb" "$tmp/c.db"
sqlite3 "$tmp/c.db" "DROP TRIGGER texts_no_delete; DELETE FROM texts WHERE text LIKE '---%';" >"$tmp/out" 2>&1
rec verify --db "$tmp/c.db"; st=$?
t "content file's copy removed: named" eval '[ $st -eq 1 ] && has "^content file ja/what-is\.md of version [0-9a-f]{16}\.\.\.: its stored copy is missing: changed$"'

# ---- the database file: symbolic links, foreign files, modes ----
printf 'root:x:0:0::/root:/bin/sh\n' >"$tmp/victim"
chmod 644 "$tmp/victim"
sum=$(sha256sum <"$tmp/victim")
ln -s "$tmp/victim" "$tmp/link.db"
printf 'sample\t1\n' | "$drive" "$tmp/link.db" >"$tmp/out" 2>&1; st=$?
t "symlink: the kiosk's store refuses it" eval '[ $st -ne 0 ] && has "link\.db: is a symbolic link: refusing to follow it"'
rec verify --db "$tmp/link.db"; st=$?
t "symlink: records refuse it" eval '[ $st -eq 1 ] && has "link\.db: is a symbolic link"'
t "symlink: its target untouched (mode 644, same bytes)" \
	eval '[ "$(stat -c %a "$tmp/victim")" = 644 ] && [ "$(sha256sum <"$tmp/victim")" = "$sum" ]'
foreign() { # NAME SETUP-SQL: another program's file refused by writer and reader, unchanged
	rm -f "$tmp/f.db"*
	sqlite3 "$tmp/f.db" "$2"
	chmod 600 "$tmp/f.db"
	local before
	before=$(sha256sum <"$tmp/f.db")
	printf 'sample\t1\n' | "$drive" "$tmp/f.db" >"$tmp/out" 2>&1; st=$?
	t "foreign ($1): the kiosk's store refuses it" eval '[ $st -ne 0 ] && has "not a records database: refusing to touch it"'
	rec verify --db "$tmp/f.db"; st=$?
	t "foreign ($1): records refuse it" eval '[ $st -eq 1 ] && has "not a records database"'
	t "foreign ($1): left as it was (no WAL, no tables added)" \
		eval '[ "$(sha256sum <"$tmp/f.db")" = "$before" ] && [ ! -e "$tmp/f.db-wal" ]'
}
foreign "tables of its own" "CREATE TABLE notes(x); INSERT INTO notes VALUES('mine');"
foreign "its own application_id" "PRAGMA application_id = 42; CREATE TABLE t(x);"
cp "$tmp/victim" "$tmp/text.db"
chmod 600 "$tmp/text.db"
printf 'sample\t1\n' | "$drive" "$tmp/text.db" >"$tmp/out" 2>&1; st=$?
t "a text file: refused, not an SQLite file" eval '[ $st -ne 0 ] && has "not an SQLite file"'
t "a text file: unchanged" eval '[ "$(sha256sum <"$tmp/text.db")" = "$sum" ]'
mkdir "$tmp/dir.db"
rec verify --db "$tmp/dir.db"; st=$?
t "a directory: refused" eval '[ $st -eq 1 ] && has "dir\.db: is a directory"'
cp "$db" "$tmp/loose.db"
chmod 644 "$tmp/loose.db"
printf 'sample\t1\n' | "$drive" "$tmp/loose.db" >"$tmp/out" 2>&1; st=$?
t "a database others may read: the kiosk refuses to write it, never chmods it" \
	eval '[ $st -ne 0 ] && has "mode 644 lets others read or change the records" && [ "$(stat -c %a "$tmp/loose.db")" = 644 ]'
rec verify --db "$tmp/loose.db"; st=$?
t "a database others may read: records still read it" [ $st -eq 0 ]
cp "$db" "$tmp/newer.db"
sqlite3 "$tmp/newer.db" "PRAGMA user_version = 99"
rec verify --db "$tmp/newer.db"; st=$?
t "a newer schema: records say to use the newer isokiosk (not to migrate)" \
	eval '[ $st -eq 1 ] && has "newer\.db: written by a newer isokiosk \(schema 99; this one reads 3 to 7\): use that isokiosk$"'
printf 'sample\t1\n' | "$drive" "$tmp/newer.db" >"$tmp/out" 2>&1; st=$?
t "a newer schema: the kiosk's store refuses it, naming the file once" \
	eval '[ $st -ne 0 ] && has "^error: [^ ]*newer\.db: written by a newer isokiosk" && lines 1 "newer\.db"'

# ---- read-only media (a tmpfs remounted read-only; root only) ----
mkdir "$tmp/ro"
if [ "$(id -u)" = 0 ] && mount -t tmpfs -o size=8m isokiosk-ro "$tmp/ro" 2>/dev/null; then
	cp "$db" "$tmp/ro/records.db"
	mount -o remount,ro "$tmp/ro"
	rec verify --db "$tmp/ro/records.db"; st=$?
	t "read-only media: verify works" eval '[ $st -eq 0 ] && has "^chain holds: 9 sessions"'
	t "read-only media: and says how it read the file" has 'note: .*records\.db: read-only media'
	rec show 2 --db "$tmp/ro/records.db"; st=$?
	t "read-only media: show works" eval '[ $st -eq 0 ] && has "^Patient: +患者 000002$"'
	"$ISOKIOSK" records export --format fhir --db "$tmp/ro/records.db" >"$tmp/ro.json" 2>"$tmp/out"; st=$?
	t "read-only media: export works" [ $st -eq 0 ]
	t "read-only media: nothing written there" eval '[ "$(ls "$tmp/ro")" = records.db ]'
	umount "$tmp/ro"
else
	for n in 1 2 3 4 5; do echo "ok $((++tap_n)) # SKIP read-only media: needs root to mount a tmpfs"; done
fi

# ---- what enters the records from the command line and the config ----
runk() { "$ISOKIOSK" run "$@" </dev/null >"$tmp/out" 2>&1; local st=$?; scan "$tmp/out"; return $st; }
runk --patient $'P\e[31m1' --profile pregnancy --db "$tmp/argv.db"; st=$?
t "run --patient with ESC: usage error before anything starts" \
	eval '[ $st -eq 2 ] && has "^isokiosk run: --patient: .*U\+001B" && [ ! -e "$tmp/argv.db" ]'
runk --patient $'P\xff' --profile pregnancy --db "$tmp/argv.db"; st=$?
t "run --patient not UTF-8: usage error" eval '[ $st -eq 2 ] && has "UTF-8"'
runk --patient $'\u200b' --profile pregnancy --db "$tmp/argv.db"; st=$?
t "run --patient invisible only: usage error" eval '[ $st -eq 2 ] && has "visible"'
runk --patient P-1 --profile pregnancy --staff $'n\e]0;x\a' --db "$tmp/argv.db"; st=$?
t "run --staff with OSC: usage error" eval '[ $st -eq 2 ] && has "^isokiosk run: --staff: "'
mkdir "$tmp/conf.d"
runk --config "$tmp/conf.d"; st=$?
t "a directory as --config: the kiosk stops (no demo mode)" \
	eval '[ $st -eq 1 ] && has "conf\.d: error: cannot read: is a directory, not a configuration file"'
printf 'staff_pin_hash = $argon2id$garbage\n' >"$tmp/bad.conf"
runk --config "$tmp/bad.conf"; st=$?
t "an unusable staff_pin_hash: the kiosk stops" eval '[ $st -eq 1 ] && has "bad\.conf:1:18: error: staff_pin_hash: not a usable hash"'
printf 'theme = \e[8mmono\n' >"$tmp/esc.conf"
runk --config "$tmp/esc.conf"; st=$?
t "a config with ESC: an error at line:col, nothing raw" eval '[ $st -eq 1 ] && has "esc\.conf:1:9: error: control character U\+001B"'

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
rec $'sh\e[8mow\xc2\x9b' --db "$db"; st=$?
t "an unknown command with ESC and C1: 2, echoed escaped" eval '[ $st -eq 2 ] && has "unknown records command .sh\\\\x1b\\[8mow<U\\+009B>."'
rec show $'1\e]0;x\a' --db "$db"; st=$?
t "show with OSC as the session: 2, echoed escaped" eval '[ $st -eq 2 ] && has "1\\\\x1b\\]0;x\\\\x07"'
rec receipt $'1a2b-\e[8m\xc2\x9b' --db "$db" --output "$tmp/r.pdf"; st=$?
t "receipt with ESC and C1 as the code: refused, says where, no file" \
	eval '[ $st -eq 1 ] && has "not a receipt code: character 6 \\(U\\+001B\\)" && [ ! -e "$tmp/r.pdf" ]'
rec receipt 1 --db "$db" --paper $'a4\e]0;x\a' --output "$tmp/r.pdf"; st=$?
t "receipt --paper with OSC: 2, echoed escaped" eval '[ $st -eq 2 ] && has "a4\\\\x1b\\]0;x\\\\x07"'
runk $'--\e[8mx'; st=$?
t "run with an unknown option holding ESC: 2, echoed escaped" eval '[ $st -eq 2 ] && has "unknown option .--\\\\x1b\\[8mx."'
"$ISOKIOSK" check $'x\e[8m.md' >"$tmp/out" 2>&1; st=$?; scan "$tmp/out"
t "check a file name with ESC: 1, the name escaped" eval '[ $st -eq 1 ] && has "^x\\\\x1b\\[8m\\.md: error: cannot read"'
rec verify --db "$tmp/missing.db"; st=$?
t "verify a missing database: 1, says why" eval '[ $st -eq 1 ] && has "missing.db: no such records database"'
t "a missing database is not created" [ ! -e "$tmp/missing.db" ]

"$ISOKIOSK" records export --format csv --detail --db "$db" >"$tmp/csv" 2>&1
scan "$tmp/csv"
python3 - "$tmp/all" >"$tmp/out" <<'PY'
import re, sys
data = open(sys.argv[1], "rb").read()
parts = re.split(rb"\n==> (.*?) <==\n", data)
n = 0
for name, body in zip(parts[1::2], parts[2::2]):
    n += 1
    bad = set()
    if body.startswith(b"\xef\xbb\xbf"):
        body = body[3:]  # the CSV's BOM, on purpose (Excel in Japan)
    if b"\x1b" in body:
        bad.add("a raw ESC")
    for c in body.decode("utf-8", "surrogateescape"):
        o = ord(c)
        if 0xdc80 <= o <= 0xdc9f:
            bad.add(f"a raw byte 0x{o - 0xdc00:02x}")
        elif 0x80 <= o <= 0x9f or o in (0x200b, 0x200e, 0x200f, 0x2028, 0x2029, 0xfeff) \
                or 0x202a <= o <= 0x202e or 0x2066 <= o <= 0x2069:
            bad.add(f"U+{o:04X}")
    if bad:
        print(f"{name.decode(errors='replace')}: {', '.join(sorted(bad))}")
print(f"{n} outputs scanned")
PY
t "no output of this script held a raw ESC, C1 or bidi control ($(tail -1 "$tmp/out"))" \
	eval '[ "$(wc -l <"$tmp/out")" -eq 1 ]'

tap_done
