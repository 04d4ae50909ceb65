/*
 * A library that is not libpq but is found as libpq.so.5 (no-libpq.sh
 * copies it under that name into a folder on LD_LIBRARY_PATH): it has
 * PQconnectdb and PQstatus and none of the other functions src/central.c
 * takes from libpq. The central store must refuse it before calling
 * anything of it: each function here aborts, so a call is a crash.
 */
#include <stdlib.h>

#include <libpq-fe.h>

PGconn *
PQconnectdb(const char *conninfo)
{
	(void)conninfo;
	abort();
}

ConnStatusType
PQstatus(const PGconn *conn)
{
	(void)conn;
	abort();
}
