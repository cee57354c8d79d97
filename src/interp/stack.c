/* Stack instructions: PUSH/POP in their forms, PUSHF/POPF, PUSHA/POPA,
 * ENTER/LEAVE. Memory is written before the stack pointer moves, so a fault
 * on the stack leaves the registers as they were. */
#include "interp/spec.h"
#include "isa_handlers.h"

/* Flags a user-mode POPF may change (IF and IOPL stay: CPL 3 < IOPL is never
 * granted; the CPU ignores those bits silently). */
#define POPF_MASK (F_ARITH | F_TF | F_DF | F_AC | F_ID | 0x4000u /* NT */)

static uint64_t wrap_sp(const struct cpu *c, uint64_t sp) { return c->mode64 ? sp : (uint32_t)sp; }

/* PUSH and POP have an instance per operand size (push_sized), and for
 * PUSH Ev per form of E (interp/spec.h). */
static ALWAYS_INLINE void push_Zv_body(struct cpu *c, const struct insn *i, unsigned osz, int form)
{
	push_sized(c, osz, c->r[i->reg]);
}
SPEC_V(push_Zv, push_Zv_body)

static ALWAYS_INLINE void push_Iz_body(struct cpu *c, const struct insn *i, unsigned osz, int form)
{
	push_sized(c, osz, i->imm);
}
SPEC_V(push_Iz, push_Iz_body)

static ALWAYS_INLINE void push_Ev_body(struct cpu *c, const struct insn *i, unsigned osz, int form)
{
	push_sized(c, osz, formE_get(c, i, osz, form));
}
SPEC_V_E(push_Ev, push_Ev_body)

static ALWAYS_INLINE void pop_Zv_body(struct cpu *c, const struct insn *i, unsigned osz, int form)
{
	uint64_t v = pop_sized(c, osz);
	gpr_set(c, i->reg, osz, v);
}
SPEC_V(pop_Zv, pop_Zv_body)

/* POP to memory addresses the destination with the already incremented
 * stack pointer. */
void op_pop_Ev(struct cpu *c, const struct insn *i)
{
	if (i->mod == 3) {
		op_pop_Zv(c, &(struct insn){.reg = i->rm, .osz = i->osz});
		return;
	}
	uint64_t sp = stack_ptr(c), old = c->r[R_SP];
	uint64_t v = mem_ld(c, sp, i->osz);
	stack_set_ptr(c, sp + (1u << i->osz));
	uint64_t ea = mem_ea(c, i);
	c->r[R_SP] = old;
	mem_st(c, ea, i->osz, v);
	stack_set_ptr(c, sp + (1u << i->osz));
}

void op_pushf(struct cpu *c, const struct insn *i)
{
	push(c, i->osz, cpu_get_eflags(c) & ~0x30000u /* RF, VM read as 0 */);
}

void op_popf(struct cpu *c, const struct insn *i)
{
	uint64_t v = pop(c, i->osz);
	uint32_t mask = i->osz == OSZ_16 ? (POPF_MASK & 0xffff) : POPF_MASK;
	cpu_set_eflags(c, (uint32_t)v, mask);
	c->rip = next_ip(c, i);
}

void op_pusha(struct cpu *c, const struct insn *i)
{
	unsigned osz = i->osz, n = 1u << osz;
	uint64_t sp = stack_ptr(c);
	static const uint8_t order[8] = {R_AX, R_CX, R_DX, R_BX, R_SP, R_BP, R_SI, R_DI};
	for (unsigned k = 0; k < 8; k++)
		mem_st(c, wrap_sp(c, sp - n * (k + 1)), osz, c->r[order[k]]);
	stack_set_ptr(c, sp - 8 * n);
}

void op_popa(struct cpu *c, const struct insn *i)
{
	unsigned osz = i->osz, n = 1u << osz;
	uint64_t sp = stack_ptr(c), v[8];
	for (unsigned k = 0; k < 8; k++)
		v[k] = mem_ld(c, wrap_sp(c, sp + n * k), osz);
	static const uint8_t order[8] = {R_DI, R_SI, R_BP, R_SP, R_BX, R_DX, R_CX, R_AX};
	for (unsigned k = 0; k < 8; k++)
		if (order[k] != R_SP)
			gpr_set(c, order[k], osz, v[k]);
	stack_set_ptr(c, sp + 8 * n);
}

void op_enter(struct cpu *c, const struct insn *i)
{
	unsigned osz = i->osz, n = 1u << osz, level = i->imm2 & 31;
	uint64_t size = i->imm & 0xffff;
	uint64_t sp = wrap_sp(c, stack_ptr(c) - n), bp = c->r[R_BP];
	mem_st(c, sp, osz, bp);
	uint64_t frame = sp;
	for (unsigned k = 1; k < level; k++) {
		bp = wrap_sp(c, bp - n);
		sp = wrap_sp(c, sp - n);
		mem_st(c, sp, osz, mem_ld(c, bp, osz));
	}
	if (level > 0) {
		sp = wrap_sp(c, sp - n);
		mem_st(c, sp, osz, frame);
	}
	gpr_set(c, R_BP, osz, frame);
	stack_set_ptr(c, wrap_sp(c, sp - size));
}

static ALWAYS_INLINE void leave_body(struct cpu *c, const struct insn *i)
{
	uint64_t bp = c->mode64 ? c->r[R_BP] : (uint32_t)c->r[R_BP];
	uint64_t v = mem_ld(c, bp, i->osz);
	stack_set_ptr(c, bp + (1u << i->osz));
	gpr_set(c, R_BP, i->osz, v);
}
CHAINED(leave, leave_body)
