/*
 * decode: a content file's bytes → validated, NFC-normalised UTF-8 text.
 *
 * UTF-8 with or without a BOM (dropped). A file that is not valid UTF-8 but
 * decodes strictly as CP932 or EUC-JP is converted with iconv, with a warning
 * that names the encoding. Anything else is an error at the first bad byte's
 * line and display column. CRLF becomes LF. C0 controls other than tab and
 * newline, DEL, C1 controls (and so ESC) are errors: content can never send an
 * escape sequence to a terminal. The result holds no NUL and no control
 * character but '\t' and '\n'.
 *
 * Diagnostics (all in the caller's diag_list, path as given):
 *   path: warning: not UTF-8: read as CP932 (Windows Shift_JIS) and converted; ...
 *   path:L:C: error: invalid UTF-8 byte 0xff            (also: overlong
 *       encoding, encoded surrogate, beyond U+10FFFF, incomplete sequence)
 *   path:L:C: error: control character U+001B (ESC) is not allowed: ...
 *   path: error: the file is UTF-16LE (...), not UTF-8: save it as UTF-8
 *   path: error: cannot read: <strerror>                 (decode_file)
 * Each problem is reported (up to 20 per file, then one line with the
 * count). L:C is the 1-based line and display column (diag_column) in the
 * text the problem was found in: the file's bytes for invalid UTF-8, the
 * converted text for controls in a CP932 or EUC-JP file. How CP932, EUC-JP
 * and damaged UTF-8 are told apart is explained at the top of decode.c.
 */
#ifndef ISOKIOSK_DECODE_H
#define ISOKIOSK_DECODE_H

#include <stdbool.h>
#include <stddef.h>

#include "diag.h"

enum decode_encoding {
	DECODE_UTF8,
	DECODE_CP932,
	DECODE_EUCJP,
};

struct decode_text {
	char *text;                   /* NUL-terminated; owned */
	size_t len;                   /* bytes, without the NUL */
	enum decode_encoding encoding;/* what the file was in */
	bool had_bom;
};

/*
 * Decode bytes read from path (path is only for diagnostics). Returns 0 and
 * fills out (the caller calls decode_text_done) when the text is usable, with
 * any warnings added to dl; returns -1 with errors added to dl and out->text
 * NULL when it is not.
 */
int decode_bytes(const char *path, const void *bytes, size_t len,
		 struct decode_text *out, struct diag_list *dl);
/*
 * The same, for bytes the caller hands over: buf is malloc'd, holds len
 * bytes and has room for one more. Valid UTF-8 is decoded in place (out->text
 * is then buf, with the BOM and CRs dropped), so a big file is never held
 * twice; buf is freed or handed on in every case, and the caller must not use
 * it afterwards.
 */
int decode_buffer(const char *path, char *buf, size_t len,
		  struct decode_text *out, struct diag_list *dl);
/* Read the file and decode it (decode_buffer on a buffer of exactly the
 * file's size); an unreadable file is an error too. */
int decode_file(const char *path, struct decode_text *out, struct diag_list *dl);
void decode_text_done(struct decode_text *t);

#endif
