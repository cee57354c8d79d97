/* $_siginfo: the Linux siginfo_t of the signal the stopped thread stopped
 * with, in its process's layout (x86-64 or i386, 128 bytes either way).
 * At a signal stop it is the signal about to be delivered, and what gdb
 * writes into it is what the thread gets when gdb passes the signal on; at
 * other stops it is the SIGTRAP (or SIGINT) a tracer sees under Linux. */
#include <signal.h>
#include <string.h>

#include "debug/gdb_internal.h"
#include "kernel/task/signal.h"

#define SIGINFO_SIZE 128

/* si_code of Linux's ptrace stops: SIGTRAP | 0x80 at a system call (with
 * PTRACE_O_TRACESYSGOOD), SIGTRAP | event << 8 at fork, vfork, exec and
 * vfork-done events. */
#define SI_SYSCALL_TRAP (SIGTRAP | 0x80)
#define SI_EVENT(n)	(SIGTRAP | (n) << 8)
enum { EVENT_FORK = 1, EVENT_VFORK = 2, EVENT_EXEC = 4, EVENT_VFORK_DONE = 5 };

static int trap_code(enum stop_kind kind)
{
	switch (kind) {
	case STOP_SWBREAK: return SI_KERNEL; /* int3 */
	case STOP_HWBREAK:
	case STOP_WATCH: return TRAP_HWBKPT;
	case STOP_SYSCALL_ENTRY:
	case STOP_SYSCALL_RETURN: return SI_SYSCALL_TRAP;
	case STOP_FORK: return SI_EVENT(EVENT_FORK);
	case STOP_VFORK: return SI_EVENT(EVENT_VFORK);
	case STOP_EXEC: return SI_EVENT(EVENT_EXEC);
	case STOP_VFORK_DONE: return SI_EVENT(EVENT_VFORK_DONE);
	default: return TRAP_TRACE;
	}
}

void gdb_siginfo_of_stop(struct gdb_stop *s)
{
	if (s->kind == STOP_SIGNAL || s->kind == STOP_EXITED)
		return;
	s->info = (struct siginfo_k){.signo = SIGTRAP, .code = trap_code(s->kind), .trapno = -1};
	if (s->kind == STOP_INTERRUPT)
		s->info = (struct siginfo_k){.signo = SIGINT, .code = SI_USER, .trapno = -1};
	if (s->kind == STOP_ATTACHED)
		s->info = (struct siginfo_k){.signo = SIGSTOP, .code = SI_USER, .trapno = -1};
}

/* The thread the siginfo belongs to: the stopped one, when gdb looks at it. */
static struct task *stopped_task(struct gdb *g)
{
	struct task *t = gdb_regs_task(g);
	return t && t->tid == g->stop.tid && g->stop.kind != STOP_EXITED ? t : NULL;
}

long gdb_siginfo_read(struct gdb *g, uint8_t *out, size_t size)
{
	struct task *t = stopped_task(g);
	if (!t || size < SIGINFO_SIZE)
		return -1;
	signal_put_siginfo(out, &g->stop.info, t->proc->mode64);
	return SIGINFO_SIZE;
}

int gdb_siginfo_write(struct gdb *g, uint64_t offset, const uint8_t *data, size_t n)
{
	uint8_t raw[SIGINFO_SIZE];
	struct task *t = stopped_task(g);
	if (!t || offset > SIGINFO_SIZE || n > SIGINFO_SIZE - offset)
		return -1;
	signal_put_siginfo(raw, &g->stop.info, t->proc->mode64);
	memcpy(raw + offset, data, n);
	signal_get_siginfo(raw, &g->stop.info, t->proc->mode64);
	return (int)n;
}
