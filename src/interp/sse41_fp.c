/* SSE4.1 floating point: the dot products DPPS and DPPD, and ROUNDPS/PD/SS/SD.
 *
 * A dot product is the SDM's sequence of rounded operations: the selected
 * products, then the pairwise sums, each step an SSE multiply or add run
 * like any other (cpu/mxcsr.h), so rounding, DAZ and FTZ on intermediate
 * results, NaN selection and the flags are those of the real steps.
 * Rounding to an integral value is done on the bits, which is exact on
 * every host. */
#include "interp/sse.h"
#include "interp/sse_soft.h"
#include "isa_handlers.h"

FP_KERNEL(mulps, "mulps", SOFT_MUL, SSE_FMT_PS)
FP_KERNEL(addps, "addps", SOFT_ADD, SSE_FMT_PS)
FP_KERNEL(addss, "addss", SOFT_ADD, SSE_FMT_SS)
FP_KERNEL(mulpd, "mulpd", SOFT_MUL, SSE_FMT_PD)
FP_KERNEL(addsd, "addsd", SOFT_ADD, SSE_FMT_SD)

/* ---- DPPS, DPPD ---- */

/* Keeps the `size`-byte lanes of x whose bit is set in `keep`, zeroing the
 * others: a product of two zeros is +0.0 and raises nothing, which is what
 * the SDM makes of an unselected product. */
static void keep_lanes(xmm_t *x, unsigned keep, unsigned size)
{
	for (unsigned k = 0; k < 16 / size; k++)
		if (!(keep >> k & 1))
			memset(&x->b[k * size], 0, size);
}

/* One step of the sequence: its flags are accounted for (and an unmasked
 * one faults) as the step's own, before the next step runs. */
static void dp_step(struct cpu *c, const struct insn *i, sse_fp_kernel *k, xmm_t *d,
		    const xmm_t *s, unsigned fmt)
{
	uint32_t raised = k(d, s, mxcsr_ctl(c));
	sse_fp_commit(c, i, raised, d, fmt);
}

/* Lanes selected by `select` get the low `size` bytes of v, the others 0. */
static void dp_broadcast(xmm_t *r, const xmm_t *v, unsigned select, unsigned size)
{
	for (unsigned k = 0; k < 16 / size; k++)
		memcpy(&r->b[k * size], select >> k & 1 ? v->b : (const uint8_t[8]){0}, size);
}

/* DPPS: products of the lanes imm8[7:4] selects, summed as (p0 + p1) +
 * (p2 + p3), to the lanes imm8[3:0] selects. */
void op_dpps(struct cpu *c, const struct insn *i)
{
	xmm_t s, d = c->xmm[i->reg], r;
	unsigned imm = (unsigned)i->imm;
	sse_get_W(c, i, &s);
	keep_lanes(&d, imm >> 4, 4);
	keep_lanes(&s, imm >> 4, 4);
	dp_step(c, i, k_mulps, &d, &s, SSE_FMT_PS);
	xmm_t lo = {.d = {d.d[0], d.d[2]}}, hi = {.d = {d.d[1], d.d[3]}};
	dp_step(c, i, k_addps, &lo, &hi, SSE_FMT_F32 | 2);
	xmm_t pair = {.d = {lo.d[1]}};
	dp_step(c, i, k_addss, &lo, &pair, SSE_FMT_SS);
	dp_broadcast(&r, &lo, imm, 4);
	c->xmm[i->reg] = r;
}

/* DPPD: the products of the lanes imm8[5:4] selects, summed, to the lanes
 * imm8[1:0] selects. */
void op_dppd(struct cpu *c, const struct insn *i)
{
	xmm_t s, d = c->xmm[i->reg], r;
	unsigned imm = (unsigned)i->imm;
	sse_get_W(c, i, &s);
	keep_lanes(&d, imm >> 4, 8);
	keep_lanes(&s, imm >> 4, 8);
	dp_step(c, i, k_mulpd, &d, &s, SSE_FMT_PD);
	xmm_t hi = {.q = {d.q[1]}};
	dp_step(c, i, k_addsd, &d, &hi, SSE_FMT_SD);
	dp_broadcast(&r, &d, imm, 8);
	c->xmm[i->reg] = r;
}

/* ---- ROUNDPS/PD/SS/SD ---- */

enum { ROUND_NEAREST, ROUND_DOWN, ROUND_UP, ROUND_ZERO };

/* An IEEE format: `mant` fraction bits in a `width`-bit value. */
struct ieee {
	unsigned mant, width;
};

static const struct ieee ieee_f32 = {23, 32}, ieee_f64 = {52, 64};

/* Whether rounding a nonzero value of sign `neg` to an integral one moves
 * its magnitude up: `half` compares what the truncation drops with half a
 * unit of the result (-1, 0, 1), `odd` says the truncated value is odd. */
static int round_away(unsigned mode, int neg, int half, int odd)
{
	switch (mode) {
	case ROUND_NEAREST: return half > 0 || (half == 0 && odd);
	case ROUND_DOWN: return neg;
	case ROUND_UP: return !neg;
	default: return 0;
	}
}

/* x rounded to an integral value of its format f in `mode`; adds IE for an
 * SNaN (made quiet) and PE for an inexact result to *flags. A denormal
 * raises no DE here; with `daz` it counts as a zero of its sign. */
static uint64_t round_integral(uint64_t x, struct ieee f, unsigned mode, int daz, uint32_t *flags)
{
	uint64_t sign = 1ull << (f.width - 1), frac_mask = (1ull << f.mant) - 1;
	uint64_t mag = x & (sign - 1), one = (sign >> 1) - 1 - frac_mask;
	unsigned bias = (unsigned)(one >> f.mant), exp = (unsigned)(mag >> f.mant);
	int neg = (x & sign) != 0;
	if (exp == 2 * bias + 1) {
		uint64_t quiet = 1ull << (f.mant - 1);
		if ((mag & frac_mask) && !(mag & quiet))
			*flags |= MXCSR_IE;
		return mag & frac_mask ? x | quiet : x;
	}
	if (mag == 0 || exp >= bias + f.mant)
		return x;
	if (exp == 0 && daz)
		return x & sign;
	if (exp < bias) { /* 0 < |x| < 1: the result is 0 or 1 */
		*flags |= MXCSR_PE;
		int half = exp < bias - 1 ? -1 : (mag & frac_mask) != 0;
		return (x & sign) | (round_away(mode, neg, half, 0) ? one : 0);
	}
	unsigned drop = f.mant - (exp - bias);
	uint64_t rem = mag & ((1ull << drop) - 1), kept = mag - rem, half = 1ull << (drop - 1);
	if (!rem)
		return x;
	*flags |= MXCSR_PE;
	if (round_away(mode, neg, rem > half ? 1 : rem == half ? 0 : -1, (kept >> drop) & 1))
		kept += 1ull << drop; /* a carry into the exponent is the next power of two */
	return (x & sign) | kept;
}

/* imm8[1:0] is the rounding mode unless imm8[2] says MXCSR's; imm8[3]
 * suppresses the precision exception. `lanes` of format f, from a W of
 * `n` bytes; a scalar form keeps V's other lanes. */
static void round_op(struct cpu *c, const struct insn *i, struct ieee f, unsigned lanes, unsigned n)
{
	xmm_t s, r = c->xmm[i->reg];
	unsigned imm = (unsigned)i->imm;
	unsigned mode = imm & 4 ? (c->mxcsr & MXCSR_RC) >> MXCSR_RC_SHIFT : imm & 3;
	int daz = (c->mxcsr & MXCSR_DAZ) != 0;
	uint32_t raised = 0;
	sse_get_W_sized(c, i, &s, n);
	for (unsigned k = 0; k < lanes; k++) {
		if (f.width == 32)
			r.d[k] = (uint32_t)round_integral(s.d[k], f, mode, daz, &raised);
		else
			r.q[k] = round_integral(s.q[k], f, mode, daz, &raised);
	}
	if (imm & 8)
		raised &= ~MXCSR_PE;
	mxcsr_update(c, i, raised);
	c->xmm[i->reg] = r;
}

void op_roundps(struct cpu *c, const struct insn *i) { round_op(c, i, ieee_f32, 4, 16); }
void op_roundpd(struct cpu *c, const struct insn *i) { round_op(c, i, ieee_f64, 2, 16); }
void op_roundss(struct cpu *c, const struct insn *i) { round_op(c, i, ieee_f32, 1, 4); }
void op_roundsd(struct cpu *c, const struct insn *i) { round_op(c, i, ieee_f64, 1, 8); }
