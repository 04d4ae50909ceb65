/*
 * identity: the kiosk's Ed25519 key pair, link and checkpoint signatures,
 * and the checkpoint line (see identity.h). Owns the key file; the store
 * keeps the signatures it is handed.
 */
#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sodium.h>

#include "identity.h"
#include "store.h"
#include "strbuf.h"
#include "xmalloc.h"

#define IDENTITY_HEADER "isokiosk-key 1\n"
#define IDENTITY_FILE_LEN (sizeof IDENTITY_HEADER - 1 + 64 + 1)

char *
identity_default_path(void)
{
	const char *env = getenv("ISOKIOSK_KEY");
	const char *xdg = getenv("XDG_CONFIG_HOME");
	const char *home = getenv("HOME");

	if (env != NULL && *env != '\0')
		return xstrdup(env);
	if (xdg != NULL && xdg[0] == '/')
		return xasprintf("%s/isokiosk/kiosk.key", xdg);
	if (home != NULL && home[0] == '/')
		return xasprintf("%s/.config/isokiosk/kiosk.key", home);
	return xstrdup("isokiosk-kiosk.key");
}

void
identity_hex(const unsigned char *in, size_t n, char *out)
{
	static const char d[] = "0123456789abcdef";

	for (size_t i = 0; i < n; i++) {
		out[2 * i] = d[in[i] >> 4];
		out[2 * i + 1] = d[in[i] & 15];
	}
	out[2 * n] = '\0';
}

static int
identity_hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

int
identity_hex_decode(const char *hex, unsigned char *out, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		int hi = identity_hexval(hex[2 * i]);
		int lo = hi < 0 ? -1 : identity_hexval(hex[2 * i + 1]);

		if (hi < 0 || lo < 0)
			return -1;
		out[i] = (unsigned char)(hi << 4 | lo);
	}
	return hex[2 * n] == '\0' ? 0 : -1;
}

static int
identity_fail(char **err, const char *path, const char *fmt, const char *what)
{
	if (err != NULL)
		*err = xasprintf("%s: %s%s", path, fmt, what != NULL ? what : "");
	return -1;
}

/* The folder of path, made 0700 when missing (only its last level). */
static void
identity_mkdir(const char *path)
{
	char *dir = xstrdup(path), *slash = strrchr(dir, '/');

	if (slash != NULL && slash != dir) {
		*slash = '\0';
		/* mkdir -p, each new level 0700 */
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
	free(dir);
}

static int
identity_fsync_dir(const char *path)
{
	char *dir = xstrdup(path), *slash = strrchr(dir, '/');
	int fd, rc;

	if (slash == NULL)
		strcpy(dir, ".");
	else if (slash == dir)
		dir[1] = '\0';
	else
		*slash = '\0';
	fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	free(dir);
	if (fd < 0)
		return -1;
	rc = fsync(fd);
	close(fd);
	return rc;
}

/* Write a new key file: beside it, synced, linked into place (never over a
 * file that exists), the folder synced. */
static int
identity_create(const char *path, struct identity *id, char **err)
{
	unsigned char seed[32];
	char buf[IDENTITY_FILE_LEN + 1], *tmp;
	int fd, rc = -1;
	size_t len;

	identity_mkdir(path);
	randombytes_buf(seed, sizeof seed);
	crypto_sign_seed_keypair(id->pk, id->sk, seed);
	memcpy(buf, IDENTITY_HEADER, sizeof IDENTITY_HEADER - 1);
	identity_hex(seed, 32, buf + sizeof IDENTITY_HEADER - 1);
	len = sizeof IDENTITY_HEADER - 1 + 64;
	buf[len++] = '\n';
	sodium_memzero(seed, sizeof seed);

	tmp = xasprintf("%s.new-%ld", path, (long)getpid());
	fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
		  0600);
	if (fd < 0) {
		identity_fail(err, tmp, "cannot create the key file: ",
			      strerror(errno));
		goto out;
	}
	if (fchmod(fd, 0600) != 0 || write(fd, buf, len) != (ssize_t)len ||
	    fsync(fd) != 0) {
		identity_fail(err, tmp, "cannot write the key file: ",
			      strerror(errno));
		close(fd);
		unlink(tmp);
		goto out;
	}
	close(fd);
	if (link(tmp, path) != 0) {
		/* another isokiosk made it first: use that one */
		if (errno == EEXIST)
			rc = 2;
		else
			identity_fail(err, path, "cannot create the key file: ",
				      strerror(errno));
		unlink(tmp);
		goto out;
	}
	unlink(tmp);
	identity_fsync_dir(path);
	rc = 1;
out:
	sodium_memzero(buf, sizeof buf);
	free(tmp);
	return rc;
}

int
identity_load(const char *path, bool create, struct identity *id, char **err)
{
	char buf[IDENTITY_FILE_LEN + 2];
	unsigned char seed[32];
	struct stat sb;
	ssize_t n;
	int fd, rc;

	if (err != NULL)
		*err = NULL;
	memset(id, 0, sizeof *id);
	if (sodium_init() < 0)
		return identity_fail(err, path, "libsodium cannot start", NULL);
	fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK);
	if (fd < 0 && errno == ENOENT && create) {
		rc = identity_create(path, id, err);
		if (rc == 1)
			identity_hex(id->pk, 32, id->pk_hex);
		if (rc == 2) {
			sodium_memzero(id, sizeof *id);
			return identity_load(path, false, id, err);
		}
		return rc;
	}
	if (fd < 0) {
		if (errno == ELOOP)
			return identity_fail(err, path, "the key file is a"
					     " symbolic link: refused", NULL);
		return identity_fail(err, path, "cannot open the key file: ",
				     strerror(errno));
	}
	if (fstat(fd, &sb) != 0) {
		close(fd);
		return identity_fail(err, path, "cannot read the key file: ",
				     strerror(errno));
	}
	if (!S_ISREG(sb.st_mode)) {
		close(fd);
		return identity_fail(err, path, "the key file is not a regular"
				     " file: refused", NULL);
	}
	if (sb.st_uid != geteuid()) {
		close(fd);
		return identity_fail(err, path, "the key file belongs to"
				     " another user: refused (it must be the"
				     " kiosk user's own, mode 0600)", NULL);
	}
	if ((sb.st_mode & 077) != 0) {
		char m[64];

		close(fd);
		snprintf(m, sizeof m, " (mode %04o): refused; make it 0600"
			 " (chmod 600)", (unsigned)(sb.st_mode & 07777));
		return identity_fail(err, path, "group or others may use the"
				     " secret key", m);
	}
	n = read(fd, buf, sizeof buf);
	close(fd);
	if (n < 0)
		return identity_fail(err, path, "cannot read the key file: ",
				     strerror(errno));
	if ((size_t)n != IDENTITY_FILE_LEN ||
	    memcmp(buf, IDENTITY_HEADER, sizeof IDENTITY_HEADER - 1) != 0 ||
	    buf[IDENTITY_FILE_LEN - 1] != '\n') {
		sodium_memzero(buf, sizeof buf);
		return identity_fail(err, path, "not an isokiosk key file"
				     " (damaged?): refused", NULL);
	}
	buf[IDENTITY_FILE_LEN - 1] = '\0';
	rc = identity_hex_decode(buf + sizeof IDENTITY_HEADER - 1, seed, 32);
	sodium_memzero(buf, sizeof buf);
	if (rc != 0)
		return identity_fail(err, path, "not an isokiosk key file"
				     " (damaged?): refused", NULL);
	crypto_sign_seed_keypair(id->pk, id->sk, seed);
	sodium_memzero(seed, sizeof seed);
	identity_hex(id->pk, 32, id->pk_hex);
	return 0;
}

void
identity_done(struct identity *id)
{
	sodium_memzero(id->sk, sizeof id->sk);
}

void
identity_fingerprint(const unsigned char pk[32], char out[IDENTITY_FP])
{
	unsigned char h[crypto_hash_sha256_BYTES];
	char hex[33];
	char *p = out;

	crypto_hash_sha256(h, pk, 32);
	identity_hex(h, 16, hex);
	p += sprintf(p, "SHA256");
	for (int i = 0; i < 8; i++) {
		*p++ = ':';
		memcpy(p, hex + 4 * i, 4);
		p += 4;
	}
	*p = '\0';
}

/* The message a link signature signs. */
static size_t
identity_link_msg(int64_t seq, const char *seal_hex, char out[128])
{
	int n = snprintf(out, 128, "isokiosk-link\t1\t%lld\t%.64s",
			 (long long)seq, seal_hex);

	return n > 0 && n < 128 ? (size_t)n : 0;
}

void
identity_sign_link(const struct identity *id, int64_t seq,
		   const char *seal_hex, char sig_hex[IDENTITY_SIG_HEX])
{
	char msg[128];
	unsigned char sig[64];
	size_t n = identity_link_msg(seq, seal_hex, msg);

	crypto_sign_detached(sig, NULL, (const unsigned char *)msg, n, id->sk);
	identity_hex(sig, 64, sig_hex);
}

bool
identity_verify_link(const unsigned char pk[32], int64_t seq,
		     const char *seal_hex, const char *sig_hex)
{
	char msg[128];
	unsigned char sig[64];
	size_t n;

	if (seal_hex == NULL || sig_hex == NULL || strlen(seal_hex) != 64 ||
	    identity_hex_decode(sig_hex, sig, 64) != 0)
		return false;
	n = identity_link_msg(seq, seal_hex, msg);
	return crypto_sign_verify_detached(sig, (const unsigned char *)msg, n,
					   pk) == 0;
}

/* ---- checkpoints --------------------------------------------------------- */

static bool
identity_unreserved(unsigned char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
	       (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_' ||
	       c == '~';
}

char *
identity_checkpoint_line(const struct identity *id, const char *kiosk,
			 int64_t seq, const char *head, const char *at)
{
	struct strbuf sb;
	unsigned char sig[64];
	char sighex[IDENTITY_SIG_HEX];

	strbuf_init(&sb);
	strbuf_addstr(&sb, "isokiosk-checkpoint 1 ");
	for (const unsigned char *p = (const unsigned char *)kiosk; *p; p++) {
		if (identity_unreserved(*p))
			strbuf_addch(&sb, (char)*p);
		else
			strbuf_addf(&sb, "%%%02X", *p);
	}
	strbuf_addf(&sb, " %lld ", (long long)seq);
	if (seq == 0 || head == NULL || *head == '\0')
		strbuf_addpad(&sb, '0', 64);
	else
		strbuf_add(&sb, head, 64);
	strbuf_addf(&sb, " %s %s", at, id->pk_hex);
	crypto_sign_detached(sig, NULL, (const unsigned char *)sb.s, sb.len,
			     id->sk);
	identity_hex(sig, 64, sighex);
	strbuf_addch(&sb, ' ');
	strbuf_addstr(&sb, sighex);
	return strbuf_detach(&sb, NULL);
}

void
identity_checkpoint_done(struct identity_checkpoint *cp)
{
	free(cp->kiosk);
	free(cp->signed_part);
	cp->kiosk = NULL;
	cp->signed_part = NULL;
}

static int
identity_cp_fail(char **err, size_t col, const char *what)
{
	if (err != NULL)
		*err = xasprintf("column %zu: %s", col, what);
	return -1;
}

static bool
identity_digits(const char *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (p[i] < '0' || p[i] > '9')
			return false;
	return true;
}

/* The store's time format, a real date and time. */
static bool
identity_time_ok(const char *p, size_t n)
{
	static const int mdays[] = { 31, 29, 31, 30, 31, 30, 31, 31, 30, 31,
				     30, 31 };
	int y, mo, d, h, mi, s;

	if (n != 24 || p[4] != '-' || p[7] != '-' || p[10] != 'T' ||
	    p[13] != ':' || p[16] != ':' || p[19] != '.' || p[23] != 'Z' ||
	    !identity_digits(p, 4) || !identity_digits(p + 5, 2) ||
	    !identity_digits(p + 8, 2) || !identity_digits(p + 11, 2) ||
	    !identity_digits(p + 14, 2) || !identity_digits(p + 17, 2) ||
	    !identity_digits(p + 20, 3))
		return false;
	y = (p[0] - '0') * 1000 + (p[1] - '0') * 100 + (p[2] - '0') * 10 +
	    (p[3] - '0');
	mo = (p[5] - '0') * 10 + (p[6] - '0');
	d = (p[8] - '0') * 10 + (p[9] - '0');
	h = (p[11] - '0') * 10 + (p[12] - '0');
	mi = (p[14] - '0') * 10 + (p[15] - '0');
	s = (p[17] - '0') * 10 + (p[18] - '0');
	if (mo < 1 || mo > 12 || d < 1 || d > mdays[mo - 1] || h > 23 ||
	    mi > 59 || s > 59)
		return false;
	if (mo == 2 && d == 29 && !(y % 4 == 0 && (y % 100 != 0 ||
						    y % 400 == 0)))
		return false;
	return true;
}

static bool
identity_lowhex(const char *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (identity_hexval(p[i]) < 0)
			return false;
	return true;
}

int
identity_checkpoint_parse(const char *line, size_t len,
			  struct identity_checkpoint *cp, char **err)
{
	static const char head[] = "isokiosk-checkpoint 1 ";
	const char *f[6];
	size_t fl[6], nf = 0, pos, start;
	char tmp[129];
	struct strbuf k;

	memset(cp, 0, sizeof *cp);
	if (err != NULL)
		*err = NULL;
	if (len > 0 && line[len - 1] == '\r')
		len--;
	if (len > 512)
		return identity_cp_fail(err, 513, "longer than any checkpoint");
	if (len < sizeof head - 1 || memcmp(line, head, sizeof head - 1) != 0)
		return identity_cp_fail(err, 1, "not a checkpoint line (it"
					" starts \"isokiosk-checkpoint 1 \")");
	/* KIOSK SEQ HEAD AT KEY SIG: six fields, one space apart */
	pos = start = sizeof head - 1;
	for (;;) {
		if (pos == len || line[pos] == ' ') {
			if (pos == start)
				return identity_cp_fail(err, pos + 1,
							"empty field");
			if (nf == 6)
				return identity_cp_fail(err, start + 1,
							"more than six fields");
			f[nf] = line + start;
			fl[nf++] = pos - start;
			if (pos == len)
				break;
			start = pos + 1;
		} else if ((unsigned char)line[pos] <= ' ' ||
			   (unsigned char)line[pos] >= 0x7f) {
			return identity_cp_fail(err, pos + 1, "a byte that is"
						" not printable ASCII");
		}
		pos++;
	}
	if (nf != 6)
		return identity_cp_fail(err, len + 1, "fewer than six fields"
					" (kiosk, length, head, time, key,"
					" signature)");
#define COL(i) ((size_t)(f[i] - line) + 1)
	/* kiosk: percent-decoded, only the form the writer makes */
	strbuf_init(&k);
	for (size_t i = 0; i < fl[0]; i++) {
		unsigned char c = (unsigned char)f[0][i];

		if (c == '%') {
			int hi, lo;
			char h1, h2;

			if (i + 2 >= fl[0]) {
				strbuf_done(&k);
				return identity_cp_fail(err, COL(0) + i,
							"a cut %XX escape");
			}
			h1 = f[0][i + 1];
			h2 = f[0][i + 2];
			hi = h1 >= '0' && h1 <= '9' ? h1 - '0' :
			     h1 >= 'A' && h1 <= 'F' ? h1 - 'A' + 10 : -1;
			lo = h2 >= '0' && h2 <= '9' ? h2 - '0' :
			     h2 >= 'A' && h2 <= 'F' ? h2 - 'A' + 10 : -1;
			if (hi < 0 || lo < 0 ||
			    identity_unreserved((unsigned char)(hi << 4 | lo))
			    || (hi << 4 | lo) == 0) {
				strbuf_done(&k);
				return identity_cp_fail(err, COL(0) + i,
							"not a %XX escape as"
							" written");
			}
			strbuf_addch(&k, (char)(hi << 4 | lo));
			i += 2;
		} else if (identity_unreserved(c)) {
			strbuf_addch(&k, (char)c);
		} else {
			strbuf_done(&k);
			return identity_cp_fail(err, COL(0) + i, "a kiosk id"
						" byte that should be %XX");
		}
	}
	/* seq */
	if (fl[1] > 18 || !identity_digits(f[1], fl[1]) ||
	    (fl[1] > 1 && f[1][0] == '0')) {
		strbuf_done(&k);
		return identity_cp_fail(err, COL(1), "the chain length is not"
					" a number (decimal, no leading zero)");
	}
	cp->seq = 0;
	for (size_t i = 0; i < fl[1]; i++)
		cp->seq = cp->seq * 10 + (f[1][i] - '0');
	if (fl[2] != 64 || !identity_lowhex(f[2], 64)) {
		strbuf_done(&k);
		return identity_cp_fail(err, COL(2), "the head seal is not 64"
					" lowercase hex digits");
	}
	memcpy(cp->head, f[2], 64);
	cp->head[64] = '\0';
	if ((cp->seq == 0) != (strspn(cp->head, "0") == 64)) {
		strbuf_done(&k);
		return identity_cp_fail(err, COL(2), cp->seq == 0 ?
					"an empty chain has a head of zeros" :
					"a head of zeros on a chain that is"
					" not empty");
	}
	if (!identity_time_ok(f[3], fl[3])) {
		strbuf_done(&k);
		return identity_cp_fail(err, COL(3), "the time is not"
					" YYYY-MM-DDTHH:MM:SS.mmmZ");
	}
	memcpy(cp->at, f[3], 24);
	cp->at[24] = '\0';
	if (fl[4] != 64 || !identity_lowhex(f[4], 64)) {
		strbuf_done(&k);
		return identity_cp_fail(err, COL(4), "the key is not 64"
					" lowercase hex digits");
	}
	memcpy(cp->pk_hex, f[4], 64);
	cp->pk_hex[64] = '\0';
	identity_hex_decode(cp->pk_hex, cp->pk, 32);
	if (fl[5] != 128 || !identity_lowhex(f[5], 128)) {
		strbuf_done(&k);
		return identity_cp_fail(err, COL(5), "the signature is not"
					" 128 lowercase hex digits");
	}
	memcpy(tmp, f[5], 128);
	tmp[128] = '\0';
	identity_hex_decode(tmp, cp->sig, 64);
#undef COL
	cp->kiosk = strbuf_detach(&k, NULL);
	cp->signed_part = xstrndup(line, (size_t)(f[5] - line) - 1);
	return 0;
}

bool
identity_checkpoint_verify(const struct identity_checkpoint *cp)
{
	if (cp->signed_part == NULL)
		return false;
	return crypto_sign_verify_detached(cp->sig,
		(const unsigned char *)cp->signed_part,
		strlen(cp->signed_part), cp->pk) == 0;
}

/* ---- the store's signer ---------------------------------------------- */

static void
identity_signer_link(void *ctx, int64_t seq, const char *seal, char key[65],
		     char sig[129])
{
	const struct identity *id = ctx;

	memcpy(key, id->pk_hex, 65);
	identity_sign_link(id, seq, seal, sig);
}

static char *
identity_signer_checkpoint(void *ctx, int64_t seq, const char *head,
			   const char *at)
{
	const struct identity *id = ctx;

	return identity_checkpoint_line(id, id->kiosk, seq, head, at);
}

void
identity_store_signer(struct identity *id, const char *kiosk, unsigned every,
		      struct store_signer *out)
{
	id->kiosk = kiosk;
	memset(out, 0, sizeof *out);
	out->sign_link = identity_signer_link;
	out->checkpoint = identity_signer_checkpoint;
	out->every = every;
	out->ctx = id;
}

/* ---- checking a chain's signatures and checkpoints ---------------------- */

void
identity_chain_report_done(struct identity_chain_report *r)
{
	for (size_t i = 0; i < r->n; i++)
		free(r->v[i]);
	free(r->v);
	memset(r, 0, sizeof *r);
}

static void identity_report(struct identity_chain_report *r,
			    const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void
identity_report(struct identity_chain_report *r, const char *fmt, ...)
{
	va_list ap;

	if (r->n == r->cap) {
		r->cap = r->cap ? 2 * r->cap : 16;
		r->v = xreallocarray(r->v, r->cap, sizeof *r->v);
	}
	va_start(ap, fmt);
	r->v[r->n++] = xvasprintf(fmt, ap);
	va_end(ap);
}

/*
 * Checking a signature is most of the walk's time (an Ed25519 verification
 * a link; seconds for 100,000 links): the walk sets them aside, a batch at
 * a time, and the batch is checked on every processor. A signature that
 * does not verify is reported where the walk met it (before the problems
 * of the links after it), as if checked then.
 */
#define IDENTITY_BATCH 4096

struct identity_pending {
	int64_t seq;
	char seal[65], sig[129];
	enum store_link_kind kind;  /* for its description */
	int64_t session, id;
	size_t at;                  /* r->n when the walk met it */
	bool ok;
};

struct identity_batch {
	const unsigned char *pk;
	struct identity_pending *v;
	size_t n;
	atomic_size_t next;         /* the next ones to check, 64 at a time */
};

struct identity_walk {
	struct identity_chain_report *r;
	unsigned char pk[32];
	bool have_pk, pk_given;
	int64_t last_seq;
	const struct identity_checkpoint *cps;
	const size_t *cp_lines;
	size_t ncps;
	const char *cp_file;
	bool *cp_seen;
	struct identity_pending *pending; /* IDENTITY_BATCH of them */
	size_t npending;
};

static void *
identity_batch_worker(void *arg)
{
	struct identity_batch *b = arg;
	size_t i;

	while ((i = atomic_fetch_add(&b->next, 64)) < b->n) {
		size_t end = i + 64 < b->n ? i + 64 : b->n;

		for (; i < end; i++) {
			struct identity_pending *p = &b->v[i];

			p->ok = identity_verify_link(b->pk, p->seq, p->seal,
						     p->sig);
		}
	}
	return NULL;
}

/* Check the signatures set aside on store_verify_threads() threads, and
 * report those that do not verify where the walk met them. */
static void
identity_walk_flush(struct identity_walk *w)
{
	struct identity_chain_report *r = w->r;
	struct identity_batch b = { w->pk, w->pending, w->npending, 0 };
	pthread_t tid[8];
	size_t started = 0, nbad = 0, old = r->n, k = 0;
	long nt = store_verify_threads();
	char **v;

	if (w->npending == 0)
		return;
	for (long t = 1; t < nt && (size_t)t * 64 < b.n; t++)
		if (pthread_create(&tid[started], NULL, identity_batch_worker,
				   &b) == 0)
			started++;
	identity_batch_worker(&b); /* and the rest, if no thread started */
	for (size_t t = 0; t < started; t++)
		pthread_join(tid[t], NULL);
	for (size_t i = 0; i < b.n; i++)
		nbad += !b.v[i].ok;
	w->npending = 0;
	if (nbad == 0)
		return;
	/* The problems so far with these among them, in the walk's order. */
	v = xreallocarray(NULL, old + nbad + 1, sizeof *v);
	r->n = 0;
	for (size_t i = 0; i < b.n; i++) {
		const struct identity_pending *p = &b.v[i];
		struct store_link_info l = { .seq = p->seq, .kind = p->kind,
					     .session = p->session,
					     .id = p->id };
		char what[80];

		if (p->ok)
			continue;
		while (k < p->at)
			v[r->n++] = r->v[k++];
		store_link_describe(&l, what);
		v[r->n++] = xasprintf("link #%lld (%s): the signature does not"
				      " verify: forged or changed",
				      (long long)p->seq, what);
	}
	while (k < old)
		v[r->n++] = r->v[k++];
	free(r->v);
	r->v = v;
	r->cap = old + nbad + 1;
}

/* What l is, in a problem's words (described only when there is one: the
 * walk passes every link of the chain). */
static const char *
identity_link_what(const struct store_link_info *l, char what[80])
{
	store_link_describe(l, what);
	return what;
}

static int
identity_walk_link(const struct store_link_info *l, void *vctx)
{
	struct identity_walk *w = vctx;
	struct identity_chain_report *r = w->r;
	char what[80];

	r->links++;
	if (l->seq == w->last_seq)
		identity_report(r, "link #%lld: held twice (%s)",
				(long long)l->seq,
				identity_link_what(l, what));
	w->last_seq = l->seq;
	r->head_seq = l->seq;
	_Static_assert(sizeof r->head == sizeof l->seal, "a seal and its NUL");
	memcpy(r->head, l->seal, sizeof r->head);
	for (size_t i = 0; i < w->ncps; i++) {
		if (w->cps[i].seq != l->seq)
			continue;
		w->cp_seen[i] = true;
		if (strcmp(w->cps[i].head, l->seal) != 0)
			identity_report(r, "%s:%zu: checkpoint of %s: link #%lld"
					" (%s) is not the link it saw:"
					" rewritten since", w->cp_file,
					w->cp_lines[i], w->cps[i].at,
					(long long)l->seq,
					identity_link_what(l, what));
	}
	if (!l->signed_) {
		if (r->signed_links == 0)
			r->unsigned_before++;
		else
			identity_report(r, "link #%lld (%s): not signed,"
					" after signed links: its signature"
					" was removed, or it was added by"
					" someone without the key",
					(long long)l->seq,
					identity_link_what(l, what));
		return 0;
	}
	if (!w->have_pk) {
		if (identity_hex_decode(l->pubkey, w->pk, 32) != 0) {
			identity_report(r, "link #%lld (%s): the signing"
					" key is damaged", (long long)l->seq,
					identity_link_what(l, what));
			return 0;
		}
		w->have_pk = true;
		identity_hex(w->pk, 32, r->key_hex);
	}
	/* The first signed link marks where signing began: the links
	 * before it were made before the kiosk had a key (seals only). */
	r->signed_links++;
	{
		char pkhex[IDENTITY_PK_HEX];

		identity_hex(w->pk, 32, pkhex);
		if (strcmp(pkhex, l->pubkey) != 0) {
			identity_report(r, "link #%lld (%s): signed with"
					" another key (%.16s...), not this"
					" kiosk's", (long long)l->seq,
					identity_link_what(l, what), l->pubkey);
			return 0;
		}
	}
	if (strcmp(l->signed_seal, l->seal) != 0) {
		identity_report(r, "link #%lld (%s): its seal is not the"
				" one signed: changed after it was sealed",
				(long long)l->seq, identity_link_what(l, what));
		return 0;
	}
	/* Its signature: checked with the batch it joins. */
	{
		struct identity_pending *p = &w->pending[w->npending++];

		p->seq = l->seq;
		memcpy(p->seal, l->seal, sizeof p->seal);
		memcpy(p->sig, l->sig, sizeof p->sig);
		p->kind = l->kind;
		p->session = l->session;
		p->id = l->id;
		p->at = r->n;
	}
	if (w->npending == IDENTITY_BATCH)
		identity_walk_flush(w);
	return 0;
}

int
identity_check_chain(struct store *st, const unsigned char *pk,
		     const struct identity_checkpoint *cps,
		     const size_t *cp_lines, size_t ncps, const char *cp_file,
		     struct identity_chain_report *r, char **err)
{
	struct identity_walk w = { .r = r, .cps = cps, .cp_lines = cp_lines,
				   .ncps = ncps, .cp_file = cp_file };
	int rc;

	memset(r, 0, sizeof *r);
	if (pk != NULL) {
		memcpy(w.pk, pk, 32);
		w.have_pk = w.pk_given = true;
		identity_hex(pk, 32, r->key_hex);
	}
	w.cp_seen = xcalloc(ncps ? ncps : 1, sizeof *w.cp_seen);
	w.pending = xreallocarray(NULL, IDENTITY_BATCH, sizeof *w.pending);
	rc = store_each_link(st, 0, identity_walk_link, &w, err);
	if (rc >= 0)
		identity_walk_flush(&w);
	free(w.pending);
	if (rc < 0) {
		free(w.cp_seen);
		return -1;
	}
	if (w.pk_given && r->links > 0 && r->signed_links == 0)
		identity_report(r, "no link of the chain is signed, though"
				" this kiosk has a key: the signatures were"
				" removed (or no session was sealed since the"
				" key was made)");
	for (size_t i = 0; i < ncps; i++) {
		const struct identity_checkpoint *cp = &cps[i];
		size_t problems = r->n;

		if (!identity_checkpoint_verify(cp)) {
			identity_report(r, "%s:%zu: the checkpoint's signature"
					" does not verify: not a checkpoint"
					" this kiosk made", cp_file,
					cp_lines[i]);
			continue;
		}
		if (w.have_pk && memcmp(cp->pk, w.pk, 32) != 0) {
			identity_report(r, "%s:%zu: the checkpoint was signed"
					" by another key than the chain's",
					cp_file, cp_lines[i]);
			continue;
		}
		if (cp->seq > r->head_seq)
			identity_report(r, "%s:%zu: checkpoint of %s: the"
					" chain had %lld links then, it has"
					" %lld now: links #%lld to #%lld were"
					" cut off or rolled back", cp_file,
					cp_lines[i], cp->at,
					(long long)cp->seq,
					(long long)r->head_seq,
					(long long)r->head_seq + 1,
					(long long)cp->seq);
		else if (cp->seq > 0 && !w.cp_seen[i])
			identity_report(r, "%s:%zu: checkpoint of %s: link"
					" #%lld is missing", cp_file,
					cp_lines[i], cp->at,
					(long long)cp->seq);
		if (r->n == problems)
			r->checkpoints_ok++;
	}
	free(w.cp_seen);
	return r->n > 0 ? 1 : 0;
}
