#!/usr/bin/env python3
"""redraw: only changed cells are sent to the terminal. Counted through a
pty: a key that changes nothing writes nothing; moving the highlight on the
welcome screen writes a few cells, far less than the first full screen; the
idle tick writes nothing while nothing changes.

Usage: redraw.py ISOKIOSK      (TAP on stdout)
"""
import fcntl
import os
import pty
import select
import struct
import sys
import termios


def main():
    isokiosk = sys.argv[1]
    env = dict(os.environ, TERM="xterm-256color", LC_ALL="C.UTF-8",
               ISOKIOSK_CONFIG="/nonexistent")
    pid, fd = pty.fork()
    if pid == 0:
        os.execvpe(isokiosk, [isokiosk, "run"], env)
    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))

    def drain(quiet=0.6):
        n = 0
        while True:
            r, _, _ = select.select([fd], [], [], quiet)
            if not r:
                return n
            try:
                data = os.read(fd, 65536)
            except OSError:  # the program ended
                return n
            if b"\033[6n" in data:
                os.write(fd, b"\033[1;2R")
            n += len(data)

    results = []
    # the first bytes, however slowly a sanitized build starts; then the
    # whole first screen, until the kiosk is quiet
    select.select([fd], [], [], 30)
    full = drain(1.0)
    results.append((full > 300, "the first screen is drawn (%d bytes)" % full))
    idle = drain(1.2)  # two ticks pass
    results.append((idle == 0, "ticks with nothing changed write nothing (%d bytes)" % idle))
    os.write(fd, b"\x03\x1a\x1c")  # Ctrl-C, Ctrl-Z, Ctrl-\
    nothing = drain()
    results.append((nothing == 0, "Ctrl-C, Ctrl-Z, Ctrl-\\ write nothing (%d bytes)" % nothing))
    os.write(fd, b"\033OB")  # Down: the highlight moves to the next language
    small = drain()
    results.append((0 < small < full // 2,
                    "moving the highlight writes only its cells (%d of %d bytes)" % (small, full)))
    os.write(fd, b"1")
    drain()
    os.write(fd, b"\033OC")  # Right: a page turn redraws most of the screen
    turn = drain()
    os.write(fd, b"\033OB")  # Down: one line, the terminal scrolls
    line = drain()
    # the new line itself (a line of Japanese is ~150 bytes with its
    # colours) and the scroll column's thumb and arrows
    results.append((0 < line < turn // 3,
                    "a one-line scroll sends %d bytes, a page turn %d" % (line, turn)))
    os.kill(pid, 15)
    drain(0.2)
    os.waitpid(pid, 0)
    bad = 0
    for i, (ok, desc) in enumerate(results, 1):
        print("%s %d - %s" % ("ok" if ok else "not ok", i, desc))
        bad += not ok
    print("1..%d" % len(results))
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()
