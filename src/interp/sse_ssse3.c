/* SSSE3 packed integer instructions (0F 38 00-0B, 1C-1E and 0F 3A 0F): byte
 * shuffle, horizontal add/subtract, absolute value, sign transfer, byte
 * alignment and the rounding and byte multiplies. Each has an MMX form
 * (op_NAME_mmx) and an XMM form (op_NAME). */
#include "host/hostcpu.h"
#include "interp/sse.h"
#include "isa_handlers.h"

/* PSHUFB: byte k takes the byte of d that s.b[k] selects (its low 3 bits for
 * MMX, 4 for XMM), or 0 when s.b[k] has its top bit set. */
static void pshufb_lanes(xmm_t *d, const xmm_t *s, unsigned n)
{
	xmm_t r;
	for (unsigned k = 0; k < n; k++)
		r.b[k] = s->b[k] & 0x80 ? 0 : d->b[s->b[k] & (n - 1)];
	memcpy(d, &r, n);
}
PINT_HANDLERS(pshufb)

/* Horizontal: the adjacent pairs of d, then those of s, each combined into
 * one lane by `expr` of `a` (the lower lane of the pair) and `b`, of type T
 * (union member m). */
#define HORIZONTAL(name, T, m, expr)                                                               \
	static void name##_lanes(xmm_t *d, const xmm_t *s, unsigned n)                             \
	{                                                                                          \
		xmm_t r;                                                                           \
		unsigned half = n / sizeof(T) / 2;                                                 \
		for (unsigned k = 0; k < 2 * half; k++) {                                          \
			const xmm_t *v = k < half ? d : s;                                         \
			T a = v->m[2 * (k % half)], b = v->m[2 * (k % half) + 1];                  \
			r.m[k] = (T)(expr);                                                        \
		}                                                                                  \
		memcpy(d, &r, n);                                                                  \
	}                                                                                          \
	PINT_HANDLERS(name)

HORIZONTAL(phaddw, uint16_t, w, a + b)
HORIZONTAL(phaddd, uint32_t, d, a + b)
HORIZONTAL(phaddsw, int16_t, sw, sat_s16(a + b))
HORIZONTAL(phsubw, uint16_t, w, a - b)
HORIZONTAL(phsubd, uint32_t, d, a - b)
HORIZONTAL(phsubsw, int16_t, sw, sat_s16(a - b))

/* Lane-wise d = expr, `a` being the lane of d and `b` that of s as signed
 * type S (member sm); the result is stored as unsigned type U (member um),
 * so that negating the most negative value wraps (to itself) as on the CPU. */
#define SIGNED_LANEWISE(name, S, sm, U, um, expr)                                                  \
	static void name##_lanes(xmm_t *d, const xmm_t *s, unsigned n)                             \
	{                                                                                          \
		for (unsigned k = 0; k < n / sizeof(S); k++) {                                     \
			S a = d->sm[k], b = s->sm[k];                                              \
			(void)a;                                                                   \
			d->um[k] = (U)(expr);                                                      \
		}                                                                                  \
	}                                                                                          \
	PINT_HANDLERS(name)

/* PABS: the destination's old value plays no part */
#define ABS(U, b) ((b) < 0 ? 0u - (U)(b) : (U)(b))
/* PSIGN: a negated, zeroed or kept as b is negative, zero or positive */
#define SIGN(U, a, b) ((b) < 0 ? 0u - (U)(a) : (b) == 0 ? 0u : (U)(a))

SIGNED_LANEWISE(pabsb, int8_t, sb, uint8_t, b, ABS(uint8_t, b))
SIGNED_LANEWISE(pabsw, int16_t, sw, uint16_t, w, ABS(uint16_t, b))
SIGNED_LANEWISE(pabsd, int32_t, sd, uint32_t, d, ABS(uint32_t, b))
SIGNED_LANEWISE(psignb, int8_t, sb, uint8_t, b, SIGN(uint8_t, a, b))
SIGNED_LANEWISE(psignw, int16_t, sw, uint16_t, w, SIGN(uint16_t, a, b))
SIGNED_LANEWISE(psignd, int32_t, sd, uint32_t, d, SIGN(uint32_t, a, b))

/* PMULHRSW: the product scaled to 17 bits, rounded, then its low 16 bits:
 * -32768 * -32768 gives 0x8000 (+1.0 wraps), as on the CPU. */
SIGNED_LANEWISE(pmulhrsw, int16_t, sw, uint16_t, w, (((int32_t)a * b >> 14) + 1) >> 1)

/* PMADDUBSW: each word is the saturated sum of two products of an unsigned
 * byte of d and the signed byte of s beside it. */
static void pmaddubsw_lanes(xmm_t *d, const xmm_t *s, unsigned n)
{
	for (unsigned k = 0; k < n / 2; k++) {
		int32_t lo = (int32_t)d->b[2 * k] * s->sb[2 * k];
		int32_t hi = (int32_t)d->b[2 * k + 1] * s->sb[2 * k + 1];
		d->sw[k] = sat_s16(lo + hi);
	}
}
PINT_HANDLERS(pmaddubsw)

/* PALIGNR: the low n bytes of the concatenation d:s (d the high half)
 * shifted right by `shift` bytes, zeros coming in from above. One copy out
 * of the concatenation: glibc's SSE4.2 strcmp runs this every 16 bytes. */
static void palignr_bytes(xmm_t *d, const xmm_t *s, unsigned n, unsigned shift)
{
	uint8_t cat[48] = {0};
	memcpy(cat, s, n);
	memcpy(cat + n, d, n);
	memcpy(d, cat + (shift < 2 * n ? shift : 2 * n), n);
}

/* The XMM form on 128-bit values: d:s is 256 bits, so a shift below 16
 * bytes takes from both halves, up to 32 from d alone. */
static ALWAYS_INLINE void palignr_c_body(struct cpu *c, const struct insn *i, int form)
{
	xmm_t s;
	unsigned __int128 lo, hi, r = 0;
	unsigned shift = (uint8_t)i->imm;
	sse_W16(c, i, &s, form, 0);
	memcpy(&lo, &s, 16);
	memcpy(&hi, &c->xmm[i->reg], 16);
	if (shift == 0)
		r = lo;
	else if (shift < 16)
		r = lo >> (8 * shift) | hi << (128 - 8 * shift);
	else if (shift < 32)
		r = hi >> (8 * (shift - 16));
#if MXCSR_HOST_SSE
	/* stored as one 16-byte value (the next instruction reads it whole) */
	sse_host_vec v = {(long long)(uint64_t)r, (long long)(uint64_t)(r >> 64)};
	memcpy(&c->xmm[i->reg], &v, 16);
#else
	memcpy(&c->xmm[i->reg], &r, 16);
#endif
}

#if MXCSR_HOST_SSE
/* glibc's memcpy and strcmp run PALIGNR in their inner loops: on a host
 * with SSSE3 it is the host's own instruction, its shift an immediate, so a
 * case per shift (above 31 every byte is zero). */
static sse_host_vec palignr_host(sse_host_vec d, sse_host_vec s, unsigned shift)
{
#define PALIGNR_CASE(n)                                                                            \
	case n:                                                                                    \
		__asm__("palignr %[imm], %[s], %[d]" : [d] "+x"(d) : [s] "x"(s), [imm] "i"(n));    \
		break;
#define PALIGNR_CASES4(n)                                                                          \
	PALIGNR_CASE(n) PALIGNR_CASE(n + 1) PALIGNR_CASE(n + 2) PALIGNR_CASE(n + 3)
	switch (shift) {
		PALIGNR_CASES4(0)
		PALIGNR_CASES4(4)
		PALIGNR_CASES4(8)
		PALIGNR_CASES4(12)
		PALIGNR_CASES4(16)
		PALIGNR_CASES4(20)
		PALIGNR_CASES4(24)
		PALIGNR_CASES4(28)
	default: d = (sse_host_vec){0, 0}; break;
	}
	return d;
}

static ALWAYS_INLINE void palignr_h_body(struct cpu *c, const struct insn *i, int form)
{
	xmm_t s;
	sse_host_vec hs, hd;
	sse_W16(c, i, &s, form, 0);
	memcpy(&hs, &s, 16);
	memcpy(&hd, &c->xmm[i->reg], 16);
	hd = palignr_host(hd, hs, (uint8_t)i->imm);
	memcpy(&c->xmm[i->reg], &hd, 16);
}

/* An instance per form of W and chained twins, of the C code (_c) and of
 * the host's instruction (_h); the choosers take the host's where it runs
 * SSSE3. */
SPEC_EACH_FORM(SPEC_FORM_INSTANCE, palignr_c, palignr_c_body, 0)
SPEC_EACH_FORM(SPEC_FORM_INSTANCE, palignr_h, palignr_h_body, 0)
#define PALIGNR_CHOOSER(fn, sfx)                                                                   \
	insn_fn *fn(const struct insn *i)                                                          \
	{                                                                                          \
		static insn_fn *const v[2][FORM_COUNT] = {SPEC_FORM_ROW(palignr_c, sfx),           \
							  SPEC_FORM_ROW(palignr_h, sfx)};          \
		return v[hostcpu_has(HOSTCPU_SSSE3) != 0][form_of(i)];                             \
	}
PALIGNR_CHOOSER(spec_palignr, )
PALIGNR_CHOOSER(chain_palignr, _chained)
void op_palignr(struct cpu *c, const struct insn *i) { palignr_c_body(c, i, form_of(i)); }
#else
SPEC_E(palignr, palignr_c_body)
#endif

void op_palignr_mmx(struct cpu *c, const struct insn *i)
{
	xmm_t d = {{0}}, s = {{0}};
	x87_wait(c, i);
	s.q[0] = mmx_get_Q(c, i);
	d.q[0] = mmx_get(c, i->reg);
	palignr_bytes(&d, &s, 8, (uint8_t)i->imm);
	mmx_enter(c);
	mmx_set(c, i->reg, d.q[0]);
}
