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
#include "xmalloc.h"

static void
cmd_check_help(FILE *fp)
{
	fputs("Usage: isokiosk check [DIR|FILE]...\n"
	      "Validate content: every file of every language in a content\n"
	      "folder (DIR), or single content files (FILE). Reports problems as\n"
	      "  path:line:col: error|warning: message\n"
	      "including screens, questions and statements missing from a\n"
	      "translation, and translations whose source file has changed.\n"
	      "With no argument, the bundled content folder.\n"
	      "\n  -h, --help  show this help and exit\n"
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
		content_doc_free(content_parse(path, t.text, t.len, values, lang,
					       dl));
		decode_text_done(&t);
	}
	clinic_free(values);
	free(lang);
	free(conf);
	free(man);
	free(dir);
}

static void
cmd_check_dir(const char *path, struct diag_list *dl)
{
	char *man = cmd_check_join(path, "manifest");
	char *root = NULL;

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
	bundle_free(bundle_load(root != NULL ? root : path, dl));
	free(root);
	free(man);
}

int
cmd_check(int argc, char **argv)
{
	struct diag_list dl;
	int first = 1, status;
	bool any = false;

	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
			cmd_check_help(stdout);
			return 0;
		}
		if (strcmp(argv[i], "--") == 0) {
			first = i + 1;
			break;
		}
		if (argv[i][0] == '-' && argv[i][1] != '\0')
			return cli_usage_error("check", "unknown option '%s'",
					       argv[i]);
	}
	diag_list_init(&dl);
	for (int i = first; i < argc; i++) {
		if (first == 1 && strcmp(argv[i], "--") == 0)
			continue;
		any = true;
		if (cmd_check_exists(argv[i], true)) {
			cmd_check_dir(argv[i], &dl);
		} else if (cmd_check_is(argv[i], "manifest") ||
			   cmd_check_is(argv[i], "clinic.conf")) {
			/* not content files: check what they belong to */
			char *dir = cmd_check_dirname(argv[i]);
			cmd_check_dir(dir, &dl);
			free(dir);
		} else {
			cmd_check_file(argv[i], &dl);
		}
	}
	if (!any)
		cmd_check_dir(cli_default_content_dir(), &dl);
	diag_sort(&dl);
	diag_print(&dl, stderr);
	status = diag_count(&dl, DIAG_ERROR) > 0 ? 1 : 0;
	diag_list_done(&dl);
	return status;
}
