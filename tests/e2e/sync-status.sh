#!/usr/bin/env bash
# The staff menu shows how far behind the central copy is, as `isokiosk
# sync` last wrote it beside the database (DB.sync, syncstate.h), against
# the local chain now: nothing when sync is not set up; "synced, N behind";
# a failed sync (no server here: it fails, and says so, and the menu says
# why; and without libpq); a damaged state.
# The kiosk itself never talks to the central store.
#   sync-status.sh STORE_DRIVE
. "$(dirname "$0")/lib.sh"
drive=$1
db=$E2E_TMP/r.db

# 5 sessions, one verified by staff: 6 links
printf 'sample\t5\n' | STORE_DRIVE_KEY="$E2E_TMP/drive.key" "$drive" "$db" >/dev/null
staff_menu() {
	e2e_start 80 24 run --db "$db"
	e2e_wait '1  日本語' >/dev/null
	e2e_keys F12
	e2e_wait 'スタッフメニュー' >/dev/null
}
header() { e2e_tmux capture-pane -p | head -1; }

staff_menu
e2e_check 'no sync set up: nothing about it' bash -c '! tmux -S "$1" capture-pane -p | head -1 | grep -q 同期' _ "$E2E_SOCK"

now=$(date +%s)
hm=$(date -d "@$now" +%H:%M)
printf 'isokiosk-sync 1\nattempt %s\nsynced %s\ncentral 2\n' "$now" "$now" >"$db.sync"
staff_menu
e2e_check "synced, 4 links behind (header: $(header))" e2e_wait "同期 $hm・未送信 4 件"
e2e_check 'synced: no reason shown' bash -c '! tmux -S "$1" capture-pane -p | grep -q 同期できなかった理由' _ "$E2E_SOCK"

# a sync that fails (no server at that socket) says so, and keeps what it knew
"$ISOKIOSK" sync --to "postgresql:///isokiosk?host=$E2E_TMP/nowhere" --db "$db" >"$E2E_TMP/out" 2>&1
e2e_check 'sync without a server fails' grep -q 'cannot connect to the central store' "$E2E_TMP/out"
e2e_check 'and writes why beside the database' grep -q '^error cannot connect to the central store' "$db.sync"
e2e_check 'keeping the central copy as last known' grep -qx 'central 2' "$db.sync"
hm=$(date -d "@$(sed -n 's/^attempt //p' "$db.sync")" +%H:%M)
staff_menu
e2e_check "the staff menu shows the failure (header: $(header))" e2e_wait "同期失敗 $hm・未送信 4 件"
e2e_check 'and why, in the sync process'"'"'s own words' e2e_wait '同期できなかった理由：cannot connect to the central store'

# a sync that cannot load libpq (libpq5 missing, here a damaged file first on
# the library path) is a failed sync too, and the menu says what is missing
mkdir "$E2E_TMP/nopq" && : >"$E2E_TMP/nopq/libpq.so.5"
LD_LIBRARY_PATH=$E2E_TMP/nopq "$ISOKIOSK" sync --to "postgresql:///isokiosk?host=$E2E_TMP/nowhere" --db "$db" >"$E2E_TMP/out" 2>&1
e2e_check 'sync without libpq fails, naming the package' grep -q 'the central store needs libpq (Debian package libpq5): .*libpq.so.5: file too short' "$E2E_TMP/out"
e2e_check 'and writes why beside the database, keeping the central copy' \
	bash -c 'grep -q "^error the central store needs libpq" "$1" && grep -qx "central 2" "$1"' _ "$db.sync"
staff_menu
e2e_check "the staff menu shows that failure (header: $(header))" e2e_wait "同期失敗 $(date -d "@$(sed -n 's/^attempt //p' "$db.sync")" +%H:%M)・未送信 4 件"
e2e_check 'and that libpq is missing' e2e_wait '同期できなかった理由：the central store needs libpq'

printf 'isokiosk-sync 1\nattempt x\n' >"$db.sync"
staff_menu
e2e_check 'a damaged state is said so' e2e_wait '同期の状態を読めません'

rm "$db.sync"
printf 'isokiosk-sync 1\nattempt %s\nsynced %s\ncentral 6\n' "$now" "$now" >"$db.sync"
e2e_start 80 24 run --db "$db" --lang en
e2e_wait '2  English' >/dev/null
e2e_keys 2 F12
e2e_check 'up to date, in English' e2e_wait "Synced $(date -d "@$now" +%H:%M)"
e2e_check "no errors on stderr (sanitizers)" test ! -s "$E2E_TMP/stderr"
e2e_end
