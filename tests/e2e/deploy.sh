#!/usr/bin/env bash
# Placeholders never reach a patient: `check --deploy` reports every clinic
# value still at its bundled sample ("?=" in clinic.conf) at its
# clinic.conf:line:col, while plain `check` stays clean; outside demo mode
# (a staff PIN set), `run` refuses consent sessions on such content, at the
# start (saying why and what to edit) and from the staff menu; a deployed
# copy (the clinic's own values) is accepted by both.
. "$(dirname "$0")/lib.sh"
export USER=deploy-staff

root=${SOURCE_ROOT:-$(dirname "$0")/../..}
cp -r "$root/content" "$E2E_TMP/content"
conf="$E2E_TMP/content/clinic.conf"

# Where each sample value starts, worked out here independently: line, and
# the 1-based display column of the first character after '?=' and spaces.
want=$(python3 - "$conf" <<'PY'
import re, sys, unicodedata
for n, line in enumerate(open(sys.argv[1], encoding="utf-8"), 1):
    m = re.match(r"^\s*([a-z0-9_]+(?:\.[a-z]+)?)\s*\?=\s*", line)
    if m:
        col = 1 + sum(2 if unicodedata.east_asian_width(c) in "WF" else 1
                      for c in line[:m.end()])
        print(f"{sys.argv[1]}:{n}:{col}: error: '{m.group(1)}' still holds the bundled sample")
PY
)
nsamples=$(grep -c '?=' "$conf")

"$ISOKIOSK" check "$E2E_TMP/content" >"$E2E_TMP/out" 2>&1
e2e_check 'check: the bundled samples are clean for content editors' \
	test $? = 0 -a ! -s "$E2E_TMP/out"
"$ISOKIOSK" check --deploy "$E2E_TMP/content" >"$E2E_TMP/out" 2>&1
st=$?
e2e_check "check --deploy: status 1" test "$st" = 1
got=$(sed 's/ (.*//; s/ '"'"'[^'"'"']*'"'"': put in.*//' "$E2E_TMP/out" | grep -o "^.*still holds the bundled sample")
e2e_check "check --deploy: each of the $nsamples samples at its clinic.conf:line:col" \
	test "$got" = "$want"
e2e_check 'check --deploy: names the value and says what to edit' \
	grep -qF "'phone' still holds the bundled sample '03-0000-0000': put in the clinic's own value, then change '?=' to '=' on this line" "$E2E_TMP/out"
"$ISOKIOSK" check --deploy "$E2E_TMP/content/ja/qa.md" >/dev/null 2>&1
e2e_check 'check --deploy on a file: usage error (2)' test $? = 2

# A kiosk with a staff PIN: not demo mode.
printf '246813\n246813\n' | "$ISOKIOSK" staff set-pin --config "$E2E_TMP/k.conf" >/dev/null
"$ISOKIOSK" run --config "$E2E_TMP/k.conf" --content "$E2E_TMP/content" \
	--db "$E2E_TMP/r.db" --patient P-1 --profile pregnancy >"$E2E_TMP/out" 2>&1
st=$?
e2e_check 'run --patient on samples, with a PIN: refused (1)' test "$st" = 1
e2e_check 'run says where: clinic.conf:line:col of the phone' \
	grep -qF "$(grep -F "'phone'" <<<"$want")" "$E2E_TMP/out"
e2e_check 'run says why and what to edit' \
	grep -qF "outside demo mode, consent sessions are refused" "$E2E_TMP/out"
e2e_check 'no records were opened' test ! -e "$E2E_TMP/r.db"

# Browsing still works; a session from the staff menu is refused.
e2e_start 80 24 run --config "$E2E_TMP/k.conf" --content "$E2E_TMP/content" \
	--db "$E2E_TMP/r.db"
e2e_wait '1  日本語' >/dev/null
e2e_keys 1 F12
e2e_wait 'PIN:' >/dev/null
e2e_keys 2 4 6 8 1 3 Enter
e2e_check 'staff menu' e2e_wait 'スタッフメニュー'
e2e_keys 1
e2e_wait '患者番号：' >/dev/null
e2e_tmux send-keys -l P-2
e2e_keys Tab Tab 4 7
e2e_check 'a new session from the staff menu is refused' \
	e2e_wait 'セッションを開始できませんでした'
e2e_check 'and the staff see why' e2e_wait 'clinic.conf still has sample values'
e2e_check 'still running' e2e_alive
e2e_keys Escape
e2e_wait 'スタッフメニュー' >/dev/null
e2e_keys 9 2
e2e_check 'staff exit' e2e_wait_dead
e2e_check 'no errors on stderr (sanitizers)' test ! -s "$E2E_TMP/stderr"

# Deployed: the clinic's own values.
sed -i 's/ ?= / = /; s/03-0000-0000/03-1234-5678/' "$conf"
"$ISOKIOSK" check --deploy "$E2E_TMP/content" >"$E2E_TMP/out" 2>&1
e2e_check 'deployed: check --deploy is clean' test $? = 0 -a ! -s "$E2E_TMP/out"
n=$(e2e_nscreens ja)
e2e_start 80 24 run --config "$E2E_TMP/k.conf" --content "$E2E_TMP/content" \
	--db "$E2E_TMP/deployed.db" --patient P-3 --profile no-pregnancy
e2e_check 'deployed: the session starts' e2e_wait " 1 / $n"
e2e_end
