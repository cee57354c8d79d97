/* A set of guest addresses: the block cache's record of where blocks ran
 * once and were let go (interp/block.c, on probation). Open addressing,
 * doubled when half full. */
#ifndef HEXVM_INTERP_PC_SET_H
#define HEXVM_INTERP_PC_SET_H

#include <stdint.h>

struct pc_set {
	uint64_t *slots; /* pc + 1, or 0 for an empty slot */
	unsigned cap, n; /* cap: 0 or a power of two */
};

int pc_set_has(const struct pc_set *s, uint64_t pc);
/* Adds pc; out of memory, the set stays as it is (it only saves work). */
void pc_set_add(struct pc_set *s, uint64_t pc);
void pc_set_free(struct pc_set *s);

#endif
