/*
 * cmd-visit: the records commands of follow-up visits (called from
 * cmd-records.c):
 *
 *   records add-test --patient REF --date YYYY-MM-DD --result R
 *                    --setting S [--staff ID]
 *                                  a pregnancy test entered by staff: its
 *                                  own link of the chain (store-visit.h)
 *   records prescribe ID --staff ID [--date YYYY-MM-DD]
 *                                  "may prescribe" after a follow-up,
 *                                  refused without a recent negative test
 *   records patient REF            the patient's timeline (visittext.h)
 *   records list --due             patients whose last completed visit is
 *                                  older than clinic.conf's
 *                                  visit_interval_days
 *
 * add-test and prescribe write: they open the database without the kiosk's
 * writer lock and never seal or recover sessions (STORE_APPEND), so they
 * work while a kiosk runs; SQLite serialises the writes. The link each
 * seals is signed with the kiosk's key (cmd-anchor.h), as the kiosk's own. Inputs pass the
 * input gate; stored text is printed escaped (cmd_records_put).
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "clinic.h"
#include "clock.h"
#include "cmd.h"
#include "cmd-anchor.h"
#include "diag.h"
#include "ingate.h"
#include "outgate.h"
#include "store-visit.h"
#include "strbuf.h"
#include "visit.h"
#include "visittext.h"
#include "xmalloc.h"

/* clinic.conf of the content the kiosk uses: --content, else the
 * configuration's content_dir, else the bundled content. NULL values (and
 * a message on stderr) when it exists but cannot be read. */
static struct content_values *
cmd_visit_clinic(const char *content, bool *bad)
{
	char *dir = content != NULL ? xstrdup(content)
				    : cmd_records_content_dir();
	char *path = xasprintf("%s/clinic.conf", dir);
	struct content_values *cv = NULL;
	struct diag_list dl;

	*bad = false;
	diag_list_init(&dl);
	if (access(path, R_OK) == 0) {
		cv = clinic_load(path, &dl);
		if (cv == NULL || diag_count(&dl, DIAG_ERROR) > 0) {
			diag_print(&dl, stderr);
			*bad = true;
		}
	}
	diag_list_done(&dl);
	free(path);
	free(dir);
	return cv;
}

/* Today in the kiosk's zone, "YYYY-MM-DD". */
static void
cmd_visit_today(char out[CLOCK_MAX])
{
	clock_format(clock_now_ms(), CLOCK_DATE, out);
}

/* One option value through the input gate; NULL (message printed) when
 * refused. */
static char *
cmd_visit_clean(enum ingate_kind k, const char *opt, const char *v)
{
	char *why = NULL, *c = ingate_clean(k, v, strlen(v), 0, &why);

	if (c == NULL) {
		cli_usage_error("records", "%s: %s", opt, why);
		free(why);
	}
	return c;
}

int
cmd_records_add_test(int argc, char **argv, const char *dbopt,
		     const char *configopt)
{
	static const struct option longopts[] = {
		{ "db", required_argument, NULL, 'd' },
		{ "patient", required_argument, NULL, 'p' },
		{ "date", required_argument, NULL, 't' },
		{ "result", required_argument, NULL, 'r' },
		{ "setting", required_argument, NULL, 's' },
		{ "staff", required_argument, NULL, 'S' },
		{ "config", required_argument, NULL, 'F' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *patient = NULL, *staff = NULL;
	struct store_test t = { 0 };
	struct cmd_anchor_signer sg;
	bool signer = false;
	char *ref = NULL, *sid = NULL, *db = NULL, *err = NULL;
	char today[CLOCK_MAX];
	struct store_opts o = { .flags = STORE_APPEND };
	struct store *st;
	int64_t id;
	int c, rc = 2;

	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (c) {
		case 'd': dbopt = optarg; break;
		case 'p': patient = optarg; break;
		case 't': t.date = optarg; break;
		case 'r': t.result = optarg; break;
		case 's': t.setting = optarg; break;
		case 'S': staff = optarg; break;
		case 'F': configopt = optarg; break;
		case 'h':
			fputs("Usage: isokiosk records add-test --patient REF"
			      " --date YYYY-MM-DD\n"
			      "         --result negative|positive|invalid"
			      " --setting clinic|laboratory|home-supervised\n"
			      "         [--staff ID] [--config FILE] [--db FILE]\n"
			      "Record a pregnancy test of a patient, as its own"
			      " link of the records' chain,\n"
			      "signed with the kiosk's key (key = of the"
			      " configuration).\n"
			      "--staff defaults to $USER.\n", stdout);
			return 0;
		default:
			return cli_usage_error("records", "unknown option '%s'",
					       argv[optind - 1]);
		}
	}
	if (optind != argc)
		return cli_usage_error("records", "add-test takes options only");
	if (patient == NULL || t.date == NULL || t.result == NULL ||
	    t.setting == NULL)
		return cli_usage_error("records", "add-test needs --patient,"
				       " --date, --result and --setting");
	if (!store_date_valid(t.date))
		return cli_usage_error("records", "--date '%s': not a date"
				       " (YYYY-MM-DD)", t.date);
	if (!store_test_result_valid(t.result))
		return cli_usage_error("records", "--result '%s': negative,"
				       " positive or invalid", t.result);
	if (!store_test_setting_valid(t.setting))
		return cli_usage_error("records", "--setting '%s': clinic,"
				       " laboratory or home-supervised",
				       t.setting);
	if (staff == NULL)
		staff = getenv("USER");
	if (staff == NULL || staff[0] == '\0')
		return cli_usage_error("records", "add-test needs --staff ID");
	if ((ref = cmd_visit_clean(INGATE_REF, "--patient", patient)) == NULL)
		goto out;
	if ((sid = cmd_visit_clean(INGATE_STAFF, "--staff", staff)) == NULL)
		goto out;
	t.patient_ref = ref;
	t.staff_id = sid;
	rc = 1;
	if (cmd_records_setup(dbopt, &db) != 0)
		goto out;
	/* after the setup: today is the clinic's, in its time zone */
	cmd_visit_today(today);
	if (strcmp(t.date, today) > 0) {
		err = xasprintf("--date %s: after today (%s in the kiosk's time"
				" zone)", t.date, today);
		goto out;
	}
	if ((st = store_open(db, &o, &err)) == NULL)
		goto out;
	/* signed as the kiosk signs each link it seals (cmd-anchor.h) */
	if (cmd_anchor_signer_load(configopt, &sg) != 0) {
		store_close(st);
		goto out;
	}
	signer = true;
	store_set_signer(st, &sg.sg);
	if (store_test_add(st, &t, &id, &err) == 0) {
		outgate_printf(stdout, "pregnancy test #%lld recorded: %s"
			       "  %s  %s  %s\n", (long long)id, ref, t.date,
			       t.result, t.setting);
		rc = 0;
	}
	store_close(st);
out:
	if (err != NULL)
		outgate_printf(stderr, "isokiosk records: %s\n", err);
	free(err);
	free(db);
	free(ref);
	free(sid);
	if (signer)
		cmd_anchor_signer_done(&sg);
	return rc;
}

int
cmd_records_prescribe(int argc, char **argv, const char *dbopt,
		      const char *configopt)
{
	static const struct option longopts[] = {
		{ "db", required_argument, NULL, 'd' },
		{ "staff", required_argument, NULL, 'S' },
		{ "date", required_argument, NULL, 't' },
		{ "content", required_argument, NULL, 'C' },
		{ "config", required_argument, NULL, 'F' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *staff = NULL, *date = NULL, *content = NULL;
	struct store_opts o = { .flags = STORE_APPEND };
	struct content_values *cv;
	struct cmd_anchor_signer sg;
	bool signer = false;
	char today[CLOCK_MAX], *sid = NULL, *db = NULL, *err = NULL;
	struct store *st;
	int64_t id;
	int c, rc = 2, window, verdict;
	bool bad;

	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (c) {
		case 'd': dbopt = optarg; break;
		case 'S': staff = optarg; break;
		case 'F': configopt = optarg; break;
		case 't': date = optarg; break;
		case 'C': content = optarg; break;
		case 'h':
			fputs("Usage: isokiosk records prescribe ID|CODE"
			      " [--staff ID] [--date YYYY-MM-DD]\n"
			      "         [--content DIR] [--config FILE] [--db FILE]\n"
			      "Record that the prescription may be issued after"
			      " a completed visit\n"
			      "(its own link of the chain, signed with the"
			      " kiosk's key).\n"
			      "Refused for a patient who can become pregnant"
			      " without a negative pregnancy\n"
			      "test inside clinic.conf's"
			      " pregnancy_test_window_days (default 7).\n",
			      stdout);
			return 0;
		default:
			return cli_usage_error("records", "unknown option '%s'",
					       argv[optind - 1]);
		}
	}
	if (argc - optind != 1)
		return cli_usage_error("records", "prescribe takes one session"
				       " id or receipt code");
	if (date != NULL && !store_date_valid(date))
		return cli_usage_error("records", "--date '%s': not a date"
				       " (YYYY-MM-DD)", date);
	if (staff == NULL)
		staff = getenv("USER");
	if (staff == NULL || staff[0] == '\0')
		return cli_usage_error("records", "prescribe needs --staff ID");
	if ((sid = cmd_visit_clean(INGATE_STAFF, "--staff", staff)) == NULL)
		return 2;
	rc = 1;
	if (cmd_records_setup(dbopt, &db) != 0)
		goto out;
	cv = cmd_visit_clinic(content, &bad);
	if (bad || visit_days(cv, "pregnancy_test_window_days",
			      VISIT_TEST_WINDOW_DAYS, 1, 30, &window,
			      &err) != 0) {
		clinic_free(cv);
		goto out;
	}
	clinic_free(cv);
	if (date != NULL)
		snprintf(today, sizeof today, "%s", date);
	else
		cmd_visit_today(today);
	if ((st = store_open(db, &o, &err)) == NULL)
		goto out;
	if (cmd_anchor_signer_load(configopt, &sg) != 0) {
		store_close(st);
		goto out;
	}
	signer = true;
	store_set_signer(st, &sg.sg);
	if (store_find_session(st, argv[optind], &id, &err) == 0 &&
	    store_prescribe(st, id, sid, today, window, &verdict, &err) == 0) {
		outgate_printf(stdout, "session %lld: may prescribe, recorded\n",
			       (long long)id);
		rc = 0;
	}
	store_close(st);
out:
	if (err != NULL)
		outgate_printf(stderr, "isokiosk records: %s\n", err);
	free(err);
	free(db);
	free(sid);
	if (signer)
		cmd_anchor_signer_done(&sg);
	return rc;
}

int
cmd_records_patient(struct store *st, const char *ref, char **err)
{
	struct strbuf out;
	char *clean, *why = NULL;
	int rc;

	clean = ingate_clean(INGATE_REF, ref, strlen(ref), 0, &why);
	if (clean == NULL) {
		*err = xasprintf("the patient reference: %s", why);
		free(why);
		return -1;
	}
	strbuf_init(&out);
	rc = visittext_patient(&out, st, clean, err);
	if (rc == 0)
		cmd_records_put(stdout, out.s);
	else if (rc == 1)
		*err = xasprintf("no visit and no test of patient %s", clean);
	strbuf_done(&out);
	free(clean);
	return rc == 0 ? 0 : -1;
}

struct cmd_visit_due {
	int64_t now_ms;
	size_t n;
	struct strbuf out;
};

static int
cmd_visit_due_one(const char *ref, const char *last, const char *visit,
		  void *ctx)
{
	struct cmd_visit_due *d = ctx;
	char t[CLOCK_MAX];
	int64_t ms = 0;

	if (d->n++ == 0)
		strbuf_addstr(&d->out, "LAST VISIT  DAYS  KIND  PATIENT\n");
	if (last != NULL && clock_parse_utc(last, &ms) != 0)
		ms = 0;
	strbuf_addf(&d->out, "%s  %lld  %s  %s\n",
		    clock_format_utc(last, CLOCK_DATE, t) ? t : "-",
		    ms > 0 ? (long long)((d->now_ms - ms) / 86400000) : -1LL,
		    visit != NULL ? visit : "-", ref != NULL ? ref : "-");
	return 0;
}

int
cmd_records_due(struct store *st, const char *content, char **err)
{
	struct cmd_visit_due d = { 0 };
	struct content_values *cv;
	char cutoff[32];
	int days, rc;
	bool bad;
	time_t c;
	struct tm tm;

	cv = cmd_visit_clinic(content, &bad);
	if (bad) {
		clinic_free(cv);
		*err = xstrdup("clinic.conf cannot be read");
		return -1;
	}
	rc = visit_days(cv, "visit_interval_days", VISIT_INTERVAL_DAYS, 1, 365,
			&days, err);
	clinic_free(cv);
	if (rc != 0)
		return -1;
	d.now_ms = clock_now_ms();
	c = (time_t)(d.now_ms / 1000) - (time_t)days * 86400;
	gmtime_r(&c, &tm);
	strftime(cutoff, sizeof cutoff, "%Y-%m-%dT%H:%M:%S.000Z", &tm);
	strbuf_init(&d.out);
	rc = store_due_each(st, cutoff, cmd_visit_due_one, &d, err);
	if (rc == 0) {
		if (d.n == 0)
			outgate_printf(stdout, "no patient is due (last"
				       " visit more than %d days ago)\n",
				       days);
		else
			cmd_records_put(stdout, d.out.s);
	}
	strbuf_done(&d.out);
	return rc == 0 ? 0 : -1;
}
