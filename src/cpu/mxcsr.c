/* SSE exception delivery, and the portable floating-point environment. */
#include "cpu/mxcsr.h"

#include <signal.h>

#if !MXCSR_HOST_SSE
#include <fenv.h>
#endif

/* Exceptions detected on the operands, before any result is computed. */
#define MXCSR_PRE (MXCSR_IE | MXCSR_DE | MXCSR_ZE)

/* The si_code Linux reports: it looks at every unmasked flag set in MXCSR
 * after the fault (sticky ones included), in this order. */
static int fpe_code(uint32_t mxcsr)
{
	uint32_t err = mxcsr & ~(mxcsr >> MXCSR_MASK_SHIFT) & MXCSR_FLAGS;
	if (err & MXCSR_IE)
		return FPE_FLTINV;
	if (err & MXCSR_ZE)
		return FPE_FLTDIV;
	if (err & MXCSR_OE)
		return FPE_FLTOVF;
	if (err & (MXCSR_UE | MXCSR_DE))
		return FPE_FLTUND;
	return FPE_FLTRES;
}

/* An unmasked exception: when it is one found on the operands, the hardware
 * stops before computing and only those flags are set; otherwise the flags of
 * the computed result are all set as well. (With an unmasked overflow or
 * underflow the hardware bases PE on the exponent-wrapped result; here PE is
 * that of the masked result.) */
_Noreturn void mxcsr_fault(struct cpu *c, const struct insn *i, uint32_t raised)
{
	uint32_t unmasked = raised & ~(c->mxcsr >> MXCSR_MASK_SHIFT);
	if (unmasked & MXCSR_PRE)
		raised &= MXCSR_PRE;
	c->mxcsr |= raised;
	cpu_fault(c, SIGFPE, fpe_code(c->mxcsr), i->addr);
}

#if MXCSR_HOST_SSE
static uint32_t host_stmxcsr(void)
{
	uint32_t v;
	__asm__ volatile("stmxcsr %0" : "=m"(v));
	return v;
}

static void host_ldmxcsr(uint32_t v) { __asm__ volatile("ldmxcsr %0" : : "m"(v)); }

void mxcsr_sync(struct cpu *c)
{
	if (c->mxcsr_resident)
		c->mxcsr |= host_stmxcsr() & MXCSR_FLAGS;
}

void mxcsr_load(struct cpu *c)
{
	c->mxcsr_resident = (c->mxcsr & MXCSR_MASKS) == MXCSR_MASKS;
	host_ldmxcsr(c->mxcsr_resident ? mxcsr_run_control(c->mxcsr) : MXCSR_DEFAULT);
}

void mxcsr_unload(struct cpu *c)
{
	mxcsr_sync(c);
	c->mxcsr_resident = 0;
	host_ldmxcsr(MXCSR_DEFAULT);
}
#else
/* Without host SSE every operation computes its own flags. */
void mxcsr_sync(struct cpu *c) { (void)c; }

void mxcsr_load(struct cpu *c) { c->mxcsr_resident = 0; }

void mxcsr_unload(struct cpu *c) { c->mxcsr_resident = 0; }
#endif

#if !MXCSR_HOST_SSE
mxcsr_fenv mxcsr_fenv_enter(uint32_t ctl)
{
	static const int modes[4] = {FE_TONEAREST, FE_DOWNWARD, FE_UPWARD, FE_TOWARDZERO};
	mxcsr_fenv saved = {fegetround()};
	fesetround(modes[(ctl & MXCSR_RC) >> MXCSR_RC_SHIFT]);
	feclearexcept(FE_ALL_EXCEPT);
	return saved;
}

uint32_t mxcsr_fenv_leave(mxcsr_fenv saved)
{
	int e = fetestexcept(FE_ALL_EXCEPT);
	uint32_t flags = (e & FE_INVALID ? MXCSR_IE : 0) | (e & FE_DIVBYZERO ? MXCSR_ZE : 0) |
			 (e & FE_OVERFLOW ? MXCSR_OE : 0) | (e & FE_UNDERFLOW ? MXCSR_UE : 0) |
			 (e & FE_INEXACT ? MXCSR_PE : 0);
	feclearexcept(FE_ALL_EXCEPT);
	fesetround(saved.round);
	return flags;
}
#endif
