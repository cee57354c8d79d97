/* Templates for the two-operand ALU instructions (ADD OR AND SUB XOR CMP
 * TEST) in all their forms. The host executes the same operation at the
 * same width, so its flags are the guest's: a following Jcc, SETcc or CMOVcc
 * uses them directly, and the lazy state is stored for everything else. */
#include "cpu/cpu.h"
#include "jit/jit_tmpl.h"

#if HEXVM_JIT

/* host group-1 numbers; TEST is not in the group */
enum { OP_ADD = 0, OP_OR = 1, OP_AND = 4, OP_SUB = 5, OP_XOR = 6, OP_CMP = 7, OP_TEST = 8 };

static int op_writes(unsigned op) { return op != OP_CMP && op != OP_TEST; }

static uint32_t op_kind(unsigned op)
{
	if (op == OP_ADD)
		return CC_ADD;
	return op == OP_SUB || op == OP_CMP ? CC_SUB : CC_LOGIC;
}

/* dst (rcx) op= src (rdx), with the flags in the host's and in the lazy
 * state; `dst` is stored back by the caller. CMP and TEST compute their
 * result too (as SUB and AND, which set the same flags): the lazy state
 * keeps it. */
static void alu_core(struct jt *t, unsigned op, unsigned size, unsigned osz)
{
	unsigned host_op = op == OP_CMP ? OP_SUB : (op == OP_TEST ? OP_AND : op);
	x64_alu_rr(&t->e, size, host_op, RCX, RDX);
	uint32_t kind = op_kind(op);
	jt_flags(t, CC_OP(kind, osz), RCX, kind == CC_LOGIC ? NOREG : RDX);
	t->flags_out = 1;
}

/* E op= src, where src is already in rdx or is the immediate `imm` */
static int alu_E(struct jt *t, const struct insn *i, unsigned op, unsigned osz, int src_is_G)
{
	unsigned size = 1u << osz;
	if (i->lock || !jt_mem_operand(t, i, size, op_writes(op)))
		return 0;
	if (src_is_G)
		jt_load_G(t, i, size, RDX);
	else
		x64_mov_imm(&t->e, RDX, i->imm & jt_size_mask(osz));
	jt_load_E(t, i, size, RCX);
	alu_core(t, op, size, osz);
	if (op_writes(op))
		jt_store_E(t, i, size, RCX);
	return 1;
}

/* G op= E */
static int alu_G(struct jt *t, const struct insn *i, unsigned op, unsigned osz)
{
	unsigned size = 1u << osz;
	if (!jt_mem_operand(t, i, size, 0))
		return 0;
	jt_load_E(t, i, size, RDX);
	jt_load_G(t, i, size, RCX);
	alu_core(t, op, size, osz);
	if (op_writes(op))
		jt_store_G(t, i, size, RCX);
	return 1;
}

/* AL or eAX op= immediate */
static int alu_A(struct jt *t, const struct insn *i, unsigned op, unsigned osz)
{
	unsigned size = 1u << osz;
	x64_mov_imm(&t->e, RDX, i->imm & jt_size_mask(osz));
	jt_get_reg(t, R_AX, size, RCX);
	alu_core(t, op, size, osz);
	if (op_writes(op))
		jt_set_reg(t, R_AX, size, RCX);
	return 1;
}

#define ALU_TEMPLATES(name, OP)                                                                    \
	int tmpl_##name##_EvGv(struct jt *t, const struct insn *i)                                 \
	{                                                                                          \
		return alu_E(t, i, OP, i->osz, 1);                                                 \
	}                                                                                          \
	int tmpl_##name##_EbGb(struct jt *t, const struct insn *i)                                 \
	{                                                                                          \
		return alu_E(t, i, OP, OSZ_8, 1);                                                  \
	}                                                                                          \
	int tmpl_##name##_EvIz(struct jt *t, const struct insn *i)                                 \
	{                                                                                          \
		return alu_E(t, i, OP, i->osz, 0);                                                 \
	}                                                                                          \
	int tmpl_##name##_EbIb(struct jt *t, const struct insn *i)                                 \
	{                                                                                          \
		return alu_E(t, i, OP, OSZ_8, 0);                                                  \
	}                                                                                          \
	int tmpl_##name##_ALIb(struct jt *t, const struct insn *i)                                 \
	{                                                                                          \
		return alu_A(t, i, OP, OSZ_8);                                                     \
	}                                                                                          \
	int tmpl_##name##_eAXIz(struct jt *t, const struct insn *i)                                \
	{                                                                                          \
		return alu_A(t, i, OP, i->osz);                                                    \
	}

#define ALU_REVERSE_TEMPLATES(name, OP)                                                            \
	int tmpl_##name##_GvEv(struct jt *t, const struct insn *i)                                 \
	{                                                                                          \
		return alu_G(t, i, OP, i->osz);                                                    \
	}                                                                                          \
	int tmpl_##name##_GbEb(struct jt *t, const struct insn *i)                                 \
	{                                                                                          \
		return alu_G(t, i, OP, OSZ_8);                                                     \
	}

ALU_TEMPLATES(add, OP_ADD)
ALU_TEMPLATES(or, OP_OR)
ALU_TEMPLATES(and, OP_AND)
ALU_TEMPLATES(sub, OP_SUB)
ALU_TEMPLATES(xor, OP_XOR)
ALU_TEMPLATES(cmp, OP_CMP)
ALU_TEMPLATES(test, OP_TEST)
ALU_REVERSE_TEMPLATES(add, OP_ADD)
ALU_REVERSE_TEMPLATES(or, OP_OR)
ALU_REVERSE_TEMPLATES(and, OP_AND)
ALU_REVERSE_TEMPLATES(sub, OP_SUB)
ALU_REVERSE_TEMPLATES(xor, OP_XOR)
ALU_REVERSE_TEMPLATES(cmp, OP_CMP)

#endif
