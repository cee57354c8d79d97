/* Host SIGSEGV/SIGBUS handling. A copy-on-write fault in any window of the
 * machine (guest code, translated code, or the kernel reaching into a
 * window, in or out of a guest instruction) is resolved and the handler
 * returns, so the access runs again. Any other fault inside the running
 * guest's window is the guest's fault: it unwinds to the run loop as a guest
 * SIGSEGV with the guest address. Any other fault is a bug in hexvm and is
 * reported as one.
 *
 * The handler cannot be given arguments, so what it acts on is reached
 * through a thread-local: the one piece of host-process state outside the
 * vm object, and it only ever points into a vm (or lockstep's state). */
#include "host/fault.h"

#include <errno.h>
#include <signal.h>
#include <ucontext.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cpu/cpu.h"
#include "jit/jit.h"
#include "mem/mm.h"
#include "mem/mm_cow.h"

static _Thread_local struct fault_scope *scope;

static void report_host_crash(int sig, void *addr, uintptr_t pc)
{
	char msg[160];
	int n = snprintf(msg, sizeof msg,
			 "hexvm: internal error: host %s at address %p (host pc %#lx)\n",
			 sig == SIGBUS ? "SIGBUS" : "SIGSEGV", addr, (unsigned long)pc);
	if (n > 0 && write(2, msg, (size_t)n) < 0)
		_exit(70);
	signal(sig, SIG_DFL);
}

uint64_t host_fault_reg(const void *ucontext, int reg)
{
	const ucontext_t *uc = ucontext;
#if defined(__linux__) && defined(__x86_64__)
	static const int8_t greg[16] = {REG_RAX, REG_RCX, REG_RDX, REG_RBX, REG_RSP, REG_RBP,
					REG_RSI, REG_RDI, REG_R8,  REG_R9,  REG_R10, REG_R11,
					REG_R12, REG_R13, REG_R14, REG_R15};
	return (uint64_t)uc->uc_mcontext.gregs[reg < 0 ? REG_RIP : greg[reg]];
#elif defined(__FreeBSD__) && defined(__x86_64__)
	const mcontext_t *m = &uc->uc_mcontext;
	const register_t v[16] = {m->mc_rax, m->mc_rcx, m->mc_rdx, m->mc_rbx, m->mc_rsp, m->mc_rbp,
				  m->mc_rsi, m->mc_rdi, m->mc_r8,  m->mc_r9,  m->mc_r10, m->mc_r11,
				  m->mc_r12, m->mc_r13, m->mc_r14, m->mc_r15};
	return (uint64_t)(reg < 0 ? m->mc_rip : v[reg]);
#else
	(void)uc;
	(void)reg;
	return 0;
#endif
}

/* The handler runs on a fresh host FPU state (Linux gives each handler its
 * own), and a fault it turns into the guest's unwinds without the return
 * that would restore the interrupted one: put it back first. It holds the
 * guest's resident x87 (cpu/x87_resident.h) and the flags its resident
 * MXCSR collected (cpu/mxcsr.h), as they were before the faulting
 * instruction. */
static void restore_fpu(const void *ucontext)
{
#if defined(__linux__) && defined(__x86_64__) && defined(__GNUC__)
	const ucontext_t *uc = ucontext;
	if (uc->uc_mcontext.fpregs)
		__asm__ volatile("fxrstor64 %0" : : "m"(*uc->uc_mcontext.fpregs));
#else
	(void)ucontext;
#endif
}

static void on_host_fault(int sig, siginfo_t *si, void *ucontext)
{
	struct fault_scope *sc = scope;
	uintptr_t addr = (uintptr_t)si->si_addr;
	if (sc && sc->mms && sig == SIGSEGV && si->si_code == SEGV_ACCERR) {
		int saved = errno; /* the interrupted code may be about to read it */
		int resolved = mm_cow_fault(sc->mms, addr);
		errno = saved;
		if (resolved)
			return;
	}
	struct cpu *c = sc ? sc->running : NULL;
	if (c && c->task_mm) {
		const struct mm *mm = c->task_mm;
		uintptr_t base = (uintptr_t)mm->base;
		if (addr >= base && addr - base < mm->reserved) {
			uint64_t guest = addr - base;
			jit_note_fault(c, ucontext);
			restore_fpu(ucontext);
			const struct vma *v = guest < mm->limit ? mm_find_vma(mm, guest) : NULL;
			if (sig == SIGBUS) /* a shared file mapping past the end of its file */
				cpu_fault(c, SIGBUS, BUS_ADRERR, guest);
			cpu_fault(c, SIGSEGV, v ? SEGV_ACCERR : SEGV_MAPERR, guest);
		}
	}
	report_host_crash(sig, si->si_addr, (uintptr_t)host_fault_reg(ucontext, -1));
}

int host_fault_init(struct fault_scope *sc)
{
	size_t size = 64 * 1024;
	stack_t ss = {.ss_sp = malloc(size), .ss_size = size, .ss_flags = 0};
	struct sigaction sa;
	if (!ss.ss_sp)
		return -1;
	memset(&sa, 0, sizeof sa);
	sa.sa_sigaction = on_host_fault;
	/* NODEFER: the handler leaves by siglongjmp without restoring the mask */
	sa.sa_flags = SA_SIGINFO | SA_NODEFER | SA_ONSTACK;
	sigemptyset(&sa.sa_mask);
	if (sigaltstack(&ss, NULL) < 0)
		return -1;
	if (sigaction(SIGSEGV, &sa, NULL) < 0 || sigaction(SIGBUS, &sa, NULL) < 0)
		return -1;
	scope = sc;
	return 0;
}

void host_fault_enter(struct cpu *c) { scope->running = c; }

void host_fault_leave(void) { scope->running = NULL; }
