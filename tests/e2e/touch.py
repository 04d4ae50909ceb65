#!/usr/bin/env python3
"""Whole consent sessions by touch alone, in a real terminal (tmux): after
staff start the session from the shell, not one key is sent, only SGR 1006
mouse presses and releases, as a touch screen sends them. Every screen is
read to its end with the on-screen buttons, the quiz answered (one wrong
answer and a re-read), every statement confirmed (one taken back and
confirmed again), the review read, and the names typed on the on-screen
keyboard: a pregnancy-profile session, a minor (no-pregnancy) whose
guardian signs too, and an English session on the Latin keyboard. Then
`records show` must hold the names exactly as typed.

Also, on a 40x12 screen (the smallest the kiosk takes), every quiz choice
of every question is shown by scrolling with ▼, none overlapping another
or the hint, and the session goes on by touch to its receipt.

usage: touch.py [full | small]
Environment: ISOKIOSK, SOURCE_ROOT, ISOKIOSK_LOCALEDIR (as consent.py).
Output is TAP. Quiz answers and statement counts come from the content
files (consent.py reads them), never from this file.
"""
import os
import re
import shutil
import sys
import tempfile
import time
import unicodedata

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import consent as C  # noqa: E402  (the content readers, the tmux driver)

ok = C.ok


def width(s):
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in s)


class Touch:
    """A kiosk driven by clicks only: keys() is not available."""

    def __init__(self, k):
        self.k = k
        self.clicks = 0

    def screen(self):
        return self.k.screen()

    def wait(self, want, limit=None):
        """Wait until the screen, drawn whole (settled), shows want."""
        def shows(s):
            return want(s) if callable(want) else want in s
        end = time.time() + (limit or C.TIMEOUT)
        while True:
            s = self.settled(self.k.wait(want, max(end - time.time(), 0.01)))
            if shows(s):
                return s

    def click(self, x, y):
        seq = "\033[<0;%d;%dM\033[<0;%d;%dm" % (x + 1, y + 1, x + 1, y + 1)
        self.k.tmux("send-keys", "-H", *["%02x" % b for b in seq.encode()])
        self.clicks += 1

    def find(self, s, text, lowest=True, rows=None, exact=False):
        """(x, y) of the middle of text on screen s; the lowest row first
        (the button bar and the keyboard are below the text). exact: text
        is a whole word (a key's label), not part of another."""
        lines = s.split("\n")
        order = range(len(lines) - 1, -1, -1) if lowest else range(len(lines))
        pat = re.compile((r"(?<!\S)" + re.escape(text) + r"(?!\S)") if exact
                         else re.escape(text))
        for y in order:
            if rows is not None and y not in rows:
                continue
            m = pat.search(lines[y])
            if m:
                return width(lines[y][:m.start()]) + width(text) // 2, y
        return None

    def tap(self, text, lowest=True, limit=None, rows=None, exact=False):
        """Wait until text is shown, then click it."""
        end = time.time() + (limit or C.TIMEOUT)
        while True:
            s = self.screen()
            at = self.find(s, text, lowest, rows, exact)
            if at is not None:
                self.click(*at)
                return s
            if time.time() > end:
                raise C.Timeout(f"not on screen to touch: {text!r}\n{s}")
            time.sleep(0.05)

    def tap_choice(self, pos):
        """Touch quiz choice pos (its first row)."""
        s = self.screen()
        for y, line in enumerate(s.split("\n")):
            m = re.match(r"^(\s+)%d  " % pos, line)
            if m and y >= 2:
                self.click(len(m.group(1)) + 3, y)
                return s
        raise C.Timeout(f"choice {pos} not on screen\n{s}")

    def changed(self, before, limit=None):
        """Wait until the screen differs from before (a touch was read) and
        has settled: a frame may reach the pane in more than one write (the
        terminal's output buffer), and a half-drawn one would show the old
        button bar under the new text."""
        s = self.wait(lambda s: s != before, limit)
        return self.settled(s, limit)

    # how long a screen must stay the same to count as drawn whole
    QUIET = 0.1

    def settled(self, s, limit=None):
        end = time.time() + (limit or C.TIMEOUT)
        while True:
            time.sleep(self.QUIET)
            again = self.screen()
            if again == s:
                return s
            if time.time() > end:
                raise C.Timeout(f"the screen did not settle:\n{again}")
            s = again


class SettledKiosk(C.Kiosk):
    """Every wait returns a screen drawn whole: a frame may reach the pane
    in more than one write, and a check made on half of it (the new header
    over the old question, or a record screen without its buttons yet,
    both seen under ASan) would fail."""

    def wait(self, want, limit=None, poll=0.02):
        end = time.time() + (limit or C.TIMEOUT)
        while True:
            s = Touch(self).settled(C.Kiosk.wait(self, want, max(end - time.time(), 0.01), poll),
                                    max(end - time.time(), 0.01))
            if want(s) if callable(want) else want in s:
                return s


# ---- the session, touch by touch ---------------------------------------------

READ_ON = "続きを読む"


def bar(s):
    """The last non-empty rows: the hint and the buttons."""
    rows = [r for r in s.split("\n") if r.strip()]
    return "\n".join(rows[-3:])


def read_screen(t, nexts=("次へ", "確認の問題へ", "問題に戻る"), read_on=READ_ON):
    """Read one screen to its end with the button that reads on, then go
    on. Returns the number of touches it took to read it."""
    n = 0
    s = t.settled(t.screen())
    while True:
        if read_on in bar(s):
            t.tap(read_on)
            s = t.changed(s)
            n += 1
            continue
        for label in nexts:
            if label in bar(s):
                t.tap(label)
                t.changed(s)
                return n
        time.sleep(0.05)
        s = t.settled(t.screen())


def read_screens(t, log, n):
    for i in range(1, n + 1):
        s = t.wait(lambda s: C.progress(s) == (i, n) and "確認の問題" not in C.header(s))
        log.screens.append(i)
        read_screen(t)


def shown_choices(s):
    """{number: text} of the choices on screen, their wrapped lines joined."""
    shown, cur = {}, None
    for line in s.split("\n")[2:]:
        m = re.match(r"^\s+([1-9])  (.+?)\s*(▲|▼)?\s*$", line)
        if m:
            cur = int(m.group(1))
            shown[cur] = m.group(2)
            continue
        m = re.match(r"^\s{4,}(\S.*?)\s*(▲|▼)?\s*$", line)
        if cur is not None and m and m.group(1) not in ("▲", "▼"):
            # a line broken at a space (English) lost it
            sep = " " if width(shown[cur][-1]) == 1 and width(m.group(1)[0]) == 1 else ""
            shown[cur] += sep + m.group(1)
        else:
            cur = None
    return shown


def identify(s, quiz=None):
    """The question on screen, by its wrong choices (a right one may hold
    a clinic value, {{...}} in the file), and {number: text}."""
    shown = shown_choices(s)
    for q in quiz or C.QUIZ:
        wrong = {t for t, c in q["choices"] if not c}
        if wrong and wrong <= set(shown.values()) and len(shown) == len(q["choices"]):
            return q, shown
    return None, shown


def right_pos(q, shown):
    wrong = {t for t, c in q["choices"] if not c}
    return [p for p, t in shown.items() if t not in wrong][0]


def see_all_choices(t):
    """Scroll with ▼ until the page's end: every choice seen once."""
    seen = {}
    s = t.settled(t.screen())
    seen.update(shown_choices(s))
    while "下にも答えがあります" in s:
        t.tap("▼")
        s = t.changed(s)
        seen.update(shown_choices(s))
    return s, seen


def answer(t, log, plan):
    attempts = {}
    while True:
        s = t.wait(lambda s: "答えにふれるか" in s or "下にも答えがあります" in s
                   or "上の内容を確認しました" in s)
        if "上の内容を確認しました" in s:
            return
        s, seen = see_all_choices(t)
        q, shown = identify(s)
        if q is None:
            raise C.Timeout("unknown question:\n" + s + f"\n{seen}")
        a = attempts.get(q["id"], 0) + 1
        attempts[q["id"]] = a
        what = plan(q["id"], a)
        pos = right_pos(q, shown) if what == "right" else \
            [p for p in shown if p != right_pos(q, shown)][0]
        t.tap_choice(pos)
        fb = t.wait(lambda s: "正解です。" in s or "不正解です。" in s)
        log.answers.append((q["id"], a, "不正解です。" not in fb, shown[pos]))
        if "正解です。" in fb and "不正解です。" not in fb:
            t.tap("次へ")
        elif what == "reread":
            t.tap("説明を読み直す")
            rs = t.wait("問題に戻る")
            ok(C.TITLES[q["reread"]] in C.header(rs),
               f"{q['id']}: the re-read screen '{q['reread']}' by touch", rs)
            log.screens.append(q["reread"])
            read_screen(t, ("問題に戻る",))
        else:
            t.tap("もう一度答える")
        t.changed(fb)


def acknowledge(t, log, profile, untick=False, minor=False):
    # a minor's guardian also confirms the statements addressed to them
    ids = C.acks_for(profile, minor)
    for i, sid in enumerate(ids):
        s = t.wait(lambda s: C.progress(s) == (i + 1, len(ids)) and "同意の確認" in C.header(s))
        if i == 0:
            # Next on an unticked statement says why, and goes nowhere.
            t.tap("次へ")
            s = t.wait("先に確認の欄にふれてください")
            ok(C.progress(s) == (1, len(ids)), "Next on an unticked statement: a message, no move", s)
        while "[ ] 1  上の内容を確認しました" not in s:
            t.tap("▼")
            s = t.changed(s)
        t.tap("[ ] 1  上の内容を確認しました", lowest=False)
        s = t.wait("[x] 確認しました")
        if untick and i == 0:
            t.tap("[x] 確認しました", lowest=False)
            s = t.wait("[ ] 1  上の内容を確認しました")
            ok(True, "a confirmed statement can be taken back by touch")
            t.tap("[ ] 1  上の内容を確認しました", lowest=False)
            s = t.wait("[x] 確認しました")
        log.acks.append(sid)
        t.tap("次へ")
        t.changed(s)


def review(t):
    s = t.wait("署名の前の確認")
    ok("署名へ進む" not in bar(s), "review: nothing to sign before its end is shown", s)
    while "署名へ進む" not in bar(s):
        t.tap(READ_ON)
        s = t.changed(s)
    t.tap("署名へ進む")


# Katakana names typed key by key: ゛ and ゜ follow their base, as on the
# keyboard; a space is 空白.
def kana_keys(name):
    voiced = {"ガ": "カ", "ギ": "キ", "グ": "ク", "ゲ": "ケ", "ゴ": "コ", "ザ": "サ",
              "ジ": "シ", "ズ": "ス", "ゼ": "セ", "ゾ": "ソ", "ダ": "タ", "ヂ": "チ",
              "ヅ": "ツ", "デ": "テ", "ド": "ト", "バ": "ハ", "ビ": "ヒ", "ブ": "フ",
              "ベ": "ヘ", "ボ": "ホ"}
    semi = {"パ": "ハ", "ピ": "ヒ", "プ": "フ", "ペ": "ヘ", "ポ": "ホ"}
    small = {"ァ": "ア", "ィ": "イ", "ゥ": "ウ", "ェ": "エ", "ォ": "オ", "ッ": "ツ",
             "ャ": "ヤ", "ュ": "ユ", "ョ": "ヨ"}
    keys = []
    for c in name:
        if c in voiced:
            keys += [voiced[c], "゛"]
        elif c in semi:
            keys += [semi[c], "゜"]
        elif c in small:
            keys += [small[c], ("小さい字", "小")]
        elif c in (" ", "\u3000"):
            keys.append("空白")
        else:
            keys.append(c)
    return keys


def keyboard_rows(s):
    """The rows of the on-screen keyboard: below the field and the
    signature's meaning, above the hint and the buttons."""
    lines = s.split("\n")
    start = max(i for i, l in enumerate(lines)
                if re.search("お名前：|Name:|署名の意味|Meaning:", l)) + 1
    return set(range(start, len(lines) - 3))


def type_keys(t, keys):
    for key in keys:
        # with colours: a cursor that moved changes no text
        before = t.k.tmux("capture-pane", "-p", "-e")
        if isinstance(key, tuple):  # a long label, or its short one
            s = t.wait(lambda s: any(t.find(s, k, rows=keyboard_rows(s), exact=True)
                                     for k in key))
            key = [k for k in key if t.find(s, k, rows=keyboard_rows(s), exact=True)][0]
        t.tap(key, rows=keyboard_rows(t.screen()), exact=True)
        t.wait(lambda s: t.k.tmux("capture-pane", "-p", "-e") != before)


def field(s):
    m = re.search(r"(?:お名前：|Name:) *(.*?) *$", s, re.M)
    return m.group(1) if m else None


def sign(t, log, names, lang="ja"):
    roles = ("本人による確認", "保護者による確認") if lang == "ja" else \
        ("acknowledged by patient", "acknowledged by guardian")
    for n, (role, name) in enumerate(zip(roles, names)):
        s = t.wait(lambda s: role in s and ("お名前" in s or "Name" in s))
        if n == 0 and lang == "ja":
            # a mistake, mended with ◀ and 1字消す
            type_keys(t, ["ア", "イ"])
            type_keys(t, ["◀", "1字消す"])
            s = t.wait(lambda s: field(s) == "イ")
            ok(True, "◀ moves the cursor, 1字消す erases before it", s)
            type_keys(t, ["全部消す"])
            t.wait(lambda s: field(s) == "")
        type_keys(t, kana_keys(name) if lang == "ja" else latin_keys(name))
        s = t.wait(lambda s: field(s) == name.replace(" ", "\u3000" if lang == "ja" else " "))
        t.tap("署名する" if lang == "ja" else "Sign")
        t.changed(s)
    s = t.wait("受付番号：" if lang == "ja" else "Receipt code:")
    m = re.search(r"([0-9a-f]{4}-[0-9a-f]{4})", s)
    log.receipt = m.group(1) if m else None
    t.tap("OK")
    t.wait("ようこそ。ことばを選んでください。")


def latin_keys(name):
    """Keys for a Latin name: letters as shown (capitals, abc for small)."""
    keys, small = [], False
    for c in name:
        if c == " ":
            keys.append("Space")
            continue
        if c.isalpha() and c.islower() != small:
            keys.append("abc" if not small else "ABC")
            small = not small
        keys.append(c)
    return keys


# ---- the flows ------------------------------------------------------------------

def setup(prefix):
    tmp = tempfile.mkdtemp(prefix=prefix)
    os.environ.update(HOME=tmp, XDG_CONFIG_HOME=os.path.join(tmp, "xdg"),
                      XDG_DATA_HOME=os.path.join(tmp, "data"),
                      ISOKIOSK_CONFIG=os.path.join(tmp, "none.conf"), USER="touch-staff")
    os.environ.pop("ISOKIOSK_DB", None)
    return tmp


def full():
    tmp = setup("isokiosk-touch.")
    db = os.path.join(tmp, "records.db")
    k = C.Kiosk(tmp)
    try:
        _full(k, db)
    except C.Timeout as e:
        ok(False, "the touch session went on", str(e))
    finally:
        k.close()
        shutil.rmtree(tmp, ignore_errors=True)
    C.finish()


def session(t, profile, names, plan, lang="ja", untick=False):
    log = C.Log()
    read_screens(t, log, C.nscreens(lang))
    answer(t, log, plan)
    acknowledge(t, log, profile, untick, minor=len(names) > 1)
    review(t)
    sign(t, log, names, lang)
    return log


def _full(k, db):
    n = C.nscreens()
    preg_q = [q["id"] for q in C.QUIZ if C.sees("pregnancy", q["profile"])]

    # A: pregnancy; one wrong answer and a re-read, all by touch.
    k.start("run", "--db", db, "--patient", "T-001", "--profile", "pregnancy")
    t = Touch(k)
    s = k.wait(f"1 / {n}")
    ok("次へ" not in bar(s) and READ_ON in bar(s),
       "consent mode: Next is not offered before the end of the screen is shown", s)
    plan = {(preg_q[0], 1): "reread"}
    log_a = session(t, "pregnancy", ["ヤマダ パンナ"], lambda q, a: plan.get((q, a), "right"),
                    untick=True)
    ok(log_a.receipt is not None, f"A (pregnancy) by touch alone: done, receipt {log_a.receipt}")

    # B: a minor, no-pregnancy: the patient and the guardian sign.
    k.start("run", "--db", db, "--patient", "T-002", "--profile", "no-pregnancy", "--minor")
    t = Touch(k)
    log_b = session(t, "no-pregnancy", ["スズキ タロウ", "スズキ ジュンコ"], lambda q, a: "right")
    ok(log_b.receipt is not None, f"B (minor, guardian) by touch alone: done, receipt {log_b.receipt}")

    # C: English, the Latin keyboard.
    k.start("run", "--db", db, "--lang", "en", "--patient", "T-003", "--profile", "no-pregnancy")
    t = Touch(k)
    log_c = english_session(t)
    ok(log_c.receipt is not None, f"C (English, Latin keys) by touch alone: done, receipt {log_c.receipt}")
    ok(True, f"{t.clicks} clicks in session C; no key was sent in any session")

    for sid, log, signs in ((1, log_a, [("patient", "ヤマダ\u3000パンナ", "本人による確認")]),
                            (2, log_b, [("patient", "スズキ\u3000タロウ", "本人による確認"),
                                        ("guardian", "スズキ\u3000ジュンコ", "保護者による確認")]),
                            (3, log_c, [("patient", "O'Hara Mary-Jane", "acknowledged by patient")])):
        rc, out, f, answers, acks, got, screens = C.show(db, sid)
        ok(rc == 0 and f.get("Outcome") == "completed", f"session {sid}: records show, completed", out)
        ok([(g[0], g[1], g[2]) for g in got] == signs,
           f"session {sid}: the names as typed on the on-screen keyboard", f"{got}\n{out}")
        ok([a[0] for a in acks] == log.acks, f"session {sid}: every statement confirmed ({len(log.acks)})",
           out)
        C.check_answers(f"session {sid}", log, answers, out)
    rc, out = C.records("verify", "--db", db)
    ok(rc == 0, "records verify: 0", out)


def english_session(t):
    log = C.Log()
    n = C.nscreens("en")
    for i in range(1, n + 1):
        t.wait(lambda s: C.progress(s) == (i, n))
        read_screen(t, ("Next", "To the questions"), "Read on")
    quiz = C.load_quiz("en")
    while True:
        s = t.wait(lambda s: "Touch your answer" in s or "More choices below" in s or
                   "I confirm the above" in s)
        if "I confirm the above" in s:
            break
        while "More choices below" in s:
            t.tap("▼")
            s = t.changed(s)
        q, shown = identify(s, quiz)
        if q is None:
            raise C.Timeout("unknown question:\n" + s)
        pos = right_pos(q, shown)
        t.tap_choice(pos)
        fb = t.wait("Correct.")
        log.answers.append((q["id"], 1, True, shown[pos]))
        t.tap("Next")
        t.changed(fb)
    ids = [st["id"] for st in C.load_statements("en") if C.sees("no-pregnancy", st["profile"])
           and st["signer"] != "guardian"]
    for i, sid in enumerate(ids):
        s = t.wait(lambda s: C.progress(s) == (i + 1, len(ids)) and "I confirm the above" in s)
        t.tap("I confirm the above", lowest=False)
        s = t.wait("[x] Confirmed")
        log.acks.append(sid)
        t.tap("Next")
        t.changed(s)
    s = t.wait("Before you sign")
    while "Go to signing" not in bar(s):
        t.tap("Read on")
        s = t.changed(s)
    t.tap("Go to signing")
    sign(t, log, ["O'Hara Mary-Jane"], "en")
    return log


# ---- 40 x 12: every choice by scrolling ------------------------------------------

def small():
    tmp = setup("isokiosk-touch-small.")
    db = os.path.join(tmp, "records.db")
    k = C.Kiosk(tmp, 40, 12)
    try:
        _small(k, db)
    except C.Timeout as e:
        ok(False, "the 40x12 session went on", str(e))
    finally:
        k.close()
        shutil.rmtree(tmp, ignore_errors=True)
    C.finish()


def _small(k, db):
    k.start("run", "--db", db, "--patient", "T-040", "--profile", "pregnancy")
    t = Touch(k)
    log = C.Log()
    read_screens(t, log, C.nscreens())
    nq = len([q for q in C.QUIZ if C.sees("pregnancy", q["profile"])])
    complete = overlap = 0
    for i in range(nq):
        s = t.wait(lambda s: "答えにふれるか" in s or "下にも答えがあります" in s)
        first = s
        s, seen = see_all_choices(t)
        q = [q for q in C.QUIZ if len(q["choices"]) == len(seen) and
             {x for x, c in q["choices"] if not c} <= set(seen.values())]
        if q:
            complete += 1
        else:
            print("# not every choice seen:\n# " + first.replace("\n", "\n# ") + f"\n# {seen}")
        # nothing drawn over the hint or past the width
        lines = s.split("\n")
        if max(width(l) for l in lines) > 40 or len(lines) > 13:
            overlap += 1
        want = right_pos(q[0], seen) if q else None
        while want not in shown_choices(s) and "▲" in s:
            t.tap("▲")  # the right one scrolled away above
            s = t.changed(s)
        if want not in shown_choices(s):
            raise C.Timeout("the right choice is nowhere:\n" + s)
        t.tap_choice(want)
        fb = t.wait("正解です。")
        t.tap("次へ")
        t.changed(fb)
    ok(complete == nq, f"40x12: every choice of every question ({complete} of {nq}) shown by scrolling")
    ok(overlap == 0, "40x12: nothing past 40 columns or 12 rows")
    # and on to the end: long statements put their box below their start
    # (ticked, it stays on screen), the review, the keyboard
    acknowledge(t, log, "pregnancy")
    review(t)
    sign(t, log, ["ヤマダ ハナコ"])
    ok(log.receipt is not None, f"40x12: the whole session by touch, receipt {log.receipt}")
    rc, out, f, answers, acks, got, screens = C.show(db, 1)
    ok(f.get("Outcome") == "completed" and [a[0] for a in acks] == log.acks and
       [(g[0], g[1]) for g in got] == [("patient", "ヤマダ\u3000ハナコ")],
       f"40x12: every statement ({len(log.acks)}) and the name recorded", out)


# ---- under valgrind: a minor's session, touch by touch ------------------------

def under_valgrind():
    import shutil as sh
    if sh.which("valgrind") is None:
        print("1..0 # SKIP no valgrind")
        return
    if "libasan" in __import__("subprocess").run(["ldd", C.ISOKIOSK], stdout=-1, text=True).stdout:
        print("1..0 # SKIP sanitizer build (valgrind cannot run it)")
        return
    tmp = setup("isokiosk-touch-vg.")
    db = os.path.join(tmp, "records.db")
    log = os.path.join(tmp, "vg.log")
    wrap = os.path.join(tmp, "isokiosk-vg")
    with open(wrap, "w") as f:
        f.write("#!/bin/sh\nexec valgrind --error-exitcode=99 --leak-check=full "
                "--errors-for-leak-kinds=definite --track-fds=no --log-file=%s %s \"$@\"\n"
                % (C.shquote(log), C.shquote(C.ISOKIOSK)))
    os.chmod(wrap, 0o755)
    C.ISOKIOSK = wrap
    C.TIMEOUT = max(C.TIMEOUT, 90)
    Touch.QUIET = 0.6  # a frame's writes are far apart under valgrind
    k = C.Kiosk(tmp)
    try:
        k.start("run", "--db", db, "--patient", "V-001", "--profile", "no-pregnancy", "--minor")
        t = Touch(k)
        lg = session(t, "no-pregnancy", ["カトウ ユキ", "カトウ ジュン"], lambda q, a: "right")
        ok(lg.receipt is not None, f"a minor's session by touch alone under valgrind, receipt {lg.receipt}")
        # staff end it: SIGTERM (the kiosk ends cleanly)
        pid = int(k.tmux("display-message", "-p", "#{pane_pid}").strip())
        kids = __import__("subprocess").run(["pgrep", "-P", str(pid)], stdout=-1, text=True).stdout.split()
        for kid in kids:
            os.kill(int(kid), 15)
        k.wait_dead(60)
        rc = open(k.status).read().strip() if os.path.exists(k.status) else "?"
        text = open(log, encoding="utf-8", errors="replace").read()
        for line in text.split("\n"):
            if re.search(r"ERROR SUMMARY|definitely|indirectly|Invalid|uninit", line):
                print("# " + line)
        ok(rc == "0", f"the kiosk ended with status 0 ({rc})")
        ok("ERROR SUMMARY: 0 errors" in text, "valgrind: no errors, no definite leaks", text[-3000:])
        rc2, out, f, answers, acks, signs, screens = C.show(db, 1)
        ok([(x[0], x[1]) for x in signs] == [("patient", "カトウ\u3000ユキ"),
                                             ("guardian", "カトウ\u3000ジュン")],
           "the names typed under valgrind are recorded", out)
    except C.Timeout as e:
        ok(False, "the session under valgrind went on", str(e))
    finally:
        k.close()
        shutil.rmtree(tmp, ignore_errors=True)
    C.finish()


if __name__ == "__main__":
    {"full": full, "small": small, "valgrind": under_valgrind}[
        sys.argv[1] if len(sys.argv) > 1 else "full"]()
