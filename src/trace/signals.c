/* Signals as -s and -Z see them: strace's
 *   [pid] --- SIGSEGV {si_signo=SIGSEGV, si_code=SEGV_MAPERR, si_addr=NULL} ---
 *   [pid] +++ killed by SIGSEGV (core dumped) +++
 * lines, the counts by signal, and the fault report of a task an
 * instruction killed. */
#include <signal.h>

#include "kernel/vm.h"
#include "trace/fault_report.h"
#include "trace/hooks.h"
#include "trace/obs.h"
#include "trace/strace.h"
#include "trace/strace_names.h"

/* si_code names that belong to one signal (positive codes). */
static const struct flag_name *codes_of(int sig)
{
	static const struct flag_name segv[] = {{1, "SEGV_MAPERR"}, {2, "SEGV_ACCERR"}, {0, NULL}};
	static const struct flag_name ill[] = {
		{1, "ILL_ILLOPC"}, {2, "ILL_ILLOPN"}, {3, "ILL_ILLADR"}, {4, "ILL_ILLTRP"},
		{5, "ILL_PRVOPC"}, {6, "ILL_PRVREG"}, {7, "ILL_COPROC"}, {8, "ILL_BADSTK"}, {0, NULL}};
	static const struct flag_name fpe[] = {
		{1, "FPE_INTDIV"}, {2, "FPE_INTOVF"}, {3, "FPE_FLTDIV"}, {4, "FPE_FLTOVF"},
		{5, "FPE_FLTUND"}, {6, "FPE_FLTRES"}, {7, "FPE_FLTINV"}, {8, "FPE_FLTSUB"}, {0, NULL}};
	static const struct flag_name bus[] = {
		{1, "BUS_ADRALN"}, {2, "BUS_ADRERR"}, {3, "BUS_OBJERR"}, {0, NULL}};
	static const struct flag_name trap[] = {{1, "TRAP_BRKPT"}, {2, "TRAP_TRACE"}, {0, NULL}};
	static const struct flag_name chld[] = {
		{1, "CLD_EXITED"}, {2, "CLD_KILLED"},  {3, "CLD_DUMPED"},
		{4, "CLD_TRAPPED"}, {5, "CLD_STOPPED"}, {6, "CLD_CONTINUED"}, {0, NULL}};
	switch (sig) {
	case SIGSEGV: return segv;
	case SIGILL: return ill;
	case SIGFPE: return fpe;
	case SIGBUS: return bus;
	case SIGTRAP: return trap;
	case SIGCHLD: return chld;
	default: return NULL;
	}
}

static int is_fault_signal(int sig)
{
	return sig == SIGSEGV || sig == SIGILL || sig == SIGFPE || sig == SIGBUS ||
	       sig == SIGTRAP;
}

void strace_siginfo(struct tbuf *b, const struct siginfo_k *info)
{
	char name[16];
	const struct flag_name *own = info->code > 0 ? codes_of(info->signo) : NULL;
	const char *code = own ? flag_lookup(own, (uint64_t)info->code)
			       : flag_lookup(si_codes, (uint64_t)(int64_t)info->code);
	tb_printf(b, "{si_signo=%s, si_code=", signal_name(info->signo, 0, name, sizeof name));
	tb_printf(b, code ? "%s" : "%.0s%d", code ? code : "", info->code);
	if (info->trapno >= 0 && is_fault_signal(info->signo)) {
		tb_puts(b, ", si_addr=");
		strace_ptr(b, info->addr);
	} else if (info->code == -2) { /* SI_TIMER */
		tb_printf(b, ", si_timerid=%d, si_overrun=%d, si_value={sival_int=%d, sival_ptr=%#llx}",
			  info->timerid, info->overrun, (int)info->value,
			  (unsigned long long)info->value);
	} else if (info->signo == SIGCHLD && info->code > 0) {
		tb_printf(b, ", si_pid=%d, si_uid=%d, si_status=", info->pid, info->uid);
		if (info->code == 1)
			tb_printf(b, "%d", info->status);
		else
			tb_puts(b, signal_name(info->status, 0, name, sizeof name) ? name : "?");
	} else if (info->code <= 0) {
		tb_printf(b, ", si_pid=%d, si_uid=%d", info->pid, info->uid);
	}
	tb_putc(b, '}');
}

void obs_signal(struct task *t, const struct siginfo_k *info)
{
	struct vm *vm = t->vm;
	struct obs *o = vm->obs;
	char line[512], name[16];
	struct tbuf b = TBUF_ON(line);
	if (!o || info->signo < 1 || info->signo > NSIG_LINUX)
		return;
	o->signals[info->signo].taken++;
	if (info->trapno >= 0 && is_fault_signal(info->signo))
		o->signals[info->signo].faults++;
	if (!vm->opt.trace_syscalls)
		return;
	strace_flush_pending(vm, 0);
	tb_printf(&b, "[%d] --- %s ", t->tid, signal_name(info->signo, 0, name, sizeof name));
	strace_siginfo(&b, info);
	fprintf(o->log, "%s ---\n", line);
}

void obs_killed(struct task *t, const struct siginfo_k *info, int fault)
{
	struct vm *vm = t->vm;
	char name[16];
	if (fault && is_fault_signal(info->signo))
		fault_report(t, info);
	if (!vm->obs || info->signo < 1 || info->signo > NSIG_LINUX)
		return;
	vm->obs->signals[info->signo].killed++;
	if (vm->opt.trace_syscalls)
		fprintf(vm->obs->log, "[%d] +++ killed by %s%s +++\n", t->proc->pid,
			signal_name(info->signo, 0, name, sizeof name),
			t->proc->wait_status & 0x80 ? " (core dumped)" : "");
}
