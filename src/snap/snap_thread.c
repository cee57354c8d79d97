/* Saving and restoring one task: registers, signal state, and the call it
 * is parked in. A parked call's wait object is a kernel pointer; it is
 * written as what it is, so that the restored call waits on the restored
 * object. */
#include <stdlib.h>
#include <string.h>

#include "kernel/sys/syscall.h"
#include "kernel/task/sched.h"
#include "kernel/task/signal.h"
#include "kernel/task/sigqueue.h"
#include "kernel/vfs/file.h"
#include "kernel/vfs/pipe.h"
#include "mem/mm.h"
#include "snap/snap_cpu.h"
#include "snap/snap_sock.h"
#include "snap/snap_task_impl.h"

enum wait_kind { W_NONE, W_ANY, W_LOCKS, W_PROCESS, W_PIPE, W_FILE_PRIV, W_FUTEX, W_FUTEX_SHARED };

/* A futex wait in a shared mapping parks on the word's place in the host
 * object (sys_futex_key), which the restore finds again from the word's
 * address, the parked call's first argument. */
static int put_shared_futex(struct snap_save *s, struct snap_buf *b, const struct task *t)
{
	uint64_t addr = t->park.args[0];
	if (!((uintptr_t)t->park.obj & 1) || sys_futex_key(t->proc->mm, addr) != t->park.obj)
		return 0;
	sb_u32(b, W_FUTEX_SHARED);
	sb_u32(b, ids_find(&s->mms, t->proc->mm));
	sb_u64(b, addr);
	return 1;
}

static void put_wait_obj(struct snap_save *s, struct snap_buf *b, const struct task *t)
{
	const void *obj = t->park.obj;
	struct vm *vm = s->vm;
	if (!obj) {
		sb_u32(b, W_NONE);
		return;
	}
	if (obj == SCHED_ANY(vm) || obj == &vm->locks) {
		sb_u32(b, obj == SCHED_ANY(vm) ? W_ANY : W_LOCKS);
		return;
	}
	for (const struct process *p = vm->procs; p; p = p->next)
		if (obj == p) {
			sb_u32(b, W_PROCESS);
			sb_i32(b, p->pid);
			return;
		}
	uint32_t id = ids_find(&s->pipes, obj);
	if (id) {
		sb_u32(b, W_PIPE);
		sb_u32(b, id);
		return;
	}
	for (size_t k = 0; k < s->files.n; k++)
		if (((const struct file *)s->files.order[k])->priv == obj) {
			sb_u32(b, W_FILE_PRIV);
			sb_u32(b, (uint32_t)k + 1);
			return;
		}
	if (put_shared_futex(s, b, t))
		return;
	for (size_t k = 0; k < s->mms.n; k++) {
		const struct mm *mm = s->mms.order[k];
		const uint8_t *at = obj;
		if (at >= mm->base && at < mm->base + mm->limit) {
			sb_u32(b, W_FUTEX);
			sb_u32(b, (uint32_t)k + 1);
			sb_u64(b, (uint64_t)(at - mm->base));
			return;
		}
	}
	snap_save_fail(s, "thread %d waits on something snapshots do not know", t->tid);
}

static uint32_t file_of_host_fd(struct snap_save *s, int fd)
{
	for (size_t k = 0; k < s->files.n; k++)
		if (((const struct file *)s->files.order[k])->host_fd == fd)
			return (uint32_t)k + 1;
	return 0;
}

static void put_park(struct snap_save *s, struct snap_buf *b, const struct task *t)
{
	const struct parked_call *pc = &t->park;
	sb_u64(b, pc->nr);
	for (int k = 0; k < 6; k++)
		sb_u64(b, pc->args[k]);
	sb_i32(b, pc->abi);
	put_wait_obj(s, b, t);
	sb_i64(b, pc->deadline);
	sb_i32(b, pc->n_host);
	for (int k = 0; k < pc->n_host; k++) {
		uint32_t id = file_of_host_fd(s, pc->host_fd[k]);
		if (!id)
			snap_save_fail(s, "thread %d waits on a host descriptor of no file", t->tid);
		else if (((const struct file *)s->files.order[id - 1])->is_socket &&
			 !snap_sock_of_file(s, s->files.order[id - 1]))
			snap_save_fail(s, "thread %d waits on a socket that reaches outside the "
					  "machine, which a snapshot cannot hold", t->tid);
		sb_u32(b, id);
		sb_u32(b, (uint16_t)pc->host_events[k]);
	}
	sb_i32(b, pc->woken);
	sb_i64(b, pc->intr);
	sb_u64(b, pc->progress);
	sb_u32(b, pc->pending ? ids_find(&s->files, pc->pending) : 0);
}

void snap_put_task(struct snap_save *s, struct snap_buf *b, const struct task *t)
{
	int nums[] = {t->tid, t->proc->pid, (int)t->state, (int)t->resume_state,
		      t->vfork_child, t->yield, t->restore_sigmask};
	for (size_t k = 0; k < sizeof nums / sizeof nums[0]; k++)
		sb_i32(b, nums[k]);
	if (t->resuming)
		snap_save_fail(s, "thread %d is inside a system call", t->tid);
	snap_put_cpu(b, &t->cpu);
	if (snap_task_parked(t))
		put_park(s, b, t);
	sb_u64(b, task_insns(t)); /* (the same as t->insns between turns) */
	sb_u64(b, t->sigmask);
	snap_put_sigpend(b, &t->pending);
	sb_u64(b, t->saved_sigmask);
	sb_i64(b, t->restart_ret);
	sb_u64(b, t->restart_nr);
	uint64_t words[] = {t->clear_child_tid, t->robust_list, t->robust_len, t->altstack_sp,
			    t->altstack_size};
	for (size_t k = 0; k < sizeof words / sizeof words[0]; k++)
		sb_u64(b, words[k]);
	sb_bytes(b, t->comm, sizeof t->comm);
	int sched[] = {t->nice, t->policy, t->rt_priority, t->pdeath_signal};
	for (size_t k = 0; k < sizeof sched / sizeof sched[0]; k++)
		sb_i32(b, sched[k]);
	sb_u64(b, t->timer_slack_ns);
}

void snap_get_siginfo(struct snap_rd *r, struct siginfo_k *i)
{
	i->signo = sr_i32(r);
	i->code = sr_i32(r);
	i->err = sr_i32(r);
	i->addr = sr_u64(r);
	i->pid = sr_i32(r);
	i->uid = sr_i32(r);
	i->trapno = sr_i32(r);
	i->errcode = sr_u64(r);
	i->status = sr_i32(r);
	i->timerid = sr_i32(r);
	i->overrun = sr_i32(r);
	i->value = sr_u64(r);
}

#define QUEUED_MAX (1u << 24)

void snap_get_sigpend(struct snap_rd *r, struct sigpend *s)
{
	s->set = sr_u64(r);
	uint64_t n = sr_count(r, QUEUED_MAX);
	for (uint64_t k = 0; k < n && !r->bad; k++) {
		struct siginfo_k info;
		snap_get_siginfo(r, &info);
		uint32_t uid = sr_u32(r);
		uint8_t charged = sr_u8(r), timer = sr_u8(r);
		if (info.signo < 1 || info.signo > NSIG_LINUX || !(s->set & SIGBIT(info.signo))) {
			sr_fail(r, "a queued signal is not a pending one");
			return;
		}
		struct sigq_entry *e = sigq_append(s, &info);
		if (!e) {
			sr_fail(r, "out of memory");
			return;
		}
		e->uid = uid;
		e->charged = charged != 0;
		e->timer = timer != 0;
	}
}

static const void *get_wait_obj(struct snap_load *l, struct snap_rd *r)
{
	uint32_t kind = sr_u32(r);
	const struct file *f;
	const struct mm *mm;
	switch (kind) {
	case W_NONE:
		return NULL;
	case W_ANY:
		return SCHED_ANY(l->vm);
	case W_LOCKS:
		return &l->vm->locks;
	case W_PROCESS: {
		int pid = sr_i32(r);
		for (struct process *p = l->vm->procs; p; p = p->next)
			if (p->pid == pid)
				return p;
		sr_fail(r, "a thread waits on a process that is not there");
		return NULL;
	}
	case W_PIPE:
		return vec_at(&l->pipes, sr_u32(r), r);
	case W_FILE_PRIV:
		f = vec_at(&l->files, sr_u32(r), r);
		return f ? f->priv : NULL;
	case W_FUTEX:
		mm = vec_at(&l->mms, sr_u32(r), r);
		uint64_t off = sr_u64(r);
		if (!mm || off >= mm->limit) {
			sr_fail(r, "a futex wait lies outside its address space");
			return NULL;
		}
		return mm->base + off;
	case W_FUTEX_SHARED: {
		struct mm *shared = vec_at(&l->mms, sr_u32(r), r);
		uint64_t addr = sr_u64(r);
		return shared ? sys_futex_key(shared, addr) : NULL;
	}
	default:
		sr_fail(r, "unknown kind of wait");
		return NULL;
	}
}

static void get_park(struct snap_load *l, struct snap_rd *r, struct parked_call *pc)
{
	pc->nr = sr_u64(r);
	for (int k = 0; k < 6; k++)
		pc->args[k] = sr_u64(r);
	pc->abi = sr_i32(r);
	pc->obj = get_wait_obj(l, r);
	pc->deadline = sr_i64(r);
	pc->n_host = sr_i32(r);
	if (pc->n_host < 0 || pc->n_host > PARK_HOST_FDS) {
		sr_fail(r, "a parked call waits on too many host descriptors");
		return;
	}
	for (int k = 0; k < pc->n_host; k++) {
		const struct file *f = vec_at(&l->files, sr_u32(r), r);
		pc->host_fd[k] = f ? f->host_fd : -1;
		pc->host_events[k] = (short)sr_u32(r);
		if (!r->bad && (!f || f->host_fd < 0))
			sr_fail(r, "a parked call waits on a file without a host descriptor");
	}
	pc->woken = sr_i32(r);
	pc->intr = sr_i64(r);
	pc->progress = sr_u64(r);
	struct file *pending = vec_at(&l->files, sr_u32(r), r);
	if (pending && !pipe_of_file(pending))
		sr_fail(r, "a FIFO open waits with a file that is no pipe");
	else if (pending)
		pc->pending = file_get(pending); /* opened, not yet in a table */
}

static struct process *process_by_pid(struct vm *vm, int pid)
{
	for (struct process *p = vm->procs; p; p = p->next)
		if (p->pid == pid)
			return p;
	return NULL;
}

struct task *snap_get_task(struct snap_load *l, struct snap_rd *r)
{
	struct task *t = calloc(1, sizeof *t);
	if (!t) {
		sr_fail(r, "out of memory");
		return NULL;
	}
	t->tid = sr_i32(r);
	t->proc = process_by_pid(l->vm, sr_i32(r));
	t->state = (enum task_state)sr_i32(r);
	t->resume_state = (enum task_state)sr_i32(r);
	t->vfork_child = sr_i32(r);
	t->yield = sr_i32(r);
	t->restore_sigmask = sr_i32(r);
	if (!t->proc || t->proc->state != PROC_LIVE || !t->proc->mm || t->state > TASK_STOPPED ||
	    t->resume_state > TASK_STOPPED)
		sr_fail(r, "a thread's process or state is wrong");
	t->vm = l->vm;
	snap_get_cpu(r, &t->cpu);
	t->cpu.task = t;
	if (snap_task_parked(t))
		get_park(l, r, &t->park);
	t->insns = sr_u64(r);
	t->sigmask = sr_u64(r);
	snap_get_sigpend(r, &t->pending);
	t->saved_sigmask = sr_u64(r);
	t->restart_ret = sr_i64(r);
	t->restart_nr = sr_u64(r);
	t->clear_child_tid = sr_u64(r);
	t->robust_list = sr_u64(r);
	t->robust_len = sr_u64(r);
	t->altstack_sp = sr_u64(r);
	t->altstack_size = sr_u64(r);
	sr_bytes(r, t->comm, sizeof t->comm);
	t->comm[sizeof t->comm - 1] = 0;
	int *nums[] = {&t->nice, &t->policy, &t->rt_priority, &t->pdeath_signal};
	for (size_t k = 0; k < sizeof nums / sizeof nums[0]; k++)
		*nums[k] = sr_i32(r);
	t->timer_slack_ns = sr_u64(r);
	return t;
}
