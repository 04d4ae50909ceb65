/*
 * cli: the command line of the isokiosk binary: --help, --version and the
 * table of subcommands. Owns nothing else; each subcommand lives in cmd-*.c.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd.h"
#include "config-build.h"
#include "outgate.h"

static const struct cmd cli_cmds[] = {
	/* run */
	{ "run", cmd_run, "start the kiosk" },
	/* check */
	{ "check", cmd_check, "validate content files (all languages)" },
	/* render */
	{ "render", cmd_render, "print a content file laid out as plain text" },
	/* preview */
	{ "preview", cmd_preview, "show one content file as the patient sees it" },
	/* records */
	{ "records", cmd_records, "list, show, verify or export consent records" },
	/* staff */
	{ "staff", cmd_staff, "staff tasks: set-pin" },
	/* keys (cmd-anchor.c) */
	{ "keys", cmd_keys, "show the kiosk's signing key" },
	/* central, sync (cmd-central.c) */
	{ "central", cmd_central, "set up the clinic's central store (PostgreSQL)" },
	{ "sync", cmd_sync, "push this kiosk's records to the central store" },
	{ NULL, NULL, NULL },
};

static void
cli_help(FILE *fp)
{
	fputs("Usage: isokiosk [COMMAND] [OPTION]...\n"
	      "A terminal kiosk that teaches patients about isotretinoin, checks\n"
	      "their understanding and records their acknowledgement of its risks.\n"
	      "\nCommands:\n", fp);
	for (const struct cmd *c = cli_cmds; c->name != NULL; c++)
		fprintf(fp, "  %-10s %s\n", c->name, c->summary);
	fputs("\nWith no command, 'run'. 'isokiosk COMMAND --help' tells more.\n"
	      "  -h, --help     show this help and exit\n"
	      "  -V, --version  show the version and exit\n"
	      "\nExit status: 0 ok, 1 failure or findings, 2 usage error.\n", fp);
}

int
cli_usage_error(const char *cmd, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "isokiosk%s%s: ", cmd ? " " : "", cmd ? cmd : "");
	/* The arguments are what was typed: an option or a name with ESC in
	 * it is shown, not obeyed (outgate). */
	va_start(ap, fmt);
	outgate_vprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\nTry 'isokiosk %s%s--help' for more information.\n",
		cmd ? cmd : "", cmd ? " " : "");
	return 2;
}

const char *
cli_default_content_dir(void)
{
	static char buf[4096];
	const char *env = getenv("ISOKIOSK_CONTENT");

	if (env != NULL && *env != '\0')
		return env;
	/* Run from a build tree: the source tree's content. */
	snprintf(buf, sizeof buf, "%s/content/ja/manifest", ISOKIOSK_SOURCE_ROOT);
	if (access(buf, R_OK) == 0) {
		snprintf(buf, sizeof buf, "%s/content", ISOKIOSK_SOURCE_ROOT);
		return buf;
	}
	return ISOKIOSK_DATADIR "/content";
}

int
cli_main(int argc, char **argv)
{
	const char *name = "run";
	int shift = 0; /* 0: the default command, argv[0] stands for its name */

	if (argc > 1) {
		if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
			cli_help(stdout);
			return 0;
		}
		if (strcmp(argv[1], "--version") == 0 || strcmp(argv[1], "-V") == 0) {
			printf("isokiosk %s\n", ISOKIOSK_VERSION);
			return 0;
		}
		if (argv[1][0] != '-') {
			name = argv[1];
			shift = 1;
		}
	}
	for (const struct cmd *c = cli_cmds; c->name != NULL; c++)
		if (strcmp(c->name, name) == 0)
			return c->fn(argc - shift, argv + shift);
	return cli_usage_error(NULL, "unknown command '%s'", name);
}
