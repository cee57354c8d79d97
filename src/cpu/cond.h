/* Condition evaluation inlined into the handlers that use it (Jcc, SETcc,
 * CMOVcc): after CMP/SUB and the logic operations, which set nearly all
 * flags that branches read, the condition follows from the saved operands
 * without building EFLAGS. Operands are compared in the top bits (shifted
 * left by 64 - width), which masks and sign-extends them in one step. */
#ifndef HEXVM_CPU_COND_H
#define HEXVM_CPU_COND_H

#include "base/compiler.h"
#include "cpu/cpu.h"

static ALWAYS_INLINE int cond_fast(const struct cpu *c, unsigned cc)
{
	unsigned kind = c->cc_op >> 2, sh = 64 - (8u << (c->cc_op & 3));
	uint64_t dst = c->cc_dst << sh;
	int r;
	if (likely(kind == CC_SUB)) {
		uint64_t src = c->cc_src << sh, src1 = dst + src;
		switch (cc >> 1) {
		case 1: r = src1 < src; break;
		case 2: r = dst == 0; break;
		case 3: r = src1 <= src; break;
		case 4: r = (int64_t)dst < 0; break;
		case 6: r = (int64_t)src1 < (int64_t)src; break;
		case 7: r = (int64_t)src1 <= (int64_t)src; break;
		default: return cpu_cond(c, cc);
		}
		return r ^ (int)(cc & 1);
	}
	/* every lazy kind keeps the result itself: ZF and SF need nothing else */
	if (kind != CC_EFLAGS && ((cc >> 1) == 2 || (cc >> 1) == 4)) {
		r = (cc >> 1) == 2 ? dst == 0 : (int64_t)dst < 0;
		return r ^ (int)(cc & 1);
	}
	if (kind == CC_LOGIC) {
		switch (cc >> 1) {
		case 0:
		case 1: r = 0; break;
		case 2:
		case 3: r = dst == 0; break;
		case 4:
		case 6: r = (int64_t)dst < 0; break;
		case 7: r = (int64_t)dst <= 0; break;
		default: return cpu_cond(c, cc);
		}
		return r ^ (int)(cc & 1);
	}
	return cpu_cond(c, cc);
}

/* CF, inline for the kinds that keep it directly. */
static ALWAYS_INLINE int cf_fast(const struct cpu *c)
{
	unsigned kind = c->cc_op >> 2, sh = 64 - (8u << (c->cc_op & 3));
	switch (kind) {
	case CC_INC:
	case CC_DEC: return c->cc_src != 0;
	case CC_LOGIC: return 0;
	case CC_ADD: return (c->cc_dst << sh) < (c->cc_src << sh);
	case CC_SUB: return ((c->cc_dst + c->cc_src) << sh) < (c->cc_src << sh);
	case CC_EFLAGS: return (c->eflags & F_CF) != 0;
	default: return cpu_get_cf(c);
	}
}

#endif
