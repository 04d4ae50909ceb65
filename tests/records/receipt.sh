#!/usr/bin/env bash
# The patient's copy end to end (records receipt): sessions recorded from
# the bundled content the way the kiosk records them, for both languages,
# both profiles and a minor with a guardian, on A4 and 80 mm paper, with
# and without the appendix. Checked as a reader and a scanner would:
# pdftotext holds every acknowledged statement's text (as the record holds
# it), the names, the seal and the receipt code; no line starts with a
# character that may not start one, or ends with one that may not end one;
# pdffonts shows the Japanese font embedded; zbarimg reads the QR code back
# to the receipt code and seal, and that text finds the session again. A
# right-to-left cell of a content table sits at the right of its column.
# A follow-up's copy (ja, en, 80 mm, and one stopped by an urgent mood
# answer) holds the methods chosen, a mood question and the answer chosen,
# the total, the side effects ticked, the flag and who saw it when, and
# may prescribe, in the words of the frozen follow-up files; a first
# visit's copy has none of that.
# Refused: a tampered session (does not match its seal), a changed stored
# text, a follow-up's flag acknowledgement or may prescribe changed, an
# open session, an appendix without a kept copy of the content.
# Printing through print_command: the bytes arrive; a failing printer
# program is reported and the file is kept. Prints TAP.
#
# usage: receipt.sh RECEIPT_SESSION STORE_DRIVE  (ISOKIOSK: the binary;
# SOURCE_ROOT: the source tree)
set -u
session=$1
drive=$2
: "${ISOKIOSK:?}" "${SOURCE_ROOT:?}"
for c in pdftotext pdffonts pdftoppm zbarimg sqlite3; do
	command -v $c >/dev/null ||
		{ echo "1..0 # SKIP $c is not installed (.ci/install installs it)"; exit 0; }
done

tmp=$(mktemp -d)
trap '[ -n "${KEEP_TMP:-}" ] || rm -rf "$tmp"' EXIT
. "$(dirname "$0")/tap.sh"
export TZ=Asia/Tokyo HOME=$tmp XDG_CONFIG_HOME=$tmp/xdg ISOKIOSK_CONFIG=$tmp/none.conf
unset ISOKIOSK_DB
content=$SOURCE_ROOT/content
db=$tmp/records.db

# id code seal of each session
rec_session() { "$session" "$db" "$content" "$@" 2>"$tmp/out"; }
read -r s1 c1 seal1 < <(rec_session ja pregnancy "山田 花子")
read -r s2 c2 seal2 < <(rec_session en no-pregnancy "Kenji Sato")
read -r s3 c3 seal3 < <(rec_session ja no-pregnancy "鈴木 太郎" minor guardian "鈴木 一郎")
read -r s4 c4 seal4 < <(rec_session en pregnancy "Mia Tanaka" minor guardian "Emi Tanaka" no-verify)
read -r s5 c5 seal5 < <(rec_session ja pregnancy "中断 さん" outcome abandoned)
t "five sessions recorded" [ "$s1$s2$s3$s4$s5" = 12345 ]

rec() { "$ISOKIOSK" records "$@" >"$tmp/out" 2>&1; }
has() { grep -qE -- "$1" "$tmp/out"; }
# All whitespace out: pdftotext breaks lines where the copy does.
flat() { tr -d ' \n\t\f\r' <"$1"; }
contains() { # FILE TEXT: the text is in the file, whitespace aside
	local f t
	f=$(flat "$1")
	t=$(printf '%s' "$2" | tr -d ' \n\t\f\r')
	[[ "$f" == *"$t"* ]]
}
# The statements each session acknowledged, one a line, as the record holds
# them ('\n' inside a statement written as a space: pdftotext breaks lines
# anyway).
statements() {
	sqlite3 "$db" "SELECT replace(t.text, char(10), ' ') FROM acks a JOIN texts t
		ON t.sha256 = a.text_sha256 WHERE a.session_id = $1 ORDER BY a.seq"
}
all_statements_in() { # ID TEXTFILE
	local n=0 missing=0
	while IFS= read -r st; do
		n=$((n + 1))
		contains "$2" "$st" || { missing=$((missing + 1)); echo "missing: $st" >>"$tmp/out"; }
	done < <(statements "$1")
	[ "$n" -gt 0 ] && [ "$missing" -eq 0 ]
}
# Katakana words kept whole (text_keep_phrases): each as often in the
# lines as in the text with the line breaks taken out.
katakana_whole() {
	local w f
	f=$(flat "$1")
	for w in クリニック アダパレン ピーリング サプリメント; do
		[ "$(grep -o "$w" "$1" | wc -l)" = "$(grep -o "$w" <<<"$f" | wc -l)" ] ||
			{ echo "$w broken at a line's end" >>"$tmp/out"; return 1; }
	done
}
# Kinsoku, as a reader sees the lines: none starts with 、。，．）」』】〉》ー
# ・：；？！ or a small kana (but "・ " is a list's bullet), none ends with
# （「『【〈《.
kinsoku_ok() {
	! grep -vE '^・ ' "$1" |
		grep -qE '^[、。，．）」』】〉》ー・：；？！ぁぃぅぇぉっゃゅょァィゥェォッャュョ]' &&
	! grep -qE '[（「『【〈《]$' "$1"
}
# A minor's copy: the statements addressed to the guardian (signer:
# guardian, ids guardian-*) come after the heading HEADING, the patient's
# before it.
guardian_part() { # ID TEXTFILE HEADING
	sqlite3 -separator $'\t' "$db" "SELECT a.statement_id LIKE 'guardian-%',
		replace(t.text, char(10), ' ') FROM acks a JOIN texts t
		ON t.sha256 = a.text_sha256 WHERE a.session_id = $1 ORDER BY a.seq" |
	python3 -c '
import sys
flat = lambda s: "".join(s.split())
text = flat(open(sys.argv[1], encoding="utf-8").read())
head = text.find(flat(sys.argv[2]))
n = [0, 0]
for line in sys.stdin:
    g, st = line.rstrip("\n").split("\t", 1)
    at = text.find(flat(st))
    if head < 0 or at < 0 or (at > head) != (g == "1"):
        sys.exit("misplaced: " + st)
    n[int(g)] += 1
sys.exit(0 if n[0] > 0 and n[1] >= 3 else "guardian %d, patient %d" % (n[1], n[0]))
' "$2" "$3" >>"$tmp/out" 2>&1
}
# Every ruby of the screens shown (outside tables), as base（reading）, and
# the first column of the side-effects table (a cell's first 6 characters:
# pdftotext reads a wrapped cell's lines apart), in the appendix of a
# Japanese copy.
appendix_ok() { # TEXTFILE
	local app w missing=0 n=0 id
	app=$(sed -n '/付録：表示された説明/,$p' "$1" | tr -d ' \n\t\f\r')
	[ -n "$app" ] || return 1
	while IFS= read -r w; do
		n=$((n + 1))
		[[ "$app" == *"$w"* ]] || { missing=$((missing + 1)); echo "missing: $w" >>"$tmp/out"; }
	done < <(for id in $(grep -E '^[a-z0-9-]+$' "$content/ja/manifest"); do
			grep -v '^|' "$content/ja/$id.md" | grep -oE '｜[^《｜]+《[^》]+》' |
				sed -E 's/^｜([^《]*)《([^》]*)》$/\1（\2）/'
		done
		awk -F'|' '/^\|/ && !/^\|[ :-]+\|/ && NR > 1 { print $2 }' \
			"$content/ja/side-effects.md" | sed 's/^ *//; s/ *$//' |
			grep -v '[《<*]' | tr -d ' ' | sed -E 's/^(.{6}).+/\1/')
	[ "$n" -gt 10 ] && [ "$missing" -eq 0 ]
}
qr_of() { # PDF: every QR code on its pages, as zbarimg reads them
	rm -f "$tmp"/qr-*.png
	pdftoppm -r 150 -png "$1" "$tmp/qr" &&
	zbarimg --raw -q "$tmp"/qr-*.png 2>/dev/null
}

# The section headings a copy has (receipt-int.h's RX_SEC_*), in both
# languages: none may be the last line of a page, its section on the next.
heads='記録の内容|確認した約束|理解度の確認|署名|記録の封印|付録：表示された説明|避妊の方法|気分のチェック|体の変化（副作用）|スタッフへの知らせ|The session|What you confirmed|Understanding check|Signatures|Seal of the record|Appendix: the screens shown|Contraception|Mood check|Changes in your body \(side effects\)|Messages to staff'
lone_heads() { # PDF: the pages whose last line (above the foot) is a heading
	local n p
	n=$(pdfinfo "$1" 2>/dev/null | awk '/^Pages:/ { print $2 }')
	for p in $(seq 1 "${n:-0}"); do
		pdftotext -f "$p" -l "$p" "$1" - 2>/dev/null |
			grep -v '^[[:space:]]*$' | grep -v '受付番号\|Receipt code' |
			grep -vxE '[0-9]+ ?/ ?[0-9]+' | tail -n 1 | grep -qxE "$heads" &&
			echo "$p"
	done
}
check_copy() { # TAG ID CODE SEAL NAMES... -- ARGS...
	local tag=$1 id=$2 code=$3 seal=$4 pdf
	shift 4
	local names=()
	while [ "$1" != -- ]; do names+=("$1"); shift; done
	shift
	pdf=$tmp/$tag.pdf
	rec receipt "$code" --db "$db" -o "$pdf" "$@"; st=$?
	t "$tag: made (exit 0)" [ $st -eq 0 ]
	t "$tag: a PDF, mode 0600" eval '[ "$(head -c 5 "$pdf")" = "%PDF-" ] &&
		[ "$(stat -c %a "$pdf")" = 600 ]'
	pdftotext "$pdf" "$tmp/$tag.txt" 2>"$tmp/out"
	t "$tag: no section heading alone at the foot of a page" \
		eval '[ -z "$(lone_heads "$pdf")" ]'
	if [ -n "$(statements "$id")" ]; then
		t "$tag: every acknowledged statement's text" all_statements_in "$id" "$tmp/$tag.txt"
	fi
	for nm in "${names[@]}"; do
		t "$tag: the name $nm" contains "$tmp/$tag.txt" "$nm"
	done
	t "$tag: the seal" contains "$tmp/$tag.txt" "$seal"
	t "$tag: the receipt code" contains "$tmp/$tag.txt" "$code"
	t "$tag: times in the kiosk's zone with the offset" grep -q '+09:00' "$tmp/$tag.txt"
	t "$tag: page numbers" grep -qE '^1 ?/ ?[0-9]+$' "$tmp/$tag.txt"
	t "$tag: no line breaks against kinsoku" kinsoku_ok "$tmp/$tag.txt"
	t "$tag: katakana words not broken at a line's end" katakana_whole "$tmp/$tag.txt"
	pdffonts "$pdf" >"$tmp/out" 2>&1
	t "$tag: Noto Sans CJK JP embedded" grep -qE '^[A-Z]{6}\+NotoSansCJKjp-Regular +CID Type 0C +Identity-H +yes +yes +yes' "$tmp/out"
	qr_of "$pdf" >"$tmp/qr.txt"
	cp "$tmp/qr.txt" "$tmp/out"
	t "$tag: the QR code reads isokiosk:$code:<seal>" grep -qx "isokiosk:$code:$seal" "$tmp/qr.txt"
}

check_copy ja-a4 "$s1" "$c1" "$seal1" "山田花子" -- --paper a4
t "ja-a4: in Japanese" grep -q '同意書の控え' "$tmp/ja-a4.txt"
t "ja-a4: the clinic's name from the kept content" grep -q 'みほん皮膚科クリニック' "$tmp/ja-a4.txt"
t "ja-a4: the profile and visit" eval 'grep -q "妊娠の可能性がある" "$tmp/ja-a4.txt" && grep -q "初回" "$tmp/ja-a4.txt"'
t "ja-a4: the wrong first answer, then the right one" eval 'grep -q "不正解" "$tmp/ja-a4.txt"'
t "ja-a4: the signature's meaning" grep -q '本人による確認' "$tmp/ja-a4.txt"
t "ja-a4: the staff countersignature" grep -q 'nurse-tanaka' "$tmp/ja-a4.txt"
check_copy ja-roll "$s1" "$c1" "$seal1" "山田花子" -- --paper receipt
check_copy ja-content "$s1" "$c1" "$seal1" "山田花子" -- --with-content
t "ja-content: the appendix: every ruby of the screens in parentheses, a table's cells" \
	appendix_ok "$tmp/ja-content.txt"
t "ja-a4: no appendix without --with-content" eval '! grep -q "付録" "$tmp/ja-a4.txt"'
check_copy en-a4 "$s2" "$c2" "$seal2" "Kenji Sato" -- --paper a4
t "en-a4: in English" grep -q "Consent record: the patient's copy" "$tmp/en-a4.txt"
t "en-a4: cannot become pregnant" grep -q 'cannot become pregnant' "$tmp/en-a4.txt"
check_copy en-roll-content "$s2" "$c2" "$seal2" "Kenji Sato" -- --paper receipt --with-content
check_copy minor-ja "$s3" "$c3" "$seal3" "鈴木太郎" "鈴木一郎" -- --paper a4
t "minor-ja: the guardian's signature" eval 'grep -q "保護者" "$tmp/minor-ja.txt" && grep -q "保護者による確認" "$tmp/minor-ja.txt"'
t "minor-ja: minor, a guardian signs too" grep -q 'はい（保護者も署名）' "$tmp/minor-ja.txt"
t "minor-ja: the guardian's statements under the guardian's name, after the patient's" \
	guardian_part "$s3" "$tmp/minor-ja.txt" "保護者（鈴木 一郎）が確認したこと"
t "minor-ja: the patient's statements under their heading" grep -q '本人が確認したこと' "$tmp/minor-ja.txt"
t "ja-a4: not a minor: no guardian's part" eval '! grep -qE "保護者.*が確認したこと|本人が確認したこと" "$tmp/ja-a4.txt"'
check_copy minor-en-roll "$s4" "$c4" "$seal4" "Mia Tanaka" "Emi Tanaka" -- --paper receipt
t "minor-en-roll: no staff countersignature when none" eval '! grep -q "Staff countersignature" "$tmp/minor-en-roll.txt"'
t "minor-en-roll: the guardian's statements under the guardian's name" \
	guardian_part "$s4" "$tmp/minor-en-roll.txt" "Confirmed by the guardian, Emi Tanaka"
check_copy abandoned "$s5" "$c5" "$seal5" -- --paper a4
t "abandoned: marked as not completed" eval 'grep -q "完了していません" "$tmp/abandoned.txt" && grep -q "中断" "$tmp/abandoned.txt"'
t "abandoned: not signed" grep -q '署名はありません' "$tmp/abandoned.txt"

# labels in another language than the record's own words
rec receipt "$s1" --db "$db" --lang en -o "$tmp/ja-as-en.pdf"; st=$?
pdftotext "$tmp/ja-as-en.pdf" "$tmp/ja-as-en.txt"
t "--lang en on a Japanese session: English labels" eval '[ $st -eq 0 ] && grep -q "What you confirmed" "$tmp/ja-as-en.txt"'
t "--lang en on a Japanese session: the statements as acknowledged" all_statements_in "$s1" "$tmp/ja-as-en.txt"
rec receipt "$s1" --db "$db" --lang fr -o "$tmp/fr.pdf"; st=$?
t "--lang fr: no translation, refused (exit 1)" eval '[ $st -eq 1 ] && has "no translation of the copy.s words into .fr." && [ ! -e "$tmp/fr.pdf" ]'

# found by what staff have: the id, the code, the QR text
rec receipt "$(cat "$tmp/qr.txt" | head -1)" --db "$db" -o "$tmp/byqr.pdf"; st=$?
t "the QR code's text finds the session" eval '[ $st -eq 0 ] && pdftotext "$tmp/byqr.pdf" - | grep -q "$c5"'
rec receipt "${c2^^}" --db "$db" -o - >/dev/null; st=$?
t "a receipt code in capitals finds it" [ $st -eq 0 ]
"$ISOKIOSK" records receipt "$s2" --db "$db" -o - >"$tmp/stdout.pdf" 2>"$tmp/out"; st=$?
t "--output - writes the PDF to standard output" eval '[ $st -eq 0 ] && [ "$(head -c 5 "$tmp/stdout.pdf")" = "%PDF-" ]'
# --output to what is there and not a file: the bytes go into it, and it
# stays what it was (renaming a file over /dev/null made it a file)
mkfifo "$tmp/fifo" && ln -s "$tmp/fifo" "$tmp/fifo-link"
for o in fifo fifo-link; do
	timeout 30 cat "$tmp/fifo" >"$tmp/from-$o.pdf" & reader=$!
	rec receipt "$s2" --db "$db" -o "$tmp/$o"; st=$?
	wait $reader
	t "--output $o: the PDF goes through it, and it stays a pipe" eval \
		'[ $st -eq 0 ] && [ -p "$tmp/fifo" ] && [ -p "$tmp/$o" ] &&
		 [ "$(head -c 5 "$tmp/from-$o.pdf")" = "%PDF-" ] &&
		 [ "$(tail -c 6 "$tmp/from-$o.pdf" | tr -d "\n")" = "%%EOF" ]'
done
t "--output fifo-link: still the link" [ -L "$tmp/fifo-link" ]
rec receipt "$s2" --db "$db" -o "$tmp"; st=$?
t "--output a folder: refused (exit 1), said" eval '[ $st -eq 1 ] && has ": a folder: give a file.s name" && [ -d "$tmp" ]'
rec receipt 0000-0000 --db "$db" -o "$tmp/none.pdf"; st=$?
t "an unknown code: exit 1, said" eval '[ $st -eq 1 ] && has "no sealed session has receipt code 0000-0000" && [ ! -e "$tmp/none.pdf" ]'
rec receipt 12g4-5678 --db "$db" -o "$tmp/none.pdf"; st=$?
t "not a code: exit 1, where" eval '[ $st -eq 1 ] && has "character 3 ..g.. is not"'

# ---- a right-to-left table cell ----
# pango sets a right-to-left paragraph at the right of its width: a cell
# placed as laid out unbroken (it fits its column) must sit where it would
# sit laid out again at the column's width. A row with a Hebrew cell added
# to a table of the bundled content; the column's left and middle read off
# the first cell of the row before it.
rtl=$tmp/rtl-content
cp -r "$content" "$rtl"
sed -i 's/^| 最後に飲んだ日の約1か月後 |/| שלום | x |\n&/' "$rtl/ja/after.md"
read -r _ rc _ < <("$session" "$tmp/rtl.db" "$rtl" ja pregnancy "山田 花子" 2>"$tmp/out")
rec receipt "$rc" --db "$tmp/rtl.db" --with-content -o "$tmp/rtl.pdf"
pdftotext -bbox "$tmp/rtl.pdf" "$tmp/rtl.html"
box() { # WORD: "xMin xMax" of its first box
	awk -v w="$1" 'index($0, ">" w "</word>") {
		match($0, /xMin="[0-9.]+"/); a = substr($0, RSTART + 6, RLENGTH - 7)
		match($0, /xMax="[0-9.]+"/); b = substr($0, RSTART + 6, RLENGTH - 7)
		print a, b; exit }' "$tmp/rtl.html"
}
read -r col0 col1 < <(box "最後に飲んだ日から1か月")
read -r _ shin1 < <(box "ש")
t "a right-to-left table cell: at the right of its column" eval \
	'[ -n "$shin1" ] && [ -n "$col1" ] && awk -v a="$col0" -v b="$col1" -v s="$shin1" "BEGIN { exit !(s > (a + b) / 2) }"'

# ---- follow-up visits: the patient's own answers on the copy ----
# (a database of their own: the refusals below count sessions in $db)
fdb=$tmp/followup.db
fu_session() { "$session" "$fdb" "$content" "$@" 2>"$tmp/out"; }
read -r f1 fc1 fseal1 < <(fu_session ja pregnancy "山田 花子" follow-up)
read -r f2 fc2 fseal2 < <(fu_session en pregnancy "Mia Tanaka" follow-up)
read -r f3 fc3 fseal3 < <(fu_session ja pregnancy "山田 花子" follow-up urgent)
t "three follow-ups recorded" [ "$f1$f2$f3" = 123 ]
# The text of section "## ID" of a follow-up file (its keys and choices
# left out), and its choice N: what the copy must show, from the file the
# session froze (the bundled content, unchanged since).
entry_text() { # LANG FILE ID
	awk -v id="$3" '/^## /{on = ($2 == id); next}
		on && NF && !/^[a-z-]+: / && !/^- \[/' "$content/$1/$2.md"
}
choice_text() { # LANG FILE ID N
	awk -v id="$3" -v n="$4" '/^## /{on = ($2 == id); next}
		on && index($0, "- [" n "] ") == 1 { print substr($0, 7) }' "$content/$1/$2.md"
}
fu_has() { # TEXTFILE LANG FILE ID [N]: the entry's text (or its choice N)
	local want
	if [ $# -gt 4 ]; then want=$(choice_text "$2" "$3" "$4" "$5")
	else want=$(entry_text "$2" "$3" "$4"); fi
	[ -n "$want" ] && contains "$1" "$want"
}
db_save=$db
db=$fdb
check_copy fu-ja "$f1" "$fc1" "$fseal1" "山田花子" -- --paper a4
check_copy fu-ja-roll "$f1" "$fc1" "$fseal1" "山田花子" -- --paper receipt
check_copy fu-en "$f2" "$fc2" "$fseal2" "Mia Tanaka" -- --paper a4
check_copy fu-urgent "$f3" "$fc3" "$fseal3" -- --paper a4
db=$db_save
for tag in fu-ja fu-ja-roll; do
	f=$tmp/$tag.txt
	t "$tag: a follow-up visit" grep -q '再診' "$f"
	t "$tag: the methods chosen, as the frozen file words them" eval \
		'fu_has "$f" ja methods pill && fu_has "$f" ja methods condom'
	t "$tag: the methods meet the rule" contains "$f" '選んだ方法は、この薬を飲むあいだの避妊として足りています。'
	t "$tag: a mood question as shown, and the answer chosen" eval \
		'fu_has "$f" ja mood-check low-mood && fu_has "$f" ja mood-check low-mood 1'
	t "$tag: the mood check is the patient's answers, read by the doctor" \
		contains "$f" '病気を決めるためのテストではありません。医師がこの答えを読んで、あなたと話します。'
	t "$tag: the mood check's total" contains "$f" '合計：3 点（最高 15 点）'
	t "$tag: the side effects ticked" eval \
		'fu_has "$f" ja effects-check dry && fu_has "$f" ja effects-check nosebleed'
	t "$tag: the flag, and who saw it when" eval \
		'contains "$f" "スタッフへ：気分のチェック" && contains "$f" "スタッフの確認dr-kato" &&
		 contains "$f" "確認した時刻2026-12-07"'
	t "$tag: may prescribe, who recorded it, the test it relied on" eval \
		'contains "$f" "処方薬を出してよい" && contains "$f" "記録した人dr-kato" &&
		 contains "$f" "妊娠検査#1"'
	t "$tag: the statements shown again, the re-check" eval \
		'grep -q "確認した約束" "$f" && grep -q "理解度の確認" "$f"'
done
f=$tmp/fu-en.txt
t "fu-en: a follow-up visit, in English" grep -q 'Follow-up visit' "$f"
t "fu-en: the methods chosen" eval 'fu_has "$f" en methods pill && fu_has "$f" en methods condom'
t "fu-en: a mood question and the answer chosen" eval \
	'fu_has "$f" en mood-check irritable && fu_has "$f" en mood-check irritable 1'
t "fu-en: the doctor reads the answers" contains "$f" 'the doctor reads your answers and talks with you about them'
t "fu-en: a side effect" fu_has "$f" en effects-check nosebleed
t "fu-en: may prescribe, who recorded it" eval \
	'contains "$f" "Prescriptionmay be issued" && contains "$f" "Recorded bydr-kato"'
t "fu-en: the flag, seen by staff" eval 'contains "$f" "For staff: Mood check" && contains "$f" "Seen by staffdr-kato"'
f=$tmp/fu-urgent.txt
t "fu-urgent: stopped: marked as not completed" grep -q '完了していません' "$f"
t "fu-urgent: the urgent flag and the answer that raised it" eval \
	'contains "$f" "急ぎ：気分のチェック" && fu_has "$f" ja mood-check self-harm &&
	 fu_has "$f" ja mood-check self-harm 2'
t "fu-urgent: acknowledged by staff" contains "$f" 'スタッフの確認dr-kato'
t "fu-urgent: no side effects on record (the visit stopped before)" contains "$f" '体の変化（副作用）前の受診から今日までに、あったと選んだものです。記録はありません。'
t "fu-urgent: no prescription" eval '! grep -q "薬を出してよい" "$f"'
rec receipt "$f1" --db "$fdb" --lang en -o "$tmp/fu-ja-en.pdf"; st=$?
pdftotext "$tmp/fu-ja-en.pdf" "$tmp/fu-ja-en.txt"
t "--lang en on a Japanese follow-up: English labels, the answers as the session showed them" eval \
	'[ $st -eq 0 ] && grep -q "Mood check" "$tmp/fu-ja-en.txt" &&
	 fu_has "$tmp/fu-ja-en.txt" ja mood-check low-mood && fu_has "$tmp/fu-ja-en.txt" ja methods pill'
t "a first visit's copy has no follow-up part" eval \
	'! grep -qE "いま使っている方法として|病気を決めるためのテストではありません|あったと選んだもの|スタッフへの知らせ|再診" "$tmp/ja-a4.txt"'

# ---- usage ----
rec receipt "$s1" --db "$db"; st=$?
t "no --output nor --print: usage (exit 2)" eval '[ $st -eq 2 ] && has "needs --output"'
rec receipt "$s1" --db "$db" -o "$tmp/x.pdf" --paper letter; st=$?
t "--paper letter: usage (exit 2)" [ $st -eq 2 ]
rec receipt --db "$db" -o "$tmp/x.pdf"; st=$?
t "no session: usage (exit 2)" [ $st -eq 2 ]
rec receipt --help; st=$?
t "--help" eval '[ $st -eq 0 ] && has "^Usage: isokiosk records receipt"'

# ---- printing ----
cat >"$tmp/printer" <<EOF
#!/bin/sh
# a printer program: the PDF on standard input
[ -e "$tmp/jammed" ] && { echo "printer: paper jam in tray 2" >&2; exit 3; }
cat >"\$1"
EOF
chmod +x "$tmp/printer"
printf 'print_command = %s "%s"\n' "$tmp/printer" "$tmp/printed.pdf" >"$tmp/k.conf"
rec receipt "$c1" --db "$db" --config "$tmp/k.conf" --print -o "$tmp/kept.pdf"; st=$?
t "--print: exit 0" [ $st -eq 0 ]
t "--print: the printer got the same PDF" cmp -s "$tmp/printed.pdf" "$tmp/kept.pdf"
touch "$tmp/jammed"
rm -f "$tmp/kept.pdf"
rec receipt "$c1" --db "$db" --config "$tmp/k.conf" --print -o "$tmp/kept.pdf"; st=$?
t "a failing printer: exit 1, its own words" eval '[ $st -eq 1 ] && has "not printed: .*printer failed \(exit status 3\): printer: paper jam in tray 2"'
t "a failing printer: the file is kept" eval '[ "$(head -c 5 "$tmp/kept.pdf")" = "%PDF-" ]'
printf 'print_command = %s/no-such-printer\n' "$tmp" >"$tmp/k2.conf"
rec receipt "$c1" --db "$db" --config "$tmp/k2.conf" --print; st=$?
t "a printer program that does not exist: exit 1, said" eval '[ $st -eq 1 ] && has "cannot run .*no-such-printer: No such file or directory"'
printf 'print_command = lp | tee x\n' >"$tmp/k3.conf"
rec receipt "$c1" --db "$db" --config "$tmp/k3.conf" --print; st=$?
t "a shell pipeline in print_command: refused where it is" eval '[ $st -eq 1 ] && has "k3.conf:1:17: error: print_command: .\|. at byte 4"'
: >"$tmp/k4.conf"
rec receipt "$c1" --db "$db" --config "$tmp/k4.conf" --print; st=$?
t "--print without print_command: exit 1, said" eval '[ $st -eq 1 ] && has "no print_command"'

# ---- refusals ----
printf 'sample\t1\n' | "$drive" "$db" >/dev/null 2>&1
rec receipt 6 --db "$db" -o "$tmp/nofrozen.pdf"; st=$?
t "a session whose content was not kept: a copy without it" eval '[ $st -eq 0 ] && [ -s "$tmp/nofrozen.pdf" ]'
rec receipt 6 --db "$db" --with-content -o "$tmp/nofrozen2.pdf"; st=$?
t "... but no appendix (exit 1, said)" eval '[ $st -eq 1 ] && has "not kept with the record" && [ ! -e "$tmp/nofrozen2.pdf" ]'
printf 'begin\tP-open\n' | STORE_DRIVE_NO_RECOVER=1 "$drive" "$db" >/dev/null 2>&1
rec receipt 7 --db "$db" -o "$tmp/open.pdf"; st=$?
t "an open session: refused" eval '[ $st -eq 1 ] && has "session 7 is open: not sealed yet" && [ ! -e "$tmp/open.pdf" ]'

drop="DROP TRIGGER IF EXISTS sessions_sealed; DROP TRIGGER IF EXISTS texts_no_update;"
sqlite3 "$db" "$drop UPDATE sessions SET patient_ref = 'P-9999' WHERE id = $s2"
rec receipt "$c2" --db "$db" -o "$tmp/tampered.pdf"; st=$?
t "a tampered session: refused, does not match its seal" eval \
	'[ $st -eq 1 ] && has "session $s2 does not match its seal: its record was changed after it was sealed: no copy made" && [ ! -e "$tmp/tampered.pdf" ]'
sqlite3 "$db" "$drop UPDATE texts SET text = text || ' (changed)' WHERE sha256 =
	(SELECT text_sha256 FROM acks WHERE session_id = $s3 ORDER BY seq LIMIT 1)"
rec receipt "$c3" --db "$db" -o "$tmp/text.pdf"; st=$?
t "a changed statement text: refused" eval '[ $st -eq 1 ] && has "stored text of statement 1 is not the one acknowledged" && [ ! -e "$tmp/text.pdf" ]'
# (s1 shares its Japanese statements' stored texts with s3: s4 is English)
rec receipt "$c4" --db "$db" -o "$tmp/still.pdf"; st=$?
t "an untouched session still prints" [ $st -eq 0 ]
# a follow-up's own links, shown on its copy, are checked too
sqlite3 "$fdb" "DROP TRIGGER IF EXISTS flag_acks_no_update;
	UPDATE flag_acks SET staff_id = 'dr-forged' WHERE session_id = $f1"
rec receipt "$fc1" --db "$fdb" -o "$tmp/ack.pdf"; st=$?
t "a changed flag acknowledgement: refused" eval \
	'[ $st -eq 1 ] && has "session $f1 does not match its seal: its flag acknowledgement \(link #[0-9]+\) does not match: no copy made" && [ ! -e "$tmp/ack.pdf" ]'
sqlite3 "$fdb" "DROP TRIGGER IF EXISTS prescriptions_no_update;
	UPDATE prescriptions SET staff_id = 'dr-forged' WHERE session_id = $f2"
rec receipt "$fc2" --db "$fdb" -o "$tmp/presc.pdf"; st=$?
t "a changed may prescribe: refused" eval \
	'[ $st -eq 1 ] && has "session $f2 does not match its seal: its may prescribe \(link #[0-9]+\) does not match" && [ ! -e "$tmp/presc.pdf" ]'
rec receipt "$fc3" --db "$fdb" -o "$tmp/fstill.pdf"; st=$?
t "an untouched follow-up still prints" [ $st -eq 0 ]
tap_done
