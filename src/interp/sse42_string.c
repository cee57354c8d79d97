/* SSE4.2 string compares: PCMPESTRI, PCMPESTRM, PCMPISTRI, PCMPISTRM.
 *
 * The set (or pattern) is V, the string is W. Each element is valid below
 * the string's length: explicit (|rAX| for V, |rDX| for W, saturated to the
 * element count) or implicit (up to the first zero element). The imm8
 * control byte picks the element format, the aggregation of the element
 * comparisons into one bit per string element (IntRes1), the polarity that
 * makes IntRes2 of it, and the output: ECX = the index of its lowest or
 * highest set bit, or XMM0 = the bits or a byte/word mask made of them.
 *
 * glibc's string functions run these in their inner loops, so the equality
 * tests work on whole quadwords, all elements at once. */
#include "interp/sse.h"
#include "host/hostcpu.h"
#include "interp/sse42_host.h"
#include "isa_handlers.h"

/* imm8[3:2] */
enum { AGG_EQUAL_ANY, AGG_RANGES, AGG_EQUAL_EACH, AGG_EQUAL_ORDERED };
/* imm8[5:4]; the masked positive polarity is the positive one */
enum { POL_POSITIVE, POL_NEGATIVE, POL_MASKED_NEGATIVE = 3 };

struct strings {
	xmm_t a, b;	 /* V and W */
	unsigned la, lb; /* their valid elements */
	unsigned n;	 /* elements in a register: 16 bytes or 8 words */
	unsigned imm;	 /* the control byte */
};

#define BYTES_LOW7 0x7f7f7f7f7f7f7f7full
#define WORDS_LOW7 0x7fff7fff7fff7fffull

/* The top bit of each lane (byte, or word with `words`) of t that is zero;
 * exact, unlike the shorter test whose borrow marks lanes above a zero. */
static uint64_t zero_lanes(uint64_t t, int words)
{
	uint64_t low7 = words ? WORDS_LOW7 : BYTES_LOW7;
	return ~(((t & low7) + low7) | t | low7);
}

/* Those top bits gathered into one bit per lane: each multiplier bit moves
 * one lane's bit to the top, and no two products meet. */
static unsigned lane_bits(uint64_t top, int words)
{
	if (words)
		return (unsigned)(((top >> 15) * 0x1000200040008000ull) >> 60);
	return (unsigned)(((top >> 7) * 0x0102040810204080ull) >> 56);
}

/* One bit per element of x that equals the same element of y. */
static unsigned equal_mask(const xmm_t *x, const xmm_t *y, int words)
{
	unsigned lo = lane_bits(zero_lanes(x->q[0] ^ y->q[0], words), words);
	unsigned hi = lane_bits(zero_lanes(x->q[1] ^ y->q[1], words), words);
	return lo | hi << (words ? 4 : 8);
}

/* One bit per element of W that equals element i of V. */
static unsigned equal_to(const struct strings *s, unsigned i)
{
	int words = s->imm & 1;
	uint64_t e = words ? s->a.w[i] * 0x0001000100010001ull : s->a.b[i] * 0x0101010101010101ull;
	xmm_t all = {.q = {e, e}};
	return equal_mask(&all, &s->b, words);
}

/* Element k of x in the format imm8[1:0] gives: unsigned or signed bytes
 * or words. */
static int32_t element(const xmm_t *x, unsigned k, unsigned imm)
{
	switch (imm & 3) {
	case 0: return x->b[k];
	case 1: return x->w[k];
	case 2: return x->sb[k];
	default: return x->sw[k];
	}
}

/* Ranges: string element j lies in one of the ranges V[i]..V[i + 1], i
 * even, both of them valid. */
static unsigned in_ranges(const struct strings *s)
{
	unsigned res = 0;
	for (unsigned j = 0; j < s->lb; j++) {
		int32_t v = element(&s->b, j, s->imm);
		for (unsigned i = 0; i + 1 < s->la; i += 2)
			if (element(&s->a, i, s->imm) <= v && v <= element(&s->a, i + 1, s->imm)) {
				res |= 1u << j;
				break;
			}
	}
	return res;
}

/* IntRes1, one bit per string element j. An invalid element compares
 * false, but for the cases the SDM forces true: both invalid in
 * equal-each, an invalid pattern element in equal-ordered (so a pattern
 * matches at j when the part of it that fits does). */
static unsigned aggregate(const struct strings *s)
{
	unsigned all = (1u << s->n) - 1, va = (1u << s->la) - 1, vb = (1u << s->lb) - 1;
	unsigned res = 0;
	switch (s->imm >> 2 & 3) {
	case AGG_EQUAL_ANY:
		for (unsigned i = 0; i < s->la; i++)
			res |= equal_to(s, i);
		return res & vb;
	case AGG_RANGES: return in_ranges(s);
	case AGG_EQUAL_EACH:
		return (equal_mask(&s->a, &s->b, s->imm & 1) & va & vb) | (all & ~va & ~vb);
	default: /* the pattern's element i must be at j + i, if that is in the register */
		res = all;
		for (unsigned i = 0; i < s->la; i++)
			res &= (equal_to(s, i) & vb) >> i | (all & ~(all >> i));
		return res;
	}
}

/* IntRes2: IntRes1 under the polarity imm8[5:4]. */
static unsigned compare(const struct strings *s)
{
	unsigned res = aggregate(s);
	switch (s->imm >> 4 & 3) {
	case POL_NEGATIVE: return res ^ ((1u << s->n) - 1);
	case POL_MASKED_NEGATIVE: return res ^ ((1u << s->lb) - 1);
	default: return res;
	}
}

/* The arithmetic flags f (AF and PF clear). */
static ALWAYS_INLINE void set_flags(struct cpu *c, uint32_t f)
{
	c->eflags = (c->eflags & ~F_ARITH) | f;
	c->cc_op = CC_OP(CC_EFLAGS, 0);
}

/* CF: any result bit; ZF, SF: W, V shorter than a register; OF: result
 * bit 0. */
static uint32_t flags_of(const struct strings *s, unsigned res)
{
	return (res ? F_CF : 0) | (s->lb < s->n ? F_ZF : 0) | (s->la < s->n ? F_SF : 0) |
	       (res & 1 ? F_OF : 0);
}

/* The number of elements before the first zero one. */
static unsigned implicit_length(const xmm_t *x, unsigned n)
{
	const xmm_t zero = {{0}};
	unsigned zeros = equal_mask(x, &zero, n == 8);
	return zeros ? (unsigned)__builtin_ctz(zeros) : n;
}

/* |v| for a 32-bit or (REX.W) 64-bit length, saturated to n */
static unsigned explicit_length(uint64_t v, unsigned osz, unsigned n)
{
	int64_t len = osz == OSZ_64 ? (int64_t)v : (int32_t)v;
	uint64_t mag = len < 0 ? 0 - (uint64_t)len : (uint64_t)len;
	return mag < n ? (unsigned)mag : n;
}

/* Reads the operands; W is a 16-byte memory operand that need not be
 * aligned, in form `form` (interp/spec.h). The host's instruction finds
 * implicit lengths itself. */
static ALWAYS_INLINE void load(struct cpu *c, const struct insn *i, struct strings *s, int explicit,
			       int form, int host)
{
	sse_W16(c, i, &s->b, form, 1);
	s->a = c->xmm[i->reg];
	s->imm = (unsigned)i->imm & 0xff;
	s->n = s->imm & 1 ? 8 : 16;
	if (explicit) {
		s->la = explicit_length(c->r[R_AX], i->osz, s->n);
		s->lb = explicit_length(c->r[R_DX], i->osz, s->n);
	} else if (!host) {
		s->la = implicit_length(&s->a, s->n);
		s->lb = implicit_length(&s->b, s->n);
	}
}

/* ECX = the index of the lowest (imm8[6] clear) or highest set bit of the
 * result, or the element count when there is none. */
static ALWAYS_INLINE void string_index(struct cpu *c, const struct insn *i, int explicit, int form,
				       int host)
{
	struct strings s;
	uint32_t index, f;
	load(c, i, &s, explicit, form, host);
#if SSE42_HOST
	if (host) {
		sse42_vec a, b;
		memcpy(&a, &s.a, 16);
		memcpy(&b, &s.b, 16);
		uint64_t out = explicit ? sse42_host_estri(a, b, s.la, s.lb, s.imm)
					: sse42_host_istri(a, b, s.imm);
		gpr_set(c, R_CX, OSZ_32, out >> 32);
		set_flags(c, (uint32_t)out);
		return;
	}
#endif
	unsigned res = compare(&s);
	index = s.n;
	if (res)
		index = s.imm & 0x40 ? 31 - (unsigned)__builtin_clz(res)
				     : (unsigned)__builtin_ctz(res);
	f = flags_of(&s, res);
	gpr_set(c, R_CX, OSZ_32, index);
	set_flags(c, f);
}

/* XMM0 = the result bits (imm8[6] clear), or each element all ones or all
 * zeros by its bit. */
static ALWAYS_INLINE void string_mask(struct cpu *c, const struct insn *i, int explicit, int form,
				      int host)
{
	struct strings s;
	xmm_t r = {{0}};
	uint32_t f;
	load(c, i, &s, explicit, form, host);
#if SSE42_HOST
	if (host) {
		sse42_vec a, b, m;
		memcpy(&a, &s.a, 16);
		memcpy(&b, &s.b, 16);
		m = explicit ? sse42_host_estrm(a, b, s.la, s.lb, s.imm, &f)
			     : sse42_host_istrm(a, b, s.imm, &f);
		memcpy(&c->xmm[0], &m, 16);
		set_flags(c, f);
		return;
	}
#endif
	unsigned res = compare(&s);
	if (s.imm & 0x40)
		for (unsigned k = 0; k < s.n; k++)
			memset(&r.b[k * 16 / s.n], res >> k & 1 ? 0xff : 0, 16 / s.n);
	else
		r.d[0] = res;
	f = flags_of(&s, res);
	c->xmm[0] = r;
	set_flags(c, f);
}

/* Each instruction: an instance per form of W (interp/spec.h) and chained
 * twins, of the C code (_c) and of the host's instruction (_h); the
 * choosers take the host's where the host has SSE4.2. */
#define PCMPSTR_BODIES(name, run, explicit)                                                        \
	static ALWAYS_INLINE void name##_c_body(struct cpu *c, const struct insn *i, int form)     \
	{                                                                                          \
		run(c, i, explicit, form, 0);                                                      \
	}                                                                                          \
	static ALWAYS_INLINE void name##_h_body(struct cpu *c, const struct insn *i, int form)     \
	{                                                                                          \
		run(c, i, explicit, form, 1);                                                      \
	}                                                                                          \
	void op_##name(struct cpu *c, const struct insn *i) { name##_c_body(c, i, form_of(i)); }
#if SSE42_HOST
#define PCMPSTR_CHOOSER(fn, name, sfx)                                                             \
	insn_fn *fn(const struct insn *i)                                                          \
	{                                                                                          \
		static insn_fn *const v[2][FORM_COUNT] = {SPEC_FORM_ROW(name##_c, sfx),            \
							  SPEC_FORM_ROW(name##_h, sfx)};           \
		return v[hostcpu_has(HOSTCPU_SSE4_2) != 0][form_of(i)];                                   \
	}
#define PCMPSTR(name, run, explicit)                                                               \
	PCMPSTR_BODIES(name, run, explicit)                                                        \
	SPEC_EACH_FORM(SPEC_FORM_INSTANCE, name##_c, name##_c_body, 0)                             \
	SPEC_EACH_FORM(SPEC_FORM_INSTANCE, name##_h, name##_h_body, 0)                             \
	PCMPSTR_CHOOSER(spec_##name, name, )                                                       \
	PCMPSTR_CHOOSER(chain_##name, name, _chained)
#else
#define PCMPSTR(name, run, explicit)                                                               \
	PCMPSTR_BODIES(name, run, explicit)                                                        \
	SPEC_EACH_FORM(SPEC_FORM_INSTANCE, name##_c, name##_c_body, 0)                             \
	SPEC_B_E_CHOOSER(spec_##name, name##_c, )                                                  \
	SPEC_B_E_CHOOSER(chain_##name, name##_c, _chained)
#endif

PCMPSTR(pcmpestri, string_index, 1)
PCMPSTR(pcmpistri, string_index, 0)
PCMPSTR(pcmpestrm, string_mask, 1)
PCMPSTR(pcmpistrm, string_mask, 0)
