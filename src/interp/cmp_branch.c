/* Compare and branch: a CMP or TEST of registers (or of a register and an
 * immediate) followed by the Jcc that ends its block, run as one instance.
 * This is the loop test of most short loops (musl's byte-wise string
 * functions: `cmp %cl,%dl; jne`, `test %dl,%dl; jne`), where one dispatch
 * less is a good part of the work. The compare sets the lazy flags as its
 * own handler does (alu.h), then the Jcc runs as its chained instance would
 * (branch_after.c), with c->cur on it. Neither can fault, so no fault ever
 * sees the pair half run; a debugger or tracer that steps runs blocks of one
 * instruction, which never hold the pair. */
#include "cpu/cond.h"
#include "decode/isa.h"
#include "interp/alu.h"
#include "isa_handlers.h"

/* The operand forms with an instance: E (a register) against G or an
 * immediate, at operand size osz. */
enum { CB_CMP_GB, CB_TEST_GB, CB_CMP_IB, CB_CMP_GV, CB_TEST_GV, CB_CMP_IZ, CB_FORMS };

static ALWAYS_INLINE void cmp_branch(struct cpu *c, const struct insn *i, int form, unsigned osz,
				     unsigned cc, unsigned ripsz)
{
	enum alu_op op = form == CB_TEST_GB || form == CB_TEST_GV ? ALU_TEST : ALU_CMP;
	uint64_t b;
	if (form == CB_CMP_IB)
		b = i->imm & 0xff;
	else if (form == CB_CMP_IZ)
		b = i->imm & size_mask(osz);
	else
		b = gpr_get(c, i->reg, osz);
	alu_E(c, i, osz, op, b, FORM_REG);
	const struct insn *jcc = i + 1;
	c->cur = jcc;
	int taken = cond_after(c, op == ALU_CMP ? CC_SUB : CC_LOGIC, osz, cc);
	branch_sized(c, jcc, taken, ripsz);
	run_next_block(c, jcc, taken);
}

/* cmp_branch_F_O_CC_R: form F at operand size O (b d q) with condition CC,
 * rip of R bits. */
#define CB_ONE(f, form, o, osz, cc, r, ripsz)                                                      \
	static void cmp_branch_##f##_##o##_##cc##_##r(struct cpu *c, const struct insn *i)         \
	{                                                                                          \
		cmp_branch(c, i, form, osz, cc, ripsz);                                            \
	}
#define CB_RIPS(f, form, o, osz, cc)                                                               \
	CB_ONE(f, form, o, osz, cc, 32, OSZ_32) CB_ONE(f, form, o, osz, cc, 64, OSZ_64)
#define CB_CCS(f, form, o, osz) CC_EACH(CB_RIPS, f, form, o, osz)
CB_CCS(cmpgb, CB_CMP_GB, b, OSZ_8)
CB_CCS(testgb, CB_TEST_GB, b, OSZ_8)
CB_CCS(cmpib, CB_CMP_IB, b, OSZ_8)
CB_CCS(cmpgv, CB_CMP_GV, d, OSZ_32)
CB_CCS(cmpgv, CB_CMP_GV, q, OSZ_64)
CB_CCS(testgv, CB_TEST_GV, d, OSZ_32)
CB_CCS(testgv, CB_TEST_GV, q, OSZ_64)
CB_CCS(cmpiz, CB_CMP_IZ, d, OSZ_32)
CB_CCS(cmpiz, CB_CMP_IZ, q, OSZ_64)

/* The same instances by [cc][rip]. */
#define CT_RIPS(f, o, cc)                                                                          \
	{                                                                                          \
		cmp_branch_##f##_##o##_##cc##_32, cmp_branch_##f##_##o##_##cc##_64                 \
	}
#define CT_CCS(f, o)                                                                               \
	{                                                                                          \
		CC_LIST(CT_RIPS, f, o)                                                             \
	}
typedef insn_fn *const cb_table[16][2];
static cb_table cb_cmpgb = CT_CCS(cmpgb, b), cb_testgb = CT_CCS(testgb, b),
		cb_cmpib = CT_CCS(cmpib, b), cb_cmpgv_d = CT_CCS(cmpgv, d),
		cb_cmpgv_q = CT_CCS(cmpgv, q), cb_testgv_d = CT_CCS(testgv, d),
		cb_testgv_q = CT_CCS(testgv, q), cb_cmpiz_d = CT_CCS(cmpiz, d),
		cb_cmpiz_q = CT_CCS(cmpiz, q);

/* The table of compare i's form, or NULL. */
static const cb_table *cb_table_of(const struct insn *i)
{
	insn_fn *fn = isa_descs[i->desc].fn;
	int v32 = i->osz == OSZ_32, v64 = i->osz == OSZ_64;
	if (fn == op_cmp_EbGb)
		return &cb_cmpgb;
	if (fn == op_test_EbGb)
		return &cb_testgb;
	if (fn == op_cmp_EbIb)
		return &cb_cmpib;
	if (fn == op_cmp_EvGv && (v32 || v64))
		return v64 ? &cb_cmpgv_q : &cb_cmpgv_d;
	if (fn == op_test_EvGv && (v32 || v64))
		return v64 ? &cb_testgv_q : &cb_testgv_d;
	if (fn == op_cmp_EvIz && (v32 || v64))
		return v64 ? &cb_cmpiz_q : &cb_cmpiz_d;
	return NULL;
}

insn_fn *chain_cmp_branch(const struct insn *i, const struct insn *jcc)
{
	const struct isa_desc *jd = &isa_descs[jcc->desc];
	if (i->mod != 3 || jd->fn != op_jcc || jcc->osz == OSZ_16 || jcc->patched)
		return NULL; /* not a Jcc that runs its row's own handler */
	const cb_table *t = cb_table_of(i);
	return t ? (*t)[jcc->opc & 15][jcc->osz == OSZ_64] : NULL;
}
