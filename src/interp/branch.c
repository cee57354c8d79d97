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
	c->rip = cond_fast(c, i->opc & 15) ? rel_target(c, i) : next_ip(c, i);
}

/* One instance per condition and operand size, with the condition
 * evaluated inline: 64 bits (long mode), or 32 (an i386 guest's, whose rip
 * wraps at 4 GiB); the rare 16 keeps op_jcc. */
#define JCC(cc)                                                                                    \
	static void jcc64_##cc(struct cpu *c, const struct insn *i)                                \
	{                                                                                          \
		uint64_t next = i->addr + i->len;                                                  \
		int taken = cond_try(c, cc);                                                       \
		if (unlikely(taken < 0))                                                           \
			return op_jcc(c, i);                                                       \
		c->rip = taken ? next + i->imm : next;                                             \
	}                                                                                          \
	static void jcc32_##cc(struct cpu *c, const struct insn *i)                                \
	{                                                                                          \
		uint32_t next = (uint32_t)(i->addr + i->len);                                      \
		int taken = cond_try(c, cc);                                                       \
		if (unlikely(taken < 0))                                                           \
			return op_jcc(c, i);                                                       \
		c->rip = taken ? (uint32_t)(next + i->imm) : next;                                 \
	}
JCC(0)
JCC(1)
JCC(2)
JCC(3)
JCC(4)
JCC(5)
JCC(6)
JCC(7)
JCC(8)
JCC(9)
JCC(10)
JCC(11)
JCC(12)
JCC(13)
JCC(14)
JCC(15)

insn_fn *spec_jcc(const struct insn *i)
{
	static insn_fn *const by_cc[2][16] = {
		{jcc32_0, jcc32_1, jcc32_2, jcc32_3, jcc32_4, jcc32_5, jcc32_6, jcc32_7, jcc32_8,
		 jcc32_9, jcc32_10, jcc32_11, jcc32_12, jcc32_13, jcc32_14, jcc32_15},
		{jcc64_0, jcc64_1, jcc64_2, jcc64_3, jcc64_4, jcc64_5, jcc64_6, jcc64_7, jcc64_8,
		 jcc64_9, jcc64_10, jcc64_11, jcc64_12, jcc64_13, jcc64_14, jcc64_15}};
	if (i->osz == OSZ_16)
		return op_jcc;
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
SPEC_V_STOP(jmp, jmp_body)

static ALWAYS_INLINE void call_body(struct cpu *c, const struct insn *i, unsigned osz, int form)
{
	push_sized(c, osz, next_sized(c, i, osz));
	c->rip = target_sized(c, i, osz);
}
SPEC_V_STOP(call, call_body)

static ALWAYS_INLINE void call_Ev_body(struct cpu *c, const struct insn *i, unsigned osz,
				       int form)
{
	uint64_t target = formE_get(c, i, osz, form);
	push_sized(c, osz, next_sized(c, i, osz));
	c->rip = target;
}
SPEC_V_E_STOP(call_Ev, call_Ev_body)

static ALWAYS_INLINE void jmp_Ev_body(struct cpu *c, const struct insn *i, unsigned osz, int form)
{
	c->rip = formE_get(c, i, osz, form);
}
SPEC_V_E_STOP(jmp_Ev, jmp_Ev_body)

static ALWAYS_INLINE void ret_body(struct cpu *c, const struct insn *i, unsigned osz, int form)
{
	c->rip = pop_sized(c, osz);
}
SPEC_V_STOP(ret, ret_body)

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
