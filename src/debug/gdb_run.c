/* The stub's side of running the machine: the scheduler's and kernel's
 * hooks, and noticing when the debugged process must stop.
 *
 * Everything happens on the scheduler's thread. A stop is served on the
 * spot (gdb_stop_machine) from whichever hook saw its cause: a trap, a
 * finished step or a fired watchpoint when the next run is about to begin
 * (or at the next turn), a signal when the kernel is about to deliver it,
 * a caught system call at its entry and return (gdb_syscall.c), an exit
 * when the process ends. While gdb has control no guest code runs;
 * when gdb resumes, the hook returns and the scheduler goes on. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "debug/gdb_internal.h"
#include "kernel/task/process.h"
#include "kernel/task/sched.h"
#include "kernel/task/signal.h"
#include "kernel/task/task.h"
#include "mem/mm.h"

int gdb_is_debugged(const struct gdb *g, const struct task *t)
{
	return g->state == GDB_ATTACHED && gdb_inferior(g, t->proc->pid);
}

struct task *gdb_task(struct gdb *g, int tid)
{
	struct task *t = tid > 0 ? task_find(g->vm, tid) : NULL;
	if (!t || !gdb_inferior(g, t->proc->pid) || t->proc->state != PROC_LIVE || !t->proc->mm)
		return NULL;
	return t;
}

struct gdb_thread *gdb_thread_find(struct gdb *g, int tid)
{
	for (int k = 0; k < g->nthreads; k++)
		if (g->threads[k].tid == tid)
			return &g->threads[k];
	return NULL;
}

struct gdb_thread *gdb_thread(struct gdb *g, int tid)
{
	struct gdb_thread *th = gdb_thread_find(g, tid);
	struct task *t = gdb_task(g, tid);
	if (th || !t)
		return th;
	th = realloc(g->threads, (size_t)(g->nthreads + 1) * sizeof *th);
	if (!th)
		return NULL;
	g->threads = th;
	th = &g->threads[g->nthreads++];
	memset(th, 0, sizeof *th);
	th->tid = tid;
	th->pid = t->proc->pid;
	/* a thread born while others step runs on */
	enum gdb_action a = gdb_inferior(g, th->pid)->default_action;
	th->action = a == ACT_STEP ? ACT_CONT : a;
	return th;
}

enum gdb_action gdb_thread_action(struct gdb *g, int tid)
{
	struct gdb_thread *th = gdb_thread_find(g, tid);
	struct task *t = th ? NULL : gdb_task(g, tid);
	if (th)
		return th->action;
	return t ? gdb_inferior(g, t->proc->pid)->default_action : ACT_CONT;
}

/* Puts a signal back among t's pending ones, as it was before it was taken. */
void gdb_requeue(struct task *t, const struct siginfo_k *info)
{
	t->siginfo[info->signo] = *info;
	t->sigpending |= SIGBIT(info->signo);
	sched_signal(t);
}

static void drop_record(struct gdb *g, int k)
{
	struct gdb_thread *th = &g->threads[k];
	struct task *t = task_find(g->vm, th->tid);
	for (int h = th->held_reported; t && h < th->nheld; h++)
		gdb_requeue(t, &th->held[h]);
	free(th->held);
	g->threads[k] = g->threads[--g->nthreads];
}

/* Forgets the wishes of process pid's threads (-1: every thread); the
 * signals gdb held go back to their threads, except those gdb has seen and
 * not passed on. */
void gdb_threads_release(struct gdb *g, int pid)
{
	for (int k = 0; k < g->nthreads; k++)
		if (pid == -1 || g->threads[k].pid == pid)
			drop_record(g, k--);
	if (!g->nthreads) {
		free(g->threads);
		g->threads = NULL;
	}
}

/* Drops the records of threads that are gone. A fork gdb never heard of
 * (its parent died first) leaves the child to run by itself. */
void gdb_threads_prune(struct gdb *g)
{
	for (int k = 0; k < g->nthreads; k++) {
		struct gdb_thread *th = &g->threads[k];
		int orphan = th->has_event ? th->event.child_pid : 0;
		if (gdb_task(g, th->tid))
			continue;
		free(th->held);
		g->threads[k--] = g->threads[--g->nthreads];
		if (orphan && gdb_inferior(g, orphan)) {
			gdb_inferior_remove(g, orphan); /* which drops records: look again */
			k = -1;
		}
	}
}

void gdb_end_skip(struct gdb *g)
{
	struct task *t = gdb_task(g, g->skip_tid);
	if (t)
		gdb_points_invalidate(t, g->skip_pc); /* its trap comes back */
	g->skip_tid = 0;
}

void gdb_detach(struct gdb *g)
{
	while (g->ninfs)
		gdb_inferior_remove(g, g->infs[0]->pid);
	gdb_threads_release(g, -1);
	gdb_vfile_close_all(g);
	gdb_conn_close(&g->conn);
	g->state = GDB_DETACHED;
	g->skip_tid = g->hit_tid = g->pending_tid = 0;
}

void gdb_kill(struct gdb *g)
{
	struct vm *vm = g->vm;
	gdb_detach(g);
	for (struct process *p = vm->procs; p; p = p->next)
		for (struct task *t = p->state == PROC_LIVE ? p->threads : NULL; t;
		     t = t->thread_next)
			if (t->state != TASK_DEAD)
				task_exit(t, SIGKILL);
	vm->halted = 1;
}

/* A thread that stepped is done once an instruction retired (or a signal
 * handler took it elsewhere), and not while a system call holds it. */
static int step_done(struct gdb *g, const struct gdb_thread *th)
{
	struct task *t = gdb_task(g, th->tid);
	if (!t || t->state == TASK_PARKED || t->state == TASK_STOPPED)
		return 0;
	return th->step_parked || task_insns(t) > th->step_insns || t->cpu.rip != th->step_rip;
}

static int skip_done(struct gdb *g)
{
	struct task *t = gdb_task(g, g->skip_tid);
	return !t || task_insns(t) > g->skip_insns || t->cpu.rip != g->skip_pc;
}

/* Any debugged thread, for a stop no thread caused. */
static int some_tid(struct gdb *g, int preferred)
{
	if (gdb_task(g, preferred))
		return preferred;
	struct task *t = gdb_regs_task(g);
	return t ? t->tid : 0;
}

static int watch_event(struct gdb *g, struct gdb_inferior *inf, struct gdb_stop *s)
{
	struct task *t = gdb_task(g, g->last_tid);
	int k = gdb_watch_fired(inf, t && task_insns(t) > g->last_insns);
	if (k < 0)
		return 0;
	*s = (struct gdb_stop){.kind = STOP_WATCH,
			       .tid = some_tid(g, g->last_tid),
			       .addr = inf->points[k].addr,
			       .point_kind = inf->points[k].kind};
	return 1;
}

/* What the runs since the last look call for. */
static int next_event(struct gdb *g, struct gdb_stop *s)
{
	struct task *t = gdb_task(g, g->hit_tid);
	struct task *last = gdb_task(g, g->last_tid);
	struct gdb_inferior *inf = last ? gdb_inferior(g, last->proc->pid) : NULL;
	if (t) {
		int hw = gdb_breakpoint_at(gdb_inferior(g, t->proc->pid), t->cpu.rip) == Z_HW_BREAK;
		*s = (struct gdb_stop){.kind = hw ? STOP_HWBREAK : STOP_SWBREAK, .tid = t->tid};
		return 1;
	}
	if (g->skip_tid && skip_done(g))
		gdb_end_skip(g);
	for (int k = 0; g->stepping && k < g->nthreads; k++)
		if (g->threads[k].action == ACT_STEP && step_done(g, &g->threads[k])) {
			*s = (struct gdb_stop){.kind = STOP_TRAP, .tid = g->threads[k].tid};
			return 1;
		}
	return inf && gdb_watching(inf) && watch_event(g, inf, s);
}

/* A child --gdb-follow-fork followed, told when it runs first. */
static int pending_event(struct gdb *g, const struct task *running, struct gdb_stop *s)
{
	if (!g->pending_tid || !running || running->tid != g->pending_tid)
		return 0;
	*s = (struct gdb_stop){.kind = STOP_TRAP, .tid = running->tid};
	g->pending_tid = 0;
	return 1;
}

/* 1 when the machine stopped for gdb. */
static int check_events(struct gdb *g, struct task *running)
{
	struct gdb_stop s;
	if (running && gdb_is_debugged(g, running) && gdb_report_pending(g, running))
		return 1;
	if (!pending_event(g, running, &s) && !next_event(g, &s))
		return 0;
	gdb_stop_machine(g, &s);
	return 1;
}

/* Looks for gdb's Ctrl-C, waiting at most timeout_ms (-1: until gdb says
 * something); 1 when the machine stopped for it or gdb went away. */
static int interrupt(struct gdb *g, int timeout_ms)
{
	int r = gdb_conn_interrupted(&g->conn, timeout_ms);
	if (r < 0) {
		gdb_detach(g); /* gdb went away: the machine runs on by itself */
		return 1;
	}
	if (r == 0 || !some_tid(g, g->last_tid))
		return 0;
	struct gdb_stop s = {.kind = STOP_INTERRUPT, .tid = some_tid(g, g->last_tid)};
	gdb_stop_machine(g, &s);
	return 1;
}

int gdb_poll(struct vm *vm)
{
	struct gdb *g = vm->gdb;
	if (g->state != GDB_ATTACHED)
		return 0;
	if (!g->ninfs) {
		gdb_serve_unattached(g);
		return g->ninfs > 0;
	}
	return check_events(g, NULL) || interrupt(g, 0);
}

int gdb_idle(struct vm *vm)
{
	struct gdb *g = vm->gdb;
	if (g->state != GDB_ATTACHED)
		return 0;
	interrupt(g, -1);
	return 1;
}

int gdb_may_run(struct vm *vm, const struct task *t)
{
	struct gdb *g = vm->gdb;
	if (!gdb_is_debugged(g, t))
		return 1;
	if (g->skip_tid && t->tid != g->skip_tid)
		return 0; /* only the thread stepping over its breakpoint moves */
	return gdb_thread_action(g, t->tid) != ACT_HOLD;
}

/* Sets up t's next run: breakpoints in its block cache, one instruction
 * only when it steps or watchpoints are set. */
static void prepare_run(struct gdb *g, struct task *t)
{
	struct gdb_inferior *inf = gdb_inferior(g, t->proc->pid);
	int watching = gdb_watching(inf);
	int one = watching || g->skip_tid == t->tid || gdb_thread_action(g, t->tid) == ACT_STEP;
	gdb_points_apply(inf, t, watching || g->stepping);
	if (one)
		t->cpu.icount_limit = t->cpu.icount + 1;
	g->last_tid = t->tid;
	g->last_insns = task_insns(t);
	if (watching)
		gdb_watch_arm(inf, t);
}

int gdb_before_run(struct vm *vm, struct task *t)
{
	struct gdb *g = vm->gdb;
	if (g->state != GDB_ATTACHED)
		return 1;
	if (check_events(g, t) && (t->state != TASK_RUNNABLE || vm->halted))
		return 0; /* killed, or stopped by what gdb did */
	if (!gdb_is_debugged(g, t)) {
		gdb_points_release(t->proc->mm->blocks, NULL); /* a vfork child, a left parent */
		return 1;
	}
	if (!gdb_may_run(vm, t))
		return 0;
	prepare_run(g, t);
	return 1;
}

/* A signal that arrived for a thread gdb keeps stopped waits with gdb. */
static void hold_signal(struct gdb_thread *th, const struct siginfo_k *info, int reported)
{
	struct siginfo_k *grown = realloc(th->held, (size_t)(th->nheld + 1) * sizeof *grown);
	if (!grown)
		return;
	th->held = grown;
	if (reported) {
		memmove(th->held + 1, th->held, (size_t)th->nheld * sizeof *th->held);
		th->held[0] = *info;
		th->held_reported = 1;
	} else {
		th->held[th->nheld] = *info;
	}
	th->nheld++;
}

/* After the signal stop: what gdb said to deliver (the siginfo as gdb may
 * have rewritten it through $_siginfo, when it is the same signal). */
static const struct siginfo_k *resumed_with(struct gdb *g, struct task *t,
					    const struct siginfo_k *info, struct siginfo_k *other)
{
	struct gdb_thread *th = gdb_thread(g, t->tid);
	if (g->state != GDB_ATTACHED)
		return t->state == TASK_DEAD ? NULL : info;
	if (!th || th->action == ACT_HOLD) {
		if (th)
			hold_signal(th, info, 1);
		return NULL;
	}
	int sig = th->resume_sig;
	th->resume_sig = 0;
	if (!sig)
		return NULL; /* like ptrace: resuming without a signal discards it */
	if (g->stop.kind == STOP_SIGNAL && g->stop.tid == t->tid && sig == g->stop.info.signo)
		*other = g->stop.info;
	else
		*other = (struct siginfo_k){.signo = sig, .code = SI_USER, .trapno = -1};
	return other;
}

const struct siginfo_k *gdb_signal(struct task *t, const struct siginfo_k *info,
				   struct siginfo_k *other)
{
	struct gdb *g = t->vm->gdb;
	int sig = info->signo;
	if (!gdb_is_debugged(g, t) || sig == SIGKILL || (g->pass_signals & SIGBIT(sig)))
		return info;
	struct gdb_thread *th = gdb_thread(g, t->tid);
	if (th && (th->pass & SIGBIT(sig))) {
		th->pass &= ~SIGBIT(sig);
		return info;
	}
	if (th && th->action == ACT_HOLD) {
		hold_signal(th, info, 0);
		return NULL;
	}
	struct gdb_stop s = {.kind = STOP_SIGNAL, .tid = t->tid, .sig = sig, .info = *info};
	gdb_stop_machine(g, &s);
	t->cpu.exit_req = 1; /* back to the scheduler, which runs t as gdb now wants */
	return resumed_with(g, t, info, other);
}

int gdb_open(struct vm *vm, const struct gdb_options *opt, char *msg, size_t msgsize)
{
	struct gdb *g = calloc(1, sizeof *g);
	if (!g || !vm->init || !vm->init->task) {
		snprintf(msg, msgsize, "--gdb: out of memory");
		free(g);
		return -1;
	}
	if (gdb_conn_accept(&g->conn, opt->address, msg, msgsize)) {
		free(g);
		return -1;
	}
	g->vm = vm;
	g->follow_fork = opt->follow_fork;
	g->armed_point = -1;
	if (!gdb_inferior_add(g, vm->init->pid)) {
		snprintf(msg, msgsize, "--gdb: out of memory");
		gdb_conn_close(&g->conn);
		free(g);
		return -1;
	}
	vm->gdb = g;
	struct gdb_stop first = {.kind = STOP_TRAP, .tid = vm->init->task->tid};
	gdb_stop_machine(g, &first);
	return 0;
}

void gdb_close(struct vm *vm)
{
	struct gdb *g = vm->gdb;
	if (!g)
		return;
	if (g->state == GDB_ATTACHED && g->waiting) {
		/* the machine ended before the debugged process did: gdb hears
		 * the machine's status */
		char reply[8];
		snprintf(reply, sizeof reply, "W%02x", vm->exit_status & 0xff);
		gdb_conn_send(&g->conn, reply, strlen(reply));
	}
	gdb_detach(g);
	free(g->infs);
	free(g);
	vm->gdb = NULL;
}
