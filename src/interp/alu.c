/* Two-operand arithmetic and logic: ADD OR ADC SBB AND SUB XOR CMP TEST,
 * INC DEC NOT NEG. Memory destinations are stored before the flags change so
 * that a faulting store leaves the flags as they were. */
#include "interp/alu.h"
#include "isa_handlers.h"

#define ALU_HANDLERS(name, OP)                                                                     \
	static ALWAYS_INLINE void name##_EvGv_body(struct cpu *c, const struct insn *i,            \
						   unsigned osz, int form)                         \
	{                                                                                          \
		alu_E(c, i, osz, OP, gpr_get(c, i->reg, osz), form);                               \
	}                                                                                          \
	static ALWAYS_INLINE void name##_EvIz_body(struct cpu *c, const struct insn *i,            \
						   unsigned osz, int form)                         \
	{                                                                                          \
		alu_E(c, i, osz, OP, (i->imm & size_mask(osz)), form);                             \
	}                                                                                          \
	static ALWAYS_INLINE void name##_EbGb_body(struct cpu *c, const struct insn *i,            \
						   unsigned osz, int form)                         \
	{                                                                                          \
		alu_E(c, i, OSZ_8, OP, gpr_get(c, i->reg, OSZ_8), form);                           \
	}                                                                                          \
	static ALWAYS_INLINE void name##_EbIb_body(struct cpu *c, const struct insn *i,            \
						   unsigned osz, int form)                         \
	{                                                                                          \
		alu_E(c, i, OSZ_8, OP, i->imm & 0xff, form);                                       \
	}                                                                                          \
	SPEC_V_E(name##_EvGv, name##_EvGv_body)                                                    \
	SPEC_V_E(name##_EvIz, name##_EvIz_body)                                                    \
	SPEC_B_E(name##_EbGb, name##_EbGb_body)                                                    \
	SPEC_B_E(name##_EbIb, name##_EbIb_body)                                                    \
	static ALWAYS_INLINE void name##_ALIb_body(struct cpu *c, const struct insn *i)            \
	{                                                                                          \
		alu_R(c, R_AX * 8, OSZ_8, OP, i->imm);                                             \
	}                                                                                          \
	CHAINED(name##_ALIb, name##_ALIb_body)                                                     \
	static ALWAYS_INLINE void name##_eAXIz_body(struct cpu *c, const struct insn *i,           \
						    unsigned osz, int form)                        \
	{                                                                                          \
		alu_R(c, R_AX, osz, OP, (i->imm & size_mask(osz)));                                \
	}                                                                                          \
	SPEC_V(name##_eAXIz, name##_eAXIz_body)

/* the register-destination forms; TEST has none */
#define ALU_REVERSE_HANDLERS(name, OP)                                                             \
	static ALWAYS_INLINE void name##_GvEv_body(struct cpu *c, const struct insn *i,            \
						   unsigned osz, int form)                         \
	{                                                                                          \
		alu_R(c, i->reg, osz, OP, formE_get(c, i, osz, form));                             \
	}                                                                                          \
	SPEC_V_E(name##_GvEv, name##_GvEv_body)                                                    \
	void op_##name##_GbEb(struct cpu *c, const struct insn *i)                                 \
	{                                                                                          \
		alu_R(c, i->reg, OSZ_8, OP, opE_get(c, i, OSZ_8));                                 \
	}

#define ALU_ALL_HANDLERS(name, OP) ALU_HANDLERS(name, OP) ALU_REVERSE_HANDLERS(name, OP)

ALU_ALL_HANDLERS(add, ALU_ADD)
ALU_ALL_HANDLERS(or, ALU_OR)
ALU_ALL_HANDLERS(adc, ALU_ADC)
ALU_ALL_HANDLERS(sbb, ALU_SBB)
ALU_ALL_HANDLERS(and, ALU_AND)
ALU_ALL_HANDLERS(sub, ALU_SUB)
ALU_ALL_HANDLERS(xor, ALU_XOR)
ALU_ALL_HANDLERS(cmp, ALU_CMP)
ALU_HANDLERS(test, ALU_TEST)

enum unary_op { UN_INC, UN_DEC, UN_NOT, UN_NEG };

static ALWAYS_INLINE void unary_flags(struct cpu *c, enum unary_op op, unsigned osz, uint64_t r,
				      uint64_t a, int cf)
{
	switch (op) {
	case UN_INC: cc_set(c, CC_OP(CC_INC, osz), r, (uint64_t)cf); break;
	case UN_DEC: cc_set(c, CC_OP(CC_DEC, osz), r, (uint64_t)cf); break;
	case UN_NEG: cc_set(c, CC_OP(CC_SUB, osz), r, a); break; /* 0 - a */
	default: break;						 /* NOT changes no flags */
	}
}

static ALWAYS_INLINE uint64_t unary_compute(enum unary_op op, uint64_t a)
{
	switch (op) {
	case UN_INC: return a + 1;
	case UN_DEC: return a - 1;
	case UN_NOT: return ~a;
	default: return 0 - a;
	}
}

/* op E, with the E operand in `form` (spec.h) */
static ALWAYS_INLINE void unary_E(struct cpu *c, const struct insn *i, unsigned osz,
				  enum unary_op op, int form)
{
	int cf = (op == UN_INC || op == UN_DEC) ? cf_fast(c) : 0;
	uint64_t a, r;
	if (form == FORM_REG) {
		a = gpr_get(c, i->rm, osz);
		r = unary_compute(op, a);
		gpr_set(c, i->rm, osz, r);
	} else {
		uint64_t ea = form_ea(c, i, form);
		a = form_ld(c, ea, osz, form);
		r = unary_compute(op, a);
		form_st(c, ea, osz, form, r);
	}
	unary_flags(c, op, osz, r, a, cf);
}

#define UNARY_HANDLERS(name, OP)                                                                   \
	static ALWAYS_INLINE void name##_Eb_body(struct cpu *c, const struct insn *i,              \
						 unsigned osz, int form)                           \
	{                                                                                          \
		unary_E(c, i, OSZ_8, OP, form);                                                    \
	}                                                                                          \
	static ALWAYS_INLINE void name##_Ev_body(struct cpu *c, const struct insn *i,              \
						 unsigned osz, int form)                           \
	{                                                                                          \
		unary_E(c, i, osz, OP, form);                                                      \
	}                                                                                          \
	SPEC_B_E(name##_Eb, name##_Eb_body)                                                        \
	SPEC_V_E(name##_Ev, name##_Ev_body)

UNARY_HANDLERS(inc, UN_INC)
UNARY_HANDLERS(dec, UN_DEC)
UNARY_HANDLERS(not, UN_NOT)
UNARY_HANDLERS(neg, UN_NEG)

static ALWAYS_INLINE void inc_Zv_body(struct cpu *c, const struct insn *i, unsigned osz, int form)
{
	int cf = cf_fast(c);
	uint64_t r = gpr_get(c, i->reg, osz) + 1;
	gpr_set(c, i->reg, osz, r);
	cc_set(c, CC_OP(CC_INC, osz), r, (uint64_t)cf);
}
SPEC_V(inc_Zv, inc_Zv_body)

static ALWAYS_INLINE void dec_Zv_body(struct cpu *c, const struct insn *i, unsigned osz, int form)
{
	int cf = cf_fast(c);
	uint64_t r = gpr_get(c, i->reg, osz) - 1;
	gpr_set(c, i->reg, osz, r);
	cc_set(c, CC_OP(CC_DEC, osz), r, (uint64_t)cf);
}
SPEC_V(dec_Zv, dec_Zv_body)
