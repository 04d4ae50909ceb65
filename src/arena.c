/*
 * arena: a bump allocator over a chain of blocks (see arena.h). Owns its
 * blocks; the newest block is at the head of the chain.
 */
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "xmalloc.h"

struct arena_block {
	struct arena_block *next;
	size_t used, cap;
	_Alignas(16) char data[];
};

void *
arena_alloc(struct arena *a, size_t n, size_t align)
{
	struct arena_block *b = a->head;
	size_t at = b != NULL ? (b->used + align - 1) & ~(align - 1) : 0;

	if (b == NULL || at > b->cap || b->cap - at < n) {
		size_t cap = b == NULL ? ARENA_FIRST : b->cap * 2;

		if (cap > ARENA_MOST)
			cap = ARENA_MOST;
		if (cap < n)
			cap = n;
		b = xmalloc(sizeof *b + cap);
		b->used = 0;
		b->cap = cap;
		b->next = a->head;
		a->head = b;
		at = 0;
	}
	b->used = at + n;
	return b->data + at;
}

char *
arena_strndup(struct arena *a, const char *s, size_t n)
{
	char *p = arena_alloc(a, n + 1, 1);

	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

bool
arena_extend(struct arena *a, const void *end, size_t n)
{
	struct arena_block *b = a->head;

	if (b == NULL || (const char *)end != b->data + b->used ||
	    b->cap - b->used < n)
		return false;
	b->used += n;
	return true;
}

void
arena_adopt(struct arena *dst, struct arena *src)
{
	struct arena_block *tail;

	if (src->head == NULL)
		return;
	if (dst->head == NULL) {
		dst->head = src->head;
	} else {
		for (tail = src->head; tail->next != NULL; tail = tail->next)
			;
		tail->next = dst->head->next;
		dst->head->next = src->head;
	}
	src->head = NULL;
}

void
arena_reset(struct arena *a)
{
	struct arena_block *b, *next;

	if (a->head == NULL)
		return;
	for (b = a->head->next; b != NULL; b = next) {
		next = b->next;
		free(b);
	}
	a->head->next = NULL;
	a->head->used = 0;
}

void
arena_done(struct arena *a)
{
	struct arena_block *b, *next;

	for (b = a->head; b != NULL; b = next) {
		next = b->next;
		free(b);
	}
	a->head = NULL;
}
