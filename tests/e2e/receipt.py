#!/usr/bin/env python3
"""Staff print the patient's copy from the records screen (today's sessions,
one session opened by its receipt code: "Print the patient's copy (P)"), in
tmux: after a whole consent session the copy of that session reaches
print_command (a script here) as a PDF holding the receipt code shown on
the done screen and the name as typed; a failing printer program is shown
to staff with its own words, the record still whole (records verify) and
printing again works. Output is TAP.

usage: receipt.py   (ISOKIOSK, SOURCE_ROOT, ISOKIOSK_LOCALEDIR as for the
other e2e tests)
"""
import os
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import consent  # noqa: E402  the patient, the terminal, TAP
from consent import Timeout, ok, records, session  # noqa: E402
from touch import SettledKiosk  # noqa: E402


def pdftext(path):
    p = subprocess.run(["pdftotext", path, "-"], stdout=subprocess.PIPE, text=True)
    return p.stdout if p.returncode == 0 else ""


def main():
    if shutil.which("pdftotext") is None:
        print("1..0 # SKIP pdftotext is not installed (.ci/install installs it)")
        return
    tmp = tempfile.mkdtemp(prefix="isokiosk-receipt.")
    os.environ.update(HOME=tmp, XDG_CONFIG_HOME=os.path.join(tmp, "xdg"),
                      XDG_DATA_HOME=os.path.join(tmp, "data"), TZ="Asia/Tokyo",
                      ISOKIOSK_CONFIG=os.path.join(tmp, "none.conf"), USER="test-staff")
    os.environ.pop("ISOKIOSK_DB", None)
    db = os.path.join(tmp, "records.db")
    printed = os.path.join(tmp, "printed.pdf")
    jam = os.path.join(tmp, "jammed")
    printer = os.path.join(tmp, "printer")
    with open(printer, "w") as f:
        f.write("#!/bin/sh\n"
                f"[ -e '{jam}' ] && {{ echo 'printer: out of paper' >&2; exit 2; }}\n"
                f"cat >'{printed}'\n")
    os.chmod(printer, 0o755)
    conf = os.path.join(tmp, "k.conf")
    with open(conf, "w") as f:
        f.write(f"print_command = {printer}\n")
    k = SettledKiosk(tmp)
    try:
        run(k, db, conf, printed, jam)
    except Timeout as e:
        ok(False, "the flow went on", str(e))
    finally:
        k.close()
        shutil.rmtree(tmp, ignore_errors=True)
    consent.finish()


def run(k, db, conf, printed, jam):
    k.start("run", "--config", conf, "--db", db)
    k.wait("ようこそ。ことばを選んでください。")

    # a whole session, started from the staff menu
    k.keys("F12")
    k.wait("スタッフメニュー")
    k.keys("1")
    k.wait("患者番号：")
    k.text("P-100")
    k.keys("Tab", "Tab", "3")  # profile: can become pregnant
    k.wait("[x] 妊娠の可能性がある")
    k.keys("7")
    log = session(k, "pregnancy", ["たなか ゆき"], lambda q, a: "right")
    ok(log.receipt is not None, f"session done, receipt code {log.receipt}", k.screen())
    k.keys("Enter")
    k.wait("ようこそ。ことばを選んでください。")

    # today's sessions, the session found by its receipt code
    k.keys("F12")
    k.wait("スタッフメニュー")
    k.keys("2")
    k.wait("今日のセッション")
    k.text(log.receipt or "")
    k.keys("Enter")
    s = k.wait(f"受付番号 {log.receipt}")
    ok("控えを印刷（P）" in s, "the record screen offers the patient's copy", s)
    k.keys("p")
    s = k.wait(lambda s: "控えをプリンターに送りました" in s or "印刷できません" in s, 30)
    ok("控えをプリンターに送りました" in s, "P: the copy was sent to the printer", s)
    text = pdftext(printed)
    ok(log.receipt is not None and log.receipt in text and "たなかゆき" in text.replace(" ", ""),
       "the printer got the copy: the receipt code shown and the name as typed", text[:800])

    # the printer fails: staff see why; the record stays whole
    open(jam, "w").close()
    os.unlink(printed)
    k.keys("p")
    s = k.wait(lambda s: "印刷できませんでした" in s, 30)
    flat = "".join(line.strip() for line in s.split("\n")).replace(" ", "")
    ok("printer:outofpaper" in flat and "exitstatus2" in flat,
       "a failing printer: staff see its own words", s)
    rc, out = records("verify", "--db", db)
    ok(rc == 0, "the record is whole (records verify: 0)", out)
    os.unlink(jam)
    k.keys("P")
    s = k.wait("控えをプリンターに送りました", 30)
    ok(log.receipt in pdftext(printed), "printing again works", s)

    # back to the menu, and out
    k.keys("Escape")
    k.wait("今日のセッション")
    k.keys("Escape")
    k.keys("Escape")
    k.wait("スタッフメニュー")
    k.keys("9", "2")
    k.exited_clean("the kiosk")

if __name__ == "__main__":
    main()
