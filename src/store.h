/*
 * store: the consent records, in one SQLite file (WAL, synchronous=FULL,
 * schema version in user_version, file mode 0600, prepared statements only).
 *
 * What a clinic must be able to prove later: that this patient saw this exact
 * content (content version), understood the key risks (every quiz attempt),
 * acknowledged each one (per statement: id, SHA-256 of its exact text, time),
 * at this time, with this staff member, and signed (name as typed and the
 * meaning of the signature).
 *
 * Writing: a session row is written when it starts; every screen time, answer,
 * acknowledgement and signature is its own transaction, committed durably
 * before the function returns 0. On any failure (disk full, I/O error) the
 * function returns -1, sets *err (caller frees; err may be NULL) and nothing
 * of that call is visible; the caller may simply call again later (answers,
 * acknowledgements and signatures are idempotent: repeating one that is
 * already stored with the same values returns 0 and stores nothing).
 *
 * Sealing: a session that ends (completed, stopped, abandoned, timed out) is
 * sealed into a hash chain (see store-seal.c for the exact canonical form);
 * triggers then refuse UPDATE and DELETE of its rows, and `records verify`
 * (store_verify) finds any change made behind the triggers' back.
 *
 * One kiosk process writes a database at a time: store_open() seals every
 * session it finds still open as abandoned (a crash or power cut), so two
 * kiosks must never share one database file; a second writer's store_open
 * fails ("another isokiosk is writing this database", an flock held until
 * store_close). Readers (records commands) open with STORE_READONLY and may
 * run while the kiosk writes.
 *
 * What the chain cannot see: removing the newest sessions together with the
 * sqlite_sequence row that remembers the highest id leaves a shorter chain
 * that holds. store_verify reports the head (last link and its seal): a
 * clinic that notes it elsewhere (a printed receipt, a daily log) can tell.
 *
 * Times are UTC ISO 8601 with milliseconds: "2026-11-21T07:05:03.123Z".
 */
#ifndef ISOKIOSK_STORE_H
#define ISOKIOSK_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

struct store;

/* The schema version this build writes (PRAGMA user_version). */
#define STORE_SCHEMA_VERSION 7
/* PRAGMA application_id of every isokiosk records database ("IsKi"): a
 * SQLite file without it is not ours (see store_open). */
#define STORE_APPLICATION_ID 0x49734b69

enum store_flags {
	STORE_READONLY = 1 << 0,  /* records commands: no writes, no recovery */
	STORE_NO_RECOVER = 1 << 1, /* do not seal open sessions as abandoned */
	STORE_APPEND = 1 << 2,     /* a shell command adding links of its
				      own (a pregnancy test) while a kiosk
				      may run: no writer lock, no recovery,
				      never seals a session, never creates
				      the database */
};

struct store_opts {
	unsigned flags;            /* enum store_flags */
	/* The clock, in milliseconds since the Unix epoch (UTC). NULL: the
	 * system clock. Tests inject a fixed clock so canonical forms and
	 * seals are exact. */
	int64_t (*clock)(void *ctx);
	void *clock_ctx;
};

/*
 * The database to use when none is configured: $ISOKIOSK_DB, else
 * $XDG_DATA_HOME/isokiosk/records.db (~/.local/share/isokiosk/records.db).
 * The kiosk and the records commands share this rule. With create_dir, the
 * folder is made (mode 0700) if missing. Caller frees.
 */
char *store_default_path(bool create_dir);

/*
 * Open (creating with mode 0600 if missing, and migrating an older schema)
 * the database at path. opts may be NULL. Returns the store, or NULL with
 * *err set (caller frees; it names path once).
 *
 * Refused, with nothing changed: a path that is a symbolic link (opened
 * O_NOFOLLOW, and SQLite with SQLITE_OPEN_NOFOLLOW), anything but a regular
 * file, a file that is not SQLite, a SQLite file of another program (an
 * application_id other than STORE_APPLICATION_ID, or none and tables that
 * are not an older isokiosk's), a schema newer than this build's, and, for
 * a writer, an existing file that group or others may read or write (the
 * store only ever sets the mode of a file it created itself).
 *
 * STORE_READONLY opens "mode=ro" and never writes the database (SQLite may
 * make the -wal and -shm files beside it, as for any reader of a WAL
 * database, owned as the database is); on read-only media, where SQLite
 * cannot read the write-ahead log that way, it opens the file "immutable"
 * and store_open_note says what that leaves out.
 */
struct store *store_open(const char *path, const struct store_opts *opts,
			 char **err);
/* A note about how the store was opened (read-only media), or NULL. */
const char *store_open_note(const struct store *st);

/*
 * Seal as abandoned every session still open (found after a crash or a
 * power cut). store_open does it unless STORE_NO_RECOVER; the kiosk opens
 * with that flag, freezes its content (store_content_freeze), then calls
 * this, so that a session's seal covers its content's whole file list.
 */
int store_recover(struct store *st, char **err);
void store_close(struct store *st);

/* Outcome of a session. STORE_OPEN only while it runs. */
enum store_outcome {
	STORE_OPEN,
	STORE_COMPLETED,  /* quiz passed, every statement acknowledged, signed */
	STORE_STOPPED,    /* failed quiz: 3 wrong cycles, "please call staff" */
	STORE_ABANDONED,  /* left, or found open at start-up */
	STORE_TIMED_OUT,  /* idle timeout */
};
/* "open", "completed", "stopped", "abandoned", "timed-out" */
const char *store_outcome_name(enum store_outcome o);
/* Parse a name as above; -1 if unknown. */
int store_outcome_parse(const char *name);

struct store_start {
	const char *kiosk_id;        /* config kiosk id */
	const char *staff_id;        /* who started the session */
	const char *patient_ref;     /* as staff typed it */
	const char *profile;         /* "pregnancy" or "no-pregnancy" */
	const char *lang;            /* "ja" */
	const char *content_version; /* bundle_lang.version: 64 hex digits */
	bool minor;                  /* a guardian signs too */
	const char *visit;           /* "first" (NULL too) or "follow-up"
					(store-visit.h) */
};

/* Start a session; *id is its number (1, 2, ...). */
int store_session_begin(struct store *st, const struct store_start *s,
			int64_t *id, char **err);

/* One visit of a screen and how long it was shown (ms). Not idempotent:
 * each call adds a visit. */
int store_screen(struct store *st, int64_t id, const char *screen_id,
		 int64_t shown_ms, char **err);

struct store_answer {
	const char *question_id;
	int attempt;             /* 1, 2, 3: the teach-back cycle */
	int choice;              /* index of the chosen choice in the content
				    file's order (0-based) */
	const char *choice_text; /* its plain text as shown */
	const char *order;       /* the order shown, content indices joined by
				    ',' (e.g. "2,0,1"); may be NULL */
	bool correct;
};
/* Idempotent per (question_id, attempt). */
int store_answer(struct store *st, int64_t id, const struct store_answer *a,
		 char **err);

/*
 * The patient confirmed one statement. text is its exact text (content
 * format: plain text, bases only, paragraphs joined by "\n"); the store keeps
 * its SHA-256 in the record and one copy of the text (shared by every session
 * that showed it) so a receipt can show what was acknowledged.
 * Idempotent per statement_id.
 */
int store_ack(struct store *st, int64_t id, const char *statement_id,
	      const char *text, char **err);

/* role "patient" or "guardian"; name as typed; meaning e.g. "patient
 * acknowledgement". Idempotent per role. */
int store_sign(struct store *st, int64_t id, const char *role,
	       const char *name, const char *meaning, char **err);

/*
 * End and seal the session (outcome not STORE_OPEN). reason may be NULL
 * (e.g. "q-pregnancy: 3 wrong answers, please call staff"). Ending a session
 * that is already sealed is an error, and so is STORE_COMPLETED without a
 * "patient" signature (and, for a minor, a "guardian" one).
 */
int store_session_end(struct store *st, int64_t id, enum store_outcome outcome,
		      const char *reason, char **err);

/* Staff verification, added after the session is sealed: its own link in the
 * chain, bound to the session's seal. */
int store_staff_verify(struct store *st, int64_t id, const char *staff_id,
		       char **err);

/*
 * Keep a frozen copy of one content file of a content version (deduplicated
 * by hash; calling again for the same file is a no-op). name is the file's
 * path relative to the content root ("ja/what-is.md").
 */
int store_content_file(struct store *st, const char *version, const char *name,
		       const char *bytes, size_t len, char **err);

/*
 * Freeze every content file of a loaded language (bundle_lang.files: what
 * its content version covers) under that version, in one transaction: the
 * kiosk calls it once when it starts. Each file is read again and must still
 * hash to what the bundle recorded (else -1: the content changed on disk
 * since it was loaded). Names are "<lang>/<rel>". Calling it again for the
 * same version stores nothing new.
 */
struct bundle_lang;
int store_content_freeze(struct store *st, const struct bundle_lang *l,
			 char **err);

/* Call fn for each frozen content file of version, by name: 0, or -1 with
 * *err. */
int store_content_files(struct store *st, const char *version,
			void (*fn)(const char *name, const char *sha256,
				   void *ctx),
			void *ctx, char **err);

/* Call fn with the frozen bytes of every content file, of every version,
 * whose name ends in suffix (e.g. "/quiz.md"): 0, or -1 with *err. The
 * bytes are valid only during the call. */
int store_content_each(struct store *st, const char *suffix,
		       void (*fn)(const char *version, const char *name,
				  const char *bytes, size_t len, void *ctx),
		       void *ctx, char **err);

/* One frozen content file with its bytes (store_content_copy). */
struct store_content_file {
	char *name;          /* "ja/what-is.md", "ja/../clinic.conf" */
	char sha256[65];     /* as recorded for the version */
	char *bytes;         /* NULL when the copy is missing; NUL-terminated */
	size_t len;
	bool intact;         /* the bytes hash to sha256 */
};

/*
 * Every frozen file of version, by name, with its bytes, each checked
 * against its recorded hash (a receipt shows nothing that fails). *files
 * and *n get the files (none when the version was never frozen). 0, or -1
 * with *err. Free with store_content_copy_free.
 */
int store_content_copy(struct store *st, const char *version,
		       struct store_content_file **files, size_t *n,
		       char **err);
void store_content_copy_free(struct store_content_file *files, size_t n);

/* SHA-256 of len bytes as 64 lowercase hex digits and a NUL. */
void store_sha256_hex(const void *data, size_t len, char out[65]);

/* ---- reading ---------------------------------------------------------- */

struct store_screen_row {
	int64_t seq;
	const char *screen_id;
	int64_t shown_ms;
	const char *at;
};

struct store_answer_row {
	int64_t seq;
	const char *question_id;
	int attempt;
	int choice;
	const char *choice_text;
	const char *order;       /* NULL if not recorded */
	bool correct;
	const char *at;
};

struct store_ack_row {
	int64_t seq;
	const char *statement_id;
	const char *text_sha256;
	const char *text;        /* store_session_get only; NULL if missing */
	const char *at;
};

struct store_sign_row {
	int64_t seq;
	const char *role;
	const char *name;
	const char *meaning;
	const char *at;
};

struct store_verify_row {
	int64_t seq;            /* its place in the chain */
	const char *staff_id;
	const char *at;
	const char *seal_prev;
	const char *seal_hash;
};

/* A follow-up's answers and flags (store-visit.h). */
struct store_vanswer_row {
	int64_t seq;
	const char *kind, *entry;
	int choice, score;
	const char *at;
};

struct store_flag_row {
	int64_t seq;
	const char *source, *entry, *level, *at;
	const char *ack_staff, *ack_at;   /* NULL until acknowledged */
	int64_t ack_seq;                  /* its link; 0 until acknowledged */
	const char *ack_prev, *ack_hash;
};

/*
 * A session as stored. Every string belongs to the session (an arena freed by
 * store_session_done); a session passed to a store_each callback is only
 * valid during the call.
 */
struct store_session {
	int64_t id;
	const char *kiosk_id, *staff_id, *patient_ref, *profile, *lang;
	const char *content_version;
	bool minor;
	const char *started_at;
	const char *ended_at;    /* NULL while open */
	enum store_outcome outcome;
	const char *outcome_name; /* as stored (may be unknown if tampered) */
	const char *reason;      /* may be NULL */
	int64_t seal_seq;        /* 0 while open */
	int64_t seal_form;       /* the canonical form its seal was made with
				    (store-seal.c): 5; 4 for a session sealed
				    before schema 6, 3 before schema 5, 2
				    before schema 4, 1 before schema 3; 0
				    while open */
	const char *content_files; /* its content version's frozen files as
				    forms 4 and 5 write them (store-seal.c); NULL
				    when not read */
	bool malformed;          /* a stored value of the wrong type: only an
				    edited database has one; such a session
				    never matches its seal */
	const char *seal_prev, *seal_hash; /* NULL while open */

	struct store_screen_row *screens;
	size_t nscreens;
	struct store_answer_row *answers;
	size_t nanswers;
	struct store_ack_row *acks;
	size_t nacks;
	struct store_sign_row *signs;
	size_t nsigns;
	struct store_verify_row *verifications;
	size_t nverifications;

	/* A visit (store-visit.h; store_session_get fills them): */
	const char *visit;       /* "first" or "follow-up" */
	struct store_vanswer_row *vanswers;
	size_t nvanswers;
	struct store_flag_row *flags;
	size_t nflags;
	/* staff's "may prescribe" for this visit (NULL: not given) */
	const char *presc_staff, *presc_at;
	int64_t presc_test;      /* the test it relied on; 0: none needed */
	int64_t presc_seq;       /* its link */

	void *arena_;            /* private */
};

void store_session_init(struct store_session *s);
void store_session_done(struct store_session *s);

/* Load one session: 0 found, 1 no such session, -1 error (*err set). */
int store_session_get(struct store *st, int64_t id, struct store_session *out,
		      char **err);

/*
 * Call fn for every session in id order whose start is at or after since
 * (an ISO 8601 prefix such as "2026-11-01" or a full time; NULL: all). A
 * non-zero return from fn stops the walk and is returned. -1 on a database
 * error (*err set). Fast: one pass over each table.
 */
typedef int (*store_session_fn)(const struct store_session *s, void *ctx);
int store_each(struct store *st, const char *since, store_session_fn fn,
	       void *ctx, char **err);

/*
 * Receipt codes. The patient's receipt code is the start of their session's
 * seal, as the done screen and the printed copy show it: "1a2b-3c4d" (its
 * first 8 hex digits, in two groups of 4).
 *
 * store_code_digits: the hex digits of code as typed, lower case, into out
 * (65 bytes). Accepted: digits and a-f in either case, their full-width
 * forms (a Japanese input method types those), and between them hyphens,
 * dashes, "ー" and spaces of any width. 8 to 64 digits. Returns how many,
 * or -1 with *err saying what is wrong and where (caller frees).
 */
#define STORE_CODE_MIN 8
int store_code_digits(const char *code, char out[65], char **err);

/*
 * The sealed session whose seal starts with the digits of code (as
 * store_code_digits reads it). Returns 0 with *id set; 1 when no sealed
 * session's seal starts so; -1 when code is not a receipt code, when it
 * starts the seals of two or more sessions (the message names them: give
 * more digits of the seal, or the session id), or on a database error. On
 * 1 and -1, *err says which, in one line (caller frees).
 */
int store_find_code(struct store *st, const char *code, int64_t *id,
		    char **err);

/*
 * A session as staff name it: a session id ("12"), a receipt code
 * ("1a2b-3c4d", as store_find_code), or what the QR code of the printed
 * copy holds ("isokiosk:1a2b-3c4d:" and the whole seal: never ambiguous;
 * the code must be the seal's start). Digits alone are an id; when they are
 * also the start of another session's seal (8 digits or more), the
 * reference is refused as ambiguous. Returns and *err as store_find_code.
 */
int store_find_session(struct store *st, const char *ref, int64_t *id,
		       char **err);

/*
 * The canonical form of a session that its seal covers (see store-seal.c),
 * in form s->seal_form (1, 2, 3, else 4); caller frees. *len gets its
 * length.
 */
char *store_canonical(const struct store_session *s, size_t *len);

/* Does a sealed session's seal match its rows (given its recorded previous
 * seal)? false for an open session. The whole chain: store_verify. */
bool store_seal_holds(const struct store_session *s);

/*
 * One session checked before its record is handed to a patient (a printed
 * copy): it is sealed; its rows match its seal; each staff verification
 * matches its own, and so do a follow-up's flag acknowledgements and its
 * may prescribe; each acknowledged statement's stored text (s from
 * store_session_get) hashes to what the record holds; and its neighbours
 * in the chain agree (the link before it has the seal it names as
 * previous, the link after it names its seal). Not the whole chain, which
 * store_verify walks. Returns 0 when all hold; 1 when one does not, with
 * *why saying which in one line ("does not match its seal: ..."); -1 on a
 * database error (*why set). Caller frees *why.
 */
int store_session_check(struct store *st, const struct store_session *s,
			char **why);

/* ---- exports (store-export.c) ------------------------------------------ */

/*
 * CSV for spreadsheets: UTF-8 with a BOM (so Excel in Japan reads it as
 * UTF-8), CRLF line ends, RFC 4180 quoting, a header row. One row per
 * session; with detail, one row per recorded event (screen visit, answer,
 * acknowledgement, signature, staff verification). A cell that starts with
 * = + - @ gets a leading ' so a spreadsheet never runs it as a formula (a
 * cell of dashes alone, such as a staff ID "-", is none). Times are ISO 8601
 * in the kiosk's time zone with its offset (clock.h).
 * since as for store_each. 0, or -1 with *err (database or write error).
 */
int store_export_csv(struct store *st, const char *since, bool detail,
		     FILE *fp, char **err);

/*
 * HL7 FHIR R4 JSON: a Bundle of type "collection" with, per session, a
 * QuestionnaireResponse (every screen time, attempt, acknowledgement and
 * signature as items) and a Consent whose sourceReference points to it.
 * fullUrls are urn:uuid values derived from the session's seal, so the same
 * records always export the same. 0, or -1 with *err.
 */
int store_export_fhir(struct store *st, const char *since, FILE *fp,
		      char **err);

/*
 * The same, with the question texts: item.text of each question's group is
 * texts->question(ctx, content version, question id) when that is not NULL
 * (else the id). Called from worker threads: it must only read. The
 * Consent has one nested provision per statement (its id as a code, the
 * wording as the code's text; written once, not in the response too). Times are ISO 8601 in the kiosk's zone
 * with its offset (clock.h).
 */
struct store_fhir_text {
	const char *(*question)(void *ctx, const char *version,
				const char *question_id);
	void *ctx;
};
int store_export_fhir_with(struct store *st, const char *since,
			   const struct store_fhir_text *texts, FILE *fp,
			   char **err);

/* ---- verification ----------------------------------------------------- */

enum store_problem_kind {
	STORE_CHANGED,    /* a sealed session's rows or seal do not match,
			     or a stored text no longer matches its hash */
	STORE_REMOVED,    /* a session, or a link of the chain, is missing */
	STORE_REORDERED,  /* a link does not follow the one before it */
	STORE_UNSEALED,   /* ended but not sealed, or a seal half-removed */
};

struct store_problem {
	enum store_problem_kind kind;
	int64_t session;      /* 0 when not known (e.g. a missing link) */
	int64_t seq;          /* chain position concerned, 0 if none */
	char *message;        /* one line, no trailing newline */
};

struct store_report {
	struct store_problem *v;
	size_t n, cap;
	size_t sessions;      /* sessions found */
	size_t sealed;        /* chain links checked (sessions + verifications) */
	int64_t *open;        /* sessions still open (not a failure) */
	size_t nopen, capopen_;
	int64_t head_seq;     /* last link: note it elsewhere to detect a cut tail */
	char head[65];
	size_t versions;      /* content versions whose file lists were
				 checked against their hash */
	size_t unordered;     /* content versions frozen before schema 5:
				 their files checked one by one only */
};

void store_report_init(struct store_report *r);
void store_report_done(struct store_report *r);

/*
 * Recompute every seal and walk the chain. Returns 0 when the chain holds,
 * 1 when problems were found (in r, each naming its session), -1 on a
 * database error (*err set).
 */
int store_verify(struct store *st, struct store_report *r, char **err);

/* How many threads verification works on, at most: one a processor, or
 * ISOKIOSK_VERIFY_WORKERS (benchmarks and tests), from 1 to 8. The chain
 * walk's signature checks (identity.c) use the same. */
int store_verify_threads(void);

/* ---- signatures and checkpoints (store-sign.c, schema 7) --------------- */

/*
 * The kiosk's signer (identity.c): when set, every link sealed from then on
 * (a session, a staff verification, a pregnancy test, a flag's
 * acknowledgement, may prescribe) is signed in the same transaction, and
 * every `every` links a checkpoint line is written locally too.
 */
struct store_signer {
	/* Sign link seq whose seal is seal (64 hex): key gets the public key
	 * (64 hex), sig the signature (128 hex). */
	void (*sign_link)(void *ctx, int64_t seq, const char *seal,
			  char key[65], char sig[129]);
	/* A checkpoint line for a chain of seq links ending in head, made at
	 * at (caller frees). NULL: no checkpoints. */
	char *(*checkpoint)(void *ctx, int64_t seq, const char *head,
			    const char *at);
	unsigned every;
	void *ctx;
};
/* Set (or, with NULL, clear) the signer; sg is copied. */
void store_set_signer(struct store *st, const struct store_signer *sg);
/* Does the database have the signature tables (schema 7 or later)? */
bool store_has_signatures(const struct store *st);

/* What a link of the chain records. */
enum store_link_kind {
	STORE_LINK_SESSION,        /* a session, sealed */
	STORE_LINK_VERIFICATION,   /* a staff verification of a session */
	STORE_LINK_TEST,           /* a pregnancy test (store-visit.h) */
	STORE_LINK_FLAG_ACK,       /* a flag of a session acknowledged */
	STORE_LINK_PRESCRIPTION,   /* may prescribe, after a session */
	STORE_LINK_KIND_N
};
/* "session", "verification", "pregnancy-test", "flag-ack",
 * "prescription": the kind's name in exports and the central store. */
const char *store_link_kind_name(enum store_link_kind k);

/* One link of the chain as stored, with its signature if any. */
struct store_link_info {
	int64_t seq;
	enum store_link_kind kind;
	int64_t session;         /* its session (0 for a pregnancy test) */
	int64_t id;              /* its row in its own table (the session's
				    id for a session, the test's, ...) */
	char prev[65], seal[65]; /* as stored (prev "" for the first) */
	bool signed_;            /* a signature row exists for seq */
	char pubkey[65], sig[129], signed_seal[65]; /* its key, signature and
				    the seal it was made for */
	/* For listing (not sealed here: the canonical form is what counts);
	 * valid only during the callback, NULL when absent: who made it,
	 * the patient, when (a session's start; a test's recording time)
	 * and its outcome (a session's, "verified", a test's result,
	 * "acknowledged", "may prescribe"). */
	const char *staff, *patient, *at, *outcome;
};
/* "session 12", "verification of session 12", "pregnancy test 3",
 * "flag acknowledgement of session 12", "may prescribe of session 12". */
void store_link_describe(const struct store_link_info *l, char buf[80]);
typedef int (*store_link_fn)(const struct store_link_info *l, void *ctx);
/*
 * Call fn for every link with seq > after, in seq order, whatever its
 * kind. A non-zero return stops the walk and is returned; -1 on a
 * database error (*err set).
 */
int store_each_link(struct store *st, int64_t after, store_link_fn fn,
		    void *ctx, char **err);
/*
 * The canonical form of link l: the bytes its seal covers, as the code
 * that sealed it wrote them (a session's and a verification's from
 * store-seal.c, the others' from store-visit.c). For a session or a
 * verification its session is loaded into s (store_session_init'ed; the
 * caller store_session_done's it); s is left alone for the other kinds.
 * Caller frees; NULL with *err.
 */
char *store_link_canonical(struct store *st, const struct store_link_info *l,
			   struct store_session *s, size_t *len, char **err);

/* The chain's last link: *seq (0 when empty) and its seal (65 bytes, ""
 * when empty). */
int store_head(struct store *st, int64_t *seq, char seal[65], char **err);

/* Keep a checkpoint line (for chain length seq) in the database. */
int store_checkpoint_add(struct store *st, int64_t seq, const char *line,
			 char **err);
typedef int (*store_checkpoint_fn)(int64_t id, int64_t seq, const char *line,
				   void *ctx);
/* Every checkpoint kept with id > after_id, oldest first (none before
 * schema 7). Return as store_each_link. */
int store_each_checkpoint(struct store *st, int64_t after_id,
			  store_checkpoint_fn fn, void *ctx, char **err);

/* ---- test hooks (never used by the kiosk) ------------------------------ */

/*
 * Make the store's I/O fail: after `after` more successful xWrite/xSync
 * calls on its files, every following xWrite and xSync fails (SQLITE_IOERR,
 * or SQLITE_FULL when full is true) until the hook is called with after < 0,
 * which turns failure off. Works through a SQLite VFS shim ("isokiosk-fail")
 * that every store uses; calls it makes are counted by store_test_io_calls().
 */
void store_test_fail_io(long after, bool full);
long store_test_io_calls(void);

/* Bulk loading for benchmarks: one transaction, synchronous=OFF, until
 * called again with false. */
int store_test_bulk(struct store *st, bool on, char **err);

/* Run one SQL statement on the store's connection (tests only). */
int store_test_exec(struct store *st, const char *sql, char **err);

#endif
