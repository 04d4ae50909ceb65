/*
 * config: the kiosk's key=value configuration file. Reading collects every
 * problem as a diagnostic (path:line:col) and keeps the defaults for the keys
 * it could not use. Writing one key (the staff PIN hash) keeps every other
 * line as it was and replaces the file atomically.
 *
 *     # comment
 *     content = /usr/share/isokiosk/content
 *     db = /var/lib/isokiosk/records.db
 *     kiosk_id = waiting-room-1
 *     idle_timeout = 120          seconds without input before the warning
 *     idle_warning = 30           seconds the warning counts down
 *     ambiguous_width = auto      auto | 1 | 2
 *     ruby = paren                paren | over | off
 *     theme = default             default (light) | light | dark |
 *                                 high-contrast | mono
 *     measure = 40                full-width characters per line of body
 *                                 text at most (20 to 200)
 *     kanji_name = no             yes: the signature also takes a kanji name
 *     language = ja               the language the kiosk starts in
 *     start_mode = browse         browse | consent
 *     staff_pin_hash = $argon2id$...   (written by `isokiosk staff set-pin`)
 *     time_zone = Asia/Tokyo      the zone times are shown to people in
 *                                 (default: $TZ, else the system's); the
 *                                 records keep UTC (clock.h)
 *     print_command = lp -d clinic-printer   prints the patient's copy (a PDF
 *                                 on its standard input; run without a
 *                                 shell, see receipt_command_split)
 *     print_paper = a4            a4 | receipt (80 mm): the copy's layout
 *     pin_state = /var/lib/isokiosk/pin-state   wrong PINs and the lockout
 *                                 (default: pin-state beside the database)
 *     key = /etc/isokiosk/kiosk.key   the kiosk's signing key (identity.h;
 *                                 default: ~/.config/isokiosk/kiosk.key)
 *
 * Fail closed: a file that cannot be read, is not a regular file (a
 * directory), is not text (a NUL byte, bytes that are not UTF-8, control
 * characters) or has any error stops the kiosk; a staff_pin_hash libsodium
 * cannot check is an error; the kiosk_id goes through the input gate
 * (ingate.h). Values quoted in messages go through the output gate.
 */
#ifndef ISOKIOSK_CONFIG_H
#define ISOKIOSK_CONFIG_H

#include <stdbool.h>

#include "diag.h"

enum config_start {
	CONFIG_START_BROWSE,
	CONFIG_START_CONSENT,
};

struct config {
	char *path;            /* the file read, or NULL */
	char *content_dir;     /* NULL: the bundled content */
	char *db_path;         /* NULL: the default local database */
	char *kiosk_id;
	int idle_timeout;      /* seconds, >= 5 */
	int idle_warning;      /* seconds, >= 1 */
	int ambiguous;         /* 0 = auto (probe the terminal), 1, 2 */
	int ruby;              /* enum layout_ruby */
	int theme;             /* enum theme_id (theme.h) */
	int measure;           /* the reading measure: body text at most this
				  many full-width characters wide (2 columns
				  each), centred on wider screens */
	bool kanji_name;       /* the signature asks for a kanji name too
				  (typed with a keyboard and an input method)
				  beside the katakana one */
	char *language;        /* "ja" */
	char *time_zone;       /* IANA name; NULL: the process's own */
	enum config_start start_mode;
	char *pin_hash;        /* NULL: no staff PIN, demo mode */
	char *print_command;   /* NULL: no printer (checked when read) */
	int print_paper;       /* enum receipt_paper */
	char *pin_state;       /* NULL: beside the database (pin.h) */
	char *key_path;        /* NULL: identity_default_path() */
};

/* Defaults (no file). */
void config_init(struct config *c);
void config_done(struct config *c);

/*
 * Read path into c (over its current values). Returns 0, or -1 when the file
 * cannot be read or has errors (all of them in dl).
 */
int config_load(struct config *c, const char *path, struct diag_list *dl);
/* Same, from text in memory (path for diagnostics). */
int config_parse(struct config *c, const char *path, const char *text,
		 struct diag_list *dl);

/*
 * Set key to value in the file at path (creating it, mode 0600, when it does
 * not exist): the first line for key is replaced, or a line is appended.
 * Written with afile_replace: old or new, never half, and an existing file
 * keeps its owner, group and mode. Returns 0 or -1 with errno.
 */
int config_write_key(const char *path, const char *key, const char *value);

/* The config file used when none is given: $ISOKIOSK_CONFIG, else
 * $XDG_CONFIG_HOME/isokiosk/isokiosk.conf (~/.config/...). Caller frees. */
char *config_default_path(void);

#endif
