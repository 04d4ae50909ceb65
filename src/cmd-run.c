/*
 * cmd-run: `isokiosk [run] [--content DIR] [--config FILE] [--db FILE]
 * [--lang L] [--consent [--patient REF --profile P [--minor] [--staff ID]]]`:
 * load and check the content (refusing to start on errors), read the
 * configuration, open the records (consent mode, or a database configured),
 * set up the terminal and run the kiosk.
 *
 * Outside demo mode (a staff PIN is set), consent sessions need deployed
 * content: a clinic value still at its bundled sample ("?=" in clinic.conf,
 * such as the placeholder phone number) would end up in a signed record.
 * Consent mode then refuses to start, listing each line to edit; a session
 * started from the staff menu is refused too (kiosk_consent_start).
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "clinic.h"
#include "clock.h"
#include "cmd.h"
#include "config.h"
#include "grid.h"
#include "i18n.h"
#include "identity.h"
#include "ingate.h"
#include "outgate.h"
#include "kiosk.h"
#include "pin.h"
#include "quiz.h"
#include "store.h"
#include "syncstate.h"
#include "term.h"
#include "xmalloc.h"

static void
cmd_run_help(void)
{
	fputs("Usage: isokiosk [run] [OPTION]...\n"
	      "Run the patient kiosk on this terminal.\n\n"
	      "  --content DIR  content folder (default: the bundled content)\n"
	      "  --config FILE  configuration (default: $ISOKIOSK_CONFIG or\n"
	      "                 ~/.config/isokiosk/isokiosk.conf when it exists)\n"
	      "  --db FILE      consent records database\n"
	      "  --lang L       the language the kiosk starts in (ja, en)\n"
	      "  --consent      consent mode: staff start each session from the\n"
	      "                 staff menu (F12, PIN: 5 New consent session)\n"
	      "  --patient REF  start a consent session for this patient now\n"
	      "                 (implies --consent; needs --profile)\n"
	      "  --profile P    pregnancy (can become pregnant) or no-pregnancy\n"
	      "  --minor        the patient is a minor: a guardian signs too\n"
	      "  --staff ID     the staff member starting sessions (default: $USER)\n"
	      "  --visit V      first (the consent, default) or follow-up (the\n"
	      "                 monthly visit: contraception, mood check, side\n"
	      "                 effects, re-check questions, statements again)\n"
	      "  -h, --help     show this help and exit\n\n"
	      "A consent session: the guided screens, the teach-back quiz, each\n"
	      "statement acknowledged, a review page, the typed signature, then a\n"
	      "receipt code. Every answer and acknowledgement is saved before the\n"
	      "screen shows it; records go to --db, the configured db, or\n"
	      "$ISOKIOSK_DB, else ~/.local/share/isokiosk/records.db.\n\n"
	      "Without a staff PIN (isokiosk staff set-pin) the kiosk runs in demo\n"
	      "mode and F12 opens the staff menu directly. With one, consent\n"
	      "sessions are refused while clinic.conf still has sample values\n"
	      "(see isokiosk check --deploy). SIGTERM or SIGHUP end it\n"
	      "(a session still running is recorded as abandoned).\n",
	      stdout);
}

/* arg as a field of kind: 0, or a usage error printed and -1. */
static int
cmd_run_gate(enum ingate_kind kind, const char *opt, const char *arg)
{
	char *why = NULL, *clean = ingate_clean(kind, arg, strlen(arg), 0, &why);

	if (clean != NULL) {
		free(clean);
		return 0;
	}
	cli_usage_error("run", "%s: %s", opt, why);
	free(why);
	return -1;
}

/*
 * Open the records and make them ready: the content the patient will see
 * frozen once per start, before a session found open is sealed (its seal
 * covers the content's file list). NULL with *err (naming the database).
 */
static struct store_signer cmd_run_signer;

static struct store *
cmd_run_store(struct bundle *b, const char *dbpath, char **err)
{
	struct store_opts so = { .flags = STORE_NO_RECOVER };
	struct store *st = store_open(dbpath, &so, err);
	char *e = NULL;

	if (st == NULL)
		return NULL;
	/* Signed from the first link sealed, sessions found open included. */
	store_set_signer(st, &cmd_run_signer);
	for (size_t i = 0; i < b->nlangs && e == NULL; i++)
		store_content_freeze(st, &b->langs[i], &e);
	if (e == NULL)
		store_recover(st, &e);
	if (e == NULL)
		return st;
	store_close(st);
	free(*err);
	*err = xasprintf("%s: %s", dbpath, e);
	free(e);
	return NULL;
}

/* Seconds between tries while the records cannot be opened. */
#define CMD_RUN_RETRY_S 5

static void
cmd_run_notice(struct grid *g, const char *err)
{
	const char *lines[] = {
		i18n_gettext_in("ja", N_("Please call the staff.")),
		i18n_gettext_in("en", N_("Please call the staff.")),
		"",
		i18n_gettext_in("ja", N_("The records cannot be opened. The kiosk tries again every few seconds.")),
		i18n_gettext_in("en", N_("The records cannot be opened. The kiosk tries again every few seconds.")),
	};
	char *e = outgate_asprintf("%s", err);
	int y = g->h / 2 - 4;

	grid_clear(g);
	if (y < 0)
		y = 0;
	for (size_t i = 0; i < sizeof lines / sizeof lines[0]; i++)
		grid_put_center(g, 0, y++, g->w, lines[i],
				i < 2 ? GRID_HEADING : GRID_NORMAL);
	y++;
	/* for staff: the exact error, as many rows as it takes */
	for (size_t off = 0, n = strlen(e); off < n && y < g->h; y++) {
		int cols = g->w > 4 ? g->w - 4 : 1;
		size_t take = 0;
		int used = 0;

		while (off + take < n && used < cols) {
			take++;
			used++;
			while (off + take < n &&
			       ((unsigned char)e[off + take] & 0xc0) == 0x80)
				take++;
		}
		{
			char *row = xstrndup(e + off, take);

			grid_put(g, 2, y, row, g->w - 4, GRID_DIM);
			free(row);
		}
		off += take;
	}
	free(e);
}

/* Show the notice and try again every CMD_RUN_RETRY_S seconds, until the
 * records open (returned) or SIGTERM/SIGHUP (NULL, *err the last error). */
static struct store *
cmd_run_wait_store(struct bundle *b, const char *dbpath, char **err, int amb)
{
	int w, h;
	struct grid *g;
	struct store *st = NULL;

	term_size(&w, &h);
	g = grid_new(w, h, amb);
	while (st == NULL && !term_stop_requested()) {
		struct keys_event ev;
		int left = CMD_RUN_RETRY_S * 1000;

		cmd_run_notice(g, *err != NULL ? *err : "?");
		term_draw(g);
		while (left > 0 && !term_stop_requested()) {
			if (term_read(&ev, 500) && ev.kind == KEYS_EV_RESIZE) {
				grid_resize(g, ev.x, ev.y);
				cmd_run_notice(g, *err != NULL ? *err : "?");
				term_draw(g);
			}
			left -= 500;
		}
		if (!term_stop_requested())
			st = cmd_run_store(b, dbpath, err);
	}
	grid_free(g);
	if (st != NULL)
		term_wipe();
	return st;
}

/* Load the config named, or the default one if it exists. 0 or -1. */
static int
cmd_run_config(struct config *cfg, const char *path)
{
	struct diag_list dl;
	char *def = NULL;
	int rc = 0;

	diag_list_init(&dl);
	if (path == NULL) {
		def = config_default_path();
		if (access(def, F_OK) == 0)
			path = def;
	}
	if (path != NULL && config_load(cfg, path, &dl) < 0)
		rc = -1;
	diag_print(&dl, stderr);
	diag_list_done(&dl);
	free(def);
	return rc;
}

int
cmd_run(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "content", required_argument, NULL, 'c' },
		{ "config", required_argument, NULL, 'f' },
		{ "db", required_argument, NULL, 'd' },
		{ "lang", required_argument, NULL, 'l' },
		{ "consent", no_argument, NULL, 'C' },
		{ "patient", required_argument, NULL, 'p' },
		{ "profile", required_argument, NULL, 'P' },
		{ "minor", no_argument, NULL, 'm' },
		{ "staff", required_argument, NULL, 's' },
		{ "visit", required_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *content = NULL, *config = NULL, *lang = NULL, *db = NULL;
	const char *patient = NULL, *profile = NULL, *staff = NULL;
	const char *visit = NULL;
	bool consent = false, minor = false;
	struct store *st = NULL;
	char *dbpath = NULL;
	struct config cfg;
	struct diag_list dl;
	struct bundle *b;
	struct kiosk_app app;
	struct term_opts topts;
	struct identity ident = { 0 };
	int c, w, h, amb, rc;

	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (c) {
		case 'c': content = optarg; break;
		case 'f': config = optarg; break;
		case 'd': db = optarg; break;
		case 'l': lang = optarg; break;
		case 'C': consent = true; break;
		case 'p': patient = optarg; consent = true; break;
		case 'P': profile = optarg; break;
		case 'm': minor = true; break;
		case 's': staff = optarg; break;
		case 'v': visit = optarg; break;
		case 'h': cmd_run_help(); return 0;
		default:
			return cli_usage_error("run", "unknown option '%s'",
					       argv[optind - 1]);
		}
	}
	if (optind < argc)
		return cli_usage_error("run", "unexpected argument '%s'", argv[optind]);
	if (patient != NULL && profile == NULL)
		return cli_usage_error("run", "--patient needs --profile pregnancy or no-pregnancy");
	if (profile != NULL && !quiz_profile_valid(profile))
		return cli_usage_error("run", "--profile: expected pregnancy or no-pregnancy, not '%s'",
				       profile);
	if ((profile != NULL || minor) && patient == NULL)
		return cli_usage_error("run", "--profile and --minor need --patient");
	if (visit != NULL && strcmp(visit, "first") != 0 &&
	    strcmp(visit, "follow-up") != 0)
		return cli_usage_error("run", "--visit: expected first or"
				       " follow-up, not '%s'", visit);
	if (visit != NULL && patient == NULL)
		return cli_usage_error("run", "--visit needs --patient and"
				       " --profile");
	/* What the command line puts into the records: the input gate, before
	 * anything starts (the messages hold no byte of the argument). */
	if (patient != NULL && cmd_run_gate(INGATE_REF, "--patient", patient) != 0)
		return 2;
	if (staff != NULL && cmd_run_gate(INGATE_STAFF, "--staff", staff) != 0)
		return 2;
	if (staff == NULL) {
		/* $USER as the staff ID only when the gate takes it as is */
		staff = getenv("USER");
		if (staff != NULL && !ingate_is_clean(INGATE_STAFF, staff, 0, NULL))
			staff = NULL;
	}
	if (i18n_init() < 0)
		fputs("isokiosk: warning: no UTF-8 locale (C.UTF-8) on this system\n",
		      stderr);
	config_init(&cfg);
	if (cmd_run_config(&cfg, config) < 0) {
		config_done(&cfg);
		return 1;
	}
	/* One clock for people: the kiosk's zone, before any thread. */
	if (cfg.time_zone != NULL) {
		char *zerr = NULL;

		if (clock_set_zone(cfg.time_zone, &zerr) != 0) {
			outgate_printf(stderr, "isokiosk: time_zone: %s\n", zerr);
			free(zerr);
			config_done(&cfg);
			return 1;
		}
	}
	if (lang != NULL) {
		free(cfg.language);
		cfg.language = xstrdup(lang);
	}
	/* Kept in cfg.db_path; browsing records nothing, the consent states
	 * open the store (store.h) with it. */
	if (db != NULL) {
		free(cfg.db_path);
		cfg.db_path = xstrdup(db);
	}
	if (content == NULL)
		content = cfg.content_dir != NULL ? cfg.content_dir
						  : cli_default_content_dir();
	/* Bad content never reaches a patient. */
	diag_list_init(&dl);
	b = bundle_load(content, &dl);
	diag_sort(&dl);
	diag_print(&dl, stderr);
	if (b == NULL || diag_count(&dl, DIAG_ERROR) > 0 || b->nlangs == 0) {
		outgate_printf(stderr, "isokiosk: the content in %s has errors; not starting "
			"(see 'isokiosk check %s')\n", content, content);
		if (b != NULL)
			bundle_free(b);
		diag_list_done(&dl);
		config_done(&cfg);
		return 1;
	}
	diag_list_done(&dl);

	if (consent)
		cfg.start_mode = CONFIG_START_CONSENT;
	if (cfg.start_mode == CONFIG_START_CONSENT && cfg.pin_hash != NULL &&
	    clinic_samples(b->values) > 0) {
		char *conf = xasprintf("%s/clinic.conf", content);

		diag_list_init(&dl);
		clinic_check_deploy(b->values, conf, &dl);
		diag_print(&dl, stderr);
		diag_list_done(&dl);
		outgate_printf(stderr, "isokiosk: %s still has the bundled sample values "
			"above; outside demo mode, consent sessions are refused "
			"until each is the clinic's own. Edit those lines, then "
			"run 'isokiosk check --deploy %s'\n", conf, content);
		free(conf);
		bundle_free(b);
		config_done(&cfg);
		return 1;
	}
	/* Wrong PINs are kept beside the database (pin.h), so that no
	 * restart forgets them; `staff unlock` finds them by the same rule. */
	if (cfg.pin_hash != NULL && cfg.pin_state == NULL) {
		char *def = cfg.db_path == NULL ? store_default_path(true) : NULL;

		cfg.pin_state = pin_state_path(NULL, cfg.db_path != NULL
					       ? cfg.db_path : def);
		free(def);
	}
	/* Before anything is written to it (the width probe); the records
	 * are opened once the terminal is up, so a failure can be shown. */
	if (term_check() < 0) {
		bundle_free(b);
		config_done(&cfg);
		return 2;
	}
	/* The kiosk's key signs every link it seals: made at the first
	 * start; one that cannot be used (its mode, its owner, damaged)
	 * stops the kiosk before the terminal is taken (fail closed). */
	if (cfg.start_mode == CONFIG_START_CONSENT || cfg.db_path != NULL) {
		char *kp = cfg.key_path != NULL ? xstrdup(cfg.key_path)
						: identity_default_path();
		char *err = NULL;

		if (identity_load(kp, true, &ident, &err) < 0) {
			outgate_printf(stderr, "isokiosk: %s\n", err);
			free(err);
			free(kp);
			bundle_free(b);
			config_done(&cfg);
			return 1;
		}
		free(kp);
		identity_store_signer(&ident, cfg.kiosk_id,
				      IDENTITY_CHECKPOINT_EVERY,
				      &cmd_run_signer);
	}
	amb = cfg.ambiguous;
	if (amb == 0)
		amb = term_probe_ambiguous();
	if (amb == 0)
		amb = 1;
	topts = (struct term_opts){ .theme = cfg.theme, .mouse = true,
				    .kiosk = true, .ambiguous = amb };
	if (term_init(&topts, &w, &h) < 0) {
		identity_done(&ident);
		bundle_free(b);
		config_done(&cfg);
		return 2;
	}
	/* Records: in consent mode, or wherever a database is configured. */
	if (cfg.start_mode == CONFIG_START_CONSENT || cfg.db_path != NULL) {
		char *err = NULL;

		dbpath = cfg.db_path != NULL ? xstrdup(cfg.db_path)
					     : store_default_path(true);
		st = cmd_run_store(b, dbpath, &err);
		/* A full disk, say: the patient sees "please call the staff"
		 * (and staff the error), not a blank terminal, and the kiosk
		 * starts as soon as the records can be opened. */
		if (st == NULL)
			st = cmd_run_wait_store(b, dbpath, &err, amb);
		if (st == NULL) {
			term_done();
			outgate_printf(stderr, "isokiosk: %s\n", err != NULL ? err
				       : "the records cannot be opened");
			identity_done(&ident);
			free(err);
			free(dbpath);
			bundle_free(b);
			config_done(&cfg);
			return 1;
		}
		free(err);
	}
	term_size(&w, &h);
	kiosk_init(&app, &cfg, b, content, w, h, amb, 0);
	kiosk_consent_use_store(&app, st);
	/* how far behind sync is, for the staff menu (written by sync) */
	if (st != NULL)
		app.sync_state = syncstate_path(dbpath);
	app.cs.start_consent = cfg.start_mode == CONFIG_START_CONSENT;
	app.cs.default_staff = staff != NULL ? xstrdup(staff) : NULL;
	rc = 0;
	if (patient != NULL &&
	    (visit != NULL && strcmp(visit, "follow-up") == 0
	     ? kiosk_visit_start(&app, patient, profile, minor, staff)
	     : kiosk_consent_start(&app, patient, profile, minor, staff)) < 0) {
		term_done();
		outgate_printf(stderr, "isokiosk: cannot start the session: %s\n",
			       app.cs.error != NULL ? app.cs.error : "?");
		rc = 1;
	}
	if (rc == 0) {
		rc = kiosk_run(&app);
		term_done();
	}
	/* Ended by SIGTERM or SIGHUP mid-session: recorded as abandoned. */
	if (kiosk_consent_finish(&app, "kiosk ended") < 0) {
		outgate_printf(stderr, "isokiosk: records not saved: %s\n",
			       app.cs.error != NULL ? app.cs.error : "?");
		rc = 1;
	}
	kiosk_done(&app);
	if (st != NULL)
		store_close(st);
	identity_done(&ident);
	free(dbpath);
	config_done(&cfg);
	return rc;
}
