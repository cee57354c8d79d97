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

/* Remembers a taken branch (the branch's address, and where execution went
 * on), for fault reports, as the translator does: the exits that fall
 * through to the next instruction (a Jcc not taken, a block's size limit)
 * are not recorded, which spares a conditional branch's fall-through side
 * the stores. */
static ALWAYS_INLINE void note_exit(struct cpu *c, uint64_t from)
{
	uint64_t slot = c->branch_count++ % CPU_BRANCHES;
	c->branch_from[slot] = from;
	c->branch_to[slot] = c->rip;
}

/* Does the run loop's bookkeeping for block b, i its last instruction
 * (interp/dispatch.c, finish_block: `taken` says whether i branched), and
 * runs block n's first instruction as a tail call. */
static ALWAYS_INLINE void enter_next_block(struct cpu *c, const struct insn *i, struct block *n,
					   uint64_t icount, int taken)
{
	c->icount = icount;
	if (taken)
		note_exit(c, i->addr);
	c->cur_block = n;
	c->cur = n->insns;
	n->insns[0].run(c, n->insns);
}

/* What run_next_block does when b has no link to rip: the block there,
 * if the jump cache knows it, replaces b's older link and runs next; else
 * it returns. Out of line and called as a tail call, so that the usual
 * path saves no registers. */
void chain_unlinked(struct cpu *c, const struct insn *i, int taken);

/* The end of a block, i its last instruction (a branch, which has set rip;
 * `taken` says whether it branched): when the run loop would go straight on
 * to a block it knows at rip (by b's links, or the jump cache), do its
 * bookkeeping here and run that block's first instruction, again as a tail
 * call; otherwise return to the run loop, which does the same its own way.
 * So a loop of blocks runs without returning, and the jump into each block
 * is a branch of its own branch handler. An exit request stops it through
 * chain_limit (interp/dispatch.c). The links are tested by compares and
 * branches, which the host predicts, rather than picked by `taken`, which
 * would make every load after it wait for the condition. */
static ALWAYS_INLINE void run_next_block(struct cpu *c, const struct insn *i, int taken)
{
	struct block *b = c->cur_block, *n;
	uint64_t pc = c->rip, icount = c->icount + b->n;
	if (unlikely(icount >= c->chain_limit))
		return;
	if (b->succ_pc[0] == pc)
		n = b->succ[0];
	else if (b->succ_pc[1] == pc)
		n = b->succ[1];
	else
		return chain_unlinked(c, i, taken);
	enter_next_block(c, i, n, icount, taken);
}

/* What run_next_block_indirect does when b's targets do not hold rip: as
 * chain_unlinked, with the block found taking the oldest target's place
 * unless b keeps none (interp/block.h, many_targets). */
void chain_indirect_miss(struct cpu *c, const struct insn *i);

/* Enters block n, the target of the indirect branch i that ended its block,
 * if pc_k, that target's address, is rip. The empty asm, different for each
 * target k, keeps the compiler from merging the targets' jumps into one:
 * each is a host branch of its own, whose target stays the same while the
 * slot does, so the host predicts the jump itself, and the compares before
 * it by their history. */
#define ENTER_TARGET(k, pc_k, n_k)                                                                 \
	if ((pc_k) == pc) {                                                                        \
		struct block *n = (n_k);                                                           \
		c->icount = icount;                                                                \
		note_exit(c, i->addr);                                                             \
		c->cur_block = n;                                                                  \
		c->cur = n->insns;                                                                 \
		__asm__ volatile("" ::"i"(k));                                                     \
		return n->insns[0].run(c, n->insns);                                               \
	}
#define ENTER_MORE_TARGET(k) ENTER_TARGET(k, t->pc[k - 2], t->to[k - 2])

/* run_next_block for an indirect branch i (JMP or CALL through an operand,
 * RET), which goes on to the target among the last BLOCK_TARGETS of its
 * block (interp/block.h) that rip is, else looks the block up
 * (chain_indirect_miss). */
static ALWAYS_INLINE void run_next_block_indirect(struct cpu *c, const struct insn *i)
{
	const struct block *b = c->cur_block;
	const struct block_targets *t;
	uint64_t pc = c->rip, icount = c->icount + b->n;
	if (unlikely(icount >= c->chain_limit))
		return;
	ENTER_TARGET(0, b->succ_pc[0], b->succ[0])
	ENTER_TARGET(1, b->succ_pc[1], b->succ[1])
	t = b->targets;
	if (unlikely(!t))
		return chain_indirect_miss(c, i);
	_Static_assert(BLOCK_TARGETS == 16, "one ENTER_TARGET a target");
	ENTER_MORE_TARGET(2)
	ENTER_MORE_TARGET(3)
	ENTER_MORE_TARGET(4)
	ENTER_MORE_TARGET(5)
	ENTER_MORE_TARGET(6)
	ENTER_MORE_TARGET(7)
	ENTER_MORE_TARGET(8)
	ENTER_MORE_TARGET(9)
	ENTER_MORE_TARGET(10)
	ENTER_MORE_TARGET(11)
	ENTER_MORE_TARGET(12)
	ENTER_MORE_TARGET(13)
	ENTER_MORE_TARGET(14)
	ENTER_MORE_TARGET(15)
	return chain_indirect_miss(c, i);
}

/* The chained instance of Jcc i when the instruction before it in its
 * block, `before`, always leaves the lazy flags of one kind (decode/isa.h,
 * ISA_SETS_*), else NULL (interp/branch_after.c). */
insn_fn *chain_jcc_after(const struct insn *i, const struct insn *before);
/* The instance that runs compare i and the Jcc after it, which ends the
 * block, together, else NULL (interp/cmp_branch.c). */
insn_fn *chain_cmp_branch(const struct insn *i, const struct insn *jcc);

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
