/* Condition evaluation inlined into the handlers that use it (Jcc, SETcc,
 * CMOVcc): after every kind of flag-setting operation the condition follows
 * from the saved operands without building EFLAGS. Operands are compared in
 * the top bits (shifted left by 64 - width), which masks and sign-extends
 * them in one step. */
#ifndef HEXVM_CPU_COND_H
#define HEXVM_CPU_COND_H

#include "base/compiler.h"
#include "cpu/cpu.h"

/* Condition cc from the arithmetic flags in f (EFLAGS bits). */
static ALWAYS_INLINE int cond_of_flags(uint32_t f, unsigned cc)
{
	int r;
	switch (cc >> 1) {
	case 0: r = (f & F_OF) != 0; break;
	case 1: r = (f & F_CF) != 0; break;
	case 2: r = (f & F_ZF) != 0; break;
	case 3: r = (f & (F_CF | F_ZF)) != 0; break;
	case 4: r = (f & F_SF) != 0; break;
	case 5: r = (f & F_PF) != 0; break;
	case 6: r = !(f & F_SF) != !(f & F_OF); break;
	default: r = (f & F_ZF) || (!(f & F_SF) != !(f & F_OF)); break;
	}
	return r ^ (int)(cc & 1);
}

/* CF, inline for every kind (the rules of flags.c's carry_bits), so that
 * the handlers that read it (ADC, SBB, INC, DEC, rotates through carry)
 * call nothing. */
static ALWAYS_INLINE int cf_fast(const struct cpu *c)
{
	unsigned kind = c->cc_op >> 2, sh = 64 - (8u << (c->cc_op & 3));
	uint64_t dst = c->cc_dst << sh, src = c->cc_src << sh;
	uint64_t cin = (c->cc_src2 & 1) << sh, src1;
	switch (kind) {
	case CC_EFLAGS: return (c->eflags & F_CF) != 0;
	case CC_ADD: return dst < src;
	case CC_ADC: src1 = dst - src - cin; return cin ? dst <= src1 : dst < src1;
	case CC_SUB: return dst + src < src;
	case CC_SBB: src1 = dst + src + cin; return cin ? src1 <= src : src1 < src;
	case CC_LOGIC: return 0;
	case CC_SHL: return (int64_t)src < 0;
	case CC_SAR: return c->cc_src & 1;
	default: return c->cc_src != 0; /* INC, DEC: CF as it was; MUL */
	}
}

/* Condition cc after a SUB or CMP whose result and second operand, shifted
 * into the top bits, are dst and src (src1 is then the first operand); the
 * low byte of the result gives PF. */
static ALWAYS_INLINE int cond_of_sub(uint64_t dst, uint64_t src, uint8_t low, unsigned cc)
{
	uint64_t src1 = dst + src;
	int r;
	switch (cc >> 1) {
	case 0: r = (int64_t)((src1 ^ src) & (src1 ^ dst)) < 0; break;
	case 1: r = src1 < src; break;
	case 2: r = dst == 0; break;
	case 3: r = src1 <= src; break;
	case 4: r = (int64_t)dst < 0; break;
	case 5: r = !__builtin_parity(low); break;
	case 6: r = (int64_t)src1 < (int64_t)src; break;
	default: r = (int64_t)src1 <= (int64_t)src; break;
	}
	return r ^ (int)(cc & 1);
}

/* Condition cc after a logic operation (CF = OF = 0) whose result, shifted
 * into the top bits, is dst. */
static ALWAYS_INLINE int cond_of_logic(uint64_t dst, uint8_t low, unsigned cc)
{
	int r;
	switch (cc >> 1) {
	case 0:
	case 1: r = 0; break;
	case 2:
	case 3: r = dst == 0; break;
	case 4:
	case 6: r = (int64_t)dst < 0; break;
	case 5: r = !__builtin_parity(low); break;
	default: r = dst == 0 || (int64_t)dst < 0; break;
	}
	return r ^ (int)(cc & 1);
}

/* Condition cc from ZF SF PF (of the result dst, shifted into the top
 * bits, whose low byte is low), and CF and OF. */
static ALWAYS_INLINE int cond_of(uint64_t dst, uint8_t low, int cf, int of, unsigned cc)
{
	int r, sf = (int64_t)dst < 0;
	switch (cc >> 1) {
	case 0: r = of; break;
	case 1: r = cf; break;
	case 2: r = dst == 0; break;
	case 3: r = cf || dst == 0; break;
	case 4: r = sf; break;
	case 5: r = !__builtin_parity(low); break;
	case 6: r = sf != of; break;
	default: r = dst == 0 || sf != of; break;
	}
	return r ^ (int)(cc & 1);
}

/* Condition cc straight after an instruction known to leave the lazy flags
 * of kind CC_SUB, CC_LOGIC, CC_ADD, CC_INC or CC_DEC at operand size osz
 * (decode/isa.h's ISA_SETS_*): no look at cc_op. INC and DEC keep the CF
 * they found in cc_src. */
static ALWAYS_INLINE int cond_after(const struct cpu *c, unsigned kind, unsigned osz, unsigned cc)
{
	unsigned sh = 64 - (8u << osz);
	uint64_t dst = c->cc_dst << sh, src = c->cc_src << sh;
	uint8_t low = (uint8_t)c->cc_dst;
	switch (kind) {
	case CC_SUB: return cond_of_sub(dst, src, low, cc);
	case CC_LOGIC: return cond_of_logic(dst, low, cc);
	case CC_ADD: return cond_of(dst, low, dst < src, (int64_t)((dst - src) ^ dst) < 0 &&
						     (int64_t)(src ^ dst) < 0, cc);
	case CC_INC: return cond_of(dst, low, c->cc_src != 0, dst == 1ull << 63, cc);
	default: return cond_of(dst, low, c->cc_src != 0, dst + (1ull << sh) == 1ull << 63, cc);
	}
}

/* Condition cc from the lazy flags, without building them: every kind
 * keeps what its flags follow from (flags.c's carry_bits has the same
 * rules). (In SUB's, src1 is the first operand.) */
static ALWAYS_INLINE int cond_lazy(const struct cpu *c, unsigned cc)
{
	unsigned kind = c->cc_op >> 2, sh = 64 - (8u << (c->cc_op & 3));
	uint64_t dst = c->cc_dst << sh, src = c->cc_src << sh;
	int r;
	if (likely(kind == CC_SUB))
		return cond_of_sub(dst, src, (uint8_t)c->cc_dst, cc);
	if (kind == CC_EFLAGS)
		return cond_of_flags(c->eflags, cc);
	int of, sf = (int64_t)dst < 0;
	/* ADC and SBB: the carry in, and the first operand (as flags.c has it) */
	uint64_t cin = (kind == CC_ADC || kind == CC_SBB) ? (c->cc_src2 & 1) << sh : 0;
	uint64_t src1 = kind == CC_SBB ? dst + src + cin : dst - src - cin;
	switch (cc >> 1) {
	/* every lazy kind keeps the result itself: ZF, SF and PF need nothing else */
	case 2: r = dst == 0; break;
	case 4: r = sf; break;
	case 5: r = !__builtin_parity((unsigned)c->cc_dst & 0xff); break;
	case 1:
	case 3: r = cf_fast(c) || ((cc >> 1) == 3 && dst == 0); break; /* CF, or CF or ZF */
	default: /* O, L, LE: after a logic operation OF is 0; ADD overflows when
		  * both operands have the sign the result lacks, SUB when they differ
		  * in sign and the result has the second's; INC when the result is
		  * the smallest negative, DEC when it is the largest positive (one
		  * below it: 1 << sh is one at the operand size); a shift left when
		  * the top bit changed (it went into CF), a right shift (SAR kind)
		  * when the result's sign differs from the operand's; MUL as CF */
		if (kind == CC_LOGIC)
			of = 0;
		else if (kind == CC_ADD || kind == CC_ADC)
			of = (int64_t)((src1 ^ dst) & (src ^ dst)) < 0;
		else if (kind == CC_SBB)
			of = (int64_t)((src1 ^ src) & (src1 ^ dst)) < 0;
		else if (kind == CC_INC)
			of = dst == 1ull << 63;
		else if (kind == CC_DEC)
			of = dst + (1ull << sh) == 1ull << 63;
		else if (kind == CC_SHL)
			of = sf != ((int64_t)src < 0);
		else if (kind == CC_SAR)
			of = (int64_t)(src ^ dst) < 0;
		else
			of = c->cc_src != 0; /* MUL */
		r = (cc >> 1) == 0 ? of : (cc >> 1) == 6 ? sf != of : (sf != of || dst == 0);
		break;
	}
	return r ^ (int)(cc & 1);
}

/* M(args..., cc) for each of the 16 conditions Jcc, SETcc and CMOVcc encode in
 * their opcode's low nibble: one after another (CC_EACH), or as the 16
 * initializers of a table indexed by the condition (CC_LIST). The handlers
 * make an instance per condition with them. */
#define CC_EACH(M, ...)                                                                            \
	M(__VA_ARGS__, 0)                                                                          \
	M(__VA_ARGS__, 1)                                                                          \
	M(__VA_ARGS__, 2)                                                                          \
	M(__VA_ARGS__, 3)                                                                          \
	M(__VA_ARGS__, 4)                                                                          \
	M(__VA_ARGS__, 5)                                                                          \
	M(__VA_ARGS__, 6)                                                                          \
	M(__VA_ARGS__, 7)                                                                          \
	M(__VA_ARGS__, 8)                                                                          \
	M(__VA_ARGS__, 9)                                                                          \
	M(__VA_ARGS__, 10)                                                                         \
	M(__VA_ARGS__, 11)                                                                         \
	M(__VA_ARGS__, 12)                                                                         \
	M(__VA_ARGS__, 13)                                                                         \
	M(__VA_ARGS__, 14)                                                                         \
	M(__VA_ARGS__, 15)
#define CC_LIST(M, ...)                                                                            \
	M(__VA_ARGS__, 0),                                                                         \
	M(__VA_ARGS__, 1),                                                                         \
	M(__VA_ARGS__, 2),                                                                         \
	M(__VA_ARGS__, 3),                                                                         \
	M(__VA_ARGS__, 4),                                                                         \
	M(__VA_ARGS__, 5),                                                                         \
	M(__VA_ARGS__, 6),                                                                         \
	M(__VA_ARGS__, 7),                                                                         \
	M(__VA_ARGS__, 8),                                                                         \
	M(__VA_ARGS__, 9),                                                                         \
	M(__VA_ARGS__, 10),                                                                        \
	M(__VA_ARGS__, 11),                                                                        \
	M(__VA_ARGS__, 12),                                                                        \
	M(__VA_ARGS__, 13),                                                                        \
	M(__VA_ARGS__, 14),                                                                        \
	M(__VA_ARGS__, 15)

#endif
