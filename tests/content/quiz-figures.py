#!/usr/bin/env python3
"""Quiz figures for content editors and reviewers (not a test).

    tests/content/quiz-figures.py [CONTENT_DIR [QUIZ_H]]

For each language's quiz.md: questions per profile, choices per question,
how often the right choice is the longest (ties count) or the shortest,
distinct right wordings, and the exact chance that a patient who does not
read passes, under the kiosk's rules (src/quiz.h: a question is asked until
it is answered right; the QUIZ_MAX_WRONG-th wrong answer to one question
stops the quiz; the quiz is passed when every question was answered right;
choices are reshuffled on every attempt):

  memoryless guesser: picks uniformly at random on every attempt.
      per question with c choices and m = QUIZ_MAX_WRONG attempts:
      p = 1 - ((c-1)/c)^m
  eliminating guesser: never picks a choice (text) already found wrong.
      p = min(m, c) / c
  a session passes with the product of p over the profile's questions.

Lengths are counted in characters of the text as the patient sees it:
ruby readings dropped (as lint.c does) and {{key}} replaced by its value in
CONTENT_DIR/clinic.conf (lint.c counts the {{key}} as written)."""
import os
import re
import sys
from fractions import Fraction

root = sys.argv[1] if len(sys.argv) > 1 else "content"
quiz_h = sys.argv[2] if len(sys.argv) > 2 else os.path.join(
    os.path.dirname(root) or ".", "src", "quiz.h")
m = int(re.search(r"#define QUIZ_MAX_WRONG (\d+)", open(quiz_h).read()).group(1))


def clinic(lang):
    vals = {}
    try:
        for line in open(os.path.join(root, "clinic.conf"), encoding="utf-8"):
            kv = re.match(r"^\s*([A-Za-z_.]+)\s*\??=\s*(.*?)\s*$", line)
            if kv:
                vals[kv.group(1)] = kv.group(2)
    except OSError:
        pass
    for k in list(vals):
        if k.endswith("." + lang):
            vals[k[: -len(lang) - 1]] = vals[k]
    return vals


def shown(t, vals):
    t = re.sub(r"\{\{([a-z_]+)\}\}", lambda mm: vals.get(mm.group(1), mm.group(0)), t)
    t = re.sub(r"｜([^《]+)《[^》]*》", r"\1", t)
    return re.sub(r"([一-龯々]+)《[^》]*》", r"\1", t)


def parse(path, vals):
    qs, cur = [], None
    for line in open(path, encoding="utf-8"):
        line = line.rstrip("\n")
        h = re.match(r"^## (\S+)", line)
        if h:
            cur = {"id": h.group(1), "profile": "all", "choices": []}
            qs.append(cur)
            continue
        if cur is None:
            continue
        p = re.match(r"^profile:\s*(\S+)", line)
        if p:
            cur["profile"] = p.group(1)
        c = re.match(r"^- \[([ xX])\] (.*)$", line)
        if c:
            cur["choices"].append((shown(c.group(2).strip(), vals), c.group(1) != " "))
    return qs


def fmt(f):
    return f"{f} = {float(f):.3g} (1 in {float(1 / f):,.0f})" if f else "0"


for lang in sorted(os.listdir(root)):
    path = os.path.join(root, lang, "quiz.md")
    if not os.path.isfile(path):
        continue
    qs = parse(path, clinic(lang))
    nlong = nshort = 0
    rights = []
    for q in qs:
        r = [t for t, ok in q["choices"] if ok][0]
        w = [len(t) for t, ok in q["choices"] if not ok]
        rights.append(r)
        nlong += len(r) >= max(w)
        nshort += len(r) <= min(w)
    nch = sorted({len(q["choices"]) for q in qs})
    print(f"{lang}: {len(qs)} questions; choices per question {nch}; "
          f"right is the longest in {nlong}, the shortest in {nshort}; "
          f"{len(set(rights))} distinct right wordings")
    for prof in ("no-pregnancy", "pregnancy"):
        sel = [q for q in qs if q["profile"] == "all" or q["profile"] == prof]
        memo = elim = first = Fraction(1)
        for q in sel:
            c = len(q["choices"])
            memo *= 1 - Fraction(c - 1, c) ** m
            elim *= Fraction(min(m, c), c)
            first *= Fraction(1, c)
        print(f"  {prof}: {len(sel)} questions, QUIZ_MAX_WRONG={m}")
        print(f"    memoryless guesser passes: {fmt(memo)}")
        print(f"    eliminating guesser passes: {fmt(elim)}")
        print(f"    all right at the first try by guessing: {fmt(first)}")
