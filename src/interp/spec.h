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
 * x86-64 guest's larger. The last two have twins for addresses without an
 * index register, the most common (a base and a displacement). */
enum { FORM_MEM, FORM_REG, FORM_FLAT, FORM_32, FORM_FLAT_BASE, FORM_32_BASE, FORM_COUNT };

static ALWAYS_INLINE int form_of(const struct insn *i)
{
	if (i->mod == 3)
		return FORM_REG;
	if (i->seg == SEG_FS || i->seg == SEG_GS)
		return FORM_MEM;
	int no_index = i->index == R_NONE;
	if (i->asz == OSZ_64)
		return no_index ? FORM_FLAT_BASE : FORM_FLAT;
	if (i->asz == OSZ_32)
		return no_index ? FORM_32_BASE : FORM_32;
	return FORM_MEM;
}

static ALWAYS_INLINE int form_is_32(int form) { return form == FORM_32 || form == FORM_32_BASE; }

static ALWAYS_INLINE uint64_t form_ea(const struct cpu *c, const struct insn *i, int form)
{
	uint64_t offset = c->r[i->base] + i->disp;
	if (form != FORM_FLAT_BASE && form != FORM_32_BASE)
		offset += c->r[i->index] << i->scale;
	if (form == FORM_FLAT || form == FORM_FLAT_BASE)
		return offset;
	if (form_is_32(form)) /* long mode's DS base is 0, as FORM_FLAT has it */
		return (uint32_t)(offset + c->seg_base[i->seg]);
	return mem_ea(c, i);
}

/* Host pointers for reading, and for writing n bytes (at most a page), at
 * an address of form `form`. */
static ALWAYS_INLINE void *form_rptr(struct cpu *c, uint64_t a, int form)
{
	return form_is_32(form) ? c->mem + a : mem_rptr(c, a);
}

static ALWAYS_INLINE void *form_wptr(struct cpu *c, uint64_t a, unsigned n, int form)
{
	if (!form_is_32(form))
		return mem_wptr(c, a, n);
	if (unlikely(c->code_pages[a >> GUEST_PAGE_SHIFT]))
		mem_smc_call(c, a, n);
	return c->mem + a;
}

/* Loads and stores of operand size osz at an address of form `form`. */
static ALWAYS_INLINE uint64_t form_ld(struct cpu *c, uint64_t a, unsigned osz, int form)
{
	return form_is_32(form) ? mem_ld_inside(c, a, osz) : mem_ld(c, a, osz);
}

static ALWAYS_INLINE void form_st(struct cpu *c, uint64_t a, unsigned osz, int form, uint64_t v)
{
	if (form_is_32(form))
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

/* The instances INSTANCE makes of body at operand size osz, one per form,
 * named fname_<form>; and the row of a chooser's table that names them
 * (with suffix sfx), in the order of the forms. */
#define SPEC_EACH_FORM(INSTANCE, fname, body, osz)                                                 \
	INSTANCE(fname##_m, body, osz, FORM_MEM)                                                   \
	INSTANCE(fname##_r, body, osz, FORM_REG)                                                   \
	INSTANCE(fname##_f, body, osz, FORM_FLAT)                                                  \
	INSTANCE(fname##_3, body, osz, FORM_32)                                                    \
	INSTANCE(fname##_fb, body, osz, FORM_FLAT_BASE)                                            \
	INSTANCE(fname##_3b, body, osz, FORM_32_BASE)
#define SPEC_FORM_ROW(fname, sfx)                                                                  \
	{                                                                                          \
		fname##_m##sfx, fname##_r##sfx, fname##_f##sfx, fname##_3##sfx, fname##_fb##sfx,   \
			fname##_3b##sfx                                                            \
	}

/* `v`-sized operand (16/32/64 bits), E operand in each form: the
 * instances made by INSTANCE, and a chooser `fn` of those named with
 * suffix sfx */
#define SPEC_V_E_EACH(name, body, INSTANCE)                                                        \
	SPEC_EACH_FORM(INSTANCE, name##_w, body, OSZ_16)                                           \
	SPEC_EACH_FORM(INSTANCE, name##_d, body, OSZ_32)                                           \
	SPEC_EACH_FORM(INSTANCE, name##_q, body, OSZ_64)
#define SPEC_V_E_CHOOSER(fn, name, sfx)                                                            \
	insn_fn *fn(const struct insn *i)                                                          \
	{                                                                                          \
		static insn_fn *const v[3][FORM_COUNT] = {SPEC_FORM_ROW(name##_w, sfx),            \
							  SPEC_FORM_ROW(name##_d, sfx),            \
							  SPEC_FORM_ROW(name##_q, sfx)};           \
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

/* For branches, which end a block: the chained twins go on into the next
 * block (run_next_block); an indirect branch's (JMP and CALL through an
 * operand, RET: SPEC_IBRANCH_INSTANCE) by its block's targets
 * (run_next_block_indirect). */
#define SPEC_BRANCH_INSTANCE(fname, body, osz, form)                                               \
	SPEC_PLAIN(fname, body, osz, form)                                                         \
	static void fname##_chained(struct cpu *c, const struct insn *i)                           \
	{                                                                                          \
		body(c, i, osz, form);                                                             \
		run_next_block(c, i, 1);                                                           \
	}
#define SPEC_IBRANCH_INSTANCE(fname, body, osz, form)                                              \
	SPEC_PLAIN(fname, body, osz, form)                                                         \
	static void fname##_chained(struct cpu *c, const struct insn *i)                           \
	{                                                                                          \
		body(c, i, osz, form);                                                             \
		run_next_block_indirect(c, i);                                                     \
	}
#define SPEC_V_E_BRANCH(name, body)                                                                \
	SPEC_V_E_EACH(name, body, SPEC_IBRANCH_INSTANCE)                                           \
	SPEC_V_E_CHOOSER(spec_##name, name, )                                                      \
	SPEC_V_E_CHOOSER(chain_##name, name, _chained)                                             \
	void op_##name(struct cpu *c, const struct insn *i) { body(c, i, i->osz, form_of(i)); }

/* byte operand, E operand in each form */
#define SPEC_B_E_CHOOSER(fn, name, sfx)                                                            \
	insn_fn *fn(const struct insn *i)                                                          \
	{                                                                                          \
		static insn_fn *const v[FORM_COUNT] = SPEC_FORM_ROW(name, sfx);                    \
		return v[form_of(i)];                                                              \
	}
#define SPEC_B_E(name, body)                                                                       \
	SPEC_EACH_FORM(SPEC_INSTANCE, name, body, OSZ_8)                                           \
	void op_##name(struct cpu *c, const struct insn *i) { body(c, i, OSZ_8, form_of(i)); }     \
	SPEC_B_E_CHOOSER(spec_##name, name, )                                                      \
	SPEC_B_E_CHOOSER(chain_##name, name, _chained)

/* the E operand's form only (SSE's W operand): body(c, i, form) */
#define SPEC_FORM_INSTANCE(fname, body, osz, form)                                                 \
	static void fname(struct cpu *c, const struct insn *i) { body(c, i, form); }               \
	static void fname##_chained(struct cpu *c, const struct insn *i)                           \
	{                                                                                          \
		body(c, i, form);                                                                  \
		run_next(c, i);                                                                    \
	}
#define SPEC_E(name, body)                                                                         \
	SPEC_EACH_FORM(SPEC_FORM_INSTANCE, name, body, 0)                                          \
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

/* ... for branches (SPEC_BRANCH_INSTANCE), and indirect ones */
#define SPEC_V_BRANCH(name, body)                                                                  \
	SPEC_V_EACH(name, body, SPEC_BRANCH_INSTANCE)                                              \
	SPEC_V_CHOOSER(spec_##name, name, )                                                        \
	SPEC_V_CHOOSER(chain_##name, name, _chained)
#define SPEC_V_IBRANCH(name, body)                                                                 \
	SPEC_V_EACH(name, body, SPEC_IBRANCH_INSTANCE)                                             \
	SPEC_V_CHOOSER(spec_##name, name, )                                                        \
	SPEC_V_CHOOSER(chain_##name, name, _chained)

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
