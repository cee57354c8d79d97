/* Guest x87 kernels on an x86 host's own x87 unit (see x87_host.h).
 *
 * Every kernel is one asm statement, so that the compiler cannot move its
 * own floating-point work into the window where the guest's control word is
 * loaded: save the host control word, load the guest's and the operands,
 * clear the flags (when asked: see x87h_run), run the instruction, read the
 * status word, clear the flags again (an unmasked one would otherwise trap
 * at the next host x87 instruction), restore the host control word, then
 * store the results and
 * leave the host stack empty, as the ABI wants it at calls. Loading and
 * storing 80-bit values and popping raise no exception, so they may sit on
 * either side of the window. The caller chooses the control word so that
 * the host never abandons an instruction (x87.h): the number of values the
 * instruction leaves on the host stack is then known.
 *
 * The host runs hexvm under the ABI's control word, 0x37f, which every
 * kernel restores; a guest's is nearly always the same (Linux starts a
 * process with it, and its exceptions all masked), and then the kernel
 * leaves the control word alone: two FLDCW fewer. */
#include "cpu/x87_host.h"

#if X87_HOST_NATIVE

/* The asm statement of one kernel; every kernel has the same operands. */
#define X87H_ASM(loads, op, stores)                                                                \
	__asm__ volatile(                                                                          \
		"cmpw $0x37f, %[cw]\n\tje 9f\n\t"                                                  \
		"fnstcw %[hcw]\n\tfldcw %[cw]\n"                                                    \
		"9:\n\t" loads "test %[clr], %[clr]\n\tjz 8f\n\tfnclex\n8:\n\t" op "\n\t"           \
		"fnstsw %%ax\n\t"                                                                 \
		"test %[clr], %[clr]\n\tjz 7f\n\tfnclex\n7:\n\t"                                   \
		"cmpw $0x37f, %[cw]\n\tje 6f\n\tfldcw %[hcw]\n"                                     \
		"6:\n\t" stores                                                                    \
		: [sw] "=&a"(sw), [hcw] "=m"(hcw), [r0] "+m"(io->out0->ld),                         \
		  [r1] "+m"(io->out1->ld), [m] "+m"(io->mem)                                       \
		: [st0] "m"(io->in0->ld), [st1] "m"(io->in1->ld), [cw] "m"(fcw), [clr] "r"(clear)  \
		: "st", "st(1)", "st(2)", "st(3)", "st(4)", "st(5)", "st(6)", "st(7)", "cc")

/* operand loads: ST(0) alone, or ST(1) then ST(0) */
#define LD1 "fldt %[st0]\n\t"
#define LD2 "fldt %[st1]\n\tfldt %[st0]\n\t"
/* result stores */
#define OUT1 "fstpt %[r0]\n\t"
#define OUT2 "fstpt %[r0]\n\tfstpt %[r1]\n\t"
#define POP  "fstp %%st(0)\n\t"
/* FPTAN and FSINCOS leave ST(0) alone, without pushing, when C2 reports the
 * operand out of range. */
#define OUT2_UNLESS_C2 "fstpt %[r0]\n\ttestw $0x400, %%ax\n\tjnz 1f\n\tfstpt %[r1]\n1:\n\t"

/* One case per kernel; `op` is the guest's instruction. The register
 * forms always use ST(0) as destination: the AT&T forms with an ST(i)
 * destination have the operand order of fsub/fdiv swapped by the assembler. */
#define K(kernel, loads, op, stores)                                                               \
	case kernel:                                                                               \
		X87H_ASM(loads, op, stores);                                                       \
		break
#define ARITH_MEM(fmt, p, sfx)                                                                     \
	K(XK_ARITH_MEM + (fmt)*AR_COUNT + AR_ADD, LD1, p "add" sfx " %[m]", OUT1);                 \
	K(XK_ARITH_MEM + (fmt)*AR_COUNT + AR_MUL, LD1, p "mul" sfx " %[m]", OUT1);                 \
	K(XK_ARITH_MEM + (fmt)*AR_COUNT + AR_SUB, LD1, p "sub" sfx " %[m]", OUT1);                 \
	K(XK_ARITH_MEM + (fmt)*AR_COUNT + AR_SUBR, LD1, p "subr" sfx " %[m]", OUT1);               \
	K(XK_ARITH_MEM + (fmt)*AR_COUNT + AR_DIV, LD1, p "div" sfx " %[m]", OUT1);                 \
	K(XK_ARITH_MEM + (fmt)*AR_COUNT + AR_DIVR, LD1, p "divr" sfx " %[m]", OUT1)

uint16_t x87h_exec_at(enum x87h_kernel k, uint16_t fcw, struct x87h_io *io, int clear)
{
	uint16_t sw = 0, hcw;
	switch ((unsigned)k) { /* kernels are enum members plus offsets */
		K(XK_ARITH + AR_ADD, LD2, "fadd %%st(1), %%st", OUT1 POP);
		K(XK_ARITH + AR_MUL, LD2, "fmul %%st(1), %%st", OUT1 POP);
		K(XK_ARITH + AR_SUB, LD2, "fsub %%st(1), %%st", OUT1 POP);
		K(XK_ARITH + AR_SUBR, LD2, "fsubr %%st(1), %%st", OUT1 POP);
		K(XK_ARITH + AR_DIV, LD2, "fdiv %%st(1), %%st", OUT1 POP);
		K(XK_ARITH + AR_DIVR, LD2, "fdivr %%st(1), %%st", OUT1 POP);
		ARITH_MEM(FMT_F32, "f", "s");
		ARITH_MEM(FMT_F64, "f", "l");
		ARITH_MEM(FMT_I16, "fi", "s");
		ARITH_MEM(FMT_I32, "fi", "l");

		K(XK_FCOM, LD2, "fcom %%st(1)", POP POP);
		K(XK_FUCOM, LD2, "fucom %%st(1)", POP POP);
		K(XK_FCOM_MEM + FMT_F32, LD1, "fcoms %[m]", POP);
		K(XK_FCOM_MEM + FMT_F64, LD1, "fcoml %[m]", POP);
		K(XK_FCOM_MEM + FMT_I16, LD1, "ficoms %[m]", POP);
		K(XK_FCOM_MEM + FMT_I32, LD1, "ficoml %[m]", POP);
		K(XK_FTST, LD1, "ftst", POP);

		K(XK_LOAD + FMT_F32, "", "flds %[m]", OUT1);
		K(XK_LOAD + FMT_F64, "", "fldl %[m]", OUT1);
		K(XK_LOAD + FMT_I16, "", "filds %[m]", OUT1);
		K(XK_LOAD + FMT_I32, "", "fildl %[m]", OUT1);
		K(XK_LOAD + FMT_I64, "", "fildll %[m]", OUT1);
		K(XK_LOAD + FMT_BCD, "", "fbld %[m]", OUT1);

		K(XK_STORE + FMT_F32, LD1, "fstps %[m]", "");
		K(XK_STORE + FMT_F64, LD1, "fstpl %[m]", "");
		K(XK_STORE + FMT_I16, LD1, "fistps %[m]", "");
		K(XK_STORE + FMT_I32, LD1, "fistpl %[m]", "");
		K(XK_STORE + FMT_I64, LD1, "fistpll %[m]", "");
		K(XK_STORE + FMT_BCD, LD1, "fbstp %[m]", "");

		K(XK_FSQRT, LD1, "fsqrt", OUT1);
		K(XK_FRNDINT, LD1, "frndint", OUT1);
		K(XK_F2XM1, LD1, "f2xm1", OUT1);
		K(XK_FSIN, LD1, "fsin", OUT1);
		K(XK_FCOS, LD1, "fcos", OUT1);
		K(XK_FPTAN, LD1, "fptan", OUT2_UNLESS_C2);
		K(XK_FSINCOS, LD1, "fsincos", OUT2_UNLESS_C2);
		K(XK_FXTRACT, LD1, "fxtract", OUT2);
		K(XK_FPATAN, LD2, "fpatan", OUT1);
		K(XK_FYL2X, LD2, "fyl2x", OUT1);
		K(XK_FYL2XP1, LD2, "fyl2xp1", OUT1);
		K(XK_FSCALE, LD2, "fscale", OUT1 POP);
		K(XK_FPREM, LD2, "fprem", OUT1 POP);
		K(XK_FPREM1, LD2, "fprem1", OUT1 POP);

		K(XK_CONST + 0, "", "fld1", OUT1);
		K(XK_CONST + 1, "", "fldl2t", OUT1);
		K(XK_CONST + 2, "", "fldl2e", OUT1);
		K(XK_CONST + 3, "", "fldpi", OUT1);
		K(XK_CONST + 4, "", "fldlg2", OUT1);
		K(XK_CONST + 5, "", "fldln2", OUT1);
		K(XK_CONST + 6, "", "fldz", OUT1);
	default: break;
	}
	return sw;
}

#endif
