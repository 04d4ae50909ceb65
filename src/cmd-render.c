/*
 * cmd-render: `isokiosk render` prints a content file laid out as plain text,
 * exactly the lines the kiosk would draw at that width: the basis of the
 * golden layout tests and of a translator's review by diff.
 *
 *   isokiosk render [--width N] [--lang L] [--ambiguous-width 1|2]
 *                   [--ruby paren|over|off] FILE|SCREEN_ID
 *
 * A SCREEN_ID (no '/' and no ".md") names content/<L>/<id>.md in the bundled
 * content. Clinic values ({{key}}) come from the clinic.conf two levels above
 * the file when there is one. Diagnostics go to stderr sorted; with an error
 * nothing is printed and the exit status is 1.
 */
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "clinic.h"
#include "cmd.h"
#include "content.h"
#include "decode.h"
#include "diag.h"
#include "layout.h"
#include "xmalloc.h"

static void
cmd_render_help(void)
{
	fputs("Usage: isokiosk render [OPTION]... FILE|SCREEN_ID\n"
	      "Print a content file laid out as the kiosk shows it, as plain text.\n"
	      "\n"
	      "  -w, --width N              columns (default 80)\n"
	      "  -l, --lang L               language of a SCREEN_ID (default ja)\n"
	      "  -a, --ambiguous-width 1|2  columns of East Asian Ambiguous\n"
	      "                             characters (default 1)\n"
	      "  -r, --ruby paren|over|off  readings in parentheses, above the\n"
	      "                             line, or not shown (default paren)\n"
	      "  -h, --help                 show this help and exit\n"
	      "\n"
	      "Exit status: 0 ok (warnings allowed), 1 errors in the file,\n"
	      "2 usage error.\n", stdout);
}

/* "--opt VALUE", "--opt=VALUE" or "-o VALUE"; advances *i past it. */
static const char *
cmd_render_optarg(int argc, char **argv, int *i, const char *lng,
		  const char *shrt)
{
	const char *a = argv[*i];
	size_t n = strlen(lng);

	if (strncmp(a, lng, n) == 0 && a[n] == '=')
		return a + n + 1;
	if (strcmp(a, lng) == 0 || strcmp(a, shrt) == 0) {
		if (*i + 1 >= argc)
			return "";
		return argv[++*i];
	}
	return NULL;
}

static bool
cmd_render_is_file(const char *arg)
{
	size_t n = strlen(arg);

	return strchr(arg, '/') != NULL || (n > 3 && strcmp(arg + n - 3, ".md") == 0) ||
	       access(arg, R_OK) == 0;
}

/* clinic.conf two directories above path (content/ja/x.md → content/). */
static char *
cmd_render_clinic_path(const char *path)
{
	char *dir = xstrdup(path), *slash, *res;

	slash = strrchr(dir, '/');
	if (slash == NULL) {
		free(dir);
		return xstrdup("../clinic.conf");
	}
	*slash = '\0';
	res = xasprintf("%s/../clinic.conf", dir);
	free(dir);
	return res;
}

/* The language of a file in a language folder (content/ja/x.md: "ja", the
 * folder holding a manifest), or NULL. */
static char *
cmd_render_lang_of(const char *path)
{
	char *dir = xstrdup(path), *slash, *base, *manifest, *res = NULL;

	slash = strrchr(dir, '/');
	if (slash != NULL) {
		*slash = '\0';
		manifest = xasprintf("%s/manifest", dir);
		base = strrchr(dir, '/');
		base = base ? base + 1 : dir;
		if (access(manifest, R_OK) == 0 && *base != '\0')
			res = xstrdup(base);
		free(manifest);
	}
	free(dir);
	return res;
}

static void
cmd_render_put(struct layout *l)
{
	char *s = layout_to_text(l);

	fputs(s, stdout);
	free(s);
	layout_free(l);
}

/*
 * The same lines as layout_doc, laid out and printed one top-level node at a
 * time so that a long document never holds more than one node's lines.
 */
static void
cmd_render_print(const struct content_doc *doc, const struct layout_opts *o)
{
	struct content_doc head = *doc;
	struct layout *l;
	bool any;

	head.nodes = NULL;
	head.n = 0;
	l = layout_doc(&head, o); /* the title */
	any = l->n > 0;
	cmd_render_put(l);
	for (size_t i = 0; i < doc->n; i++) {
		if (any)
			putchar('\n');
		cmd_render_put(layout_nodes(&doc->nodes[i], 1, o));
		any = true;
	}
}

int
cmd_render(int argc, char **argv)
{
	struct layout_opts o = { 80, 1, LAYOUT_RUBY_PAREN };
	const char *lang = NULL, *arg = NULL;
	char *path, *clinic, *flang;
	struct content_values *values = NULL;
	struct decode_text dt;
	struct content_doc *doc = NULL;
	struct diag_list dl;
	int status = 0;

	for (int i = 1; i < argc; i++) {
		const char *v;
		char *end;

		if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
			cmd_render_help();
			return 0;
		} else if ((v = cmd_render_optarg(argc, argv, &i, "--width", "-w"))) {
			long w = strtol(v, &end, 10);

			if (*v == '\0' || *end != '\0' || w < 1 || w > 10000)
				return cli_usage_error("render",
						       "--width wants a number from 1 to 10000, not '%s'",
						       v);
			o.width = (int)w;
		} else if ((v = cmd_render_optarg(argc, argv, &i,
						  "--ambiguous-width", "-a"))) {
			if (strcmp(v, "1") != 0 && strcmp(v, "2") != 0)
				return cli_usage_error("render",
						       "--ambiguous-width wants 1 or 2, not '%s'",
						       v);
			o.ambiguous = v[0] - '0';
		} else if ((v = cmd_render_optarg(argc, argv, &i, "--ruby", "-r"))) {
			if (strcmp(v, "paren") == 0)
				o.ruby = LAYOUT_RUBY_PAREN;
			else if (strcmp(v, "over") == 0)
				o.ruby = LAYOUT_RUBY_OVER;
			else if (strcmp(v, "off") == 0)
				o.ruby = LAYOUT_RUBY_OFF;
			else
				return cli_usage_error("render",
						       "--ruby wants paren, over or off, not '%s'",
						       v);
		} else if ((v = cmd_render_optarg(argc, argv, &i, "--lang", "-l"))) {
			if (*v == '\0' || strchr(v, '/') != NULL)
				return cli_usage_error("render",
						       "--lang wants a language code");
			lang = v;
		} else if (argv[i][0] == '-' && argv[i][1] != '\0') {
			return cli_usage_error("render", "unknown option '%s'",
					       argv[i]);
		} else if (arg == NULL) {
			arg = argv[i];
		} else {
			return cli_usage_error("render", "one FILE or SCREEN_ID only");
		}
	}
	if (arg == NULL)
		return cli_usage_error("render", "missing FILE or SCREEN_ID");

	if (cmd_render_is_file(arg))
		path = xstrdup(arg);
	else
		path = xasprintf("%s/%s/%s.md", cli_default_content_dir(),
				 lang ? lang : "ja", arg);
	flang = lang ? xstrdup(lang) : cmd_render_lang_of(path);

	diag_list_init(&dl);
	clinic = cmd_render_clinic_path(path);
	if (access(clinic, R_OK) == 0)
		values = clinic_load(clinic, &dl);
	free(clinic);
	if (decode_file(path, &dt, &dl) == 0) {
		doc = content_parse(path, dt.text, dt.len, values,
				    flang ? flang : "ja", &dl);
		decode_text_done(&dt);
	}
	diag_sort(&dl);
	diag_print(&dl, stderr);
	if (diag_count(&dl, DIAG_ERROR) > 0 || doc == NULL) {
		status = 1;
	} else {
		cmd_render_print(doc, &o);
		if (fflush(stdout) != 0 || ferror(stdout))
			status = 1;
	}
	content_doc_free(doc);
	if (values != NULL)
		clinic_free(values);
	diag_list_done(&dl);
	free(flang);
	free(path);
	return status;
}
