/*
 * content: a content file (decoded, NFC UTF-8 text) parsed into a document,
 * and a language folder (manifest + files) loaded as a whole.
 *
 * The markup is described for translators in content/README.md. In short:
 * front matter (id, title, kind, and in translations source); # headings;
 * paragraphs; - and 1. lists; GFM pipe tables; > [!WARNING] / > [!NOTE]
 * callouts; **bold**; ruby ｜base《reading》 or kanji《reading》; Q:/A: pairs;
 * in quiz files ## sections with choices as a task list; in consent files ##
 * sections, one statement each; {{key}} for clinic values.
 *
 * A document owns every string it holds; content_doc_free frees it all.
 * Every node keeps the line and display column where it starts.
 */
#ifndef ISOKIOSK_CONTENT_H
#define ISOKIOSK_CONTENT_H

#include <stdbool.h>
#include <stddef.h>

#include "diag.h"

enum content_style {
	CONTENT_PLAIN = 0,
	CONTENT_BOLD = 1 << 0,
};

/*
 * A piece of inline text with one style. text may hold '\n' only where the
 * source had <br> (inside a table cell or a paragraph): a hard line break.
 * ruby, when not NULL, is the reading of the whole of text, and text is then
 * the ruby base (never containing '\n').
 */
struct content_span {
	char *text;
	char *ruby;
	unsigned style; /* enum content_style bits */
	int line, col;
};

/*
 * Who owns the texts: in inline content the parser makes (packed), the spans
 * array, every text and every ruby are one allocation, freed with the array,
 * so a single text must not be freed or reallocated on its own; in inline
 * content built by hand (packed false) each text and ruby is its own
 * allocation. content_inline_done frees either.
 */
struct content_inline {
	struct content_span *spans;
	size_t n;
	bool packed;
};

enum content_node_kind {
	CONTENT_HEADING,   /* level, text */
	CONTENT_PARAGRAPH, /* text */
	CONTENT_LIST,      /* ordered, start, items */
	CONTENT_TABLE,     /* table */
	CONTENT_CALLOUT,   /* callout, children */
	CONTENT_QA,        /* text = the question, children = the answer */
	CONTENT_QUESTION,  /* quiz: id, profile, reread, children = prompt,
			      items = choices (checked marks the right one),
			      explain = the explanation */
	CONTENT_STATEMENT, /* consent: id, profile, children = the statement */
	CONTENT_ENTRY,     /* a section of a follow-up file (methods,
			      questionnaire, checklist): entry says which,
			      id, children = its text, items = a
			      questionnaire item's choices (with scores) */
};

/* What a section of a follow-up file is (content_node.entry). */
enum content_entry {
	CONTENT_ENTRY_METHOD,  /* methods: one method, with its class */
	CONTENT_ENTRY_ITEM,    /* questionnaire: one item, scored choices */
	CONTENT_ENTRY_BAND,    /* questionnaire: a band of the total */
	CONTENT_ENTRY_CHECK,   /* checklist: one thing to tick */
	CONTENT_ENTRY_MESSAGE, /* any of them: a message the kiosk shows */
};

/* A contraception method's class (content_node.method_class). */
enum content_method_class {
	CONTENT_METHOD_HIGHLY_EFFECTIVE,
	CONTENT_METHOD_EFFECTIVE,      /* highly effective only if taken
					  right: needs a barrier with it */
	CONTENT_METHOD_BARRIER,        /* a condom: counts only with an
					  effective method */
	CONTENT_METHOD_DOES_NOT_COUNT,
};

/* What a band of a questionnaire's total raises (content_node.flag). */
enum content_flag {
	CONTENT_FLAG_NONE,
	CONTENT_FLAG_STAFF,  /* staff see it and talk with the patient */
	CONTENT_FLAG_URGENT, /* a person must come now */
};

enum content_callout {
	CONTENT_CALLOUT_NOTE,
	CONTENT_CALLOUT_WARNING,
};

enum content_align {
	CONTENT_ALIGN_NONE,
	CONTENT_ALIGN_LEFT,
	CONTENT_ALIGN_CENTER,
	CONTENT_ALIGN_RIGHT,
};

struct content_item {
	struct content_inline text;
	int checked; /* -1: not a task item; 0: "[ ]"; 1: "[x]" */
	int line, col;
	int score;   /* questionnaire choices "- [N] text": N; else -1 */
};

struct content_table {
	size_t ncols;
	size_t nrows;                 /* including the header row */
	enum content_align *align;    /* ncols entries */
	struct content_inline *cells; /* nrows * ncols, row-major; row 0 = header */
};

struct content_node {
	enum content_node_kind kind;
	int line, col;

	int level;                   /* heading: 1..3 */
	struct content_inline text;  /* heading, paragraph, QA question */

	bool ordered;                /* list */
	int start;                   /* ordered list: first number */
	struct content_item *items;  /* list items; question choices */
	size_t nitems;

	struct content_table table;

	enum content_callout callout;
	struct content_node *children; /* callout body, QA answer, question
					  prompt, statement body */
	size_t nchildren;
	struct content_node *explain;  /* question: explanation */
	size_t nexplain;

	char *id;      /* question, statement */
	char *profile; /* question, statement: "all" or "pregnancy" */
	char *signer;  /* statement: NULL (the patient confirms it) or
			  "guardian" (addressed to a minor's guardian, who
			  confirms it; shown in minor sessions only) */
	char *reread;  /* question: screen id to re-read */
	int reread_line, reread_col; /* where the reread value stands */

	/* Follow-up keys (additive): */
	bool every_visit;  /* statement: "every-visit: yes", confirmed again
			      at each follow-up */
	bool no_recheck;   /* question: "recheck: no", never in a
			      follow-up's re-check */
	enum content_entry entry;       /* CONTENT_ENTRY: which */
	enum content_method_class method_class; /* method: "class:" */
	char *code;        /* item, check: "code:" (e.g. a LOINC code) */
	int urgent_from;   /* item: "urgent-from: N", a choice scoring N or
			      more is urgent; check: 1 with "urgent: yes"
			      (stop and call); 0: never urgent */
	int min_total;     /* band: "min-total: N", its lowest total */
	enum content_flag flag; /* band: "flag:" */
	char *message;     /* message: its name ("message: not-met") */
	unsigned entry_keys; /* the parser's: which keys were given */
};

enum content_kind {
	CONTENT_KIND_SCREEN,
	CONTENT_KIND_QA,
	CONTENT_KIND_QUIZ,
	CONTENT_KIND_CONSENT,
	CONTENT_KIND_METHODS,       /* the contraception methods to choose */
	CONTENT_KIND_QUESTIONNAIRE, /* a scored questionnaire (mood check) */
	CONTENT_KIND_CHECKLIST,     /* side effects to tick, some urgent */
};
#define CONTENT_KIND_N 7

struct content_doc {
	char *path;   /* as given to the parser, for diagnostics */
	char *id;     /* front matter */
	char *title;
	enum content_kind kind;
	char *source; /* translations: SHA-256 (hex, lower case) of the
			 source-language file; NULL when absent */
	int source_line;
	struct content_node *nodes;
	size_t n;

	/* Added by the content module (additive): */
	struct content_inline title_inline; /* the title with its markup;
					       title is its plain text */
	int source_col;          /* where the source value starts */
	int id_line, id_col;     /* where the id value stands (0 if absent) */
	int kind_line, kind_col; /* where the kind value stands (0 if absent) */

	/* A questionnaire's front matter (additive): */
	int validated;  /* "validated: yes" 1, "no" 0, absent -1 */
	char *code;     /* "code:": the instrument's code (LOINC panel) */
	char *licence;  /* "licence:": the licence a clinic-supplied
			   instrument is used under */
};

/* Clinic values ({{key}} in content); see content/clinic.conf. */
struct content_values;

/*
 * Parse decoded text. Diagnostics go to dl (errors and warnings, all of them,
 * not only the first). Returns a document even when there were errors (as much
 * as could be parsed), or NULL when nothing could be (e.g. no front matter).
 * values may be NULL: {{key}} is then kept as written. lang picks "key.lang"
 * values before "key". Caller frees with content_doc_free.
 */
struct content_doc *content_parse(const char *path, const char *text, size_t len,
				  const struct content_values *values,
				  const char *lang, struct diag_list *dl);
void content_doc_free(struct content_doc *doc);

/*
 * What content_parse_each hands over, in the file's order: head once, the
 * document without its nodes (nodes NULL, n 0: front matter and title),
 * then node for each top-level node as soon as it is finished (a Q&A pair
 * once the next block cannot join its answer). Each takes ownership: the
 * head is freed with content_doc_free, a node's contents with
 * content_node_done (*node itself is the parser's: copy it to keep it).
 */
struct content_each {
	void (*head)(void *ctx, struct content_doc *head);
	void (*node)(void *ctx, struct content_node *node);
	void *ctx;
	/* Optional (may be NULL): the parser will not read the text before
	   upto again (nothing handed over points into the text), so a caller
	   may let that memory go. Called as the parse goes on. */
	void (*consumed)(void *ctx, const char *upto);
};

/*
 * Parse decoded text exactly as content_parse does (the same nodes, the
 * same diagnostics in the same order) but hand it over a node at a time,
 * so that a caller that lays out, prints and frees each node never holds
 * the whole document; nor does the parser hold a structure per line of
 * the file. Returns 0 when the front matter was found (head was called),
 * or -1 when nothing could be parsed (no callback was made). Problems
 * found after a node was handed over (a question without an answer) are
 * reported once the whole text is parsed, as content_parse reports them.
 */
int content_parse_each(const char *path, const char *text, size_t len,
		       const struct content_values *values, const char *lang,
		       struct diag_list *dl, const struct content_each *each);
/* Free what a node holds (not the node itself). */
void content_node_done(struct content_node *n);

/* Inline markup alone (one line or cell: **bold**, ruby, <br>, \| escapes). */
void content_parse_inline(const char *path, int line, int col, const char *s,
			  size_t len, const struct content_values *values,
			  const char *lang, struct content_inline *out,
			  struct diag_list *dl);
void content_inline_done(struct content_inline *in);

/* The plain text of inline content (bases only, no readings); caller frees. */
char *content_inline_text(const struct content_inline *in);

/*
 * The exact text of a consent statement (or any node list): the plain text of
 * each paragraph (bases only, <br> as '\n'), each list item on its own line,
 * blocks joined by "\n", no trailing newline. This is what a record hashes.
 * Caller frees.
 */
char *content_nodes_text(const struct content_node *nodes, size_t n);

/* The name of a kind ("screen", "qa", "quiz", "consent", "methods",
 * "questionnaire", "checklist"). */
const char *content_kind_name(enum content_kind kind);

/* Whether a kind's body is "## id" sections (quiz, consent, follow-up). */
bool content_kind_sections(enum content_kind kind);
/* "highly-effective", "effective", "does-not-count" */
const char *content_method_class_name(enum content_method_class c);
/* "none", "staff", "urgent" */
const char *content_flag_name(enum content_flag f);

/*
 * Hard limits, so that hostile input cannot blow up time or memory: a longer
 * line is an error (and skipped); after CONTENT_MAX_ERRORS errors in one file
 * the rest of the file is parsed but no longer reported.
 */
#define CONTENT_MAX_LINE (64 * 1024)
#define CONTENT_MAX_ERRORS 100

#endif
