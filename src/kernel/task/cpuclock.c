/* CPU-time clocks (see cpuclock.h). */
#include "kernel/task/cpuclock.h"

#include <errno.h>
#include <limits.h>

#include "kernel/sys/syscall.h"
#include "kernel/task/process.h"
#include "kernel/task/sched.h"
#include "kernel/task/task.h"
#include "kernel/task/timer.h"

#define PERTHREAD 4
#define CLOCKFD	  3 /* the low bits of a clock device's id */

static int64_t make_clock(int64_t id, int bits) { return (int64_t)(~(uint64_t)id << 3) | bits; }

int cpuclock_is(int64_t id)
{
	return id == L_CLOCK_PROCESS_CPUTIME_ID || id == L_CLOCK_THREAD_CPUTIME_ID ||
	       (id < 0 && (id & 7) != CLOCKFD);
}

/* Linux's pid_for_clock. */
int cpuclock_resolve(const struct task *t, int64_t id, int gettime, struct cpu_clock *c)
{
	if (id == L_CLOCK_PROCESS_CPUTIME_ID || id == L_CLOCK_THREAD_CPUTIME_ID)
		id = make_clock(0,
				CPUCLOCK_SCHED | (id == L_CLOCK_THREAD_CPUTIME_ID ? PERTHREAD : 0));
	if (!cpuclock_is(id) || (id & 3) == 3)
		return -EINVAL; /* not one, or a kind past SCHED */
	int64_t who = (~id) >> 3;
	c->kind = (int)(id & 3);
	c->proc = t->proc;
	c->task = NULL;
	if (who == 0) {
		c->task = id & PERTHREAD ? t : NULL;
		return 0;
	}
	if (who > INT_MAX)
		return -EINVAL;
	if (id & PERTHREAD) { /* a thread of the caller's own process */
		c->task = task_find(t->vm, (int)who);
		return c->task && c->task->proc == t->proc ? 0 : -EINVAL;
	}
	if (gettime && who == t->tid)
		return 0;
	c->proc = process_find(t->vm, (int)who);
	return c->proc ? 0 : -EINVAL;
}

int64_t cpuclock_canonical(const struct task *t, int64_t id)
{
	struct cpu_clock c;
	if (cpuclock_resolve(t, id, 0, &c))
		return id;
	return c.task ? make_clock(c.task->tid, c.kind | PERTHREAD)
		      : make_clock(c.proc->pid, c.kind);
}

uint64_t cpuclock_now(const struct cpu_clock *c)
{
	return c->task ? task_insns(c->task) : process_cpu_ns(c->proc);
}

int cpuclock_covers(const struct cpu_clock *c, const struct task *t)
{
	return c->task ? c->task == t : c->proc == t->proc;
}

/* A sleeper parks on its own process, which lives as long as it does
 * (what a snapshot can name), with the CPU time it waits for as the call's
 * progress; it handles signals itself when tried again. */
int64_t cpuclock_sleep(struct task *t, uint64_t target)
{
	t->park.progress = target;
	return sched_park(t, t->proc, 0);
}

uint64_t cpuclock_sleep_target(const struct task *t) { return t->park.progress; }

/* Whether s is parked in clock_nanosleep on a CPU clock: its clock and the
 * time it waits for. */
static int cpu_sleeper(const struct task *s, struct cpu_clock *c, uint64_t *target)
{
	const struct parked_call *pc = &s->park;
	const struct syscall_desc *d;
	if (s->state != TASK_PARKED || pc->obj != s->proc || !pc->progress ||
	    !(d = syscall_lookup(pc->abi, pc->nr)) ||
	    (d->fn != sys_clock_nanosleep && d->fn != sys_clock_nanosleep32))
		return 0;
	*target = pc->progress;
	return cpuclock_resolve(s, (int)pc->args[0], 0, c) == 0;
}

uint64_t cpuclock_budget(const struct vm *vm, const struct task *t)
{
	uint64_t budget = ptimers_cpu_budget(vm, t), target;
	struct cpu_clock c;
	for (const struct task *s = vm->tasks; s; s = s->next)
		if (cpu_sleeper(s, &c, &target) && cpuclock_covers(&c, t)) {
			uint64_t now = cpuclock_now(&c), left = target > now ? target - now : 0;
			budget = left < budget ? left : budget;
		}
	return budget;
}

void cpuclock_after_slice(struct vm *vm, struct task *t)
{
	uint64_t target;
	struct cpu_clock c;
	for (struct task *s = vm->tasks; s; s = s->next)
		if (cpu_sleeper(s, &c, &target) && cpuclock_covers(&c, t) &&
		    cpuclock_now(&c) >= target)
			s->park.woken = 1;
	ptimers_cpu_fire(vm, t);
}
