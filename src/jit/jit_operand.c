/* Guest operands in translated code: registers in struct cpu (addressed
 * from rbx) and in the register cache, guest memory at window + address
 * (r12 + rax). */
#include <stddef.h>

#include "cpu/cond.h"
#include "cpu/cpu.h"
#include "jit/jit_tmpl.h"
#include "mem/access.h"

#if HEXVM_JIT

struct x64_mem jt_cpu(size_t offset) { return x64_at(JR_CPU, (int32_t)offset); }

struct x64_mem jt_guest(void) { return x64_at_index(JR_MEM, RAX, 0, 0); }

void jt_offset(struct jt *t, const struct insn *i)
{
	struct x64 *e = &t->e;
	unsigned size = i->asz == OSZ_64 ? 8 : 4;
	int disp_fits = (int64_t)i->disp == (int32_t)i->disp;
	int32_t disp = disp_fits ? (int32_t)i->disp : 0;
	if (i->base == R_NONE && i->index == R_NONE) {
		x64_mov_imm(e, RAX, size == 8 ? i->disp : (uint32_t)i->disp);
		return;
	}
	int base = i->base != R_NONE ? jt_reg(t, i->base) : NOREG;
	int index = i->index != R_NONE ? jt_reg(t, i->index) : NOREG;
	if (!disp_fits) {
		x64_mov_imm(e, RAX, i->disp);
		if (base != NOREG)
			x64_alu_rr(e, 8, 0, RAX, base);
		base = RAX;
	} else if (base == NOREG) { /* index only: [index * scale + disp] needs a base of 0 */
		x64_rr(e, 4, 0x31, RAX, RAX);
		base = RAX;
	}
	if (index == NOREG && disp == 0 && size == 8)
		x64_mov_rr(e, 8, RAX, base);
	else
		x64_lea(e, size, RAX, x64_at_index(base, index, i->scale, disp));
}

int jt_ea(struct jt *t, const struct insn *i)
{
	if (i->asz == OSZ_16)
		return 0;
	jt_offset(t, i);
	/* Long mode ignores the bases of CS DS ES SS; 32-bit mode adds every
	 * segment's, as the interpreter does. */
	if (!t->mode64 || i->seg == SEG_FS || i->seg == SEG_GS) {
		unsigned size = t->mode64 ? 8 : 4;
		x64_alu_rm(&t->e, size, 0, RAX, jt_cpu(offsetof(struct cpu, seg_base) + 8 * i->seg));
	}
	return 1;
}

/* A 32-bit guest's addresses are cut to 32 bits, and its window is all
 * 4 GiB with a guard above: every access lands in the window, where the
 * host MMU does the rest. */
void jt_check_read(struct jt *t)
{
	if (!t->mode64)
		return;
	x64_alu_rm(&t->e, 8, 7, RAX, jt_cpu(offsetof(struct cpu, mem_limit)));
	jt_cold(t, COLD_OUTSIDE, 0, x64_jcc(&t->e, X64_CC_AE));
}

/* The code-page byte of the first byte stored covers the next page too. */
void jt_check_write(struct jt *t, unsigned size)
{
	struct x64 *e = &t->e;
	jt_check_read(t);
	x64_mov_rr(e, 8, RDX, RAX);
	x64_shift_ri(e, 8, 5, RDX, GUEST_PAGE_SHIFT);
	x64_alu_mi(e, 1, 7, x64_at_index(JR_PAGES, RDX, 0, 0), 0); /* cmp byte [pages+rdx], 0 */
	uint8_t *from = x64_jcc(e, X64_CC_NE);
	jt_cold(t, COLD_SMC, size, from);
}

int jt_mem_operand(struct jt *t, const struct insn *i, unsigned size, int write)
{
	if (i->mod == 3)
		return 1;
	if (!jt_ea(t, i))
		return 0;
	if (write)
		jt_check_write(t, size);
	else
		jt_check_read(t);
	return 1;
}

uint64_t jt_next_pc(const struct jt *t, const struct insn *i)
{
	uint64_t pc = i->addr + i->len;
	return t->mode64 ? pc : (uint32_t)pc;
}

unsigned jt_stack_size(const struct jt *t, const struct insn *i)
{
	unsigned size = 1u << i->osz;
	return size == (t->mode64 ? 8u : 4u) ? size : 0;
}

void jt_flags(struct jt *t, uint32_t cc_op, int dst, int src)
{
	struct x64 *e = &t->e;
	x64_store_imm(e, 4, jt_cpu(offsetof(struct cpu, cc_op)), cc_op);
	x64_store(e, 8, jt_cpu(offsetof(struct cpu, cc_dst)), dst);
	if (src == NOREG)
		x64_store_imm(e, 8, jt_cpu(offsetof(struct cpu, cc_src)), 0);
	else
		x64_store(e, 8, jt_cpu(offsetof(struct cpu, cc_src)), src);
}


static int cond_helper(struct cpu *c, unsigned cc) { return cond_lazy(c, cc); }

/* Without the flags in the host's, a call works the condition out from
 * the lazy state: eax = 0 or 1, tested into ZF. */
unsigned jt_cond(struct jt *t, unsigned cc)
{
	if (t->host_flags)
		return cc;
	struct x64 *e = &t->e;
	x64_mov_rr(e, 8, RDI, JR_CPU);
	x64_mov_imm(e, RSI, cc);
	jt_regs_before_call(t, 0);
	x64_call(e, (const void *)cond_helper);
	x64_test_rr(e, 4, RAX, RAX);
	return X64_CC_NE;
}


/* A ModRM register operand: a byte offset for the byte forms (size 1),
 * a register number for the others. */
static void load_operand_reg(struct jt *t, unsigned r, unsigned size, int reg)
{
	if (size == 1)
		jt_get_byte(t, r, reg);
	else
		jt_get_reg(t, r, size, reg);
}

static void store_operand_reg(struct jt *t, unsigned r, unsigned size, int reg)
{
	if (size == 1)
		jt_set_byte(t, r, reg);
	else
		jt_set_reg(t, r, size, reg);
}

void jt_load_E(struct jt *t, const struct insn *i, unsigned size, int reg)
{
	if (i->mod == 3)
		load_operand_reg(t, i->rm, size, reg);
	else
		x64_load(&t->e, size, reg, jt_guest());
}

void jt_store_E(struct jt *t, const struct insn *i, unsigned size, int reg)
{
	if (i->mod == 3)
		store_operand_reg(t, i->rm, size, reg);
	else
		x64_store(&t->e, size, jt_guest(), reg);
}

void jt_load_G(struct jt *t, const struct insn *i, unsigned size, int reg)
{
	load_operand_reg(t, i->reg, size, reg);
}

void jt_store_G(struct jt *t, const struct insn *i, unsigned size, int reg)
{
	store_operand_reg(t, i->reg, size, reg);
}

#endif
