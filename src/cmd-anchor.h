/*
 * cmd-anchor: the records commands around the kiosk's key (cmd-anchor.c):
 * called by cmd-records with the store it opened (read-only).
 */
#ifndef ISOKIOSK_CMD_ANCHOR_H
#define ISOKIOSK_CMD_ANCHOR_H

struct store;

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
