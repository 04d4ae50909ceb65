#!/usr/bin/env python3
"""Follow-up visits in a real terminal (tmux), as a patient and staff use
them (issue 14):

  1. a first visit (the consent session) for patient P-F;
  2. a normal follow-up: contraception that meets the rule, a low mood
     score, a side effect ticked, the re-check questions, the every-visit
     statements only (nothing changed since the first visit), signed;
  3. a follow-up whose mood check raises an urgent flag: the patient's
     part ends at once on the urgent screen (119, the crisis line), the
     staff menu shows a banner, staff acknowledge the flag under their ID;
     then staff try "may prescribe" for the last completed visit: refused
     without a recent negative pregnancy test, recorded once one is;
  4. a follow-up whose contraception does not meet the rule: the kind
     message, a staff flag, the session stopped;
then `records patient`, `records verify`, add-test and prescribe from the
shell. Output is TAP. Reuses the consent test's terminal and quiz helpers.
"""
import datetime
import os
import re
import sys
import tempfile
import zoneinfo

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import consent  # noqa: E402
from consent import Log, Timeout, ok, finish, records, progress, header  # noqa: E402
from touch import SettledKiosk, Touch  # noqa: E402

STOP_TITLE = "スタッフとお話しください"


def start(k, db, ref, profile="pregnancy"):
    k.start("run", "--db", db, "--visit", "follow-up", "--patient", ref,
            "--profile", profile, "--staff", "nurse-a",
            env={"ISOKIOSK_LOCALEDIR": os.environ.get("ISOKIOSK_LOCALEDIR", ""),
                 "TZ": "Asia/Tokyo"})


def methods(k, picks):
    s = k.wait("いま使っている避妊の方法")
    ok("[ ] 1" in s and "体調の確認 1 /" in header(s),
       "contraception: every method a toggle, the first step of the check-up", s)
    for p in picks:
        k.keys(str(p))
        k.wait(f"[x] {p}")
    k.keys("End", "Enter")


def mood(k, answers):
    """answers: the choice (1-based) for each item, in order."""
    for i, a in enumerate(answers):
        k.wait(lambda s: "気分のチェック" in header(s) and
               progress(s) is not None and "答えにふれるか" in s)
        k.keys(str(a))
        if i + 1 < len(answers):
            k.wait(lambda s, i=i: f"体調の確認 {i + 3} /" in header(s) or
                   STOP_TITLE in s)


def effects(k, picks):
    s = k.wait("前の受診からの体の変化")
    for p in picks:
        k.keys(str(p))
        k.wait(f"[x] {p}")
    k.keys("End", "Enter")


def acknowledge_all(k):
    """Every statement shown, confirmed; returns how many."""
    n = 0
    while True:
        s = k.wait(lambda s: "[ ] 1  上の内容を確認しました" in s or
                   "署名の前の確認" in s)
        if "署名の前の確認" in s:
            return n
        p = progress(s)
        k.keys("1")
        k.wait(lambda s: "[x] 確認しました" in s)
        n += 1
        k.keys("End", "Right")
        k.wait(lambda s, p=p: progress(s) != p)


def staff_exit(k, what):
    k.keys("F12")
    k.wait("スタッフメニュー")
    k.keys("9", "2")
    k.exited_clean(what)


def main():
    tmp = tempfile.mkdtemp(prefix="isokiosk-followup.")
    # a home of its own: the kiosk makes its key there at its first start
    # (and records add-test signs with it), never in the tester's
    os.environ.update(HOME=tmp, XDG_CONFIG_HOME=os.path.join(tmp, "xdg"),
                      XDG_DATA_HOME=os.path.join(tmp, "data"),
                      ISOKIOSK_CONFIG=os.path.join(tmp, "none.conf"))
    os.environ.pop("ISOKIOSK_KEY", None)
    k = SettledKiosk(tmp)
    try:
        run(k, tmp)
    except Timeout as e:
        ok(False, "timed out", str(e))
    finally:
        k.close()
    finish()


def run(k, tmp):
    db = os.path.join(tmp, "records.db")
    env = {"TZ": "Asia/Tokyo"}

    # 1. the first visit
    k.start("run", "--db", db, "--patient", "P-F", "--profile", "pregnancy",
            "--staff", "nurse-a", env=env)
    log = consent.session(k, "pregnancy", ["やまだ はなこ"],
                          lambda q, a: "right")
    ok(log.receipt is not None, "first visit: completed, a receipt code")
    k.keys("Enter")
    k.wait("ようこそ")
    staff_exit(k, "first visit")

    # 2. a normal follow-up
    start(k, db, "P-F")
    methods(k, [1])                 # an IUD: highly effective
    mood(k, [2, 1, 1, 1, 1])        # a few low days: total 1
    effects(k, [1])                 # dry lips
    log2 = Log()
    s = k.wait(lambda s: "答えにふれるか" in s and "確認の問題" in header(s))
    m = re.search(r"確認の問題 1 / (\d+)", header(s))
    ok(m is not None and m.group(1) == "3",
       "the re-check: 3 questions of the quiz", s)
    ok(consent.answer(k, log2, lambda q, a: "wrong" if len(log2.answers) == 0
                      else "right"), "re-check answered (teach-back after a"
       " wrong answer)")
    ok(len(log2.answers) == 4 and not log2.answers[0][2],
       "one wrong, then right: 4 attempts", log2.answers)
    n = acknowledge_all(k)
    ok(n == 6, f"the every-visit statements only: 6 confirmed again ({n})")
    consent.sign(k, log2, ["やまだ はなこ"], steps=None)
    ok(log2.receipt is not None, "follow-up signed: a receipt code")
    k.keys("Enter")
    k.wait("ようこそ")
    staff_exit(k, "normal follow-up")
    rc, out = records("patient", "P-F", "--db", db)
    ok(rc == 0 and "#2  follow-up" in out and "contraception: iud" in out
       and "mood check: total 1 (low-mood 1" in out
       and "side effects: dry" in out and "wrong then right" in out
       and "statements: 6 confirmed" in out
       and "may prescribe: not recorded" in out,
       "records patient: the follow-up's answers", out)

    # 3. an urgent mood answer, acknowledged by staff; may prescribe
    start(k, db, "P-F")
    methods(k, [4, 8])              # the pill with a condom: met
    mood(k, [1, 1, 1, 1, 3])        # thoughts of self-harm
    s = k.wait(STOP_TITLE)
    ok("119" in s and "0120-000-000" in s and "このままお待ちください" in s,
       "urgent: the patient's part ends, 119 and the crisis line", s)
    ok("次へ" not in s and "戻る" not in s, "nothing to go on with", s)
    rc, out = records("patient", "P-F", "--db", db)
    ok("#3  follow-up" in out and "stopped" in out and
       "flag: URGENT mood self-harm, NOT ACKNOWLEDGED" in out,
       "on record at once: stopped, an urgent flag not acknowledged", out)
    k.keys("F12")
    s = k.wait("スタッフメニュー")
    ok("至急：患者 P-F" in s, "the staff menu shows the urgent banner", s)
    k.keys("7")
    s = k.wait("対応済みにする")
    # digits choose from the list until the staff ID is touched (or Tab)
    k.text("nurse-")
    k.wait("スタッフID：nurse-")
    s = k.wait("スタッフID：nurse-（ふれると数字も入ります）")
    ok("スタッフID：nurse-_" not in s, "the ID is not being typed yet", s)
    Touch(k).tap("スタッフID：nurse-")
    s = k.wait("スタッフID：nurse-_")
    ok("数字も入ります" in s, "touched, the staff ID takes digits", s)
    k.text("b7")
    k.keys("Enter")
    s = k.wait("スタッフID：nurse-b7（ふれると数字も入ります）")
    ok("対応済みにする" in s, "a digit typed into the ID chose nothing", s)
    k.keys("3")
    s = k.wait("対応済みにしました")
    ok("未対応の知らせはありません" in s and "至急" not in s,
       "acknowledged: the banner is gone", s)
    rc, out = records("patient", "P-F", "--db", db)
    ok(re.search(r"flag: URGENT mood self-harm, acknowledged by nurse-b7 at "
                 r"\d{4}-\d\d-\d\d \d\d:\d\d [+-]\d\d:\d\d", out) is not None,
       "records patient: who acknowledged it and when", out)
    # may prescribe for the last completed visit (#2): no test yet
    k.keys("2")
    s = k.wait("妊娠検査と処方の可否")
    ok("P-F" in s and "陰性" in s and "院内" in s,
       "the test form: the patient, negative, at the clinic", s)
    ok("スタッフID：nurse-b7" in s, "the staff ID typed there came along", s)
    k.keys("7")
    s = k.wait("処方してよいと記録できません")
    ok("妊娠検査の記録がありません" in s and "no pregnancy" not in s,
       "refused without a test, saying why in the staff's language", s)
    # a date that is not one, then one after today: refused, said in
    # Japanese, nothing recorded; then today's date again
    today = datetime.datetime.now(zoneinfo.ZoneInfo("Asia/Tokyo")).strftime("%Y-%m-%d")
    k.keys("2")
    k.wait("検査日：" + today + "_")
    for bad, said in (("2026-13-01", "検査日が日付になっていません"),
                      ("2099-01-01", "検査日が今日より後")):
        k.keys(*["BSpace"] * 10)
        k.text(bad)
        k.keys("Tab")
        k.wait("検査日：" + bad)
        k.keys("6")
        s = k.wait(said)
        ok("検査は記録されませんでした" in s and "検査日：" + bad + "_" in s,
           f"test date {bad}: refused, saying why, the date ready to fix", s)
    k.keys(*["BSpace"] * 10)
    k.text(today)
    k.keys("Tab")
    k.wait(lambda s: "検査日：" + today in s and "検査日：" + today + "_" not in s)
    k.keys("6")
    s = k.wait("妊娠検査を記録しました")
    k.keys("7")
    s = k.wait("処方してよいと記録しました")
    ok(True, "recorded once a negative test of today is on record")
    k.keys("Escape")
    k.wait("再診")
    k.keys("Escape")
    k.wait("スタッフメニュー")
    k.keys("9", "2")
    k.exited_clean("urgent follow-up")
    rc, out = records("patient", "P-F", "--db", db)
    ok(re.search(r"may prescribe: nurse-b7 at .* \(pregnancy test #1\)", out)
       is not None and "#1  " in out.split("Pregnancy tests:")[1],
       "records patient: may prescribe, the test it relied on", out)

    # 4. contraception that does not meet the rule
    start(k, db, "P-G")
    methods(k, [4])                 # the pill alone
    s = k.wait("足りません")
    ok("コンドーム" in s or "スタッフ" in s,
       "not met: the kind message of the methods file", s)
    k.keys("F12")
    k.wait("スタッフメニュー")
    k.keys("9", "2")
    k.exited_clean("contraception not met")
    rc, out = records("patient", "P-G", "--db", db)
    ok("stopped" in out and "contraception: pill (does not meet the rule)" in out
       and "flag: staff methods not-enough, NOT ACKNOWLEDGED" in out,
       "records patient: stopped, a staff flag", out)

    # the shell
    rc, out = records("prescribe", "3", "--staff", "dr-a", "--db", db)
    ok(rc == 1 and "did not complete" in out,
       "prescribe after the urgent visit: refused (it did not complete)", out)
    rc, out = records("prescribe", "2", "--staff", "dr-a", "--db", db)
    ok(rc == 1 and "already recorded by nurse-b7" in out,
       "prescribe twice: refused", out)
    rc, out = records("add-test", "--patient", "P-G", "--date", "2026-02-30",
                      "--result", "negative", "--setting", "clinic", "--db", db)
    ok(rc == 2 and "not a date" in out, "add-test: a bad date is a usage error", out)
    rc, out = records("add-test", "--patient", "P-G", "--date", "2020-01-01",
                      "--result", "negative", "--setting", "laboratory",
                      "--staff", "nurse-c", "--db", db)
    ok(rc == 0 and "pregnancy test #2 recorded" in out, "add-test from the shell", out)
    rc, out = records("list", "--due", "--db", db)
    ok(rc == 0 and "no patient is due" in out, "list --due: nobody yet", out)
    rc, out = records("verify", "--db", db)
    ok(rc == 0 and "chain holds: 4 sessions, 8 links" in out,
       "records verify: the chain holds (sessions, tests, the"
       " acknowledgement, may prescribe)", out)
    ok("signatures hold: 8 of 8 links signed" in out,
       "records verify: every link signed with the kiosk's key (the staff"
       " screen's test, acknowledgement and may prescribe, the shell's"
       " add-test)", out)


if __name__ == "__main__":
    main()
