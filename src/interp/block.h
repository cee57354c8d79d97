/* The predecoded block cache: straight-line runs of decoded instructions,
 * keyed by guest address, invalidated when their bytes change. */
#ifndef HEXVM_INTERP_BLOCK_H
#define HEXVM_INTERP_BLOCK_H

#include <stdint.h>

#include "decode/insn.h"

struct mm;
struct cpu;

#define BLOCK_MAX_INSNS 64

struct block {
	uint64_t start, end;     /* guest bytes [start, end) hold the instructions */
	struct block *hash_next;
	unsigned n;
	struct insn insns[];
};

struct block_cache;

struct block_cache *block_cache_create(struct mm *mm);
void block_cache_destroy(struct block_cache *bc);

/* The block starting at `pc`, decoded now if needed. A fetch from a
 * non-executable or unmapped address, or an undefined first instruction,
 * raises the guest fault through cpu_fault. */
struct block *block_get(struct cpu *c, struct block_cache *bc, uint64_t pc);

/* Drops every block whose bytes overlap [addr, addr+len). */
void block_cache_invalidate_range(struct block_cache *bc, uint64_t addr, uint64_t len);
/* Frees blocks dropped while they may still have been running. */
void block_cache_collect(struct block_cache *bc);

struct block_stats {
	uint64_t lookups, hits, translated, invalidated, insns_decoded;
};
const struct block_stats *block_cache_stats(const struct block_cache *bc);

#endif
