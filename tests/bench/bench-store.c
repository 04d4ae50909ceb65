/*
 * bench-store: how fast the consent store is where it matters.
 *
 *  1. The median (and 90th percentile) time to commit one answer durably
 *     (store_answer: a WAL transaction with synchronous=FULL), on the file
 *     system of the build directory.
 *  2. `isokiosk records verify` and `isokiosk records export --format fhir`
 *     on 100,000 stored sessions (each: 10 screen visits, 7 quiz attempts,
 *     8 acknowledgements, a signature; some verified by staff), run with the
 *     real binary: the median and best of 5 runs, wall clock and CPU time,
 *     and the ratio of the median to the goals (verify 1 s, export 3 s). The
 *     database is made once (bulk: one transaction, no syncs; sealed with
 *     the current canonical form) and kept in the build directory; one of
 *     an older schema is made again.
 *
 * usage: bench-store ISOKIOSK WORKDIR [SESSIONS]
 * Timings are reported, never asserted (tests/ do not time things).
 */
#include <spawn.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <fcntl.h>
#include <time.h>
#include <unistd.h>

#include "store.h"
#include "xmalloc.h"

extern char **environ;

#define VERSION "5f2b9c1d0e8a7f6b5c4d3e2f1a0b9c8d7e6f5a4b3c2d1e0f9a8b7c6d5e4f3a2b"

static double
bench_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int
bench_cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static void
bench_die(const char *what, char *err)
{
	fprintf(stderr, "bench-store: %s: %s\n", what, err ? err : "?");
	exit(1);
}

/* 1. durable single-answer commits */
static void
bench_commit(const char *dir)
{
	char *path = xasprintf("%s/bench-commit.db", dir);
	char *wal = xasprintf("%s-wal", path), *shm = xasprintf("%s-shm", path);
	struct store_start s = { "kiosk-1", "nurse-a", "bench", "pregnancy",
				 "ja", VERSION, false, NULL };
	enum { N = 200 };
	double t[N];
	char *err = NULL;
	struct store *st;
	int64_t id;

	unlink(path);
	unlink(wal);
	unlink(shm);
	st = store_open(path, NULL, &err);
	if (st == NULL || store_session_begin(st, &s, &id, &err) != 0)
		bench_die("commit", err);
	for (int i = 0; i < N; i++) {
		char qid[32];
		struct store_answer a = { qid, 1, i % 3, "減る", "2,0,1",
					  i % 4 != 0 };
		double t0;

		snprintf(qid, sizeof qid, "q-%d", i);
		t0 = bench_now();
		if (store_answer(st, id, &a, &err) != 0)
			bench_die("commit", err);
		t[i] = bench_now() - t0;
	}
	store_close(st);
	qsort(t, N, sizeof t[0], bench_cmp);
	printf("commit one answer durably (WAL, synchronous=FULL, %s): median"
	       " %.3f ms, p90 %.3f ms, max %.3f ms (n=%d)\n", dir,
	       t[N / 2] * 1e3, t[N * 9 / 10] * 1e3, t[N - 1] * 1e3, N);
	unlink(path);
	unlink(wal);
	unlink(shm);
	free(path);
	free(wal);
	free(shm);
}

/* 2a. the records database: made once */
static const char *const bench_screens[] = {
	"welcome", "what-is", "how-it-works", "pores", "time-course", "dose",
	"side-effects", "pregnancy", "blood-tests", "other-medicines",
};

static void
bench_make(const char *path, long n)
{
	static const enum store_outcome outcomes[] = { STORE_COMPLETED,
		STORE_COMPLETED, STORE_COMPLETED, STORE_COMPLETED,
		STORE_COMPLETED, STORE_COMPLETED, STORE_STOPPED,
		STORE_ABANDONED, STORE_TIMED_OUT, STORE_COMPLETED };
	char *err = NULL, name[64], text[256];
	struct store *st = store_open(path, NULL, &err);
	double t0 = bench_now();

	if (st == NULL || store_test_bulk(st, true, &err) != 0)
		bench_die("making the database", err);
	for (long k = 0; k < n; k++) {
		struct store_start s = { "kiosk-1", "nurse-a", name,
			k % 2 ? "pregnancy" : "no-pregnancy", "ja", VERSION,
			k % 17 == 0, NULL };
		int64_t id;
		int rc = 0;

		snprintf(name, sizeof name, "患者 %06ld", k + 1);
		rc |= store_session_begin(st, &s, &id, &err);
		for (size_t i = 0; i < 10 && rc == 0; i++)
			rc |= store_screen(st, id, bench_screens[i],
					   (int64_t)(5000 + 731 * i + k % 1000),
					   &err);
		for (int q = 0; q < 6 && rc == 0; q++) {
			char qid[32];
			struct store_answer a = { qid, 1, q % 3, "減る",
						  "2,0,1", true };

			snprintf(qid, sizeof qid, "q-%d", q);
			if (q == 2) {
				struct store_answer w = a;

				w.correct = false;
				w.choice_text = "増える";
				rc |= store_answer(st, id, &w, &err);
				a.attempt = 2;
				a.order = "1,2,0";
			}
			rc |= store_answer(st, id, &a, &err);
		}
		for (int i = 0; i < 8 && rc == 0; i++) {
			char sid[32];

			snprintf(sid, sizeof sid, "ack-%d", i);
			snprintf(text, sizeof text, "確認事項 %d: 妊娠を避けること、"
				 "献血をしないこと。", i);
			rc |= store_ack(st, id, sid, text, &err);
		}
		if (rc == 0)
			rc |= store_sign(st, id, "patient", name,
					 "patient acknowledgement", &err);
		if (rc == 0 && s.minor)
			rc |= store_sign(st, id, "guardian", "保護者",
					 "guardian acknowledgement", &err);
		if (rc == 0)
			rc |= store_session_end(st, id, outcomes[k % 10], NULL,
						&err);
		if (rc == 0 && k % 50 == 1)
			rc |= store_staff_verify(st, id, "nurse-b", &err);
		if (rc != 0)
			bench_die("making the database", err);
	}
	if (store_test_bulk(st, false, &err) != 0)
		bench_die("making the database", err);
	store_close(st);
	printf("made %ld sessions in %.1f s\n", n, bench_now() - t0);
}

/* The number of sessions in the database, or -1. */
static long
bench_count(const char *path)
{
	sqlite3 *db;
	sqlite3_stmt *q;
	long n = -1;

	if (access(path, R_OK) != 0 ||
	    sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK)
		return -1;
	/* A database of an older schema is made again (its seals would be of
	 * an older canonical form). */
	if (sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &q,
			       NULL) == SQLITE_OK) {
		if (sqlite3_step(q) != SQLITE_ROW ||
		    sqlite3_column_int(q, 0) != STORE_SCHEMA_VERSION)
			n = -2;
		sqlite3_finalize(q);
	}
	if (n == -1 &&
	    sqlite3_prepare_v2(db, "SELECT count(*) FROM sessions WHERE"
			       " seal_hash IS NOT NULL", -1, &q,
			       NULL) == SQLITE_OK) {
		if (sqlite3_step(q) == SQLITE_ROW)
			n = (long)sqlite3_column_int64(q, 0);
		sqlite3_finalize(q);
	}
	sqlite3_close(db);
	return n;
}

/* 2b. run the binary; wall and CPU seconds of the median run */
static void
bench_run(const char *isokiosk, char *const argv[], const char *label,
	  double goal)
{
	enum { RUNS = 5 };
	double wall[RUNS], cpu[RUNS];
	double w_med, c_med;

	for (int r = 0; r < RUNS; r++) {
		posix_spawn_file_actions_t fa;
		struct rusage ru;
		double t0 = bench_now();
		pid_t pid;
		int status;

		posix_spawn_file_actions_init(&fa);
		posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY,
						 0);
		if (posix_spawn(&pid, isokiosk, &fa, NULL, argv, environ) != 0) {
			perror(isokiosk);
			exit(1);
		}
		posix_spawn_file_actions_destroy(&fa);
		if (wait4(pid, &status, 0, &ru) < 0 || !WIFEXITED(status) ||
		    WEXITSTATUS(status) != 0) {
			fprintf(stderr, "bench-store: %s failed\n", label);
			exit(1);
		}
		wall[r] = bench_now() - t0;
		cpu[r] = (double)ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 +
			 (double)ru.ru_stime.tv_sec + ru.ru_stime.tv_usec / 1e6;
	}
	qsort(wall, RUNS, sizeof wall[0], bench_cmp);
	qsort(cpu, RUNS, sizeof cpu[0], bench_cmp);
	w_med = wall[RUNS / 2];
	c_med = cpu[RUNS / 2];
	printf("%s: median %.2f s wall (best %.2f; %.2f s CPU, best %.2f),"
	       " goal %.0f s: %.2fx the goal%s\n", label, w_med, wall[0],
	       c_med, cpu[0], goal, w_med / goal,
	       w_med <= goal ? " (met)" : "");
}

int
main(int argc, char **argv)
{
	const char *isokiosk, *dir;
	long n = 100000, have;
	char *db, load[64] = "?";
	FILE *fp;

	if (argc < 3) {
		fprintf(stderr, "usage: bench-store ISOKIOSK WORKDIR [SESSIONS]\n");
		return 2;
	}
	setvbuf(stdout, NULL, _IOLBF, 0); /* progress as it comes */
	isokiosk = argv[1];
	dir = argv[2];
	if (argc > 3)
		n = atol(argv[3]);
	if ((fp = fopen("/proc/loadavg", "r")) != NULL) {
		if (fgets(load, sizeof load, fp) == NULL)
			snprintf(load, sizeof load, "?");
		load[strcspn(load, "\n")] = '\0';
		fclose(fp);
	}
	printf("bench-store: %ld processors, load average %s\n",
	       sysconf(_SC_NPROCESSORS_ONLN), load);
	bench_commit(dir);

	db = xasprintf("%s/bench-store-%ld.db", dir, n);
	have = bench_count(db);
	if (have != n) {
		char *wal = xasprintf("%s-wal", db), *shm = xasprintf("%s-shm", db);

		unlink(db);
		unlink(wal);
		unlink(shm);
		free(wal);
		free(shm);
		bench_make(db, n);
	}
	{
		char label[128];
		char *verify[] = { (char *)isokiosk, "records", "verify", "--db",
				   db, NULL };
		char *export[] = { (char *)isokiosk, "records", "export",
				   "--format", "fhir", "--db", db, NULL };

		snprintf(label, sizeof label, "records verify, %ld sessions", n);
		bench_run(isokiosk, verify, label, 1.0);
		snprintf(label, sizeof label,
			 "records export --format fhir, %ld sessions", n);
		bench_run(isokiosk, export, label, 3.0);
	}
	free(db);
	return 0;
}
