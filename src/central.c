/*
 * central: the clinic-wide records in PostgreSQL (see central.h). Owns
 * libpq, the central schema and its migrations, sync, and verification
 * across kiosks. Reads the local store only through store.h.
 *
 * libpq is loaded here, with dlopen, the first time the central store is
 * used, not linked into the program: only `isokiosk sync`, `central` and
 * `records ... --db postgresql://` need it, and linking it made every
 * process load it and its 20 libraries (OpenSSL, Kerberos, LDAP, GnuTLS,
 * ...). An empty main linked with isokiosk's libraries took 25 ms to start
 * and 12.9 MB of peak memory with libpq, 12.6 ms and 7.8 MB without, paid
 * by the kiosk, render, lint and records receipt on every start (the
 * README's "Dependencies" has isokiosk's own numbers). When libpq cannot
 * be loaded, every function of central.h fails with a message naming the
 * package, before anything is read or written centrally. libpq-fe.h is
 * still included, for its types and each function's type.
 */
#include <dlfcn.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libpq-fe.h>
#include <sodium.h>

#include "central.h"
#include "identity.h"
#include "outgate.h"
#include "store.h"
#include "strbuf.h"
#include "xmalloc.h"

/* ---- libpq, loaded when first needed ------------------------------------- */

/* libpq's soname (Debian's libpq5; unchanged since PostgreSQL 8.x). */
#define CENTRAL_PQ_SONAME "libpq.so.5"

/* Every libpq function this module calls: one pointer each, of the type
 * libpq-fe.h declares for it (a prototype written here could drift). */
#define CENTRAL_PQ_FUNCS(X) \
	X(PQconnectdb) X(PQstatus) X(PQerrorMessage) X(PQfinish) \
	X(PQexec) X(PQexecParams) X(PQresultStatus) X(PQresultErrorField) \
	X(PQntuples) X(PQgetvalue) X(PQgetlength) X(PQgetisnull) \
	X(PQcmdTuples) X(PQclear) X(PQputCopyData) X(PQputCopyEnd) \
	X(PQgetResult)

struct central_pq {
#define CENTRAL_PQ_FIELD(f) __typeof__(f) *f;
	CENTRAL_PQ_FUNCS(CENTRAL_PQ_FIELD)
#undef CENTRAL_PQ_FIELD
};

/* Filled whole or not at all, under the lock; never unloaded (libpq and
 * OpenSSL keep process-wide state and exit handlers). */
static struct central_pq central_pq;
static bool central_pq_loaded;
static pthread_mutex_t central_pq_lock = PTHREAD_MUTEX_INITIALIZER;

/*
 * Load libpq unless loaded: 0, or -1 with *err (dlerror's words: the file
 * missing, damaged, or a function missing). A failure is not remembered:
 * `sync --follow` tries again next time (libpq5 installed meanwhile).
 */
static int
central_pq_load(char **err)
{
	struct central_pq t;
	void *h = NULL, *sym;
	const char *why;
	int rc = 0;

	pthread_mutex_lock(&central_pq_lock);
	if (central_pq_loaded)
		goto out;
	/* RTLD_NOW: a library that lacks something fails here, not mid-sync */
	if ((h = dlopen(CENTRAL_PQ_SONAME, RTLD_NOW | RTLD_LOCAL)) == NULL)
		goto fail;
	/* dlsym gives an object pointer; POSIX guarantees it can hold a
	 * function's, and memcpy converts it without ISO C's complaint */
#define CENTRAL_PQ_SYM(f) \
	if ((sym = dlsym(h, #f)) == NULL) \
		goto fail; \
	_Static_assert(sizeof t.f == sizeof sym, "a function pointer"); \
	memcpy(&t.f, &sym, sizeof t.f);
	CENTRAL_PQ_FUNCS(CENTRAL_PQ_SYM)
#undef CENTRAL_PQ_SYM
	central_pq = t;
	central_pq_loaded = true;
	goto out;
fail:
	why = dlerror();
	rc = xfailf(err, "the central store needs libpq (Debian package"
			 " libpq5): %s", why != NULL ? why : "a function is"
			 " missing from " CENTRAL_PQ_SONAME);
	if (h != NULL)
		dlclose(h);
out:
	pthread_mutex_unlock(&central_pq_lock);
	return rc;
}

/*
 * From here on, each PQ name is the loaded function: the calls below read
 * as libpq's documentation writes them (rather than central_pq.PQexec at
 * each of some 130 call sites), and a libpq function called without being
 * added to CENTRAL_PQ_FUNCS fails to link (libpq is not linked) instead of
 * quietly bypassing the loader.
 */
#define PQconnectdb (central_pq.PQconnectdb)
#define PQstatus (central_pq.PQstatus)
#define PQerrorMessage (central_pq.PQerrorMessage)
#define PQfinish (central_pq.PQfinish)
#define PQexec (central_pq.PQexec)
#define PQexecParams (central_pq.PQexecParams)
#define PQresultStatus (central_pq.PQresultStatus)
#define PQresultErrorField (central_pq.PQresultErrorField)
#define PQntuples (central_pq.PQntuples)
#define PQgetvalue (central_pq.PQgetvalue)
#define PQgetlength (central_pq.PQgetlength)
#define PQgetisnull (central_pq.PQgetisnull)
#define PQcmdTuples (central_pq.PQcmdTuples)
#define PQclear (central_pq.PQclear)
#define PQputCopyData (central_pq.PQputCopyData)
#define PQputCopyEnd (central_pq.PQputCopyEnd)
#define PQgetResult (central_pq.PQgetResult)

/* Links pushed per transaction. */
#define CENTRAL_BATCH 500

bool
central_is_url(const char *s)
{
	return s != NULL && (strncmp(s, "postgresql://", 13) == 0 ||
			     strncmp(s, "postgres://", 11) == 0);
}

/* libpq's message without its trailing newline (and its "ERROR:  "). */
static char *
central_pq_msg(PGconn *c, PGresult *r)
{
	const char *m = r != NULL ? PQresultErrorField(r, PG_DIAG_MESSAGE_PRIMARY)
				  : NULL;
	char *s;
	size_t n;

	if (m == NULL)
		m = PQerrorMessage(c);
	s = xstrdup(m);
	n = strlen(s);
	while (n > 0 && (s[n - 1] == '\n' || s[n - 1] == ' '))
		s[--n] = '\0';
	return s;
}

static int
central_pq_fail(char **err, PGconn *c, PGresult *r, const char *what)
{
	char *m = central_pq_msg(c, r);

	xfailf(err, "%s: %s", what, m);
	free(m);
	return -1;
}

static PGconn *
central_connect(const char *url, char **err)
{
	PGconn *c;

	/* every use of the central store starts here */
	if (central_pq_load(err) != 0)
		return NULL;
	c = PQconnectdb(url);
	if (PQstatus(c) != CONNECTION_OK) {
		central_pq_fail(err, c, NULL, "cannot connect to the central"
				" store");
		PQfinish(c);
		return NULL;
	}
	/* Quiet NOTICEs (IF NOT EXISTS ...) */
	PQclear(PQexec(c, "SET client_min_messages = warning"));
	return c;
}

/* Run sql (no parameters); 0, or -1 with *err. */
static int
central_exec(PGconn *c, const char *sql, char **err, const char *what)
{
	PGresult *r = PQexec(c, sql);
	ExecStatusType s = PQresultStatus(r);

	if (s != PGRES_COMMAND_OK && s != PGRES_TUPLES_OK) {
		central_pq_fail(err, c, r, what);
		PQclear(r);
		return -1;
	}
	PQclear(r);
	return 0;
}

static PGresult *
central_query(PGconn *c, const char *sql, int n, const char *const *params,
	      char **err, const char *what)
{
	PGresult *r = PQexecParams(c, sql, n, NULL, params, NULL, NULL, 0);
	ExecStatusType s = PQresultStatus(r);

	if (s != PGRES_COMMAND_OK && s != PGRES_TUPLES_OK) {
		central_pq_fail(err, c, r, what);
		PQclear(r);
		return NULL;
	}
	return r;
}

/* ---- schema ---------------------------------------------------------- */

/*
 * Version 1. Every link of every kiosk's chain, with its canonical form
 * (the exact bytes its seal covers), its signature and, for listing, a
 * few fields of its session; the checkpoints kiosks pushed. The triggers
 * refuse what does not belong (see central.h); they run for every role,
 * the owner's included (an owner can drop them: what finds that is
 * central_verify with the kiosk's checkpoints and local chain).
 */
static const char *const central_schema_1[] = {
	"CREATE TABLE isokiosk_meta(key text PRIMARY KEY, value text NOT NULL);"
	"CREATE TABLE kiosks("
	" id text PRIMARY KEY,"
	" pubkey text NOT NULL UNIQUE CHECK (pubkey ~ '^[0-9a-f]{64}$'),"
	" added_at timestamptz NOT NULL DEFAULT now());"
	"CREATE TABLE links("
	" kiosk_id text NOT NULL REFERENCES kiosks(id),"
	" seq bigint NOT NULL CHECK (seq > 0),"
	/* store_link_kind_name's: the kinds of link a kiosk's chain has */
	" kind text NOT NULL CHECK (kind IN ('session', 'verification',"
	" 'pregnancy-test', 'flag-ack', 'prescription')),"
	/* a pregnancy test belongs to a patient, not to a session */
	" session_id bigint CHECK ((session_id IS NULL) ="
	" (kind = 'pregnancy-test')),"
	" prev text NOT NULL,"
	" seal text NOT NULL CHECK (seal ~ '^[0-9a-f]{64}$'),"
	" canonical bytea NOT NULL,"
	" pubkey text NOT NULL,"
	" sig text NOT NULL CHECK (sig ~ '^[0-9a-f]{128}$'),"
	" staff_id text, patient_ref text, started_at text, outcome text,"
	" received_at timestamptz NOT NULL DEFAULT now(),"
	" PRIMARY KEY (kiosk_id, seq));"
	/* session first: an index led by kiosk_id, as the primary key is,
	 * was the planner's pick for the trigger's previous-link lookup
	 * while the table had no statistics (a scan of the kiosk's every
	 * link for each link pushed: 5,100 links took 26 s, now 2.2 s) */
	"CREATE INDEX links_session ON links(session_id, kiosk_id);"
	"CREATE TABLE checkpoints("
	" kiosk_id text NOT NULL REFERENCES kiosks(id),"
	" seq bigint NOT NULL CHECK (seq >= 0),"
	" line text NOT NULL,"
	" received_at timestamptz NOT NULL DEFAULT now(),"
	" PRIMARY KEY (kiosk_id, line));",
	"CREATE FUNCTION isokiosk_refuse() RETURNS trigger LANGUAGE plpgsql AS $$"
	" BEGIN RAISE EXCEPTION 'isokiosk central records never change (% on %)',"
	" TG_OP, TG_TABLE_NAME; END $$;",
	"CREATE FUNCTION isokiosk_link_check() RETURNS trigger"
	" LANGUAGE plpgsql AS $$"
	" DECLARE k text; p text; want text;"
	" BEGIN"
	"  SELECT pubkey INTO k FROM kiosks WHERE id = NEW.kiosk_id;"
	"  IF k IS NULL THEN RAISE EXCEPTION"
	"   'kiosk % is not registered (isokiosk central add-kiosk)',"
	"   NEW.kiosk_id; END IF;"
	"  IF k <> NEW.pubkey THEN RAISE EXCEPTION"
	"   'link % of kiosk %: signed with a key that is not the one"
	" registered for it', NEW.seq, NEW.kiosk_id; END IF;"
	"  IF NEW.seq = 1 THEN"
	"   IF NEW.prev <> '' THEN RAISE EXCEPTION"
	"    'link 1 of kiosk %: the first link has no previous seal',"
	"    NEW.kiosk_id; END IF;"
	"  ELSE"
	"   SELECT seal INTO p FROM links"
	"    WHERE kiosk_id = NEW.kiosk_id AND seq = NEW.seq - 1;"
	"   IF p IS NULL OR p <> NEW.prev THEN RAISE EXCEPTION"
	"    'link % of kiosk %: does not follow link % of the central copy',"
	"    NEW.seq, NEW.kiosk_id, NEW.seq - 1; END IF;"
	"  END IF;"
	"  want := encode(sha256(decode(CASE WHEN NEW.seq = 1"
	"   THEN repeat('00', 32) ELSE NEW.prev END, 'hex')"
	"   || sha256(NEW.canonical) || int8send(NEW.seq)), 'hex');"
	"  IF want <> NEW.seal THEN RAISE EXCEPTION"
	"   'link % of kiosk %: its seal does not match its canonical form',"
	"   NEW.seq, NEW.kiosk_id; END IF;"
	"  RETURN NEW;"
	" END $$;",
	"CREATE FUNCTION isokiosk_checkpoint_check() RETURNS trigger"
	" LANGUAGE plpgsql AS $$"
	" DECLARE k text;"
	" BEGIN"
	"  SELECT pubkey INTO k FROM kiosks WHERE id = NEW.kiosk_id;"
	"  IF k IS NULL THEN RAISE EXCEPTION"
	"   'kiosk % is not registered', NEW.kiosk_id; END IF;"
	"  IF split_part(NEW.line, ' ', 7) <> k"
	"   OR split_part(NEW.line, ' ', 4) <> NEW.seq::text THEN"
	"   RAISE EXCEPTION 'a checkpoint of kiosk % not made with its"
	" registered key', NEW.kiosk_id; END IF;"
	"  RETURN NEW;"
	" END $$;",
	"CREATE TRIGGER links_check BEFORE INSERT ON links"
	" FOR EACH ROW EXECUTE FUNCTION isokiosk_link_check();"
	"CREATE TRIGGER checkpoints_check BEFORE INSERT ON checkpoints"
	" FOR EACH ROW EXECUTE FUNCTION isokiosk_checkpoint_check();"
	"CREATE TRIGGER links_never_change BEFORE UPDATE OR DELETE ON links"
	" FOR EACH ROW EXECUTE FUNCTION isokiosk_refuse();"
	"CREATE TRIGGER links_no_truncate BEFORE TRUNCATE ON links"
	" FOR EACH STATEMENT EXECUTE FUNCTION isokiosk_refuse();"
	"CREATE TRIGGER checkpoints_never_change BEFORE UPDATE OR DELETE"
	" ON checkpoints FOR EACH ROW EXECUTE FUNCTION isokiosk_refuse();"
	"CREATE TRIGGER checkpoints_no_truncate BEFORE TRUNCATE ON checkpoints"
	" FOR EACH STATEMENT EXECUTE FUNCTION isokiosk_refuse();"
	"CREATE TRIGGER kiosks_never_change BEFORE UPDATE OR DELETE ON kiosks"
	" FOR EACH ROW EXECUTE FUNCTION isokiosk_refuse();"
	"CREATE TRIGGER kiosks_no_truncate BEFORE TRUNCATE ON kiosks"
	" FOR EACH STATEMENT EXECUTE FUNCTION isokiosk_refuse();",
	/* the roles: cluster-wide, so made only when missing */
	"DO $$ BEGIN"
	" IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname ="
	"  'isokiosk_kiosk') THEN CREATE ROLE isokiosk_kiosk NOLOGIN; END IF;"
	" IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname ="
	"  'isokiosk_staff') THEN CREATE ROLE isokiosk_staff NOLOGIN; END IF;"
	" END $$;"
	"REVOKE ALL ON isokiosk_meta, kiosks, links, checkpoints FROM PUBLIC;"
	"GRANT SELECT ON isokiosk_meta, kiosks TO isokiosk_kiosk;"
	/* a kiosk reads only what sync needs, never others' patients */
	"GRANT SELECT (kiosk_id, seq, seal), INSERT ON links TO isokiosk_kiosk;"
	"GRANT SELECT (kiosk_id, seq, line), INSERT ON checkpoints"
	" TO isokiosk_kiosk;"
	"GRANT SELECT ON isokiosk_meta, kiosks, links, checkpoints"
	" TO isokiosk_staff;"
	"INSERT INTO isokiosk_meta VALUES ('schema', '1');",
	NULL,
};

int
central_init(const char *url, int *version, char **err)
{
	PGconn *c = central_connect(url, err);
	PGresult *r;
	int v = 0;

	*version = 0;
	if (c == NULL)
		return -1;
	/* one init at a time: two racing make one schema */
	if (central_exec(c, "BEGIN; SELECT pg_advisory_xact_lock(4913547)",
			 err, "starting") != 0)
		goto fail;
	r = central_query(c, "SELECT to_regclass('isokiosk_meta') IS NOT NULL,"
			  " (SELECT count(*) FROM pg_tables WHERE schemaname ="
			  " current_schema() AND tablename IN ('kiosks',"
			  " 'links', 'checkpoints'))", 0, NULL, err,
			  "reading the schema");
	if (r == NULL)
		goto fail;
	if (strcmp(PQgetvalue(r, 0, 0), "t") != 0 &&
	    atoi(PQgetvalue(r, 0, 1)) != 0) {
		PQclear(r);
		xfailf(err, "the database has tables named as isokiosk's"
			     " but is not an isokiosk central store: refused");
		goto fail;
	}
	if (strcmp(PQgetvalue(r, 0, 0), "t") == 0) {
		PQclear(r);
		r = central_query(c, "SELECT value FROM isokiosk_meta WHERE"
				  " key = 'schema'", 0, NULL, err,
				  "reading the schema version");
		if (r == NULL)
			goto fail;
		v = PQntuples(r) == 1 ? atoi(PQgetvalue(r, 0, 0)) : 0;
	}
	PQclear(r);
	*version = v;
	if (v > CENTRAL_SCHEMA_VERSION) {
		xfailf(err, "the central store has schema %d, newer than"
			     " this isokiosk's %d: use the newer isokiosk", v,
			     CENTRAL_SCHEMA_VERSION);
		goto fail;
	}
	/* migrations: one step per version, in order */
	for (int i = 0; v < 1 && central_schema_1[i] != NULL; i++)
		if (central_exec(c, central_schema_1[i], err,
				 "creating the central schema") != 0)
			goto fail;
	if (central_exec(c, "COMMIT", err, "committing the schema") != 0)
		goto fail;
	PQfinish(c);
	return 0;
fail:
	PQfinish(c);
	return -1;
}

/* The schema must be this build's; 0 or -1 with *err. */
static int
central_check_schema(PGconn *c, char **err)
{
	PGresult *r = central_query(c, "SELECT value FROM isokiosk_meta WHERE"
				    " key = 'schema'", 0, NULL, err,
				    "not an isokiosk central store (isokiosk"
				    " central init)");
	int v;

	if (r == NULL)
		return -1;
	v = PQntuples(r) == 1 ? atoi(PQgetvalue(r, 0, 0)) : 0;
	PQclear(r);
	if (v != CENTRAL_SCHEMA_VERSION)
		return xfailf(err, "the central store has schema %d,"
				    " this isokiosk knows %d", v,
				    CENTRAL_SCHEMA_VERSION);
	return 0;
}

int
central_add_kiosk(const char *url, const char *id, const char *pubkey,
		  char **err)
{
	unsigned char pk[32];
	const char *p[2] = { id, pubkey };
	PGconn *c;
	PGresult *r;

	if (identity_hex_decode(pubkey, pk, 32) != 0)
		return xfailf(err, "'%s' is not a public key (64"
				    " lowercase hex digits, as 'isokiosk keys"
				    " show' prints it)", pubkey);
	if ((c = central_connect(url, err)) == NULL)
		return -1;
	if (central_check_schema(c, err) != 0)
		goto fail;
	r = central_query(c, "SELECT id, pubkey FROM kiosks WHERE id = $1 OR"
			  " pubkey = $2", 2, p, err, "reading the kiosks");
	if (r == NULL)
		goto fail;
	for (int i = 0; i < PQntuples(r); i++) {
		bool same_id = strcmp(PQgetvalue(r, i, 0), id) == 0;
		bool same_key = strcmp(PQgetvalue(r, i, 1), pubkey) == 0;

		if (same_id && same_key)
			continue;
		xfailf(err, same_id ? "kiosk %s is registered with"
			     " another key: refused (a kiosk's key never"
			     " changes centrally)" : "that key is registered"
			     " for kiosk %s already: refused",
			     same_id ? id : PQgetvalue(r, i, 0));
		PQclear(r);
		goto fail;
	}
	PQclear(r);
	r = central_query(c, "INSERT INTO kiosks(id, pubkey) VALUES($1, $2)"
			  " ON CONFLICT DO NOTHING", 2, p, err,
			  "registering the kiosk");
	if (r == NULL)
		goto fail;
	PQclear(r);
	PQfinish(c);
	return 0;
fail:
	PQfinish(c);
	return -1;
}

/* ---- sync -------------------------------------------------------------- */

/*
 * Links go out with COPY (binary), straight into the links table, whose
 * triggers check each row as it arrives: CENTRAL_BATCH links a
 * transaction. The server inserts each row while the kiosk reads and
 * checks the next (COPY streams), with none of a statement's cost per
 * row; a link the triggers refuse ends the COPY and rolls back its batch.
 * Two syncs of one kiosk never run at once (an advisory lock: the second
 * says so and pushes nothing), so a link is never pushed twice.
 */
struct central_push {
	PGconn *c;
	struct store *st;
	const char *kiosk;
	unsigned char pk[32];
	int64_t seq[CENTRAL_BATCH]; /* the links of the open batch, in order */
	size_t n;
	struct strbuf row;          /* rows not yet handed to libpq */
	struct central_sync_stats *stats;
	char **err;
	int failed;
};

static const char central_copy_links[] =
	"COPY links(kiosk_id, seq, kind, session_id, prev, seal, canonical,"
	" pubkey, sig, staff_id, patient_ref, started_at, outcome)"
	" FROM STDIN (FORMAT binary)";

/* COPY's binary format: a signature, flags, header extension length */
static const char central_copy_header[19] = "PGCOPY\n\377\r\n\0"
	"\0\0\0\0" "\0\0\0\0";

static void
central_put32(struct strbuf *b, uint32_t v)
{
	char q[4] = { (char)(v >> 24), (char)(v >> 16), (char)(v >> 8),
		      (char)v };

	strbuf_add(b, q, 4);
}

/* A field: its length and bytes; v NULL is SQL NULL. */
static void
central_put_field(struct strbuf *b, const char *v, size_t len)
{
	if (v == NULL) {
		central_put32(b, 0xffffffffu);
		return;
	}
	central_put32(b, (uint32_t)len);
	strbuf_add(b, v, len);
}

static void
central_put_text(struct strbuf *b, const char *v)
{
	central_put_field(b, v, v != NULL ? strlen(v) : 0);
}

static void
central_put_int8(struct strbuf *b, int64_t v)
{
	central_put32(b, 8);
	central_put32(b, (uint32_t)((uint64_t)v >> 32));
	central_put32(b, (uint32_t)v);
}

/* Hand the rows built so far to libpq (it sends as its buffer fills). */
static int
central_put_rows(struct central_push *p)
{
	if (p->row.len > 0 &&
	    PQputCopyData(p->c, p->row.s, (int)p->row.len) != 1)
		return central_pq_fail(p->err, p->c, NULL, "pushing links");
	strbuf_reset(&p->row);
	return 0;
}

/* The link a COPY error names ("COPY links, line N": its Nth row). */
static int64_t
central_copy_row_seq(const struct central_push *p, PGresult *r)
{
	const char *ctx = PQresultErrorField(r, PG_DIAG_CONTEXT);
	const char *l = ctx != NULL ? strstr(ctx, "COPY links, line ") : NULL;
	long line;

	if (l == NULL)
		return 0;
	line = strtol(l + 17, NULL, 10);
	return line >= 1 && (size_t)line <= p->n ? p->seq[line - 1] : 0;
}

/* End the open batch: the COPY's trailer, its result, the commit. */
static int
central_end_batch(struct central_push *p)
{
	PGresult *r;
	int64_t bad;

	if (p->n == 0)
		return 0;
	strbuf_add(&p->row, "\377\377", 2); /* the trailer: -1 fields */
	if (central_put_rows(p) != 0)
		return -1;
	if (PQputCopyEnd(p->c, NULL) != 1)
		return central_pq_fail(p->err, p->c, NULL, "pushing links");
	r = PQgetResult(p->c);
	if (PQresultStatus(r) != PGRES_COMMAND_OK) {
		char what[96];

		bad = central_copy_row_seq(p, r);
		if (bad > 0)
			snprintf(what, sizeof what, "pushing link #%lld",
				 (long long)bad);
		else
			snprintf(what, sizeof what, "pushing links #%lld to"
				 " #%lld", (long long)p->seq[0],
				 (long long)p->seq[p->n - 1]);
		central_pq_fail(p->err, p->c, r, what);
		PQclear(r);
		return -1;
	}
	PQclear(r);
	while ((r = PQgetResult(p->c)) != NULL)
		PQclear(r);
	if (central_exec(p->c, "COMMIT", p->err, "committing a batch") != 0)
		return -1;
	/* committed: the central copy now ends at this batch's last link */
	p->stats->pushed += p->n;
	p->stats->central_now = p->seq[p->n - 1];
	p->n = 0;
	return 0;
}

static int
central_begin_batch(struct central_push *p)
{
	PGresult *r;

	if (central_exec(p->c, "BEGIN", p->err, "starting a batch") != 0)
		return -1;
	r = PQexec(p->c, central_copy_links);
	if (PQresultStatus(r) != PGRES_COPY_IN) {
		central_pq_fail(p->err, p->c, r, "pushing links");
		PQclear(r);
		return -1;
	}
	PQclear(r);
	strbuf_add(&p->row, central_copy_header, sizeof central_copy_header);
	return 0;
}

static int
central_push_link(const struct store_link_info *l, void *ctx)
{
	struct central_push *p = ctx;
	struct store_session s;
	char *canon, what[80];
	size_t len;

	/* The chain as it stood when this sync read its head (what the sync
	 * reports, and what DB.sync keeps): links sealed since then are the
	 * next sync's. */
	if (l->seq > p->stats->local_head)
		return 1;
	/* Only what the kiosk itself signed leaves it. */
	if (!l->signed_ || strcmp(l->signed_seal, l->seal) != 0 ||
	    !identity_verify_link(p->pk, l->seq, l->seal, l->sig)) {
		store_link_describe(l, what);
		xfailf(p->err, "link #%lld (%s) is not signed by this"
			     " kiosk's registered key: not pushed (run"
			     " isokiosk records verify)", (long long)l->seq,
			     what);
		return p->failed = -1;
	}
	/* every kind's canonical form, as the code that sealed it made it:
	 * the central triggers recompute the seal over it */
	store_session_init(&s);
	canon = store_link_canonical(p->st, l, &s, &len, p->err);
	store_session_done(&s);
	if (canon == NULL)
		return p->failed = -1;
	if (p->n == 0 && central_begin_batch(p) != 0) {
		free(canon);
		return p->failed = -1;
	}
	strbuf_add(&p->row, "\0\15", 2); /* 13 fields */
	central_put_text(&p->row, p->kiosk);
	central_put_int8(&p->row, l->seq);
	central_put_text(&p->row, store_link_kind_name(l->kind));
	if (l->kind == STORE_LINK_TEST)
		central_put_text(&p->row, NULL); /* no session */
	else
		central_put_int8(&p->row, l->session);
	central_put_text(&p->row, l->prev);
	central_put_text(&p->row, l->seal);
	central_put_field(&p->row, canon, len);
	central_put_text(&p->row, l->pubkey);
	central_put_text(&p->row, l->sig);
	central_put_text(&p->row, l->staff);
	central_put_text(&p->row, l->patient);
	central_put_text(&p->row, l->at);
	central_put_text(&p->row, l->outcome);
	free(canon);
	p->seq[p->n++] = l->seq;
	if (p->row.len >= 65536 && central_put_rows(p) != 0)
		return p->failed = -1;
	if (p->n == CENTRAL_BATCH && central_end_batch(p) != 0)
		return p->failed = -1;
	return 0;
}

/* Push every link after `after`: 0, or -1 with *err (an open batch is
 * rolled back when the connection ends). */
static int
central_push_links(struct central_push *p, int64_t after)
{
	int rc;

	strbuf_init(&p->row);
	rc = store_each_link(p->st, after, central_push_link, p, p->err);
	if (rc == 1 && !p->failed) /* stopped at the head */
		rc = 0;
	if (rc == 0 && !p->failed && central_end_batch(p) != 0)
		p->failed = -1;
	strbuf_done(&p->row);
	return rc != 0 || p->failed ? -1 : 0;
}

struct central_cp_push {
	PGconn *c;
	const char *kiosk;
	int64_t head;            /* the local head this sync pushes to */
	size_t pushed;
	char **err;
};

static int
central_push_checkpoint(int64_t id, int64_t seq, const char *line, void *ctx)
{
	struct central_cp_push *p = ctx;
	char seqs[24];
	const char *v[3] = { p->kiosk, seqs, line };
	PGresult *r;

	(void)id;
	if (seq > p->head) /* its links go with the next sync */
		return 0;
	snprintf(seqs, sizeof seqs, "%lld", (long long)seq);
	r = central_query(p->c, "INSERT INTO checkpoints(kiosk_id, seq, line)"
			  " VALUES($1, $2, $3) ON CONFLICT DO NOTHING", 3, v,
			  p->err, "pushing a checkpoint");
	if (r == NULL)
		return -1;
	p->pushed += strcmp(PQcmdTuples(r), "1") == 0;
	PQclear(r);
	return 0;
}

/* The local link at seq: 0 found (*l), 1 none, -1 error. */
struct central_find {
	int64_t seq;
	struct store_link_info l;
	bool found;
};

static int
central_find_link(const struct store_link_info *l, void *ctx)
{
	struct central_find *f = ctx;

	if (l->seq == f->seq) {
		f->l = *l;
		f->found = true;
	}
	return 1; /* the first link after seq - 1 is the one */
}

int
central_sync(struct store *st, const char *kiosk, const char *url,
	     struct central_sync_stats *stats, char **err)
{
	struct central_push p = { .st = st, .kiosk = kiosk, .stats = stats,
				  .err = err };
	struct central_cp_push cp = { .kiosk = kiosk, .err = err };
	const char *v[1] = { kiosk };
	char head[65];
	PGresult *r;
	int64_t central_seq = 0;
	char central_seal[65] = "";

	memset(stats, 0, sizeof *stats);
	stats->central_now = -1;
	if (store_head(st, &stats->local_head, head, err) != 0)
		return -1;
	if ((p.c = central_connect(url, err)) == NULL)
		return -1;
	cp.c = p.c;
	if (central_check_schema(p.c, err) != 0)
		goto fail;
	/* one sync of a kiosk at a time (held until the connection ends) */
	r = central_query(p.c, "SELECT pg_try_advisory_lock(hashtextextended("
			  "'isokiosk sync ' || $1, 0))", 1, v, err,
			  "locking the kiosk's sync");
	if (r == NULL)
		goto fail;
	if (strcmp(PQgetvalue(r, 0, 0), "t") != 0) {
		PQclear(r);
		xfailf(err, "another sync of kiosk %s is running: nothing"
			     " pushed by this one", kiosk);
		goto fail;
	}
	PQclear(r);
	r = central_query(p.c, "SELECT pubkey FROM kiosks WHERE id = $1", 1,
			  v, err, "reading the kiosk's key");
	if (r == NULL)
		goto fail;
	if (PQntuples(r) != 1) {
		PQclear(r);
		xfailf(err, "kiosk %s is not registered centrally:"
			     " refused (register its key: isokiosk central"
			     " add-kiosk %s KEY, KEY from isokiosk keys show)",
			     kiosk, kiosk);
		goto fail;
	}
	identity_hex_decode(PQgetvalue(r, 0, 0), p.pk, 32);
	PQclear(r);
	r = central_query(p.c, "SELECT seq, seal FROM links WHERE kiosk_id ="
			  " $1 ORDER BY seq DESC LIMIT 1", 1, v, err,
			  "reading the central copy");
	if (r == NULL)
		goto fail;
	if (PQntuples(r) == 1) {
		central_seq = strtoll(PQgetvalue(r, 0, 0), NULL, 10);
		snprintf(central_seal, sizeof central_seal, "%s",
			 PQgetvalue(r, 0, 1));
	}
	PQclear(r);
	stats->central_before = stats->central_now = central_seq;
	/* What the central copy holds, the local chain must still hold. */
	if (central_seq > stats->local_head) {
		xfailf(err, "the local chain has %lld links, the central"
			     " copy of kiosk %s has %lld: links #%lld to #%lld"
			     " were cut off or rolled back here",
			     (long long)stats->local_head, kiosk,
			     (long long)central_seq,
			     (long long)stats->local_head + 1,
			     (long long)central_seq);
		goto fail;
	}
	if (central_seq > 0) {
		struct central_find f = { .seq = central_seq };

		if (store_each_link(st, central_seq - 1, central_find_link, &f,
				    err) < 0)
			goto fail;
		if (!f.found || strcmp(f.l.seal, central_seal) != 0) {
			xfailf(err, "link #%lld differs from the central"
				     " copy of kiosk %s: the local chain was"
				     " rewritten since it was pushed",
				     (long long)central_seq, kiosk);
			goto fail;
		}
	}
	if (central_push_links(&p, central_seq) != 0)
		goto fail;
	cp.head = stats->local_head;
	if (store_each_checkpoint(st, 0, central_push_checkpoint, &cp,
				  err) != 0)
		goto fail;
	stats->checkpoints = cp.pushed;
	PQfinish(p.c);
	return 0;
fail:
	PQfinish(p.c);
	return -1;
}

/* ---- reading ------------------------------------------------------------ */

int
central_list(const char *url, const char *kiosk, FILE *fp, char **err)
{
	const char *v[1] = { kiosk };
	PGconn *c = central_connect(url, err);
	PGresult *r;

	if (c == NULL)
		return -1;
	if (central_check_schema(c, err) != 0) {
		PQfinish(c);
		return -1;
	}
	r = central_query(c, kiosk != NULL ?
			  "SELECT kiosk_id, session_id, started_at, outcome,"
			  " staff_id, patient_ref FROM links WHERE kind ="
			  " 'session' AND kiosk_id = $1 ORDER BY kiosk_id, seq" :
			  "SELECT kiosk_id, session_id, started_at, outcome,"
			  " staff_id, patient_ref FROM links WHERE kind ="
			  " 'session' ORDER BY kiosk_id, seq",
			  kiosk != NULL ? 1 : 0, v, err, "reading the sessions");
	if (r == NULL) {
		PQfinish(c);
		return -1;
	}
	for (int i = 0; i < PQntuples(r); i++)
		outgate_printf(fp, "%-12s %-7s %-24s  %-9s  %s  %s\n",
			       PQgetvalue(r, i, 0), PQgetvalue(r, i, 1),
			       PQgetvalue(r, i, 2), PQgetvalue(r, i, 3),
			       PQgetvalue(r, i, 4), PQgetvalue(r, i, 5));
	PQclear(r);
	PQfinish(c);
	return 0;
}

int
central_export_csv(const char *url, const char *kiosk, const char *since,
		   FILE *fp, char **err)
{
	const char *v[2] = { kiosk != NULL ? kiosk : "", since != NULL ? since
							    : "" };
	PGconn *c = central_connect(url, err);
	struct strbuf sb;
	PGresult *r;
	int rc = -1;

	if (c == NULL)
		return -1;
	if (central_check_schema(c, err) != 0 ||
	    central_exec(c, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY",
			 err, "starting") != 0)
		goto out;
	/* a kiosk's links in chain order; "" is every kiosk, every time */
	r = PQexecParams(c, "DECLARE e NO SCROLL CURSOR FOR SELECT kiosk_id,"
			 " seq, kind, session_id, started_at, outcome,"
			 " staff_id, patient_ref, prev, seal, sig,"
			 " to_char(received_at AT TIME ZONE 'UTC',"
			 " 'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"') FROM links"
			 " WHERE ($1 = '' OR kiosk_id = $1) AND ($2 = '' OR"
			 " started_at >= $2) ORDER BY kiosk_id, seq", 2, NULL,
			 v, NULL, NULL, 0);
	if (PQresultStatus(r) != PGRES_COMMAND_OK) {
		central_pq_fail(err, c, r, "reading the links");
		PQclear(r);
		goto out;
	}
	PQclear(r);
	fputs("\xef\xbb\xbf", fp);
	fputs("kiosk_id,link,kind,session_id,started_at,outcome,staff_id,"
	      "patient_ref,seal_prev,seal_hash,signature,received_at\r\n", fp);
	strbuf_init(&sb);
	for (;;) {
		int n;

		r = PQexec(c, "FETCH 5000 FROM e");
		if (PQresultStatus(r) != PGRES_TUPLES_OK) {
			central_pq_fail(err, c, r, "reading the links");
			PQclear(r);
			strbuf_done(&sb);
			goto out;
		}
		n = PQntuples(r);
		for (int i = 0; i < n; i++) {
			strbuf_reset(&sb);
			for (int f = 0; f < 12; f++) {
				if (f > 0)
					strbuf_addch(&sb, ',');
				/* RFC 4180, formula-guarded (outgate.h) */
				outgate_csv(&sb, PQgetisnull(r, i, f) ? NULL :
					    PQgetvalue(r, i, f));
			}
			strbuf_addstr(&sb, "\r\n");
			fwrite(sb.s, 1, sb.len, fp);
		}
		PQclear(r);
		if (n == 0)
			break;
	}
	strbuf_done(&sb);
	PQclear(PQexec(c, "COMMIT"));
	if (fflush(fp) != 0 || ferror(fp)) {
		xfailf(err, "writing the export failed");
		goto out;
	}
	rc = 0;
out:
	PQfinish(c);
	return rc;
}

int
central_show(const char *url, const char *kiosk, int64_t session, FILE *fp,
	     char **err)
{
	char ids[24];
	const char *v[2] = { kiosk, ids };
	PGconn *c = central_connect(url, err);
	PGresult *r;
	int rc = 1;

	if (c == NULL)
		return -1;
	snprintf(ids, sizeof ids, "%lld", (long long)session);
	if (central_check_schema(c, err) != 0) {
		PQfinish(c);
		return -1;
	}
	r = PQexecParams(c, "SELECT seq, kind, seal, sig, canonical,"
			 " received_at FROM links WHERE kiosk_id = $1 AND"
			 " session_id = $2 ORDER BY seq", 2, NULL, v, NULL,
			 NULL, 1);
	if (PQresultStatus(r) != PGRES_TUPLES_OK) {
		central_pq_fail(err, c, r, "reading the session");
		PQclear(r);
		PQfinish(c);
		return -1;
	}
	for (int i = 0; i < PQntuples(r); i++) {
		/* binary results: seq is 8 bytes big-endian */
		const unsigned char *q = (const unsigned char *)PQgetvalue(r, i, 0);
		uint64_t seq = 0;
		char *canon = xstrndup(PQgetvalue(r, i, 4),
				       (size_t)PQgetlength(r, i, 4));

		for (int b = 0; b < 8; b++)
			seq = seq << 8 | q[b];
		outgate_printf(fp, "kiosk %s, link #%llu (%s), seal %s\n",
			       kiosk, (unsigned long long)seq,
			       PQgetvalue(r, i, 1), PQgetvalue(r, i, 2));
		outgate_printf(fp, "signature %s\n", PQgetvalue(r, i, 3));
		/* the canonical form, a field a line, TABs shown as spaces */
		for (char *line = canon, *nl; *line != '\0'; line = nl) {
			nl = strchr(line, '\n');
			nl = nl != NULL ? (*nl = '\0', nl + 1)
					: line + strlen(line);
			for (char *t = line; (t = strchr(t, '\t')) != NULL;)
				*t = ' ';
			outgate_printf(fp, "  %s\n", line);
		}
		free(canon);
		rc = 0;
	}
	PQclear(r);
	PQfinish(c);
	return rc;
}

/* ---- verify -------------------------------------------------------------- */

struct central_kv {
	FILE *fp;
	size_t problems, links, kiosks;
};

static void central_problem(struct central_kv *k, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void
central_problem(struct central_kv *k, const char *fmt, ...)
{
	va_list ap;
	char *m;

	va_start(ap, fmt);
	m = xvasprintf(fmt, ap);
	va_end(ap);
	outgate_printf(k->fp, "%s\n", m);
	free(m);
	k->problems++;
}

static unsigned char
central_hexbyte(const char *p)
{
	int v = 0;

	for (int i = 0; i < 2; i++) {
		char c = p[i];

		v = v << 4 | (c >= 'a' ? c - 'a' + 10 : c - '0');
	}
	return (unsigned char)v;
}

/* Verify one kiosk's chain, as fetched in seq order by a cursor. */
static int
central_verify_kiosk(PGconn *c, const char *kiosk, const char *pubkey,
		     struct central_kv *k, char **err)
{
	const char *v[1] = { kiosk };
	unsigned char pk[32];
	char prev[65] = "", *seals = NULL;
	int64_t expect = 1;
	size_t before = k->problems, nseals = 0;
	PGresult *r;
	bool key_ok = identity_hex_decode(pubkey, pk, 32) == 0;

	k->kiosks++;
	if (central_exec(c, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY",
			 err, "starting") != 0)
		return -1;
	r = PQexecParams(c, "DECLARE l NO SCROLL CURSOR FOR SELECT seq, prev,"
			 " seal, sig, pubkey, canonical, kind, session_id"
			 " FROM links WHERE kiosk_id = $1 ORDER BY seq", 1,
			 NULL, v, NULL, NULL, 0);
	if (PQresultStatus(r) != PGRES_COMMAND_OK) {
		central_pq_fail(err, c, r, "reading the links");
		PQclear(r);
		return -1;
	}
	PQclear(r);
	for (;;) {
		int n;

		r = PQexecParams(c, "FETCH 5000 FROM l", 0, NULL, NULL, NULL,
				 NULL, 1);
		if (PQresultStatus(r) != PGRES_TUPLES_OK) {
			central_pq_fail(err, c, r, "reading the links");
			PQclear(r);
			return -1;
		}
		n = PQntuples(r);
		if (n == 0) {
			PQclear(r);
			break;
		}
		for (int i = 0; i < n; i++) {
			const unsigned char *q =
				(const unsigned char *)PQgetvalue(r, i, 0);
			const char *lp = PQgetvalue(r, i, 1);
			const char *seal = PQgetvalue(r, i, 2);
			const char *sig = PQgetvalue(r, i, 3);
			const char *lk = PQgetvalue(r, i, 4);
			const unsigned char *canon =
				(const unsigned char *)PQgetvalue(r, i, 5);
			size_t clen = (size_t)PQgetlength(r, i, 5);
			unsigned char buf[72], h[32];
			char want[65];
			uint64_t seq = 0;

			for (int b = 0; b < 8; b++)
				seq = seq << 8 | q[b];
			k->links++;
			if ((int64_t)seq != expect)
				central_problem(k, "kiosk %s: link #%lld"
						" missing (the next is #%llu)",
						kiosk, (long long)expect,
						(unsigned long long)seq);
			expect = (int64_t)seq + 1;
			if (strcmp(lp, prev) != 0)
				central_problem(k, "kiosk %s: link #%llu does"
						" not follow the link before",
						kiosk, (unsigned long long)seq);
			memset(buf, 0, 32);
			if (strlen(lp) == 64)
				for (int b = 0; b < 32; b++)
					buf[b] = central_hexbyte(lp + 2 * b);
			crypto_hash_sha256(buf + 32, canon, clen);
			for (int b = 0; b < 8; b++)
				buf[64 + b] = (unsigned char)(seq >> (56 - 8 * b));
			crypto_hash_sha256(h, buf, sizeof buf);
			identity_hex(h, 32, want);
			if (strcmp(want, seal) != 0)
				central_problem(k, "kiosk %s: link #%llu does"
						" not match its seal: changed",
						kiosk, (unsigned long long)seq);
			if (!key_ok || strcmp(lk, pubkey) != 0 ||
			    !identity_verify_link(pk, (int64_t)seq, seal, sig))
				central_problem(k, "kiosk %s: link #%llu: the"
						" signature does not verify"
						" against the registered key",
						kiosk, (unsigned long long)seq);
			snprintf(prev, sizeof prev, "%s", seal);
			if (nseals % 4096 == 0)
				seals = xreallocarray(seals, nseals + 4096, 64);
			memcpy(seals + 64 * nseals++, seal, 64);
		}
		PQclear(r);
	}
	PQclear(PQexec(c, "CLOSE l"));
	/* the checkpoints pushed: signed with the registered key, and the
	 * central chain holds what each saw */
	r = central_query(c, "SELECT line FROM checkpoints WHERE kiosk_id ="
			  " $1 ORDER BY seq", 1, v, err,
			  "reading the checkpoints");
	if (r == NULL) {
		free(seals);
		return -1;
	}
	for (int i = 0; i < PQntuples(r); i++) {
		struct identity_checkpoint cp;
		const char *line = PQgetvalue(r, i, 0);
		char *e = NULL;

		if (identity_checkpoint_parse(line, strlen(line), &cp, &e) != 0) {
			central_problem(k, "kiosk %s: a checkpoint is damaged"
					" (%s)", kiosk, e);
			free(e);
			continue;
		}
		if (!identity_checkpoint_verify(&cp) ||
		    memcmp(cp.pk, pk, 32) != 0)
			central_problem(k, "kiosk %s: the checkpoint of %s is"
					" not signed by the registered key",
					kiosk, cp.at);
		else if ((size_t)cp.seq > nseals)
			central_problem(k, "kiosk %s: the checkpoint of %s saw"
					" %lld links, the central copy has %zu"
					" (not synced yet, or cut off)", kiosk,
					cp.at, (long long)cp.seq, nseals);
		else if (cp.seq > 0 &&
			 memcmp(seals + 64 * (cp.seq - 1), cp.head, 64) != 0)
			central_problem(k, "kiosk %s: link #%lld is not the"
					" one the checkpoint of %s saw:"
					" rewritten", kiosk,
					(long long)cp.seq, cp.at);
		identity_checkpoint_done(&cp);
	}
	PQclear(r);
	free(seals);
	PQclear(PQexec(c, "COMMIT"));
	if (k->problems == before)
		outgate_printf(k->fp, "kiosk %s: chain holds: %lld links,"
			       " every one signed by its registered key\n",
			       kiosk, (long long)expect - 1);
	else
		outgate_printf(k->fp, "kiosk %s: chain broken: %zu problems\n",
			       kiosk, k->problems - before);
	return 0;
}

int
central_verify(const char *url, const char *kiosk, FILE *fp, char **err)
{
	struct central_kv k = { .fp = fp };
	const char *v[1] = { kiosk };
	PGconn *c = central_connect(url, err);
	PGresult *r;
	int rc = 0;

	if (c == NULL)
		return -1;
	if (central_check_schema(c, err) != 0) {
		PQfinish(c);
		return -1;
	}
	r = central_query(c, kiosk != NULL ? "SELECT id, pubkey FROM kiosks"
			  " WHERE id = $1" : "SELECT id, pubkey FROM kiosks"
			  " ORDER BY id", kiosk != NULL ? 1 : 0, v, err,
			  "reading the kiosks");
	if (r == NULL) {
		PQfinish(c);
		return -1;
	}
	if (kiosk != NULL && PQntuples(r) == 0) {
		xfailf(err, "kiosk %s is not registered", kiosk);
		PQclear(r);
		PQfinish(c);
		return -1;
	}
	for (int i = 0; i < PQntuples(r) && rc == 0; i++)
		rc = central_verify_kiosk(c, PQgetvalue(r, i, 0),
					  PQgetvalue(r, i, 1), &k, err);
	PQclear(r);
	PQfinish(c);
	if (rc != 0)
		return -1;
	outgate_printf(fp, "central: %zu kiosks, %zu links, %zu problems\n",
		       k.kiosks, k.links, k.problems);
	return k.problems > 0 ? 1 : 0;
}
