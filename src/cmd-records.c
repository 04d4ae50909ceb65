/*
 * cmd-records: `isokiosk records list|show|verify|export`: staff and admin
 * access to the consent records (see store.h). Read-only: it never changes a
 * database and never seals anything.
 *
 *   records list [--since DATE]          a header, one aligned line per session
 *   records show ID|CODE                 a receipt: who, when, what was shown,
 *                                        every attempt, every statement, the
 *                                        signature, the seal
 *   records verify                       exit 0 when the chain holds, else 1
 *                                        and one line per problem
 *   records export --format csv|fhir [--detail] [--since DATE]
 *   records receipt ID|CODE --output FILE.pdf|--print [--lang L]
 *                   [--paper a4|receipt] [--with-content]
 *                                        the patient's copy (receipt.h)
 *
 * Every one takes --db FILE (default: $ISOKIOSK_DB, else the db of the
 * configuration file, else store_default_path()). Labels are English; the
 * recorded values are printed as stored, control characters escaped so a
 * record can never send escape sequences to the terminal.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "central.h"
#include "cmd.h"
#include "clock.h"
#include "cmd-anchor.h"
#include "config.h"
#include "i18n.h"
#include "outgate.h"
#include "receipt.h"
#include "rectext.h"
#include "store.h"
#include "strbuf.h"
#include "xmalloc.h"

static void
cmd_records_help(FILE *fp)
{
	fputs("Usage: isokiosk records list [--since DATE] [--db FILE]\n"
	      "       isokiosk records show ID|CODE [--db FILE]\n"
	      "       isokiosk records verify [--checkpoint FILE] [--receipt"
	      " CODE] [--key HEX] [--db FILE]\n"
	      "       isokiosk records checkpoint [--key FILE] [--db FILE]\n"
	      "       isokiosk records export --format csv|fhir [--detail]"
	      " [--since DATE] [--db FILE]\n"
	      "       isokiosk records receipt ID|CODE --output FILE.pdf|--print"
	      " [--lang ja|en]\n"
	      "                [--paper a4|receipt] [--with-content] [--db FILE]"
	      "\n"
	      "       isokiosk records patient REF [--db FILE]\n"
	      "       isokiosk records list --due [--content DIR] [--db FILE]\n"
	      "       isokiosk records add-test --patient REF --date YYYY-MM-DD"
	      " --result R\n"
	      "                --setting S [--staff ID] [--config FILE]"
	      " [--db FILE]\n"
	      "       isokiosk records prescribe ID|CODE [--staff ID]"
	      " [--config FILE] [--db FILE]\n"
	      "Staff and admin access to the consent records.\n\n"
	      "  list     a header, then one line per session: id, start,"
	      " outcome,\n"
	      "           receipt code, profile, staff, patient, reason\n"
	      "  show     one session, by id or by the receipt code the patient"
	      " saw\n"
	      "           (1a2b-3c4d): who, when, what was shown, every\n"
	      "           quiz attempt, every statement, the signature, the"
	      " seal\n"
	      "  verify   recompute every seal and walk the chain; exit 0 when it"
	      " holds,\n"
	      "           1 naming each session changed, removed or reordered;"
	      " every\n"
	      "           link's signature against the kiosk's key; with"
	      " --checkpoint,\n"
	      "           each checkpoint line of FILE (links cut off, rolled"
	      " back or\n"
	      "           rewritten before it); with --receipt, the session a"
	      " patient's\n"
	      "           receipt code names\n"
	      "  checkpoint  check the chain, then print one signed line"
	      " (kiosk, chain\n"
	      "           length, head seal, time) to keep outside the kiosk\n"
	      "  export   CSV (UTF-8 with a BOM, CRLF; --detail: one row per"
	      " event)\n"
	      "           or an HL7 FHIR R4 Bundle (JSON) to standard output\n"
	      "  receipt  the patient's copy of one session as a PDF (records"
	      " receipt --help)\n"
	      "  patient  a patient's timeline: the first visit, each follow-up"
	      " (contraception,\n"
	      "           mood score, side effects, re-check, flags and who"
	      " acknowledged\n"
	      "           them, may prescribe) and the pregnancy tests\n"
	      "  list --due  patients whose last completed visit is older than"
	      " clinic.conf's\n"
	      "           visit_interval_days (default 30)\n"
	      "  add-test a pregnancy test: result negative, positive or"
	      " invalid; setting\n"
	      "           clinic, laboratory or home-supervised (works while"
	      " the kiosk runs)\n"
	      "  prescribe  may prescribe after a completed visit; refused for"
	      " the pregnancy\n"
	      "           profile without a negative test inside clinic.conf's\n"
	      "           pregnancy_test_window_days (default 7)\n\n"
	      "  --db FILE      the records database (default: $ISOKIOSK_DB,"
	      " else db = in\n"
	      "                 the configuration file, else\n"
	      "                 ~/.local/share/isokiosk/records.db)\n"
	      "  --db postgresql://...  the clinic's central store, across"
	      " kiosks: list,\n"
	      "                 show (with --kiosk), verify, export --format"
	      " csv (a row\n"
	      "                 a link)\n"
	      "  --kiosk ID     the central store: one kiosk only\n"
	      "  --since DATE   sessions started at or after DATE (UTC):"
	      " YYYY-MM-DD or\n"
	      "                 YYYY-MM-DDTHH:MM[:SS[.mmm]][Z]\n"
	      "  --key HEX|FILE verify: the kiosk's public key (default: its"
	      " key file,\n"
	      "                 when readable); checkpoint: the key file\n"
	      "  --config FILE  the configuration (key =, kiosk_id =): for"
	      " verify,\n"
	      "                 checkpoint, and add-test and prescribe, which"
	      " sign the\n"
	      "                 link they seal with the kiosk's key\n"
	      "  -h, --help     show this help and exit\n\n"
	      "Times are shown in the time zone of the configuration's"
	      " time_zone\n"
	      "(else $TZ, else the system's), with the offset.\n\n"
	      "Exit status: 0 ok, 1 failure or findings, 2 usage error.\n", fp);
}

/* --since as the stored form "YYYY-MM-DDTHH:MM:SS.mmmZ"; -1 if malformed. */
static int
cmd_records_since(const char *in, char out[80])
{
	int y, mo, d, h = 0, mi = 0, s = 0, ms = 0, n = 0;
	size_t len = strlen(in);

	if (len > 0 && in[len - 1] == 'Z')
		len--;
	if (sscanf(in, "%4d-%2d-%2d%n", &y, &mo, &d, &n) != 3 || n != 10)
		return -1;
	if ((size_t)n < len) {
		int m = 0;

		if (in[n] != 'T' && in[n] != ' ')
			return -1;
		if (sscanf(in + n + 1, "%2d:%2d%n", &h, &mi, &m) != 2 || m != 5)
			return -1;
		n += 1 + m;
		if ((size_t)n < len) {
			if (sscanf(in + n, ":%2d%n", &s, &m) != 1 || m != 3)
				return -1;
			n += m;
		}
		if ((size_t)n < len) {
			if (sscanf(in + n, ".%3d%n", &ms, &m) != 1 || m != 4)
				return -1;
			n += m;
		}
		if ((size_t)n != len)
			return -1;
	}
	if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 ||
	    s > 60 || y < 0 || h < 0 || mi < 0 || s < 0 || ms < 0)
		return -1;
	snprintf(out, 80, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", y % 10000,
		 mo % 100, d % 100, h % 100, mi % 100, s % 100, ms % 1000);
	return 0;
}

/*
 * The database to use (as the kiosk's: --db, $ISOKIOSK_DB, the
 * configuration's db, store_default_path); caller frees. The
 * configuration's time_zone, if any, is used for every time shown (the
 * kiosk's clock for people, clock.h): -1 (said on stderr) when it names a
 * zone this machine does not know.
 */
int
cmd_records_setup(const char *opt, char **dbp)
{
	const char *env = getenv("ISOKIOSK_DB");
	char *path, *db = NULL;
	int rc = 0;

	path = config_default_path();
	if (path != NULL && access(path, R_OK) == 0) {
		struct config cfg;
		struct diag_list dl;

		config_init(&cfg);
		diag_list_init(&dl);
		if (config_load(&cfg, path, &dl) == 0) {
			char *err = NULL;

			if (cfg.db_path != NULL)
				db = xstrdup(cfg.db_path);
			if (cfg.time_zone != NULL &&
			    clock_set_zone(cfg.time_zone, &err) != 0) {
				outgate_printf(stderr, "isokiosk records:"
					       " time_zone: %s\n", err);
				free(err);
				rc = -1;
			}
		}
		diag_list_done(&dl);
		config_done(&cfg);
	}
	free(path);
	if (opt != NULL) {
		free(db);
		db = xstrdup(opt);
	} else if (env != NULL && *env != '\0') {
		free(db);
		db = xstrdup(env);
	}
	*dbp = db != NULL ? db : store_default_path(false);
	return rc;
}

char *
cmd_records_content_dir(void)
{
	char *path = config_default_path(), *dir = NULL;

	if (path != NULL && access(path, R_OK) == 0) {
		struct config cfg;
		struct diag_list dl;

		config_init(&cfg);
		diag_list_init(&dl);
		if (config_load(&cfg, path, &dl) == 0 && cfg.content_dir != NULL)
			dir = xstrdup(cfg.content_dir);
		diag_list_done(&dl);
		config_done(&cfg);
	}
	free(path);
	return dir != NULL ? dir : xstrdup(cli_default_content_dir());
}

static struct store *
cmd_records_open(const char *db)
{
	struct store_opts o = { .flags = STORE_READONLY };
	char *err = NULL;
	struct store *st = store_open(db, &o, &err);

	if (st == NULL) {
		outgate_printf(stderr, "isokiosk records: %s\n",
			       err ? err : db);
		free(err);
	}
	return st;
}

/*
 * Print text made of recorded values (rectext.h), line by line, each line
 * through the output gate (outgate.h): a record edited behind the kiosk's
 * back may hold escape sequences, C1 controls, bidi overrides or bytes that
 * are not UTF-8, and none of it may act on the terminal.
 */
void
cmd_records_put(FILE *fp, const char *text)
{
	const char *p = text;

	while (*p != '\0') {
		const char *nl = strchr(p, '\n');
		size_t n = nl != NULL ? (size_t)(nl - p) : strlen(p);
		char *line = xstrndup(p, n);

		outgate_printf(fp, nl != NULL ? "%s\n" : "%s", line);
		free(line);
		p += n;
		if (*p == '\n')
			p++;
	}
}

/* ---- list ----------------------------------------------------------------- */

struct cmd_records_rows {
	struct rectext_row *v;
	size_t n, cap;
};

static int
cmd_records_list_one(const struct store_session *s, void *ctx)
{
	struct cmd_records_rows *r = ctx;

	if (r->n == r->cap) {
		r->cap = r->cap ? r->cap * 2 : 64;
		r->v = xreallocarray(r->v, r->cap, sizeof *r->v);
	}
	rectext_row_init(&r->v[r->n++], s);
	return 0;
}

/* A header and one aligned row per session (rectext_list). */
static int
cmd_records_list(struct store *st, const char *since, char **err)
{
	struct cmd_records_rows r = { 0 };
	struct strbuf out;
	int rc = store_each(st, since, cmd_records_list_one, &r, err);

	if (rc == 0) {
		strbuf_init(&out);
		rectext_list(&out, r.v, r.n);
		cmd_records_put(stdout, out.s);
		strbuf_done(&out);
	}
	for (size_t i = 0; i < r.n; i++)
		rectext_row_done(&r.v[i]);
	free(r.v);
	return rc;
}

/* ---- show ----------------------------------------------------------------- */

static void
cmd_records_show(FILE *fp, struct store *st, const struct store_session *s)
{
	struct rectext_questions q;
	struct strbuf out;
	char *err = NULL;

	/* The question texts from the content that session showed; without
	 * them, the ids alone. */
	rectext_questions_init(&q);
	if (rectext_questions_load(&q, st, &err) != 0)
		free(err);
	strbuf_init(&out);
	rectext_show(&out, st, s, &q);
	cmd_records_put(fp, out.s);
	strbuf_done(&out);
	rectext_questions_done(&q);
}

static const char *
cmd_records_question(void *ctx, const char *version, const char *qid)
{
	return rectext_question(ctx, version, qid);
}

/* ---- receipt -------------------------------------------------------------- */

static void
cmd_records_receipt_help(FILE *fp)
{
	fputs("Usage: isokiosk records receipt ID|CODE --output FILE.pdf"
	      " [--lang ja|en]\n"
	      "           [--paper a4|receipt] [--with-content] [--print]"
	      " [--db FILE] [--config FILE]\n"
	      "The patient's copy of exactly what was signed, as a PDF: the"
	      " session, every\n"
	      "statement as acknowledged with its time, the quiz answers, the"
	      " signatures,\n"
	      "the seal and a QR code of the receipt code and seal. Only made of a"
	      " record\n"
	      "that matches its seal.\n\n"
	      "  ID|CODE           a session id, the receipt code the patient"
	      " holds (1a2b-3c4d),\n"
	      "                    or the text of the copy's QR code\n"
	      "  -o, --output FILE write the PDF to FILE (mode 0600; - for"
	      " standard output)\n"
	      "  --print           send it to print_command of the configuration"
	      "\n"
	      "  --lang L          the labels' language (default: the"
	      " session's); the record's\n"
	      "                    own texts are always shown as recorded\n"
	      "  --paper P         a4 (default) or receipt (80 mm receipt"
	      " printer)\n"
	      "  --with-content    add the screens the patient was shown, from"
	      " the copy kept\n"
	      "                    with the record\n"
	      "  --db FILE         the records database (as for the other"
	      " records commands)\n"
	      "  --config FILE     the configuration (print_command, db)\n"
	      "  -h, --help        show this help and exit\n\n"
	      "Exit status: 0 ok, 1 failure (no such session, a record that does"
	      " not match\nits seal, the printer failed), 2 usage error.\n", fp);
}

/* Write len bytes to fd; true if all went. */
static bool
cmd_records_write_all(int fd, const char *data, size_t len)
{
	size_t done = 0;

	errno = 0;
	while (done < len) {
		ssize_t k = write(fd, data + done, len - done);

		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0)
			return false;
		done += (size_t)k;
	}
	return true;
}

/*
 * Write the copy to path, that is not a regular file: a pipe (a FIFO,
 * /dev/stdout) or a character device (/dev/null) gets the bytes; renaming
 * a file over it would put a file in its place (as root, /dev/null's).
 * A folder or a block device is refused.
 */
static int
cmd_records_write_special(const char *path, const struct stat *sb,
			  const char *data, size_t len, char **err)
{
	struct stat now;
	int fd, saved = 0;

	if (S_ISDIR(sb->st_mode) || S_ISBLK(sb->st_mode)) {
		*err = xasprintf("%s: %s: give a file's name", path,
				 S_ISDIR(sb->st_mode) ? "a folder"
						      : "a block device");
		return -1;
	}
	fd = open(path, O_WRONLY | O_NOCTTY | O_CLOEXEC);
	if (fd < 0) {
		*err = xasprintf("%s: %s", path, strerror(errno));
		return -1;
	}
	/* what was opened is a pipe or a device still, not a file put in
	 * its place since (written into, not replaced, it would keep its
	 * end): opened without O_TRUNC, it is left as it was */
	if (fstat(fd, &now) != 0 ||
	    !(S_ISCHR(now.st_mode) || S_ISFIFO(now.st_mode))) {
		*err = xasprintf("%s: changed since it was looked at: not"
				 " written", path);
		close(fd);
		return -1;
	}
	if (!cmd_records_write_all(fd, data, len))
		saved = errno ? errno : EIO;
	if (close(fd) != 0 && saved == 0)
		saved = errno;
	if (saved != 0) {
		*err = xasprintf("%s: %s", path, strerror(saved));
		return -1;
	}
	return 0;
}

/* Write len bytes to path whole or not at all: a temporary file in the
 * same folder (mode 0600: a patient's record), synced, renamed; or into
 * what path names if it is there and not a regular file (above). */
static int
cmd_records_write_file(const char *path, const char *data, size_t len,
		       char **err)
{
	struct stat sb;
	char *tmp;
	int fd;
	bool ok;
	int saved;

	if (stat(path, &sb) == 0 && !S_ISREG(sb.st_mode))
		return cmd_records_write_special(path, &sb, data, len, err);
	tmp = xasprintf("%s.tmp.%ld", path, (long)getpid());
	fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0) {
		*err = xasprintf("%s: %s", path, strerror(errno));
		free(tmp);
		return -1;
	}
	ok = cmd_records_write_all(fd, data, len) && fsync(fd) == 0;
	saved = ok ? 0 : errno ? errno : EIO;
	if (close(fd) != 0 && ok) {
		ok = false;
		saved = errno;
	}
	if (ok && rename(tmp, path) != 0) {
		ok = false;
		saved = errno;
	}
	if (!ok) {
		*err = xasprintf("%s: %s", path, strerror(saved));
		unlink(tmp);
	}
	free(tmp);
	return ok ? 0 : -1;
}

static int
cmd_records_receipt(int argc, char **argv, const char *dbopt)
{
	static const struct option longopts[] = {
		{ "db", required_argument, NULL, 'd' },
		{ "config", required_argument, NULL, 'c' },
		{ "output", required_argument, NULL, 'o' },
		{ "lang", required_argument, NULL, 'l' },
		{ "paper", required_argument, NULL, 'p' },
		{ "with-content", no_argument, NULL, 'w' },
		{ "print", no_argument, NULL, 'P' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct receipt_opts o = { .paper = RECEIPT_A4, .one_shot = true };
	const char *output = NULL, *cfgpath = NULL;
	struct config cfg;
	struct strbuf pdf;
	struct store *st;
	char *db = NULL, *err = NULL, *saved_language;
	const char *env_language;
	bool print = false;
	int64_t id;
	int c, rc = 1;

	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "ho:", longopts, NULL)) != -1) {
		switch (c) {
		case 'd': dbopt = optarg; break;
		case 'c': cfgpath = optarg; break;
		case 'o': output = optarg; break;
		case 'l': o.lang = optarg; break;
		case 'p':
			if ((c = receipt_paper_parse(optarg)) < 0)
				return cli_usage_error("records", "--paper '%s':"
						       " a4 or receipt", optarg);
			o.paper = (enum receipt_paper)c;
			break;
		case 'w': o.with_content = true; break;
		case 'P': print = true; break;
		case 'h': cmd_records_receipt_help(stdout); return 0;
		default:
			return cli_usage_error("records", "unknown option '%s'",
					       argv[optind - 1]);
		}
	}
	if (argc - optind != 1)
		return cli_usage_error("records", "receipt takes one session id"
				       " or receipt code");
	if (output == NULL && !print)
		return cli_usage_error("records", "receipt needs --output"
				       " FILE.pdf or --print");
	if (o.lang != NULL && (strlen(o.lang) < 2 || strlen(o.lang) > 3 ||
			       strspn(o.lang, "abcdefghijklmnopqrstuvwxyz") !=
			       strlen(o.lang)))
		return cli_usage_error("records", "--lang '%s': a language code"
				       " such as ja or en", o.lang);
	if (output != NULL && strcmp(output, "-") == 0 && isatty(1))
		return cli_usage_error("records", "standard output is a"
				       " terminal: give --output FILE.pdf");
	config_init(&cfg);
	if (cfgpath != NULL || print) {
		char *path = cfgpath ? xstrdup(cfgpath) : config_default_path();
		struct diag_list dl;

		diag_list_init(&dl);
		if (config_load(&cfg, path, &dl) != 0) {
			diag_print(&dl, stderr);
			diag_list_done(&dl);
			free(path);
			config_done(&cfg);
			return 1;
		}
		diag_list_done(&dl);
		free(path);
		if (print && cfg.print_command == NULL) {
			outgate_printf(stderr, "isokiosk records: %s: no"
				       " print_command (e.g. print_command = lp"
				       " -d clinic-printer)\n", cfg.path);
			config_done(&cfg);
			return 1;
		}
	}
	/* gettext for the copy's words; LANGUAGE (which that sets) is put
	 * back afterwards, so the printer program speaks as it would. */
	env_language = getenv("LANGUAGE");
	saved_language = env_language != NULL ? xstrdup(env_language) : NULL;
	if (i18n_init() < 0) {
		fputs("isokiosk records: no UTF-8 locale (C.UTF-8)\n", stderr);
		config_done(&cfg);
		free(saved_language);
		return 1;
	}
	/* fontconfig starts while the record is read and checked */
	receipt_fonts_start();
	strbuf_init(&pdf);
	/* The database and time zone as for the other records commands; a
	 * --config given here has the last word on both. */
	if (cmd_records_setup(dbopt, &db) != 0)
		goto out;
	if (cfgpath != NULL && dbopt == NULL && cfg.db_path != NULL &&
	    getenv("ISOKIOSK_DB") == NULL) {
		free(db);
		db = xstrdup(cfg.db_path);
	}
	if (cfgpath != NULL && cfg.time_zone != NULL &&
	    clock_set_zone(cfg.time_zone, &err) != 0)
		goto out;
	st = cmd_records_open(db);
	if (st == NULL)
		goto out;
	c = store_find_session(st, argv[optind], &id, &err);
	if (c == 0)
		c = receipt_make(st, id, &o, &pdf, &err);
	if (saved_language != NULL)
		setenv("LANGUAGE", saved_language, 1);
	else
		unsetenv("LANGUAGE");
	if (c == 0) {
		rc = 0;
		if (output != NULL && strcmp(output, "-") == 0) {
			if (fwrite(pdf.s, 1, pdf.len, stdout) != pdf.len ||
			    fflush(stdout) != 0) {
				err = xstrdup("writing standard output failed");
				rc = 1;
			}
		} else if (output != NULL &&
			   cmd_records_write_file(output, pdf.s, pdf.len,
						  &err) != 0) {
			rc = 1;
		}
		/* The file is kept when printing fails: nothing is lost. */
		if (rc == 0 && print &&
		    receipt_print(cfg.print_command, pdf.s, pdf.len, 60,
				  &err) != 0) {
			char *e = err;

			err = xasprintf("not printed: %s", e);
			free(e);
			rc = 1;
		}
	}
	store_close(st);
out:
	if (err != NULL)
		outgate_printf(stderr, "isokiosk records: %s\n", err);
	free(err);
	free(db);
	free(saved_language);
	strbuf_done(&pdf);
	config_done(&cfg);
	receipt_fonts_wait();
	return rc;
}

/* ---- the central store ------------------------------------------------------ */

/* records list|show|verify|export --db postgresql://... [--kiosk ID] */
static int
cmd_records_central(const char *verb, const char *url, const char *kiosk,
		    const char *format, bool detail, const char *since,
		    int argc, char **argv)
{
	char *err = NULL;
	int rc;

	if (strcmp(verb, "export") == 0) {
		/* the central copy holds each session's canonical form, not
		 * its rows: the detailed CSV and FHIR come from the kiosk */
		if (strcmp(format, "csv") != 0 || detail)
			return cli_usage_error("records", "the central store"
					       " exports --format csv, a row a"
					       " link (--detail and FHIR come"
					       " from each kiosk's own"
					       " database)");
		rc = central_export_csv(url, kiosk, since, stdout, &err);
	} else if (strcmp(verb, "list") == 0) {
		rc = central_list(url, kiosk, stdout, &err);
	} else if (strcmp(verb, "verify") == 0) {
		rc = central_verify(url, kiosk, stdout, &err);
	} else if (strcmp(verb, "show") == 0) {
		char *end;
		long long id = strtoll(argv[0], &end, 10);

		(void)argc;
		if (kiosk == NULL)
			return cli_usage_error("records", "show on the central"
					       " store needs --kiosk ID");
		if (*argv[0] == '\0' || *end != '\0' || id <= 0)
			return cli_usage_error("records", "'%s' is not a session"
					       " id", argv[0]);
		rc = central_show(url, kiosk, id, stdout, &err);
		if (rc == 1)
			err = xasprintf("kiosk %s: no session %lld centrally",
					kiosk, id);
	} else {
		return cli_usage_error("records", "%s is not done on the"
				       " central store (list, show, verify,"
				       " export are)", verb);
	}
	if (rc < 0 || (rc == 1 && err != NULL)) {
		outgate_printf(stderr, "isokiosk records: %s\n", err);
		free(err);
		return 1;
	}
	if (fflush(stdout) != 0)
		return 1;
	return rc == 0 ? 0 : 1;
}

/* ---- the command ----------------------------------------------------------- */

int
cmd_records(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "db", required_argument, NULL, 'd' },
		{ "since", required_argument, NULL, 's' },
		{ "format", required_argument, NULL, 'f' },
		{ "detail", no_argument, NULL, 'D' },
		{ "due", no_argument, NULL, 'u' },
		{ "content", required_argument, NULL, 'C' },
		/* the kiosk's key (cmd-anchor.c) */
		{ "checkpoint", required_argument, NULL, 'c' },
		{ "receipt", required_argument, NULL, 'r' },
		{ "key", required_argument, NULL, 'k' },
		{ "config", required_argument, NULL, 'F' },
		/* the central store (central.c) */
		{ "kiosk", required_argument, NULL, 'K' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *cpopt = NULL, *receiptopt = NULL, *keyopt = NULL;
	const char *configopt = NULL, *kioskopt = NULL;
	const char *dbopt = NULL, *sinceopt = NULL, *format = NULL, *verb;
	const char *content = NULL;
	bool due = false;
	char since[80], *db, *err = NULL;
	bool detail = false;
	struct store *st;
	int c, rc = 0;

	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "+h", longopts, NULL)) != -1) {
		switch (c) {
		case 'd': dbopt = optarg; break;
		case 's': sinceopt = optarg; break;
		case 'f': format = optarg; break;
		case 'D': detail = true; break;
		case 'u': due = true; break;
		case 'C': content = optarg; break;
		case 'c': cpopt = optarg; break;
		case 'r': receiptopt = optarg; break;
		case 'k': keyopt = optarg; break;
		case 'F': configopt = optarg; break;
		case 'K': kioskopt = optarg; break;
		case 'h': cmd_records_help(stdout); return 0;
		default:
			return cli_usage_error("records", "unknown option '%s'",
					       argv[optind - 1]);
		}
	}
	if (optind >= argc)
		return cli_usage_error("records", "list, show, verify,"
				       " checkpoint, export, patient,"
				       " add-test or prescribe?");
	verb = argv[optind++];
	if (strcmp(verb, "receipt") == 0)
		return cmd_records_receipt(argc - optind + 1, argv + optind - 1,
					   dbopt);
	if (strcmp(verb, "add-test") == 0)
		return cmd_records_add_test(argc - optind + 1,
					    argv + optind - 1, dbopt,
					    configopt);
	if (strcmp(verb, "prescribe") == 0)
		return cmd_records_prescribe(argc - optind + 1,
					     argv + optind - 1, dbopt,
					     configopt);
	/* Options may also follow the verb. */
	{
		int vargc = argc - optind + 1;
		char **vargv = argv + optind - 1;

		optind = 0;
		while ((c = getopt_long(vargc, vargv, "h", longopts, NULL)) != -1) {
			switch (c) {
			case 'd': dbopt = optarg; break;
			case 's': sinceopt = optarg; break;
			case 'f': format = optarg; break;
			case 'D': detail = true; break;
			case 'u': due = true; break;
			case 'C': content = optarg; break;
			case 'c': cpopt = optarg; break;
			case 'r': receiptopt = optarg; break;
			case 'k': keyopt = optarg; break;
			case 'F': configopt = optarg; break;
			case 'K': kioskopt = optarg; break;
			case 'h': cmd_records_help(stdout); return 0;
			default:
				return cli_usage_error("records",
						       "unknown option '%s'",
						       vargv[optind - 1]);
			}
		}
		argc = vargc - optind;
		argv = vargv + optind;
	}
	if (sinceopt != NULL && cmd_records_since(sinceopt, since) != 0)
		return cli_usage_error("records", "--since '%s': not a date"
				       " (YYYY-MM-DD or YYYY-MM-DDTHH:MM:SSZ)",
				       sinceopt);
	if ((cpopt != NULL || receiptopt != NULL) &&
	    strcmp(verb, "verify") != 0)
		return cli_usage_error("records", "--checkpoint and --receipt"
				       " are for verify");
	if (keyopt != NULL && strcmp(verb, "verify") != 0 &&
	    strcmp(verb, "checkpoint") != 0)
		return cli_usage_error("records", "--key is for verify and"
				       " checkpoint");
	if (strcmp(verb, "checkpoint") == 0) {
		if (argc != 0 || sinceopt != NULL)
			return cli_usage_error("records", "checkpoint takes no"
					       " argument");
	} else if (strcmp(verb, "list") == 0 || strcmp(verb, "verify") == 0) {
		if (argc != 0)
			return cli_usage_error("records", "%s takes no argument",
					       verb);
		if (strcmp(verb, "verify") == 0 && sinceopt != NULL)
			return cli_usage_error("records", "verify checks the"
					       " whole chain: no --since");
		if (due && (strcmp(verb, "list") != 0 || sinceopt != NULL))
			return cli_usage_error("records", "--due is for list,"
					       " without --since");
	} else if (strcmp(verb, "patient") == 0) {
		if (argc != 1)
			return cli_usage_error("records", "patient takes one"
					       " patient reference");
	} else if (strcmp(verb, "show") == 0) {
		char digits[65], *why = NULL;

		if (argc != 1)
			return cli_usage_error("records", "show takes one"
					       " session id or receipt code");
		/* Neither an id nor a code (nor a QR text): a usage error,
		 * before any database is opened. */
		if (argv[0][strspn(argv[0], "0123456789")] != '\0' &&
		    strncmp(argv[0], "isokiosk:", 9) != 0 &&
		    store_code_digits(argv[0], digits, &why) < 0) {
			c = cli_usage_error("records", "'%s' is not a session id"
					    " or a receipt code: %s", argv[0], why);
			free(why);
			return c;
		}
	} else if (strcmp(verb, "export") == 0) {
		if (argc != 0)
			return cli_usage_error("records", "export takes no"
					       " argument");
		if (format == NULL || (strcmp(format, "csv") != 0 &&
				       strcmp(format, "fhir") != 0))
			return cli_usage_error("records", "export needs"
					       " --format csv or --format fhir");
		if (detail && strcmp(format, "csv") != 0)
			return cli_usage_error("records", "--detail is for"
					       " --format csv");
	} else {
		return cli_usage_error("records", "unknown records command"
				       " '%s'", verb);
	}

	if (central_is_url(dbopt))
		return cmd_records_central(verb, dbopt, kioskopt, format,
					   detail, sinceopt ? since : NULL,
					   argc, argv);
	if (kioskopt != NULL)
		return cli_usage_error("records", "--kiosk is for the central"
				       " store (--db postgresql://...)");
	if (cmd_records_setup(dbopt, &db) != 0) {
		free(db);
		return 1;
	}
	st = cmd_records_open(db);
	if (st == NULL) {
		free(db);
		return 1;
	}
	if (store_open_note(st) != NULL)
		outgate_printf(stderr, "isokiosk records: note: %s\n",
			       store_open_note(st));
	if (strcmp(verb, "list") == 0 && due) {
		if (cmd_records_due(st, content, &err) != 0)
			rc = 1;
	} else if (strcmp(verb, "patient") == 0) {
		if (cmd_records_patient(st, argv[0], &err) != 0)
			rc = 1;
	} else if (strcmp(verb, "list") == 0) {
		if (cmd_records_list(st, sinceopt ? since : NULL, &err) != 0)
			rc = 1;
	} else if (strcmp(verb, "show") == 0) {
		struct store_session s;
		int64_t id = 0;

		/* A session id, the receipt code the patient saw, or the
		 * text of the printed copy's QR code (store_find_session). */
		store_session_init(&s);
		c = store_find_session(st, argv[0], &id, &err);
		if (c == 0) {
			c = store_session_get(st, id, &s, &err);
			if (c == 0)
				cmd_records_show(stdout, st, &s);
			else if (c == 1)
				err = xasprintf("%s: no session %lld", db,
						(long long)id);
		}
		rc = c == 0 ? 0 : 1;
		store_session_done(&s);
	} else if (strcmp(verb, "verify") == 0) {
		struct store_report r;

		store_report_init(&r);
		c = store_verify(st, &r, &err);
		if (c >= 0) {
			for (size_t i = 0; i < r.n; i++)
				outgate_printf(stdout, "%s\n", r.v[i].message);
			for (size_t i = 0; i < r.nopen; i++)
				outgate_printf(stdout, "session %lld: still open"
					       " (not sealed yet; not a"
					       " failure)\n",
					       (long long)r.open[i]);
			if (r.versions > 0)
				outgate_printf(stdout, "content: %zu version%s"
					       " checked against the files"
					       " frozen for %s\n", r.versions,
					       r.versions == 1 ? "" : "s",
					       r.versions == 1 ? "it" : "them");
			if (r.unordered > 0)
				outgate_printf(stdout, "note: %zu content"
					       " version%s frozen before schema"
					       " 5: each file checked against"
					       " its hash, the list not against"
					       " the version\n", r.unordered,
					       r.unordered == 1 ? "" : "s");
			if (c == 0)
				outgate_printf(stdout, "chain holds: %zu"
					       " sessions, %zu links, head"
					       " #%lld %s\n", r.sessions,
					       r.sealed, (long long)r.head_seq,
					       r.head_seq ? r.head : "-");
			else
				outgate_printf(stdout, "chain broken: %zu"
					       " problems in %zu sessions\n",
					       r.n, r.sessions);
		}
		rc = c == 0 ? 0 : 1;
		store_report_done(&r);
		if (c >= 0)
			rc = cmd_anchor_verify(st, rc, configopt, keyopt, cpopt,
					       receiptopt);
	} else if (strcmp(verb, "checkpoint") == 0) {
		rc = cmd_anchor_checkpoint(st, configopt, keyopt);
	} else if (strcmp(format, "csv") == 0) {
		rc = store_export_csv(st, sinceopt ? since : NULL, detail,
				      stdout, &err) == 0 ? 0 : 1;
	} else {
		/* With the questions' texts, from the content each session
		 * showed (frozen in the database). */
		struct rectext_questions q;
		struct store_fhir_text t = { cmd_records_question, &q };

		rectext_questions_init(&q);
		if (rectext_questions_load(&q, st, &err) != 0) {
			rc = 1;
		} else {
			rc = store_export_fhir_with(st, sinceopt ? since : NULL,
						    &t, stdout, &err) == 0 ? 0 : 1;
		}
		rectext_questions_done(&q);
	}
	if (fflush(stdout) != 0 && rc == 0) {
		err = xstrdup("writing standard output failed");
		rc = 1;
	}
	if (err != NULL)
		outgate_printf(stderr, "isokiosk records: %s\n", err);
	free(err);
	store_close(st);
	free(db);
	return rc;
}
