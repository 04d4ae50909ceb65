/*
 * cmd: the subcommands of the isokiosk binary. Each takes the arguments after
 * its own name (argv[0] is the subcommand name) and returns the exit status:
 * 0 ok, 1 failure or findings, 2 usage error (GNU style).
 */
#ifndef ISOKIOSK_CMD_H
#define ISOKIOSK_CMD_H

#include <stdio.h>

struct cmd {
	const char *name;
	int (*fn)(int argc, char **argv);
	const char *summary; /* one line for --help */
};

/* Dispatch argv (the whole command line); the program's main. */
int cli_main(int argc, char **argv);
/* Print "isokiosk: <msg>\nTry 'isokiosk --help'..." and return 2. */
int cli_usage_error(const char *cmd, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* The bundled content directory: $ISOKIOSK_CONTENT, the source tree's
 * content/ when run from a build tree, else the installed one. */
const char *cli_default_content_dir(void);

int cmd_check(int argc, char **argv);
int cmd_render(int argc, char **argv);
int cmd_run(int argc, char **argv);
int cmd_preview(int argc, char **argv);
int cmd_records(int argc, char **argv);
int cmd_staff(int argc, char **argv);
int cmd_keys(int argc, char **argv);
int cmd_central(int argc, char **argv);
int cmd_sync(int argc, char **argv);

/* Shared by cmd-records.c and cmd-visit.c (the follow-up verbs). */
struct store;
/* The database (--db, $ISOKIOSK_DB, the configuration's, the default) and
 * the configuration's time zone: 0, or -1 said on stderr. */
int cmd_records_setup(const char *opt, char **dbp);
/* text made of recorded values, control characters escaped. */
void cmd_records_put(FILE *fp, const char *text);
/* The content folder the kiosk uses (configuration, else bundled);
 * caller frees. */
char *cmd_records_content_dir(void);
int cmd_records_add_test(int argc, char **argv, const char *dbopt,
			 const char *configopt);
int cmd_records_prescribe(int argc, char **argv, const char *dbopt,
			  const char *configopt);
int cmd_records_patient(struct store *st, const char *ref, char **err);
int cmd_records_due(struct store *st, const char *content, char **err);

#endif
