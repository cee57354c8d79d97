/* PCMPxSTRx on the host's own SSE4.2 unit, where it has one: glibc's string
 * functions run these in their inner loops, and the hardware answers in one
 * instruction what interp/sse42_string.c works out in dozens. The results,
 * flags included, are the hardware's by definition. */
#ifndef HEXVM_INTERP_SSE42_HOST_H
#define HEXVM_INTERP_SSE42_HOST_H

#include <stdint.h>

#include "cpu/cpu.h"

#if defined(__x86_64__) && defined(__GNUC__) && !defined(HEXVM_PORTABLE_FP)
#define SSE42_HOST 1
#else
#define SSE42_HOST 0
#endif

#if SSE42_HOST
typedef long long sse42_vec __attribute__((vector_size(16)));

/* The four instructions on V = a, W = b with control byte imm; the explicit
 * lengths la and lb are already the magnitudes, saturated (0..16). The
 * index forms return ECX in the high half and the arithmetic flags (EFLAGS
 * bits) in the low; the mask forms return XMM0 and set *flags. */
uint64_t sse42_host_istri(sse42_vec a, sse42_vec b, unsigned imm);
uint64_t sse42_host_estri(sse42_vec a, sse42_vec b, unsigned la, unsigned lb, unsigned imm);
sse42_vec sse42_host_istrm(sse42_vec a, sse42_vec b, unsigned imm, uint32_t *flags);
sse42_vec sse42_host_estrm(sse42_vec a, sse42_vec b, unsigned la, unsigned lb, unsigned imm,
			   uint32_t *flags);
#endif

#endif
