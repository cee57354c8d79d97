/* Decimal adjust instructions of 32-bit mode: DAA DAS AAA AAS AAM AAD. */
#include <signal.h>

#include "interp/operand.h"
#include "isa_handlers.h"

/* SF ZF PF from the byte result, then CF and AF as given. */
static void set_bcd_flags(struct cpu *c, uint8_t al, int cf, int af)
{
	cc_set(c, CC_OP(CC_LOGIC, OSZ_8), al, 0);
	cpu_flags_materialize(c);
	c->eflags = (c->eflags & ~(F_CF | F_AF)) | (cf ? F_CF : 0) | (af ? F_AF : 0);
}

static uint32_t old_flags(struct cpu *c) { return cpu_arith_flags(c); }

static void set_al(struct cpu *c, unsigned v) { gpr_set(c, R_AX * 8, OSZ_8, v); }

void op_daa(struct cpu *c, const struct insn *i)
{
	uint32_t f = old_flags(c);
	unsigned al = c->r[R_AX] & 0xff, old_al = al;
	int cf = 0, af = 0;
	if ((al & 0xf) > 9 || (f & F_AF)) {
		cf = (f & F_CF) || al + 6 > 0xff;
		al = (al + 6) & 0xff;
		af = 1;
	}
	if (old_al > 0x99 || (f & F_CF)) {
		al = (al + 0x60) & 0xff;
		cf = 1;
	}
	set_al(c, al);
	set_bcd_flags(c, (uint8_t)al, cf, af);
}

void op_das(struct cpu *c, const struct insn *i)
{
	uint32_t f = old_flags(c);
	unsigned al = c->r[R_AX] & 0xff, old_al = al;
	int cf = 0, af = 0;
	if ((al & 0xf) > 9 || (f & F_AF)) {
		cf = (f & F_CF) || al < 6;
		al = (al - 6) & 0xff;
		af = 1;
	}
	if (old_al > 0x99 || (f & F_CF)) {
		al = (al - 0x60) & 0xff;
		cf = 1;
	}
	set_al(c, al);
	set_bcd_flags(c, (uint8_t)al, cf, af);
}

static void ascii_adjust(struct cpu *c, int add)
{
	uint32_t f = old_flags(c);
	unsigned ax = c->r[R_AX] & 0xffff;
	int adjust = (ax & 0xf) > 9 || (f & F_AF);
	if (adjust)
		ax = (add ? ax + 0x106 : ax - 6 - 0x100) & 0xffff;
	ax = (ax & 0xff00) | (ax & 0x0f);
	gpr_set(c, R_AX, OSZ_16, ax);
	set_bcd_flags(c, (uint8_t)ax, adjust, adjust);
}

void op_aaa(struct cpu *c, const struct insn *i) { ascii_adjust(c, 1); }
void op_aas(struct cpu *c, const struct insn *i) { ascii_adjust(c, 0); }

void op_aam(struct cpu *c, const struct insn *i)
{
	unsigned base = i->imm & 0xff, al = c->r[R_AX] & 0xff;
	if (base == 0)
		cpu_fault(c, SIGFPE, FPE_INTDIV, i->addr);
	gpr_set(c, R_AX, OSZ_16, (al / base) << 8 | (al % base));
	cc_set(c, CC_OP(CC_LOGIC, OSZ_8), al % base, 0);
}

void op_aad(struct cpu *c, const struct insn *i)
{
	unsigned base = i->imm & 0xff, ax = c->r[R_AX] & 0xffff;
	unsigned al = ((ax & 0xff) + (ax >> 8) * base) & 0xff;
	gpr_set(c, R_AX, OSZ_16, al);
	cc_set(c, CC_OP(CC_LOGIC, OSZ_8), al, 0);
}
