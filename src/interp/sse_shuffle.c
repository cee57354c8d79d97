/* MMX, SSE, SSE2 and SSE3 data rearrangement: packs with saturation, unpacks
 * (interleaves), shuffles, the SSE3 duplicating moves, word insert/extract
 * and sign-mask extraction. */
#include "interp/sse.h"
#include "isa_handlers.h"

/* ---- packs: the lanes of d then those of s, each narrowed by `sat` ---- */

#define PACK(name, from, to, sat)                                                                  \
	static void name##_lanes(xmm_t *d, const xmm_t *s, unsigned n)                             \
	{                                                                                          \
		xmm_t r;                                                                           \
		unsigned half = n / sizeof(d->from[0]);                                            \
		for (unsigned k = 0; k < half; k++) {                                              \
			r.to[k] = sat(d->from[k]);                                                 \
			r.to[half + k] = sat(s->from[k]);                                          \
		}                                                                                  \
		memcpy(d, &r, n);                                                                  \
	}                                                                                          \
	PINT_HANDLERS(name)

PACK(packsswb, sw, sb, sat_s8)
PACK(packssdw, sd, sw, sat_s16)
PACK(packuswb, sw, b, sat_u8)

/* ---- unpacks: interleave the low (or high) halves of d and s ---- */

#define UNPACK_LANES(name, m, high)                                                                \
	static void name##_lanes(xmm_t *d, const xmm_t *s, unsigned n)                             \
	{                                                                                          \
		xmm_t r;                                                                           \
		unsigned half = n / sizeof(d->m[0]) / 2, base = (high) ? half : 0;                 \
		for (unsigned k = 0; k < half; k++) {                                              \
			r.m[2 * k] = d->m[base + k];                                               \
			r.m[2 * k + 1] = s->m[base + k];                                           \
		}                                                                                  \
		memcpy(d, &r, n);                                                                  \
	}

/* The MMX forms of the low unpacks read only 32 bits of memory. */
#define UNPACK_LOW(name, m)                                                                        \
	UNPACK_LANES(name, m, 0)                                                                   \
	PINT_XMM_HANDLER(name)                                                                     \
	void op_##name##_mmx(struct cpu *c, const struct insn *i)                                  \
	{                                                                                          \
		pint_mmx_sized(c, i, name##_lanes, 4);                                             \
	}

#define UNPACK_HIGH(name, m) UNPACK_LANES(name, m, 1) PINT_HANDLERS(name)

/* also UNPCKLPS (punpckldq), UNPCKLPD (punpcklqdq) and the high ones */
UNPACK_LOW(punpcklbw, b)
UNPACK_LOW(punpcklwd, w)
UNPACK_LOW(punpckldq, d)
UNPACK_HIGH(punpckhbw, b)
UNPACK_HIGH(punpckhwd, w)
UNPACK_HIGH(punpckhdq, d)

/* SSE2 only: no MMX form */
static ALWAYS_INLINE void punpcklqdq_body(struct cpu *c, const struct insn *i, int form)
{
	xmm_t s;
	sse_W16(c, i, &s, form, 0);
	sse_set_q(c, i->reg, 1, s.q[0]);
}
SPEC_E(punpcklqdq, punpcklqdq_body)

static ALWAYS_INLINE void punpckhqdq_body(struct cpu *c, const struct insn *i, int form)
{
	xmm_t s;
	sse_W16(c, i, &s, form, 0);
	xmm_t r = {.q = {c->xmm[i->reg].q[1], s.q[1]}};
	c->xmm[i->reg] = r;
}
SPEC_E(punpckhqdq, punpckhqdq_body)

/* ---- shuffles: imm8 holds 2-bit (SHUFPD: 1-bit) source lane numbers ---- */

/* `count` words at w[first] take w[first + selector], from a copy of s */
static void shuffle_words(xmm_t *d, const xmm_t *s, unsigned first, unsigned count, unsigned imm)
{
	for (unsigned k = 0; k < count; k++)
		d->w[first + k] = s->w[first + ((imm >> (2 * k)) & 3)];
}

void op_pshufw(struct cpu *c, const struct insn *i)
{
	xmm_t s = {{0}}, r = {{0}};
	x87_wait(c, i);
	s.q[0] = mmx_get_Q(c, i);
	shuffle_words(&r, &s, 0, 4, (unsigned)i->imm);
	mmx_enter(c);
	mmx_set(c, i->reg, r.q[0]);
}

void op_pshufd(struct cpu *c, const struct insn *i)
{
	xmm_t s, r;
	sse_get_W(c, i, &s);
	for (unsigned k = 0; k < 4; k++)
		r.d[k] = s.d[(i->imm >> (2 * k)) & 3];
	c->xmm[i->reg] = r;
}

void op_pshuflw(struct cpu *c, const struct insn *i)
{
	xmm_t s, r;
	sse_get_W(c, i, &s);
	r.q[1] = s.q[1];
	shuffle_words(&r, &s, 0, 4, (unsigned)i->imm);
	c->xmm[i->reg] = r;
}

void op_pshufhw(struct cpu *c, const struct insn *i)
{
	xmm_t s, r;
	sse_get_W(c, i, &s);
	r.q[0] = s.q[0];
	shuffle_words(&r, &s, 4, 4, (unsigned)i->imm);
	c->xmm[i->reg] = r;
}

/* SHUFPS: the low two lanes come from the destination, the high two from
 * the source. */
void op_shufps(struct cpu *c, const struct insn *i)
{
	xmm_t s, r;
	const xmm_t *d = &c->xmm[i->reg];
	unsigned imm = (unsigned)i->imm;
	sse_get_W(c, i, &s);
	r.d[0] = d->d[imm & 3];
	r.d[1] = d->d[(imm >> 2) & 3];
	r.d[2] = s.d[(imm >> 4) & 3];
	r.d[3] = s.d[(imm >> 6) & 3];
	c->xmm[i->reg] = r;
}

void op_shufpd(struct cpu *c, const struct insn *i)
{
	xmm_t s, r;
	const xmm_t *d = &c->xmm[i->reg];
	sse_get_W(c, i, &s);
	r.q[0] = d->q[i->imm & 1];
	r.q[1] = s.q[(i->imm >> 1) & 1];
	c->xmm[i->reg] = r;
}

/* ---- SSE3 duplicating moves ---- */

/* MOVDDUP: the low quadword twice; its memory operand is an m64 (no
 * alignment check) */
void op_movddup(struct cpu *c, const struct insn *i)
{
	xmm_t s;
	sse_get_W_low(c, i, &s, 8);
	c->xmm[i->reg] = (xmm_t){.q = {s.q[0], s.q[0]}};
}

/* MOVSLDUP: the even dwords, each twice */
void op_movsldup(struct cpu *c, const struct insn *i)
{
	xmm_t s;
	sse_get_W(c, i, &s);
	c->xmm[i->reg] = (xmm_t){.d = {s.d[0], s.d[0], s.d[2], s.d[2]}};
}

/* MOVSHDUP: the odd dwords, each twice */
void op_movshdup(struct cpu *c, const struct insn *i)
{
	xmm_t s;
	sse_get_W(c, i, &s);
	c->xmm[i->reg] = (xmm_t){.d = {s.d[1], s.d[1], s.d[3], s.d[3]}};
}

/* ---- PINSRW/PEXTRW: imm8 picks the word (mod 4 for MMX, 8 for XMM) ---- */

/* The low word of a general register or a 16-bit memory operand. */
static uint16_t insert_source(struct cpu *c, const struct insn *i)
{
	return (uint16_t)(i->mod == 3 ? c->r[i->rm] : mem_ld16(c, mem_ea(c, i)));
}

void op_pinsrw(struct cpu *c, const struct insn *i)
{
	uint16_t v = insert_source(c, i);
	c->xmm[i->reg].w[i->imm & 7] = v;
}

void op_pinsrw_mmx(struct cpu *c, const struct insn *i)
{
	xmm_t r = {{0}};
	x87_wait(c, i);
	uint16_t v = insert_source(c, i);
	r.q[0] = mmx_get(c, i->reg);
	r.w[i->imm & 3] = v;
	mmx_enter(c);
	mmx_set(c, i->reg, r.q[0]);
}

void op_pextrw(struct cpu *c, const struct insn *i)
{
	gpr_set(c, i->reg, OSZ_32, c->xmm[i->rm].w[i->imm & 7]);
}

void op_pextrw_mmx(struct cpu *c, const struct insn *i)
{
	xmm_t s = {{0}};
	x87_wait(c, i);
	s.q[0] = mmx_get(c, i->rm);
	mmx_enter(c);
	gpr_set(c, i->reg, OSZ_32, s.w[i->imm & 3]);
}

/* ---- sign masks into a general register (zero-extended) ---- */

/* Bit k of the result is the top bit of byte k * stride + stride - 1. */
static uint32_t sign_mask(const xmm_t *v, unsigned bytes, unsigned stride)
{
	uint32_t mask = 0;
	for (unsigned k = 0; k < bytes / stride; k++)
		mask |= (uint32_t)(v->b[k * stride + stride - 1] >> 7) << k;
	return mask;
}

void op_movmskps(struct cpu *c, const struct insn *i)
{
	gpr_set(c, i->reg, OSZ_32, sign_mask(&c->xmm[i->rm], 16, 4));
}

void op_movmskpd(struct cpu *c, const struct insn *i)
{
	gpr_set(c, i->reg, OSZ_32, sign_mask(&c->xmm[i->rm], 16, 8));
}

/* The top bits of the eight bytes of q: each moved to bit 0 of its byte,
 * then the multiply adds byte k's into bit 56 + k, and nothing else there. */
static ALWAYS_INLINE uint32_t byte_signs(uint64_t q)
{
	return (uint32_t)((((q >> 7) & 0x0101010101010101ull) * 0x0102040810204080ull) >> 56);
}

/* glibc's string functions run PMOVMSKB in their inner loops: on an x86-64
 * host (SSE2 always there) it is the host's own instruction. */
static ALWAYS_INLINE void pmovmskb_body(struct cpu *c, const struct insn *i)
{
#if MXCSR_HOST_SSE
	typedef char bytes16 __attribute__((vector_size(16)));
	bytes16 v;
	memcpy(&v, &c->xmm[i->rm], 16);
	gpr_set(c, i->reg, OSZ_32, (uint32_t)__builtin_ia32_pmovmskb128(v));
#else
	const xmm_t *v = &c->xmm[i->rm];
	gpr_set(c, i->reg, OSZ_32, byte_signs(v->q[0]) | byte_signs(v->q[1]) << 8);
#endif
}
CHAINED(pmovmskb, pmovmskb_body)

void op_pmovmskb_mmx(struct cpu *c, const struct insn *i)
{
	xmm_t s = {{0}};
	x87_wait(c, i);
	s.q[0] = mmx_get(c, i->rm);
	mmx_enter(c);
	gpr_set(c, i->reg, OSZ_32, sign_mask(&s, 8, 1));
}
