/* MMX registers and the x87: MMX instructions set TOP to 0 and tag every
 * register valid, a written MMX register reads back through the x87 as its
 * 64-bit significand under an all-ones sign and exponent, x87 values are
 * seen by MMX code as their significands (physical registers, not ST(i)),
 * and EMMS tags every register empty. */
#pragma GCC target("sse2")
#define _GNU_SOURCE
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

/* the 28-byte protected-mode FNSTENV image */
struct fenv {
	uint32_t cw, sw, tw, ip, cs, dp, ds;
};

static void show_env(const char *name)
{
	struct fenv e;
	__asm__ volatile("fnstenv %0\n\tfldenv %0" : "=m"(e));
	printf("%s: top %u tags %04x\n", name, (e.sw >> 11) & 7, e.tw & 0xffff);
}

static sigjmp_buf env;
static volatile int got_code;
static volatile uintptr_t got_addr, insn_addr;

static void on_fpe(int sig, siginfo_t *si, void *uc)
{
	(void)sig;
	(void)uc;
	got_code = si->si_code;
	got_addr = (uintptr_t)si->si_addr;
	siglongjmp(env, 1);
}

#ifdef __x86_64__
#define MARK "lea 1f(%%rip), %%rdx\n\tmov %%rdx, %0\n\t"
#else
#define rdx edx
#define MARK "call 2f\n2:\tpop %%edx\n\tadd $(1f-2b), %%edx\n\tmov %%edx, %0\n\t"
#endif

/* A pending unmasked x87 exception (here from a division by zero) is
 * delivered by the next MMX instruction, before it does anything. */
static void pending_x87(const char *name, int which)
{
	static const uint16_t cw = 0x037b; /* ZM clear */
	uint64_t v = 0x1111111111111111ull, before = v;
	got_code = 0;
	if (!sigsetjmp(env, 1)) {
		if (which == 0)
			__asm__ volatile("fninit\n\tfldcw %1\n\tfld1\n\tfldz\n\tfdivrp\n\t" MARK
					 "1:\tpaddb %%mm0, %%mm0\n\tmovq %%mm0, %2"
					 : "=m"(insn_addr)
					 : "m"(cw), "m"(v)
					 : "rdx", "mm0", "memory");
		else
			__asm__ volatile("fninit\n\tfldcw %1\n\tfld1\n\tfldz\n\tfdivrp\n\t" MARK
					 "1:\temms\n\tmovq %%mm0, %2"
					 : "=m"(insn_addr)
					 : "m"(cw), "m"(v)
					 : "rdx", "mm0", "memory");
	}
	__asm__ volatile("fninit");
	printf("%s: code %d at insn %d, memory %s\n", name, got_code, got_addr == insn_addr,
	       v == before ? "untouched" : "written");
}

int main(void)
{
	uint64_t v = 0x0123456789abcdefull, out[8];
	unsigned char st[10];

	__asm__ volatile("fninit");
	show_env("after fninit");

	/* x87 pushes move TOP; an MMX write resets it */
	__asm__ volatile("fld1\n\tfldz\n\tfldpi");
	show_env("after three pushes");
	__asm__ volatile("movq %0, %%mm2" : : "m"(v) : "mm2");
	show_env("after movq to mm2");

	/* the pushed values live in physical registers 7, 6, 5 */
	__asm__ volatile("movq %%mm5, %0\n\tmovq %%mm6, %1\n\tmovq %%mm7, %2"
			 : "=m"(out[5]), "=m"(out[6]), "=m"(out[7]));
	printf("mm5 %016llx mm6 %016llx mm7 %016llx\n", (unsigned long long)out[5],
	       (unsigned long long)out[6], (unsigned long long)out[7]);

	/* ST(0) is now mm0: FSTP m80 shows its full 80 bits */
	__asm__ volatile("movq %1, %%mm0\n\tfstpt %0" : "=m"(st) : "m"(v) : "mm0");
	printf("st0 as m80:");
	for (int k = 9; k >= 0; k--)
		printf("%02x", st[k]);
	printf("\n");
	show_env("after fstp");

	/* MMX reads switch too */
	__asm__ volatile("emms\n\tfld1\n\tmovq %%mm1, %0" : "=m"(out[1]));
	show_env("after fld1 and an mmx read");
	__asm__ volatile("emms");
	show_env("after emms");

	/* paddb on mm registers leaves the exponent all ones as well; FXCH
	 * brings physical register 7 to ST(0) without looking at it */
	__asm__ volatile("fninit\n\tfldpi\n\tpaddb %%mm7, %%mm7\n\tfxch %%st(7)\n\tfstpt %0\n\temms"
			 : "=m"(st));
	printf("st7 after paddb:");
	for (int k = 9; k >= 0; k--)
		printf("%02x", st[k]);
	printf("\n");

	/* REX does not extend MMX register numbers */
#ifdef __x86_64__
	memset(out, 0, sizeof out);
	__asm__ volatile("movq %1, %%mm3\n\t.byte 0x4c, 0x0f, 0x7f, 0x18\n\temms" /* movq (rax), mm3 with REX.R */
			 :
			 : "a"(&out[2]), "m"(v)
			 : "mm3", "memory");
	printf("rex.r mm3 %016llx\n", (unsigned long long)out[2]);
#endif
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_sigaction = on_fpe;
	sa.sa_flags = SA_SIGINFO | SA_NODEFER;
	sigaction(SIGFPE, &sa, NULL);
	pending_x87("pending x87 exception, paddb", 0);
	pending_x87("pending x87 exception, emms", 1);
	return 0;
}
