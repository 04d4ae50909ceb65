/*
 * ingate: the one gate for text that enters the records. Everything a person
 * gives the kiosk that is stored (a patient reference or staff ID from the
 * command line or a staff form, a typed name, a kiosk id from the config)
 * passes ingate_clean before it reaches the store, and the store refuses
 * what is not already clean (ingate_is_clean), so nothing slips past a
 * caller that forgot.
 *
 * What clean means, in this order:
 *   - valid UTF-8 (an invalid byte is refused, never replaced);
 *   - no control character: C0, DEL and C1 (so no ESC, no U+009B) are
 *     refused, except the white space ones (tab, line feed, carriage return,
 *     vertical tab, form feed, U+0085 and the line and paragraph separators
 *     U+2028/U+2029), which become a space;
 *   - no noncharacter (U+FDD0..U+FDEF, U+xxFFFE, U+xxFFFF): refused;
 *   - invisible format characters removed: every default-ignorable code
 *     point (zero-width spaces, the bidi controls U+202A..U+202E and
 *     U+2066..U+2069, LRM/RLM/ALM, U+FEFF, the Hangul fillers, tags), except
 *     the variation selectors (a Japanese name may need an ideographic
 *     variation sequence) and ZWNJ/ZWJ (needed in some scripts' names; they
 *     cannot reorder text);
 *   - NFC;
 *   - white space trimmed at both ends and each run inside made one
 *     character (an ideographic space U+3000 stays, other spaces become
 *     U+0020);
 *   - at least one visible character (not white space, not a combining mark
 *     on its own, not U+2800 BRAILLE PATTERN BLANK);
 *   - at most max_chars characters (code points, counted after NFC): longer
 *     text is refused, never cut.
 *
 * Messages are one sentence in the UI language (gettext), naming the field
 * ("The name", "The patient reference", ...), what is wrong, and where: the
 * character's position (1-based, in the text as given) and its code point,
 * or the byte's offset for invalid UTF-8. They never quote the bad text.
 */
#ifndef ISOKIOSK_INGATE_H
#define ISOKIOSK_INGATE_H

#include <stdbool.h>
#include <stddef.h>

enum ingate_kind {
	INGATE_NAME,   /* a signature: a person's name as typed */
	INGATE_REF,    /* a patient reference */
	INGATE_STAFF,  /* a staff ID */
	INGATE_KIOSK,  /* a kiosk id (config) */
	INGATE_TEXT,   /* any other one line (a reason, a note) */
};

/* The longest text of each kind, in characters, when max_chars is 0. */
#define INGATE_NAME_MAX 100
#define INGATE_REF_MAX 64
#define INGATE_STAFF_MAX 64
#define INGATE_KIOSK_MAX 64
#define INGATE_TEXT_MAX 1000

/*
 * Clean len bytes of s as a field of this kind (s need not be
 * NUL-terminated; a NUL byte is refused as a control character). max_chars
 * 0 means the kind's default above. Returns the clean text (caller frees),
 * or NULL with *why set to the message (caller frees; why may be NULL).
 */
char *ingate_clean(enum ingate_kind kind, const char *s, size_t len,
		   size_t max_chars, char **why);

/* Is s (NUL-terminated) already clean for kind: ingate_clean would return
 * it unchanged? On false, *why (if not NULL) says why (caller frees). */
bool ingate_is_clean(enum ingate_kind kind, const char *s, size_t max_chars,
		     char **why);

/*
 * May this code point be typed or pasted into a text field? false for what
 * ingate_clean would refuse or remove (controls, noncharacters, surrogates,
 * invisible format characters, beyond U+10FFFF); true for white space and
 * for everything else. A field drops what this refuses, keystroke by
 * keystroke, so the patient sees exactly what will be stored.
 */
bool ingate_typable(unsigned c);

/* Characters (code points) in valid UTF-8 s; invalid bytes count one each. */
size_t ingate_chars(const char *s, size_t len);

#endif
