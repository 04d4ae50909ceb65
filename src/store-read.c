/*
 * store-read: reading consent records back: one session (store_session_get)
 * or all of them in one pass (store_each / store_walk: the sessions table and
 * each per-session table read in session order side by side, a merge join,
 * so 100,000 sessions cost one scan of each table and no per-session query).
 *
 * Owns the arena that a loaded session's strings live in.
 */
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "store-int.h"
#include "xmalloc.h"

/* ---- arena -------------------------------------------------------------- */

struct store_arena_block {
	struct store_arena_block *next;
	size_t used, cap;
	_Alignas(16) char data[];
};

#define STORE_ARENA_BLOCK 65536

void *
store_arena_alloc(struct store_arena *a, size_t n)
{
	struct store_arena_block *b = a->head;
	size_t at;

	at = b != NULL ? (b->used + 15) & ~(size_t)15 : 0;
	if (b == NULL || at + n > b->cap) {
		size_t cap = n + 16 > STORE_ARENA_BLOCK ? n + 16
							 : STORE_ARENA_BLOCK;

		b = xmalloc(sizeof *b + cap);
		b->used = 0;
		b->cap = cap;
		b->next = a->head;
		a->head = b;
		at = 0;
	}
	b->used = at + n;
	return b->data + at;
}

const char *
store_arena_strdup(struct store_arena *a, const char *s, size_t n)
{
	struct store_arena_block *b = a->head;
	char *p;

	if (b == NULL || b->cap - b->used < n + 1) {
		size_t cap = n + 1 > STORE_ARENA_BLOCK ? n + 1 : STORE_ARENA_BLOCK;

		b = xmalloc(sizeof *b + cap);
		b->used = 0;
		b->cap = cap;
		b->next = a->head;
		a->head = b;
	}
	p = b->data + b->used;
	memcpy(p, s, n);
	p[n] = '\0';
	b->used += n + 1;
	return p;
}

void
store_arena_reset(struct store_arena *a)
{
	struct store_arena_block *b, *next;

	if (a->head == NULL)
		return;
	/* Keep the newest block for the next session. */
	for (b = a->head->next; b != NULL; b = next) {
		next = b->next;
		free(b);
	}
	a->head->next = NULL;
	a->head->used = 0;
}

void
store_arena_free(struct store_arena *a)
{
	struct store_arena_block *b, *next;

	for (b = a->head; b != NULL; b = next) {
		next = b->next;
		free(b);
	}
	a->head = NULL;
}

/* ---- sessions ----------------------------------------------------------- */

void
store_session_init(struct store_session *s)
{
	memset(s, 0, sizeof *s);
	s->arena_ = xcalloc(1, sizeof(struct store_session_priv));
}

void
store_session_done(struct store_session *s)
{
	struct store_session_priv *p = s->arena_;

	if (p != NULL) {
		store_arena_free(&p->arena);
		free(p);
	}
	free(s->screens);
	free(s->answers);
	free(s->acks);
	free(s->signs);
	free(s->verifications);
	memset(s, 0, sizeof *s);
}

/* Empty the session for reuse, keeping its memory. */
static void
store_session_clear(struct store_session *s)
{
	struct store_session_priv *p = s->arena_;

	store_arena_reset(&p->arena);
	s->malformed = false;
	s->nscreens = s->nanswers = s->nacks = s->nsigns = 0;
	s->nverifications = 0;
}

static const char *
store_col(struct store_session *s, sqlite3_stmt *st, int i)
{
	struct store_session_priv *p = s->arena_;
	const unsigned char *t = sqlite3_column_text(st, i);

	if (t == NULL)
		return NULL;
	/* Up to the first NUL, as every reader of the copy would see it
	 * (strlen is cheaper than another call into SQLite). */
	return store_arena_strdup(&p->arena, (const char *)t,
				  strlen((const char *)t));
}

/*
 * An integer column. A value of another type (text, a real, NULL where a
 * number belongs), or a flag other than 0 or 1, can only come from an edited
 * database: the session is marked malformed, which its canonical form shows,
 * so it never matches its seal.
 */
static int64_t
store_col_int(struct store_session *s, sqlite3_stmt *q, int i, bool null_ok)
{
	int t = sqlite3_column_type(q, i);

	if (t != SQLITE_INTEGER && !(null_ok && t == SQLITE_NULL))
		s->malformed = true;
	return sqlite3_column_int64(q, i);
}

static bool
store_col_flag(struct store_session *s, sqlite3_stmt *q, int i)
{
	int64_t v = store_col_int(s, q, i, false);

	if (v != 0 && v != 1)
		s->malformed = true;
	return v != 0;
}

static int
store_col_int32(struct store_session *s, sqlite3_stmt *q, int i)
{
	int64_t v = store_col_int(s, q, i, false);

	if (v < INT_MIN || v > INT_MAX)
		s->malformed = true;
	return (int)v;
}

#define SESSION_COLS                                                         \
	"id, kiosk_id, staff_id, patient_ref, profile, lang, content_version," \
	" minor, started_at, ended_at, outcome, reason, seal_seq, seal_prev,"  \
	" seal_hash, seal_form"

static void
store_read_session_row(struct store_session *s, sqlite3_stmt *q)
{
	int o;

	store_session_clear(s);
	s->id = store_col_int(s, q, 0, false);
	s->kiosk_id = store_col(s, q, 1);
	s->staff_id = store_col(s, q, 2);
	s->patient_ref = store_col(s, q, 3);
	s->profile = store_col(s, q, 4);
	s->lang = store_col(s, q, 5);
	s->content_version = store_col(s, q, 6);
	s->minor = store_col_flag(s, q, 7);
	s->started_at = store_col(s, q, 8);
	s->ended_at = store_col(s, q, 9);
	s->outcome_name = store_col(s, q, 10);
	o = store_outcome_parse(s->outcome_name);
	s->outcome = o < 0 ? STORE_OPEN : (enum store_outcome)o;
	s->reason = store_col(s, q, 11);
	s->seal_seq = store_col_int(s, q, 12, true);
	s->seal_prev = store_col(s, q, 13);
	s->seal_hash = store_col(s, q, 14);
	/* NULL: sealed before schema 3 (form 1), or open; else only 2 (before
	 * schema 4) and 3 are ever written. */
	if (sqlite3_column_type(q, 15) == SQLITE_NULL) {
		s->seal_form = s->seal_hash != NULL ? 1 : 0;
	} else {
		s->seal_form = store_col_int(s, q, 15, false);
		if (s->seal_form != 2 && s->seal_form != 3) {
			s->malformed = true;
			s->seal_form = 3;
		}
	}
}

/* The per-session tables, each read in (session_id, seq) order. Column 0 is
 * the session id. */
enum store_child {
	CHILD_SCREENS,
	CHILD_ANSWERS,
	CHILD_ACKS,
	CHILD_SIGNS,
	CHILD_VERIFICATIONS,
	CHILD_N
};

static const char *const store_child_names[CHILD_N] = {
	"screens", "answers", "acks", "signatures", "verifications",
};

static const char *const store_child_sql[CHILD_N] = {
	"SELECT session_id, seq, screen_id, shown_ms, at FROM screens",
	"SELECT session_id, seq, question_id, attempt, choice, choice_text,"
	" shown_order, correct, at FROM answers",
	"SELECT session_id, seq, statement_id, text_sha256, at FROM acks",
	"SELECT session_id, seq, role, name, meaning, at FROM signatures",
	"SELECT session_id, seal_seq, staff_id, at, seal_prev, seal_hash"
	" FROM verifications",
};

static const char *const store_child_order[CHILD_N] = {
	" ORDER BY session_id, seq",
	" ORDER BY session_id, seq",
	" ORDER BY session_id, seq",
	" ORDER BY session_id, seq",
	" ORDER BY session_id, seal_seq",
};

/* Append the child row q (positioned on a row) to s. */
static void
store_read_child(struct store_session *s, enum store_child c, sqlite3_stmt *q)
{
	struct store_session_priv *p = s->arena_;

	switch (c) {
	case CHILD_SCREENS: {
		struct store_screen_row *r;

		XGROW(s->screens, s->nscreens, p->cap_screens);
		r = &s->screens[s->nscreens++];
		r->seq = store_col_int(s, q, 1, false);
		r->screen_id = store_col(s, q, 2);
		r->shown_ms = store_col_int(s, q, 3, false);
		r->at = store_col(s, q, 4);
		break;
	}
	case CHILD_ANSWERS: {
		struct store_answer_row *r;

		XGROW(s->answers, s->nanswers, p->cap_answers);
		r = &s->answers[s->nanswers++];
		r->seq = store_col_int(s, q, 1, false);
		r->question_id = store_col(s, q, 2);
		r->attempt = store_col_int32(s, q, 3);
		r->choice = store_col_int32(s, q, 4);
		r->choice_text = store_col(s, q, 5);
		r->order = store_col(s, q, 6);
		r->correct = store_col_flag(s, q, 7);
		r->at = store_col(s, q, 8);
		break;
	}
	case CHILD_ACKS: {
		struct store_ack_row *r;

		XGROW(s->acks, s->nacks, p->cap_acks);
		r = &s->acks[s->nacks++];
		r->seq = store_col_int(s, q, 1, false);
		r->statement_id = store_col(s, q, 2);
		r->text_sha256 = store_col(s, q, 3);
		r->text = NULL;
		r->at = store_col(s, q, 4);
		break;
	}
	case CHILD_SIGNS: {
		struct store_sign_row *r;

		XGROW(s->signs, s->nsigns, p->cap_signs);
		r = &s->signs[s->nsigns++];
		r->seq = store_col_int(s, q, 1, false);
		r->role = store_col(s, q, 2);
		r->name = store_col(s, q, 3);
		r->meaning = store_col(s, q, 4);
		r->at = store_col(s, q, 5);
		break;
	}
	case CHILD_VERIFICATIONS: {
		struct store_verify_row *r;

		XGROW(s->verifications, s->nverifications,
		      p->cap_verifications);
		r = &s->verifications[s->nverifications++];
		r->seq = store_col_int(s, q, 1, false);
		r->staff_id = store_col(s, q, 2);
		r->at = store_col(s, q, 3);
		r->seal_prev = store_col(s, q, 4);
		r->seal_hash = store_col(s, q, 5);
		break;
	}
	case CHILD_N:
		break;
	}
}

static int
store_prepare(struct store *st, const char *sql, sqlite3_stmt **out, char **err)
{
	if (sqlite3_prepare_v2(st->db, sql, -1, out, NULL) != SQLITE_OK) {
		*out = NULL;
		return store_fail(st, err, "reading the records");
	}
	return 0;
}

static int
store_fill_texts(struct store *st, struct store_session *s, char **err)
{
	sqlite3_stmt *q;

	if (s->nacks == 0)
		return 0;
	if (store_prepare(st, "SELECT text FROM texts WHERE sha256 = ?1", &q,
			  err) != 0)
		return -1;
	for (size_t i = 0; i < s->nacks; i++) {
		sqlite3_reset(q);
		store_bind_text(q, 1, s->acks[i].text_sha256);
		if (sqlite3_step(q) == SQLITE_ROW)
			s->acks[i].text = store_col(s, q, 0);
	}
	sqlite3_finalize(q);
	return 0;
}

int
store_session_get(struct store *st, int64_t id, struct store_session *out,
		  char **err)
{
	sqlite3_stmt *q;
	struct strbuf sql;
	int rc;

	if (out->arena_ == NULL)
		store_session_init(out);
	if (store_prepare(st, "SELECT " SESSION_COLS " FROM sessions"
			  " WHERE id = ?1", &q, err) != 0)
		return -1;
	sqlite3_bind_int64(q, 1, id);
	rc = sqlite3_step(q);
	if (rc != SQLITE_ROW) {
		sqlite3_finalize(q);
		if (rc == SQLITE_DONE)
			return 1;
		return store_fail(st, err, "reading the session");
	}
	store_read_session_row(out, q);
	sqlite3_finalize(q);
	strbuf_init(&sql);
	for (int c = 0; c < CHILD_N; c++) {
		strbuf_reset(&sql);
		strbuf_addf(&sql, "%s WHERE session_id = ?1%s",
			    store_child_sql[c], store_child_order[c]);
		if (store_prepare(st, sql.s, &q, err) != 0) {
			strbuf_done(&sql);
			return -1;
		}
		sqlite3_bind_int64(q, 1, id);
		while ((rc = sqlite3_step(q)) == SQLITE_ROW)
			store_read_child(out, (enum store_child)c, q);
		sqlite3_finalize(q);
		if (rc != SQLITE_DONE) {
			strbuf_done(&sql);
			return store_fail(st, err, "reading the session");
		}
	}
	strbuf_done(&sql);
	return store_fill_texts(st, out, err);
}

int
store_walk(struct store *st, const char *since, int64_t lo, int64_t hi,
	   bool texts, store_session_fn fn, void *ctx,
	   void (*orphan)(int64_t session, const char *table, void *ctx),
	   char **err)
{
	sqlite3_stmt *sq = NULL, *cq[CHILD_N] = { 0 };
	int crc[CHILD_N];
	struct store_session s;
	struct strbuf sql;
	bool txn = false;
	int rc = 0, r;

	store_session_init(&s);
	strbuf_init(&sql);
	/* One read transaction: every statement sees the same snapshot. */
	if (sqlite3_get_autocommit(st->db)) {
		if (sqlite3_exec(st->db, "BEGIN", NULL, NULL, NULL) != SQLITE_OK) {
			store_fail(st, err, "reading the records");
			goto fail;
		}
		txn = true;
	}
	strbuf_addstr(&sql, "SELECT " SESSION_COLS " FROM sessions"
		      " WHERE id >= ?2 AND id < ?3");
	if (since != NULL)
		strbuf_addstr(&sql, " AND started_at >= ?1");
	strbuf_addstr(&sql, " ORDER BY id");
	if (store_prepare(st, sql.s, &sq, err) != 0)
		goto fail;
	if (since != NULL)
		store_bind_text(sq, 1, since);
	sqlite3_bind_int64(sq, 2, lo);
	sqlite3_bind_int64(sq, 3, hi);
	for (int c = 0; c < CHILD_N; c++) {
		strbuf_reset(&sql);
		strbuf_addstr(&sql, store_child_sql[c]);
		strbuf_addstr(&sql, " WHERE session_id >= ?2 AND session_id < ?3");
		if (since != NULL)
			strbuf_addstr(&sql, " AND session_id >= (SELECT"
				      " coalesce(min(id), 9223372036854775807)"
				      " FROM sessions WHERE started_at >= ?1)");
		strbuf_addstr(&sql, store_child_order[c]);
		if (store_prepare(st, sql.s, &cq[c], err) != 0)
			goto fail;
		if (since != NULL)
			store_bind_text(cq[c], 1, since);
		sqlite3_bind_int64(cq[c], 2, lo);
		sqlite3_bind_int64(cq[c], 3, hi);
		crc[c] = sqlite3_step(cq[c]);
	}
	while ((r = sqlite3_step(sq)) == SQLITE_ROW) {
		store_read_session_row(&s, sq);
		for (int c = 0; c < CHILD_N; c++) {
			int64_t prev_orphan = -1;

			while (crc[c] == SQLITE_ROW) {
				int64_t sid = sqlite3_column_int64(cq[c], 0);

				if (sid > s.id)
					break;
				if (sid == s.id) {
					store_read_child(&s, (enum store_child)c,
							 cq[c]);
				} else if (orphan != NULL && sid != prev_orphan) {
					orphan(sid, store_child_names[c], ctx);
					prev_orphan = sid;
				}
				crc[c] = sqlite3_step(cq[c]);
			}
			if (crc[c] != SQLITE_ROW && crc[c] != SQLITE_DONE) {
				store_fail(st, err, "reading the records");
				goto fail;
			}
		}
		if (texts && store_fill_texts(st, &s, err) != 0)
			goto fail;
		if ((rc = fn(&s, ctx)) != 0)
			goto out;
	}
	if (r != SQLITE_DONE) {
		store_fail(st, err, "reading the records");
		goto fail;
	}
	/* Rows after the last session. */
	for (int c = 0; c < CHILD_N; c++) {
		int64_t prev_orphan = -1;

		while (crc[c] == SQLITE_ROW) {
			int64_t sid = sqlite3_column_int64(cq[c], 0);

			if (orphan != NULL && sid != prev_orphan) {
				orphan(sid, store_child_names[c], ctx);
				prev_orphan = sid;
			}
			crc[c] = sqlite3_step(cq[c]);
		}
	}
	goto out;
fail:
	rc = -1;
out:
	sqlite3_finalize(sq);
	for (int c = 0; c < CHILD_N; c++)
		sqlite3_finalize(cq[c]);
	if (txn)
		sqlite3_exec(st->db, "COMMIT", NULL, NULL, NULL);
	strbuf_done(&sql);
	store_session_done(&s);
	return rc;
}

int
store_each(struct store *st, const char *since, store_session_fn fn, void *ctx,
	   char **err)
{
	return store_walk(st, since, INT64_MIN, INT64_MAX, false, fn, ctx, NULL,
			  err);
}

int
store_content_files(struct store *st, const char *version,
		    void (*fn)(const char *name, const char *sha256, void *ctx),
		    void *ctx, char **err)
{
	sqlite3_stmt *q;
	int rc;

	if (store_prepare(st, "SELECT name, sha256 FROM content_files"
			  " WHERE version = ?1 ORDER BY name", &q, err) != 0)
		return -1;
	store_bind_text(q, 1, version);
	while ((rc = sqlite3_step(q)) == SQLITE_ROW)
		fn((const char *)sqlite3_column_text(q, 0),
		   (const char *)sqlite3_column_text(q, 1), ctx);
	sqlite3_finalize(q);
	if (rc != SQLITE_DONE)
		return store_fail(st, err, "reading the content files");
	return 0;
}
