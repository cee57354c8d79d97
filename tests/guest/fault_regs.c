/* A fault in the middle of hot code: each of many runs of one loop changes
 * several registers and then loads from a page it may not read. The SIGSEGV
 * handler prints the registers the signal frame holds and steps over the
 * load. hexvm's translator keeps guest registers in host registers within
 * a block; the frame must still hold exactly the native values.
 */
#define _GNU_SOURCE
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <ucontext.h>
#include <unistd.h>

static volatile int faults;
static uintptr_t page;

#if defined(__x86_64__)
#define LOAD_LEN 3 /* movq (%rax), %rcx */
static void show(const ucontext_t *uc)
{
	const greg_t *g = uc->uc_mcontext.gregs;
	printf("fault %d: rbx %llx rsi %llx rdi %llx rdx %llx rsp-delta %lld\n", faults,
	       (unsigned long long)g[REG_RBX], (unsigned long long)g[REG_RSI],
	       (unsigned long long)g[REG_RDI], (unsigned long long)g[REG_RDX],
	       (long long)(g[REG_RSP] - g[REG_RBP]));
}
#define PC(uc) ((uc)->uc_mcontext.gregs[REG_RIP])
#else
#define LOAD_LEN 2 /* movl (%eax), %ecx */
static void show(const ucontext_t *uc)
{
	const greg_t *g = uc->uc_mcontext.gregs;
	printf("fault %d: ebx %x esi %x edi %x edx %x esp-delta %d\n", faults, (unsigned)g[REG_EBX],
	       (unsigned)g[REG_ESI], (unsigned)g[REG_EDI], (unsigned)g[REG_EDX],
	       (int)(g[REG_ESP] - g[REG_EBP]));
}
#define PC(uc) ((uc)->uc_mcontext.gregs[REG_EIP])
#endif

static void on_segv(int sig, siginfo_t *si, void *ctx)
{
	ucontext_t *uc = ctx;
	(void)sig;
	faults++;
	if ((uintptr_t)si->si_addr != page)
		printf("fault at an unexpected address\n");
	if (faults % 7 == 1)
		show(uc);
	PC(uc) += LOAD_LEN;
}

/* One run: the registers change, then the load faults when `at` is the
 * unreadable page. The frame pointer anchors the stack pointer's report. */
static void run(uintptr_t at, long k)
{
#if defined(__x86_64__)
	__asm__ volatile("push %%rbp\n\t"
			 "mov %%rsp, %%rbp\n\t"
			 "mov %1, %%rbx\n\t"
			 "lea 3(%%rbx,%%rbx,2), %%rsi\n\t"
			 "mov %%rsi, %%rdi\n\t"
			 "xor $0x55, %%rdi\n\t"
			 "push %%rdi\n\t"
			 "push %%rsi\n\t"
			 "pop %%rdx\n\t"
			 "add $8, %%rsp\n\t"
			 "push %%rbx\n\t"
			 "movq (%%rax), %%rcx\n\t"
			 "pop %%rbx\n\t"
			 "pop %%rbp\n\t"
			 :
			 : "a"(at), "r"(k)
			 : "rbx", "rcx", "rdx", "rsi", "rdi", "memory");
#else
	__asm__ volatile("push %%ebp\n\t"
			 "mov %%esp, %%ebp\n\t"
			 "push %%ebx\n\t"
			 "mov %1, %%ebx\n\t"
			 "lea 3(%%ebx,%%ebx,2), %%esi\n\t"
			 "mov %%esi, %%edi\n\t"
			 "xor $0x55, %%edi\n\t"
			 "push %%edi\n\t"
			 "push %%esi\n\t"
			 "pop %%edx\n\t"
			 "add $4, %%esp\n\t"
			 "push %%ebx\n\t"
			 "movl (%%eax), %%ecx\n\t"
			 "pop %%ebx\n\t"
			 "pop %%ebx\n\t"
			 "pop %%ebp\n\t"
			 :
			 : "a"(at), "m"(k)
			 : "ecx", "edx", "esi", "edi", "memory");
#endif
}

int main(void)
{
	static char readable[64];
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_sigaction = on_segv;
	sa.sa_flags = SA_SIGINFO;
	sigaction(SIGSEGV, &sa, NULL);
	void *p = mmap(NULL, 4096, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		return 1;
	page = (uintptr_t)p;
	for (long k = 0; k < 200; k++)
		run(k % 3 == 2 ? page : (uintptr_t)readable, k);
	printf("%d faults\n", faults);
	return 0;
}
