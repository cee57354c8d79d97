/* Signals: default actions, and handler frames laid out as Linux lays them
 * out (rt_sigframe for x86-64; rt_sigframe_ia32 and the legacy
 * sigframe_ia32 for i386), and sigreturn from them. Sending and taking
 * them is signal_send.c's. */
#include "kernel/task/signal.h"

#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "debug/gdb.h"
#include "interp/x87.h"
#include "kernel/abi/layout.h"
#include "kernel/task/process.h"
#include "kernel/task/task.h"
#include "kernel/task/timer.h"
#include "mem/mm.h"
#include "mem/uaccess.h"
#include "trace/hooks.h"

#define SA_SIGINFO_L	     0x4u
#define SA_ONSTACK_L	     0x08000000u
#define SA_RESTART_L	     0x10000000u
#define SA_NODEFER_L	     0x40000000u
#define SA_RESETHAND_L	     0x80000000u
#define SA_RESTORER_L	     0x04000000u
#define SI_TIMER_L	     (-2)
#define SI_SIGIO_L	     (-5)
#define SS_ONSTACK_L	     1
#define SS_DISABLE_L	     2
#define FRAME64_SIZE	     440u /* pretcode, ucontext (304), siginfo (128) */
#define FRAME32_RT_SIZE	     268u
#define FRAME32_SIZE	     732u
#define FPSTATE64_SIZE	     512u /* the FXSAVE area */
#define FPSTATE32_SIZE	     624u /* legacy FNSAVE-style header (112) then the FXSAVE area */
#define FPSTATE32_LEGACY     112u
#define UC_SIGCONTEXT_SS     2
#define UC_STRICT_RESTORE_SS 4

enum sig_default { SD_TERM, SD_CORE, SD_IGNORE, SD_STOP, SD_CONT };

static enum sig_default default_action(int sig)
{
	switch (sig) {
	case SIGCHLD:
	case SIGURG:
	case SIGWINCH: return SD_IGNORE;
	case SIGSTOP:
	case SIGTSTP:
	case SIGTTIN:
	case SIGTTOU: return SD_STOP;
	case SIGCONT: return SD_CONT;
	case SIGQUIT:
	case SIGILL:
	case SIGTRAP:
	case SIGABRT:
	case SIGBUS:
	case SIGFPE:
	case SIGSEGV:
	case SIGSYS:
	case SIGXCPU:
	case SIGXFSZ: return SD_CORE;
	default: return SD_TERM;
	}
}

int signal_ignored(const struct process *p, int sig)
{
	uint64_t h = p->sigactions[sig].handler;
	return h == 1 || (h == 0 && default_action(sig) == SD_IGNORE);
}

static const char *fault_kind(const struct siginfo_k *info)
{
	switch (info->signo) {
	case SIGSEGV:
		return info->code == SEGV_ACCERR   ? "invalid permissions for mapped object"
		       : info->code == SEGV_MAPERR ? "address not mapped"
						   : "general protection";
	case SIGILL: return "undefined or unimplemented instruction";
	case SIGFPE: return "arithmetic exception";
	case SIGTRAP: return "trace/breakpoint trap";
	case SIGBUS: return "bus error";
	default: return NULL;
	}
}

/* One line for people: which process died of what, where. */
static void report_death(struct task *t, const struct siginfo_k *info)
{
	struct cpu *c = &t->cpu;
	const char *kind = fault_kind(info);
	FILE *out = stderr;
	const char *abbrev = sigabbrev_np(info->signo);
	fprintf(out, "hexvm: process %d killed by SIG%s", t->proc->pid, abbrev ? abbrev : "?");
	if (info->trapno >= 0 && kind) {
		uint8_t bytes[8];
		int n = 0;
		for (;
		     n < 8 && copy_from_user(t->proc->mm, bytes + n, c->rip + (uint64_t)n, 1) == 0;
		     n++)
			;
		fprintf(out, " (%s, address %#llx) at rip %#llx, bytes", kind,
			(unsigned long long)info->addr, (unsigned long long)c->rip);
		for (int k = 0; k < n; k++)
			fprintf(out, " %02x", bytes[k]);
		if (n == 0)
			fprintf(out, " unreadable");
	} else {
		fprintf(out, " (sent by pid %d)", info->pid);
	}
	fputc('\n', out);
}

/* A fault's death is always told; a signal sent by someone only when it
 * ends the first process (a shell's children die of SIGPIPE quietly). */
static void terminate(struct task *t, const struct siginfo_k *info)
{
	int sig = info->signo, fault = info->trapno >= 0 && fault_kind(info);
	if (fault || t->proc == t->vm->init)
		report_death(t, info);
	task_exit(t, sig | (default_action(sig) == SD_CORE ? 0x80 : 0));
	obs_killed(t, info, fault); /* the fault report, -s and -Z */
}

/* Linux's SIL_RT: the codes user space sends (sigqueue's SI_QUEUE, tgkill's
 * SI_TKILL, mq_notify's SI_MESGQ ...) carry a pid, a uid and a sigval. */
static int rt_layout(int code) { return code < 0 && code != SI_TIMER_L && code != SI_SIGIO_L; }

void signal_put_siginfo(uint8_t *p, const struct siginfo_k *info, int is64)
{
	unsigned u = is64 ? 16 : 12; /* the union follows signo, errno, code */
	memset(p, 0, 128);
	put32(p, 0, (uint32_t)info->signo);
	put32(p, 4, (uint32_t)info->err);
	put32(p, 8, (uint32_t)info->code);
	if (info->trapno >= 0) {
		put_long(p, u, info->addr, is64);
	} else if (info->code == SI_TIMER_L) {
		put32(p, u, (uint32_t)info->timerid);
		put32(p, u + 4, (uint32_t)info->overrun);
		put_long(p, u + 8, info->value, is64);
	} else if (rt_layout(info->code)) {
		put32(p, u, (uint32_t)info->pid);
		put32(p, u + 4, (uint32_t)info->uid);
		put_long(p, u + 8, info->value, is64);
	} else {
		put32(p, u, (uint32_t)info->pid);
		put32(p, u + 4, (uint32_t)info->uid);
		put32(p, u + 8, (uint32_t)info->status);
	}
}

void signal_get_siginfo(const uint8_t *p, struct siginfo_k *info, int is64)
{
	unsigned u = is64 ? 16 : 12;
	info->signo = (int)get32(p, 0);
	info->err = (int)get32(p, 4);
	info->code = (int)get32(p, 8);
	if (info->trapno >= 0) {
		info->addr = get_long(p, u, is64);
	} else if (info->code == SI_TIMER_L) {
		info->timerid = (int)get32(p, u);
		info->overrun = (int)get32(p, u + 4);
		info->value = get_long(p, u + 8, is64);
	} else if (rt_layout(info->code)) {
		info->pid = (int)get32(p, u);
		info->uid = (int)get32(p, u + 4);
		info->value = get_long(p, u + 8, is64);
	} else {
		info->pid = (int)get32(p, u);
		info->uid = (int)get32(p, u + 4);
		info->status = (int)get32(p, u + 8);
	}
}

static void write_stack_t(uint8_t *p, const struct task *t, uint64_t sp, int is64)
{
	int on = t->altstack_size && sp - t->altstack_sp <= t->altstack_size;
	int flags = t->altstack_size ? (on ? SS_ONSTACK_L : 0) : SS_DISABLE_L;
	put_long(p, 0, t->altstack_sp, is64);
	put32(p, is64 ? 8 : 4, (uint32_t)flags);
	put_long(p, is64 ? 16 : 8, t->altstack_size, is64);
}

static void write_sigcontext64(uint8_t *p, struct cpu *c, const struct siginfo_k *info,
			       uint64_t oldmask)
{
	static const uint8_t order[16] = {R_R8, R_R9, R_R10, R_R11, R_R12, R_R13, R_R14, R_R15,
					  R_DI, R_SI, R_BP,  R_BX,  R_DX,  R_AX,  R_CX,	 R_SP};
	memset(p, 0, 256);
	for (int k = 0; k < 16; k++)
		put64(p, (unsigned)k * 8, c->r[order[k]]);
	put64(p, 128, c->rip);
	put64(p, 136, cpu_get_eflags(c));
	put16(p, 144, c->seg_sel[SEG_CS]);
	put16(p, 150, c->seg_sel[SEG_SS]);
	put64(p, 152, info->errcode);
	put64(p, 160, (uint64_t)(info->trapno < 0 ? 0 : info->trapno));
	put64(p, 168, oldmask);
	put64(p, 176, info->trapno == 14 ? info->addr : 0);
}

static void write_sigcontext32(uint8_t *p, struct cpu *c, const struct siginfo_k *info,
			       uint64_t oldmask)
{
	static const uint8_t order[8] = {R_DI, R_SI, R_BP, R_SP, R_BX, R_DX, R_CX, R_AX};
	memset(p, 0, 88);
	put32(p, 0, c->seg_sel[SEG_GS]);
	put32(p, 4, c->seg_sel[SEG_FS]);
	put32(p, 8, c->seg_sel[SEG_ES]);
	put32(p, 12, c->seg_sel[SEG_DS]);
	for (int k = 0; k < 8; k++)
		put32(p, 16 + (unsigned)k * 4, c->r[order[k]]);
	put32(p, 48, (uint64_t)(info->trapno < 0 ? 0 : info->trapno));
	put32(p, 52, info->errcode);
	put32(p, 56, c->rip);
	put32(p, 60, c->seg_sel[SEG_CS]);
	put32(p, 64, cpu_get_eflags(c));
	put32(p, 68, c->r[R_SP]);
	put32(p, 72, c->seg_sel[SEG_SS]);
	put32(p, 80, oldmask);
	put32(p, 84, info->trapno == 14 ? info->addr : 0);
}

/* Saves the FPU/SSE state below `sp` as Linux does without XSAVE (an FXSAVE
 * image; for i386 behind the legacy header), and gives the handler a clean
 * FPU. Returns the state's address, or 0 when it cannot be written. */
static uint64_t save_fpstate(struct task *t, uint64_t sp)
{
	struct cpu *c = &t->cpu;
	int is64 = t->proc->mode64;
	uint8_t area[FPSTATE32_SIZE];
	uint64_t at = (sp - (is64 ? FPSTATE64_SIZE : FPSTATE32_SIZE)) & ~63ull;
	uint8_t *fx = is64 ? area : area + FPSTATE32_LEGACY;
	memset(area, 0, sizeof area);
	x87_fxsave_image(c, fx, is64);
	if (!is64) {
		x87_store_env(c, area, 0);
		for (int k = 0; k < 8; k++)
			memcpy(area + 28 + 10 * k, fx + 32 + 16 * k, 10);
		memcpy(area + 108, area + 4, 2); /* status word */
		put16(area, 110, 0);		 /* X86_FXSR_MAGIC: the FXSAVE area follows */
	}
	if (copy_to_user(t->proc->mm, at, area, is64 ? FPSTATE64_SIZE : FPSTATE32_SIZE))
		return 0;
	x87_init(c);
	memset(c->fpu.st, 0, sizeof c->fpu.st); /* Linux's clean state has no stale registers */
	memset(c->xmm, 0, sizeof c->xmm);
	c->mxcsr = 0x1f80;
	return at;
}

static int restore_fpstate(struct task *t, uint64_t at)
{
	uint8_t fx[FPSTATE64_SIZE];
	int is64 = t->proc->mode64;
	if (at == 0)
		return 0;
	if (copy_from_user(t->proc->mm, fx, at + (is64 ? 0 : FPSTATE32_LEGACY), sizeof fx))
		return -1;
	return x87_fxrstor_image(&t->cpu, fx, is64) ? 0 : -1;
}

/* The stack the handler runs on: the alternate one when asked for and not
 * already on it. */
static uint64_t frame_base(const struct task *t, const struct k_sigaction *sa, uint64_t sp)
{
	int on_alt = t->altstack_size && sp - t->altstack_sp <= t->altstack_size;
	if ((sa->flags & SA_ONSTACK_L) && t->altstack_size && !on_alt)
		return t->altstack_sp + t->altstack_size;
	return sp;
}

static int setup_frame64(struct task *t, const struct k_sigaction *sa, const struct siginfo_k *info)
{
	struct cpu *c = &t->cpu;
	uint8_t f[FRAME64_SIZE];
	if (!(sa->flags & SA_RESTORER_L))
		return -1; /* x86-64 has no kernel-provided return trampoline */
	uint64_t sp = frame_base(t, sa, c->r[R_SP] - 128);
	memset(f, 0, sizeof f);
	put64(f, 0, sa->restorer);
	put64(f, 8, UC_SIGCONTEXT_SS | UC_STRICT_RESTORE_SS);
	write_stack_t(f + 24, t, c->r[R_SP], 1);
	write_sigcontext64(f + 48, c, info, t->sigmask);
	uint64_t fp = save_fpstate(t, sp);
	if (!fp)
		return -1;
	put64(f, 48 + 184, fp);
	sp = ((fp - FRAME64_SIZE) & ~15ull) - 8;
	put64(f, 304, t->sigmask);
	signal_put_siginfo(f + 312, info, 1);
	if (copy_to_user(t->proc->mm, sp, f, sizeof f))
		return -1;
	c->r[R_DI] = (uint64_t)info->signo;
	c->r[R_SI] = sp + 312;
	c->r[R_DX] = sp + 8;
	c->r[R_AX] = 0;
	c->r[R_SP] = sp;
	c->rip = sa->handler;
	return 0;
}

static const uint8_t rt_retcode32[8] = {0xb8, 173, 0, 0, 0, 0xcd, 0x80, 0}; /* rt_sigreturn */
static const uint8_t retcode32[8] = {0x58, 0xb8, 119, 0, 0, 0, 0xcd, 0x80}; /* pop; sigreturn */

/* What the two i386 frames share: the return address and the signal number
 * at the bottom, the sigcontext (pointing at the FPU state saved above the
 * frame) at sc_off, and the return trampoline at ret_off, used when the
 * handler has no restorer. Returns the frame's address, or 0. */
static uint64_t begin_frame32(struct task *t, const struct k_sigaction *sa,
			      const struct siginfo_k *info, uint8_t *f, unsigned size,
			      unsigned sc_off, unsigned ret_off, const uint8_t *retcode)
{
	struct cpu *c = &t->cpu;
	memset(f, 0, size);
	write_sigcontext32(f + sc_off, c, info, t->sigmask);
	uint64_t fp = save_fpstate(t, frame_base(t, sa, (uint32_t)c->r[R_SP]));
	if (!fp)
		return 0;
	put32(f, sc_off + 76, fp);
	uint64_t sp = (((fp - size) + 4) & ~15ull) - 4;
	put32(f, 0, sa->flags & SA_RESTORER_L ? sa->restorer : sp + ret_off);
	put32(f, 4, (uint32_t)info->signo);
	memcpy(f + ret_off, retcode, 8);
	return sp;
}

/* Enters an i386 handler: EAX holds the signal, EDX and ECX siginfo and
 * ucontext for SA_SIGINFO handlers (0 otherwise). */
static void enter_handler32(struct cpu *c, const struct k_sigaction *sa, int sig, uint64_t sp,
			    uint64_t info_addr, uint64_t uc_addr)
{
	c->r[R_AX] = (uint32_t)sig;
	c->r[R_DX] = info_addr;
	c->r[R_CX] = uc_addr;
	c->r[R_SP] = sp;
	c->rip = (uint32_t)sa->handler;
}

static int setup_rt_frame32(struct task *t, const struct k_sigaction *sa,
			    const struct siginfo_k *info)
{
	uint8_t f[FRAME32_RT_SIZE];
	uint64_t sp = begin_frame32(t, sa, info, f, sizeof f, 164, 260, rt_retcode32);
	if (!sp)
		return -1;
	put32(f, 8, sp + 16);
	put32(f, 12, sp + 144);
	signal_put_siginfo(f + 16, info, 0);
	write_stack_t(f + 152, t, t->cpu.r[R_SP], 0);
	put64(f, 252, t->sigmask);
	if (copy_to_user(t->proc->mm, sp, f, sizeof f))
		return -1;
	enter_handler32(&t->cpu, sa, info->signo, sp, sp + 16, sp + 144);
	return 0;
}

static int setup_frame32(struct task *t, const struct k_sigaction *sa, const struct siginfo_k *info)
{
	uint8_t f[FRAME32_SIZE];
	uint64_t sp = begin_frame32(t, sa, info, f, sizeof f, 8, 724, retcode32);
	if (!sp)
		return -1;
	put32(f, 720, t->sigmask >> 32);
	if (copy_to_user(t->proc->mm, sp, f, sizeof f))
		return -1;
	enter_handler32(&t->cpu, sa, info->signo, sp, 0, 0);
	return 0;
}

void signal_finish_interrupted(struct task *t, int handler_flags, int handler_runs)
{
	struct cpu *c = &t->cpu;
	if (!t->restart_ret)
		return;
	if (!handler_runs ||
	    (t->restart_ret == KERN_ERESTARTSYS && (handler_flags & SA_RESTART_L))) {
		c->r[R_AX] = t->restart_nr;
		c->rip -= 2; /* SYSCALL and INT 0x80 are both two bytes */
	}
	t->restart_ret = 0;
}

/* The mask a handler's frame restores: sigsuspend's caller's, if any. */
static uint64_t frame_mask(struct task *t)
{
	uint64_t m = t->restore_sigmask ? t->saved_sigmask : t->sigmask;
	t->restore_sigmask = 0;
	return m;
}

static void deliver(struct task *t, const struct siginfo_k *info)
{
	struct siginfo_k replaced;
	if (GDB_ATTACHED(t->vm) && !(info = gdb_signal(t, info, &replaced)))
		return; /* the debugger discarded it */
	struct k_sigaction *sa = &t->proc->sigactions[info->signo];
	if (sa->handler == 1)
		return;
	obs_signal(t, info); /* -s and -Z */
	if (sa->handler == 0) {
		enum sig_default d = default_action(info->signo);
		if (d == SD_TERM || d == SD_CORE)
			terminate(t, info);
		else if (d == SD_STOP)
			process_stop(t, info->signo);
		return;
	}
	int rc;
	struct k_sigaction copy = *sa;
	signal_finish_interrupted(t, (int)copy.flags, 1);
	uint64_t restore_mask = frame_mask(t);
	uint64_t running_mask = t->sigmask;
	t->sigmask = restore_mask;
	if (t->proc->mode64)
		rc = setup_frame64(t, &copy, info);
	else if (copy.flags & SA_SIGINFO_L)
		rc = setup_rt_frame32(t, &copy, info);
	else
		rc = setup_frame32(t, &copy, info);
	t->sigmask = running_mask; /* the handler runs with sigsuspend's mask too */
	if (rc) {
		struct siginfo_k segv = {.signo = SIGSEGV, .code = SI_KERNEL, .trapno = 13};
		terminate(t, &segv);
		return;
	}
	t->vm->signals_delivered++;
	t->cpu.eflags &= ~(F_DF | F_TF);
	t->sigmask |= copy.mask | (copy.flags & SA_NODEFER_L ? 0 : SIGBIT(info->signo));
	t->sigmask &= ~SIG_UNBLOCKABLE;
	if (copy.flags & SA_RESETHAND_L)
		sa->handler = 0;
}

void signal_force(struct task *t, const struct siginfo_k *info)
{
	struct k_sigaction *sa = &t->proc->sigactions[info->signo];
	if (sa->handler == 1 || (t->sigmask & SIGBIT(info->signo))) {
		sa->handler = 0;
		t->sigmask &= ~SIGBIT(info->signo);
	}
	deliver(t, info);
}

void signal_deliver_pending(struct task *t)
{
	struct siginfo_k info;
	while (t->state == TASK_RUNNABLE && signal_dequeue(t, ~t->sigmask, &info))
		deliver(t, &info);
}

static void restore_regs64(struct cpu *c, const uint8_t *p)
{
	static const uint8_t order[16] = {R_R8, R_R9, R_R10, R_R11, R_R12, R_R13, R_R14, R_R15,
					  R_DI, R_SI, R_BP,  R_BX,  R_DX,  R_AX,  R_CX,	 R_SP};
	for (int k = 0; k < 16; k++)
		c->r[order[k]] = get64(p, (unsigned)k * 8);
	c->rip = get64(p, 128);
	cpu_set_eflags(c, (uint32_t)get64(p, 136), F_ARITH | F_TF | F_DF | F_AC | F_ID | 0x4000u);
}

static void restore_regs32(struct cpu *c, const uint8_t *p)
{
	static const uint8_t order[8] = {R_DI, R_SI, R_BP, R_SP, R_BX, R_DX, R_CX, R_AX};
	for (int k = 0; k < 8; k++)
		c->r[order[k]] = get32(p, 16 + (unsigned)k * 4);
	c->rip = get32(p, 56);
	cpu_set_eflags(c, get32(p, 64), F_ARITH | F_TF | F_DF | F_AC | F_ID | 0x4000u);
}

int signal_return(struct task *t, int rt)
{
	struct cpu *c = &t->cpu;
	uint8_t f[FRAME32_SIZE];
	uint64_t mask;
	if (t->proc->mode64) {
		uint64_t uc = c->r[R_SP];
		if (copy_from_user(t->proc->mm, f, uc, 304))
			return -1;
		restore_regs64(c, f + 40);
		if (restore_fpstate(t, get64(f, 40 + 184)))
			return -1;
		mask = get64(f, 296);
	} else if (rt) {
		uint64_t uc = (uint32_t)c->r[R_SP] + 140;
		if (copy_from_user(t->proc->mm, f, uc, 116))
			return -1;
		restore_regs32(c, f + 20);
		if (restore_fpstate(t, get32(f, 20 + 76)))
			return -1;
		mask = get64(f, 108);
	} else {
		uint64_t sc = (uint32_t)c->r[R_SP];
		if (copy_from_user(t->proc->mm, f, sc, 716))
			return -1;
		restore_regs32(c, f);
		if (restore_fpstate(t, get32(f, 76)))
			return -1;
		mask = get32(f, 80) | (uint64_t)get32(f, 712) << 32;
	}
	t->sigmask = mask & ~SIG_UNBLOCKABLE;
	return 0;
}
