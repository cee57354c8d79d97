/* POSIX timers (timer_create ...) on the virtual clock: each process keeps
 * its own; the scheduler asks for the next expiry and fires them, queueing
 * the timer's own signal (SI_TIMER, with its value) for the process or,
 * with SIGEV_THREAD_ID, for one thread. As in Linux since 6.13, a periodic
 * timer stops at an expiry and starts again when its signal is taken,
 * counting the periods missed meanwhile as the signal's overrun; a signal
 * that is ignored then waits with its timer until its action changes. A
 * timer on a CPU clock (kernel/task/cpuclock.h) counts that clock's time,
 * keeps the clock with its thread or process written out, and comes due
 * while one of its threads runs. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "kernel/abi/layout.h"
#include "kernel/sys/snap_kinds.h"
#include "kernel/sys/syscall.h"
#include "kernel/task/cpuclock.h"
#include "kernel/task/signal.h"
#include "kernel/task/sigqueue.h"
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

/* Linux's it_status: a periodic timer whose signal is out waits, not armed. */
enum { PT_DISARMED, PT_ARMED, PT_REQUEUE_PENDING };

struct ptimer {
	int id, clock, notify, signo, tid;
	int status;
	int queued;	  /* its signal is in a pending queue */
	int ignored;	  /* its periodic signal waits for its action to stop ignoring it */
	int sig_periodic; /* its last expiry was a periodic one's */
	uint32_t uid;	  /* whose RLIMIT_SIGPENDING count its signal is in */
	uint32_t signal_seq, sigqueue_seq; /* its settings, and those its signal was sent under */
	int64_t overrun;		   /* periods gone since the expiry its signal reports, - 1 */
	int64_t overrun_last;		   /* what the last signal taken reported */
	uint64_t value;
	int64_t next, interval; /* ns on its clock (monotonic or CPU); next 0: never set */
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
	pt->overrun = -1;
	int rc = sys_clock_usable(t, (int)a[0], CLOCK_USE_TIMER);
	if (rc)
		return free(pt), rc;
	/* its signal is counted from now on, whether it is out or not */
	pt->uid = p->ruid;
	if (sigq_charge(t->vm, pt->uid, p->rlimits[RLIMIT_SIGPENDING_L][0], 0))
		return free(pt), -EAGAIN;
	pt->clock = cpuclock_is((int)a[0]) ? (int)cpuclock_canonical(t, (int)a[0]) : (int)a[0];
	rc = read_sigevent(t, a[1], pt);
	uint8_t raw[4];
	put32(raw, 0, (uint32_t)pt->id);
	if (!rc)
		rc = copy_to_user(p->mm, a[2], raw, 4);
	if (rc) {
		sigq_uncharge(t->vm, pt->uid);
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

/* hrtimer_forward: moves a periodic timer's expiry past now by whole
 * periods; how many (0 when it is still ahead). */
static int64_t forward(struct ptimer *pt, int64_t now)
{
	int64_t delta = now - pt->next, n = 1;
	if (delta < 0)
		return 0;
	if (delta >= pt->interval) {
		n = delta / pt->interval;
		pt->next += n * pt->interval;
		if (pt->next > now)
			return n;
		n++;
	}
	pt->next += pt->interval;
	return n;
}

/* What is left until the next expiry, as timer_gettime tells it: a
 * periodic timer whose signal is out (or that signals nothing) is moved
 * past now first; one due but not yet fired has 1 ns left. */
static int64_t time_left(struct task *t, struct ptimer *pt)
{
	int sig_none = pt->notify == L_SIGEV_NONE;
	if (!pt->next || (pt->status == PT_DISARMED && !pt->interval && !sig_none))
		return 0;
	int64_t now = timer_now(t, pt);
	if (pt->interval && pt->status != PT_ARMED)
		pt->overrun += forward(pt, now);
	int64_t left = pt->next - now;
	return left > 0 ? left : sig_none ? 0 : 1;
}

static int64_t put_spec(struct task *t, uint64_t addr, struct ptimer *pt, int wide)
{
	uint8_t raw[32];
	struct cpu_clock c;
	if (pt->next && cpuclock_is(pt->clock) && cpu_clock_of(t->proc, pt, &c)) {
		pt->next = pt->interval = 0;
		pt->status = PT_DISARMED;
	}
	int64_t left = time_left(t, pt), v[4];
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
	pt->signal_seq++; /* a signal of the old setting out now is dropped when taken */
	pt->next = value;
	pt->interval = value ? interval : 0;
	pt->overrun_last = 0;
	pt->overrun = -1;
	pt->status = value && pt->notify != L_SIGEV_NONE ? PT_ARMED : PT_DISARMED;
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

static int overrun_int(int64_t n) { return n > INT32_MAX ? INT32_MAX : (int)n; }

int64_t sys_timer_getoverrun(struct task *t, const uint64_t *a)
{
	struct ptimer *pt = find(t->proc, (int)a[0]);
	return pt ? overrun_int(pt->overrun_last) : -EINVAL;
}

/* Its count goes with it, unless its signal is still queued: then that
 * holds the count until it is dropped (Linux frees the timer only then). */
static void delete_timer(struct vm *vm, struct process *p, struct ptimer *pt)
{
	struct sigq_entry *e = pt->queued ? signal_find_timer(p, pt->id) : NULL;
	if (e) {
		e->charged = 1;
		e->uid = pt->uid;
	} else {
		sigq_uncharge(vm, pt->uid);
	}
	free(pt);
}

int64_t sys_timer_delete(struct task *t, const uint64_t *a)
{
	for (struct ptimer **pp = &t->proc->timers; *pp; pp = &(*pp)->link)
		if ((*pp)->id == (int)a[0]) {
			struct ptimer *pt = *pp;
			*pp = pt->link;
			delete_timer(t->vm, t->proc, pt);
			return 0;
		}
	return -EINVAL;
}

void ptimers_delete_all(struct vm *vm, struct process *p)
{
	while (p->timers) {
		struct ptimer *pt = p->timers;
		p->timers = pt->link;
		delete_timer(vm, p, pt);
	}
}

int64_t ptimers_next_expiry(const struct vm *vm)
{
	int64_t next = 0;
	for (const struct process *p = vm->procs; p; p = p->next)
		for (const struct ptimer *pt = p->timers; pt; pt = pt->link)
			if (pt->status == PT_ARMED && !cpuclock_is(pt->clock) &&
			    (!next || pt->next < next))
				next = pt->next;
	return next;
}

/* The thread a timer's signal is for (NULL: the process), or -1 when that
 * thread has gone: then nothing is sent (posixtimer_get_target). */
static int target_of(struct process *p, const struct ptimer *pt, struct task **thread)
{
	*thread = NULL;
	if (!p->task)
		return -1;
	if (pt->notify != L_SIGEV_THREAD_ID)
		return 0;
	*thread = task_find(p->task->vm, pt->tid);
	return *thread && (*thread)->proc == p ? 0 : -1;
}

static void queue_signal(struct process *p, struct ptimer *pt, struct task *thread)
{
	struct siginfo_k info = {.signo = pt->signo, .code = SI_TIMER_L, .trapno = -1,
				 .timerid = pt->id, .value = pt->value};
	pt->queued = !signal_queue_timer(thread, p, &info);
}

/* posixtimer_send_sigqueue: its one signal is queued, unless it is out
 * already; an ignored one is dropped, or for a periodic timer kept until
 * its action changes. */
static void send_signal(struct process *p, struct ptimer *pt)
{
	struct task *thread;
	if (target_of(p, pt, &thread))
		return;
	pt->sigqueue_seq = pt->signal_seq;
	pt->sig_periodic = pt->status == PT_REQUEUE_PENDING;
	if (!signal_prepare(thread ? thread : p->task, pt->signo)) {
		if (!pt->queued)
			pt->ignored = pt->sig_periodic;
		return;
	}
	if (pt->queued)
		return;
	pt->ignored = 0;
	queue_signal(p, pt, thread);
}

static void fire(struct process *p, struct ptimer *pt)
{
	pt->status = pt->interval ? PT_REQUEUE_PENDING : PT_DISARMED;
	send_signal(p, pt);
}

int ptimer_signal_taken(struct task *t, struct siginfo_k *info)
{
	struct ptimer *pt = find(t->proc, info->timerid);
	if (!pt)
		return 0; /* deleted */
	pt->queued = 0;
	if (pt->signal_seq != pt->sigqueue_seq)
		return 0;
	if (!pt->interval || pt->status != PT_REQUEUE_PENDING)
		return 1;
	pt->overrun += forward(pt, timer_now(t, pt));
	pt->status = PT_ARMED;
	pt->overrun_last = pt->overrun;
	pt->overrun = -1;
	pt->signal_seq++;
	info->overrun = overrun_int(pt->overrun_last);
	return 1;
}

void ptimer_signal_discarded(struct process *p, int id, int ignoring)
{
	struct ptimer *pt = find(p, id);
	if (!pt)
		return;
	pt->queued = 0;
	pt->ignored = ignoring && pt->sig_periodic;
}

void ptimers_unignore(struct process *p, int sig)
{
	struct task *thread;
	for (struct ptimer *pt = p->timers; pt; pt = pt->link)
		if (pt->ignored && pt->signo == sig) {
			pt->ignored = 0;
			if (!pt->queued && !target_of(p, pt, &thread))
				queue_signal(p, pt, thread);
		}
}

void ptimers_fire(struct vm *vm, int64_t now)
{
	for (struct process *p = vm->procs; p; p = p->next)
		if (p->task)
			for (struct ptimer *pt = p->timers; pt; pt = pt->link)
				if (pt->status == PT_ARMED && !cpuclock_is(pt->clock) &&
				    now >= pt->next)
					fire(p, pt);
}

/* An armed timer on a CPU clock that t's running advances: its clock. */
static int cpu_timer_of(const struct process *p, const struct ptimer *pt, const struct task *t,
			struct cpu_clock *c)
{
	return pt->status == PT_ARMED && !cpu_clock_of(p, pt, c) && cpuclock_covers(c, t);
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
					fire(p, pt);
}

int ptimers_image(const struct process *p, struct ptimer_image *out, int max)
{
	int n = 0;
	for (const struct ptimer *pt = p->timers; pt; pt = pt->link, n++)
		if (n < max)
			out[n] = (struct ptimer_image){
			    .id = pt->id,
			    .clock = pt->clock,
			    .notify = pt->notify,
			    .signo = pt->signo,
			    .tid = pt->tid,
			    .status = pt->status,
			    .ignored = pt->ignored,
			    .sig_periodic = pt->sig_periodic,
			    .uid = pt->uid,
			    .signal_seq = pt->signal_seq,
			    .sigqueue_seq = pt->sigqueue_seq,
			    .overrun = pt->overrun,
			    .overrun_last = pt->overrun_last,
			    .value = pt->value,
			    .next = pt->next,
			    .interval = pt->interval,
			};
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
		*pt = (struct ptimer){
		    .id = in[k].id,
		    .clock = in[k].clock,
		    .notify = in[k].notify,
		    .signo = in[k].signo,
		    .tid = in[k].tid,
		    .status = in[k].status,
		    .ignored = in[k].ignored,
		    .sig_periodic = in[k].sig_periodic,
		    .uid = in[k].uid,
		    .signal_seq = in[k].signal_seq,
		    .sigqueue_seq = in[k].sigqueue_seq,
		    .overrun = in[k].overrun,
		    .overrun_last = in[k].overrun_last,
		    .value = in[k].value,
		    .next = in[k].next,
		    .interval = in[k].interval,
		};
		*tail = pt;
		tail = &pt->link;
	}
	return 0;
}

void ptimers_restored(struct vm *vm, struct process *p)
{
	for (struct ptimer *pt = p->timers; pt; pt = pt->link) {
		sigq_charge(vm, pt->uid, 0, 1);
		pt->queued = signal_find_timer(p, pt->id) != NULL;
	}
}
