/* Templates for control transfer and conditions: Jcc, JMP and CALL with
 * targets known at translation, RET, SETcc and CMOVcc. Direct targets
 * become chainable exits; RET leaves through the lookup of c->rip. */
#include <stddef.h>

#include "cpu/cpu.h"
#include "jit/jit_tmpl.h"

#if HEXVM_JIT

/* as branch.c's rel_target: the next address plus the displacement, cut
 * to the operand size (a 16-bit JMP wraps at 64 KiB) */
static uint64_t rel_target(const struct jt *t, const struct insn *i)
{
	unsigned osz = i->osz == OSZ_8 ? OSZ_32 : i->osz;
	return (jt_next_pc(t, i) + i->imm) & jt_size_mask(osz);
}

int tmpl_jcc(struct jt *t, const struct insn *i)
{
	unsigned hcc = jt_cond(t, i->opc & 15);
	uint8_t *taken = x64_jcc(&t->e, hcc);
	jt_exit_static(t, jt_next_pc(t, i));
	if (!t->e.full)
		x64_patch(taken, t->e.p);
	jt_exit_static(t, rel_target(t, i));
	return 1;
}

int tmpl_jmp(struct jt *t, const struct insn *i)
{
	jt_exit_static(t, rel_target(t, i));
	return 1;
}

int tmpl_call(struct jt *t, const struct insn *i)
{
	unsigned size = jt_stack_size(t, i);
	if (!size)
		return 0;
	jt_push_begin(t, size);
	x64_mov_imm(&t->e, RCX, jt_next_pc(t, i));
	jt_push_end(t, size);
	jt_exit_static(t, rel_target(t, i));
	return 1;
}

int tmpl_ret(struct jt *t, const struct insn *i)
{
	unsigned size = jt_stack_size(t, i);
	if (!size)
		return 0;
	jt_pop_rcx(t, size);
	x64_store(&t->e, 8, jt_cpu(offsetof(struct cpu, rip)), RCX);
	jt_exit_dynamic(t);
	return 1;
}

/* the new rip, from E, into r14 (callee-saved: it outlives a push) */
static int target_to_r14(struct jt *t, const struct insn *i, unsigned size)
{
	if (!jt_mem_operand(t, i, size, 0))
		return 0;
	jt_load_E(t, i, size, R14);
	return 1;
}

int tmpl_jmp_Ev(struct jt *t, const struct insn *i)
{
	unsigned size = jt_stack_size(t, i);
	if (!size || !target_to_r14(t, i, size))
		return 0;
	x64_store(&t->e, 8, jt_cpu(offsetof(struct cpu, rip)), R14);
	jt_exit_dynamic(t);
	return 1;
}

int tmpl_call_Ev(struct jt *t, const struct insn *i)
{
	unsigned size = jt_stack_size(t, i);
	if (!size || !target_to_r14(t, i, size))
		return 0;
	jt_push_begin(t, size);
	x64_mov_imm(&t->e, RCX, jt_next_pc(t, i));
	jt_push_end(t, size);
	x64_store(&t->e, 8, jt_cpu(offsetof(struct cpu, rip)), R14);
	jt_exit_dynamic(t);
	return 1;
}

int tmpl_ret_Iw(struct jt *t, const struct insn *i)
{
	unsigned size = jt_stack_size(t, i);
	if (!size)
		return 0;
	jt_pop_rcx(t, size);
	x64_alu_ri(&t->e, t->mode64 ? 8 : 4, 0, RAX, (int32_t)(i->imm & 0xffff));
	jt_set_reg(t, R_SP, 8, RAX);
	x64_store(&t->e, 8, jt_cpu(offsetof(struct cpu, rip)), RCX);
	jt_exit_dynamic(t);
	return 1;
}

/* r14b = the guest condition: r14 is callee-saved, so it survives the
 * address computation and any cold path's call */
static void cond_to_r14(struct jt *t, const struct insn *i)
{
	unsigned hcc = jt_cond(t, i->opc & 15);
	x64_setcc(&t->e, hcc, R14);
}

int tmpl_setcc(struct jt *t, const struct insn *i)
{
	cond_to_r14(t, i);
	if (!jt_mem_operand(t, i, 1, 1))
		return 0;
	jt_store_E(t, i, 1, R14);
	return 1;
}

/* G = E when the condition holds; a 32-bit G is zero-extended either way,
 * and a memory E is read either way */
int tmpl_cmovcc(struct jt *t, const struct insn *i)
{
	unsigned size = 1u << i->osz;
	cond_to_r14(t, i);
	if (!jt_mem_operand(t, i, size, 0))
		return 0;
	jt_load_E(t, i, size, RCX);
	jt_load_G(t, i, size, RDX);
	x64_test_rr(&t->e, 1, R14, R14);
	x64_rr(&t->e, size, 0x0f40 + X64_CC_NE, RDX, RCX); /* cmovne rdx, rcx */
	jt_store_G(t, i, size, RDX);
	return 1;
}

#endif
