/* The arithmetic of guest x87 instructions, run on the host.
 *
 * Each kernel is one x87 operation on at most two register values and one
 * memory operand image. On an x86 host it is the host's own x87 instruction,
 * run under the control word the caller gives (precision, rounding and
 * exception masks), so results, NaN choice, C0..C3 and exception flags are
 * the hardware's, transcendental instructions included. Elsewhere a portable
 * C path approximates them (see x87_host_soft.c).
 *
 * Stack bookkeeping, tags, stack faults and whether an unmasked exception
 * lets the result through are the caller's business: a kernel only computes. */
#ifndef HEXVM_CPU_X87_HOST_H
#define HEXVM_CPU_X87_HOST_H

#include <stdint.h>

#include "cpu/cpu.h"

#if (defined(__x86_64__) || defined(__i386__)) && !defined(HEXVM_PORTABLE_FP)
#define X87_HOST_NATIVE 1
#else
#define X87_HOST_NATIVE 0
#endif

/* Inputs and outputs of one kernel. in0 and in1 point at the operands as
 * the host instruction sees them in ST(0) and ST(1), out0 and out1 at where
 * its results go (out1 only for the kernels that leave two); all four must
 * point somewhere valid. x87h_exec points them at st0 and st1; the hot
 * handlers point them at the guest's registers themselves, which spares a
 * copy (and a store-to-load forwarding) on each side. mem is the memory
 * operand (m32fp, m64fp, m16/32/64int or m80bcd), little-endian. */
struct x87h_io {
	const fpreg_t *in0, *in1;
	fpreg_t *out0, *out1;
	fpreg_t st0, st1;
	uint8_t mem[10];
};

/* Memory operand formats, in the order of the *_F32.. kernel groups below. */
enum x87_fmt { FMT_F32, FMT_F64, FMT_I16, FMT_I32, FMT_I64, FMT_BCD };

/* Their sizes in bytes. */
static const uint8_t x87_fmt_bytes[FMT_BCD + 1] = {4, 8, 2, 4, 8, 10};

/* The two-operand arithmetic operations in ModRM.reg order of D8 (minus the
 * compares at 2 and 3): ST(0) = ST(0) op source. */
enum x87_arith { AR_ADD, AR_MUL, AR_SUB, AR_SUBR, AR_DIV, AR_DIVR, AR_COUNT };

enum x87h_kernel {
	/* st0 = st0 op st1, op in enum x87_arith order */
	XK_ARITH,
	/* st0 = st0 op mem: AR_COUNT kernels for each of m32fp, m64fp, m16int, m32int */
	XK_ARITH_MEM = XK_ARITH + AR_COUNT,
	/* C3 C2 C0 from comparing st0 with st1 (signalling, then quiet) */
	XK_FCOM = XK_ARITH_MEM + 4 * AR_COUNT,
	XK_FUCOM,
	/* ... with mem: m32fp, m64fp, m16int, m32int */
	XK_FCOM_MEM,
	XK_FTST = XK_FCOM_MEM + 4, /* st0 with +0.0 */
	/* st0 = mem, one kernel per enum x87_fmt */
	XK_LOAD,
	/* mem = st0, rounded by the control word; one kernel per enum x87_fmt */
	XK_STORE = XK_LOAD + FMT_BCD + 1,
	/* single-operand: st0 = f(st0) */
	XK_FSQRT = XK_STORE + FMT_BCD + 1,
	XK_FRNDINT,
	XK_F2XM1,
	XK_FSIN,
	XK_FCOS,
	/* the instruction pushes: st0, st1 = the new ST(0), ST(1) */
	XK_FPTAN,
	XK_FSINCOS,
	XK_FXTRACT,
	/* st1 op st0, then pop: st0 = the result */
	XK_FPATAN,
	XK_FYL2X,
	XK_FYL2XP1,
	/* st0 = st0 op st1; st1 unchanged */
	XK_FSCALE,
	XK_FPREM,
	XK_FPREM1,
	/* st0 = a constant, rounded by the control word: FLD1 FLDL2T FLDL2E FLDPI
	 * FLDLG2 FLDLN2 FLDZ (the order of D9 E8..EE) */
	XK_CONST,
	XK_COUNT = XK_CONST + 7
};

/* Runs kernel k under control word fcw on the operands io points at and
 * returns the status word it left: C0..C3 and the exception flags it
 * raised, after those the host's status held before, which are cleared
 * first when `clear`. */
uint16_t x87h_exec_at(enum x87h_kernel k, uint16_t fcw, struct x87h_io *io, int clear);

/* x87h_exec_at on the values in io->st0, io->st1 and io->mem. */
static inline uint16_t x87h_exec(enum x87h_kernel k, uint16_t fcw, struct x87h_io *io, int clear)
{
	io->in0 = io->out0 = &io->st0;
	io->in1 = io->out1 = &io->st1;
	return x87h_exec_at(k, fcw, io, clear);
}

/* Clearing the host's exception flags (FNCLEX) costs more than most x87
 * arithmetic, so it is skipped while it cannot matter: every exception is
 * masked (none can trap, and flags are only ever ORed into the guest's
 * status word) and every flag the host holds is already set in the guest's.
 * c->x87_host_sw tracks the host's flags; cpu_run starts it as unknown. */
static inline uint16_t x87h_run_at(struct cpu *c, enum x87h_kernel k, uint16_t fcw,
				   struct x87h_io *io)
{
	int masked = (fcw & 0x3f) == 0x3f && (c->fpu.fcw & 0x3f) == 0x3f;
	int covered = (c->x87_host_sw & 0x3f & ~c->fpu.fsw) == 0;
	uint16_t sw = x87h_exec_at(k, fcw, io, !(masked && covered));
	c->x87_host_sw = masked && covered ? sw : 0;
	return sw;
}

/* ... on the values in io->st0, io->st1 and io->mem. */
static inline uint16_t x87h_run(struct cpu *c, enum x87h_kernel k, uint16_t fcw, struct x87h_io *io)
{
	io->in0 = io->out0 = &io->st0;
	io->in1 = io->out1 = &io->st1;
	return x87h_run_at(c, k, fcw, io);
}

#endif
