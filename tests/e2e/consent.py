#!/usr/bin/env python3
"""Consent sessions in a real terminal (tmux), driven like a patient and
staff would, then checked in the records. Used by consent.sh (whole
sessions, both profiles, a minor, records show/verify/export field by
field), consent-crash.sh (SIGKILL at random moments) and
consent-full-disk.sh (the database on a full file system).

usage: consent.py full | crash | full-disk
Environment: ISOKIOSK (the binary), SOURCE_ROOT, ISOKIOSK_LOCALEDIR.
Output is TAP.
"""
import csv
import datetime
import hashlib
import io
import json
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import time

ISOKIOSK = os.environ.get("ISOKIOSK") or os.path.join(
    os.path.dirname(__file__), "../../build/src/isokiosk")
ROOT = os.environ.get("SOURCE_ROOT") or os.path.join(os.path.dirname(__file__), "../..")
TIMEOUT = float(os.environ.get("E2E_TIMEOUT", "10"))

# ---- TAP ------------------------------------------------------------------

N = 0
FAILED = 0
# Seconds from an answer's key to its feedback on screen (saved first).
TIMINGS = []


def ok(cond, desc, detail=None):
    global N, FAILED
    N += 1
    if cond:
        print(f"ok {N} - {desc}")
    else:
        FAILED += 1
        print(f"not ok {N} - {desc}")
        if detail:
            for line in str(detail).splitlines()[:40]:
                print("# " + line)
    sys.stdout.flush()
    return cond


def finish():
    print(f"1..{N}")
    sys.exit(1 if FAILED else 0)


class Timeout(Exception):
    pass


# ---- content: what the patient will see -----------------------------------

def ruby_paren(s):
    """Content markup as the kiosk shows it (ruby in parentheses)."""
    s = re.sub(r"｜([^《]+)《([^》]+)》", r"\1（\2）", s)
    return s.replace("**", "")


def load_quiz(lang="ja"):
    qs = []
    cur = None
    for line in open(os.path.join(ROOT, "content", lang, "quiz.md"), encoding="utf-8"):
        line = line.rstrip("\n")
        m = re.match(r"^## (\S+)$", line)
        if m:
            cur = {"id": m.group(1), "choices": [], "profile": "all"}
            qs.append(cur)
            continue
        if cur is None:
            continue
        m = re.match(r"^(profile|reread): (\S+)$", line)
        if m:
            cur[m.group(1)] = m.group(2)
            continue
        m = re.match(r"^- \[( |x)\] (.*)$", line)
        if m:
            # Choices are shown as plain text (bases only), as recorded.
            cur["choices"].append((re.sub(r"｜([^《]+)《[^》]+》", r"\1", m.group(2)),
                                   m.group(1) == "x"))
    return qs


def load_statements(lang="ja"):
    st = []
    cur = None
    for line in open(os.path.join(ROOT, "content", lang, "consent.md"), encoding="utf-8"):
        m = re.match(r"^## (\S+)$", line.rstrip("\n"))
        if m:
            cur = {"id": m.group(1), "profile": "all", "signer": "patient"}
            st.append(cur)
            continue
        m = re.match(r"^(profile|signer): (\S+)$", line.rstrip("\n"))
        if m and cur:
            cur[m.group(1)] = m.group(2)
    return st


def screen_titles(lang="ja"):
    t = {}
    d = os.path.join(ROOT, "content", lang)
    for f in os.listdir(d):
        if f.endswith(".md"):
            txt = open(os.path.join(d, f), encoding="utf-8").read()
            i = re.search(r"^id: (\S+)$", txt, re.M)
            ti = re.search(r"^title: (.+)$", txt, re.M)
            if i and ti:
                t[i.group(1)] = ruby_paren(ti.group(1))
    return t


QUIZ = load_quiz()
STATEMENTS = load_statements()
TITLES = screen_titles()


def sees(profile, node_profile):
    return node_profile == "all" or profile == "pregnancy"


def acks_for(profile, minor=False):
    """The statements a session confirms, in order: a minor's guardian
    also confirms the statements addressed to them."""
    return [st["id"] for st in STATEMENTS if sees(profile, st["profile"]) and
            (minor or st["signer"] != "guardian")]


def nscreens(lang="ja"):
    n = 0
    for line in open(os.path.join(ROOT, "content", lang, "manifest"), encoding="utf-8"):
        line = line.strip()
        if line and not line.startswith("#") and not re.match(r"^[a-z]+:", line):
            n += 1
    return n


# ---- the terminal -----------------------------------------------------------

class Kiosk:
    """One tmux server; the kiosk runs in its pane (respawned per start)."""

    def __init__(self, tmp, w=80, h=24):
        self.tmp = tmp
        self.sock = os.path.join(tmp, "tmux.sock")
        self.conf = os.path.join(tmp, "tmux.conf")
        with open(self.conf, "w") as f:
            f.write("set -g remain-on-exit on\nset -g default-terminal tmux-256color\n"
                    "set -g escape-time 0\n")
        self.w, self.h = w, h
        self.started = False
        self.stderr = os.path.join(tmp, "stderr")

    def tmux(self, *args, check=False):
        return subprocess.run(["tmux", "-S", self.sock, "-f", self.conf] + list(args),
                              stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                              text=True, check=check).stdout

    def start(self, *args, env=None, status=True):
        """Run the kiosk in the pane. status: a shell waits for it and
        notes its exit status (tmux 3.3 does not always); else the pane's
        process is the kiosk itself (to be killed by pid)."""
        e = " ".join(f"{k}={shquote(v)}" for k, v in (env or {}).items())
        self.status = os.path.join(self.tmp, "status")
        if os.path.exists(self.status):
            os.unlink(self.status)
        cmd = f"env {e} {shquote(ISOKIOSK)} " + " ".join(shquote(a) for a in args) \
            + f" 2>{shquote(self.stderr)}"
        cmd = f"{cmd}; echo $? >{shquote(self.status)}" if status else "exec " + cmd
        if not self.started:
            self.tmux("new-session", "-d", "-x", str(self.w), "-y", str(self.h), cmd)
            self.started = True
        else:
            self.tmux("respawn-pane", "-k", "-t", "0", cmd)

    def pid(self):
        return int(self.tmux("display-message", "-p", "#{pane_pid}").strip() or 0)

    def alive(self):
        return self.tmux("display-message", "-p", "#{pane_dead}").strip() == "0"

    def screen(self):
        return self.tmux("capture-pane", "-p")

    def keys(self, *k):
        self.tmux("send-keys", *k)

    def text(self, s):
        self.tmux("send-keys", "-l", s)

    def wait(self, want, limit=None, poll=0.02):
        """Poll until the screen shows want (a string, or a predicate)."""
        end = time.time() + (limit or TIMEOUT)
        while True:
            s = self.screen()
            if (want(s) if callable(want) else want in s):
                return s
            if time.time() > end:
                raise Timeout(f"waiting for {want!r}; screen:\n{s}\nstderr: {self.err()}")
            time.sleep(poll)

    def wait_dead(self, limit=None):
        end = time.time() + (limit or TIMEOUT)
        while self.alive():
            if time.time() > end:
                raise Timeout("the kiosk did not end:\n" + self.screen())
            time.sleep(0.05)

    def exited_clean(self, what):
        """After a staff exit: status 0, nothing on stderr (sanitizers)."""
        self.wait_dead()
        try:
            st = open(self.status).read().strip()
        except OSError:
            st = "?"

        return ok(st == "0" and self.err() == "", f"{what}: exit status 0, no errors",
                  f"status {st}\n{self.err()}")

    def err(self):
        try:
            return open(self.stderr, encoding="utf-8", errors="replace").read()
        except OSError:
            return ""

    def close(self):
        self.tmux("kill-server")


def shquote(s):
    return "'" + str(s).replace("'", "'\\''") + "'"


def header(s):
    return s.split("\n", 1)[0]


def field(s):
    """The text in the signature's name field."""
    m = re.search(r"お名前：[ ]*(.*?)[ ]*$", s, re.M)  # an empty field: ""
    return m.group(1) if m else None


def progress(s):
    m = re.search(r"(\d+) / (\d+)\s*$", header(s))
    return (int(m.group(1)), int(m.group(2))) if m else None


# ---- a patient --------------------------------------------------------------

class Log:
    """What the screen showed as done: answers (feedback shown), acks
    (shown checked), and the end."""

    def __init__(self):
        self.answers = []      # (qid, attempt, correct, choice text)
        self.signed_on_screen = None  # the time the signature screen showed
        self.acks = []         # statement ids
        self.screens = []      # screen ids visited (guided and re-read)
        self.receipt = None
        self.stopped = False


def identify(s):
    """The question on screen: (question, {pos: text})."""
    shown = {}
    for line in s.split("\n")[2:]:
        m = re.match(r"^\s+([1-9])  (.+?)\s*$", line)
        if m:
            shown[int(m.group(1))] = m.group(2)
    for q in QUIZ:
        wrong = {t for t, c in q["choices"] if not c}
        if wrong and wrong <= set(shown.values()) and len(shown) == len(q["choices"]):
            return q, shown
    return None, shown


ASKING = "答えにふれるか"


def read_screens(k, log, n, steps=None):
    for i in range(1, n + 1):
        k.wait(lambda s: progress(s) == (i, n) and "確認の問題" not in header(s))
        log.screens.append(i)
        if steps is not None and steps.tick():
            return False
        # Next goes on only once the end of the screen was shown.
        k.keys("End", "Right")
    return True


def answer(k, log, plan, steps=None):
    """The quiz. plan(qid, attempt) -> 'right' | 'wrong' | 'reread'.
    Returns False when stopped (or cut by steps)."""
    attempts = {}
    while True:
        # A capture can catch the pane mid-redraw (the hint drawn, the
        # choices not yet): wait for a question that can be identified.
        s = k.wait(lambda s: (ASKING in s and identify(s)[0] is not None)
                   or (ASKING not in s and "[ ] 1" in s)
                   or "スタッフをお呼びください。" in s)
        if "スタッフをお呼びください。" in s:
            log.stopped = True
            return False
        if ASKING not in s:
            return True
        q, shown = identify(s)
        if q is None:
            raise Timeout("unknown question on screen:\n" + s)
        a = attempts.get(q["id"], 0) + 1
        attempts[q["id"]] = a
        what = plan(q["id"], a)
        right = {t for t, c in q["choices"] if c}
        wrong_pos = [p for p, t in shown.items() if t not in right and
                     t in {x for x, c in q["choices"] if not c}]
        right_pos = [p for p in shown if p not in wrong_pos][0]
        pos = right_pos if what == "right" else wrong_pos[0]
        if steps is not None and steps.tick():
            return False
        t0 = time.time()
        k.keys(str(pos))
        fb = k.wait(lambda s: "正解です。" in s or "不正解です。" in s or
                    "スタッフをお呼びください。" in s, poll=0.002)
        TIMINGS.append(time.time() - t0)
        if "スタッフをお呼びください。" in fb:
            log.answers.append((q["id"], a, False, shown[pos]))
            log.stopped = True
            return False
        correct = "不正解です。" not in fb
        log.answers.append((q["id"], a, correct, shown[pos]))
        if steps is not None and steps.tick():
            return False
        if correct:
            k.keys("Enter")
        elif what == "reread":
            k.keys("1")
            rs = k.wait("問題に戻る")
            if not ok(TITLES[q["reread"]] in header(rs),
                      f"{q['id']}: the re-read screen is '{q['reread']}'", rs):
                pass
            log.screens.append(q["reread"])
            k.keys("Right")
        else:
            k.keys("Enter")


def acknowledge(k, log, profile, steps=None, minor=False):
    ids = acks_for(profile, minor)
    for i, sid in enumerate(ids):
        k.wait(lambda s: "[ ] 1  上の内容を確認しました" in s and progress(s) == (i + 1, len(ids)))
        if steps is not None and steps.tick():
            return False
        k.keys("1")
        k.wait(lambda s: "[x] 確認しました" in s and progress(s) == (i + 1, len(ids)))
        log.acks.append(sid)
        if steps is not None and steps.tick():
            return False
        # Next goes on only once the end of the screen was shown.
        k.keys("End", "Right")
    return True


def sign(k, log, names, steps=None):
    k.wait("署名の前の確認")
    s = k.screen()
    if steps is None:
        ok("続きを読む" in s and "署名へ進む" not in s and "確認の問題の答え" in s,
           "the review page: every answer first; it reads on before it signs", s)
    k.keys("Enter")  # not at the end: only scrolls, never signs unseen
    k.keys("End")
    s = k.wait("よければ「署名へ進む」")
    if steps is None:
        ok("署名へ進む" in s, "at the end of the review: Go to signing", s)
        ok("[x] " in s and "[ ] " not in s,
           "the review page lists the statements, checked, before signing", s)
    if steps is not None and steps.tick():
        return False
    k.keys("Enter")
    for n, (role, name) in enumerate(zip(("本人による確認", "保護者による確認"), names)):
        s = k.wait(lambda s: "お名前：" in s and role in s)
        m = re.search(r"(\d{4}-\d\d-\d\d \d\d:\d\d(?: [+-]\d\d:\d\d)?)", s)
        if m and log.signed_on_screen is None:
            log.signed_on_screen = m.group(1)
        if n == 0 and steps is None:
            field_keys(k)
        k.text(name + "う")
        k.wait(lambda s: field(s) == name + "う")
        k.keys("BSpace")
        k.wait(lambda s: field(s) == name)
        if steps is not None and steps.tick():
            return False
        k.keys("Enter")
    s = k.wait("受付番号：")
    m = re.search(r"受付番号：([0-9a-f]{4}-[0-9a-f]{4})", s)
    log.receipt = m.group(1) if m else None
    return True


def field_keys(k):
    """The name field in a real terminal: blank and invisible-only names
    refused with a message, ← and → move the cursor, Esc asks before
    leaving (and Esc again stays), the text kept throughout."""
    k.text("   ")
    k.keys("Enter")
    s = k.wait("目に見える文字を1文字以上")
    ok("署名" in header(s) and "受付番号" not in s, "a name of three spaces is refused, with a message", s)
    k.keys("BSpace", "BSpace", "BSpace")
    k.wait(lambda s: field(s) == "")
    k.text("\u200b\u2067\ufeff")  # zero-width, a bidi isolate, BOM: never typed
    k.keys("Enter")
    s = k.wait("が入力されていません")
    ok(field(s) == "" and "受付番号" not in s, "an invisible-only name is refused (nothing typed)", s)
    k.text("やまだ")
    k.wait(lambda s: field(s) == "やまだ")
    k.keys("Left", "Left", "Left", "Left")  # past the start: still here
    k.text("の")
    s = k.wait(lambda s: field(s) == "のやまだ")
    ok("署名" in header(s), "← in the name field moves the cursor, never leaves the page", s)
    k.keys("Right", "Right", "BSpace")
    s = k.wait(lambda s: field(s) == "のやだ")
    k.keys("Escape")
    s = k.wait("確認のページに戻りますか")
    k.keys("Escape")
    s = k.wait(lambda s: "確認のページに戻りますか" not in s and field(s) == "のやだ")
    ok(True, "Esc asks before leaving; Esc again stays, the name kept", s)
    k.keys("Home")
    k.keys("Delete", "Delete", "Delete")
    k.wait(lambda s: field(s) == "")


def session(k, profile, names, plan, steps=None, start=None):
    """names: the patient's, and a guardian's for a minor."""
    """A whole session from its first screen; returns the log."""
    log = Log()
    if start:
        start()
    if not read_screens(k, log, nscreens(), steps):
        return log
    if not answer(k, log, plan, steps):
        return log
    if not acknowledge(k, log, profile, steps, minor=len(names) > 1):
        return log
    sign(k, log, names, steps)
    return log


# ---- records ----------------------------------------------------------------

def records(*args):
    p = subprocess.run([ISOKIOSK, "records"] + list(args), stdout=subprocess.PIPE,
                       stderr=subprocess.STDOUT, text=True)
    return p.returncode, p.stdout


def show(db, sid):
    rc, out = records("show", str(sid), "--db", db)
    f = {}
    for line in out.split("\n"):
        m = re.match(r"^([A-Z][A-Za-z ]+):\s+(.*)$", line)
        if m and m.group(1) not in f:
            f[m.group(1)] = m.group(2)
    answers = re.findall(r'^  (\S+)  attempt (\d+)  (right|wrong)  choice (\d+) "(.*)"  order (\S+)  at (\d{4}-\d\d-\d\d \d\d:\d\d:\d\d [+-]\d\d:\d\d)$',
                         out, re.M)
    acks = re.findall(r"^  (\S+)  confirmed at (\d{4}-\d\d-\d\d \d\d:\d\d:\d\d [+-]\d\d:\d\d)  sha256 ([0-9a-f]{64})$", out, re.M)
    signs = re.findall(r'^  (patient|guardian)  (.*?)  "(.*)"  at (\d{4}-\d\d-\d\d \d\d:\d\d:\d\d [+-]\d\d:\d\d)$', out, re.M)
    screens = re.findall(r"^  \d+\. (\S+)  (\d+)\.(\d{3}) s  at (\d{4}-\d\d-\d\d \d\d:\d\d:\d\d [+-]\d\d:\d\d)$", out, re.M)
    return rc, out, f, answers, acks, signs, screens


def check_answers(tag, log, answers, detail):
    got = [(a[0], int(a[1]), a[2] == "right", a[4]) for a in answers]
    ok(got[:len(log.answers)] == log.answers and len(got) - len(log.answers) in (0,),
       f"{tag}: every answer as the screen showed it, in order ({len(log.answers)})",
       f"screen: {log.answers}\nstore: {got}\n{detail}")


# ---- the flows ----------------------------------------------------------------

def full():
    tmp = tempfile.mkdtemp(prefix="isokiosk-consent.")
    os.environ["TZ"] = "Asia/Tokyo"
    os.environ.update(HOME=tmp, XDG_CONFIG_HOME=os.path.join(tmp, "xdg"),
                      XDG_DATA_HOME=os.path.join(tmp, "data"),
                      ISOKIOSK_CONFIG=os.path.join(tmp, "none.conf"), USER="test-staff")
    os.environ.pop("ISOKIOSK_DB", None)
    db = os.path.join(tmp, "records.db")
    k = Kiosk(tmp)
    try:
        _full(k, tmp, db)
    except Timeout as e:
        ok(False, "the flow went on", str(e))
    finally:
        k.close()
        shutil.rmtree(tmp, ignore_errors=True)
    finish()


def _full(k, tmp, db):
    n = nscreens()
    preg_q = [q["id"] for q in QUIZ if sees("pregnancy", q["profile"])]
    nopreg_q = [q["id"] for q in QUIZ if sees("no-pregnancy", q["profile"])]

    # 1: from the shell; pregnancy; a wrong answer and a re-read, two
    # wrong answers, a Japanese name; then staff verify it.
    k.start("run", "--db", db, "--consent", "--patient", "P-001", "--profile", "pregnancy")
    plan1 = {(preg_q[0], 1): "reread", (preg_q[1], 1): "wrong", (preg_q[1], 2): "wrong"}
    log1 = session(k, "pregnancy", ["やまだ はなこ"], lambda q, a: plan1.get((q, a), "right"))
    ok(log1.receipt is not None, f"session 1 done, receipt {log1.receipt}", k.screen())
    # One clock for people (TZ=Asia/Tokyo): the signature screen, records
    # list and records show give the same time, with the offset.
    rc, out = records("show", log1.receipt or "-", "--db", db)
    m = re.search(r'^  patient  .*  at (\d{4}-\d\d-\d\d \d\d:\d\d):\d\d ([+-]\d\d:\d\d)$', out, re.M)
    scr = log1.signed_on_screen or ""
    def minutes(t):
        return datetime.datetime.strptime(t[:16], "%Y-%m-%d %H:%M")
    ok(rc == 0 and m is not None and m.group(2) == "+09:00" and scr.endswith("+09:00") and
       abs((minutes(m.group(1)) - minutes(scr)).total_seconds()) <= 60,
       f"records show CODE ({log1.receipt}): the signature's time as the screen showed it ({scr})",
       out[-800:])
    rc, out = records("list", "--db", db)
    lines = out.split("\n")
    ok(rc == 0 and lines[0].startswith("SESSION  STARTED (+09:00)") and
       re.match(r"^1 +\d{4}-\d\d-\d\d \d\d:\d\d \+09:00  completed  " + (log1.receipt or "-") +
                r"  pregnancy +\S+ +P-001 +-$", lines[1]) is not None,
       "records list: a header, the time with +09:00, the outcome, the receipt code", out)
    ok("この端末をスタッフにお返しください。" in k.screen(), "done: return the terminal")
    k.keys("Enter")
    k.wait("ようこそ。ことばを選んでください。")
    ok("やまだ" not in k.tmux("capture-pane", "-p", "-S", "-"), "back to welcome, the name is gone")
    k.keys("F12")
    k.wait("スタッフメニュー")
    k.keys("3")
    k.wait("スタッフIDを入力して")
    k.text("nurse-9")
    k.keys("Enter")
    k.wait("スタッフの確認を記録しました。")
    ok(True, "staff verification of the last session")

    # 2: from the staff menu: a minor (the guardian signs), no-pregnancy.
    k.keys("1")
    k.wait("患者番号：")
    k.text("P-002")
    k.keys("Tab", "Tab")      # staff id stays the default; to the profile
    k.keys("7")               # start: refused, no profile chosen
    k.wait("妊娠の可能性があるかどうかを選んでください")
    ok(True, "a session cannot start without a chosen profile")
    k.keys("4")               # profile: cannot become pregnant
    k.wait("[x] 妊娠の可能性がない")
    k.keys("5")               # minor: yes
    k.wait("未成年：はい")
    k.keys("7")               # start
    plan2 = {(nopreg_q[2], 1): "wrong"}
    log2 = session(k, "no-pregnancy", ["すずき たろう", "すずき はなこ"],
                   lambda q, a: plan2.get((q, a), "right"))
    ok(log2.receipt is not None, f"session 2 (minor, guardian signs) done, receipt {log2.receipt}",
       k.screen())
    k.keys("Enter")
    k.wait("ようこそ。ことばを選んでください。")

    # 3: three wrong answers to one question: please call staff.
    k.keys("F12")
    k.wait("スタッフメニュー")
    k.keys("1")
    k.wait("患者番号：")
    k.text("P-003")
    k.keys("Tab", "Tab", "3")  # profile: can become pregnant
    k.wait("[x] 妊娠の可能性がある")
    k.keys("7")
    log3 = Log()
    read_screens(k, log3, n)
    answer(k, log3, lambda q, a: "wrong")
    s = k.screen()
    ok(log3.stopped and "もう少し説明が必要" in s and len(log3.answers) == 3,
       "3 wrong answers: the session stops, please call staff", s)
    k.keys("F12")
    k.wait("スタッフメニュー")
    k.keys("8")
    k.wait("ようこそ。ことばを選んでください。")
    k.keys("F12")
    k.wait("スタッフメニュー")
    k.keys("9", "2")
    k.exited_clean("sessions 1-3")

    # 4: idle timeout during a session.
    conf = os.path.join(tmp, "short.conf")
    with open(conf, "w") as f:
        f.write("idle_timeout = 5\nidle_warning = 1\n")
    k.start("run", "--config", conf, "--db", db, "--patient", "P-004",
            "--profile", "no-pregnancy")
    k.wait(f"1 / {n}")
    k.keys("End", "Right")
    k.wait(f"2 / {n}")
    k.wait("ようこそ。ことばを選んでください。", 15)
    ok(True, "idle: back to welcome")
    k.keys("F12")
    k.wait("スタッフメニュー")
    k.keys("9", "2")
    k.exited_clean("session 4")

    # 5: staff exit in the middle of a session.
    k.start("run", "--db", db, "--patient", "P-005", "--profile", "pregnancy", "--staff", "dr-x")
    k.wait(f"1 / {n}")
    k.keys("F12")
    k.wait("1  このセッションを終える")
    k.keys("9", "2")
    k.exited_clean("session 5")

    t = sorted(TIMINGS)
    print(f"# an answer's key to its feedback on screen (saved first): median "
          f"{1000 * t[len(t) // 2]:.1f} ms, max {1000 * t[-1]:.1f} ms over {len(t)} "
          f"(tmux round trips included)")

    # ---- the records, field by field ----
    rc, out = records("verify", "--db", db)
    ok(rc == 0 and re.search(r"^chain holds: 5 sessions, 6 links", out, re.M),
       "records verify: 0, chain holds (5 sessions, 1 verification)", out)

    def common(tag, sid, patient, profile, minor, outcome, staff, reason=None):
        rc, out, f, answers, acks, signs, screens = show(db, sid)
        ok(rc == 0, f"{tag}: records show", out)
        want = {"Patient": patient, "Profile": profile, "Minor": minor, "Language": "ja",
                "Outcome": outcome, "Staff": staff, "Kiosk": "kiosk"}
        if reason:
            want["Reason"] = reason
        bad = {k2: (f.get(k2), v) for k2, v in want.items() if f.get(k2) != v}
        ok(not bad, f"{tag}: patient, profile, minor, language, outcome, staff", f"{bad}\n{out}")
        ok(re.fullmatch(r"[0-9a-f]{64}", f.get("Content version", "")) is not None and
           int(f.get("Content files", "0")) >= n + 3,
           f"{tag}: content version and the frozen files", out)
        return out, f, answers, acks, signs, screens

    out, f, answers, acks, signs, screens = common("session 1", 1, "P-001", "pregnancy", "no",
                                                   "completed", "test-staff")
    check_answers("session 1", log1, answers, out)
    ok(len([a for a in answers if a[2] == "wrong"]) == 3 and len(answers) == len(preg_q) + 3,
       f"session 1: {len(preg_q)} questions, 3 wrong answers", out)
    ok(all(sorted(a[5].split(","), key=int) == [str(i + 1) for i in range(len(a[5].split(",")))]
           for a in answers), "session 1: the order each attempt showed is recorded", out)
    want_acks = acks_for("pregnancy")
    ok([a[0] for a in acks] == want_acks == log1.acks,
       f"session 1: every statement acknowledged, in order ({len(want_acks)})", out)
    ok(len({a[2] for a in acks}) == len(acks), "session 1: each statement's own text hash", out)
    ok(signs == [(s[0], s[1], s[2], s[3]) for s in signs] and
       [(s[0], s[1], s[2]) for s in signs] == [("patient", "やまだ はなこ", "本人による確認")],
       "session 1: signed by the patient, Japanese name as typed, its meaning", out)
    sids = [s[0] for s in screens]
    guided = [l.strip() for l in open(os.path.join(ROOT, "content/ja/manifest"), encoding="utf-8")
              if l.strip() and not l.startswith("#") and not re.match(r"^[a-z]+:", l.strip())]
    reread = [q["reread"] for q in QUIZ if q["id"] == preg_q[0]][0]
    ok(sids[:n] == guided and sids[n:] == [reread],
       "session 1: every screen's time, and the re-read screen", f"{sids}\n{out}")
    ok(re.search(r"^Staff verification:\s+1$", out, re.M) and
       re.search(r"^  nurse-9  at ", out, re.M), "session 1: verified by nurse-9", out)
    ok(log1.receipt is not None and re.search(r"^  this:\s+" + log1.receipt.replace("-", ""), out, re.M),
       "session 1: the receipt code is the start of its seal",
       f"receipt {log1.receipt}\n" + "\n".join(out.split("\n")[-6:]))

    out, f, answers, acks, signs, screens = common("session 2", 2, "P-002", "no-pregnancy",
                                                   "yes", "completed", "nurse-9")  # the staff ID typed last
    check_answers("session 2", log2, answers, out)
    ok(len(answers) == len(nopreg_q) + 1, f"session 2: {len(nopreg_q)} questions, 1 wrong", out)
    ok([a[0] for a in acks] == acks_for("no-pregnancy", minor=True) and
       acks[-1][0] == "guardian-agree",
       "session 2: the statements for everyone, then the guardian's", out)
    ok([(s[0], s[1], s[2]) for s in signs] ==
       [("patient", "すずき たろう", "本人による確認"), ("guardian", "すずき はなこ", "保護者による確認")],
       "session 2: the patient and the guardian signed", out)

    out, f, answers, acks, signs, screens = common(
        "session 3", 3, "P-003", "pregnancy", "no", "stopped", "nurse-9",
        f"{preg_q[0]}: 3 wrong answers, please call staff")
    check_answers("session 3", log3, answers, out)
    ok(not acks and not signs, "session 3: nothing acknowledged or signed", out)
    common("session 4", 4, "P-004", "no-pregnancy", "no", "timed-out", "test-staff", "idle timeout")
    common("session 5", 5, "P-005", "pregnancy", "no", "abandoned", "dr-x", "kiosk exited by staff")

    # ---- exports ----
    rc, out = records("export", "--format", "csv", "--db", db)
    ok(rc == 0 and out.startswith("\ufeff"), "CSV export: 0, UTF-8 with a BOM", out[:300])
    rows = list(csv.DictReader(io.StringIO(out.lstrip("\ufeff"))))
    ok(len(rows) == 5, "CSV: one row per session", out[:500])
    if len(rows) == 5:
        cols = rows[0].keys()
        pcol = [c for c in cols if "patient" in c][0]
        ocol = [c for c in cols if c == "outcome"][0]
        ok([r[pcol] for r in rows] == ["P-001", "P-002", "P-003", "P-004", "P-005"] and
           [r[ocol] for r in rows] == ["completed", "completed", "stopped", "timed-out", "abandoned"],
           "CSV: patient and outcome per session", out[:800])
        flat = json.dumps(rows[0], ensure_ascii=False)
        ok("やまだ はなこ" in flat and "pregnancy" in flat, "CSV: the signature and profile", flat)
    rc, out = records("export", "--format", "csv", "--detail", "--db", db)
    rows = list(csv.reader(io.StringIO(out.lstrip("\ufeff"))))
    hdr = rows[0] if rows else []
    s1 = [r for r in rows[1:] if r and r[0] in ("1",)] if rows else []
    kinds = [c for c in hdr if c in ("event", "kind", "type")]
    ki = hdr.index(kinds[0]) if kinds else None
    if ki is not None:
        cnt = {}
        for r in s1:
            cnt[r[ki]] = cnt.get(r[ki], 0) + 1
        ok(cnt.get("answer") == len(preg_q) + 3 and cnt.get("ack") == len(want_acks) and
           cnt.get("signature") == 1 and cnt.get("screen") == n + 1 and cnt.get("verification") == 1,
           "CSV detail: session 1's every screen, answer, ack, signature, verification",
           f"{hdr}\n{cnt}")
    else:
        ok(False, "CSV detail has an event column", hdr)

    rc, out = records("export", "--format", "fhir", "--db", db)
    try:
        b = json.loads(out)
    except ValueError as e:
        b = None
        ok(False, "FHIR export is JSON", f"{e}\n{out[:500]}")
    if b is not None:
        res = [e["resource"] for e in b.get("entry", [])]
        qr = [r for r in res if r.get("resourceType") == "QuestionnaireResponse"]
        co = [r for r in res if r.get("resourceType") == "Consent"]
        ok(rc == 0 and b.get("resourceType") == "Bundle" and len(qr) == 5 and len(co) == 5,
           "FHIR: a Bundle with a QuestionnaireResponse and a Consent per session",
           json.dumps(b, ensure_ascii=False)[:500])
        ok([r.get("status") for r in qr] == ["completed", "completed", "stopped", "stopped", "stopped"],
           "FHIR: QuestionnaireResponse statuses", [r.get("status") for r in qr])
        ok([r.get("status") for r in co] == ["active", "active", "rejected", "inactive", "inactive"],
           "FHIR: Consent statuses", [r.get("status") for r in co])
        ok(qr[0]["subject"]["identifier"]["value"] == "P-001", "FHIR: the patient reference",
           qr[0].get("subject"))
        items = {i["linkId"]: i for i in qr[0].get("item", [])}
        items = {l.split(".", 1)[1] if l.startswith("quiz.") else l: i for l, i in items.items()}
        nq = sum(1 for l in items if l in preg_q)
        ok(nq == len(preg_q), f"FHIR: an item per question ({nq})", list(items))
        att = sum(1 for q in preg_q if q in items for i in items[q].get("item", [])
                  if re.fullmatch(r"quiz\." + q + r"\.attempt-\d+", i["linkId"]))
        ok(att == len(preg_q) + 3, f"FHIR: every attempt ({att})", json.dumps(items.get(preg_q[1]), ensure_ascii=False)[:600])
        acki = items.get("acknowledgements", {}).get("item", [])
        ok([i["linkId"].split(".")[-1] for i in acki] == want_acks or
           len(acki) == len(want_acks), f"FHIR: every acknowledgement ({len(acki)})",
           json.dumps(items.get("acknowledgements"), ensure_ascii=False)[:600])
        flat = json.dumps(items.get("signatures"), ensure_ascii=False)
        ok("やまだ はなこ" in flat and "本人による確認" in flat, "FHIR: the signature and its meaning", flat)
        ok(len(co[0].get("verification", [])) == 1, "FHIR: the staff verification", co[0].get("verification"))


# ---- crash: SIGKILL at random moments --------------------------------------

class Steps:
    """Counts patient steps; says when to stop (the kill)."""

    def __init__(self, limit):
        self.limit = limit
        self.n = 0

    def tick(self):
        self.n += 1
        return self.n >= self.limit


def crash():
    kills = int(os.environ.get("CONSENT_CRASH_KILLS", "200"))
    seed = int(os.environ.get("CONSENT_CRASH_SEED", str(int(time.time()))))
    rnd = random.Random(seed)
    print(f"# seed {seed}, {kills} kills")
    tmp = tempfile.mkdtemp(prefix="isokiosk-crash.")
    os.environ.update(HOME=tmp, XDG_CONFIG_HOME=os.path.join(tmp, "xdg"),
                      XDG_DATA_HOME=os.path.join(tmp, "data"),
                      ISOKIOSK_CONFIG=os.path.join(tmp, "none.conf"), USER="crash-staff")
    db = os.path.join(tmp, "records.db")
    k = Kiosk(tmp)
    logs = []
    t0 = time.time()
    n = nscreens()
    # every screen, two steps per question and per statement, a few wrong
    # answers, the review and the signature
    maxsteps = n + 2 * len(QUIZ) + 6 + 2 * len(STATEMENTS) + 4
    try:
        for i in range(kills):
            profile = rnd.choice(["pregnancy", "no-pregnancy"])
            steps = Steps(rnd.randint(1, maxsteps))
            k.start("run", "--db", db, "--patient", f"C-{i + 1}", "--profile", profile,
                    status=False)
            wrong = {}

            def plan(q, a):
                if a == 1 and q not in wrong:
                    wrong[q] = rnd.random() < 0.2
                return "wrong" if wrong.get(q) and a == 1 else "right"
            log = Log()
            try:
                log = session(k, profile, ["クラッシュ テスト"], plan, steps)
            except Timeout as e:
                ok(False, f"kill {i + 1}: the session went on", str(e))
            # Kill at once, or right after one more key: a write in flight.
            if rnd.random() < 0.7:
                k.keys(rnd.choice(["1", "2", "3", "Enter", "Right"]))
                time.sleep(rnd.choice([0, 0, 0.001, 0.002, 0.005, 0.01, 0.02]))
            pid = k.pid()
            if pid and k.alive():
                os.kill(pid, 9)
            logs.append((i + 1, profile, log))
            k.wait_dead()
        # The next start seals the last one.
        k.start("run", "--db", db, "--consent", status=False)
        k.wait("ようこそ")
        os.kill(k.pid(), 15)
        k.wait_dead()
    except Timeout as e:
        ok(False, "the crash runs went on", str(e))
    finally:
        k.close()
    dt = time.time() - t0
    ok(len(logs) == kills, f"{len(logs)} kiosks killed with SIGKILL in {dt:.0f} s")

    p = subprocess.run(["sqlite3", db, "PRAGMA integrity_check;"], stdout=subprocess.PIPE,
                       text=True)
    ok(p.stdout.strip() == "ok", "PRAGMA integrity_check: ok", p.stdout)
    rc, out = records("verify", "--db", db)
    ok(rc == 0 and "still open" not in out, "records verify: 0, nothing left open", out)
    missing = []
    checked_answers = checked_acks = 0
    outcomes = {}
    for sid, profile, log in logs:
        rc, out, f, answers, acks, signs, screens = show(db, sid)
        outcomes[f.get("Outcome")] = outcomes.get(f.get("Outcome"), 0) + 1
        got = [(a[0], int(a[1]), a[2] == "right", a[4]) for a in answers]
        for a in log.answers:
            checked_answers += 1
            if a not in got:
                missing.append((sid, a))
        for a in log.acks:
            checked_acks += 1
            if a not in [x[0] for x in acks]:
                missing.append((sid, a))
        if f.get("Patient") != f"C-{sid}":
            missing.append((sid, "patient " + str(f.get("Patient"))))
        if log.receipt and f.get("Outcome") != "completed":
            missing.append((sid, "told done but " + str(f.get("Outcome"))))
        if not log.receipt and f.get("Outcome") not in ("abandoned", "completed"):
            missing.append((sid, "outcome " + str(f.get("Outcome"))))
        if not log.receipt and f.get("Outcome") == "abandoned" and \
                f.get("Reason") != "found open at start-up":
            missing.append((sid, "reason " + str(f.get("Reason"))))
    ok(not missing, f"every answer ({checked_answers}) and acknowledgement ({checked_acks}) "
       f"the screen confirmed is stored", missing[:20])
    print(f"# outcomes: {outcomes}")
    ok(outcomes.get("abandoned", 0) >= 1, "sessions cut short are sealed as abandoned at the next start",
       outcomes)
    shutil.rmtree(tmp, ignore_errors=True)
    finish()


# ---- full disk ----------------------------------------------------------------

def full_disk():
    if os.geteuid() != 0:
        print("1..0 # SKIP needs root to mount a tmpfs")
        return
    tmp = tempfile.mkdtemp(prefix="isokiosk-full.")
    mnt = os.path.join(tmp, "mnt")
    os.mkdir(mnt)
    r = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=8m,mode=0700", "isokiosk-kfull", mnt],
                       stderr=subprocess.PIPE, text=True)
    if r.returncode != 0:
        print(f"1..0 # SKIP cannot mount a tmpfs here: {r.stderr.strip()}")
        shutil.rmtree(tmp, ignore_errors=True)
        return
    os.environ.update(HOME=tmp, XDG_CONFIG_HOME=os.path.join(tmp, "xdg"),
                      XDG_DATA_HOME=os.path.join(tmp, "data"),
                      ISOKIOSK_CONFIG=os.path.join(tmp, "none.conf"), USER="disk-staff")
    db = os.path.join(mnt, "records.db")
    filler = os.path.join(mnt, "filler")
    k = Kiosk(tmp)
    try:
        _full_disk(k, db, filler)
    except Timeout as e:
        ok(False, "the flow went on", str(e))
    finally:
        k.close()
        for _ in range(50):
            if subprocess.run(["umount", mnt], stderr=subprocess.DEVNULL).returncode == 0:
                break
            time.sleep(0.1)
        shutil.rmtree(tmp, ignore_errors=True)
    finish()


def fill(path):
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    for size in (65536, 4096, 512, 1):
        block = b"\0" * size
        try:
            while True:
                os.write(fd, block)
        except OSError:
            pass
    os.close(fd)


def _full_disk(k, db, filler):
    n = nscreens()
    k.start("run", "--db", db, "--patient", "F-001", "--profile", "no-pregnancy")
    log = Log()
    read_screens(k, log, n)
    s = k.wait(lambda s: ASKING in s and identify(s)[0] is not None)
    q, shown = identify(s)
    fill(filler)
    ok(True, "the file system is full")
    right = {t for t, c in q["choices"] if c}
    pos = [p for p, t in shown.items() if t in right][0]
    k.keys(str(pos))
    s = k.wait("スタッフをお呼びください。")
    ok("正解です。" not in s and "不正解です。" not in s,
       "full disk: the answer is not shown as right or wrong; please call staff", s)
    ok(k.alive(), "full disk: no crash")
    k.keys(str(pos), "Enter", "Right")
    time.sleep(2.5)  # a retry or two fail
    s = k.screen()
    ok("スタッフをお呼びください。" in s and "正解です。" not in s, "still please call staff while full", s)
    k.keys("F12")
    s = k.wait("スタッフメニュー")
    ok(re.search(r"未保存（\d+ 件）：.*(full|disk)", s) is not None,
       "staff see the exact error in the staff menu", s)
    k.keys("4")
    s = k.wait("まだ保存されていません")
    ok(k.alive(), "a staff retry on a full disk: still no crash")
    rc, out = records("show", "1", "--db", db)
    ok(rc == 0 and re.search(r"^Quiz attempts:\s+0$", out, re.M),
       "while full: the answer is not in the store", out)
    os.unlink(filler)
    k.keys("4")
    k.wait("すべての記録を保存しました。")
    k.keys("8")
    s = k.wait("正解です。")
    ok(True, "space returns: saved, and only then the patient sees it right")
    rc, out = records("show", "1", "--db", db)
    ok(re.search(r"^Quiz attempts:\s+1$", out, re.M) and f'"{shown[pos]}"' in out,
       "the answer is in the store", out)
    # Full again at the signature: never "done" unless durable.
    k.keys("Enter")
    answer(k, log, lambda q, a: "right")
    acknowledge(k, log, "no-pregnancy")
    k.wait("署名の前の確認")
    k.keys("End")
    k.wait("よければ「署名へ進む」")
    k.keys("Enter")
    k.wait("お名前：")
    k.text("さとう")
    fill(filler)
    k.keys("Enter")
    s = k.wait("スタッフをお呼びください。")
    ok("受付番号" not in s, "full at the signature: not told done", s)
    rc, out = records("show", "1", "--db", db)
    ok(re.search(r"^Outcome:\s+open$", out, re.M) is not None, "the session is still open", out)
    os.unlink(filler)
    s = k.wait("受付番号：", 15)
    ok(True, "space returns: saved on a periodic retry, then done")
    rc, out = records("show", "1", "--db", db)
    ok(re.search(r"^Outcome:\s+completed$", out, re.M) and "さとう" in out,
       "the session is completed and signed", out)
    rc, out = records("verify", "--db", db)
    ok(rc == 0, "records verify: 0", out)
    k.keys("Enter")
    k.wait("ようこそ")
    k.keys("F12")
    k.wait("スタッフメニュー")
    k.keys("9", "2")
    k.exited_clean("full disk")
    # Full at start-up (a new database cannot be made): the patient sees
    # "please call the staff", staff the error, and the kiosk starts as
    # soon as space returns; it never exits with the message on stderr only.
    db2 = os.path.join(os.path.dirname(db), "second.db")
    fill(filler)
    k.start("run", "--db", db2, "--patient", "F-002", "--profile", "no-pregnancy")
    s = k.wait("記録を開けません")
    ok("スタッフをお呼びください。" in s and "Please call the staff." in s,
       "full at start-up: please call the staff, in Japanese and English", s)
    ok("second.db" in s and re.search(r"full", s) is not None,
       "full at start-up: the exact error for staff", s)
    time.sleep(1)
    ok(k.alive(), "full at start-up: the kiosk waits, it does not exit")
    os.unlink(filler)
    k.wait(lambda s: progress(s) == (1, n), 15)
    ok(True, "space returns: the kiosk starts the session")
    k.keys("F12")
    k.wait("スタッフメニュー")
    k.keys("9", "2")  # exit, and yes (#12 and #14: Exit is 9)
    k.exited_clean("full at start-up")


if __name__ == "__main__":
    what = sys.argv[1] if len(sys.argv) > 1 else "full"
    {"full": full, "crash": crash, "full-disk": full_disk}[what]()
