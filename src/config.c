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

#include "clock.h"
#include "layout.h"
#include "receipt.h"
#include "strbuf.h"
#include "theme.h"
#include "xmalloc.h"

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
	char *key, *val;

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

	if (strcmp(key, "content") == 0) {
		config_set_str(&c->content_dir, val);
	} else if (strcmp(key, "db") == 0) {
		config_set_str(&c->db_path, val);
	} else if (strcmp(key, "kiosk_id") == 0) {
		if (*val == '\0')
			diag_error(dl, path, lineno, vcol, "kiosk_id is empty");
		else
			config_set_str(&c->kiosk_id, val);
	} else if (strcmp(key, "idle_timeout") == 0) {
		if (config_int(val, 5, 86400, &c->idle_timeout) < 0)
			diag_error(dl, path, lineno, vcol,
				   "idle_timeout: expected seconds from 5 to 86400, not '%s'", val);
	} else if (strcmp(key, "idle_warning") == 0) {
		if (config_int(val, 1, 600, &c->idle_warning) < 0)
			diag_error(dl, path, lineno, vcol,
				   "idle_warning: expected seconds from 1 to 600, not '%s'", val);
	} else if (strcmp(key, "ambiguous_width") == 0) {
		if ((n = config_choice(val, ambig)) < 0)
			diag_error(dl, path, lineno, vcol,
				   "ambiguous_width: expected auto, 1 or 2, not '%s'", val);
		else
			c->ambiguous = n;
	} else if (strcmp(key, "ruby") == 0) {
		if ((n = config_choice(val, ruby)) < 0)
			diag_error(dl, path, lineno, vcol,
				   "ruby: expected paren, over or off, not '%s'", val);
		else
			c->ruby = n == 0 ? LAYOUT_RUBY_PAREN
				: n == 1 ? LAYOUT_RUBY_OVER : LAYOUT_RUBY_OFF;
	} else if (strcmp(key, "theme") == 0) {
		if ((n = theme_from_name(val)) < 0)
			diag_error(dl, path, lineno, vcol,
				   "theme: expected %s, not '%s'", theme_names(), val);
		else
			c->theme = n;
	} else if (strcmp(key, "measure") == 0) {
		if (config_int(val, 20, 200, &c->measure) < 0)
			diag_error(dl, path, lineno, vcol,
				   "measure: expected full-width characters from 20 to 200, not '%s'",
				   val);
	} else if (strcmp(key, "kanji_name") == 0) {
		if ((n = config_choice(val, yesno)) < 0)
			diag_error(dl, path, lineno, vcol,
				   "kanji_name: expected yes or no, not '%s'", val);
		else
			c->kanji_name = n == 1;
	} else if (strcmp(key, "language") == 0) {
		if (*val == '\0')
			diag_error(dl, path, lineno, vcol, "language is empty");
		else
			config_set_str(&c->language, val);
	} else if (strcmp(key, "start_mode") == 0) {
		if ((n = config_choice(val, start)) < 0)
			diag_error(dl, path, lineno, vcol,
				   "start_mode: expected browse or consent, not '%s'", val);
		else
			c->start_mode = (enum config_start)n;
	} else if (strcmp(key, "time_zone") == 0) {
		/* the value is not quoted: a name clock_zone_known refuses
		 * may hold anything */
		if (!clock_zone_known(val))
			diag_error(dl, path, lineno, vcol,
				   "time_zone: not a time zone this machine knows:"
				   " expected an IANA name such as Asia/Tokyo or"
				   " UTC (/usr/share/zoneinfo, package tzdata)");
		else
			config_set_str(&c->time_zone, val);
	} else if (strcmp(key, "staff_pin_hash") == 0) {
		if (strncmp(val, "$argon2", 7) != 0)
			diag_error(dl, path, lineno, vcol,
				   "staff_pin_hash: not a hash from 'isokiosk staff set-pin'");
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
				   "print_paper: expected a4 or receipt, not '%s'", val);
		else
			c->print_paper = n;
	} else {
		diag_error(dl, path, lineno, diag_column(line, (size_t)(kb - line)),
			   "unknown key '%s'", key);
	}
	free(key);
	free(val);
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

static char *
config_slurp(const char *path)
{
	char *r;
	FILE *fp = fopen(path, "rb");
	struct strbuf sb;
	char buf[4096];
	size_t n;

	if (fp == NULL)
		return NULL;
	strbuf_init(&sb);
	while ((n = fread(buf, 1, sizeof buf, fp)) > 0)
		strbuf_add(&sb, buf, n);
	fclose(fp);
	r = strbuf_detach(&sb, NULL);
	strbuf_done(&sb); /* detach leaves a fresh, empty buffer */
	return r;
}

int
config_load(struct config *c, const char *path, struct diag_list *dl)
{
	char *text = config_slurp(path);
	int rc;

	if (text == NULL)
		return diag_error(dl, path, 0, 0, "cannot read: %s", strerror(errno));
	config_set_str(&c->path, path);
	rc = config_parse(c, path, text, dl);
	free(text);
	return rc;
}

/* write-temp + fsync + rename + fsync(dir): the file is old or new, never half. */
int
config_write_key(const char *path, const char *key, const char *value)
{
	char *old = config_slurp(path);
	struct strbuf sb;
	const char *p;
	bool done = false;
	char *tmp, *dir, *slash;
	int fd, rc = -1, saved;

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

	tmp = xasprintf("%s.tmp.%ld", path, (long)getpid());
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0)
		goto out;
	if (write(fd, sb.s, sb.len) != (ssize_t)sb.len || fsync(fd) != 0) {
		saved = errno;
		close(fd);
		unlink(tmp);
		errno = saved;
		goto out;
	}
	if (close(fd) != 0 || rename(tmp, path) != 0) {
		saved = errno;
		unlink(tmp);
		errno = saved;
		goto out;
	}
	dir = xstrdup(path);
	slash = strrchr(dir, '/');
	if (slash == dir)
		slash[1] = '\0';
	else if (slash != NULL)
		*slash = '\0';
	else
		strcpy(dir, ".");
	fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd >= 0) {
		fsync(fd);
		close(fd);
	}
	free(dir);
	rc = 0;
out:
	free(tmp);
	strbuf_done(&sb);
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
