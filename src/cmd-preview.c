/*
 * cmd-preview: `isokiosk preview [--config FILE] FILE`: show one content
 * file as the patient sees it, in the kiosk's own screen state, and show it
 * again whenever the file is saved; diagnostics take the place of the text
 * while the file has errors. q quits.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "clinic.h"
#include "cmd.h"
#include "config.h"
#include "decode.h"
#include "i18n.h"
#include "kiosk.h"
#include "outgate.h"
#include "strbuf.h"
#include "term.h"
#include "xmalloc.h"

static struct stat cmd_preview_st;

/* The language folder's name (content/<lang>/file.md), "ja" otherwise. */
static char *
cmd_preview_lang(const char *path)
{
	char *d = xstrdup(path), *slash = strrchr(d, '/'), *lang;

	if (slash == NULL) {
		free(d);
		return xstrdup("ja");
	}
	*slash = '\0';
	slash = strrchr(d, '/');
	lang = xstrdup(slash != NULL ? slash + 1 : d);
	free(d);
	return lang;
}

/* Parse the file into app: the document, or the diagnostics. */
static void
cmd_preview_load(struct kiosk_app *app, const char *path)
{
	struct diag_list dl;
	struct decode_text t;
	struct content_values *values = NULL;
	struct content_doc *doc = NULL;
	char *lang = cmd_preview_lang(path);
	char *dir = xstrdup(path), *slash = strrchr(dir, '/'), *clinic;

	if (slash != NULL)
		*slash = '\0';
	else
		strcpy(dir, ".");
	clinic = xasprintf("%s/../clinic.conf", dir);
	diag_list_init(&dl);
	if (access(clinic, R_OK) == 0)
		values = clinic_load(clinic, &dl);
	if (decode_file(path, &t, &dl) == 0) {
		doc = content_parse(path, t.text, t.len, values, lang, &dl);
		decode_text_done(&t);
	}
	free(app->preview_error);
	app->preview_error = NULL;
	if (diag_count(&dl, DIAG_ERROR) > 0 || doc == NULL) {
		struct strbuf sb;

		strbuf_init(&sb);
		diag_sort(&dl);
		for (size_t i = 0; i < dl.n; i++) {
			char *s = diag_format(&dl.v[i]);

			strbuf_addstr(&sb, s);
			strbuf_addch(&sb, '\n');
			free(s);
		}
		if (sb.len == 0)
			strbuf_addstr(&sb, "cannot read the file\n");
		app->preview_error = strbuf_detach(&sb, NULL);
		strbuf_done(&sb);
	}
	kiosk_set_preview(app, doc, path);
	if (values != NULL)
		clinic_free(values);
	diag_list_done(&dl);
	free(clinic);
	free(dir);
	free(lang);
}

static bool
cmd_preview_tick(struct kiosk_app *app)
{
	struct stat st;

	if (stat(app->preview_path, &st) != 0)
		return false;
	if (st.st_mtim.tv_sec == cmd_preview_st.st_mtim.tv_sec &&
	    st.st_mtim.tv_nsec == cmd_preview_st.st_mtim.tv_nsec &&
	    st.st_size == cmd_preview_st.st_size &&
	    st.st_ino == cmd_preview_st.st_ino)
		return false;
	cmd_preview_st = st;
	cmd_preview_load(app, app->preview_path);
	return true;
}

int
cmd_preview(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "config", required_argument, NULL, 'f' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *config = NULL, *path;
	struct config cfg;
	struct diag_list dl;
	struct kiosk_app app;
	struct term_opts topts;
	int c, w, h, amb;

	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (c) {
		case 'f': config = optarg; break;
		case 'h':
			fputs("Usage: isokiosk preview [--config FILE] FILE\n"
			      "Show one content file as the patient sees it; the screen\n"
			      "follows the file as it is saved. q quits.\n", stdout);
			return 0;
		default:
			return cli_usage_error("preview", "unknown option '%s'",
					       argv[optind - 1]);
		}
	}
	if (optind + 1 != argc)
		return cli_usage_error("preview", "expected one FILE");
	path = argv[optind];
	if (stat(path, &cmd_preview_st) != 0) {
		outgate_printf(stderr, "isokiosk preview: %s: cannot read\n", path);
		return 1;
	}
	i18n_init();
	config_init(&cfg);
	diag_list_init(&dl);
	if (config != NULL && config_load(&cfg, config, &dl) < 0) {
		diag_print(&dl, stderr);
		diag_list_done(&dl);
		config_done(&cfg);
		return 1;
	}
	diag_list_done(&dl);
	if (term_check() < 0) {
		config_done(&cfg);
		return 2;
	}
	amb = cfg.ambiguous != 0 ? cfg.ambiguous : term_probe_ambiguous();
	topts = (struct term_opts){ .theme = cfg.theme, .mouse = true,
				    .kiosk = false, .ambiguous = amb };
	if (term_init(&topts, &w, &h) < 0) {
		config_done(&cfg);
		return 2;
	}
	kiosk_init(&app, &cfg, NULL, NULL, w, h, amb != 0 ? amb : 1, 0);
	{
		char *pl = cmd_preview_lang(path);

		i18n_set_language(pl); /* the UI in the file's language */
		free(pl);
	}
	cmd_preview_load(&app, path);
	app.tick_hook = cmd_preview_tick;
	kiosk_set_state(&app, KIOSK_SCREEN);
	kiosk_event(&app, &(struct keys_event){ .kind = KEYS_EV_RESIZE,
						.x = w, .y = h });
	kiosk_run(&app);
	term_done();
	kiosk_done(&app);
	config_done(&cfg);
	return 0;
}
