/* Templates for PUSH and POP of registers and immediates. The stack
 * pointer moves only after the memory access succeeded, as in stack.c. */
#include "cpu/cpu.h"
#include "jit/jit_tmpl.h"

#if HEXVM_JIT

void jt_push_begin(struct jt *t, unsigned size)
{
	jt_get_reg(t, R_SP, t->mode64 ? 8 : 4, RAX);
	x64_alu_ri(&t->e, t->mode64 ? 8 : 4, 5, RAX, (int32_t)size);
	jt_check_write(t, size);
}

void jt_push_end(struct jt *t, unsigned size)
{
	x64_store(&t->e, size, jt_guest(), RCX);
	jt_set_reg(t, R_SP, 8, RAX);
}

int tmpl_push_Zv(struct jt *t, const struct insn *i)
{
	unsigned size = jt_stack_size(t, i);
	if (!size)
		return 0;
	jt_push_begin(t, size);
	jt_get_reg(t, i->reg, size, RCX); /* PUSH rSP pushes the old value */
	jt_push_end(t, size);
	return 1;
}

int tmpl_push_Iz(struct jt *t, const struct insn *i)
{
	unsigned size = jt_stack_size(t, i);
	if (!size)
		return 0;
	jt_push_begin(t, size);
	x64_mov_imm(&t->e, RCX, i->imm & jt_size_mask(i->osz));
	jt_push_end(t, size);
	return 1;
}

/* rcx = `size` bytes at the address in register `top` (rSP, or rBP for
 * LEAVE), zero-extended; rSP = that address + size, also left in rax */
static void pop_from(struct jt *t, unsigned size, unsigned top)
{
	unsigned sp_size = t->mode64 ? 8 : 4;
	jt_get_reg(t, top, sp_size, RAX);
	jt_check_read(t);
	x64_load(&t->e, size, RCX, jt_guest());
	x64_alu_ri(&t->e, sp_size, 0, RAX, (int32_t)size);
	jt_set_reg(t, R_SP, 8, RAX);
}

void jt_pop_rcx(struct jt *t, unsigned size) { pop_from(t, size, R_SP); }

/* rSP = rBP, then POP rBP */
int tmpl_leave(struct jt *t, const struct insn *i)
{
	unsigned size = jt_stack_size(t, i);
	if (!size)
		return 0;
	pop_from(t, size, R_BP);
	jt_set_reg(t, R_BP, size, RCX);
	return 1;
}

/* POP rSP ends with the popped value in rSP */
int tmpl_pop_Zv(struct jt *t, const struct insn *i)
{
	unsigned size = jt_stack_size(t, i);
	if (!size)
		return 0;
	jt_pop_rcx(t, size);
	jt_set_reg(t, i->reg, size, RCX);
	return 1;
}

#endif
