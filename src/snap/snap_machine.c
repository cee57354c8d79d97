/* The machine section. */
#include "snap/snap_machine.h"

#include <stdlib.h>
#include <string.h>

#include "kernel/vm.h"

/* The tid of t if it still is one of the machine's tasks, else 0. */
static int tid_of(const struct vm *vm, const struct task *t)
{
	for (const struct task *u = vm->tasks; u; u = u->next)
		if (u == t)
			return t->tid;
	return 0;
}

void snap_put_machine(struct snap_buf *b, const struct vm *vm, const char *root_dir, int overlay)
{
	sb_u64(b, vm->icount);
	sb_u64(b, vm->next_ino);
	sb_u64(b, vm->next_dev);
	for (int k = 0; k < 4; k++)
		sb_u64(b, vm->rng[k]);
	sb_u64(b, vm->faults);
	sb_u64(b, vm->signals_delivered);
	sb_i64(b, vm->clock_skip_ns);
	sb_i64(b, vm->opt.epoch);
	int nums[] = {vm->next_pid, vm->fg_pgid, vm->init ? vm->init->pid : 0, vm->init_status,
		      vm->init_ended, vm->exit_status, tid_of(vm, vm->current),
		      tid_of(vm, vm->sched_next),
		      vm->opt.realtime, overlay};
	for (size_t k = 0; k < sizeof nums / sizeof nums[0]; k++)
		sb_i32(b, nums[k]);
	sb_str(b, root_dir);
	for (int abi = 0; abi < 2; abi++)
		for (int nr = 0; nr < SYSCALL_NR_MAX; nr++)
			sb_u64(b, vm->sys.count[abi][nr]);
	sb_u64(b, vm->sys.unknown);
}

int snap_get_machine(struct snap_rd *r, struct machine_image *m)
{
	memset(m, 0, sizeof *m);
	m->icount = sr_u64(r);
	m->next_ino = sr_u64(r);
	m->next_dev = sr_u64(r);
	for (int k = 0; k < 4; k++)
		m->rng[k] = sr_u64(r);
	m->faults = sr_u64(r);
	m->signals = sr_u64(r);
	m->clock_skip_ns = sr_i64(r);
	m->epoch = sr_i64(r);
	int *nums[] = {&m->next_pid, &m->fg_pgid, &m->init_pid, &m->init_status, &m->init_ended,
		       &m->exit_status, &m->current_tid, &m->next_tid, &m->realtime, &m->overlay};
	for (size_t k = 0; k < sizeof nums / sizeof nums[0]; k++)
		*nums[k] = sr_i32(r);
	m->root_dir = sr_str(r);
	for (int abi = 0; abi < 2; abi++)
		for (int nr = 0; nr < SYSCALL_NR_MAX; nr++)
			m->syscalls[abi][nr] = sr_u64(r);
	m->unknown_syscalls = sr_u64(r);
	if (!r->bad && (!m->root_dir || m->next_pid < 2))
		sr_fail(r, "the machine's state is malformed");
	return r->bad ? -1 : 0;
}

static struct task *task_of(struct vm *vm, int tid)
{
	for (struct task *t = vm->tasks; t; t = t->next)
		if (t->tid == tid)
			return t;
	return NULL;
}

int snap_apply_machine(struct vm *vm, const struct machine_image *m)
{
	vm->icount = m->icount;
	vm->next_ino = m->next_ino;
	vm->next_dev = m->next_dev;
	memcpy(vm->rng, m->rng, sizeof vm->rng);
	vm->faults = m->faults;
	vm->signals_delivered = m->signals;
	vm->clock_skip_ns = m->clock_skip_ns;
	vm->opt.epoch = m->epoch;
	vm->opt.realtime = m->realtime;
	vm->next_pid = m->next_pid;
	vm->fg_pgid = m->fg_pgid;
	vm->init_status = m->init_status;
	vm->init_ended = m->init_ended;
	vm->exit_status = m->exit_status;
	memcpy(vm->sys.count, m->syscalls, sizeof vm->sys.count);
	vm->sys.unknown = m->unknown_syscalls;
	vm->init = NULL;
	for (struct process *p = vm->procs; p; p = p->next)
		if (p->pid == m->init_pid)
			vm->init = p;
	vm->current = task_of(vm, m->current_tid);
	vm->sched_next = task_of(vm, m->next_tid);
	if ((m->init_pid && !vm->init) || (m->current_tid && !vm->current) ||
	    (m->next_tid && !vm->sched_next))
		return -1;
	return 0;
}
