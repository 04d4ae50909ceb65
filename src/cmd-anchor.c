/*
 * cmd-anchor: the commands around the kiosk's key (identity.h):
 *
 *   keys show [--config FILE] [--key FILE]   the public key and its
 *       fingerprint, for the clinic to register centrally (the key pair is
 *       made now if the kiosk has none yet)
 *   records checkpoint                       one signed checkpoint line
 *   records verify [--checkpoint FILE] [--receipt CODE] [--key HEX]
 *       (the part after store_verify: signatures, checkpoints, receipts)
 *
 * The kiosk's key: --key (a public key, 64 hex digits), else the key file
 * (config key `key`, $ISOKIOSK_KEY, ~/.config/isokiosk/kiosk.key) when it
 * exists and can be read. When it is known, every link sealed since the
 * kiosk had it must be signed with it.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cmd.h"
#include "cmd-anchor.h"
#include "config.h"
#include "identity.h"
#include "outgate.h"
#include "store.h"
#include "xmalloc.h"

/* The configuration's key path and kiosk id (configfile NULL: the default
 * one when it exists). 0, or -1 with a message printed. */
static int
cmd_anchor_config(const char *configfile, char **key_path, char **kiosk)
{
	struct config cfg;
	struct diag_list dl;
	char *path = configfile != NULL ? xstrdup(configfile)
					: config_default_path();
	int rc = 0;

	config_init(&cfg);
	diag_list_init(&dl);
	if (configfile != NULL || (path != NULL && access(path, F_OK) == 0)) {
		if (config_load(&cfg, path, &dl) != 0) {
			diag_print(&dl, stderr);
			rc = -1;
		}
	}
	if (rc == 0) {
		*key_path = cfg.key_path != NULL ? xstrdup(cfg.key_path)
						 : identity_default_path();
		*kiosk = xstrdup(cfg.kiosk_id);
	}
	diag_list_done(&dl);
	config_done(&cfg);
	free(path);
	return rc;
}

int
cmd_anchor_signer_load(const char *configfile, struct cmd_anchor_signer *s)
{
	char *key_path = NULL, *err = NULL;

	memset(s, 0, sizeof *s);
	if (cmd_anchor_config(configfile, &key_path, &s->kiosk) != 0)
		return -1;
	if (identity_load(key_path, true, &s->id, &err) < 0) {
		outgate_printf(stderr, "isokiosk records: %s\n", err);
		free(err);
		free(key_path);
		free(s->kiosk);
		s->kiosk = NULL;
		return -1;
	}
	free(key_path);
	identity_store_signer(&s->id, s->kiosk, IDENTITY_CHECKPOINT_EVERY,
			      &s->sg);
	return 0;
}

void
cmd_anchor_signer_done(struct cmd_anchor_signer *s)
{
	identity_done(&s->id);
	free(s->kiosk);
	memset(s, 0, sizeof *s);
}

static void
cmd_anchor_keys_help(FILE *fp)
{
	fputs("Usage: isokiosk keys show [--config FILE] [--key FILE]\n"
	      "Print the kiosk's public signing key (Ed25519) and its"
	      " fingerprint.\n"
	      "The key pair is made at the kiosk's first start (or now, if"
	      " there is\n"
	      "none yet); register the public key centrally with\n"
	      "  isokiosk central add-kiosk KIOSK-ID PUBLIC-KEY --db"
	      " postgresql://...\n\n"
	      "  --config FILE  the configuration (its key = and kiosk_id =)\n"
	      "  --key FILE     the key file (default: key = of the"
	      " configuration,\n"
	      "                 $ISOKIOSK_KEY, ~/.config/isokiosk/kiosk.key)\n"
	      "  -h, --help     show this help and exit\n", fp);
}

int
cmd_keys(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "config", required_argument, NULL, 'f' },
		{ "key", required_argument, NULL, 'k' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *configfile = NULL, *keyopt = NULL;
	char *key_path = NULL, *kiosk = NULL, *err = NULL;
	char fp[IDENTITY_FP];
	struct identity id;
	int c, rc;

	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (c) {
		case 'f': configfile = optarg; break;
		case 'k': keyopt = optarg; break;
		case 'h': cmd_anchor_keys_help(stdout); return 0;
		default:
			return cli_usage_error("keys", "unknown option '%s'",
					       argv[optind - 1]);
		}
	}
	if (optind >= argc)
		return cli_usage_error("keys", "show?");
	if (strcmp(argv[optind], "show") != 0)
		return cli_usage_error("keys", "unknown keys command '%s'",
				       argv[optind]);
	if (optind + 1 != argc)
		return cli_usage_error("keys", "show takes no argument");
	if (cmd_anchor_config(configfile, &key_path, &kiosk) != 0)
		return 1;
	if (keyopt != NULL) {
		free(key_path);
		key_path = xstrdup(keyopt);
	}
	rc = identity_load(key_path, true, &id, &err);
	if (rc < 0) {
		outgate_printf(stderr, "isokiosk keys: %s\n", err);
		free(err);
		free(key_path);
		free(kiosk);
		return 1;
	}
	identity_fingerprint(id.pk, fp);
	outgate_printf(stdout, "kiosk:       %s\n", kiosk);
	outgate_printf(stdout, "public key:  %s\n", id.pk_hex);
	outgate_printf(stdout, "fingerprint: %s\n", fp);
	outgate_printf(stdout, "key file:    %s%s\n", key_path,
		       rc == 1 ? " (made now)" : "");
	outgate_printf(stdout, "register:    isokiosk central add-kiosk %s %s"
		       " --db postgresql://...\n", kiosk, id.pk_hex);
	identity_done(&id);
	free(key_path);
	free(kiosk);
	return fflush(stdout) == 0 ? 0 : 1;
}

/* ---- records checkpoint ------------------------------------------------- */

int
cmd_anchor_checkpoint(struct store *st, const char *configfile,
		      const char *keyfile)
{
	char *key_path = NULL, *kiosk = NULL, *err = NULL, *line;
	char head[65], now[32];
	struct identity id;
	struct store_report r;
	struct identity_chain_report cr;
	int64_t seq;
	int rc;

	if (cmd_anchor_config(configfile, &key_path, &kiosk) != 0)
		return 1;
	if (keyfile != NULL) {
		free(key_path);
		key_path = xstrdup(keyfile);
	}
	if (identity_load(key_path, false, &id, &err) < 0) {
		outgate_printf(stderr, "isokiosk records: %s\n", err);
		free(err);
		free(key_path);
		free(kiosk);
		return 1;
	}
	free(key_path);
	/* A checkpoint vouches for the chain: never for a broken one. */
	store_report_init(&r);
	rc = store_verify(st, &r, &err);
	if (rc == 0)
		rc = identity_check_chain(st, id.pk, NULL, NULL, 0, "", &cr,
					  &err);
	else
		memset(&cr, 0, sizeof cr);
	if (rc != 0) {
		if (rc > 0) {
			for (size_t i = 0; i < r.n; i++)
				outgate_printf(stderr, "%s\n", r.v[i].message);
			for (size_t i = 0; i < cr.n; i++)
				outgate_printf(stderr, "%s\n", cr.v[i]);
			outgate_printf(stderr, "isokiosk records: the chain does"
				       " not hold: no checkpoint made\n");
		} else {
			outgate_printf(stderr, "isokiosk records: %s\n", err);
		}
		free(err);
		goto out;
	}
	if (store_head(st, &seq, head, &err) != 0) {
		outgate_printf(stderr, "isokiosk records: %s\n", err);
		free(err);
		rc = 1;
		goto out;
	}
	{
		struct timespec ts;
		struct tm tm;
		time_t t;

		clock_gettime(CLOCK_REALTIME, &ts);
		t = ts.tv_sec;
		gmtime_r(&t, &tm);
		snprintf(now, sizeof now, "%04d-%02d-%02dT%02d:%02d:%02d.%03ldZ",
			 (tm.tm_year + 1900) % 10000, (tm.tm_mon + 1) % 100,
			 tm.tm_mday % 100, tm.tm_hour % 100, tm.tm_min % 100,
			 tm.tm_sec % 100, (long)(ts.tv_nsec / 1000000) % 1000);
	}
	line = identity_checkpoint_line(&id, kiosk, seq, head, now);
	outgate_printf(stdout, "%s\n", line);
	free(line);
	rc = fflush(stdout) == 0 ? 0 : 1;
out:
	identity_chain_report_done(&cr);
	store_report_done(&r);
	identity_done(&id);
	free(kiosk);
	return rc;
}

/* ---- records verify: signatures, checkpoints, receipts ------------------ */

/* Read the checkpoint lines of path (blank lines and # comments skipped).
 * 0, or -1 with each bad line printed. */
static int
cmd_anchor_read_checkpoints(const char *path, struct identity_checkpoint **cps,
			    size_t **lines, size_t *n)
{
	FILE *fp = fopen(path, "r");
	char *buf = NULL;
	size_t cap = 0, lineno = 0, alloc = 0;
	ssize_t len;
	int rc = 0;

	*cps = NULL;
	*lines = NULL;
	*n = 0;
	if (fp == NULL) {
		outgate_printf(stderr, "isokiosk records: %s: %s\n", path,
			       strerror(errno));
		return -1;
	}
	while ((len = getline(&buf, &cap, fp)) >= 0) {
		struct identity_checkpoint cp;
		char *err = NULL;
		size_t l = (size_t)len;

		lineno++;
		if (l > 0 && buf[l - 1] == '\n')
			l--;
		if (l == 0 || buf[0] == '#' ||
		    strspn(buf, " \t\r") == l)
			continue;
		if (identity_checkpoint_parse(buf, l, &cp, &err) != 0) {
			outgate_printf(stderr, "%s:%zu:%s\n", path, lineno,
				       err + strlen("column "));
			free(err);
			rc = -1;
			continue;
		}
		if (*n == alloc) {
			alloc = alloc ? 2 * alloc : 8;
			*cps = xreallocarray(*cps, alloc, sizeof **cps);
			*lines = xreallocarray(*lines, alloc, sizeof **lines);
		}
		(*cps)[*n] = cp;
		(*lines)[(*n)++] = lineno;
	}
	free(buf);
	fclose(fp);
	if (rc == 0 && *n == 0) {
		outgate_printf(stderr, "isokiosk records: %s: no checkpoint"
			       " line in it\n", path);
		rc = -1;
	}
	return rc;
}

/* The receipt: the session a patient's code names, its seal over its rows,
 * its link's signature. 0 matches, 1 does not, -1 error (printed). */
static int
cmd_anchor_receipt(struct store *st, const char *code)
{
	struct store_session s;
	int64_t id;
	char *err = NULL;
	int rc = store_find_code(st, code, &id, &err);

	if (rc != 0) {
		outgate_printf(stdout, "receipt %s: %s\n", code, err);
		free(err);
		return rc < 0 ? -1 : 1;
	}
	store_session_init(&s);
	if (store_session_get(st, id, &s, &err) != 0) {
		outgate_printf(stderr, "isokiosk records: %s\n",
			       err ? err : "?");
		free(err);
		store_session_done(&s);
		return -1;
	}
	rc = 0;
	outgate_printf(stdout, "receipt %s: session %lld, patient %s, %s,"
		       " %s\n", code, (long long)s.id, s.patient_ref,
		       s.outcome_name ? s.outcome_name : "?",
		       s.ended_at ? s.ended_at : "-");
	if (!store_seal_holds(&s)) {
		outgate_printf(stdout, "receipt %s: the record does not match"
			       " its seal: changed since the patient saw the"
			       " code\n", code);
		rc = 1;
	} else {
		outgate_printf(stdout, "receipt %s: the record matches its"
			       " seal %s (link #%lld)\n", code, s.seal_hash,
			       (long long)s.seal_seq);
	}
	store_session_done(&s);
	return rc;
}

struct cmd_anchor_find {
	int64_t seq;
	bool found;
	struct store_link_info l;
};

static int
cmd_anchor_find_link(const struct store_link_info *l, void *ctx)
{
	struct cmd_anchor_find *f = ctx;

	if (l->seq == f->seq) {
		f->found = true;
		f->l = *l;
		return 1;
	}
	return 0;
}

int
cmd_anchor_verify(struct store *st, int store_rc, const char *configfile,
		  const char *keyopt, const char *cpfile, const char *receipt)
{
	struct identity_checkpoint *cps = NULL;
	size_t *cp_lines = NULL, ncps = 0;
	unsigned char pk[32], *pkp = NULL;
	struct identity_chain_report cr;
	char *key_path = NULL, *kiosk = NULL, *err = NULL, fp[IDENTITY_FP];
	int rc = store_rc, c;

	if (cmd_anchor_config(configfile, &key_path, &kiosk) != 0)
		return 1;
	if (keyopt != NULL) {
		if (identity_hex_decode(keyopt, pk, 32) != 0) {
			free(key_path);
			free(kiosk);
			return cli_usage_error("records", "--key '%s': not a"
					       " public key (64 lowercase hex"
					       " digits)", keyopt);
		}
		pkp = pk;
	} else if (access(key_path, F_OK) == 0) {
		struct identity id;

		if (identity_load(key_path, false, &id, &err) < 0) {
			outgate_printf(stderr, "isokiosk records: %s\n", err);
			free(err);
			free(key_path);
			free(kiosk);
			return 1;
		}
		memcpy(pk, id.pk, 32);
		identity_done(&id);
		pkp = pk;
	}
	free(key_path);
	if (cpfile != NULL &&
	    cmd_anchor_read_checkpoints(cpfile, &cps, &cp_lines, &ncps) != 0) {
		rc = 1;
		goto out;
	}
	/* No key known: the checkpoint's key is the anchor. */
	if (pkp == NULL && ncps > 0) {
		memcpy(pk, cps[0].pk, 32);
		pkp = pk;
	}
	c = identity_check_chain(st, pkp, cps, cp_lines, ncps,
				 cpfile ? cpfile : "", &cr, &err);
	if (c < 0) {
		outgate_printf(stderr, "isokiosk records: %s\n", err);
		free(err);
		rc = 1;
		goto out;
	}
	for (size_t i = 0; i < cr.n; i++)
		outgate_printf(stdout, "%s\n", cr.v[i]);
	if (cr.key_hex[0] != '\0') {
		unsigned char k[32];

		identity_hex_decode(cr.key_hex, k, 32);
		identity_fingerprint(k, fp);
	}
	if (c == 0 && cr.signed_links > 0)
		outgate_printf(stdout, "signatures hold: %zu of %zu links"
			       " signed by key %s%s\n", cr.signed_links,
			       cr.links, fp, pkp == NULL ?
			       " (no key given: compare it with the key"
			       " registered for this kiosk)" : "");
	else if (c == 0 && cr.links > 0)
		outgate_printf(stdout, "note: no link is signed (a chain made"
			       " before the kiosk had a key): its seals are"
			       " its only protection\n");
	if (c == 0 && cr.unsigned_before > 0 && cr.signed_links > 0)
		outgate_printf(stdout, "note: the first %zu links were sealed"
			       " before the kiosk had a key\n",
			       cr.unsigned_before);
	if (c == 0 && ncps > 0)
		outgate_printf(stdout, "checkpoints hold: %zu in %s, the"
			       " latest at link #%lld\n", cr.checkpoints_ok,
			       cpfile, (long long)cps[ncps - 1].seq);
	if (c != 0) {
		outgate_printf(stdout, "signatures or checkpoints broken: %zu"
			       " problems\n", cr.n);
		rc = 1;
	}
	if (receipt != NULL) {
		int r = cmd_anchor_receipt(st, receipt);

		if (r == 0 && pkp != NULL) {
			struct store_session s;
			struct cmd_anchor_find f = { 0 };
			int64_t id;

			store_session_init(&s);
			if (store_find_code(st, receipt, &id, NULL) == 0 &&
			    store_session_get(st, id, &s, NULL) == 0) {
				f.seq = s.seal_seq;
				store_each_link(st, s.seal_seq - 1,
						cmd_anchor_find_link, &f, NULL);
			}
			if (f.found && f.l.signed_ &&
			    strcmp(f.l.signed_seal, f.l.seal) == 0 &&
			    identity_verify_link(pkp, f.seq, f.l.seal,
						 f.l.sig)) {
				outgate_printf(stdout, "receipt %s: signed by"
					       " this kiosk's key\n", receipt);
			} else {
				outgate_printf(stdout, "receipt %s: not signed"
					       " by this kiosk's key\n",
					       receipt);
				r = 1;
			}
			store_session_done(&s);
		}
		if (r != 0)
			rc = 1;
		if (r == 0 && rc != 0)
			outgate_printf(stdout, "receipt %s: the record matches,"
				       " but the chain around it does not hold"
				       " (above)\n", receipt);
	}
	identity_chain_report_done(&cr);
out:
	for (size_t i = 0; i < ncps; i++)
		identity_checkpoint_done(&cps[i]);
	free(cps);
	free(cp_lines);
	free(kiosk);
	return rc;
}
