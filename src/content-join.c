/*
 * content-join: the text of a block made of its source lines, for the
 * inline parser (content-inline.c). The trimmed part of each line is joined
 * to the next with one space between two non-CJK characters and none where
 * either side is CJK (Japanese puts no space after 。 before a digit or a
 * Latin word either); a {{key}} at a join counts as its value, markup (**,
 * <br>) as nothing. A map of segments leads from the joined text back to
 * each line and column, for diagnostics.
 *
 * Owns nothing: the joined text and the map are the parser's buffers
 * (content_parser.join and .segs), reused from block to block.
 */
#include <stdint.h>
#include <string.h>
#include <unictype.h>
#include <unistr.h>
#include <uniwidth.h>

#include "clinic.h"
#include "content-int.h"
#include "strbuf.h"
#include "xmalloc.h"

/* CJK (or fullwidth): a line join next to one takes no space. */
static bool
content_join_is_cjk(ucs4_t c)
{
	static const uc_script_t *han, *hira, *kata, *hangul, *bopo;

	if (han == NULL) {
		han = uc_script_byname("Han");
		hira = uc_script_byname("Hiragana");
		kata = uc_script_byname("Katakana");
		hangul = uc_script_byname("Hangul");
		bopo = uc_script_byname("Bopomofo");
	}
	if (uc_width(c, "UTF-8") == 2)
		return true;
	return uc_is_script(c, han) || uc_is_script(c, hira) ||
	       uc_is_script(c, kata) || uc_is_script(c, hangul) ||
	       uc_is_script(c, bopo);
}

/* The value of the {{key}} at [p, end) exactly, or NULL. */
static const char *
content_join_value(const struct content_parser *cp, const char *p,
		   const char *end)
{
	const char *k;

	if (cp->values == NULL || end - p < 5 || memcmp(p, "{{", 2) != 0 ||
	    memcmp(end - 2, "}}", 2) != 0)
		return NULL;
	for (k = p + 2; k < end - 2; k++)
		if (!((*k >= 'a' && *k <= 'z') || (*k >= '0' && *k <= '9') ||
		      *k == '_'))
			return NULL;
	return clinic_get(cp->values, p + 2, (size_t)(end - p - 4), cp->lang);
}

/*
 * The last character of [p, end) as the reader will see it: past markup
 * (**, <br>), and for a {{key}}, the last character of its value; 0 if none.
 */
static ucs4_t
content_join_last_char(const struct content_parser *cp, const char *p,
		       const char *end)
{
	ucs4_t c = 0;

	while (end - p >= 2 && end[-1] == '*' && end[-2] == '*')
		end -= 2;
	if ((end - p >= 4 && memcmp(end - 4, "<br>", 4) == 0) ||
	    (end - p >= 5 && memcmp(end - 5, "<br/>", 5) == 0) ||
	    (end - p >= 6 && memcmp(end - 6, "<br />", 6) == 0))
		return '\n';
	if (end - p >= 5 && end[-1] == '}' && end[-2] == '}') {
		/* a key is short: look back a little for its "{{" */
		for (const char *q = end - 4; q >= p && end - q <= 68; q--) {
			const char *v;
			if (q[0] == '{' && q[1] == '{') {
				v = content_join_value(cp, q, end);
				if (v != NULL && *v != '\0')
					return content_join_last_char(
						cp, v, v + strlen(v));
				break;
			}
		}
	}
	if (end == p ||
	    u8_prev(&c, (const uint8_t *)end, (const uint8_t *)p) == NULL)
		return 0;
	return c;
}

static ucs4_t
content_join_first_char(const struct content_parser *cp, const char *p,
			const char *end)
{
	ucs4_t c = 0;

	while (end - p >= 2 && p[0] == '*' && p[1] == '*')
		p += 2;
	if (end - p >= 5 && p[0] == '{' && p[1] == '{') {
		const char *q = p + 2;
		const char *v;

		while (q < end && q - p <= 68 && *q != '}')
			q++;
		if (end - q >= 2 && q[1] == '}' &&
		    (v = content_join_value(cp, p, q + 2)) != NULL && *v != '\0')
			return content_join_first_char(cp, v, v + strlen(v));
	}
	if (p == end)
		return 0;
	u8_mbtouc(&c, (const uint8_t *)p, (size_t)(end - p));
	return c;
}

/*
 * Join the trimmed parts [from[i], to[i]) of lines into one text with a
 * segment map; a join with CJK on either side takes no space (Japanese puts
 * none after 。 before a digit or a Latin word either), a join between two
 * non-CJK characters takes one; a {{key}} at a join counts as its
 * value. The text and map are the parser's (cp->join, cp->segs), reused.
 */
void
content_join(struct content_parser *cp, const struct content_part *parts,
	     size_t n)
{
	struct strbuf *sb = &cp->join;
	struct content_seg *s;

	strbuf_reset(sb);
	if (n > cp->segcap || cp->segcap == 0) {
		cp->segcap = n < 8 ? 8 : n;
		cp->segs = xreallocarray(cp->segs, cp->segcap, sizeof *cp->segs);
	}
	s = cp->segs;
	if (n == 0)
		memset(s, 0, sizeof *s); /* content_il_run wants one */
	for (size_t i = 0; i < n; i++) {
		const struct content_part *pt = &parts[i];

		if (i > 0 && sb->len > 0 && pt->to > pt->from) {
			ucs4_t a = content_join_last_char(cp, sb->s,
							  sb->s + sb->len);
			ucs4_t b = content_join_first_char(cp, pt->from, pt->to);

			if (!(a == '\n' || content_join_is_cjk(a) ||
			      content_join_is_cjk(b)))
				strbuf_addch(sb, ' ');
		}
		s[i].joff = sb->len;
		s[i].len = (size_t)(pt->to - pt->from);
		s[i].line = pt->line;
		s[i].srcoff = (size_t)(pt->from - pt->line->src);
		s[i].bias = 0;
		strbuf_add(sb, pt->from, s[i].len);
	}
}
