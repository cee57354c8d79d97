/* Data movement: MOV in its forms, LEA, MOVZX/MOVSX/MOVSXD, XCHG, the
 * accumulator conversions, XLAT, LAHF/SAHF, BSWAP, CMOVcc, SETcc. */
#include "cpu/cond.h"
#include "interp/spec.h"
#include "isa_handlers.h"

static ALWAYS_INLINE void mov_EG(struct cpu *c, const struct insn *i, unsigned osz, int form)
{
	formE_set(c, i, osz, form, gpr_get(c, i->reg, osz));
}

static ALWAYS_INLINE void mov_GE(struct cpu *c, const struct insn *i, unsigned osz, int form)
{
	gpr_set(c, i->reg, osz, formE_get(c, i, osz, form));
}

static ALWAYS_INLINE void mov_EI(struct cpu *c, const struct insn *i, unsigned osz, int form)
{
	formE_set(c, i, osz, form, i->imm);
}

SPEC_B_E(mov_EbGb, mov_EG)
SPEC_V_E(mov_EvGv, mov_EG)
SPEC_B_E(mov_GbEb, mov_GE)
SPEC_V_E(mov_GvEv, mov_GE)
SPEC_B_E(mov_EbIb, mov_EI)
SPEC_V_E(mov_EvIz, mov_EI)
static ALWAYS_INLINE void mov_ZbIb_body(struct cpu *c, const struct insn *i)
{
	gpr_set(c, i->reg, OSZ_8, i->imm);
}
CHAINED(mov_ZbIb, mov_ZbIb_body)

static ALWAYS_INLINE void mov_ZvIv_body(struct cpu *c, const struct insn *i, unsigned osz,
					int form)
{
	gpr_set(c, i->reg, osz, i->imm);
}
SPEC_V(mov_ZvIv, mov_ZvIv_body)

/* LEA: the offset part of the address, without segment base, cut to the
 * address size and then to the operand size (which alone cuts enough
 * unless the address size is the smaller). */
static ALWAYS_INLINE void lea_body(struct cpu *c, const struct insn *i, unsigned osz, int form)
{
	uint64_t a = c->r[i->base] + (c->r[i->index] << i->scale) + i->disp;
	if (unlikely(i->asz < osz))
		a &= size_mask(i->asz);
	gpr_set(c, i->reg, osz, a);
}

SPEC_V(lea, lea_body)

/* moffs forms: the immediate is the offset in the (overridable) segment */
static uint64_t moffs_addr(const struct cpu *c, const struct insn *i)
{
	uint64_t a = (i->imm & size_mask(i->asz)) + c->seg_base[i->seg];
	return c->mode64 ? a : (uint32_t)a;
}

void op_mov_ALOb(struct cpu *c, const struct insn *i)
{
	gpr_set(c, R_AX * 8, OSZ_8, mem_ld8(c, moffs_addr(c, i)));
}
void op_mov_eAXOv(struct cpu *c, const struct insn *i)
{
	gpr_set(c, R_AX, i->osz, mem_ld(c, moffs_addr(c, i), i->osz));
}
void op_mov_ObAL(struct cpu *c, const struct insn *i)
{
	mem_st8(c, moffs_addr(c, i), (uint8_t)c->r[R_AX]);
}
void op_mov_OveAX(struct cpu *c, const struct insn *i)
{
	mem_st(c, moffs_addr(c, i), i->osz, c->r[R_AX]);
}

static ALWAYS_INLINE void movzx_b(struct cpu *c, const struct insn *i, unsigned osz, int form)
{
	gpr_set(c, i->reg, osz, formE_get(c, i, OSZ_8, form));
}

static ALWAYS_INLINE void movzx_w(struct cpu *c, const struct insn *i, unsigned osz, int form)
{
	gpr_set(c, i->reg, osz, formE_get(c, i, OSZ_16, form));
}

static ALWAYS_INLINE void movsx_b(struct cpu *c, const struct insn *i, unsigned osz, int form)
{
	gpr_set(c, i->reg, osz, (uint64_t)sext(formE_get(c, i, OSZ_8, form), OSZ_8));
}

static ALWAYS_INLINE void movsx_w(struct cpu *c, const struct insn *i, unsigned osz, int form)
{
	gpr_set(c, i->reg, osz, (uint64_t)sext(formE_get(c, i, OSZ_16, form), OSZ_16));
}

static ALWAYS_INLINE void movsx_d(struct cpu *c, const struct insn *i, unsigned osz, int form)
{
	gpr_set(c, i->reg, osz, (uint64_t)sext(formE_get(c, i, OSZ_32, form), OSZ_32));
}

SPEC_V_E(movzx_GvEb, movzx_b)
SPEC_V_E(movzx_GvEw, movzx_w)
SPEC_V_E(movsx_GvEb, movsx_b)
SPEC_V_E(movsx_GvEw, movsx_w)
SPEC_V_E(movsxd, movsx_d)

static ALWAYS_INLINE void xchg_E(struct cpu *c, const struct insn *i, unsigned osz)
{
	uint64_t g = gpr_get(c, i->reg, osz);
	if (i->mod == 3) {
		uint64_t e = gpr_get(c, i->rm, osz);
		gpr_set(c, i->rm, osz, g);
		gpr_set(c, i->reg, osz, e);
	} else {
		uint64_t ea = mem_ea(c, i);
		uint64_t e = mem_ld(c, ea, osz);
		mem_st(c, ea, osz, g);
		gpr_set(c, i->reg, osz, e);
	}
}

static ALWAYS_INLINE void xchg_EbGb_body(struct cpu *c, const struct insn *i)
{
	xchg_E(c, i, OSZ_8);
}
CHAINED(xchg_EbGb, xchg_EbGb_body)

static ALWAYS_INLINE void xchg_EvGv_body(struct cpu *c, const struct insn *i)
{
	xchg_E(c, i, i->osz);
}
CHAINED(xchg_EvGv, xchg_EvGv_body)

/* 90 without REX.B is NOP: it does not even zero-extend EAX */
static ALWAYS_INLINE void xchg_ZvAX_body(struct cpu *c, const struct insn *i)
{
	if (i->reg == R_AX)
		return;
	uint64_t a = gpr_get(c, R_AX, i->osz);
	gpr_set(c, R_AX, i->osz, gpr_get(c, i->reg, i->osz));
	gpr_set(c, i->reg, i->osz, a);
}
CHAINED(xchg_ZvAX, xchg_ZvAX_body)

static ALWAYS_INLINE void nop_body(struct cpu *c, const struct insn *i) {}
CHAINED(nop, nop_body)

/* CBW, CWDE, CDQE */
static ALWAYS_INLINE void cbw_body(struct cpu *c, const struct insn *i, unsigned osz, int form)
{
	unsigned half = osz - 1u;
	gpr_set(c, R_AX, osz, (uint64_t)sext(gpr_get(c, R_AX, half), half));
}
SPEC_V(cbw, cbw_body)

/* CWD, CDQ, CQO */
static ALWAYS_INLINE void cwd_body(struct cpu *c, const struct insn *i, unsigned osz, int form)
{
	int neg = (gpr_get(c, R_AX, osz) & sign_bit(osz)) != 0;
	gpr_set(c, R_DX, osz, neg ? ~0ull : 0);
}
SPEC_V(cwd, cwd_body)

void op_xlat(struct cpu *c, const struct insn *i)
{
	uint64_t a = (c->r[R_BX] + (c->r[R_AX] & 0xff)) & size_mask(i->asz);
	a += c->seg_base[i->seg];
	gpr_set(c, R_AX * 8, OSZ_8, mem_ld8(c, c->mode64 ? a : (uint32_t)a));
}

void op_lahf(struct cpu *c, const struct insn *i)
{
	uint32_t f = cpu_get_eflags(c) & (F_SF | F_ZF | F_AF | F_PF | F_CF);
	gpr_set(c, R_AX * 8 + 1, OSZ_8, f | 0x2);
}

void op_sahf(struct cpu *c, const struct insn *i)
{
	uint32_t ah = (uint32_t)(c->r[R_AX] >> 8) & 0xff;
	cpu_flags_materialize(c);
	uint32_t m = F_SF | F_ZF | F_AF | F_PF | F_CF;
	c->eflags = (c->eflags & ~m) | (ah & m);
}

static ALWAYS_INLINE void bswap_body(struct cpu *c, const struct insn *i, unsigned osz, int form)
{
	uint64_t v = c->r[i->reg];
	switch (osz) {
	case OSZ_64: c->r[i->reg] = __builtin_bswap64(v); break;
	case OSZ_32: c->r[i->reg] = __builtin_bswap32((uint32_t)v); break;
	default: gpr_set(c, i->reg, OSZ_16, 0); break; /* what the hardware leaves */
	}
}
SPEC_V(bswap, bswap_body)

/* The source is read even when the condition is false, and a 32-bit
 * destination is zero-extended either way. */
static ALWAYS_INLINE void cmovcc_body(struct cpu *c, const struct insn *i)
{
	uint64_t v = opE_get(c, i, i->osz);
	if (cond_lazy(c, i->opc & 15))
		gpr_set(c, i->reg, i->osz, v);
	else if (i->osz == OSZ_32)
		gpr_set(c, i->reg, OSZ_32, c->r[i->reg]);
}
CHAINED(cmovcc, cmovcc_body)

void op_setcc(struct cpu *c, const struct insn *i)
{
	opE_set(c, i, OSZ_8, (uint64_t)cond_lazy(c, i->opc & 15));
}

/* SETcc with its condition and the form of its operand known: an instance
 * per pair, and chained twins (next: run_next). */
static ALWAYS_INLINE void setcc_form(struct cpu *c, const struct insn *i, unsigned cc, int form,
				     int next)
{
	int r = cond_lazy(c, cc);
	if (form == FORM_REG)
		gpr_set(c, i->rm, OSZ_8, (uint64_t)r);
	else
		form_st(c, form_ea(c, i, form), OSZ_8, form, (uint64_t)r);
	if (next)
		run_next(c, i);
}

/* (SPEC_EACH_FORM's body argument carries the condition) */
#define SETCC_INSTANCE(fname, cc, unused, form)                                                    \
	static void fname(struct cpu *c, const struct insn *i) { setcc_form(c, i, cc, form, 0); }  \
	static void fname##_chained(struct cpu *c, const struct insn *i)                           \
	{                                                                                          \
		setcc_form(c, i, cc, form, 1);                                                     \
	}
#define SETCC(name, cc) SPEC_EACH_FORM(SETCC_INSTANCE, name##cc, cc, 0)
CC_EACH(SETCC, setcc)

#define SETCC_ROW(sfx, cc) SPEC_FORM_ROW(setcc##cc, sfx)
#define SETCC_TABLE(sfx)                                                                           \
	{                                                                                          \
		CC_LIST(SETCC_ROW, sfx)                                                            \
	}

insn_fn *spec_setcc(const struct insn *i)
{
	static insn_fn *const v[16][FORM_COUNT] = SETCC_TABLE();
	return v[i->opc & 15][form_of(i)];
}

insn_fn *chain_setcc(const struct insn *i)
{
	static insn_fn *const v[16][FORM_COUNT] = SETCC_TABLE(_chained);
	return v[i->opc & 15][form_of(i)];
}
