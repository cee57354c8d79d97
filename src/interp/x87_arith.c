/* x87 arithmetic: FADD FMUL FSUB FSUBR FDIV FDIVR in every form, FCHS, FABS,
 * FSQRT, FRNDINT, FSCALE, FPREM, FPREM1, FXTRACT, and the register-operand
 * shapes the transcendental handlers share. */
#include "interp/x87.h"
#include "isa_handlers.h"

/* The operation ModRM.reg selects in D8 and in the memory forms (2 and 3
 * are the compares). */
static enum x87_arith arith_op(const struct insn *i)
{
	unsigned reg = i->reg & 7;
	return (enum x87_arith)(reg < 2 ? reg : reg - 2);
}

/* DC and DE register forms have ST(i) as destination and encode the reversed
 * subtractions and divisions where D8 has the plain ones. */
static enum x87_arith arith_op_reversed(const struct insn *i)
{
	unsigned reg = i->reg & 7;
	return (enum x87_arith)(reg < 2 ? reg : (reg - 2) ^ 1);
}

static void write_indefinite(struct cpu *c, unsigned st)
{
	fpreg_t indef = x87_indefinite();
	x87_write(c, st, &indef);
}

/* ST(dst) = ST(dst) op ST(src), then pop if asked. */
static X87_SOFT void arith_regs(struct cpu *c, const struct insn *i, enum x87_arith op,
				unsigned dst, unsigned src, int pop)
{
	x87_wait(c, i);
	if (x87_empty(c, dst) || x87_empty(c, src)) {
		if (!x87_underflow(c))
			goto out;
		write_indefinite(c, dst);
	} else {
		struct x87h_io io;
		fpreg_t *d = x87_st(c, dst);
		x87_io_at(c, &io, d, x87_st(c, src), d);
		if (!x87_status(c, x87h_run_at(c, XK_ARITH + op, x87_cw_reg(c), &io), FSW_C1,
				ABORT_REG))
			goto out;
		x87_keep(&io, d);
	}
	if (pop)
		x87_pop(c);
out:
	x87_retire(c, i);
}

X87_CHAINED_REG(farith_st0, arith_regs(c, i, arith_op(i), 0, i->rm & 7, 0))

X87_CHAINED_REG(farith_sti, arith_regs(c, i, arith_op_reversed(i), i->rm & 7, 0, 0))

X87_CHAINED_REG(farith_stp, arith_regs(c, i, arith_op_reversed(i), i->rm & 7, 0, 1))

/* ST(0) = ST(0) op memory; the escape byte gives the format: D8 m32fp,
 * DA m32int, DC m64fp, DE m16int. */
static X87_SOFT void farith_mem(struct cpu *c, const struct insn *i)
{
	static const uint8_t fmt_of_escape[4] = {FMT_F32, FMT_I32, FMT_F64, FMT_I16};
	enum x87_fmt fmt = (enum x87_fmt)fmt_of_escape[(i->opc >> 1) & 3];
	struct x87h_io io;
	x87_wait(c, i);
	uint64_t ea = x87_read_mem(c, i, &io, x87_fmt_bytes[fmt]);
	if (x87_empty(c, 0)) {
		if (x87_underflow(c))
			write_indefinite(c, 0);
	} else {
		fpreg_t *st0 = x87_st(c, 0);
		x87_io_at(c, &io, st0, st0, st0);
		uint16_t sw = x87h_run_at(c, XK_ARITH_MEM + fmt * AR_COUNT + arith_op(i),
					  x87_cw_reg(c), &io);
		if (x87_status(c, sw, FSW_C1, ABORT_REG))
			x87_keep(&io, st0);
	}
	x87_retire_mem(c, i, ea);
}
X87_CHAINED_LOAD(farith_mem, farith_mem(c, i))

/* FCHS and FABS touch only the sign, whatever the operand, and raise
 * nothing but the stack fault. */
static X87_SOFT void sign_op(struct cpu *c, const struct insn *i, uint16_t and_mask,
			     uint16_t xor_mask)
{
	x87_wait(c, i);
	if (x87_empty(c, 0)) {
		if (x87_underflow(c))
			write_indefinite(c, 0);
	} else {
		fpreg_t v;
		x87_copy(&v, x87_st(c, 0));
		v.raw.sexp = (uint16_t)((v.raw.sexp & and_mask) ^ xor_mask);
		c->fpu.fsw &= (uint16_t)~FSW_C1;
		x87_write(c, 0, &v);
	}
	x87_retire(c, i);
}

X87_CHAINED_REG(fchs, sign_op(c, i, 0xffff, 0x8000))

X87_CHAINED_REG(fabs, sign_op(c, i, 0x7fff, 0))

void x87_op_st0(struct cpu *c, const struct insn *i, enum x87h_kernel k, uint16_t cc_mask)
{
	X87_RESIDENT_REG(c, i);
	x87_wait(c, i);
	if (x87_empty(c, 0)) {
		if (x87_underflow(c))
			write_indefinite(c, 0);
	} else {
		struct x87h_io io;
		fpreg_t *st0 = x87_st(c, 0);
		x87_io_at(c, &io, st0, st0, st0);
		if (x87_status(c, x87h_run_at(c, k, x87_cw_reg(c), &io), cc_mask, ABORT_REG))
			x87_keep(&io, st0);
	}
	x87_retire(c, i);
}

/* Whether r is a NaN (of any kind the x87 produces). */
static int is_nan(const fpreg_t *r)
{
	return (r->raw.sexp & 0x7fff) == 0x7fff && (r->raw.mant << 1) != 0;
}

void x87_op_st0_st1(struct cpu *c, const struct insn *i, enum x87h_kernel k, uint16_t cc_mask,
		    uint16_t cc_mask_nan)
{
	X87_RESIDENT_REG(c, i);
	x87_wait(c, i);
	if (x87_empty(c, 0) || x87_empty(c, 1)) {
		if (x87_underflow(c))
			write_indefinite(c, 0);
	} else {
		struct x87h_io io;
		x87_copy(&io.st0, x87_st(c, 0));
		x87_copy(&io.st1, x87_st(c, 1));
		uint16_t sw = x87h_run(c, k, x87_cw_reg(c), &io);
		if (x87_status(c, sw, is_nan(&io.st0) ? cc_mask_nan : cc_mask, ABORT_REG))
			x87_write(c, 0, &io.st0);
	}
	x87_retire(c, i);
}

void x87_op_st1_pop(struct cpu *c, const struct insn *i, enum x87h_kernel k)
{
	X87_RESIDENT_REG(c, i);
	x87_wait(c, i);
	if (x87_empty(c, 0) || x87_empty(c, 1)) {
		if (!x87_underflow(c))
			goto out;
		write_indefinite(c, 1);
	} else {
		struct x87h_io io;
		x87_copy(&io.st0, x87_st(c, 0));
		x87_copy(&io.st1, x87_st(c, 1));
		if (!x87_status(c, x87h_run(c, k, x87_cw_reg(c), &io), FSW_C1, ABORT_REG))
			goto out;
		x87_write(c, 1, &io.st0);
	}
	x87_pop(c);
out:
	x87_retire(c, i);
}

/* On a stack fault the hardware still pushes, with the indefinite in both
 * ST(0) and ST(1). When the kernel reports C2 (FPTAN and FSINCOS with an
 * operand beyond 2^63) nothing changes but the flags. */
void x87_op_push(struct cpu *c, const struct insn *i, enum x87h_kernel k, uint16_t cc_mask)
{
	X87_RESIDENT_REG(c, i);
	fpreg_t indef = x87_indefinite();
	x87_wait(c, i);
	if (!x87_empty(c, 7) || x87_empty(c, 0)) {
		int masked = x87_empty(c, 7) ? x87_underflow(c) : x87_overflow(c);
		if (masked) {
			x87_write(c, 0, &indef);
			x87_push(c, &indef);
		}
	} else {
		struct x87h_io io;
		x87_copy(&io.st0, x87_st(c, 0));
		uint16_t sw = x87h_run(c, k, x87_cw_reg(c), &io);
		int partial = (cc_mask & FSW_C2) && (sw & FSW_C2);
		if (x87_status(c, sw, cc_mask, ABORT_REG) && !partial) {
			x87_write(c, 0, &io.st1);
			x87_push(c, &io.st0);
		}
	}
	x87_retire(c, i);
}

X87_CHAINED_REG(fsqrt, x87_op_st0(c, i, XK_FSQRT, FSW_C1))

void op_frndint(struct cpu *c, const struct insn *i) { x87_op_st0(c, i, XK_FRNDINT, FSW_C1); }

void op_fscale(struct cpu *c, const struct insn *i)
{
	x87_op_st0_st1(c, i, XK_FSCALE, FSW_C1, FSW_C1);
}

/* The partial remainders report the low quotient bits in C0, C3, C1 and an
 * unfinished reduction in C2; a NaN result leaves C0 and C3 alone. */
void op_fprem(struct cpu *c, const struct insn *i)
{
	x87_op_st0_st1(c, i, XK_FPREM, FSW_CC, FSW_C1 | FSW_C2);
}

void op_fprem1(struct cpu *c, const struct insn *i)
{
	x87_op_st0_st1(c, i, XK_FPREM1, FSW_CC, FSW_C1 | FSW_C2);
}

void op_fxtract(struct cpu *c, const struct insn *i) { x87_op_push(c, i, XK_FXTRACT, FSW_C1); }
