/*
 * tap: the shared main of the unit tests. Each test-<module>.c defines
 * tap_suite(); main() sets a UTF-8 LC_CTYPE (wide-character functions need it)
 * and runs the suite, writing TAP when CK_TAP_LOG_FILE_NAME=- (meson sets it).
 */
#ifndef ISOKIOSK_TAP_H
#define ISOKIOSK_TAP_H

#include <check.h>

Suite *tap_suite(void);

/* A path inside the source tree ($SOURCE_ROOT, set by meson); caller frees. */
char *tap_source_path(const char *rel);

#endif
