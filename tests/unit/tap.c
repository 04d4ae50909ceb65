/*
 * tap: main() for every unit test program.
 */
#include "tap.h"

#include <locale.h>
#include <stdio.h>
#include <stdlib.h>

#include "xmalloc.h"

char *
tap_source_path(const char *rel)
{
	const char *root = getenv("SOURCE_ROOT");

	return xasprintf("%s/%s", root != NULL ? root : ".", rel);
}

int
main(void)
{
	SRunner *sr;
	int failed;

	if (setlocale(LC_CTYPE, "C.UTF-8") == NULL)
		setlocale(LC_CTYPE, "");
	sr = srunner_create(tap_suite());
	srunner_run_all(sr, CK_ENV);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
