/*
 * store-sign: what the store keeps of the kiosk's identity (schema 6): the
 * signature of each link of the chain, made when the link is sealed, in
 * the same transaction (a link is sealed and signed, or neither), and the
 * checkpoints the kiosk writes as its chain grows. The store never sees the
 * secret key: it calls the signer it is given (store_set_signer, from
 * identity.c). Also the walk over the chain's links in seq order that
 * verification with signatures, checkpoints and sync use.
 */
#include <stdlib.h>
#include <string.h>

#include "store-int.h"
#include "xmalloc.h"

/*
 * Schema 6: link signatures and checkpoints. Both are written once and
 * never change; the triggers stop mistakes, the signatures themselves (and
 * a checkpoint kept elsewhere) what a determined edit does. IF NOT EXISTS:
 * the step does not depend on the order it runs in beside other steps.
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
	return st->schema >= 6;
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

	if (st->schema < 6)
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

static void
store_link_copy(char *out, size_t n, sqlite3_stmt *s, int col)
{
	const unsigned char *v = sqlite3_column_text(s, col);

	snprintf(out, n, "%s", v != NULL ? (const char *)v : "");
}

int
store_each_link(struct store *st, int64_t after, store_link_fn fn, void *ctx,
		char **err)
{
	/* Each link once, in seq order; a seq held twice (only an edited
	 * database has one) comes twice. */
	static const char sql6[] =
		"SELECT l.seq, l.kind, l.session, l.prev, l.seal, g.pubkey,"
		" g.sig, g.seal FROM (SELECT seal_seq AS seq, 0 AS kind,"
		" id AS session, seal_prev AS prev, seal_hash AS seal"
		" FROM sessions WHERE seal_seq > ?1 UNION ALL"
		" SELECT seal_seq, 1, session_id, seal_prev, seal_hash"
		" FROM verifications WHERE seal_seq > ?1) l"
		" LEFT JOIN link_signatures g ON g.seq = l.seq ORDER BY l.seq";
	static const char sql5[] =
		"SELECT seq, kind, session, prev, seal, NULL, NULL, NULL"
		" FROM (SELECT seal_seq AS seq, 0 AS kind,"
		" id AS session, seal_prev AS prev, seal_hash AS seal"
		" FROM sessions WHERE seal_seq > ?1 UNION ALL"
		" SELECT seal_seq, 1, session_id, seal_prev, seal_hash"
		" FROM verifications WHERE seal_seq > ?1) ORDER BY seq";
	sqlite3_stmt *s;
	struct store_link_info l;
	int rc;

	if (sqlite3_prepare_v2(st->db, st->schema >= 6 ? sql6 : sql5, -1, &s,
			       NULL) != SQLITE_OK)
		return store_fail(st, err, "reading the chain");
	sqlite3_bind_int64(s, 1, after);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		int r;

		memset(&l, 0, sizeof l);
		l.seq = sqlite3_column_int64(s, 0);
		l.verification = sqlite3_column_int(s, 1) != 0;
		l.session = sqlite3_column_int64(s, 2);
		store_link_copy(l.prev, sizeof l.prev, s, 3);
		store_link_copy(l.seal, sizeof l.seal, s, 4);
		store_link_copy(l.pubkey, sizeof l.pubkey, s, 5);
		store_link_copy(l.sig, sizeof l.sig, s, 6);
		store_link_copy(l.signed_seal, sizeof l.signed_seal, s, 7);
		l.signed_ = sqlite3_column_type(s, 6) != SQLITE_NULL;
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
	int rc = store_session_get(st, l->session, s, err);

	if (rc != 0) {
		if (rc == 1)
			store_failf(err, "link %lld: no session %lld",
				    (long long)l->seq, (long long)l->session);
		return NULL;
	}
	if (!l->verification)
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
