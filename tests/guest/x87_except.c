/* Unmasked x87 exceptions: the instruction that raises one completes (or is
 * abandoned) without trapping; the next waiting x87 instruction delivers
 * SIGFPE with the si_code of the first unmasked flag and si_addr at itself.
 * The no-wait instructions (FNSTSW, FNSTENV, FNCLEX, FNINIT) and FXSAVE do
 * not trap; FLDCW unmasking a set flag makes it pending. */
#define _GNU_SOURCE
#include <setjmp.h>
#include <signal.h>

#include "x87_util.h"

static sigjmp_buf env;
static volatile int got_code;
static volatile uintptr_t got_addr;
static uintptr_t expected; /* address of local label 2 in the case's asm */

static void on_fpe(int sig, siginfo_t *si, void *uc)
{
	(void)sig;
	(void)uc;
	got_code = si->si_code;
	got_addr = (uintptr_t)si->si_addr;
	siglongjmp(env, 1);
}

/* Stores the address of local label 2 (forward) in `expected`. */
#ifdef __x86_64__
#define MARK "lea 2f(%%rip), %%rax\n\tmov %%rax, %[mark]\n\t"
#else
#define MARK "call 9f\n9:\tpop %%eax\n\tadd $(2f - 9b), %%eax\n\tmov %%eax, %[mark]\n\t"
#endif

static const long double huge = 1e4000L, tiny = 1e-4000L;
static const uint32_t denormal32 = 1;
static unsigned char scratch[512] __attribute__((aligned(16)));

/* Runs `code` with control word cw after FNINIT; label 2 in it marks where
 * the trap is expected. Prints the outcome and the status word the no-wait
 * FNSTSW saw just before label 2 (in `sw`). */
#define CASE(name, cwv, code)                                                            \
	do {                                                                             \
		uint16_t cw_ = cwv, sw = 0;                                              \
		got_code = 0;                                                            \
		if (!sigsetjmp(env, 1)) {                                                \
			__asm__ volatile(MARK "fninit\n\tfldcw %[cw]\n\t" code "\n\tfninit" \
					 : [mark] "=m"(expected), [sw] "=m"(sw),          \
					   [buf] "=m"(scratch)                            \
					 : [cw] "m"(cw_), [huge] "m"(huge), [tiny] "m"(tiny), \
					   [den] "m"(denormal32)                          \
					 : "ax", "cc", "memory");                        \
			printf("%-22s no trap sw=%04x\n", name, sw);                     \
		} else {                                                                 \
			__asm__ volatile("fninit");                                      \
			printf("%-22s code=%d at%+ld sw=%04x\n", name, got_code,         \
			       (long)(got_addr - expected), sw);                         \
		}                                                                        \
	} while (0)

int main(void)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_sigaction = on_fpe;
	sa.sa_flags = SA_SIGINFO;
	sigaction(SIGFPE, &sa, NULL);

	CASE("invalid sqrt", 0x37e, "fld1\n\tfchs\n\tfsqrt\n\tfnstsw %[sw]\n2:\tfwait");
	CASE("zero divide", 0x37b, "fld1\n\tfldz\n\tfdivrp\n\tfnstsw %[sw]\n2:\tfld1");
	CASE("overflow", 0x377, "fldt %[huge]\n\tfmul %%st(0), %%st\n\tfnstsw %[sw]\n2:\tfxch");
	CASE("underflow", 0x36f, "fldt %[tiny]\n\tfmul %%st(0), %%st\n\tfnstsw %[sw]\n2:\tfnop");
	CASE("precision", 0x35f, "fldpi\n\tfsqrt\n\tfnstsw %[sw]\n2:\tfstp %%st(0)");
	CASE("denormal load", 0x37d, "flds %[den]\n\tfnstsw %[sw]\n2:\tfwait");
	CASE("stack overflow", 0x37e,
	     "fld1\n\tfld1\n\tfld1\n\tfld1\n\tfld1\n\tfld1\n\tfld1\n\tfld1\n\tfld1\n\t"
	     "fnstsw %[sw]\n2:\tfwait");
	CASE("stack underflow", 0x37e, "fadd %%st(1), %%st\n\tfnstsw %[sw]\n2:\tfldcw %[cw]");
	CASE("fldcw unmasks", 0x37f, "fldpi\n\tfsqrt\n\tfldcw %[cw]\n\tmovw $0x35f, %[sw]\n\t"
				     "fldcw %[sw]\n\tfnstsw %[sw]\n2:\tfwait");
	CASE("fnclex clears", 0x35f, "fldpi\n\tfsqrt\n\tfnstsw %[sw]\n\tfnclex\n2:\tfwait");
	CASE("fnstenv masks", 0x35f, "fldpi\n\tfsqrt\n\tfnstsw %[sw]\n\tfnstenv %[buf]\n2:\tfwait");
	CASE("fxsave no wait", 0x35f, "fldpi\n\tfsqrt\n\tfxsave %[buf]\n\tfnstsw %[sw]\n2:\tfwait");
	CASE("fnsave inits", 0x35f, "fldpi\n\tfsqrt\n\tfnsave %[buf]\n\tfnstsw %[sw]\n2:\tfwait");
	CASE("frstor pending", 0x37f, "fldpi\n\tfsqrt\n\tfnsave %[buf]\n\tandw $0xffc0, %[buf]\n\t"
				      "frstor %[buf]\n\tfnstsw %[sw]\n2:\tfld1");
	CASE("masked", 0x37f, "fld1\n\tfchs\n\tfsqrt\n\tfnstsw %[sw]\n2:\tfwait");
	CASE("fistp invalid", 0x37e, "fldt %[huge]\n\tfistpl %[buf]\n\tfnstsw %[sw]\n2:\tfwait");
	return 0;
}
