/*
 * cmd-check: `isokiosk check [DIR|FILE]...`, the translators' and content
 * editors' command. Prints every diagnostic (sorted by file, line, column) to
 * stderr and nothing else; exit 0 when there are no errors (warnings allowed),
 * 1 when there are, 2 on a usage error.
 *
 * A DIR is a content folder (clinic.conf and language folders), loaded whole
 * with bundle_load; a language folder (one with a manifest), a manifest or a
 * clinic.conf checks the whole content folder it belongs to. A FILE is decoded and parsed alone, in the
 * language of its folder when that folder has a manifest, with the values of
 * the clinic.conf next to it or one folder up.
 *
 * Both also run the content-quality lints (lint.h) as warnings, with the
 * lint.conf of the language folder (of the file's folder for a FILE). --deploy, the check a clinic runs before
 * going live, adds an error for every clinic value still at its bundled
 * sample ("?=" in clinic.conf), at its clinic.conf:line:col.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "bundle.h"
#include "clinic.h"
#include "cmd.h"
#include "content.h"
#include "decode.h"
#include "lint.h"
#include "xmalloc.h"

static void
cmd_check_help(FILE *fp)
{
	fputs("Usage: isokiosk check [DIR|FILE]...\n"
	      "       isokiosk check --deploy [DIR]...\n"
	      "Validate content: every file of every language in a content\n"
	      "folder (DIR), or single content files (FILE). Reports problems as\n"
	      "  path:line:col: error|warning: message\n"
	      "including screens, questions and statements missing from a\n"
	      "translation, translations whose source file has changed, and\n"
	      "content-quality warnings (quiz, consent statements, readings).\n"
	      "With no argument, the bundled content folder.\n"
	      "\n  --deploy    the check before going live: also an error for\n"
	      "              every clinic value still at its bundled sample\n"
	      "              (a '?=' line in clinic.conf)\n"
	      "  -h, --help  show this help and exit\n"
	      "\nExit status: 0 no errors (warnings allowed), 1 errors, 2 usage "
	      "error.\n", fp);
}

static bool
cmd_check_exists(const char *path, bool dir)
{
	struct stat st;

	if (stat(path, &st) != 0)
		return false;
	return dir ? S_ISDIR(st.st_mode) : S_ISREG(st.st_mode);
}

/* The folder part of path ("." when none); caller frees. */
static char *
cmd_check_dirname(const char *path)
{
	const char *s = strrchr(path, '/');

	if (s == NULL)
		return xstrdup(".");
	while (s > path && s[-1] == '/')
		s--;
	if (s == path)
		return xstrdup("/");
	return xstrndup(path, (size_t)(s - path));
}

static char *
cmd_check_join(const char *dir, const char *name)
{
	if (strcmp(dir, ".") == 0)
		return xstrdup(name);
	return xasprintf("%s/%s", dir, name);
}

/* Whether the file name of path is name. */
static bool
cmd_check_is(const char *path, const char *name)
{
	const char *b = strrchr(path, '/');

	return strcmp(b != NULL ? b + 1 : path, name) == 0;
}

static void
cmd_check_file(const char *path, struct diag_list *dl)
{
	char *dir = cmd_check_dirname(path);
	char *man = cmd_check_join(dir, "manifest");
	char *conf = cmd_check_join(dir, "clinic.conf");
	char *lang = NULL;
	struct content_values *values = NULL;
	struct decode_text t;

	if (cmd_check_exists(man, false)) {
		/* a language folder: its name is the language */
		char *abs = realpath(dir, NULL);
		const char *base = abs != NULL ? strrchr(abs, '/') : NULL;

		if (base != NULL)
			lang = xstrdup(base + 1);
		free(abs);
		if (!cmd_check_exists(conf, false)) {
			char *up = cmd_check_join(dir, "../clinic.conf");
			free(conf);
			conf = up;
		}
	}
	if (cmd_check_exists(conf, false))
		values = clinic_load(conf, dl);
	if (values == NULL)
		values = clinic_new();
	if (decode_file(path, &t, dl) == 0) {
		struct content_doc *doc = content_parse(path, t.text, t.len,
							values, lang, dl);
		struct lint_rules r;

		char *lc = cmd_check_join(dir, "lint.conf");

		/* the word lists of the file's folder, when it has them */
		lint_rules_init(&r);
		lint_rules_load(&r, lc, dl);
		free(lc);
		lint_doc(doc, &r, dl);
		lint_rules_done(&r);
		content_doc_free(doc);
		decode_text_done(&t);
	}
	clinic_free(values);
	free(lang);
	free(conf);
	free(man);
	free(dir);
}

static void
cmd_check_dir(const char *path, bool deploy, struct diag_list *dl)
{
	char *man = cmd_check_join(path, "manifest");
	char *root = NULL;
	struct bundle *b;

	if (cmd_check_exists(man, false)) {
		/* a language folder: check the content folder it is in */
		size_t n = strlen(path);
		while (n > 1 && path[n - 1] == '/')
			n--;
		{
			char *trimmed = xstrndup(path, n);
			root = cmd_check_dirname(trimmed);
			free(trimmed);
		}
	}
	b = bundle_load(root != NULL ? root : path, dl);
	lint_bundle(b, dl);
	if (deploy) {
		char *conf = cmd_check_join(root != NULL ? root : path,
					    "clinic.conf");

		if (b == NULL || b->values == NULL || !cmd_check_exists(conf, false))
			diag_error(dl, conf, 0, 0, "no clinic.conf: a clinic "
				   "needs its own name, phone number and the "
				   "other values before going live");
		else
			clinic_check_deploy(b->values, conf, dl);
		free(conf);
	}
	bundle_free(b);
	free(root);
	free(man);
}

int
cmd_check(int argc, char **argv)
{
	struct diag_list dl;
	int status;
	bool any = false, deploy = false, opts = true;
	const char **args = xcalloc((size_t)argc + 1, sizeof *args);
	size_t nargs = 0;

	/* GNU style: options anywhere, "--" ends them */
	for (int i = 1; i < argc; i++) {
		if (opts && strcmp(argv[i], "--") == 0) {
			opts = false;
		} else if (opts && (strcmp(argv[i], "--help") == 0 ||
				    strcmp(argv[i], "-h") == 0)) {
			free(args);
			cmd_check_help(stdout);
			return 0;
		} else if (opts && strcmp(argv[i], "--deploy") == 0) {
			deploy = true;
		} else if (opts && argv[i][0] == '-' && argv[i][1] != '\0') {
			free(args);
			return cli_usage_error("check", "unknown option '%s'",
					       argv[i]);
		} else {
			args[nargs++] = argv[i];
		}
	}
	for (size_t i = 0; deploy && i < nargs; i++)
		if (!cmd_check_exists(args[i], true) &&
		    !cmd_check_is(args[i], "clinic.conf")) {
			int rc = cli_usage_error("check", "--deploy checks a "
						 "content folder, not '%s'",
						 args[i]);
			free(args);
			return rc;
		}
	diag_list_init(&dl);
	for (size_t i = 0; i < nargs; i++) {
		any = true;
		if (cmd_check_exists(args[i], true)) {
			cmd_check_dir(args[i], deploy, &dl);
		} else if (cmd_check_is(args[i], "manifest") ||
			   cmd_check_is(args[i], "clinic.conf")) {
			/* not content files: check what they belong to */
			char *dir = cmd_check_dirname(args[i]);
			cmd_check_dir(dir, deploy, &dl);
			free(dir);
		} else {
			cmd_check_file(args[i], &dl);
		}
	}
	free(args);
	if (!any)
		cmd_check_dir(cli_default_content_dir(), deploy, &dl);
	diag_sort(&dl);
	diag_print(&dl, stderr);
	status = diag_count(&dl, DIAG_ERROR) > 0 ? 1 : 0;
	diag_list_done(&dl);
	return status;
}
