/* x87 FPU: state helpers shared by the x87 instruction handlers.
 *
 * The register stack holds physical registers c->fpu.st[0..7]; ST(i) is
 * st[(top + i) & 7]. The tag word c->fpu.ftw keeps two bits per physical
 * register, but only "empty" (3) versus "in use" (0) counts: the hardware
 * too keeps a one-bit tag and derives the other states from the contents
 * whenever it stores a tag word (x87_tag_word), which is what makes MMX
 * code (setting every tag to valid) come out right.
 *
 * Every handler of a non-control instruction follows the same order, so that
 * an instruction that faults on memory leaves no trace: x87_wait (deliver a
 * pending unmasked exception), read memory, compute, write memory, then
 * change the registers, the status word and the instruction pointers. */
#ifndef HEXVM_INTERP_X87_H
#define HEXVM_INTERP_X87_H

#include "cpu/x87_host.h"
#include "cpu/x87_resident.h"
#include "interp/chain.h"
#include "interp/operand.h"

/* status word */
#define FSW_IE	      0x0001u /* invalid operation */
#define FSW_DE	      0x0002u /* denormal operand */
#define FSW_ZE	      0x0004u /* zero divide */
#define FSW_OE	      0x0008u /* overflow */
#define FSW_UE	      0x0010u /* underflow */
#define FSW_PE	      0x0020u /* precision */
#define FSW_EXC	      0x003fu
#define FSW_SF	      0x0040u /* stack fault (with IE) */
#define FSW_ES	      0x0080u /* an unmasked exception is pending */
#define FSW_C0	      0x0100u
#define FSW_C1	      0x0200u
#define FSW_C2	      0x0400u
#define FSW_TOP_SHIFT 11
#define FSW_TOP	      (7u << FSW_TOP_SHIFT)
#define FSW_C3	      0x4000u
#define FSW_B	      0x8000u /* busy: mirrors ES */
#define FSW_CC	      (FSW_C0 | FSW_C1 | FSW_C2 | FSW_C3)

/* control word */
#define FCW_MASKS    0x003fu /* exception masks, in the FSW flag positions */
#define FCW_RC_CHOP  0x0c00u
#define FCW_DEFAULT  0x037fu
#define FCW_WRITABLE 0x1f3fu /* bits FLDCW keeps; bit 6 always reads as 1 */
#define FCW_FIXED    0x0040u

enum { TAG_VALID, TAG_ZERO, TAG_SPECIAL, TAG_EMPTY };

/* What makes an instruction abandon its result when the exception is
 * unmasked: any exception but precision for a memory destination (and for
 * the pops of a compare), only the pre-computation ones for a register
 * (overflow and underflow deliver a bias-adjusted result there). */
#define ABORT_REG (FSW_IE | FSW_DE | FSW_ZE)
#define ABORT_MEM (FSW_EXC & ~FSW_PE)

/* struct x87 has no fields for the selectors that go with FIP and FDP (FCS,
 * FDS), so fop keeps them above the 11-bit opcode: FDS as one plus the
 * segment register of the last memory operand (0: selector 0), FCS as a bit
 * saying whether a non-control instruction ran since FNINIT (user code does
 * not change CS). All zero is the initial state. */
#define FOP_MASK      0x07ffu
#define FOP_SEG_SHIFT 11
#define FOP_SEG_FIELD (7u << FOP_SEG_SHIFT)
#define FOP_FCS_SET   0x4000u

static ALWAYS_INLINE unsigned x87_phys(const struct cpu *c, unsigned i)
{
	return (c->fpu.top + i) & 7;
}

static ALWAYS_INLINE fpreg_t *x87_st(struct cpu *c, unsigned i)
{
	return &c->fpu.st[x87_phys(c, i)];
}

static ALWAYS_INLINE unsigned x87_tag(const struct cpu *c, unsigned phys)
{
	return (c->fpu.ftw >> (2 * phys)) & 3;
}

static ALWAYS_INLINE int x87_empty(const struct cpu *c, unsigned i)
{
	return x87_tag(c, x87_phys(c, i)) == TAG_EMPTY;
}

static ALWAYS_INLINE void x87_set_tag(struct cpu *c, unsigned phys, unsigned tag)
{
	c->fpu.ftw = (uint16_t)((c->fpu.ftw & ~(3u << (2 * phys))) | tag << (2 * phys));
}

/* The tag the contents of a register deserve. */
static inline unsigned x87_classify(const fpreg_t *r)
{
	unsigned exp = r->raw.sexp & 0x7fff;
	if (exp == 0x7fff)
		return TAG_SPECIAL;
	if (exp == 0)
		return r->raw.mant ? TAG_SPECIAL : TAG_ZERO;
	return (r->raw.mant >> 63) ? TAG_VALID : TAG_SPECIAL; /* unnormals are special */
}

/* *dst = *src, field by field. Registers move as their two fields, never as
 * 16-byte units: the host's 80-bit stores (FSTP m80 in the kernels) and the
 * field stores each forward to later loads of the same fields, while a
 * 16-byte load of what narrower stores wrote waits for them to reach the
 * cache (a stall of some 15 cycles, on every x87 instruction). */
static ALWAYS_INLINE void x87_copy(fpreg_t *dst, const fpreg_t *src)
{
	dst->raw.mant = src->raw.mant;
	dst->raw.sexp = src->raw.sexp;
}

/* ST(i) = v */
static inline void x87_write(struct cpu *c, unsigned i, const fpreg_t *v)
{
	unsigned p = x87_phys(c, i);
	x87_copy(&c->fpu.st[p], v);
	x87_set_tag(c, p, TAG_VALID);
}

static inline void x87_push(struct cpu *c, const fpreg_t *v)
{
	c->fpu.top = (c->fpu.top - 1) & 7;
	x87_write(c, 0, v);
}

static inline void x87_pop(struct cpu *c)
{
	x87_set_tag(c, c->fpu.top, TAG_EMPTY);
	c->fpu.top = (c->fpu.top + 1) & 7;
}

/* The default QNaN ("real indefinite") that masked invalid operations give. */
static inline fpreg_t x87_indefinite(void)
{
	fpreg_t r = {0};
	r.raw.mant = 0xc000000000000000ull;
	r.raw.sexp = 0xffff;
	return r;
}

/* *v = ST(i), or the indefinite when ST(i) is empty (what an empty register
 * takes part as under masked invalid). */
static inline void x87_get(struct cpu *c, unsigned i, fpreg_t *v)
{
	if (x87_empty(c, i)) {
		v->raw.mant = 0xc000000000000000ull;
		v->raw.sexp = 0xffff;
	} else {
		x87_copy(v, x87_st(c, i));
	}
}

/* Sets C0..C3 to those of `cc`, leaving the rest of the status word. */
static inline void x87_set_cc(struct cpu *c, uint16_t cc)
{
	c->fpu.fsw = (uint16_t)((c->fpu.fsw & ~FSW_CC) | (cc & FSW_CC));
}

/* The control word the host computes a register result under: the guest's,
 * with the exceptions that would abandon the result masked (the handler
 * decides that from the flags), so the host stack always moves as planned;
 * unmasked overflow and underflow give the hardware's bias-adjusted result. */
static inline uint16_t x87_cw_reg(const struct cpu *c)
{
	return (uint16_t)(c->fpu.fcw | ABORT_REG);
}

/* ... and a result bound for memory, a compare or a conversion: all masked. */
static inline uint16_t x87_cw_all(const struct cpu *c)
{
	return (uint16_t)(c->fpu.fcw | FCW_MASKS);
}

/* Delivers a pending unmasked exception (SIGFPE at this instruction), as
 * every waiting x87 instruction does before it starts; the state is then
 * in c->fpu, for the handlers that compute in software. */
_Noreturn void x87_trap(struct cpu *c, const struct insn *i);
static ALWAYS_INLINE void x87_wait(struct cpu *c, const struct insn *i)
{
	x87r_unload(c);
	if (unlikely(c->fpu.fsw & FSW_ES))
		x87_trap(c, i);
}

/* Recomputes ES and B from the exception flags and masks. */
void x87_update_es(struct cpu *c);

/* Whether every exception is masked, as nearly always: then nothing
 * abandons an operation and no exception is pending (x87_update_es). */
static ALWAYS_INLINE int x87_all_masked(const struct cpu *c)
{
	return (c->fpu.fcw & FCW_MASKS) == FCW_MASKS;
}

/* Whether an operation whose host status word is `sw` completes, rather than
 * being abandoned for an unmasked exception among `abort_on`. */
static ALWAYS_INLINE int x87_completes(const struct cpu *c, uint16_t sw, uint16_t abort_on)
{
	return !(sw & ~c->fpu.fcw & abort_on);
}

/* x87_status with an exception unmasked. */
int x87_status_unmasked(struct cpu *c, uint16_t sw, uint16_t cc_mask, uint16_t abort_on);

/* Accounts for host status `sw`: its exception flags accumulate (only those
 * up to the abandoning one when the operation is abandoned) and the condition
 * codes in `cc_mask` are taken from it. Returns x87_completes(). */
static ALWAYS_INLINE int x87_status(struct cpu *c, uint16_t sw, uint16_t cc_mask, uint16_t abort_on)
{
	if (unlikely(!x87_all_masked(c)))
		return x87_status_unmasked(c, sw, cc_mask, abort_on);
	c->fpu.fsw =
		(uint16_t)((c->fpu.fsw & ~(cc_mask | FSW_ES | FSW_B)) | (sw & (cc_mask | FSW_EXC)));
	return 1;
}

/* Points io at operands in the guest's registers, in place: in0 and in1
 * as given (in1 = in0 when the kernel has one), the result straight into
 * register `dst` (one in use) while every exception is masked, as nearly
 * always (nothing can abandon it then), else into io->st0 for x87_keep to
 * copy once x87_status lets it through. */
static ALWAYS_INLINE void x87_io_at(struct cpu *c, struct x87h_io *io, const fpreg_t *in0,
				    const fpreg_t *in1, fpreg_t *dst)
{
	io->in0 = in0;
	io->in1 = in1;
	io->out0 = x87_all_masked(c) ? dst : &io->st0;
	io->out1 = &io->st1;
}

/* The result x87_io_at left, into register dst. */
static ALWAYS_INLINE void x87_keep(const struct x87h_io *io, fpreg_t *dst)
{
	if (io->out0 != dst)
		x87_copy(dst, io->out0);
}

/* Stack faults: an empty source register, or a push onto a full stack. They
 * record IE and SF (and C1 = 1 for overflow, 0 for underflow) and return
 * nonzero when IE is masked, i.e. when the instruction goes on with the
 * indefinite QNaN in place of the missing value. */
int x87_underflow(struct cpu *c);
int x87_overflow(struct cpu *c);

/* x87_retire for an instruction with a memory operand at linear address ea.
 * The decoder keeps FOP in i->imm2; FDS is the segment register: the
 * decoder folds a stack base's default SS into DS (their bases are equal),
 * but FDS tells them apart. Inline, and without branches, as it runs for
 * every memory operand. */
static ALWAYS_INLINE void x87_retire_mem(struct cpu *c, const struct insn *i, uint64_t ea)
{
	unsigned base = i->base, seg = i->seg;
	unsigned stack = seg == SEG_DS && (base == R_SP || base == R_BP);
	unsigned fds = ((stack ? SEG_SS : seg) + 1) << FOP_SEG_SHIFT;
	uint64_t off = ea - c->seg_base[seg];
	c->fpu.fip = i->addr;
	c->fpu.fdp = c->mode64 ? off : (uint32_t)off;
	c->fpu.fop = (uint16_t)(FOP_FCS_SET | fds | i->imm2);
}

/* x87_retire for an instruction known to have no memory operand. */
static ALWAYS_INLINE void x87_retire_reg(struct cpu *c, const struct insn *i)
{
	c->fpu.fip = i->addr;
	c->fpu.fop = (uint16_t)(FOP_FCS_SET | (c->fpu.fop & FOP_SEG_FIELD) | i->imm2);
}

/* Records instruction i as the last non-control instruction (FIP, FOP and,
 * for a memory operand, FDP/FDS). */
static ALWAYS_INLINE void x87_retire(struct cpu *c, const struct insn *i)
{
	if (i->mod != 3) {
		x87_retire_mem(c, i, mem_ea(c, i));
		return;
	}
	x87_retire_reg(c, i);
}

/* The status word with TOP, as FNSTSW stores it. */
static inline uint16_t x87_fsw(const struct cpu *c)
{
	return (uint16_t)((c->fpu.fsw & ~FSW_TOP) | (c->fpu.top << FSW_TOP_SHIFT));
}

/* Loads a whole status word (TOP included), as FLDENV/FRSTOR/FXRSTOR do. */
void x87_load_fsw(struct cpu *c, uint16_t v);

/* The full tag word as the hardware stores it: derived from the contents of
 * every register in use. */
uint16_t x87_tag_word(const struct cpu *c);

/* Takes a stored tag word: only which registers are empty counts. */
void x87_load_tag_word(struct cpu *c, uint16_t tw);

/* FCS and FDS, the selectors of the instruction and data pointers. */
uint16_t x87_fcs(const struct cpu *c);
uint16_t x87_fds(const struct cpu *c);
/* Keeps loaded FCS and FDS (FLDENV, FRSTOR, FXRSTOR) as well as fop can. */
void x87_load_selectors(struct cpu *c, uint16_t fcs, uint16_t fds);

/* FNINIT's state. */
void x87_init(struct cpu *c);

/* The protected-mode environment (FNSTENV/FLDENV, the head of FNSAVE/FRSTOR):
 * 28 bytes, or 14 in the 16-bit format. */
#define X87_ENV32_SIZE 28u
#define X87_ENV16_SIZE 14u
void x87_store_env(const struct cpu *c, uint8_t *env, int format16);
/* Loads all but the tag word, which it returns (see x87_load_tag_word). */
uint16_t x87_load_env(struct cpu *c, const uint8_t *env, int format16);

/* The FXSAVE image (also the FP state of Linux signal frames): what FXSAVE
 * writes, x87_fxsave_size(c) bytes (288, or 416 with XMM8-15 in 64-bit
 * mode) of the 512-byte area; format64 selects 64-bit FIP/FDP (REX.W). */
#define X87_FXSAVE_MAX 416u
unsigned x87_fxsave_size(const struct cpu *c);
void x87_fxsave_image(const struct cpu *c, uint8_t *img, int format64);
/* Loads such an image; returns 0, changing nothing, when its MXCSR sets a
 * reserved bit (FXRSTOR's #GP). */
int x87_fxrstor_image(struct cpu *c, const uint8_t *img, int format64);

/* n bytes (a memory format's size) between guest address a and a kernel's
 * io.mem, each size a copy of its own: a copy of variable size would be a
 * library call, or REP MOVS with its start-up cost, on every instruction. */
static ALWAYS_INLINE void x87_mem_in(struct cpu *c, uint64_t a, struct x87h_io *io, unsigned n)
{
	switch (n) {
	case 2: mem_read(c, a, io->mem, 2); break;
	case 4: mem_read(c, a, io->mem, 4); break;
	case 8: mem_read(c, a, io->mem, 8); break;
	default: mem_read(c, a, io->mem, 10); break;
	}
}

static ALWAYS_INLINE void x87_mem_out(struct cpu *c, uint64_t a, const struct x87h_io *io,
				      unsigned n)
{
	switch (n) {
	case 2: mem_write(c, a, io->mem, 2); break;
	case 4: mem_write(c, a, io->mem, 4); break;
	case 8: mem_write(c, a, io->mem, 8); break;
	default: mem_write(c, a, io->mem, 10); break;
	}
}

/* The memory operand of i, read into a kernel's io.mem (n bytes); returns
 * its address, for x87_retire_mem. */
static inline uint64_t x87_read_mem(struct cpu *c, const struct insn *i, struct x87h_io *io,
				    unsigned n)
{
	uint64_t ea = mem_ea(c, i);
	x87_mem_in(c, ea, io, n);
	return ea;
}

/* Whether i can run on the resident host x87 (cpu/x87_resident.h): it is
 * resident, or can be made so, as every exception is masked and none is
 * pending. Not under hooks, which read c->fpu between instructions. */
int x87_try_resident(struct cpu *c);
static ALWAYS_INLINE int x87_resident(struct cpu *c)
{
	if (!X87_RESIDENT_HOST)
		return 0;
	return likely(c->x87_resident) || x87_try_resident(c);
}

#if X87_RESIDENT_HOST
static ALWAYS_INLINE const void *x87r_stub(const struct insn *i) { return x87r_stub_at(i->imm2); }

/* Register-form instruction i on the resident x87, retired. */
static ALWAYS_INLINE void x87r_run_reg(struct cpu *c, const struct insn *i)
{
	x87r_call(x87r_stub(i), NULL);
	x87_retire_reg(c, i);
}

/* Memory-form instruction i that reads its operand, retired. */
static ALWAYS_INLINE void x87r_run_load(struct cpu *c, const struct insn *i)
{
	uint64_t ea = mem_ea(c, i);
	x87r_call(x87r_stub(i), mem_rptr(c, ea));
	x87_retire_mem(c, i, ea);
}

/* ... that writes it: the host store faults as the guest's would, before
 * anything changes (host/fault.c puts the x87 state back). */
static ALWAYS_INLINE void x87r_run_store(struct cpu *c, const struct insn *i, unsigned n)
{
	uint64_t ea = mem_ea(c, i);
	x87r_call(x87r_stub(i), mem_wptr(c, ea, n));
	x87_retire_mem(c, i, ea);
}

/* The resident paths of a handler body: when it can run resident, `run`
 * runs i there and the body returns. */
#define X87_RESIDENT_RUN(c, run)                                                                   \
	do {                                                                                       \
		if (x87_resident(c)) {                                                             \
			run;                                                                       \
			return;                                                                    \
		}                                                                                  \
	} while (0)
#define X87_RESIDENT_REG(c, i)	    X87_RESIDENT_RUN(c, x87r_run_reg(c, i))
#define X87_RESIDENT_LOAD(c, i)	    X87_RESIDENT_RUN(c, x87r_run_load(c, i))
#define X87_RESIDENT_STORE(c, i, n) X87_RESIDENT_RUN(c, x87r_run_store(c, i, n))
#else
#define X87_RESIDENT_RUN(c, run)    ((void)0)
#define X87_RESIDENT_REG(c, i)	    ((void)0)
#define X87_RESIDENT_LOAD(c, i)	    ((void)0)
#define X87_RESIDENT_STORE(c, i, n) ((void)0)
#endif

/* The x87 instructions that run often have chained instances (interp/chain.h):
 * X87_CHAINED(name, call) defines op_name and its chained twin, both running
 * `call`, a call on c and i. The _REG, _LOAD and _STORE forms first run the
 * instruction resident when they can (register form, memory read, memory
 * written, n bytes); `call` is then the software path, kept out of line
 * (X87_SOFT) so that the resident one stays a leaf without a prologue. */
#define X87_SOFT __attribute__((noinline))
#define X87_CHAINED(name, call)                                                                    \
	static ALWAYS_INLINE void name##_body(struct cpu *c, const struct insn *i) { call; }       \
	CHAINED(name, name##_body)
#define X87_CHAINED_REG(name, call)	 X87_CHAINED(name, X87_RESIDENT_REG(c, i); call)
#define X87_CHAINED_LOAD(name, call)	 X87_CHAINED(name, X87_RESIDENT_LOAD(c, i); call)
#define X87_CHAINED_STORE(name, n, call) X87_CHAINED(name, X87_RESIDENT_STORE(c, i, n); call)

/* Shapes of the register-only computations, shared by the arithmetic and the
 * transcendental handlers; cc_mask names the condition codes the instruction
 * defines. */
/* ST(0) = f(ST(0)) */
void x87_op_st0(struct cpu *c, const struct insn *i, enum x87h_kernel k, uint16_t cc_mask);
/* ST(0) = f(ST(0), ST(1)); cc_mask_nan applies instead when the result is a NaN */
void x87_op_st0_st1(struct cpu *c, const struct insn *i, enum x87h_kernel k, uint16_t cc_mask,
		    uint16_t cc_mask_nan);
/* ST(1) = f(ST(1), ST(0)), then pop */
void x87_op_st1_pop(struct cpu *c, const struct insn *i, enum x87h_kernel k);
/* ST(0), push = f(ST(0)) */
void x87_op_push(struct cpu *c, const struct insn *i, enum x87h_kernel k, uint16_t cc_mask);

#endif
