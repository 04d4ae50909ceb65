#!/usr/bin/env bash
# Whole consent sessions by touch alone (SGR mouse reports, no key): both
# profiles, a minor with a guardian, English on the Latin keyboard; the names
# typed on the on-screen keyboard, then found in `records show`.
exec python3 "$(dirname "$0")/touch.py" full
