/*
 * cmd-staff: `isokiosk staff set-pin [--config FILE]`: ask for the staff PIN
 * twice (without echo on a terminal; two lines on a pipe) and store its hash
 * (pin.h) as staff_pin_hash in the configuration file.
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
#include "pin.h"
#include "xmalloc.h"

static void
cmd_staff_help(void)
{
	fputs("Usage: isokiosk staff set-pin [--config FILE]\n"
	      "Store a hash of the staff PIN (4 to 16 digits) in the configuration.\n"
	      "The PIN is read twice from the terminal, or as two lines from stdin.\n\n"
	      "  --config FILE  the configuration file (default: $ISOKIOSK_CONFIG or\n"
	      "                 ~/.config/isokiosk/isokiosk.conf)\n"
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
		fprintf(stderr, "isokiosk staff: a PIN is %d to %d digits\n",
			PIN_MIN_LEN, PIN_MAX_LEN);
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
		fprintf(stderr, "isokiosk staff: cannot write %s: %s\n", path,
			strerror(errno));
		goto out;
	}
	printf("staff PIN set in %s\n", path);
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

int
cmd_staff(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "config", required_argument, NULL, 'f' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *config = NULL;
	char *def = NULL;
	int c, rc;

	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (c) {
		case 'f': config = optarg; break;
		case 'h': cmd_staff_help(); return 0;
		default:
			return cli_usage_error("staff", "unknown option '%s'",
					       argv[optind - 1]);
		}
	}
	if (optind >= argc)
		return cli_usage_error("staff", "missing action (set-pin)");
	if (strcmp(argv[optind], "set-pin") != 0)
		return cli_usage_error("staff", "unknown action '%s'", argv[optind]);
	if (optind + 1 < argc)
		return cli_usage_error("staff", "unexpected argument '%s'",
				       argv[optind + 1]);
	if (config == NULL)
		config = def = config_default_path();
	rc = cmd_staff_set_pin(config);
	free(def);
	return rc;
}
