/* Control transfer: Jcc JMP CALL RET LOOPcc JCXZ. Every handler here ends its
 * block and sets rip. */
#include "cpu/cond.h"
#include "interp/spec.h"
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
	c->rip = cond_lazy(c, i->opc & 15) ? rel_target(c, i) : next_ip(c, i);
}

/* Jcc with condition cc and operand size osz: 64 bits (long mode), or 32
 * (an i386 guest's, whose rip wraps at 4 GiB). */
static ALWAYS_INLINE int jcc_sized(struct cpu *c, const struct insn *i, unsigned cc, unsigned osz)
{
	int taken = cond_lazy(c, cc);
	branch_sized(c, i, taken, osz);
	return taken;
}

/* One instance per condition and operand size (the rare 16 keeps op_jcc),
 * and chained twins, which go on into the next block. */
#define JCC(osz, r, cc)                                                                            \
	static void jcc##r##_##cc(struct cpu *c, const struct insn *i)                             \
	{                                                                                          \
		jcc_sized(c, i, cc, osz);                                                          \
	}                                                                                          \
	static void jcc##r##_##cc##_chained(struct cpu *c, const struct insn *i)                   \
	{                                                                                          \
		run_next_block(c, i, jcc_sized(c, i, cc, osz));                                    \
	}
CC_EACH(JCC, OSZ_32, 32)
CC_EACH(JCC, OSZ_64, 64)

#define JCC_NAME(r, sfx, cc) jcc##r##_##cc##sfx
#define JCC_TABLE(sfx)                                                                             \
	{                                                                                          \
		{CC_LIST(JCC_NAME, 32, sfx)}, { CC_LIST(JCC_NAME, 64, sfx) }                       \
	}

insn_fn *spec_jcc(const struct insn *i)
{
	static insn_fn *const by_cc[2][16] = JCC_TABLE();
	if (i->osz == OSZ_16)
		return op_jcc;
	return by_cc[i->osz == OSZ_64][i->opc & 15];
}

insn_fn *chain_jcc(const struct insn *i)
{
	static insn_fn *const by_cc[2][16] = JCC_TABLE(_chained);
	if (i->osz == OSZ_16)
		return NULL;
	return by_cc[i->osz == OSZ_64][i->opc & 15];
}

/* The address after i and a relative target, where the operand size tells
 * the mode (as for push_sized): 64 bits in long mode, 32 bits for an i386
 * guest, whose rip wraps at 4 GiB. */
static ALWAYS_INLINE uint64_t next_sized(const struct cpu *c, const struct insn *i, unsigned osz)
{
	if (osz == OSZ_64)
		return i->addr + i->len;
	if (osz == OSZ_32)
		return (uint32_t)(i->addr + i->len);
	return next_ip(c, i);
}

static ALWAYS_INLINE uint64_t target_sized(const struct cpu *c, const struct insn *i, unsigned osz)
{
	if (osz == OSZ_64)
		return i->addr + i->len + i->imm;
	if (osz == OSZ_32)
		return (uint32_t)(i->addr + i->len + i->imm);
	return rel_target(c, i);
}

/* JMP, CALL and RET have an instance per operand size, and those with an
 * E operand per form of it too (interp/spec.h). */
static ALWAYS_INLINE void jmp_body(struct cpu *c, const struct insn *i, unsigned osz, int form)
{
	c->rip = target_sized(c, i, osz);
}
SPEC_V_BRANCH(jmp, jmp_body)

static ALWAYS_INLINE void call_body(struct cpu *c, const struct insn *i, unsigned osz, int form)
{
	push_sized(c, osz, next_sized(c, i, osz));
	c->rip = target_sized(c, i, osz);
}
SPEC_V_BRANCH(call, call_body)

static ALWAYS_INLINE void call_Ev_body(struct cpu *c, const struct insn *i, unsigned osz,
				       int form)
{
	uint64_t target = formE_get(c, i, osz, form);
	push_sized(c, osz, next_sized(c, i, osz));
	c->rip = target;
}
SPEC_V_E_BRANCH(call_Ev, call_Ev_body)

static ALWAYS_INLINE void jmp_Ev_body(struct cpu *c, const struct insn *i, unsigned osz, int form)
{
	c->rip = formE_get(c, i, osz, form);
}
SPEC_V_E_BRANCH(jmp_Ev, jmp_Ev_body)

static ALWAYS_INLINE void ret_body(struct cpu *c, const struct insn *i, unsigned osz, int form)
{
	c->rip = pop_sized(c, osz);
}
SPEC_V_IBRANCH(ret, ret_body)

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
	int zf = cond_lazy(c, 4);
	branch_if(c, i, loop_count_dec(c, i) != 0 && zf);
}

void op_loopne(struct cpu *c, const struct insn *i)
{
	int zf = cond_lazy(c, 4);
	branch_if(c, i, loop_count_dec(c, i) != 0 && !zf);
}

void op_jcxz(struct cpu *c, const struct insn *i)
{
	branch_if(c, i, gpr_get(c, R_CX, i->asz) == 0);
}
