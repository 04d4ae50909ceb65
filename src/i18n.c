/*
 * i18n: locale set-up and the UI language switch (see i18n.h). Owns the
 * current language code.
 */
#include "i18n.h"

#include <langinfo.h>
#include <limits.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config-build.h"

#define I18N_DOMAIN "isokiosk"

static char i18n_lang[16] = "ja";

/* GNU gettext's catalogue generation counter: bumping it makes gettext
 * forget its cached look-ups (the documented way to switch LANGUAGE). */
extern int _nl_msg_cat_cntr;

const char *
i18n_localedir(void)
{
	static char buf[PATH_MAX + 64];
	const char *env = getenv("ISOKIOSK_LOCALEDIR");
	char exe[PATH_MAX - 64];
	ssize_t n;

	if (env != NULL && *env != '\0')
		return env;
	/* Run from a build tree: <build>/src/isokiosk → <build>/locales. */
	n = readlink("/proc/self/exe", exe, sizeof exe - 1);
	if (n > 0) {
		char *slash;

		exe[n] = '\0';
		slash = strrchr(exe, '/');
		if (slash != NULL) {
			*slash = '\0';
			snprintf(buf, sizeof buf,
				 "%s/../locales/ja/LC_MESSAGES/" I18N_DOMAIN ".mo", exe);
			if (access(buf, R_OK) == 0) {
				snprintf(buf, sizeof buf, "%s/../locales", exe);
				return buf;
			}
		}
	}
	return ISOKIOSK_LOCALEDIR;
}

static int
i18n_is_c(const char *name)
{
	return name == NULL || strcmp(name, "C") == 0 || strcmp(name, "POSIX") == 0;
}

int
i18n_init(void)
{
	const char *cs;

	setlocale(LC_ALL, "");
	cs = nl_langinfo(CODESET);
	if (cs == NULL || strcmp(cs, "UTF-8") != 0) {
		if (setlocale(LC_CTYPE, "C.UTF-8") == NULL &&
		    setlocale(LC_CTYPE, "C.utf8") == NULL)
			return -1;
	}
	if (i18n_is_c(setlocale(LC_MESSAGES, NULL)))
		setlocale(LC_MESSAGES, "C.UTF-8");
	bindtextdomain(I18N_DOMAIN, i18n_localedir());
	bind_textdomain_codeset(I18N_DOMAIN, "UTF-8");
	textdomain(I18N_DOMAIN);
	i18n_set_language(i18n_lang);
	return 0;
}

void
i18n_set_language(const char *code)
{
	if (code != i18n_lang)
		snprintf(i18n_lang, sizeof i18n_lang, "%s", code);
	setenv("LANGUAGE", i18n_lang, 1);
	++_nl_msg_cat_cntr;
}

const char *
i18n_language(void)
{
	return i18n_lang;
}

const char *
i18n_gettext_in(const char *code, const char *msgid)
{
	char saved[sizeof i18n_lang];
	const char *s;

	if (strcmp(code, i18n_lang) == 0)
		return gettext(msgid);
	memcpy(saved, i18n_lang, sizeof saved);
	i18n_set_language(code);
	s = gettext(msgid);
	i18n_set_language(saved);
	return s;
}
