#!/usr/bin/env bash
# SIGKILL at random moments of scripted consent sessions: kiosks in sequence
# on one database, each killed after a random number of patient steps (at
# once, or a moment after one more key, so a write may be in flight). Then:
# PRAGMA integrity_check is ok, records verify is 0, every answer and
# acknowledgement the screen had confirmed is in the store, and the sessions
# cut short were sealed as abandoned at the next start.
#
# CONSENT_CRASH_KILLS (default 200) sets the number of kills: the sanitizer
# build may run fewer (e.g. 40). CONSENT_CRASH_SEED repeats a run.
exec python3 "$(dirname "$0")/consent.py" crash
