/*
 * identity: the kiosk's Ed25519 key pair (libsodium crypto_sign), what it
 * signs, and the checkpoints it anchors its chain with.
 *
 * The key pair is made at the kiosk's first start and kept in a file apart
 * from the database (config key `key`, default $ISOKIOSK_KEY, else
 * $XDG_CONFIG_HOME/isokiosk/kiosk.key, ~/.config/isokiosk/kiosk.key):
 *
 *     isokiosk-key 1
 *     <the 32-byte seed, 64 lowercase hex digits>
 *
 * Fail closed: a key file that is a symbolic link, not a regular file, owned
 * by anyone but the user running isokiosk, readable or writable by group or
 * others, or not exactly in that form is refused, never repaired or replaced.
 * A new file is written beside it, synced, and linked into place (never over
 * an existing file), mode 0600.
 *
 * What is signed (detached Ed25519 signatures, 64 bytes, 128 hex digits):
 *
 *   a link of the chain   "isokiosk-link<TAB>1<TAB><seq><TAB><seal hex>"
 *                         (the seal covers the previous seal, the link's
 *                         canonical form and seq: see store-seal.c)
 *   a checkpoint          the checkpoint line up to its signature
 *
 * A checkpoint line (one line, ASCII, fields separated by one space):
 *
 *     isokiosk-checkpoint 1 KIOSK SEQ HEAD AT KEY SIG
 *
 * KIOSK the kiosk id percent-encoded (every byte but A-Z a-z 0-9 - . _ ~
 * as %XX, upper-case hex), SEQ the chain length (decimal, no sign or leading
 * zero), HEAD the seal of link SEQ (64 lowercase hex digits; 64 zeros for
 * an empty chain), AT the time it was made (YYYY-MM-DDTHH:MM:SS.mmmZ, UTC),
 * KEY the kiosk's public key (64 hex), SIG the signature of everything
 * before " SIG" (128 hex). A checkpoint says: at AT, this kiosk's chain had
 * SEQ links ending in HEAD. Kept outside the box, it shows anything cut
 * off, rolled back or rewritten before it.
 */
#ifndef ISOKIOSK_IDENTITY_H
#define ISOKIOSK_IDENTITY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define IDENTITY_PK_HEX 65   /* 64 hex digits and the NUL */
#define IDENTITY_SIG_HEX 129 /* 128 hex digits and the NUL */
#define IDENTITY_FP 48       /* "SHA256:" and 8 groups of 4 hex, ':' apart */

struct identity {
	unsigned char pk[32];
	unsigned char sk[64];   /* wiped by identity_done */
	char pk_hex[IDENTITY_PK_HEX];
	const char *kiosk;      /* for checkpoints (identity_store_signer);
				   not owned */
};

/* The key file when none is configured (see above); caller frees. */
char *identity_default_path(void);

/*
 * Read the key pair at path into id. When the file does not exist and
 * create is true, make a new pair and write it (the folder is made, mode
 * 0700, when missing). Returns 0 read, 1 created, -1 with *err (caller
 * frees; names path) when it cannot be used (see above: fail closed).
 */
int identity_load(const char *path, bool create, struct identity *id,
		  char **err);
/* Wipe the secret key. */
void identity_done(struct identity *id);

/* 64 hex digits → 32 bytes: 0, or -1 when not exactly 64 hex digits. */
int identity_hex_decode(const char *hex, unsigned char *out, size_t n);
/* n bytes → 2n lowercase hex digits and a NUL. */
void identity_hex(const unsigned char *in, size_t n, char *out);

/* "SHA256:" and the first 16 bytes of the SHA-256 of the public key, in
 * groups of 4 hex digits ("SHA256:1a2b:3c4d:..."), for people to compare. */
void identity_fingerprint(const unsigned char pk[32], char out[IDENTITY_FP]);

/* Sign link seq with seal seal_hex (64 hex). */
void identity_sign_link(const struct identity *id, int64_t seq,
			const char *seal_hex, char sig_hex[IDENTITY_SIG_HEX]);
/* Does sig_hex sign link seq with seal seal_hex under pk? */
bool identity_verify_link(const unsigned char pk[32], int64_t seq,
			  const char *seal_hex, const char *sig_hex);

struct identity_checkpoint {
	char *kiosk;            /* decoded; caller frees (checkpoint_done) */
	int64_t seq;
	char head[65];
	char at[32];
	unsigned char pk[32];
	char pk_hex[IDENTITY_PK_HEX];
	unsigned char sig[64];
	char *signed_part;      /* the line up to " SIG" */
};

void identity_checkpoint_done(struct identity_checkpoint *cp);

/*
 * A signed checkpoint line (no newline) for kiosk's chain of seq links
 * ending in head (64 hex; "" or NULL when seq is 0), made at at (the
 * store's time format). Caller frees.
 */
char *identity_checkpoint_line(const struct identity *id, const char *kiosk,
			       int64_t seq, const char *head, const char *at);

/*
 * Parse one checkpoint line (len bytes, no newline; a trailing CR is
 * allowed) strictly: exactly the form above, nothing else accepted. 0 with
 * cp filled (identity_checkpoint_done it), or -1 with *err saying what is
 * wrong and at which column (1-based; caller frees). Does not check the
 * signature: identity_checkpoint_verify.
 */
int identity_checkpoint_parse(const char *line, size_t len,
			      struct identity_checkpoint *cp, char **err);

/*
 * A store signer (store.h) signing with id: every link, and a checkpoint
 * for kiosk every `every` links (the store keeps them; sync pushes them).
 * id and kiosk must outlive the store's use of it.
 */
struct store_signer;
#define IDENTITY_CHECKPOINT_EVERY 100
void identity_store_signer(struct identity *id, const char *kiosk,
			   unsigned every, struct store_signer *out);

/*
 * Check the signatures of every link of st's chain, and the checkpoints
 * given, against the kiosk's key pk (NULL: the key of the first signed
 * link, named in the report so people can compare it with the registered
 * one).
 *
 * Problems (one line each, naming the link): a signature that does not
 * verify, one made for another seal (the link changed after it was
 * signed), one made with another key, an unsigned link after the first
 * signed one (or, with pk given, a chain with links and no signature at
 * all), a seq held twice. Per checkpoint (cps[i], from the line numbered
 * cp_lines[i] of cp_file): its signature, its key against pk, and the
 * chain at its length: shorter (links cut off or rolled back) or a
 * different seal there (rewritten). The chain's own consistency (seals
 * over rows, links following each other) is store_verify's.
 */
struct identity_chain_report {
	char **v;               /* problems; caller frees (report_done) */
	size_t n, cap;
	size_t links, signed_links;
	size_t unsigned_before; /* links before the first signed one */
	int64_t head_seq;
	char head[65];
	char key_hex[IDENTITY_PK_HEX]; /* the key checked against ("" none) */
	size_t checkpoints_ok;
};
void identity_chain_report_done(struct identity_chain_report *r);
struct store;
/* 0 all good, 1 problems (in r), -1 database error (*err). */
int identity_check_chain(struct store *st, const unsigned char *pk,
			 const struct identity_checkpoint *cps,
			 const size_t *cp_lines, size_t ncps,
			 const char *cp_file,
			 struct identity_chain_report *r, char **err);

/* Does the checkpoint's signature verify under its own key? (Compare
 * cp->pk with the kiosk's key too.) */
bool identity_checkpoint_verify(const struct identity_checkpoint *cp);

#endif
