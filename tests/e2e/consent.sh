#!/usr/bin/env bash
# Whole consent sessions in tmux: both profiles, wrong answers, re-reading,
# right answers, every acknowledgement, a Japanese name (typed with
# send-keys -l, backspace erases a whole character), a minor with a guardian,
# 3 wrong answers (please call staff), an idle timeout and a staff exit; staff
# verification; then records show, verify and both exports (CSV, FHIR)
# checked field by field. Each run uses its own database in a mktemp dir.
exec python3 "$(dirname "$0")/consent.py" full
