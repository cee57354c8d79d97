/* MXCSR, the SSE control/status register, and the running of guest SSE
 * floating point on the host.
 *
 * On an x86 host every SSE floating-point operation is executed by the host's
 * own SSE unit under the guest's rounding mode, DAZ and FTZ, so results, NaN
 * propagation and exception flags are the hardware's by construction. The
 * host instruction always runs with every exception masked; mxcsr_update()
 * then decides, as the hardware does, whether the flags it raised fault. */
#ifndef HEXVM_CPU_MXCSR_H
#define HEXVM_CPU_MXCSR_H

#include <stdint.h>

#include "base/compiler.h"
#include "cpu/cpu.h"
#include "decode/insn.h"

#define MXCSR_IE	 0x0001u /* invalid operation */
#define MXCSR_DE	 0x0002u /* denormal operand */
#define MXCSR_ZE	 0x0004u /* divide by zero */
#define MXCSR_OE	 0x0008u /* overflow */
#define MXCSR_UE	 0x0010u /* underflow */
#define MXCSR_PE	 0x0020u /* precision (inexact) */
#define MXCSR_FLAGS	 0x003fu
#define MXCSR_DAZ	 0x0040u
#define MXCSR_MASK_SHIFT 7 /* exception masks are the flags shifted left by this */
#define MXCSR_MASKS	 (MXCSR_FLAGS << MXCSR_MASK_SHIFT)
#define MXCSR_UM	 (MXCSR_UE << MXCSR_MASK_SHIFT)
#define MXCSR_RC	 0x6000u /* rounding: nearest, down, up, toward zero */
#define MXCSR_RC_SHIFT	 13
#define MXCSR_FZ	 0x8000u
#define MXCSR_DEFAULT	 0x1f80u
/* The bits LDMXCSR accepts (the MXCSR_MASK FXSAVE reports); any other raises #GP. */
#define MXCSR_WRITABLE 0xffffu

/* The host path needs x86-64 (SSE2 and 64-bit conversions); other hosts, a
 * 32-bit x86 one included, use portable C. HEXVM_PORTABLE_FP forces the
 * portable path on x86-64, to test it. */
#if defined(__x86_64__) && !defined(HEXVM_PORTABLE_FP)
#define MXCSR_HOST_SSE 1
#else
#define MXCSR_HOST_SSE 0
#endif

/* The MXCSR to compute under for guest MXCSR `guest`: its rounding control and
 * DAZ, every exception masked, no flag set. FTZ is kept only while underflow is
 * masked, since the hardware ignores it otherwise. */
static ALWAYS_INLINE uint32_t mxcsr_run_control(uint32_t guest)
{
	uint32_t ctl = (guest & (MXCSR_RC | MXCSR_DAZ | MXCSR_FZ)) | MXCSR_MASKS;
	if (!(guest & MXCSR_UM))
		ctl &= ~MXCSR_FZ;
	return ctl;
}

_Noreturn void mxcsr_fault(struct cpu *c, const struct insn *i, uint32_t raised);

/* Residency. While the guest masks every SSE exception (nearly always), the
 * host MXCSR holds the guest's controls for the whole run and collects the
 * flags its instructions raise, so an SSE instruction runs with no MXCSR
 * switch: kernels given the control value MXCSR_RESIDENT run bare and report
 * no flags. c->mxcsr is brought up to date by mxcsr_sync before anything
 * reads it, and mxcsr_load must follow anything that writes it. hexvm's own
 * code does no SSE arithmetic while a guest runs. */
#define MXCSR_RESIDENT 0xffffffffu

static ALWAYS_INLINE uint32_t mxcsr_ctl(const struct cpu *c)
{
	return c->mxcsr_resident ? MXCSR_RESIDENT : mxcsr_run_control(c->mxcsr);
}

/* Folds the flags collected in the host MXCSR into c->mxcsr. */
void mxcsr_sync(struct cpu *c);
/* Takes up residency for c->mxcsr if its exceptions are all masked (with
 * clear flags), or returns the host to its default MXCSR. */
void mxcsr_load(struct cpu *c);
/* Leaves residency: sync, then the host's default MXCSR. */
void mxcsr_unload(struct cpu *c);

/* Accounts for the exception flags an instruction raised: they accumulate in
 * MXCSR, or, when one of them is unmasked, the instruction faults with SIGFPE
 * (leaving its destination unchanged: call this before writing it). */
static ALWAYS_INLINE void mxcsr_update(struct cpu *c, const struct insn *i, uint32_t raised)
{
	uint32_t unmasked = raised & ~(c->mxcsr >> MXCSR_MASK_SHIFT);
	if (unlikely(unmasked))
		mxcsr_fault(c, i, raised);
	c->mxcsr |= raised;
}

/* LDMXCSR's check: 0 when `v` sets a reserved bit (#GP). */
static inline int mxcsr_valid(uint32_t v) { return (v & ~MXCSR_WRITABLE) == 0; }

#if MXCSR_HOST_SSE
/* Runs the host instruction(s) `insn` with MXCSR = ctl (an lvalue that then
 * holds the MXCSR they left, flags included), then puts the host back on the
 * default MXCSR, which is what hexvm's own code runs under. (Reloading a
 * known value rather than saving and restoring the host's spares a STMXCSR,
 * the slow one of the pair.) The rest of the arguments are the asm's own
 * operand lists, outputs then inputs, neither empty. One asm statement, so
 * that the compiler cannot move floating-point work across the switch. */
#define MXCSR_HOST_RUN(ctl, insn, ...)                                                             \
	do {                                                                                       \
		const uint32_t host_csr_ = MXCSR_DEFAULT;                                          \
		if (ctl == MXCSR_RESIDENT) {                                                       \
			__asm__ volatile(insn                                                      \
					 : [ctl_] "+m"(ctl),                                       \
					   __VA_ARGS__, [host_csr_] "m"(host_csr_));               \
			ctl = 0; /* the flags stay in the host MXCSR */                            \
			break;                                                                     \
		}                                                                                  \
		__asm__ volatile("ldmxcsr %[ctl_]\n\t" insn "\n\t"                                 \
				 "stmxcsr %[ctl_]\n\t"                                             \
				 "ldmxcsr %[host_csr_]"                                            \
				 : [ctl_] "+m"(ctl), __VA_ARGS__, [host_csr_] "m"(host_csr_));     \
	} while (0)
#else
/* Portable path: C floating point under <fenv.h>. It honours the rounding
 * mode and reports the flags the host's C arithmetic raises; DAZ, FTZ, the
 * denormal-operand flag and x86 NaN rules are the callers' business. */
typedef struct {
	int round;
} mxcsr_fenv;
mxcsr_fenv mxcsr_fenv_enter(uint32_t ctl);
/* Returns the raised exceptions as MXCSR flags. */
uint32_t mxcsr_fenv_leave(mxcsr_fenv saved);
#endif

#endif
