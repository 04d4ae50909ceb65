/*
 * receipt: the patient's copy of exactly what was signed (同意書の控え), as
 * a PDF for an A4 printer or an 80 mm receipt printer, and sending it to the
 * clinic's printer.
 *
 * What it shows, in the labels' language (the session's unless asked):
 * clinic name, patient reference, profile, visit kind, start and end in
 * the kiosk's time zone with the offset; every statement exactly as it was
 * acknowledged (the text the record's hash was taken of), each with the
 * time it was confirmed; every quiz answer with its attempt; the
 * signatures (name as typed, time, meaning) with the guardian's and the
 * staff countersignature when present; the content version, the seal and a
 * QR code of the receipt code and seal ("isokiosk:1a2b-3c4d:<seal>", which
 * store_find_session reads back); page numbers "1 / 3". With with_content,
 * an appendix of the screens the patient was shown, from the copy of the
 * content frozen with the record (never today's files). Japanese is set
 * with the text module's line-breaking rules (UAX #14 and the JIS X 4051
 * kinsoku and unit rules it leaves out), ruby in parentheses, and tables.
 *
 * A copy is only made of a record that holds: a session that is open, does
 * not match its seal (store_session_check), or whose frozen content does
 * not hash to its content version is refused with a message saying why.
 *
 * Owns the PDF: receipt.c is the only file that includes cairo, pango and
 * libqrencode (receipt-data.c gathers the record, receipt-print.c runs the
 * print command). Needs the fonts Noto Sans CJK JP and Noto Sans Mono CJK
 * JP (Debian fonts-noto-cjk); without them it refuses rather than print
 * boxes.
 */
#ifndef ISOKIOSK_RECEIPT_H
#define ISOKIOSK_RECEIPT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "strbuf.h"

struct store;

enum receipt_paper {
	RECEIPT_A4,    /* A4 pages */
	RECEIPT_ROLL,  /* 80 mm receipt paper: pages as long as their content
			  (up to a metre), cut between pages */
};

/* "a4" or "receipt" → the paper; -1 if neither. */
int receipt_paper_parse(const char *name);

struct receipt_opts {
	enum receipt_paper paper;
	const char *lang;        /* the labels' language ("ja", "en"); NULL:
				    the session's. The record's own texts are
				    always shown as recorded. */
	bool with_content;       /* the appendix of the screens shown */
	int64_t now_ms;          /* when the copy is made (shown on it);
				    0: now */
	bool one_shot;           /* the process ends after this copy (records
				    receipt): while the appendix is laid out,
				    the memory the drawing takes is touched
				    ahead and malloc set to keep it (receipt.c,
				    rx_prefault); a process that goes on (the
				    kiosk) leaves malloc as it is */
};

/*
 * The patient's copy of session id as a PDF, appended to out. Returns 0, or
 * -1 with *err (one line; caller frees): no such session, an open session,
 * a session that does not match its seal, its frozen content missing (with
 * with_content) or changed, no translation of the labels for the language,
 * the fonts missing, or a PDF error.
 */
int receipt_make(struct store *st, int64_t id, const struct receipt_opts *o,
		 struct strbuf *out, char **err);

/*
 * Start fontconfig (reading its configuration and font caches: some 13 ms)
 * on a thread of its own, so that it runs while the caller opens the
 * records and receipt_make reads and checks the session; receipt_make waits
 * for it before laying the copy out, and receipt_fonts_wait does when no
 * copy is made (an error first). For a program that makes one copy: call
 * once, after its locale and environment are set (i18n_init: fontconfig
 * reads them as it starts; the session's LANGUAGE is changed in place
 * later, never added) and before anything else uses fontconfig. Optional:
 * without it (or if no thread can be made) fontconfig starts when the copy
 * is laid out, as it would anyway.
 */
void receipt_fonts_start(void);
void receipt_fonts_wait(void);

/*
 * print_command (from the configuration, e.g. "lp -d clinic-printer") as a
 * program and its arguments: words split at spaces and tabs; '...' keeps
 * everything inside as is; "..." keeps all but \" and \\; a backslash
 * outside quotes keeps the next character. No shell runs it, so the
 * characters a shell would act on (| ; & < > ` $ ( ) * ? [ ] { }, a newline,
 * and # or ~ starting a word) are refused outside quotes rather than passed
 * on in silence: a pipeline belongs in a script that print_command names.
 * Returns a NULL-terminated argv (free with receipt_argv_free), or NULL
 * with *err saying what and where (caller frees).
 */
char **receipt_command_split(const char *command, char **err);
void receipt_argv_free(char **argv);

/*
 * Run command (as receipt_command_split reads it; execvp, no shell) with the
 * PDF on its standard input and wait for it, at most timeout_s seconds
 * (then it is killed). Its output never reaches a terminal (standard output
 * goes to /dev/null, standard error is read). Returns 0 when it exits with status 0; else -1 with *err
 * saying how it failed and the last line it wrote to its standard error
 * (control characters removed). The record is never touched: printing again
 * is always possible.
 */
int receipt_print(const char *command, const void *pdf, size_t len,
		  int timeout_s, char **err);

#endif
