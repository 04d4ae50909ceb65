/*
 * clinic: content/clinic.conf, the clinic's own values ({{key}} in content).
 * Owns the value set it returns.
 */
#include "clinic.h"

#include <stdlib.h>
#include <string.h>

#include "decode.h"
#include "xmalloc.h"

struct content_values *
clinic_new(void)
{
	return xcalloc(1, sizeof(struct content_values));
}

static struct content_values_entry *
clinic_find(const struct content_values *cv, const char *key, size_t keylen,
	    const char *lang)
{
	for (size_t i = 0; i < cv->n; i++) {
		struct content_values_entry *e = &cv->v[i];

		if (strlen(e->key) != keylen || memcmp(e->key, key, keylen) != 0)
			continue;
		if ((lang == NULL) != (e->lang == NULL))
			continue;
		if (lang == NULL || strcmp(lang, e->lang) == 0)
			return e;
	}
	return NULL;
}

void
clinic_set(struct content_values *cv, const char *key, const char *lang,
	   const char *value)
{
	struct content_values_entry *e = clinic_find(cv, key, strlen(key), lang);

	if (e == NULL) {
		XGROW(cv->v, cv->n, cv->cap);
		e = &cv->v[cv->n++];
		e->key = xstrdup(key);
		e->lang = lang != NULL ? xstrdup(lang) : NULL;
		e->line = 0;
		e->col = 0;
		e->sample = 0;
	} else {
		free(e->value);
	}
	e->value = xstrdup(value);
}

const char *
clinic_get(const struct content_values *cv, const char *key, size_t keylen,
	   const char *lang)
{
	const struct content_values_entry *e = NULL;

	if (cv == NULL)
		return NULL;
	if (lang != NULL)
		e = clinic_find(cv, key, keylen, lang);
	if (e == NULL)
		e = clinic_find(cv, key, keylen, NULL);
	return e != NULL ? e->value : NULL;
}

void
clinic_free(struct content_values *cv)
{
	if (cv == NULL)
		return;
	for (size_t i = 0; i < cv->n; i++) {
		free(cv->v[i].key);
		free(cv->v[i].lang);
		free(cv->v[i].value);
	}
	free(cv->v);
	free(cv);
}

static const char *
clinic_skip(const char *p, const char *end)
{
	while (p < end && (*p == ' ' || *p == '\t'))
		p++;
	return p;
}

static const char *
clinic_trim(const char *p, const char *end)
{
	while (end > p && (end[-1] == ' ' || end[-1] == '\t' || end[-1] == '\r'))
		end--;
	return end;
}

static int
clinic_col(const char *line, const char *p)
{
	return diag_column(line, (size_t)(p - line));
}

struct content_values *
clinic_parse(const char *path, const char *text, size_t len,
	     struct diag_list *dl)
{
	struct content_values *cv = clinic_new();
	const char *p = text, *end = text + len;
	int lineno = 0;

	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *e = clinic_trim(p, nl != NULL ? nl : end);
		const char *k = clinic_skip(p, e), *ke, *le = NULL, *v;
		struct content_values_entry *old;
		char *key, *lang = NULL;
		int sample = 0;

		lineno++;
		if (k == e || *k == '#')
			goto next;
		ke = k;
		while (ke < e && ((*ke >= 'a' && *ke <= 'z') ||
				  (*ke >= '0' && *ke <= '9') || *ke == '_'))
			ke++;
		if (ke < e && *ke == '.') {
			le = ke + 1;
			while (le < e && *le >= 'a' && *le <= 'z')
				le++;
			if (le - ke - 1 < 2 || le - ke - 1 > 3) {
				diag_error(dl, path, lineno, clinic_col(p, ke + 1),
					   "expected a language code (like en) "
					   "after '.'");
				goto next;
			}
		}
		v = clinic_skip(le != NULL ? le : ke, e);
		if (v + 1 < e && v[0] == '?' && v[1] == '=') {
			sample = 1;
			v++;
		}
		if (ke == k || v == e || *v != '=') {
			if (ke == k || (v < e && *v != '='))
				diag_error(dl, path, lineno, clinic_col(p, ke == k ? k : v),
					   "expected 'key = value' (keys are "
					   "lowercase letters, digits and '_')");
			else
				diag_error(dl, path, lineno, clinic_col(p, v),
					   "expected '=' after '%.*s'",
					   (int)((le != NULL ? le : ke) - k), k);
			goto next;
		}
		v = clinic_skip(v + 1, e);
		key = xstrndup(k, (size_t)(ke - k));
		if (le != NULL)
			lang = xstrndup(ke + 1, (size_t)(le - ke - 1));
		old = clinic_find(cv, key, strlen(key), lang);
		if (old != NULL) {
			diag_error(dl, path, lineno, clinic_col(p, k),
				   "'%.*s' is given twice (first at line %d)",
				   (int)((le != NULL ? le : ke) - k), k, old->line);
		} else {
			if (v == e)
				diag_warning(dl, path, lineno, clinic_col(p, k),
					     "'%.*s' has an empty value",
					     (int)((le != NULL ? le : ke) - k), k);
			XGROW(cv->v, cv->n, cv->cap);
			old = &cv->v[cv->n++];
			old->key = key;
			old->lang = lang;
			old->value = xstrndup(v, (size_t)(e - v));
			old->line = lineno;
			old->col = clinic_col(p, v);
			old->sample = sample;
			key = lang = NULL;
		}
		free(key);
		free(lang);
next:
		p = nl != NULL ? nl + 1 : end;
	}
	return cv;
}

size_t
clinic_samples(const struct content_values *cv)
{
	size_t n = 0;

	for (size_t i = 0; cv != NULL && i < cv->n; i++)
		n += cv->v[i].sample != 0;
	return n;
}

size_t
clinic_check_deploy(const struct content_values *cv, const char *path,
		    struct diag_list *dl)
{
	size_t n = 0;

	for (size_t i = 0; cv != NULL && i < cv->n; i++) {
		const struct content_values_entry *e = &cv->v[i];

		if (!e->sample)
			continue;
		diag_error(dl, path, e->line, e->col,
			   "'%s%s%s' still holds the bundled sample '%s': put in "
			   "the clinic's own value, then change '?=' to '=' on "
			   "this line",
			   e->key, e->lang != NULL ? "." : "",
			   e->lang != NULL ? e->lang : "", e->value);
		n++;
	}
	return n;
}

struct content_values *
clinic_load(const char *path, struct diag_list *dl)
{
	struct decode_text t;
	struct content_values *cv;

	if (decode_file(path, &t, dl) != 0)
		return NULL;
	cv = clinic_parse(path, t.text, t.len, dl);
	decode_text_done(&t);
	return cv;
}
