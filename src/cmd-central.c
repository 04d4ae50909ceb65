/*
 * cmd-central: the commands of the clinic-wide records (central.h):
 *
 *   central init --db postgresql://...        create or migrate the schema
 *   central add-kiosk ID PUBKEY --db URL      register a kiosk's key
 *   sync --to URL [--follow [--interval S]] [--db FILE] [--config FILE]
 *       push this kiosk's sealed, signed links (and checkpoints)
 *
 * sync reads the records read-only (it may run beside the kiosk, as a
 * service of its own: it never slows the patient's screen) and says how
 * far the central copy was behind. --follow syncs every S seconds (10)
 * until SIGTERM or SIGINT, going on after failures (a server restarting,
 * the network away), and prints one line per sync that pushed something
 * or failed. After each attempt it writes DB.sync (syncstate.h), which the
 * kiosk's staff screens read to show how far behind the central copy is.
 */
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "central.h"
#include "cmd.h"
#include "config.h"
#include "outgate.h"
#include "store.h"
#include "syncstate.h"
#include "xmalloc.h"

static void
cmd_central_help(FILE *fp)
{
	fputs("Usage: isokiosk central init --db postgresql://...\n"
	      "       isokiosk central add-kiosk ID PUBLIC-KEY --db"
	      " postgresql://...\n"
	      "The clinic-wide copy of every kiosk's records in PostgreSQL.\n\n"
	      "  init       create the schema (or migrate it), the roles\n"
	      "             isokiosk_kiosk (may only insert) and"
	      " isokiosk_staff (may\n"
	      "             only read); grant them to login roles\n"
	      "  add-kiosk  register a kiosk's public key (isokiosk keys show"
	      " on the\n"
	      "             kiosk prints it): the central store refuses links"
	      " from\n"
	      "             kiosks it does not know or signed with another key\n\n"
	      "  --db URL   a libpq connection string (postgresql://...)\n"
	      "  -h, --help show this help and exit\n", fp);
}

int
cmd_central(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "db", required_argument, NULL, 'd' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *url = NULL, *verb;
	char *err = NULL;
	int c, rc;

	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (c) {
		case 'd': url = optarg; break;
		case 'h': cmd_central_help(stdout); return 0;
		default:
			return cli_usage_error("central", "unknown option '%s'",
					       argv[optind - 1]);
		}
	}
	if (optind >= argc)
		return cli_usage_error("central", "init or add-kiosk?");
	verb = argv[optind++];
	if (url == NULL || !central_is_url(url))
		return cli_usage_error("central", "--db postgresql://... is"
				       " needed");
	if (strcmp(verb, "init") == 0) {
		int before;

		if (optind != argc)
			return cli_usage_error("central", "init takes no"
					       " argument");
		rc = central_init(url, &before, &err);
		if (rc == 0)
			outgate_printf(stdout, before == CENTRAL_SCHEMA_VERSION
				       ? "central store: schema %d, up to date\n"
				       : "central store: schema %d ready\n",
				       CENTRAL_SCHEMA_VERSION);
	} else if (strcmp(verb, "add-kiosk") == 0) {
		if (argc - optind != 2)
			return cli_usage_error("central", "add-kiosk takes a"
					       " kiosk id and its public key");
		rc = central_add_kiosk(url, argv[optind], argv[optind + 1],
				       &err);
		if (rc == 0)
			outgate_printf(stdout, "kiosk %s registered\n",
				       argv[optind]);
	} else {
		return cli_usage_error("central", "unknown central command"
				       " '%s'", verb);
	}
	if (rc != 0) {
		outgate_printf(stderr, "isokiosk central: %s\n", err);
		free(err);
		return 1;
	}
	return 0;
}

/* ---- sync ----------------------------------------------------------------- */

static volatile sig_atomic_t cmd_sync_stop;

static void
cmd_sync_signal(int sig)
{
	(void)sig;
	cmd_sync_stop = 1;
}

static void
cmd_sync_help(FILE *fp)
{
	fputs("Usage: isokiosk sync --to postgresql://... [--follow"
	      " [--interval S]]\n"
	      "                     [--db FILE] [--config FILE]\n"
	      "Push this kiosk's sealed, signed records to the clinic's"
	      " central store\n"
	      "(isokiosk central init). Idempotent and resumable: it starts"
	      " after\n"
	      "the central copy's last link of this kiosk. Refused when the"
	      " kiosk is\n"
	      "not registered, a link is not signed by its registered key, or"
	      " the local\n"
	      "chain no longer holds what the central copy has (cut off, rolled"
	      " back or\n"
	      "rewritten).\n\n"
	      "  --to URL       the central store (a libpq connection string)\n"
	      "  --follow       keep syncing every --interval seconds (10)"
	      " until SIGTERM\n"
	      "  --db FILE      the records database (as records --db)\n"
	      "  --config FILE  the configuration (kiosk_id =, db =)\n"
	      "  -h, --help     show this help and exit\n", fp);
}

/*
 * After each attempt, the state the kiosk shows staff (syncstate.h): when,
 * whether it worked, and the central copy's last link as last known. Not
 * being able to write it does not fail the sync (it is said on stderr).
 */
static void
cmd_sync_state(const char *db, const struct central_sync_stats *s,
	       const char *error)
{
	char *path = syncstate_path(db), *err = NULL;
	struct syncstate st;

	/* what the last attempt knew, if anything */
	if (syncstate_load(path, &st, &err) != 0) {
		free(err);
		err = NULL;
		memset(&st, 0, sizeof st);
	}
	st.attempt = (int64_t)time(NULL);
	if (s->central_now >= 0)
		st.central = s->central_now;
	if (error == NULL) {
		st.synced = st.attempt;
		st.failed = false;
		st.error[0] = '\0';
	} else {
		syncstate_set_error(&st, error);
	}
	if (st.synced > st.attempt)
		st.synced = st.attempt; /* the clock went back */
	if (syncstate_save(path, &st, &err) != 0) {
		outgate_printf(stderr, "isokiosk sync: the state for the"
			       " kiosk's staff screens not saved: %s\n", err);
		free(err);
	}
	free(path);
}

/* One sync; prints what it did. 0 or 1. */
static int
cmd_sync_once(const char *db, const char *kiosk, const char *url, bool quiet)
{
	struct store_opts o = { .flags = STORE_READONLY };
	struct central_sync_stats s = { .central_now = -1 };
	char *err = NULL;
	struct store *st = store_open(db, &o, &err);
	int rc;

	if (st == NULL) {
		outgate_printf(stderr, "isokiosk sync: %s\n", err);
		free(err);
		return 1;
	}
	rc = central_sync(st, kiosk, url, &s, &err);
	store_close(st);
	cmd_sync_state(db, &s, rc != 0 ? err : NULL);
	if (rc != 0) {
		outgate_printf(stderr, "isokiosk sync: %s (%zu links pushed"
			       " before the failure)\n", err, s.pushed);
		free(err);
		return 1;
	}
	if (!quiet || s.pushed > 0 || s.checkpoints > 0)
		outgate_printf(stdout, "sync: kiosk %s: %zu links pushed (the"
			       " central copy was %lld behind; now at #%lld),"
			       " %zu checkpoints\n", kiosk, s.pushed,
			       (long long)(s.local_head - s.central_before),
			       (long long)s.local_head, s.checkpoints);
	fflush(stdout);
	return 0;
}

int
cmd_sync(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "to", required_argument, NULL, 't' },
		{ "follow", no_argument, NULL, 'F' },
		{ "interval", required_argument, NULL, 'i' },
		{ "db", required_argument, NULL, 'd' },
		{ "config", required_argument, NULL, 'f' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *url = NULL, *dbopt = NULL, *configfile = NULL;
	bool follow = false;
	long interval = 10;
	char *db = NULL, *kiosk = NULL, *end;
	struct config cfg;
	struct diag_list dl;
	char *cpath;
	int c, rc;

	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (c) {
		case 't': url = optarg; break;
		case 'F': follow = true; break;
		case 'i':
			interval = strtol(optarg, &end, 10);
			if (*optarg == '\0' || *end != '\0' || interval < 1 ||
			    interval > 86400)
				return cli_usage_error("sync", "--interval '%s':"
						       " seconds, 1 to 86400",
						       optarg);
			break;
		case 'd': dbopt = optarg; break;
		case 'f': configfile = optarg; break;
		case 'h': cmd_sync_help(stdout); return 0;
		default:
			return cli_usage_error("sync", "unknown option '%s'",
					       argv[optind - 1]);
		}
	}
	if (optind != argc)
		return cli_usage_error("sync", "no argument expected");
	if (url == NULL || !central_is_url(url))
		return cli_usage_error("sync", "--to postgresql://... is"
				       " needed");
	config_init(&cfg);
	diag_list_init(&dl);
	cpath = configfile != NULL ? xstrdup(configfile) : config_default_path();
	if ((configfile != NULL || access(cpath, F_OK) == 0) &&
	    config_load(&cfg, cpath, &dl) != 0) {
		diag_print(&dl, stderr);
		diag_list_done(&dl);
		config_done(&cfg);
		free(cpath);
		return 1;
	}
	free(cpath);
	diag_list_done(&dl);
	kiosk = xstrdup(cfg.kiosk_id);
	if (dbopt != NULL)
		db = xstrdup(dbopt);
	else if (getenv("ISOKIOSK_DB") != NULL && *getenv("ISOKIOSK_DB"))
		db = xstrdup(getenv("ISOKIOSK_DB"));
	else if (cfg.db_path != NULL)
		db = xstrdup(cfg.db_path);
	else
		db = store_default_path(false);
	config_done(&cfg);

	if (!follow) {
		rc = cmd_sync_once(db, kiosk, url, false);
	} else {
		struct sigaction sa = { .sa_handler = cmd_sync_signal };

		sigemptyset(&sa.sa_mask);
		sigaction(SIGTERM, &sa, NULL);
		sigaction(SIGINT, &sa, NULL);
		rc = 0;
		while (!cmd_sync_stop) {
			cmd_sync_once(db, kiosk, url, true);
			for (long i = 0; i < interval * 10 && !cmd_sync_stop;
			     i++) {
				struct timespec ts = { 0, 100000000 };

				nanosleep(&ts, NULL);
			}
		}
	}
	free(db);
	free(kiosk);
	return rc;
}
