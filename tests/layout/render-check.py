#!/usr/bin/env python3
"""render-check: check a plain-text render against its content source.

An independent checker (Python standard library only, no code shared with
the C side) of what `isokiosk render` promises:

  * every line is at most WIDTH display columns (UAX #11 from
    unicodedata.east_asian_width, East Asian Ambiguous counted as A columns);
  * no trailing spaces;
  * no line -- and no table or frame cell line, the text between the
    box-drawing borders -- starts with a JIS X 4051 no-start character or
    ends with a no-end character (list and choice markers are ours, not
    text, and are skipped before the first character is looked at);
  * no unit or Latin token of the source (20mg, 32〜34℃, 0.5〜2mg/kg, SPF30,
    PA+++, UV-B, ２０ｍｇ ...) is split across lines;
  * no line break between an English word and a lone capital after it
    (vitamin A; not I), nor between a word with a capital and a number
    after it (SPF 30);
  * a ruby reading is never split from its base nor cut in two: in
    parentheses, no line ends inside "（reading）"; a compound may be split
    at a kanji boundary only with its reading divided with it (JLREQ jukugo
    ruby: 承（しょう）|認（にん）, never 承認（しょう|にん）);
  * no character of the source is lost: the letters and digits of the
    source (markup removed) appear in the render in order, table cells as
    whole strings, ruby readings as the mode shows them (a compound split
    as above is read back whole).

Usage: render-check.py [-w WIDTH] [-a 1|2] [-r paren|over|off] SOURCE RENDER
Exit 0 when every check passes, 1 with one line per problem on stdout.
"""

import argparse
import re
import sys
import unicodedata

NO_START = set(
    "、。，．・：；？！‼⁇⁈⁉ゝゞヽヾー々〻‐゠–〜～"
    "」』）］｝〕〉》】〙〗〟’”｠»"
    "ぁぃぅぇぉっゃゅょゎゕゖァィゥェォッャュョヮヵヶ"
    "ㇰㇱㇲㇳㇴㇵㇶㇷㇸㇹㇺㇻㇼㇽㇾㇿ"
    ")]},.:;?!"
)
NO_END = set("「『（［｛〔〈《【〘〖〝‘“｟«([{")

BOX = set("─│┌┐└┘├┤┬┴┼═╞╡╪━┃")

# Our markers at the start of a line: bullets, numbers, task boxes, choices,
# Q./A. of a Q&A.
MARKER = re.compile(r"^(?:・|- |\d+\. |\[[ x]\] |\(\d+\) |Q\. |A\. )+")

# Tokens that must stay on one line: numbers with units or ranges, Latin
# tokens with digits, pluses or hyphens.
DIG = r"[0-9０-９]"
NUM = DIG + r"+(?:[.,．，]" + DIG + r"+)*"
UNIT = (r"(?:mg/kg|mg|kg|mcg|mL|ml|IU|cm|mm|℃|%|％|ｍｇ|ｋｇ)")
TOKEN = re.compile(
    NUM + r"(?:[〜～~–]" + NUM + r")?(?: ?" + UNIT + r")"
    + r"|" + NUM + r"[〜～~–]" + NUM
    + r"|[A-Za-z]+[0-9]+"
    + r"|[A-Za-z]+\++"
    + r"|[A-Za-z]+-[A-Za-z0-9]+"
)


def col_width(ch, amb):
    if unicodedata.combining(ch) or unicodedata.category(ch) in ("Mn", "Me", "Cf"):
        return 0
    eaw = unicodedata.east_asian_width(ch)
    if eaw in ("W", "F"):
        return 2
    if eaw == "A":
        return amb
    return 1


def str_width(s, amb):
    return sum(col_width(c, amb) for c in s)


def significant(s):
    """The letters and digits of s: what may not be lost."""
    return "".join(c for c in s if unicodedata.category(c)[0] in "LN")


# --- the source -----------------------------------------------------------

RUBY_BAR = re.compile(r"｜([^《｜]+)《([^》]*)》")
RUBY_KANJI = re.compile(r"([\u3400-\u4dbf\u4e00-\u9fff々〆ヶ]+)《([^》]*)》")


def plain_inline(s, ruby, readings):
    """Inline markup → plain text as the render shows it."""
    s = re.sub(r"\\(.)", lambda m: "\x00" + m.group(1), s)  # escapes
    s = re.sub(r"\{\{[^}]*\}\}", "\x01", s)  # clinic values differ
    s = s.replace("**", "").replace("<br>", "\n")

    def sub(m):
        base, reading = m.group(1), m.group(2)
        if ruby == "paren":
            return base + "（" + reading + "）"
        if ruby == "over":
            readings.append(reading)
        return base

    s = RUBY_BAR.sub(sub, s)
    s = RUBY_KANJI.sub(sub, s)
    return s.replace("\x00", "")


def split_cells(line):
    line = line.strip()
    if line.startswith("|"):
        line = line[1:]
    if line.endswith("|") and not line.endswith("\\|"):
        line = line[:-1]
    return [c.strip() for c in re.split(r"(?<!\\)\|", line)]


def read_source(path, ruby):
    """(text in order without tables, [table cell texts], [readings])."""
    with open(path, encoding="utf-8-sig") as f:
        lines = f.read().replace("\r\n", "\n").split("\n")
    text, cells, readings = [], [], []
    i = 0
    if lines and lines[0].strip() == "---":
        i = 1
        while i < len(lines) and lines[i].strip() != "---":
            m = re.match(r"title:\s*(.*)", lines[i])
            if m:
                text.append(plain_inline(m.group(1), ruby, readings))
            i += 1
        i += 1
    for line in lines[i:]:
        s = line.strip()
        if s.startswith(">"):
            s = s[1:].strip()
        if re.fullmatch(r"\[!(WARNING|NOTE)\]", s):
            continue
        if s.startswith("|"):
            if re.fullmatch(r"[|:\-\s]+", s):
                continue
            for c in split_cells(s):
                before = len(readings)
                cells.append((plain_inline(c, ruby, readings),
                              len(readings) > before))
            continue
        s = re.sub(r"^#{1,3}\s+", "", s)
        s = re.sub(r"^(?:[-*]|\d+\.)\s+(?:\[[ xX]\]\s+)?", "", s)
        s = re.sub(r"^[QA][:：]\s*", "", s)
        text.append(plain_inline(s, ruby, readings))
    return "\n".join(text), cells, readings


# --- the render -----------------------------------------------------------


def render_units(lines):
    """The render as units of text: plain lines, and each table or frame
    cell (its lines joined), so that a cell reads as it did in the source.
    Also yields every cell line on its own for the kinsoku check, and the
    pairs of lines that follow each other in one paragraph or cell."""
    units, cell_lines, pairs = [], [], []
    i = 0
    prev = None
    while i < len(lines):
        s = lines[i].strip()
        if not s.startswith("┌"):
            units.append(lines[i])
            cell_lines.append(lines[i])
            if prev is not None and s:
                pairs.append((prev, lines[i]))
            prev = lines[i] if s else None
            i += 1
            continue
        prev = None
        units.append(s)  # the top rule: a callout's label
        i += 1
        row = {}

        def flush():
            for k in sorted(row):
                units.append("".join(row[k]))
                cell = [c for c in row[k] if c]
                pairs.extend(zip(cell, cell[1:]))
            row.clear()

        while i < len(lines) and not lines[i].strip().startswith("└"):
            s = lines[i].strip()
            if s[:1] in ("├", "╞"):
                flush()
            elif s.startswith("│"):
                parts = s.split("│")[1:-1]
                for k, p in enumerate(parts):
                    row.setdefault(k, []).append(p.strip())
                    cell_lines.append(p)
            else:
                units.append(lines[i])
                cell_lines.append(lines[i])
            i += 1
        flush()
        i += 1
    return units, cell_lines, pairs


def read_rubies(path):
    """Every (base, reading) of the source."""
    with open(path, encoding="utf-8-sig") as f:
        text = f.read()
    return [(m.group(1), m.group(2)) for rx in (RUBY_BAR, RUBY_KANJI)
            for m in rx.finditer(text)]


def join_split_rubies(sig, rubies):
    """sig (significant characters) with every compound whose reading was
    divided among its kanji (結けつ膜まく炎えん) read back whole
    (結膜炎けつまくえん): each kanji followed by a part of the reading, the
    parts in order the whole reading."""

    def match(at, base, reading):
        """End of a split form of base/reading at sig[at], or -1."""
        k, r = at, 0
        for n, b in enumerate(base):
            if k >= len(sig) or sig[k] != b:
                return -1
            k += 1
            if n + 1 < len(base):
                # the part: kana of the reading up to the next kanji
                while (k < len(sig) and r < len(reading) and
                       sig[k] == reading[r] and sig[k] != base[n + 1]):
                    k += 1
                    r += 1
            else:
                if sig[k:k + len(reading) - r] != reading[r:]:
                    return -1
                return k + len(reading) - r
        return -1

    for base, reading in rubies:
        if len(base) < 2:
            continue
        out, i = [], 0
        while i < len(sig):
            e = match(i, base, reading) if sig[i] == base[0] else -1
            if e > 0:
                out.append(base + reading)
                i = e
            else:
                out.append(sig[i])
                i += 1
        sig = "".join(out)
    return sig


def reading_in_lines(sr, sigs):
    """Whether reading sr is whole in one line, or (split with its base)
    ends one line and goes on at the start of later lines."""
    if any(sr in s for s in sigs):
        return True

    def rest(r, k):
        for j in range(k, len(sigs)):
            if sigs[j].startswith(r):
                return True
            if sigs[j] and r.startswith(sigs[j]) and rest(r[len(sigs[j]):], j + 1):
                return True
        return False

    for i, s in enumerate(sigs):
        for m in range(1, len(sr)):
            if s.endswith(sr[:m]) and rest(sr[m:], i + 1):
                return True
    return False


LONE = re.compile(r"^(?:[A-HJ-Z]|[0-9]+(?:[.,][0-9]+)*%?)(?=[\s.,;:!?)\"”’]|$)")
WORD_END = re.compile(r"(?:^|\s)([A-Za-z]+)$")


def check(source, render, width, amb, ruby):
    problems = []
    with open(render, encoding="utf-8") as f:
        out = f.read()
    lines = out.split("\n")
    if lines and lines[-1] == "":
        lines.pop()

    for n, line in enumerate(lines, 1):
        w = str_width(line, amb)
        if w > width:
            problems.append(f"{render}:{n}: {w} columns, more than {width}")
        if line != line.rstrip(" "):
            problems.append(f"{render}:{n}: trailing space")

    units, cell_lines, pairs = render_units(lines)
    rubies = read_rubies(source)
    for seg in cell_lines:
        t = seg.strip(" ")
        if not t or all(c in BOX or c in "=-" for c in t):
            continue
        t = MARKER.sub("", t).lstrip(" ")
        if t and t[0] in NO_START:
            problems.append(f"{render}: line starts with {t[0]}: {seg.strip()}")
        if t and t[-1] in NO_END:
            problems.append(f"{render}: line ends with {t[-1]}: {seg.strip()}")

    # a word and a lone capital or number after it: never parted, when
    # they were one line's neighbours in the source (a list item starting
    # "A condom" after one ending "pregnancy", or the quiz's "Explanation"
    # label above "A strong headache", are not such a pair)
    text, cells, readings = read_source(source, ruby)
    src_all = text + "\n" + "\n".join(c for c, _ in cells)
    for a, b in pairs:
        a = a.rstrip()
        b = MARKER.sub("", b.strip()).lstrip()
        w, t = WORD_END.search(a), LONE.match(b)
        if w and t and not re.search(
                r"(?<![A-Za-z])" + re.escape(w.group(1)) + r"[ \t]+"
                + re.escape(t.group(0)) + r"(?![A-Za-z0-9])", src_all):
            continue
        if w and t and (not b[0].isdigit() or w.group(1)[0].isupper()):
            problems.append(f"{render}: '{a.split()[-1]}' and '{b.split()[0]}' "
                            f"broken apart: {a.strip()[-20:]} | {b[:20]}")

    # a reading in parentheses never cut: no line ends inside one
    if ruby == "paren":
        for seg in cell_lines:
            t = seg.rstrip()
            k = t.rfind("（")
            if k < 0 or "）" in t[k:]:
                continue
            part = t[k + 1:]
            if part and any(r.startswith(part) and r != part
                            for _, r in rubies):
                problems.append(f"{render}: ruby reading cut at the line's "
                                f"end: {t.strip()[-20:]}")

    # tokens: each must sit whole inside one line (or one cell line)
    for m in TOKEN.finditer(src_all):
        tok = m.group(0)
        if str_width(tok, amb) > width - 8:
            continue  # wider than a line can hold beside its markers
        want = src_all.count(tok)
        have = sum(seg.count(tok) for seg in cell_lines)
        if have < want:
            problems.append(f"{render}: token '{tok}' split or lost "
                            f"({have} of {want} whole)")

    # nothing lost: the text in order, each cell and reading whole
    out_sig = significant("".join(units))
    if ruby == "paren":
        out_sig = join_split_rubies(out_sig, rubies)
    src_sig = significant(text)
    k = 0
    for pos, c in enumerate(src_sig):
        k = out_sig.find(c, k)
        if k < 0:
            problems.append(f"{render}: source text lost from "
                            f"'{src_sig[pos:pos + 12]}'")
            break
        k += 1
    for c, with_reading in cells:
        for piece in c.split("\x01"):
            sc = significant(piece)
            if not sc:
                continue
            if with_reading:
                # readings above their bases sit inside the cell: the
                # cell's text is there in order, with readings between
                it = iter(out_sig)
                whole = all(ch in it for ch in sc)
            else:
                whole = sc in out_sig
            if not whole:
                problems.append(f"{render}: table cell text '{piece}' "
                                "not found whole")
    line_sigs = [significant(seg) for seg in cell_lines]
    for r in readings:
        sr = significant(r)
        if sr and not reading_in_lines(sr, line_sigs):
            problems.append(f"{render}: ruby reading '{r}' not found")
    src_count = {}
    for c in significant(src_all) + "".join(significant(r) for r in readings):
        src_count[c] = src_count.get(c, 0) + 1
    for c, want in sorted(src_count.items()):
        have = out_sig.count(c)
        if have < want:
            problems.append(f"{render}: '{c}' appears {have} times, "
                            f"the source has {want}")
    return problems


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("-w", "--width", type=int, default=80)
    ap.add_argument("-a", "--ambiguous", type=int, choices=(1, 2), default=1)
    ap.add_argument("-r", "--ruby", choices=("paren", "over", "off"),
                    default="paren")
    ap.add_argument("source")
    ap.add_argument("render")
    args = ap.parse_args()
    problems = check(args.source, args.render, args.width, args.ambiguous,
                     args.ruby)
    for p in problems:
        print(p)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
