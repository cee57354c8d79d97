/* The template interface: operand helpers shared by the templates, and
 * every template the table in jit_tmpl.c names. */
#ifndef HEXVM_JIT_TMPL_H
#define HEXVM_JIT_TMPL_H

#include "jit/jit_internal.h"

static inline uint64_t jt_size_mask(unsigned osz)
{
	return osz == OSZ_64 ? ~0ull : (1ull << (8u << osz)) - 1;
}

/* The E operand (memory at rax once jt_ea ran, or the rm register) and
 * the G operand; size 1 means the byte-register forms. */
void jt_load_E(struct jt *t, const struct insn *i, unsigned size, int reg);
void jt_store_E(struct jt *t, const struct insn *i, unsigned size, int reg);
void jt_load_G(struct jt *t, const struct insn *i, unsigned size, int reg);
void jt_store_G(struct jt *t, const struct insn *i, unsigned size, int reg);

#define JT_ALU(name)                                                                               \
	jt_tmpl_fn tmpl_##name##_EvGv, tmpl_##name##_EbGb, tmpl_##name##_EvIz,                     \
		tmpl_##name##_EbIb, tmpl_##name##_ALIb, tmpl_##name##_eAXIz
#define JT_ALU_REVERSE(name) jt_tmpl_fn tmpl_##name##_GvEv, tmpl_##name##_GbEb

JT_ALU(add);
JT_ALU(or);
JT_ALU(and);
JT_ALU(sub);
JT_ALU(xor);
JT_ALU(cmp);
JT_ALU(test);
JT_ALU_REVERSE(add);
JT_ALU_REVERSE(or);
JT_ALU_REVERSE(and);
JT_ALU_REVERSE(sub);
JT_ALU_REVERSE(xor);
JT_ALU_REVERSE(cmp);

/* tmpl_move.c */
jt_tmpl_fn tmpl_mov_EvGv, tmpl_mov_EbGb, tmpl_mov_GvEv, tmpl_mov_GbEb, tmpl_mov_EvIz,
	tmpl_mov_EbIb, tmpl_mov_ZvIv, tmpl_mov_ZbIb, tmpl_lea, tmpl_movzx_GvEb, tmpl_movzx_GvEw,
	tmpl_movsx_GvEb, tmpl_movsx_GvEw, tmpl_movsxd, tmpl_nop;

/* tmpl_stack.c */
jt_tmpl_fn tmpl_push_Zv, tmpl_push_Iz, tmpl_pop_Zv, tmpl_leave;

/* tmpl_branch.c */
jt_tmpl_fn tmpl_jcc, tmpl_jmp, tmpl_call, tmpl_ret, tmpl_setcc, tmpl_cmovcc, tmpl_jmp_Ev,
	tmpl_call_Ev, tmpl_ret_Iw;

/* tmpl_arith.c */
jt_tmpl_fn tmpl_inc_Ev, tmpl_dec_Ev, tmpl_inc_Eb, tmpl_dec_Eb, tmpl_inc_Zv, tmpl_dec_Zv,
	tmpl_not_Ev, tmpl_neg_Ev, tmpl_not_Eb, tmpl_neg_Eb, tmpl_shift_EvIb, tmpl_shift_EbIb,
	tmpl_shift_Ev1, tmpl_shift_Eb1, tmpl_imul_GvEv, tmpl_imul_GvEvIz, tmpl_xchg_EvGv,
	tmpl_xchg_EbGb, tmpl_cbw, tmpl_cwd;

/* tmpl_sse.c */
jt_tmpl_fn tmpl_sse_binary, tmpl_movaps_load, tmpl_movups_load, tmpl_movaps_store,
	tmpl_movups_store, tmpl_movss_load, tmpl_movsd_load, tmpl_movq_load, tmpl_movss_store,
	tmpl_movsd_store, tmpl_movq_store, tmpl_pmovmskb, tmpl_ucomisd, tmpl_comisd, tmpl_ucomiss,
	tmpl_comiss, tmpl_palignr, tmpl_pcmpistri, tmpl_pcmpistrm;

/* A push in two steps: begin leaves the new stack pointer in rax, checked
 * for the store; the caller then puts the value in rcx (not before: a
 * store check's cold path may clobber it) and end stores it and moves the
 * stack pointer. */
void jt_push_begin(struct jt *t, unsigned size);
void jt_push_end(struct jt *t, unsigned size);
/* rcx = the popped value (zero-extended), the stack pointer moved (and
 * also in rax). */
void jt_pop_rcx(struct jt *t, unsigned size);

#endif
