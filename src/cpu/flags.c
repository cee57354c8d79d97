/* Lazy flags: derive CF PF AF ZF SF OF from the last flag-setting operation. */
#include "cpu/cpu.h"
#include "interp/operand.h"

static unsigned parity_even(uint64_t v)
{
	unsigned b = (unsigned)v & 0xff;
	b ^= b >> 4;
	return (0x9669u >> (b & 0xf)) & 1;
}

/* Carry-out and overflow of the pending operation, as F_CF | F_OF | F_AF bits. */
static uint32_t carry_bits(unsigned kind, uint64_t dst, uint64_t src, uint64_t cin, uint64_t mask,
			   uint64_t sign)
{
	uint64_t src1;
	int cf = 0, of = 0, af = 0;
	switch (kind) {
	case CC_ADD:
	case CC_ADC:
		src1 = (dst - src - cin) & mask;
		cf = cin ? dst <= src1 : dst < src1;
		of = ((src1 ^ dst) & (src ^ dst) & sign) != 0;
		af = ((src1 ^ src ^ dst) & 0x10) != 0;
		break;
	case CC_SUB:
	case CC_SBB:
		src1 = (dst + src + cin) & mask;
		cf = cin ? src1 <= src : src1 < src;
		of = ((src1 ^ src) & (src1 ^ dst) & sign) != 0;
		af = ((src1 ^ src ^ dst) & 0x10) != 0;
		break;
	case CC_INC:
		cf = src != 0;
		of = dst == sign;
		af = (dst & 0xf) == 0;
		break;
	case CC_DEC:
		cf = src != 0;
		of = dst == sign - 1;
		af = (dst & 0xf) == 0xf;
		break;
	case CC_SHL:
		cf = (src & sign) != 0;
		of = ((dst & sign) != 0) ^ cf;
		break;
	case CC_SAR:
		cf = src & 1;
		of = ((src ^ dst) & sign) != 0;
		break;
	case CC_MUL: cf = of = src != 0; break;
	default: /* CC_LOGIC */ break;
	}
	return (cf ? F_CF : 0) | (of ? F_OF : 0) | (af ? F_AF : 0);
}

uint32_t cpu_arith_flags(const struct cpu *c)
{
	unsigned kind = c->cc_op >> 2, lg = c->cc_op & 3;
	if (kind == CC_EFLAGS)
		return c->eflags & F_ARITH;
	uint64_t mask = size_mask(lg), sign = sign_bit(lg);
	uint64_t dst = c->cc_dst & mask, src = c->cc_src & mask;
	uint64_t cin = (kind == CC_ADC || kind == CC_SBB) ? (c->cc_src2 & 1) : 0;
	uint32_t f = carry_bits(kind, dst, src, cin, mask, sign);
	if (dst == 0)
		f |= F_ZF;
	if (dst & sign)
		f |= F_SF;
	if (parity_even(dst))
		f |= F_PF;
	return f;
}

void cpu_flags_materialize(struct cpu *c)
{
	uint32_t f = cpu_arith_flags(c);
	c->eflags = (c->eflags & ~F_ARITH) | f;
	c->cc_op = CC_OP(CC_EFLAGS, 0);
}

uint32_t cpu_get_eflags(struct cpu *c) { return (c->eflags & ~F_ARITH) | cpu_arith_flags(c) | 0x2; }

void cpu_set_eflags(struct cpu *c, uint32_t value, uint32_t mask)
{
	c->eflags = (c->eflags & ~mask) | (value & mask);
	c->cc_op = CC_OP(CC_EFLAGS, 0);
}
