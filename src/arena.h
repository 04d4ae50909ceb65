/*
 * arena: memory handed out from a few large blocks and freed all at once,
 * for the many small pieces that live exactly as long as their owner: a
 * layout's run texts and run arrays, a session's strings read from the
 * store, a FHIR export's JSON values.
 *
 * A zeroed struct arena is an empty arena. Blocks start at ARENA_FIRST bytes
 * and double up to ARENA_MOST (or the size of one larger piece).
 */
#ifndef ISOKIOSK_ARENA_H
#define ISOKIOSK_ARENA_H

#include <stdbool.h>
#include <stddef.h>

#define ARENA_FIRST 256
#define ARENA_MOST 65536

struct arena_block;

struct arena {
	struct arena_block *head; /* the newest block: pieces come from it */
};

/* n bytes aligned to align (a power of two, at most 16), owned by a. */
void *arena_alloc(struct arena *a, size_t n, size_t align);
/* A copy of n bytes of s with a NUL after them. */
char *arena_strndup(struct arena *a, const char *s, size_t n);
/*
 * Claim n more bytes right after end, when end is where a's next piece would
 * start (it ends the last piece handed out) and they fit in its block: the
 * last piece grows in place. Returns false (claiming nothing) otherwise.
 */
bool arena_extend(struct arena *a, const void *end, size_t n);
/* src's blocks become dst's (dst keeps taking pieces from its own newest
 * block); src is left empty. What src handed out stays valid. */
void arena_adopt(struct arena *dst, struct arena *src);
/* Everything handed out is gone; the newest block is kept for reuse. */
void arena_reset(struct arena *a);
/* Free every block. */
void arena_done(struct arena *a);

#endif
