/* Decode-time specialization. A handler body written once as an
 * ALWAYS_INLINE function of (cpu, insn, operand size, E-operand form) is
 * instantiated for each operand size and form; the decoder calls
 * spec_<name>() (table attribute `spec`) to pick the instance, so the hot
 * path carries no size or form tests. op_<name> stays the generic version. */
#ifndef HEXVM_INTERP_SPEC_H
#define HEXVM_INTERP_SPEC_H

#include "interp/operand.h"

/* Forms of the E operand: memory (any addressing), a register, or memory
 * addressed flat in long mode (64-bit address, no FS/GS base), which needs
 * neither truncation nor a segment base. */
enum { FORM_MEM, FORM_REG, FORM_FLAT };

static ALWAYS_INLINE int form_of(const struct insn *i)
{
	if (i->mod == 3)
		return FORM_REG;
	return i->asz == OSZ_64 && i->seg != SEG_FS && i->seg != SEG_GS ? FORM_FLAT : FORM_MEM;
}

static ALWAYS_INLINE uint64_t form_ea(const struct cpu *c, const struct insn *i, int form)
{
	if (form == FORM_FLAT)
		return c->r[i->base] + (c->r[i->index] << i->scale) + i->disp;
	return mem_ea(c, i);
}

/* `v`-sized operand (16/32/64 bits), E operand in each form: the instances
 * and the chooser (with `linkage` static for internal use) */
#define SPEC_V_E_VARIANTS(name, body, linkage)                                                     \
	static void name##_w_m(struct cpu *c, const struct insn *i)                                \
	{                                                                                          \
		body(c, i, OSZ_16, FORM_MEM);                                                      \
	}                                                                                          \
	static void name##_w_r(struct cpu *c, const struct insn *i)                                \
	{                                                                                          \
		body(c, i, OSZ_16, FORM_REG);                                                      \
	}                                                                                          \
	static void name##_w_f(struct cpu *c, const struct insn *i)                                \
	{                                                                                          \
		body(c, i, OSZ_16, FORM_FLAT);                                                     \
	}                                                                                          \
	static void name##_d_m(struct cpu *c, const struct insn *i)                                \
	{                                                                                          \
		body(c, i, OSZ_32, FORM_MEM);                                                      \
	}                                                                                          \
	static void name##_d_r(struct cpu *c, const struct insn *i)                                \
	{                                                                                          \
		body(c, i, OSZ_32, FORM_REG);                                                      \
	}                                                                                          \
	static void name##_d_f(struct cpu *c, const struct insn *i)                                \
	{                                                                                          \
		body(c, i, OSZ_32, FORM_FLAT);                                                     \
	}                                                                                          \
	static void name##_q_m(struct cpu *c, const struct insn *i)                                \
	{                                                                                          \
		body(c, i, OSZ_64, FORM_MEM);                                                      \
	}                                                                                          \
	static void name##_q_r(struct cpu *c, const struct insn *i)                                \
	{                                                                                          \
		body(c, i, OSZ_64, FORM_REG);                                                      \
	}                                                                                          \
	static void name##_q_f(struct cpu *c, const struct insn *i)                                \
	{                                                                                          \
		body(c, i, OSZ_64, FORM_FLAT);                                                     \
	}                                                                                          \
	linkage insn_fn *spec_##name(const struct insn *i)                                         \
	{                                                                                          \
		static insn_fn *const v[3][3] = {{name##_w_m, name##_w_r, name##_w_f},             \
						 {name##_d_m, name##_d_r, name##_d_f},             \
						 {name##_q_m, name##_q_r, name##_q_f}};            \
		return v[i->osz - 1][form_of(i)];                                                  \
	}

#define SPEC_V_E(name, body)                                                                       \
	SPEC_V_E_VARIANTS(name, body, )                                                            \
	void op_##name(struct cpu *c, const struct insn *i) { body(c, i, i->osz, form_of(i)); }

/* byte operand, E operand in each form */
#define SPEC_B_E(name, body)                                                                       \
	static void name##_m(struct cpu *c, const struct insn *i) { body(c, i, OSZ_8, FORM_MEM); } \
	static void name##_r(struct cpu *c, const struct insn *i) { body(c, i, OSZ_8, FORM_REG); } \
	static void name##_f(struct cpu *c, const struct insn *i)                                  \
	{                                                                                          \
		body(c, i, OSZ_8, FORM_FLAT);                                                      \
	}                                                                                          \
	void op_##name(struct cpu *c, const struct insn *i) { body(c, i, OSZ_8, form_of(i)); }     \
	insn_fn *spec_##name(const struct insn *i)                                                 \
	{                                                                                          \
		static insn_fn *const v[3] = {name##_m, name##_r, name##_f};                       \
		return v[form_of(i)];                                                              \
	}

/* the operand size only (register operands, or always memory) */
#define SPEC_V(name, body)                                                                         \
	static void name##_w(struct cpu *c, const struct insn *i)                                  \
	{                                                                                          \
		body(c, i, OSZ_16, FORM_REG);                                                      \
	}                                                                                          \
	static void name##_d(struct cpu *c, const struct insn *i)                                  \
	{                                                                                          \
		body(c, i, OSZ_32, FORM_REG);                                                      \
	}                                                                                          \
	static void name##_q(struct cpu *c, const struct insn *i)                                  \
	{                                                                                          \
		body(c, i, OSZ_64, FORM_REG);                                                      \
	}                                                                                          \
	void op_##name(struct cpu *c, const struct insn *i) { body(c, i, i->osz, FORM_REG); }      \
	insn_fn *spec_##name(const struct insn *i)                                                 \
	{                                                                                          \
		static insn_fn *const v[3] = {name##_w, name##_d, name##_q};                       \
		return v[i->osz - 1];                                                              \
	}

/* The E operand with the form known at compile time. */
static ALWAYS_INLINE uint64_t formE_get(struct cpu *c, const struct insn *i, unsigned osz, int form)
{
	return form == FORM_REG ? gpr_get(c, i->rm, osz) : mem_ld(c, form_ea(c, i, form), osz);
}

static ALWAYS_INLINE void formE_set(struct cpu *c, const struct insn *i, unsigned osz, int form,
				    uint64_t v)
{
	if (form == FORM_REG)
		gpr_set(c, i->rm, osz, v);
	else
		mem_st(c, form_ea(c, i, form), osz, v);
}

#endif
