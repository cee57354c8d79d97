/* System calls under gdb: `catch syscall` (QCatchSyscalls) stops a thread
 * at a caught call's entry, before the call runs, and at its return, with
 * the result in eax/rax; and the events a call brings (fork, vfork, exec,
 * the end of a vfork) are reported at its return.
 *
 * As under Linux's ptrace, at the entry stop rax holds -ENOSYS and
 * orig_rax the call's number: gdb may change the arguments, the number, or
 * set orig_rax to -1 to skip the call. When gdb keeps the thread stopped
 * after the entry stop (it resumed others only), the call does not run:
 * the thread is put back before the system call instruction, to run it
 * (without a second entry stop) when gdb lets it go. Stops a thread still
 * owes gdb when gdb holds it are reported when it runs next. */
#include <errno.h>
#include <string.h>

#include "debug/gdb_internal.h"
#include "kernel/task/task.h"

void gdb_catch_syscalls(struct gdb *g, const char *s, struct gdb_reply *r)
{
	uint64_t nrs[SYSCALL_NR_MAX / 64] = {0}, nr;
	int listed = 0;
	if (!strcmp(s, "0")) {
		g->catch_syscalls = 0;
		reply_str(r, "OK");
		return;
	}
	if (s[0] != '1' || (s[1] && s[1] != ';')) {
		reply_str(r, "E16");
		return;
	}
	for (s++; *s == ';';) {
		if (hex_number(s + 1, &nr, &s) || (*s && *s != ';')) {
			reply_str(r, "E16");
			return;
		}
		if (nr < SYSCALL_NR_MAX)
			nrs[nr / 64] |= 1ull << (nr % 64);
		listed++;
	}
	g->catch_all = !listed;
	memcpy(g->catch_nrs, nrs, sizeof nrs);
	g->catch_syscalls = 1;
	reply_str(r, "OK");
}

static int caught(const struct gdb *g, uint64_t nr)
{
	if (!g->catch_syscalls)
		return 0;
	return g->catch_all || (nr < SYSCALL_NR_MAX && (g->catch_nrs[nr / 64] >> (nr % 64) & 1));
}

/* The next stop thread t owes gdb, taken off its record; 0 when none. */
static int next_owed(struct gdb *g, struct task *t, struct gdb_stop *s)
{
	struct gdb_thread *th = gdb_thread_find(g, t->tid);
	if (!th)
		return 0;
	if (th->has_event) {
		*s = th->event;
		th->has_event = 0;
	} else if (th->vfork_done) {
		*s = (struct gdb_stop){.kind = STOP_VFORK_DONE, .tid = t->tid};
		th->vfork_done = 0;
	} else if (th->return_pending) {
		*s = (struct gdb_stop){
			.kind = STOP_SYSCALL_RETURN, .tid = t->tid, .sysno = th->return_nr};
		th->return_pending = 0;
		th->at_syscall = 1;
		th->orig_ax = (int64_t)th->return_nr;
	} else {
		return 0;
	}
	return 1;
}

int gdb_report_pending(struct gdb *g, struct task *t)
{
	struct gdb_stop s;
	int stopped = 0;
	while (g->state == GDB_ATTACHED && t->state != TASK_DEAD && !t->vm->halted &&
	       gdb_is_debugged(g, t) && gdb_thread_action(g, t->tid) != ACT_HOLD &&
	       next_owed(g, t, &s)) {
		gdb_stop_machine(g, &s);
		stopped = 1;
	}
	return stopped;
}

/* Inside a system call instruction: the instructions of the running block
 * up to and with it, which the run loop counts only when the block ends. */
static uint64_t retired_in_block(const struct cpu *c)
{
	return c->cur && c->cur_block ? (uint64_t)(c->cur - c->cur_block->insns) + 1 : 1;
}

/* Reports what a call owes gdb, from inside its system call instruction
 * (inside: a step from these stops is the next instruction) or after it. */
static void report_call_end(struct gdb *g, struct task *t, struct gdb_thread *th, int inside)
{
	th->insn_lag = inside ? retired_in_block(&t->cpu) : 0;
	t->cpu.exit_req = 1;
	gdb_report_pending(g, t);
	if ((th = gdb_thread_find(g, t->tid)))
		th->insn_lag = 0;
}

/* Where the system call instruction that entered the kernel starts. */
static uint64_t syscall_insn(const struct cpu *c)
{
	return c->cur ? c->cur->addr : c->rip - 2; /* syscall and int 0x80: 2 bytes */
}

int gdb_syscall_entry(struct task *t, uint64_t *nr)
{
	struct gdb *g = t->vm->gdb;
	struct cpu *c = &t->cpu;
	struct gdb_thread *th;
	if (!gdb_is_debugged(g, t))
		return 0;
	th = gdb_thread_find(g, t->tid);
	if (th && th->entry_reported) {
		th->entry_reported = 0; /* held back after its entry stop: now it runs */
		return 0;
	}
	if (!caught(g, *nr) || !(th = gdb_thread(g, t->tid)))
		return 0;
	th->at_syscall = 1;
	th->orig_ax = (int64_t)*nr;
	th->entry_pc = syscall_insn(c);
	c->r[R_AX] = t->proc->mode64 ? (uint64_t)-ENOSYS : (uint32_t)-ENOSYS;
	struct gdb_stop s = {.kind = STOP_SYSCALL_ENTRY, .tid = t->tid, .sysno = *nr};
	gdb_stop_machine(g, &s);
	c->exit_req = 1; /* back to the scheduler, which runs t as gdb now wants */
	if (t->state == TASK_DEAD || t->vm->halted)
		return 1;
	th = gdb_thread_find(g, t->tid);
	int64_t wanted = th ? th->orig_ax : (int64_t)*nr;
	if (th)
		th->at_syscall = 0;
	if (wanted == -1) {
		/* skipped: the result is what gdb left in rax; the return
		 * stop comes all the same, as under Linux */
		if (th) {
			th->return_pending = 1;
			th->return_nr = *nr;
			report_call_end(g, t, th, 1);
		}
		return 1;
	}
	c->r[R_AX] = t->proc->mode64 ? (uint64_t)wanted : (uint32_t)wanted;
	if (th && g->state == GDB_ATTACHED && gdb_thread_action(g, t->tid) == ACT_HOLD) {
		c->rip = th->entry_pc;
		c->icount--; /* the run loop counts it with its block: it did not retire */
		th->entry_reported = 1;
		return 1;
	}
	*nr = (uint64_t)wanted;
	return 0;
}

void gdb_syscall_exit(struct task *t, uint64_t nr, enum gdb_syscall_end end)
{
	struct gdb *g = t->vm->gdb;
	struct gdb_thread *th;
	int parked = end == GDB_SYSCALL_PARKED;
	if (!gdb_is_debugged(g, t))
		return;
	th = gdb_thread_find(g, t->tid);
	if (!parked && caught(g, nr) && (th = gdb_thread(g, t->tid))) {
		th->return_pending = 1;
		th->return_nr = nr;
	}
	if (th && !parked && th->in_vfork) {
		th->in_vfork = 0; /* the vfork returns: its child let go */
		th->vfork_done = 1;
	}
	if (th && (th->has_event || th->vfork_done || th->return_pending))
		report_call_end(g, t, th, end != GDB_SYSCALL_RESUMED);
}

struct task *gdb_entry_rewind(struct gdb *g, uint64_t *rax, uint64_t *rip)
{
	struct task *t = g->stop.kind == STOP_SYSCALL_ENTRY ? gdb_task(g, g->stop.tid) : NULL;
	struct gdb_thread *th = t ? gdb_thread_find(g, t->tid) : NULL;
	if (!th || !th->at_syscall)
		return NULL;
	*rax = t->cpu.r[R_AX];
	*rip = t->cpu.rip;
	t->cpu.r[R_AX] = t->proc->mode64 ? (uint64_t)th->orig_ax : (uint32_t)th->orig_ax;
	t->cpu.rip = th->entry_pc;
	return t;
}
