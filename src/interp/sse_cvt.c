/* SSE/SSE2 conversions between single, double and integer formats, XMM and
 * MMX forms. The integer results of an invalid conversion are the "integer
 * indefinite" (the most negative value), as the host produces them. */
#include "interp/sse.h"
#include "interp/sse_soft.h"
#include "isa_handlers.h"

/* Kernel k_NAME converting lanes of format `src` to `dst` (see
 * interp/sse_soft.h), `trunc` rounding toward zero whatever MXCSR says,
 * `merge` keeping the lanes of d it does not write. */
#if MXCSR_HOST_SSE
#define CVT_KERNEL(name, dst, src, trunc, merge) SSE_HOST_KERNEL(name, #name)
#else
#define CVT_KERNEL(name, dst, src, trunc, merge)                                                   \
	static uint32_t k_##name(xmm_t *d, const xmm_t *s, uint32_t ctl)                           \
	{                                                                                          \
		return soft_cvt(d, s, ctl, dst, src, trunc, merge);                                \
	}
#endif

/* XMM to XMM: op_NAME reads `n` bytes of W; `tiny` as for sse_fp_op. */
#define CVT_XMM(name, dst, src, trunc, merge, n, tiny)                                             \
	CVT_KERNEL(name, dst, src, trunc, merge)                                                   \
	void op_##name(struct cpu *c, const struct insn *i) { sse_fp_op(c, i, k_##name, n, tiny); }

CVT_XMM(cvtps2pd, SSE_FMT_PD, SSE_FMT_F32 | 2, 0, 0, 8, 0)
CVT_XMM(cvtpd2ps, SSE_FMT_F32 | 2, SSE_FMT_PD, 0, 0, 16, SSE_FMT_F32 | 2)
CVT_XMM(cvtss2sd, SSE_FMT_SD, SSE_FMT_SS, 0, 1, 4, 0)
CVT_XMM(cvtsd2ss, SSE_FMT_SS, SSE_FMT_SD, 0, 1, 8, SSE_FMT_SS)
CVT_XMM(cvtdq2ps, SSE_FMT_PS, SSE_FMT_I32 | 4, 0, 0, 16, 0)
CVT_XMM(cvtps2dq, SSE_FMT_I32 | 4, SSE_FMT_PS, 0, 0, 16, 0)
CVT_XMM(cvttps2dq, SSE_FMT_I32 | 4, SSE_FMT_PS, 1, 0, 16, 0)
CVT_XMM(cvtdq2pd, SSE_FMT_PD, SSE_FMT_I32 | 2, 0, 0, 8, 0)
CVT_XMM(cvtpd2dq, SSE_FMT_I32 | 2, SSE_FMT_PD, 0, 0, 16, 0)
CVT_XMM(cvttpd2dq, SSE_FMT_I32 | 2, SSE_FMT_PD, 1, 0, 16, 0)

/* ---- MMX forms, done with the XMM kernels on two lanes ---- */

/* MMX(reg) = the low two lanes of k(W), W being n bytes (8: two floats,
 * 16: two doubles in an aligned m128). */
static ALWAYS_INLINE void cvt_to_mmx(struct cpu *c, const struct insn *i, sse_fp_kernel *k,
				     unsigned n)
{
	xmm_t s, r = {{0}};
	x87_wait(c, i);
	sse_get_W_sized(c, i, &s, n);
	if (n == 8)
		s.q[1] = 0; /* the upper lanes must not raise anything */
	uint32_t raised = k(&r, &s, mxcsr_ctl(c));
	mxcsr_update(c, i, raised);
	mmx_enter(c);
	mmx_set(c, i->reg, r.q[0]);
}

void op_cvtps2pi(struct cpu *c, const struct insn *i) { cvt_to_mmx(c, i, k_cvtps2dq, 8); }

void op_cvttps2pi(struct cpu *c, const struct insn *i) { cvt_to_mmx(c, i, k_cvttps2dq, 8); }

void op_cvtpd2pi(struct cpu *c, const struct insn *i) { cvt_to_mmx(c, i, k_cvtpd2dq, 16); }

void op_cvttpd2pi(struct cpu *c, const struct insn *i) { cvt_to_mmx(c, i, k_cvttpd2dq, 16); }

/* XMM(reg) = k(two int32 of Q); `whole` replaces all of XMM(reg), else only
 * its low 64 bits. Only a register source makes it an MMX instruction (a
 * memory source runs as a plain SSE one). */
static ALWAYS_INLINE void cvt_from_mmx(struct cpu *c, const struct insn *i, sse_fp_kernel *k,
				       int whole)
{
	xmm_t s = {{0}}, r = {{0}};
	if (i->mod == 3)
		x87_wait(c, i);
	s.q[0] = mmx_get_Q(c, i);
	uint32_t raised = k(&r, &s, mxcsr_ctl(c));
	mxcsr_update(c, i, raised);
	if (i->mod == 3)
		mmx_enter(c);
	if (whole)
		c->xmm[i->reg] = r;
	else
		sse_set_q(c, i->reg, 0, r.q[0]);
}

void op_cvtpi2ps(struct cpu *c, const struct insn *i) { cvt_from_mmx(c, i, k_cvtdq2ps, 0); }

void op_cvtpi2pd(struct cpu *c, const struct insn *i) { cvt_from_mmx(c, i, k_cvtdq2pd, 1); }

/* ---- scalar to general register: CVT(T)SS2SI, CVT(T)SD2SI ---- */

/* Converts the low lane of s to a 32- or 64-bit integer in *out. */
typedef uint32_t cvt_si_kernel(const xmm_t *s, uint32_t ctl, uint64_t *out);

#if MXCSR_HOST_SSE
#define CVT_SI_KERNEL(name, insn, T, dst, src, trunc)                                              \
	static uint32_t k_##name(const xmm_t *s, uint32_t ctl, uint64_t *out)                      \
	{                                                                                          \
		sse_host_vec hs;                                                                   \
		T r;                                                                               \
		memcpy(&hs, s, 16);                                                                \
		MXCSR_HOST_RUN(ctl, insn " %[s], %[r]", [r] "=r"(r) : [s] "x"(hs));                \
		*out = r;                                                                          \
		return ctl & MXCSR_FLAGS;                                                          \
	}
#else
#define CVT_SI_KERNEL(name, insn, T, dst, src, trunc)                                              \
	static uint32_t k_##name(const xmm_t *s, uint32_t ctl, uint64_t *out)                      \
	{                                                                                          \
		xmm_t r = {{0}};                                                                   \
		uint32_t raised = soft_cvt(&r, s, ctl, dst, src, trunc, 0);                        \
		*out = r.q[0];                                                                     \
		return raised;                                                                     \
	}
#endif

static ALWAYS_INLINE void cvt_to_gpr(struct cpu *c, const struct insn *i, cvt_si_kernel *k32,
				     cvt_si_kernel *k64, unsigned n)
{
	xmm_t s;
	uint64_t v;
	sse_get_W_low(c, i, &s, n);
	uint32_t raised = (i->osz == OSZ_64 ? k64 : k32)(&s, mxcsr_ctl(c), &v);
	mxcsr_update(c, i, raised);
	gpr_set(c, i->reg, i->osz == OSZ_64 ? OSZ_64 : OSZ_32, v);
}

#define CVT_TO_GPR(name, src, trunc, n)                                                            \
	CVT_SI_KERNEL(name##_32, #name, uint32_t, SSE_FMT_I32 | 1, src, trunc)                     \
	CVT_SI_KERNEL(name##_64, #name, uint64_t, SSE_FMT_I64 | 1, src, trunc)                     \
	void op_##name(struct cpu *c, const struct insn *i)                                        \
	{                                                                                          \
		cvt_to_gpr(c, i, k_##name##_32, k_##name##_64, n);                                 \
	}

CVT_TO_GPR(cvtss2si, SSE_FMT_SS, 0, 4)
CVT_TO_GPR(cvttss2si, SSE_FMT_SS, 1, 4)
CVT_TO_GPR(cvtsd2si, SSE_FMT_SD, 0, 8)
CVT_TO_GPR(cvttsd2si, SSE_FMT_SD, 1, 8)

/* ---- general register to scalar: CVTSI2SS, CVTSI2SD ---- */

/* Converts integer v into the low lane of *d, keeping the other lanes. */
typedef uint32_t cvt_from_si_kernel(xmm_t *d, uint64_t v, uint32_t ctl);

#if MXCSR_HOST_SSE
#define CVT_FROM_SI_KERNEL(name, insn, T, dst, src)                                                \
	static uint32_t k_##name(xmm_t *d, uint64_t v, uint32_t ctl)                               \
	{                                                                                          \
		sse_host_vec hd;                                                                   \
		T hv = (T)v;                                                                       \
		memcpy(&hd, d, 16);                                                                \
		MXCSR_HOST_RUN(ctl, insn " %[v], %[d]", [d] "+x"(hd) : [v] "r"(hv));               \
		memcpy(d, &hd, 16);                                                                \
		return ctl & MXCSR_FLAGS;                                                          \
	}
#else
#define CVT_FROM_SI_KERNEL(name, insn, T, dst, src)                                                \
	static uint32_t k_##name(xmm_t *d, uint64_t v, uint32_t ctl)                               \
	{                                                                                          \
		xmm_t s = {{0}};                                                                   \
		s.q[0] = v;                                                                        \
		return soft_cvt(d, &s, ctl, dst, src, 0, 1);                                       \
	}
#endif

static ALWAYS_INLINE void cvt_from_gpr(struct cpu *c, const struct insn *i, cvt_from_si_kernel *k32,
				       cvt_from_si_kernel *k64)
{
	unsigned osz = i->osz == OSZ_64 ? OSZ_64 : OSZ_32;
	uint64_t v = opE_get(c, i, osz);
	xmm_t d = c->xmm[i->reg];
	uint32_t raised = (osz == OSZ_64 ? k64 : k32)(&d, v, mxcsr_ctl(c));
	mxcsr_update(c, i, raised);
	c->xmm[i->reg] = d;
}

#define CVT_FROM_GPR(name, dst)                                                                    \
	CVT_FROM_SI_KERNEL(name##_32, #name "l", uint32_t, dst, SSE_FMT_I32 | 1)                   \
	CVT_FROM_SI_KERNEL(name##_64, #name "q", uint64_t, dst, SSE_FMT_I64 | 1)                   \
	void op_##name(struct cpu *c, const struct insn *i)                                        \
	{                                                                                          \
		cvt_from_gpr(c, i, k_##name##_32, k_##name##_64);                                  \
	}

CVT_FROM_GPR(cvtsi2ss, SSE_FMT_SS)
CVT_FROM_GPR(cvtsi2sd, SSE_FMT_SD)
