/* The process table. Pids count up from 2; pid 1 stands for the machine
 * itself, which adopts orphans only when the first process is gone, and
 * reaps them at once. */
#include "kernel/task/process.h"

#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <unistd.h>

#include "kernel/task/sched.h"
#include "kernel/task/signal.h"
#include "kernel/task/sigqueue.h"
#include "kernel/task/thread.h"
#include "kernel/task/timer.h"
#include "kernel/vfs/file.h"
#include "kernel/vfs/lock.h"
#include "mem/mm.h"

#define RLIM_INF       (~0ull)
#define SA_NOCLDSTOP_L 1u
#define SA_NOCLDWAIT_L 2u
#define CLD_STOPPED_L    5
#define CLD_CONTINUED_L  6
#define CLD_EXITED_L     1
#define CLD_KILLED_L     2
#define CLD_DUMPED_L     3

static void default_rlimits(struct process *p)
{
	for (int k = 0; k < RLIMIT_COUNT; k++)
		p->rlimits[k][0] = p->rlimits[k][1] = RLIM_INF;
	p->rlimits[3][0] = 8ull << 20;			   /* RLIMIT_STACK */
	p->rlimits[4][0] = p->rlimits[4][1] = 0;	   /* RLIMIT_CORE */
	p->rlimits[7][0] = 1024; /* RLIMIT_NOFILE: Linux's INR_OPEN_CUR and _MAX */
	p->rlimits[7][1] = 4096;
	p->rlimits[8][0] = p->rlimits[8][1] = 8ull << 20;  /* RLIMIT_MEMLOCK */
}

static void link_process(struct vm *vm, struct process *p)
{
	struct process **pp = &vm->procs;
	while (*pp)
		pp = &(*pp)->next;
	*pp = p;
}

void process_set_nofile(struct process *p, uint64_t soft, uint64_t hard)
{
	p->rlimits[7][1] = hard < FDTABLE_MAX ? hard : FDTABLE_MAX;
	p->rlimits[7][0] = soft < p->rlimits[7][1] ? soft : p->rlimits[7][1];
	if (p->fds)
		fdtable_set_limit(p->fds, p->rlimits[7][0]);
}

struct process *process_create(struct vm *vm)
{
	struct process *p = calloc(1, sizeof *p);
	struct task *t = calloc(1, sizeof *t);
	if (!p || !t) {
		free(p);
		free(t);
		return NULL;
	}
	p->pid = p->pgid = p->sid = vm->next_pid++;
	vm->processes_created++;
	p->ppid = 1;
	p->uid = p->ruid = p->suid = (uint32_t)getuid();
	p->gid = p->rgid = p->sgid = (uint32_t)getgid();
	p->umask = 022;
	p->exit_signal = SIGCHLD;
	p->start_ns = vm_now_ns(vm);
	default_rlimits(p);
	p->task = t;
	process_add_thread(p, t);
	t->vm = vm;
	t->tid = p->pid;
	t->cpu.task = t;
	link_process(vm, p);
	return p;
}

struct process *process_find(const struct vm *vm, int pid)
{
	for (struct process *p = vm->procs; p; p = p->next)
		if (p->pid == pid)
			return p;
	return NULL;
}

static void unlink_process(struct vm *vm, struct process *p)
{
	for (struct process **pp = &vm->procs; *pp; pp = &(*pp)->next)
		if (*pp == p) {
			*pp = p->next;
			return;
		}
}

static void unlink_task(struct vm *vm, struct task *t)
{
	for (struct task **pp = &vm->tasks; *pp; pp = &(*pp)->next)
		if (*pp == t) {
			*pp = t->next;
			break;
		}
	if (vm->current == t)
		vm->current = NULL;
}

static void remove_thread(struct vm *vm, struct task *t)
{
	struct process *p = t->proc;
	for (struct task **pp = &p->threads; *pp; pp = &(*pp)->thread_next)
		if (*pp == t) {
			*pp = t->thread_next;
			p->nthreads--;
			break;
		}
	p->exited_insns += t->insns;
	if (p->task == t)
		p->task = p->threads;
	unlink_task(vm, t);
	signal_drop_all(vm, p, &t->pending);
	free(t);
}

static void free_process(struct vm *vm, struct process *p)
{
	unlink_process(vm, p);
	if (vm->init == p)
		vm->init = NULL;
	while (p->threads)
		remove_thread(vm, p->threads);
	ptimers_delete_all(vm, p);
	signal_drop_all(vm, p, &p->shared);
	fdtable_put(p->fds);
	mm_put(p->mm);
	mm_put(p->old_mm);
	free(p->cwd);
	free(p->root);
	free(p->exe);
	free(p);
}

void process_release_old_mm(struct process *p)
{
	if (p->old_mm) {
		mm_put(p->old_mm);
		p->old_mm = NULL;
	}
}

void process_reap(struct vm *vm, struct process *p)
{
	struct process *parent = process_find(vm, p->ppid);
	if (parent)
		parent->child_insns += p->child_insns;
	free_process(vm, p);
}

/* The heir of orphans: the nearest live subreaper among the dying
 * process's ancestors, else the first process while it lives, else the
 * machine. */
static struct process *orphan_heir(const struct vm *vm, const struct process *dying)
{
	for (struct process *a = process_find(vm, dying->ppid); a; a = process_find(vm, a->ppid))
		if (a->subreaper && a->state == PROC_LIVE)
			return a;
	struct process *init = vm->init;
	return init && init != dying && init->state == PROC_LIVE ? init : NULL;
}

/* PR_SET_PDEATHSIG: a child's threads that asked are told their parent
 * is gone (Linux tells them when the thread that made them ends; hexvm
 * when the whole process does). */
static void send_pdeath_signals(const struct process *parent, struct process *q)
{
	for (struct task *c = q->threads; c; c = c->thread_next)
		if (c->pdeath_signal) {
			struct siginfo_k info = {.signo = c->pdeath_signal, .code = SI_USER,
						 .pid = parent->pid, .uid = (int)parent->ruid,
						 .trapno = -1};
			signal_send_process(q, &info);
		}
}

static void reparent_children(struct vm *vm, struct process *p)
{
	struct process *heir = orphan_heir(vm, p), *q = vm->procs, *next;
	for (; q; q = next) {
		next = q->next;
		if (q->ppid != p->pid || q == p)
			continue;
		q->ppid = heir ? heir->pid : 1;
		if (q->state != PROC_ZOMBIE) {
			send_pdeath_signals(p, q);
			continue;
		}
		if (heir)
			sched_wake(vm, heir);
		else
			free_process(vm, q);
	}
}

static void tell_parent(struct vm *vm, struct process *p)
{
	struct process *parent = process_find(vm, p->ppid);
	if (!parent || parent->state != PROC_LIVE) {
		free_process(vm, p);
		return;
	}
	const struct k_sigaction *sa = &parent->sigactions[SIGCHLD];
	int autoreap = sa->handler == 1 || (sa->flags & SA_NOCLDWAIT_L);
	if (p->exit_signal && parent->task) {
		int st = p->wait_status, sig = st & 0x7f;
		struct siginfo_k info = {
			.signo = p->exit_signal,
			.code = !sig ? CLD_EXITED_L : (st & 0x80) ? CLD_DUMPED_L : CLD_KILLED_L,
			.pid = p->pid,
			.uid = (int)p->uid,
			.status = sig ? sig : (st >> 8) & 0xff,
			.trapno = -1,
		};
		signal_send_process(parent, &info);
	}
	sched_wake(vm, parent);
	if (autoreap)
		process_reap(vm, p);
}

/* Job control: the parent learns of a stop or a continue through wait and,
 * unless it asked not to, SIGCHLD. */
static void report_to_parent(struct vm *vm, struct process *p, int code, int status)
{
	struct process *parent = process_find(vm, p->ppid);
	if (!parent || parent->state != PROC_LIVE || !parent->task)
		return;
	if (!(parent->sigactions[SIGCHLD].flags & SA_NOCLDSTOP_L)) {
		struct siginfo_k info = {.signo = SIGCHLD, .code = code, .pid = p->pid,
					 .uid = (int)p->uid, .status = status, .trapno = -1};
		signal_send_process(parent, &info);
	}
	sched_wake(vm, parent);
}

/* Every thread stops; a parked one goes back to waiting when continued. */
void process_stop(struct task *t, int sig)
{
	for (struct task *u = t->proc->threads; u; u = u->thread_next)
		if (u->state != TASK_STOPPED && u->state != TASK_DEAD) {
			u->resume_state = u->state;
			u->state = TASK_STOPPED;
			u->cpu.exit_req = 1;
		}
	t->proc->report = sig << 8 | 0x7f;
	report_to_parent(t->vm, t->proc, CLD_STOPPED_L, sig);
}

void process_continue(struct process *p)
{
	int stopped = 0;
	for (struct task *u = p->threads; u; u = u->thread_next)
		if (u->state == TASK_STOPPED) {
			u->state = u->resume_state;
			stopped = 1;
		}
	if (!stopped || !p->task)
		return;
	p->report = 0xffff;
	report_to_parent(p->task->vm, p, CLD_CONTINUED_L, SIGCONT);
}

void process_add_thread(struct process *p, struct task *t)
{
	t->proc = p;
	t->thread_next = p->threads;
	p->threads = t;
	p->nthreads++;
}

void process_de_thread(struct vm *vm, struct task *t)
{
	struct process *p = t->proc;
	while (p->threads != t || t->thread_next)
		remove_thread(vm, p->threads != t ? p->threads : t->thread_next);
	p->task = t;
	t->tid = p->pid;
}

void task_reap(struct vm *vm, struct task *t)
{
	struct process *p = t->proc;
	if (p->group_exit)
		while (p->threads != t || t->thread_next) {
			struct task *other = p->threads != t ? p->threads : t->thread_next;
			remove_thread(vm, other);
		}
	thread_release(t);
	remove_thread(vm, t);
	if (!p->nthreads)
		process_exit(vm, p);
}

void process_exit(struct vm *vm, struct process *p)
{
	p->child_insns += p->exited_insns;
	lock_release_all(vm, p->pid);
	ptimers_delete_all(vm, p);
	signal_drop_all(vm, p, &p->shared);
	fdtable_put(p->fds);
	p->fds = NULL;
	mm_put(p->mm);
	p->mm = NULL;
	process_release_old_mm(p);
	p->alarm_at = 0;
	if (p->vfork_parent) {
		sched_wake(vm, p);
		p->vfork_parent = NULL;
	}
	p->state = PROC_ZOMBIE;
	if (p == vm->init)
		vm->init_ended = 1;
	reparent_children(vm, p);
	tell_parent(vm, p);
}

void process_free_all(struct vm *vm)
{
	while (vm->procs)
		free_process(vm, vm->procs);
	sigq_clear_counts(vm);
}
