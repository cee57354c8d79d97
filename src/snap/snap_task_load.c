/* Restoring processes, then their tasks, then the links between them
 * (threads of a process, its leader, a vfork parent). */
#include <stdlib.h>
#include <string.h>

#include "kernel/sys/snap_kinds.h"
#include "kernel/task/signal.h"
#include "kernel/vfs/file.h"
#include "kernel/vm.h"
#include "mem/mm.h"
#include "snap/snap_task.h"
#include "snap/snap_task_impl.h"

#define PROCS_MAX (1u << 20)

/* What a process's links wait for until its tasks exist. */
struct proc_links {
	struct process *p;
	int leader, vfork_parent, n;
	int *tids;
};

static void get_ids(struct snap_rd *r, struct process *p)
{
	uint32_t *ids[] = {&p->uid, &p->gid, &p->ruid, &p->suid, &p->rgid, &p->sgid};
	for (size_t k = 0; k < sizeof ids / sizeof ids[0]; k++)
		*ids[k] = sr_u32(r);
	p->ngroups = sr_i32(r);
	if (p->ngroups < 0 || p->ngroups > 32) {
		sr_fail(r, "a process has too many groups");
		return;
	}
	for (int k = 0; k < p->ngroups; k++)
		p->groups[k] = sr_u32(r);
	for (int k = 0; k < RLIMIT_COUNT; k++) {
		p->rlimits[k][0] = sr_u64(r);
		p->rlimits[k][1] = sr_u64(r);
	}
}

static void get_signals(struct snap_rd *r, struct process *p)
{
	for (int k = 0; k <= NSIG_LINUX; k++) {
		struct k_sigaction *a = &p->sigactions[k];
		a->handler = sr_u64(r);
		a->flags = sr_u64(r);
		a->restorer = sr_u64(r);
		a->mask = sr_u64(r);
	}
	snap_get_sigpend(r, &p->shared);
}

static void get_resources(struct snap_load *l, struct snap_rd *r, struct process *p)
{
	p->mm = vec_at(&l->mms, sr_u32(r), r);
	p->fds = vec_at(&l->fdtables, sr_u32(r), r);
	if (p->mm)
		mm_get(p->mm);
	if (p->fds)
		p->fds->refs++;
	if (!r->bad && p->state == PROC_LIVE && (!p->mm || !p->fds))
		sr_fail(r, "a live process lacks memory or descriptors");
}

static void get_ptimers(struct snap_rd *r, struct process *p)
{
	struct ptimer_image img[PTIMERS_MAX];
	int n = sr_i32(r);
	if (n < 0 || n > PTIMERS_MAX) {
		sr_fail(r, "a process has too many POSIX timers");
		return;
	}
	for (int k = 0; k < n; k++) {
		int *nums[] = {&img[k].id,     &img[k].clock,	&img[k].notify,
			       &img[k].signo,  &img[k].tid,	&img[k].status,
			       &img[k].ignored, &img[k].sig_periodic};
		for (size_t j = 0; j < sizeof nums / sizeof nums[0]; j++)
			*nums[j] = sr_i32(r);
		if (img[k].status < 0 || img[k].status > PTIMER_STATUS_MAX)
			sr_fail(r, "a POSIX timer's state is out of range");
		img[k].uid = sr_u32(r);
		img[k].signal_seq = sr_u32(r);
		img[k].sigqueue_seq = sr_u32(r);
		img[k].overrun = sr_i64(r);
		img[k].overrun_last = sr_i64(r);
		img[k].value = sr_u64(r);
		img[k].next = sr_i64(r);
		img[k].interval = sr_i64(r);
	}
	if (!r->bad && ptimers_restore(p, img, n))
		sr_fail(r, "out of memory");
}

static struct proc_links *get_process(struct snap_load *l, struct snap_rd *r)
{
	struct process *p = calloc(1, sizeof *p);
	struct proc_links *k = calloc(1, sizeof *k);
	if (!p || !k) {
		free(p);
		free(k);
		sr_fail(r, "out of memory");
		return NULL;
	}
	k->p = p;
	int *nums[] = {&p->pid, &p->ppid, &p->pgid, &p->sid, (int *)&p->state, &p->wait_status,
		       &p->exit_signal, &p->report, &p->did_exec, &p->subreaper, &p->mode64,
		       &p->group_exit, &p->next_timer_id};
	for (size_t n = 0; n < sizeof nums / sizeof nums[0]; n++)
		*nums[n] = sr_i32(r);
	if (p->state != PROC_LIVE && p->state != PROC_ZOMBIE)
		sr_fail(r, "a process state is out of range");
	p->cwd = sr_str(r);
	p->root = sr_str(r);
	p->exe = sr_str(r);
	p->start_ns = sr_i64(r);
	p->child_insns = sr_u64(r);
	p->exited_insns = sr_u64(r);
	p->alarm_at = sr_i64(r);
	p->alarm_interval = sr_i64(r);
	p->alarm_fired_at = sr_i64(r);
	for (int w = 0; w < 2; w++) {
		p->itimer_cpu_at[w] = sr_u64(r);
		p->itimer_cpu_interval[w] = sr_u64(r);
	}
	p->umask = sr_u32(r);
	p->personality = sr_u32(r);
	p->membarrier_regs = sr_u32(r);
	int *flags[] = {&p->keepcaps, &p->no_new_privs, &p->thp_disable};
	for (size_t w = 0; w < sizeof flags / sizeof flags[0]; w++)
		*flags[w] = sr_i32(r);
	k->vfork_parent = sr_i32(r);
	get_resources(l, r, p);
	get_ids(r, p);
	get_signals(r, p);
	get_ptimers(r, p);
	k->leader = sr_i32(r);
	k->n = sr_i32(r);
	if (k->n < 0 || k->n > (int)PROCS_MAX) {
		sr_fail(r, "a thread count is out of range");
		k->n = 0;
	}
	k->tids = calloc((size_t)k->n + 1, sizeof *k->tids);
	for (int n = 0; k->tids && n < k->n; n++)
		k->tids[n] = sr_i32(r);
	return k;
}

int snap_load_procs(struct snap_load *l, struct snap_rd *r)
{
	uint64_t n = sr_count(r, PROCS_MAX);
	struct process **tail = &l->vm->procs;
	for (uint64_t k = 0; k < n && !r->bad; k++) {
		struct proc_links *pl = get_process(l, r);
		if (!pl)
			break;
		*tail = pl->p;
		tail = &pl->p->next;
		if (vec_push(&l->procs, pl))
			sr_fail(r, "out of memory");
	}
	return snap_check(l, r, "PROC");
}

static struct task *task_by_tid(struct snap_load *l, int tid)
{
	for (size_t k = 0; k < l->tasks.n; k++)
		if (((struct task *)l->tasks.v[k])->tid == tid)
			return l->tasks.v[k];
	return NULL;
}

/* Threads in their saved order, the leader, and a vfork parent. */
static void link_process(struct snap_load *l, struct snap_rd *r, struct proc_links *pl)
{
	struct process *p = pl->p;
	struct task **tail = &p->threads;
	for (int k = 0; k < pl->n; k++) {
		struct task *t = task_by_tid(l, pl->tids[k]);
		if (!t || t->proc != p) {
			sr_fail(r, "a thread of a process is missing");
			return;
		}
		*tail = t;
		tail = &t->thread_next;
		p->nthreads++;
	}
	p->task = pl->leader ? task_by_tid(l, pl->leader) : NULL;
	p->vfork_parent = pl->vfork_parent ? task_by_tid(l, pl->vfork_parent) : NULL;
	if ((pl->leader && !p->task) || (pl->vfork_parent && !p->vfork_parent))
		sr_fail(r, "a process's leader or vfork parent is missing");
}

int snap_load_tasks(struct snap_load *l, struct snap_rd *r)
{
	uint64_t n = sr_count(r, PROCS_MAX);
	struct task **tail = &l->vm->tasks;
	for (uint64_t k = 0; k < n && !r->bad; k++) {
		struct task *t = snap_get_task(l, r);
		if (!t)
			break;
		*tail = t;
		tail = &t->next;
		if (vec_push(&l->tasks, t))
			sr_fail(r, "out of memory");
	}
	for (size_t k = 0; k < l->procs.n && !r->bad; k++)
		link_process(l, r, l->procs.v[k]);
	if (!r->bad)
		signal_queues_restored(l->vm);
	return snap_check(l, r, "TASK");
}

void snap_free_proc_links(struct snap_vec *procs)
{
	for (size_t k = 0; k < procs->n; k++) {
		struct proc_links *pl = procs->v[k];
		free(pl->tids);
		free(pl);
	}
	vec_free(procs);
}
