/* SSE4.1 packed integer instructions (and SSE4.2's PCMPGTQ, a lane-wise
 * compare like them): multiplies, signed and unsigned minimum and maximum,
 * quadword compares, PACKUSDW, the sign and zero extensions PMOVSX and
 * PMOVZX, PTEST, PHMINPOSUW and MPSADBW. None has an MMX form. */
#include "interp/sse.h"
#include "isa_handlers.h"

/* op_NAME: lane-wise d = expr (see PINT_LANEWISE). */
#define LANEWISE(name, T, m, expr) PINT_LANEWISE(name, T, m, expr) PINT_XMM_HANDLER(name)

LANEWISE(pminsb, int8_t, sb, a < b ? a : b)
LANEWISE(pminsd, int32_t, sd, a < b ? a : b)
LANEWISE(pminuw, uint16_t, w, a < b ? a : b)
LANEWISE(pminud, uint32_t, d, a < b ? a : b)
LANEWISE(pmaxsb, int8_t, sb, a > b ? a : b)
LANEWISE(pmaxsd, int32_t, sd, a > b ? a : b)
LANEWISE(pmaxuw, uint16_t, w, a > b ? a : b)
LANEWISE(pmaxud, uint32_t, d, a > b ? a : b)

/* the low 32 bits of the product, the same signed or unsigned */
LANEWISE(pmulld, uint32_t, d, (uint64_t)a * b)
LANEWISE(pcmpeqq, uint64_t, q, a == b ? ~0ull : 0)
LANEWISE(pcmpgtq, int64_t, sq, a > b ? -1 : 0)

/* PMULDQ: the signed products of the even dwords, as quadwords */
static void pmuldq_lanes(xmm_t *d, const xmm_t *s, unsigned n)
{
	for (unsigned k = 0; k < n / 8; k++)
		d->sq[k] = (int64_t)d->sd[2 * k] * s->sd[2 * k];
}

PINT_XMM_HANDLER(pmuldq)

/* PACKUSDW: the signed dwords of d then of s, saturated to unsigned words */
static void packusdw_lanes(xmm_t *d, const xmm_t *s, unsigned n)
{
	xmm_t r;
	for (unsigned k = 0; k < n / 4; k++) {
		r.w[k] = sat_u16(d->sd[k]);
		r.w[n / 4 + k] = sat_u16(s->sd[k]);
	}
	memcpy(d, &r, n);
}

PINT_XMM_HANDLER(packusdw)

/* ---- PMOVSX/PMOVZX: the low lanes of W, widened; a memory W is only as
 * wide as those lanes ---- */

/* op_NAME: `count` lanes of type From (member fm) become lanes of type To
 * (member tm), sign- or zero-extended by the signedness of From. */
#define EXTEND(name, From, fm, To, tm, count)                                                      \
	void op_##name(struct cpu *c, const struct insn *i)                                        \
	{                                                                                          \
		xmm_t s, r;                                                                        \
		sse_get_W_low(c, i, &s, (count) * sizeof(From));                                   \
		for (unsigned k = 0; k < (count); k++)                                             \
			r.tm[k] = (To)(From)s.fm[k];                                               \
		c->xmm[i->reg] = r;                                                                \
	}

EXTEND(pmovsxbw, int8_t, sb, int16_t, sw, 8)
EXTEND(pmovsxbd, int8_t, sb, int32_t, sd, 4)
EXTEND(pmovsxbq, int8_t, sb, int64_t, sq, 2)
EXTEND(pmovsxwd, int16_t, sw, int32_t, sd, 4)
EXTEND(pmovsxwq, int16_t, sw, int64_t, sq, 2)
EXTEND(pmovsxdq, int32_t, sd, int64_t, sq, 2)
EXTEND(pmovzxbw, uint8_t, b, uint16_t, w, 8)
EXTEND(pmovzxbd, uint8_t, b, uint32_t, d, 4)
EXTEND(pmovzxbq, uint8_t, b, uint64_t, q, 2)
EXTEND(pmovzxwd, uint16_t, w, uint32_t, d, 4)
EXTEND(pmovzxwq, uint16_t, w, uint64_t, q, 2)
EXTEND(pmovzxdq, uint32_t, d, uint64_t, q, 2)

/* ---- PTEST: ZF when V AND W is zero, CF when (NOT V) AND W is; the other
 * arithmetic flags cleared ---- */
void op_ptest(struct cpu *c, const struct insn *i)
{
	xmm_t s;
	const xmm_t *d = &c->xmm[i->reg];
	sse_get_W(c, i, &s);
	uint64_t and = (d->q[0] & s.q[0]) | (d->q[1] & s.q[1]);
	uint64_t andn = (~d->q[0] & s.q[0]) | (~d->q[1] & s.q[1]);
	c->eflags = (c->eflags & ~F_ARITH) | (and ? 0 : F_ZF) | (andn ? 0 : F_CF);
	c->cc_op = CC_OP(CC_EFLAGS, 0);
}

/* ---- PHMINPOSUW: the smallest unsigned word of W (the lowest-numbered of
 * equal ones) and its index; the rest of V is zeroed ---- */
void op_phminposuw(struct cpu *c, const struct insn *i)
{
	xmm_t s;
	unsigned at = 0;
	sse_get_W(c, i, &s);
	for (unsigned k = 1; k < 8; k++)
		if (s.w[k] < s.w[at])
			at = k;
	c->xmm[i->reg] = (xmm_t){.w = {s.w[at], (uint16_t)at}};
}

/* ---- MPSADBW: word k is the sum of absolute differences between the four
 * bytes of V from byte 4 * imm8[2] + k and the four of W from byte
 * 4 * imm8[1:0] ---- */
void op_mpsadbw(struct cpu *c, const struct insn *i)
{
	xmm_t s, r;
	const xmm_t *d = &c->xmm[i->reg];
	unsigned dbase = (i->imm >> 2 & 1) * 4, sbase = (i->imm & 3) * 4;
	sse_get_W(c, i, &s);
	for (unsigned k = 0; k < 8; k++) {
		unsigned sum = 0;
		for (unsigned j = 0; j < 4; j++) {
			int diff = d->b[dbase + k + j] - s.b[sbase + j];
			sum += (unsigned)(diff < 0 ? -diff : diff);
		}
		r.w[k] = (uint16_t)sum;
	}
	c->xmm[i->reg] = r;
}
