/* SSE/SSE2 floating-point arithmetic and comparisons: ADD, SUB, MUL, DIV,
 * MIN, MAX, SQRT (ps, pd, ss, sd), RCP, RSQRT (ps, ss), CMP (ps, pd, ss, sd)
 * and (U)COMISS/(U)COMISD; SSE3's ADDSUB, HADD and HSUB (ps, pd). See
 * cpu/mxcsr.h for how results are made exact. */
#include "interp/sse.h"
#include "interp/sse_soft.h"
#include "isa_handlers.h"

uint32_t sse_tiny_result(const xmm_t *r, unsigned fmt)
{
	for (unsigned k = 0; k < SSE_FMT_LANES(fmt); k++) {
		int tiny = fmt & SSE_FMT_F32
				   ? (r->d[k] & 0x7f800000u) == 0 && (r->d[k] << 1)
				   : (r->q[k] & 0x7ff0000000000000u) == 0 && (r->q[k] << 1);
		if (tiny)
			return MXCSR_UE;
	}
	return 0;
}

/* Handler op_NAME: XMM(reg) = NAME(XMM(reg), W), W being `n` bytes; an
 * instance per form of W, and chained twins. */
#define FP_HANDLER(name, n, tiny)                                                                  \
	static ALWAYS_INLINE void name##_body(struct cpu *c, const struct insn *i, int form)       \
	{                                                                                          \
		sse_fp_op_form(c, i, k_##name, n, tiny, form);                                     \
	}                                                                                          \
	SPEC_E(name, name##_body)

/* One operation in its four forms. `under` is 1 when its result can
 * underflow. */
#define FP_FAMILY(op, soft, under)                                                                 \
	FP_KERNEL(op##ps, #op "ps", soft, SSE_FMT_PS)                                              \
	FP_KERNEL(op##pd, #op "pd", soft, SSE_FMT_PD)                                              \
	FP_KERNEL(op##ss, #op "ss", soft, SSE_FMT_SS)                                              \
	FP_KERNEL(op##sd, #op "sd", soft, SSE_FMT_SD)                                              \
	FP_HANDLER(op##ps, 16, (under)*SSE_FMT_PS)                                                 \
	FP_HANDLER(op##pd, 16, (under)*SSE_FMT_PD)                                                 \
	FP_HANDLER(op##ss, 4, (under)*SSE_FMT_SS)                                                  \
	FP_HANDLER(op##sd, 8, (under)*SSE_FMT_SD)

FP_FAMILY(add, SOFT_ADD, 1)
FP_FAMILY(sub, SOFT_SUB, 1)
FP_FAMILY(mul, SOFT_MUL, 1)
FP_FAMILY(div, SOFT_DIV, 1)
FP_FAMILY(min, SOFT_MIN, 0)
FP_FAMILY(max, SOFT_MAX, 0)
FP_FAMILY(sqrt, SOFT_SQRT, 0)

/* The approximations raise nothing and never underflow in a way that traps
 * (tiny results are flushed to zero). */
FP_KERNEL(rcpps, "rcpps", SOFT_RCP, SSE_FMT_PS)
FP_KERNEL(rcpss, "rcpss", SOFT_RCP, SSE_FMT_SS)
FP_KERNEL(rsqrtps, "rsqrtps", SOFT_RSQRT, SSE_FMT_PS)
FP_KERNEL(rsqrtss, "rsqrtss", SOFT_RSQRT, SSE_FMT_SS)
FP_HANDLER(rcpps, 16, 0)
FP_HANDLER(rcpss, 4, 0)
FP_HANDLER(rsqrtps, 16, 0)
FP_HANDLER(rsqrtss, 4, 0)

/* ---- SSE3: HADD, HSUB and ADDSUB (ps, pd), run as the ADD and SUB kernels
 * on rearranged lanes, so that every lane is the very operation the CPU does
 * and the flags are those of the lanes computed ---- */

/* HADD/HSUB: result lane k is a[k] op b[k], where a holds the lower lane of
 * each adjacent pair of d, then of s, and b the upper one. The lower lane is
 * the first operand, the one whose NaN wins when both are NaNs. */
static ALWAYS_INLINE void horizontal(struct cpu *c, const struct insn *i, sse_fp_kernel *k,
				     unsigned fmt)
{
	xmm_t s, a, b;
	const xmm_t *d = &c->xmm[i->reg];
	sse_get_W(c, i, &s);
	if (fmt & SSE_FMT_F32) {
		a = (xmm_t){.d = {d->d[0], d->d[2], s.d[0], s.d[2]}};
		b = (xmm_t){.d = {d->d[1], d->d[3], s.d[1], s.d[3]}};
	} else {
		a = (xmm_t){.q = {d->q[0], s.q[0]}};
		b = (xmm_t){.q = {d->q[1], s.q[1]}};
	}
	uint32_t raised = k(&a, &b, mxcsr_ctl(c));
	sse_fp_commit(c, i, raised, &a, fmt);
	c->xmm[i->reg] = a;
}

/* Zeroes the lanes of `fmt` whose index has parity `odd`. */
static void zero_lanes(xmm_t *x, unsigned fmt, unsigned odd)
{
	for (unsigned k = odd; k < SSE_FMT_LANES(fmt); k += 2) {
		if (fmt & SSE_FMT_F32)
			x->d[k] = 0;
		else
			x->q[k] = 0;
	}
}

/* ADDSUB: even lanes d - s, odd lanes d + s. Each kernel runs on every lane
 * with the other half zeroed, and 0 - 0 and 0 + 0 raise nothing. */
static ALWAYS_INLINE void addsub(struct cpu *c, const struct insn *i, sse_fp_kernel *sub,
				 sse_fp_kernel *add, unsigned fmt)
{
	xmm_t s, ds = c->xmm[i->reg], da = c->xmm[i->reg];
	sse_get_W(c, i, &s);
	xmm_t ss = s, sa = s;
	zero_lanes(&ds, fmt, 1);
	zero_lanes(&ss, fmt, 1);
	zero_lanes(&da, fmt, 0);
	zero_lanes(&sa, fmt, 0);
	uint32_t ctl = mxcsr_ctl(c);
	uint32_t raised = sub(&ds, &ss, ctl);
	raised |= add(&da, &sa, ctl);
	for (unsigned k = 1; k < SSE_FMT_LANES(fmt); k += 2) {
		if (fmt & SSE_FMT_F32)
			ds.d[k] = da.d[k];
		else
			ds.q[k] = da.q[k];
	}
	sse_fp_commit(c, i, raised, &ds, fmt);
	c->xmm[i->reg] = ds;
}

void op_haddps(struct cpu *c, const struct insn *i) { horizontal(c, i, k_addps, SSE_FMT_PS); }
void op_haddpd(struct cpu *c, const struct insn *i) { horizontal(c, i, k_addpd, SSE_FMT_PD); }
void op_hsubps(struct cpu *c, const struct insn *i) { horizontal(c, i, k_subps, SSE_FMT_PS); }
void op_hsubpd(struct cpu *c, const struct insn *i) { horizontal(c, i, k_subpd, SSE_FMT_PD); }

void op_addsubps(struct cpu *c, const struct insn *i)
{
	addsub(c, i, k_subps, k_addps, SSE_FMT_PS);
}

void op_addsubpd(struct cpu *c, const struct insn *i)
{
	addsub(c, i, k_subpd, k_addpd, SSE_FMT_PD);
}

/* ---- CMPPS/CMPPD/CMPSS/CMPSD: the predicate is imm8[2:0] ---- */

#if MXCSR_HOST_SSE
#define CMP_KERNEL(sfx, pred, fmt) SSE_HOST_KERNEL(cmp##sfx##_##pred, "cmp" #sfx " $" #pred ",")
#else
#define CMP_KERNEL(sfx, pred, fmt)                                                                 \
	static uint32_t k_cmp##sfx##_##pred(xmm_t *d, const xmm_t *s, uint32_t ctl)                \
	{                                                                                          \
		return soft_cmp(d, s, ctl, pred, fmt);                                             \
	}
#endif

#define CMP_FAMILY(sfx, n, fmt)                                                                    \
	CMP_KERNEL(sfx, 0, fmt)                                                                    \
	CMP_KERNEL(sfx, 1, fmt)                                                                    \
	CMP_KERNEL(sfx, 2, fmt)                                                                    \
	CMP_KERNEL(sfx, 3, fmt)                                                                    \
	CMP_KERNEL(sfx, 4, fmt)                                                                    \
	CMP_KERNEL(sfx, 5, fmt)                                                                    \
	CMP_KERNEL(sfx, 6, fmt)                                                                    \
	CMP_KERNEL(sfx, 7, fmt)                                                                    \
	void op_cmp##sfx(struct cpu *c, const struct insn *i)                                      \
	{                                                                                          \
		static sse_fp_kernel *const kernels[8] = {                                         \
			k_cmp##sfx##_0, k_cmp##sfx##_1, k_cmp##sfx##_2, k_cmp##sfx##_3,            \
			k_cmp##sfx##_4, k_cmp##sfx##_5, k_cmp##sfx##_6, k_cmp##sfx##_7};           \
		sse_fp_op(c, i, kernels[i->imm & 7], n, 0);                                        \
	}

CMP_FAMILY(ps, 16, SSE_FMT_PS)
CMP_FAMILY(pd, 16, SSE_FMT_PD)
CMP_FAMILY(ss, 4, SSE_FMT_SS)
CMP_FAMILY(sd, 8, SSE_FMT_SD)

/* ---- COMISS/UCOMISS/COMISD/UCOMISD: ZF, PF, CF from an ordered compare;
 * the COMI forms signal invalid on any NaN, the UCOMI forms on SNaN only ---- */

/* Compares the low lanes of a and b; returns the flags raised and sets
 * *efl to the resulting ZF, PF and CF. */
typedef uint32_t comi_kernel(const xmm_t *a, const xmm_t *b, uint32_t ctl, uint32_t *efl);

#if MXCSR_HOST_SSE
#define COMI_KERNEL(name, signaling, fmt)                                                          \
	static uint32_t k_##name(const xmm_t *a, const xmm_t *b, uint32_t ctl, uint32_t *efl)      \
	{                                                                                          \
		sse_host_vec ha, hb;                                                               \
		uint8_t zf, pf, cf;                                                                \
		memcpy(&ha, a, 16);                                                                \
		memcpy(&hb, b, 16);                                                                \
		MXCSR_HOST_RUN(ctl, #name " %[b], %[a]", "=@ccz"(zf), "=@ccp"(pf), "=@ccc"(cf)     \
			       : [a] "x"(ha), [b] "x"(hb));                                        \
		*efl = (zf ? F_ZF : 0) | (pf ? F_PF : 0) | (cf ? F_CF : 0);                        \
		return ctl & MXCSR_FLAGS;                                                          \
	}
#else
#define COMI_KERNEL(name, signaling, fmt)                                                          \
	static uint32_t k_##name(const xmm_t *a, const xmm_t *b, uint32_t ctl, uint32_t *efl)      \
	{                                                                                          \
		return soft_comi(a, b, ctl, signaling, fmt, efl);                                  \
	}
#endif

static ALWAYS_INLINE void comi(struct cpu *c, const struct insn *i, comi_kernel *k, unsigned n,
			       int form)
{
	xmm_t b;
	uint32_t efl;
	sse_W_scalar(c, i, &b, n, form);
	uint32_t raised = k(&c->xmm[i->reg], &b, mxcsr_ctl(c), &efl);
	mxcsr_update(c, i, raised);
	c->eflags = (c->eflags & ~F_ARITH) | efl;
	c->cc_op = CC_OP(CC_EFLAGS, 0);
}

#define COMI_FAMILY(name, signaling, fmt, n)                                                       \
	COMI_KERNEL(name, signaling, fmt)                                                          \
	static ALWAYS_INLINE void name##_body(struct cpu *c, const struct insn *i, int form)       \
	{                                                                                          \
		comi(c, i, k_##name, n, form);                                                     \
	}                                                                                          \
	SPEC_E(name, name##_body)

COMI_FAMILY(comiss, 1, SSE_FMT_SS, 4)
COMI_FAMILY(ucomiss, 0, SSE_FMT_SS, 4)
COMI_FAMILY(comisd, 1, SSE_FMT_SD, 8)
COMI_FAMILY(ucomisd, 0, SSE_FMT_SD, 8)
