/*
 * i18n: the program's own strings through gettext (locales/<lang>.po, domain
 * "isokiosk"), and the switch between the patient's languages at run time.
 *
 * A machine without a Japanese locale still works: LC_CTYPE falls back to
 * C.UTF-8, and the UI language is chosen with LANGUAGE (which gettext honours
 * under any locale but plain "C", so LC_MESSAGES is moved off "C" too).
 */
#ifndef ISOKIOSK_I18N_H
#define ISOKIOSK_I18N_H

#include <libintl.h>

#define _(s) gettext(s)
#define N_(s) (s)

/* setlocale from the environment with the fallbacks above; bind the domain.
 * Returns 0, or -1 when no UTF-8 LC_CTYPE could be had. */
int i18n_init(void);
/* Make code ("ja", "en") the UI language from now on. */
void i18n_set_language(const char *code);
/* The current UI language ("ja" until set). */
const char *i18n_language(void);
/* msgid in another language, the current one unchanged (for the bilingual
 * welcome screen). The result stays valid for the program's life. */
const char *i18n_gettext_in(const char *code, const char *msgid);
/* Where the .mo files are looked for: $ISOKIOSK_LOCALEDIR, the build tree's
 * locales/ when run from it, else the installed locale directory. */
const char *i18n_localedir(void);

#endif
