/*
 * store: opening the consent-record database (mode 0600, WAL,
 * synchronous=FULL, schema migrations through user_version), the write path
 * (one durable transaction per call) and the I/O seam tests can make fail.
 *
 * Owns the SQLite connection and its prepared statements. Reading lives in
 * store-read.c, sealing and verification in store-seal.c, exports in
 * store-export.c.
 */
#include "store.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include <sodium.h>
#include <sqlite3.h>

#include "bundle.h"
#include "ingate.h"
#include "quiz.h"
#include "store-int.h"
#include "xmalloc.h"

/* ---- the I/O seam: a VFS shim over the default VFS ---------------------- */

/*
 * Every store opens its database through "isokiosk-fail", a wrapper of the
 * default VFS. Normally it only passes calls through; store_test_fail_io()
 * arms it so that, after N more xWrite/xSync calls, each one fails. That is
 * how the tests check that a failure at any point of a commit is reported
 * and leaves nothing half-written (SQLite's own test6.c does the same).
 */
struct store_vfs_file {
	sqlite3_file base;
	sqlite3_file *real; /* follows this struct in the same allocation */
};

static sqlite3_vfs store_vfs;
static sqlite3_vfs *store_vfs_real;
static long store_vfs_left = -1; /* calls until failure; -1: never */
static bool store_vfs_full;
static long store_vfs_calls;

static int
store_vfs_tick(void)
{
	store_vfs_calls++;
	if (store_vfs_left < 0)
		return SQLITE_OK;
	if (store_vfs_left > 0) {
		store_vfs_left--;
		return SQLITE_OK;
	}
	return store_vfs_full ? SQLITE_FULL : SQLITE_IOERR;
}

#define REAL(f) (((struct store_vfs_file *)(f))->real)

static int
store_vfs_close(sqlite3_file *f)
{
	return REAL(f)->pMethods->xClose(REAL(f));
}

static int
store_vfs_read(sqlite3_file *f, void *buf, int n, sqlite3_int64 off)
{
	return REAL(f)->pMethods->xRead(REAL(f), buf, n, off);
}

static int
store_vfs_write(sqlite3_file *f, const void *buf, int n, sqlite3_int64 off)
{
	int rc = store_vfs_tick();

	if (rc != SQLITE_OK)
		return rc == SQLITE_FULL ? SQLITE_FULL : SQLITE_IOERR_WRITE;
	return REAL(f)->pMethods->xWrite(REAL(f), buf, n, off);
}

static int
store_vfs_truncate(sqlite3_file *f, sqlite3_int64 size)
{
	return REAL(f)->pMethods->xTruncate(REAL(f), size);
}

static int
store_vfs_sync(sqlite3_file *f, int flags)
{
	int rc = store_vfs_tick();

	if (rc != SQLITE_OK)
		return rc == SQLITE_FULL ? SQLITE_FULL : SQLITE_IOERR_FSYNC;
	return REAL(f)->pMethods->xSync(REAL(f), flags);
}

static int
store_vfs_file_size(sqlite3_file *f, sqlite3_int64 *size)
{
	return REAL(f)->pMethods->xFileSize(REAL(f), size);
}

static int
store_vfs_lock(sqlite3_file *f, int lock)
{
	return REAL(f)->pMethods->xLock(REAL(f), lock);
}

static int
store_vfs_unlock(sqlite3_file *f, int lock)
{
	return REAL(f)->pMethods->xUnlock(REAL(f), lock);
}

static int
store_vfs_check_reserved(sqlite3_file *f, int *out)
{
	return REAL(f)->pMethods->xCheckReservedLock(REAL(f), out);
}

static int
store_vfs_file_control(sqlite3_file *f, int op, void *arg)
{
	return REAL(f)->pMethods->xFileControl(REAL(f), op, arg);
}

static int
store_vfs_sector_size(sqlite3_file *f)
{
	return REAL(f)->pMethods->xSectorSize(REAL(f));
}

static int
store_vfs_device_characteristics(sqlite3_file *f)
{
	return REAL(f)->pMethods->xDeviceCharacteristics(REAL(f));
}

static int
store_vfs_shm_map(sqlite3_file *f, int pg, int pgsz, int extend,
		  void volatile **pp)
{
	return REAL(f)->pMethods->xShmMap(REAL(f), pg, pgsz, extend, pp);
}

static int
store_vfs_shm_lock(sqlite3_file *f, int off, int n, int flags)
{
	return REAL(f)->pMethods->xShmLock(REAL(f), off, n, flags);
}

static void
store_vfs_shm_barrier(sqlite3_file *f)
{
	REAL(f)->pMethods->xShmBarrier(REAL(f));
}

static int
store_vfs_shm_unmap(sqlite3_file *f, int del)
{
	return REAL(f)->pMethods->xShmUnmap(REAL(f), del);
}

static int
store_vfs_fetch(sqlite3_file *f, sqlite3_int64 off, int n, void **pp)
{
	return REAL(f)->pMethods->xFetch(REAL(f), off, n, pp);
}

static int
store_vfs_unfetch(sqlite3_file *f, sqlite3_int64 off, void *p)
{
	return REAL(f)->pMethods->xUnfetch(REAL(f), off, p);
}

static const sqlite3_io_methods store_vfs_methods = {
	.iVersion = 3,
	.xClose = store_vfs_close,
	.xRead = store_vfs_read,
	.xWrite = store_vfs_write,
	.xTruncate = store_vfs_truncate,
	.xSync = store_vfs_sync,
	.xFileSize = store_vfs_file_size,
	.xLock = store_vfs_lock,
	.xUnlock = store_vfs_unlock,
	.xCheckReservedLock = store_vfs_check_reserved,
	.xFileControl = store_vfs_file_control,
	.xSectorSize = store_vfs_sector_size,
	.xDeviceCharacteristics = store_vfs_device_characteristics,
	.xShmMap = store_vfs_shm_map,
	.xShmLock = store_vfs_shm_lock,
	.xShmBarrier = store_vfs_shm_barrier,
	.xShmUnmap = store_vfs_shm_unmap,
	.xFetch = store_vfs_fetch,
	.xUnfetch = store_vfs_unfetch,
};

static int
store_vfs_open(sqlite3_vfs *vfs, const char *name, sqlite3_file *f, int flags,
	       int *out_flags)
{
	struct store_vfs_file *sf = (struct store_vfs_file *)f;
	int rc;

	(void)vfs;
	sf->real = (sqlite3_file *)(sf + 1);
	rc = store_vfs_real->xOpen(store_vfs_real, name, sf->real, flags,
				   out_flags);
	/* SQLite calls xClose only when pMethods is set. */
	sf->base.pMethods = sf->real->pMethods != NULL ? &store_vfs_methods
						       : NULL;
	return rc;
}

static int
store_vfs_delete(sqlite3_vfs *vfs, const char *name, int sync_dir)
{
	(void)vfs;
	return store_vfs_real->xDelete(store_vfs_real, name, sync_dir);
}

static int
store_vfs_access(sqlite3_vfs *vfs, const char *name, int flags, int *out)
{
	(void)vfs;
	return store_vfs_real->xAccess(store_vfs_real, name, flags, out);
}

static int
store_vfs_full_pathname(sqlite3_vfs *vfs, const char *name, int n, char *out)
{
	(void)vfs;
	return store_vfs_real->xFullPathname(store_vfs_real, name, n, out);
}

static void *
store_vfs_dlopen(sqlite3_vfs *vfs, const char *name)
{
	(void)vfs;
	return store_vfs_real->xDlOpen(store_vfs_real, name);
}

static void
store_vfs_dlerror(sqlite3_vfs *vfs, int n, char *msg)
{
	(void)vfs;
	store_vfs_real->xDlError(store_vfs_real, n, msg);
}

static void (*store_vfs_dlsym(sqlite3_vfs *vfs, void *h, const char *sym))(void)
{
	(void)vfs;
	return store_vfs_real->xDlSym(store_vfs_real, h, sym);
}

static void
store_vfs_dlclose(sqlite3_vfs *vfs, void *h)
{
	(void)vfs;
	store_vfs_real->xDlClose(store_vfs_real, h);
}

static int
store_vfs_randomness(sqlite3_vfs *vfs, int n, char *out)
{
	(void)vfs;
	return store_vfs_real->xRandomness(store_vfs_real, n, out);
}

static int
store_vfs_sleep(sqlite3_vfs *vfs, int us)
{
	(void)vfs;
	return store_vfs_real->xSleep(store_vfs_real, us);
}

static int
store_vfs_current_time(sqlite3_vfs *vfs, double *out)
{
	(void)vfs;
	return store_vfs_real->xCurrentTime(store_vfs_real, out);
}

static int
store_vfs_last_error(sqlite3_vfs *vfs, int n, char *out)
{
	(void)vfs;
	return store_vfs_real->xGetLastError(store_vfs_real, n, out);
}

static int
store_vfs_current_time_int64(sqlite3_vfs *vfs, sqlite3_int64 *out)
{
	(void)vfs;
	return store_vfs_real->xCurrentTimeInt64(store_vfs_real, out);
}

static int
store_vfs_register(void)
{
	if (store_vfs_real != NULL)
		return SQLITE_OK;
	/* Before SQLite starts: no global memory statistics, whose mutex the
	 * verification workers would otherwise fight over. */
	sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
	store_vfs_real = sqlite3_vfs_find(NULL);
	if (store_vfs_real == NULL)
		return SQLITE_ERROR;
	store_vfs = (sqlite3_vfs){
		.iVersion = 2,
		.szOsFile = (int)sizeof(struct store_vfs_file) +
			    store_vfs_real->szOsFile,
		.mxPathname = store_vfs_real->mxPathname,
		.zName = "isokiosk-fail",
		.xOpen = store_vfs_open,
		.xDelete = store_vfs_delete,
		.xAccess = store_vfs_access,
		.xFullPathname = store_vfs_full_pathname,
		.xDlOpen = store_vfs_dlopen,
		.xDlError = store_vfs_dlerror,
		.xDlSym = store_vfs_dlsym,
		.xDlClose = store_vfs_dlclose,
		.xRandomness = store_vfs_randomness,
		.xSleep = store_vfs_sleep,
		.xCurrentTime = store_vfs_current_time,
		.xGetLastError = store_vfs_last_error,
		.xCurrentTimeInt64 = store_vfs_current_time_int64,
	};
	return sqlite3_vfs_register(&store_vfs, 0);
}

void
store_test_fail_io(long after, bool full)
{
	store_vfs_left = after;
	store_vfs_full = full;
}

long
store_test_io_calls(void)
{
	return store_vfs_calls;
}

/* ---- errors, time, statements ------------------------------------------- */

int
store_failf(char **err, const char *fmt, ...)
{
	va_list ap;

	if (err != NULL) {
		va_start(ap, fmt);
		free(*err);
		*err = xvasprintf(fmt, ap);
		va_end(ap);
	}
	return -1;
}

int
store_fail(struct store *st, char **err, const char *what)
{
	int code = sqlite3_extended_errcode(st->db);
	const char *hint = "";

	if ((code & 0xff) == SQLITE_FULL)
		hint = " (the disk is full: free space, then try again)";
	else if ((code & 0xff) == SQLITE_IOERR)
		hint = " (the record was not saved)";
	return store_failf(err, "%s: %s%s", what, sqlite3_errmsg(st->db), hint);
}

int
store_bind_text(sqlite3_stmt *s, int i, const char *v)
{
	if (v == NULL)
		return sqlite3_bind_null(s, i);
	return sqlite3_bind_text(s, i, v, -1, SQLITE_TRANSIENT);
}

void
store_format_time(int64_t ms, char out[32])
{
	time_t t = (time_t)(ms / 1000);
	int frac = (int)(ms % 1000);
	struct tm tm;
	size_t n;

	if (frac < 0) {
		frac += 1000;
		t--;
	}
	gmtime_r(&t, &tm);
	n = strftime(out, 32, "%Y-%m-%dT%H:%M:%S", &tm);
	out[n] = '.';
	out[n + 1] = (char)('0' + frac / 100);
	out[n + 2] = (char)('0' + frac / 10 % 10);
	out[n + 3] = (char)('0' + frac % 10);
	out[n + 4] = 'Z';
	out[n + 5] = '\0';
}

static int64_t
store_system_clock(void *ctx)
{
	struct timespec ts;

	(void)ctx;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void
store_now(struct store *st, char out[32])
{
	store_format_time(st->clock(st->clock_ctx), out);
}

void
store_sha256_hex(const void *data, size_t len, char out[65])
{
	unsigned char h[crypto_hash_sha256_BYTES];

	crypto_hash_sha256(h, data, len);
	sodium_bin2hex(out, 65, h, sizeof h);
}

static const char *const store_sql[STMT_N] = {
	[STMT_SESSION_INSERT] =
		"INSERT INTO sessions(kiosk_id, staff_id, patient_ref, profile,"
		" lang, content_version, minor, started_at, outcome)"
		" VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, 'open')",
	[STMT_SCREEN_INSERT] =
		"INSERT INTO screens(session_id, seq, screen_id, shown_ms, at)"
		" VALUES(?1, (SELECT coalesce(max(seq), 0) + 1 FROM screens"
		" WHERE session_id = ?1), ?2, ?3, ?4)",
	[STMT_ANSWER_FIND] =
		"SELECT choice, choice_text, shown_order, correct FROM answers"
		" WHERE session_id = ?1 AND question_id = ?2 AND attempt = ?3",
	[STMT_ANSWER_INSERT] =
		"INSERT INTO answers(session_id, seq, question_id, attempt,"
		" choice, choice_text, shown_order, correct, at)"
		" VALUES(?1, (SELECT coalesce(max(seq), 0) + 1 FROM answers"
		" WHERE session_id = ?1), ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
	[STMT_ACK_FIND] =
		"SELECT text_sha256 FROM acks"
		" WHERE session_id = ?1 AND statement_id = ?2",
	[STMT_ACK_INSERT] =
		"INSERT INTO acks(session_id, seq, statement_id, text_sha256, at)"
		" VALUES(?1, (SELECT coalesce(max(seq), 0) + 1 FROM acks"
		" WHERE session_id = ?1), ?2, ?3, ?4)",
	[STMT_TEXT_INSERT] =
		"INSERT OR IGNORE INTO texts(sha256, text) VALUES(?1, ?2)",
	[STMT_SIGN_FIND] =
		"SELECT name, meaning FROM signatures"
		" WHERE session_id = ?1 AND role = ?2",
	[STMT_SIGN_INSERT] =
		"INSERT INTO signatures(session_id, seq, role, name, meaning, at)"
		" VALUES(?1, (SELECT coalesce(max(seq), 0) + 1 FROM signatures"
		" WHERE session_id = ?1), ?2, ?3, ?4, ?5)",
	[STMT_SESSION_SEAL] =
		"UPDATE sessions SET ended_at = ?2, outcome = ?3, reason = ?4,"
		" seal_seq = ?5, seal_prev = ?6, seal_hash = ?7, seal_form = ?8"
		" WHERE id = ?1 AND seal_hash IS NULL",
	[STMT_HEAD_SESSIONS] =
		"SELECT seal_seq, seal_hash FROM sessions"
		" WHERE seal_seq IS NOT NULL ORDER BY seal_seq DESC LIMIT 1",
	[STMT_HEAD_VERIFICATIONS] =
		"SELECT seal_seq, seal_hash FROM verifications"
		" ORDER BY seal_seq DESC LIMIT 1",
	[STMT_VERIFY_INSERT] =
		"INSERT INTO verifications(session_id, staff_id, at, seal_seq,"
		" seal_prev, seal_hash) VALUES(?1, ?2, ?3, ?4, ?5, ?6)",
	[STMT_CONTENT_INSERT] =
		"INSERT OR IGNORE INTO content_files(version, name, sha256, ord)"
		" VALUES(?1, ?2, ?3, ?4)",
	[STMT_CONTENT_ORD] =
		"UPDATE content_files SET ord = ?4 WHERE version = ?1"
		" AND name = ?2 AND sha256 = ?3 AND ord IS NULL",
	[STMT_OPEN_SESSIONS] =
		"SELECT id FROM sessions WHERE seal_hash IS NULL ORDER BY id",
	[STMT_LAST_ACTIVITY] =
		"SELECT max(t) FROM (SELECT started_at AS t FROM sessions"
		" WHERE id = ?1 UNION ALL SELECT at FROM screens"
		" WHERE session_id = ?1 UNION ALL SELECT at FROM answers"
		" WHERE session_id = ?1 UNION ALL SELECT at FROM acks"
		" WHERE session_id = ?1 UNION ALL SELECT at FROM signatures"
		" WHERE session_id = ?1)",
};

sqlite3_stmt *
store_stmt(struct store *st, enum store_stmt which, char **err)
{
	sqlite3_stmt *s = st->stmt[which];

	if (s == NULL) {
		if (sqlite3_prepare_v3(st->db, store_sql[which], -1,
				       SQLITE_PREPARE_PERSISTENT, &s,
				       NULL) != SQLITE_OK) {
			store_fail(st, err, "preparing a statement");
			return NULL;
		}
		st->stmt[which] = s;
	}
	sqlite3_reset(s);
	sqlite3_clear_bindings(s);
	return s;
}

static int
store_exec(struct store *st, const char *sql, char **err)
{
	char *msg = NULL;

	if (sqlite3_exec(st->db, sql, NULL, NULL, &msg) != SQLITE_OK) {
		store_failf(err, "%s", msg != NULL ? msg : sqlite3_errmsg(st->db));
		sqlite3_free(msg);
		return -1;
	}
	return 0;
}

int
store_test_exec(struct store *st, const char *sql, char **err)
{
	return store_exec(st, sql, err);
}

int
store_txn_begin(struct store *st, char **err)
{
	if (st->bulk)
		return 0;
	if (sqlite3_exec(st->db, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK)
		return store_fail(st, err, "starting a transaction");
	return 0;
}

void
store_txn_rollback(struct store *st)
{
	if (st->bulk)
		return;
	if (!sqlite3_get_autocommit(st->db))
		sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
}

int
store_txn_commit(struct store *st, char **err)
{
	if (st->bulk)
		return 0;
	if (sqlite3_exec(st->db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK) {
		store_fail(st, err, "saving the record");
		store_txn_rollback(st);
		return -1;
	}
	return 0;
}

int
store_test_bulk(struct store *st, bool on, char **err)
{
	if (on == st->bulk)
		return 0;
	if (on) {
		if (store_exec(st, "PRAGMA synchronous=OFF; BEGIN IMMEDIATE",
			       err) != 0)
			return -1;
		st->bulk = true;
		return 0;
	}
	st->bulk = false;
	return store_exec(st, "COMMIT; PRAGMA synchronous=FULL", err);
}

/* ---- schema ------------------------------------------------------------- */

/*
 * Schema 1: sessions and their rows, the chain columns, and the triggers
 * that keep sealed rows as they are. Rows of a session are never updated or
 * deleted; a session row is updated only while open (to seal it) and never
 * deleted. The triggers stop mistakes and casual edits; the hash chain is
 * what finds a determined edit (one that drops the triggers first).
 */
static const char store_schema_1[] =
	"CREATE TABLE sessions("
	" id INTEGER PRIMARY KEY AUTOINCREMENT,"
	" kiosk_id TEXT NOT NULL, staff_id TEXT NOT NULL,"
	" patient_ref TEXT NOT NULL, profile TEXT NOT NULL, lang TEXT NOT NULL,"
	" content_version TEXT NOT NULL, minor INTEGER NOT NULL,"
	" started_at TEXT NOT NULL, ended_at TEXT, outcome TEXT NOT NULL,"
	" reason TEXT, seal_seq INTEGER UNIQUE, seal_prev TEXT, seal_hash TEXT);"
	"CREATE INDEX sessions_started ON sessions(started_at);"
	"CREATE TABLE screens(session_id INTEGER NOT NULL, seq INTEGER NOT NULL,"
	" screen_id TEXT NOT NULL, shown_ms INTEGER NOT NULL, at TEXT NOT NULL,"
	" PRIMARY KEY(session_id, seq)) WITHOUT ROWID;"
	"CREATE TABLE answers(session_id INTEGER NOT NULL, seq INTEGER NOT NULL,"
	" question_id TEXT NOT NULL, attempt INTEGER NOT NULL,"
	" choice INTEGER NOT NULL, choice_text TEXT NOT NULL, shown_order TEXT,"
	" correct INTEGER NOT NULL, at TEXT NOT NULL,"
	" PRIMARY KEY(session_id, seq),"
	" UNIQUE(session_id, question_id, attempt)) WITHOUT ROWID;"
	"CREATE TABLE acks(session_id INTEGER NOT NULL, seq INTEGER NOT NULL,"
	" statement_id TEXT NOT NULL, text_sha256 TEXT NOT NULL, at TEXT NOT NULL,"
	" PRIMARY KEY(session_id, seq),"
	" UNIQUE(session_id, statement_id)) WITHOUT ROWID;"
	"CREATE TABLE signatures(session_id INTEGER NOT NULL,"
	" seq INTEGER NOT NULL, role TEXT NOT NULL, name TEXT NOT NULL,"
	" meaning TEXT NOT NULL, at TEXT NOT NULL,"
	" PRIMARY KEY(session_id, seq), UNIQUE(session_id, role)) WITHOUT ROWID;"
	"CREATE TABLE verifications(id INTEGER PRIMARY KEY,"
	" session_id INTEGER NOT NULL, staff_id TEXT NOT NULL, at TEXT NOT NULL,"
	" seal_seq INTEGER NOT NULL UNIQUE, seal_prev TEXT NOT NULL,"
	" seal_hash TEXT NOT NULL);"
	"CREATE INDEX verifications_session ON verifications(session_id, seal_seq);"
	"CREATE TRIGGER sessions_no_delete BEFORE DELETE ON sessions BEGIN"
	" SELECT RAISE(ABORT, 'consent records are never deleted'); END;"
	"CREATE TRIGGER sessions_sealed BEFORE UPDATE ON sessions"
	" WHEN OLD.seal_hash IS NOT NULL BEGIN"
	" SELECT RAISE(ABORT, 'the session is sealed'); END;"
	"CREATE TRIGGER verifications_no_update BEFORE UPDATE ON verifications"
	" BEGIN SELECT RAISE(ABORT, 'staff verifications never change'); END;"
	"CREATE TRIGGER verifications_no_delete BEFORE DELETE ON verifications"
	" BEGIN SELECT RAISE(ABORT, 'staff verifications never change'); END;"
	"CREATE TRIGGER verifications_sealed_only BEFORE INSERT ON verifications"
	" WHEN (SELECT seal_hash FROM sessions WHERE id = NEW.session_id) IS NULL"
	" BEGIN SELECT RAISE(ABORT, 'the session is not sealed'); END;";

/* The per-session tables share their triggers. */
static const char *const store_child_tables[] = {
	"screens", "answers", "acks", "signatures",
};

static void
store_schema_1_triggers(struct strbuf *sb)
{
	for (size_t i = 0; i < sizeof store_child_tables /
			       sizeof store_child_tables[0]; i++) {
		const char *t = store_child_tables[i];

		strbuf_addf(sb,
			"CREATE TRIGGER %s_no_update BEFORE UPDATE ON %s BEGIN"
			" SELECT RAISE(ABORT, 'consent records never change');"
			" END;"
			"CREATE TRIGGER %s_no_delete BEFORE DELETE ON %s BEGIN"
			" SELECT RAISE(ABORT, 'consent records are never"
			" deleted'); END;"
			"CREATE TRIGGER %s_open_only BEFORE INSERT ON %s"
			" WHEN NOT EXISTS (SELECT 1 FROM sessions"
			" WHERE id = NEW.session_id AND seal_hash IS NULL) BEGIN"
			" SELECT RAISE(ABORT, 'no open session with that id');"
			" END;", t, t, t, t, t, t);
	}
}

/* Schema 2: one copy of every acknowledged statement's text and of the
 * content files of each version (what was shown, frozen). */
static const char store_schema_2[] =
	"CREATE TABLE texts(sha256 TEXT PRIMARY KEY, text TEXT NOT NULL)"
	" WITHOUT ROWID;"
	"CREATE TABLE content_files(version TEXT NOT NULL, name TEXT NOT NULL,"
	" sha256 TEXT NOT NULL, PRIMARY KEY(version, name)) WITHOUT ROWID;"
	"CREATE TRIGGER texts_no_update BEFORE UPDATE ON texts BEGIN"
	" SELECT RAISE(ABORT, 'stored texts never change'); END;"
	"CREATE TRIGGER texts_no_delete BEFORE DELETE ON texts BEGIN"
	" SELECT RAISE(ABORT, 'stored texts never change'); END;"
	"CREATE TRIGGER content_files_no_update BEFORE UPDATE ON content_files"
	" BEGIN SELECT RAISE(ABORT, 'stored content never changes'); END;"
	"CREATE TRIGGER content_files_no_delete BEFORE DELETE ON content_files"
	" BEGIN SELECT RAISE(ABORT, 'stored content never changes'); END;";

/*
 * Schema 3: the canonical form each seal was made with (store-seal.c); NULL
 * for sessions sealed before (form 1) and open ones.
 */
static const char store_schema_3[] =
	"ALTER TABLE sessions ADD COLUMN seal_form INTEGER;";

/*
 * Schema 5: the place of each content file in its version's list (ord,
 * 1-based: the order the version hashes them, bundle.h), so that the list
 * can be checked against the version and sealed with each session
 * (canonical form 4, store-seal.c). Rows frozen before have none; the only
 * change a row ever takes is getting its place, once, when the kiosk
 * freezes the same file again. And the application_id that marks the file
 * as an isokiosk records database.
 */
static const char store_schema_5[] =
	"ALTER TABLE content_files ADD COLUMN ord INTEGER;"
	"DROP TRIGGER content_files_no_update;"
	"CREATE TRIGGER content_files_no_update BEFORE UPDATE ON content_files"
	" WHEN NOT (OLD.ord IS NULL AND NEW.ord IS NOT NULL"
	" AND NEW.version IS OLD.version AND NEW.name IS OLD.name"
	" AND NEW.sha256 IS OLD.sha256)"
	" BEGIN SELECT RAISE(ABORT, 'stored content never changes'); END;";

static int
store_migrate(struct store *st, char **err)
{
	sqlite3_stmt *s;
	int version;
	struct strbuf sb;
	int rc = -1;

	if (store_txn_begin(st, err) != 0)
		return -1;
	if (sqlite3_prepare_v2(st->db, "PRAGMA user_version", -1, &s,
			       NULL) != SQLITE_OK) {
		store_fail(st, err, "reading the schema version");
		store_txn_rollback(st);
		return -1;
	}
	version = sqlite3_step(s) == SQLITE_ROW ? sqlite3_column_int(s, 0) : -1;
	sqlite3_finalize(s);
	if (version < 0) {
		store_fail(st, err, "reading the schema version");
		store_txn_rollback(st);
		return -1;
	}
	if (version > STORE_SCHEMA_VERSION) {
		store_txn_rollback(st);
		return store_failf(err, "written by a newer isokiosk (schema %d;"
				   " this one knows %d): use that isokiosk",
				   version, STORE_SCHEMA_VERSION);
	}
	strbuf_init(&sb);
	if (version < 1) {
		strbuf_addstr(&sb, store_schema_1);
		store_schema_1_triggers(&sb);
	}
	if (version < 2)
		strbuf_addstr(&sb, store_schema_2);
	if (version < 3)
		strbuf_addstr(&sb, store_schema_3);
	/* Schema 4 seals with canonical form 3: no table changes, but an
	 * older isokiosk would take those seals for changed records. */
	if (version < 5)
		strbuf_addstr(&sb, store_schema_5);
	/* Schema 6: follow-up visits (store-visit.c), form 5 seals. */
	if (version < 6)
		strbuf_addstr(&sb, store_visit_schema_6);
	/* Schema 7: the kiosk's signatures and checkpoints (store-sign.c). */
	if (version < 7)
		store_schema_sign(&sb);
	if (version < STORE_SCHEMA_VERSION) {
		strbuf_addf(&sb, "PRAGMA application_id = %d;"
			    "PRAGMA user_version = %d;", STORE_APPLICATION_ID,
			    STORE_SCHEMA_VERSION);
		if (store_exec(st, sb.s, err) != 0) {
			store_txn_rollback(st);
			goto out;
		}
	}
	if (store_txn_commit(st, err) != 0)
		goto out;
	st->schema = STORE_SCHEMA_VERSION;
	rc = 0;
out:
	strbuf_done(&sb);
	return rc;
}

/* Seal as abandoned every session left open (a crash or a power cut). The
 * end time is the session's last recorded event. */
int
store_recover(struct store *st, char **err)
{
	sqlite3_stmt *s = store_stmt(st, STMT_OPEN_SESSIONS, err);
	int64_t *ids = NULL;
	size_t n = 0, cap = 0;
	int rc = 0;

	if (s == NULL)
		return -1;
	while (sqlite3_step(s) == SQLITE_ROW) {
		XGROW(ids, n, cap);
		ids[n++] = sqlite3_column_int64(s, 0);
	}
	sqlite3_reset(s);
	for (size_t i = 0; i < n && rc == 0; i++) {
		char ended[32] = "";

		if (store_txn_begin(st, err) != 0) {
			rc = -1;
			break;
		}
		s = store_stmt(st, STMT_LAST_ACTIVITY, err);
		if (s == NULL) {
			store_txn_rollback(st);
			rc = -1;
			break;
		}
		sqlite3_bind_int64(s, 1, ids[i]);
		if (sqlite3_step(s) == SQLITE_ROW &&
		    sqlite3_column_text(s, 0) != NULL)
			snprintf(ended, sizeof ended, "%s",
				 (const char *)sqlite3_column_text(s, 0));
		sqlite3_reset(s);
		if (store_seal_session(st, ids[i], STORE_ABANDONED,
				       "found open at start-up",
				       ended[0] ? ended : NULL, err) != 0 ||
		    store_txn_commit(st, err) != 0) {
			store_txn_rollback(st);
			rc = -1;
		}
	}
	free(ids);
	return rc;
}

char *
store_default_path(bool create_dir)
{
	const char *env = getenv("ISOKIOSK_DB");
	const char *xdg = getenv("XDG_DATA_HOME");
	const char *home = getenv("HOME");
	char *dir;

	if (env != NULL && *env != '\0')
		return xstrdup(env);
	if (xdg != NULL && xdg[0] == '/')
		dir = xasprintf("%s/isokiosk", xdg);
	else if (home != NULL && home[0] == '/')
		dir = xasprintf("%s/.local/share/isokiosk", home);
	else
		return xstrdup("isokiosk-records.db");
	if (create_dir) {
		/* mkdir -p, each level 0700 (only the last is ours to own). */
		for (char *p = dir + 1; ; p++) {
			if (*p == '/' || *p == '\0') {
				char c = *p;

				*p = '\0';
				mkdir(dir, 0700);
				*p = c;
				if (c == '\0')
					break;
			}
		}
	}
	{
		char *path = xasprintf("%s/records.db", dir);

		free(dir);
		return path;
	}
}

/* *err = "path: what" (path once; it is the caller's to name no more). */
static int
store_open_fail(char **err, const char *path, const char *what)
{
	return store_failf(err, "%s: %s", path, what);
}

/*
 * Open the file ourselves first: never through a symbolic link, only a
 * regular file, created 0600 by us or left as it is. A writer keeps the
 * descriptor (its flock says one writer); a reader closes it. 0, or -1.
 */
static int
store_open_file(struct store *st, const char *path, char **err)
{
	bool write = !(st->flags & STORE_READONLY), created = false;
	struct stat sb;
	int fd;

	fd = open(path, (write ? O_RDWR : O_RDONLY) | O_NOFOLLOW | O_CLOEXEC);
	/* A shell command adding a link never makes a database: there is
	 * nothing to add a test or a prescription to. */
	if (fd < 0 && errno == ENOENT && write && !(st->flags & STORE_APPEND)) {
		fd = open(path, O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
			  0600);
		created = fd >= 0;
		if (fd < 0 && errno == EEXIST) /* made in between: as found */
			fd = open(path, O_RDWR | O_NOFOLLOW | O_CLOEXEC);
	}
	if (fd < 0) {
		if (errno == ELOOP)
			return store_open_fail(err, path, "is a symbolic link:"
					       " refusing to follow it (give"
					       " the database's own path)");
		if (errno == EISDIR)
			return store_open_fail(err, path, "is a directory, not"
					       " a records database");
		if (errno == ENOENT && write && !(st->flags & STORE_APPEND))
			return store_open_fail(err, path, "cannot be made: its"
					       " folder does not exist");
		if (errno == ENOENT)
			return store_open_fail(err, path, st->flags &
					       STORE_APPEND
					       ? "no such records database (a"
						 " test or a prescription is"
						 " added to the kiosk's own"
						 " database: give its path"
						 " with --db)"
					       : "no such records database");
		return store_open_fail(err, path, strerror(errno));
	}
	if (fstat(fd, &sb) != 0 || !S_ISREG(sb.st_mode)) {
		close(fd);
		return store_open_fail(err, path, S_ISDIR(sb.st_mode)
				       ? "is a directory, not a records"
					 " database"
				       : "is not a regular file: not a records"
					 " database");
	}
	if (!write) {
		close(fd);
		return 0;
	}
	if (created) {
		/* ours: exactly 0600, whatever the umask */
		if (fchmod(fd, 0600) != 0) {
			int e = errno;

			close(fd);
			unlink(path);
			return store_open_fail(err, path, strerror(e));
		}
	} else if (sb.st_mode & 077) {
		/* Consent records are private; the store never changes the
		 * mode of a file it did not make. */
		char what[160];

		close(fd);
		snprintf(what, sizeof what, "mode %03o lets others read or"
			 " change the records: make it 0600 (chmod 600) first",
			 (unsigned)(sb.st_mode & 0777));
		return store_open_fail(err, path, what);
	}
	/* One writer per database: start-up seals every open session as
	 * abandoned, which must never hit another kiosk's live one. The
	 * flock is held (this fd open) until store_close; closing it earlier
	 * would also drop SQLite's own locks. A shell command that only adds
	 * links (STORE_APPEND: never recovers or seals sessions) takes no
	 * lock, so it works while a kiosk runs; SQLite serialises the
	 * writes. */
	if (st->flags & STORE_APPEND) {
		st->lock_fd = fd;
		return 0;
	}
	if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
		int e = errno;

		close(fd);
		if (created)
			unlink(path);
		return store_open_fail(err, path, e == EWOULDBLOCK
				       ? "another isokiosk is writing this"
					 " database"
				       : strerror(e));
	}
	st->lock_fd = fd;
	return 0;
}

/* "file:" URI of path (percent-encoded where a URI needs it) and params. */
static char *
store_uri(const char *path, const char *params)
{
	struct strbuf sb;

	strbuf_init(&sb);
	strbuf_addstr(&sb, "file:");
	for (const unsigned char *p = (const unsigned char *)path; *p; p++) {
		if (*p == '%' || *p == '?' || *p == '#' || *p < 0x21 || *p >= 0x7f)
			strbuf_addf(&sb, "%%%02X", *p);
		else
			strbuf_addch(&sb, (char)*p);
	}
	strbuf_addf(&sb, "?%s", params);
	return strbuf_detach(&sb, NULL);
}

/* The tables of schema 1: a file with these and no application_id was
 * written by an older isokiosk. */
static const char *const store_own_tables[] = {
	"sessions", "screens", "answers", "acks", "signatures", "verifications",
};

/*
 * Is the file ours? Reads the header (application_id, user_version) and
 * the table names, and writes nothing: a foreign or broken file is left
 * exactly as it was. 0 (with *version), or -1 with *err.
 */
static int
store_identify(struct store *st, int *version, char **err)
{
	sqlite3_stmt *q;
	int rc, app = 0, own = 0, tables = 0;

	if (sqlite3_prepare_v2(st->db, "SELECT (SELECT application_id FROM"
			       " pragma_application_id), (SELECT user_version"
			       " FROM pragma_user_version)", -1, &q,
			       NULL) != SQLITE_OK) {
		int code = sqlite3_errcode(st->db);

		store_failf(err, "%s: %s", st->path, code == SQLITE_NOTADB
			    ? "not a records database (not an SQLite file):"
			      " refusing to touch it"
			    : sqlite3_errmsg(st->db));
		return -1;
	}
	rc = sqlite3_step(q);
	if (rc == SQLITE_ROW) {
		app = sqlite3_column_int(q, 0);
		*version = sqlite3_column_int(q, 1);
	}
	sqlite3_finalize(q);
	if (rc != SQLITE_ROW) {
		store_failf(err, "%s: %s", st->path,
			    sqlite3_errcode(st->db) == SQLITE_NOTADB
			    ? "not a records database (not an SQLite file):"
			      " refusing to touch it"
			    : sqlite3_errmsg(st->db));
		return -1;
	}
	if (app == STORE_APPLICATION_ID)
		return 0;
	if (app != 0)
		return store_failf(err, "%s: the SQLite file of another program"
				   " (application_id 0x%08x), not a records"
				   " database: refusing to touch it", st->path,
				   (unsigned)app);
	if (sqlite3_prepare_v2(st->db, "SELECT name FROM sqlite_master WHERE"
			       " type = 'table' AND name NOT LIKE 'sqlite_%'",
			       -1, &q, NULL) != SQLITE_OK)
		return store_fail(st, err, st->path);
	while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
		const char *name = (const char *)sqlite3_column_text(q, 0);

		tables++;
		for (size_t i = 0; name != NULL && i < sizeof store_own_tables /
					     sizeof store_own_tables[0]; i++)
			own += strcmp(name, store_own_tables[i]) == 0;
	}
	sqlite3_finalize(q);
	if (rc != SQLITE_DONE)
		return store_fail(st, err, st->path);
	if (tables == 0 && *version == 0)
		return 0; /* empty: ours to make */
	if (*version >= 1 && *version < 5 &&
	    own == (int)(sizeof store_own_tables / sizeof store_own_tables[0]))
		return 0; /* an older isokiosk's, before application_id */
	return store_failf(err, "%s: an SQLite file with tables of another"
			   " program, not a records database: refusing to"
			   " touch it", st->path);
}

/* A read-only connection: "mode=ro"; on read-only media, where SQLite
 * cannot open the write-ahead log's index, "immutable=1". */
static int
store_open_reader(struct store *st, int *version, char **err)
{
	static const char *const modes[] = { "mode=ro", "mode=ro&immutable=1" };

	for (int m = 0; m < 2; m++) {
		int code;

		if (st->db != NULL) {
			sqlite3_close(st->db);
			st->db = NULL;
		}
		free(st->uri);
		st->uri = store_uri(st->path, modes[m]);
		if (sqlite3_open_v2(st->uri, &st->db, SQLITE_OPEN_READONLY |
				    SQLITE_OPEN_URI | SQLITE_OPEN_NOFOLLOW |
				    SQLITE_OPEN_NOMUTEX, "isokiosk-fail") !=
		    SQLITE_OK) {
			if (st->db == NULL)
				return store_open_fail(err, st->path,
						       "out of memory");
			code = sqlite3_errcode(st->db);
		} else {
			sqlite3_extended_result_codes(st->db, 1);
			sqlite3_busy_timeout(st->db, 5000);
			free(*err);
			*err = NULL;
			if (store_identify(st, version, err) == 0) {
				if (m == 1) {
					char *wal = xasprintf("%s-wal", st->path);
					struct stat sb;

					st->note = xasprintf("%s: read-only media:"
						" read as it is in the file%s",
						st->path,
						stat(wal, &sb) == 0 && sb.st_size > 0
						? ", without its -wal file (records"
						  " not yet checkpointed into it are"
						  " not shown)" : "");
					free(wal);
				}
				return 0;
			}
			code = sqlite3_errcode(st->db) & 0xff;
		}
		/* Only what read-only media does to a WAL reader is worth a
		 * second try. */
		if (m == 0 && (code == SQLITE_CANTOPEN || code == SQLITE_READONLY ||
			       code == SQLITE_IOERR || code == SQLITE_BUSY))
			continue;
		if (*err == NULL)
			store_open_fail(err, st->path, sqlite3_errmsg(st->db));
		return -1;
	}
	return -1;
}

struct store *
store_open(const char *path, const struct store_opts *opts, char **err)
{
	struct store *st;
	int version = -1;
	char *msg = NULL;

	if (sodium_init() < 0) {
		store_failf(err, "libsodium cannot start");
		return NULL;
	}
	if (store_vfs_register() != SQLITE_OK) {
		store_failf(err, "cannot set up the SQLite I/O layer");
		return NULL;
	}
	st = xcalloc(1, sizeof *st);
	st->lock_fd = -1;
	st->path = xstrdup(path);
	st->flags = opts != NULL ? opts->flags : 0;
	st->clock = opts != NULL && opts->clock != NULL ? opts->clock
							: store_system_clock;
	st->clock_ctx = opts != NULL ? opts->clock_ctx : NULL;

	if (store_open_file(st, path, err) != 0)
		goto fail;
	if (st->flags & STORE_READONLY) {
		if (store_open_reader(st, &version, &msg) != 0) {
			if (err != NULL) {
				free(*err);
				*err = msg;
			} else {
				free(msg);
			}
			goto fail;
		}
		/* Schemas 3 to 6 have what reading needs (6 only has no
		 * signatures: its links read as unsigned; 5 never holds a
		 * form 5 seal or a follow-up, 4 a form 4 seal, 3 a form 3
		 * one). */
		if (version > STORE_SCHEMA_VERSION) {
			store_failf(err, "%s: written by a newer isokiosk"
				    " (schema %d; this one reads 3 to %d): use"
				    " that isokiosk", path, version,
				    STORE_SCHEMA_VERSION);
			goto fail;
		}
		if (version == 0) {
			store_failf(err, "%s: empty: no records in it yet",
				    path);
			goto fail;
		}
		if (version < 3) {
			store_failf(err, "%s: schema %d, from an older isokiosk:"
				    " the kiosk migrates it when it next opens"
				    " it (isokiosk run --db %s)", path, version,
				    path);
			goto fail;
		}
		st->schema = version;
		/* Not memory-mapped (PRAGMA mmap_size): reading every
		 * record, each connection's first touch of each page of its
		 * own map is a page fault, which cost more than SQLite's
		 * copying the pages (records verify of 100,000 sessions:
		 * 0.89 s mapped, 0.82 s copied; 1.5 and 1.4 s CPU). */
		return st;
	}
	/* As a URI, so that no path ("file:...", ":memory:") means anything
	 * but the file. */
	st->uri = store_uri(path, "mode=rw");
	if (sqlite3_open_v2(st->uri, &st->db, SQLITE_OPEN_READWRITE |
			    SQLITE_OPEN_URI | SQLITE_OPEN_NOFOLLOW |
			    SQLITE_OPEN_NOMUTEX, "isokiosk-fail") != SQLITE_OK) {
		store_open_fail(err, path, st->db ? sqlite3_errmsg(st->db)
						  : "out of memory");
		goto fail;
	}
	sqlite3_extended_result_codes(st->db, 1);
	sqlite3_busy_timeout(st->db, 5000);
	/* Before anything writes (WAL mode writes the header). */
	if (store_identify(st, &version, err) != 0)
		goto fail;
	if (store_exec(st, "PRAGMA journal_mode=WAL;"
			   "PRAGMA synchronous=FULL;"
			   "PRAGMA foreign_keys=ON;", err) != 0)
		goto fail_prefix;
	if (store_migrate(st, err) != 0)
		goto fail_prefix;
	st->schema = STORE_SCHEMA_VERSION;
	if (!(st->flags & (STORE_NO_RECOVER | STORE_APPEND)) &&
	    store_recover(st, err) != 0)
		goto fail_prefix;
	return st;

fail_prefix:
	if (err != NULL && *err != NULL) {
		char *m = xasprintf("%s: %s", path, *err);

		free(*err);
		*err = m;
	}
fail:
	store_close(st);
	return NULL;
}

const char *
store_open_note(const struct store *st)
{
	return st->note;
}

struct store *
store_reader(struct store *st, char **err)
{
	struct store *r = xcalloc(1, sizeof *r);

	r->lock_fd = -1;
	r->path = xstrdup(st->path);
	r->flags = STORE_READONLY;
	r->clock = st->clock;
	r->clock_ctx = st->clock_ctx;
	r->schema = st->schema;
	/* the same file, read-only (immutable if st had to be) */
	r->uri = store_uri(st->path, st->note != NULL ? "mode=ro&immutable=1"
						     : "mode=ro");
	if (sqlite3_open_v2(r->uri, &r->db, SQLITE_OPEN_READONLY |
			    SQLITE_OPEN_URI | SQLITE_OPEN_NOFOLLOW |
			    SQLITE_OPEN_NOMUTEX, "isokiosk-fail") != SQLITE_OK) {
		store_failf(err, "%s: %s", st->path,
			    r->db ? sqlite3_errmsg(r->db) : "out of memory");
		store_close(r);
		return NULL;
	}
	sqlite3_extended_result_codes(r->db, 1);
	sqlite3_busy_timeout(r->db, 5000);
	return r; /* not memory-mapped: see store_open */
}

void
store_close(struct store *st)
{
	if (st == NULL)
		return;
	for (int i = 0; i < STMT_N; i++)
		sqlite3_finalize(st->stmt[i]);
	store_visit_close(st);
	for (int i = 0; i < STORE_GET_N; i++)
		sqlite3_finalize(st->get_stmt[i]);
	if (st->db != NULL)
		sqlite3_close(st->db);
	if (st->lock_fd >= 0)
		close(st->lock_fd);
	for (size_t i = 0; i < st->nfiles; i++) {
		free(st->files[i].version);
		free(st->files[i].block);
	}
	free(st->files);
	free(st->path);
	free(st->uri);
	free(st->note);
	free(st);
}

/* ---- writing ------------------------------------------------------------ */

static const char *const store_outcome_names[] = {
	[STORE_OPEN] = "open",
	[STORE_COMPLETED] = "completed",
	[STORE_STOPPED] = "stopped",
	[STORE_ABANDONED] = "abandoned",
	[STORE_TIMED_OUT] = "timed-out",
};

const char *
store_outcome_name(enum store_outcome o)
{
	if ((unsigned)o >= sizeof store_outcome_names / sizeof store_outcome_names[0])
		return "?";
	return store_outcome_names[o];
}

int
store_outcome_parse(const char *name)
{
	for (size_t i = 0; i < sizeof store_outcome_names /
			       sizeof store_outcome_names[0]; i++) {
		if (name != NULL && strcmp(name, store_outcome_names[i]) == 0)
			return (int)i;
	}
	return -1;
}

static bool
store_is_hex64(const char *s)
{
	size_t i;

	if (s == NULL)
		return false;
	for (i = 0; s[i] != '\0'; i++) {
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
			return false;
	}
	return i == 64;
}

/* v is what the input gate (ingate.h) lets through, unchanged: 0, or -1
 * with *err saying why not. */
int
store_clean(enum ingate_kind kind, const char *v, char **err)
{
	char *why = NULL;

	if (ingate_is_clean(kind, v, 0, &why))
		return 0;
	store_failf(err, "not recorded: %s", why);
	free(why);
	return -1;
}

/* Step a write statement; -1 with *err on failure. */
static int
store_step_done(struct store *st, sqlite3_stmt *s, char **err, const char *what)
{
	int rc = sqlite3_step(s);

	if (rc != SQLITE_DONE) {
		store_fail(st, err, what);
		sqlite3_reset(s);
		return -1;
	}
	sqlite3_reset(s);
	return 0;
}

int
store_session_begin(struct store *st, const struct store_start *ss,
		    int64_t *id, char **err)
{
	sqlite3_stmt *s;
	char now[32];

	if (ss->kiosk_id == NULL || ss->staff_id == NULL ||
	    ss->patient_ref == NULL || ss->lang == NULL)
		return store_failf(err, "a session needs a kiosk id, a staff id,"
				   " a patient reference and a language");
	if (!quiz_profile_valid(ss->profile))
		return store_failf(err, "unknown profile '%s' (pregnancy or"
				   " no-pregnancy)",
				   ss->profile ? ss->profile : "");
	/* The last line of the input gate: only clean text is recorded. */
	if (store_clean(INGATE_KIOSK, ss->kiosk_id, err) != 0 ||
	    store_clean(INGATE_STAFF, ss->staff_id, err) != 0 ||
	    store_clean(INGATE_REF, ss->patient_ref, err) != 0)
		return -1;
	if (!store_is_hex64(ss->content_version))
		return store_failf(err, "the content version must be 64"
				   " lowercase hex digits");
	if (store_txn_begin(st, err) != 0)
		return -1;
	if ((s = store_stmt(st, STMT_SESSION_INSERT, err)) == NULL)
		goto fail;
	store_now(st, now);
	store_bind_text(s, 1, ss->kiosk_id);
	store_bind_text(s, 2, ss->staff_id);
	store_bind_text(s, 3, ss->patient_ref);
	store_bind_text(s, 4, ss->profile);
	store_bind_text(s, 5, ss->lang);
	store_bind_text(s, 6, ss->content_version);
	sqlite3_bind_int(s, 7, ss->minor ? 1 : 0);
	store_bind_text(s, 8, now);
	if (store_step_done(st, s, err, "starting the session") != 0)
		goto fail;
	*id = sqlite3_last_insert_rowid(st->db);
	if (store_visit_begin(st, *id, ss->visit, err) != 0)
		goto fail;
	if (store_txn_commit(st, err) != 0)
		return -1;
	return 0;
fail:
	store_txn_rollback(st);
	return -1;
}

int
store_screen(struct store *st, int64_t id, const char *screen_id,
	     int64_t shown_ms, char **err)
{
	sqlite3_stmt *s;
	char now[32];

	if (screen_id == NULL || shown_ms < 0)
		return store_failf(err, "a screen time needs a screen id and a"
				   " time >= 0");
	if (store_txn_begin(st, err) != 0)
		return -1;
	if ((s = store_stmt(st, STMT_SCREEN_INSERT, err)) == NULL)
		goto fail;
	store_now(st, now);
	sqlite3_bind_int64(s, 1, id);
	store_bind_text(s, 2, screen_id);
	sqlite3_bind_int64(s, 3, shown_ms);
	store_bind_text(s, 4, now);
	if (store_step_done(st, s, err, "recording the screen time") != 0)
		goto fail;
	return store_txn_commit(st, err);
fail:
	store_txn_rollback(st);
	return -1;
}

static bool
store_same(const unsigned char *a, const char *b)
{
	if (a == NULL || b == NULL)
		return a == NULL && b == NULL;
	return strcmp((const char *)a, b) == 0;
}

int
store_answer(struct store *st, int64_t id, const struct store_answer *a,
	     char **err)
{
	sqlite3_stmt *s;
	char now[32];
	int rc;

	if (a->question_id == NULL || a->choice_text == NULL ||
	    a->attempt < 1 || a->choice < 0)
		return store_failf(err, "an answer needs a question id, an"
				   " attempt >= 1 and a choice");
	if (store_txn_begin(st, err) != 0)
		return -1;
	if ((s = store_stmt(st, STMT_ANSWER_FIND, err)) == NULL)
		goto fail;
	sqlite3_bind_int64(s, 1, id);
	store_bind_text(s, 2, a->question_id);
	sqlite3_bind_int(s, 3, a->attempt);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW) {
		bool same = sqlite3_column_int(s, 0) == a->choice &&
			    store_same(sqlite3_column_text(s, 1), a->choice_text) &&
			    store_same(sqlite3_column_text(s, 2), a->order) &&
			    sqlite3_column_int(s, 3) == (a->correct ? 1 : 0);

		sqlite3_reset(s);
		store_txn_rollback(st);
		if (same)
			return 0; /* a repeat of a stored answer */
		return store_failf(err, "session %lld: attempt %d at %s is"
				   " already recorded with another answer",
				   (long long)id, a->attempt, a->question_id);
	}
	sqlite3_reset(s);
	if (rc != SQLITE_DONE) {
		store_fail(st, err, "recording the answer");
		goto fail;
	}
	if ((s = store_stmt(st, STMT_ANSWER_INSERT, err)) == NULL)
		goto fail;
	store_now(st, now);
	sqlite3_bind_int64(s, 1, id);
	store_bind_text(s, 2, a->question_id);
	sqlite3_bind_int(s, 3, a->attempt);
	sqlite3_bind_int(s, 4, a->choice);
	store_bind_text(s, 5, a->choice_text);
	store_bind_text(s, 6, a->order);
	sqlite3_bind_int(s, 7, a->correct ? 1 : 0);
	store_bind_text(s, 8, now);
	if (store_step_done(st, s, err, "recording the answer") != 0)
		goto fail;
	return store_txn_commit(st, err);
fail:
	store_txn_rollback(st);
	return -1;
}

int
store_ack(struct store *st, int64_t id, const char *statement_id,
	  const char *text, char **err)
{
	sqlite3_stmt *s;
	char now[32], hash[65];
	int rc;

	if (statement_id == NULL || text == NULL)
		return store_failf(err, "an acknowledgement needs a statement"
				   " id and its text");
	store_sha256_hex(text, strlen(text), hash);
	if (store_txn_begin(st, err) != 0)
		return -1;
	if ((s = store_stmt(st, STMT_ACK_FIND, err)) == NULL)
		goto fail;
	sqlite3_bind_int64(s, 1, id);
	store_bind_text(s, 2, statement_id);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW) {
		bool same = store_same(sqlite3_column_text(s, 0), hash);

		sqlite3_reset(s);
		store_txn_rollback(st);
		if (same)
			return 0;
		return store_failf(err, "session %lld: %s is already"
				   " acknowledged with another text",
				   (long long)id, statement_id);
	}
	sqlite3_reset(s);
	if (rc != SQLITE_DONE) {
		store_fail(st, err, "recording the acknowledgement");
		goto fail;
	}
	if ((s = store_stmt(st, STMT_TEXT_INSERT, err)) == NULL)
		goto fail;
	store_bind_text(s, 1, hash);
	store_bind_text(s, 2, text);
	if (store_step_done(st, s, err, "recording the statement text") != 0)
		goto fail;
	if ((s = store_stmt(st, STMT_ACK_INSERT, err)) == NULL)
		goto fail;
	store_now(st, now);
	sqlite3_bind_int64(s, 1, id);
	store_bind_text(s, 2, statement_id);
	store_bind_text(s, 3, hash);
	store_bind_text(s, 4, now);
	if (store_step_done(st, s, err, "recording the acknowledgement") != 0)
		goto fail;
	return store_txn_commit(st, err);
fail:
	store_txn_rollback(st);
	return -1;
}

int
store_sign(struct store *st, int64_t id, const char *role, const char *name,
	   const char *meaning, char **err)
{
	sqlite3_stmt *s;
	char now[32];
	int rc;

	if (role == NULL || name == NULL || meaning == NULL || name[0] == '\0')
		return store_failf(err, "a signature needs a role, a name and"
				   " its meaning");
	if (store_clean(INGATE_NAME, name, err) != 0)
		return -1;
	if (store_txn_begin(st, err) != 0)
		return -1;
	if ((s = store_stmt(st, STMT_SIGN_FIND, err)) == NULL)
		goto fail;
	sqlite3_bind_int64(s, 1, id);
	store_bind_text(s, 2, role);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW) {
		bool same = store_same(sqlite3_column_text(s, 0), name) &&
			    store_same(sqlite3_column_text(s, 1), meaning);

		sqlite3_reset(s);
		store_txn_rollback(st);
		if (same)
			return 0;
		return store_failf(err, "session %lld: the %s has already"
				   " signed", (long long)id, role);
	}
	sqlite3_reset(s);
	if (rc != SQLITE_DONE) {
		store_fail(st, err, "recording the signature");
		goto fail;
	}
	if ((s = store_stmt(st, STMT_SIGN_INSERT, err)) == NULL)
		goto fail;
	store_now(st, now);
	sqlite3_bind_int64(s, 1, id);
	store_bind_text(s, 2, role);
	store_bind_text(s, 3, name);
	store_bind_text(s, 4, meaning);
	store_bind_text(s, 5, now);
	if (store_step_done(st, s, err, "recording the signature") != 0)
		goto fail;
	return store_txn_commit(st, err);
fail:
	store_txn_rollback(st);
	return -1;
}

int
store_session_end(struct store *st, int64_t id, enum store_outcome outcome,
		  const char *reason, char **err)
{
	if (outcome == STORE_OPEN || store_outcome_name(outcome)[0] == '?')
		return store_failf(err, "a session ends with an outcome");
	if (store_txn_begin(st, err) != 0)
		return -1;
	if (store_seal_session(st, id, outcome, reason, NULL, err) != 0) {
		store_txn_rollback(st);
		return -1;
	}
	return store_txn_commit(st, err);
}

int
store_staff_verify(struct store *st, int64_t id, const char *staff_id,
		   char **err)
{
	struct store_session ss;
	struct store_verify_row v = { 0 };
	char now[32], head[65], seal[65];
	int64_t seq;
	char *canon;
	size_t len;
	sqlite3_stmt *s;
	int rc;

	if (staff_id == NULL || staff_id[0] == '\0')
		return store_failf(err, "a verification needs a staff id");
	if (store_clean(INGATE_STAFF, staff_id, err) != 0)
		return -1;
	if (store_txn_begin(st, err) != 0)
		return -1;
	store_session_init(&ss);
	rc = store_session_get(st, id, &ss, err);
	if (rc != 0) {
		if (rc == 1)
			store_failf(err, "no session %lld", (long long)id);
		goto fail;
	}
	if (ss.seal_hash == NULL) {
		store_failf(err, "session %lld is still open", (long long)id);
		goto fail;
	}
	if (store_chain_head(st, &seq, head, err) != 0)
		goto fail;
	store_now(st, now);
	v.seq = seq + 1;
	v.staff_id = staff_id;
	v.at = now;
	canon = store_canonical_verification(&ss, &v, &len);
	store_seal_canonical(head, canon, len, seq + 1, seal);
	if ((s = store_stmt(st, STMT_VERIFY_INSERT, err)) == NULL)
		goto fail;
	sqlite3_bind_int64(s, 1, id);
	store_bind_text(s, 2, staff_id);
	store_bind_text(s, 3, now);
	sqlite3_bind_int64(s, 4, seq + 1);
	store_bind_text(s, 5, head);
	store_bind_text(s, 6, seal);
	if (store_step_done(st, s, err, "recording the verification") != 0)
		goto fail;
	if (store_sign_link(st, seq + 1, seal, err) != 0)
		goto fail;
	store_session_done(&ss);
	return store_txn_commit(st, err);
fail:
	store_session_done(&ss);
	store_txn_rollback(st);
	return -1;
}

/* The file lists read so far may have changed: read them again when next
 * needed. */
static void
store_files_forget(struct store *st)
{
	for (size_t i = 0; i < st->nfiles; i++) {
		free(st->files[i].version);
		free(st->files[i].block);
	}
	st->nfiles = 0;
	st->files_next = 0;
}

/* Store one content file inside the caller's transaction; ord is its
 * place in the version's list (0: not known). */
static int
store_content_put(struct store *st, const char *version, const char *name,
		  const char *bytes, size_t len, const char *hash, int ord,
		  char **err)
{
	sqlite3_stmt *s;

	if (len > INT_MAX)
		return store_failf(err, "%s: too large", name);
	if ((s = store_stmt(st, STMT_TEXT_INSERT, err)) == NULL)
		return -1;
	store_bind_text(s, 1, hash);
	sqlite3_bind_text(s, 2, bytes, (int)len, SQLITE_TRANSIENT);
	if (store_step_done(st, s, err, "storing the content file") != 0)
		return -1;
	if ((s = store_stmt(st, STMT_CONTENT_INSERT, err)) == NULL)
		return -1;
	store_bind_text(s, 1, version);
	store_bind_text(s, 2, name);
	store_bind_text(s, 3, hash);
	if (ord > 0)
		sqlite3_bind_int(s, 4, ord);
	if (store_step_done(st, s, err, "storing the content file") != 0)
		return -1;
	if (ord <= 0 || sqlite3_changes(st->db) > 0)
		return 0;
	/* Frozen before schema 5, without its place: it gets it now, if it
	 * is the same file. */
	if ((s = store_stmt(st, STMT_CONTENT_ORD, err)) == NULL)
		return -1;
	store_bind_text(s, 1, version);
	store_bind_text(s, 2, name);
	store_bind_text(s, 3, hash);
	sqlite3_bind_int(s, 4, ord);
	return store_step_done(st, s, err, "storing the content file");
}

int
store_content_file(struct store *st, const char *version, const char *name,
		   const char *bytes, size_t len, char **err)
{
	char hash[65];

	if (!store_is_hex64(version) || name == NULL || bytes == NULL)
		return store_failf(err, "a content file needs a version, a name"
				   " and its bytes");
	store_sha256_hex(bytes, len, hash);
	if (store_txn_begin(st, err) != 0)
		return -1;
	if (store_content_put(st, version, name, bytes, len, hash, 0, err) != 0) {
		store_txn_rollback(st);
		return -1;
	}
	store_files_forget(st);
	return store_txn_commit(st, err);
}

/* The whole file; caller frees. NULL with *err. */
static char *
store_read_file(const char *path, size_t *len, char **err)
{
	FILE *fp = fopen(path, "rb");
	struct strbuf sb;
	char buf[8192];
	size_t n;

	if (fp == NULL) {
		store_failf(err, "%s: %s", path, strerror(errno));
		return NULL;
	}
	strbuf_init(&sb);
	while ((n = fread(buf, 1, sizeof buf, fp)) > 0)
		strbuf_add(&sb, buf, n);
	if (ferror(fp)) {
		store_failf(err, "%s: %s", path, strerror(errno));
		fclose(fp);
		strbuf_done(&sb);
		return NULL;
	}
	fclose(fp);
	{
		char *out = strbuf_detach(&sb, len);

		strbuf_done(&sb);
		return out;
	}
}

int
store_content_freeze(struct store *st, const struct bundle_lang *l,
		     char **err)
{
	if (!store_is_hex64(l->version))
		return store_failf(err, "%s: no content version", l->code);
	if (store_txn_begin(st, err) != 0)
		return -1;
	for (size_t i = 0; i < l->nfiles; i++) {
		const struct bundle_file *f = &l->files[i];
		char hash[65], *name, *bytes;
		size_t len;
		int rc;

		bytes = store_read_file(f->path, &len, err);
		if (bytes == NULL)
			goto fail;
		store_sha256_hex(bytes, len, hash);
		if (strcmp(hash, f->sha256) != 0) {
			free(bytes);
			store_failf(err, "%s: changed since the content was"
				    " loaded", f->path);
			goto fail;
		}
		name = xasprintf("%s/%s", l->code, f->rel ? f->rel : f->path);
		rc = store_content_put(st, l->version, name, bytes, len, hash,
				       (int)i + 1, err);
		free(name);
		free(bytes);
		if (rc != 0)
			goto fail;
	}
	store_files_forget(st);
	return store_txn_commit(st, err);
fail:
	store_txn_rollback(st);
	return -1;
}
