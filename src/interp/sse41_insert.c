/* SSE4.1 blends, inserts and extracts: BLENDPS/PD and PBLENDW (lanes chosen
 * by imm8), BLENDVPS/PD and PBLENDVB (by the top bits of the implicit XMM0),
 * PINSRB/D/Q and INSERTPS, PEXTRB/W/D/Q and EXTRACTPS. */
#include "interp/sse.h"
#include "isa_handlers.h"

/* ---- blends: lane k of V takes W's when selector bit k is set ---- */

/* `size`-byte lanes; bit k of `select` picks lane k */
static void blend(struct cpu *c, const struct insn *i, unsigned size, unsigned select)
{
	xmm_t s;
	xmm_t *d = &c->xmm[i->reg];
	sse_get_W(c, i, &s);
	for (unsigned k = 0; k < 16 / size; k++)
		if (select >> k & 1)
			memcpy(&d->b[k * size], &s.b[k * size], size);
}

/* The sign bits of XMM0's `size`-byte lanes, as a lane mask. */
static unsigned xmm0_signs(const struct cpu *c, unsigned size)
{
	unsigned mask = 0;
	for (unsigned k = 0; k < 16 / size; k++)
		mask |= (unsigned)(c->xmm[0].b[k * size + size - 1] >> 7) << k;
	return mask;
}

void op_blendps(struct cpu *c, const struct insn *i) { blend(c, i, 4, (unsigned)i->imm); }
void op_blendpd(struct cpu *c, const struct insn *i) { blend(c, i, 8, (unsigned)i->imm); }
void op_pblendw(struct cpu *c, const struct insn *i) { blend(c, i, 2, (unsigned)i->imm); }

/* XMM0 is read before W is loaded: it may be V itself, which the blend
 * changes lane by lane */
void op_blendvps(struct cpu *c, const struct insn *i) { blend(c, i, 4, xmm0_signs(c, 4)); }
void op_blendvpd(struct cpu *c, const struct insn *i) { blend(c, i, 8, xmm0_signs(c, 8)); }
void op_pblendvb(struct cpu *c, const struct insn *i) { blend(c, i, 1, xmm0_signs(c, 1)); }

/* ---- inserts: the element from a general register or memory, at the
 * lane imm8 names (modulo the lane count) ---- */

void op_pinsrb(struct cpu *c, const struct insn *i)
{
	uint8_t v = (uint8_t)(i->mod == 3 ? c->r[i->rm] : mem_ld8(c, mem_ea(c, i)));
	c->xmm[i->reg].b[i->imm & 15] = v;
}

/* PINSRD, or PINSRQ with REX.W */
void op_pinsrd(struct cpu *c, const struct insn *i)
{
	if (i->osz == OSZ_64) {
		uint64_t v = opE_get(c, i, OSZ_64);
		c->xmm[i->reg].q[i->imm & 1] = v;
	} else {
		uint32_t v = (uint32_t)opE_get(c, i, OSZ_32);
		c->xmm[i->reg].d[i->imm & 3] = v;
	}
}

/* INSERTPS: dword imm8[7:6] of a register source (a memory source is one
 * dword) goes to lane imm8[5:4]; then the lanes set in imm8[3:0] are
 * zeroed. */
void op_insertps(struct cpu *c, const struct insn *i)
{
	unsigned imm = (unsigned)i->imm & 0xff;
	uint32_t v = i->mod == 3 ? c->xmm[i->rm].d[imm >> 6] : mem_ld32(c, mem_ea(c, i));
	xmm_t *d = &c->xmm[i->reg];
	d->d[imm >> 4 & 3] = v;
	for (unsigned k = 0; k < 4; k++)
		if (imm >> k & 1)
			d->d[k] = 0;
}

/* ---- extracts: a register destination is written as 32 bits (zero-
 * extended to 64), a memory one at the element's size ---- */

static void extract(struct cpu *c, const struct insn *i, unsigned osz, uint64_t v)
{
	if (i->mod == 3)
		gpr_set(c, i->rm, osz == OSZ_64 ? OSZ_64 : OSZ_32, v);
	else
		mem_st(c, mem_ea(c, i), osz, v);
}

void op_pextrb(struct cpu *c, const struct insn *i)
{
	extract(c, i, OSZ_8, c->xmm[i->reg].b[i->imm & 15]);
}

void op_pextrw_3a(struct cpu *c, const struct insn *i)
{
	extract(c, i, OSZ_16, c->xmm[i->reg].w[i->imm & 7]);
}

/* PEXTRD, or PEXTRQ with REX.W */
void op_pextrd(struct cpu *c, const struct insn *i)
{
	if (i->osz == OSZ_64)
		extract(c, i, OSZ_64, c->xmm[i->reg].q[i->imm & 1]);
	else
		extract(c, i, OSZ_32, c->xmm[i->reg].d[i->imm & 3]);
}

/* EXTRACTPS ignores REX.W: always 32 bits */
void op_extractps(struct cpu *c, const struct insn *i)
{
	extract(c, i, OSZ_32, c->xmm[i->reg].d[i->imm & 3]);
}
