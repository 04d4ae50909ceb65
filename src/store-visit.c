/*
 * store-visit: the follow-up visit's records (store-visit.h): schema 6's
 * tables, writing visit answers, flags, their acknowledgements and
 * pregnancy tests, reading them back, the visit block of canonical form 5
 * and the chain links that are not sessions' own (pregnancy tests, flag
 * acknowledgements).
 *
 * Kept apart from store.c and store-seal.c so that those change only by
 * small hooks: store_session_begin calls store_visit_begin, the canonical
 * form calls store_visit_canon, store_chain_head store_visit_head,
 * store_verify store_visit_links, store-sign.c's walk over the chain
 * store_visit_canonical; each link made here is signed (store_sign_link)
 * in the transaction that seals it.
 *
 * Canonical forms of the links this module adds (lines "name<TAB>value",
 * LF, values escaped as in store-seal.c):
 *
 *     isokiosk-pregnancy-test<TAB>1
 *     id, patient, date, result, setting, staff, at
 *
 *     isokiosk-flag-ack<TAB>1
 *     session, session-seal, flag (its seq), source, entry, level, staff, at
 *
 *     isokiosk-prescription<TAB>1
 *     session, session-seal, staff, test (the test's id; 0: none needed), at
 */
#include "store-visit.h"

#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "store-int.h"
#include "visit.h"
#include "xmalloc.h"

/* ---- schema ---------------------------------------------------------------- */

const char store_visit_schema_6[] =
	"ALTER TABLE sessions ADD COLUMN visit TEXT NOT NULL DEFAULT 'first';"
	"CREATE INDEX sessions_patient ON sessions(patient_ref, id);"
	"CREATE TABLE visit_answers(session_id INTEGER NOT NULL,"
	" seq INTEGER NOT NULL, kind TEXT NOT NULL, entry_id TEXT NOT NULL,"
	" choice INTEGER NOT NULL, score INTEGER NOT NULL, at TEXT NOT NULL,"
	" PRIMARY KEY(session_id, seq), UNIQUE(session_id, kind, entry_id))"
	" WITHOUT ROWID;"
	"CREATE TABLE flags(session_id INTEGER NOT NULL, seq INTEGER NOT NULL,"
	" source TEXT NOT NULL, entry_id TEXT NOT NULL, level TEXT NOT NULL,"
	" at TEXT NOT NULL, PRIMARY KEY(session_id, seq),"
	" UNIQUE(session_id, source, entry_id)) WITHOUT ROWID;"
	"CREATE TABLE flag_acks(id INTEGER PRIMARY KEY,"
	" session_id INTEGER NOT NULL, flag_seq INTEGER NOT NULL,"
	" staff_id TEXT NOT NULL, at TEXT NOT NULL,"
	" seal_seq INTEGER NOT NULL UNIQUE, seal_prev TEXT NOT NULL,"
	" seal_hash TEXT NOT NULL, UNIQUE(session_id, flag_seq));"
	"CREATE TABLE pregnancy_tests(id INTEGER PRIMARY KEY AUTOINCREMENT,"
	" patient_ref TEXT NOT NULL, test_date TEXT NOT NULL,"
	" result TEXT NOT NULL, setting TEXT NOT NULL, staff_id TEXT NOT NULL,"
	" at TEXT NOT NULL, seal_seq INTEGER NOT NULL UNIQUE,"
	" seal_prev TEXT NOT NULL, seal_hash TEXT NOT NULL);"
	"CREATE INDEX pregnancy_tests_patient ON"
	" pregnancy_tests(patient_ref, test_date);"
	"CREATE TABLE prescriptions(id INTEGER PRIMARY KEY,"
	" session_id INTEGER NOT NULL UNIQUE, staff_id TEXT NOT NULL,"
	" test_id INTEGER, at TEXT NOT NULL, seal_seq INTEGER NOT NULL UNIQUE,"
	" seal_prev TEXT NOT NULL, seal_hash TEXT NOT NULL);"
	"CREATE TRIGGER prescriptions_no_update BEFORE UPDATE ON prescriptions"
	" BEGIN SELECT RAISE(ABORT, 'prescriptions never change'); END;"
	"CREATE TRIGGER prescriptions_no_delete BEFORE DELETE ON prescriptions"
	" BEGIN SELECT RAISE(ABORT, 'prescriptions never change'); END;"
	"CREATE TRIGGER prescriptions_sealed_only BEFORE INSERT ON"
	" prescriptions WHEN (SELECT seal_hash FROM sessions WHERE id ="
	" NEW.session_id) IS NULL BEGIN"
	" SELECT RAISE(ABORT, 'the session is not sealed'); END;"
	"CREATE TRIGGER visit_answers_no_update BEFORE UPDATE ON visit_answers"
	" BEGIN SELECT RAISE(ABORT, 'consent records never change'); END;"
	"CREATE TRIGGER visit_answers_no_delete BEFORE DELETE ON visit_answers"
	" BEGIN SELECT RAISE(ABORT, 'consent records are never deleted'); END;"
	"CREATE TRIGGER visit_answers_open_only BEFORE INSERT ON visit_answers"
	" WHEN NOT EXISTS (SELECT 1 FROM sessions WHERE id = NEW.session_id"
	" AND seal_hash IS NULL) BEGIN"
	" SELECT RAISE(ABORT, 'no open session with that id'); END;"
	"CREATE TRIGGER flags_no_update BEFORE UPDATE ON flags"
	" BEGIN SELECT RAISE(ABORT, 'consent records never change'); END;"
	"CREATE TRIGGER flags_no_delete BEFORE DELETE ON flags"
	" BEGIN SELECT RAISE(ABORT, 'consent records are never deleted'); END;"
	"CREATE TRIGGER flags_open_only BEFORE INSERT ON flags"
	" WHEN NOT EXISTS (SELECT 1 FROM sessions WHERE id = NEW.session_id"
	" AND seal_hash IS NULL) BEGIN"
	" SELECT RAISE(ABORT, 'no open session with that id'); END;"
	"CREATE TRIGGER flag_acks_no_update BEFORE UPDATE ON flag_acks"
	" BEGIN SELECT RAISE(ABORT, 'acknowledgements never change'); END;"
	"CREATE TRIGGER flag_acks_no_delete BEFORE DELETE ON flag_acks"
	" BEGIN SELECT RAISE(ABORT, 'acknowledgements never change'); END;"
	"CREATE TRIGGER flag_acks_sealed_only BEFORE INSERT ON flag_acks"
	" WHEN (SELECT seal_hash FROM sessions WHERE id = NEW.session_id)"
	" IS NULL BEGIN SELECT RAISE(ABORT, 'the session is not sealed'); END;"
	"CREATE TRIGGER pregnancy_tests_no_update BEFORE UPDATE ON"
	" pregnancy_tests BEGIN"
	" SELECT RAISE(ABORT, 'pregnancy tests never change'); END;"
	"CREATE TRIGGER pregnancy_tests_no_delete BEFORE DELETE ON"
	" pregnancy_tests BEGIN"
	" SELECT RAISE(ABORT, 'pregnancy tests are never deleted'); END;";

/* ---- statements ---------------------------------------------------------- */

enum store_vstmt {
	VSTMT_VISIT_SET,
	VSTMT_ANSWER_FIND,
	VSTMT_ANSWER_INSERT,
	VSTMT_FLAG_FIND,
	VSTMT_FLAG_INSERT,
	VSTMT_HEAD_TESTS,
	VSTMT_HEAD_ACKS,
	VSTMT_HEAD_PRESC,
	VSTMT_CANON_VISIT,
	VSTMT_CANON_ANSWERS,
	VSTMT_CANON_FLAGS,
	VSTMT_N
};

static const char *const store_vstmt_sql[VSTMT_N] = {
	[VSTMT_VISIT_SET] =
		"UPDATE sessions SET visit = ?2 WHERE id = ?1"
		" AND seal_hash IS NULL",
	[VSTMT_ANSWER_FIND] =
		"SELECT choice, score FROM visit_answers"
		" WHERE session_id = ?1 AND kind = ?2 AND entry_id = ?3",
	[VSTMT_ANSWER_INSERT] =
		"INSERT INTO visit_answers(session_id, seq, kind, entry_id,"
		" choice, score, at) VALUES(?1, (SELECT coalesce(max(seq), 0)"
		" + 1 FROM visit_answers WHERE session_id = ?1), ?2, ?3, ?4,"
		" ?5, ?6)",
	[VSTMT_FLAG_FIND] =
		"SELECT seq, level FROM flags"
		" WHERE session_id = ?1 AND source = ?2 AND entry_id = ?3",
	[VSTMT_FLAG_INSERT] =
		"INSERT INTO flags(session_id, seq, source, entry_id, level, at)"
		" VALUES(?1, (SELECT coalesce(max(seq), 0) + 1 FROM flags"
		" WHERE session_id = ?1), ?2, ?3, ?4, ?5) RETURNING seq",
	[VSTMT_HEAD_TESTS] =
		"SELECT seal_seq, seal_hash FROM pregnancy_tests"
		" ORDER BY seal_seq DESC LIMIT 1",
	[VSTMT_HEAD_ACKS] =
		"SELECT seal_seq, seal_hash FROM flag_acks"
		" ORDER BY seal_seq DESC LIMIT 1",
	[VSTMT_HEAD_PRESC] =
		"SELECT seal_seq, seal_hash FROM prescriptions"
		" ORDER BY seal_seq DESC LIMIT 1",
	[VSTMT_CANON_VISIT] =
		"SELECT visit FROM sessions WHERE id = ?1",
	[VSTMT_CANON_ANSWERS] =
		"SELECT seq, kind, entry_id, choice, score, at FROM visit_answers"
		" WHERE session_id = ?1 ORDER BY seq",
	[VSTMT_CANON_FLAGS] =
		"SELECT seq, source, entry_id, level, at FROM flags"
		" WHERE session_id = ?1 ORDER BY seq",
};

static sqlite3_stmt *
store_vstmt(struct store *st, enum store_vstmt which, char **err)
{
	sqlite3_stmt *s = st->vstmt[which];

	if (s != NULL) {
		sqlite3_reset(s);
		sqlite3_clear_bindings(s);
		return s;
	}
	if (sqlite3_prepare_v3(st->db, store_vstmt_sql[which], -1,
			       SQLITE_PREPARE_PERSISTENT, &s,
			       NULL) != SQLITE_OK) {
		store_fail(st, err, "preparing a statement");
		return NULL;
	}
	st->vstmt[which] = s;
	return s;
}

void
store_visit_close(struct store *st)
{
	for (int i = 0; i < VSTMT_N; i++)
		sqlite3_finalize(st->vstmt[i]);
}

static int
store_vstep(struct store *st, sqlite3_stmt *s, char **err, const char *what)
{
	int rc = sqlite3_step(s);

	sqlite3_reset(s);
	if (rc != SQLITE_DONE && rc != SQLITE_ROW)
		return store_fail(st, err, what);
	return 0;
}

/* ---- values ------------------------------------------------------------------ */

static bool
store_in(const char *v, const char *const *set)
{
	for (; v != NULL && *set != NULL; set++)
		if (strcmp(v, *set) == 0)
			return true;
	return false;
}

static const char *const store_visits[] = { "first", "follow-up", NULL };
static const char *const store_results[] = { "negative", "positive",
					     "invalid", NULL };
static const char *const store_settings[] = { "clinic", "laboratory",
					      "home-supervised", NULL };
static const char *const store_kinds[] = { "method", "mood", "effect",
					   "reconsent", NULL };
static const char *const store_sources[] = { "methods", "mood", "effects",
					     "staff", NULL };
static const char *const store_levels[] = { "staff", "urgent", NULL };

bool
store_visit_valid(const char *visit)
{
	return store_in(visit, store_visits);
}

bool
store_test_result_valid(const char *v)
{
	return store_in(v, store_results);
}

bool
store_test_setting_valid(const char *v)
{
	return store_in(v, store_settings);
}

bool
store_date_valid(const char *v)
{
	static const unsigned char mdays[12] = { 31, 29, 31, 30, 31, 30, 31,
						 31, 30, 31, 30, 31 };
	int y, m, d;

	if (v == NULL || strlen(v) != 10 || v[4] != '-' || v[7] != '-')
		return false;
	for (int i = 0; i < 10; i++)
		if (i != 4 && i != 7 && (v[i] < '0' || v[i] > '9'))
			return false;
	y = atoi(v);
	m = atoi(v + 5);
	d = atoi(v + 8);
	if (y < 1900 || m < 1 || m > 12 || d < 1 || d > mdays[m - 1])
		return false;
	return !(m == 2 && d == 29 &&
		 !(y % 4 == 0 && (y % 100 != 0 || y % 400 == 0)));
}

static bool
store_id_ok(const char *v)
{
	return v != NULL && v[0] != '\0' && strlen(v) <= 200;
}

/* ---- writing -------------------------------------------------------------- */

int
store_visit_begin(struct store *st, int64_t id, const char *visit, char **err)
{
	sqlite3_stmt *s;

	if (visit == NULL || strcmp(visit, "first") == 0)
		return 0;
	if (!store_visit_valid(visit))
		return store_failf(err, "unknown visit '%s' (first or"
				   " follow-up)", visit);
	if ((s = store_vstmt(st, VSTMT_VISIT_SET, err)) == NULL)
		return -1;
	sqlite3_bind_int64(s, 1, id);
	store_bind_text(s, 2, visit);
	return store_vstep(st, s, err, "starting the visit");
}

int
store_visit_answer(struct store *st, int64_t id,
		   const struct store_visit_answer *a, char **err)
{
	sqlite3_stmt *s;
	char now[32];
	int rc;

	if (!store_in(a->kind, store_kinds) || !store_id_ok(a->entry) ||
	    a->choice < 0)
		return store_failf(err, "a visit answer needs a kind (method,"
				   " mood, effect or reconsent), an entry id"
				   " and a"
				   " choice >= 0");
	if (store_txn_begin(st, err) != 0)
		return -1;
	if ((s = store_vstmt(st, VSTMT_ANSWER_FIND, err)) == NULL)
		goto fail;
	sqlite3_bind_int64(s, 1, id);
	store_bind_text(s, 2, a->kind);
	store_bind_text(s, 3, a->entry);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW) {
		bool same = sqlite3_column_int(s, 0) == a->choice &&
			    sqlite3_column_int(s, 1) == a->score;

		sqlite3_reset(s);
		store_txn_rollback(st);
		if (same)
			return 0;
		return store_failf(err, "session %lld: %s %s was already"
				   " answered otherwise", (long long)id,
				   a->kind, a->entry);
	}
	sqlite3_reset(s);
	if (rc != SQLITE_DONE) {
		store_fail(st, err, "reading the visit");
		goto fail;
	}
	if ((s = store_vstmt(st, VSTMT_ANSWER_INSERT, err)) == NULL)
		goto fail;
	store_now(st, now);
	sqlite3_bind_int64(s, 1, id);
	store_bind_text(s, 2, a->kind);
	store_bind_text(s, 3, a->entry);
	sqlite3_bind_int(s, 4, a->choice);
	sqlite3_bind_int(s, 5, a->score);
	store_bind_text(s, 6, now);
	if (store_vstep(st, s, err, "recording the answer") != 0)
		goto fail;
	return store_txn_commit(st, err);
fail:
	store_txn_rollback(st);
	return -1;
}

int
store_flag_raise(struct store *st, int64_t id, const char *source,
		 const char *entry, const char *level, int64_t *seq,
		 char **err)
{
	sqlite3_stmt *s;
	char now[32];
	int rc;

	if (!store_in(source, store_sources) || !store_id_ok(entry) ||
	    !store_in(level, store_levels))
		return store_failf(err, "a flag needs a source (methods, mood,"
				   " effects or staff), an entry id and a level"
				   " (staff or urgent)");
	if (store_txn_begin(st, err) != 0)
		return -1;
	if ((s = store_vstmt(st, VSTMT_FLAG_FIND, err)) == NULL)
		goto fail;
	sqlite3_bind_int64(s, 1, id);
	store_bind_text(s, 2, source);
	store_bind_text(s, 3, entry);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW) {
		int64_t q = sqlite3_column_int64(s, 0);
		const unsigned char *l = sqlite3_column_text(s, 1);
		bool same = l != NULL && strcmp((const char *)l, level) == 0;

		sqlite3_reset(s);
		store_txn_rollback(st);
		if (seq != NULL)
			*seq = q;
		if (same)
			return 0;
		return store_failf(err, "session %lld: flag %s %s was already"
				   " raised at another level", (long long)id,
				   source, entry);
	}
	sqlite3_reset(s);
	if (rc != SQLITE_DONE) {
		store_fail(st, err, "reading the flags");
		goto fail;
	}
	if ((s = store_vstmt(st, VSTMT_FLAG_INSERT, err)) == NULL)
		goto fail;
	store_now(st, now);
	sqlite3_bind_int64(s, 1, id);
	store_bind_text(s, 2, source);
	store_bind_text(s, 3, entry);
	store_bind_text(s, 4, level);
	store_bind_text(s, 5, now);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW && seq != NULL)
		*seq = sqlite3_column_int64(s, 0);
	if (rc == SQLITE_ROW)
		rc = sqlite3_step(s);
	sqlite3_reset(s);
	if (rc != SQLITE_DONE) {
		store_fail(st, err, "raising the flag");
		goto fail;
	}
	return store_txn_commit(st, err);
fail:
	store_txn_rollback(st);
	return -1;
}

/* ---- canonical forms ----------------------------------------------------- */

static void
store_vfield(struct strbuf *sb, const char *name, const char *v)
{
	strbuf_addstr(sb, name);
	store_canon_put(sb, v);
	strbuf_addch(sb, '\n');
}

static void
store_vint(struct strbuf *sb, const char *name, long long v)
{
	strbuf_addf(sb, "%s\t%lld\n", name, v);
}

static void
store_canon_vanswer(struct strbuf *sb, const struct store_vanswer_row *r)
{
	strbuf_addf(sb, "v\t%lld", (long long)r->seq);
	store_canon_put(sb, r->kind);
	store_canon_put(sb, r->entry);
	strbuf_addf(sb, "\t%d\t%d", r->choice, r->score);
	store_canon_put(sb, r->at);
	strbuf_addch(sb, '\n');
}

static void
store_canon_flag(struct strbuf *sb, const struct store_flag_row *r)
{
	strbuf_addf(sb, "x\t%lld", (long long)r->seq);
	store_canon_put(sb, r->source);
	store_canon_put(sb, r->entry);
	store_canon_put(sb, r->level);
	store_canon_put(sb, r->at);
	strbuf_addch(sb, '\n');
}

/*
 * The visit block that ends canonical form 5 (before "malformed"):
 *
 *     visit<TAB>first|follow-up
 *     v<TAB>seq<TAB>kind<TAB>entry<TAB>choice<TAB>score<TAB>at  per answer
 *     x<TAB>seq<TAB>source<TAB>entry<TAB>level<TAB>at           per flag
 *
 * each in seq order; times as stored.
 */
void
store_visit_canon(const struct store_session *s, struct strbuf *sb)
{
	store_vfield(sb, "visit", s->visit != NULL ? s->visit : "first");
	for (size_t i = 0; i < s->nvanswers; i++)
		store_canon_vanswer(sb, &s->vanswers[i]);
	for (size_t i = 0; i < s->nflags; i++)
		store_canon_flag(sb, &s->flags[i]);
}

/* A text column; a value of another type marks the block malformed. */
static const char *
store_vcol(sqlite3_stmt *q, int i, bool *bad)
{
	int t = sqlite3_column_type(q, i);

	if (t != SQLITE_TEXT)
		*bad = true;
	return (const char *)sqlite3_column_text(q, i);
}

static int64_t
store_vint_col(sqlite3_stmt *q, int i, bool *bad)
{
	if (sqlite3_column_type(q, i) != SQLITE_INTEGER)
		*bad = true;
	return sqlite3_column_int64(q, i);
}

/* The answer or flag row of q whose seq is column i (then its other
 * columns in the order store_visit_read selects them), its strings
 * pointing into q. */
static void
store_vanswer_view(sqlite3_stmt *q, int i, struct store_vanswer_row *r,
		   bool *bad)
{
	r->seq = store_vint_col(q, i, bad);
	r->kind = store_vcol(q, i + 1, bad);
	r->entry = store_vcol(q, i + 2, bad);
	r->choice = (int)store_vint_col(q, i + 3, bad);
	r->score = (int)store_vint_col(q, i + 4, bad);
	r->at = store_vcol(q, i + 5, bad);
}

static void
store_flag_view(sqlite3_stmt *q, int i, struct store_flag_row *r, bool *bad)
{
	memset(r, 0, sizeof *r);
	r->seq = store_vint_col(q, i, bad);
	r->source = store_vcol(q, i + 1, bad);
	r->entry = store_vcol(q, i + 2, bad);
	r->level = store_vcol(q, i + 3, bad);
	r->at = store_vcol(q, i + 4, bad);
}

/* Read session id's visit, answers and flags; each handed to the
 * callbacks (strings valid during the call). bad is set for a value of the
 * wrong type (an edited database). */
static int
store_visit_read(struct store *st, int64_t id,
		 void (*visit)(const char *v, void *ctx),
		 void (*answer)(const struct store_vanswer_row *r, void *ctx),
		 void (*flag)(const struct store_flag_row *r, void *ctx),
		 void *ctx, bool *bad, char **err)
{
	sqlite3_stmt *q;
	int rc;

	if (st->schema < 6) {
		visit("first", ctx);
		return 0;
	}
	if ((q = store_vstmt(st, VSTMT_CANON_VISIT, err)) == NULL)
		return -1;
	sqlite3_bind_int64(q, 1, id);
	rc = sqlite3_step(q);
	if (rc == SQLITE_ROW)
		visit(store_vcol(q, 0, bad), ctx);
	sqlite3_reset(q);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return store_fail(st, err, "reading the visit");
	if ((q = store_vstmt(st, VSTMT_CANON_ANSWERS, err)) == NULL)
		return -1;
	sqlite3_bind_int64(q, 1, id);
	while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
		struct store_vanswer_row r;

		store_vanswer_view(q, 0, &r, bad);
		answer(&r, ctx);
	}
	sqlite3_reset(q);
	if (rc != SQLITE_DONE)
		return store_fail(st, err, "reading the visit");
	if ((q = store_vstmt(st, VSTMT_CANON_FLAGS, err)) == NULL)
		return -1;
	sqlite3_bind_int64(q, 1, id);
	while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
		struct store_flag_row r;

		store_flag_view(q, 0, &r, bad);
		flag(&r, ctx);
	}
	sqlite3_reset(q);
	if (rc != SQLITE_DONE)
		return store_fail(st, err, "reading the visit");
	return 0;
}

/*
 * Verification's read of the visit blocks: beside store_walk_rows' pass
 * over a range of sessions, one pass over each visit table in session
 * order (the same merge), rather than three queries a session.
 */
enum { STORE_VW_VISIT, STORE_VW_ANSWERS, STORE_VW_FLAGS, STORE_VW_N };

struct store_visit_walk {
	struct store *st;
	sqlite3_stmt *q[STORE_VW_N]; /* NULL before schema 6 */
	int rc[STORE_VW_N];          /* each one's last step */
};

struct store_visit_walk *
store_visit_walk_new(struct store *st, int64_t lo, int64_t hi, char **err)
{
	static const char *const sql[STORE_VW_N] = {
		"SELECT id, visit FROM sessions WHERE id >= ?1 AND id < ?2"
		" ORDER BY id",
		"SELECT session_id, seq, kind, entry_id, choice, score, at"
		" FROM visit_answers WHERE session_id >= ?1 AND session_id < ?2"
		" ORDER BY session_id, seq",
		"SELECT session_id, seq, source, entry_id, level, at FROM flags"
		" WHERE session_id >= ?1 AND session_id < ?2"
		" ORDER BY session_id, seq",
	};
	struct store_visit_walk *w = xcalloc(1, sizeof *w);

	w->st = st;
	for (int i = 0; i < STORE_VW_N; i++) {
		w->rc[i] = SQLITE_DONE;
		if (st->schema < 6)
			continue;
		if (sqlite3_prepare_v2(st->db, sql[i], -1, &w->q[i],
				       NULL) != SQLITE_OK) {
			store_fail(st, err, "reading the visits");
			store_visit_walk_free(w);
			return NULL;
		}
		sqlite3_bind_int64(w->q[i], 1, lo);
		sqlite3_bind_int64(w->q[i], 2, hi);
		w->rc[i] = sqlite3_step(w->q[i]);
	}
	return w;
}

void
store_visit_walk_free(struct store_visit_walk *w)
{
	if (w == NULL)
		return;
	for (int i = 0; i < STORE_VW_N; i++)
		sqlite3_finalize(w->q[i]);
	free(w);
}

/* Is walk statement i on a row of session id? Rows of the sessions before
 * it (not asked for: unsealed, or gone) are passed over, and so is a row
 * whose session id is not an integer (as `session_id = ?` would). */
static bool
store_visit_walk_at(struct store_visit_walk *w, int i, int64_t id)
{
	while (w->rc[i] == SQLITE_ROW) {
		sqlite3_value *v = sqlite3_column_value(w->q[i], 0);

		if (sqlite3_value_type(v) == SQLITE_INTEGER) {
			int64_t sid = sqlite3_value_int64(v);

			if (sid > id)
				return false;
			if (sid == id)
				return true;
		}
		w->rc[i] = sqlite3_step(w->q[i]);
	}
	return false;
}

int
store_visit_walk_canon(struct store_visit_walk *w, int64_t id,
		       struct strbuf *sb, char **err)
{
	bool bad = false;

	if (w->q[STORE_VW_VISIT] == NULL) { /* before schema 6 */
		store_vfield(sb, "visit", "first");
		return 0;
	}
	if (store_visit_walk_at(w, STORE_VW_VISIT, id)) {
		store_vfield(sb, "visit",
			     store_vcol(w->q[STORE_VW_VISIT], 1, &bad));
		w->rc[STORE_VW_VISIT] = sqlite3_step(w->q[STORE_VW_VISIT]);
	}
	while (store_visit_walk_at(w, STORE_VW_ANSWERS, id)) {
		struct store_vanswer_row r;

		store_vanswer_view(w->q[STORE_VW_ANSWERS], 1, &r, &bad);
		store_canon_vanswer(sb, &r);
		w->rc[STORE_VW_ANSWERS] = sqlite3_step(w->q[STORE_VW_ANSWERS]);
	}
	while (store_visit_walk_at(w, STORE_VW_FLAGS, id)) {
		struct store_flag_row r;

		store_flag_view(w->q[STORE_VW_FLAGS], 1, &r, &bad);
		store_canon_flag(sb, &r);
		w->rc[STORE_VW_FLAGS] = sqlite3_step(w->q[STORE_VW_FLAGS]);
	}
	for (int i = 0; i < STORE_VW_N; i++)
		if (w->rc[i] != SQLITE_ROW && w->rc[i] != SQLITE_DONE)
			return store_fail(w->st, err, "reading the visits");
	if (bad)
		strbuf_addstr(sb, "visit-malformed\t1\n");
	return 0;
}

/* ---- loading into a session ----------------------------------------------- */

struct store_vload {
	struct store_session *s;
	struct arena *a;
	size_t capa, capf;
};

static const char *
store_vdup(struct arena *a, const char *v)
{
	return v == NULL ? NULL : arena_strndup(a, v, strlen(v));
}

static void
store_vl_visit(const char *v, void *ctx)
{
	struct store_vload *l = ctx;

	l->s->visit = store_vdup(l->a, v);
}

static void
store_vl_answer(const struct store_vanswer_row *r, void *ctx)
{
	struct store_vload *l = ctx;
	struct store_vanswer_row *d;

	XGROW(l->s->vanswers, l->s->nvanswers, l->capa);
	d = &l->s->vanswers[l->s->nvanswers++];
	*d = *r;
	d->kind = store_vdup(l->a, r->kind);
	d->entry = store_vdup(l->a, r->entry);
	d->at = store_vdup(l->a, r->at);
}

static void
store_vl_flag(const struct store_flag_row *r, void *ctx)
{
	struct store_vload *l = ctx;
	struct store_flag_row *d;

	XGROW(l->s->flags, l->s->nflags, l->capf);
	d = &l->s->flags[l->s->nflags++];
	*d = *r;
	d->source = store_vdup(l->a, r->source);
	d->entry = store_vdup(l->a, r->entry);
	d->level = store_vdup(l->a, r->level);
	d->at = store_vdup(l->a, r->at);
}

int
store_visit_load(struct store *st, struct store_session *s, char **err)
{
	struct store_session_priv *p = s->arena_;
	struct store_vload l = { s, &p->arena, 0, 0 };
	bool bad = false;
	sqlite3_stmt *q;
	int rc;

	free(s->vanswers);
	free(s->flags);
	s->vanswers = NULL;
	s->flags = NULL;
	s->nvanswers = s->nflags = 0;
	s->visit = "first";
	if (store_visit_read(st, s->id, store_vl_visit, store_vl_answer,
			     store_vl_flag, &l, &bad, err) != 0)
		return -1;
	if (bad)
		s->malformed = true;
	if (s->visit == NULL)
		s->visit = "first";
	s->presc_staff = s->presc_at = NULL;
	s->presc_test = s->presc_seq = 0;
	if (st->schema < 6)
		return 0;
	if (sqlite3_prepare_v2(st->db, "SELECT staff_id, at, test_id, seal_seq"
			       " FROM prescriptions WHERE session_id = ?1", -1,
			       &q, NULL) != SQLITE_OK)
		return store_fail(st, err, "reading the prescription");
	sqlite3_bind_int64(q, 1, s->id);
	if ((rc = sqlite3_step(q)) == SQLITE_ROW) {
		s->presc_staff = store_vdup(l.a, (const char *)
					    sqlite3_column_text(q, 0));
		s->presc_at = store_vdup(l.a, (const char *)
					 sqlite3_column_text(q, 1));
		s->presc_test = sqlite3_column_int64(q, 2);
		s->presc_seq = sqlite3_column_int64(q, 3);
	}
	sqlite3_finalize(q);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return store_fail(st, err, "reading the prescription");
	if (s->nflags == 0)
		return 0;
	/* The acknowledgements of its flags. */
	if (sqlite3_prepare_v2(st->db, "SELECT flag_seq, staff_id, at,"
			       " seal_seq, seal_prev, seal_hash FROM flag_acks"
			       " WHERE session_id = ?1", -1, &q,
			       NULL) != SQLITE_OK)
		return store_fail(st, err, "reading the flags");
	sqlite3_bind_int64(q, 1, s->id);
	while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
		int64_t fseq = sqlite3_column_int64(q, 0);

		for (size_t i = 0; i < s->nflags; i++) {
			struct store_flag_row *f = &s->flags[i];

			if (f->seq != fseq)
				continue;
			f->ack_staff = store_vdup(l.a, (const char *)
						  sqlite3_column_text(q, 1));
			f->ack_at = store_vdup(l.a, (const char *)
					       sqlite3_column_text(q, 2));
			f->ack_seq = sqlite3_column_int64(q, 3);
			f->ack_prev = store_vdup(l.a, (const char *)
						 sqlite3_column_text(q, 4));
			f->ack_hash = store_vdup(l.a, (const char *)
						 sqlite3_column_text(q, 5));
		}
	}
	sqlite3_finalize(q);
	if (rc != SQLITE_DONE)
		return store_fail(st, err, "reading the flags");
	return 0;
}

/* ---- links of their own --------------------------------------------------- */

static char *
store_canon_test(int64_t id, const char *patient, const char *date,
		 const char *result, const char *setting, const char *staff,
		 const char *at, size_t *len)
{
	struct strbuf sb;

	strbuf_init(&sb);
	strbuf_addstr(&sb, "isokiosk-pregnancy-test\t1\n");
	store_vint(&sb, "id", id);
	store_vfield(&sb, "patient", patient);
	store_vfield(&sb, "date", date);
	store_vfield(&sb, "result", result);
	store_vfield(&sb, "setting", setting);
	store_vfield(&sb, "staff", staff);
	store_vfield(&sb, "at", at);
	return strbuf_detach(&sb, len);
}

static char *
store_canon_flag_ack(int64_t session, const char *session_seal,
		     int64_t flag, const char *source, const char *entry,
		     const char *level, const char *staff, const char *at,
		     size_t *len)
{
	struct strbuf sb;

	strbuf_init(&sb);
	strbuf_addstr(&sb, "isokiosk-flag-ack\t1\n");
	store_vint(&sb, "session", session);
	store_vfield(&sb, "session-seal", session_seal);
	store_vint(&sb, "flag", flag);
	store_vfield(&sb, "source", source);
	store_vfield(&sb, "entry", entry);
	store_vfield(&sb, "level", level);
	store_vfield(&sb, "staff", staff);
	store_vfield(&sb, "at", at);
	return strbuf_detach(&sb, len);
}

static char *
store_canon_presc(int64_t session, const char *session_seal,
		  const char *staff, int64_t test, const char *at, size_t *len)
{
	struct strbuf sb;

	strbuf_init(&sb);
	strbuf_addstr(&sb, "isokiosk-prescription\t1\n");
	store_vint(&sb, "session", session);
	store_vfield(&sb, "session-seal", session_seal);
	store_vfield(&sb, "staff", staff);
	store_vint(&sb, "test", test);
	store_vfield(&sb, "at", at);
	return strbuf_detach(&sb, len);
}

int
store_visit_head(struct store *st, int64_t *seq, char hash[65], char **err)
{
	enum store_vstmt which[3] = { VSTMT_HEAD_TESTS, VSTMT_HEAD_ACKS,
				      VSTMT_HEAD_PRESC };

	if (st->schema < 6)
		return 0;
	for (int i = 0; i < 3; i++) {
		sqlite3_stmt *s = store_vstmt(st, which[i], err);
		int rc;

		if (s == NULL)
			return -1;
		rc = sqlite3_step(s);
		if (rc == SQLITE_ROW && sqlite3_column_int64(s, 0) > *seq) {
			const unsigned char *h = sqlite3_column_text(s, 1);

			*seq = sqlite3_column_int64(s, 0);
			snprintf(hash, 65, "%s", h != NULL ? (const char *)h : "");
		}
		sqlite3_reset(s);
		if (rc != SQLITE_ROW && rc != SQLITE_DONE)
			return store_fail(st, err, "reading the chain");
	}
	return 0;
}

int
store_test_add(struct store *st, const struct store_test *t, int64_t *id,
	       char **err)
{
	char now[32], latest[32], head[65], seal[65];
	int64_t seq, nid, ms;
	sqlite3_stmt *q;
	char *canon;
	size_t len;
	int rc;

	if (!store_id_ok(t->patient_ref))
		return store_failf(err, "a pregnancy test needs the patient's"
				   " reference");
	if (!store_date_valid(t->date))
		return store_failf(err, "date '%s': not a date (YYYY-MM-DD)",
				   t->date ? t->date : "");
	if (!store_test_result_valid(t->result))
		return store_failf(err, "result '%s': not one of negative,"
				   " positive, invalid",
				   t->result ? t->result : "");
	if (!store_test_setting_valid(t->setting))
		return store_failf(err, "setting '%s': not one of clinic,"
				   " laboratory, home-supervised",
				   t->setting ? t->setting : "");
	if (!store_id_ok(t->staff_id))
		return store_failf(err, "a pregnancy test needs a staff id");
	if (store_clean(INGATE_REF, t->patient_ref, err) != 0 ||
	    store_clean(INGATE_STAFF, t->staff_id, err) != 0)
		return -1;
	if (store_txn_begin(st, err) != 0)
		return -1;
	/* The store keeps UTC; the date is the clinic's own. No clock on
	 * earth is more than 14 hours ahead of UTC, so a date after UTC + 14 h
	 * is in the future wherever the clinic is (the kiosk and the shell
	 * command check against the clinic's own today first). */
	ms = st->clock(st->clock_ctx);
	store_format_time(ms, now);
	store_format_time(ms + 14 * 3600 * INT64_C(1000), latest);
	if (strncmp(t->date, latest, 10) > 0) {
		store_failf(err, "date %s: in the future", t->date);
		goto fail;
	}
	if (store_chain_head(st, &seq, head, err) != 0)
		goto fail;
	if (sqlite3_prepare_v2(st->db, "SELECT coalesce((SELECT seq FROM"
			       " sqlite_sequence WHERE name ="
			       " 'pregnancy_tests'), 0) + 1", -1, &q,
			       NULL) != SQLITE_OK) {
		store_fail(st, err, "recording the test");
		goto fail;
	}
	rc = sqlite3_step(q);
	nid = sqlite3_column_int64(q, 0);
	sqlite3_finalize(q);
	if (rc != SQLITE_ROW) {
		store_fail(st, err, "recording the test");
		goto fail;
	}
	canon = store_canon_test(nid, t->patient_ref, t->date, t->result,
				 t->setting, t->staff_id, now, &len);
	store_seal_canonical(head, canon, len, seq + 1, seal);
	if (sqlite3_prepare_v2(st->db, "INSERT INTO pregnancy_tests(id,"
			       " patient_ref, test_date, result, setting,"
			       " staff_id, at, seal_seq, seal_prev, seal_hash)"
			       " VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9,"
			       " ?10)", -1, &q, NULL) != SQLITE_OK) {
		store_fail(st, err, "recording the test");
		goto fail;
	}
	sqlite3_bind_int64(q, 1, nid);
	store_bind_text(q, 2, t->patient_ref);
	store_bind_text(q, 3, t->date);
	store_bind_text(q, 4, t->result);
	store_bind_text(q, 5, t->setting);
	store_bind_text(q, 6, t->staff_id);
	store_bind_text(q, 7, now);
	sqlite3_bind_int64(q, 8, seq + 1);
	store_bind_text(q, 9, seq == 0 ? "" : head);
	store_bind_text(q, 10, seal);
	rc = sqlite3_step(q);
	sqlite3_finalize(q);
	if (rc != SQLITE_DONE) {
		store_fail(st, err, "recording the test");
		goto fail;
	}
	/* signed in the sealing transaction, as every link (store-sign.c) */
	if (store_sign_link(st, seq + 1, seal, err) != 0)
		goto fail;
	if (id != NULL)
		*id = nid;
	return store_txn_commit(st, err);
fail:
	store_txn_rollback(st);
	return -1;
}

int
store_flag_ack(struct store *st, int64_t id, int64_t seq,
	       const char *staff_id, char **err)
{
	struct store_session ss;
	const struct store_flag_row *f = NULL;
	char now[32], head[65], seal[65];
	int64_t hseq;
	sqlite3_stmt *q;
	char *canon;
	size_t len;
	int rc;

	if (!store_id_ok(staff_id))
		return store_failf(err, "an acknowledgement needs a staff id");
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
	for (size_t i = 0; i < ss.nflags; i++)
		if (ss.flags[i].seq == seq)
			f = &ss.flags[i];
	if (f == NULL) {
		store_failf(err, "session %lld has no flag %lld", (long long)id,
			    (long long)seq);
		goto fail;
	}
	if (f->ack_staff != NULL) {
		store_failf(err, "session %lld: flag %lld was acknowledged by"
			    " %s at %s", (long long)id, (long long)seq,
			    f->ack_staff, f->ack_at ? f->ack_at : "?");
		goto fail;
	}
	if (ss.seal_hash == NULL) {
		store_failf(err, "session %lld is still open", (long long)id);
		goto fail;
	}
	if (store_chain_head(st, &hseq, head, err) != 0)
		goto fail;
	store_now(st, now);
	canon = store_canon_flag_ack(id, ss.seal_hash, seq, f->source,
				     f->entry, f->level, staff_id, now, &len);
	store_seal_canonical(head, canon, len, hseq + 1, seal);
	if (sqlite3_prepare_v2(st->db, "INSERT INTO flag_acks(session_id,"
			       " flag_seq, staff_id, at, seal_seq, seal_prev,"
			       " seal_hash) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7)",
			       -1, &q, NULL) != SQLITE_OK) {
		store_fail(st, err, "recording the acknowledgement");
		goto fail;
	}
	sqlite3_bind_int64(q, 1, id);
	sqlite3_bind_int64(q, 2, seq);
	store_bind_text(q, 3, staff_id);
	store_bind_text(q, 4, now);
	sqlite3_bind_int64(q, 5, hseq + 1);
	store_bind_text(q, 6, hseq == 0 ? "" : head);
	store_bind_text(q, 7, seal);
	rc = sqlite3_step(q);
	sqlite3_finalize(q);
	if (rc != SQLITE_DONE) {
		store_fail(st, err, "recording the acknowledgement");
		goto fail;
	}
	if (store_sign_link(st, hseq + 1, seal, err) != 0)
		goto fail;
	store_session_done(&ss);
	return store_txn_commit(st, err);
fail:
	store_session_done(&ss);
	store_txn_rollback(st);
	return -1;
}

/*
 * The links of their own (pregnancy tests, flag acknowledgements, may
 * prescribe) read back, each with its canonical form made by the same
 * function that sealed it: for store_verify, and for store-sign.c's walk
 * (signatures, checkpoints, sync). kind STORE_LINK_KIND_N: every kind;
 * cmp "<=" or "=" against v on seal_seq.
 */
struct store_vrow {
	enum store_link_kind kind;
	int64_t seq;
	int64_t id;             /* the test's id, or the session's */
	const char *prev, *hash;
	char *canon;            /* freed after fn */
	size_t len;
};

static int
store_visit_rows(struct store *st, enum store_link_kind kind, const char *cmp,
		 int64_t v, int (*fn)(void *ctx, const struct store_vrow *r),
		 void *ctx, char **err)
{
	sqlite3_stmt *q;
	char *sql;
	int rc, r = 0;

	if (st->schema < 6)
		return 0;
	if (kind == STORE_LINK_TEST || kind == STORE_LINK_KIND_N) {
		sql = xasprintf("SELECT id, patient_ref, test_date, result,"
				" setting, staff_id, at, seal_seq, seal_prev,"
				" seal_hash FROM pregnancy_tests"
				" WHERE seal_seq %s ?1", cmp);
		rc = sqlite3_prepare_v2(st->db, sql, -1, &q, NULL);
		free(sql);
		if (rc != SQLITE_OK)
			return store_fail(st, err,
					  "reading the pregnancy tests");
		sqlite3_bind_int64(q, 1, v);
		while (r == 0 && (rc = sqlite3_step(q)) == SQLITE_ROW) {
			struct store_vrow l = { STORE_LINK_TEST, 0, 0, 0, 0,
						0, 0 };

			l.canon = store_canon_test(sqlite3_column_int64(q, 0),
				(const char *)sqlite3_column_text(q, 1),
				(const char *)sqlite3_column_text(q, 2),
				(const char *)sqlite3_column_text(q, 3),
				(const char *)sqlite3_column_text(q, 4),
				(const char *)sqlite3_column_text(q, 5),
				(const char *)sqlite3_column_text(q, 6),
				&l.len);
			l.seq = sqlite3_column_int64(q, 7);
			l.id = sqlite3_column_int64(q, 0);
			l.prev = (const char *)sqlite3_column_text(q, 8);
			l.hash = (const char *)sqlite3_column_text(q, 9);
			r = fn(ctx, &l);
			free(l.canon);
		}
		sqlite3_finalize(q);
		if (r != 0)
			return r;
		if (rc != SQLITE_DONE)
			return store_fail(st, err,
					  "reading the pregnancy tests");
	}
	if (kind == STORE_LINK_FLAG_ACK || kind == STORE_LINK_KIND_N) {
		sql = xasprintf("SELECT a.session_id, s.seal_hash, a.flag_seq,"
				" f.source, f.entry_id, f.level, a.staff_id,"
				" a.at, a.seal_seq, a.seal_prev, a.seal_hash"
				" FROM flag_acks a LEFT JOIN sessions s ON"
				" s.id = a.session_id LEFT JOIN flags f ON"
				" f.session_id = a.session_id AND"
				" f.seq = a.flag_seq WHERE a.seal_seq %s ?1",
				cmp);
		rc = sqlite3_prepare_v2(st->db, sql, -1, &q, NULL);
		free(sql);
		if (rc != SQLITE_OK)
			return store_fail(st, err,
					  "reading the acknowledgements");
		sqlite3_bind_int64(q, 1, v);
		while (r == 0 && (rc = sqlite3_step(q)) == SQLITE_ROW) {
			struct store_vrow l = { STORE_LINK_FLAG_ACK, 0, 0, 0,
						0, 0, 0 };

			l.canon = store_canon_flag_ack(
				sqlite3_column_int64(q, 0),
				(const char *)sqlite3_column_text(q, 1),
				sqlite3_column_int64(q, 2),
				(const char *)sqlite3_column_text(q, 3),
				(const char *)sqlite3_column_text(q, 4),
				(const char *)sqlite3_column_text(q, 5),
				(const char *)sqlite3_column_text(q, 6),
				(const char *)sqlite3_column_text(q, 7),
				&l.len);
			l.seq = sqlite3_column_int64(q, 8);
			l.id = sqlite3_column_int64(q, 0);
			l.prev = (const char *)sqlite3_column_text(q, 9);
			l.hash = (const char *)sqlite3_column_text(q, 10);
			r = fn(ctx, &l);
			free(l.canon);
		}
		sqlite3_finalize(q);
		if (r != 0)
			return r;
		if (rc != SQLITE_DONE)
			return store_fail(st, err,
					  "reading the acknowledgements");
	}
	if (kind == STORE_LINK_PRESCRIPTION || kind == STORE_LINK_KIND_N) {
		sql = xasprintf("SELECT p.session_id, s.seal_hash, p.staff_id,"
				" p.test_id, p.at, p.seal_seq, p.seal_prev,"
				" p.seal_hash FROM prescriptions p LEFT JOIN"
				" sessions s ON s.id = p.session_id"
				" WHERE p.seal_seq %s ?1", cmp);
		rc = sqlite3_prepare_v2(st->db, sql, -1, &q, NULL);
		free(sql);
		if (rc != SQLITE_OK)
			return store_fail(st, err,
					  "reading the prescriptions");
		sqlite3_bind_int64(q, 1, v);
		while (r == 0 && (rc = sqlite3_step(q)) == SQLITE_ROW) {
			struct store_vrow l = { STORE_LINK_PRESCRIPTION, 0, 0,
						0, 0, 0, 0 };

			l.canon = store_canon_presc(sqlite3_column_int64(q, 0),
				(const char *)sqlite3_column_text(q, 1),
				(const char *)sqlite3_column_text(q, 2),
				sqlite3_column_int64(q, 3),
				(const char *)sqlite3_column_text(q, 4),
				&l.len);
			l.seq = sqlite3_column_int64(q, 5);
			l.id = sqlite3_column_int64(q, 0);
			l.prev = (const char *)sqlite3_column_text(q, 6);
			l.hash = (const char *)sqlite3_column_text(q, 7);
			r = fn(ctx, &l);
			free(l.canon);
		}
		sqlite3_finalize(q);
		if (r != 0)
			return r;
		if (rc != SQLITE_DONE)
			return store_fail(st, err,
					  "reading the prescriptions");
	}
	return 0;
}

struct store_vlinks {
	void (*add)(void *ctx, const struct store_xlink *l);
	void *ctx;
};

static int
store_vlinks_add(void *ctx, const struct store_vrow *r)
{
	static const char *const what[STORE_LINK_KIND_N] = {
		[STORE_LINK_TEST] = "pregnancy test",
		[STORE_LINK_FLAG_ACK] = "flag acknowledgement",
		[STORE_LINK_PRESCRIPTION] = "prescription",
	};
	struct store_vlinks *v = ctx;
	struct store_xlink l = { 0 };

	crypto_hash_sha256(l.digest, (const unsigned char *)r->canon, r->len);
	l.seq = r->seq;
	l.what = what[r->kind];
	l.id = r->id;
	l.prev = r->prev;
	l.hash = r->hash;
	v->add(v->ctx, &l);
	return 0;
}

/* Every pregnancy test, flag acknowledgement and prescription as a link
 * for store_verify (seal_seq <= bound only). */
int
store_visit_links(struct store *st, int64_t bound,
		  void (*add)(void *ctx, const struct store_xlink *l),
		  void *ctx, char **err)
{
	struct store_vlinks v = { add, ctx };

	return store_visit_rows(st, STORE_LINK_KIND_N, "<=", bound,
				store_vlinks_add, &v, err);
}

struct store_vcanon {
	char *canon;
	size_t len;
};

static int
store_vcanon_keep(void *ctx, const struct store_vrow *r)
{
	struct store_vcanon *c = ctx;

	c->canon = xmalloc(r->len + 1);
	memcpy(c->canon, r->canon, r->len);
	c->canon[r->len] = '\0';
	c->len = r->len;
	return 1;
}

char *
store_visit_canonical(struct store *st, enum store_link_kind kind,
		      int64_t seq, size_t *len, char **err)
{
	struct store_vcanon c = { NULL, 0 };
	int rc = store_visit_rows(st, kind, "=", seq, store_vcanon_keep, &c,
				  err);

	if (rc < 0)
		return NULL;
	if (c.canon == NULL) {
		store_failf(err, "link %lld: no %s with that link",
			    (long long)seq, store_link_kind_name(kind));
		return NULL;
	}
	*len = c.len;
	return c.canon;
}

/* ---- may prescribe ------------------------------------------------------------ */

struct store_presc_tests {
	struct visit_test *v;
	int64_t *ids;
	char **keep;
	size_t n, cap, nkeep, capkeep;
};

static char *
store_presc_keep(struct store_presc_tests *t, const char *s)
{
	char *c = xstrdup(s != NULL ? s : "");

	XGROW(t->keep, t->nkeep, t->capkeep);
	t->keep[t->nkeep++] = c;
	return c;
}

static int
store_presc_test(const struct store_test_row *r, void *ctx)
{
	struct store_presc_tests *t = ctx;

	/* A test whose seal does not hold is not relied on. */
	if (!r->holds)
		return 0;
	if (t->n == t->cap) {
		t->cap = t->cap ? t->cap * 2 : 8;
		t->v = xreallocarray(t->v, t->cap, sizeof *t->v);
		t->ids = xreallocarray(t->ids, t->cap, sizeof *t->ids);
	}
	t->v[t->n].date = store_presc_keep(t, r->date);
	t->v[t->n].result = store_presc_keep(t, r->result);
	t->ids[t->n++] = r->id;
	return 0;
}

static const char *
store_presc_why(enum visit_prescribe v, int window, char buf[160])
{
	switch (v) {
	case VISIT_NO_TEST:
		return "no pregnancy test is recorded";
	case VISIT_TEST_TOO_OLD:
		snprintf(buf, 160, "no pregnancy test in the last %d days",
			 window);
		return buf;
	case VISIT_TEST_POSITIVE:
		return "a pregnancy test in the window is positive";
	case VISIT_TEST_INVALID:
		return "the last pregnancy test is invalid: test again";
	case VISIT_MAY_PRESCRIBE:
		break;
	}
	return "";
}

int
store_prescribe(struct store *st, int64_t id, const char *staff_id,
		const char *today, int window_days, int *verdict, char **err)
{
	struct store_session ss;
	struct store_presc_tests t = { 0 };
	enum visit_prescribe v;
	char now[32], head[65], seal[65], why[160];
	int64_t hseq, test = 0, tday, d, best = -1;
	sqlite3_stmt *q;
	char *canon;
	size_t len;
	int rc;

	if (!store_id_ok(staff_id))
		return store_failf(err, "may prescribe needs a staff id");
	if (store_clean(INGATE_STAFF, staff_id, err) != 0)
		return -1;
	if (!visit_date_days(today, &tday))
		return store_failf(err, "today '%s': not a date",
				   today ? today : "");
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
	if (ss.outcome != STORE_COMPLETED) {
		store_failf(err, "session %lld did not complete (%s): the"
			    " prescription may not be issued", (long long)id,
			    ss.outcome_name ? ss.outcome_name : "?");
		goto fail;
	}
	if (ss.presc_staff != NULL) {
		store_failf(err, "session %lld: may prescribe was already"
			    " recorded by %s", (long long)id, ss.presc_staff);
		goto fail;
	}
	for (size_t i = 0; i < ss.nflags; i++) {
		if (ss.flags[i].ack_staff == NULL) {
			store_failf(err, "session %lld: flag %s %s is not"
				    " acknowledged yet", (long long)id,
				    ss.flags[i].source, ss.flags[i].entry);
			goto fail;
		}
	}
	if (store_tests_each(st, ss.patient_ref, store_presc_test, &t,
			     err) != 0)
		goto fail;
	v = visit_may_prescribe(ss.profile, t.v, t.n, today, window_days);
	if (verdict != NULL)
		*verdict = (int)v;
	if (v != VISIT_MAY_PRESCRIBE) {
		store_failf(err, "session %lld: the prescription may not be"
			    " issued: %s (%s)", (long long)id,
			    store_presc_why(v, window_days, why),
			    visit_prescribe_name(v));
		goto fail;
	}
	/* The negative test relied on: the newest in the window. */
	for (size_t i = 0; strcmp(ss.profile, "pregnancy") == 0 && i < t.n;
	     i++) {
		if (visit_date_days(t.v[i].date, &d) && d <= tday &&
		    d > tday - window_days && d >= best &&
		    strcmp(t.v[i].result, "negative") == 0) {
			best = d;
			test = t.ids[i];
		}
	}
	if (store_chain_head(st, &hseq, head, err) != 0)
		goto fail;
	store_now(st, now);
	canon = store_canon_presc(id, ss.seal_hash, staff_id, test, now, &len);
	store_seal_canonical(head, canon, len, hseq + 1, seal);
	if (sqlite3_prepare_v2(st->db, "INSERT INTO prescriptions(session_id,"
			       " staff_id, test_id, at, seal_seq, seal_prev,"
			       " seal_hash) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7)",
			       -1, &q, NULL) != SQLITE_OK) {
		store_fail(st, err, "recording the prescription");
		goto fail;
	}
	sqlite3_bind_int64(q, 1, id);
	store_bind_text(q, 2, staff_id);
	sqlite3_bind_int64(q, 3, test);
	store_bind_text(q, 4, now);
	sqlite3_bind_int64(q, 5, hseq + 1);
	store_bind_text(q, 6, hseq == 0 ? "" : head);
	store_bind_text(q, 7, seal);
	rc = sqlite3_step(q);
	sqlite3_finalize(q);
	if (rc != SQLITE_DONE) {
		store_fail(st, err, "recording the prescription");
		goto fail;
	}
	if (store_sign_link(st, hseq + 1, seal, err) != 0)
		goto fail;
	rc = store_txn_commit(st, err);
	goto out;
fail:
	store_txn_rollback(st);
	rc = -1;
out:
	store_session_done(&ss);
	for (size_t i = 0; i < t.nkeep; i++)
		free(t.keep[i]);
	free(t.keep);
	free(t.v);
	free(t.ids);
	return rc;
}


/* ---- reading ---------------------------------------------------------------- */

int
store_tests_each(struct store *st, const char *patient_ref,
		 int (*fn)(const struct store_test_row *t, void *ctx),
		 void *ctx, char **err)
{
	sqlite3_stmt *q;
	int rc, r = 0;

	if (st->schema < 6)
		return 0;
	if (sqlite3_prepare_v2(st->db, "SELECT id, patient_ref, test_date,"
			       " result, setting, staff_id, at, seal_seq,"
			       " seal_prev, seal_hash FROM pregnancy_tests"
			       " WHERE ?1 IS NULL OR patient_ref = ?1"
			       " ORDER BY test_date, id", -1, &q,
			       NULL) != SQLITE_OK)
		return store_fail(st, err, "reading the pregnancy tests");
	store_bind_text(q, 1, patient_ref);
	while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
		struct store_test_row t;
		char seal[65], *canon;
		size_t len;

		t.id = sqlite3_column_int64(q, 0);
		t.patient_ref = (const char *)sqlite3_column_text(q, 1);
		t.date = (const char *)sqlite3_column_text(q, 2);
		t.result = (const char *)sqlite3_column_text(q, 3);
		t.setting = (const char *)sqlite3_column_text(q, 4);
		t.staff_id = (const char *)sqlite3_column_text(q, 5);
		t.at = (const char *)sqlite3_column_text(q, 6);
		t.seal_seq = sqlite3_column_int64(q, 7);
		t.seal_prev = (const char *)sqlite3_column_text(q, 8);
		t.seal_hash = (const char *)sqlite3_column_text(q, 9);
		canon = store_canon_test(t.id, t.patient_ref, t.date, t.result,
					 t.setting, t.staff_id, t.at, &len);
		store_seal_canonical(t.seal_prev, canon, len, t.seal_seq, seal);
		t.holds = t.seal_hash != NULL && strcmp(seal, t.seal_hash) == 0;
		if ((r = fn(&t, ctx)) != 0)
			break;
	}
	sqlite3_finalize(q);
	if (r == 0 && rc != SQLITE_DONE)
		return store_fail(st, err, "reading the pregnancy tests");
	return r;
}

int
store_patient_sessions(struct store *st, const char *patient_ref,
		       int64_t **ids, size_t *n, char **err)
{
	sqlite3_stmt *q;
	size_t cap = 0;
	int rc;

	*ids = NULL;
	*n = 0;
	if (sqlite3_prepare_v2(st->db, "SELECT id FROM sessions WHERE"
			       " patient_ref = ?1 ORDER BY id", -1, &q,
			       NULL) != SQLITE_OK)
		return store_fail(st, err, "reading the sessions");
	store_bind_text(q, 1, patient_ref);
	while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
		XGROW(*ids, *n, cap);
		(*ids)[(*n)++] = sqlite3_column_int64(q, 0);
	}
	sqlite3_finalize(q);
	if (rc != SQLITE_DONE) {
		free(*ids);
		*ids = NULL;
		*n = 0;
		return store_fail(st, err, "reading the sessions");
	}
	return 0;
}

int
store_due_each(struct store *st, const char *cutoff,
	       int (*fn)(const char *patient_ref, const char *last,
			 const char *visit, void *ctx),
	       void *ctx, char **err)
{
	sqlite3_stmt *q;
	int rc, r = 0;

	if (sqlite3_prepare_v2(st->db, st->schema < 6
			       ? "SELECT patient_ref, max(started_at), 'first'"
				 " FROM sessions WHERE outcome = 'completed'"
				 " GROUP BY patient_ref HAVING max(started_at)"
				 " < ?1 ORDER BY 2, 1"
			       : "SELECT patient_ref, max(started_at), visit"
				 " FROM sessions WHERE outcome = 'completed'"
				 " GROUP BY patient_ref HAVING max(started_at)"
				 " < ?1 ORDER BY 2, 1", -1, &q,
			       NULL) != SQLITE_OK)
		return store_fail(st, err, "reading the sessions");
	store_bind_text(q, 1, cutoff);
	while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
		if ((r = fn((const char *)sqlite3_column_text(q, 0),
			    (const char *)sqlite3_column_text(q, 1),
			    (const char *)sqlite3_column_text(q, 2),
			    ctx)) != 0)
			break;
	}
	sqlite3_finalize(q);
	if (r == 0 && rc != SQLITE_DONE)
		return store_fail(st, err, "reading the sessions");
	return r;
}

int
store_last_acks(struct store *st, const char *patient_ref,
		void (*fn)(const char *statement_id, const char *sha256,
			   void *ctx),
		void *ctx, char **err)
{
	sqlite3_stmt *q;
	int rc;

	/* In session order: a later acknowledgement of the same statement
	 * comes after, so the caller keeps the last one it is given. */
	if (sqlite3_prepare_v2(st->db, "SELECT a.statement_id, a.text_sha256"
			       " FROM acks a JOIN sessions s ON s.id ="
			       " a.session_id WHERE s.patient_ref = ?1 AND"
			       " s.outcome IN ('completed', 'stopped')"
			       " ORDER BY s.id, a.seq", -1, &q,
			       NULL) != SQLITE_OK)
		return store_fail(st, err, "reading the acknowledgements");
	store_bind_text(q, 1, patient_ref);
	while ((rc = sqlite3_step(q)) == SQLITE_ROW)
		fn((const char *)sqlite3_column_text(q, 0),
		   (const char *)sqlite3_column_text(q, 1), ctx);
	sqlite3_finalize(q);
	if (rc != SQLITE_DONE)
		return store_fail(st, err, "reading the acknowledgements");
	return 0;
}

int
store_open_flags(struct store *st,
		 int (*fn)(int64_t session, const char *patient_ref,
			   const struct store_flag_row *f, void *ctx),
		 void *ctx, char **err)
{
	sqlite3_stmt *q;
	int rc, r = 0;

	if (st->schema < 6)
		return 0;
	if (sqlite3_prepare_v2(st->db, "SELECT f.session_id, s.patient_ref,"
			       " f.seq, f.source, f.entry_id, f.level, f.at"
			       " FROM flags f JOIN sessions s ON s.id ="
			       " f.session_id WHERE NOT EXISTS (SELECT 1 FROM"
			       " flag_acks a WHERE a.session_id = f.session_id"
			       " AND a.flag_seq = f.seq) ORDER BY f.at,"
			       " f.session_id, f.seq", -1, &q,
			       NULL) != SQLITE_OK)
		return store_fail(st, err, "reading the flags");
	while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
		struct store_flag_row f = { 0 };

		f.seq = sqlite3_column_int64(q, 2);
		f.source = (const char *)sqlite3_column_text(q, 3);
		f.entry = (const char *)sqlite3_column_text(q, 4);
		f.level = (const char *)sqlite3_column_text(q, 5);
		f.at = (const char *)sqlite3_column_text(q, 6);
		if ((r = fn(sqlite3_column_int64(q, 0),
			    (const char *)sqlite3_column_text(q, 1), &f,
			    ctx)) != 0)
			break;
	}
	sqlite3_finalize(q);
	if (r == 0 && rc != SQLITE_DONE)
		return store_fail(st, err, "reading the flags");
	return r;
}
