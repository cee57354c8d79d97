/* Chained instances. A handler's chained instance ends by running the next
 * instruction of its block itself, as a tail call, so that a block's
 * straight-line code runs as threaded code: no return to the run loop
 * between instructions, and each handler's jump to the next is a branch of
 * its own, which the host predicts by where it is. The block cache gives an
 * instruction its row's chained instance (table attribute `chain`,
 * chooser chain_<handler>) when another instruction of the block follows;
 * the last one runs the plain handler and returns to the run loop, as does
 * any handler without a chained instance, after which the loop goes on
 * after c->cur. The branch that ends a block has a chained instance too,
 * which goes on into the next block (run_next_block). A chained instance that cannot make a tail call (a local
 * whose address escapes) still runs correctly, on a deeper stack. */
#ifndef HEXVM_INTERP_CHAIN_H
#define HEXVM_INTERP_CHAIN_H

#include "base/compiler.h"
#include "cpu/cpu.h"
#include "decode/insn.h"
#include "interp/block.h"

static ALWAYS_INLINE void run_next(struct cpu *c, const struct insn *i)
{
	c->cur = i + 1;
	i[1].run(c, i + 1);
}

/* Remembers where a block left off, for fault reports (which tell taken
 * branches from fall-throughs themselves): two stores and an add a block,
 * and no test. */
static ALWAYS_INLINE void note_exit(struct cpu *c, uint64_t from)
{
	uint64_t slot = c->branch_count++ % CPU_BRANCHES;
	c->branch_from[slot] = from;
	c->branch_to[slot] = c->rip;
}

/* The end of a block, i its last instruction (a branch, which has set rip):
 * when the run loop would go straight on to a block it knows at rip (by b's
 * links, or the jump cache), do its bookkeeping here (interp/dispatch.c, finish_block) and run that
 * block's first instruction, again as a tail call; otherwise return to the
 * run loop, which does the same its own way. So a loop of blocks runs
 * without returning, and the jump into each block is a branch of its own
 * branch handler. An exit request stops it through chain_limit
 * (interp/dispatch.c). */
static ALWAYS_INLINE void run_next_block(struct cpu *c, const struct insn *i)
{
	struct block_cache *bc = c->chain_cache;
	struct block *b = c->cur_block, *n;
	uint64_t pc = c->rip, icount = c->icount + b->n;
	if (unlikely(icount >= c->chain_limit) ||
	    unlikely(b->link_gen != block_cache_generation(bc)))
		return;
	if (b->succ_pc[0] == pc)
		n = b->succ[0];
	else if (b->succ_pc[1] == pc)
		n = b->succ[1];
	else if ((n = block_find(bc, pc)) != NULL)
		block_link(b, pc, n);
	else
		return;
	c->icount = icount;
	note_exit(c, i->addr);
	c->cur_block = n;
	c->cur = n->insns;
	n->insns[0].run(c, n->insns);
}

/* The chained instance of Jcc i when the instruction before it in its
 * block, `before`, always leaves the lazy flags of one kind (decode/isa.h,
 * ISA_SETS_*), else NULL (interp/branch_after.c). */
insn_fn *chain_jcc_after(const struct insn *i, const struct insn *before);

/* A table row's handler op_<name> that has a single instance, body(c, i),
 * and its chained twin with chooser chain_<name> (the row marked `chain`). */
#define CHAINED(name, body)                                                                        \
	void op_##name(struct cpu *c, const struct insn *i) { body(c, i); }                        \
	static void name##_chained(struct cpu *c, const struct insn *i)                            \
	{                                                                                          \
		body(c, i);                                                                        \
		run_next(c, i);                                                                    \
	}                                                                                          \
	insn_fn *chain_##name(const struct insn *i)                                                \
	{                                                                                          \
		(void)i;                                                                           \
		return name##_chained;                                                             \
	}

#endif
