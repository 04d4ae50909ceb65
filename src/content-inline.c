/*
 * content-inline: the inline parser. The joined text of one block (or one
 * table cell, title, heading) → struct content_inline: spans of plain and
 * **bold** text, ruby (｜base《reading》 and kanji《reading》), <br> as a hard
 * break, {{key}} replaced by its clinic value, backslash escapes; any other
 * HTML tag is an error. Diagnostics point back into the source lines
 * through the join's segment map (content-join.c).
 *
 * The spans and texts of an inline are gathered in the parser's buffers
 * (content_parser.pool, .spans), reused from inline to inline, then copied
 * into one allocation (packed): parsing allocates once per inline. Plain
 * text is taken a run at a time up to the next byte markup may start with.
 *
 * Owns: the inline content it hands out (content_inline_done frees it).
 */
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unictype.h>
#include <unistr.h>

#include "clinic.h"
#include "content-int.h"
#include "strbuf.h"
#include "xmalloc.h"

static bool
content_il_is_kanji(ucs4_t c)
{
	return uc_is_property_ideographic(c) || c == 0x3005 /* 々 */ ||
	       c == 0x3006 /* 〆 */ || c == 0x30F6 /* ヶ */;
}

/*
 * A span while its inline is parsed: texts as offsets in the parser's pool
 * (content_parser.pool), which may still move.
 */
struct content_il_span {
	size_t text;
	size_t ruby;    /* CONTENT_NO_RUBY: none */
	unsigned style;
	int line, col;
};

#define CONTENT_NO_RUBY ((size_t)-1)

struct content_il {
	struct content_parser *cp;
	const char *t;
	size_t n;
	const struct content_seg *segs;
	size_t nsegs;
	size_t seg;      /* segment of the current position (moves forward) */

	struct strbuf *pool; /* every finished text, NUL-terminated, then
				the plain text being gathered from cur on */
	size_t cur;
	size_t buf_pos;  /* source position of the plain text's first byte */
	bool buf_any;
	unsigned style;
	size_t bold_pos; /* where the open ** stands */
	/* the trailing run of kanji in the plain text (implicit ruby base):
	   kanji_buf is its offset from cur */
	bool kanji;
	size_t kanji_buf, kanji_pos;
};

static size_t
content_il_seg(const struct content_il *il, size_t pos)
{
	size_t lo = 0, hi = il->nsegs;

	/* the last segment with joff <= pos */
	while (hi - lo > 1) {
		size_t mid = lo + (hi - lo) / 2;
		if (il->segs[mid].joff <= pos)
			lo = mid;
		else
			hi = mid;
	}
	return lo;
}

static void
content_il_where(struct content_il *il, size_t pos, int *line, int *col)
{
	const struct content_seg *s = &il->segs[content_il_seg(il, pos)];
	size_t d = pos - s->joff;

	if (d > s->len)
		d = s->len;
	*line = s->line->lineno;
	*col = content_col(il->cp, s->line->src, s->srcoff + d) + s->bias;
}

static int
content_il_err(struct content_il *il, size_t pos, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int
content_il_err(struct content_il *il, size_t pos, const char *fmt, ...)
{
	va_list ap;
	int line, col;

	if (il->cp->nerrors + 1 > CONTENT_MAX_ERRORS)
		return il->cp->nerrors++, -1;
	content_il_where(il, pos, &line, &col);
	va_start(ap, fmt);
	content_vdiag(il->cp, line, col, DIAG_ERROR, fmt, ap);
	va_end(ap);
	return -1;
}

/* The end (in t) of the segment holding pos: ruby never crosses a line. */
static size_t
content_il_seg_end(struct content_il *il, size_t pos)
{
	while (il->seg + 1 < il->nsegs && il->segs[il->seg + 1].joff <= pos)
		il->seg++;
	return il->segs[il->seg].joff + il->segs[il->seg].len;
}

/* A span whose text (and ruby) already stand NUL-terminated in the pool. */
static void
content_il_push(struct content_il *il, size_t text, size_t ruby, size_t pos)
{
	struct content_parser *cp = il->cp;
	struct content_il_span *sp;

	XGROW(cp->spans, cp->nspans, cp->spancap);
	sp = &cp->spans[cp->nspans++];
	sp->text = text;
	sp->ruby = ruby;
	sp->style = il->style;
	content_il_where(il, pos, &sp->line, &sp->col);
}

/* The plain text gathered so far becomes a span. */
static void
content_il_flush(struct content_il *il)
{
	if (il->pool->len > il->cur) {
		strbuf_addch(il->pool, '\0');
		content_il_push(il, il->cur, CONTENT_NO_RUBY, il->buf_pos);
		il->cur = il->pool->len;
	}
	il->buf_any = false;
	il->kanji = false;
}

/* Append bytes that came from source position pos (p is not in the pool). */
static void
content_il_add(struct content_il *il, size_t pos, const char *p, size_t n,
	       bool maybe_kanji)
{
	if (!il->buf_any) {
		il->buf_any = true;
		il->buf_pos = pos;
	}
	if (maybe_kanji) {
		ucs4_t c;
		u8_mbtouc(&c, (const uint8_t *)p, n);
		if (content_il_is_kanji(c)) {
			if (!il->kanji) {
				il->kanji = true;
				il->kanji_buf = il->pool->len - il->cur;
				il->kanji_pos = pos;
			}
		} else {
			il->kanji = false;
		}
	} else {
		il->kanji = false;
	}
	strbuf_add(il->pool, p, n);
}

static bool
content_il_escapable(const char *p, const char *end, size_t *n)
{
	static const char *const lits[] = {
		"*", "|", "\\", "{", "}", "<", ">", "｜", "《", "》", "#", "-",
	};

	for (size_t i = 0; i < sizeof lits / sizeof lits[0]; i++) {
		if (content_has(p, end, lits[i])) {
			*n = strlen(lits[i]);
			return true;
		}
	}
	return false;
}

/* <br>, <br/>, <br /> : the length of the tag at p, or 0. */
static size_t
content_il_br(const char *p, const char *end)
{
	if (content_has(p, end, "<br>"))
		return 4;
	if (content_has(p, end, "<br/>"))
		return 5;
	if (content_has(p, end, "<br />"))
		return 6;
	return 0;
}

/* An HTML-like tag other than <br> at p (<b>, </span>, <img ...>): its
 * length, or 0. Short and of letters only, so "a < b" or "<5 mg" are text. */
static size_t
content_il_html(const char *p, const char *end)
{
	const char *q = p + 1;

	if (end - p < 3 || *p != '<')
		return 0;
	if (*q == '/')
		q++;
	if (q >= end || !((*q >= 'a' && *q <= 'z') || (*q >= 'A' && *q <= 'Z')))
		return 0;
	while (q < end && q - p < 64 && *q != '>' && *q != '<' && *q != '\n')
		q++;
	return q < end && *q == '>' ? (size_t)(q + 1 - p) : 0;
}

/*
 * Collect a ruby base or reading from t[from, end) up to stop (a literal),
 * processing escapes. Returns the position of stop, or (size_t)-1 when
 * something else ends it first: the end, or one of the brackets in `bad`.
 * *markup is set to the position of a ** or <br> found inside.
 */
static size_t
content_il_ruby_part(struct content_il *il, size_t from, size_t end,
		     const char *stop, struct strbuf *out, size_t *markup)
{
	const char *t = il->t;
	const unsigned char *u = (const unsigned char *)t;
	size_t i = from;

	*markup = (size_t)-1;
	while (i < end) {
		size_t n, j = i;

		/* bytes none of the checks below can match, in one go: all
		   but \ * < and the brackets 《 (E3 80 8A) 》 (E3 80 8B)
		   ｜ (EF BD 9C); stop is one of the brackets */
		for (; j < end; j++) {
			unsigned char b = u[j];

			if (b == '\\' || b == '*' || b == '<')
				break;
			if ((b == 0xe3 || b == 0xef) && end - j >= 3 &&
			    (b == 0xe3 ? u[j + 1] == 0x80 &&
					 (u[j + 2] == 0x8a || u[j + 2] == 0x8b)
				       : u[j + 1] == 0xbd && u[j + 2] == 0x9c))
				break;
		}
		strbuf_add(out, t + i, j - i);
		i = j;
		if (i == end)
			break;
		if (content_has(t + i, t + end, stop))
			return i;
		if (content_has(t + i, t + end, "《") ||
		    content_has(t + i, t + end, "》") ||
		    content_has(t + i, t + end, "｜"))
			return (size_t)-1;
		if (t[i] == '\\' && content_il_escapable(t + i + 1, t + end, &n)) {
			strbuf_add(out, t + i + 1, n);
			i += 1 + n;
			continue;
		}
		if (*markup == (size_t)-1 &&
		    (content_has(t + i, t + end, "**") || content_il_br(t + i, t + end)))
			*markup = i;
		strbuf_addch(out, t[i]);
		i++;
	}
	return (size_t)-1;
}

/*
 * A reading starting at 《 at position open, gathered into the parser's
 * reading buffer. Returns the position after 》 and sets *ok when the
 * reading is good; returns 0 when it is not closed (reported; the caller
 * then keeps 《 as text), or the position after 》 with *ok false when it
 * is empty or holds markup (reported; the reading is dropped).
 */
static size_t
content_il_reading(struct content_il *il, size_t open, bool *ok)
{
	struct strbuf *r = &il->cp->reading;
	size_t end = content_il_seg_end(il, open);
	size_t markup;
	size_t close;

	*ok = false;
	strbuf_reset(r);
	close = content_il_ruby_part(il, open + 3, end, "》", r, &markup);
	if (close == (size_t)-1) {
		content_il_err(il, open,
			       "ruby reading is not closed: expected 《…》 on the same line");
		return 0;
	}
	if (r->len == 0 || content_skip_space(r->s, r->s + r->len) == r->s + r->len) {
		content_il_err(il, open,
			       "ruby reading is empty: expected the reading between 《 and 》");
		return close + 3;
	}
	if (markup != (size_t)-1) {
		content_il_err(il, markup,
			       "a ruby reading cannot contain '**' or <br>");
		return close + 3;
	}
	*ok = true;
	return close + 3;
}

/* The ruby span: its base is in the pool from `base` to the end (without
   its NUL yet), the reading in the parser's reading buffer. */
static void
content_il_ruby_span(struct content_il *il, size_t base, size_t pos)
{
	struct strbuf *pool = il->pool, *r = &il->cp->reading;
	size_t ruby;

	strbuf_addch(pool, '\0');
	ruby = pool->len;
	strbuf_add(pool, r->s, r->len + 1); /* with its NUL */
	content_il_push(il, base, ruby, pos);
	il->cur = pool->len;
}

static void
content_il_braces(struct content_il *il, size_t *ip)
{
	const char *t = il->t;
	size_t i = *ip, k = i + 2, end = content_il_seg_end(il, i);
	const char *val;

	while (k < end && ((t[k] >= 'a' && t[k] <= 'z') ||
			   (t[k] >= '0' && t[k] <= '9') || t[k] == '_'))
		k++;
	if (k == i + 2 || !content_has(t + k, t + end, "}}")) {
		content_il_err(il, i, "'{{' must be followed by a clinic value "
			       "name and '}}', e.g. {{phone}} (write \\{ for a "
			       "literal brace)");
		content_il_add(il, i, t + i, 2, false);
		*ip = i + 2;
		return;
	}
	if (il->cp->values == NULL) {
		content_il_add(il, i, t + i, k + 2 - i, false);
		*ip = k + 2;
		return;
	}
	val = clinic_get(il->cp->values, t + i + 2, k - i - 2, il->cp->lang);
	if (val == NULL) {
		content_il_err(il, i, "unknown clinic value {{%.*s}}: clinic.conf "
			       "has no '%.*s'", (int)(k - i - 2), t + i + 2,
			       (int)(k - i - 2), t + i + 2);
		content_il_add(il, i, t + i, k + 2 - i, false);
	} else if (*val != '\0') {
		content_il_add(il, i, val, strlen(val), false);
	}
	*ip = k + 2;
}

/* An explicit ruby ｜base《reading》 at i. */
static void
content_il_bar(struct content_il *il, size_t *ip)
{
	size_t i = *ip, end = content_il_seg_end(il, i), open, after, b;
	struct strbuf *base = &il->cp->base;
	size_t markup;
	bool ok;

	strbuf_reset(base);
	open = content_il_ruby_part(il, i + 3, end, "《", base, &markup);
	if (open == (size_t)-1 || base->len == 0) {
		content_il_err(il, i, "'｜' must be followed by a base and its "
			       "reading: ｜base《reading》 (write \\｜ for a "
			       "literal ｜)");
		content_il_add(il, i, il->t + i, 3, false);
		*ip = i + 3;
		return;
	}
	if (markup != (size_t)-1) {
		content_il_err(il, markup, "a ruby base cannot contain '**' or <br>");
		content_il_add(il, i, il->t + i, 3, false);
		*ip = i + 3;
		return;
	}
	after = content_il_reading(il, open, &ok);
	if (after == 0) {
		/* keep the base as text; go on after 《 */
		content_il_add(il, i + 3, base->s, base->len, false);
		content_il_add(il, open, il->t + open, 3, false);
		*ip = open + 3;
		return;
	}
	if (!ok) {
		content_il_add(il, i + 3, base->s, base->len, false);
		*ip = after;
		return;
	}
	content_il_flush(il);
	b = il->pool->len;
	strbuf_add(il->pool, base->s, base->len);
	content_il_ruby_span(il, b, i + 3);
	*ip = after;
}

/* An implicit ruby: the kanji right before 《 at i. */
static void
content_il_open(struct content_il *il, size_t *ip)
{
	size_t i = *ip, after;
	bool ok;

	if (!il->kanji) {
		size_t end = content_il_seg_end(il, i);
		struct strbuf *r = &il->cp->reading;
		size_t markup;
		size_t close;

		strbuf_reset(r);
		close = content_il_ruby_part(il, i + 3, end, "》", r, &markup);
		if (close == (size_t)-1) {
			content_il_err(il, i, "ruby reading is not closed: "
				       "expected 《…》 on the same line");
			content_il_add(il, i, il->t + i, 3, false);
			*ip = i + 3;
			return;
		}
		content_il_err(il, i, "ruby has no base: 《 must follow kanji, "
			       "or write ｜base《reading》");
		*ip = close + 3; /* drop the reading */
		return;
	}
	after = content_il_reading(il, i, &ok);
	if (after == 0) {
		content_il_add(il, i, il->t + i, 3, false);
		*ip = i + 3;
		return;
	}
	if (ok) {
		struct strbuf *pool = il->pool;
		size_t kb = il->cur + il->kanji_buf, kp = il->kanji_pos;
		size_t blen = pool->len - kb;

		if (kb > il->cur) {
			/* the text before the kanji is a span of its own: a
			   NUL between it and the base */
			strbuf_addch(pool, '\0');
			memmove(pool->s + kb + 1, pool->s + kb, blen);
			pool->s[kb] = '\0';
			content_il_push(il, il->cur, CONTENT_NO_RUBY,
					il->buf_pos);
			kb++;
			il->cur = kb;
		}
		il->buf_any = false;
		il->kanji = false;
		content_il_ruby_span(il, kb, kp);
	}
	*ip = after;
}

/*
 * Where a run of plain text (content_il_plain) ends: at an ASCII byte that
 * markup starts with (the branches of content_inline_run before plain text), or
 * at ｜ (EF BD 9C) or 《 (E3 80 8A), found at their last byte, the scan then
 * looking back for the whole character. Looking at last bytes keeps the
 * common lead byte 0xe3 (all kana) off the slow path; continuation bytes
 * never start markup, so this stops where a check at every byte would.
 */
static const unsigned char content_il_mark_byte[256] = {
	['\\'] = 1, ['*'] = 1, ['<'] = 1, ['{'] = 1,
};
static const char content_il_run_stops[] = "\\*<{\x8a\x9c";

/* Whether content_inline_run must look at t[i] before taking it as plain. */
static inline bool
content_il_may_mark(const char *t, size_t i)
{
	unsigned char c = (unsigned char)t[i];

	return content_il_mark_byte[c] || c == 0xe3 || c == 0xef;
}

/*
 * The trailing kanji run of plain text t[i, j): found backwards from j, so
 * only the characters at the end of a run are decoded. Sets il->kanji,
 * kanji_buf and kanji_pos as content_il_add would have, one character at a
 * time, for text appended at plain-text offset base. Returns false (nothing
 * set) if a character there is not well-formed UTF-8: the caller then walks
 * the run forwards. A well-formed character starts at a byte that is not a
 * continuation byte, and decoding forwards never joins such a byte to what
 * comes before it, so both walks see the same characters.
 */
static bool
content_il_kanji_back(struct content_il *il, size_t i, size_t j, size_t base)
{
	const char *t = il->t;
	size_t k = j, start = j;

	while (k > i) {
		size_t p = k - 1;
		ucs4_t c;

		while (p > i && k - p < 4 && ((unsigned char)t[p] & 0xc0) == 0x80)
			p--;
		/* (u8_mbtouc gives U+FFFD for a bad sequence too) */
		if (u8_mbtouc(&c, (const uint8_t *)t + p, k - p) != (int)(k - p) ||
		    (c == 0xfffd && (k - p != 3 ||
				     memcmp(t + p, "\xef\xbf\xbd", 3) != 0)))
			return false;
		if (!content_il_is_kanji(c))
			break;
		start = k = p;
	}
	if (start == j) {            /* the last character is not kanji */
		il->kanji = false;
	} else if (start > i || !il->kanji) {
		il->kanji = true;    /* a kanji run starts in this text */
		il->kanji_buf = base + (start - i);
		il->kanji_pos = start;
	}                            /* else: the run before goes on */
	return true;
}

/*
 * Plain text from t[i]: the character there (content_inline_run found no markup
 * at it) and those after it up to where markup may start, appended in one
 * go. The same as content_il_add per character: the buffer gets the same
 * bytes, and the trailing kanji run is the same (content_il_kanji_back).
 */
static size_t
content_il_plain(struct content_il *il, size_t i)
{
	const char *t = il->t;
	size_t n = il->n, j = i + 1;
	size_t base = il->pool->len - il->cur;

	if (!il->buf_any) {
		il->buf_any = true;
		il->buf_pos = i;
	}
	for (;;) {
		const unsigned char *u;

		/* t[n] is '\0' (content_inline_run), so strcspn never reads past
		   the text; it stops at an embedded NUL too, which is text */
		j += strcspn(t + j, content_il_run_stops);
		if (j >= n) {
			j = n;
			break;
		}
		u = (const unsigned char *)t + j;
		if (content_il_mark_byte[u[0]])
			break;
		/* ｜ or 《 starting after i: the run ends at it */
		if (u[0] != '\0' && j >= i + 3 &&
		    ((u[-2] == 0xe3 && u[-1] == 0x80 && u[0] == 0x8a) ||
		     (u[-2] == 0xef && u[-1] == 0xbd && u[0] == 0x9c))) {
			j -= 2;
			break;
		}
		j++;
	}
	/* a run ends at an ASCII byte or a lead byte, never inside a
	   character: markup starts with one, and so does the end */
	if (!content_il_kanji_back(il, i, j, base)) {
		for (size_t k = i; k < j;) {
			unsigned char b = (unsigned char)t[k];
			int len = 1;

			if (b >= 0x80) {
				ucs4_t c;

				len = u8_mbtouc(&c, (const uint8_t *)t + k, n - k);
				if (len <= 0)
					len = 1;
				if (content_il_is_kanji(c)) {
					if (!il->kanji) {
						il->kanji = true;
						il->kanji_buf = base + (k - i);
						il->kanji_pos = k;
					}
				} else {
					il->kanji = false;
				}
			} else {
				il->kanji = false;
			}
			k += (size_t)len;
		}
	}
	strbuf_add(il->pool, t + i, j - i);
	return j;
}

/*
 * Parse t (joined block text: n bytes, then a NUL) into out: the spans
 * and all their texts in one allocation (packed), gathered in
 * the parser's buffers first.
 */
void
content_inline_run(struct content_parser *cp, const char *t, size_t n,
		   const struct content_seg *segs, size_t nsegs,
		   struct content_inline *out)
{
	struct content_il il = {
		.cp = cp, .t = t, .n = n, .segs = segs, .nsegs = nsegs,
		.pool = &cp->pool,
	};
	size_t i = 0, nsp;
	char *block, *texts;

	out->spans = NULL;
	out->n = 0;
	out->packed = false;
	strbuf_reset(&cp->pool);
	cp->nspans = 0;
	while (i < n) {
		size_t k;

		if (!content_il_may_mark(t, i)) {
			i = content_il_plain(&il, i);
		} else if (t[i] == '\\' && content_il_escapable(t + i + 1, t + n, &k)) {
			content_il_add(&il, i, t + i + 1, k, false);
			i += 1 + k;
		} else if (content_has(t + i, t + n, "**")) {
			content_il_flush(&il);
			il.style ^= CONTENT_BOLD;
			il.bold_pos = i;
			i += 2;
		} else if ((k = content_il_br(t + i, t + n)) != 0) {
			content_il_add(&il, i, "\n", 1, false);
			i += k;
		} else if ((k = content_il_html(t + i, t + n)) != 0) {
			content_il_err(&il, i, "HTML tags are not supported (only "
				       "<br>); write \\< for a literal <");
			i += k; /* dropped */
		} else if (content_has(t + i, t + n, "{{")) {
			content_il_braces(&il, &i);
		} else if (content_has(t + i, t + n, "｜")) {
			content_il_bar(&il, &i);
		} else if (content_has(t + i, t + n, "《")) {
			content_il_open(&il, &i);
		} else {
			i = content_il_plain(&il, i);
		}
	}
	content_il_flush(&il);
	if (il.style & CONTENT_BOLD)
		content_il_err(&il, il.bold_pos, "'**' is not closed: expected "
			       "a closing '**' in the same paragraph (write \\* "
			       "for a literal *)");
	nsp = cp->nspans;
	if (nsp == 0)
		return;
	/* the spans, then their texts: one block, exactly the size */
	block = xmalloc(nsp * sizeof *out->spans + cp->pool.len);
	texts = block + nsp * sizeof *out->spans;
	memcpy(texts, cp->pool.s, cp->pool.len);
	out->spans = (struct content_span *)(void *)block;
	out->n = nsp;
	out->packed = true;
	for (size_t k = 0; k < nsp; k++) {
		const struct content_il_span *s = &cp->spans[k];
		struct content_span *sp = &out->spans[k];

		sp->text = texts + s->text;
		sp->ruby = s->ruby == CONTENT_NO_RUBY ? NULL : texts + s->ruby;
		sp->style = s->style;
		sp->line = s->line;
		sp->col = s->col;
	}
}

void
content_parse_inline(const char *path, int line, int col, const char *s,
		     size_t len, const struct content_values *values,
		     const char *lang, struct content_inline *out,
		     struct diag_list *dl)
{
	struct content_parser cp = {
		.path = path, .dl = dl, .values = values, .lang = lang,
	};
	struct content_line l = { .src = s, .p = s, .len = len, .lineno = line };
	struct content_seg seg = { .joff = 0, .len = len, .line = &l,
				   .srcoff = 0, .bias = col - 1 };

	content_parser_init(&cp);
	/* a copy that ends in a NUL, as content_inline_run wants */
	strbuf_add(&cp.join, s, len);
	l.src = l.p = cp.join.s;
	content_inline_run(&cp, cp.join.s, len, &seg, 1, out);
	content_parser_done(&cp);
}

void
content_inline_done(struct content_inline *in)
{
	if (!in->packed) {
		for (size_t i = 0; i < in->n; i++) {
			free(in->spans[i].text);
			free(in->spans[i].ruby);
		}
	}
	free(in->spans);
	in->spans = NULL;
	in->n = 0;
	in->packed = false;
}

char *
content_inline_text(const struct content_inline *in)
{
	struct strbuf sb;
	char *s;

	strbuf_init(&sb);
	for (size_t i = 0; i < in->n; i++)
		strbuf_addstr(&sb, in->spans[i].text);
	s = strbuf_detach(&sb, NULL);
	strbuf_done(&sb);
	return s;
}
