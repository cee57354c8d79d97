/* Templates for INC DEC NOT NEG, the immediate shifts SHL SHR SAR, IMUL
 * with a register destination, XCHG, CBW/CWD and their wider forms. Each
 * leaves the lazy flags exactly as its handler in alu.c, shift.c or
 * muldiv.c does. */
#include "cpu/cond.h"
#include "cpu/cpu.h"
#include "jit/jit_tmpl.h"

#if HEXVM_JIT

static int cf_helper(struct cpu *c) { return cf_fast(c); }

/* r14 = the guest's CF (0 or 1). Taken first: the address computation
 * changes the host flags, and r14 survives calls. */
static void cf_to_r14(struct jt *t)
{
	struct x64 *e = &t->e;
	if (t->host_flags) {
		x64_setcc(e, X64_CC_B, R14);
	} else {
		x64_mov_rr(e, 8, RDI, JR_CPU);
		jt_regs_before_call(t, 0);
		x64_call(e, (const void *)cf_helper);
		x64_mov_rr(e, 4, R14, RAX);
	}
	x64_rr(e, 4, 0x0fb6, R14, R14); /* movzx r14d, r14b */
}

/* INC (ext 0) and DEC (ext 1) keep CF: it goes into the host's CF too,
 * so that the host flags after the operation are all the guest's. */
static int inc_dec(struct jt *t, const struct insn *i, unsigned osz, int dec, int reg_form)
{
	unsigned size = 1u << osz;
	if (!reg_form && i->lock)
		return 0;
	cf_to_r14(t);
	if (!reg_form && !jt_mem_operand(t, i, size, 1))
		return 0;
	if (reg_form)
		jt_get_reg(t, i->reg, size, RCX);
	else
		jt_load_E(t, i, size, RCX);
	x64_ext_r(&t->e, 4, 0x0fba, 4, R14); /* bt r14d, 0: CF = the guest's */
	x64_byte(&t->e, 0);
	x64_ext_r(&t->e, size, x64_sized(size, 0xfe, 0xff), (unsigned)dec, RCX);
	if (reg_form)
		jt_set_reg(t, i->reg, size, RCX);
	else
		jt_store_E(t, i, size, RCX);
	jt_flags(t, CC_OP(dec ? CC_DEC : CC_INC, osz), RCX, R14);
	t->flags_out = 1;
	return 1;
}

int tmpl_inc_Ev(struct jt *t, const struct insn *i) { return inc_dec(t, i, i->osz, 0, 0); }
int tmpl_dec_Ev(struct jt *t, const struct insn *i) { return inc_dec(t, i, i->osz, 1, 0); }
int tmpl_inc_Eb(struct jt *t, const struct insn *i) { return inc_dec(t, i, OSZ_8, 0, 0); }
int tmpl_dec_Eb(struct jt *t, const struct insn *i) { return inc_dec(t, i, OSZ_8, 1, 0); }
int tmpl_inc_Zv(struct jt *t, const struct insn *i) { return inc_dec(t, i, i->osz, 0, 1); }
int tmpl_dec_Zv(struct jt *t, const struct insn *i) { return inc_dec(t, i, i->osz, 1, 1); }

/* NOT (ext 2) changes no flags; NEG (ext 3) sets them as 0 - a */
static int not_neg(struct jt *t, const struct insn *i, unsigned osz, int neg)
{
	unsigned size = 1u << osz;
	if (i->lock || !jt_mem_operand(t, i, size, 1))
		return 0;
	jt_load_E(t, i, size, RDX);
	x64_mov_rr(&t->e, 8, RCX, RDX);
	x64_ext_r(&t->e, size, x64_sized(size, 0xf6, 0xf7), neg ? 3u : 2u, RCX);
	jt_store_E(t, i, size, RCX);
	if (neg) {
		jt_flags(t, CC_OP(CC_SUB, osz), RCX, RDX);
		t->flags_out = 1;
	}
	return 1;
}

int tmpl_not_Ev(struct jt *t, const struct insn *i) { return not_neg(t, i, i->osz, 0); }
int tmpl_neg_Ev(struct jt *t, const struct insn *i) { return not_neg(t, i, i->osz, 1); }
int tmpl_not_Eb(struct jt *t, const struct insn *i) { return not_neg(t, i, OSZ_8, 0); }
int tmpl_neg_Eb(struct jt *t, const struct insn *i) { return not_neg(t, i, OSZ_8, 1); }

/* SHL/SAL (ext 4, 6), SHR (5), SAR (7) by a count known now, nonzero and
 * below the width; rotates and other counts go to the handler. The lazy
 * source is the operand shifted by one less. The host's OF is defined only
 * for a count of 1, so only then are the host flags the guest's. */
static int shift_imm(struct jt *t, const struct insn *i, unsigned osz, unsigned n)
{
	unsigned size = 1u << osz, ext = i->reg & 7;
	if (ext < 4 || ext == 6 || i->lock)
		return 0;
	n &= osz == OSZ_64 ? 63u : 31u;
	if (n == 0 || n >= 8u * size || !jt_mem_operand(t, i, size, 1))
		return 0;
	jt_load_E(t, i, size, RCX);
	x64_mov_rr(&t->e, 8, RDX, RCX);
	if (n > 1)
		x64_shift_ri(&t->e, size, ext, RDX, n - 1);
	x64_shift_ri(&t->e, size, ext, RCX, n);
	jt_store_E(t, i, size, RCX);
	jt_flags(t, CC_OP(ext == 4 ? CC_SHL : CC_SAR, osz), RCX, RDX);
	t->flags_out = n == 1;
	return 1;
}

int tmpl_shift_EvIb(struct jt *t, const struct insn *i)
{
	return shift_imm(t, i, i->osz, (unsigned)i->imm);
}
int tmpl_shift_EbIb(struct jt *t, const struct insn *i)
{
	return shift_imm(t, i, OSZ_8, (unsigned)i->imm);
}
int tmpl_shift_Ev1(struct jt *t, const struct insn *i) { return shift_imm(t, i, i->osz, 1); }
int tmpl_shift_Eb1(struct jt *t, const struct insn *i) { return shift_imm(t, i, OSZ_8, 1); }

/* G = G * E or E * imm, truncated; lazy source: whether it overflowed.
 * The host's SF ZF PF are undefined after IMUL, so flags stay lazy. */
static int imul(struct jt *t, const struct insn *i, int with_imm)
{
	unsigned size = 1u << i->osz;
	if (!jt_mem_operand(t, i, size, 0))
		return 0;
	jt_load_E(t, i, size, RDX);
	if (with_imm)
		x64_mov_imm(&t->e, RCX, i->imm);
	else
		jt_load_G(t, i, size, RCX);
	x64_rr(&t->e, size, 0x0faf, RCX, RDX);
	x64_setcc(&t->e, 0 /* O */, RDX);
	x64_rr(&t->e, 4, 0x0fb6, RDX, RDX);
	jt_store_G(t, i, size, RCX);
	jt_flags(t, CC_OP(CC_MUL, i->osz), RCX, RDX);
	return 1;
}

int tmpl_imul_GvEv(struct jt *t, const struct insn *i) { return imul(t, i, 0); }
int tmpl_imul_GvEvIz(struct jt *t, const struct insn *i) { return imul(t, i, 1); }

static int xchg(struct jt *t, const struct insn *i, unsigned size)
{
	if (!jt_mem_operand(t, i, size, 1))
		return 0;
	jt_load_E(t, i, size, RCX);
	jt_load_G(t, i, size, RDX);
	jt_store_E(t, i, size, RDX);
	jt_store_G(t, i, size, RCX);
	return 1;
}

int tmpl_xchg_EvGv(struct jt *t, const struct insn *i) { return xchg(t, i, 1u << i->osz); }
int tmpl_xchg_EbGb(struct jt *t, const struct insn *i) { return xchg(t, i, 1); }

/* CBW CWDE CDQE: AX-sized register = sign-extended half */
int tmpl_cbw(struct jt *t, const struct insn *i)
{
	static const uint32_t ops[] = {0, 0x0fbe, 0x0fbf, 0x63};
	x64_rr(&t->e, 8, ops[i->osz], RCX, jt_reg(t, R_AX));
	jt_set_reg(t, R_AX, 1u << i->osz, RCX);
	return 1;
}

/* CWD CDQ CQO: DX-sized register = the sign of AX-sized */
int tmpl_cwd(struct jt *t, const struct insn *i)
{
	unsigned size = 1u << i->osz;
	jt_get_reg(t, R_AX, size, RCX);
	x64_shift_ri(&t->e, size, 7, RCX, 8 * size - 1);
	jt_set_reg(t, R_DX, size, RCX);
	return 1;
}

#endif
