/* The predecoded block cache: straight-line runs of decoded instructions,
 * keyed by guest address, invalidated when their bytes change. */
#ifndef HEXVM_INTERP_BLOCK_H
#define HEXVM_INTERP_BLOCK_H

#include <stddef.h>
#include <stdint.h>

#include "decode/insn.h"
#include "interp/pc_set.h"

struct mm;
struct cpu;

#define BLOCK_MAX_INSNS 64

/* Addresses a debugger wants control at (debug/gdb_run.c). The decoder asks
 * `at` about every instruction address of a block it builds; a block ends
 * before any address that is not BREAK_NONE. A block at a BREAK_TRAP address
 * is one `trap` instruction standing in for the real one; the instruction
 * at a BREAK_ALONE address gets a block of its own. The run loop itself never
 * looks, so without a debugger nothing costs. */
enum { BREAK_NONE, BREAK_TRAP, BREAK_ALONE };
struct block_breaks {
	int (*at)(const struct block_breaks *bb, uint64_t pc);
	insn_fn *trap;
};

/* Each block remembers the blocks that followed it last (two: a branch's
 * taken and fall-through sides), so the run loop can skip the lookup. A
 * link leads only to a live block: dropping any block clears every link
 * (block_cache.linked lists the blocks that have one), so following a link
 * needs no check beyond its address. */
#define BLOCK_NO_LINK (~0ull) /* in succ_pc: no link there */

/* A block that ends in an indirect branch (JMP or CALL through an operand,
 * RET) remembers the last BLOCK_TARGETS blocks it went on to, which two
 * links would not hold: a bytecode interpreter's dispatch jump has a dozen
 * targets. Its two links are the first two of them, which spares the
 * common branch with one or two targets a load; the rest are made at its
 * first chained exit (interp/chain.h, run_next_block_indirect). They are
 * listed, cleared and so kept to live blocks as the links are, and fill
 * from the first link on after each clearing, so a block that has any is
 * listed by its links (block_listed). */
#define BLOCK_TARGETS 16
struct block_targets {
	uint64_t pc[BLOCK_TARGETS - 2]; /* BLOCK_NO_LINK: none there */
	struct block *to[BLOCK_TARGETS - 2];
	unsigned next;	 /* the target the next new one replaces, the oldest: 0 and 1
			  * are the links, k > 1 is pc[k - 2] */
	unsigned misses; /* new targets since `since`, the guest's icount then */
	uint64_t since;
};
/* A branch that takes BLOCK_TARGET_MISSES new targets within as many times
 * BLOCK_TARGET_SPAN instructions has more targets than slots (a RET from a
 * function called from everywhere): the compares would only add to each
 * lookup, so its block gives up its targets for good (many_targets). */
#define BLOCK_TARGET_MISSES 32
#define BLOCK_TARGET_SPAN   64

struct block {
	uint64_t start, end; /* guest bytes [start, end) hold the instructions */
	struct block *hash_next;
	struct block *succ[2];
	uint64_t succ_pc[2];
	struct block_targets *targets; /* or NULL */
	unsigned n;
	unsigned runs;		/* times interpreted before it was worth translating */
	uint8_t dead;		/* dropped from the cache; freed at the next collect */
	uint8_t many_targets;	/* its indirect branch keeps no targets */
	uint8_t probation;	/* run once so far: its place in block_cache.probation
				 * plus one, or 0; not in the jump cache, no links from
				 * or to it (block_get) */
	uint8_t *jit_code; /* its translation (jit/), or NULL */
	struct jit_rec *jit_rec;
	struct insn insns[];
};

struct block_stats {
	uint64_t lookups, hits, translated, invalidated, insns_decoded;
	/* the translator's (jit/): blocks and instructions made host code
	 * (inline templates or calls to handlers), code bytes, buffer
	 * flushes, exits chained */
	uint64_t jit_blocks, jit_inline, jit_called, jit_bytes, jit_flushes, jit_links;
};

#define BLOCK_PROBATION 128 /* blocks on probation at a time (uint8_t places) */
#define BLOCK_BUCKETS_MIN     1024 /* the table doubles when it holds more blocks */
#define BLOCK_JUMP_SLOTS      4096
#define CODE_PAGE_BUCKETS_MIN 1024 /* and this one when it holds more code pages */

struct code_page {
	uint64_t page;
	struct code_page *next;
	uint8_t covered[512]; /* one bit per byte of the page */
	struct block **blocks;
	unsigned nblocks, cap;
};

struct block_cache {
	struct mm *mm;
	struct block **buckets;	 /* nbuckets chains, a power of two */
	unsigned nbuckets, nblocks;
	struct block *jump[BLOCK_JUMP_SLOTS]; /* direct-mapped front of the hash */
	struct code_page **pages; /* npage_buckets chains, a power of two */
	unsigned npage_buckets, npages;
	struct block *retired; /* dropped, freed at the next collect */
	/* Most of a program's start-up code runs once (a static glibc hello:
	 * 80% of the instructions decoded). A block new to the cache is on
	 * probation among the last BLOCK_PROBATION new ones: its next lookup
	 * keeps it; when new blocks push it out, it goes, and its address
	 * joins ran_once, so that it is kept from its next run on. Run-once
	 * code so costs no memory that stays, every page of which is a page
	 * fault. */
	struct block *probation[BLOCK_PROBATION];
	unsigned probation_next; /* the place the next new block takes */
	struct pc_set ran_once;
	uint64_t gen;	       /* advances whenever blocks are dropped */
	struct block **linked; /* the blocks with a link, cleared when blocks are dropped */
	unsigned nlinked, linked_cap;
	unsigned max_insns;    /* per block: BLOCK_MAX_INSNS, or 1 to run step by step */
	const struct block_breaks *breaks; /* a debugger's, or NULL */
	struct jit *jit;		   /* translations of these blocks, made on first use */
	struct block_stats stats;
};

/* Bucket of `pc` in a table of `size` (a power of two) entries; the
 * translator's inline lookup of the jump table computes the same. */
static inline unsigned block_hash(uint64_t pc, unsigned size)
{
	return (unsigned)((pc ^ (pc >> 13) ^ (pc >> 27)) & (size - 1));
}

struct block_cache *block_cache_create(struct mm *mm);
void block_cache_destroy(struct block_cache *bc);

/* The block starting at `pc`, decoded now if needed. A fetch from a
 * non-executable or unmapped address, or an undefined first instruction,
 * raises the guest fault through cpu_fault. */
struct block *block_get(struct cpu *c, struct block_cache *bc, uint64_t pc);
/* The block at `pc` if the jump cache has it (block_get's first look,
 * inline), else NULL. */
static inline struct block *block_find(struct block_cache *bc, uint64_t pc)
{
	struct block *b = bc->jump[block_hash(pc, BLOCK_JUMP_SLOTS)];
	if (!b || b->start != pc)
		return NULL;
	bc->stats.lookups++;
	bc->stats.hits++;
	return b;
}
/* Puts b in bc->linked before it gets its first link: b must be live (a
 * dropped block is never linked). */
void block_cache_list_linked(struct block_cache *bc, struct block *b);
static inline int block_listed(const struct block *b)
{
	return b->succ_pc[0] != BLOCK_NO_LINK || b->succ_pc[1] != BLOCK_NO_LINK;
}
/* Remembers n, at pc, as the latest block to follow b (the older of b's two
 * links goes); b is listed. */
static inline void block_link(struct block *b, uint64_t pc, struct block *n)
{
	b->succ[1] = b->succ[0];
	b->succ_pc[1] = b->succ_pc[0];
	b->succ[0] = n;
	b->succ_pc[0] = pc;
}

/* Remembers n, at pc, as a target of b's indirect branch in place of the
 * oldest, unless b has many_targets (or gets it now: `now` is the guest's
 * instruction count); b is live. */
void block_add_target(struct block_cache *bc, struct block *b, uint64_t pc, struct block *n,
		      uint64_t now);

/* The block at `pc` if it is in the cache, without decoding. */
struct block *block_peek(struct block_cache *bc, uint64_t pc);

/* Makes the instructions after `from` in a dropped block stop the run
 * loop, so that code which rewrote itself resumes in a fresh block. */
void block_truncate_after(struct block *b, const struct insn *from);

/* Drops every block whose bytes overlap [addr, addr+len). */
void block_cache_invalidate_range(struct block_cache *bc, uint64_t addr, uint64_t len);
/* Drops every block and decodes at most `max` instructions per block from
 * now on (1: a debugger or the lockstep differ steps one at a time; 0 or
 * anything above BLOCK_MAX_INSNS: the normal size). */
void block_cache_set_max_insns(struct block_cache *bc, unsigned max);
/* Drops every block and builds the next ones around bb's addresses (NULL:
 * none). */
void block_cache_set_breaks(struct block_cache *bc, const struct block_breaks *bb);
/* Frees blocks dropped while they may still have been running. */
void block_cache_collect(struct block_cache *bc);
static inline int block_cache_has_retired(const struct block_cache *bc)
{
	return bc->retired != NULL;
}

/* Advances whenever blocks are dropped. */
static inline uint64_t block_cache_generation(const struct block_cache *bc) { return bc->gen; }

const struct block_stats *block_cache_stats(const struct block_cache *bc);
/* total += more, field by field */
void block_stats_add(struct block_stats *total, const struct block_stats *more);

#endif
