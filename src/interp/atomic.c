/* XADD, CMPXCHG, CMPXCHG8B/16B. Guest threads run one at a time on one host
 * thread, so LOCK needs no host atomics. */
#include "interp/operand.h"
#include "isa_handlers.h"

static void xadd(struct cpu *c, const struct insn *i, unsigned osz)
{
	uint64_t src = gpr_get(c, i->reg, osz), dst, sum;
	if (i->mod == 3) {
		dst = gpr_get(c, i->rm, osz);
		sum = dst + src;
		gpr_set(c, i->reg, osz, dst);
		gpr_set(c, i->rm, osz, sum);
	} else {
		uint64_t ea = mem_ea(c, i);
		dst = mem_ld(c, ea, osz);
		sum = dst + src;
		mem_st(c, ea, osz, sum);
		gpr_set(c, i->reg, osz, dst);
	}
	cc_set(c, CC_OP(CC_ADD, osz), sum, src);
}

void op_xadd_EbGb(struct cpu *c, const struct insn *i) { xadd(c, i, OSZ_8); }
void op_xadd_EvGv(struct cpu *c, const struct insn *i) { xadd(c, i, i->osz); }

static void cmpxchg(struct cpu *c, const struct insn *i, unsigned osz)
{
	unsigned acc = osz == OSZ_8 ? R_AX * 8 : R_AX;
	uint64_t a = gpr_get(c, acc, osz), dst, src = gpr_get(c, i->reg, osz);
	int equal;
	if (i->mod == 3) {
		dst = gpr_get(c, i->rm, osz);
		equal = a == dst;
		if (equal)
			gpr_set(c, i->rm, osz, src);
	} else {
		uint64_t ea = mem_ea(c, i);
		dst = mem_ld(c, ea, osz);
		equal = a == dst;
		/* the locked cycle always writes: a read-only page faults either way */
		mem_st(c, ea, osz, equal ? src : dst);
	}
	if (!equal)
		gpr_set(c, acc, osz, dst);
	cc_set(c, CC_OP(CC_SUB, osz), a - dst, dst);
}

void op_cmpxchg_EbGb(struct cpu *c, const struct insn *i) { cmpxchg(c, i, OSZ_8); }
void op_cmpxchg_EvGv(struct cpu *c, const struct insn *i) { cmpxchg(c, i, i->osz); }

static void set_zf(struct cpu *c, int zf)
{
	cpu_flags_materialize(c);
	c->eflags = (c->eflags & ~F_ZF) | (zf ? F_ZF : 0);
}

/* CMPXCHG8B, or with REX.W CMPXCHG16B (which needs a 16-byte aligned operand). */
void op_cmpxchg8b(struct cpu *c, const struct insn *i)
{
	uint64_t ea = mem_ea(c, i);
	if (i->osz == OSZ_64) {
		uint64_t m[2];
		if (ea & 15)
			cpu_gp(c);
		mem_read(c, ea, m, 16);
		int equal = m[0] == c->r[R_AX] && m[1] == c->r[R_DX];
		uint64_t w[2] = {equal ? c->r[R_BX] : m[0], equal ? c->r[R_CX] : m[1]};
		mem_write(c, ea, w, 16);
		if (!equal) {
			c->r[R_AX] = m[0];
			c->r[R_DX] = m[1];
		}
		set_zf(c, equal);
		return;
	}
	uint64_t m = mem_ld64(c, ea);
	uint64_t expect = (uint32_t)c->r[R_AX] | (uint64_t)(uint32_t)c->r[R_DX] << 32;
	uint64_t repl = (uint32_t)c->r[R_BX] | (uint64_t)(uint32_t)c->r[R_CX] << 32;
	int equal = m == expect;
	mem_st64(c, ea, equal ? repl : m);
	if (!equal) {
		gpr_set(c, R_AX, OSZ_32, m);
		gpr_set(c, R_DX, OSZ_32, m >> 32);
	}
	set_zf(c, equal);
}
