/*
 * ingate: cleaning a field of text before it enters the records (see
 * ingate.h for the rules). Pure: no I/O, no state; the messages go through
 * gettext.
 */
#include "ingate.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <unictype.h>
#include <uninorm.h>
#include <unistr.h>

#include "i18n.h"
#include "strbuf.h"
#include "xmalloc.h"

static const char *
ingate_subject(enum ingate_kind kind)
{
	switch (kind) {
	case INGATE_NAME: return _("The name");
	case INGATE_REF: return _("The patient reference");
	case INGATE_STAFF: return _("The staff ID");
	case INGATE_KIOSK: return _("The kiosk ID");
	case INGATE_TEXT: break;
	}
	return _("The text");
}

static size_t
ingate_default_max(enum ingate_kind kind)
{
	switch (kind) {
	case INGATE_NAME: return INGATE_NAME_MAX;
	case INGATE_REF: return INGATE_REF_MAX;
	case INGATE_STAFF: return INGATE_STAFF_MAX;
	case INGATE_KIOSK: return INGATE_KIOSK_MAX;
	case INGATE_TEXT: break;
	}
	return INGATE_TEXT_MAX;
}

/* White space that is a control character (or a separator no one line
 * should hold): becomes a space. */
static bool
ingate_space_control(ucs4_t c)
{
	return c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r' ||
	       c == 0x85 || c == 0x2028 || c == 0x2029;
}

static bool
ingate_control(ucs4_t c)
{
	return c < 0x20 || c == 0x7f || (c >= 0x80 && c < 0xa0);
}

static bool
ingate_noncharacter(ucs4_t c)
{
	return (c >= 0xfdd0 && c <= 0xfdef) || (c & 0xfffe) == 0xfffe;
}

/* Kept although default-ignorable: variation selectors, ZWNJ, ZWJ. */
static bool
ingate_kept_ignorable(ucs4_t c)
{
	return c == 0x200c || c == 0x200d ||
	       uc_is_property_variation_selector(c);
}

/* Removed without a word: invisible format characters. */
static bool
ingate_removed(ucs4_t c)
{
	return uc_is_property_default_ignorable_code_point(c) &&
	       !ingate_kept_ignorable(c);
}

static bool
ingate_space(ucs4_t c)
{
	return uc_is_property_white_space(c);
}

static bool
ingate_visible(ucs4_t c)
{
	return !ingate_space(c) && !ingate_kept_ignorable(c) && c != 0x2800 &&
	       !uc_is_general_category(c, UC_CATEGORY_M);
}

bool
ingate_typable(unsigned c)
{
	if (c > 0x10ffff || (c >= 0xd800 && c < 0xe000))
		return false;
	if (ingate_space_control(c))
		return true;
	return !ingate_control(c) && !ingate_noncharacter(c) &&
	       !ingate_removed(c);
}

size_t
ingate_chars(const char *s, size_t len)
{
	const uint8_t *p = (const uint8_t *)s, *end = p + len;
	size_t n = 0;

	while (p < end) {
		ucs4_t c;
		int k = u8_mbtouc(&c, p, (size_t)(end - p));

		p += k > 0 ? k : 1;
		n++;
	}
	return n;
}

static void
ingate_add(struct strbuf *sb, ucs4_t c)
{
	uint8_t buf[4];
	int k = u8_uctomb(buf, c, (int)sizeof buf);

	strbuf_add(sb, (const char *)buf, (size_t)k);
}

static char *
ingate_refuse(char **why, char *msg)
{
	if (why != NULL)
		*why = msg;
	else
		free(msg);
	return NULL;
}

char *
ingate_clean(enum ingate_kind kind, const char *s, size_t len,
	     size_t max_chars, char **why)
{
	const char *subj = ingate_subject(kind);
	const uint8_t *u = (const uint8_t *)s, *bad, *p, *end = u + len;
	struct strbuf kept, out;
	uint8_t *norm;
	size_t normlen = 0, pos = 0, nchars = 0;
	bool visible = false;

	if (why != NULL)
		*why = NULL;
	if (max_chars == 0)
		max_chars = ingate_default_max(kind);
	bad = u8_check(u, len);
	if (bad != NULL)
		return ingate_refuse(why, xasprintf(
			_("%s is not valid UTF-8 (byte %zu)."), subj,
			(size_t)(bad - u) + 1));

	/* Controls and noncharacters refused, invisible characters dropped. */
	strbuf_init(&kept);
	for (p = u; p < end;) {
		ucs4_t c;

		p += u8_mbtouc_unsafe(&c, p, (size_t)(end - p));
		pos++;
		if (ingate_space_control(c)) {
			strbuf_addch(&kept, ' ');
			continue;
		}
		if (ingate_control(c)) {
			strbuf_done(&kept);
			return ingate_refuse(why, xasprintf(
				_("%s contains a control character (U+%04X) at character %zu."),
				subj, (unsigned)c, pos));
		}
		if (ingate_noncharacter(c)) {
			strbuf_done(&kept);
			return ingate_refuse(why, xasprintf(
				_("%s contains a character that is not allowed (U+%04X) at character %zu."),
				subj, (unsigned)c, pos));
		}
		if (!ingate_removed(c))
			ingate_add(&kept, c);
	}

	norm = u8_normalize(UNINORM_NFC, (const uint8_t *)kept.s, kept.len,
			    NULL, &normlen);
	strbuf_done(&kept);
	if (norm == NULL)
		fatal("out of memory");

	/* White space trimmed, runs made one. */
	strbuf_init(&out);
	{
		const uint8_t *q = norm, *qend = norm + normlen;
		ucs4_t run = 0; /* the first space of a pending run, 0: none */

		while (q < qend) {
			ucs4_t c;

			q += u8_mbtouc_unsafe(&c, q, (size_t)(qend - q));
			if (ingate_space(c)) {
				if (run == 0)
					run = c;
				continue;
			}
			if (run != 0 && out.len > 0) {
				ingate_add(&out, run == 0x3000 ? 0x3000 : ' ');
				nchars++;
			}
			run = 0;
			ingate_add(&out, c);
			nchars++;
			if (ingate_visible(c))
				visible = true;
		}
	}
	free(norm);

	if (!visible) {
		strbuf_done(&out);
		return ingate_refuse(why, len > 0
			? xasprintf(_("%s needs at least one visible character."), subj)
			: xasprintf(_("%s is empty."), subj));
	}
	if (nchars > max_chars) {
		strbuf_done(&out);
		return ingate_refuse(why, xasprintf(
			_("%s is too long: %zu characters, at most %zu."),
			subj, nchars, max_chars));
	}
	return strbuf_detach(&out, NULL);
}

bool
ingate_is_clean(enum ingate_kind kind, const char *s, size_t max_chars,
		char **why)
{
	char *c = ingate_clean(kind, s, strlen(s), max_chars, why);
	bool same = c != NULL && strcmp(c, s) == 0;

	if (c != NULL && !same && why != NULL)
		*why = xasprintf(_("%s holds invisible characters, extra spaces or a form that is not NFC."),
				 ingate_subject(kind));
	free(c);
	return same;
}
