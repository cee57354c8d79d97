/* Chained instances. A handler's chained instance ends by running the next
 * instruction of its block itself, as a tail call, so that a block's
 * straight-line code runs as threaded code: no return to the run loop
 * between instructions, and each handler's jump to the next is a branch of
 * its own, which the host predicts by where it is. The block cache gives an
 * instruction its row's chained instance (table attribute `chain`,
 * chooser chain_<handler>) when another instruction of the block follows;
 * the last one runs the plain handler and returns to the run loop, as does
 * any handler without a chained instance, after which the loop goes on
 * after c->cur. A chained instance that cannot make a tail call (a local
 * whose address escapes) still runs correctly, on a deeper stack. */
#ifndef HEXVM_INTERP_CHAIN_H
#define HEXVM_INTERP_CHAIN_H

#include "base/compiler.h"
#include "cpu/cpu.h"
#include "decode/insn.h"

static ALWAYS_INLINE void run_next(struct cpu *c, const struct insn *i)
{
	c->cur = i + 1;
	i[1].run(c, i + 1);
}

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
