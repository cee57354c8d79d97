/* Shared by the SSE guest tests: a 16-byte vector; the macros that define
 * an XMM operation d = op(d, s) run under MXCSR *csr (which returns the
 * MXCSR after it), in register form (xmm1 source) and memory form; and the
 * macros that define a packed integer operation d = op(d, s) in its XMM and
 * MMX forms, register and memory operands. */
#ifndef SSE_UTIL_H
#define SSE_UTIL_H

#include <stdint.h>

typedef union {
	uint32_t d[4]; /* first: brace initializers fill dwords */
	uint64_t q[2];
	uint8_t b[16];
} __attribute__((aligned(16))) V;

typedef void xop(V *d, const V *s, uint32_t *csr);

#define XOP_R(name, insn)                                                               \
	static void name(V *d, const V *s, uint32_t *csr)                               \
	{                                                                               \
		__asm__ volatile("ldmxcsr %1\n\tmovups %0, %%xmm0\n\tmovups %2, %%xmm1\n\t" \
				 insn " %%xmm1, %%xmm0\n\t"                             \
				 "movups %%xmm0, %0\n\tstmxcsr %1"                      \
				 : "+m"(*d), "+m"(*csr)                                 \
				 : "m"(*s)                                              \
				 : "xmm0", "xmm1");                                     \
	}
#define XOP_M(name, insn)                                                               \
	static void name(V *d, const V *s, uint32_t *csr)                               \
	{                                                                               \
		__asm__ volatile("ldmxcsr %1\n\tmovups %0, %%xmm0\n\t" insn " %2, %%xmm0\n\t" \
				 "movups %%xmm0, %0\n\tstmxcsr %1"                      \
				 : "+m"(*d), "+m"(*csr)                                 \
				 : "m"(*s)                                              \
				 : "xmm0");                                             \
	}

/* Packed integer operations d = op(d, s): XI_* on the full XMM registers
 * (xmm1 or memory source), MI_* on the low quadwords through mm2 and mm6
 * (mm6 or memory source, EMMS after). */
typedef void iop(V *d, const V *s);

#define XI_R(name, insn)                                                                \
	static void name(V *d, const V *s)                                              \
	{                                                                               \
		__asm__ volatile("movdqu %0, %%xmm0\n\tmovdqu %1, %%xmm1\n\t" insn          \
				 " %%xmm1, %%xmm0\n\tmovdqu %%xmm0, %0"                 \
				 : "+m"(*d)                                             \
				 : "m"(*s)                                              \
				 : "xmm0", "xmm1");                                     \
	}
#define XI_M(name, insn)                                                                \
	static void name(V *d, const V *s)                                              \
	{                                                                               \
		__asm__ volatile("movdqu %0, %%xmm0\n\t" insn " %1, %%xmm0\n\tmovdqu %%xmm0, %0" \
				 : "+m"(*d)                                             \
				 : "m"(*s)                                              \
				 : "xmm0");                                             \
	}
/* MMX: the low quadwords, through mm2 and mm6 */
#define MI_R(name, insn)                                                                \
	static void name(V *d, const V *s)                                              \
	{                                                                               \
		__asm__ volatile("movq %0, %%mm2\n\tmovq %1, %%mm6\n\t" insn                \
				 " %%mm6, %%mm2\n\tmovq %%mm2, %0\n\temms"              \
				 : "+m"(d->q[0])                                        \
				 : "m"(s->q[0])                                         \
				 : "mm2", "mm6");                                       \
	}
#define MI_M(name, insn)                                                                \
	static void name(V *d, const V *s)                                              \
	{                                                                               \
		__asm__ volatile("movq %0, %%mm2\n\t" insn " %1, %%mm2\n\tmovq %%mm2, %0\n\temms" \
				 : "+m"(d->q[0])                                        \
				 : "m"(s->q[0])                                         \
				 : "mm2");                                              \
	}
/* all four forms of an instruction that has MMX and XMM versions:
 * op_xr, op_xm, op_mr, op_mm */
#define IOP_FORMS(op) XI_R(op##_xr, #op) XI_M(op##_xm, #op) MI_R(op##_mr, #op) MI_M(op##_mm, #op)

#endif
