/* Scheduling calls: sched_yield, the affinity mask (one virtual CPU), the
 * policy and its parameters, nice values (getpriority, setpriority),
 * getcpu and membarrier. hexvm's scheduler gives every thread the same
 * turns whatever these say; they hold what the guest set, with Linux's
 * checks and errors, so that programs see what they would natively. */
#include <errno.h>
#include <stdint.h>

#include "kernel/abi/layout.h"
#include "kernel/sys/syscall.h"
#include "kernel/task/process.h"
#include "kernel/task/task.h"
#include "mem/uaccess.h"

#define L_SCHED_OTHER	      0
#define L_SCHED_FIFO	      1
#define L_SCHED_RR	      2
#define L_SCHED_BATCH	      3
#define L_SCHED_IDLE	      5
#define L_SCHED_DEADLINE      6
#define L_SCHED_EXT	      7
#define L_SCHED_RESET_ON_FORK 0x40000000
#define L_PRIO_PROCESS	      0
#define L_PRIO_PGRP	      1
#define L_PRIO_USER	      2
#define RR_TIMESLICE_NS	      100000000 /* Linux's SCHED_RR quantum */
#define OTHER_TIMESLICE_NS    4000000	/* a tick: what hexvm's scheduler gives, about */
#define L_MEMBARRIER_QUERY    0
#define L_MEMBARRIER_GET_REGS 512
#define L_MEMBARRIER_ALL      0x3ff
#define L_MEMBARRIER_FLAG_CPU 1

void sched_params_fork(struct task *child, const struct task *parent)
{
	child->nice = parent->nice;
	child->policy = parent->policy;
	child->rt_priority = parent->rt_priority;
	child->timer_slack_ns = parent->timer_slack_ns;
	if (parent->policy & L_SCHED_RESET_ON_FORK) { /* back to the default, kindness kept */
		child->policy = L_SCHED_OTHER;
		child->rt_priority = 0;
		child->nice = parent->nice < 0 ? 0 : parent->nice;
	}
}

int64_t sys_sched_yield(struct task *t, const uint64_t *a)
{
	t->yield = 1;
	t->cpu.exit_req = 1;
	return 0;
}

/* The thread a pid argument names: 0 is the caller; a thread of another
 * process counts too (Linux looks pids up as thread ids). */
static struct task *target(struct task *t, int64_t pid, int64_t *err)
{
	struct task *who = pid == 0			 ? t
			   : pid > 0 && pid <= INT32_MAX ? task_find(t->vm, (int)pid)
							 : NULL;
	*err = pid < 0 ? -EINVAL : -ESRCH;
	return who;
}

/* One virtual CPU. */
int64_t sys_sched_getaffinity(struct task *t, const uint64_t *a)
{
	unsigned size = sys_is64(t) ? 8 : 4;
	uint8_t mask[8] = {1};
	int64_t err;
	if (!target(t, (int)a[0], &err))
		return err;
	if (a[1] < size || (a[1] & (size - 1)))
		return -EINVAL;
	return copy_to_user(t->proc->mm, a[2], mask, size) ? -EFAULT : (int64_t)size;
}

/* A mask must hold CPU 0, the only one. */
int64_t sys_sched_setaffinity(struct task *t, const uint64_t *a)
{
	uint8_t first = 0;
	int64_t err;
	if (a[1] && copy_from_user(t->proc->mm, &first, a[2], 1))
		return -EFAULT;
	if (!target(t, (int)a[0], &err))
		return err;
	return first & 1 ? 0 : -EINVAL;
}

static int valid_policy(int policy)
{
	return policy == L_SCHED_OTHER || policy == L_SCHED_FIFO || policy == L_SCHED_RR ||
	       policy == L_SCHED_BATCH || policy == L_SCHED_IDLE;
}

static int is_rt(int policy) { return policy == L_SCHED_FIFO || policy == L_SCHED_RR; }

/* SCHED_DEADLINE and SCHED_EXT exist, without priorities, though only
 * sched_setattr (which hexvm lacks) sets them. */
static int known_policy(int policy)
{
	return valid_policy(policy) || policy == L_SCHED_DEADLINE || policy == L_SCHED_EXT;
}

int64_t sys_sched_get_priority_max(struct task *t, const uint64_t *a)
{
	int policy = (int)a[0];
	return !known_policy(policy) ? -EINVAL : is_rt(policy) ? 99 : 0;
}

int64_t sys_sched_get_priority_min(struct task *t, const uint64_t *a)
{
	int policy = (int)a[0];
	return !known_policy(policy) ? -EINVAL : is_rt(policy) ? 1 : 0;
}

int64_t sys_sched_getscheduler(struct task *t, const uint64_t *a)
{
	int64_t err;
	struct task *who = target(t, (int64_t)(int)a[0], &err);
	return who ? who->policy : err;
}

int64_t sys_sched_getparam(struct task *t, const uint64_t *a)
{
	int64_t err;
	uint8_t raw[4];
	struct task *who = target(t, (int64_t)(int)a[0], &err);
	if (!a[1])
		return -EINVAL;
	if (!who)
		return err;
	put32(raw, 0, (uint32_t)who->rt_priority);
	return copy_to_user(t->proc->mm, a[1], raw, 4) ? -EFAULT : 0;
}

/* Linux's __sched_setscheduler for a caller with the target's ids: a
 * real-time policy, or a change of another user's thread, needs root. */
static int64_t set_scheduler(struct task *t, int64_t pid, int policy, uint64_t uparam)
{
	uint8_t raw[4];
	int64_t err;
	if (!uparam || pid < 0)
		return -EINVAL;
	if (copy_from_user(t->proc->mm, raw, uparam, 4))
		return -EFAULT;
	struct task *who = target(t, pid, &err);
	if (!who)
		return err;
	int reset =
		policy >= 0 ? policy & L_SCHED_RESET_ON_FORK : who->policy & L_SCHED_RESET_ON_FORK;
	policy = policy >= 0 ? policy & ~L_SCHED_RESET_ON_FORK
			     : who->policy & ~L_SCHED_RESET_ON_FORK;
	int prio = (int)get32(raw, 0);
	if (!valid_policy(policy))
		return -EINVAL;
	if (is_rt(policy) ? prio < 1 || prio > 99 : prio != 0)
		return -EINVAL;
	const struct process *me = t->proc, *them = who->proc;
	if (me->uid && (is_rt(policy) || (me->uid != them->ruid && me->uid != them->uid)))
		return -EPERM;
	who->policy = policy | reset;
	who->rt_priority = prio;
	return 0;
}

int64_t sys_sched_setscheduler(struct task *t, const uint64_t *a)
{
	if ((int)a[1] < 0)
		return -EINVAL;
	return set_scheduler(t, (int64_t)(int)a[0], (int)a[1], a[2]);
}

int64_t sys_sched_setparam(struct task *t, const uint64_t *a)
{
	return set_scheduler(t, (int64_t)(int)a[0], -1, a[1]);
}

static int64_t rr_interval(struct task *t, const uint64_t *a, int wide)
{
	int64_t err;
	uint8_t raw[16];
	struct task *who = target(t, (int64_t)(int)a[0], &err);
	if (!who)
		return err;
	int policy = who->policy & ~L_SCHED_RESET_ON_FORK;
	int64_t ns = policy == L_SCHED_FIFO ? 0
		     : policy == L_SCHED_RR ? RR_TIMESLICE_NS
					    : OTHER_TIMESLICE_NS;
	int w = wide || sys_is64(t);
	put_long(raw, 0, (uint64_t)(ns / 1000000000), w);
	put_long(raw, w ? 8 : 4, (uint64_t)(ns % 1000000000), w);
	return copy_to_user(t->proc->mm, a[1], raw, w ? 16 : 8) ? -EFAULT : 0;
}

int64_t sys_sched_rr_get_interval(struct task *t, const uint64_t *a)
{
	return rr_interval(t, a, 0);
}
/* i386's sched_rr_get_interval_time64 */
int64_t sys_sched_rr_get_interval64(struct task *t, const uint64_t *a)
{
	return rr_interval(t, a, 1);
}

/* The processes (PRIO_PROCESS: a thread) `which` and `who` name, one by one. */
static int prio_match(const struct task *t, const struct task *s, int which, int who)
{
	switch (which) {
	case L_PRIO_PROCESS: return who ? s->tid == who : s == t;
	case L_PRIO_PGRP: return s->proc->pgid == (who ? who : t->proc->pgid);
	default: return s->proc->uid == (uint32_t)(who ? who : (int)t->proc->uid);
	}
}

/* The raw call gives 20 - nice of the kindest match (1..40). */
int64_t sys_getpriority(struct task *t, const uint64_t *a)
{
	int which = (int)a[0], who = (int)a[1], best = 21;
	if (which < L_PRIO_PROCESS || which > L_PRIO_USER)
		return -EINVAL;
	for (const struct task *s = t->vm->tasks; s; s = s->next)
		if (prio_match(t, s, which, who) && s->nice < best)
			best = s->nice;
	return best == 21 ? -ESRCH : 20 - best;
}

/* Lowering a nice value needs root here (RLIMIT_NICE is 0 by default);
 * another user's process, too. */
int64_t sys_setpriority(struct task *t, const uint64_t *a)
{
	int which = (int)a[0], who = (int)a[1], nice = (int)a[2], found = 0;
	int64_t rc = 0;
	if (which < L_PRIO_PROCESS || which > L_PRIO_USER)
		return -EINVAL;
	nice = nice < -20 ? -20 : nice > 19 ? 19 : nice;
	for (struct task *s = t->vm->tasks; s; s = s->next) {
		if (!prio_match(t, s, which, who))
			continue;
		found = 1;
		const struct process *me = t->proc;
		if (me->uid && me->uid != s->proc->uid && me->ruid != s->proc->uid)
			rc = -EPERM;
		else if (me->uid && nice < s->nice)
			rc = -EACCES;
		else
			s->nice = nice;
	}
	return found ? rc : -ESRCH;
}

/* i386's nice(inc): setpriority on the caller. */
int64_t sys_nice(struct task *t, const uint64_t *a)
{
	int inc = (int)a[0];
	inc = inc < -40 ? -40 : inc > 40 ? 40 : inc;
	uint64_t b[3] = {L_PRIO_PROCESS, 0, (uint64_t)(int64_t)(t->nice + inc)};
	return sys_setpriority(t, b);
}

int64_t sys_getcpu(struct task *t, const uint64_t *a)
{
	uint8_t zero[4] = {0};
	if ((a[0] && copy_to_user(t->proc->mm, a[0], zero, 4)) ||
	    (a[1] && copy_to_user(t->proc->mm, a[1], zero, 4)))
		return -EFAULT;
	return 0;
}

/* With one host thread running every guest thread in turn, each barrier
 * holds already. What remains is Linux's bookkeeping: the expedited
 * private kinds (8, 32, 128) want their registration (16, 64, 256) first,
 * which fork copies and execve drops (process->membarrier_regs). */
int64_t sys_membarrier(struct task *t, const uint64_t *a)
{
	int cmd = (int)a[0];
	unsigned flags = (unsigned)a[1];
	uint32_t *regs = &t->proc->membarrier_regs;
	if (flags && (cmd != 128 || flags != L_MEMBARRIER_FLAG_CPU))
		return -EINVAL;
	switch (cmd) {
	case L_MEMBARRIER_QUERY: return L_MEMBARRIER_ALL;
	case L_MEMBARRIER_GET_REGS: return *regs;
	case 1:
	case 2: return 0; /* global barriers, plain and expedited */
	case 4:
	case 16:
	case 64:
	case 256: *regs |= (uint32_t)cmd; return 0;
	case 8:
	case 32:
	case 128: return *regs & (uint32_t)cmd << 1 ? 0 : -EPERM;
	default: return -EINVAL;
	}
}
