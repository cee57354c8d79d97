/* x87 comparisons: FCOM/FCOMP/FCOMPP, FUCOM*, FICOM*, FTST into C3 C2 C0;
 * FCOMI/FUCOMI(P) into ZF PF CF; FXAM. */
#include "interp/x87.h"
#include "isa_handlers.h"

#define CC_ORDER (FSW_C3 | FSW_C2 | FSW_C0)

/* Compares through kernel k (io pointing at the operands) into *cc: C3 C2 C0, all three (unordered) for
 * an empty operand register. Returns whether the instruction goes on to
 * pop: an unmasked exception (invalid, stack fault, denormal) still sets the
 * condition codes but stops the pops. The flags are accounted, C1 cleared. */
static ALWAYS_INLINE int compare(struct cpu *c, enum x87h_kernel k, struct x87h_io *io, int empty,
				 uint16_t *cc)
{
	if (empty) {
		*cc = (uint16_t)CC_ORDER;
		return x87_underflow(c);
	}
	uint16_t sw = x87h_run_at(c, k, x87_cw_all(c), io);
	*cc = (uint16_t)(sw & CC_ORDER);
	return x87_status(c, sw, FSW_C1, ABORT_MEM);
}

/* Pops `pops` registers if the comparison completed. */
static void pop_if(struct cpu *c, int done, int pops)
{
	while (done && pops--)
		x87_pop(c);
}

/* Sets C3 C2 C0 from a comparison and pops `pops` registers if it completed. */
static void finish_fcom(struct cpu *c, const struct insn *i, uint16_t cc, int done, int pops)
{
	x87_set_cc(c, cc);
	pop_if(c, done, pops);
	x87_retire(c, i);
}

/* ST(0) with ST(i) */
static X87_SOFT void fcom_reg(struct cpu *c, const struct insn *i, enum x87h_kernel k,
			      unsigned other, int pops)
{
	struct x87h_io io;
	x87_wait(c, i);
	x87_io_at(c, &io, x87_st(c, 0), x87_st(c, other), &io.st0);
	uint16_t cc;
	int done = compare(c, k, &io, x87_empty(c, 0) || x87_empty(c, other), &cc);
	finish_fcom(c, i, cc, done, pops);
}

X87_CHAINED_REG(fcom_sti, fcom_reg(c, i, XK_FCOM, i->rm & 7, 0))

X87_CHAINED_REG(fcomp_sti, fcom_reg(c, i, XK_FCOM, i->rm & 7, 1))

X87_CHAINED_REG(fcompp, fcom_reg(c, i, XK_FCOM, 1, 2))

X87_CHAINED_REG(fucom_sti, fcom_reg(c, i, XK_FUCOM, i->rm & 7, 0))

X87_CHAINED_REG(fucomp_sti, fcom_reg(c, i, XK_FUCOM, i->rm & 7, 1))

X87_CHAINED_REG(fucompp, fcom_reg(c, i, XK_FUCOM, 1, 2))

/* ST(0) with memory; the escape byte gives the format: D8 m32fp, DA m32int,
 * DC m64fp, DE m16int. */
static X87_SOFT void fcom_mem(struct cpu *c, const struct insn *i, int pops)
{
	static const uint8_t fmt_of_escape[4] = {FMT_F32, FMT_I32, FMT_F64, FMT_I16};
	enum x87_fmt fmt = (enum x87_fmt)fmt_of_escape[(i->opc >> 1) & 3];
	struct x87h_io io;
	x87_wait(c, i);
	uint64_t ea = x87_read_mem(c, i, &io, x87_fmt_bytes[fmt]);
	x87_io_at(c, &io, x87_st(c, 0), x87_st(c, 0), &io.st0);
	uint16_t cc;
	int done = compare(c, XK_FCOM_MEM + fmt, &io, x87_empty(c, 0), &cc);
	x87_set_cc(c, cc);
	pop_if(c, done, pops);
	x87_retire_mem(c, i, ea);
}

X87_CHAINED_LOAD(fcom_mem, fcom_mem(c, i, 0))

X87_CHAINED_LOAD(fcomp_mem, fcom_mem(c, i, 1))

static X87_SOFT void ftst(struct cpu *c, const struct insn *i)
{
	struct x87h_io io;
	x87_wait(c, i);
	x87_io_at(c, &io, x87_st(c, 0), x87_st(c, 0), &io.st0);
	uint16_t cc;
	int done = compare(c, XK_FTST, &io, x87_empty(c, 0), &cc);
	finish_fcom(c, i, cc, done, 0);
}
X87_CHAINED_REG(ftst, ftst(c, i))

#if X87_RESIDENT_HOST
/* FCOMI on the resident x87 sets the host's ZF PF CF, and clears OF SF AF,
 * as the guest's. */
static ALWAYS_INLINE void fcomi_resident(struct cpu *c, const struct insn *i)
{
	uint64_t host = x87r_call_flags(x87r_stub(i));
	c->eflags = (c->eflags & ~F_ARITH) | ((uint32_t)host & F_ARITH);
	c->cc_op = CC_OP(CC_EFLAGS, 0);
	x87_retire(c, i);
}
#endif

/* FCOMI and friends: ZF PF CF from C3 C2 C0; OF SF AF cleared. */
static X87_SOFT void fcomi(struct cpu *c, const struct insn *i, enum x87h_kernel k, int pop)
{
	struct x87h_io io;
	unsigned other = i->rm & 7;
	x87_wait(c, i);
	x87_io_at(c, &io, x87_st(c, 0), x87_st(c, other), &io.st0);
	uint16_t cc;
	int done = compare(c, k, &io, x87_empty(c, 0) || x87_empty(c, other), &cc);
	uint32_t f = (cc & FSW_C3 ? F_ZF : 0) | (cc & FSW_C2 ? F_PF : 0) | (cc & FSW_C0 ? F_CF : 0);
	c->eflags = (c->eflags & ~F_ARITH) | f;
	c->cc_op = CC_OP(CC_EFLAGS, 0);
	if (done && pop)
		x87_pop(c);
	x87_retire(c, i);
}

X87_CHAINED(fcomi, X87_RESIDENT_RUN(c, fcomi_resident(c, i)); fcomi(c, i, XK_FCOM, 0))

X87_CHAINED(fcomip, X87_RESIDENT_RUN(c, fcomi_resident(c, i)); fcomi(c, i, XK_FCOM, 1))

X87_CHAINED(fucomi, X87_RESIDENT_RUN(c, fcomi_resident(c, i)); fcomi(c, i, XK_FUCOM, 0))

X87_CHAINED(fucomip, X87_RESIDENT_RUN(c, fcomi_resident(c, i)); fcomi(c, i, XK_FUCOM, 1))

/* The class FXAM reports in C3 C2 C0 for a register in use. Encodings the
 * 387 and later reject (unnormals, pseudo-NaNs, pseudo-infinities) are
 * "unsupported" (000); pseudo-denormals count as denormals. */
static uint16_t fxam_class(const fpreg_t *r)
{
	unsigned exp = r->raw.sexp & 0x7fff;
	int integer = (int)(r->raw.mant >> 63);
	uint64_t fraction = r->raw.mant << 1;
	if (exp == 0)
		return r->raw.mant ? FSW_C3 | FSW_C2 : FSW_C3;
	if (!integer)
		return 0;
	if (exp == 0x7fff)
		return fraction ? FSW_C0 : FSW_C2 | FSW_C0;
	return FSW_C2;
}

/* C1 is the sign, even of an empty register (whose stale contents count). */
void op_fxam(struct cpu *c, const struct insn *i)
{
	X87_RESIDENT_REG(c, i);
	x87_wait(c, i);
	const fpreg_t *r = x87_st(c, 0);
	uint16_t cc = x87_empty(c, 0) ? FSW_C3 | FSW_C0 : fxam_class(r);
	if (r->raw.sexp & 0x8000)
		cc |= FSW_C1;
	x87_set_cc(c, cc);
	x87_retire(c, i);
}
