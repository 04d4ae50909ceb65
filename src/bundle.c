/*
 * bundle: a whole content folder: clinic.conf, then every language folder
 * (a subfolder with a manifest; "ja", the source language, first), each file
 * decoded, parsed and checked, then the translations checked against ja:
 * screens, questions and statements missing on either side, questions whose
 * profile, re-read screen, number of choices or right answer differ, and
 * translations whose recorded source hash no longer matches the ja file.
 *
 * Owns: the bundle it returns (documents, values, strings). Files are read
 * here (not by decode_file) because the version and the translation checks
 * need the SHA-256 of each file's exact bytes.
 */
#include "bundle.h"
#include "visit.h"

#include <dirent.h>
#include <errno.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "clinic.h"
#include "decode.h"
#include "strbuf.h"
#include "xmalloc.h"

#define BUNDLE_SOURCE_LANG "ja"
#define BUNDLE_MAX_FILE (16 * 1024 * 1024)

/* Where a manifest names something, for diagnostics after loading. */
struct bundle_entry {
	char *id;
	int line, col;
	const struct content_doc *doc; /* NULL when missing or unparsable */
	char sha256[65];               /* of the file, "" when unread */
};

/* The follow-up files a manifest may name ("key: id"). */
enum { BUNDLE_FU_N = 4 };
static const struct {
	const char *key;
	enum content_kind kind;
	const char *what;
} bundle_fu_kinds[BUNDLE_FU_N] = {
	{ "methods", CONTENT_KIND_METHODS, "the contraception methods" },
	{ "mood", CONTENT_KIND_QUESTIONNAIRE, "the mood check" },
	{ "effects", CONTENT_KIND_CHECKLIST, "the side-effects checklist" },
	{ "urgent", CONTENT_KIND_SCREEN, "the urgent ending screen" },
};

static struct content_doc **
bundle_fu_slot(struct bundle_lang *l, int k)
{
	switch (k) {
	case 0:
		return &l->methods;
	case 1:
		return &l->mood;
	case 2:
		return &l->effects;
	default:
		return &l->urgent;
	}
}

/* Per-language state kept while loading (not part of the result). */
struct bundle_aux {
	char *manifest;               /* its path */
	struct bundle_entry *screens;
	size_t nscreens, cap;
	struct bundle_entry quiz, consent; /* id NULL when not named */
	struct bundle_entry fu[BUNDLE_FU_N]; /* follow-up files, as fu_kinds */
	int recheck_line;                    /* where "recheck:" stands */
};

static char *
bundle_join(const char *dir, const char *name)
{
	size_t n = strlen(dir);

	while (n > 1 && dir[n - 1] == '/')
		n--;
	if (n == 1 && dir[0] == '.')
		return xstrdup(name);
	return xasprintf("%.*s/%s", (int)n, dir, name);
}

static bool
bundle_exists(const char *path, bool dir)
{
	struct stat st;

	if (stat(path, &st) != 0)
		return false;
	return dir ? S_ISDIR(st.st_mode) : S_ISREG(st.st_mode);
}

static void
bundle_hex(const unsigned char *bin, char hex[65])
{
	sodium_bin2hex(hex, 65, bin, crypto_hash_sha256_BYTES);
}

/* Read a whole file; its SHA-256 into hex. Errors go to dl. */
static int
bundle_read(const char *path, char **bytes, size_t *len, char hex[65],
	    struct diag_list *dl)
{
	FILE *fp = fopen(path, "rb");
	struct strbuf sb;
	char buf[65536];
	size_t n;
	unsigned char h[crypto_hash_sha256_BYTES];

	if (fp == NULL)
		return diag_error(dl, path, 0, 0, "cannot open: %s",
				  strerror(errno));
	strbuf_init(&sb);
	while ((n = fread(buf, 1, sizeof buf, fp)) > 0) {
		strbuf_add(&sb, buf, n);
		if (sb.len > BUNDLE_MAX_FILE) {
			fclose(fp);
			strbuf_done(&sb);
			return diag_error(dl, path, 0, 0, "file is too large "
					  "(more than %d bytes)", BUNDLE_MAX_FILE);
		}
	}
	if (ferror(fp)) {
		int e = errno;
		fclose(fp);
		strbuf_done(&sb);
		return diag_error(dl, path, 0, 0, "cannot read: %s", strerror(e));
	}
	fclose(fp);
	crypto_hash_sha256(h, (const unsigned char *)sb.s, sb.len);
	bundle_hex(h, hex);
	*bytes = strbuf_detach(&sb, len);
	strbuf_done(&sb);
	return 0;
}

static void
bundle_add_file(struct bundle_lang *l, size_t *cap, const char *path,
		const char *rel, const char hex[65])
{
	struct bundle_file *f;

	XGROW(l->files, l->nfiles, *cap);
	f = &l->files[l->nfiles++];
	f->path = xstrdup(path);
	f->rel = xstrdup(rel);
	memcpy(f->sha256, hex, 65);
}

/* Read, decode and parse one content file of a language. */
static struct content_doc *
bundle_doc(struct bundle *b, struct bundle_lang *l, size_t *fcap,
	   const char *id, char hex[65], struct diag_list *dl)
{
	char *rel = xasprintf("%s.md", id);
	char *path = bundle_join(l->dir, rel);
	char *bytes;
	size_t len;
	struct decode_text t;
	struct content_doc *doc = NULL;

	hex[0] = '\0';
	if (bundle_read(path, &bytes, &len, hex, dl) == 0) {
		bundle_add_file(l, fcap, path, rel, hex);
		if (decode_bytes(path, bytes, len, &t, dl) == 0) {
			doc = content_parse(path, t.text, t.len, b->values,
					    l->code, dl);
			decode_text_done(&t);
		}
		free(bytes);
	}
	free(path);
	free(rel);
	return doc;
}

static void
bundle_want_kind(const struct content_doc *doc, bool screen,
		 enum content_kind want, const char *what, struct diag_list *dl)
{
	bool ok;

	if (doc == NULL)
		return;
	ok = screen ? (doc->kind == CONTENT_KIND_SCREEN ||
		       doc->kind == CONTENT_KIND_QA) : doc->kind == want;
	if (!ok)
		diag_error(dl, doc->path, doc->kind_line, doc->kind_col,
			   "the manifest names this file as %s, but its kind "
			   "is '%s' (expected %s)", what,
			   content_kind_name(doc->kind),
			   screen ? "screen or qa" : content_kind_name(want));
}

static int
bundle_col(const char *line, const char *p)
{
	return diag_column(line, (size_t)(p - line));
}

/* Parse the manifest text into aux and l->name. */
static void
bundle_manifest(struct bundle_lang *l, struct bundle_aux *aux,
		const char *text, size_t len, struct diag_list *dl)
{
	const char *path = aux->manifest;
	const char *p = text, *end = text + len;
	int lineno = 0;
	bool have_language = false;

	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *e = nl != NULL ? nl : end;
		const char *s = p, *colon;

		lineno++;
		while (s < e && (*s == ' ' || *s == '\t'))
			s++;
		while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r'))
			e--;
		if (s == e || *s == '#')
			goto next;
		colon = memchr(s, ':', (size_t)(e - s));
		if (colon != NULL) {
			const char *v = colon + 1;
			size_t kl = (size_t)(colon - s);
			struct bundle_entry *slot = NULL;

			while (v < e && (*v == ' ' || *v == '\t'))
				v++;
			if (kl == 8 && memcmp(s, "language", 8) == 0) {
				bool twice = have_language;

				have_language = true;
				if (twice)
					diag_error(dl, path, lineno, bundle_col(p, s),
						   "'language:' is given twice");
				else if (v == e)
					diag_error(dl, path, lineno, bundle_col(p, v),
						   "'language:' needs the name "
						   "shown in the language picker");
				else
					l->name = xstrndup(v, (size_t)(e - v));
				goto next;
			}
			if (kl == 7 && memcmp(s, "recheck", 7) == 0) {
				int n = 0;
				bool ok = v < e && e - v <= 2;

				for (const char *q = v; ok && q < e; q++) {
					ok = *q >= '0' && *q <= '9';
					n = n * 10 + (*q - '0');
				}
				if (aux->recheck_line != 0)
					diag_error(dl, path, lineno, bundle_col(p, s),
						   "'recheck:' is given twice");
				else if (!ok)
					diag_error(dl, path, lineno,
						   bundle_col(p, v < e ? v : s),
						   "'recheck:' needs the number of "
						   "quiz questions a follow-up asks "
						   "again (0 to 99)");
				else
					l->recheck = n;
				aux->recheck_line = lineno;
				goto next;
			}
			if (kl == 4 && memcmp(s, "quiz", 4) == 0)
				slot = &aux->quiz;
			else if (kl == 7 && memcmp(s, "consent", 7) == 0)
				slot = &aux->consent;
			for (int k = 0; k < BUNDLE_FU_N; k++)
				if (kl == strlen(bundle_fu_kinds[k].key) &&
				    memcmp(s, bundle_fu_kinds[k].key, kl) == 0)
					slot = &aux->fu[k];
			if (slot == NULL) {
				diag_error(dl, path, lineno, bundle_col(p, s),
					   "unknown setting '%.*s' (expected "
					   "language, quiz, consent, methods, "
					   "mood, effects, urgent or recheck)",
					   (int)kl, s);
			} else if (slot->id != NULL) {
				diag_error(dl, path, lineno, bundle_col(p, s),
					   "'%.*s:' is given twice", (int)kl, s);
			} else {
				bool ok = v < e;
				for (const char *q = v; q < e; q++)
					if (!((*q >= 'a' && *q <= 'z') ||
					      (*q >= '0' && *q <= '9') || *q == '-'))
						ok = false;
				if (!ok) {
					diag_error(dl, path, lineno,
						   bundle_col(p, v < e ? v : s),
						   "'%.*s:' needs a file id (lowercase "
						   "letters, digits and '-')",
						   (int)kl, s);
				} else {
					slot->id = xstrndup(v, (size_t)(e - v));
					slot->line = lineno;
					slot->col = bundle_col(p, v);
				}
			}
			goto next;
		}
		{
			bool ok = true;
			char *id;

			for (const char *q = s; q < e; q++)
				if (!((*q >= 'a' && *q <= 'z') ||
				      (*q >= '0' && *q <= '9') || *q == '-'))
					ok = false;
			if (!ok) {
				diag_error(dl, path, lineno, bundle_col(p, s),
					   "'%.*s' is not a screen id (lowercase "
					   "letters, digits and '-') or a "
					   "'key: value' setting", (int)(e - s), s);
				goto next;
			}
			id = xstrndup(s, (size_t)(e - s));
			for (size_t i = 0; i < aux->nscreens; i++) {
				if (strcmp(aux->screens[i].id, id) == 0) {
					diag_error(dl, path, lineno, bundle_col(p, s),
						   "screen '%s' is listed twice "
						   "(first at line %d)", id,
						   aux->screens[i].line);
					free(id);
					goto next;
				}
			}
			XGROW(aux->screens, aux->nscreens, aux->cap);
			memset(&aux->screens[aux->nscreens], 0,
			       sizeof aux->screens[0]);
			aux->screens[aux->nscreens].id = id;
			aux->screens[aux->nscreens].line = lineno;
			aux->screens[aux->nscreens].col = bundle_col(p, s);
			aux->nscreens++;
		}
next:
		p = nl != NULL ? nl + 1 : end;
	}
	if (!have_language)
		diag_error(dl, path, 0, 0, "no 'language:' line (the name shown "
			   "in the language picker)");
}

static bool
bundle_named(const struct bundle_aux *aux, const char *id)
{
	for (size_t i = 0; i < aux->nscreens; i++)
		if (strcmp(aux->screens[i].id, id) == 0)
			return true;
	for (int k = 0; k < BUNDLE_FU_N; k++)
		if (aux->fu[k].id != NULL && strcmp(aux->fu[k].id, id) == 0)
			return true;
	return (aux->quiz.id != NULL && strcmp(aux->quiz.id, id) == 0) ||
	       (aux->consent.id != NULL && strcmp(aux->consent.id, id) == 0);
}

static int
bundle_cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* .md files in the folder that the manifest does not name. */
static void
bundle_extra_files(const struct bundle_lang *l, const struct bundle_aux *aux,
		   struct diag_list *dl)
{
	DIR *d = opendir(l->dir);
	struct dirent *de;
	char **names = NULL;
	size_t n = 0, cap = 0;

	if (d == NULL)
		return;
	while ((de = readdir(d)) != NULL) {
		size_t len = strlen(de->d_name);
		char *id;

		if (len < 4 || strcmp(de->d_name + len - 3, ".md") != 0 ||
		    de->d_name[0] == '.')
			continue;
		if (strcmp(de->d_name, "README.md") == 0)
			continue; /* notes for translators */
		id = xstrndup(de->d_name, len - 3);
		if (!bundle_named(aux, id)) {
			XGROW(names, n, cap);
			names[n++] = xstrdup(de->d_name);
		}
		free(id);
	}
	closedir(d);
	if (n > 0)
		qsort(names, n, sizeof *names, bundle_cmp_str);
	for (size_t i = 0; i < n; i++) {
		char *path = bundle_join(l->dir, names[i]);
		diag_error(dl, path, 0, 0, "this file is not in the manifest: add "
			   "'%.*s' to %s, or remove the file",
			   (int)(strlen(names[i]) - 3), names[i], aux->manifest);
		free(path);
		free(names[i]);
	}
	free(names);
}

static void
bundle_version(struct bundle_lang *l)
{
	crypto_hash_sha256_state st;
	unsigned char h[crypto_hash_sha256_BYTES];

	crypto_hash_sha256_init(&st);
	for (size_t i = 0; i < l->nfiles; i++) {
		const struct bundle_file *f = &l->files[i];

		crypto_hash_sha256_update(&st, (const unsigned char *)f->rel,
					  strlen(f->rel) + 1); /* with its NUL */
		crypto_hash_sha256_update(&st, (const unsigned char *)f->sha256, 64);
		crypto_hash_sha256_update(&st, (const unsigned char *)"\n", 1);
	}
	crypto_hash_sha256_final(&st, h);
	bundle_hex(h, l->version);
}

/* Every question's reread names a screen of the same manifest. */
static void
bundle_check_reread(const struct bundle_lang *l, const struct bundle_aux *aux,
		    struct diag_list *dl)
{
	if (l->quiz == NULL)
		return;
	for (size_t i = 0; i < l->quiz->n; i++) {
		const struct content_node *q = &l->quiz->nodes[i];
		bool found = false;

		if (q->kind != CONTENT_QUESTION || q->reread == NULL)
			continue;
		for (size_t k = 0; k < aux->nscreens && !found; k++)
			found = strcmp(aux->screens[k].id, q->reread) == 0;
		if (!found)
			diag_error(dl, l->quiz->path, q->reread_line, q->reread_col,
				   "reread: '%s' is not a screen in %s", q->reread,
				   aux->manifest);
	}
}

static void
bundle_lang_load(struct bundle *b, struct bundle_lang *l, struct bundle_aux *aux,
		 const char *clinic_path, const char *clinic_hex,
		 struct diag_list *dl)
{
	size_t fcap = 0, scap = 0;
	char *bytes, hex[65];
	size_t len;
	struct decode_text t;

	aux->manifest = bundle_join(l->dir, "manifest");
	if (bundle_read(aux->manifest, &bytes, &len, hex, dl) != 0)
		return;
	bundle_add_file(l, &fcap, aux->manifest, "manifest", hex);
	if (decode_bytes(aux->manifest, bytes, len, &t, dl) == 0) {
		bundle_manifest(l, aux, t.text, t.len, dl);
		decode_text_done(&t);
	}
	free(bytes);
	for (size_t i = 0; i < aux->nscreens; i++) {
		struct bundle_entry *e = &aux->screens[i];
		char *rel = xasprintf("%s.md", e->id);
		char *path = bundle_join(l->dir, rel);
		struct content_doc *doc;

		if (!bundle_exists(path, false)) {
			diag_error(dl, aux->manifest, e->line, e->col, "screen '%s' "
				   "has no file %s", e->id, path);
		} else if ((doc = bundle_doc(b, l, &fcap, e->id, e->sha256, dl)) != NULL) {
			bundle_want_kind(doc, true, CONTENT_KIND_SCREEN,
					 "a screen", dl);
			XGROW(l->screens, l->nscreens, scap);
			l->screens[l->nscreens++] = doc;
			e->doc = doc;
		}
		free(path);
		free(rel);
	}
	for (int k = 0; k < 2; k++) {
		struct bundle_entry *e = k == 0 ? &aux->quiz : &aux->consent;
		enum content_kind want = k == 0 ? CONTENT_KIND_QUIZ :
						  CONTENT_KIND_CONSENT;
		char *rel, *path;
		struct content_doc *doc;

		if (e->id == NULL)
			continue;
		rel = xasprintf("%s.md", e->id);
		path = bundle_join(l->dir, rel);
		if (!bundle_exists(path, false)) {
			diag_error(dl, aux->manifest, e->line, e->col, "%s '%s' has "
				   "no file %s", k == 0 ? "quiz" : "consent",
				   e->id, path);
		} else if ((doc = bundle_doc(b, l, &fcap, e->id, e->sha256, dl)) != NULL) {
			bundle_want_kind(doc, false, want, k == 0 ? "the quiz" :
					 "the consent file", dl);
			if (k == 0)
				l->quiz = doc;
			else
				l->consent = doc;
			e->doc = doc;
		}
		free(path);
		free(rel);
	}
	for (int k = 0; k < BUNDLE_FU_N; k++) {
		struct bundle_entry *e = &aux->fu[k];
		char *rel, *path;
		struct content_doc *doc;

		if (e->id == NULL)
			continue;
		rel = xasprintf("%s.md", e->id);
		path = bundle_join(l->dir, rel);
		if (!bundle_exists(path, false)) {
			diag_error(dl, aux->manifest, e->line, e->col, "%s '%s' "
				   "has no file %s", bundle_fu_kinds[k].key,
				   e->id, path);
		} else if ((doc = bundle_doc(b, l, &fcap, e->id, e->sha256,
					     dl)) != NULL) {
			bundle_want_kind(doc, false, bundle_fu_kinds[k].kind,
					 bundle_fu_kinds[k].what, dl);
			*bundle_fu_slot(l, k) = doc;
			e->doc = doc;
		}
		free(path);
		free(rel);
	}
	if (l->recheck > 0 && l->quiz == NULL)
		diag_error(dl, aux->manifest, aux->recheck_line, 1, "'recheck:'"
			   " asks quiz questions again, but the manifest names "
			   "no quiz");
	if (clinic_path != NULL)
		bundle_add_file(l, &fcap, clinic_path, "../clinic.conf", clinic_hex);
	bundle_extra_files(l, aux, dl);
	bundle_check_reread(l, aux, dl);
	bundle_version(l);
}

/* ---- translations ------------------------------------------------------ */

static const struct bundle_entry *
bundle_find(const struct bundle_aux *aux, const char *id)
{
	for (size_t i = 0; i < aux->nscreens; i++)
		if (strcmp(aux->screens[i].id, id) == 0)
			return &aux->screens[i];
	return NULL;
}

static void
bundle_check_source(const struct bundle_entry *src, const struct bundle_entry *tr,
		    struct diag_list *dl)
{
	const struct content_doc *d = tr->doc;

	if (d == NULL || d->source == NULL || src->sha256[0] == '\0' ||
	    src->doc == NULL)
		return;
	if (strcmp(d->source, src->sha256) != 0)
		diag_warning(dl, d->path, d->source_line, d->source_col,
			     "out of date: %s has changed since this "
			     "translation (recorded source %.12s…); update the "
			     "translation, then set source: %s",
			     src->doc->path, d->source, src->sha256);
}

static const struct content_node *
bundle_section(const struct content_doc *doc, const char *id)
{
	for (size_t i = 0; i < doc->n; i++) {
		const struct content_node *n = &doc->nodes[i];
		if ((n->kind == CONTENT_QUESTION || n->kind == CONTENT_STATEMENT ||
		     n->kind == CONTENT_ENTRY) &&
		    n->id != NULL && strcmp(n->id, id) == 0)
			return n;
	}
	return NULL;
}

static int
bundle_right_answer(const struct content_node *q)
{
	for (size_t i = 0; i < q->nitems; i++)
		if (q->items[i].checked == 1)
			return (int)i + 1;
	return 0;
}

static bool
bundle_streq(const char *a, const char *b)
{
	return a == NULL || b == NULL || strcmp(a, b) == 0;
}

/* Questions or statements of a quiz or consent file, both ways. */
static void
bundle_check_sections(const struct content_doc *src, const struct content_doc *tr,
		      const char *code, struct diag_list *dl)
{
	size_t last = 0;
	bool order_reported = false;

	for (size_t i = 0; i < src->n; i++) {
		const struct content_node *s = &src->nodes[i], *t;
		const char *what = s->kind == CONTENT_QUESTION ? "question" :
				   "statement";

		if (s->kind != CONTENT_QUESTION && s->kind != CONTENT_STATEMENT)
			continue;
		t = bundle_section(tr, s->id);
		if (t == NULL) {
			diag_error(dl, src->path, s->line, s->col, "%s '%s' is "
				   "missing from the %s translation (%s)", what,
				   s->id, code, tr->path);
			continue;
		}
		if ((size_t)(t - tr->nodes) < last && !order_reported) {
			diag_error(dl, tr->path, t->line, t->col, "%s '%s' is in "
				   "a different place than in %s (keep the same "
				   "order)", what, t->id, src->path);
			order_reported = true;
		}
		last = (size_t)(t - tr->nodes);
		if (!bundle_streq(s->profile, t->profile))
			diag_error(dl, tr->path, t->line, t->col, "%s '%s' has "
				   "profile '%s' here but '%s' in %s:%d", what,
				   t->id, t->profile, s->profile, src->path, s->line);
		if ((s->signer == NULL) != (t->signer == NULL)) /* NULL: patient */
			diag_error(dl, tr->path, t->line, t->col, "statement "
				   "'%s' is for the %s here but for the %s in "
				   "%s:%d", t->id, t->signer != NULL ?
				   t->signer : "patient", s->signer != NULL ?
				   s->signer : "patient", src->path, s->line);
		if (s->every_visit != t->every_visit)
			diag_error(dl, tr->path, t->line, t->col, "statement "
				   "'%s' is every-visit: %s here but %s in %s:%d",
				   t->id, t->every_visit ? "yes" : "no",
				   s->every_visit ? "yes" : "no", src->path,
				   s->line);
		if (s->no_recheck != t->no_recheck)
			diag_error(dl, tr->path, t->line, t->col, "question "
				   "'%s' is recheck: %s here but %s in %s:%d",
				   t->id, t->no_recheck ? "no" : "yes",
				   s->no_recheck ? "no" : "yes", src->path,
				   s->line);
		if (s->kind != CONTENT_QUESTION)
			continue;
		if (!bundle_streq(s->reread, t->reread))
			diag_error(dl, tr->path, t->reread_line, t->reread_col,
				   "question '%s' re-reads '%s' here but '%s' in "
				   "%s:%d", t->id, t->reread, s->reread, src->path,
				   s->line);
		if (s->nitems != t->nitems && t->nitems > 0) {
			diag_error(dl, tr->path, t->items[0].line, t->items[0].col,
				   "question '%s' has %zu choices here but %zu in "
				   "%s:%d", t->id, t->nitems, s->nitems, src->path,
				   s->line);
		} else if (bundle_right_answer(s) != bundle_right_answer(t) &&
			   bundle_right_answer(s) > 0 && bundle_right_answer(t) > 0) {
			const struct content_item *it =
				&t->items[bundle_right_answer(t) - 1];
			diag_error(dl, tr->path, it->line, it->col, "question "
				   "'%s': the right answer is choice %d here but "
				   "choice %d in %s:%d", t->id,
				   bundle_right_answer(t), bundle_right_answer(s),
				   src->path, s->line);
		}
	}
	for (size_t i = 0; i < tr->n; i++) {
		const struct content_node *t = &tr->nodes[i];

		if (t->kind != CONTENT_QUESTION && t->kind != CONTENT_STATEMENT)
			continue;
		if (bundle_section(src, t->id) == NULL)
			diag_error(dl, tr->path, t->line, t->col, "%s '%s' is not "
				   "in the source language %s (%s)",
				   t->kind == CONTENT_QUESTION ? "question" :
				   "statement", t->id, BUNDLE_SOURCE_LANG,
				   src->path);
	}
}

/* The sections of a follow-up file, both ways: same ids, same order, same
 * keys (what the kiosk scores by), same number of choices and scores. */
static void
bundle_check_entries(const struct content_doc *src,
		     const struct content_doc *tr, const char *code,
		     struct diag_list *dl)
{
	size_t last = 0;
	bool order_reported = false;

	if (src->validated != tr->validated ||
	    (src->code == NULL) != (tr->code == NULL) ||
	    (src->code != NULL && strcmp(src->code, tr->code) != 0))
		diag_error(dl, tr->path, 1, 1, "the front matter's validated: "
			   "and code: must be as in %s", src->path);
	for (size_t i = 0; i < src->n; i++) {
		const struct content_node *s = &src->nodes[i], *t;
		bool same;

		if (s->kind != CONTENT_ENTRY)
			continue;
		t = bundle_section(tr, s->id);
		if (t == NULL) {
			diag_error(dl, src->path, s->line, s->col, "'%s' is "
				   "missing from the %s translation (%s)",
				   s->id, code, tr->path);
			continue;
		}
		if ((size_t)(t - tr->nodes) < last && !order_reported) {
			diag_error(dl, tr->path, t->line, t->col, "'%s' is in "
				   "a different place than in %s (keep the same "
				   "order)", t->id, src->path);
			order_reported = true;
		}
		last = (size_t)(t - tr->nodes);
		same = s->entry == t->entry && s->method_class ==
		       t->method_class && s->urgent_from == t->urgent_from &&
		       s->min_total == t->min_total && s->flag == t->flag &&
		       bundle_streq(s->code, t->code) &&
		       bundle_streq(s->message, t->message) &&
		       s->nitems == t->nitems;
		for (size_t j = 0; same && j < s->nitems; j++)
			same = s->items[j].score == t->items[j].score;
		if (!same)
			diag_error(dl, tr->path, t->line, t->col, "'%s' must "
				   "have the same keys, choices and scores as "
				   "in %s:%d (only the words are translated)",
				   t->id, src->path, s->line);
	}
	for (size_t i = 0; i < tr->n; i++) {
		const struct content_node *t = &tr->nodes[i];

		if (t->kind == CONTENT_ENTRY && bundle_section(src, t->id) == NULL)
			diag_error(dl, tr->path, t->line, t->col, "'%s' is not "
				   "in the source language %s (%s)", t->id,
				   BUNDLE_SOURCE_LANG, src->path);
	}
}

static void
bundle_check_translation(const struct bundle_lang *src,
			 const struct bundle_aux *sa,
			 const struct bundle_lang *tr,
			 const struct bundle_aux *ta, struct diag_list *dl)
{
	size_t last = 0;
	bool order_reported = false;

	for (size_t i = 0; i < sa->nscreens; i++) {
		const struct bundle_entry *s = &sa->screens[i];
		const struct bundle_entry *t = bundle_find(ta, s->id);

		if (t == NULL) {
			diag_error(dl, sa->manifest, s->line, s->col, "screen '%s' "
				   "is missing from the %s translation (%s)",
				   s->id, tr->code, ta->manifest);
			continue;
		}
		if ((size_t)(t - ta->screens) < last && !order_reported) {
			diag_error(dl, ta->manifest, t->line, t->col, "screen '%s' "
				   "is in a different place than in %s (keep the "
				   "same order)", t->id, sa->manifest);
			order_reported = true;
		}
		last = (size_t)(t - ta->screens);
		bundle_check_source(s, t, dl);
	}
	for (size_t i = 0; i < ta->nscreens; i++) {
		const struct bundle_entry *t = &ta->screens[i];

		if (bundle_find(sa, t->id) == NULL)
			diag_error(dl, ta->manifest, t->line, t->col, "screen '%s' "
				   "is not in the source language %s (%s)", t->id,
				   src->code, sa->manifest);
	}
	for (int k = 0; k < 2; k++) {
		const struct bundle_entry *s = k == 0 ? &sa->quiz : &sa->consent;
		const struct bundle_entry *t = k == 0 ? &ta->quiz : &ta->consent;
		const char *what = k == 0 ? "quiz" : "consent";

		if (s->id != NULL && t->id == NULL) {
			diag_error(dl, sa->manifest, s->line, s->col, "the %s "
				   "translation has no %s (%s has no '%s:' line)",
				   tr->code, what, ta->manifest, what);
		} else if (s->id == NULL && t->id != NULL) {
			diag_error(dl, ta->manifest, t->line, t->col, "the source "
				   "language %s has no %s (%s has no '%s:' line)",
				   src->code, what, sa->manifest, what);
		} else if (s->id != NULL && s->doc != NULL && t->doc != NULL) {
			bundle_check_source(s, t, dl);
			bundle_check_sections(s->doc, t->doc, tr->code, dl);
		}
	}
	for (int k = 0; k < BUNDLE_FU_N; k++) {
		const struct bundle_entry *s = &sa->fu[k], *t = &ta->fu[k];
		const char *what = bundle_fu_kinds[k].key;

		if (s->id != NULL && t->id == NULL) {
			diag_error(dl, sa->manifest, s->line, s->col, "the %s "
				   "translation has no %s (%s has no '%s:' line)",
				   tr->code, what, ta->manifest, what);
		} else if (s->id == NULL && t->id != NULL) {
			diag_error(dl, ta->manifest, t->line, t->col, "the source "
				   "language %s has no %s (%s has no '%s:' line)",
				   src->code, what, sa->manifest, what);
		} else if (s->id != NULL && s->doc != NULL && t->doc != NULL) {
			bundle_check_source(s, t, dl);
			bundle_check_entries(s->doc, t->doc, tr->code, dl);
		}
	}
	if (src->recheck != tr->recheck)
		diag_error(dl, ta->manifest, ta->recheck_line, 1, "'recheck:' "
			   "is %d here but %d in %s", tr->recheck, src->recheck,
			   sa->manifest);
}

/* ---- the bundle -------------------------------------------------------- */

static int
bundle_cmp_lang(const void *a, const void *b)
{
	const char *x = *(char *const *)a, *y = *(char *const *)b;

	if (strcmp(x, BUNDLE_SOURCE_LANG) == 0)
		return -1;
	if (strcmp(y, BUNDLE_SOURCE_LANG) == 0)
		return 1;
	return strcmp(x, y);
}

/* The follow-up's numbers in clinic.conf (visit.h): whole days in range,
 * an error at the value's line:col otherwise. */
static void
bundle_check_days(const struct content_values *cv, const char *path,
		  struct diag_list *dl)
{
	static const struct { const char *key; int def, min, max; } k[] = {
		{ "visit_interval_days", VISIT_INTERVAL_DAYS, 1, 365 },
		{ "pregnancy_test_window_days", VISIT_TEST_WINDOW_DAYS, 1, 30 },
	};

	for (size_t i = 0; cv != NULL && i < sizeof k / sizeof k[0]; i++) {
		char *err = NULL;
		int v;

		if (visit_days(cv, k[i].key, k[i].def, k[i].min, k[i].max, &v,
			       &err) == 0)
			continue;
		for (size_t j = 0; j < cv->n; j++) {
			if (strcmp(cv->v[j].key, k[i].key) != 0)
				continue;
			diag_error(dl, path, cv->v[j].line, cv->v[j].col,
				   "%s", strchr(err, ' ') + 1);
			break;
		}
		free(err);
	}
}

struct bundle *
bundle_load(const char *root, struct diag_list *dl)
{
	DIR *d;
	struct dirent *de;
	char **codes = NULL;
	size_t ncodes = 0, cap = 0;
	struct bundle *b;
	struct bundle_aux *aux;
	char *clinic_path, clinic_hex[65] = "";
	bool have_clinic = false;

	if (sodium_init() < 0)
		fatal("libsodium cannot be initialised");
	d = opendir(root);
	if (d == NULL) {
		diag_error(dl, root, 0, 0, "cannot read the content folder: %s",
			   strerror(errno));
		return NULL;
	}
	while ((de = readdir(d)) != NULL) {
		char *dir, *man;

		if (de->d_name[0] == '.')
			continue;
		dir = bundle_join(root, de->d_name);
		man = bundle_join(dir, "manifest");
		if (bundle_exists(dir, true) && bundle_exists(man, false)) {
			XGROW(codes, ncodes, cap);
			codes[ncodes++] = xstrdup(de->d_name);
		}
		free(dir);
		free(man);
	}
	closedir(d);
	if (ncodes > 0)
		qsort(codes, ncodes, sizeof *codes, bundle_cmp_lang);

	b = xcalloc(1, sizeof *b);
	b->root = xstrdup(root);
	clinic_path = bundle_join(root, "clinic.conf");
	if (bundle_exists(clinic_path, false)) {
		char *bytes;
		size_t len;
		struct decode_text t;

		if (bundle_read(clinic_path, &bytes, &len, clinic_hex, dl) == 0) {
			have_clinic = true;
			if (decode_bytes(clinic_path, bytes, len, &t, dl) == 0) {
				b->values = clinic_parse(clinic_path, t.text, t.len, dl);
				decode_text_done(&t);
				bundle_check_days(b->values, clinic_path, dl);
			}
			free(bytes);
		}
	}
	if (b->values == NULL)
		b->values = clinic_new();

	if (ncodes == 0 || strcmp(codes[0], BUNDLE_SOURCE_LANG) != 0) {
		char *p = bundle_join(root, BUNDLE_SOURCE_LANG "/manifest");
		diag_error(dl, root, 0, 0, "no source language: expected %s", p);
		free(p);
	}
	b->langs = xcalloc(ncodes ? ncodes : 1, sizeof *b->langs);
	aux = xcalloc(ncodes ? ncodes : 1, sizeof *aux);
	b->nlangs = ncodes;
	for (size_t i = 0; i < ncodes; i++) {
		struct bundle_lang *l = &b->langs[i];

		l->code = codes[i];
		l->dir = bundle_join(root, codes[i]);
		bundle_lang_load(b, l, &aux[i], have_clinic ? clinic_path : NULL,
				 clinic_hex, dl);
	}
	if (ncodes > 0 && strcmp(codes[0], BUNDLE_SOURCE_LANG) == 0)
		for (size_t i = 1; i < ncodes; i++)
			bundle_check_translation(&b->langs[0], &aux[0],
						 &b->langs[i], &aux[i], dl);
	for (size_t i = 0; i < ncodes; i++) {
		for (size_t k = 0; k < aux[i].nscreens; k++)
			free(aux[i].screens[k].id);
		free(aux[i].screens);
		free(aux[i].quiz.id);
		free(aux[i].consent.id);
		for (int k = 0; k < BUNDLE_FU_N; k++)
			free(aux[i].fu[k].id);
		free(aux[i].manifest);
	}
	free(aux);
	free(codes);
	free(clinic_path);
	return b;
}

void
bundle_free(struct bundle *b)
{
	if (b == NULL)
		return;
	for (size_t i = 0; i < b->nlangs; i++) {
		struct bundle_lang *l = &b->langs[i];

		for (size_t k = 0; k < l->nscreens; k++)
			content_doc_free(l->screens[k]);
		free(l->screens);
		content_doc_free(l->quiz);
		content_doc_free(l->consent);
		content_doc_free(l->methods);
		content_doc_free(l->mood);
		content_doc_free(l->effects);
		content_doc_free(l->urgent);
		for (size_t k = 0; k < l->nfiles; k++) {
			free(l->files[k].path);
			free(l->files[k].rel);
		}
		free(l->files);
		free(l->code);
		free(l->name);
		free(l->dir);
	}
	free(b->langs);
	clinic_free(b->values);
	free(b->root);
	free(b);
}

const struct bundle_lang *
bundle_lang(const struct bundle *b, const char *code)
{
	for (size_t i = 0; i < b->nlangs; i++)
		if (strcmp(b->langs[i].code, code) == 0)
			return &b->langs[i];
	return NULL;
}

const struct content_doc *
bundle_screen(const struct bundle_lang *l, const char *id)
{
	int i = bundle_screen_index(l, id);

	return i < 0 ? NULL : l->screens[i];
}

int
bundle_screen_index(const struct bundle_lang *l, const char *id)
{
	for (size_t i = 0; i < l->nscreens; i++)
		if (l->screens[i]->id != NULL && strcmp(l->screens[i]->id, id) == 0)
			return (int)i;
	return -1;
}
