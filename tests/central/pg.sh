# A private PostgreSQL cluster for a test: initdb in a temporary folder,
# listening only on a Unix socket in that folder (no TCP), trust
# authentication, superuser "isoadmin". Run as root, the server runs as the
# unprivileged postgres user (PostgreSQL refuses root). Always stopped:
# pg_stop runs from the caller's EXIT trap.
#
#   . pg.sh; pg_start         -> $PGDIR (its own temporary folder, owned by
#                                the server's user), $PGSOCK, $PGURL_ADMIN
#                                (database isokiosk)
#   pg_url USER               a connection string for a role
#   pg_psql SQL...            run SQL as the superuser
#   pg_kill                   SIGKILL the server (a crash); pg_restart

pg_bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)

pg_as() {
	if [ "$(id -u)" -eq 0 ]; then
		runuser -u postgres -- "$@"
	else
		"$@"
	fi
}

pg_start() {
	PGDIR=$(mktemp -d "${TMPDIR:-/tmp}/isokiosk-pg.XXXXXX") &&
	mkdir -p "$PGDIR/sock" &&
	if [ "$(id -u)" -eq 0 ]; then chown -R postgres: "$PGDIR"; fi &&
	pg_as "$pg_bin/initdb" -D "$PGDIR/data" -U isoadmin --auth=trust \
		-E UTF8 --locale=C.UTF-8 >"$PGDIR/initdb.log" 2>&1 &&
	pg_restart &&
	PGSOCK=$PGDIR/sock &&
	pg_as "$pg_bin/createdb" -h "$PGSOCK" -U isoadmin isokiosk &&
	PGURL_ADMIN=$(pg_url isoadmin)
}

pg_restart() {
	pg_as "$pg_bin/pg_ctl" -D "$PGDIR/data" -l "$PGDIR/server.log" -w \
		-o "-k $PGDIR/sock -c listen_addresses= -c fsync=on" start >/dev/null
}

pg_url() { printf 'postgresql:///isokiosk?host=%s&user=%s' "$PGDIR/sock" "$1"; }

pg_psql() {
	pg_as "$pg_bin/psql" -X -q -v ON_ERROR_STOP=1 -h "$PGDIR/sock" -U "${PGUSER_AS:-isoadmin}" \
		-d isokiosk -At "$@"
}

pg_kill() {
	local pid
	pid=$(head -1 "$PGDIR/data/postmaster.pid" 2>/dev/null) &&
	kill -9 "$pid" &&
	while kill -0 "$pid" 2>/dev/null; do sleep 0.05; done
	# the children notice the postmaster is gone and exit
	sleep 0.5
	rm -f "$PGDIR/data/postmaster.pid"
}

pg_stop() {
	[ -n "${PGDIR:-}" ] && [ -d "$PGDIR/data" ] &&
		pg_as "$pg_bin/pg_ctl" -D "$PGDIR/data" -m immediate -w stop >/dev/null 2>&1
	return 0
}

# At the end (the EXIT trap): stopped, and its folder removed.
pg_cleanup() { pg_stop; [ -n "${PGDIR:-}" ] && rm -rf "$PGDIR"; return 0; }
