/* pc_set (see pc_set.h). */
#include "interp/pc_set.h"

#include <stdlib.h>

#define PC_SET_MIN 1024

static unsigned slot_of(uint64_t pc, unsigned cap)
{
	return (unsigned)((pc * 0x9e3779b97f4a7c15ull) >> 32) & (cap - 1);
}

/* The slot that holds pc, or the empty one where it would go. */
static unsigned find_slot(const uint64_t *slots, unsigned cap, uint64_t pc)
{
	unsigned k = slot_of(pc, cap);
	while (slots[k] && slots[k] != pc + 1)
		k = (k + 1) & (cap - 1);
	return k;
}

int pc_set_has(const struct pc_set *s, uint64_t pc)
{
	return s->cap && s->slots[find_slot(s->slots, s->cap, pc)];
}

static int grow(struct pc_set *s)
{
	unsigned cap = s->cap ? s->cap * 2 : PC_SET_MIN;
	uint64_t *slots = calloc(cap, sizeof *slots);
	if (!slots)
		return -1;
	for (unsigned k = 0; k < s->cap; k++)
		if (s->slots[k])
			slots[find_slot(slots, cap, s->slots[k] - 1)] = s->slots[k];
	free(s->slots);
	s->slots = slots;
	s->cap = cap;
	return 0;
}

void pc_set_add(struct pc_set *s, uint64_t pc)
{
	if ((s->n + 1) * 2 > s->cap && grow(s))
		return;
	unsigned k = find_slot(s->slots, s->cap, pc);
	if (!s->slots[k]) {
		s->slots[k] = pc + 1;
		s->n++;
	}
}

void pc_set_free(struct pc_set *s)
{
	free(s->slots);
	s->slots = NULL;
	s->cap = s->n = 0;
}
