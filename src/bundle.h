/*
 * bundle: a content folder loaded as a whole: content/clinic.conf (the clinic's
 * values), and every language folder (content/<lang>/manifest and its files),
 * checked file by file and across languages (a screen, question or statement
 * missing from a translation; a translation whose recorded source hash no
 * longer matches the source-language file).
 *
 * The source language is "ja". A bundle owns all its documents and strings.
 */
#ifndef ISOKIOSK_BUNDLE_H
#define ISOKIOSK_BUNDLE_H

#include <stddef.h>

#include "content.h"
#include "diag.h"

struct bundle_file {
	char *path;        /* as opened, for diagnostics */
	char sha256[65];   /* hex SHA-256 of the file's exact bytes */
	char *rel;         /* relative to the language folder: "manifest",
			      "what-is.md", "../clinic.conf" (added) */
};

struct bundle_lang {
	char *code;                     /* "ja", "en" (the folder name) */
	char *name;                     /* the manifest's "language:" value */
	char *dir;
	struct content_doc **screens;   /* manifest order */
	size_t nscreens;
	struct content_doc *quiz;       /* NULL when the manifest names none */
	struct content_doc *consent;    /* NULL when the manifest names none */
	/* Follow-up visits (each NULL when the manifest names none): */
	struct content_doc *methods;    /* "methods:" kind methods */
	struct content_doc *mood;       /* "mood:" kind questionnaire */
	struct content_doc *effects;    /* "effects:" kind checklist */
	struct content_doc *urgent;     /* "urgent:" a screen shown when an
					   answer is urgent (not in the
					   screen order) */
	int recheck;                    /* "recheck: N": quiz questions a
					   follow-up asks again (0: none) */
	struct bundle_file *files;      /* every file used, manifest order */
	size_t nfiles;
	char version[65];               /* SHA-256 (hex) over the files used:
					   the content version of a record */
};

/*
 * The content version of a language (bundle_lang.version), exactly:
 *
 *     version = hex(SHA-256(L(f1) || L(f2) || ... ))
 *     L(f)    = f.rel || "\0" || f.sha256 || "\n"
 *
 * over files[] in this order: "manifest"; each screen "<id>.md" in manifest
 * order; the quiz "<id>.md"; the consent "<id>.md"; the follow-up files
 * (methods, mood, effects, urgent) when named; and "../clinic.conf" when
 * the content folder has one (its values are part of what the patient reads).
 * f.sha256 is the lower-case hex SHA-256 of the file's exact bytes (before
 * decoding). A file that could not be read is left out (and is an error).
 */

struct bundle {
	char *root;
	struct content_values *values;
	struct bundle_lang *langs;      /* the source language first */
	size_t nlangs;
};

/*
 * Load and check everything under root. Every problem goes to dl. Returns the
 * bundle (possibly partial) or NULL if root cannot be read at all. The caller
 * decides: the kiosk refuses to start when diag_count(dl, DIAG_ERROR) > 0.
 */
struct bundle *bundle_load(const char *root, struct diag_list *dl);
void bundle_free(struct bundle *b);

const struct bundle_lang *bundle_lang(const struct bundle *b, const char *code);
const struct content_doc *bundle_screen(const struct bundle_lang *l,
					const char *id);
/* Index of a screen in manifest order, or -1. */
int bundle_screen_index(const struct bundle_lang *l, const char *id);

#endif
