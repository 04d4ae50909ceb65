/*
 * store-drive: drives the store API from a script, for the records tests
 * (tamper.sh, full-disk.sh) and the benchmark. Reads commands from standard
 * input, one per line, fields separated by TAB; answers each with "ok" (and
 * an id) or "error: <message>", and goes on. Exit 1 if any command failed.
 *
 *   begin PATIENT [PROFILE]            -> ok ID
 *   screen ID SCREEN MS
 *   answer ID QUESTION ATTEMPT CHOICE TEXT CORRECT(0|1)
 *   ack ID STATEMENT TEXT              (TEXT: "\n" stands for a line break)
 *   sign ID ROLE NAME MEANING
 *   end ID OUTCOME [REASON]
 *   staff-verify ID STAFF
 *   follow-up PATIENT [PROFILE]        a follow-up visit begun -> ok ID
 *   vanswer ID KIND ENTRY CHOICE SCORE a follow-up's answer
 *   flag ID SOURCE ENTRY LEVEL         a flag raised (staff, urgent)
 *   flag-ack ID FLAG STAFF             a flag acknowledged (its own link)
 *   test PATIENT DATE RESULT SETTING STAFF  a pregnancy test (own link)
 *   prescribe ID STAFF TODAY WINDOW    may prescribe (its own link)
 *   content NAME TEXT                  a frozen content file of VERSION
 *                                      (as before schema 5: no order)
 *   frozen LANG REL TEXT [REL TEXT]... a content version made of these
 *                                      files (bundle.h), frozen as the
 *                                      kiosk freezes it; sessions begun
 *                                      after use it -> ok VERSION
 *   sample N                           N typical sessions (10 screens, 7
 *                                      answers, 8 acknowledgements, a
 *                                      signature), outcomes mixed
 *   bulk on|off                        one transaction, no syncs (benchmark)
 *   fill FILE / unfill FILE            fill the file system with FILE / free it
 *
 * Usage: store-drive DB [CLOCK_MS]  (CLOCK_MS: a fixed clock that starts
 * there and steps 1 s per reading, so output is reproducible). With
 * STORE_DRIVE_NO_RECOVER set, open sessions are left open (not sealed).
 * With STORE_DRIVE_KEY=FILE, every link is signed with that key (made if
 * missing) as the kiosk signs them, kiosk id $STORE_DRIVE_KIOSK (default "kiosk-1"), a checkpoint every
 * $STORE_DRIVE_CHECKPOINT_EVERY links (default: the kiosk's).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sodium.h>

#include "bundle.h"
#include "identity.h"
#include "store.h"
#include "store-visit.h"
#include "xmalloc.h"

#define VERSION "5f2b9c1d0e8a7f6b5c4d3e2f1a0b9c8d7e6f5a4b3c2d1e0f9a8b7c6d5e4f3a2b"

static char *drive_unescape(const char *s);
static const char *drive_kiosk = "kiosk-1"; /* $STORE_DRIVE_KIOSK */

static struct identity drive_id;

/* The content version sessions are begun with. */
static char drive_version[65] = VERSION;

/* frozen LANG REL TEXT ...: files written to a temporary folder, their
 * version computed as bundle.c does, frozen. */
static int
drive_frozen(struct store *st, char **f, int nf, char **err)
{
	char dir[] = "/tmp/store-drive-XXXXXX";
	struct bundle_lang l;
	struct bundle_file files[3];
	crypto_hash_sha256_state h;
	unsigned char d[32];
	int n = (nf - 2) / 2, rc;

	if (n < 1 || n > 3 || mkdtemp(dir) == NULL) {
		*err = xstrdup("frozen: 1 to 3 files");
		return -1;
	}
	memset(&l, 0, sizeof l);
	l.code = f[1];
	l.files = files;
	l.nfiles = (size_t)n;
	crypto_hash_sha256_init(&h);
	for (int i = 0; i < n; i++) {
		char *t = drive_unescape(f[3 + 2 * i]);
		FILE *fp;

		files[i].rel = f[2 + 2 * i];
		files[i].path = xasprintf("%s/%d", dir, i);
		fp = fopen(files[i].path, "w");
		fputs(t, fp);
		fclose(fp);
		store_sha256_hex(t, strlen(t), files[i].sha256);
		crypto_hash_sha256_update(&h, (const unsigned char *)files[i].rel,
					  strlen(files[i].rel) + 1);
		crypto_hash_sha256_update(&h, (const unsigned char *)files[i].sha256,
					  64);
		crypto_hash_sha256_update(&h, (const unsigned char *)"\n", 1);
		free(t);
	}
	crypto_hash_sha256_final(&h, d);
	sodium_bin2hex(l.version, sizeof l.version, d, sizeof d);
	rc = store_content_freeze(st, &l, err);
	for (int i = 0; i < n; i++) {
		unlink(files[i].path);
		free(files[i].path);
	}
	rmdir(dir);
	if (rc == 0)
		memcpy(drive_version, l.version, sizeof drive_version);
	return rc;
}

static int64_t drive_time;

static int64_t
drive_clock(void *ctx)
{
	(void)ctx;
	drive_time += 1000;
	return drive_time;
}

static char *
drive_unescape(const char *s)
{
	char *out = xmalloc(strlen(s) + 1), *o = out;

	for (; *s; s++) {
		if (s[0] == '\\' && s[1] == 'n') {
			*o++ = '\n';
			s++;
		} else {
			*o++ = *s;
		}
	}
	*o = '\0';
	return out;
}

static int
drive_fill(const char *path)
{
	static char block[65536];
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	long long total = 0;

	if (fd < 0)
		return -1;
	for (;;) {
		ssize_t n = write(fd, block, sizeof block);

		if (n <= 0)
			break;
		total += n;
	}
	/* Small writes fill the last partial block. */
	for (;;) {
		if (write(fd, block, 1) != 1)
			break;
		total++;
	}
	fsync(fd);
	close(fd);
	return total > 0 || errno == ENOSPC ? 0 : -1;
}

static const char *const drive_screens[] = {
	"welcome", "what-is", "how-it-works", "pores", "time-course", "dose",
	"side-effects", "pregnancy", "blood-tests", "other-medicines",
};

static int
drive_sample(struct store *st, long n, char **err)
{
	static const char *const outcomes[] = { "completed", "completed",
		"completed", "completed", "completed", "completed", "stopped",
		"abandoned", "timed-out", "completed" };
	char name[64], text[256];

	for (long k = 0; k < n; k++) {
		struct store_start s = { drive_kiosk, "nurse-a", name,
			k % 2 ? "pregnancy" : "no-pregnancy", "ja", drive_version,
			k % 17 == 0, NULL };
		int64_t id;

		snprintf(name, sizeof name, "患者 %06ld", k + 1);
		if (store_session_begin(st, &s, &id, err) != 0)
			return -1;
		for (size_t i = 0; i < 10; i++)
			if (store_screen(st, id, drive_screens[i],
					 (int64_t)(5000 + 731 * i + k % 1000),
					 err) != 0)
				return -1;
		for (int q = 0; q < 6; q++) {
			struct store_answer a = { NULL, 1, q % 3, "減る",
						  "2,0,1", true };
			char qid[32];

			snprintf(qid, sizeof qid, "q-%d", q);
			a.question_id = qid;
			if (q == 2) {
				a.correct = false;
				a.choice_text = "増える";
				if (store_answer(st, id, &a, err) != 0)
					return -1;
				a.attempt = 2;
				a.correct = true;
				a.choice_text = "減る";
				a.order = "1,2,0";
			}
			if (store_answer(st, id, &a, err) != 0)
				return -1;
		}
		for (int i = 0; i < 8; i++) {
			char sid[32];

			snprintf(sid, sizeof sid, "ack-%d", i);
			snprintf(text, sizeof text, "確認事項 %d: 妊娠を避けること、"
				 "献血をしないこと。", i);
			if (store_ack(st, id, sid, text, err) != 0)
				return -1;
		}
		if (store_sign(st, id, "patient", name,
			       "patient acknowledgement", err) != 0)
			return -1;
		if (s.minor && store_sign(st, id, "guardian", "保護者",
					  "guardian acknowledgement", err) != 0)
			return -1;
		if (store_session_end(st, id,
				      store_outcome_parse(outcomes[k % 10]),
				      k % 10 == 6 ? "q-2: 3 wrong answers,"
				      " please call staff" : NULL, err) != 0)
			return -1;
		if (k % 50 == 1 && store_staff_verify(st, id, "nurse-b", err) != 0)
			return -1;
	}
	return 0;
}

int
main(int argc, char **argv)
{
	struct store_opts o = { 0 };
	struct store *st;
	char *err = NULL, *line = NULL;
	size_t cap = 0;
	ssize_t len;
	int status = 0;

	if (argc < 2) {
		fprintf(stderr, "usage: store-drive DB [CLOCK_MS]\n");
		return 2;
	}
	if (argc > 2) {
		drive_time = strtoll(argv[2], NULL, 10);
		o.clock = drive_clock;
	}
	/* A second run that continues the first's open session. */
	if (getenv("STORE_DRIVE_NO_RECOVER") != NULL)
		o.flags |= STORE_NO_RECOVER;
	st = store_open(argv[1], &o, &err);
	if (st == NULL) {
		printf("error: %s\n", err);
		free(err);
		return 1;
	}
	if (getenv("STORE_DRIVE_KIOSK") != NULL)
		drive_kiosk = getenv("STORE_DRIVE_KIOSK");
	if (getenv("STORE_DRIVE_KEY") != NULL) {
		const char *every = getenv("STORE_DRIVE_CHECKPOINT_EVERY");
		struct store_signer sg;

		if (identity_load(getenv("STORE_DRIVE_KEY"), true, &drive_id,
				  &err) < 0) {
			printf("error: %s\n", err);
			free(err);
			store_close(st);
			return 1;
		}
		identity_store_signer(&drive_id, drive_kiosk, every != NULL ?
				      (unsigned)atoi(every) :
				      IDENTITY_CHECKPOINT_EVERY, &sg);
		store_set_signer(st, &sg);
	}
	while ((len = getline(&line, &cap, stdin)) > 0) {
		char *f[12] = { 0 }, *p = line;
		int nf = 0, rc = 0;
		int64_t id = 0, out_id = -1;

		if (line[len - 1] == '\n')
			line[--len] = '\0';
		if (line[0] == '\0' || line[0] == '#')
			continue;
		while (nf < 12) {
			f[nf++] = p;
			p = strchr(p, '\t');
			if (p == NULL)
				break;
			*p++ = '\0';
		}
		if (nf > 1)
			id = strtoll(f[1], NULL, 10);
		free(err);
		err = NULL;
		if (strcmp(f[0], "begin") == 0 && nf >= 2) {
			struct store_start s = { drive_kiosk, "nurse-a", f[1],
				nf > 2 ? f[2] : "pregnancy", "ja", drive_version,
				false, NULL };

			rc = store_session_begin(st, &s, &out_id, &err);
		} else if (strcmp(f[0], "follow-up") == 0 && nf >= 2) {
			struct store_start s = { drive_kiosk, "nurse-a", f[1],
				nf > 2 ? f[2] : "pregnancy", "ja", drive_version,
				false, "follow-up" };

			rc = store_session_begin(st, &s, &out_id, &err);
		} else if (strcmp(f[0], "vanswer") == 0 && nf == 6) {
			struct store_visit_answer a = { f[2], f[3], atoi(f[4]),
							atoi(f[5]) };

			rc = store_visit_answer(st, id, &a, &err);
		} else if (strcmp(f[0], "flag") == 0 && nf == 5) {
			rc = store_flag_raise(st, id, f[2], f[3], f[4], NULL,
					      &err);
		} else if (strcmp(f[0], "flag-ack") == 0 && nf == 4) {
			rc = store_flag_ack(st, id, strtoll(f[2], NULL, 10),
					    f[3], &err);
		} else if (strcmp(f[0], "test") == 0 && nf == 6) {
			struct store_test t = { f[1], f[2], f[3], f[4], f[5] };

			rc = store_test_add(st, &t, &out_id, &err);
		} else if (strcmp(f[0], "prescribe") == 0 && nf == 5) {
			rc = store_prescribe(st, id, f[2], f[3], atoi(f[4]), NULL,
					     &err);
		} else if (strcmp(f[0], "screen") == 0 && nf == 4) {
			rc = store_screen(st, id, f[2], strtoll(f[3], NULL, 10),
					  &err);
		} else if (strcmp(f[0], "answer") == 0 && nf == 7) {
			struct store_answer a = { f[2], atoi(f[3]), atoi(f[4]),
						  f[5], NULL, atoi(f[6]) != 0 };

			rc = store_answer(st, id, &a, &err);
		} else if (strcmp(f[0], "ack") == 0 && nf == 4) {
			char *t = drive_unescape(f[3]);

			rc = store_ack(st, id, f[2], t, &err);
			free(t);
		} else if (strcmp(f[0], "sign") == 0 && nf == 5) {
			rc = store_sign(st, id, f[2], f[3], f[4], &err);
		} else if (strcmp(f[0], "end") == 0 && nf >= 3) {
			int oc = store_outcome_parse(f[2]);

			rc = store_session_end(st, id, oc < 0 ? STORE_OPEN : oc,
					       nf > 3 ? f[3] : NULL, &err);
		} else if (strcmp(f[0], "content") == 0 && nf == 3) {
			char *t = drive_unescape(f[2]);

			rc = store_content_file(st, VERSION, f[1], t, strlen(t),
						&err);
			free(t);
		} else if (strcmp(f[0], "frozen") == 0 && nf >= 4) {
			rc = drive_frozen(st, f, nf, &err);
			if (rc == 0)
				printf("ok %s\n", drive_version);
			if (rc == 0)
				continue;
		} else if (strcmp(f[0], "staff-verify") == 0 && nf == 3) {
			rc = store_staff_verify(st, id, f[2], &err);
		} else if (strcmp(f[0], "sample") == 0 && nf == 2) {
			rc = drive_sample(st, strtol(f[1], NULL, 10), &err);
		} else if (strcmp(f[0], "bulk") == 0 && nf == 2) {
			rc = store_test_bulk(st, strcmp(f[1], "on") == 0, &err);
		} else if (strcmp(f[0], "fill") == 0 && nf == 2) {
			rc = drive_fill(f[1]);
			if (rc != 0)
				err = xasprintf("fill %s: %s", f[1],
						strerror(errno));
		} else if (strcmp(f[0], "unfill") == 0 && nf == 2) {
			rc = unlink(f[1]);
			if (rc != 0)
				err = xasprintf("unfill %s: %s", f[1],
						strerror(errno));
		} else {
			rc = -1;
			err = xasprintf("bad command: %s", f[0]);
		}
		if (rc == 0 && out_id >= 0)
			printf("ok %lld\n", (long long)out_id);
		else if (rc == 0)
			printf("ok\n");
		else {
			printf("error: %s\n", err ? err : "?");
			status = 1;
		}
		fflush(stdout);
	}
	free(line);
	free(err);
	store_close(st);
	return status;
}
