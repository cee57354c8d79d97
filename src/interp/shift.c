/* Shifts and rotates (group 2: ROL ROR RCL RCR SHL SHR SAL SAR) and the
 * double shifts SHLD/SHRD, with the SDM's count masking and flag rules: a
 * masked count of zero changes nothing, not even flags. */
#include "cpu/cond.h"
#include "interp/spec.h"
#include "isa_handlers.h"

#ifndef __SIZEOF_INT128__
#error "hexvm needs a compiler with 128-bit integers"
#endif

enum { SH_ROL, SH_ROR, SH_RCL, SH_RCR, SH_SHL, SH_SHR, SH_SAL, SH_SAR };

static unsigned count_mask(unsigned osz) { return osz == OSZ_64 ? 0x3f : 0x1f; }

/* The outcome of a shift: its result and how the flags change. Kept apart
 * from the cpu so that a memory destination is stored before flags change. */
struct shift_out {
	uint64_t r;
	uint32_t cc_op; /* lazy form, or CC_EFLAGS with `arith` */
	uint64_t dst, src;
	uint32_t arith;
};

/* Rotates only touch CF and OF of the current flags. */
static void rotate_flags(const struct cpu *c, struct shift_out *o, int cf, int of)
{
	o->cc_op = CC_OP(CC_EFLAGS, 0);
	o->arith = (cpu_arith_flags(c) & ~(F_CF | F_OF)) | (cf ? F_CF : 0) | (of ? F_OF : 0);
}

static void rotate(const struct cpu *c, struct shift_out *o, unsigned kind, unsigned osz,
		   uint64_t a, unsigned n)
{
	unsigned w = 8u << osz;
	uint64_t mask = size_mask(osz), sign = sign_bit(osz), r;
	unsigned __int128 v = (unsigned __int128)a | (unsigned __int128)cf_fast(c) << w;
	int cf;
	switch (kind) {
	case SH_ROL:
		n %= w;
		r = n ? ((a << n) | (a >> (w - n))) & mask : a;
		cf = r & 1;
		rotate_flags(c, o, cf, ((r & sign) != 0) ^ cf);
		break;
	case SH_ROR:
		n %= w;
		r = n ? ((a >> n) | (a << (w - n))) & mask : a;
		rotate_flags(c, o, (r & sign) != 0, ((r ^ (r << 1)) & sign) != 0);
		break;
	case SH_RCL:
		n %= w + 1;
		v = n ? (v << n) | (v >> (w + 1 - n)) : v;
		r = (uint64_t)v & mask;
		cf = (int)(v >> w) & 1;
		rotate_flags(c, o, cf, ((r & sign) != 0) ^ cf);
		break;
	default: /* RCR */
		n %= w + 1;
		v = n ? (v >> n) | (v << (w + 1 - n)) : v;
		r = (uint64_t)v & mask;
		rotate_flags(c, o, (int)(v >> w) & 1, ((r ^ (r << 1)) & sign) != 0);
		break;
	}
	o->r = r;
}

/* SHL, SHR or SAR; n is the masked count, 1..63. Inline, so that the
 * specialized handlers keep the outcome in registers. */
static ALWAYS_INLINE struct shift_out shift_linear(unsigned kind, unsigned osz, uint64_t a,
						   unsigned n)
{
	struct shift_out o = {0, 0, 0, 0, 0};
	if (kind == SH_SHL || kind == SH_SAL) {
		o.r = a << n;
		o.cc_op = CC_OP(CC_SHL, osz);
		o.src = a << (n - 1);
	} else if (kind == SH_SHR) {
		o.r = a >> n;
		o.cc_op = CC_OP(CC_SAR, osz);
		o.src = a >> (n - 1);
	} else {
		int64_t sa = sext(a, osz);
		o.r = (uint64_t)(sa >> n);
		o.cc_op = CC_OP(CC_SAR, osz);
		o.src = (uint64_t)(sa >> (n - 1));
	}
	o.r &= size_mask(osz);
	o.dst = o.r;
	return o;
}

/* n is the masked count, 1..63 */
static struct shift_out shift(const struct cpu *c, unsigned kind, unsigned osz, uint64_t a,
			      unsigned n)
{
	struct shift_out o = {0, 0, 0, 0, 0};
	if (kind >= SH_SHL)
		return shift_linear(kind, osz, a, n);
	rotate(c, &o, kind, osz, a, n);
	o.r &= size_mask(osz);
	o.dst = o.r;
	return o;
}

static void shift_commit(struct cpu *c, const struct shift_out *o)
{
	if (o->cc_op == CC_OP(CC_EFLAGS, 0))
		c->eflags = (c->eflags & ~F_ARITH) | o->arith;
	cc_set(c, o->cc_op, o->dst, o->src);
}

static void shift_E(struct cpu *c, const struct insn *i, unsigned osz, unsigned count)
{
	unsigned n = count & count_mask(osz), kind = i->reg & 7;
	struct shift_out o;
	if (n == 0)
		return;
	if (i->mod == 3) {
		o = shift(c, kind, osz, gpr_get(c, i->rm, osz), n);
		gpr_set(c, i->rm, osz, o.r);
	} else {
		uint64_t ea = mem_ea(c, i);
		o = shift(c, kind, osz, mem_ld(c, ea, osz), n);
		mem_st(c, ea, osz, o.r);
	}
	shift_commit(c, &o);
}

void op_shift_EbIb(struct cpu *c, const struct insn *i) { shift_E(c, i, OSZ_8, (unsigned)i->imm); }
void op_shift_EvIb(struct cpu *c, const struct insn *i) { shift_E(c, i, i->osz, (unsigned)i->imm); }

/* SHL, SHR and SAR, the common cases, specialized by kind, count source
 * (the immediate, 1 or CL), size and form. */
enum { COUNT_IMM, COUNT_1, COUNT_CL };

static ALWAYS_INLINE void shift_linear_E(struct cpu *c, const struct insn *i, unsigned osz,
					 int form, unsigned kind, int count)
{
	int reg = form == FORM_REG;
	unsigned n = count == COUNT_1 ? 1
				      : (unsigned)(count == COUNT_CL ? c->r[R_CX] : i->imm) &
						count_mask(osz);
	if (n == 0)
		return;
	uint64_t ea = reg ? 0 : form_ea(c, i, form);
	uint64_t a = reg ? gpr_get(c, i->rm, osz) : form_ld(c, ea, osz, form);
	struct shift_out o = shift_linear(kind, osz, a, n);
	if (reg)
		gpr_set(c, i->rm, osz, o.r);
	else
		form_st(c, ea, osz, form, o.r);
	cc_set(c, o.cc_op, o.dst, o.src);
}

#define SHIFT_LINEAR(name, kind, count)                                                            \
	static ALWAYS_INLINE void name##_body(struct cpu *c, const struct insn *i, unsigned osz,  \
					      int form)                                            \
	{                                                                                          \
		shift_linear_E(c, i, osz, form, kind, count);                                      \
	}                                                                                          \
	SPEC_V_E_VARIANTS(name, name##_body, static)

SHIFT_LINEAR(shl_EvIb, SH_SHL, COUNT_IMM)
SHIFT_LINEAR(shr_EvIb, SH_SHR, COUNT_IMM)
SHIFT_LINEAR(sar_EvIb, SH_SAR, COUNT_IMM)
SHIFT_LINEAR(shl_Ev1, SH_SHL, COUNT_1)
SHIFT_LINEAR(shr_Ev1, SH_SHR, COUNT_1)
SHIFT_LINEAR(sar_Ev1, SH_SAR, COUNT_1)
SHIFT_LINEAR(shl_EvCL, SH_SHL, COUNT_CL)
SHIFT_LINEAR(shr_EvCL, SH_SHR, COUNT_CL)
SHIFT_LINEAR(sar_EvCL, SH_SAR, COUNT_CL)

/* The choosers of group 2's Ev rows: the linear shifts' instances, and for
 * the rotates op_<row> (spec) or no chained instance. */
#define SHIFT_CHOOSERS(row)                                                                        \
	insn_fn *spec_shift_##row(const struct insn *i)                                            \
	{                                                                                          \
		switch (i->reg & 7) {                                                              \
		case SH_SHL:                                                                       \
		case SH_SAL: return spec_shl_##row(i);                                             \
		case SH_SHR: return spec_shr_##row(i);                                             \
		case SH_SAR: return spec_sar_##row(i);                                             \
		default: return op_shift_##row;                                                    \
		}                                                                                  \
	}                                                                                          \
	insn_fn *chain_shift_##row(const struct insn *i)                                           \
	{                                                                                          \
		switch (i->reg & 7) {                                                              \
		case SH_SHL:                                                                       \
		case SH_SAL: return chain_shl_##row(i);                                            \
		case SH_SHR: return chain_shr_##row(i);                                            \
		case SH_SAR: return chain_sar_##row(i);                                            \
		default: return NULL;                                                              \
		}                                                                                  \
	}

SHIFT_CHOOSERS(EvIb)
SHIFT_CHOOSERS(Ev1)
SHIFT_CHOOSERS(EvCL)

void op_shift_Eb1(struct cpu *c, const struct insn *i) { shift_E(c, i, OSZ_8, 1); }
void op_shift_Ev1(struct cpu *c, const struct insn *i) { shift_E(c, i, i->osz, 1); }
void op_shift_EbCL(struct cpu *c, const struct insn *i)
{
	shift_E(c, i, OSZ_8, (unsigned)c->r[R_CX]);
}
void op_shift_EvCL(struct cpu *c, const struct insn *i)
{
	shift_E(c, i, i->osz, (unsigned)c->r[R_CX]);
}

/* SHLD/SHRD work on the 2w-bit concatenation of the destination and source. */
static void double_shift(struct cpu *c, const struct insn *i, unsigned count, int left)
{
	unsigned osz = i->osz, w = 8u << osz, n = count & count_mask(osz);
	if (n == 0)
		return;
	uint64_t ea = 0, d, s = gpr_get(c, i->reg, osz), r, src;
	if (i->mod == 3) {
		d = gpr_get(c, i->rm, osz);
	} else {
		ea = mem_ea(c, i);
		d = mem_ld(c, ea, osz);
	}
	if (left) {
		unsigned __int128 v = (unsigned __int128)d << w | s;
		r = (uint64_t)((v << n) >> w) & size_mask(osz);
		src = (uint64_t)((v << (n - 1)) >> w);
	} else {
		unsigned __int128 v = (unsigned __int128)s << w | d;
		r = (uint64_t)(v >> n) & size_mask(osz);
		src = (uint64_t)(v >> (n - 1));
	}
	if (i->mod == 3)
		gpr_set(c, i->rm, osz, r);
	else
		mem_st(c, ea, osz, r);
	cc_set(c, CC_OP(left ? CC_SHL : CC_SAR, osz), r, src);
}

void op_shld_EvGvIb(struct cpu *c, const struct insn *i)
{
	double_shift(c, i, (unsigned)i->imm, 1);
}
void op_shld_EvGvCL(struct cpu *c, const struct insn *i)
{
	double_shift(c, i, (unsigned)c->r[R_CX], 1);
}
void op_shrd_EvGvIb(struct cpu *c, const struct insn *i)
{
	double_shift(c, i, (unsigned)i->imm, 0);
}
void op_shrd_EvGvCL(struct cpu *c, const struct insn *i)
{
	double_shift(c, i, (unsigned)c->r[R_CX], 0);
}
