/* Syscall mode: hexvm runs ahead at full speed to its next system call (or
 * fault), then the native follows under PTRACE_SYSCALL; the states are
 * compared there. The native stops at int3s lockstep puts at the CPUID,
 * RDTSC and x87 environment stores hexvm executed, to take hexvm's results
 * in the order hexvm produced them (the ring). Signals are placed where
 * both sides stand: at system calls, at faults, or anywhere when the
 * native drops them; a caught signal arriving in between is not followed.
 * Threads take turns at system calls only (lockstep_threads.c): a thread
 * that waits for another without making one (a spin lock) is reported. */
#if defined(__linux__) && defined(__x86_64__) /* else lockstep.c says it is not available */
#include <signal.h>
#include <stdint.h>
#include <string.h>
#include <sys/ptrace.h>

#include "debug/lockstep_int.h"
#include "interp/block.h"
#include "mem/mm.h"

#define HEXVM_TURN 50000000ull /* instructions before the native gets a turn */
#define SPIN_TURNS 4	       /* turns without a system call while other threads wait */

/* Syscall mode keeps only the last block hexvm ran, up to where it stopped. */
static void trail_from_block(struct lockstep *ls)
{
	const struct block *b = ls->cur->cpu.cur_block;
	uint8_t bytes[15];
	ls->trail_len = ls->trail_next = 0;
	for (unsigned k = 0; b && k < b->n; k++) {
		const struct insn *i = &b->insns[k];
		if (ls_hexvm_read(ls, i->addr, bytes, i->len) == 0)
			ls_trail_add(ls, i->addr, bytes, i->len);
		if (ls->fault_sig && i->addr == ls->cur->cpu.rip)
			break;
	}
}

enum follow { FOLLOW_STOPPED, FOLLOW_WAITING, FOLLOW_ERROR };

/* The native's turn: under PTRACE_SYSCALL, taking hexvm's results at the
 * int3s (ls_arm_external put them), until it stops where the interval ends
 * (a system call, a signal, its end, or paths that parted: *ev) or reaches
 * an int3 whose result hexvm has not produced yet, where it waits. */
static enum follow native_follow(struct lockstep *ls, struct ls_event *ev)
{
	struct user_regs_struct r;
	for (;;) {
		if (ls->native_waits) {
			const struct ls_external *e = &ls->ext[ls->ext_head];
			if (!ls->ext_count)
				return FOLLOW_WAITING;
			if (e->addr != ls->wait_site) {
				ev->kind = EV_BREAK; /* hexvm executed another one next */
				return FOLLOW_STOPPED;
			}
			ls->native_waits = 0;
			if (e->kind == EXT_STORE &&
			    (ls_native_step_over_break(ls, e->addr, ev) || ev->kind != EV_STEP))
				return ls->pid > 0 || ev->kind != EV_STEP ? FOLLOW_STOPPED : FOLLOW_ERROR;
			if (ls_native_take_external(ls, e->addr))
				return FOLLOW_ERROR;
		}
		if (ls_native_resume(ls, PTRACE_SYSCALL, 0) || ls_native_wait(ls, ev))
			return FOLLOW_ERROR;
		/* a signal the native drops changes nothing, wherever it comes */
		if (ev->kind == EV_SIGNAL && !ls_is_fault(ev) && ls_signal_ignored(ls, ev->sig))
			continue;
		if (ev->kind != EV_BREAK)
			return FOLLOW_STOPPED;
		if (ls_native_regs(ls, &r))
			return FOLLOW_ERROR;
		ls->native_waits = 1;
		ls->wait_site = r.rip - 1;
	}
}

/* A signal queued for the native and not blocked (ptrace tells without
 * the cost of /proc/PID/status, once per system call). */
static int signal_pending(struct lockstep *ls)
{
	siginfo_t si[32];
	uint64_t blocked;
	if (ptrace(PTRACE_GETSIGMASK, ls->cur->tid, (void *)sizeof blocked, &blocked))
		return 0;
	for (int shared = 0; shared < 2; shared++) {
		struct __ptrace_peeksiginfo_args a = {0, shared ? PTRACE_PEEKSIGINFO_SHARED : 0, 32};
		long n = ptrace(PTRACE_PEEKSIGINFO, ls->cur->tid, &a, si);
		for (long k = 0; k < n; k++)
			if (!((blocked >> (si[k].si_signo - 1)) & 1))
				return 1;
	}
	return 0;
}

enum ls_outcome ls_deliver_pending(struct lockstep *ls, int *status)
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
	uint64_t at = ls->cur->cpu.rip;
	if (ev->kind == EV_BREAK)
		return ls_report_states(ls, "the native reached a CPUID/RDTSC hexvm did not execute", at);
	if (ev->kind == EV_SIGNAL && ls_is_fault(ev))
		return ls_fault(ls, ev, at, status);
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
	if (o != LS_GO_ON || ls->cur->in_call || ls->cur->gone)
		return o; /* a blocked thread takes its signals when its call ends */
	if (ls->ext_count)
		return ls_report_states(ls, "hexvm executed a CPUID/RDTSC the native did not reach", at);
	return ls_deliver_pending(ls, status);
}

/* The native stopped where hexvm need not catch up first. */
static int native_ends_interval(const struct ls_event *ev)
{
	return ev->kind == EV_BREAK || ev->kind == EV_EXITED || ev->kind == EV_KILLED ||
	       ev->kind == EV_UNFOLLOWED || (ev->kind == EV_SIGNAL && !ls_is_fault(ev));
}

static enum ls_outcome spin_reported(struct lockstep *ls)
{
	ls_report_unfollowed(ls, "%llu instructions without a system call while other threads "
				 "wait (syscall mode gives threads their turns at system calls "
				 "only; --lockstep follows it)",
			     (unsigned long long)HEXVM_TURN * SPIN_TURNS);
	return LS_UNFOLLOWED;
}

/* Turns until both stand at the interval's end: hexvm HEXVM_TURN
 * instructions at a time (a program may wait in a loop for a signal that
 * only the native gets), the native until it stops or waits for a result.
 * With other threads, a turn that ends without a system call does not let
 * the native follow: it may be a wait for one of them, which the native,
 * holding them stopped, would never end. */
enum ls_outcome ls_interval(struct lockstep *ls, int *status)
{
	struct ls_event ev;
	int hexvm_done = 0, native_done = 0, idle_turns = 0;
	while (!hexvm_done || !native_done) {
		if (!hexvm_done) {
			uint64_t limit = ls->cur->cpu.icount + HEXVM_TURN;
			ls_hexvm_run(ls, limit);
			hexvm_done = ls->pending_abi >= 0 || ls->fault_sig;
			if (!hexvm_done && ls->nlive > 1 && ls->cur->cpu.icount >= limit) {
				if (++idle_turns == SPIN_TURNS)
					return spin_reported(ls);
				continue;
			}
		}
		if (native_done)
			continue;
		enum follow f = native_follow(ls, &ev);
		if (f == FOLLOW_ERROR)
			return LS_FAILED;
		if (f == FOLLOW_WAITING && hexvm_done)
			ev.kind = EV_BREAK; /* for a result hexvm will never produce */
		native_done = f == FOLLOW_STOPPED || hexvm_done;
		if (native_done && native_ends_interval(&ev))
			break;
	}
	trail_from_block(ls);
	return interval_end(ls, &ev, status);
}

#endif
