/* Waiting for signals and the interval timers: sigpending, sigsuspend,
 * pause, sigtimedwait, alarm, setitimer, getitimer. */
#include <errno.h>
#include <signal.h>
#include <string.h>

#include "kernel/abi/layout.h"
#include "kernel/sys/syscall.h"
#include "kernel/task/sched.h"
#include "kernel/task/signal.h"
#include "kernel/task/task.h"
#include "kernel/task/timer.h"
#include "mem/uaccess.h"

#define NSEC	      1000000000ll
#define ITIMER_REAL_L 0
#define ITIMER_PROF_L 2 /* (ITIMER_VIRTUAL is 1) */

int64_t sys_rt_sigpending(struct task *t, const uint64_t *a)
{
	uint8_t raw[8];
	if (a[1] > 8)
		return -EINVAL;
	put64(raw, 0, task_pending(t) & t->sigmask);
	return copy_to_user(t->proc->mm, a[0], raw, (size_t)a[1]);
}

/* Parks until an unblocked signal is pending; its delivery ends the call. */
static int64_t wait_for_unblocked(struct task *t)
{
	if (task_pending(t) & ~t->sigmask)
		return -KERN_ERESTARTNOHAND;
	return sched_park(t, NULL, -KERN_ERESTARTNOHAND);
}

int64_t sys_wait_mask(struct task *t, uint64_t umask, uint64_t size)
{
	uint8_t raw[8];
	if (size != 8)
		return -EINVAL;
	if (copy_from_user(t->proc->mm, raw, umask, 8))
		return -EFAULT;
	t->saved_sigmask = t->sigmask;
	t->restore_sigmask = 1;
	t->sigmask = get64(raw, 0) & ~SIG_UNBLOCKABLE;
	return 0;
}

int64_t sys_rt_sigsuspend(struct task *t, const uint64_t *a)
{
	if (t->resuming) /* the mask is in place already */
		return wait_for_unblocked(t);
	int64_t rc = sys_wait_mask(t, a[0], a[1]);
	return rc ? rc : wait_for_unblocked(t);
}

int64_t sys_pause(struct task *t, const uint64_t *a) { return wait_for_unblocked(t); }

static int64_t do_sigtimedwait(struct task *t, const uint64_t *a, int wide)
{
	uint8_t raw[8], info[128];
	int64_t deadline = 0;
	if (a[3] != 8)
		return -EINVAL;
	if (copy_from_user(t->proc->mm, raw, a[0], 8))
		return -EFAULT;
	uint64_t set = get64(raw, 0) & ~SIG_UNBLOCKABLE;
	if (t->resuming) {
		deadline = t->park.deadline;
	} else if (a[2]) {
		int64_t wait;
		int rc = sys_get_timespec(t, a[2], &wait, wide);
		if (rc)
			return rc;
		int64_t now = vm_monotonic_ns(t->vm, &t->cpu);
		deadline = wait > INT64_MAX - now ? INT64_MAX : now + wait;
	}
	struct siginfo_k si;
	int sig = signal_dequeue(t, set, &si);
	if (sig) {
		signal_put_siginfo(info, &si, sys_is64(t)); /* as a handler would get it */
		if (a[1] && copy_to_user(t->proc->mm, a[1], info, sizeof info))
			return -EFAULT;
		return sig;
	}
	if (task_pending(t) & ~t->sigmask)
		return -KERN_ERESTARTNOHAND; /* another signal's handler runs first */
	if (a[2] && vm_monotonic_ns(t->vm, &t->cpu) >= deadline)
		return -EAGAIN;
	if (a[2])
		return sched_park_until(t, NULL, deadline, -KERN_ERESTARTNOHAND);
	return sched_park(t, NULL, -KERN_ERESTARTNOHAND);
}

int64_t sys_rt_sigtimedwait(struct task *t, const uint64_t *a) { return do_sigtimedwait(t, a, 1); }
int64_t sys_rt_sigtimedwait32(struct task *t, const uint64_t *a)
{
	return do_sigtimedwait(t, a, 0);
}

int64_t sys_alarm(struct task *t, const uint64_t *a)
{
	int64_t now = vm_monotonic_ns(t->vm, &t->cpu);
	int64_t left = timer_remaining(t->proc, now);
	timer_set(t->proc, now, (int64_t)(uint32_t)a[0] * NSEC, 0);
	/* Linux rounds to the nearest second but never reports a live alarm as 0 */
	int64_t secs = (left + NSEC / 2) / NSEC;
	return left && !secs ? 1 : secs;
}

/* struct itimerval: interval then value, each a timeval of two longs */
static void put_itimerval(uint8_t *raw, int64_t interval, int64_t value, int is64)
{
	unsigned l = is64 ? 8 : 4;
	put_long(raw, 0, (uint64_t)(interval / NSEC), is64);
	put_long(raw, l, (uint64_t)(interval % NSEC / 1000), is64);
	put_long(raw, 2 * l, (uint64_t)(value / NSEC), is64);
	put_long(raw, 3 * l, (uint64_t)(value % NSEC / 1000), is64);
}

static int64_t itimer_out(struct task *t, uint64_t addr, int64_t interval, int64_t value)
{
	uint8_t raw[32];
	int is64 = sys_is64(t);
	put_itimerval(raw, interval, value, is64);
	return copy_to_user(t->proc->mm, addr, raw, is64 ? 32 : 16);
}

/* The timer's interval and value left, in ns. */
static void itimer_now(struct task *t, int which, int64_t *interval, int64_t *value)
{
	if (which == ITIMER_REAL_L) {
		*interval = t->proc->alarm_interval;
		*value = timer_remaining(t->proc, vm_monotonic_ns(t->vm, &t->cpu));
		return;
	}
	uint64_t v, i;
	itimer_cpu_get(t->proc, which - 1, &v, &i);
	*interval = (int64_t)i;
	*value = (int64_t)v;
}

int64_t sys_getitimer(struct task *t, const uint64_t *a)
{
	int which = (int)a[0];
	int64_t interval, value;
	if (which < ITIMER_REAL_L || which > ITIMER_PROF_L)
		return -EINVAL;
	itimer_now(t, which, &interval, &value);
	return itimer_out(t, a[1], interval, value);
}

/* The guest's itimerval (NULL: all zero) as interval and value in ns;
 * -EFAULT, or -EINVAL for a field out of range. */
static int64_t itimer_in(struct task *t, uint64_t addr, int64_t *interval, int64_t *value)
{
	uint8_t raw[32];
	int is64 = sys_is64(t);
	unsigned l = is64 ? 8 : 4;
	int64_t v[4] = {0, 0, 0, 0};
	if (addr && copy_from_user(t->proc->mm, raw, addr, 4 * l))
		return -EFAULT;
	for (int k = 0; addr && k < 4; k++)
		v[k] = is64 ? (int64_t)get64(raw, (unsigned)k * l) : (int32_t)get32(raw, (unsigned)k * l);
	if (v[0] < 0 || v[2] < 0 || v[1] < 0 || v[1] >= 1000000 || v[3] < 0 || v[3] >= 1000000)
		return -EINVAL;
	*interval = v[0] * NSEC + v[1] * 1000;
	*value = v[2] * NSEC + v[3] * 1000;
	return 0;
}

int64_t sys_setitimer(struct task *t, const uint64_t *a)
{
	int which = (int)a[0];
	int64_t interval, value, old_interval, old_value;
	int64_t rc = itimer_in(t, a[1], &interval, &value); /* (before `which`, as Linux) */
	if (rc)
		return rc;
	if (which < ITIMER_REAL_L || which > ITIMER_PROF_L)
		return -EINVAL;
	if (which == ITIMER_REAL_L) {
		itimer_now(t, which, &old_interval, &old_value);
		timer_set(t->proc, vm_monotonic_ns(t->vm, &t->cpu), value, interval);
	} else {
		uint64_t ov, oi;
		itimer_cpu_set(t->proc, which - 1, (uint64_t)value, (uint64_t)interval, &ov, &oi);
		old_value = (int64_t)ov;
		old_interval = (int64_t)oi;
	}
	return a[2] ? itimer_out(t, a[2], old_interval, old_value) : 0;
}
