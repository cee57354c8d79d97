/* Shared by the SSE guest tests: a 16-byte vector and the macros that
 * define an XMM operation d = op(d, s) run under MXCSR *csr (which returns
 * the MXCSR after it), in register form (xmm1 source) and memory form. */
#ifndef SSE_UTIL_H
#define SSE_UTIL_H

#include <stdint.h>

typedef union {
	uint32_t d[4];
	uint64_t q[2];
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

#endif
