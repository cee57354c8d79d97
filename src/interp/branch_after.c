/* Jcc straight after an instruction that always leaves the lazy flags of one
 * kind at its operand size (decode/isa.h, ISA_SETS_*): CMP, SUB, TEST and the
 * logic operations, which end most compare-and-branch pairs, ADD, INC and DEC. Its condition
 * then needs no look at cc_op and no shift by a size known only at run time.
 * The block cache gives a Jcc such an instance (chain_jcc_after) when the
 * instruction before it in its block is one of those; like the Jcc's own
 * chained instances (interp/branch.c), they go on into the next block. */
#include "cpu/cond.h"
#include "decode/isa.h"
#include "interp/chain.h"
#include "interp/operand.h"

static ALWAYS_INLINE void jcc_after(struct cpu *c, const struct insn *i, unsigned cc, unsigned kind,
				    unsigned osz, unsigned ripsz)
{
	int taken = cond_after(c, kind, osz, cc);
	branch_sized(c, i, taken, ripsz);
	run_next_block(c, i, taken);
}

/* jcc_after_CC_K_O_R: condition CC after kind K (sub logic add inc dec) at
 * operand size O (b w d q), rip of R bits. */
#define JA_ONE(cc, k, kind, o, osz, r, ripsz)                                                      \
	static void jcc_after_##cc##_##k##_##o##_##r(struct cpu *c, const struct insn *i)          \
	{                                                                                          \
		jcc_after(c, i, cc, kind, osz, ripsz);                                             \
	}
#define JA_RIPS(ONE, cc, k, kind, o, osz)                                                          \
	ONE(cc, k, kind, o, osz, 32, OSZ_32) ONE(cc, k, kind, o, osz, 64, OSZ_64)
#define JA_SIZES(ONE, cc, k, kind)                                                                 \
	JA_RIPS(ONE, cc, k, kind, b, OSZ_8)                                                        \
	JA_RIPS(ONE, cc, k, kind, w, OSZ_16)                                                       \
	JA_RIPS(ONE, cc, k, kind, d, OSZ_32)                                                       \
	JA_RIPS(ONE, cc, k, kind, q, OSZ_64)
#define JA_KINDS(ONE, cc)                                                                          \
	JA_SIZES(ONE, cc, sub, CC_SUB)                                                             \
	JA_SIZES(ONE, cc, logic, CC_LOGIC)                                                         \
	JA_SIZES(ONE, cc, add, CC_ADD)                                                             \
	JA_SIZES(ONE, cc, inc, CC_INC)                                                             \
	JA_SIZES(ONE, cc, dec, CC_DEC)
#define JA_ALL(ONE)                                                                                \
	JA_KINDS(ONE, 0)                                                                           \
	JA_KINDS(ONE, 1)                                                                           \
	JA_KINDS(ONE, 2)                                                                           \
	JA_KINDS(ONE, 3)                                                                           \
	JA_KINDS(ONE, 4)                                                                           \
	JA_KINDS(ONE, 5)                                                                           \
	JA_KINDS(ONE, 6)                                                                           \
	JA_KINDS(ONE, 7)                                                                           \
	JA_KINDS(ONE, 8)                                                                           \
	JA_KINDS(ONE, 9)                                                                           \
	JA_KINDS(ONE, 10)                                                                          \
	JA_KINDS(ONE, 11)                                                                          \
	JA_KINDS(ONE, 12)                                                                          \
	JA_KINDS(ONE, 13)                                                                          \
	JA_KINDS(ONE, 14)                                                                          \
	JA_KINDS(ONE, 15)

JA_ALL(JA_ONE)

/* The same instances by [cc][kind][size][rip]. */
#define JT_RIPS(cc, k, o)                                                                          \
	{                                                                                          \
		jcc_after_##cc##_##k##_##o##_32, jcc_after_##cc##_##k##_##o##_64                   \
	}
#define JT_SIZES(cc, k)                                                                            \
	{                                                                                          \
		JT_RIPS(cc, k, b), JT_RIPS(cc, k, w), JT_RIPS(cc, k, d), JT_RIPS(cc, k, q)         \
	}
#define JT_KINDS(cc)                                                                               \
	{                                                                                          \
		JT_SIZES(cc, sub), JT_SIZES(cc, logic), JT_SIZES(cc, add), JT_SIZES(cc, inc),      \
			JT_SIZES(cc, dec)                                                          \
	}
static insn_fn *const jcc_after_fns[16][5][4][2] = {
	JT_KINDS(0),  JT_KINDS(1),  JT_KINDS(2),  JT_KINDS(3),	JT_KINDS(4),  JT_KINDS(5),
	JT_KINDS(6),  JT_KINDS(7),  JT_KINDS(8),  JT_KINDS(9),	JT_KINDS(10), JT_KINDS(11),
	JT_KINDS(12), JT_KINDS(13), JT_KINDS(14), JT_KINDS(15),
};

/* After a compare that writes EFLAGS itself (COMISD, PCMPISTRI, FCOMI...):
 * jcc_flags_CC_R. */
static ALWAYS_INLINE void jcc_flags(struct cpu *c, const struct insn *i, unsigned cc,
				    unsigned ripsz)
{
	int taken = cond_of_flags(c->eflags, cc);
	branch_sized(c, i, taken, ripsz);
	run_next_block(c, i, taken);
}
#define JF_ONE(cc, r, ripsz)                                                                       \
	static void jcc_flags_##cc##_##r(struct cpu *c, const struct insn *i)                      \
	{                                                                                          \
		jcc_flags(c, i, cc, ripsz);                                                        \
	}
#define JF_RIPS(cc) JF_ONE(cc, 32, OSZ_32) JF_ONE(cc, 64, OSZ_64)
JF_RIPS(0)
JF_RIPS(1)
JF_RIPS(2)
JF_RIPS(3)
JF_RIPS(4)
JF_RIPS(5)
JF_RIPS(6)
JF_RIPS(7)
JF_RIPS(8)
JF_RIPS(9)
JF_RIPS(10)
JF_RIPS(11)
JF_RIPS(12)
JF_RIPS(13)
JF_RIPS(14)
JF_RIPS(15)
#define JF_ROW(cc)                                                                                 \
	{                                                                                          \
		jcc_flags_##cc##_32, jcc_flags_##cc##_64                                           \
	}
static insn_fn *const jcc_flags_fns[16][2] = {
	JF_ROW(0),  JF_ROW(1),	JF_ROW(2),  JF_ROW(3),	JF_ROW(4),  JF_ROW(5),
	JF_ROW(6),  JF_ROW(7),	JF_ROW(8),  JF_ROW(9),	JF_ROW(10), JF_ROW(11),
	JF_ROW(12), JF_ROW(13), JF_ROW(14), JF_ROW(15),
};

insn_fn *chain_jcc_after(const struct insn *i, const struct insn *before)
{
	unsigned sets = isa_descs[before->desc].sets;
	if (sets == ISA_SETS_OTHER || i->osz == OSZ_16)
		return NULL;
	if (sets == ISA_SETS_EFLAGS)
		return jcc_flags_fns[i->opc & 15][i->osz == OSZ_64];
	return jcc_after_fns[i->opc & 15][sets - ISA_SETS_SUB][before->osz][i->osz == OSZ_64];
}
