/* Tasks: exit, fault delivery, and the work of each return to user mode. */
#include "kernel/task/task.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "debug/gdb.h"
#include "interp/dispatch.h"
#include "kernel/task/signal.h"
#include "kernel/task/timer.h"

static void end_task(struct task *t)
{
	t->cpu.stop = 1;
	t->cpu.exit_req = 1;
	t->state = TASK_DEAD;
}

void task_exit_thread(struct task *t, int code)
{
	if (t->proc->nthreads <= 1) {
		task_exit(t, (code & 0xff) << 8);
		return;
	}
	end_task(t);
}

void task_exit(struct task *t, int wait_status)
{
	struct vm *vm = t->vm;
	end_task(t);
	t->proc->group_exit = 1;
	t->proc->wait_status = wait_status;
	if (t->proc == vm->init) {
		vm->exit_status = (wait_status & 0x7f) ? 128 + (wait_status & 0x7f)
						       : (wait_status >> 8) & 0xff;
	}
	if (GDB_ATTACHED(vm))
		gdb_exited(vm, t->proc, wait_status);
}

struct task *task_find(const struct vm *vm, int tid)
{
	for (struct task *t = vm->tasks; t; t = t->next)
		if (t->tid == tid && t->state != TASK_DEAD)
			return t;
	return NULL;
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

void task_on_fault(struct cpu *c)
{
	struct siginfo_k info;
	struct task *t = c->task;
	t->vm->faults++;
	describe_fault(c, &info);
	signal_force(t, &info);
}

/* After a return to the kernel: timers, signals, and what an interrupted
 * call or sigsuspend left to settle when no handler ran. */
void task_return_to_user(struct task *t)
{
	timers_fire(t);
	signal_deliver_pending(t);
	if (t->state != TASK_RUNNABLE)
		return;
	signal_finish_interrupted(t, 0, 0);
	if (t->restore_sigmask) {
		t->sigmask = t->saved_sigmask;
		t->restore_sigmask = 0;
	}
}
