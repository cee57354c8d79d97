/* MMX-only instructions: EMMS, MOVD/MOVQ with MMX registers, MOVNTQ,
 * MASKMOVQ and the SSE2 MOVQ2DQ/MOVDQ2Q. (Packed arithmetic has its MMX
 * forms next to the XMM ones, in sse_int.c, sse_shift.c, sse_shuffle.c.)
 * Each starts with x87_wait: see mmx_enter in interp/sse.h. */
#include "interp/sse.h"
#include "isa_handlers.h"

/* EMMS: back to x87 use, every register empty. Like every MMX instruction
 * it also sets TOP to 0. */
void op_emms(struct cpu *c, const struct insn *i)
{
	x87_wait(c, i);
	c->fpu.top = 0;
	c->fpu.ftw = 0xffff;
}

/* 0F 6E: MOVD mm, r/m32 (MOVQ mm, r/m64 with REX.W), zero-extended. */
void op_movd_to_mmx(struct cpu *c, const struct insn *i)
{
	x87_wait(c, i);
	uint64_t v = opE_get(c, i, i->osz == OSZ_64 ? OSZ_64 : OSZ_32);
	mmx_enter(c);
	mmx_set(c, i->reg, v);
}

/* 0F 7E: MOVD r/m32, mm (MOVQ r/m64, mm with REX.W). */
void op_movd_from_mmx(struct cpu *c, const struct insn *i)
{
	x87_wait(c, i);
	opE_set(c, i, i->osz == OSZ_64 ? OSZ_64 : OSZ_32, mmx_get(c, i->reg));
	mmx_enter(c);
}

/* 0F 6F: MOVQ mm, mm/m64 */
void op_movq_mmx_load(struct cpu *c, const struct insn *i)
{
	x87_wait(c, i);
	uint64_t v = mmx_get_Q(c, i);
	mmx_enter(c);
	mmx_set(c, i->reg, v);
}

/* 0F 7F: MOVQ mm/m64, mm; also MOVNTQ (memory only) */
void op_movq_mmx_store(struct cpu *c, const struct insn *i)
{
	x87_wait(c, i);
	uint64_t v = mmx_get(c, i->reg);
	if (i->mod != 3)
		mem_st64(c, mem_ea(c, i), v);
	mmx_enter(c);
	if (i->mod == 3)
		mmx_set(c, i->rm, v);
}

/* F3 0F D6: MOVQ2DQ xmm, mm */
void op_movq2dq(struct cpu *c, const struct insn *i)
{
	x87_wait(c, i);
	c->xmm[i->reg] = (xmm_t){.q = {mmx_get(c, i->rm)}};
	mmx_enter(c);
}

/* F2 0F D6: MOVDQ2Q mm, xmm */
void op_movdq2q(struct cpu *c, const struct insn *i)
{
	x87_wait(c, i);
	mmx_enter(c);
	mmx_set(c, i->reg, c->xmm[i->rm].q[0]);
}

void op_maskmovq(struct cpu *c, const struct insn *i)
{
	xmm_t data = {{0}}, mask = {{0}};
	x87_wait(c, i);
	data.q[0] = mmx_get(c, i->reg);
	mask.q[0] = mmx_get(c, i->rm);
	sse_masked_store(c, i, data.b, mask.b, 8);
	mmx_enter(c);
}
