/* The native side of lockstep: the program started under ptrace, its stops,
 * registers and memory, and the breakpoints lockstep places in it. Stops,
 * registers and resumptions are those of the current thread (ls->cur);
 * the memory is the process's. */
#if defined(__linux__) && defined(__x86_64__) /* else lockstep.c says it is not available */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/personality.h>
#include <sys/ptrace.h>
#include <sys/wait.h>
#include <unistd.h>

#include "debug/lockstep_int.h"

#define INT3 0xcc

/* In the child: become traceable and deterministic, then the program. On
 * failure the parent learns the step and errno through the pipe. */
static _Noreturn void child(int report_fd, const char *path, char *const argv[],
			    char *const envp[])
{
	int stage = 0;
	if (ptrace(PTRACE_TRACEME, 0, 0, 0) == 0) {
		stage = 1;
		int persona = personality(0xffffffff);
		if (persona != -1 && personality((unsigned long)persona | ADDR_NO_RANDOMIZE) != -1) {
			stage = 2;
			execve(path, argv, envp);
		}
	}
	int report[2] = {stage, errno};
	if (write(report_fd, report, sizeof report) < 0)
		_exit(127);
	_exit(127);
}

/* Both files stay bound to the address space they were opened on: an
 * execve needs them opened again. */
int ls_native_open_proc(struct lockstep *ls, char *msg, size_t msg_size)
{
	char p[64];
	if (ls->mem_fd >= 0)
		close(ls->mem_fd);
	if (ls->pagemap_fd >= 0)
		close(ls->pagemap_fd);
	snprintf(p, sizeof p, "/proc/%d/mem", (int)ls->proc_pid);
	ls->mem_fd = open(p, O_RDWR | O_CLOEXEC);
	snprintf(p, sizeof p, "/proc/%d/pagemap", (int)ls->proc_pid);
	ls->pagemap_fd = open(p, O_RDONLY | O_CLOEXEC);
	if (ls->mem_fd < 0 || ls->pagemap_fd < 0) {
		snprintf(msg, msg_size, "cannot open %s: %s", p, strerror(errno));
		return -1;
	}
	return 0;
}

int ls_native_spawn(struct lockstep *ls, const char *path, char *const argv[],
		    char *const envp[], char *msg, size_t msg_size)
{
	static const char *const stages[] = {"ptrace", "personality", "execve"};
	int pfd[2], report[2], st;
	if (pipe2(pfd, O_CLOEXEC) < 0) {
		snprintf(msg, msg_size, "pipe: %s", strerror(errno));
		return -1;
	}
	ls->pid = fork();
	if (ls->pid == 0)
		child(pfd[1], path, argv, envp);
	close(pfd[1]);
	ssize_t got = ls->pid < 0 ? 0 : read(pfd[0], report, sizeof report);
	close(pfd[0]);
	if (ls->pid < 0) {
		snprintf(msg, msg_size, "fork: %s", strerror(errno));
		return -1;
	}
	if (got == (ssize_t)sizeof report) {
		waitpid(ls->pid, &st, 0);
		ls->pid = 0;
		snprintf(msg, msg_size, "%s: %s", stages[report[0]], strerror(report[1]));
		return -1;
	}
	if (waitpid(ls->pid, &st, 0) < 0 || !WIFSTOPPED(st) || WSTOPSIG(st) != SIGTRAP) {
		snprintf(msg, msg_size, "the program did not stop at its first instruction");
		ls_native_kill(ls);
		return -1;
	}
	/* EXITKILL: the native must not outlive hexvm; TRACEEXEC: an exec that
	 * slipped through stops rather than running a program unobserved;
	 * TRACECLONE: new threads are traced from their first instruction. */
	long opts = PTRACE_O_TRACESYSGOOD | PTRACE_O_EXITKILL | PTRACE_O_TRACEEXEC |
		    PTRACE_O_TRACECLONE;
	if (ptrace(PTRACE_SETOPTIONS, ls->pid, 0, opts) < 0) {
		snprintf(msg, msg_size, "ptrace: %s", strerror(errno));
		ls_native_kill(ls);
		return -1;
	}
	ls->proc_pid = ls->pid;
	return ls_native_open_proc(ls, msg, msg_size);
}

int ls_native_reap(struct lockstep *ls, struct ls_event *ev)
{
	int st;
	for (;;) {
		pid_t got = waitpid(-1, &st, __WALL);
		if (got < 0 && errno != EINTR)
			return -1;
		if (got != ls->pid || !(WIFEXITED(st) || WIFSIGNALED(st)))
			continue; /* another thread's end, or a stop it made first */
		memset(ev, 0, sizeof *ev);
		ev->kind = WIFEXITED(st) ? EV_EXITED : EV_KILLED;
		ev->status = WIFEXITED(st) ? WEXITSTATUS(st) : 0;
		ev->sig = WIFSIGNALED(st) ? WTERMSIG(st) : 0;
		ls->pid = 0;
		return 0;
	}
}

void ls_native_kill(struct lockstep *ls)
{
	struct ls_event ev;
	if (ls->pid <= 0)
		return;
	kill(ls->pid, SIGKILL);
	ls_native_reap(ls, &ev);
	ls->pid = 0;
}

/* A thread stopped where lockstep holds it is let go with the signal its
 * stop was for, if it was one. */
static int detach(pid_t tid, const struct ls_event *ev)
{
	long sig = ev && ev->kind == EV_SIGNAL ? ev->sig : 0;
	return ptrace(PTRACE_DETACH, tid, 0, (void *)sig) < 0 ? -1 : 0;
}

/* The wait status of the process's end as an exit status. */
static int exit_status(int st)
{
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

/* Threads blocked in a call are not stopped and cannot be let go: they are
 * as each stops, now that the others run. The process may end first: 1,
 * with its wait status in *end. */
static int detach_blocked(struct lockstep *ls, int blocked, int *end)
{
	struct ls_event ev;
	struct ls_thread *running = ls->cur;
	while (blocked > 0) {
		pid_t got = waitpid(-1, end, __WALL);
		if (got < 0 && errno != EINTR)
			return -1;
		if (got == ls->pid && (WIFEXITED(*end) || WIFSIGNALED(*end)))
			return 1;
		for (int k = 0; k < ls->nthreads; k++) {
			struct ls_thread *t = ls->threads[k];
			if (t->tid != got || t->gone || !t->in_call)
				continue;
			ls->cur = t;
			int rc = ls_native_event(ls, *end, &ev);
			ls->cur = running;
			if (!rc && ev.kind != EV_EXITED && ev.kind != EV_KILLED && detach(got, &ev))
				return -1;
			t->gone = 1;
			blocked--;
		}
	}
	return 0;
}

int ls_native_release(struct lockstep *ls)
{
	int st, blocked = 0;
	ls_native_unbreak_all(ls);
	for (int k = 0; k < ls->nthreads; k++) {
		struct ls_thread *t = ls->threads[k];
		if (t->gone)
			continue;
		if (t->in_call && !t->has_event)
			blocked++;
		else if (detach(t->tid, t->has_event ? &t->event : NULL))
			return -1;
	}
	int ended = detach_blocked(ls, blocked, &st);
	if (ended < 0)
		return -1;
	while (!ended && waitpid(ls->pid, &st, 0) < 0)
		if (errno != EINTR)
			return -1;
	ls->pid = 0;
	return exit_status(st);
}

int ls_native_resume(struct lockstep *ls, int request, int sig)
{
	return (int)ptrace((enum __ptrace_request)request, ls->cur->tid, 0, (void *)(long)sig);
}

int ls_native_regs(struct lockstep *ls, struct user_regs_struct *r)
{
	return (int)ptrace(PTRACE_GETREGS, ls->cur->tid, 0, r);
}

int ls_native_set_regs(struct lockstep *ls, const struct user_regs_struct *r)
{
	return (int)ptrace(PTRACE_SETREGS, ls->cur->tid, 0, r);
}

int ls_native_fpregs(struct lockstep *ls, struct user_fpregs_struct *f)
{
	return (int)ptrace(PTRACE_GETFPREGS, ls->cur->tid, 0, f);
}

/* /proc/PID/mem reads and writes what ptrace may, protections or not. */
int ls_native_read(struct lockstep *ls, uint64_t addr, void *buf, size_t len)
{
	uint8_t *p = buf;
	while (len) {
		ssize_t n = pread(ls->mem_fd, p, len, (off_t)addr);
		if (n <= 0)
			return -1;
		p += n, addr += (uint64_t)n, len -= (size_t)n;
	}
	return 0;
}

int ls_native_write(struct lockstep *ls, uint64_t addr, const void *buf, size_t len)
{
	const uint8_t *p = buf;
	while (len) {
		ssize_t n = pwrite(ls->mem_fd, p, len, (off_t)addr);
		if (n <= 0)
			return -1;
		p += n, addr += (uint64_t)n, len -= (size_t)n;
	}
	return 0;
}

/* A SIGTRAP from an int3 at one of our breakpoints: rip is past it. */
static int at_break(struct lockstep *ls, struct ls_event *ev)
{
	struct user_regs_struct r;
	return ev->sig == SIGTRAP && ev->si_code == SI_KERNEL && ls_native_regs(ls, &r) == 0 &&
	       ls_native_is_break(ls, r.rip - 1);
}

int ls_native_event(struct lockstep *ls, int st, struct ls_event *ev)
{
	siginfo_t si;
	memset(ev, 0, sizeof *ev);
	if (WIFEXITED(st) || WIFSIGNALED(st)) {
		ev->kind = WIFEXITED(st) ? EV_EXITED : EV_KILLED;
		ev->status = WIFEXITED(st) ? WEXITSTATUS(st) : 0;
		ev->sig = WIFSIGNALED(st) ? WTERMSIG(st) : 0;
		if (ls->cur->tid == ls->pid)
			ls->pid = 0; /* the first thread ends last: the process is gone */
		return 0;
	}
	ev->sig = WSTOPSIG(st);
	if (ev->sig == (SIGTRAP | 0x80)) {
		ev->kind = EV_SYSCALL;
		return 0;
	}
	/* a ptrace event (exec, clone), or a group stop (no siginfo) */
	if ((st >> 16) || ptrace(PTRACE_GETSIGINFO, ls->cur->tid, 0, &si) < 0) {
		ev->kind = EV_UNFOLLOWED;
		ev->status = st >> 16;
		return 0;
	}
	ev->si_code = si.si_code;
	ev->addr = (uint64_t)(uintptr_t)si.si_addr;
	/* the kernel reports a step as TRAP_TRACE, over a system call
	 * instruction as TRAP_BRKPT, into a signal handler as TRAP_UNK */
	if (ev->sig == SIGTRAP && (si.si_code == TRAP_TRACE || si.si_code == TRAP_BRKPT ||
				   si.si_code == TRAP_UNK))
		ev->kind = EV_STEP;
	else
		ev->kind = at_break(ls, ev) ? EV_BREAK : EV_SIGNAL;
	return 0;
}

int ls_native_wait(struct lockstep *ls, struct ls_event *ev)
{
	int st;
	while (waitpid(ls->cur->tid, &st, __WALL) < 0)
		if (errno != EINTR)
			return -1;
	return ls_native_event(ls, st, ev);
}

/* Runs one system call in the stopped native process by putting its
 * instruction at rip for one step; every register and byte is put back. */
int ls_native_syscall(struct lockstep *ls, uint64_t nr, const uint64_t *a, uint64_t *ret)
{
	static const uint8_t insn64[2] = {0x0f, 0x05}, insn32[2] = {0xcd, 0x80};
	struct user_regs_struct saved, r;
	struct ls_event ev;
	uint8_t old[2];
	if (ls_native_regs(ls, &saved) || ls_native_read(ls, saved.rip, old, 2) ||
	    ls_native_write(ls, saved.rip, ls->mode64 ? insn64 : insn32, 2))
		return -1;
	r = saved;
	r.rax = nr;
	if (ls->mode64) {
		r.rdi = a[0], r.rsi = a[1], r.rdx = a[2], r.r10 = a[3], r.r8 = a[4], r.r9 = a[5];
	} else {
		r.rbx = a[0], r.rcx = a[1], r.rdx = a[2], r.rsi = a[3], r.rdi = a[4], r.rbp = a[5];
	}
	int ok = ls_native_set_regs(ls, &r) == 0 && ls_native_resume(ls, PTRACE_SINGLESTEP, 0) == 0 &&
		 ls_native_wait(ls, &ev) == 0 && ev.kind == EV_STEP && ls_native_regs(ls, &r) == 0;
	if (!ok)
		return -1;
	*ret = r.rax;
	return ls_native_write(ls, saved.rip, old, 2) || ls_native_set_regs(ls, &saved) ? -1 : 0;
}

int ls_native_is_break(const struct lockstep *ls, uint64_t addr)
{
	for (int k = 0; k < ls->nbreaks; k++)
		if (ls->breaks[k] == addr)
			return 1;
	return 0;
}

/* Marks a CPUID/RDTSC site: the native stops there and takes hexvm's result
 * instead of executing it. -1 when no more fit. */
int ls_native_break(struct lockstep *ls, uint64_t addr)
{
	static const uint8_t int3 = INT3;
	if (ls_native_is_break(ls, addr))
		return 0;
	if (ls->nbreaks == LS_BREAK_MAX ||
	    ls_native_read(ls, addr, &ls->break_saved[ls->nbreaks], 1) ||
	    ls_native_write(ls, addr, &int3, 1))
		return -1;
	ls->breaks[ls->nbreaks++] = addr;
	return 0;
}

int ls_native_step_over_break(struct lockstep *ls, uint64_t addr, struct ls_event *ev)
{
	static const uint8_t int3 = INT3;
	struct user_regs_struct r;
	int k = 0;
	while (k < ls->nbreaks && ls->breaks[k] != addr)
		k++;
	if (k == ls->nbreaks || ls_native_regs(ls, &r) ||
	    ls_native_write(ls, addr, &ls->break_saved[k], 1))
		return -1;
	r.rip = addr;
	if (ls_native_set_regs(ls, &r) || ls_native_resume(ls, PTRACE_SINGLESTEP, 0) ||
	    ls_native_wait(ls, ev))
		return -1;
	return ls->pid > 0 ? ls_native_write(ls, addr, &int3, 1) : 0;
}

/* A child the native forks must not inherit our int3s. */
void ls_native_unbreak_all(struct lockstep *ls)
{
	for (int k = 0; k < ls->nbreaks; k++)
		ls_native_write(ls, ls->breaks[k], &ls->break_saved[k], 1);
}

void ls_native_rebreak_all(struct lockstep *ls)
{
	static const uint8_t int3 = INT3;
	for (int k = 0; k < ls->nbreaks; k++)
		ls_native_write(ls, ls->breaks[k], &int3, 1);
}

/* Runs the native at full speed to `addr` (a REP string instruction's end,
 * whose every iteration would otherwise be a single step). Another stop
 * comes back as it is; reaching addr comes back as EV_STEP. */
int ls_native_run_to(struct lockstep *ls, uint64_t addr, struct ls_event *ev)
{
	static const uint8_t int3 = INT3;
	struct user_regs_struct r;
	uint8_t saved;
	if (ls_native_read(ls, addr, &saved, 1) || ls_native_write(ls, addr, &int3, 1))
		return -1;
	if (ls_native_resume(ls, PTRACE_CONT, 0) || ls_native_wait(ls, ev))
		return -1;
	if (ls->pid <= 0)
		return 0;
	if (ls_native_write(ls, addr, &saved, 1))
		return -1;
	if (ev->sig == SIGTRAP && ev->si_code == SI_KERNEL && ls_native_regs(ls, &r) == 0 &&
	    r.rip == addr + 1) {
		r.rip = addr;
		ev->kind = EV_STEP;
		return ls_native_set_regs(ls, &r);
	}
	return 0;
}

#endif
