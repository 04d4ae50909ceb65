/*
 * cmd-anchor: the records commands around the kiosk's key (cmd-anchor.c):
 * called by cmd-records with the store it opened (read-only).
 */
#ifndef ISOKIOSK_CMD_ANCHOR_H
#define ISOKIOSK_CMD_ANCHOR_H

#include "identity.h"
#include "store.h"

struct store;

/*
 * The kiosk's signer for a records command that seals links from a shell
 * (records add-test, records prescribe): the key of the configuration
 * (configfile NULL: the default one when it exists), made now when there
 * is none yet, as the kiosk's first start and `keys show` do; one that
 * cannot be used is refused (fail closed: no link is sealed unsigned).
 */
struct cmd_anchor_signer {
	struct identity id;
	char *kiosk;
	struct store_signer sg; /* for store_set_signer */
};
/* 0, or -1 with a message printed. */
int cmd_anchor_signer_load(const char *configfile, struct cmd_anchor_signer *s);
void cmd_anchor_signer_done(struct cmd_anchor_signer *s);

/* `records checkpoint`: verify the chain, print one signed checkpoint
 * line. configfile, keyfile may be NULL. Exit status. */
int cmd_anchor_checkpoint(struct store *st, const char *configfile,
			  const char *keyfile);

/* `records verify` after store_verify (whose exit status is store_rc):
 * signatures, the checkpoints of cpfile, the receipt code. Exit status. */
int cmd_anchor_verify(struct store *st, int store_rc, const char *configfile,
		      const char *keyopt, const char *cpfile,
		      const char *receipt);

#endif
