/* Processes and tasks: creation, the run loop with fault delivery, exit. */
#include "kernel/task/task.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "interp/dispatch.h"
#include "kernel/task/signal.h"
#include "kernel/task/timer.h"
#include "kernel/vfs/file.h"
#include "mem/mm.h"

#define RLIM_INF (~0ull)

static void default_rlimits(struct process *p)
{
	for (int k = 0; k < RLIMIT_COUNT; k++)
		p->rlimits[k][0] = p->rlimits[k][1] = RLIM_INF;
	p->rlimits[3][0] = 8ull << 20;			   /* RLIMIT_STACK */
	p->rlimits[4][0] = p->rlimits[4][1] = 0;	   /* RLIMIT_CORE */
	p->rlimits[7][0] = p->rlimits[7][1] = FDTABLE_MAX; /* RLIMIT_NOFILE */
	p->rlimits[8][0] = p->rlimits[8][1] = 8ull << 20;  /* RLIMIT_MEMLOCK */
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
	p->ppid = 1; /* the machine's init, which is hexvm itself */
	p->uid = (uint32_t)getuid();
	p->gid = (uint32_t)getgid();
	p->umask = 022;
	p->fds = fdtable_create();
	default_rlimits(p);
	p->task = t;
	t->proc = p;
	t->vm = vm;
	t->tid = p->pid;
	t->cpu.task = t;
	if (!p->fds) {
		process_destroy(p);
		return NULL;
	}
	return p;
}

void process_destroy(struct process *p)
{
	if (!p)
		return;
	mm_destroy(p->mm);
	fdtable_destroy(p->fds);
	free(p->exe);
	free(p->task);
	free(p);
}

void task_exit(struct task *t, int wait_status)
{
	struct vm *vm = t->vm;
	t->cpu.stop = 1;
	t->cpu.exit_req = 1;
	if (t->proc == vm->init) {
		vm->exit_status = (wait_status & 0x7f) ? 128 + (wait_status & 0x7f)
						       : (wait_status >> 8) & 0xff;
	}
}

void task_deadlock(struct task *t, const char *what)
{
	fprintf(stderr, "hexvm: deadlock: process %d waits forever (%s)\n", t->proc->pid, what);
	t->vm->exit_status = 125;
	t->cpu.stop = 1;
	t->cpu.exit_req = 1;
}

/* The trap number and error code Linux would record for the fault. */
static void describe_fault(const struct cpu *c, struct siginfo_k *info)
{
	info->signo = c->fault_sig;
	info->code = c->fault_code;
	info->addr = c->fault_addr;
	info->pid = info->uid = 0;
	info->err = 0;
	switch (c->fault_sig) {
	case SIGSEGV:
		info->trapno = c->fault_code == SI_KERNEL ? 13 : 14;
		info->errcode = 4 | (c->fault_code == SEGV_ACCERR ? 1 : 0);
		break;
	case SIGILL: info->trapno = 6, info->errcode = 0; break;
	case SIGFPE: info->trapno = 0, info->errcode = 0; break;
	case SIGTRAP: info->trapno = 3, info->errcode = 0; break;
	default: info->trapno = 0, info->errcode = 0; break;
	}
}

static void on_fault(struct cpu *c)
{
	struct siginfo_k info;
	struct task *t = c->task;
	t->vm->faults++;
	describe_fault(c, &info);
	signal_force(t, &info);
}

/* After a return to the kernel: timers, signals, and what an interrupted
 * call or sigsuspend left to settle when no handler ran. */
static void return_to_user(struct task *t)
{
	timers_fire(t);
	signal_deliver_pending(t);
	signal_finish_interrupted(t, 0, 0);
	if (t->restore_sigmask) {
		t->sigmask = t->saved_sigmask;
		t->restore_sigmask = 0;
	}
}

void task_run(struct task *t)
{
	while (!t->cpu.stop) {
		task_set_budget(t);
		cpu_run(&t->cpu, t->proc->mm, on_fault);
		return_to_user(t);
	}
}
