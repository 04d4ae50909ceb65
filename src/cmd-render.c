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
 * the file when there is one. Diagnostics go to stderr sorted, after the
 * text.
 *
 * The file is parsed, laid out and printed one top-level node at a time
 * (content_parse_each), so that a long document is never held whole: what
 * a render holds is the decoded text and one node. So on an error the
 * nodes before it may already be printed: printing stops at the first
 * error reported (none at all for a file that cannot be read or decoded,
 * or a bad clinic.conf), the rest of the file is still parsed for every
 * diagnostic, and the exit status is 1: output with status 1 may be cut
 * short and is no render to compare with.
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

/* stdout's buffer: it is used until exit, so not on the stack */
static char cmd_render_outbuf[1 << 16];

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
	      "The file is printed a block at a time; with errors in it, the\n"
	      "blocks before the first error may be printed, nothing after.\n"
	      "Diagnostics go to standard error, after the text.\n"
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
 * The receiver of content_parse_each: the same lines as layout_doc, laid
 * out, printed and freed one top-level node at a time, the title first and
 * a blank line between nodes; nothing more once an error is reported.
 */
struct cmd_render_out {
	const struct layout_opts *o;
	const struct diag_list *dl;
	size_t seen;  /* diagnostics looked at for errors */
	bool stopped; /* an error: print nothing more */
	bool any;     /* something printed: a blank line before the next */
};

static bool
cmd_render_ok(struct cmd_render_out *r)
{
	if (!r->stopped && r->dl->n != r->seen) {
		r->seen = r->dl->n;
		r->stopped = diag_count(r->dl, DIAG_ERROR) > 0;
	}
	return !r->stopped;
}

static void
cmd_render_head(void *ctx, struct content_doc *head)
{
	struct cmd_render_out *r = ctx;

	if (cmd_render_ok(r)) {
		struct layout *l = layout_doc(head, r->o); /* the title */

		r->any = l->n > 0;
		cmd_render_put(l);
	}
	content_doc_free(head);
}

static void
cmd_render_node(void *ctx, struct content_node *node)
{
	struct cmd_render_out *r = ctx;
	struct content_node n = *node;

	if (cmd_render_ok(r)) {
		if (r->any)
			putchar('\n');
		cmd_render_put(layout_nodes(&n, 1, r->o));
		r->any = true;
	}
	content_node_done(&n);
}

int
cmd_render(int argc, char **argv)
{
	struct layout_opts o = { 80, 1, LAYOUT_RUBY_PAREN };
	const char *lang = NULL, *arg = NULL;
	char *path, *clinic, *flang;
	struct content_values *values = NULL;
	struct decode_text dt;
	struct diag_list dl;
	struct cmd_render_out out = { .o = &o, .dl = &dl };
	struct content_each each = {
		.head = cmd_render_head, .node = cmd_render_node, .ctx = &out,
	};
	int status = 1;

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
	/* a long render into a file or pipe: 64 KiB writes, not 4 KiB (glibc
	   takes the size only with a buffer given) */
	if (!isatty(STDOUT_FILENO))
		setvbuf(stdout, cmd_render_outbuf, _IOFBF,
			sizeof cmd_render_outbuf);

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
		if (content_parse_each(path, dt.text, dt.len, values,
				       flang ? flang : "ja", &dl, &each) == 0 &&
		    diag_count(&dl, DIAG_ERROR) == 0)
			status = 0;
		decode_text_done(&dt);
	}
	if (fflush(stdout) != 0 || ferror(stdout))
		status = 1;
	diag_sort(&dl);
	diag_print(&dl, stderr);
	if (values != NULL)
		clinic_free(values);
	diag_list_done(&dl);
	free(flang);
	free(path);
	return status;
}
