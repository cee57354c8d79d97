/* SSE/SSE2 data movement: MOVUPS/MOVAPS/MOVUPD/MOVAPD/MOVDQU/MOVDQA, MOVSS
 * and MOVSD (register forms merge, loads clear), MOVLPS/MOVHPS/MOVLPD/MOVHPD,
 * MOVHLPS/MOVLHPS, MOVD/MOVQ in every form, MOVQ2DQ/MOVDQ2Q, the
 * non-temporal stores, MASKMOVDQU/MASKMOVQ, LDMXCSR/STMXCSR, prefetches,
 * and the faults: misaligned MOVAPS/MOVDQA/ADDPS operands and reserved
 * MXCSR bits raise SIGSEGV, leaving the destination unchanged. */
#pragma GCC target("sse2")
#define _GNU_SOURCE
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <ucontext.h>

typedef union {
	uint8_t b[16];
	uint32_t d[4];
	uint64_t q[2];
} __attribute__((aligned(16))) V;

static void print_v(const char *name, const V *v)
{
	printf("%s %016llx%016llx\n", name, (unsigned long long)v->q[1],
	       (unsigned long long)v->q[0]);
}

static V pattern(unsigned seed)
{
	V v;
	for (unsigned k = 0; k < 16; k++)
		v.b[k] = (uint8_t)(seed * 16 + k * 7 + 1);
	return v;
}

/* xmm0 = *d, xmm1 = *s, run insn, *d = xmm0 */
#define REG_OP(insn, d, s)                                                              \
	__asm__ volatile("movdqu %0, %%xmm0\n\tmovdqu %1, %%xmm1\n\t" insn "\n\t"           \
			 "movdqu %%xmm0, %0"                                                \
			 : "+m"(d)                                                          \
			 : "m"(s)                                                           \
			 : "xmm0", "xmm1", "memory")

static void register_moves(void)
{
	V d, s = pattern(2);
#define R(name, insn)                  \
	d = pattern(1);                \
	REG_OP(insn, d, s);            \
	print_v(name, &d);
	R("movups.rr", "movups %%xmm1, %%xmm0")
	R("movaps.rr", "movaps %%xmm1, %%xmm0")
	R("movupd.rr", "movupd %%xmm1, %%xmm0")
	R("movapd.rr", "movapd %%xmm1, %%xmm0")
	R("movdqu.rr", "movdqu %%xmm1, %%xmm0")
	R("movdqa.rr", "movdqa %%xmm1, %%xmm0")
	R("movups.st.rr", ".byte 0x0f, 0x11, 0xc8") /* movups xmm0(rm), xmm1(reg) */
	R("movdqa.st.rr", ".byte 0x66, 0x0f, 0x7f, 0xc8")
	R("movss.rr", "movss %%xmm1, %%xmm0")
	R("movsd.rr", "movsd %%xmm1, %%xmm0")
	R("movss.st.rr", ".byte 0xf3, 0x0f, 0x11, 0xc8")
	R("movsd.st.rr", ".byte 0xf2, 0x0f, 0x11, 0xc8")
	R("movhlps", "movhlps %%xmm1, %%xmm0")
	R("movlhps", "movlhps %%xmm1, %%xmm0")
	R("movq.load.rr", "movq %%xmm1, %%xmm0")
	R("movq.store.rr", ".byte 0x66, 0x0f, 0xd6, 0xc8") /* movq xmm0, xmm1 via D6 */
	R("movq2dq", "movq %1, %%mm3\n\tmovq2dq %%mm3, %%xmm0\n\temms")
#undef R
}

static void memory_moves(void)
{
	static V mem[3];
	V d, s = pattern(2);
	unsigned char *u = (unsigned char *)mem + 3; /* misaligned */
#define LOAD(name, insn, src)                                                           \
	d = pattern(1);                                                                 \
	__asm__ volatile("movdqu %0, %%xmm0\n\t" insn " %1, %%xmm0\n\tmovdqu %%xmm0, %0" \
			 : "+m"(d)                                                      \
			 : "m"(src)                                                     \
			 : "xmm0");                                                     \
	print_v(name, &d);
	mem[0] = s;
	memcpy(u, &s, 16);
	LOAD("movups.load", "movups", *(V *)u)
	LOAD("movupd.load", "movupd", *(V *)u)
	LOAD("movdqu.load", "movdqu", *(V *)u)
	LOAD("movaps.load", "movaps", mem[0])
	LOAD("movapd.load", "movapd", mem[0])
	LOAD("movdqa.load", "movdqa", mem[0])
	LOAD("movss.load", "movss", mem[0].d[1])
	LOAD("movsd.load", "movsd", mem[0].q[1])
	LOAD("movlps.load", "movlps", mem[0].q[1])
	LOAD("movhps.load", "movhps", mem[0].q[1])
	LOAD("movlpd.load", "movlpd", mem[0].q[1])
	LOAD("movhpd.load", "movhpd", mem[0].q[1])
	LOAD("movq.load", "movq", mem[0].q[1])
	LOAD("movd.load", "movd", mem[0].d[3])
#undef LOAD
#define STORE(name, insn, dst)                                                          \
	memset(mem, 0xee, sizeof mem);                                                  \
	__asm__ volatile("movdqu %1, %%xmm2\n\t" insn " %%xmm2, %0" : "=m"(dst) : "m"(s) : "xmm2"); \
	print_v(name ".0", &mem[0]);                                                    \
	print_v(name ".1", &mem[1]);
	STORE("movups.store", "movups", *(V *)u)
	STORE("movupd.store", "movupd", *(V *)u)
	STORE("movdqu.store", "movdqu", *(V *)u)
	STORE("movaps.store", "movaps", mem[1])
	STORE("movapd.store", "movapd", mem[1])
	STORE("movdqa.store", "movdqa", mem[1])
	STORE("movntps", "movntps", mem[1])
	STORE("movntpd", "movntpd", mem[1])
	STORE("movntdq", "movntdq", mem[1])
	STORE("movss.store", "movss", mem[0].d[1])
	STORE("movsd.store", "movsd", mem[0].q[1])
	STORE("movlps.store", "movlps", mem[0].q[1])
	STORE("movhps.store", "movhps", mem[0].q[0])
	STORE("movlpd.store", "movlpd", mem[1].q[1])
	STORE("movhpd.store", "movhpd", mem[1].q[0])
	STORE("movq.store", "movq", mem[0].q[1])
	STORE("movd.store", "movd", mem[0].d[2])
#undef STORE
	memset(mem, 0xee, sizeof mem);
	uint32_t v32 = 0x89abcdef;
	__asm__ volatile("movnti %1, %0" : "=m"(mem[0].d[1]) : "r"(v32));
#ifdef __x86_64__
	uint64_t v64 = 0x0123456789abcdefull;
	__asm__ volatile("movnti %1, %0" : "=m"(mem[0].q[1]) : "r"(v64));
#endif
	print_v("movnti", &mem[0]);
}

/* MOVD/MOVQ with general registers and MMX registers */
static void gpr_moves(void)
{
	V d = pattern(3);
	uint32_t r32 = 0, x = 0xfedcba98;
	__asm__ volatile("movdqu %1, %%xmm4\n\tmovd %%xmm4, %0" : "=r"(r32) : "m"(d) : "xmm4");
	printf("movd.to.r32 %08x\n", r32);
	__asm__ volatile("movd %1, %%xmm4\n\tmovdqu %%xmm4, %0" : "=m"(d) : "r"(x) : "xmm4");
	print_v("movd.from.r32", &d);
	__asm__ volatile("movd %1, %%mm4\n\tmovq %%mm4, %0\n\temms" : "=m"(d.q[1]) : "r"(x) : "mm4");
	print_v("movd.mm.from.r32", &d);
	d = pattern(4);
	__asm__ volatile("movq %1, %%mm4\n\tmovd %%mm4, %0\n\temms" : "=r"(r32) : "m"(d.q[1]) : "mm4");
	printf("movd.mm.to.r32 %08x\n", r32);
	__asm__ volatile("movq %1, %%mm4\n\tmovd %%mm4, %0\n\temms" : "=m"(d.d[0]) : "m"(d.q[1]) : "mm4");
	print_v("movd.mm.store", &d);
	__asm__ volatile("movd %1, %%mm4\n\tmovq %%mm4, %0\n\temms" : "=m"(d.q[0]) : "m"(d.d[3]) : "mm4");
	print_v("movd.mm.load", &d);
	d = pattern(5);
	__asm__ volatile("movdqu %1, %%xmm5\n\tmovdq2q %%xmm5, %%mm1\n\tmovq %%mm1, %0\n\temms"
			 : "=m"(d.q[1])
			 : "m"(d)
			 : "xmm5", "mm1");
	print_v("movdq2q", &d);
#ifdef __x86_64__
	uint64_t r64 = 0, y = 0x8877665544332211ull;
	__asm__ volatile("movdqu %1, %%xmm4\n\tmovq %%xmm4, %0" : "=r"(r64) : "m"(d) : "xmm4");
	printf("movq.to.r64 %016llx\n", (unsigned long long)r64);
	__asm__ volatile("movq %1, %%xmm4\n\tmovdqu %%xmm4, %0" : "=m"(d) : "r"(y) : "xmm4");
	print_v("movq.from.r64", &d);
	__asm__ volatile("movq %1, %%mm4\n\tmovq %%mm4, %0\n\temms" : "=r"(r64) : "r"(y + 1) : "mm4");
	printf("movq.mm.r64 %016llx\n", (unsigned long long)r64);
	d = pattern(6);
	/* 66 REX.W 0F 7E with a memory operand: an 8-byte store */
	__asm__ volatile("movdqu %1, %%xmm4\n\t.byte 0x66, 0x48, 0x0f, 0x7e, 0x20"
			 :
			 : "a"(&d.q[1]), "m"(d)
			 : "xmm4", "memory");
	print_v("movq.store.rexw", &d);
#endif
}

static void masked_stores(void)
{
	static V buf[2];
	V data = pattern(7), mask;
	for (unsigned k = 0; k < 16; k++)
		mask.b[k] = (uint8_t)((k * 37) & 0x80 ? 0x80 | k : k);
	memset(buf, 0x55, sizeof buf);
	unsigned char *dst = (unsigned char *)buf + 5;
	__asm__ volatile("movdqu %1, %%xmm0\n\tmovdqu %2, %%xmm1\n\tmaskmovdqu %%xmm1, %%xmm0"
			 :
			 : "D"(dst), "m"(data), "m"(mask)
			 : "xmm0", "xmm1", "memory");
	print_v("maskmovdqu.0", &buf[0]);
	print_v("maskmovdqu.1", &buf[1]);
	memset(buf, 0x55, sizeof buf);
	__asm__ volatile("movq %1, %%mm0\n\tmovq %2, %%mm1\n\tmaskmovq %%mm1, %%mm0\n\temms"
			 :
			 : "D"(dst), "m"(data.q[0]), "m"(mask.q[0])
			 : "mm0", "mm1", "memory");
	print_v("maskmovq.0", &buf[0]);
	print_v("maskmovq.1", &buf[1]);
}

static void mxcsr_and_hints(void)
{
	static const uint32_t values[] = {0x1f80, 0x0000, 0xffff, 0x7fbf, 0x9fc0, 0x1fbf};
	for (unsigned k = 0; k < sizeof values / sizeof values[0]; k++) {
		uint32_t in = values[k], out = 0, restore = 0x1f80;
		__asm__ volatile("ldmxcsr %1\n\tstmxcsr %0\n\tldmxcsr %2"
				 : "=m"(out)
				 : "m"(in), "m"(restore));
		printf("mxcsr %04x -> %04x\n", in, out);
	}
	static char line[64];
	__asm__ volatile("prefetchnta %0\n\tprefetcht0 %0\n\tprefetcht1 %0\n\tprefetcht2 %0"
			 :
			 : "m"(line[0]));
	/* hints never fault, whatever the address */
	__asm__ volatile("prefetcht0 (%0)\n\tprefetchnta 64(%0)" : : "r"((void *)16));
	printf("prefetch ok\n");
}

/* ---- faults ---- */

static sigjmp_buf env;
static volatile int got_sig, got_code;
static volatile uintptr_t got_addr;
static volatile uint32_t fault_xmm0;

static void on_fault(int sig, siginfo_t *si, void *uc_arg)
{
	got_sig = sig;
	got_code = si->si_code;
	got_addr = (uintptr_t)si->si_addr;
#ifdef __x86_64__
	ucontext_t *uc = uc_arg;
	fault_xmm0 = uc->uc_mcontext.fpregs ? uc->uc_mcontext.fpregs->_xmm[0].element[0] : 0xdeadbeef;
#else
	(void)uc_arg;
#endif
	siglongjmp(env, 1);
}

#define FAULT(name, insn, operand)                                                       \
	do {                                                                             \
		got_sig = got_code = 0;                                                  \
		got_addr = 0;                                                            \
		fault_xmm0 = 0;                                                          \
		if (!sigsetjmp(env, 1)) {                                                \
			__asm__ volatile("movdqu %1, %%xmm0\n\t" insn                    \
					 :                                               \
					 : "r"(operand), "m"(before)                     \
					 : "xmm0", "memory");                            \
		}                                                                        \
		printf("%s: sig %d code %d addr %lx", name, got_sig, got_code,           \
		       (unsigned long)got_addr);                                         \
		if (sizeof(void *) == 8)                                                 \
			printf(" xmm0 %08x", fault_xmm0);                                \
		printf("\n");                                                            \
	} while (0)

static void faults(void)
{
	static V mem[2];
	static uint32_t bad_csr[2] = {0x11f80, 0x1f80 | 0x80000000u};
	V before = pattern(8);
	char *odd = (char *)mem + 8;
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_sigaction = on_fault;
	sa.sa_flags = SA_SIGINFO | SA_NODEFER;
	sigaction(SIGSEGV, &sa, NULL);
	FAULT("movaps.load.misaligned", "movaps (%0), %%xmm0", odd);
	FAULT("movdqa.load.misaligned", "movdqa (%0), %%xmm0", odd);
	FAULT("movapd.store.misaligned", "movapd %%xmm0, (%0)", odd);
	FAULT("movntps.misaligned", "movntps %%xmm0, (%0)", odd);
	FAULT("addps.misaligned", "addps (%0), %%xmm0", odd);
	FAULT("paddb.misaligned", "paddb (%0), %%xmm0", odd);
	FAULT("pshufd.misaligned", "pshufd $0x1b, (%0), %%xmm0", odd);
	FAULT("punpcklbw.misaligned", "punpcklbw (%0), %%xmm0", odd);
	FAULT("cvtpd2ps.misaligned", "cvtpd2ps (%0), %%xmm0", odd);
	FAULT("movups.misaligned.ok", "movups (%0), %%xmm0", odd);
	FAULT("addss.misaligned.ok", "addss 1(%0), %%xmm0", odd);
	FAULT("cvtps2pd.misaligned.ok", "cvtps2pd 1(%0), %%xmm0", odd);
	FAULT("ldmxcsr.reserved", "ldmxcsr (%0)", &bad_csr[0]);
	FAULT("ldmxcsr.reserved31", "ldmxcsr 4(%0)", &bad_csr[0]);
	FAULT("movups.unmapped", "movups (%0), %%xmm0", (void *)64);
	FAULT("movdqu.store.unmapped", "movdqu %%xmm0, (%0)", (void *)4096);
	printf("memory after faults: %016llx\n", (unsigned long long)mem[0].q[1]);
	uint32_t csr = 0;
	__asm__ volatile("stmxcsr %0" : "=m"(csr));
	printf("mxcsr after faults %04x\n", csr);
}

int main(void)
{
	register_moves();
	memory_moves();
	gpr_moves();
	masked_stores();
	mxcsr_and_hints();
	faults();
	return 0;
}
