/*
 * store-read: reading consent records back: one session (store_session_get)
 * or all of them in one pass (store_walk_rows: the sessions table and each
 * per-session table read in session order side by side, a merge join, so
 * 100,000 sessions cost one scan of each table and no per-session query).
 * Verification takes each row as SQLite holds it (store_walk_rows); store_each
 * and store_walk hand out each session copied, with all its rows.
 *
 * Finding a session by what staff type or scan: its id, the receipt code
 * the patient holds, or the printed copy's QR code (store_find_session).
 *
 * Owns the arena that a loaded session's strings live in.
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <unistr.h>

#include "store-int.h"
#include "xmalloc.h"

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
		arena_done(&p->arena);
		free(p);
	}
	free(s->screens);
	free(s->answers);
	free(s->acks);
	free(s->signs);
	free(s->verifications);
	free(s->vanswers);
	free(s->flags);
	memset(s, 0, sizeof *s);
}

/* Empty the session for reuse, keeping its memory. */
static void
store_session_clear(struct store_session *s)
{
	struct store_session_priv *p = s->arena_;

	arena_reset(&p->arena);
	s->malformed = false;
	s->nscreens = s->nanswers = s->nacks = s->nsigns = 0;
	s->nverifications = 0;
}

/* A text column as SQLite holds it (valid until the statement steps). */
static inline const char *
store_col(sqlite3_stmt *q, int i)
{
	return (const char *)sqlite3_column_text(q, i);
}

/* An arena copy of v up to its first NUL, as every reader sees it; NULL
 * stays NULL. */
static const char *
store_dup(struct store_session *s, const char *v)
{
	struct store_session_priv *p = s->arena_;

	if (v == NULL)
		return NULL;
	return arena_strndup(&p->arena, v, strlen(v));
}

/*
 * An integer column. A value of another type (text, a real, NULL where a
 * number belongs), or a flag other than 0 or 1, can only come from an edited
 * database: the session is marked malformed (*bad), which its canonical form
 * shows, so it never matches its seal.
 */
static inline int64_t
store_col_int(bool *bad, sqlite3_stmt *q, int i, bool null_ok)
{
	/* One call into the statement rather than two (type, then value):
	 * verification reads some 60 numbers a session. The value is only
	 * read here, on the statement's own thread (every connection is
	 * opened SQLITE_OPEN_NOMUTEX and used by one thread). */
	sqlite3_value *v = sqlite3_column_value(q, i);
	int t = sqlite3_value_type(v);

	if (t != SQLITE_INTEGER && !(null_ok && t == SQLITE_NULL))
		*bad = true;
	return sqlite3_value_int64(v);
}

static inline bool
store_col_flag(bool *bad, sqlite3_stmt *q, int i)
{
	int64_t v = store_col_int(bad, q, i, false);

	if (v != 0 && v != 1)
		*bad = true;
	return v != 0;
}

static inline int
store_col_int32(bool *bad, sqlite3_stmt *q, int i)
{
	int64_t v = store_col_int(bad, q, i, false);

	if (v < INT_MIN || v > INT_MAX)
		*bad = true;
	return (int)v;
}

#define SESSION_COLS                                                         \
	"id, kiosk_id, staff_id, patient_ref, profile, lang, content_version," \
	" minor, started_at, ended_at, outcome, reason, seal_seq, seal_prev,"  \
	" seal_hash, seal_form"

/* The session row q as s, its strings pointing into q (no rows yet). */
static void
store_session_view(struct store_session *s, sqlite3_stmt *q)
{
	bool bad = false;
	int o;

	s->id = store_col_int(&bad, q, 0, false);
	s->kiosk_id = store_col(q, 1);
	s->staff_id = store_col(q, 2);
	s->patient_ref = store_col(q, 3);
	s->profile = store_col(q, 4);
	s->lang = store_col(q, 5);
	s->content_version = store_col(q, 6);
	s->minor = store_col_flag(&bad, q, 7);
	s->started_at = store_col(q, 8);
	s->ended_at = store_col(q, 9);
	s->outcome_name = store_col(q, 10);
	o = store_outcome_parse(s->outcome_name);
	s->outcome = o < 0 ? STORE_OPEN : (enum store_outcome)o;
	s->reason = store_col(q, 11);
	s->seal_seq = store_col_int(&bad, q, 12, true);
	s->seal_prev = store_col(q, 13);
	s->seal_hash = store_col(q, 14);
	/* NULL: sealed before schema 3 (form 1), or open; else only 2 (before
	 * schema 4), 3 (before schema 5), 4 (before schema 6) and 5 are
	 * ever written. */
	if (sqlite3_column_type(q, 15) == SQLITE_NULL) {
		s->seal_form = s->seal_hash != NULL ? 1 : 0;
	} else {
		s->seal_form = store_col_int(&bad, q, 15, false);
		if (s->seal_form < 2 || s->seal_form > 5) {
			bad = true;
			s->seal_form = 5;
		}
	}
	s->content_files = NULL;
	s->malformed = bad;
	s->screens = NULL;
	s->answers = NULL;
	s->acks = NULL;
	s->signs = NULL;
	s->verifications = NULL;
	s->nscreens = s->nanswers = s->nacks = s->nsigns = 0;
	s->nverifications = 0;
	s->arena_ = NULL;
}

/* s (emptied, keeping its memory) as a copy of the view v. */
static void
store_session_copy(struct store_session *s, const struct store_session *v)
{
	store_session_clear(s);
	s->id = v->id;
	s->kiosk_id = store_dup(s, v->kiosk_id);
	s->staff_id = store_dup(s, v->staff_id);
	s->patient_ref = store_dup(s, v->patient_ref);
	s->profile = store_dup(s, v->profile);
	s->lang = store_dup(s, v->lang);
	s->content_version = store_dup(s, v->content_version);
	s->minor = v->minor;
	s->started_at = store_dup(s, v->started_at);
	s->ended_at = store_dup(s, v->ended_at);
	s->outcome_name = store_dup(s, v->outcome_name);
	s->outcome = v->outcome;
	s->reason = store_dup(s, v->reason);
	s->seal_seq = v->seal_seq;
	s->seal_prev = store_dup(s, v->seal_prev);
	s->seal_hash = store_dup(s, v->seal_hash);
	s->seal_form = v->seal_form;
	s->content_files = store_dup(s, v->content_files);
	s->malformed = v->malformed;
}

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

/* The child row q (positioned on a row; column 0 the session id) as r, its
 * strings pointing into q; *bad set for a value of the wrong type. */
static void
store_child_view(enum store_child c, sqlite3_stmt *q,
		 union store_child_row *r, bool *bad)
{
	switch (c) {
	case CHILD_SCREENS:
		r->screen.seq = store_col_int(bad, q, 1, false);
		r->screen.screen_id = store_col(q, 2);
		r->screen.shown_ms = store_col_int(bad, q, 3, false);
		r->screen.at = store_col(q, 4);
		break;
	case CHILD_ANSWERS:
		r->answer.seq = store_col_int(bad, q, 1, false);
		r->answer.question_id = store_col(q, 2);
		r->answer.attempt = store_col_int32(bad, q, 3);
		r->answer.choice = store_col_int32(bad, q, 4);
		r->answer.choice_text = store_col(q, 5);
		r->answer.order = store_col(q, 6);
		r->answer.correct = store_col_flag(bad, q, 7);
		r->answer.at = store_col(q, 8);
		break;
	case CHILD_ACKS:
		r->ack.seq = store_col_int(bad, q, 1, false);
		r->ack.statement_id = store_col(q, 2);
		r->ack.text_sha256 = store_col(q, 3);
		r->ack.text = NULL;
		r->ack.at = store_col(q, 4);
		break;
	case CHILD_SIGNS:
		r->sign.seq = store_col_int(bad, q, 1, false);
		r->sign.role = store_col(q, 2);
		r->sign.name = store_col(q, 3);
		r->sign.meaning = store_col(q, 4);
		r->sign.at = store_col(q, 5);
		break;
	case CHILD_VERIFICATIONS:
		r->verify.seq = store_col_int(bad, q, 1, false);
		r->verify.staff_id = store_col(q, 2);
		r->verify.at = store_col(q, 3);
		r->verify.seal_prev = store_col(q, 4);
		r->verify.seal_hash = store_col(q, 5);
		break;
	case CHILD_N:
		break;
	}
}

/* Append a copy of the child row r to s. */
static void
store_child_append(struct store_session *s, enum store_child c,
		   const union store_child_row *r)
{
	struct store_session_priv *p = s->arena_;

	switch (c) {
	case CHILD_SCREENS: {
		struct store_screen_row *o;

		XGROW(s->screens, s->nscreens, p->cap_screens);
		o = &s->screens[s->nscreens++];
		*o = r->screen;
		o->screen_id = store_dup(s, o->screen_id);
		o->at = store_dup(s, o->at);
		break;
	}
	case CHILD_ANSWERS: {
		struct store_answer_row *o;

		XGROW(s->answers, s->nanswers, p->cap_answers);
		o = &s->answers[s->nanswers++];
		*o = r->answer;
		o->question_id = store_dup(s, o->question_id);
		o->choice_text = store_dup(s, o->choice_text);
		o->order = store_dup(s, o->order);
		o->at = store_dup(s, o->at);
		break;
	}
	case CHILD_ACKS: {
		struct store_ack_row *o;

		XGROW(s->acks, s->nacks, p->cap_acks);
		o = &s->acks[s->nacks++];
		*o = r->ack;
		o->statement_id = store_dup(s, o->statement_id);
		o->text_sha256 = store_dup(s, o->text_sha256);
		o->at = store_dup(s, o->at);
		break;
	}
	case CHILD_SIGNS: {
		struct store_sign_row *o;

		XGROW(s->signs, s->nsigns, p->cap_signs);
		o = &s->signs[s->nsigns++];
		*o = r->sign;
		o->role = store_dup(s, o->role);
		o->name = store_dup(s, o->name);
		o->meaning = store_dup(s, o->meaning);
		o->at = store_dup(s, o->at);
		break;
	}
	case CHILD_VERIFICATIONS: {
		struct store_verify_row *o;

		XGROW(s->verifications, s->nverifications,
		      p->cap_verifications);
		o = &s->verifications[s->nverifications++];
		*o = r->verify;
		o->staff_id = store_dup(s, o->staff_id);
		o->at = store_dup(s, o->at);
		o->seal_prev = store_dup(s, o->seal_prev);
		o->seal_hash = store_dup(s, o->seal_hash);
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

/*
 * store_session_get's statements, prepared once per store (sync reads
 * every session of a chain one by one: preparing them each time was most
 * of its reading). Reset after each use: none keeps a read transaction
 * open between calls.
 */
_Static_assert(STORE_GET_CHILD + CHILD_N == STORE_GET_N,
	       "a statement slot for each child table");

static int
store_get_stmt(struct store *st, enum store_get_slot slot, const char *sql,
	       sqlite3_stmt **out, char **err)
{
	sqlite3_stmt *q = st->get_stmt[slot];

	if (q == NULL) {
		if (sqlite3_prepare_v3(st->db, sql, -1,
				       SQLITE_PREPARE_PERSISTENT, &q,
				       NULL) != SQLITE_OK) {
			*out = NULL;
			return store_fail(st, err, "reading the records");
		}
		st->get_stmt[slot] = q;
	}
	*out = q;
	return 0;
}

static int
store_fill_texts(struct store *st, struct store_session *s, char **err)
{
	sqlite3_stmt *q;

	if (s->nacks == 0)
		return 0;
	if (store_get_stmt(st, STORE_GET_TEXT, "SELECT text FROM texts WHERE"
			   " sha256 = ?1", &q, err) != 0)
		return -1;
	for (size_t i = 0; i < s->nacks; i++) {
		sqlite3_reset(q);
		store_bind_text(q, 1, s->acks[i].text_sha256);
		if (sqlite3_step(q) == SQLITE_ROW)
			s->acks[i].text = store_dup(s, store_col(q, 0));
	}
	sqlite3_reset(q);
	sqlite3_clear_bindings(q);
	return 0;
}

int
store_session_get(struct store *st, int64_t id, struct store_session *out,
		  char **err)
{
	struct store_session v;
	sqlite3_stmt *q;
	int rc;

	if (out->arena_ == NULL)
		store_session_init(out);
	if (store_get_stmt(st, STORE_GET_SESSION, "SELECT " SESSION_COLS
			   " FROM sessions WHERE id = ?1", &q, err) != 0)
		return -1;
	sqlite3_bind_int64(q, 1, id);
	rc = sqlite3_step(q);
	if (rc != SQLITE_ROW) {
		sqlite3_reset(q);
		if (rc == SQLITE_DONE)
			return 1;
		return store_fail(st, err, "reading the session");
	}
	store_session_view(&v, q);
	v.content_files = store_files_block(st, v.content_version, err);
	if (v.content_files == NULL) {
		sqlite3_reset(q);
		return -1;
	}
	store_session_copy(out, &v);
	sqlite3_reset(q);
	for (int c = 0; c < CHILD_N; c++) {
		q = st->get_stmt[STORE_GET_CHILD + c];
		if (q == NULL) {
			struct strbuf sql;

			strbuf_init(&sql);
			strbuf_addf(&sql, "%s WHERE session_id = ?1%s",
				    store_child_sql[c], store_child_order[c]);
			rc = store_get_stmt(st, STORE_GET_CHILD + c, sql.s, &q,
					    err);
			strbuf_done(&sql);
			if (rc != 0)
				return -1;
		}
		sqlite3_bind_int64(q, 1, id);
		while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
			union store_child_row r;

			store_child_view((enum store_child)c, q, &r,
					 &out->malformed);
			store_child_append(out, (enum store_child)c, &r);
		}
		sqlite3_reset(q);
		if (rc != SQLITE_DONE)
			return store_fail(st, err, "reading the session");
	}
	if (store_visit_load(st, out, err) != 0)
		return -1;
	return store_fill_texts(st, out, err);
}

int
store_walk_rows(struct store *st, const char *since, int64_t lo, int64_t hi,
		const struct store_walk_ops *ops, void *ctx, char **err)
{
	sqlite3_stmt *sq = NULL, *cq[CHILD_N] = { 0 };
	int crc[CHILD_N];
	struct store_session v;
	struct strbuf sql;
	bool txn = false;
	int rc = 0, r;

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
		store_session_view(&v, sq);
		v.content_files = store_files_block(st, v.content_version, err);
		if (v.content_files == NULL)
			goto fail;
		if ((rc = ops->session(&v, ctx)) != 0)
			goto out;
		for (int c = 0; c < CHILD_N; c++) {
			int64_t prev_orphan = -1;

			while (crc[c] == SQLITE_ROW) {
				int64_t sid = sqlite3_column_int64(cq[c], 0);

				if (sid > v.id)
					break;
				if (sid == v.id) {
					union store_child_row row;

					store_child_view((enum store_child)c,
							 cq[c], &row,
							 &v.malformed);
					ops->child(&v, (enum store_child)c,
						   &row, ctx);
				} else if (ops->orphan != NULL &&
					   sid != prev_orphan) {
					ops->orphan(sid, store_child_names[c],
						    ctx);
					prev_orphan = sid;
				}
				crc[c] = sqlite3_step(cq[c]);
			}
			if (crc[c] != SQLITE_ROW && crc[c] != SQLITE_DONE) {
				store_fail(st, err, "reading the records");
				goto fail;
			}
		}
		if ((rc = ops->end(&v, ctx)) != 0)
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

			if (ops->orphan != NULL && sid != prev_orphan) {
				ops->orphan(sid, store_child_names[c], ctx);
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
	return rc;
}

/* store_walk on store_walk_rows: each session copied, with its rows. */
struct store_walk_copy {
	struct store *st;
	struct store_session s;
	bool texts;
	store_session_fn fn;
	void (*orphan)(int64_t session, const char *table, void *ctx);
	void *ctx;
	char **err;
};

static int
store_walk_copy_session(struct store_session *v, void *ctx)
{
	struct store_walk_copy *w = ctx;

	store_session_copy(&w->s, v);
	return 0;
}

static void
store_walk_copy_child(struct store_session *v, enum store_child c,
		      const union store_child_row *r, void *ctx)
{
	struct store_walk_copy *w = ctx;

	(void)v;
	store_child_append(&w->s, c, r);
}

static int
store_walk_copy_end(struct store_session *v, void *ctx)
{
	struct store_walk_copy *w = ctx;

	w->s.malformed = v->malformed;
	if (store_visit_load(w->st, &w->s, w->err) != 0)
		return -1;
	if (w->texts && store_fill_texts(w->st, &w->s, w->err) != 0)
		return -1;
	return w->fn(&w->s, w->ctx);
}

static void
store_walk_copy_orphan(int64_t session, const char *table, void *ctx)
{
	struct store_walk_copy *w = ctx;

	w->orphan(session, table, w->ctx);
}

int
store_walk(struct store *st, const char *since, int64_t lo, int64_t hi,
	   bool texts, store_session_fn fn, void *ctx,
	   void (*orphan)(int64_t session, const char *table, void *ctx),
	   char **err)
{
	struct store_walk_copy w = { st, { 0 }, texts, fn, orphan, ctx, err };
	struct store_walk_ops ops = {
		store_walk_copy_session, store_walk_copy_child,
		store_walk_copy_end,
		orphan != NULL ? store_walk_copy_orphan : NULL,
	};
	int rc;

	store_session_init(&w.s);
	rc = store_walk_rows(st, since, lo, hi, &ops, &w, err);
	store_session_done(&w.s);
	return rc;
}

int
store_each(struct store *st, const char *since, store_session_fn fn, void *ctx,
	   char **err)
{
	return store_walk(st, since, INT64_MIN, INT64_MAX, false, fn, ctx, NULL,
			  err);
}

/* A value as the canonical form writes it (store-seal.c): TAB first,
 * backslash, TAB, LF and CR escaped, NULL as \N. */
static void
store_block_value(struct strbuf *sb, const char *v)
{
	strbuf_addch(sb, '\t');
	if (v == NULL) {
		strbuf_addstr(sb, "\\N");
		return;
	}
	for (; *v != '\0'; v++) {
		switch (*v) {
		case '\\': strbuf_addstr(sb, "\\\\"); break;
		case '\t': strbuf_addstr(sb, "\\t"); break;
		case '\n': strbuf_addstr(sb, "\\n"); break;
		case '\r': strbuf_addstr(sb, "\\r"); break;
		default: strbuf_addch(sb, *v); break;
		}
	}
}

const char *
store_files_block(struct store *st, const char *version, char **err)
{
	struct store_files_block *b;
	struct strbuf sb;
	sqlite3_stmt *q;
	size_t n = 0;
	int rc;

	if (version == NULL)
		version = "";
	for (size_t i = 0; i < st->nfiles; i++)
		if (strcmp(st->files[i].version, version) == 0)
			return st->files[i].block;
	/* By name: the set of files is what a seal vouches for (their order
	 * is checked against the version by verification), and a file frozen
	 * before schema 5 getting its place later changes nothing here. */
	if (store_prepare(st, "SELECT name, sha256 FROM content_files WHERE"
			  " version = ?1 ORDER BY name", &q, err) != 0)
		return NULL;
	store_bind_text(q, 1, version);
	strbuf_init(&sb);
	while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
		strbuf_addch(&sb, 'f');
		store_block_value(&sb, (const char *)sqlite3_column_text(q, 0));
		store_block_value(&sb, (const char *)sqlite3_column_text(q, 1));
		strbuf_addch(&sb, '\n');
		n++;
	}
	sqlite3_finalize(q);
	if (rc != SQLITE_DONE) {
		strbuf_done(&sb);
		store_fail(st, err, "reading the content files");
		return NULL;
	}
	if (st->nfiles < STORE_FILES_CACHE) {
		XGROW(st->files, st->nfiles, st->capfiles);
		b = &st->files[st->nfiles++];
	} else {
		/* full: the callers copy a block before they read another */
		b = &st->files[st->files_next++ % STORE_FILES_CACHE];
		free(b->version);
		free(b->block);
	}
	b->version = xstrdup(version);
	b->block = xasprintf("files\t%zu\n%s", n, sb.s);
	strbuf_done(&sb);
	return b->block;
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

int
store_content_each(struct store *st, const char *suffix,
		   void (*fn)(const char *version, const char *name,
			      const char *bytes, size_t len, void *ctx),
		   void *ctx, char **err)
{
	sqlite3_stmt *q;
	int rc;

	if (store_prepare(st, "SELECT f.version, f.name, t.text"
			  " FROM content_files f JOIN texts t"
			  " ON t.sha256 = f.sha256"
			  " WHERE substr(f.name, -length(?1)) = ?1"
			  " ORDER BY f.version, f.name", &q, err) != 0)
		return -1;
	store_bind_text(q, 1, suffix);
	while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
		const char *v = (const char *)sqlite3_column_text(q, 0);
		const char *n = (const char *)sqlite3_column_text(q, 1);
		const char *b = (const char *)sqlite3_column_blob(q, 2);
		int len = sqlite3_column_bytes(q, 2);

		if (v != NULL && n != NULL && b != NULL && len >= 0)
			fn(v, n, b, (size_t)len, ctx);
	}
	sqlite3_finalize(q);
	if (rc != SQLITE_DONE)
		return store_fail(st, err, "reading the content files");
	return 0;
}

/* ---- receipt codes ------------------------------------------------------- */

/* The hex digit c stands for (full-width forms too), or -1. */
static int
store_code_hex(ucs4_t c)
{
	if (c >= 0xFF10 && c <= 0xFF19)
		c = c - 0xFF10 + '0';
	else if (c >= 0xFF21 && c <= 0xFF26)
		c = c - 0xFF21 + 'a';
	else if (c >= 0xFF41 && c <= 0xFF46)
		c = c - 0xFF41 + 'a';
	if (c >= '0' && c <= '9')
		return (int)(c - '0');
	if (c >= 'a' && c <= 'f')
		return (int)(c - 'a' + 10);
	if (c >= 'A' && c <= 'F')
		return (int)(c - 'A' + 10);
	return -1;
}

/* Hyphens, dashes, the long vowel mark and spaces: what staff type between
 * the groups of a code, on any keyboard or input method. */
static bool
store_code_sep(ucs4_t c)
{
	return c == ' ' || c == '\t' || c == '-' || c == 0x3000 ||
	       c == 0xFF0D || (c >= 0x2010 && c <= 0x2015) || c == 0x2212 ||
	       c == 0x30FC || c == 0xFF70 || c == 0x00A0;
}

int
store_code_digits(const char *code, char out[65], char **err)
{
	static const char hex[] = "0123456789abcdef";
	const uint8_t *p = (const uint8_t *)code;
	size_t len = strlen(code), i = 0, nchar = 0;
	int n = 0;

	out[0] = '\0';
	while (i < len) {
		ucs4_t c;
		int l = u8_mbtouc(&c, p + i, len - i), h;

		nchar++;
		if (c == 0xFFFD && (l < 3 || memcmp(p + i, "\xef\xbf\xbd", 3)))
			return store_failf(err, "not a receipt code: character"
					   " %zu is not valid UTF-8", nchar);
		i += (size_t)l;
		if (store_code_sep(c))
			continue;
		if ((h = store_code_hex(c)) < 0) {
			if (c > 0x20 && c < 0x7f)
				return store_failf(err, "not a receipt code:"
						   " character %zu ('%c') is not"
						   " a digit 0-9 or a letter a-f",
						   nchar, (char)c);
			return store_failf(err, "not a receipt code: character"
					   " %zu (U+%04X) is not a digit 0-9 or"
					   " a letter a-f", nchar, (unsigned)c);
		}
		if (n == 64)
			return store_failf(err, "not a receipt code: more than"
					   " 64 digits (a seal has 64)");
		out[n++] = hex[h];
		out[n] = '\0';
	}
	if (n < STORE_CODE_MIN)
		return store_failf(err, "not a receipt code: %d digit%s; a"
				   " receipt code has %d (as 1a2b-3c4d)", n,
				   n == 1 ? "" : "s", STORE_CODE_MIN);
	return n;
}

/* The sessions whose seal starts with digits (at most max ids, in id
 * order) into ids; returns how many (up to max), or -1. */
static int
store_code_match(struct store *st, const char *digits, int64_t *ids, int max,
		 char **err)
{
	sqlite3_stmt *q;
	int n = 0, rc;

	/* No index on seal_hash (the schema belongs to the writers): one scan
	 * of the sessions table, some 10 ms at 100,000 sessions. */
	if (store_prepare(st, "SELECT id FROM sessions WHERE seal_hash IS NOT"
			  " NULL AND lower(substr(seal_hash, 1, ?2)) = ?1"
			  " ORDER BY id LIMIT ?3", &q, err) != 0)
		return -1;
	store_bind_text(q, 1, digits);
	sqlite3_bind_int(q, 2, (int)strlen(digits));
	sqlite3_bind_int(q, 3, max);
	while ((rc = sqlite3_step(q)) == SQLITE_ROW && n < max)
		ids[n++] = sqlite3_column_int64(q, 0);
	sqlite3_finalize(q);
	if (rc != SQLITE_DONE && rc != SQLITE_ROW)
		return store_fail(st, err, "looking up the receipt code");
	return n;
}

/* The code as the patient saw it: "1a2b-3c4d" (the first 8 digits). */
static void
store_code_show(const char *digits, char out[80])
{
	size_t n = strlen(digits);

	if (n <= 4)
		snprintf(out, 80, "%s", digits);
	else if (n <= 8)
		snprintf(out, 80, "%.4s-%s", digits, digits + 4);
	else
		snprintf(out, 80, "%.4s-%.4s-%s", digits, digits + 4,
			 digits + 8);
}

static int
store_code_ambiguous(const char *what, const int64_t *ids, int n, char **err)
{
	struct strbuf sb;

	strbuf_init(&sb);
	for (int i = 0; i < n && i < 4; i++)
		strbuf_addf(&sb, "%s%lld", i == 0 ? "" : i + 1 == n ? " and "
				      : ", ", (long long)ids[i]);
	if (n > 4)
		strbuf_addstr(&sb, " and more");
	store_failf(err, "%s is ambiguous: it names sessions %s; give more"
		    " digits of the seal, or the session id", what, sb.s);
	strbuf_done(&sb);
	return -1;
}

int
store_find_code(struct store *st, const char *code, int64_t *id, char **err)
{
	char digits[65], shown[80];
	int64_t ids[5];
	int n;

	if (store_code_digits(code, digits, err) < 0)
		return -1;
	if ((n = store_code_match(st, digits, ids, 5, err)) < 0)
		return -1;
	store_code_show(digits, shown);
	if (n == 0) {
		store_failf(err, "no sealed session has receipt code %s",
			    shown);
		return 1;
	}
	if (n > 1) {
		char *what = xasprintf("receipt code %s", shown);

		store_code_ambiguous(what, ids, n, err);
		free(what);
		return -1;
	}
	*id = ids[0];
	return 0;
}

/* "isokiosk:<code>:<seal>", the QR code of a printed copy. */
static int
store_find_qr(struct store *st, const char *ref, int64_t *id, char **err)
{
	const char *colon = strchr(ref + 9, ':');
	char code[65], seal[65];
	char *part;
	int64_t ids[2];
	int n;

	if (colon == NULL)
		return store_failf(err, "not a receipt QR code: expected"
				   " isokiosk:CODE:SEAL");
	part = xstrndup(ref + 9, (size_t)(colon - (ref + 9)));
	n = store_code_digits(part, code, err);
	free(part);
	if (n < 0)
		return -1;
	if (store_code_digits(colon + 1, seal, err) != 64)
		return store_failf(err, "not a receipt QR code: the seal after"
				   " the code must have 64 digits");
	if (strncmp(seal, code, strlen(code)) != 0)
		return store_failf(err, "not a receipt QR code: the code is not"
				   " the start of the seal");
	if ((n = store_code_match(st, seal, ids, 2, err)) < 0)
		return -1;
	if (n == 0) {
		store_failf(err, "no sealed session has the seal %.16s...",
			    seal);
		return 1;
	}
	if (n > 1)
		return store_code_ambiguous("the seal", ids, n, err);
	*id = ids[0];
	return 0;
}

int
store_find_session(struct store *st, const char *ref, int64_t *id, char **err)
{
	size_t len = strlen(ref);
	int64_t byid = 0, bycode[5];
	char digits[65];
	int n;

	if (strncmp(ref, "isokiosk:", 9) == 0)
		return store_find_qr(st, ref, id, err);
	if (len == 0 || strspn(ref, "0123456789") != len)
		return store_find_code(st, ref, id, err);
	/* Digits only: an id, unless they also start another session's seal. */
	if (len <= 18) {
		struct store_session s;
		int rc;

		store_session_init(&s);
		rc = store_session_get(st, strtoll(ref, NULL, 10), &s, err);
		if (rc == 0)
			byid = s.id;
		store_session_done(&s);
		if (rc < 0)
			return -1;
	}
	n = 0;
	if (len >= STORE_CODE_MIN) {
		if (store_code_digits(ref, digits, NULL) < 0)
			n = 0;
		else if ((n = store_code_match(st, digits, bycode, 5, err)) < 0)
			return -1;
	}
	if (byid != 0 && n > 0) {
		char shown[80];

		store_code_show(digits, shown);
		return store_failf(err, "%s is ambiguous: session %lld, and"
				   " the receipt code %s of session %lld; write"
				   " a receipt code with its hyphen (%s)", ref,
				   (long long)byid, shown, (long long)bycode[0],
				   shown);
	}
	if (byid != 0) {
		*id = byid;
		return 0;
	}
	if (n == 1) {
		*id = bycode[0];
		return 0;
	}
	if (n > 1) {
		char shown[80], *what;

		store_code_show(digits, shown);
		what = xasprintf("receipt code %s", shown);
		store_code_ambiguous(what, bycode, n, err);
		free(what);
		return -1;
	}
	store_failf(err, len >= STORE_CODE_MIN ? "no session %s and no"
		    " sealed session with that receipt code" : "no session %s",
		    ref);
	return 1;
}

/* ---- frozen content ----------------------------------------------------- */

int
store_content_copy(struct store *st, const char *version,
		   struct store_content_file **files, size_t *n, char **err)
{
	struct store_content_file *v = NULL;
	size_t cap = 0, nv = 0;
	sqlite3_stmt *q;
	int rc;

	*files = NULL;
	*n = 0;
	if (store_prepare(st, "SELECT f.name, f.sha256, t.text FROM"
			  " content_files f LEFT JOIN texts t"
			  " ON t.sha256 = f.sha256 WHERE f.version = ?1"
			  " ORDER BY f.name", &q, err) != 0)
		return -1;
	store_bind_text(q, 1, version);
	while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
		const char *name = store_col(q, 0), *hash = store_col(q, 1);
		const void *b = sqlite3_column_blob(q, 2);
		size_t len = (size_t)sqlite3_column_bytes(q, 2);
		struct store_content_file *f;
		char got[65];

		XGROW(v, nv, cap);
		f = &v[nv++];
		memset(f, 0, sizeof *f);
		f->name = xstrdup(name != NULL ? name : "");
		snprintf(f->sha256, sizeof f->sha256, "%s",
			 hash != NULL ? hash : "");
		if (sqlite3_column_type(q, 2) == SQLITE_NULL)
			continue;
		f->bytes = xmalloc(len + 1);
		if (len > 0)
			memcpy(f->bytes, b, len);
		f->bytes[len] = '\0';
		f->len = len;
		store_sha256_hex(f->bytes, len, got);
		f->intact = strcmp(got, f->sha256) == 0;
	}
	sqlite3_finalize(q);
	if (rc != SQLITE_DONE) {
		store_content_copy_free(v, nv);
		return store_fail(st, err, "reading the content files");
	}
	*files = v;
	*n = nv;
	return 0;
}

void
store_content_copy_free(struct store_content_file *files, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(files[i].name);
		free(files[i].bytes);
	}
	free(files);
}
