/* Templates for data movement: MOV in its register, memory and immediate
 * forms, LEA, MOVZX/MOVSX/MOVSXD, and the NOPs. */
#include "cpu/cpu.h"
#include "jit/jit_tmpl.h"

#if HEXVM_JIT

static int mov_EG(struct jt *t, const struct insn *i, unsigned size)
{
	if (!jt_mem_operand(t, i, size, 1))
		return 0;
	jt_load_G(t, i, size, RCX);
	jt_store_E(t, i, size, RCX);
	return 1;
}

static int mov_GE(struct jt *t, const struct insn *i, unsigned size)
{
	if (!jt_mem_operand(t, i, size, 0))
		return 0;
	jt_load_E(t, i, size, RCX);
	jt_store_G(t, i, size, RCX);
	return 1;
}

static int mov_EI(struct jt *t, const struct insn *i, unsigned osz)
{
	unsigned size = 1u << osz;
	uint64_t v = i->imm & jt_size_mask(osz);
	if (size == 8 && (int64_t)v != (int32_t)v)
		return 0;
	if (!jt_mem_operand(t, i, size, 1))
		return 0;
	if (i->mod == 3) {
		x64_mov_imm(&t->e, RCX, v);
		jt_store_E(t, i, size, RCX);
	} else {
		x64_store_imm(&t->e, size, jt_guest(), (uint32_t)v);
	}
	return 1;
}

int tmpl_mov_EvGv(struct jt *t, const struct insn *i) { return mov_EG(t, i, 1u << i->osz); }
int tmpl_mov_EbGb(struct jt *t, const struct insn *i) { return mov_EG(t, i, 1); }
int tmpl_mov_GvEv(struct jt *t, const struct insn *i) { return mov_GE(t, i, 1u << i->osz); }
int tmpl_mov_GbEb(struct jt *t, const struct insn *i) { return mov_GE(t, i, 1); }
int tmpl_mov_EvIz(struct jt *t, const struct insn *i) { return mov_EI(t, i, i->osz); }
int tmpl_mov_EbIb(struct jt *t, const struct insn *i) { return mov_EI(t, i, OSZ_8); }

int tmpl_mov_ZvIv(struct jt *t, const struct insn *i)
{
	x64_mov_imm(&t->e, RCX, i->imm & jt_size_mask(i->osz));
	jt_set_reg(t, i->reg, 1u << i->osz, RCX);
	return 1;
}

int tmpl_mov_ZbIb(struct jt *t, const struct insn *i)
{
	x64_mov_imm(&t->e, RCX, i->imm & 0xff);
	jt_set_byte(t, i->reg, RCX);
	return 1;
}

/* the offset part only: no segment base */
int tmpl_lea(struct jt *t, const struct insn *i)
{
	if (i->asz == OSZ_16)
		return 0;
	jt_offset(t, i);
	jt_set_reg(t, i->reg, 1u << i->osz, RAX);
	return 1;
}

/* E of `from` bytes, zero- or sign-extended by host opcode `op` (acting
 * on `to` bytes) into G */
static int extend(struct jt *t, const struct insn *i, unsigned from, uint32_t op, unsigned to)
{
	if (!jt_mem_operand(t, i, from, 0))
		return 0;
	if (i->mod != 3) {
		x64_rm(&t->e, to, op, RCX, jt_guest());
	} else if (from == 1 && i->rm % 8) { /* AH..BH */
		jt_get_byte(t, i->rm, RCX);
		x64_rr(&t->e, to, op, RCX, RCX);
	} else { /* the pool's byte registers need no REX of their own */
		x64_rr(&t->e, to, op, RCX, jt_reg(t, from == 1 ? i->rm / 8 : i->rm));
	}
	jt_store_G(t, i, 1u << i->osz, RCX);
	return 1;
}

int tmpl_movzx_GvEb(struct jt *t, const struct insn *i) { return extend(t, i, 1, 0x0fb6, 4); }
int tmpl_movzx_GvEw(struct jt *t, const struct insn *i) { return extend(t, i, 2, 0x0fb7, 4); }
int tmpl_movsx_GvEb(struct jt *t, const struct insn *i) { return extend(t, i, 1, 0x0fbe, 8); }
int tmpl_movsx_GvEw(struct jt *t, const struct insn *i) { return extend(t, i, 2, 0x0fbf, 8); }
int tmpl_movsxd(struct jt *t, const struct insn *i) { return extend(t, i, 4, 0x63, 8); }

int tmpl_nop(struct jt *t, const struct insn *i)
{
	(void)t;
	(void)i;
	return 1;
}

#endif
