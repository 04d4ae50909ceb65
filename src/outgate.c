/*
 * outgate: escaping per sink (see outgate.h). Pure but for the FILE the
 * printf family writes to; owns nothing.
 */
#include "outgate.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <unictype.h>
#include <unistr.h>
#include <uniwidth.h>

#include "xmalloc.h"

bool
outgate_hidden(unsigned c)
{
	if (c > 0x10ffff)
		return true;
	if (c >= 0x80 && c < 0xa0)
		return true;
	if ((c >= 0xfdd0 && c <= 0xfdef) || (c & 0xfffe) == 0xfffe)
		return true; /* noncharacters */
	if (c == 0x2028 || c == 0x2029)
		return true;
	return uc_is_property_default_ignorable_code_point(c) &&
	       !uc_is_property_variation_selector(c);
}

static void
outgate_hex_byte(struct strbuf *sb, unsigned char b)
{
	static const char hex[] = "0123456789abcdef";
	char e[4] = { '\\', 'x', hex[b >> 4], hex[b & 15] };

	strbuf_add(sb, e, 4);
}

static void
outgate_cp(struct strbuf *sb, unsigned c)
{
	strbuf_addf(sb, "<U+%04X>", c);
}

/* csv: LF, CR and TAB as they are (inside a quoted cell). */
static void
outgate_escape(struct strbuf *sb, const char *s, size_t n, bool csv)
{
	const uint8_t *p = (const uint8_t *)s, *end = p + n;

	while (p < end) {
		const uint8_t *run = p;
		ucs4_t c;
		int k;

		/* printable ASCII as it is, in runs */
		while (p < end && *p >= 0x20 && *p < 0x7f && *p != '\\')
			p++;
		if (p > run)
			strbuf_add(sb, (const char *)run, (size_t)(p - run));
		if (p == end)
			break;
		if (*p < 0x80) {
			switch (*p) {
			case '\\': strbuf_add(sb, "\\\\", 2); break;
			case '\n':
				strbuf_add(sb, csv ? "\n" : "\\n", csv ? 1 : 2);
				break;
			case '\t':
				strbuf_add(sb, csv ? "\t" : "\\t", csv ? 1 : 2);
				break;
			case '\r':
				strbuf_add(sb, csv ? "\r" : "\\r", csv ? 1 : 2);
				break;
			default: outgate_hex_byte(sb, *p); break;
			}
			p++;
			continue;
		}
		k = u8_mbtouc(&c, p, (size_t)(end - p));
		if (k <= 0 || (c == 0xfffd && !(k == 3 && p[0] == 0xef &&
						   p[1] == 0xbf && p[2] == 0xbd))) {
			outgate_hex_byte(sb, *p); /* not UTF-8 */
			p++;
			continue;
		}
		if (outgate_hidden(c))
			outgate_cp(sb, c);
		else
			strbuf_add(sb, (const char *)p, (size_t)k);
		p += k;
	}
}

void
outgate_term_n(struct strbuf *sb, const char *s, size_t n)
{
	if (s == NULL) {
		strbuf_addch(sb, '-');
		return;
	}
	outgate_escape(sb, s, n, false);
}

void
outgate_term(struct strbuf *sb, const char *s)
{
	outgate_term_n(sb, s, s != NULL ? strlen(s) : 0);
}

/* Display columns of escaped (so clean) UTF-8. */
static size_t
outgate_width(const char *s, size_t n)
{
	const uint8_t *p = (const uint8_t *)s, *end = p + n;
	size_t w = 0;

	while (p < end) {
		ucs4_t c;
		int k = u8_mbtouc(&c, p, (size_t)(end - p));
		int cw = uc_width(c, "UTF-8");

		p += k > 0 ? k : 1;
		w += cw > 0 ? (size_t)cw : 0;
	}
	return w;
}

/*
 * The format walker: %s and %c escaped, everything else by vsnprintf one
 * conversion at a time (the format is a literal, checked by the compiler).
 */
static void
outgate_vformat(struct strbuf *sb, const char *fmt, va_list ap)
{
	const char *f = fmt;

	while (*f != '\0') {
		char spec[32], conv;
		size_t ns = 0, start;
		int width = -1, prec = -1, lng = 0;
		bool left = false;

		if (*f != '%') {
			const char *pct = strchr(f, '%');
			size_t n = pct != NULL ? (size_t)(pct - f) : strlen(f);

			strbuf_add(sb, f, n);
			f += n;
			continue;
		}
		spec[ns++] = *f++;
		while (*f != '\0' && strchr("-0 +#", *f) != NULL) {
			left |= *f == '-';
			if (ns < 8)
				spec[ns++] = *f;
			f++;
		}
		if (*f >= '0' && *f <= '9') {
			width = 0;
			while (*f >= '0' && *f <= '9') {
				width = width * 10 + (*f - '0');
				if (ns < 16)
					spec[ns++] = *f;
				f++;
			}
		}
		if (*f == '.') {
			prec = 0;
			if (ns < 18)
				spec[ns++] = *f;
			f++;
			while (*f >= '0' && *f <= '9') {
				prec = prec * 10 + (*f - '0');
				if (ns < 24)
					spec[ns++] = *f;
				f++;
			}
		}
		while (*f != '\0' && strchr("hlzjt", *f) != NULL) {
			lng = *f == 'l' ? lng + 1 : *f == 'h' ? -1 : 3;
			spec[ns++] = *f++;
		}
		conv = *f;
		if (conv == '\0')
			break;
		f++;
		spec[ns++] = conv;
		spec[ns] = '\0';
		switch (conv) {
		case '%':
			strbuf_addch(sb, '%');
			break;
		case 's':
		case 'c': {
			char one[2];
			const char *v;
			size_t n, w;

			if (conv == 'c') {
				one[0] = (char)va_arg(ap, int);
				one[1] = '\0';
				v = one;
				n = 1;
			} else {
				v = va_arg(ap, const char *);
				n = v != NULL ? strlen(v) : 0;
				if (v != NULL && prec >= 0 && (size_t)prec < n) {
					/* whole characters only */
					n = (size_t)prec;
					while (n > 0 && ((unsigned char)v[n] & 0xc0) == 0x80)
						n--;
				}
			}
			start = sb->len;
			outgate_term_n(sb, v, n);
			w = outgate_width(sb->s + start, sb->len - start);
			if (width > 0 && w < (size_t)width) {
				size_t pad = (size_t)width - w;

				if (left) {
					strbuf_addpad(sb, ' ', pad);
				} else {
					char *tmp = xstrndup(sb->s + start,
							     sb->len - start);

					sb->len = start;
					strbuf_addpad(sb, ' ', pad);
					strbuf_addstr(sb, tmp);
					free(tmp);
				}
			}
			break;
		}
		case 'd': case 'i': case 'u': case 'x': case 'X': {
			char out[96];
			bool sgn = conv == 'd' || conv == 'i';

			if (lng >= 3)
				snprintf(out, sizeof out, spec,
					 va_arg(ap, size_t));
			else if (lng == 2)
				sgn ? snprintf(out, sizeof out, spec,
					       va_arg(ap, long long))
				    : snprintf(out, sizeof out, spec,
					       va_arg(ap, unsigned long long));
			else if (lng == 1)
				sgn ? snprintf(out, sizeof out, spec,
					       va_arg(ap, long))
				    : snprintf(out, sizeof out, spec,
					       va_arg(ap, unsigned long));
			else
				sgn ? snprintf(out, sizeof out, spec,
					       va_arg(ap, int))
				    : snprintf(out, sizeof out, spec,
					       va_arg(ap, unsigned));
			strbuf_addstr(sb, out);
			break;
		}
		default:
			/* not used by this program: show it, never guess */
			strbuf_addstr(sb, spec);
			break;
		}
	}
}

int
outgate_vprintf(FILE *fp, const char *fmt, va_list ap)
{
	struct strbuf sb;
	int rc;

	strbuf_init(&sb);
	outgate_vformat(&sb, fmt, ap);
	rc = fputs(sb.s, fp);
	strbuf_done(&sb);
	return rc;
}

int
outgate_printf(FILE *fp, const char *fmt, ...)
{
	va_list ap;
	int rc;

	va_start(ap, fmt);
	rc = outgate_vprintf(fp, fmt, ap);
	va_end(ap);
	return rc;
}

char *
outgate_asprintf(const char *fmt, ...)
{
	struct strbuf sb;
	va_list ap;

	strbuf_init(&sb);
	va_start(ap, fmt);
	outgate_vformat(&sb, fmt, ap);
	va_end(ap);
	return strbuf_detach(&sb, NULL);
}

/* ---- CSV ---- */

/* The first code point of v makes a spreadsheet read a formula. */
static bool
outgate_csv_formula(const char *v)
{
	ucs4_t c;

	if (v[0] == '\0')
		return false;
	if (strchr("=+-@\t\r\n", v[0]) != NULL)
		return true;
	if (u8_mbtouc(&c, (const uint8_t *)v, strlen(v)) <= 0)
		return false;
	return c == 0xff1d || c == 0xff0b || c == 0xff0d || c == 0xff20;
}

/* Anything the CSV sink must escape: a control other than LF, CR, TAB, a
 * byte that is not UTF-8, a hidden code point. */
static bool
outgate_csv_unsafe(const char *v, size_t n)
{
	const uint8_t *p = (const uint8_t *)v, *end = p + n;

	while (p < end) {
		ucs4_t c;
		int k;

		if (*p < 0x80) {
			if ((*p < 0x20 && *p != '\n' && *p != '\r' && *p != '\t') ||
			    *p == 0x7f)
				return true;
			p++;
			continue;
		}
		k = u8_mbtouc(&c, p, (size_t)(end - p));
		if (k <= 0 || (c == 0xfffd && !(k == 3 && p[0] == 0xef &&
						   p[1] == 0xbf && p[2] == 0xbd)))
			return true;
		if (outgate_hidden(c))
			return true;
		p += k;
	}
	return false;
}

void
outgate_csv(struct strbuf *sb, const char *v)
{
	struct strbuf esc;
	const char *t;
	bool quote;

	if (v == NULL)
		return;
	strbuf_init(&esc);
	t = v;
	if (outgate_csv_unsafe(v, strlen(v))) {
		outgate_escape(&esc, v, strlen(v), true);
		t = esc.s;
	}
	quote = strpbrk(t, ",\"\r\n") != NULL;
	if (quote)
		strbuf_addch(sb, '"');
	if (outgate_csv_formula(t))
		strbuf_addch(sb, '\'');
	for (const char *p = t; *p != '\0';) {
		size_t run = strcspn(p, "\"");

		strbuf_add(sb, p, run);
		p += run;
		if (*p == '"') {
			strbuf_add(sb, "\"\"", 2);
			p++;
		}
	}
	if (quote)
		strbuf_addch(sb, '"');
	strbuf_done(&esc);
}

/* ---- JSON ---- */

int
outgate_json_check(const char *v, size_t n, char **why)
{
	const uint8_t *bad = u8_check((const uint8_t *)v, n);

	if (bad == NULL)
		return 0;
	if (why != NULL)
		*why = xasprintf("not valid UTF-8 (byte %zu)",
				 (size_t)(bad - (const uint8_t *)v) + 1);
	return -1;
}

/*
 * The FHIR export writes millions of strings, most of them Japanese: the
 * bytes are looked at first, and only a sequence whose lead and second
 * bytes can start a hidden code point (a C1 control, a default-ignorable
 * code point, a noncharacter, U+2028/9) is decoded and checked.
 */
static bool
outgate_maybe_hidden(const uint8_t *p, size_t left)
{
	uint8_t b1 = left > 1 ? p[1] : 0;

	switch (p[0]) {
	case 0xc2: case 0xcd: case 0xd8:
		return true;
	case 0xe1:
		return b1 == 0x85 || b1 == 0x9e || b1 == 0xa0;
	case 0xe2:
		return b1 == 0x80 || b1 == 0x81;
	case 0xe3:
		return b1 == 0x85;
	case 0xef:
		return b1 == 0xb7 || b1 == 0xb8 || b1 == 0xbb || b1 == 0xbe ||
		       b1 == 0xbf;
	case 0xf0: case 0xf1: case 0xf2: case 0xf3: case 0xf4:
		return b1 == 0x9b || b1 == 0x9d || (p[0] == 0xf3 && b1 == 0xa0) ||
		       (left > 2 && p[2] == 0xbf);
	default:
		return false;
	}
}

bool
outgate_json_unsafe(const char *v, size_t n)
{
	const uint8_t *p = (const uint8_t *)v, *end = p + n;

	while (p < end) {
		ucs4_t c;
		int k;

		if (*p < 0x80) {
			p++;
			continue;
		}
		if (!outgate_maybe_hidden(p, (size_t)(end - p))) {
			p++;
			continue;
		}
		k = u8_mbtouc(&c, p, (size_t)(end - p));
		if (k > 0 && outgate_hidden(c) &&
		    !(c == 0xfffd && !(k == 3 && p[0] == 0xef)))
			return true;
		p += k > 0 ? k : 1;
	}
	return false;
}
