/*
 * central: the clinic-wide copy of every kiosk's chain in PostgreSQL (the
 * only module that uses libpq).
 *
 * Each kiosk writes locally first (store.h) and pushes its sealed, signed
 * links here (central_sync), every kind of link of its chain (sessions,
 * staff verifications, pregnancy tests, flag acknowledgements, may
 * prescribe), each with the canonical form its seal covers: idempotent (a link is kiosk id + chain
 * position + seal; a sync pushes only what the central copy lacks, one
 * sync of a kiosk at a time), resumable (it starts after the central
 * copy's last link of that kiosk), refusing anything the
 * central copy contradicts (a local chain shorter than the central one, or
 * a different seal at a position both hold: cut off, rolled back or
 * rewritten since the last sync).
 *
 * The central store refuses, in its own triggers: a link from a kiosk that
 * is not registered or signed with another key than the registered one, a
 * link that does not follow the kiosk's previous link, a seal that is not
 * SHA-256(prev || SHA-256(canonical form) || seq), and every UPDATE,
 * DELETE and TRUNCATE. PostgreSQL cannot check an Ed25519 signature by
 * itself: the syncing kiosk checks each before pushing it, and
 * central_verify checks them all again against the registered keys.
 *
 * Roles (made by central_init, NOLOGIN; grant them to login roles):
 * isokiosk_kiosk may insert links and checkpoints and read only the
 * columns sync needs; isokiosk_staff may read everything and write
 * nothing. Connection strings are libpq's (postgresql://...).
 *
 * libpq is loaded at the first connection, not at the program's start
 * (central.c says why): when it cannot be (Debian's libpq5 missing or
 * damaged), each function below fails with -1 and an *err naming the
 * package and the loader's reason, having read or written nothing
 * centrally (central_sync: having pushed nothing).
 */
#ifndef ISOKIOSK_CENTRAL_H
#define ISOKIOSK_CENTRAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

struct store;

/* The central schema version central_init makes. */
#define CENTRAL_SCHEMA_VERSION 1

/* Is s a PostgreSQL connection string ("postgresql://" or
 * "postgres://")? */
bool central_is_url(const char *s);

/* Create or migrate the schema, the roles and their grants. 0, or -1 with
 * *err (caller frees). *version gets the version found before (0: none). */
int central_init(const char *url, int *version, char **err);

/* Register kiosk id with its public key (64 hex digits). Registering the
 * same pair again is a no-op; another key for an id, or the key of
 * another id, is refused. 0, or -1 with *err. */
int central_add_kiosk(const char *url, const char *id, const char *pubkey,
		      char **err);

struct central_sync_stats {
	int64_t central_before; /* the central copy's last link before */
	int64_t central_now;    /* and as last known (-1: not read) */
	int64_t local_head;     /* the local chain's last link */
	size_t pushed;          /* links pushed now */
	size_t checkpoints;     /* checkpoint lines pushed now */
};

/*
 * Push the links of st's chain that the central copy of kiosk does not
 * have yet, in order, batch by batch (each batch one transaction: a
 * failure loses nothing; run it again), then the local checkpoints. 0, or
 * -1 with *err (the stats say how far it got).
 */
int central_sync(struct store *st, const char *kiosk, const char *url,
		 struct central_sync_stats *stats, char **err);

/* records list across kiosks (kiosk NULL: all): one line per session. */
int central_list(const char *url, const char *kiosk, FILE *fp, char **err);

/*
 * records export --format csv across kiosks (kiosk NULL: all; since NULL or
 * an ISO 8601 prefix: links of sessions started then or later): one row a
 * link, in each kiosk's chain order, as the local CSV export writes (UTF-8
 * with a BOM, CRLF, RFC 4180, formula-guarded): kiosk, link, kind
 * (session, verification, pregnancy-test, flag-ack, prescription),
 * session (empty for a pregnancy test), start (a test's: when it was
 * recorded), outcome (a test's: its result), staff, patient, seals,
 * signature, when the central store received it. 0, or -1 with *err.
 */
int central_export_csv(const char *url, const char *kiosk, const char *since,
		       FILE *fp, char **err);

/* records show: a session of kiosk and the links about it (verifications,
 * acknowledgements, may prescribe): each one's canonical form, as sealed,
 * its seal and signature. 0, 1 no such session, -1 error. */
int central_show(const char *url, const char *kiosk, int64_t session,
		 FILE *fp, char **err);

/*
 * records verify across kiosks (kiosk NULL: all): per kiosk, every link
 * follows the one before, every seal over its canonical form, every
 * signature against the registered key, every checkpoint pushed (its
 * signature, its key, the chain at its length). Prints one line per
 * problem and a summary per kiosk. 0 holds, 1 problems, -1 error.
 */
int central_verify(const char *url, const char *kiosk, FILE *fp, char **err);

#endif
