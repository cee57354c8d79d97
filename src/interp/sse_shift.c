/* MMX and SSE2 shifts: PSLL/PSRL/PSRA by a register or memory count (the
 * whole low quadword, unsigned) and by an immediate (the 0F 71/72/73
 * groups), and the SSE2 byte shifts PSLLDQ/PSRLDQ. Counts past the lane
 * width clear the lanes, or fill them with the sign for PSRA. */
#include "interp/sse.h"
#include "isa_handlers.h"

/* NAME_lanes: every lane of d (type T, union member m) shifted by s->q[0]. */
#define SHIFT_LANES(name, T, m, expr)                                                              \
	static void name##_lanes(xmm_t *d, const xmm_t *s, unsigned n)                             \
	{                                                                                          \
		const uint64_t count = s->q[0];                                                    \
		const unsigned bits = 8 * sizeof(T);                                               \
		for (unsigned k = 0; k < n / sizeof(T); k++) {                                     \
			T a = d->m[k];                                                             \
			d->m[k] = (T)(expr);                                                       \
		}                                                                                  \
	}

#define SHIFT_LEFT(name, T, m)	SHIFT_LANES(name, T, m, count >= bits ? 0 : (uint64_t)a << count)
#define SHIFT_RIGHT(name, T, m) SHIFT_LANES(name, T, m, count >= bits ? 0 : a >> count)
#define SHIFT_ARITH(name, T, m) SHIFT_LANES(name, T, m, a >> (count >= bits ? bits - 1 : count))

/* The immediate forms shift the E register (ModRM.rm) by imm8. */
static ALWAYS_INLINE void shift_imm_xmm(struct cpu *c, const struct insn *i, pint_fn *f)
{
	xmm_t s = {{0}};
	s.q[0] = i->imm & 0xff;
	f(&c->xmm[i->rm], &s, 16);
}

static ALWAYS_INLINE void shift_imm_mmx(struct cpu *c, const struct insn *i, pint_fn *f)
{
	xmm_t d = {{0}}, s = {{0}};
	x87_wait(c, i);
	s.q[0] = i->imm & 0xff;
	d.q[0] = mmx_get(c, i->rm);
	f(&d, &s, 8);
	mmx_enter(c);
	mmx_set(c, i->rm, d.q[0]);
}

/* One shift: lanes, the by-register handlers and the by-immediate ones. */
#define SHIFT(name, kind, T, m)                                                                    \
	kind(name, T, m)                                                                           \
		PINT_HANDLERS(name) void op_##name##_imm(struct cpu *c, const struct insn *i)      \
	{                                                                                          \
		shift_imm_xmm(c, i, name##_lanes);                                                 \
	}                                                                                          \
	void op_##name##_imm_mmx(struct cpu *c, const struct insn *i)                              \
	{                                                                                          \
		shift_imm_mmx(c, i, name##_lanes);                                                 \
	}

SHIFT(psllw, SHIFT_LEFT, uint16_t, w)
SHIFT(pslld, SHIFT_LEFT, uint32_t, d)
SHIFT(psllq, SHIFT_LEFT, uint64_t, q)
SHIFT(psrlw, SHIFT_RIGHT, uint16_t, w)
SHIFT(psrld, SHIFT_RIGHT, uint32_t, d)
SHIFT(psrlq, SHIFT_RIGHT, uint64_t, q)
SHIFT(psraw, SHIFT_ARITH, int16_t, sw)
SHIFT(psrad, SHIFT_ARITH, int32_t, sd)

/* PSLLDQ/PSRLDQ: the whole XMM register by imm8 bytes. */
void op_pslldq(struct cpu *c, const struct insn *i)
{
	unsigned count = (unsigned)(i->imm & 0xff);
	xmm_t r = {{0}};
	if (count < 16)
		memcpy(&r.b[count], &c->xmm[i->rm].b[0], 16 - count);
	c->xmm[i->rm] = r;
}

void op_psrldq(struct cpu *c, const struct insn *i)
{
	unsigned count = (unsigned)(i->imm & 0xff);
	xmm_t r = {{0}};
	if (count < 16)
		memcpy(&r.b[0], &c->xmm[i->rm].b[count], 16 - count);
	c->xmm[i->rm] = r;
}
