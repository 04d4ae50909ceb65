/*
 * config: reading and writing the key=value configuration (see config.h).
 * Owns the strings of a struct config.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <unistr.h>

#include "afile.h"
#include "clock.h"
#include "ingate.h"
#include "layout.h"
#include "outgate.h"
#include "pin.h"
#include "receipt.h"
#include "strbuf.h"
#include "theme.h"
#include "xmalloc.h"

/* The largest configuration file read (a few lines are expected). */
#define CONFIG_MAX_BYTES (1 << 20)

void
config_init(struct config *c)
{
	memset(c, 0, sizeof *c);
	c->kiosk_id = xstrdup("kiosk");
	c->idle_timeout = 120;
	c->idle_warning = 30;
	c->ambiguous = 0;
	c->ruby = LAYOUT_RUBY_PAREN;
	c->theme = THEME_DEFAULT;
	c->measure = 40;
	c->kanji_name = false;
	c->language = xstrdup("ja");
	c->start_mode = CONFIG_START_BROWSE;
	c->print_paper = RECEIPT_A4;
}

void
config_done(struct config *c)
{
	free(c->path);
	free(c->content_dir);
	free(c->db_path);
	free(c->kiosk_id);
	free(c->language);
	free(c->pin_hash);
	free(c->time_zone);
	free(c->print_command);
	free(c->pin_state);
	free(c->key_path);
	memset(c, 0, sizeof *c);
}

static void
config_set_str(char **dst, const char *v)
{
	free(*dst);
	*dst = xstrdup(v);
}

/* Index of v in a NULL-terminated list, or -1. */
static int
config_choice(const char *v, const char *const *list)
{
	for (int i = 0; list[i] != NULL; i++)
		if (strcmp(v, list[i]) == 0)
			return i;
	return -1;
}

static int
config_int(const char *v, int min, int max, int *out)
{
	char *end;
	long n;

	errno = 0;
	n = strtol(v, &end, 10);
	if (errno != 0 || end == v || *end != '\0' || n < min || n > max)
		return -1;
	*out = (int)n;
	return 0;
}

static void
config_strip(char **b, char **e)
{
	while (*b < *e && (**b == ' ' || **b == '\t'))
		(*b)++;
	while (*e > *b && ((*e)[-1] == ' ' || (*e)[-1] == '\t' || (*e)[-1] == '\r'))
		(*e)--;
}

/* v as a message may quote it: through the output gate, so that no byte
 * of a configuration file reaches a terminal raw. Caller frees. */
static char *
config_q(const char *v)
{
	return outgate_asprintf("%s", v);
}

/*
 * A line holds text, not bytes: valid UTF-8 and no control character but
 * TAB (a CR before the LF is dropped). -1 (reported) at the first problem,
 * 0 when the line is clean.
 */
static int
config_line_bytes(const char *line, const char *path, int lineno,
		  struct diag_list *dl)
{
	const uint8_t *u = (const uint8_t *)line;
	size_t n = strlen(line);
	const uint8_t *bad;

	if (n > 0 && line[n - 1] == '\r')
		n--;
	bad = u8_check(u, n);
	if (bad != NULL)
		return diag_error(dl, path, lineno,
				  diag_column(line, (size_t)(bad - u)),
				  "invalid UTF-8 byte 0x%02x", *bad);
	for (const uint8_t *p = u; p < u + n;) {
		ucs4_t ch;
		int k = u8_mbtouc_unsafe(&ch, p, (size_t)(u + n - p));

		if ((ch < 0x20 && ch != '\t') || ch == 0x7f ||
		    (ch >= 0x80 && ch < 0xa0))
			return diag_error(dl, path, lineno,
					  diag_column(line, (size_t)(p - u)),
					  "control character U+%04X is not"
					  " allowed", (unsigned)ch);
		p += k;
	}
	return 0;
}

static void
config_line(struct config *c, const char *path, int lineno, char *line,
	    struct diag_list *dl)
{
	static const char *const ambig[] = { "auto", "1", "2", NULL };
	static const char *const ruby[] = { "paren", "over", "off", NULL };
	static const char *const yesno[] = { "no", "yes", NULL };
	static const char *const start[] = { "browse", "consent", NULL };
	char *kb = line, *ke, *vb, *ve = line + strlen(line);
	char *eq = strchr(line, '=');
	int vcol, n;
	char *key, *val, *q;

	if (config_line_bytes(line, path, lineno, dl) != 0)
		return;
	if (eq == NULL) {
		char *b = line, *e = ve;

		config_strip(&b, &e);
		diag_error(dl, path, lineno, diag_column(line, (size_t)(b - line)),
			   "expected 'key = value'");
		return;
	}
	ke = eq;
	config_strip(&kb, &ke);
	vb = eq + 1;
	config_strip(&vb, &ve);
	vcol = diag_column(line, (size_t)(vb - line));
	key = xstrndup(kb, (size_t)(ke - kb));
	val = xstrndup(vb, (size_t)(ve - vb));
	q = config_q(val);

	if (strcmp(key, "content") == 0) {
		config_set_str(&c->content_dir, val);
	} else if (strcmp(key, "db") == 0) {
		config_set_str(&c->db_path, val);
	} else if (strcmp(key, "kiosk_id") == 0) {
		/* recorded with every session: through the input gate */
		char *why = NULL, *clean = ingate_clean(INGATE_KIOSK, val,
							strlen(val), 0, &why);

		if (clean == NULL) {
			diag_error(dl, path, lineno, vcol, "kiosk_id: %s", why);
		} else {
			free(c->kiosk_id);
			c->kiosk_id = clean;
		}
		free(why);
	} else if (strcmp(key, "idle_timeout") == 0) {
		if (config_int(val, 5, 86400, &c->idle_timeout) < 0)
			diag_error(dl, path, lineno, vcol,
				   "idle_timeout: expected seconds from 5 to 86400, not '%s'", q);
	} else if (strcmp(key, "idle_warning") == 0) {
		if (config_int(val, 1, 600, &c->idle_warning) < 0)
			diag_error(dl, path, lineno, vcol,
				   "idle_warning: expected seconds from 1 to 600, not '%s'", q);
	} else if (strcmp(key, "ambiguous_width") == 0) {
		if ((n = config_choice(val, ambig)) < 0)
			diag_error(dl, path, lineno, vcol,
				   "ambiguous_width: expected auto, 1 or 2, not '%s'", q);
		else
			c->ambiguous = n;
	} else if (strcmp(key, "ruby") == 0) {
		if ((n = config_choice(val, ruby)) < 0)
			diag_error(dl, path, lineno, vcol,
				   "ruby: expected paren, over or off, not '%s'", q);
		else
			c->ruby = n == 0 ? LAYOUT_RUBY_PAREN
				: n == 1 ? LAYOUT_RUBY_OVER : LAYOUT_RUBY_OFF;
	} else if (strcmp(key, "theme") == 0) {
		if ((n = theme_from_name(val)) < 0)
			diag_error(dl, path, lineno, vcol,
				   "theme: expected %s, not '%s'", theme_names(), q);
		else
			c->theme = n;
	} else if (strcmp(key, "measure") == 0) {
		if (config_int(val, 20, 200, &c->measure) < 0)
			diag_error(dl, path, lineno, vcol,
				   "measure: expected full-width characters from 20 to 200, not '%s'",
				   q);
	} else if (strcmp(key, "kanji_name") == 0) {
		if ((n = config_choice(val, yesno)) < 0)
			diag_error(dl, path, lineno, vcol,
				   "kanji_name: expected yes or no, not '%s'", q);
		else
			c->kanji_name = n == 1;
	} else if (strcmp(key, "language") == 0) {
		if (*val == '\0' || strlen(val) > 8 ||
		    strspn(val, "abcdefghijklmnopqrstuvwxyz-") != strlen(val))
			diag_error(dl, path, lineno, vcol,
				   "language: expected a language code such as"
				   " ja or en, not '%s'", q);
		else
			config_set_str(&c->language, val);
	} else if (strcmp(key, "start_mode") == 0) {
		if ((n = config_choice(val, start)) < 0)
			diag_error(dl, path, lineno, vcol,
				   "start_mode: expected browse or consent, not '%s'", q);
		else
			c->start_mode = (enum config_start)n;
	} else if (strcmp(key, "time_zone") == 0) {
		/* the value quoted through the output gate (config_q) */
		if (!clock_zone_known(val))
			diag_error(dl, path, lineno, vcol,
				   "time_zone: '%s' is not a time zone this"
				   " machine knows: expected an IANA name such as"
				   " Asia/Tokyo or UTC (/usr/share/zoneinfo,"
				   " package tzdata)", q);
		else
			config_set_str(&c->time_zone, val);
	} else if (strcmp(key, "staff_pin_hash") == 0) {
		/* a hash libsodium cannot check would lock staff out: an
		 * error now, not at the first PIN */
		if (!pin_hash_valid(val))
			diag_error(dl, path, lineno, vcol,
				   "staff_pin_hash: not a usable hash: set the"
				   " PIN again with 'isokiosk staff set-pin'");
		else
			config_set_str(&c->pin_hash, val);
	} else if (strcmp(key, "print_command") == 0) {
		char *err = NULL;
		char **argv = receipt_command_split(val, &err);

		if (argv == NULL)
			diag_error(dl, path, lineno, vcol, "%s", err);
		else
			config_set_str(&c->print_command, val);
		receipt_argv_free(argv);
		free(err);
	} else if (strcmp(key, "print_paper") == 0) {
		if ((n = receipt_paper_parse(val)) < 0)
			diag_error(dl, path, lineno, vcol,
				   "print_paper: expected a4 or receipt, not '%s'", q);
		else
			c->print_paper = n;
	} else if (strcmp(key, "pin_state") == 0) {
		if (*val != '/')
			diag_error(dl, path, lineno, vcol,
				   "pin_state: expected an absolute path, not '%s'",
				   q);
		else
			config_set_str(&c->pin_state, val);
	} else if (strcmp(key, "key") == 0) {
		if (*val != '/')
			diag_error(dl, path, lineno, vcol,
				   "key: expected an absolute path, not '%s'",
				   q);
		else
			config_set_str(&c->key_path, val);
	} else {
		char *qk = config_q(key);

		diag_error(dl, path, lineno, diag_column(line, (size_t)(kb - line)),
			   "unknown key '%s'", qk);
		free(qk);
	}
	free(key);
	free(val);
	free(q);
}

int
config_parse(struct config *c, const char *path, const char *text,
	     struct diag_list *dl)
{
	size_t before = diag_count(dl, DIAG_ERROR);
	const char *p = text;
	int lineno = 0;

	while (*p != '\0') {
		const char *nl = strchr(p, '\n');
		size_t len = nl ? (size_t)(nl - p) : strlen(p);
		char *line = xstrndup(p, len);
		const char *q = line;

		lineno++;
		while (*q == ' ' || *q == '\t')
			q++;
		if (*q != '\0' && *q != '#' && *q != '\r')
			config_line(c, path, lineno, line, dl);
		free(line);
		p += len + (nl ? 1 : 0);
	}
	return diag_count(dl, DIAG_ERROR) > before ? -1 : 0;
}

/*
 * The file's bytes (NUL-terminated; *len without the NUL), or NULL with
 * *why (static text or strerror) and errno: a file that cannot be read, is
 * not a regular file (a directory read as an empty configuration would run
 * the kiosk in demo mode: fail closed), or is too large.
 */
static char *
config_slurp(const char *path, size_t *len, const char **why)
{
	struct strbuf sb;
	struct stat st;
	char buf[4096];
	ssize_t n;
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);

	*why = NULL;
	if (fd < 0) {
		*why = strerror(errno);
		return NULL;
	}
	if (fstat(fd, &st) != 0) {
		*why = strerror(errno);
		close(fd);
		return NULL;
	}
	if (!S_ISREG(st.st_mode)) {
		*why = S_ISDIR(st.st_mode) ? "is a directory, not a configuration"
					     " file"
					   : "is not a regular file";
		close(fd);
		errno = EINVAL;
		return NULL;
	}
	strbuf_init(&sb);
	while ((n = read(fd, buf, sizeof buf)) != 0) {
		if (n < 0) {
			if (errno == EINTR)
				continue;
			*why = strerror(errno);
			break;
		}
		strbuf_add(&sb, buf, (size_t)n);
		if (sb.len > CONFIG_MAX_BYTES) {
			*why = "is too large for a configuration file (over 1 MiB)";
			errno = EFBIG;
			break;
		}
	}
	close(fd);
	if (*why != NULL) {
		int e = errno;

		strbuf_done(&sb);
		errno = e;
		return NULL;
	}
	{
		char *r = strbuf_detach(&sb, len);

		strbuf_done(&sb);
		return r;
	}
}

int
config_load(struct config *c, const char *path, struct diag_list *dl)
{
	const char *why;
	char *qpath = config_q(path);
	size_t len = 0;
	char *text = config_slurp(path, &len, &why);
	const char *nul;
	int rc;

	if (text == NULL) {
		rc = diag_error(dl, qpath, 0, 0, "cannot read: %s", why);
		free(qpath);
		return rc;
	}
	nul = memchr(text, '\0', len);
	if (nul != NULL) {
		const char *bol = text;
		int line = 1;

		for (const char *p = text; p < nul; p++)
			if (*p == '\n') {
				line++;
				bol = p + 1;
			}
		rc = diag_error(dl, qpath, line, diag_column(bol, (size_t)(nul - bol)),
				"a NUL byte: not a text file");
		free(text);
		free(qpath);
		return rc;
	}
	config_set_str(&c->path, path);
	rc = config_parse(c, qpath, text, dl);
	free(text);
	free(qpath);
	return rc;
}

/* The new text, then afile_replace: the file is old or new, never half,
 * and keeps its owner, group and mode. */
int
config_write_key(const char *path, const char *key, const char *value)
{
	const char *why;
	size_t oldlen = 0;
	char *old = config_slurp(path, &oldlen, &why);
	struct strbuf sb;
	const char *p;
	bool done = false;
	int rc, saved;

	if (old == NULL && errno != ENOENT)
		return -1;
	strbuf_init(&sb);
	for (p = old ? old : ""; *p != '\0';) {
		const char *nl = strchr(p, '\n');
		size_t len = nl ? (size_t)(nl - p) : strlen(p);
		const char *q = p;
		size_t klen = strlen(key);

		while (*q == ' ' || *q == '\t')
			q++;
		if (!done && strncmp(q, key, klen) == 0 &&
		    strspn(q + klen, " \t") + q + klen < p + len &&
		    q[klen + strspn(q + klen, " \t")] == '=') {
			strbuf_addf(&sb, "%s = %s\n", key, value);
			done = true;
		} else {
			strbuf_add(&sb, p, len);
			strbuf_addch(&sb, '\n');
		}
		p += len + (nl ? 1 : 0);
	}
	if (!done)
		strbuf_addf(&sb, "%s = %s\n", key, value);
	free(old);
	rc = afile_replace(path, sb.s, sb.len, 0600);
	saved = errno;
	strbuf_done(&sb);
	errno = saved;
	return rc;
}

char *
config_default_path(void)
{
	const char *env = getenv("ISOKIOSK_CONFIG");
	const char *xdg = getenv("XDG_CONFIG_HOME");
	const char *home = getenv("HOME");

	if (env != NULL && *env != '\0')
		return xstrdup(env);
	if (xdg != NULL && *xdg != '\0')
		return xasprintf("%s/isokiosk/isokiosk.conf", xdg);
	return xasprintf("%s/.config/isokiosk/isokiosk.conf",
			 home != NULL ? home : ".");
}
