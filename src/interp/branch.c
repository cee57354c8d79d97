/* Control transfer: Jcc JMP CALL RET LOOPcc JCXZ. Every handler here ends its
 * block and sets rip. */
#include "cpu/cond.h"
#include "interp/operand.h"
#include "isa_handlers.h"

static uint64_t ip_mask(const struct insn *i)
{
	return size_mask(i->osz == OSZ_8 ? OSZ_32 : i->osz);
}

static uint64_t rel_target(const struct cpu *c, const struct insn *i)
{
	return (next_ip(c, i) + i->imm) & ip_mask(i);
}

void op_jcc(struct cpu *c, const struct insn *i)
{
	c->rip = cond_fast(c, i->opc & 15) ? rel_target(c, i) : next_ip(c, i);
}

/* One instance per condition, with the condition evaluated inline. */
#define JCC(cc)                                                                                    \
	static void jcc_##cc(struct cpu *c, const struct insn *i)                                  \
	{                                                                                          \
		c->rip = cond_fast(c, cc) ? rel_target(c, i) : next_ip(c, i);                      \
	}
JCC(0)
JCC(1) JCC(2) JCC(3) JCC(4) JCC(5) JCC(6) JCC(7) JCC(8) JCC(9) JCC(10) JCC(11) JCC(12) JCC(13)
	JCC(14) JCC(15)

		insn_fn *spec_jcc(const struct insn *i)
{
	static insn_fn *const by_cc[16] = {jcc_0,  jcc_1,  jcc_2,  jcc_3, jcc_4,  jcc_5,
					   jcc_6,  jcc_7,  jcc_8,  jcc_9, jcc_10, jcc_11,
					   jcc_12, jcc_13, jcc_14, jcc_15};
	return by_cc[i->opc & 15];
}

void op_jmp(struct cpu *c, const struct insn *i) { c->rip = rel_target(c, i); }

void op_call(struct cpu *c, const struct insn *i)
{
	push(c, i->osz, next_ip(c, i));
	c->rip = rel_target(c, i);
}

void op_call_Ev(struct cpu *c, const struct insn *i)
{
	uint64_t target = opE_get(c, i, i->osz);
	push(c, i->osz, next_ip(c, i));
	c->rip = target;
}

void op_jmp_Ev(struct cpu *c, const struct insn *i) { c->rip = opE_get(c, i, i->osz); }

void op_ret(struct cpu *c, const struct insn *i) { c->rip = pop(c, i->osz); }

void op_ret_Iw(struct cpu *c, const struct insn *i)
{
	uint64_t target = pop(c, i->osz);
	stack_set_ptr(c, stack_ptr(c) + (i->imm & 0xffff));
	c->rip = target;
}

/* LOOPcc count: CX, ECX or RCX by address size. */
static uint64_t loop_count_dec(struct cpu *c, const struct insn *i)
{
	uint64_t n = (gpr_get(c, R_CX, i->asz) - 1) & size_mask(i->asz);
	gpr_set(c, R_CX, i->asz, n);
	return n;
}

static void branch_if(struct cpu *c, const struct insn *i, int taken)
{
	c->rip = taken ? rel_target(c, i) : next_ip(c, i);
}

void op_loop(struct cpu *c, const struct insn *i) { branch_if(c, i, loop_count_dec(c, i) != 0); }

void op_loope(struct cpu *c, const struct insn *i)
{
	int zf = cond_fast(c, 4);
	branch_if(c, i, loop_count_dec(c, i) != 0 && zf);
}

void op_loopne(struct cpu *c, const struct insn *i)
{
	int zf = cond_fast(c, 4);
	branch_if(c, i, loop_count_dec(c, i) != 0 && !zf);
}

void op_jcxz(struct cpu *c, const struct insn *i)
{
	branch_if(c, i, gpr_get(c, R_CX, i->asz) == 0);
}
