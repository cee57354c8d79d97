/* The two-operand arithmetic and logic operations (ADD OR ADC SBB AND SUB
 * XOR CMP TEST) on E and G operands, shared by their handlers (alu.c) and
 * the compare-and-branch instances (cmp_branch.c). */
#ifndef HEXVM_INTERP_ALU_H
#define HEXVM_INTERP_ALU_H

#include "cpu/cond.h"
#include "interp/spec.h"

enum alu_op { ALU_ADD, ALU_OR, ALU_ADC, ALU_SBB, ALU_AND, ALU_SUB, ALU_XOR, ALU_CMP, ALU_TEST };

static ALWAYS_INLINE uint64_t alu_compute(enum alu_op op, uint64_t a, uint64_t b, uint64_t cin)
{
	switch (op) {
	case ALU_ADD: return a + b;
	case ALU_ADC: return a + b + cin;
	case ALU_SUB:
	case ALU_CMP: return a - b;
	case ALU_SBB: return a - b - cin;
	case ALU_AND:
	case ALU_TEST: return a & b;
	case ALU_OR: return a | b;
	default: return a ^ b;
	}
}

static ALWAYS_INLINE void alu_flags(struct cpu *c, enum alu_op op, unsigned osz, uint64_t r,
				    uint64_t b, uint64_t cin)
{
	switch (op) {
	case ALU_ADD: cc_set(c, CC_OP(CC_ADD, osz), r, b); break;
	case ALU_ADC:
		c->cc_src2 = cin;
		cc_set(c, CC_OP(CC_ADC, osz), r, b);
		break;
	case ALU_SUB:
	case ALU_CMP: cc_set(c, CC_OP(CC_SUB, osz), r, b); break;
	case ALU_SBB:
		c->cc_src2 = cin;
		cc_set(c, CC_OP(CC_SBB, osz), r, b);
		break;
	default: cc_set(c, CC_OP(CC_LOGIC, osz), r, 0); break;
	}
}

static ALWAYS_INLINE int alu_writes(enum alu_op op) { return op != ALU_CMP && op != ALU_TEST; }

static ALWAYS_INLINE uint64_t carry_in(const struct cpu *c, enum alu_op op)
{
	return (op == ALU_ADC || op == ALU_SBB) ? (uint64_t)cf_fast(c) : 0;
}

/* E op= b, with the E operand in `form` (spec.h) */
static ALWAYS_INLINE void alu_E(struct cpu *c, const struct insn *i, unsigned osz, enum alu_op op,
				uint64_t b, int form)
{
	uint64_t cin = carry_in(c, op), r;
	if (form == FORM_REG) {
		r = alu_compute(op, gpr_get(c, i->rm, osz), b, cin);
		if (alu_writes(op))
			gpr_set(c, i->rm, osz, r);
	} else {
		uint64_t ea = form_ea(c, i, form);
		r = alu_compute(op, form_ld(c, ea, osz, form), b, cin);
		if (alu_writes(op))
			form_st(c, ea, osz, form, r);
	}
	alu_flags(c, op, osz, r, b, cin);
}

/* register r op= b */
static ALWAYS_INLINE void alu_R(struct cpu *c, unsigned reg, unsigned osz, enum alu_op op,
				uint64_t b)
{
	uint64_t cin = carry_in(c, op);
	uint64_t r = alu_compute(op, gpr_get(c, reg, osz), b, cin);
	if (alu_writes(op))
		gpr_set(c, reg, osz, r);
	alu_flags(c, op, osz, r, b, cin);
}

#endif
