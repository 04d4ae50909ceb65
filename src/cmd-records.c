/*
 * cmd-records: `isokiosk records list|show|verify|export`: staff and admin
 * access to the consent records (see store.h). Read-only: it never changes a
 * database and never seals anything.
 *
 *   records list [--since DATE]          one line per session
 *   records show ID                      a receipt: who, when, what was shown,
 *                                        every attempt, every statement, the
 *                                        signature, the seal
 *   records verify                       exit 0 when the chain holds, else 1
 *                                        and one line per problem
 *   records export --format csv|fhir [--detail] [--since DATE]
 *
 * Every one takes --db FILE (default: $ISOKIOSK_DB, else the db of the
 * configuration file, else store_default_path()). Labels are English; the
 * recorded values are printed as stored, control characters escaped so a
 * record can never send escape sequences to the terminal.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd.h"
#include "config.h"
#include "store.h"
#include "strbuf.h"
#include "xmalloc.h"

static void
cmd_records_help(FILE *fp)
{
	fputs("Usage: isokiosk records list [--since DATE] [--db FILE]\n"
	      "       isokiosk records show ID [--db FILE]\n"
	      "       isokiosk records verify [--db FILE]\n"
	      "       isokiosk records export --format csv|fhir [--detail]"
	      " [--since DATE] [--db FILE]\n"
	      "Staff and admin access to the consent records.\n\n"
	      "  list     one line per session (id, start, outcome, staff,"
	      " patient)\n"
	      "  show     a receipt of one session: who, when, what was shown,"
	      " every\n"
	      "           quiz attempt, every statement, the signature, the"
	      " seal\n"
	      "  verify   recompute every seal and walk the chain; exit 0 when it"
	      " holds,\n"
	      "           1 naming each session changed, removed or reordered\n"
	      "  export   CSV (UTF-8 with a BOM, CRLF; --detail: one row per"
	      " event)\n"
	      "           or an HL7 FHIR R4 Bundle (JSON) to standard output\n\n"
	      "  --db FILE      the records database (default: $ISOKIOSK_DB,"
	      " else db = in\n"
	      "                 the configuration file, else\n"
	      "                 ~/.local/share/isokiosk/records.db)\n"
	      "  --since DATE   sessions started at or after DATE (UTC):"
	      " YYYY-MM-DD or\n"
	      "                 YYYY-MM-DDTHH:MM[:SS[.mmm]][Z]\n"
	      "  -h, --help     show this help and exit\n\n"
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

/* The database to use (as the kiosk's: --db, $ISOKIOSK_DB, the
 * configuration's db, store_default_path); caller frees. */
static char *
cmd_records_db(const char *opt)
{
	const char *env = getenv("ISOKIOSK_DB");
	char *path, *db = NULL;

	if (opt != NULL)
		return xstrdup(opt);
	if (env != NULL && *env != '\0')
		return xstrdup(env);
	path = config_default_path();
	if (path != NULL && access(path, R_OK) == 0) {
		struct config cfg;
		struct diag_list dl;

		config_init(&cfg);
		diag_list_init(&dl);
		if (config_load(&cfg, path, &dl) == 0 && cfg.db_path != NULL)
			db = xstrdup(cfg.db_path);
		diag_list_done(&dl);
		config_done(&cfg);
	}
	free(path);
	return db != NULL ? db : store_default_path(false);
}

static struct store *
cmd_records_open(const char *db)
{
	struct store_opts o = { .flags = STORE_READONLY };
	char *err = NULL;
	struct store *st = store_open(db, &o, &err);

	if (st == NULL) {
		fprintf(stderr, "isokiosk records: %s\n", err ? err : db);
		free(err);
	}
	return st;
}

/* Print a recorded value: UTF-8 as is, control characters escaped. */
static void
cmd_records_put(FILE *fp, const char *v)
{
	if (v == NULL) {
		fputs("-", fp);
		return;
	}
	for (const unsigned char *p = (const unsigned char *)v; *p; p++) {
		if (*p == '\n')
			fputs("\\n", fp);
		else if (*p == '\t')
			fputs("\\t", fp);
		else if (*p < 0x20 || *p == 0x7f)
			fprintf(fp, "\\x%02x", *p);
		else if (*p == 0xc2 && p[1] >= 0x80 && p[1] <= 0x9f) {
			fprintf(fp, "\\u%04x", p[1]); /* a C1 control */
			p++;
		} else
			fputc(*p, fp);
	}
}

static void
cmd_records_field(FILE *fp, const char *label, const char *v)
{
	fprintf(fp, "%-20s", label);
	cmd_records_put(fp, v);
	fputc('\n', fp);
}

/* ---- list ----------------------------------------------------------------- */

static int
cmd_records_list_one(const struct store_session *s, void *ctx)
{
	FILE *fp = ctx;

	fprintf(fp, "%-7lld %-24s  %-9s  ", (long long)s->id,
		s->started_at ? s->started_at : "-",
		s->outcome_name ? s->outcome_name : "?");
	cmd_records_put(fp, s->staff_id);
	fputs("  ", fp);
	cmd_records_put(fp, s->patient_ref);
	fputc('\n', fp);
	return 0;
}

/* ---- show ----------------------------------------------------------------- */

struct cmd_records_files {
	char **names, **hashes;
	size_t n, cap;
};

static void
cmd_records_show_file(const char *name, const char *sha256, void *ctx)
{
	struct cmd_records_files *f = ctx;

	if (f->n == f->cap) {
		f->cap = f->cap ? f->cap * 2 : 8;
		f->names = xreallocarray(f->names, f->cap, sizeof *f->names);
		f->hashes = xreallocarray(f->hashes, f->cap, sizeof *f->hashes);
	}
	f->names[f->n] = xstrdup(name ? name : "");
	f->hashes[f->n++] = xstrdup(sha256 ? sha256 : "");
}

static void
cmd_records_show(FILE *fp, struct store *st, const struct store_session *s)
{
	char buf[64];

	snprintf(buf, sizeof buf, "%lld", (long long)s->id);
	cmd_records_field(fp, "Session:", buf);
	cmd_records_field(fp, "Kiosk:", s->kiosk_id);
	cmd_records_field(fp, "Staff:", s->staff_id);
	cmd_records_field(fp, "Patient:", s->patient_ref);
	cmd_records_field(fp, "Profile:", s->profile);
	cmd_records_field(fp, "Minor:", s->minor ? "yes" : "no");
	cmd_records_field(fp, "Language:", s->lang);
	cmd_records_field(fp, "Content version:", s->content_version);
	{
		struct cmd_records_files f = { 0 };
		char *err = NULL;

		/* The frozen copy of what that version covers, if kept. */
		if (store_content_files(st, s->content_version,
					cmd_records_show_file, &f, &err) != 0) {
			fprintf(fp, "%-20s(%s)\n", "Content files:", err);
			free(err);
		} else {
			fprintf(fp, "%-20s%zu\n", "Content files:", f.n);
		}
		for (size_t i = 0; i < f.n; i++) {
			fputs("  ", fp);
			cmd_records_put(fp, f.names[i]);
			fputs("  sha256 ", fp);
			cmd_records_put(fp, f.hashes[i]);
			fputc('\n', fp);
			free(f.names[i]);
			free(f.hashes[i]);
		}
		free(f.names);
		free(f.hashes);
	}
	cmd_records_field(fp, "Started:", s->started_at);
	cmd_records_field(fp, "Ended:", s->ended_at);
	cmd_records_field(fp, "Outcome:", s->outcome_name);
	if (s->reason != NULL)
		cmd_records_field(fp, "Reason:", s->reason);

	fprintf(fp, "%-20s%zu\n", "Screens shown:", s->nscreens);
	for (size_t i = 0; i < s->nscreens; i++) {
		const struct store_screen_row *r = &s->screens[i];

		fprintf(fp, "  %lld. ", (long long)r->seq);
		cmd_records_put(fp, r->screen_id);
		fprintf(fp, "  %lld.%03lld s  at %s\n",
			(long long)(r->shown_ms / 1000),
			(long long)(r->shown_ms % 1000), r->at);
	}
	fprintf(fp, "%-20s%zu\n", "Quiz attempts:", s->nanswers);
	for (size_t i = 0; i < s->nanswers; i++) {
		const struct store_answer_row *r = &s->answers[i];

		fputs("  ", fp);
		cmd_records_put(fp, r->question_id);
		fprintf(fp, "  attempt %d  %s  choice %d \"", r->attempt,
			r->correct ? "right" : "wrong", r->choice);
		cmd_records_put(fp, r->choice_text);
		fputs("\"  order ", fp);
		cmd_records_put(fp, r->order);
		fprintf(fp, "  at %s\n", r->at);
	}
	fprintf(fp, "%-20s%zu\n", "Acknowledgements:", s->nacks);
	for (size_t i = 0; i < s->nacks; i++) {
		const struct store_ack_row *r = &s->acks[i];

		fputs("  ", fp);
		cmd_records_put(fp, r->statement_id);
		fprintf(fp, "  confirmed at %s  sha256 %s\n", r->at,
			r->text_sha256);
		if (r->text != NULL) {
			/* The text as acknowledged, one line per line. */
			const char *p = r->text;

			while (*p) {
				const char *nl = strchr(p, '\n');
				size_t n = nl ? (size_t)(nl - p) : strlen(p);
				char *line = xstrndup(p, n);

				fputs("    | ", fp);
				cmd_records_put(fp, line);
				fputc('\n', fp);
				free(line);
				p += n;
				if (*p == '\n')
					p++;
			}
		} else {
			fputs("    (text not stored)\n", fp);
		}
	}
	fprintf(fp, "%-20s%zu\n", "Signatures:", s->nsigns);
	for (size_t i = 0; i < s->nsigns; i++) {
		const struct store_sign_row *r = &s->signs[i];

		fputs("  ", fp);
		cmd_records_put(fp, r->role);
		fputs("  ", fp);
		cmd_records_put(fp, r->name);
		fputs("  \"", fp);
		cmd_records_put(fp, r->meaning);
		fprintf(fp, "\"  at %s\n", r->at);
	}
	fprintf(fp, "%-20s%zu\n", "Staff verification:", s->nverifications);
	for (size_t i = 0; i < s->nverifications; i++) {
		const struct store_verify_row *r = &s->verifications[i];

		fputs("  ", fp);
		cmd_records_put(fp, r->staff_id);
		fprintf(fp, "  at %s  link #%lld  %s\n", r->at, (long long)r->seq,
			r->seal_hash);
	}
	if (s->seal_hash == NULL) {
		cmd_records_field(fp, "Seal:", "none (the session is open)");
		return;
	}
	snprintf(buf, sizeof buf, "link #%lld, %s", (long long)s->seal_seq,
		 store_seal_holds(s) ? "matches this record"
				     : "DOES NOT MATCH this record");
	cmd_records_field(fp, "Seal:", buf);
	cmd_records_field(fp, "  previous:", s->seal_prev && s->seal_prev[0]
					 ? s->seal_prev : "(first link)");
	cmd_records_field(fp, "  this:", s->seal_hash);
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
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *dbopt = NULL, *sinceopt = NULL, *format = NULL, *verb;
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
		case 'h': cmd_records_help(stdout); return 0;
		default:
			return cli_usage_error("records", "unknown option '%s'",
					       argv[optind - 1]);
		}
	}
	if (optind >= argc)
		return cli_usage_error("records", "list, show, verify or"
				       " export?");
	verb = argv[optind++];
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
	if (strcmp(verb, "list") == 0 || strcmp(verb, "verify") == 0) {
		if (argc != 0)
			return cli_usage_error("records", "%s takes no argument",
					       verb);
		if (strcmp(verb, "verify") == 0 && sinceopt != NULL)
			return cli_usage_error("records", "verify checks the"
					       " whole chain: no --since");
	} else if (strcmp(verb, "show") == 0) {
		if (argc != 1)
			return cli_usage_error("records", "show takes one"
					       " session id");
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

	db = cmd_records_db(dbopt);
	st = cmd_records_open(db);
	if (st == NULL) {
		free(db);
		return 1;
	}
	if (strcmp(verb, "list") == 0) {
		if (store_each(st, sinceopt ? since : NULL, cmd_records_list_one,
			       stdout, &err) != 0)
			rc = 1;
	} else if (strcmp(verb, "show") == 0) {
		struct store_session s;
		char *end;
		long long id = strtoll(argv[0], &end, 10);

		store_session_init(&s);
		if (*argv[0] == '\0' || *end != '\0' || id <= 0) {
			store_session_done(&s);
			store_close(st);
			free(db);
			return cli_usage_error("records", "'%s' is not a session"
					       " id", argv[0]);
		}
		c = store_session_get(st, id, &s, &err);
		if (c == 0)
			cmd_records_show(stdout, st, &s);
		else if (c == 1)
			err = xasprintf("%s: no session %lld", db, id);
		rc = c == 0 ? 0 : 1;
		store_session_done(&s);
	} else if (strcmp(verb, "verify") == 0) {
		struct store_report r;

		store_report_init(&r);
		c = store_verify(st, &r, &err);
		if (c >= 0) {
			for (size_t i = 0; i < r.n; i++)
				printf("%s\n", r.v[i].message);
			for (size_t i = 0; i < r.nopen; i++)
				printf("session %lld: still open (not sealed"
				       " yet; not a failure)\n",
				       (long long)r.open[i]);
			if (c == 0)
				printf("chain holds: %zu sessions, %zu links,"
				       " head #%lld %s\n", r.sessions, r.sealed,
				       (long long)r.head_seq,
				       r.head_seq ? r.head : "-");
			else
				printf("chain broken: %zu problems in %zu"
				       " sessions\n", r.n, r.sessions);
		}
		rc = c == 0 ? 0 : 1;
		store_report_done(&r);
	} else if (strcmp(format, "csv") == 0) {
		rc = store_export_csv(st, sinceopt ? since : NULL, detail,
				      stdout, &err) == 0 ? 0 : 1;
	} else {
		rc = store_export_fhir(st, sinceopt ? since : NULL, stdout,
				       &err) == 0 ? 0 : 1;
	}
	if (fflush(stdout) != 0 && rc == 0) {
		err = xstrdup("writing standard output failed");
		rc = 1;
	}
	if (err != NULL)
		fprintf(stderr, "isokiosk records: %s\n", err);
	free(err);
	store_close(st);
	free(db);
	return rc;
}
