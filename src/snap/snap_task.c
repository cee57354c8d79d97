/* Saving processes and tasks. */
#include "snap/snap_task.h"

#include <string.h>

#include "kernel/sys/snap_kinds.h"
#include "kernel/task/sched.h"
#include "kernel/vfs/file.h"
#include "kernel/vm.h"
#include "mem/mm.h"
#include "snap/snap_cpu.h"
#include "snap/snap_fd.h"
#include "snap/snap_task_impl.h"

void snap_number_procs(struct snap_save *s)
{
	for (struct process *p = s->vm->procs; p; p = p->next) {
		if (p->state != PROC_LIVE)
			continue;
		if (p->mm)
			ids_get(&s->mms, p->mm, NULL);
		if (p->fds)
			snap_number_fdtable(s, p->fds, p->pid);
	}
	for (struct task *t = s->vm->tasks; t; t = t->next)
		if (snap_task_parked(t) && t->park.pending)
			snap_number_file(s, t->park.pending);
}

void snap_put_siginfo(struct snap_buf *b, const struct siginfo_k *i)
{
	sb_i32(b, i->signo);
	sb_i32(b, i->code);
	sb_i32(b, i->err);
	sb_u64(b, i->addr);
	sb_i32(b, i->pid);
	sb_i32(b, i->uid);
	sb_i32(b, i->trapno);
	sb_u64(b, i->errcode);
	sb_i32(b, i->status);
	sb_i32(b, i->timerid);
	sb_i32(b, i->overrun);
	sb_u64(b, i->value);
}

void snap_put_sigpend(struct snap_buf *b, const struct sigpend *s)
{
	uint64_t n = 0;
	for (const struct sigq_entry *e = s->head; e; e = e->next)
		n++;
	sb_u64(b, s->set);
	sb_u64(b, n);
	for (const struct sigq_entry *e = s->head; e; e = e->next) {
		snap_put_siginfo(b, &e->info);
		sb_u32(b, e->uid);
		sb_u8(b, e->charged);
		sb_u8(b, e->timer);
	}
}

static void put_ids(struct snap_buf *b, const struct process *p)
{
	uint32_t ids[] = {p->uid, p->gid, p->ruid, p->suid, p->rgid, p->sgid};
	for (size_t k = 0; k < sizeof ids / sizeof ids[0]; k++)
		sb_u32(b, ids[k]);
	sb_i32(b, p->ngroups);
	for (int k = 0; k < p->ngroups && k < 32; k++)
		sb_u32(b, p->groups[k]);
	for (int k = 0; k < RLIMIT_COUNT; k++) {
		sb_u64(b, p->rlimits[k][0]);
		sb_u64(b, p->rlimits[k][1]);
	}
}

static void put_signals(struct snap_buf *b, const struct process *p)
{
	for (int k = 0; k <= NSIG_LINUX; k++) {
		const struct k_sigaction *a = &p->sigactions[k];
		sb_u64(b, a->handler);
		sb_u64(b, a->flags);
		sb_u64(b, a->restorer);
		sb_u64(b, a->mask);
	}
	snap_put_sigpend(b, &p->shared);
}

static void put_ptimers(struct snap_buf *b, const struct process *p)
{
	struct ptimer_image img[PTIMERS_MAX];
	int n = ptimers_image(p, img, PTIMERS_MAX);
	sb_i32(b, n);
	for (int k = 0; k < n; k++) {
		int nums[] = {img[k].id,     img[k].clock,   img[k].notify,	  img[k].signo,
			      img[k].tid,    img[k].status,  img[k].ignored, img[k].sig_periodic};
		for (size_t j = 0; j < sizeof nums / sizeof nums[0]; j++)
			sb_i32(b, nums[j]);
		sb_u32(b, img[k].uid);
		sb_u32(b, img[k].signal_seq);
		sb_u32(b, img[k].sigqueue_seq);
		sb_i64(b, img[k].overrun);
		sb_i64(b, img[k].overrun_last);
		sb_u64(b, img[k].value);
		sb_i64(b, img[k].next);
		sb_i64(b, img[k].interval);
	}
}

static void put_process(struct snap_save *s, struct snap_buf *b, const struct process *p)
{
	int nums[] = {p->pid, p->ppid, p->pgid, p->sid, (int)p->state, p->wait_status,
		      p->exit_signal, p->report, p->did_exec, p->subreaper, p->mode64,
		      p->group_exit, p->next_timer_id};
	for (size_t k = 0; k < sizeof nums / sizeof nums[0]; k++)
		sb_i32(b, nums[k]);
	sb_str(b, p->cwd);
	sb_str(b, p->root);
	sb_str(b, p->exe);
	sb_i64(b, p->start_ns);
	sb_u64(b, p->child_insns);
	sb_u64(b, p->exited_insns);
	sb_i64(b, p->alarm_at);
	sb_i64(b, p->alarm_interval);
	sb_i64(b, p->alarm_fired_at);
	for (int k = 0; k < 2; k++) {
		sb_u64(b, p->itimer_cpu_at[k]);
		sb_u64(b, p->itimer_cpu_interval[k]);
	}
	sb_u32(b, p->umask);
	sb_u32(b, p->personality);
	sb_u32(b, p->membarrier_regs);
	int flags[] = {p->keepcaps, p->no_new_privs, p->thp_disable};
	for (size_t k = 0; k < sizeof flags / sizeof flags[0]; k++)
		sb_i32(b, flags[k]);
	sb_i32(b, p->vfork_parent ? p->vfork_parent->tid : 0);
	sb_u32(b, ids_find(&s->mms, p->mm));
	sb_u32(b, ids_find(&s->fdtables, p->fds));
	put_ids(b, p);
	put_signals(b, p);
	put_ptimers(b, p);
	sb_i32(b, p->task ? p->task->tid : 0);
	sb_i32(b, p->nthreads);
	for (const struct task *t = p->threads; t; t = t->thread_next)
		sb_i32(b, t->tid);
	if (p->old_mm)
		snap_save_fail(s, "pid %d is between two images", p->pid);
}

int snap_save_procs(struct snap_save *s)
{
	struct snap_buf b = {0};
	uint64_t n = 0;
	for (struct process *p = s->vm->procs; p; p = p->next)
		n++;
	sb_u64(&b, n);
	for (struct process *p = s->vm->procs; p; p = p->next)
		put_process(s, &b, p);
	snap_emit(s, "PROC", &b);
	n = 0;
	for (struct task *t = s->vm->tasks; t; t = t->next)
		n++;
	sb_u64(&b, n);
	for (struct task *t = s->vm->tasks; t && !s->failed; t = t->next)
		snap_put_task(s, &b, t);
	snap_emit(s, "TASK", &b);
	sb_free(&b);
	return s->failed ? -1 : 0;
}
