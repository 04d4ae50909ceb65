#!/usr/bin/env bash
# The records database on a full file system (a small tmpfs; root needed,
# else skipped): an answer that cannot be saved is never shown as right or
# wrong, the patient sees a calm "please call staff", staff see the exact
# error in the staff menu, nothing crashes; once space returns the record is
# saved (a staff retry, or the periodic one) and the session goes on; the
# patient is never told "done" unless the session is durable.
exec python3 "$(dirname "$0")/consent.py" full-disk
