/*
 * clinic: the values that differ from clinic to clinic (clinic name, phone
 * number, dose range, course length, test schedule ...), kept in one file a
 * clinic edits, content/clinic.conf, and used in content as {{key}}.
 *
 *     # comment
 *     clinic_name = さくら皮膚科
 *     clinic_name.en = Sakura Dermatology
 *     phone ?= 03-0000-0000
 *
 * Keys are [a-z0-9_]+ with an optional ".lang" suffix ([a-z]{2,3}); a
 * language-specific value is preferred over the plain key for that language.
 * Values are plain text (no markup); surrounding spaces are dropped.
 *
 * "key ?= value" marks a sample: a value shipped with the software that the
 * clinic has not made its own yet. It is used like any other value (content
 * checks and demos work on the bundled samples), but clinic_check_deploy
 * reports it, and the kiosk refuses consent sessions while one is left
 * (outside demo mode): a sample must never reach a patient's signed record.
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
	int col;      /* of the value (1-based display column) */
	int sample;   /* written "?=": still the bundled sample */
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

/*
 * Report every value still marked as a sample ("?=") as an error at its
 * path:line:col (path: the clinic.conf the values were read from), saying
 * which value it is and what to edit. Returns the number reported.
 */
size_t clinic_check_deploy(const struct content_values *cv, const char *path,
			   struct diag_list *dl);
/* The number of values still marked as samples. */
size_t clinic_samples(const struct content_values *cv);

/* The value of key for lang ("key.lang" first, then "key"), or NULL. */
const char *clinic_get(const struct content_values *cv, const char *key,
		       size_t keylen, const char *lang);

#endif
