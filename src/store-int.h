/*
 * store-int: what the store's files (store.c, store-read.c, store-seal.c,
 * store-export.c) share and nobody else sees: the connection, its prepared
 * statements, the clock, the arena that session strings live in.
 */
#ifndef ISOKIOSK_STORE_INT_H
#define ISOKIOSK_STORE_INT_H

#include <sqlite3.h>

#include "arena.h"
#include "ingate.h"
#include "store.h"
#include "strbuf.h"

enum store_stmt {
	STMT_SESSION_INSERT,
	STMT_SCREEN_INSERT,
	STMT_ANSWER_FIND,
	STMT_ANSWER_INSERT,
	STMT_ACK_FIND,
	STMT_ACK_INSERT,
	STMT_TEXT_INSERT,
	STMT_SIGN_FIND,
	STMT_SIGN_INSERT,
	STMT_SESSION_SEAL,
	STMT_HEAD_SESSIONS,
	STMT_HEAD_VERIFICATIONS,
	STMT_VERIFY_INSERT,
	STMT_CONTENT_INSERT,
	STMT_CONTENT_ORD,
	STMT_OPEN_SESSIONS,
	STMT_LAST_ACTIVITY,
	STMT_N
};

/* store_session_get's statements: the session, its child tables (enum
 * store_child, from STORE_GET_CHILD), the statements' texts. */
enum store_get_slot {
	STORE_GET_SESSION,
	STORE_GET_TEXT,
	STORE_GET_CHILD,
	STORE_GET_N = STORE_GET_CHILD + 5
};

/* A content version's file list as the canonical form writes it. */
struct store_files_block {
	char *version;
	char *block;
};
#define STORE_FILES_CACHE 64 /* versions kept (only an edited database has
				more than a few) */

struct store {
	sqlite3 *db;
	char *path;
	unsigned flags;
	int64_t (*clock)(void *ctx);
	void *clock_ctx;
	bool bulk;
	int lock_fd;          /* writers: the database file, flock'ed */
	int schema;           /* user_version as opened (readers: 3 to 6;
				 writers: after migrating) */
	char *uri;            /* how SQLite was given the file (readers) */
	char *note;           /* store_open_note */
	struct store_files_block *files; /* by version, read once each */
	size_t nfiles, capfiles, files_next;
	sqlite3_stmt *stmt[STMT_N];
	sqlite3_stmt *vstmt[16]; /* store-visit.c's */
	sqlite3_stmt *get_stmt[STORE_GET_N]; /* store_session_get's */
	struct store_signer signer; /* store-sign.c; none: sign_link NULL */
};

/* v in decimal, written backwards from the end of buf; returns where it
 * starts (buf holds at most 23 characters and the NUL). */
static inline const char *
store_itoa(long long v, char buf[24])
{
	char *p = buf + 23;
	unsigned long long u = v < 0 ? 0ULL - (unsigned long long)v
				      : (unsigned long long)v;

	*p = '\0';
	do {
		*--p = (char)('0' + u % 10);
		u /= 10;
	} while (u != 0);
	if (v < 0)
		*--p = '-';
	return p;
}

/* The private part of a store_session. */
struct store_session_priv {
	struct arena arena; /* the session's strings */
	size_t cap_screens, cap_answers, cap_acks, cap_signs, cap_verifications;
};

/* A second read-only connection to st's database (a verification worker);
 * store_close it. NULL with *err on failure. */
struct store *store_reader(struct store *st, char **err);

/*
 * The file list of a content version as form 4 of the canonical form
 * writes it ("files\tN\n" and one "f\tname\tsha256\n" a file, by name;
 * see store-seal.c), read once per version and kept in st (forgotten when
 * content is frozen). NULL with *err on a database error.
 */
const char *store_files_block(struct store *st, const char *version,
			      char **err);

/* A prepared statement (prepared once, reset before use). */
sqlite3_stmt *store_stmt(struct store *st, enum store_stmt which, char **err);
/* Set *err to "what: sqlite message" and return -1. */
int store_fail(struct store *st, char **err, const char *what);
int store_failf(char **err, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Bind a string or NULL. */
int store_bind_text(sqlite3_stmt *s, int i, const char *v);

int store_txn_begin(struct store *st, char **err);
int store_txn_commit(struct store *st, char **err);
void store_txn_rollback(struct store *st);

/* Now, as "YYYY-MM-DDTHH:MM:SS.mmmZ". */
void store_now(struct store *st, char out[32]);
void store_format_time(int64_t ms, char out[32]);

/*
 * Walk sessions with lo <= id < hi in id order (see store_each), in one read
 * transaction. orphan, if not NULL, is called for each session id in range
 * that child rows name but that has no session row.
 */
int store_walk(struct store *st, const char *since, int64_t lo, int64_t hi,
	       bool texts,
	       store_session_fn fn, void *ctx,
	       void (*orphan)(int64_t session, const char *table, void *ctx),
	       char **err);

/* The per-session tables, read in this order for each session. */
enum store_child {
	CHILD_SCREENS,
	CHILD_ANSWERS,
	CHILD_ACKS,
	CHILD_SIGNS,
	CHILD_VERIFICATIONS,
	CHILD_N
};

union store_child_row {
	struct store_screen_row screen;
	struct store_answer_row answer;
	struct store_ack_row ack;
	struct store_sign_row sign;
	struct store_verify_row verify;
};

/*
 * store_walk without copies, for verification: session gets each session
 * row as a store_session with no rows (its strings point into SQLite's row
 * and stay valid until end returns), child each of its rows of each table
 * in turn (screens, answers, acks, signatures, verifications; each in seq
 * order, strings valid during the call only; a value of the wrong type sets
 * the session's malformed), end after its last. A non-zero return from
 * session or end stops the walk and is returned. orphan may be NULL.
 */
struct store_walk_ops {
	int (*session)(struct store_session *s, void *ctx);
	void (*child)(struct store_session *s, enum store_child c,
		      const union store_child_row *r, void *ctx);
	int (*end)(struct store_session *s, void *ctx);
	void (*orphan)(int64_t session, const char *table, void *ctx);
};
int store_walk_rows(struct store *st, const char *since, int64_t lo,
		    int64_t hi, const struct store_walk_ops *ops, void *ctx,
		    char **err);

/*
 * Seals. digest = SHA-256(canonical); seal = SHA-256(prev || digest || seq)
 * with prev the previous link's seal (32 zero bytes for the first), seq as 8
 * bytes big-endian (see store-seal.c). hex in, hex out.
 */
void store_seal_compute(const char *prev_hex, const unsigned char digest[32],
			int64_t seq, char out[65]);
/* The seal of link seq over a canonical form (freed here), after prev_hex. */
void store_seal_canonical(const char *prev_hex, char *canon, size_t len,
			  int64_t seq, char out[65]);
char *store_canonical_verification(const struct store_session *s,
				   const struct store_verify_row *v,
				   size_t *len);
/* The last link of the chain: *seq 0 and hash "" when empty. */
int store_chain_head(struct store *st, int64_t *seq, char hash[65], char **err);
/* Schema 7 (store-sign.c): append its SQL. */
void store_schema_sign(struct strbuf *sb);
/* Sign link seq (sealed with seal) when a signer is set, and write a
 * checkpoint when one is due; inside the sealing transaction. */
int store_sign_link(struct store *st, int64_t seq, const char *seal,
		    char **err);
/* Seal an open session (inside a transaction the caller holds). */
int store_seal_session(struct store *st, int64_t id, enum store_outcome outcome,
		       const char *reason, const char *ended_at, char **err);

/* v is what the input gate (ingate.h) lets through, unchanged: 0, or -1
 * with *err saying why not (store.c). */
int store_clean(enum ingate_kind kind, const char *v, char **err);

/* ---- hooks into store-visit.c (follow-up visits) ------------------------- */

/* Schema 6's tables (appended to a migration). */
extern const char store_visit_schema_6[];
/* Mark a session just inserted as visit (NULL or "first": nothing). */
int store_visit_begin(struct store *st, int64_t id, const char *visit,
		      char **err);
void store_visit_close(struct store *st);
/* Fill s's visit, vanswers and flags (with their acknowledgements). */
int store_visit_load(struct store *st, struct store_session *s, char **err);
/* Canonical form 5's visit block: from a loaded session, or read from the
 * database (verification); the same bytes. */
struct strbuf;
void store_visit_canon(const struct store_session *s, struct strbuf *sb);
/*
 * Verification reads the visit blocks of the sessions lo <= id < hi in
 * one pass over each visit table, in session order, as store_walk_rows
 * reads the rest (and in its read transaction): store_visit_walk_canon
 * for each session asked for, in increasing id order (any may be left
 * out). new: NULL with *err; free it with store_visit_walk_free.
 */
struct store_visit_walk;
struct store_visit_walk *store_visit_walk_new(struct store *st, int64_t lo,
					      int64_t hi, char **err);
void store_visit_walk_free(struct store_visit_walk *w);
int store_visit_walk_canon(struct store_visit_walk *w, int64_t id,
			   struct strbuf *sb, char **err);
/* TAB and v escaped as the canonical form writes values (store-seal.c). */
void store_canon_put(struct strbuf *sb, const char *v);
/* Raise *seq/hash to the newest pregnancy-test or flag-ack link. */
int store_visit_head(struct store *st, int64_t *seq, char hash[65],
		     char **err);
/* A link of the chain that is neither a session nor a verification. */
struct store_xlink {
	int64_t seq;
	const char *what;       /* "pregnancy test", "flag acknowledgement" */
	int64_t id;             /* the test's id, or the flag's session */
	const char *prev, *hash;
	unsigned char digest[32];
};
/* The exports' part (store-export-visit.c): a follow-up's
 * QuestionnaireResponse and Flags after its session's entries; every
 * pregnancy test (from since's day) as an Observation; a session row's
 * visit columns, cells written by cell. Entries begin ",\n". */
void store_fhir_visit(struct strbuf *sb, const struct store_session *s);
int store_fhir_tests(struct store *st, const char *since, struct strbuf *sb,
		     char **err);
void store_csv_visit(struct strbuf *sb, const struct store_session *s,
		     void (*cell)(struct strbuf *, const char *, bool));
int store_visit_links(struct store *st, int64_t bound,
		      void (*add)(void *ctx, const struct store_xlink *l),
		      void *ctx, char **err);
/* The canonical form of the link seq of a kind of store-visit.c's own
 * (a test, an acknowledgement, a prescription), made by the function that
 * sealed it. Caller frees; NULL with *err (none: "no such link"). */
char *store_visit_canonical(struct store *st, enum store_link_kind kind,
			    int64_t seq, size_t *len, char **err);

#endif
