#!/bin/bash
# Central store benchmark (issue #16), on a private PostgreSQL cluster
# (tests/central/pg.sh: a temporary folder, a Unix socket, no TCP; stopped
# at the end). A report, not a test: it never fails on the numbers.
#
#  1. sync: `isokiosk sync` of one kiosk's SESSIONS sessions (default
#     100,000; each 10 screen visits, 7 quiz attempts, 8 acknowledgements, a
#     signature, some verified by staff; every link signed), into an empty
#     central store, beside what a clinic's IT person would otherwise use to
#     move the same rows: psql's COPY of them into a plain table of the same
#     columns and indexes (no triggers, no signature checks).
#  2. verify: central `records verify` over VERIFY_SESSIONS sessions
#     (default 1,000,000) from 20 kiosks, beside the local `records verify`
#     of the same sessions (each kiosk's database in turn, with its key).
#     The 20 kiosks are synced first (timed too).
#
# Kiosk databases are made once (store-drive, bulk: one transaction, no
# syncs) and kept in WORKDIR; timings are the median of RUNS runs (3) for
# the verifies, one run for the syncs (a second sync pushes nothing).
#
#   bench-central.sh ISOKIOSK STORE_DRIVE WORKDIR
#   (SESSIONS, VERIFY_SESSIONS, KIOSKS, RUNS in the environment;
#   VERIFY_SESSIONS=0: the sync part only)
set -u
K=${1:?usage: bench-central.sh ISOKIOSK STORE_DRIVE WORKDIR}
drive=${2:?usage: bench-central.sh ISOKIOSK STORE_DRIVE WORKDIR}
work=${3:?usage: bench-central.sh ISOKIOSK STORE_DRIVE WORKDIR}
n=${SESSIONS:-100000}
vn=${VERIFY_SESSIONS:-1000000}
kiosks=${KIOSKS:-20}
runs=${RUNS:-3}
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../central/pg.sh"
[ -n "$pg_bin" ] || { echo "bench-central: PostgreSQL is not installed"; exit 0; }
mkdir -p "$work" || exit 1
trap pg_cleanup EXIT

now() { date +%s.%N; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.2f", b - a }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", (b > 0 ? a / b : 0) }'; }
per_s() { awk -v n="$1" -v t="$2" 'BEGIN { printf "%.0f", (t > 0 ? n / t : 0) }'; }
median() { sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
# the chain length of a local database
head_of() { sqlite3 "$1" "SELECT max(s) FROM (SELECT max(seal_seq) s FROM
 sessions UNION ALL SELECT max(seal_seq) FROM verifications)"; }
sessions_of() { sqlite3 "$1" "SELECT count(*) FROM sessions WHERE seal_hash IS NOT NULL" 2>/dev/null || echo 0; }

# a kiosk database of $2 sessions at $1.db (key $1.key), made once
make_kiosk() { # BASE SESSIONS KIOSK_ID
	if [ -f "$1.db" ] && [ -f "$1.key" ] && [ "$(sessions_of "$1.db")" = "$2" ]; then
		return 0
	fi
	rm -f "$1.db" "$1.db-wal" "$1.db-shm" "$1.key"
	printf 'bulk\ton\nsample\t%s\nbulk\toff\n' "$2" |
		STORE_DRIVE_KEY="$1.key" STORE_DRIVE_KIOSK=$3 "$drive" "$1.db" >/dev/null ||
		{ echo "bench-central: making $1.db failed"; exit 1; }
}
pubkey_of() { "$K" keys show --key "$1" | awk '/^public key:/ { print $3 }'; }
register() { # KIOSK_ID KEYFILE
	printf 'kiosk_id = %s\n' "$1" >"$work/$1.conf"
	"$K" central add-kiosk "$1" "$(pubkey_of "$2")" --db "$PGURL_ADMIN" >/dev/null
}
fresh_db() { # an empty central store
	pg_as "$pg_bin/dropdb" -h "$PGSOCK" -U isoadmin --if-exists isokiosk &&
	pg_as "$pg_bin/createdb" -h "$PGSOCK" -U isoadmin isokiosk &&
	"$K" central init --db "$PGURL_ADMIN" >/dev/null
}

echo "bench-central: $(nproc) processors, load average $(cut -d' ' -f1-3 /proc/loadavg), $("$pg_bin/postgres" --version)"
pg_start || { echo "bench-central: the cluster did not start"; exit 1; }

# ---- 1. sync ----------------------------------------------------------------
t0=$(now)
make_kiosk "$work/sync-$n" "$n" kiosk-1
echo "kiosk database of $n sessions ready ($(since "$t0") s; made once, kept in $work)"
links=$(head_of "$work/sync-$n.db")
fresh_db && register kiosk-1 "$work/sync-$n.key" || exit 1
load=$(cut -d' ' -f1 /proc/loadavg)
t0=$(now)
/usr/bin/time -f '%U %S' -o "$work/sync.cpu" "$K" sync --to "$PGURL_ADMIN" \
	--db "$work/sync-$n.db" --config "$work/kiosk-1.conf" >"$work/sync.out" 2>&1 ||
	{ echo "bench-central: sync failed:"; cat "$work/sync.out"; exit 1; }
sync_s=$(since "$t0")
sync_cpu=$(awk '{ printf "%.2f", $1 + $2 }' "$work/sync.cpu")
[ "$(pg_psql -c 'SELECT count(*) FROM links')" = "$links" ] ||
	{ echo "bench-central: the central copy does not hold $links links"; exit 1; }
# the baseline: the same rows, as COPY text, into a plain table
pg_psql -c "COPY (SELECT kiosk_id, seq, kind, session_id, prev, seal, canonical,
 pubkey, sig, staff_id, patient_ref, started_at, outcome FROM links ORDER BY seq)
 TO STDOUT" >"$work/links.copy"
pg_psql -c "CREATE TABLE plain (LIKE links INCLUDING DEFAULTS INCLUDING CONSTRAINTS
 INCLUDING INDEXES); CHECKPOINT"
t0=$(now)
pg_psql -c "COPY plain(kiosk_id, seq, kind, session_id, prev, seal, canonical,
 pubkey, sig, staff_id, patient_ref, started_at, outcome) FROM STDIN" <"$work/links.copy"
copy_s=$(since "$t0")
rm -f "$work/links.copy"
echo "sync, $n sessions ($links links) into an empty central store (load $load):" \
	"$sync_s s wall ($sync_cpu s CPU in isokiosk), $(per_s "$n" "$sync_s") sessions/s" \
	"($(per_s "$links" "$sync_s") links/s); goal 2,000 sessions/s:" \
	"$(ratio "$(per_s "$n" "$sync_s")" 2000)x the goal"
echo "  beside psql COPY of the same rows into a plain table (no triggers," \
	"no signature checks): $copy_s s, $(per_s "$n" "$copy_s") sessions/s;" \
	"sync takes $(ratio "$sync_s" "$copy_s")x the COPY's time"

# ---- 2. verify across kiosks ------------------------------------------------
[ "$vn" -gt 0 ] || exit 0
per=$((vn / kiosks))
t0=$(now)
for i in $(seq "$kiosks"); do
	make_kiosk "$work/verify-$per-$i" "$per" "kiosk-$i"
done
echo "$kiosks kiosk databases of $per sessions ready ($(since "$t0") s; made once)"
fresh_db || exit 1
total=0
for i in $(seq "$kiosks"); do
	register "kiosk-$i" "$work/verify-$per-$i.key" || exit 1
	pk[$i]=$(pubkey_of "$work/verify-$per-$i.key")
	total=$((total + $(head_of "$work/verify-$per-$i.db")))
done
t0=$(now)
for i in $(seq "$kiosks"); do
	"$K" sync --to "$PGURL_ADMIN" --db "$work/verify-$per-$i.db" \
		--config "$work/kiosk-$i.conf" >"$work/sync-$i.out" 2>&1 ||
		{ echo "bench-central: sync of kiosk-$i failed:"; cat "$work/sync-$i.out"; exit 1; }
done
s20=$(since "$t0")
echo "sync of $kiosks kiosks, $((per * kiosks)) sessions ($total links), one after" \
	"another: $s20 s, $(per_s $((per * kiosks)) "$s20") sessions/s"
pg_psql -c "VACUUM ANALYZE links"
load=$(cut -d' ' -f1 /proc/loadavg)
: >"$work/central.t"
for _ in $(seq "$runs"); do
	t0=$(now)
	"$K" records verify --db "$PGURL_ADMIN" >"$work/verify.out" 2>&1 ||
		{ echo "bench-central: central verify failed:"; tail -3 "$work/verify.out"; exit 1; }
	since "$t0" >>"$work/central.t"; echo >>"$work/central.t"
done
grep -q "^central: $kiosks kiosks, $total links, 0 problems$" "$work/verify.out" ||
	{ echo "bench-central: central verify did not check $total links"; tail -3 "$work/verify.out"; exit 1; }
: >"$work/local.t"
for _ in $(seq "$runs"); do
	t0=$(now)
	for i in $(seq "$kiosks"); do
		"$K" records verify --db "$work/verify-$per-$i.db" \
			--key "${pk[$i]}" >"$work/lverify.out" 2>&1 ||
			{ echo "bench-central: local verify of kiosk-$i failed:"; tail -3 "$work/lverify.out"; exit 1; }
	done
	since "$t0" >>"$work/local.t"; echo >>"$work/local.t"
done
c=$(grep . "$work/central.t" | median)
l=$(grep . "$work/local.t" | median)
echo "records verify, $((per * kiosks)) sessions from $kiosks kiosks (load $load):" \
	"central $c s (median of $runs), local $l s (the $kiosks databases one" \
	"after another, with their keys); central/local $(ratio "$c" "$l")x, goal under 2x"
