#!/usr/bin/env bash
# Regenerates the encoding bad-input fixtures tests/content/bad/enc-*.md
# (the decode layer's half of the bad-input pairs). Each is an otherwise valid
# screen file, so that only the encoding problem shows. The .expected and
# .status files next to them are written by hand, not by this script.
# Needs bash, printf, iconv (glibc) and python3. Run from anywhere.
set -eu
cd "$(dirname "$0")/bad"

# front matter + a short body, as UTF-8; $1 = id
screen() {
	printf -- '---\nid: %s\ntitle: 文字コードの確認\nkind: screen\n---\n\n' "$1"
	printf '# イソトレチノインについて\n\n'
	printf 'この薬は皮脂の量を減らします。\n'
}

# Valid text in other encodings: a warning names the encoding (exit 0).
screen enc-cp932 | sed 's/^この薬は.*/この薬は皮脂の量を減らします〜。/' |
	iconv -f UTF-8 -t CP932 > enc-cp932.md
screen enc-eucjp | iconv -f UTF-8 -t EUC-JP > enc-eucjp.md
# A CP932 file with an escape sequence: column counted on the converted text.
{ screen enc-cp932-esc; printf '色を変える\033[31m赤\n'; } |
	iconv -f UTF-8 -t CP932 > enc-cp932-esc.md

# UTF-8 with a BOM, and with CRLF line ends: fine, silent (exit 0).
{ printf '\357\273\277'; screen enc-bom; } > enc-bom.md
screen enc-crlf | sed 's/$/\r/' > enc-crlf.md

# Invalid UTF-8 after CJK text: line 9, column 13 (漢字 are 2 columns each).
{ screen enc-invalid-utf8; printf '服用中は献血\377できません。\n'; } > enc-invalid-utf8.md
# Overlong "/" (0xc0 0xaf), an encoded surrogate, beyond U+10FFFF.
{ screen enc-overlong; printf 'パス\300\257etc\n'; } > enc-overlong.md
{ screen enc-surrogate; printf '記号\355\240\200です。\n'; } > enc-surrogate.md
{ screen enc-beyond; printf '記号\364\220\200\200です。\n'; } > enc-beyond.md
# A multi-byte character cut off at the end of the file (no newline).
{ screen enc-truncated; printf '最後の文字が欠けていま\343\201'; } > enc-truncated.md
# An ASCII-only file with one stray byte: 0x83 0x41 would be ア in CP932,
# but one stray byte is corrupt UTF-8, not a CP932 file.
printf -- '---\nid: enc-stray-byte\ntitle: Stray byte\nkind: screen\n---\n\nTake it with food \203A once a day.\n' > enc-stray-byte.md

# Control characters.
{ screen enc-esc; printf '画面を消す\033[2Jと色\033[31m赤\033[0m\n'; } > enc-esc.md
{ screen enc-nul; printf 'ヌル\000文字\n'; } > enc-nul.md
{ screen enc-del; printf '削除\177文字\n'; } > enc-del.md
# U+009B (CSI) and U+0085 (NEL) encoded as UTF-8
{ screen enc-c1; printf 'シーエスアイ\302\2332J と次行\302\205\n'; } > enc-c1.md
{ screen enc-lone-cr; printf '改行が\rおかしい\r\n'; } > enc-lone-cr.md
{ screen enc-bell; printf 'ベル'; for i in $(seq 25); do printf '\a'; done; printf '\n'; } > enc-bell.md

# UTF-16 (with and without a byte order mark).
screen enc-utf16 | iconv -f UTF-8 -t UTF-16 > enc-utf16.md   # glibc writes a BOM (LE)
screen enc-utf16be-nobom | iconv -f UTF-8 -t UTF-16BE > enc-utf16be-nobom.md

# Binary junk: a PNG signature and deterministic pseudo-random bytes.
python3 - <<'PY'
import random
r = random.Random(42)
data = b'\x89PNG\r\n\x1a\n' + bytes(r.randrange(256) for _ in range(4096))
open('enc-binary.md', 'wb').write(data)
PY

# A 1 MB line with one bad byte near its end.
python3 - <<'PY'
head = ('---\nid: enc-long-line\ntitle: 長い行\nkind: screen\n---\n\n').encode()
line = 'あ' * 349000
open('enc-long-line.md', 'wb').write(head + line.encode() + b'\xff' + 'い'.encode() * 100 + b'\n')
PY
