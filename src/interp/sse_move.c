/* SSE/SSE2 data movement: whole, scalar and half-register moves, MOVD/MOVQ
 * with XMM registers, non-temporal stores (ordinary stores here), MASKMOVDQU,
 * LDMXCSR/STMXCSR and the prefetch hints. */
#include "interp/sse.h"
#include "isa_handlers.h"

/* ---- whole register: MOVUPS/MOVUPD/MOVDQU, MOVAPS/MOVAPD/MOVDQA; each
 * has an instance per form of its memory operand (interp/spec.h) ---- */

static ALWAYS_INLINE void movups_load_body(struct cpu *c, const struct insn *i, int form)
{
	xmm_t v;
	sse_W16(c, i, &v, form, 1);
	c->xmm[i->reg] = v;
}
SPEC_E(movups_load, movups_load_body)

/* also MOVNTPS/MOVNTPD/MOVNTDQ, whose register forms are undefined */
static ALWAYS_INLINE void movaps_load_body(struct cpu *c, const struct insn *i, int form)
{
	xmm_t v;
	sse_W16(c, i, &v, form, 0);
	c->xmm[i->reg] = v;
}
SPEC_E(movaps_load, movaps_load_body)

/* W = XMM(reg); a memory W must be aligned unless `unaligned` */
static ALWAYS_INLINE void store_W16(struct cpu *c, const struct insn *i, int form, int unaligned)
{
	if (form == FORM_REG) {
		c->xmm[i->rm] = c->xmm[i->reg];
		return;
	}
	uint64_t a = form_ea(c, i, form);
	if (!unaligned && unlikely(a & 15))
		cpu_gp(c);
	memcpy(form_wptr(c, a, 16, form), &c->xmm[i->reg], 16);
}

static ALWAYS_INLINE void movups_store_body(struct cpu *c, const struct insn *i, int form)
{
	store_W16(c, i, form, 1);
}
SPEC_E(movups_store, movups_store_body)

static ALWAYS_INLINE void movaps_store_body(struct cpu *c, const struct insn *i, int form)
{
	store_W16(c, i, form, 0);
}
SPEC_E(movaps_store, movaps_store_body)

/* ---- scalars: a register source merges into the low lane, a memory
 * source clears the rest of the register ---- */

static ALWAYS_INLINE void movss_load_body(struct cpu *c, const struct insn *i, int form)
{
	if (form == FORM_REG)
		sse_set_d0(c, i->reg, c->xmm[i->rm].d[0]);
	else
		sse_W_scalar(c, i, &c->xmm[i->reg], 4, form);
}
SPEC_E(movss_load, movss_load_body)

static ALWAYS_INLINE void movsd_load_body(struct cpu *c, const struct insn *i, int form)
{
	if (form == FORM_REG)
		sse_set_q(c, i->reg, 0, c->xmm[i->rm].q[0]);
	else
		sse_W_scalar(c, i, &c->xmm[i->reg], 8, form);
}
SPEC_E(movsd_load, movsd_load_body)

static ALWAYS_INLINE void movss_store_body(struct cpu *c, const struct insn *i, int form)
{
	if (form == FORM_REG)
		sse_set_d0(c, i->rm, c->xmm[i->reg].d[0]);
	else
		form_st(c, form_ea(c, i, form), OSZ_32, form, c->xmm[i->reg].d[0]);
}
SPEC_E(movss_store, movss_store_body)

static ALWAYS_INLINE void movsd_store_body(struct cpu *c, const struct insn *i, int form)
{
	if (form == FORM_REG)
		sse_set_q(c, i->rm, 0, c->xmm[i->reg].q[0]);
	else
		form_st(c, form_ea(c, i, form), OSZ_64, form, c->xmm[i->reg].q[0]);
}
SPEC_E(movsd_store, movsd_store_body)

/* ---- halves: MOVLPS/MOVLPD, MOVHPS/MOVHPD (memory forms only),
 * MOVHLPS/MOVLHPS (register forms of the same opcodes) ---- */

void op_movlps_load(struct cpu *c, const struct insn *i)
{
	sse_set_q(c, i->reg, 0, mem_ld64(c, mem_ea(c, i)));
}

void op_movhps_load(struct cpu *c, const struct insn *i)
{
	sse_set_q(c, i->reg, 1, mem_ld64(c, mem_ea(c, i)));
}

void op_movlps_store(struct cpu *c, const struct insn *i)
{
	mem_st64(c, mem_ea(c, i), c->xmm[i->reg].q[0]);
}

void op_movhps_store(struct cpu *c, const struct insn *i)
{
	mem_st64(c, mem_ea(c, i), c->xmm[i->reg].q[1]);
}

void op_movhlps(struct cpu *c, const struct insn *i)
{
	sse_set_q(c, i->reg, 0, c->xmm[i->rm].q[1]);
}

void op_movlhps(struct cpu *c, const struct insn *i)
{
	sse_set_q(c, i->reg, 1, c->xmm[i->rm].q[0]);
}

/* ---- MOVD/MOVQ between XMM and general registers or memory ---- */

/* 66 0F 6E: MOVD xmm, r/m32 (MOVQ xmm, r/m64 with REX.W), zero-extended. */
void op_movd_to_xmm(struct cpu *c, const struct insn *i)
{
	uint64_t v = opE_get(c, i, i->osz == OSZ_64 ? OSZ_64 : OSZ_32);
	sse_set_zext(c, i->reg, v);
}

/* 66 0F 7E: MOVD r/m32, xmm (MOVQ r/m64, xmm with REX.W). */
void op_movd_from_xmm(struct cpu *c, const struct insn *i)
{
	opE_set(c, i, i->osz == OSZ_64 ? OSZ_64 : OSZ_32, c->xmm[i->reg].q[0]);
}

/* F3 0F 7E: MOVQ xmm, xmm/m64, clearing the high quadword. */
static ALWAYS_INLINE void movq_load_body(struct cpu *c, const struct insn *i, int form)
{
	if (form == FORM_REG)
		sse_set_zext(c, i->reg, c->xmm[i->rm].q[0]);
	else
		sse_W_scalar(c, i, &c->xmm[i->reg], 8, form);
}
SPEC_E(movq_load, movq_load_body)

/* 66 0F D6: MOVQ xmm/m64, xmm; a register destination's high quadword is
 * cleared. */
static ALWAYS_INLINE void movq_store_body(struct cpu *c, const struct insn *i, int form)
{
	uint64_t v = c->xmm[i->reg].q[0];
	if (form == FORM_REG)
		sse_set_zext(c, i->rm, v);
	else
		form_st(c, form_ea(c, i, form), OSZ_64, form, v);
}
SPEC_E(movq_store, movq_store_body)

/* MOVNTI m32/m64, r32/r64 */
void op_movnti(struct cpu *c, const struct insn *i)
{
	unsigned osz = i->osz == OSZ_64 ? OSZ_64 : OSZ_32;
	mem_st(c, mem_ea(c, i), osz, gpr_get(c, i->reg, osz));
}

/* ---- MASKMOVQ/MASKMOVDQU: bytes whose mask byte has its top bit set are
 * stored at DS:rDI (segment overridable) ---- */

void sse_masked_store(struct cpu *c, const struct insn *i, const uint8_t *data, const uint8_t *mask,
		      unsigned n)
{
	struct insn at_di = *i;
	int first = -1, last = -1;
	at_di.base = R_DI;
	at_di.index = R_NONE;
	at_di.disp = 0;
	uint64_t a = mem_ea(c, &at_di);
	for (unsigned k = 0; k < n; k++) {
		if (mask[k] & 0x80) {
			if (first < 0)
				first = (int)k;
			last = (int)k;
		}
	}
	if (first < 0)
		return;
	/* The selected bytes may straddle two pages. Rewriting the last one
	 * with its own value first makes a fault on its page happen before
	 * anything has changed; the stores in order then fault, if at all, on
	 * the first one. */
	mem_st8(c, a + (unsigned)last, mem_ld8(c, a + (unsigned)last));
	for (unsigned k = (unsigned)first; k <= (unsigned)last; k++)
		if (mask[k] & 0x80)
			mem_st8(c, a + k, data[k]);
}

void op_maskmovdqu(struct cpu *c, const struct insn *i)
{
	sse_masked_store(c, i, c->xmm[i->reg].b, c->xmm[i->rm].b, 16);
}

/* ---- MXCSR ---- */

void op_ldmxcsr(struct cpu *c, const struct insn *i)
{
	uint32_t v = mem_ld32(c, mem_ea(c, i));
	if (!mxcsr_valid(v))
		cpu_gp(c);
	c->mxcsr = v;
	mxcsr_load(c);
}

void op_stmxcsr(struct cpu *c, const struct insn *i)
{
	uint64_t a = mem_ea(c, i);
	mxcsr_sync(c);
	mem_st32(c, a, c->mxcsr);
}

/* PREFETCHh, PREFETCH/PREFETCHW and the reserved-NOP rest of 0F 18:
 * hints, which never fault. */
void op_prefetch(struct cpu *c, const struct insn *i)
{
	(void)c;
	(void)i;
}

/* An SSE opcode with a prefix it has no form for (see src/isa/sse.tbl). */
void op_sse_reserved(struct cpu *c, const struct insn *i)
{
	(void)i;
	cpu_undefined(c);
}
