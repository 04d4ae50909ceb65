#!/usr/bin/env python3
"""Make render-check.py fail on purpose: render a test document, check that
the checker passes it, then break the render in one way at a time (a line
starting with 。, a line too wide, a trailing space, a lost character, a
split unit token, a cell ending with （ or starting with 、, text out of
order, a changed ruby reading, a reading cut at a line's end, a word parted
from the lone capital after it) and check that the checker rejects each.

Usage: checker-selftest.py ISOKIOSK LAYOUT_DIR
"""
import os
import subprocess
import sys
import tempfile

isokiosk, d = sys.argv[1], sys.argv[2]
check = os.path.join(d, "render-check.py")
failures = 0


def run_check(doc, text):
    with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False,
                                     encoding="utf-8") as f:
        f.write(text)
    r = subprocess.run([sys.executable, check, "-w", "80", doc, f.name],
                       capture_output=True, text=True)
    os.unlink(f.name)
    return r.returncode, r.stdout


def selftest(docname, mutations):
    global failures
    doc = os.path.join(d, "docs", docname)
    good = subprocess.run([isokiosk, "render", "--width", "80", doc],
                          capture_output=True, text=True, check=True).stdout
    rc, out = run_check(doc, good)
    print(("ok" if rc == 0 else "not ok") + f" - {docname} as rendered passes")
    if rc != 0:
        print(out)
        failures += 1
    for name, (a, b) in mutations.items():
        if a not in good:
            print(f"not ok - {docname} {name}: '{a}' not in the render")
            failures += 1
            continue
        rc, out = run_check(doc, good.replace(a, b, 1))
        print(("ok" if rc == 1 else "not ok") +
              f" - {docname} {name} is caught: {out.splitlines()[:1]}")
        if rc != 1:
            failures += 1


selftest("tables.md", {
    "line starting with 。": ("対処です。", "対処です\n。"),
    "line too wide": ("対処です。", "対処です。" + "あ" * 40),
    "trailing space": ("対処です。", "対処です。 "),
    "lost character": ("メガ", "メ"),
    "cell ending with （": ("│ 唇の乾燥", "│ 唇の乾（"),
    "cell starting with 、": ("│ メガネにします。", "│ 、メガネにします"),
    "text out of order": ("検査の予定です。", "予定の検査です。"),
})
selftest("paragraphs.md", {
    "20mg split": ("20mg", "20\nmg"),
    "25℃ split": ("25℃", "25\n℃"),
    "PA+++ split": ("PA+++", "PA+\n++"),
    "ruby reading changed": ("（さいきけいせい）", "（さいきけせい）"),
    "line ending with 「": ("「炎症」", "「\n炎症」"),
    "ruby reading cut": ("（さいきけいせい）", "（さいき\nけいせい）"),
})
selftest("english.md", {
    "vitamin|A": ("about vitamin A supplements",
                  "about vitamin\n  A supplements"),
})
print(f"# {failures} failures")
sys.exit(1 if failures else 0)
