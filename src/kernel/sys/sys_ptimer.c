/* POSIX timers (timer_create ...) on the virtual clock: each process keeps
 * its own; the scheduler asks for the next expiry and fires them, sending
 * the timer's signal (SI_TIMER, with its value and overrun count) to the
 * process or, with SIGEV_THREAD_ID, to one thread. A timer on a CPU clock
 * (kernel/task/cpuclock.h) counts that clock's time, keeps the clock with
 * its thread or process written out, and comes due while one of its
 * threads runs. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "kernel/abi/layout.h"
#include "kernel/sys/snap_kinds.h"
#include "kernel/sys/syscall.h"
#include "kernel/task/cpuclock.h"
#include "kernel/task/signal.h"
#include "kernel/task/task.h"
#include "kernel/task/timer.h"
#include "mem/uaccess.h"

#define NSEC		 1000000000ll
#define L_SIGEV_SIGNAL	 0
#define L_SIGEV_NONE	 1
#define L_SIGEV_THREAD_ID 4
#define L_TIMER_ABSTIME	 1
#define L_SIGALRM	 14
#define SI_TIMER_L	 (-2)
#define TIMERS_MAX	 256

struct ptimer {
	int id, clock, notify, signo, tid, overrun;
	uint64_t value;
	int64_t next, interval; /* ns on its clock (monotonic or CPU); next 0: disarmed */
	struct ptimer *link;
};

static struct ptimer *find(struct process *p, int id)
{
	struct ptimer *pt = p->timers;
	while (pt && pt->id != id)
		pt = pt->link;
	return pt;
}

/* struct sigevent: value (a pointer-sized union), signo, notify, thread id. */
static int read_sigevent(struct task *t, uint64_t addr, struct ptimer *pt)
{
	uint8_t raw[24];
	int is64 = sys_is64(t);
	unsigned w = is64 ? 8 : 4;
	if (!addr) {
		pt->notify = L_SIGEV_SIGNAL;
		pt->signo = L_SIGALRM;
		pt->value = (uint64_t)pt->id;
		return 0;
	}
	if (copy_from_user(t->proc->mm, raw, addr, w + 12))
		return -EFAULT;
	pt->value = get_long(raw, 0, is64);
	pt->signo = (int)get32(raw, w);
	pt->notify = (int)get32(raw, w + 4);
	pt->tid = (int)get32(raw, w + 8);
	if (pt->notify != L_SIGEV_NONE && (pt->signo < 1 || pt->signo > NSIG_LINUX))
		return -EINVAL;
	if (pt->notify == L_SIGEV_THREAD_ID) {
		struct task *target = task_find(t->vm, pt->tid);
		if (!target || target->proc != t->proc)
			return -EINVAL;
	} else if (pt->notify != L_SIGEV_SIGNAL && pt->notify != L_SIGEV_NONE) {
		return -EINVAL;
	}
	return 0;
}

int64_t sys_timer_create(struct task *t, const uint64_t *a)
{
	struct process *p = t->proc;
	int count = 0;
	for (struct ptimer *q = p->timers; q; q = q->link)
		count++;
	if (count >= TIMERS_MAX)
		return -EAGAIN;
	struct ptimer *pt = calloc(1, sizeof *pt);
	if (!pt)
		return -ENOMEM;
	pt->id = p->next_timer_id;
	int rc = sys_clock_usable(t, (int)a[0], CLOCK_USE_TIMER);
	if (rc)
		return free(pt), rc;
	pt->clock = cpuclock_is((int)a[0]) ? (int)cpuclock_canonical(t, (int)a[0]) : (int)a[0];
	rc = read_sigevent(t, a[1], pt);
	uint8_t raw[4];
	put32(raw, 0, (uint32_t)pt->id);
	if (!rc)
		rc = copy_to_user(p->mm, a[2], raw, 4);
	if (rc) {
		free(pt);
		return rc;
	}
	p->next_timer_id++;
	pt->link = p->timers;
	p->timers = pt;
	return 0;
}

/* A CPU timer's clock, found from its owner p (0), or -EINVAL when its
 * thread or process has gone (Linux then disarms it). */
static int cpu_clock_of(const struct process *p, const struct ptimer *pt, struct cpu_clock *c)
{
	return cpuclock_is(pt->clock) && p->task ? cpuclock_resolve(p->task, pt->clock, 0, c)
						 : -EINVAL;
}

/* The time on the timer's clock: 0 when it is a CPU clock that has gone. */
static int64_t timer_now(struct task *t, const struct ptimer *pt)
{
	struct cpu_clock c;
	if (!cpuclock_is(pt->clock))
		return vm_monotonic_ns(t->vm, &t->cpu);
	return cpu_clock_of(t->proc, pt, &c) ? 0 : (int64_t)cpuclock_now(&c);
}

static int64_t put_spec(struct task *t, uint64_t addr, struct ptimer *pt, int wide)
{
	uint8_t raw[32];
	struct cpu_clock c;
	if (pt->next && cpuclock_is(pt->clock) && cpu_clock_of(t->proc, pt, &c))
		pt->next = pt->interval = 0;
	int64_t left = pt->next ? pt->next - timer_now(t, pt) : 0, v[4];
	if (pt->next && left <= 0)
		left = 1;
	v[0] = pt->interval / NSEC, v[1] = pt->interval % NSEC, v[2] = left / NSEC, v[3] = left % NSEC;
	for (unsigned k = 0; k < 4; k++)
		wide ? put64(raw, 8 * k, (uint64_t)v[k]) : put32(raw, 4 * k, (uint64_t)v[k]);
	return copy_to_user(t->proc->mm, addr, raw, wide ? 32 : 16);
}

static int64_t do_settime(struct task *t, const uint64_t *a, int wide)
{
	struct ptimer *pt = find(t->proc, (int)a[0]);
	int64_t interval, value, rc;
	if (!pt)
		return -EINVAL;
	int64_t now = timer_now(t, pt);
	if ((rc = sys_get_timespec(t, a[2], &interval, wide)) ||
	    (rc = sys_get_timespec(t, a[2] + (wide ? 16 : 8), &value, wide)))
		return rc;
	if (a[3] && (rc = put_spec(t, a[3], pt, wide)))
		return rc;
	/* an absolute time is taken on the monotonic clock (CLOCK_REALTIME timers
	 * armed with an absolute time are shifted by the clocks' difference) */
	if (value && ((int)a[1] & L_TIMER_ABSTIME) && pt->clock == 0)
		value += now - vm_realtime_ns(t->vm, &t->cpu);
	else if (value && !((int)a[1] & L_TIMER_ABSTIME))
		value = value > INT64_MAX - now ? INT64_MAX : now + value;
	pt->next = value;
	pt->interval = value ? interval : 0;
	pt->overrun = 0;
	return 0;
}

int64_t sys_timer_settime(struct task *t, const uint64_t *a) { return do_settime(t, a, 1); }
int64_t sys_timer_settime32(struct task *t, const uint64_t *a) { return do_settime(t, a, 0); }

static int64_t do_gettime(struct task *t, const uint64_t *a, int wide)
{
	struct ptimer *pt = find(t->proc, (int)a[0]);
	return pt ? put_spec(t, a[1], pt, wide) : -EINVAL;
}

int64_t sys_timer_gettime(struct task *t, const uint64_t *a) { return do_gettime(t, a, 1); }
int64_t sys_timer_gettime32(struct task *t, const uint64_t *a) { return do_gettime(t, a, 0); }

int64_t sys_timer_getoverrun(struct task *t, const uint64_t *a)
{
	struct ptimer *pt = find(t->proc, (int)a[0]);
	return pt ? pt->overrun : -EINVAL;
}

int64_t sys_timer_delete(struct task *t, const uint64_t *a)
{
	for (struct ptimer **pp = &t->proc->timers; *pp; pp = &(*pp)->link)
		if ((*pp)->id == (int)a[0]) {
			struct ptimer *pt = *pp;
			*pp = pt->link;
			free(pt);
			return 0;
		}
	return -EINVAL;
}

void ptimers_delete_all(struct process *p)
{
	while (p->timers) {
		struct ptimer *pt = p->timers;
		p->timers = pt->link;
		free(pt);
	}
}

int64_t ptimers_next_expiry(const struct vm *vm)
{
	int64_t next = 0;
	for (const struct process *p = vm->procs; p; p = p->next)
		for (const struct ptimer *pt = p->timers; pt; pt = pt->link)
			if (pt->next && !cpuclock_is(pt->clock) && (!next || pt->next < next))
				next = pt->next;
	return next;
}

static void fire(struct process *p, struct ptimer *pt, int64_t now)
{
	uint64_t n = 1 + (pt->interval ? (uint64_t)((now - pt->next) / pt->interval) : 0);
	pt->next = pt->interval ? pt->next + (int64_t)n * pt->interval : 0;
	if (pt->notify == L_SIGEV_NONE)
		return;
	struct siginfo_k info = {.signo = pt->signo, .code = SI_TIMER_L, .trapno = -1,
				 .timerid = pt->id, .overrun = (int)(n - 1), .value = pt->value};
	pt->overrun = (int)(n - 1);
	struct task *target = pt->notify == L_SIGEV_THREAD_ID ? task_find(p->task->vm, pt->tid) : NULL;
	if (target && target->proc == p)
		signal_send(target, &info);
	else
		signal_send_process(p, &info);
}

void ptimers_fire(struct vm *vm, int64_t now)
{
	for (struct process *p = vm->procs; p; p = p->next)
		if (p->task)
			for (struct ptimer *pt = p->timers; pt; pt = pt->link)
				if (pt->next && !cpuclock_is(pt->clock) && now >= pt->next)
					fire(p, pt, now);
}

/* An armed timer on a CPU clock that t's running advances: its clock. */
static int cpu_timer_of(const struct process *p, const struct ptimer *pt, const struct task *t,
			struct cpu_clock *c)
{
	return pt->next && !cpu_clock_of(p, pt, c) && cpuclock_covers(c, t);
}

uint64_t ptimers_cpu_budget(const struct vm *vm, const struct task *t)
{
	uint64_t budget = UINT64_MAX;
	struct cpu_clock c;
	for (const struct process *p = vm->procs; p; p = p->next)
		for (const struct ptimer *pt = p->timers; pt; pt = pt->link)
			if (cpu_timer_of(p, pt, t, &c)) {
				uint64_t now = cpuclock_now(&c), next = (uint64_t)pt->next;
				uint64_t left = next > now ? next - now : 0;
				budget = left < budget ? left : budget;
			}
	return budget;
}

void ptimers_cpu_fire(struct vm *vm, struct task *t)
{
	struct cpu_clock c;
	for (struct process *p = vm->procs; p; p = p->next)
		if (p->task)
			for (struct ptimer *pt = p->timers; pt; pt = pt->link)
				if (cpu_timer_of(p, pt, t, &c) &&
				    (int64_t)cpuclock_now(&c) >= pt->next)
					fire(p, pt, (int64_t)cpuclock_now(&c));
}

int ptimers_image(const struct process *p, struct ptimer_image *out, int max)
{
	int n = 0;
	for (const struct ptimer *pt = p->timers; pt; pt = pt->link, n++)
		if (n < max)
			out[n] = (struct ptimer_image){pt->id,	     pt->clock, pt->notify,
						       pt->signo,    pt->tid,	pt->overrun,
						       pt->value,    pt->next,	pt->interval};
	return n;
}

int ptimers_restore(struct process *p, const struct ptimer_image *in, int n)
{
	struct ptimer **tail = &p->timers;
	while (*tail)
		tail = &(*tail)->link;
	for (int k = 0; k < n; k++) {
		struct ptimer *pt = calloc(1, sizeof *pt);
		if (!pt)
			return -1;
		*pt = (struct ptimer){in[k].id,	   in[k].clock, in[k].notify, in[k].signo, in[k].tid,
				      in[k].overrun, in[k].value, in[k].next,   in[k].interval, NULL};
		*tail = pt;
		tail = &pt->link;
	}
	return 0;
}
