/* Syscall mode: hexvm runs ahead at full speed to its next system call (or
 * fault), then the native follows under PTRACE_SYSCALL; the states are
 * compared there. The native stops at int3s lockstep puts at the CPUID,
 * RDTSC and x87 environment stores hexvm executed, to take hexvm's results
 * in the order hexvm produced them (the ring). Signals are placed where
 * both sides stand: at system calls, at faults, or anywhere when the
 * native drops them; a caught signal arriving in between is not followed. */
#if defined(__linux__) && defined(__x86_64__) /* else lockstep.c says it is not available */
#include <signal.h>
#include <stdint.h>
#include <string.h>
#include <sys/ptrace.h>

#include "debug/lockstep_int.h"
#include "interp/block.h"
#include "mem/mm.h"

/* Syscall mode keeps only the last block hexvm ran, up to where it stopped. */
static void trail_from_block(struct lockstep *ls)
{
	const struct block *b = ls->cpu.cur_block;
	uint8_t bytes[15];
	ls->trail_len = ls->trail_next = 0;
	for (unsigned k = 0; b && k < b->n; k++) {
		const struct insn *i = &b->insns[k];
		if (ls_hexvm_read(ls, i->addr, bytes, i->len) == 0)
			ls_trail_add(ls, i->addr, bytes, i->len);
		if (ls->fault_sig && i->addr == ls->cpu.rip)
			break;
	}
}

/* Runs the native under PTRACE_SYSCALL, handing it hexvm's CPUID/RDTSC
 * results at their breakpoints, until another stop (or, with `drain`,
 * until the ring is empty). */
static int native_follow(struct lockstep *ls, int drain, struct ls_event *ev)
{
	struct user_regs_struct r;
	for (unsigned k = 0; k < ls->ext_count; k++) {
		const struct ls_external *e = &ls->ext[(ls->ext_head + k) % LS_EXT_MAX];
		const struct vma *v = mm_find_vma(ls->mm, e->addr);
		if (v && !(v->prot & GPROT_WRITE) && ls_native_break(ls, e->addr))
			return -1;
	}
	for (;;) {
		if (drain && !ls->ext_count)
			return 0;
		if (ls_native_resume(ls, PTRACE_SYSCALL, 0) || ls_native_wait(ls, ev))
			return -1;
		/* a signal the native drops changes nothing, wherever it comes */
		if (ev->kind == EV_SIGNAL && !ls_is_fault(ev) && ls_signal_ignored(ls, ev->sig))
			continue;
		if (ev->kind != EV_BREAK)
			return 0;
		if (ls_native_regs(ls, &r))
			return -1;
		uint64_t site = r.rip - 1;
		if (!ls->ext_count || ls->ext[ls->ext_head].addr != site)
			return 0; /* hexvm did not execute it next: the paths parted */
		if (ls->ext[ls->ext_head].kind == EXT_STORE) {
			if (ls_native_step_over_break(ls, site, ev))
				return -1;
			if (ev->kind != EV_STEP)
				return 0;
		}
		if (ls_native_take_external(ls, site))
			return -1;
	}
}


/* A signal queued for the native and not blocked (ptrace tells without
 * the cost of /proc/PID/status, once per system call). */
static int signal_pending(struct lockstep *ls)
{
	siginfo_t si[32];
	uint64_t blocked;
	if (ptrace(PTRACE_GETSIGMASK, ls->pid, (void *)sizeof blocked, &blocked))
		return 0;
	for (int shared = 0; shared < 2; shared++) {
		struct __ptrace_peeksiginfo_args a = {0, shared ? PTRACE_PEEKSIGINFO_SHARED : 0, 32};
		long n = ptrace(PTRACE_PEEKSIGINFO, ls->pid, &a, si);
		for (long k = 0; k < n; k++)
			if (!((blocked >> (si[k].si_signo - 1)) & 1))
				return 1;
	}
	return 0;
}

/* After a system call: signals it made pending are delivered now, where
 * hexvm stands too. */
static enum ls_outcome deliver_pending(struct lockstep *ls, int *status)
{
	struct ls_event ev;
	int entered;
	while (ls->pid > 0 && signal_pending(ls)) {
		if (ls_native_resume(ls, PTRACE_SYSCALL, 0) || ls_native_wait(ls, &ev))
			return LS_FAILED;
		if (ev.kind != EV_SIGNAL)
			return ls_end_event(ls, &ev, status);
		enum ls_outcome o = ls_signal(ls, &ev, &entered, status);
		if (o != LS_GO_ON)
			return o;
	}
	return LS_GO_ON;
}

static enum ls_outcome interval_end(struct lockstep *ls, const struct ls_event *ev, int *status)
{
	int entered;
	uint64_t at = ls->cpu.rip;
	if (ev->kind == EV_BREAK)
		return ls_report_states(ls, "the native reached a CPUID/RDTSC hexvm did not execute", at);
	if (ev->kind == EV_SIGNAL && ls_is_fault(ev)) {
		if (ls->fault_sig != ev->sig)
			return ls_report_states(ls, "the native faulted where hexvm did not", at);
		enum ls_outcome o = ls_compare(ls, at, 0);
		return o != LS_GO_ON ? o : ls_signal(ls, ev, &entered, status);
	}
	if (ev->kind == EV_SIGNAL) {
		ls_report_unfollowed(ls, "signal %d (%s) arrived between system calls, where syscall "
					 "mode cannot place it in hexvm; --lockstep follows it",
				     ev->sig, strsignal(ev->sig));
		return LS_UNFOLLOWED;
	}
	if (ev->kind != EV_SYSCALL)
		return ls_end_event(ls, ev, status);
	if (ls->pending_abi < 0)
		return ls_report_states(ls, "the native made a system call where hexvm did not", at);
	enum ls_outcome o = ls_syscall(ls, status);
	ls->pending_abi = -1;
	if (o == LS_GO_ON && ls->ext_count)
		return ls_report_states(ls, "hexvm executed a CPUID/RDTSC the native did not reach", at);
	return o == LS_GO_ON ? deliver_pending(ls, status) : o;
}

enum ls_outcome ls_interval(struct lockstep *ls, int *status)
{
	struct ls_event ev;
	for (;;) {
		ls_hexvm_run(ls, UINT64_MAX);
		if (ls->pending_abi >= 0 || ls->fault_sig)
			break;
		if (native_follow(ls, 1, &ev))
			return LS_FAILED;
		if (ls->ext_count)
			return interval_end(ls, &ev, status);
	}
	trail_from_block(ls);
	if (native_follow(ls, 0, &ev))
		return LS_FAILED;
	return interval_end(ls, &ev, status);
}

#endif
