/* Decode-time specialization. A handler body written once as an
 * ALWAYS_INLINE function of (cpu, insn, operand size, E-operand form) is
 * instantiated for each operand size and form; the decoder calls
 * spec_<name>() (table attribute `spec`) to pick the instance, so the hot
 * path carries no size or form tests. op_<name> stays the generic version.
 * Each instance has a chained twin (interp/chain.h), picked by
 * chain_<name>() (table attribute `chain`). */
#ifndef HEXVM_INTERP_SPEC_H
#define HEXVM_INTERP_SPEC_H

#include "interp/chain.h"
#include "interp/operand.h"

/* Forms of the E operand: memory (any addressing), a register, memory
 * addressed flat in long mode (64-bit address, no FS/GS base), which needs
 * neither truncation nor a segment base, or memory at a 32-bit address
 * (an i386 guest's, or with an address-size prefix in long mode; not
 * FS/GS-based, whose base long mode adds after the cut), which cannot
 * leave the window: an i386 guest's is all 4 GiB (MM_WINDOW_32), an
 * x86-64 guest's larger. */
enum { FORM_MEM, FORM_REG, FORM_FLAT, FORM_32, FORM_COUNT };

static ALWAYS_INLINE int form_of(const struct insn *i)
{
	if (i->mod == 3)
		return FORM_REG;
	if (i->seg == SEG_FS || i->seg == SEG_GS)
		return FORM_MEM;
	return i->asz == OSZ_64 ? FORM_FLAT : i->asz == OSZ_32 ? FORM_32 : FORM_MEM;
}

static ALWAYS_INLINE uint64_t form_ea(const struct cpu *c, const struct insn *i, int form)
{
	uint64_t offset = c->r[i->base] + (c->r[i->index] << i->scale) + i->disp;
	if (form == FORM_FLAT)
		return offset;
	if (form == FORM_32) /* long mode's DS base is 0, as FORM_FLAT has it */
		return (uint32_t)(offset + c->seg_base[i->seg]);
	return mem_ea(c, i);
}

/* Host pointers for reading, and for writing n bytes (at most a page), at
 * an address of form `form`. */
static ALWAYS_INLINE void *form_rptr(struct cpu *c, uint64_t a, int form)
{
	return form == FORM_32 ? c->mem + a : mem_rptr(c, a);
}

static ALWAYS_INLINE void *form_wptr(struct cpu *c, uint64_t a, unsigned n, int form)
{
	if (form != FORM_32)
		return mem_wptr(c, a, n);
	if (unlikely(c->code_pages[a >> GUEST_PAGE_SHIFT]))
		mem_smc_store(c, a, n);
	return c->mem + a;
}

/* Loads and stores of operand size osz at an address of form `form`. */
static ALWAYS_INLINE uint64_t form_ld(struct cpu *c, uint64_t a, unsigned osz, int form)
{
	return form == FORM_32 ? mem_ld_inside(c, a, osz) : mem_ld(c, a, osz);
}

static ALWAYS_INLINE void form_st(struct cpu *c, uint64_t a, unsigned osz, int form, uint64_t v)
{
	if (form == FORM_32)
		mem_st_inside(c, a, osz, v);
	else
		mem_st(c, a, osz, v);
}

/* An instance fname = body at operand size osz and E-operand form `form`
 * (SPEC_PLAIN), and with its chained twin fname_chained (interp/chain.h). */
#define SPEC_PLAIN(fname, body, osz, form)                                                         \
	static void fname(struct cpu *c, const struct insn *i) { body(c, i, osz, form); }
#define SPEC_INSTANCE(fname, body, osz, form)                                                      \
	SPEC_PLAIN(fname, body, osz, form)                                                         \
	static void fname##_chained(struct cpu *c, const struct insn *i)                           \
	{                                                                                          \
		body(c, i, osz, form);                                                             \
		run_next(c, i);                                                                    \
	}

/* `v`-sized operand (16/32/64 bits), E operand in each form: the
 * instances made by INSTANCE, and a chooser `fn` of those named with
 * suffix sfx */
#define SPEC_V_E_EACH(name, body, INSTANCE)                                                        \
	INSTANCE(name##_w_m, body, OSZ_16, FORM_MEM)                                               \
	INSTANCE(name##_w_r, body, OSZ_16, FORM_REG)                                               \
	INSTANCE(name##_w_f, body, OSZ_16, FORM_FLAT)                                              \
	INSTANCE(name##_w_3, body, OSZ_16, FORM_32)                                                \
	INSTANCE(name##_d_m, body, OSZ_32, FORM_MEM)                                               \
	INSTANCE(name##_d_r, body, OSZ_32, FORM_REG)                                               \
	INSTANCE(name##_d_f, body, OSZ_32, FORM_FLAT)                                              \
	INSTANCE(name##_d_3, body, OSZ_32, FORM_32)                                                \
	INSTANCE(name##_q_m, body, OSZ_64, FORM_MEM)                                               \
	INSTANCE(name##_q_r, body, OSZ_64, FORM_REG)                                               \
	INSTANCE(name##_q_f, body, OSZ_64, FORM_FLAT)                                              \
	INSTANCE(name##_q_3, body, OSZ_64, FORM_32)
#define SPEC_V_E_CHOOSER(fn, name, sfx)                                                            \
	insn_fn *fn(const struct insn *i)                                                          \
	{                                                                                          \
		static insn_fn *const v[3][FORM_COUNT] = {                                         \
			{name##_w_m##sfx, name##_w_r##sfx, name##_w_f##sfx, name##_w_3##sfx},      \
			{name##_d_m##sfx, name##_d_r##sfx, name##_d_f##sfx, name##_d_3##sfx},      \
			{name##_q_m##sfx, name##_q_r##sfx, name##_q_f##sfx, name##_q_3##sfx}};     \
		return v[i->osz - 1][form_of(i)];                                                  \
	}

/* The instances, chained twins and choosers spec_<name> and chain_<name>
 * (with `linkage` static for internal use). */
#define SPEC_V_E_VARIANTS(name, body, linkage)                                                     \
	SPEC_V_E_EACH(name, body, SPEC_INSTANCE)                                                   \
	linkage SPEC_V_E_CHOOSER(spec_##name, name, )                                              \
	linkage SPEC_V_E_CHOOSER(chain_##name, name, _chained)

#define SPEC_V_E(name, body)                                                                       \
	SPEC_V_E_VARIANTS(name, body, )                                                            \
	void op_##name(struct cpu *c, const struct insn *i) { body(c, i, i->osz, form_of(i)); }

/* For rows that end a block: the instances and spec_<name> only. */
#define SPEC_V_E_STOP(name, body)                                                                  \
	SPEC_V_E_EACH(name, body, SPEC_PLAIN)                                                      \
	SPEC_V_E_CHOOSER(spec_##name, name, )                                                      \
	void op_##name(struct cpu *c, const struct insn *i) { body(c, i, i->osz, form_of(i)); }

/* byte operand, E operand in each form */
#define SPEC_B_E_CHOOSER(fn, name, sfx)                                                            \
	insn_fn *fn(const struct insn *i)                                                          \
	{                                                                                          \
		static insn_fn *const v[FORM_COUNT] = {name##_m##sfx, name##_r##sfx,               \
						       name##_f##sfx, name##_3##sfx};              \
		return v[form_of(i)];                                                              \
	}
#define SPEC_B_E(name, body)                                                                       \
	SPEC_INSTANCE(name##_m, body, OSZ_8, FORM_MEM)                                             \
	SPEC_INSTANCE(name##_r, body, OSZ_8, FORM_REG)                                             \
	SPEC_INSTANCE(name##_f, body, OSZ_8, FORM_FLAT)                                            \
	SPEC_INSTANCE(name##_3, body, OSZ_8, FORM_32)                                              \
	void op_##name(struct cpu *c, const struct insn *i) { body(c, i, OSZ_8, form_of(i)); }     \
	SPEC_B_E_CHOOSER(spec_##name, name, )                                                      \
	SPEC_B_E_CHOOSER(chain_##name, name, _chained)

/* the E operand's form only (SSE's W operand): body(c, i, form) */
#define SPEC_FORM_INSTANCE(fname, body, form)                                                      \
	static void fname(struct cpu *c, const struct insn *i) { body(c, i, form); }               \
	static void fname##_chained(struct cpu *c, const struct insn *i)                           \
	{                                                                                          \
		body(c, i, form);                                                                  \
		run_next(c, i);                                                                    \
	}
#define SPEC_E(name, body)                                                                         \
	SPEC_FORM_INSTANCE(name##_m, body, FORM_MEM)                                               \
	SPEC_FORM_INSTANCE(name##_r, body, FORM_REG)                                               \
	SPEC_FORM_INSTANCE(name##_f, body, FORM_FLAT)                                              \
	SPEC_FORM_INSTANCE(name##_3, body, FORM_32)                                                \
	void op_##name(struct cpu *c, const struct insn *i) { body(c, i, form_of(i)); }            \
	SPEC_B_E_CHOOSER(spec_##name, name, )                                                      \
	SPEC_B_E_CHOOSER(chain_##name, name, _chained)

/* the operand size only (register operands, or always memory) */
#define SPEC_V_EACH(name, body, INSTANCE)                                                          \
	INSTANCE(name##_w, body, OSZ_16, FORM_REG)                                                 \
	INSTANCE(name##_d, body, OSZ_32, FORM_REG)                                                 \
	INSTANCE(name##_q, body, OSZ_64, FORM_REG)                                                 \
	void op_##name(struct cpu *c, const struct insn *i) { body(c, i, i->osz, FORM_REG); }
#define SPEC_V_CHOOSER(fn, name, sfx)                                                              \
	insn_fn *fn(const struct insn *i)                                                          \
	{                                                                                          \
		static insn_fn *const v[3] = {name##_w##sfx, name##_d##sfx, name##_q##sfx};        \
		return v[i->osz - 1];                                                              \
	}
#define SPEC_V(name, body)                                                                         \
	SPEC_V_EACH(name, body, SPEC_INSTANCE)                                                     \
	SPEC_V_CHOOSER(spec_##name, name, )                                                        \
	SPEC_V_CHOOSER(chain_##name, name, _chained)

/* For rows that end a block: the instances and spec_<name> only. */
#define SPEC_V_STOP(name, body)                                                                    \
	SPEC_V_EACH(name, body, SPEC_PLAIN)                                                        \
	SPEC_V_CHOOSER(spec_##name, name, )

/* The E operand with the form known at compile time. */
static ALWAYS_INLINE uint64_t formE_get(struct cpu *c, const struct insn *i, unsigned osz, int form)
{
	return form == FORM_REG ? gpr_get(c, i->rm, osz) : form_ld(c, form_ea(c, i, form), osz, form);
}

static ALWAYS_INLINE void formE_set(struct cpu *c, const struct insn *i, unsigned osz, int form,
				    uint64_t v)
{
	if (form == FORM_REG)
		gpr_set(c, i->rm, osz, v);
	else
		form_st(c, form_ea(c, i, form), osz, form, v);
}

#endif
