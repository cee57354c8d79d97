/* Shared by the SSE4 guest tests: runs one instruction, given by its bytes,
 * from a generated code page on a whole register state (xmm0-xmm7, MXCSR,
 * EFLAGS, eAX eCX eDX, and eSI as the base of a memory operand), so that a
 * test can loop over immediates and registers without an asm statement for
 * each. A fault inside (SIGSEGV, SIGFPE) comes back as the signal's number. */
#ifndef SSE4_UTIL_H
#define SSE4_UTIL_H

#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <ucontext.h>
#include <unistd.h>

#include "sse_util.h"

struct state {
	V x[8];				     /* offset 0 */
	uint64_t ax, cx, dx, si;	     /* 128 136 144 152: eSI addresses memory */
	uint64_t flags;			     /* 160: EFLAGS in and out */
	uint32_t mxcsr;			     /* 168 */
	uint32_t pad;
};

/* sse4_run(state, code): loads the state, calls code, stores the state;
 * the MXCSR is the default again afterwards. */
void sse4_run(struct state *s, const void *code);

#ifdef __x86_64__
__asm__(".text\n"
	"sse4_run:\n\t"
	"push %rbx\n\tpush %rdi\n\tmov %rsi, %r11\n\t"
	"movdqu 0(%rdi), %xmm0\n\tmovdqu 16(%rdi), %xmm1\n\tmovdqu 32(%rdi), %xmm2\n\t"
	"movdqu 48(%rdi), %xmm3\n\tmovdqu 64(%rdi), %xmm4\n\tmovdqu 80(%rdi), %xmm5\n\t"
	"movdqu 96(%rdi), %xmm6\n\tmovdqu 112(%rdi), %xmm7\n\t"
	"ldmxcsr 168(%rdi)\n\t"
	"mov 128(%rdi), %rax\n\tmov 136(%rdi), %rcx\n\tmov 144(%rdi), %rdx\n\t"
	"mov 152(%rdi), %rsi\n\t"
	"pushq 160(%rdi)\n\tpopfq\n\t"
	"call *%r11\n\t"
	"pushfq\n\tmov 8(%rsp), %rdi\n\tpopq 160(%rdi)\n\tpop %rdi\n\t"
	"mov %rax, 128(%rdi)\n\tmov %rcx, 136(%rdi)\n\tmov %rdx, 144(%rdi)\n\t"
	"mov %rsi, 152(%rdi)\n\t"
	"movdqu %xmm0, 0(%rdi)\n\tmovdqu %xmm1, 16(%rdi)\n\tmovdqu %xmm2, 32(%rdi)\n\t"
	"movdqu %xmm3, 48(%rdi)\n\tmovdqu %xmm4, 64(%rdi)\n\tmovdqu %xmm5, 80(%rdi)\n\t"
	"movdqu %xmm6, 96(%rdi)\n\tmovdqu %xmm7, 112(%rdi)\n\t"
	"stmxcsr 168(%rdi)\n\t"
	"pushq $0x1f80\n\tldmxcsr (%rsp)\n\tpop %rbx\n\t"
	"pop %rbx\n\tret\n");
#else
__asm__(".text\n"
	"sse4_run:\n\t"
	"push %ebx\n\tpush %esi\n\tpush %edi\n\tpush %ebp\n\t"
	"mov 20(%esp), %edi\n\tmov 24(%esp), %ebp\n\t"
	"movdqu 0(%edi), %xmm0\n\tmovdqu 16(%edi), %xmm1\n\tmovdqu 32(%edi), %xmm2\n\t"
	"movdqu 48(%edi), %xmm3\n\tmovdqu 64(%edi), %xmm4\n\tmovdqu 80(%edi), %xmm5\n\t"
	"movdqu 96(%edi), %xmm6\n\tmovdqu 112(%edi), %xmm7\n\t"
	"ldmxcsr 168(%edi)\n\t"
	"mov 128(%edi), %eax\n\tmov 136(%edi), %ecx\n\tmov 144(%edi), %edx\n\t"
	"mov 152(%edi), %esi\n\t"
	"pushl 160(%edi)\n\tpopfl\n\t"
	"call *%ebp\n\t"
	"pushfl\n\tmov 24(%esp), %edi\n\tpopl 160(%edi)\n\t"
	"mov %eax, 128(%edi)\n\tmov %ecx, 136(%edi)\n\tmov %edx, 144(%edi)\n\t"
	"mov %esi, 152(%edi)\n\t"
	"movdqu %xmm0, 0(%edi)\n\tmovdqu %xmm1, 16(%edi)\n\tmovdqu %xmm2, 32(%edi)\n\t"
	"movdqu %xmm3, 48(%edi)\n\tmovdqu %xmm4, 64(%edi)\n\tmovdqu %xmm5, 80(%edi)\n\t"
	"movdqu %xmm6, 96(%edi)\n\tmovdqu %xmm7, 112(%edi)\n\t"
	"stmxcsr 168(%edi)\n\t"
	"pushl $0x1f80\n\tldmxcsr (%esp)\n\tadd $4, %esp\n\t"
	"pop %ebp\n\tpop %edi\n\tpop %esi\n\tpop %ebx\n\tret\n");
#endif

#define IS64 (sizeof(void *) == 8)
/* EFLAGS: the arithmetic flags and the reserved bit 1 */
#define ARITH_FLAGS 0x8d5u
#define FLAGS_BASE  0x202u

/* ModRM: XMM (or general) register v with register w, or with memory [eSI] */
#define REG(v, w) (0xc0u | (v) << 3 | (w))
#define MEM(v)	  (0x06u | (v) << 3)
#define NO_IMM	  (-1)

static uint8_t *code_page, *code_next;

/* A stub: the n bytes, then RET. Each stub gets new bytes: none is ever
 * rewritten. */
static const void *code(const uint8_t *bytes, unsigned n)
{
	if (!code_page) {
		code_page = mmap(NULL, 4 << 20, PROT_READ | PROT_WRITE | PROT_EXEC,
				 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (code_page == MAP_FAILED) {
			perror("mmap");
			_exit(1);
		}
		code_next = code_page;
	}
	if (code_next + n + 1 > code_page + (4 << 20)) {
		fputs("code page full\n", stderr);
		_exit(1);
	}
	const void *stub = code_next;
	memcpy(code_next, bytes, n);
	code_next[n] = 0xc3;
	code_next += n + 1;
	return stub;
}

/* [pfx] [rex] 0F [map] op modrm [imm8]: pfx, rex and map 0 for none. */
static const void *insn(unsigned pfx, unsigned rex, unsigned map, unsigned op, unsigned modrm,
			int imm)
{
	uint8_t b[8];
	unsigned n = 0;
	if (pfx)
		b[n++] = (uint8_t)pfx;
	if (rex)
		b[n++] = (uint8_t)rex;
	b[n++] = 0x0f;
	if (map)
		b[n++] = (uint8_t)map;
	b[n++] = (uint8_t)op;
	b[n++] = (uint8_t)modrm;
	if (imm != NO_IMM)
		b[n++] = (uint8_t)imm;
	return code(b, n);
}

static sigjmp_buf run_jmp;
/* of the last fault: si_code, and on x86-64 the MXCSR in the signal frame */
static volatile int fault_code;
static volatile uint32_t fault_mxcsr;

static void on_fault(int sig, siginfo_t *si, void *uc_arg)
{
	fault_code = si->si_code;
#ifdef __x86_64__
	ucontext_t *uc = uc_arg;
	fault_mxcsr = uc->uc_mcontext.fpregs ? uc->uc_mcontext.fpregs->mxcsr : 0xdeadbeef;
#else
	(void)uc_arg;
#endif
	siglongjmp(run_jmp, sig);
}

/* Runs code on *s; returns 0, or the signal it raised (the state then
 * stays as it was given). */
static int run(struct state *s, const void *code)
{
	int sig = sigsetjmp(run_jmp, 0); /* SA_NODEFER: no mask to restore */
	if (!sig)
		sse4_run(s, code);
	else
		__asm__ volatile("ldmxcsr %0" : : "m"((uint32_t){0x1f80}));
	return sig;
}

static void catch_faults(void)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_sigaction = on_fault;
	sa.sa_flags = SA_SIGINFO | SA_NODEFER;
	sigaction(SIGSEGV, &sa, NULL);
	sigaction(SIGFPE, &sa, NULL);
	sigaction(SIGILL, &sa, NULL);
}

static void clear_state(struct state *s)
{
	memset(s, 0, sizeof *s);
	s->flags = FLAGS_BASE;
	s->mxcsr = 0x1f80;
}

static void print_v(const V *v)
{
	printf(" %016llx%016llx", (unsigned long long)v->q[1], (unsigned long long)v->q[0]);
}

/* Whether the flags line of /proc/cpuinfo has the word `flag` (" name"). */
static int cpuinfo_has(const char *flag)
{
	char line[4096];
	size_t n = strlen(flag);
	int found = 0;
	FILE *f = fopen("/proc/cpuinfo", "r");
	while (f && !found && fgets(line, sizeof line, f))
		for (char *p = line; !strncmp(line, "flags", 5) && (p = strstr(p, flag)); p += n)
			found |= p[n] == ' ' || p[n] == '\n' || !p[n];
	if (f)
		fclose(f);
	return found;
}

/* A buffer of `size` bytes that ends where an inaccessible page begins: an
 * access past it faults. */
static uint8_t *guarded(unsigned size)
{
	static uint8_t *page;
	if (!page) {
		page = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (page == MAP_FAILED || mprotect(page + 4096, 4096, PROT_NONE)) {
			perror("guard page");
			_exit(1);
		}
	}
	return page + 4096 - size;
}

#endif
