/* Operand access shared by the SSE, SSE2 and MMX handlers. */
#ifndef HEXVM_INTERP_SSE_H
#define HEXVM_INTERP_SSE_H

#include "cpu/mxcsr.h"
#include "interp/operand.h"
#include "interp/spec.h"
#include "interp/x87.h"

/* ---- XMM operands ---- */

#if MXCSR_HOST_SSE
typedef long long sse_host_vec __attribute__((vector_size(16)));
#endif

/* Legacy SSE instructions fault (#GP) on a 16-byte memory operand that is not
 * 16-byte aligned, except the explicitly unaligned moves. */
static ALWAYS_INLINE uint64_t sse_ea_aligned(struct cpu *c, const struct insn *i)
{
	uint64_t a = mem_ea(c, i);
	if (unlikely(a & 15))
		cpu_gp(c);
	return a;
}

/* The W operand (XMM register or aligned m128). */
static ALWAYS_INLINE void sse_get_W(struct cpu *c, const struct insn *i, xmm_t *v)
{
	if (i->mod == 3)
		*v = c->xmm[i->rm];
	else
		mem_read(c, sse_ea_aligned(c, i), v, 16);
}

/* *v = the n bytes (at most 16) at host address p, zero-extended. The
 * common 4 and 8 are built as one 16-byte value, so that reading *v whole
 * does not wait on two narrower stores. */
static ALWAYS_INLINE void sse_load_zext(xmm_t *v, const void *p, unsigned n)
{
	uint64_t lo;
	if (n == 16) {
		memcpy(v, p, 16);
		return;
	}
	if (n != 4 && n != 8) {
		*v = (xmm_t){{0}};
		memcpy(v, p, n);
		return;
	}
	if (n == 4) {
		uint32_t lo32;
		memcpy(&lo32, p, 4);
		lo = lo32;
	} else {
		memcpy(&lo, p, 8);
	}
#if MXCSR_HOST_SSE
	sse_host_vec whole = {(long long)lo, 0};
	memcpy(v, &whole, 16);
#else
	*v = (xmm_t){.q = {lo, 0}};
#endif
}

/* The W operand of an instruction that reads only its low `n` bytes from
 * memory (scalars, m64 forms, n = 16 for the unaligned moves). A register
 * is taken whole; a memory operand is zero-extended. */
static ALWAYS_INLINE void sse_get_W_low(struct cpu *c, const struct insn *i, xmm_t *v, unsigned n)
{
	if (i->mod == 3)
		*v = c->xmm[i->rm];
	else
		sse_load_zext(v, mem_rptr(c, mem_ea(c, i)), n);
}

/* The W operand as `n` bytes: 16 means an aligned m128, less a narrower
 * memory operand. */
static ALWAYS_INLINE void sse_get_W_sized(struct cpu *c, const struct insn *i, xmm_t *v, unsigned n)
{
	if (n == 16)
		sse_get_W(c, i, v);
	else
		sse_get_W_low(c, i, v, n);
}

/* ---- writes of part of a register ----
 * Each stores the whole register: the instructions that follow read
 * registers whole, and a 16-byte load of what a narrower store has just
 * written waits for that store to reach the cache (some 15 cycles). */

/* XMM(r) = {v, 0} */
static ALWAYS_INLINE void sse_set_zext(struct cpu *c, unsigned r, uint64_t v)
{
#if MXCSR_HOST_SSE
	sse_host_vec x = {(long long)v, 0};
	memcpy(&c->xmm[r], &x, 16);
#else
	c->xmm[r] = (xmm_t){.q = {v, 0}};
#endif
}

/* 64-bit lane `lane` (0 or 1) of XMM(r) = v */
static ALWAYS_INLINE void sse_set_q(struct cpu *c, unsigned r, unsigned lane, uint64_t v)
{
#if MXCSR_HOST_SSE
	sse_host_vec x;
	memcpy(&x, &c->xmm[r], 16);
	x[lane] = (long long)v;
	memcpy(&c->xmm[r], &x, 16);
#else
	c->xmm[r].q[lane] = v;
#endif
}

/* the low 32 bits of XMM(r) = v */
static ALWAYS_INLINE void sse_set_d0(struct cpu *c, unsigned r, uint32_t v)
{
#if MXCSR_HOST_SSE
	typedef int sse_host_vec4 __attribute__((vector_size(16)));
	sse_host_vec4 x;
	memcpy(&x, &c->xmm[r], 16);
	x[0] = (int)v;
	memcpy(&c->xmm[r], &x, 16);
#else
	c->xmm[r].d[0] = v;
#endif
}

/* ---- the W operand in a form known at decode time (interp/spec.h) ---- */

/* 16 bytes: an XMM register, or an m128 that must be aligned unless
 * `unaligned` (the explicitly unaligned moves). */
static ALWAYS_INLINE void sse_W16(struct cpu *c, const struct insn *i, xmm_t *v, int form,
				  int unaligned)
{
	if (form == FORM_REG) {
		*v = c->xmm[i->rm];
		return;
	}
	uint64_t a = form_ea(c, i, form);
	if (!unaligned && unlikely(a & 15))
		cpu_gp(c);
	memcpy(v, form_rptr(c, a, form), 16);
}

/* A scalar W operand of n bytes (4 or 8): a register is taken whole,
 * memory zero-extended. */
static ALWAYS_INLINE void sse_W_scalar(struct cpu *c, const struct insn *i, xmm_t *v, unsigned n,
				       int form)
{
	if (form == FORM_REG)
		*v = c->xmm[i->rm];
	else
		sse_load_zext(v, form_rptr(c, form_ea(c, i, form), form), n);
}

/* The W operand as `n` bytes: 16 means an aligned m128, less a scalar. */
static ALWAYS_INLINE void sse_W_form(struct cpu *c, const struct insn *i, xmm_t *v, unsigned n,
				     int form)
{
	if (n == 16)
		sse_W16(c, i, v, form, 0);
	else
		sse_W_scalar(c, i, v, n, form);
}

/* MASKMOVQ/MASKMOVDQU: stores the bytes of data[0..n) whose mask byte has
 * its top bit set at DS:rDI (segment overridable), all or none of them. */
void sse_masked_store(struct cpu *c, const struct insn *i, const uint8_t *data, const uint8_t *mask,
		      unsigned n);

/* ---- MMX operands ----
 * The eight MMX registers are the significands of the x87 physical registers
 * (mm0 is physical register 0, whatever TOP is). REX does not extend them. */

static ALWAYS_INLINE uint64_t mmx_get(const struct cpu *c, unsigned n)
{
	return c->fpu.st[n & 7].raw.mant;
}

/* Every MMX instruction first delivers a pending unmasked x87 exception
 * (x87_wait, before anything else), and sets TOP to 0; all but EMMS then
 * tag every register valid. */
static ALWAYS_INLINE void mmx_enter(struct cpu *c)
{
	c->fpu.top = 0;
	c->fpu.ftw = 0;
}

/* Writing an MMX register also sets its x87 sign and exponent to all ones
 * (a NaN or infinity to x87 code). */
static ALWAYS_INLINE void mmx_set(struct cpu *c, unsigned n, uint64_t v)
{
	c->fpu.st[n & 7].raw.mant = v;
	c->fpu.st[n & 7].raw.sexp = 0xffff;
}

/* The Q operand: MMX register or m64. */
static ALWAYS_INLINE uint64_t mmx_get_Q(struct cpu *c, const struct insn *i)
{
	return i->mod == 3 ? mmx_get(c, i->rm) : mem_ld64(c, mem_ea(c, i));
}

/* ---- saturation to a narrower integer ---- */

static inline int8_t sat_s8(int32_t v)
{
	return (int8_t)(v < INT8_MIN ? INT8_MIN : v > INT8_MAX ? INT8_MAX : v);
}

static inline int16_t sat_s16(int32_t v)
{
	return (int16_t)(v < INT16_MIN ? INT16_MIN : v > INT16_MAX ? INT16_MAX : v);
}

static inline uint8_t sat_u8(int32_t v)
{
	return (uint8_t)(v < 0 ? 0 : v > UINT8_MAX ? UINT8_MAX : v);
}

static inline uint16_t sat_u16(int32_t v)
{
	return (uint16_t)(v < 0 ? 0 : v > UINT16_MAX ? UINT16_MAX : v);
}

/* ---- packed integer operations, shared by the MMX and XMM forms ---- */

/* d = op(d, s) on the low `n` bytes: 8 for MMX, 16 for XMM. */
typedef void pint_fn(xmm_t *d, const xmm_t *s, unsigned n);

/* XMM(reg) = f(XMM(reg), W), W in form `form` (interp/spec.h). */
static ALWAYS_INLINE void pint_xmm_form(struct cpu *c, const struct insn *i, pint_fn *f, int form)
{
	xmm_t s;
	sse_W16(c, i, &s, form, 0);
	f(&c->xmm[i->reg], &s, 16);
}

/* MMX(reg) = f(MMX(reg), Q), reading `n` bytes (4 or 8) of a memory Q. */
static ALWAYS_INLINE void pint_mmx_sized(struct cpu *c, const struct insn *i, pint_fn *f,
					 unsigned n)
{
	xmm_t d = {{0}}, s = {{0}};
	x87_wait(c, i);
	if (i->mod == 3)
		s.q[0] = mmx_get(c, i->rm);
	else
		s.q[0] = mem_ld(c, mem_ea(c, i), n == 8 ? OSZ_64 : OSZ_32);
	d.q[0] = mmx_get(c, i->reg);
	f(&d, &s, 8);
	mmx_enter(c);
	mmx_set(c, i->reg, d.q[0]);
}

static ALWAYS_INLINE void pint_mmx(struct cpu *c, const struct insn *i, pint_fn *f)
{
	pint_mmx_sized(c, i, f, 8);
}

/* NAME_lanes, a pint_fn: lane-wise d = expr, where `a` is a lane of d and
 * `b` the same lane of s, both of type T (union member `m` of xmm_t). */
#define PINT_LANEWISE(name, T, m, expr)                                                            \
	static void name##_lanes(xmm_t *d, const xmm_t *s, unsigned n)                             \
	{                                                                                          \
		for (unsigned k = 0; k < n / sizeof(T); k++) {                                     \
			T a = d->m[k], b = s->m[k];                                                \
			d->m[k] = (T)(expr);                                                       \
		}                                                                                  \
	}

/* op_NAME (XMM) from NAME_lanes, a pint_fn, with an instance per form of
 * W and chained twins (rows marked spec,chain); PINT_HANDLERS adds
 * op_NAME_mmx. */
#define PINT_XMM_HANDLER(name)                                                                     \
	static ALWAYS_INLINE void name##_xmm_body(struct cpu *c, const struct insn *i, int form)   \
	{                                                                                          \
		pint_xmm_form(c, i, name##_lanes, form);                                           \
	}                                                                                          \
	SPEC_E(name, name##_xmm_body)
#define PINT_HANDLERS(name)                                                                        \
	PINT_XMM_HANDLER(name)                                                                     \
	void op_##name##_mmx(struct cpu *c, const struct insn *i) { pint_mmx(c, i, name##_lanes); }

/* ---- floating point ---- */

/* A floating-point kernel: computes *d from *d and *s as one host SSE
 * instruction would under MXCSR `ctl` (see mxcsr_run_control) and returns
 * the exception flags raised. */
typedef uint32_t sse_fp_kernel(xmm_t *d, const xmm_t *s, uint32_t ctl);

/* A lane format: SSE_FMT_F32 or SSE_FMT_F64 with a lane count (the low
 * lanes of a register). */
#define SSE_FMT_F32	   0x10u
#define SSE_FMT_F64	   0x20u
#define SSE_FMT_LANES(fmt) ((fmt)&0xfu)
#define SSE_FMT_PS	   (SSE_FMT_F32 | 4)
#define SSE_FMT_SS	   (SSE_FMT_F32 | 1)
#define SSE_FMT_PD	   (SSE_FMT_F64 | 2)
#define SSE_FMT_SD	   (SSE_FMT_F64 | 1)

/* MXCSR_UE when one of the `fmt` lanes of r is a nonzero denormal. */
uint32_t sse_tiny_result(const xmm_t *r, unsigned fmt);

/* Accounts for the flags of a computed result `r` before it is written;
 * `tiny` is the lane format of the result if it can underflow, else 0.
 * Masked, underflow is only flagged for an inexact tiny result, and that is
 * all the host reports; unmasked, the hardware traps on any tiny result, so
 * an exact one (a denormal result) is looked for here. */
static ALWAYS_INLINE void sse_fp_commit(struct cpu *c, const struct insn *i, uint32_t raised,
					const xmm_t *r, unsigned tiny)
{
	if (unlikely(!(c->mxcsr & MXCSR_UM)) && tiny)
		raised |= sse_tiny_result(r, tiny);
	mxcsr_update(c, i, raised);
}

/* XMM(reg) = kernel(XMM(reg), W) with a W operand of `n` bytes in form
 * `form` (interp/spec.h). */
static ALWAYS_INLINE void sse_fp_op_form(struct cpu *c, const struct insn *i, sse_fp_kernel *k,
					 unsigned n, unsigned tiny, int form)
{
	xmm_t s, d = c->xmm[i->reg];
	sse_W_form(c, i, &s, n, form);
	uint32_t raised = k(&d, &s, mxcsr_ctl(c));
	sse_fp_commit(c, i, raised, &d, tiny);
	c->xmm[i->reg] = d;
}

/* As sse_fp_op_form, the form found at run time. */
static ALWAYS_INLINE void sse_fp_op(struct cpu *c, const struct insn *i, sse_fp_kernel *k,
				    unsigned n, unsigned tiny)
{
	xmm_t s, d = c->xmm[i->reg];
	sse_get_W_sized(c, i, &s, n);
	uint32_t raised = k(&d, &s, mxcsr_ctl(c));
	sse_fp_commit(c, i, raised, &d, tiny);
	c->xmm[i->reg] = d;
}

#if MXCSR_HOST_SSE

/* Runs "insn %[s], %[d]" on the host with d and s in XMM registers. */
#define SSE_HOST_OP(insn, d, s, ctl)                                                               \
	do {                                                                                       \
		sse_host_vec hd_, hs_;                                                             \
		memcpy(&hd_, (d), 16);                                                             \
		memcpy(&hs_, (s), 16);                                                             \
		MXCSR_HOST_RUN(ctl, insn " %[s], %[d]", [d] "+x"(hd_) : [s] "x"(hs_));             \
		memcpy((d), &hd_, 16);                                                             \
	} while (0)

/* Defines kernel k_NAME running host instruction `insn`. */
#define SSE_HOST_KERNEL(name, insn)                                                                \
	static uint32_t k_##name(xmm_t *d, const xmm_t *s, uint32_t ctl)                           \
	{                                                                                          \
		SSE_HOST_OP(insn, d, s, ctl);                                                      \
		return ctl & MXCSR_FLAGS;                                                          \
	}
#endif

#endif
