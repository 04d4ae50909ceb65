/*
 * cmd-staff: `isokiosk staff set-pin [--config FILE]`: ask for the staff PIN
 * twice (without echo on a terminal; two lines on a pipe) and store its hash
 * (pin.h) as staff_pin_hash in the configuration file, which keeps its
 * owner, group and mode (afile.h). `isokiosk staff unlock [--config FILE]
 * [--db FILE]`: root only, forget the wrong PINs and lift the lock after
 * PIN_LOCK_AFTER of them (the PIN state file keeps its owner and mode, so
 * the kiosk can go on writing it).
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <termios.h>
#include <unistd.h>

#include "cmd.h"
#include "config.h"
#include "outgate.h"
#include "pin.h"
#include "store.h"
#include "xmalloc.h"

static void
cmd_staff_help(void)
{
	fputs("Usage: isokiosk staff set-pin [--config FILE]\n"
	      "       isokiosk staff unlock [--config FILE] [--db FILE]\n"
	      "set-pin: store a hash of the staff PIN (6 to 16 digits) in the\n"
	      "configuration, which keeps its owner, group and mode. The PIN is\n"
	      "read twice from the terminal, or as two lines from stdin.\n"
	      "unlock (root only): forget the wrong PINs; after 10 in a row the\n"
	      "kiosk takes no PIN until this is run. The wrong PINs are kept in\n"
	      "pin_state = FILE of the configuration, else in pin-state beside\n"
	      "the records database.\n\n"
	      "  --config FILE  the configuration file (default: $ISOKIOSK_CONFIG or\n"
	      "                 ~/.config/isokiosk/isokiosk.conf)\n"
	      "  --db FILE      the records database the kiosk uses (unlock)\n"
	      "  -h, --help     show this help and exit\n", stdout);
}

/* One line from stdin without echo; caller frees (and wipes). */
static char *
cmd_staff_read(const char *prompt)
{
	struct termios old, quiet;
	bool tty = isatty(STDIN_FILENO);
	char buf[128];
	char *r;

	if (tty) {
		fputs(prompt, stderr);
		fflush(stderr);
		tcgetattr(STDIN_FILENO, &old);
		quiet = old;
		quiet.c_lflag &= (tcflag_t)~ECHO;
		tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet);
	}
	r = fgets(buf, sizeof buf, stdin);
	if (tty) {
		tcsetattr(STDIN_FILENO, TCSAFLUSH, &old);
		fputc('\n', stderr);
	}
	if (r == NULL)
		return NULL;
	buf[strcspn(buf, "\r\n")] = '\0';
	r = xstrdup(buf);
	pin_wipe(buf, sizeof buf);
	return r;
}

static void
cmd_staff_mkdirs(const char *path)
{
	char *d = xstrdup(path);

	for (char *p = d + 1; *p != '\0'; p++) {
		if (*p == '/') {
			*p = '\0';
			mkdir(d, 0700);
			*p = '/';
		}
	}
	free(d);
}

static int
cmd_staff_set_pin(const char *path)
{
	char *a = NULL, *b = NULL, *hash = NULL;
	int rc = 1;

	a = cmd_staff_read("New staff PIN: ");
	if (a == NULL) {
		fputs("isokiosk staff: no PIN given\n", stderr);
		goto out;
	}
	if (!pin_valid(a)) {
		fprintf(stderr, "isokiosk staff: a PIN is %d to %d digits;"
			" nothing changed\n", PIN_MIN_LEN, PIN_MAX_LEN);
		goto out;
	}
	b = cmd_staff_read("Again: ");
	if (b == NULL || strcmp(a, b) != 0) {
		fputs("isokiosk staff: the two PINs differ; nothing changed\n", stderr);
		goto out;
	}
	hash = pin_hash(a);
	if (hash == NULL) {
		fputs("isokiosk staff: cannot hash the PIN (libsodium)\n", stderr);
		goto out;
	}
	cmd_staff_mkdirs(path);
	if (config_write_key(path, "staff_pin_hash", hash) < 0) {
		outgate_printf(stderr, "isokiosk staff: cannot write %s: %s;"
			       " nothing changed\n", path, errno == ELOOP
			       ? "it is a symbolic link (give the file's own"
				 " path)" : strerror(errno));
		goto out;
	}
	outgate_printf(stdout, "staff PIN set in %s\n", path);
	rc = 0;
out:
	if (a != NULL) {
		pin_wipe(a, strlen(a));
		free(a);
	}
	if (b != NULL) {
		pin_wipe(b, strlen(b));
		free(b);
	}
	free(hash);
	return rc;
}

/* unlock: the PIN state as the kiosk finds it (pin_state_path over the
 * configuration's pin_state and db, --db first). */
static int
cmd_staff_unlock(const char *config, bool config_given, const char *db)
{
	struct config cfg;
	struct diag_list dl;
	struct pin_state ps;
	char *dbpath = NULL, *path, *err = NULL;
	int rc = 1;

	if (geteuid() != 0) {
		fputs("isokiosk staff unlock: only root may lift the PIN lock"
		      " (run it as root, e.g. with sudo)\n", stderr);
		return 1;
	}
	config_init(&cfg);
	diag_list_init(&dl);
	if ((config_given || access(config, F_OK) == 0) &&
	    config_load(&cfg, config, &dl) != 0) {
		diag_print(&dl, stderr);
		diag_list_done(&dl);
		config_done(&cfg);
		return 1;
	}
	diag_list_done(&dl);
	dbpath = db != NULL ? xstrdup(db) : cfg.db_path != NULL
		 ? xstrdup(cfg.db_path) : store_default_path(false);
	path = pin_state_path(cfg.pin_state, dbpath);
	if (pin_state_load(path, &ps, &err) != 0) {
		/* damaged: replaced by a clean state all the same */
		outgate_printf(stderr, "isokiosk staff unlock: %s (replacing"
			       " it)\n", err);
		free(err);
		err = NULL;
		memset(&ps, 0, sizeof ps);
		ps.fails = -1;
	}
	if (ps.fails == 0 && !ps.locked && access(path, F_OK) != 0) {
		outgate_printf(stdout, "no wrong PINs recorded (%s): nothing to"
			       " unlock\n", path);
		rc = 0;
	} else {
		int fails = ps.fails;

		memset(&ps, 0, sizeof ps);
		if (pin_state_save(path, &ps, &err) != 0) {
			outgate_printf(stderr, "isokiosk staff unlock: %s;"
				       " nothing changed\n", err);
		} else {
			if (fails >= 0)
				outgate_printf(stdout, "staff PIN unlocked: %d"
					       " wrong PINs forgotten (%s)\n",
					       fails, path);
			else
				outgate_printf(stdout, "staff PIN unlocked (%s)\n",
					       path);
			rc = 0;
		}
	}
	free(err);
	free(path);
	free(dbpath);
	config_done(&cfg);
	return rc;
}

int
cmd_staff(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "config", required_argument, NULL, 'f' },
		{ "db", required_argument, NULL, 'd' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *config = NULL, *db = NULL;
	char *def = NULL;
	bool given;
	int c, rc;

	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (c) {
		case 'f': config = optarg; break;
		case 'd': db = optarg; break;
		case 'h': cmd_staff_help(); return 0;
		default:
			return cli_usage_error("staff", "unknown option '%s'",
					       argv[optind - 1]);
		}
	}
	if (optind >= argc)
		return cli_usage_error("staff", "missing action (set-pin or"
				       " unlock)");
	if (strcmp(argv[optind], "set-pin") != 0 &&
	    strcmp(argv[optind], "unlock") != 0)
		return cli_usage_error("staff", "unknown action '%s'", argv[optind]);
	if (optind + 1 < argc)
		return cli_usage_error("staff", "unexpected argument '%s'",
				       argv[optind + 1]);
	if (db != NULL && strcmp(argv[optind], "unlock") != 0)
		return cli_usage_error("staff", "--db is for unlock");
	given = config != NULL;
	if (config == NULL)
		config = def = config_default_path();
	if (strcmp(argv[optind], "unlock") == 0)
		rc = cmd_staff_unlock(config, given, db);
	else
		rc = cmd_staff_set_pin(config);
	free(def);
	return rc;
}
