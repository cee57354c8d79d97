/* The portable SSE floating point, for hosts without the host path (see
 * cpu/mxcsr.h): C arithmetic per lane with x86's rules for NaNs, DAZ, FTZ,
 * the denormal-operand flag and integer conversions layered on top. It is
 * close but not bit-exact: tininess and inexactness come from the host's C
 * arithmetic, and RCP/RSQRT are correctly rounded rather than Intel's tables.
 * Lane formats are SSE_FMT_* (interp/sse.h). */
#ifndef HEXVM_INTERP_SSE_SOFT_H
#define HEXVM_INTERP_SSE_SOFT_H

#include "interp/sse.h"

#if !MXCSR_HOST_SSE
enum soft_op {
	SOFT_ADD,
	SOFT_SUB,
	SOFT_MUL,
	SOFT_DIV,
	SOFT_MIN,
	SOFT_MAX,
	SOFT_SQRT,
	SOFT_RCP,
	SOFT_RSQRT
};

/* d = d op s on the lanes of `fmt`; the other lanes of d are kept. */
uint32_t soft_arith(xmm_t *d, const xmm_t *s, uint32_t ctl, enum soft_op op, unsigned fmt);
/* CMPccPS and friends: predicate `pred` (0..7) gives all-ones or zero lanes. */
uint32_t soft_cmp(xmm_t *d, const xmm_t *s, uint32_t ctl, unsigned pred, unsigned fmt);
/* (U)COMIS: *efl gets ZF, PF and CF. */
uint32_t soft_comi(const xmm_t *a, const xmm_t *b, uint32_t ctl, int signaling, unsigned fmt,
		   uint32_t *efl);

/* Conversions. `src` and `dst` are lane formats, or SSE_FMT_I32/I64 for
 * integers; lanes beyond the source's count are zeroed in d for the packed
 * forms (`merge` 0) or kept (scalar forms, `merge` 1). */
#define SSE_FMT_I32 0x40u
#define SSE_FMT_I64 0x80u
uint32_t soft_cvt(xmm_t *d, const xmm_t *s, uint32_t ctl, unsigned dst, unsigned src, int truncate,
		  int merge);
#endif

/* Kernel k_NAME: host instruction `insn`, or portable operation `soft` on
 * lanes `fmt`. */
#if MXCSR_HOST_SSE
#define FP_KERNEL(name, insn, soft, fmt) SSE_HOST_KERNEL(name, insn)
#else
#define FP_KERNEL(name, insn, soft, fmt)                                                           \
	static uint32_t k_##name(xmm_t *d, const xmm_t *s, uint32_t ctl)                           \
	{                                                                                          \
		return soft_arith(d, s, ctl, soft, fmt);                                           \
	}
#endif

#endif
