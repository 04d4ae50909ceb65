#!/usr/bin/env python3
"""measure: the kiosk's start-up time and the bytes it writes per page turn,
counted through a pty, beside `dialog --textbox` on the same text.

Usage: measure.py ISOKIOSK SOURCE_ROOT
Prints a small table; not a test (times depend on the machine), the numbers
go into reports as ratios.
"""
import fcntl
import os
import pty
import select
import statistics
import struct
import subprocess
import sys
import tempfile
import termios
import time

W, H = 80, 24


def spawn(argv, env):
    pid, fd = pty.fork()
    if pid == 0:
        os.execvpe(argv[0], argv, env)
    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", H, W, 0, 0))
    return pid, fd


def read_until_quiet(fd, quiet=0.15, limit=10.0, answer_cpr=True):
    """Bytes written until nothing came for `quiet` seconds."""
    out = b""
    end = time.monotonic() + limit
    while time.monotonic() < end:
        r, _, _ = select.select([fd], [], [], quiet)
        if not r:
            break
        try:
            chunk = os.read(fd, 65536)
        except OSError:
            break
        if not chunk:
            break
        if answer_cpr and b"\033[6n" in chunk:
            os.write(fd, b"\033[1;2R")  # ※ drawn 1 wide
        out += chunk
    return out


def first_screen(fd, quiet=0.3, limit=10.0):
    """When the first screen was complete: the time of the last byte before
    the program went quiet (answering CPR queries)."""
    last = None
    end = time.monotonic() + limit
    while time.monotonic() < end:
        r, _, _ = select.select([fd], [], [], quiet if last else limit)
        if not r:
            break
        chunk = os.read(fd, 65536)
        if b"\033[6n" in chunk:
            os.write(fd, b"\033[1;2R")
        last = time.monotonic()
    if last is None:
        raise SystemExit("nothing drawn")
    return last


def stop(pid, fd):
    try:
        os.kill(pid, 15)
    except ProcessLookupError:
        pass
    read_until_quiet(fd, 0.1, 2)
    os.waitpid(pid, 0)
    os.close(fd)


def kiosk(isokiosk, env, runs=5, turns=13):
    starts, turn_bytes, line_bytes = [], [], []
    for _ in range(runs):
        t0 = time.monotonic()
        pid, fd = spawn([isokiosk, "run"], env)
        t1 = first_screen(fd)
        starts.append(t1 - t0)
        read_until_quiet(fd)
        os.write(fd, b"1")
        read_until_quiet(fd)
        for _ in range(turns):
            os.write(fd, b"\033OC")  # Right (keypad transmit mode): the next screen
            turn_bytes.append(len(read_until_quiet(fd)))
        for _ in range(5):
            os.write(fd, b"\033OA")  # Up: scroll one line (on the last screen)
        read_until_quiet(fd)
        for _ in range(5):
            os.write(fd, b"\033OB")
            line_bytes.append(len(read_until_quiet(fd)))
        stop(pid, fd)
    return starts, turn_bytes, line_bytes


def dialog(text_file, env, runs=5, turns=13):
    starts, turn_bytes, line_bytes = [], [], []
    for _ in range(runs):
        t0 = time.monotonic()
        pid, fd = spawn(["dialog", "--textbox", text_file, str(H), str(W)], env)
        t1 = first_screen(fd)
        starts.append(t1 - t0)
        read_until_quiet(fd)
        for _ in range(turns):
            os.write(fd, b"\033[6~")  # PageDown: the next page
            turn_bytes.append(len(read_until_quiet(fd)))
        for _ in range(5):
            os.write(fd, b"\033OB")
            line_bytes.append(len(read_until_quiet(fd)))
        stop(pid, fd)
    return starts, turn_bytes, line_bytes


def main():
    isokiosk, root = sys.argv[1], sys.argv[2]
    env = dict(os.environ, TERM="xterm-256color", LC_ALL="C.UTF-8",
               ISOKIOSK_CONFIG="/nonexistent")
    ids = [l.strip() for l in open(os.path.join(root, "content/ja/manifest"))
           if l.strip() and not l.startswith("#") and ":" not in l]
    with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False) as f:
        for i in ids:
            f.write(subprocess.run([isokiosk, "render", "--width", "76",
                                    os.path.join(root, "content/ja", i + ".md")],
                                   capture_output=True, text=True,
                                   check=True).stdout)
        text = f.name
    k = kiosk(isokiosk, env)
    d = dialog(text, env)
    os.unlink(text)
    med = statistics.median
    print("%-28s %12s %12s" % ("(median, 80x24 pty)", "isokiosk", "dialog"))
    print("%-28s %10.1fms %10.1fms" % ("start to first screen",
                                       med(k[0]) * 1000, med(d[0]) * 1000))
    print("%-28s %12d %12d" % ("bytes per page turn", med(k[1]), med(d[1])))
    print("%-28s %12d %12d" % ("  (min..max)", min(k[1]), min(d[1])))
    print("%-28s %12d %12d" % ("", max(k[1]), max(d[1])))
    print("%-28s %12d %12d" % ("bytes per one-line scroll", med(k[2]), med(d[2])))


if __name__ == "__main__":
    main()
