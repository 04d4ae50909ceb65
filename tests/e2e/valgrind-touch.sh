#!/usr/bin/env bash
# A touch-only session under valgrind: a minor's whole consent session by
# clicks alone (names on the on-screen keyboard), then SIGTERM; valgrind
# must report no errors and no definite leaks (suite e2e-valgrind).
exec python3 "$(dirname "$0")/touch.py" valgrind
