/* MUL, IMUL (one, two and three operands), DIV, IDIV. A divide error (zero
 * divisor or a quotient that does not fit) is #DE, which Linux reports as
 * SIGFPE with FPE_INTDIV. */
#include <signal.h>

#include "interp/spec.h"
#include "isa_handlers.h"

#ifndef __SIZEOF_INT128__
#error "hexvm needs a compiler with 128-bit integers for 64-bit MUL and DIV"
#endif
typedef unsigned __int128 u128;
typedef __int128 s128;

static _Noreturn void divide_error(struct cpu *c)
{
	cpu_fault(c, SIGFPE, FPE_INTDIV, c->cur->addr);
}

/* The implicit accumulator pair: AL/AH for bytes, (E/R)DX:(E/R)AX otherwise. */
static void set_acc_pair(struct cpu *c, unsigned osz, uint64_t lo, uint64_t hi)
{
	if (osz == OSZ_8) {
		gpr_set(c, R_AX, OSZ_16, (lo & 0xff) | (hi & 0xff) << 8);
	} else {
		gpr_set(c, R_AX, osz, lo);
		gpr_set(c, R_DX, osz, hi);
	}
}

static void mul_unsigned(struct cpu *c, unsigned osz, uint64_t b)
{
	unsigned bits = 8u << osz;
	uint64_t a = gpr_get(c, osz == OSZ_8 ? R_AX * 8 : R_AX, osz);
	u128 p = (u128)a * b;
	uint64_t lo = (uint64_t)p & size_mask(osz);
	uint64_t hi = (uint64_t)(p >> bits) & size_mask(osz);
	set_acc_pair(c, osz, lo, hi);
	cc_set(c, CC_OP(CC_MUL, osz), lo, hi != 0);
}

static void mul_signed(struct cpu *c, unsigned osz, uint64_t b)
{
	unsigned bits = 8u << osz;
	int64_t a = sext(gpr_get(c, osz == OSZ_8 ? R_AX * 8 : R_AX, osz), osz);
	s128 p = (s128)a * sext(b, osz);
	uint64_t lo = (uint64_t)p & size_mask(osz);
	uint64_t hi = (uint64_t)(p >> bits) & size_mask(osz);
	set_acc_pair(c, osz, lo, hi);
	cc_set(c, CC_OP(CC_MUL, osz), lo, p != (s128)sext(lo, osz));
}

/* Truncating signed product for the two- and three-operand forms; CF = OF
 * when the product does not fit. */
static ALWAYS_INLINE uint64_t imul_trunc(struct cpu *c, unsigned osz, uint64_t a, uint64_t b)
{
	int64_t x = sext(a, osz), y = sext(b, osz), p;
	int overflow;
	if (osz == OSZ_64) {
		overflow = __builtin_mul_overflow(x, y, &p);
	} else {
		p = x * y; /* 32 x 32 bits fit in 64 */
		overflow = p != sext((uint64_t)p, osz);
	}
	uint64_t lo = (uint64_t)p & size_mask(osz);
	cc_set(c, CC_OP(CC_MUL, osz), lo, (uint64_t)overflow);
	return lo;
}

/* DIV and IDIV divide the double-width rDX:rAX (AX for bytes); a dividend
 * that fits in 64 bits (every size but 64, and most 64-bit ones) divides
 * in 64 bits, a library call fewer than the 128-bit division. */
static void div_unsigned(struct cpu *c, unsigned osz, uint64_t d)
{
	unsigned bits = 8u << osz;
	uint64_t hi = osz == OSZ_8 ? 0 : gpr_get(c, R_DX, osz);
	uint64_t lo = osz == OSZ_8 ? gpr_get(c, R_AX, OSZ_16) : gpr_get(c, R_AX, osz);
	if (d == 0)
		divide_error(c);
	if (osz == OSZ_64 && hi != 0) {
		u128 n = (u128)hi << 64 | lo, q = n / d;
		if (q > UINT64_MAX)
			divide_error(c);
		set_acc_pair(c, osz, (uint64_t)q, (uint64_t)(n % d));
		return;
	}
	uint64_t n = osz == OSZ_64 || osz == OSZ_8 ? lo : hi << bits | lo, q = n / d;
	if (q > size_mask(osz))
		divide_error(c);
	set_acc_pair(c, osz, q, n % d);
}

static void div_signed(struct cpu *c, unsigned osz, uint64_t dv)
{
	unsigned bits = 8u << osz;
	int64_t d = sext(dv, osz);
	if (d == 0)
		divide_error(c);
	if (osz == OSZ_64) {
		uint64_t hi = c->r[R_DX], lo = c->r[R_AX];
		if (hi != (uint64_t)((int64_t)lo >> 63)) { /* does not fit in 64 bits */
			if (hi == 1ull << 63 && lo == 0 && d == -1)
				divide_error(c); /* the quotient overflows even 128 bits */
			s128 n = (s128)((u128)hi << 64 | lo), q = n / d;
			if (q > INT64_MAX || q < INT64_MIN)
				divide_error(c);
			set_acc_pair(c, osz, (uint64_t)q, (uint64_t)(n % d));
			return;
		}
		if ((int64_t)lo == INT64_MIN && d == -1)
			divide_error(c);
		set_acc_pair(c, osz, (uint64_t)((int64_t)lo / d), (uint64_t)((int64_t)lo % d));
		return;
	}
	int64_t n = osz == OSZ_8 ? (int16_t)gpr_get(c, R_AX, OSZ_16)
				 : (int64_t)((gpr_get(c, R_DX, osz) << bits | gpr_get(c, R_AX, osz))
					     << (64 - 2 * bits)) >>
					   (64 - 2 * bits);
	if (n == INT64_MIN && d == -1)
		divide_error(c); /* (32 bits) past what 64 bits hold */
	int64_t limit = (int64_t)1 << (bits - 1), q = n / d;
	if (q >= limit || q < -limit)
		divide_error(c);
	set_acc_pair(c, osz, (uint64_t)q, (uint64_t)(n % d));
}

void op_mul_Eb(struct cpu *c, const struct insn *i)
{
	mul_unsigned(c, OSZ_8, opE_get(c, i, OSZ_8));
}
void op_mul_Ev(struct cpu *c, const struct insn *i)
{
	mul_unsigned(c, i->osz, opE_get(c, i, i->osz));
}
void op_imul_Eb(struct cpu *c, const struct insn *i) { mul_signed(c, OSZ_8, opE_get(c, i, OSZ_8)); }
void op_imul_Ev(struct cpu *c, const struct insn *i)
{
	mul_signed(c, i->osz, opE_get(c, i, i->osz));
}
void op_div_Eb(struct cpu *c, const struct insn *i)
{
	div_unsigned(c, OSZ_8, opE_get(c, i, OSZ_8));
}
void op_div_Ev(struct cpu *c, const struct insn *i)
{
	div_unsigned(c, i->osz, opE_get(c, i, i->osz));
}
void op_idiv_Eb(struct cpu *c, const struct insn *i) { div_signed(c, OSZ_8, opE_get(c, i, OSZ_8)); }
void op_idiv_Ev(struct cpu *c, const struct insn *i)
{
	div_signed(c, i->osz, opE_get(c, i, i->osz));
}

static ALWAYS_INLINE void imul_GE(struct cpu *c, const struct insn *i, unsigned osz, int form)
{
	uint64_t b = formE_get(c, i, osz, form);
	gpr_set(c, i->reg, osz, imul_trunc(c, osz, gpr_get(c, i->reg, osz), b));
}

static ALWAYS_INLINE void imul_GEI(struct cpu *c, const struct insn *i, unsigned osz, int form)
{
	uint64_t a = formE_get(c, i, osz, form);
	gpr_set(c, i->reg, osz, imul_trunc(c, osz, a, i->imm));
}

SPEC_V_E(imul_GvEv, imul_GE)
SPEC_V_E(imul_GvEvIz, imul_GEI)
