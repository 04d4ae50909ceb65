/*
 * store-sign: what the store keeps of the kiosk's identity (schema 7): the
 * signature of each link of the chain (a session, a staff verification, a
 * pregnancy test, a flag's acknowledgement, may prescribe), made when the
 * link is sealed, in the same transaction (a link is sealed and signed, or
 * neither), and the checkpoints the kiosk writes as its chain grows. The
 * store never sees the secret key: it calls the signer it is given
 * (store_set_signer, from identity.c). Also the walk over the chain's
 * links of every kind in seq order that verification with signatures,
 * checkpoints and sync use.
 */
#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store-int.h"
#include "xmalloc.h"

/*
 * Schema 7 (schema 6 is the follow-up visits'): link signatures and
 * checkpoints. Both are written once and never change; the triggers stop
 * mistakes, the signatures themselves (and a checkpoint kept elsewhere)
 * what a determined edit does. IF NOT EXISTS: the step does not depend on
 * the order it runs in beside other steps.
 */
static const char store_schema_sign_sql[] =
	"CREATE TABLE IF NOT EXISTS link_signatures("
	" seq INTEGER PRIMARY KEY, seal TEXT NOT NULL, pubkey TEXT NOT NULL,"
	" sig TEXT NOT NULL);"
	"CREATE TABLE IF NOT EXISTS checkpoints("
	" id INTEGER PRIMARY KEY, seq INTEGER NOT NULL, line TEXT NOT NULL);"
	"CREATE TRIGGER IF NOT EXISTS link_signatures_no_update BEFORE UPDATE"
	" ON link_signatures BEGIN"
	" SELECT RAISE(ABORT, 'signatures never change'); END;"
	"CREATE TRIGGER IF NOT EXISTS link_signatures_no_delete BEFORE DELETE"
	" ON link_signatures BEGIN"
	" SELECT RAISE(ABORT, 'signatures never change'); END;"
	"CREATE TRIGGER IF NOT EXISTS checkpoints_no_update BEFORE UPDATE"
	" ON checkpoints BEGIN"
	" SELECT RAISE(ABORT, 'checkpoints never change'); END;"
	"CREATE TRIGGER IF NOT EXISTS checkpoints_no_delete BEFORE DELETE"
	" ON checkpoints BEGIN"
	" SELECT RAISE(ABORT, 'checkpoints never change'); END;";

void
store_schema_sign(struct strbuf *sb)
{
	strbuf_addstr(sb, store_schema_sign_sql);
}

void
store_set_signer(struct store *st, const struct store_signer *sg)
{
	if (sg == NULL)
		memset(&st->signer, 0, sizeof st->signer);
	else
		st->signer = *sg;
}

bool
store_has_signatures(const struct store *st)
{
	return st->schema >= 7;
}

static int
store_sign_exec(struct store *st, const char *sql, int64_t seq,
		const char *a, const char *b, const char *c, char **err,
		const char *what)
{
	sqlite3_stmt *s;
	int rc;

	if (sqlite3_prepare_v2(st->db, sql, -1, &s, NULL) != SQLITE_OK)
		return store_fail(st, err, what);
	sqlite3_bind_int64(s, 1, seq);
	store_bind_text(s, 2, a);
	store_bind_text(s, 3, b);
	store_bind_text(s, 4, c);
	rc = sqlite3_step(s);
	sqlite3_finalize(s);
	if (rc != SQLITE_DONE)
		return store_fail(st, err, what);
	return 0;
}

int
store_sign_link(struct store *st, int64_t seq, const char *seal, char **err)
{
	char key[65], sig[129];

	if (st->signer.sign_link == NULL)
		return 0;
	key[0] = sig[0] = '\0';
	st->signer.sign_link(st->signer.ctx, seq, seal, key, sig);
	if (store_sign_exec(st, "INSERT INTO link_signatures(seq, seal, pubkey,"
			    " sig) VALUES(?1, ?2, ?3, ?4)", seq, seal, key,
			    sig, err, "signing the link") != 0)
		return -1;
	if (st->signer.checkpoint != NULL && st->signer.every > 0 &&
	    seq % st->signer.every == 0) {
		char now[32], *line;
		int rc;

		store_now(st, now);
		line = st->signer.checkpoint(st->signer.ctx, seq, seal, now);
		rc = store_sign_exec(st, "INSERT INTO checkpoints(seq, line)"
				     " VALUES(?1, ?2)", seq, line,
				     NULL, NULL, err, "writing a checkpoint");
		free(line);
		return rc;
	}
	return 0;
}

int
store_checkpoint_add(struct store *st, int64_t seq, const char *line,
		     char **err)
{
	int rc;

	if (store_txn_begin(st, err) != 0)
		return -1;
	rc = store_sign_exec(st, "INSERT INTO checkpoints(seq, line)"
			     " VALUES(?1, ?2)", seq, line, NULL, NULL,
			     err, "writing a checkpoint");
	if (rc != 0) {
		store_txn_rollback(st);
		return -1;
	}
	return store_txn_commit(st, err);
}

int
store_each_checkpoint(struct store *st, int64_t after_id,
		      store_checkpoint_fn fn, void *ctx, char **err)
{
	sqlite3_stmt *s;
	int rc;

	if (st->schema < 7)
		return 0;
	if (sqlite3_prepare_v2(st->db, "SELECT id, seq, line FROM checkpoints"
			       " WHERE id > ?1 ORDER BY id", -1, &s,
			       NULL) != SQLITE_OK)
		return store_fail(st, err, "reading the checkpoints");
	sqlite3_bind_int64(s, 1, after_id);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		const unsigned char *l = sqlite3_column_text(s, 2);
		int r = fn(sqlite3_column_int64(s, 0),
			   sqlite3_column_int64(s, 1),
			   l != NULL ? (const char *)l : "", ctx);

		if (r != 0) {
			sqlite3_finalize(s);
			return r;
		}
	}
	sqlite3_finalize(s);
	if (rc != SQLITE_DONE)
		return store_fail(st, err, "reading the checkpoints");
	return 0;
}

/* Column col of s (NULL: "") into out, cut to n - 1 bytes: a link's hex
 * fields, 100,000s of them in a verification, so no printf. */
static void
store_link_copy(char *out, size_t n, sqlite3_stmt *s, int col)
{
	const char *v = (const char *)sqlite3_column_text(s, col);
	size_t len = v != NULL ? strnlen(v, n - 1) : 0;

	memcpy(out, v != NULL ? v : "", len);
	out[len] = '\0';
}

const char *
store_link_kind_name(enum store_link_kind k)
{
	static const char *const names[STORE_LINK_KIND_N] = {
		[STORE_LINK_SESSION] = "session",
		[STORE_LINK_VERIFICATION] = "verification",
		[STORE_LINK_TEST] = "pregnancy-test",
		[STORE_LINK_FLAG_ACK] = "flag-ack",
		[STORE_LINK_PRESCRIPTION] = "prescription",
	};

	return (unsigned)k < STORE_LINK_KIND_N ? names[k] : "?";
}

void
store_link_describe(const struct store_link_info *l, char buf[80])
{
	switch (l->kind) {
	case STORE_LINK_SESSION:
		snprintf(buf, 80, "session %lld", (long long)l->session);
		return;
	case STORE_LINK_VERIFICATION:
		snprintf(buf, 80, "verification of session %lld",
			 (long long)l->session);
		return;
	case STORE_LINK_TEST:
		snprintf(buf, 80, "pregnancy test %lld", (long long)l->id);
		return;
	case STORE_LINK_FLAG_ACK:
		snprintf(buf, 80, "flag acknowledgement of session %lld",
			 (long long)l->session);
		return;
	case STORE_LINK_PRESCRIPTION:
		snprintf(buf, 80, "may prescribe of session %lld",
			 (long long)l->session);
		return;
	case STORE_LINK_KIND_N:
		break;
	}
	snprintf(buf, 80, "link %lld", (long long)l->seq);
}

static const char *
store_link_text(sqlite3_stmt *s, int col)
{
	return (const char *)sqlite3_column_text(s, col);
}

/* Each kind of link as store_each_link reads it (x its table, s its
 * session): seq, kind, session and its own id (cols); then staff, patient,
 * at and outcome (rest). A link whose session is missing still comes (LEFT
 * JOIN), its patient NULL. */
static const struct store_link_arm {
	int schema;              /* the first schema that has the table */
	const char *cols, *from, *rest;
} store_link_arms[] = {
	{ 5, "x.seal_seq, 0, x.id, x.id", "sessions x",
	  "x.staff_id, x.patient_ref, x.started_at, x.outcome" },
	{ 5, "x.seal_seq, 1, x.session_id, x.id", "verifications x LEFT JOIN"
	  " sessions s ON s.id = x.session_id",
	  "x.staff_id, s.patient_ref, s.started_at, 'verified'" },
	/* schema 6: the follow-up's links of their own */
	{ 6, "x.seal_seq, 2, 0, x.id", "pregnancy_tests x",
	  "x.staff_id, x.patient_ref, x.at, x.result" },
	{ 6, "x.seal_seq, 3, x.session_id, x.id", "flag_acks x LEFT JOIN"
	  " sessions s ON s.id = x.session_id",
	  "x.staff_id, s.patient_ref, s.started_at, 'acknowledged'" },
	{ 6, "x.seal_seq, 4, x.session_id, x.id", "prescriptions x LEFT JOIN"
	  " sessions s ON s.id = x.session_id",
	  "x.staff_id, s.patient_ref, s.started_at, 'may prescribe'" },
};

int
store_each_link(struct store *st, int64_t after, store_link_fn fn, void *ctx,
		char **err)
{
	/*
	 * Every kind of link once, in seq order; a seq held twice (only an
	 * edited database has one) comes twice. The kinds' numbers are enum
	 * store_link_kind's. Each kind's part joins its signature (schema 7)
	 * itself and is read along its seal_seq index, so that ORDER BY on
	 * the compound merges the parts as they come rather than sorting
	 * every link in a temporary tree (a verification walks 100,000s).
	 */
	struct strbuf sql;
	sqlite3_stmt *s;
	struct store_link_info l;
	int rc;

	strbuf_init(&sql);
	for (size_t i = 0; i < sizeof store_link_arms /
				   sizeof store_link_arms[0]; i++) {
		const struct store_link_arm *a = &store_link_arms[i];

		if (st->schema < a->schema)
			continue;
		strbuf_addf(&sql, "%sSELECT %s, x.seal_prev, x.seal_hash, %s,"
			    " %s FROM %s%s WHERE x.seal_seq > ?1",
			    i > 0 ? " UNION ALL " : "", a->cols, a->rest,
			    st->schema >= 7 ? "g.pubkey, g.sig, g.seal"
					    : "NULL, NULL, NULL",
			    a->from, st->schema >= 7 ? " LEFT JOIN"
			    " link_signatures g ON g.seq = x.seal_seq" : "");
	}
	strbuf_addstr(&sql, " ORDER BY 1");
	rc = sqlite3_prepare_v2(st->db, sql.s, -1, &s, NULL);
	strbuf_done(&sql);
	if (rc != SQLITE_OK)
		return store_fail(st, err, "reading the chain");
	sqlite3_bind_int64(s, 1, after);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		int r, kind = sqlite3_column_int(s, 1);

		memset(&l, 0, sizeof l);
		l.seq = sqlite3_column_int64(s, 0);
		assert(kind >= 0 && kind < STORE_LINK_KIND_N);
		l.kind = (enum store_link_kind)kind;
		l.session = sqlite3_column_int64(s, 2);
		l.id = sqlite3_column_int64(s, 3);
		store_link_copy(l.prev, sizeof l.prev, s, 4);
		store_link_copy(l.seal, sizeof l.seal, s, 5);
		l.staff = store_link_text(s, 6);
		l.patient = store_link_text(s, 7);
		l.at = store_link_text(s, 8);
		l.outcome = store_link_text(s, 9);
		store_link_copy(l.pubkey, sizeof l.pubkey, s, 10);
		store_link_copy(l.sig, sizeof l.sig, s, 11);
		store_link_copy(l.signed_seal, sizeof l.signed_seal, s, 12);
		l.signed_ = sqlite3_column_type(s, 11) != SQLITE_NULL;
		r = fn(&l, ctx);
		if (r != 0) {
			sqlite3_finalize(s);
			return r;
		}
	}
	sqlite3_finalize(s);
	if (rc != SQLITE_DONE)
		return store_fail(st, err, "reading the chain");
	return 0;
}

char *
store_link_canonical(struct store *st, const struct store_link_info *l,
		     struct store_session *s, size_t *len, char **err)
{
	int rc;

	if (l->kind != STORE_LINK_SESSION &&
	    l->kind != STORE_LINK_VERIFICATION)
		return store_visit_canonical(st, l->kind, l->seq, len, err);
	rc = store_session_get(st, l->session, s, err);
	if (rc != 0) {
		if (rc == 1)
			store_failf(err, "link %lld: no session %lld",
				    (long long)l->seq, (long long)l->session);
		return NULL;
	}
	if (l->kind == STORE_LINK_SESSION)
		return store_canonical(s, len);
	for (size_t i = 0; i < s->nverifications; i++)
		if (s->verifications[i].seq == l->seq)
			return store_canonical_verification(s,
				&s->verifications[i], len);
	store_failf(err, "link %lld: no such verification of session %lld",
		    (long long)l->seq, (long long)l->session);
	return NULL;
}

int
store_head(struct store *st, int64_t *seq, char seal[65], char **err)
{
	return store_chain_head(st, seq, seal, err);
}
