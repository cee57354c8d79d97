/* x87 transcendental instructions. They run on the host's own x87 unit (see
 * x87_host.h), whose results differ from the C library's sinl, atan2l and
 * friends: FSIN reduces its argument with a 66-bit pi, for one. */
#include "interp/x87.h"
#include "isa_handlers.h"

/* FSIN, FCOS, FPTAN and FSINCOS report an operand beyond +-2^63 in C2. */
#define CC_TRIG (FSW_C1 | FSW_C2)

void op_fsin(struct cpu *c, const struct insn *i) { x87_op_st0(c, i, XK_FSIN, CC_TRIG); }

void op_fcos(struct cpu *c, const struct insn *i) { x87_op_st0(c, i, XK_FCOS, CC_TRIG); }

void op_fptan(struct cpu *c, const struct insn *i) { x87_op_push(c, i, XK_FPTAN, CC_TRIG); }

void op_fsincos(struct cpu *c, const struct insn *i) { x87_op_push(c, i, XK_FSINCOS, CC_TRIG); }

void op_f2xm1(struct cpu *c, const struct insn *i) { x87_op_st0(c, i, XK_F2XM1, FSW_C1); }

void op_fpatan(struct cpu *c, const struct insn *i) { x87_op_st1_pop(c, i, XK_FPATAN); }

void op_fyl2x(struct cpu *c, const struct insn *i) { x87_op_st1_pop(c, i, XK_FYL2X); }

void op_fyl2xp1(struct cpu *c, const struct insn *i) { x87_op_st1_pop(c, i, XK_FYL2XP1); }
