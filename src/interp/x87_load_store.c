/* x87 data transfer: FLD/FILD/FBLD, FST/FIST/FISTTP/FBSTP, the constants,
 * FXCH, FCMOVcc, FFREE. */
#include "cpu/cond.h"
#include "interp/x87.h"
#include "isa_handlers.h"

/* ---- loads ---- */

/* The response to a push onto a full stack (ST(7) in use). */
static void push_overflow(struct cpu *c)
{
	if (x87_overflow(c)) {
		fpreg_t indef = x87_indefinite();
		x87_push(c, &indef);
	}
}

/* A push there is room for. */
static void push_value(struct cpu *c, const fpreg_t *v)
{
	c->fpu.fsw &= (uint16_t)~FSW_C1;
	x87_push(c, v);
}

/* The register value of the float in `bits` (exp_bits of exponent with
 * bias `bias`, frac_bits of fraction), when it converts without raising
 * anything and so needs no host: a normal number, a zero or an infinity.
 * Returns 0 for the rest: denormals raise denormal, signalling NaNs
 * invalid, and the host normalizes or quiets them. */
static ALWAYS_INLINE int convert_exact(uint64_t bits, unsigned exp_bits, unsigned frac_bits,
				       unsigned bias, fpreg_t *v)
{
	unsigned exp_max = (1u << exp_bits) - 1;
	unsigned exp = (unsigned)(bits >> frac_bits) & exp_max;
	uint64_t frac = bits & ((1ull << frac_bits) - 1);
	uint16_t sign = (bits >> (exp_bits + frac_bits)) & 1 ? 0x8000 : 0;
	if (exp != 0 && exp != exp_max) {
		v->raw.mant = 1ull << 63 | frac << (63 - frac_bits);
		v->raw.sexp = (uint16_t)(sign | (exp - bias + 16383));
	} else if (frac != 0) {
		return 0;
	} else {
		v->raw.mant = exp ? 1ull << 63 : 0;
		v->raw.sexp = (uint16_t)(sign | (exp ? 0x7fff : 0));
	}
	return 1;
}

/* The m32fp or m64fp operand a kernel's io.mem holds, as an integer. */
static ALWAYS_INLINE uint64_t float_bits(const struct x87h_io *io, enum x87_fmt fmt)
{
	uint32_t f;
	uint64_t d;
	if (fmt == FMT_F32) {
		memcpy(&f, io->mem, 4);
		return f;
	}
	memcpy(&d, io->mem, 8);
	return d;
}

/* Whether the m32fp or m64fp operand in io.mem converts without the host;
 * then *v is its value. */
static ALWAYS_INLINE int load_exact(const struct x87h_io *io, enum x87_fmt fmt, fpreg_t *v)
{
	if (fmt == FMT_F64)
		return convert_exact(float_bits(io, fmt), 11, 52, 1023, v);
	if (fmt == FMT_F32)
		return convert_exact(float_bits(io, fmt), 8, 23, 127, v);
	return 0;
}

/* Loads a memory operand of format fmt through the host's conversion, which
 * raises invalid for a signalling NaN and denormal for a denormal. Only an
 * unmasked invalid stops the push. */
static X87_SOFT void load_converted(struct cpu *c, const struct insn *i, enum x87_fmt fmt)
{
	struct x87h_io io;
	x87_wait(c, i);
	uint64_t ea = x87_read_mem(c, i, &io, x87_fmt_bytes[fmt]);
	if (!x87_empty(c, 7)) {
		push_overflow(c);
	} else if (load_exact(&io, fmt, &io.st0)) {
		push_value(c, &io.st0);
	} else {
		uint16_t sw = x87h_run(c, XK_LOAD + fmt, x87_cw_all(c), &io);
		if (x87_status(c, sw, FSW_C1, FSW_IE))
			x87_push(c, &io.st0);
	}
	x87_retire_mem(c, i, ea);
}

X87_CHAINED_LOAD(fld_m32, load_converted(c, i, FMT_F32))

X87_CHAINED_LOAD(fld_m64, load_converted(c, i, FMT_F64))

X87_CHAINED_LOAD(fild_m16, load_converted(c, i, FMT_I16))

X87_CHAINED_LOAD(fild_m32, load_converted(c, i, FMT_I32))

X87_CHAINED_LOAD(fild_m64, load_converted(c, i, FMT_I64))

void op_fbld(struct cpu *c, const struct insn *i)
{
	X87_RESIDENT_LOAD(c, i);
	load_converted(c, i, FMT_BCD);
}

/* The 80-bit format is the register format: no conversion, no exception. */
void op_fld_m80(struct cpu *c, const struct insn *i)
{
	fpreg_t v = {0};
	X87_RESIDENT_LOAD(c, i);
	x87_wait(c, i);
	mem_read(c, mem_ea(c, i), v.bytes, 10);
	if (x87_empty(c, 7))
		push_value(c, &v);
	else
		push_overflow(c);
	x87_retire(c, i);
}

static X87_SOFT void fld_sti(struct cpu *c, const struct insn *i)
{
	unsigned src = i->rm & 7;
	x87_wait(c, i);
	if (!x87_empty(c, 7)) {
		push_overflow(c);
	} else if (!x87_empty(c, src)) {
		fpreg_t v;
		x87_copy(&v, x87_st(c, src));
		push_value(c, &v);
	} else if (x87_underflow(c)) {
		fpreg_t indef = x87_indefinite();
		x87_push(c, &indef);
	}
	x87_retire(c, i);
}
X87_CHAINED_REG(fld_sti, fld_sti(c, i))

/* FLD1, FLDL2T, FLDL2E, FLDPI, FLDLG2, FLDLN2, FLDZ (D9 E8..EE): the host
 * rounds the constants by the rounding control, as the hardware does; 1
 * and 0 are exact. */
static X87_SOFT void fldconst(struct cpu *c, const struct insn *i)
{
	struct x87h_io io;
	unsigned which = i->rm & 7;
	x87_wait(c, i);
	if (!x87_empty(c, 7)) {
		push_overflow(c);
	} else if (which == 0 || which == 6) {
		io.st0.raw.mant = which ? 0 : 1ull << 63;
		io.st0.raw.sexp = which ? 0 : 0x3fff;
		push_value(c, &io.st0);
	} else {
		x87h_run(c, XK_CONST + which, x87_cw_all(c), &io);
		push_value(c, &io.st0);
	}
	x87_retire(c, i);
}
X87_CHAINED_REG(fldconst, fldconst(c, i))

/* ---- stores ---- */

/* Stores ST(0) in format fmt, rounded under control word fcw, then pops if
 * asked. An empty ST(0) under masked invalid stores the format's indefinite
 * (which converting the indefinite QNaN gives); any unmasked exception but
 * precision leaves memory and the stack alone. */
static X87_SOFT void store_converted(struct cpu *c, const struct insn *i, enum x87_fmt fmt,
				     uint16_t fcw, int pop)
{
	struct x87h_io io;
	x87_wait(c, i);
	int empty = x87_empty(c, 0);
	uint64_t ea = mem_ea(c, i);
	if (empty && !(c->fpu.fcw & FSW_IE)) {
		x87_underflow(c);
		x87_retire_mem(c, i, ea);
		return;
	}
	const fpreg_t *st0 = x87_st(c, 0);
	if (unlikely(empty)) { /* not built otherwise: a 16-byte copy of it stalls */
		io.st1 = x87_indefinite();
		st0 = &io.st1;
	}
	x87_io_at(c, &io, st0, st0, &io.st0);
	uint16_t sw = x87h_run_at(c, XK_STORE + fmt, fcw | FCW_MASKS, &io);
	int done = x87_completes(c, sw, ABORT_MEM);
	if (done)
		x87_mem_out(c, ea, &io, x87_fmt_bytes[fmt]);
	x87_status(c, sw, FSW_C1, ABORT_MEM);
	if (empty)
		x87_underflow(c);
	if (done && pop)
		x87_pop(c);
	x87_retire_mem(c, i, ea);
}

X87_CHAINED_STORE(fst_m32, 4, store_converted(c, i, FMT_F32, c->fpu.fcw, 0))

X87_CHAINED_STORE(fstp_m32, 4, store_converted(c, i, FMT_F32, c->fpu.fcw, 1))

X87_CHAINED_STORE(fst_m64, 8, store_converted(c, i, FMT_F64, c->fpu.fcw, 0))

X87_CHAINED_STORE(fstp_m64, 8, store_converted(c, i, FMT_F64, c->fpu.fcw, 1))

X87_CHAINED_STORE(fist_m16, 2, store_converted(c, i, FMT_I16, c->fpu.fcw, 0))

X87_CHAINED_STORE(fistp_m16, 2, store_converted(c, i, FMT_I16, c->fpu.fcw, 1))

X87_CHAINED_STORE(fist_m32, 4, store_converted(c, i, FMT_I32, c->fpu.fcw, 0))

X87_CHAINED_STORE(fistp_m32, 4, store_converted(c, i, FMT_I32, c->fpu.fcw, 1))

X87_CHAINED_STORE(fistp_m64, 8, store_converted(c, i, FMT_I64, c->fpu.fcw, 1))

/* FISTTP is FISTP that truncates whatever the rounding control says. */
X87_CHAINED_STORE(fisttp_m16, 2, store_converted(c, i, FMT_I16, c->fpu.fcw | FCW_RC_CHOP, 1))

X87_CHAINED_STORE(fisttp_m32, 4, store_converted(c, i, FMT_I32, c->fpu.fcw | FCW_RC_CHOP, 1))

X87_CHAINED_STORE(fisttp_m64, 8, store_converted(c, i, FMT_I64, c->fpu.fcw | FCW_RC_CHOP, 1))

void op_fbstp(struct cpu *c, const struct insn *i)
{
	X87_RESIDENT_STORE(c, i, 10);
	store_converted(c, i, FMT_BCD, c->fpu.fcw, 1);
}

void op_fstp_m80(struct cpu *c, const struct insn *i)
{
	X87_RESIDENT_STORE(c, i, 10);
	x87_wait(c, i);
	int empty = x87_empty(c, 0);
	if (!empty || (c->fpu.fcw & FSW_IE)) {
		fpreg_t v = {0};
		x87_get(c, 0, &v);
		mem_write(c, mem_ea(c, i), v.bytes, 10);
		c->fpu.fsw &= (uint16_t)~FSW_C1;
		x87_pop(c);
	}
	if (empty)
		x87_underflow(c);
	x87_retire(c, i);
}

/* FST/FSTP ST(i): a plain copy, no exception but the stack fault. */
static X87_SOFT void store_reg(struct cpu *c, const struct insn *i, int pop)
{
	x87_wait(c, i);
	if (!x87_empty(c, 0)) {
		fpreg_t v;
		x87_copy(&v, x87_st(c, 0));
		c->fpu.fsw &= (uint16_t)~FSW_C1;
		x87_write(c, i->rm & 7, &v);
		if (pop)
			x87_pop(c);
	} else if (x87_underflow(c)) {
		fpreg_t indef = x87_indefinite();
		x87_write(c, i->rm & 7, &indef);
		if (pop)
			x87_pop(c);
	}
	x87_retire(c, i);
}

X87_CHAINED_REG(fst_sti, store_reg(c, i, 0))

X87_CHAINED_REG(fstp_sti, store_reg(c, i, 1))

/* ---- register moves ---- */

/* Under masked invalid, an empty register takes part as the indefinite. */
static X87_SOFT void fxch(struct cpu *c, const struct insn *i)
{
	unsigned other = i->rm & 7;
	x87_wait(c, i);
	int empty = x87_empty(c, 0) || x87_empty(c, other);
	if (!empty || x87_underflow(c)) {
		fpreg_t a, b;
		x87_get(c, 0, &a);
		x87_get(c, other, &b);
		if (!empty)
			c->fpu.fsw &= (uint16_t)~FSW_C1;
		x87_write(c, 0, &b);
		x87_write(c, other, &a);
	}
	x87_retire(c, i);
}
X87_CHAINED_REG(fxch, fxch(c, i))

/* FCMOVcc: the conditions are those of Jcc: B, E, BE, U and their negations
 * (DA C0..DF, DB C0..DF by ModRM.reg). */
void op_fcmov(struct cpu *c, const struct insn *i)
{
	static const uint8_t cond[4] = {0x2, 0x4, 0x6, 0xa};
	unsigned src = i->rm & 7;
	unsigned cc = cond[i->reg & 3] | (i->opc == 0xdb);
#if X87_RESIDENT_HOST
	if (x87_resident(c)) { /* as FCMOVB, with the host's CF the condition */
		x87r_call_cf(x87r_stub_at(0x2c0 | src), cond_lazy(c, cc) != 0);
		x87_retire(c, i);
		return;
	}
#endif
	x87_wait(c, i);
	if (x87_empty(c, 0) || x87_empty(c, src)) {
		if (x87_underflow(c) && cond_lazy(c, cc)) {
			fpreg_t indef = x87_indefinite();
			x87_write(c, 0, &indef);
		}
	} else if (cond_lazy(c, cc)) {
		fpreg_t v;
		x87_copy(&v, x87_st(c, src));
		x87_write(c, 0, &v);
	}
	x87_retire(c, i);
}

void op_ffree(struct cpu *c, const struct insn *i)
{
	X87_RESIDENT_REG(c, i);
	x87_wait(c, i);
	x87_set_tag(c, x87_phys(c, i->rm & 7), TAG_EMPTY);
	x87_retire(c, i);
}

/* FFREEP (DF C0+i): frees ST(i), then pops. */
void op_ffreep(struct cpu *c, const struct insn *i)
{
	X87_RESIDENT_REG(c, i);
	x87_wait(c, i);
	x87_set_tag(c, x87_phys(c, i->rm & 7), TAG_EMPTY);
	x87_pop(c);
	x87_retire(c, i);
}
