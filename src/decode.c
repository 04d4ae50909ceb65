/*
 * decode: a content file's bytes → validated, NFC-normalised UTF-8 text.
 * Owns nothing but the text it hands out (struct decode_text).
 *
 * How the encoding is decided, and why:
 *
 * 1. A UTF-16 or UTF-32 byte order mark (or UTF-16 ASCII text without one:
 *    every other byte zero) is an error that says so; those files would
 *    otherwise show up as a wall of NUL or invalid-byte errors.
 * 2. A UTF-8 BOM is dropped and makes the file UTF-8 by declaration: any bad
 *    byte after it is reported as invalid UTF-8, never guessed as CP932.
 * 3. Valid UTF-8 (u8_check: no overlongs, surrogates or values past U+10FFFF)
 *    is UTF-8.
 * 4. Otherwise EUC-JP and CP932 are both tried, strictly (iconv without
 *    //IGNORE or //TRANSLIT: a failure anywhere means "not that encoding"),
 *    and every reading is scored by how Japanese it looks: the number of
 *    kana, CJK punctuation and fullwidth forms (U+3000–U+30FF,
 *    U+FF01–U+FF5E) it yields. The UTF-8 reading counts its valid stretches.
 *    A legacy reading counts only with a score of at least 2 that is at
 *    least a quarter of its non-ASCII characters, and it must beat the UTF-8
 *    reading. So:
 *    - an ASCII file with one stray or truncated byte (corrupt UTF-8) is not
 *      "CP932" with one kanji or halfwidth katakana in it;
 *    - a UTF-8 file with some damage in it is reported as damaged, not turned
 *      into mojibake, because its intact kana outscore what CP932 makes of
 *      it (counting only valid multi-byte sequences is not enough: short
 *      EUC-JP and CP932 text often forms valid 2-byte UTF-8 by accident,
 *      e.g. EUC-JP 調べ = 0xc4b4 0xa4d9, but those are Latin, Greek or
 *      Cyrillic letters, never kana).
 *    The higher legacy score wins; EUC-JP wins a tie because its structure
 *    is stricter (both bytes 0xA1–0xFE): EUC-JP text often also converts as
 *    CP932 (into halfwidth katakana and rare kanji, which score low), while
 *    CP932 text with any kana (lead bytes 0x82, 0x83) never converts as
 *    EUC-JP.
 * 5. Nothing wins. If the file has at least as many valid non-ASCII UTF-8
 *    characters as invalid sequences, it is damaged UTF-8 and every invalid
 *    sequence is an error (up to a cap).
 *    Otherwise (binary, Latin-1, ...) one error at the first invalid
 *    sequence says the file is not CP932 or EUC-JP either, and how many
 *    invalid sequences it has; listing them all would only be noise.
 *
 * We use glibc's "CP932" (Microsoft's table), not "SHIFT_JIS": they differ on
 * 〜 ～ − ¥ and what editors on Windows save is CP932. glibc's CP932 gives
 * 0x8160 → U+FF5E (fullwidth tilde), 0x817C → U+FF0D, 0x818F → U+FFE5 and
 * 0x5C → U+005C; EUC-JP gives 0xA1C1 → U+301C (wave dash), 0xA1DD → U+2212.
 *
 * Then, on the (converted) text: C0 controls other than tab and newline, DEL,
 * C1 controls and CR not followed by LF are errors (each, up to a cap); CRLF
 * becomes LF; the text is normalised to NFC (u8_normalize, skipped when no
 * character can change: decode_nfc_stable). NFC also folds
 * CJK compatibility ideographs into the unified ones (CP932 0xFB7E 神
 * U+FA19 → 神 U+795E, 塚 U+FA10 → 塚 U+585A): the glyph may lose a stroke
 * variant, the meaning does not change, and equal text compares equal.
 * Errors are positioned on the text they were found in: raw bytes for
 * invalid UTF-8, converted text for controls in a converted file. Everything
 * is one pass or a few linear passes; diag_column runs only for problems that
 * are reported.
 */
#include "decode.h"

#include <errno.h>
#include <fcntl.h>
#include <iconv.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <unictype.h>
#include <uninorm.h>
#include <unistr.h>

#include "strbuf.h"
#include "xmalloc.h"

/* Problems (invalid sequences, controls) reported one by one per file. */
#define DECODE_MAX_PROBLEMS 20

/*
 * Reports problems at byte offsets of one text, in increasing order, keeping
 * track of the line so that finding it is linear over the whole file.
 */
struct decode_report {
	const char *path;
	struct diag_list *dl;
	const char *s;     /* the text the offsets refer to */
	size_t off;        /* lines are counted up to here */
	size_t line_start; /* offset of the current line */
	int line;
	size_t n;          /* problems seen, reported or not */
	int more_line;     /* where the first unreported one is */
	int more_col;
};

static void
decode_report_init(struct decode_report *r, const char *path,
		   struct diag_list *dl, const char *s)
{
	memset(r, 0, sizeof *r);
	r->path = path;
	r->dl = dl;
	r->s = s;
	r->line = 1;
}

static void
decode_report_seek(struct decode_report *r, size_t off, int *line, int *col)
{
	const char *nl;

	while (r->off < off &&
	       (nl = memchr(r->s + r->off, '\n', off - r->off)) != NULL) {
		r->line++;
		r->off = r->line_start = (size_t)(nl - r->s) + 1;
	}
	r->off = off;
	*line = r->line;
	*col = diag_column(r->s + r->line_start, off - r->line_start);
}

static void
decode_report_add(struct decode_report *r, size_t off, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void
decode_report_add(struct decode_report *r, size_t off, const char *fmt, ...)
{
	va_list ap;
	char *msg;
	int line, col;

	r->n++;
	if (r->n > DECODE_MAX_PROBLEMS + 1)
		return;
	decode_report_seek(r, off, &line, &col);
	if (r->n == DECODE_MAX_PROBLEMS + 1) {
		r->more_line = line;
		r->more_col = col;
		return;
	}
	va_start(ap, fmt);
	msg = xvasprintf(fmt, ap);
	va_end(ap);
	diag_error(r->dl, r->path, line, col, "%s", msg);
	free(msg);
}

/* The "too many" line, at the first problem not shown. */
static void
decode_report_done(struct decode_report *r)
{
	if (r->n > DECODE_MAX_PROBLEMS)
		diag_error(r->dl, r->path, r->more_line, r->more_col,
			   "%zu more problems like the above are not shown "
			   "(%zu in all)", r->n - DECODE_MAX_PROBLEMS, r->n);
}

static bool
decode_is_cont(uint8_t b)
{
	return b >= 0x80 && b <= 0xbf;
}

static void
decode_add_bytes(struct strbuf *sb, const uint8_t *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		strbuf_addf(sb, "%s0x%02x", i > 0 ? " " : "", s[i]);
}

/* Characters that only Japanese text has many of. */
struct decode_count {
	size_t nonascii;
	size_t jp; /* kana, CJK punctuation, fullwidth forms */
};

static void
decode_count_add(struct decode_count *cnt, const uint8_t *p, size_t n)
{
	const uint8_t *end = p + n;

	while (p < end) {
		ucs4_t c;

		if (*p < 0x80) {
			p++;
			continue;
		}
		p += u8_mbtouc_unsafe(&c, p, (size_t)(end - p));
		cnt->nonascii++;
		if ((c >= 0x3000 && c <= 0x30ff) || (c >= 0xff01 && c <= 0xff5e))
			cnt->jp++;
	}
}

/*
 * How Japanese converted text looks: its kana and the like, or 0 when there
 * are fewer than 2 or they are under a quarter of its non-ASCII characters.
 */
static size_t
decode_japanese_score(const char *s, size_t n)
{
	struct decode_count cnt = {0, 0};

	decode_count_add(&cnt, (const uint8_t *)s, n);
	return cnt.jp >= 2 && 4 * cnt.jp >= cnt.nonascii ? cnt.jp : 0;
}

/*
 * s[0..n) starts with an invalid UTF-8 sequence (u8_check says so). Return
 * how many bytes it covers (at least 1) and, if sb is not NULL, describe it
 * there (only for what is reported: formatting every one of a megabyte of
 * CP932 would cost more than converting it).
 */
static size_t
decode_utf8_bad(const uint8_t *s, size_t n, struct strbuf *sb)
{
	uint8_t b = s[0], lo = 0x80, hi = 0xbf;
	const char *what;
	bool incomplete = false;
	size_t need, k;

	if (b < 0xc0 || b >= 0xf5) {
		if (sb != NULL)
			strbuf_addf(sb, "invalid UTF-8 byte 0x%02x", b);
		return 1;
	}
	need = b < 0xc2 ? 2 : b < 0xe0 ? 2 : b < 0xf0 ? 3 : 4;
	if (b == 0xe0)
		lo = 0xa0;
	else if (b == 0xed)
		hi = 0x9f;
	else if (b == 0xf0)
		lo = 0x90;
	else if (b == 0xf4)
		hi = 0x8f;
	if (b < 0xc2 || (n > 1 && decode_is_cont(s[1]) &&
			 (s[1] < lo || s[1] > hi))) {
		/* The right shape, but a wrong value (0xc0, 0xc1: overlong). */
		for (k = 1; k < need && k < n && decode_is_cont(s[k]); k++)
			;
		what = b == 0xed ? "invalid UTF-8: encoded surrogate "
		     : b == 0xf4 ? "invalid UTF-8: beyond U+10FFFF: "
				 : "invalid UTF-8: overlong encoding ";
	} else {
		for (k = 1; k < need && k < n && decode_is_cont(s[k]); k++)
			;
		what = "invalid UTF-8: incomplete sequence ";
		incomplete = true;
	}
	if (sb != NULL) {
		strbuf_addstr(sb, what);
		decode_add_bytes(sb, s, k);
		if (incomplete && k == n)
			strbuf_addstr(sb, " at end of file");
	}
	return k;
}

/* Walk the invalid sequences: count them, and report them if r is set. */
static size_t
decode_utf8_scan(const uint8_t *s, size_t n, struct decode_count *cnt,
		 struct decode_report *r)
{
	size_t i = 0, bad = 0;
	struct strbuf sb;

	strbuf_init(&sb);
	while (i < n) {
		const uint8_t *p = u8_check(s + i, n - i);
		size_t end = p != NULL ? (size_t)(p - s) : n;

		if (cnt != NULL)
			decode_count_add(cnt, s + i, end - i);
		i = end;
		if (p == NULL)
			break;
		strbuf_reset(&sb);
		i += decode_utf8_bad(s + i, n - i, r != NULL ? &sb : NULL);
		if (r != NULL)
			decode_report_add(r, end, "%s", sb.s);
		bad++;
	}
	strbuf_done(&sb);
	return bad;
}

/*
 * A file that is neither UTF-8 nor readable as CP932 or EUC-JP (binary, or
 * another encoding): one error at the first bad byte, with the count, rather
 * than a page of errors that all say the same.
 */
static int
decode_not_text(struct decode_report *r, const uint8_t *s, size_t n,
		size_t bad)
{
	size_t off = (size_t)(u8_check(s, n) - s);
	struct strbuf sb;

	strbuf_init(&sb);
	decode_utf8_bad(s + off, n - off, &sb);
	if (bad == 1)
		decode_report_add(r, off, "%s (and not CP932 or EUC-JP)", sb.s);
	else
		decode_report_add(r, off, "%s (and not CP932 or EUC-JP; %zu "
				  "invalid sequences in all)", sb.s, bad);
	strbuf_done(&sb);
	return -1;
}

/* Strict conversion to UTF-8; NULL when s is not entirely in enc. */
static char *
decode_iconv(const char *enc, const char *s, size_t n, size_t *outlen)
{
	iconv_t cd = iconv_open("UTF-8", enc);
	size_t cap = 3 * n + 16, used = 0, inleft = n;
	char *in = (char *)s, *buf;
	bool ok = true;

	if (cd == (iconv_t)-1)
		return NULL;
	buf = xmalloc(cap);
	for (;;) {
		char *out = buf + used;
		size_t outleft = cap - used - 1;
		size_t rc = inleft > 0 ? iconv(cd, &in, &inleft, &out, &outleft)
				       : iconv(cd, NULL, NULL, &out, &outleft);
		int err = errno;

		used = (size_t)(out - buf);
		if (rc != (size_t)-1) {
			if (inleft == 0) {
				/* Flush any shift state once input is done. */
				if (iconv(cd, NULL, NULL, &out, &outleft) ==
				    (size_t)-1) {
					ok = false;
					break;
				}
				used = (size_t)(out - buf);
				break;
			}
			continue;
		}
		if (err != E2BIG) { /* EILSEQ, EINVAL: not this encoding */
			ok = false;
			break;
		}
		cap *= 2;
		buf = xreallocarray(buf, cap, 1);
	}
	iconv_close(cd);
	if (!ok) {
		free(buf);
		return NULL;
	}
	buf[used] = '\0';
	*outlen = used;
	return buf;
}

static const char *const decode_c0_names[32] = {
	"NUL", "SOH", "STX", "ETX", "EOT", "ENQ", "ACK", "BEL",
	"BS",  "HT",  "LF",  "VT",  "FF",  "CR",  "SO",  "SI",
	"DLE", "DC1", "DC2", "DC3", "DC4", "NAK", "SYN", "ETB",
	"CAN", "EM",  "SUB", "ESC", "FS",  "GS",  "RS",  "US",
};

static const char *const decode_c1_names[32] = {
	"PAD", "HOP", "BPH", "NBH", "IND", "NEL", "SSA", "ESA",
	"HTS", "HTJ", "VTS", "PLD", "PLU", "RI",  "SS2", "SS3",
	"DCS", "PU1", "PU2", "STS", "CCH", "MW",  "SPA", "EPA",
	"SOS", "SGCI", "SCI", "CSI", "ST", "OSC", "PM",  "APC",
};

/*
 * NFC only changes text that holds a character that is not "stable": one
 * with a nonzero combining class (it may reorder or compose with what comes
 * before it), one that NFC maps to something else (NFC_QC=No: singletons
 * like CJK compatibility ideographs, composition exclusions, decomposed
 * forms), or a starter that composes with the character before it
 * (NFC_QC=Maybe with combining class 0: the list below). Text made only of
 * stable characters is already NFC: none changes on its own, none reorders
 * (all have class 0), and no two compose (a composition's second character
 * is never stable). So decode_finish skips u8_normalize for such text,
 * which is nearly every content file; the rest is normalised whole.
 * libunistring decides the class and the single-character NFC; the
 * composing starters are the Hangul vowel and trailing jamo (composed
 * algorithmically) and the primary composites' second characters with class
 * 0 (Unicode 14, libunistring 1.0). tests/unit/test-decode-nfc.c checks
 * every code point and every composition against u8_normalize.
 */
static const ucs4_t decode_nfc_second[] = {
	0x09BE, 0x09D7, 0x0B3E, 0x0B56, 0x0B57, 0x0BBE, 0x0BD7, 0x0CC2,
	0x0CD5, 0x0CD6, 0x0D3E, 0x0D57, 0x0DCF, 0x0DDF, 0x102E, 0x1B35,
	0x11127, 0x1133E, 0x11357, 0x114B0, 0x114BA, 0x114BD, 0x115AF,
	0x11930,
};

static bool
decode_nfc_compute(ucs4_t c)
{
	uint8_t in[6], outbuf[32];
	size_t inlen, outlen = sizeof outbuf;
	uint8_t *o;
	ucs4_t d[UC_DECOMPOSITION_MAX_LENGTH];
	bool same;

	if (uc_combining_class(c) != 0)
		return false;
	if ((c >= 0x1161 && c <= 0x1175) || (c >= 0x11A8 && c <= 0x11C2))
		return false;
	for (size_t i = 0; i < sizeof decode_nfc_second /
				sizeof decode_nfc_second[0]; i++)
		if (c == decode_nfc_second[i])
			return false;
	if (uc_canonical_decomposition(c, d) < 0)
		return true; /* no decomposition: NFC leaves it as it is */
	inlen = (size_t)u8_uctomb(in, c, (int)sizeof in);
	o = u8_normalize(UNINORM_NFC, in, inlen, outbuf, &outlen);
	if (o == NULL)
		fatal("cannot normalise text: %s", strerror(errno));
	same = outlen == inlen && memcmp(o, in, inlen) == 0;
	if (o != outbuf)
		free(o);
	return same;
}

/*
 * Whether c is stable (above), cached for the BMP: 2 bits per code point,
 * 0 not yet known, 1 stable, 2 not. Japanese text uses a few thousand
 * distinct characters, so each is worked out once per process. Only the
 * main thread decodes (the store's worker threads never do).
 */
static uint8_t decode_nfc_cache[0x10000 / 4];

static bool
decode_nfc_stable(ucs4_t c)
{
	unsigned shift, v;

	if (c >= 0x10000)
		return decode_nfc_compute(c);
	shift = (c & 3) * 2;
	v = (decode_nfc_cache[c >> 2] >> shift) & 3;
	if (v == 0) {
		v = decode_nfc_compute(c) ? 1 : 2;
		decode_nfc_cache[c >> 2] |= (uint8_t)(v << shift);
	}
	return v == 1;
}

/* The character at a lead byte of valid UTF-8 (u8_check passed). */
static ucs4_t
decode_utf8_char(const uint8_t *p)
{
	if (p[0] < 0xe0)
		return (ucs4_t)(p[0] & 0x1f) << 6 | (p[1] & 0x3f);
	if (p[0] < 0xf0)
		return (ucs4_t)(p[0] & 0x0f) << 12 | (ucs4_t)(p[1] & 0x3f) << 6 |
		       (p[2] & 0x3f);
	return (ucs4_t)(p[0] & 0x07) << 18 | (ucs4_t)(p[1] & 0x3f) << 12 |
	       (ucs4_t)(p[2] & 0x3f) << 6 | (p[3] & 0x3f);
}

/* Whether c is stable, the cached answer inline (decode_nfc_stable). */
static inline bool
decode_nfc_stable_fast(ucs4_t c)
{
	if (c < 0x10000) {
		unsigned v = (decode_nfc_cache[c >> 2] >> ((c & 3) * 2)) & 3;

		if (v != 0)
			return v == 1;
	}
	return decode_nfc_stable(c);
}

/*
 * buf[off, off + n) is valid UTF-8 in a block the caller hands over (malloc'd,
 * at least off + n + 1 bytes). Report control characters; on success fill out
 * with the text, CRLF made LF and NFC-normalised: in buf itself (moved to its
 * start) unless normalising changes it. buf is freed or handed on either way.
 *
 * Two passes: the first only reads, reporting and noting what must change
 * (CRLF pairs, characters NFC may change), so that the positions of problems
 * are always in the text as it came; the second, only when needed, drops the
 * CR of each CRLF (and the offset) in place.
 */
static int
decode_finish(const char *path, char *buf, size_t off, size_t n,
	      struct decode_text *out, struct diag_list *dl)
{
	static const char esc_why[] =
		"content must not send escape sequences to the terminal";
	static const char ctl_why[] =
		"only tab and line breaks may appear in content";
	const char *s = buf + off;
	const uint8_t *u = (const uint8_t *)s;
	struct decode_report r;
	char *norm;
	size_t i = 0, ncrlf = 0, m, normlen;
	bool stable = true; /* every character so far is (decode_nfc_stable) */

	decode_report_init(&r, path, dl, s);
	while (i < n) {
		uint8_t c = u[i];

		if (c < 0x80) {
			/* ordinary ASCII a run at a time */
			while (c >= 0x20 ? c != 0x7f : c == '\n' || c == '\t') {
				if (++i == n)
					break;
				c = u[i];
				if (c >= 0x80)
					break;
			}
			if (i == n || c >= 0x80)
				continue;
			if (c == '\r' && i + 1 < n && u[i + 1] == '\n') {
				ncrlf++; /* only the LF is kept */
			} else if (c == '\r') {
				decode_report_add(&r, i,
					"carriage return (U+000D) without a line feed: "
					"lines must end in LF or CRLF");
			} else {
				decode_report_add(&r, i,
					"control character U+%04X (%s) is not allowed: %s",
					c, c == 0x7f ? "DEL" : decode_c0_names[c],
					c == 0x1b ? esc_why : ctl_why);
			}
			i++;
			continue;
		}
		/* a lead byte: the text is valid UTF-8 (u8_check passed) */
		if (c >= 0xe0 && c < 0xf0) { /* most Japanese text */
			if (stable)
				stable = decode_nfc_stable_fast(
					(ucs4_t)(c & 0x0f) << 12 |
					(ucs4_t)(u[i + 1] & 0x3f) << 6 |
					(u[i + 2] & 0x3f));
			i += 3;
			continue;
		}
		if (c == 0xc2 && u[i + 1] <= 0x9f)
			decode_report_add(&r, i,
				"control character U+%04X (%s) is not "
				"allowed: %s", u[i + 1],
				decode_c1_names[u[i + 1] - 0x80], esc_why);
		if (stable)
			stable = decode_nfc_stable_fast(decode_utf8_char(u + i));
		i += c < 0xe0 ? 2 : 4;
	}
	decode_report_done(&r);
	if (r.n > 0) {
		free(buf);
		return -1;
	}
	if (ncrlf > 0) {
		/* drop each CRLF's CR, moving the runs between them down */
		size_t from = 0;

		m = 0;
		for (;;) {
			const char *cr = memchr(s + from, '\r', n - from);
			size_t to = cr != NULL ? (size_t)(cr - s) : n;

			memmove(buf + m, s + from, to - from);
			m += to - from;
			if (cr == NULL)
				break;
			from = to + 1; /* every CR here is followed by LF */
		}
	} else {
		if (off > 0)
			memmove(buf, s, n);
		m = n;
	}
	buf[m] = '\0';
	if (stable) { /* already NFC: see decode_nfc_stable */
		out->text = buf;
		out->len = m;
		return 0;
	}
	norm = (char *)u8_normalize(UNINORM_NFC, (const uint8_t *)buf, m,
				    NULL, &normlen);
	free(buf);
	if (norm == NULL)
		fatal("cannot normalise text: %s", strerror(errno));
	norm = xreallocarray(norm, normlen + 1, 1);
	norm[normlen] = '\0';
	out->text = norm;
	out->len = normlen;
	return 0;
}

/* A UTF-16 or UTF-32 file: say so instead of listing its NULs. */
static const char *
decode_wide_encoding(const uint8_t *s, size_t n)
{
	size_t zero[2] = {0, 0}, lim = n < 256 ? n : 256;

	if (n >= 4 && memcmp(s, "\xff\xfe\0\0", 4) == 0)
		return "is UTF-32LE (it starts with the byte order mark "
		       "0xff 0xfe 0x00 0x00)";
	if (n >= 4 && memcmp(s, "\0\0\xfe\xff", 4) == 0)
		return "is UTF-32BE (it starts with the byte order mark "
		       "0x00 0x00 0xfe 0xff)";
	if (n >= 2 && s[0] == 0xff && s[1] == 0xfe)
		return "is UTF-16LE (it starts with the byte order mark "
		       "0xff 0xfe)";
	if (n >= 2 && s[0] == 0xfe && s[1] == 0xff)
		return "is UTF-16BE (it starts with the byte order mark "
		       "0xfe 0xff)";
	/*
	 * No BOM: ASCII in UTF-16 has a zero byte in every other place, and
	 * UTF-8 text has none except NUL characters (errors anyway). At least
	 * an eighth of the pairs in the first 256 bytes with a zero on one side
	 * and none on the other is UTF-16; binary junk has zeros on both.
	 */
	lim &= ~(size_t)1;
	for (size_t i = 0; i < lim; i++)
		zero[i & 1] += s[i] == 0;
	if (zero[1] >= 2 && 8 * zero[1] >= lim && zero[0] == 0)
		return "seems to be UTF-16LE (without a byte order mark)";
	if (zero[0] >= 2 && 8 * zero[0] >= lim && zero[1] == 0)
		return "seems to be UTF-16BE (without a byte order mark)";
	return NULL;
}

static const char *
decode_encoding_name(enum decode_encoding e)
{
	switch (e) {
	case DECODE_UTF8:
		return "UTF-8";
	case DECODE_CP932:
		return "CP932 (Windows Shift_JIS)";
	case DECODE_EUCJP:
		return "EUC-JP";
	}
	return "?";
}

int
decode_buffer(const char *path, char *buf, size_t len,
	      struct decode_text *out, struct diag_list *dl)
{
	const uint8_t *s = (const uint8_t *)buf;
	const char *wide;
	struct decode_count u8 = {0, 0};
	size_t bad, off = 0;
	char *conv[2] = {NULL, NULL};
	size_t convlen[2] = {0, 0}, score[2] = {0, 0};
	static const char *const iconv_name[2] = {"EUC-JP", "CP932"};
	static const enum decode_encoding iconv_enc[2] = {DECODE_EUCJP,
							  DECODE_CP932};
	struct decode_report r;
	int best, rc;

	memset(out, 0, sizeof *out);
	out->encoding = DECODE_UTF8;
	if (len == 0) {
		buf[0] = '\0';
		out->text = buf;
		return 0;
	}
	if ((wide = decode_wide_encoding(s, len)) != NULL) {
		free(buf);
		return diag_error(dl, path, 0, 0,
				  "the file %s, not UTF-8: save it as UTF-8",
				  wide);
	}
	if (len >= 3 && memcmp(s, "\xef\xbb\xbf", 3) == 0) {
		out->had_bom = true;
		off = 3;
		s += 3;
		len -= 3;
	}
	/* valid UTF-8, the usual case, needs no counting of its characters */
	if (u8_check(s, len) == NULL)
		return decode_finish(path, buf, off, len, out, dl);
	bad = decode_utf8_scan(s, len, &u8, NULL);

	for (int i = 0; i < 2 && !out->had_bom; i++) {
		conv[i] = decode_iconv(iconv_name[i], (const char *)s, len,
				       &convlen[i]);
		if (conv[i] != NULL)
			score[i] = decode_japanese_score(conv[i], convlen[i]);
	}
	best = score[0] >= score[1] ? 0 : 1;
	if (score[best] <= u8.jp) {
		free(conv[0]);
		free(conv[1]);
		decode_report_init(&r, path, dl, (const char *)s);
		if (!out->had_bom && u8.nonascii < bad)
			rc = decode_not_text(&r, s, len, bad);
		else {
			decode_utf8_scan(s, len, NULL, &r);
			decode_report_done(&r);
			rc = -1;
		}
		free(buf);
		return rc;
	}
	free(buf);
	out->encoding = iconv_enc[best];
	diag_warning(dl, path, 0, 0,
		     "not UTF-8: read as %s and converted; save the file as "
		     "UTF-8", decode_encoding_name(out->encoding));
	free(conv[1 - best]);
	/* decode_iconv's room for 3 bytes a byte is not kept */
	conv[best] = xreallocarray(conv[best], convlen[best] + 1, 1);
	return decode_finish(path, conv[best], 0, convlen[best], out, dl);
}

int
decode_bytes(const char *path, const void *bytes, size_t len,
	     struct decode_text *out, struct diag_list *dl)
{
	char *buf = xmalloc(len + 1);

	if (len > 0)
		memcpy(buf, bytes, len);
	return decode_buffer(path, buf, len, out, dl);
}

/*
 * The whole file in one block of exactly its size (and the NUL's byte): the
 * size fstat gives, then grown should the file have grown meanwhile; a pipe
 * or device (no size) starts at 64 KiB and doubles.
 */
int
decode_file(const char *path, struct decode_text *out, struct diag_list *dl)
{
	struct stat st;
	char *buf;
	size_t cap, len = 0;
	int fd, err = 0;

	memset(out, 0, sizeof *out);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return diag_error(dl, path, 0, 0, "cannot read: %s",
				  strerror(errno));
	if (fstat(fd, &st) < 0)
		err = errno;
	else if (S_ISDIR(st.st_mode))
		err = EISDIR;
	if (err != 0) {
		close(fd);
		return diag_error(dl, path, 0, 0, "cannot read: %s",
				  strerror(err));
	}
	/* +1: the NUL, and the byte whose read of 0 says the file ended */
	cap = S_ISREG(st.st_mode) && st.st_size > 0 &&
	      (uintmax_t)st.st_size < SIZE_MAX / 2 ? (size_t)st.st_size + 1
						    : 65536;
	buf = xmalloc(cap);
	for (;;) {
		ssize_t k;

		if (len == cap) {
			cap *= 2;
			buf = xreallocarray(buf, cap, 1);
		}
		k = read(fd, buf + len, cap - len);
		if (k < 0 && errno == EINTR)
			continue;
		if (k < 0) {
			err = errno;
			free(buf);
			close(fd);
			return diag_error(dl, path, 0, 0, "cannot read: %s",
					  strerror(err));
		}
		if (k == 0)
			break;
		len += (size_t)k;
	}
	close(fd);
	if (len + 1 < cap / 2) /* a pipe's doubling, or a file that shrank */
		buf = xreallocarray(buf, len + 1, 1);
	return decode_buffer(path, buf, len, out, dl);
}

void
decode_text_done(struct decode_text *t)
{
	free(t->text);
	t->text = NULL;
	t->len = 0;
}
