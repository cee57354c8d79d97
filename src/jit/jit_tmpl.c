/* Which template translates which instruction: keyed by the generic
 * handler of the instruction's table row, so that the table and the
 * interpreter stay the one description of the instruction set. */
#include "decode/isa.h"
#include "isa_handlers.h"
#include "jit/jit_tmpl.h"

#if HEXVM_JIT

struct tmpl_entry {
	insn_fn *handler;
	jt_tmpl_fn *tmpl;
};

#define ALU_ENTRIES(name)                                                                          \
	{op_##name##_EvGv, tmpl_##name##_EvGv}, {op_##name##_EbGb, tmpl_##name##_EbGb},            \
		{op_##name##_EvIz, tmpl_##name##_EvIz}, {op_##name##_EbIb, tmpl_##name##_EbIb},    \
		{op_##name##_ALIb, tmpl_##name##_ALIb}, {op_##name##_eAXIz, tmpl_##name##_eAXIz}
#define ALU_REVERSE_ENTRIES(name)                                                                  \
	{op_##name##_GvEv, tmpl_##name##_GvEv}, {op_##name##_GbEb, tmpl_##name##_GbEb}

/* the most frequent first: the scan runs once per translated instruction */
static const struct tmpl_entry templates[] = {
	{op_mov_EvGv, tmpl_mov_EvGv},
	{op_mov_GvEv, tmpl_mov_GvEv},
	{op_jcc, tmpl_jcc},
	{op_lea, tmpl_lea},
	{op_push_Zv, tmpl_push_Zv},
	{op_pop_Zv, tmpl_pop_Zv},
	{op_call, tmpl_call},
	{op_ret, tmpl_ret},
	{op_jmp, tmpl_jmp},
	ALU_ENTRIES(cmp),
	ALU_REVERSE_ENTRIES(cmp),
	ALU_ENTRIES(test),
	ALU_ENTRIES(add),
	ALU_REVERSE_ENTRIES(add),
	ALU_ENTRIES(sub),
	ALU_REVERSE_ENTRIES(sub),
	ALU_ENTRIES(and),
	ALU_REVERSE_ENTRIES(and),
	ALU_ENTRIES(or),
	ALU_REVERSE_ENTRIES(or),
	ALU_ENTRIES(xor),
	ALU_REVERSE_ENTRIES(xor),
	{op_mov_EbGb, tmpl_mov_EbGb},
	{op_mov_GbEb, tmpl_mov_GbEb},
	{op_mov_EvIz, tmpl_mov_EvIz},
	{op_mov_EbIb, tmpl_mov_EbIb},
	{op_mov_ZvIv, tmpl_mov_ZvIv},
	{op_mov_ZbIb, tmpl_mov_ZbIb},
	{op_movzx_GvEb, tmpl_movzx_GvEb},
	{op_movzx_GvEw, tmpl_movzx_GvEw},
	{op_movsx_GvEb, tmpl_movsx_GvEb},
	{op_movsx_GvEw, tmpl_movsx_GvEw},
	{op_movsxd, tmpl_movsxd},
	{op_push_Iz, tmpl_push_Iz},
	{op_setcc, tmpl_setcc},
	{op_cmovcc, tmpl_cmovcc},
	{op_nop, tmpl_nop},
	{op_inc_Ev, tmpl_inc_Ev},
	{op_dec_Ev, tmpl_dec_Ev},
	{op_inc_Zv, tmpl_inc_Zv},
	{op_dec_Zv, tmpl_dec_Zv},
	{op_inc_Eb, tmpl_inc_Eb},
	{op_dec_Eb, tmpl_dec_Eb},
	{op_shift_EvIb, tmpl_shift_EvIb},
	{op_shift_Ev1, tmpl_shift_Ev1},
	{op_shift_EbIb, tmpl_shift_EbIb},
	{op_shift_Eb1, tmpl_shift_Eb1},
	{op_imul_GvEv, tmpl_imul_GvEv},
	{op_imul_GvEvIz, tmpl_imul_GvEvIz},
	{op_leave, tmpl_leave},
	{op_jmp_Ev, tmpl_jmp_Ev},
	{op_call_Ev, tmpl_call_Ev},
	{op_ret_Iw, tmpl_ret_Iw},
	{op_cbw, tmpl_cbw},
	{op_cwd, tmpl_cwd},
	{op_not_Ev, tmpl_not_Ev},
	{op_neg_Ev, tmpl_neg_Ev},
	{op_not_Eb, tmpl_not_Eb},
	{op_neg_Eb, tmpl_neg_Eb},
	{op_xchg_EvGv, tmpl_xchg_EvGv},
	{op_xchg_EbGb, tmpl_xchg_EbGb},
	{op_movaps_load, tmpl_movaps_load},
	{op_movups_load, tmpl_movups_load},
	{op_movaps_store, tmpl_movaps_store},
	{op_movups_store, tmpl_movups_store},
	{op_movss_load, tmpl_movss_load},
	{op_movsd_load, tmpl_movsd_load},
	{op_movq_load, tmpl_movq_load},
	{op_movss_store, tmpl_movss_store},
	{op_movsd_store, tmpl_movsd_store},
	{op_movq_store, tmpl_movq_store},
	{op_pmovmskb, tmpl_pmovmskb},
	{op_ucomisd, tmpl_ucomisd},
	{op_comisd, tmpl_comisd},
	{op_ucomiss, tmpl_ucomiss},
	{op_comiss, tmpl_comiss},
	{op_pcmpistri, tmpl_pcmpistri},
	{op_pcmpistrm, tmpl_pcmpistrm},
	{op_palignr, tmpl_palignr},
};

/* Only an instruction that runs its row's own handler: a debugger's
 * breakpoint stands in for a row's instruction with a handler of its own. */
jt_tmpl_fn *jt_template_of(const struct insn *i)
{
	if (i->patched)
		return NULL;
	insn_fn *handler = isa_descs[i->desc].fn;
	for (unsigned k = 0; k < sizeof templates / sizeof templates[0]; k++)
		if (templates[k].handler == handler)
			return templates[k].tmpl;
	return tmpl_sse_binary; /* which declines what it does not know */
}

#endif
