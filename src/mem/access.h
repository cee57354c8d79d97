/* The guest memory fast path used by instruction handlers: guest address `a`
 * lives at host address mem + a. Protections are enforced by the host MMU on
 * the window (a host fault there becomes a guest SIGSEGV); the only software
 * checks are the window limit and, for stores, whether the page holds decoded
 * code that the store must invalidate. */
#ifndef HEXVM_MEM_ACCESS_H
#define HEXVM_MEM_ACCESS_H

#include <string.h>

#include "base/compiler.h"
#include "cpu/cpu.h"
#include "decode/insn.h"

#define GUEST_PAGE_SHIFT 12
#define GUEST_PAGE_SIZE	 4096u

_Noreturn void mem_fault_outside(struct cpu *c, uint64_t a);
void mem_smc_store(struct cpu *c, uint64_t a, unsigned n);

/* mem_smc_store for the store fast paths: on x86-64 ELF hosts a call that
 * clobbers nothing (mem/smc_call.c), so that handlers keep no registers
 * across it; elsewhere the plain call. */
#if defined(__x86_64__) && defined(__ELF__) && defined(__GNUC__)
#define MEM_SMC_STUB 1
static ALWAYS_INLINE void mem_smc_call(struct cpu *c, uint64_t a, unsigned n)
{
	/* the stub's own pushes must not land in the caller's red zone */
	__asm__ volatile("lea -128(%%rsp), %%rsp\n\t"
			 "call mem_smc_stub\n\t"
			 "lea 128(%%rsp), %%rsp"
			 :
			 : "D"(c), "S"(a), "d"(n)
			 : "memory");
}
#else
#define MEM_SMC_STUB 0
static ALWAYS_INLINE void mem_smc_call(struct cpu *c, uint64_t a, unsigned n)
{
	mem_smc_store(c, a, n);
}
#endif

/* Effective (linear) address of the memory operand of `i`. */
static ALWAYS_INLINE uint64_t mem_ea(const struct cpu *c, const struct insn *i)
{
	uint64_t a = c->r[i->base] + (c->r[i->index] << i->scale) + i->disp;
	if (i->asz == OSZ_32)
		a = (uint32_t)a;
	else if (i->asz == OSZ_16)
		a = (uint16_t)a;
	a += c->seg_base[i->seg];
	return c->mode64 ? a : (uint32_t)a;
}

/* Host pointer for reading n bytes at guest address a. */
static ALWAYS_INLINE void *mem_rptr(struct cpu *c, uint64_t a)
{
	if (unlikely(a >= c->mem_limit))
		mem_fault_outside(c, a);
	return c->mem + a;
}

/* Host pointer for writing n bytes (at most a page) at guest address a.
 * The first page's code_pages byte covers the next page too. */
static ALWAYS_INLINE void *mem_wptr(struct cpu *c, uint64_t a, unsigned n)
{
	if (unlikely(a >= c->mem_limit))
		mem_fault_outside(c, a);
	if (unlikely(c->code_pages[a >> GUEST_PAGE_SHIFT]))
		mem_smc_call(c, a, n);
	return c->mem + a;
}

static ALWAYS_INLINE uint8_t mem_ld8(struct cpu *c, uint64_t a)
{
	return *(const uint8_t *)mem_rptr(c, a);
}
static ALWAYS_INLINE uint16_t mem_ld16(struct cpu *c, uint64_t a)
{
	uint16_t v;
	memcpy(&v, mem_rptr(c, a), 2);
	return v;
}
static ALWAYS_INLINE uint32_t mem_ld32(struct cpu *c, uint64_t a)
{
	uint32_t v;
	memcpy(&v, mem_rptr(c, a), 4);
	return v;
}
static ALWAYS_INLINE uint64_t mem_ld64(struct cpu *c, uint64_t a)
{
	uint64_t v;
	memcpy(&v, mem_rptr(c, a), 8);
	return v;
}
static ALWAYS_INLINE void mem_st8(struct cpu *c, uint64_t a, uint8_t v)
{
	*(uint8_t *)mem_wptr(c, a, 1) = v;
}
static ALWAYS_INLINE void mem_st16(struct cpu *c, uint64_t a, uint16_t v)
{
	memcpy(mem_wptr(c, a, 2), &v, 2);
}
static ALWAYS_INLINE void mem_st32(struct cpu *c, uint64_t a, uint32_t v)
{
	memcpy(mem_wptr(c, a, 4), &v, 4);
}
static ALWAYS_INLINE void mem_st64(struct cpu *c, uint64_t a, uint64_t v)
{
	memcpy(mem_wptr(c, a, 8), &v, 8);
}
/* Loads and stores at an address known to be inside the window: no limit
 * check (interp/spec.h's FORM_32). */
static ALWAYS_INLINE uint64_t mem_ld_inside(struct cpu *c, uint64_t a, unsigned osz)
{
	const uint8_t *p = c->mem + a;
	uint8_t v8;
	uint16_t v16;
	uint32_t v32;
	uint64_t v64;
	switch (osz) {
	case OSZ_8: memcpy(&v8, p, 1); return v8;
	case OSZ_16: memcpy(&v16, p, 2); return v16;
	case OSZ_32: memcpy(&v32, p, 4); return v32;
	default: memcpy(&v64, p, 8); return v64;
	}
}

static ALWAYS_INLINE void mem_st_inside(struct cpu *c, uint64_t a, unsigned osz, uint64_t v)
{
	unsigned n = 1u << osz;
	if (unlikely(c->code_pages[a >> GUEST_PAGE_SHIFT]))
		mem_smc_call(c, a, n);
	uint8_t v8 = (uint8_t)v;
	uint16_t v16 = (uint16_t)v;
	uint32_t v32 = (uint32_t)v;
	switch (osz) {
	case OSZ_8: memcpy(c->mem + a, &v8, 1); break;
	case OSZ_16: memcpy(c->mem + a, &v16, 2); break;
	case OSZ_32: memcpy(c->mem + a, &v32, 4); break;
	default: memcpy(c->mem + a, &v, 8); break;
	}
}

/* n-byte block moves (x87 80-bit, SSE 128-bit, FXSAVE areas) */
static ALWAYS_INLINE void mem_read(struct cpu *c, uint64_t a, void *dst, unsigned n)
{
	memcpy(dst, mem_rptr(c, a), n);
}
static ALWAYS_INLINE void mem_write(struct cpu *c, uint64_t a, const void *src, unsigned n)
{
	memcpy(mem_wptr(c, a, n), src, n);
}

/* Loads and stores of operand size osz (OSZ_*). */
static ALWAYS_INLINE uint64_t mem_ld(struct cpu *c, uint64_t a, unsigned osz)
{
	switch (osz) {
	case OSZ_8: return mem_ld8(c, a);
	case OSZ_16: return mem_ld16(c, a);
	case OSZ_32: return mem_ld32(c, a);
	default: return mem_ld64(c, a);
	}
}
static ALWAYS_INLINE void mem_st(struct cpu *c, uint64_t a, unsigned osz, uint64_t v)
{
	switch (osz) {
	case OSZ_8: mem_st8(c, a, (uint8_t)v); break;
	case OSZ_16: mem_st16(c, a, (uint16_t)v); break;
	case OSZ_32: mem_st32(c, a, (uint32_t)v); break;
	default: mem_st64(c, a, v); break;
	}
}

#endif
