/* ITIMER_REAL (alarm, setitimer) on the virtual monotonic clock. When the
 * guest waits for something only a timer can bring, virtual time skips to
 * the expiry instead of passing; with --realtime, hexvm really waits. */
#include "kernel/task/timer.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <time.h>

#include "kernel/task/signal.h"

#define REALTIME_CHECK_INSNS 1000000 /* how often real time is looked at */

void timer_set(struct process *p, int64_t now, int64_t value_ns, int64_t interval_ns)
{
	p->alarm_at = value_ns > 0 ? now + value_ns : 0;
	p->alarm_interval = value_ns > 0 ? interval_ns : 0;
}

int64_t timer_remaining(const struct process *p, int64_t now)
{
	if (!p->alarm_at)
		return 0;
	return p->alarm_at > now ? p->alarm_at - now : 1;
}

void timers_fire(struct task *t)
{
	struct process *p = t->proc;
	int64_t now = vm_monotonic_ns(t->vm, &t->cpu);
	if (!p->alarm_at || now < p->alarm_at)
		return;
	p->alarm_at = p->alarm_interval ? p->alarm_at + p->alarm_interval : 0;
	if (p->alarm_at && p->alarm_at <= now) /* a late interval timer fires once */
		p->alarm_at = now + p->alarm_interval;
	struct siginfo_k info = {SIGALRM, SI_KERNEL, 0, 0, 0, 0, -1, 0};
	signal_send(t, &info);
}

void task_set_budget(struct task *t)
{
	struct cpu *c = &t->cpu;
	struct process *p = t->proc;
	c->icount_limit = UINT64_MAX;
	if (!p->alarm_at)
		return;
	if (t->vm->opt.realtime) {
		c->icount_limit = c->icount + REALTIME_CHECK_INSNS;
		return;
	}
	/* virtual time advances one nanosecond an instruction */
	int64_t left = p->alarm_at - vm_monotonic_ns(t->vm, c);
	c->icount_limit = c->icount + (uint64_t)(left > 0 ? left : 0);
}

void task_pass_time(struct task *t, int64_t ns)
{
	if (ns <= 0)
		return;
	if (t->vm->opt.realtime) {
		struct timespec ts = {(time_t)(ns / 1000000000), (long)(ns % 1000000000)};
		while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
			;
	} else {
		t->vm->clock_skip_ns += ns;
	}
}

int task_wait_timer(struct task *t, int64_t deadline_ns)
{
	int64_t now = vm_monotonic_ns(t->vm, &t->cpu), at = t->proc->alarm_at;
	if (!at || (deadline_ns && deadline_ns < at)) {
		if (deadline_ns)
			task_pass_time(t, deadline_ns - now);
		return -1;
	}
	task_pass_time(t, at - now);
	timers_fire(t);
	return 0;
}

int task_wait_host_fd(struct task *t, int fd, short events)
{
	struct pollfd pfd = {fd, events, 0};
	if (poll(&pfd, 1, 0) != 0)
		return 0;
	if (!t->proc->alarm_at) {
		while (poll(&pfd, 1, -1) < 0 && errno == EINTR)
			;
		return 0;
	}
	if (t->vm->opt.realtime) {
		int64_t left = timer_remaining(t->proc, vm_monotonic_ns(t->vm, &t->cpu));
		if (poll(&pfd, 1, (int)(left / 1000000) + 1) > 0)
			return 0;
	}
	task_wait_timer(t, 0);
	return -KERN_ERESTARTSYS;
}
