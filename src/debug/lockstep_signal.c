/* Signals under lockstep, and the end of the program. Signals are delivered
 * by the native kernel as the native's disposition says; when a handler is
 * entered, hexvm takes the registers and the frame the native kernel built.
 * A signal that kills ends every thread: the process's status is the one
 * its first thread reports last. */
#if defined(__linux__) && defined(__x86_64__) /* else lockstep.c says it is not available */
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/ptrace.h>

#include "debug/lockstep_int.h"

/* The default action of a signal: 0 terminate, 1 ignore, 2 stop. */
static int default_action(int sig)
{
	if (sig == SIGCHLD || sig == SIGCONT || sig == SIGURG || sig == SIGWINCH)
		return 1;
	if (sig == SIGSTOP || sig == SIGTSTP || sig == SIGTTIN || sig == SIGTTOU)
		return 2;
	return 0;
}

/* From /proc/PID/status: whether the native ignores or catches sig. */
static void disposition(struct lockstep *ls, int sig, int *ignored, int *caught)
{
	char path[64], line[256];
	unsigned long long mask;
	snprintf(path, sizeof path, "/proc/%d/status", (int)ls->proc_pid);
	FILE *f = fopen(path, "re");
	*ignored = *caught = 0;
	while (f && fgets(line, sizeof line, f)) {
		if (sscanf(line, "SigIgn: %llx", &mask) == 1)
			*ignored = (mask >> (sig - 1)) & 1;
		else if (sscanf(line, "SigCgt: %llx", &mask) == 1)
			*caught = (mask >> (sig - 1)) & 1;
	}
	if (f)
		fclose(f);
}

int ls_signal_ignored(struct lockstep *ls, int sig)
{
	int ignored, caught;
	disposition(ls, sig, &ignored, &caught);
	return !caught && (ignored || default_action(sig) == 1);
}

int ls_is_fault(const struct ls_event *ev)
{
	int s = ev->sig;
	return (s == SIGSEGV || s == SIGBUS || s == SIGILL || s == SIGFPE || s == SIGTRAP) &&
	       ev->si_code > 0;
}

enum ls_outcome ls_end_event(struct lockstep *ls, const struct ls_event *ev, int *status)
{
	struct ls_event end = *ev;
	if (end.kind == EV_EXITED || end.kind == EV_KILLED || end.kind == EV_ZOMBIE) {
		if (ls->pid > 0 && ls_native_reap(ls, &end)) /* one thread's end, not its own */
			return LS_FAILED;
		*status = end.kind == EV_EXITED ? end.status : 128 + end.sig;
		return LS_DONE;
	}
	if (end.kind == EV_UNFOLLOWED)
		ls_report_unfollowed(ls, "the program stopped (%s)",
				     !end.status			  ? "a stop signal"
				     : end.status == PTRACE_EVENT_EXEC ? "a ptrace event: an execve"
								   : "a ptrace event");
	else
		ls_report_message(ls, "unexpected native stop (kind %d, signal %d, code %d)",
				  end.kind, end.sig, end.si_code);
	return end.kind == EV_UNFOLLOWED ? LS_UNFOLLOWED : LS_FAILED;
}

/* The native kernel builds the frame; hexvm takes it and the registers. */
static enum ls_outcome enter_handler(struct lockstep *ls, int sig, int *status)
{
	struct ls_event ev;
	uint64_t where;
	if (ls_native_resume(ls, PTRACE_SINGLESTEP, sig) || ls_native_wait(ls, &ev))
		return LS_FAILED;
	if (ev.kind != EV_STEP)
		return ls_end_event(ls, &ev, status);
	if (ls_take_native_regs(ls) || ls_mirror_maps(ls, 0, 0) ||
	    ls_mirror_memory(ls, 1, &where) < 0)
		return LS_FAILED;
	return LS_GO_ON;
}

enum ls_outcome ls_signal(struct lockstep *ls, const struct ls_event *ev, int *entered,
			  int *status)
{
	int ignored, caught, sig = ev->sig;
	struct ls_event end;
	ls->signals++;
	disposition(ls, sig, &ignored, &caught);
	*entered = caught;
	if (caught)
		return enter_handler(ls, sig, status);
	if (ignored || default_action(sig) == 1)
		return LS_GO_ON; /* not passed on: the native drops it, as its kernel would */
	if (default_action(sig) == 2) {
		ls_report_unfollowed(ls, "signal %d (%s) would stop the program", sig,
				     strsignal(sig));
		return LS_UNFOLLOWED;
	}
	/* it kills every thread: the first one's end, which comes last, says how */
	if (ls_native_resume(ls, PTRACE_CONT, sig) || ls_native_reap(ls, &end))
		return LS_FAILED;
	*status = end.kind == EV_EXITED ? end.status : 128 + end.sig;
	return LS_DONE;
}

#endif
