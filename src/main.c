/*
 * main: the isokiosk program. Everything lives in the core library so that
 * the tests link the same code; see cli.c.
 */
#include "cmd.h"

int
main(int argc, char **argv)
{
	return cli_main(argc, argv);
}
