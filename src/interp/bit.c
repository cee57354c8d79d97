/* Bit instructions: BT BTS BTR BTC (register, memory with a signed bit
 * offset reaching beyond the operand, immediate), BSF BSR TZCNT LZCNT POPCNT. */
#include "interp/operand.h"
#include "isa_handlers.h"

enum bt_op { BT_TEST, BT_SET, BT_RESET, BT_COMPLEMENT };

static void set_arith(struct cpu *c, uint32_t clear, uint32_t set)
{
	cpu_flags_materialize(c);
	c->eflags = (c->eflags & ~clear) | set;
}

static uint64_t bt_apply(enum bt_op op, uint64_t v, uint64_t bit)
{
	switch (op) {
	case BT_SET: return v | bit;
	case BT_RESET: return v & ~bit;
	case BT_COMPLEMENT: return v ^ bit;
	default: return v;
	}
}

/* `offset` is the bit offset; with `from_reg` it is a signed register value
 * that may select an operand-sized word before or after the memory operand. */
static void bit_test(struct cpu *c, const struct insn *i, enum bt_op op, uint64_t offset,
		     int from_reg)
{
	unsigned osz = i->osz, w = 8u << osz;
	uint64_t bit = 1ull << (offset & (w - 1)), v, r;
	if (i->mod == 3) {
		v = gpr_get(c, i->rm, osz);
		r = bt_apply(op, v, bit);
		if (op != BT_TEST)
			gpr_set(c, i->rm, osz, r);
	} else {
		uint64_t ea = mem_ea(c, i);
		if (from_reg) {
			int64_t words = sext(offset, osz) >> (3 + osz);
			ea += (uint64_t)(words * (int64_t)(w / 8));
			if (!c->mode64)
				ea = (uint32_t)ea;
		}
		v = mem_ld(c, ea, osz);
		r = bt_apply(op, v, bit);
		if (op != BT_TEST)
			mem_st(c, ea, osz, r);
	}
	set_arith(c, F_CF, (v & bit) ? F_CF : 0);
}

void op_bt_EvGv(struct cpu *c, const struct insn *i) { bit_test(c, i, BT_TEST, c->r[i->reg], 1); }
void op_bts_EvGv(struct cpu *c, const struct insn *i) { bit_test(c, i, BT_SET, c->r[i->reg], 1); }
void op_btr_EvGv(struct cpu *c, const struct insn *i) { bit_test(c, i, BT_RESET, c->r[i->reg], 1); }
void op_btc_EvGv(struct cpu *c, const struct insn *i)
{
	bit_test(c, i, BT_COMPLEMENT, c->r[i->reg], 1);
}
void op_bt_EvIb(struct cpu *c, const struct insn *i) { bit_test(c, i, BT_TEST, i->imm, 0); }
void op_bts_EvIb(struct cpu *c, const struct insn *i) { bit_test(c, i, BT_SET, i->imm, 0); }
void op_btr_EvIb(struct cpu *c, const struct insn *i) { bit_test(c, i, BT_RESET, i->imm, 0); }
void op_btc_EvIb(struct cpu *c, const struct insn *i) { bit_test(c, i, BT_COMPLEMENT, i->imm, 0); }

/* A zero source sets ZF and leaves the destination as it was. */
void op_bsf(struct cpu *c, const struct insn *i)
{
	uint64_t v = opE_get(c, i, i->osz);
	if (v == 0) {
		set_arith(c, F_ZF, F_ZF);
		return;
	}
	gpr_set(c, i->reg, i->osz, (uint64_t)__builtin_ctzll(v));
	set_arith(c, F_ZF, 0);
}

void op_bsr(struct cpu *c, const struct insn *i)
{
	uint64_t v = opE_get(c, i, i->osz);
	if (v == 0) {
		set_arith(c, F_ZF, F_ZF);
		return;
	}
	gpr_set(c, i->reg, i->osz, (uint64_t)(63 - __builtin_clzll(v)));
	set_arith(c, F_ZF, 0);
}

void op_tzcnt(struct cpu *c, const struct insn *i)
{
	uint64_t v = opE_get(c, i, i->osz);
	uint64_t n = v ? (uint64_t)__builtin_ctzll(v) : (8u << i->osz);
	gpr_set(c, i->reg, i->osz, n);
	set_arith(c, F_CF | F_ZF, (v == 0 ? F_CF : 0) | (n == 0 ? F_ZF : 0));
}

void op_lzcnt(struct cpu *c, const struct insn *i)
{
	unsigned w = 8u << i->osz;
	uint64_t v = opE_get(c, i, i->osz);
	uint64_t n = v ? (uint64_t)(__builtin_clzll(v) - (64 - (int)w)) : w;
	gpr_set(c, i->reg, i->osz, n);
	set_arith(c, F_CF | F_ZF, (v == 0 ? F_CF : 0) | (n == 0 ? F_ZF : 0));
}

void op_popcnt(struct cpu *c, const struct insn *i)
{
	uint64_t v = opE_get(c, i, i->osz);
	gpr_set(c, i->reg, i->osz, (uint64_t)__builtin_popcountll(v));
	set_arith(c, F_ARITH, v == 0 ? F_ZF : 0);
}
