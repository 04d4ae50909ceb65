#!/usr/bin/env bash
# libpq is loaded by the central store only, when first used (src/central.c):
# the program is not linked with it, the commands that do not use the
# central store run with a broken libpq.so.5 first on the library path, and
# every command that needs it fails closed when it cannot be loaded: exit
# 1, the message naming the package and the loader's reason, nothing on
# standard output, the local database untouched, and sync's failure written
# beside the database as a connection failure is (the staff menu shows it:
# tests/e2e/sync-status.sh). Two broken libraries: an empty file (dlopen:
# "file too short") and one lacking most of libpq's functions (FAKE_LIBPQ,
# whose functions abort if called). No PostgreSQL needed: nothing connects.
# Prints TAP.
#
# usage: no-libpq.sh STORE_DRIVE FAKE_LIBPQ   (ISOKIOSK: the binary)
set -u
drive=$1 fake=$2
: "${ISOKIOSK:?}"
K=$ISOKIOSK
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
. "$(dirname "$0")/../records/tap.sh"
out=$tmp/out
has() { grep -qE -- "$1" "$out"; }

# linked: neither the program nor anything it loads at start names libpq
{ echo "NEEDED:"; readelf -d "$K" | grep NEEDED; echo "ldd:"; ldd "$K"; } >"$out" 2>&1
t "the program is not linked with libpq (readelf -d: not NEEDED)" \
	eval '! readelf -d "$K" | grep NEEDED | grep -q "libpq\."'
t "nor does any library it loads at start bring libpq in (ldd)" \
	eval 'ldd "$K" >/dev/null && ! ldd "$K" | grep -q "libpq\."'

# a kiosk's records: 3 sessions, signed; a state from an earlier sync
db=$tmp/r.db
printf 'kiosk_id = kiosk-x\n' >"$tmp/x.conf"
printf 'sample\t3\n' | STORE_DRIVE_KEY="$tmp/x.key" STORE_DRIVE_KIOSK=kiosk-x "$drive" "$db" >/dev/null
printf 'isokiosk-sync 1\nattempt 1700000000\nsynced 1700000000\ncentral 2\n' >"$db.sync"
# the database, its WAL and the key (not -shm: an index any reader rebuilds)
sums() { sha256sum "$db" "$db-wal" "$tmp/x.key" 2>&1; }
url="postgresql:///isokiosk?host=$tmp/nowhere&user=kiosk_x"

mkdir "$tmp/empty" "$tmp/lacking"
: >"$tmp/empty/libpq.so.5"
cp "$fake" "$tmp/lacking/libpq.so.5"

# the commands that never use the central store do not load libpq at all
LD_LIBRARY_PATH=$tmp/empty "$K" --version >"$out" 2>&1; st=$?
t "a broken libpq.so.5 on the path: isokiosk --version still runs" eval '[ $st -eq 0 ] && has "^isokiosk "'
LD_LIBRARY_PATH=$tmp/empty "$K" records list --db "$db" >"$out" 2>&1; st=$?
t "and records list of the local database" eval '[ $st -eq 0 ] && [ "$(grep -c . "$out")" -ge 3 ]'
before=$(sums)

# central: run K ARGS... with libpq from $lib; $out: stderr, $tmp/stdout
central() { LD_LIBRARY_PATH=$lib "$K" "$@" >"$tmp/stdout" 2>"$out"; }
for broken in empty lacking; do
	lib=$tmp/$broken
	case $broken in
	empty) why="$lib/libpq.so.5: file too short" ;;
	# the first function of src/central.c's table that it lacks
	lacking) why="$lib/libpq.so.5: undefined symbol: PQerrorMessage" ;;
	esac
	msg="the central store needs libpq \(Debian package libpq5\): $why"
	# fails closed: 1, the message (and nothing else) on stderr, nothing out
	closed() { # WHO
		[ $st -eq 1 ] && [ ! -s "$tmp/stdout" ] && has "^isokiosk $1: $msg" &&
			[ "$(wc -l <"$out")" -eq 1 ]
	}
	central sync --to "$url" --db "$db" --config "$tmp/x.conf"; st=$?
	t "$broken libpq: sync fails closed, naming the package and the reason" \
		eval 'closed sync && has "\(0 links pushed before the failure\)$"'
	t "$broken libpq: sync writes its failure beside the database, keeping the central copy as last known" \
		eval 'grep -qE "^error $msg$" "$db.sync" && grep -qx "central 2" "$db.sync" && grep -qx "synced 1700000000" "$db.sync" && ! grep -qx "attempt 1700000000" "$db.sync"'
	for verb in list verify "export --format csv" "show 1 --kiosk kiosk-x"; do
		# shellcheck disable=SC2086 # the verb's own words
		central records $verb --db "$url"; st=$?
		t "$broken libpq: records $verb --db postgresql://: fails closed" eval 'closed records'
	done
	central central init --db "$url"; st=$?
	t "$broken libpq: central init fails closed" eval 'closed central'
	central central add-kiosk kiosk-x "$(printf '%064d' 0)" --db "$url"; st=$?
	t "$broken libpq: central add-kiosk fails closed" eval 'closed central'
	t "$broken libpq: the local database and key unchanged" [ "$(sums)" = "$before" ]
done

# sync --follow, as the service runs it: each attempt fails and says so,
# it goes on (libpq may be installed meanwhile), SIGTERM ends it
printf 'isokiosk-sync 1\nattempt 1700000000\nsynced 1700000000\ncentral 2\n' >"$db.sync"
LD_LIBRARY_PATH=$tmp/empty "$K" sync --follow --interval 1 --to "$url" --db "$db" \
	--config "$tmp/x.conf" >"$tmp/stdout" 2>"$out" &
fpid=$!
for _ in $(seq 100); do [ "$(grep -c 'needs libpq' "$out")" -ge 2 ] && break; sleep 0.1; done
kill -TERM $fpid; wait $fpid; st=$?
t "sync --follow: each attempt fails closed and says so, it goes on, SIGTERM ends it" \
	eval '[ "$(grep -c "^isokiosk sync: the central store needs libpq" "$out")" -ge 2 ] && [ $st -eq 0 ] && grep -q "^error the central store needs libpq" "$db.sync"'
t "sync --follow: the local database unchanged" [ "$(sums)" = "$before" ]

tap_done
