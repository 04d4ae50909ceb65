#!/usr/bin/env python3
"""quality-report: how well `isokiosk render` breaks lines, measured.

Renders every bundled content file (content/*/*.md: the screens, quiz,
consent and the follow-up's methods, mood check, side-effects checklist and
urgent screen, whose choices render as "(1) [score] text" and are read as
list items) and every layout test document (tests/layout/docs/*.md) at
each width (default 20 to 80, ruby in parentheses, East Asian Ambiguous 1
column) and reads the renders back, with no help from the C side:
paragraphs, list items, Q&A, callout bodies and
table cells are found from the text and its frames, their lines joined, and
every line break classified by an independent reading of BudouX's model
(src/phrase/budoux-ja.json; the C code is src/phrase.c):

  lines        every line of text (rules, frames and blank lines aside)
  in-phrase    breaks where BudouX sees no phrase boundary (Japanese) or
               inside a word (Latin): 受診の目|安, 承（しょう）|認（にん）
  katakana     of those, breaks inside a katakana word (ス|タッフ) that
               would fit on a line of its own ("avoidable"; the ones that
               would not are counted apart as "long")
  latin        of those, breaks inside a Latin word or number, avoidable
  word|tok     breaks between a word and a lone letter or number after it
               (vitamin|A, SPF|30)
  half-empty   lines under half their measure that are not the last of
               their paragraph or cell

Tables (drawn as grids) are also read column by column:

  cells        table cells
  t-lines      the tables' lines (rules aside)
  broken       cells broken inside a phrase or word
  slack-fix    of those, cells where another column of the same table has
               at least as many free columns (on every line) as the broken
               phrase's tail needs: the table could have kept it whole
  lone         cells whose last line is one or two characters (す。) while
               one more column of width would have absorbed it

Usage:
  quality-report.py ISOKIOSK [--root DIR] [--widths 20-80] [--before OLD]
                    [--every] [--show WIDTH] [--check]
--before OLD   also render with OLD (another isokiosk) and print both
--every        one row per width (default: 10-column bands and 30/40/80)
--show WIDTH   list every bad break and table finding at WIDTH
--check        exit 1 unless, at 30, 40 and 80 columns, there are no
               avoidable katakana or Latin breaks, no word|tok breaks and
               no slack-fix table cells (the issue's "done when")
"""

import argparse
import glob
import json
import os
import re
import subprocess
import sys
import unicodedata
from concurrent.futures import ThreadPoolExecutor

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))

# --- widths ---------------------------------------------------------------


def col_width(ch, amb=1):
    if unicodedata.combining(ch) or unicodedata.category(ch) in ("Mn", "Me", "Cf"):
        return 0
    eaw = unicodedata.east_asian_width(ch)
    if eaw in ("W", "F"):
        return 2
    if eaw == "A":
        return amb
    return 1


def str_width(s, amb=1):
    return sum(col_width(c, amb) for c in s)


# --- BudouX, read independently of src/phrase.c ----------------------------


class Budoux:
    FEATURES = ("UW1", "UW2", "UW3", "UW4", "UW5", "UW6", "BW1", "BW2",
                "BW3", "TW1", "TW2", "TW3", "TW4")

    def __init__(self, path):
        with open(path, encoding="utf-8") as f:
            self.m = json.load(f)
        self.total = sum(sum(g.values()) for g in self.m.values())
        self.memo = {}

    @staticmethod
    def nikui(s, i):
        """The ending 〜にくい (見えに|くく), which BudouX splits, reading に
        as a particle: one phrase with its verb, as text.c reads it."""
        stem = s[i - 2] if i > 1 else ""
        return (s[i - 1] == "に" and s[i:i + 1] == "く" and bool(stem) and
                ("\u3041" <= stem <= "\u3096" or stem == "々" or
                 "\u3400" <= stem <= "\u9fff") and
                (s[i + 1:i + 2] in ("い", "く") or s[i + 1:i + 3] == "かっ"))

    def starts(self, s):
        """starts[i] for 0 < i < len(s): a phrase starts at s[i]."""
        got = self.memo.get(s)
        if got is not None:
            return got
        g = {k: self.m.get(k, {}) for k in self.FEATURES}
        out = [False] * len(s)
        n = len(s)
        for i in range(1, n):
            sc = 0
            if i > 2:
                sc += g["UW1"].get(s[i - 3], 0) + g["TW1"].get(s[i - 3:i], 0)
            if i > 1:
                sc += g["UW2"].get(s[i - 2], 0) + g["BW1"].get(s[i - 2:i], 0)
                sc += g["TW2"].get(s[i - 2:i + 1], 0)
            sc += g["UW3"].get(s[i - 1], 0) + g["UW4"].get(s[i], 0)
            sc += g["BW2"].get(s[i - 1:i + 1], 0)
            if i + 1 < n:
                sc += g["UW5"].get(s[i + 1], 0) + g["BW3"].get(s[i:i + 2], 0)
                sc += g["TW3"].get(s[i - 1:i + 2], 0)
            if i + 2 < n:
                sc += g["UW6"].get(s[i + 2], 0) + g["TW4"].get(s[i:i + 3], 0)
            out[i] = 2 * sc > self.total and not self.nikui(s, i)
        self.memo[s] = out
        return out


# --- character classes ------------------------------------------------------


def is_cjk(c):
    o = ord(c)
    return (0x3000 <= o <= 0x30FF or 0x3400 <= o <= 0x9FFF or
            0xF900 <= o <= 0xFAFF or 0xFF00 <= o <= 0xFFEF or
            0x31F0 <= o <= 0x31FF)


def is_kanji(c):
    o = ord(c)
    return 0x3400 <= o <= 0x9FFF or 0xF900 <= o <= 0xFAFF or c in "々〆ヶ"


def is_katakana(c):
    o = ord(c)
    return (0x30A1 <= o <= 0x30FA or 0x30FC <= o <= 0x30FE or
            0x31F0 <= o <= 0x31FF or 0xFF66 <= o <= 0xFF9F)


def is_latin(c):
    if c.isascii():
        return c.isalnum()
    o = ord(c)
    if 0xFF10 <= o <= 0xFF19 or 0xFF21 <= o <= 0xFF3A or 0xFF41 <= o <= 0xFF5A:
        return True
    return unicodedata.category(c)[0] == "L" and o < 0x2000


READING = re.compile(r"（[\u3041-\u309f\u30fc]+）")
MARKER = re.compile(r"(?:・|- |\d+\. |\[[ x]\] |\(\d+\) |Q\. |A\. )")
# a lone capital after a word (vitamin A; not the pronoun I, and an article
# "a" belongs with the word after it), or a number after a word that starts
# with a capital (SPF 30; "or 0.5", "up to 40" may part)
LONE = re.compile(r"^(?:[A-HJ-Z]|[0-9]+(?:[.,][0-9]+)*%?)[.,;:!?)\"”’]*$")
# labels the quiz layout puts on a line of their own, right above text
LABEL = re.compile(r"^(?:解説|Explanation|\[[^\]]+\] profile:.*)$")
WORD = re.compile(r"^[A-Za-z]+$")  # a word, no punctuation after it


# --- what the source says -------------------------------------------------------

RUBY_SRC = re.compile(r"｜?([^《｜\s]+?)《([^》]*)》")


def plain(s):
    """Inline markup → the text the render shows (ruby in parentheses)."""
    s = s.replace("**", "").replace("\\", "")
    return RUBY_SRC.sub(lambda m: m.group(1) + "（" + m.group(2) + "）", s)


def source_info(path):
    """The table header labels of a source (a block starts with one) and
    the hard breaks (<br>) in it, as (text before, text after) pairs."""
    labels, hard = set(), set()
    with open(path, encoding="utf-8-sig") as f:
        lines = f.read().split("\n")
    for k, line in enumerate(lines):
        t = line.strip()
        if (t.startswith("|") and k + 1 < len(lines) and
                re.fullmatch(r"\|?[\s:|-]+\|?", lines[k + 1].strip() or "x")):
            for c in t.strip("|").split("|"):
                if c.strip():
                    labels.add(plain(c.strip()))
        for m in re.finditer(r"<br>", line):
            before = plain(line[:m.start()]).split("|")[-1].strip()
            after = plain(line[m.end():]).split("|")[0].strip()
            hard.add((before[-4:], after[:1]))
    return labels, hard


# --- reading a render back ---------------------------------------------------


class Unit:
    """A paragraph, list item, heading or cell: its lines and measures."""

    def __init__(self, avail):
        self.lines = []   # text of each line, markers and indent removed
        self.avail = []   # the columns each line could use
        self.cell = None  # (table, column) for a table cell

    def add(self, text, avail):
        self.lines.append(text)
        self.avail.append(avail)


class Table:
    def __init__(self, colw):
        self.colw = colw
        self.cells = []  # [row][col] → Unit
        self.nlines = 0


def split_box_row(line):
    s = line.strip()
    return s.split("│")[1:-1]


def parse_region(lines, width, units, tables, labels=frozenset()):
    """Units and tables of a list of rendered lines that are `width` wide
    (labels: the table headers a block of a table shown as blocks starts
    with)."""
    cur = None
    i = 0

    def close():
        nonlocal cur
        if cur is not None and cur.lines:
            units.append(cur)
        cur = None

    while i < len(lines):
        line = lines[i]
        s = line.strip()
        if s.startswith("┌"):
            close()
            j = i + 1
            while j < len(lines) and not lines[j].strip().startswith("└"):
                j += 1
            box = lines[i:j + 1]
            i = j + 1
            if re.search(r"[A-Za-z\u3040-\u9fff]", s):
                # a callout: its body is a region of its own
                inner = str_width(s) - 4
                body = []
                for b in box[1:-1]:
                    t = b.strip()
                    body.append(t[2:-2].rstrip() if len(t) >= 4 else "")
                parse_region(body, inner, units, tables, labels)
            else:
                parse_table(box, units, tables)
            continue
        if s == "":
            close()
            i += 1
            continue
        if re.fullmatch(r"=+|-+", s) and cur is not None:
            close()  # a heading's rule
            i += 1
            continue
        lead = len(line) - len(line.lstrip(" "))
        m = MARKER.match(line, lead)
        block = lead == 0 and any(line.startswith(lb + "：") or
                                  line.startswith(lb + ": ") for lb in labels)
        if block:
            close()
            cur = Unit(width)
            cur.indent = 0
            cur.add(line.strip(), width - 2)
        elif LABEL.match(line):
            close()
            cur = Unit(width)
            cur.indent = 0
            cur.add(line.strip(), width)
            if not line.startswith("["):
                close()
        elif m:
            close()
            cur = Unit(width)
            cur.indent = lead + str_width(m.group(0))
            cur.add(line[m.end():].rstrip(), width - cur.indent)
        elif cur is not None and (lead > 0 or getattr(cur, "indent", 0) == 0):
            cur.add(line.strip(), width - lead)
        else:
            close()
            cur = Unit(width)
            cur.indent = 0
            cur.add(line.strip(), width - lead)
        i += 1
    close()


def parse_table(box, units, tables):
    top = box[0].strip()[1:-1]
    colw = [str_width(seg) - 2 for seg in top.split("┬")]
    t = Table(colw)
    row = None
    for line in box[1:-1]:
        s = line.strip()
        if s[:1] in ("├", "╞"):
            row = None
            continue
        parts = split_box_row(line)
        if len(parts) != len(colw):
            continue
        t.nlines += 1
        if row is None:
            row = [Unit(w) for w in colw]
            for k, u in enumerate(row):
                u.cell = (t, k)
            t.cells.append(row)
        for k, p in enumerate(parts):
            text = p.strip()
            if text:
                row[k].add(text, colw[k])
    for row in t.cells:
        for u in row:
            if u.lines:
                units.append(u)
    tables.append(t)


# --- classifying breaks --------------------------------------------------------


def join_unit(u):
    """The unit's text, where each break falls in it, and the text with
    ruby readings taken out (with a map from its indices)."""
    text, brk = u.lines[0], []
    for ln in u.lines[1:]:
        a, b = text[-1:], ln[:1]
        if a and b and not is_cjk(a) and not is_cjk(b):
            text += " "
        brk.append(len(text))
        text += ln
    # take readings out: base（reading） → base
    clean, where = [], []  # where[k]: index in text of clean[k]
    inside = set()
    k = 0
    while k < len(text):
        m = READING.match(text, k)
        if m and clean and is_kanji(clean[-1]):
            inside.update(range(k + 1, m.end()))
            k = m.end()
            continue
        clean.append(text[k])
        where.append(k)
        k += 1
    pos = {w: c for c, w in enumerate(where)}
    return text, brk, "".join(clean), pos, inside


def word_extent(clean, k, pred):
    a = k
    while a > 0 and pred(clean[a - 1]):
        a -= 1
    e = k
    while e < len(clean) and pred(clean[e]):
        e += 1
    return clean[a:e]


def classify(u, bx, hard=frozenset()):
    """[(kind, detail)] for each break of u; kind in ok, hard (a <br> of the
    source), phrase, kata, kata-long, latin, latin-long, tok."""
    text, brk, clean, pos, inside = join_unit(u)
    starts = bx.starts(clean)
    out = []
    for n, b in enumerate(brk):
        avail = u.avail[n + 1]
        ctx = text[max(0, b - 8):b] + "|" + text[b:b + 8]
        if any(text[:b].rstrip().endswith(t) and text[b:].startswith(h)
               for t, h in hard if t and h):
            out.append(("hard", ctx))
            continue
        if b in inside or b not in pos:
            out.append(("phrase", ctx))  # inside a reading
            continue
        k = pos[b]
        prev, nxt = clean[k - 1], clean[k]
        if prev == " ":
            before = clean[:k - 1].split(" ")[-1]
            after = clean[k:].split(" ")[0]
            if (LONE.match(after) and WORD.match(before) and
                    (not after[0].isdigit() or before[0].isupper())):
                out.append(("tok", ctx))
            else:
                out.append(("ok", ctx))
            continue
        if is_katakana(prev) and is_katakana(nxt):
            w = word_extent(clean, k, is_katakana)
            out.append(("kata" if str_width(w) <= avail else "kata-long", ctx))
            continue
        if is_latin(prev) and is_latin(nxt):
            w = word_extent(clean, k, is_latin)
            out.append(("latin" if str_width(w) <= avail else "latin-long", ctx))
            continue
        if is_cjk(prev) or is_cjk(nxt):
            out.append(("ok" if starts[k] else "phrase", ctx))
            continue
        out.append(("ok", ctx))
    return out, clean, pos, starts


def tail_width(u, n, clean, pos, starts, text_brk):
    """Columns the broken phrase's tail takes on the next line: what the
    line would have needed to keep the phrase whole."""
    b = text_brk[n]
    if b not in pos:
        return 2
    k = pos[b]
    e = k + 1
    while e < len(clean) and not starts[e] and clean[e] != " ":
        e += 1
    return str_width(clean[k:e])


# --- one render -------------------------------------------------------------------


def render(isokiosk, doc, width, amb):
    r = subprocess.run([isokiosk, "render", "--width", str(width),
                        "--ambiguous-width", str(amb), "--ruby", "paren", doc],
                       capture_output=True, text=True)
    if r.returncode != 0:
        raise SystemExit(f"render failed: {doc} at {width}: {r.stderr}")
    return r.stdout.split("\n")


KEYS = ("lines", "phrase", "kata", "kata-long", "latin", "latin-long", "tok",
        "half", "cells", "t-lines", "broken", "slack-fix", "lone")


def measure(lines, width, bx, show=None, name="", info=(frozenset(), frozenset())):
    labels, hard = info
    units, tables = [], []
    parse_region(lines, width, units, tables, labels)
    c = dict.fromkeys(KEYS, 0)
    for u in units:
        c["lines"] += len(u.lines)
        kinds, clean, pos, starts = classify(u, bx, hard)
        for n, ln in enumerate(u.lines[:-1]):
            if kinds[n][0] == "hard":
                continue
            if str_width(ln) * 2 < u.avail[n]:
                c["half"] += 1
                if show:
                    show.append(f"{name}: half-empty ({str_width(ln)} of {u.avail[n]}): {ln}")
        for kind, ctx in kinds:
            if kind in ("ok", "hard"):
                continue
            if kind in ("kata", "kata-long", "latin", "latin-long", "phrase"):
                c["phrase"] += 1
            if kind != "phrase":
                c[kind] += 1
            if show is not None:
                show.append(f"{name}: {kind}: {ctx}")
    for t in tables:
        c["t-lines"] += t.nlines
        slack = []
        for k, w in enumerate(t.colw):
            used = max((str_width(ln) for row in t.cells
                        for ln in row[k].lines), default=0)
            slack.append(w - used)
        for row in t.cells:
            for k, u in enumerate(row):
                c["cells"] += 1
                if not u.lines:
                    continue
                kinds, clean, pos, starts = classify(u, bx, hard)
                text, brk = join_unit(u)[:2]
                bad = [n for n, (kind, _) in enumerate(kinds)
                       if kind not in ("ok", "hard")]
                if bad:
                    c["broken"] += 1
                    need = min(tail_width(u, n, clean, pos, starts, brk)
                               for n in bad)
                    other = max((s for j, s in enumerate(slack) if j != k),
                                default=0)
                    if other >= need:
                        c["slack-fix"] += 1
                        if show is not None:
                            show.append(f"{name}: table cell broken while another "
                                        f"column has {other} free (needs {need}): "
                                        + " | ".join(u.lines))
                last = u.lines[-1]
                if (len(u.lines) > 1 and len(last) <= 2 and
                        str_width(last) + str_width(u.lines[-2]) <= t.colw[k] + 2):
                    c["lone"] += 1
                    if show is not None:
                        show.append(f"{name}: lone last line: " + " | ".join(u.lines))
    return c


def docs_of(root):
    out = []
    for pat in ("content/*/*.md", "tests/layout/docs/*.md"):
        out += sorted(glob.glob(os.path.join(root, pat)))
    return out


def run(isokiosk, docs, widths, amb, bx, show_width=None):
    """{width: counts} over all docs; findings at show_width."""
    shown = []
    jobs = [(d, w) for w in widths for d in docs]

    def one(job):
        d, w = job
        return d, w, render(isokiosk, d, w, amb)

    res = {w: dict.fromkeys(KEYS, 0) for w in widths}
    info = {d: source_info(d) for d in docs}
    with ThreadPoolExecutor(max_workers=4) as ex:
        for d, w, lines in ex.map(one, jobs):
            show = shown if w == show_width else None
            name = f"{os.path.relpath(d, ROOT)}@{w}"
            c = measure(lines, w, bx, show, name, info[d])
            for k in KEYS:
                res[w][k] += c[k]
    return res, shown


def bands(widths, every):
    if every:
        return [(str(w), [w]) for w in widths]
    out = []
    lo = widths[0]
    while lo <= widths[-1]:
        hi = lo - lo % 10 + 9
        ws = [w for w in widths if lo <= w <= hi]
        if ws:
            out.append((f"{ws[0]}-{ws[-1]}" if len(ws) > 1 else str(ws[0]), ws))
        lo = hi + 1
    for w in (30, 40, 80):
        if w in widths and not every:
            out.append((f"={w}", [w]))
    out.append(("all", widths))
    return out


def table(res, before, widths, every):
    cols = [("lines", "lines"), ("in-phrase", "phrase"), ("katakana", "kata"),
            ("latin", "latin"), ("word|tok", "tok"), ("half-empty", "half"),
            ("kata/latin long", None), ("cells", "cells"), ("t-lines", "t-lines"),
            ("broken", "broken"), ("slack-fix", "slack-fix"), ("lone", "lone")]
    wide = before is not None
    def cw(h):
        return max(len(h), 13 if wide else 7) + 2
    head = f"{'width':>7}" + "".join(f"{h:>{cw(h)}}" for h, _ in cols)
    print(head)
    for label, ws in bands(widths, every):
        def get(r, k):
            if k is None:
                return sum(r[w]["kata-long"] + r[w]["latin-long"] for w in ws)
            return sum(r[w][k] for w in ws)
        row = f"{label:>7}"
        for h, k in cols:
            v = get(res, k)
            cell = str(v) if before is None else f"{get(before, k)}→{v}"
            row += f"{cell:>{cw(h)}}"
        print(row)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("isokiosk")
    ap.add_argument("--root", default=ROOT)
    ap.add_argument("--widths", default="20-80")
    ap.add_argument("--ambiguous", type=int, default=1, choices=(1, 2))
    ap.add_argument("--before")
    ap.add_argument("--every", action="store_true")
    ap.add_argument("--show", type=int)
    ap.add_argument("--check", action="store_true")
    a = ap.parse_args()
    lo, _, hi = a.widths.partition("-")
    widths = list(range(int(lo), int(hi or lo) + 1))
    if a.check:
        widths = [30, 40, 80]
    docs = docs_of(a.root)
    if not docs:
        sys.exit("quality-report: no documents under " + a.root)
    bx = Budoux(os.path.join(a.root, "src", "phrase", "budoux-ja.json"))
    res, shown = run(a.isokiosk, docs, widths, a.ambiguous, bx, a.show)
    before = None
    if a.before:
        before, _ = run(a.before, docs, widths, a.ambiguous, bx)
    print(f"{len(docs)} documents, widths {widths[0]}-{widths[-1]}, ruby in "
          f"parentheses, ambiguous {a.ambiguous}" +
          (" (before→after)" if before else ""))
    table(res, before, widths, a.every)
    for s in shown:
        print(s)
    if a.check:
        bad = sum(res[w][k] for w in widths
                  for k in ("kata", "latin", "tok", "slack-fix"))
        print(f"check: {bad} avoidable katakana/Latin/word|tok breaks and "
              "slack-fix table cells at 30, 40 and 80 columns")
        return 1 if bad else 0
    return 0


if __name__ == "__main__":
    sys.exit(main())
