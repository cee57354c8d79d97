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
CC_EACH(JA_KINDS, JA_ONE)

/* The same instances by [cc][kind][size][rip]. */
#define JT_RIPS(p, cc, k, o)                                                                       \
	{                                                                                          \
		p##_##cc##_##k##_##o##_32, p##_##cc##_##k##_##o##_64                               \
	}
#define JT_SIZES(p, cc, k)                                                                         \
	{                                                                                          \
		JT_RIPS(p, cc, k, b), JT_RIPS(p, cc, k, w), JT_RIPS(p, cc, k, d),                  \
			JT_RIPS(p, cc, k, q)                                                       \
	}
#define JT_KINDS(p, cc)                                                                            \
	{                                                                                          \
		JT_SIZES(p, cc, sub), JT_SIZES(p, cc, logic), JT_SIZES(p, cc, add),                \
			JT_SIZES(p, cc, inc), JT_SIZES(p, cc, dec)                                 \
	}
static insn_fn *const jcc_after_fns[16][5][4][2] = {CC_LIST(JT_KINDS, jcc_after)};

/* After a compare that writes EFLAGS itself (COMISD, PCMPISTRI, FCOMI...):
 * jcc_flags_CC_R. */
static ALWAYS_INLINE void jcc_flags(struct cpu *c, const struct insn *i, unsigned cc,
				    unsigned ripsz)
{
	int taken = cond_of_flags(c->eflags, cc);
	branch_sized(c, i, taken, ripsz);
	run_next_block(c, i, taken);
}
#define JF_ONE(p, cc, r, ripsz)                                                                    \
	static void p##_##cc##_##r(struct cpu *c, const struct insn *i)                            \
	{                                                                                          \
		jcc_flags(c, i, cc, ripsz);                                                        \
	}
#define JF_RIPS(p, cc) JF_ONE(p, cc, 32, OSZ_32) JF_ONE(p, cc, 64, OSZ_64)
CC_EACH(JF_RIPS, jcc_flags)
#define JF_ROW(p, cc)                                                                              \
	{                                                                                          \
		p##_##cc##_32, p##_##cc##_64                                                       \
	}
static insn_fn *const jcc_flags_fns[16][2] = {CC_LIST(JF_ROW, jcc_flags)};

insn_fn *chain_jcc_after(const struct insn *i, const struct insn *before)
{
	unsigned sets = isa_descs[before->desc].sets;
	if (sets == ISA_SETS_OTHER || i->osz == OSZ_16)
		return NULL;
	if (sets == ISA_SETS_EFLAGS)
		return jcc_flags_fns[i->opc & 15][i->osz == OSZ_64];
	return jcc_after_fns[i->opc & 15][sets - ISA_SETS_SUB][before->osz][i->osz == OSZ_64];
}
