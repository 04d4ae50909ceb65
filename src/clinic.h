/*
 * clinic: the values that differ from clinic to clinic (clinic name, phone
 * number, dose range, course length, test schedule ...), kept in one file a
 * clinic edits, content/clinic.conf, and used in content as {{key}}.
 *
 *     # comment
 *     clinic_name = さくら皮膚科
 *     clinic_name.en = Sakura Dermatology
 *
 * Keys are [a-z0-9_]+ with an optional ".lang" suffix ([a-z]{2,3}); a
 * language-specific value is preferred over the plain key for that language.
 * Values are plain text (no markup); surrounding spaces are dropped.
 */
#ifndef ISOKIOSK_CLINIC_H
#define ISOKIOSK_CLINIC_H

#include <stddef.h>

#include "diag.h"

struct content_values_entry {
	char *key;   /* "phone" */
	char *lang;  /* "en", or NULL for the plain key */
	char *value;
	int line;
};

struct content_values {
	struct content_values_entry *v;
	size_t n;
	size_t cap;
};

/* An empty set (every {{key}} is then unknown). Caller frees with clinic_free. */
struct content_values *clinic_new(void);
/* Add or replace key (lang may be NULL) = value; both copied. */
void clinic_set(struct content_values *cv, const char *key, const char *lang,
		const char *value);
/*
 * Read and parse a clinic.conf (decoded like content: UTF-8, CP932 or EUC-JP).
 * Problems go to dl. Returns the values (as many as could be read), or NULL
 * when the file cannot be read at all. Caller frees with clinic_free.
 */
struct content_values *clinic_load(const char *path, struct diag_list *dl);
/* Parse clinic.conf text already decoded; path is for diagnostics. */
struct content_values *clinic_parse(const char *path, const char *text,
				    size_t len, struct diag_list *dl);
void clinic_free(struct content_values *cv);

/* The value of key for lang ("key.lang" first, then "key"), or NULL. */
const char *clinic_get(const struct content_values *cv, const char *key,
		       size_t keylen, const char *lang);

#endif
