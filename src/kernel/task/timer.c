/* ITIMER_REAL (alarm, setitimer) on the virtual monotonic clock. When the
 * guest waits for something only a timer can bring, virtual time skips to
 * the expiry instead of passing; with --realtime, hexvm really waits.
 * As on Linux, an expiry stops the timer: a periodic one starts again only
 * when a SIGALRM is taken, so that a process which leaves the signal
 * blocked or ignored is not woken again and again for nothing. */
#include "kernel/task/timer.h"

#include <signal.h>

#include "kernel/task/signal.h"

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
	p->alarm_fired_at = p->alarm_at;
	p->alarm_at = 0;
	struct siginfo_k info = {.signo = SIGALRM, .code = SI_KERNEL, .trapno = -1};
	signal_send_process(p, &info);
}

void timer_alarm_taken(struct task *t)
{
	struct process *p = t->proc;
	if (p->alarm_at || !p->alarm_interval)
		return;
	/* by whole intervals from the last expiry, to the first still ahead */
	int64_t now = vm_monotonic_ns(t->vm, &t->cpu), next = p->alarm_fired_at;
	if (now >= next)
		next += ((now - next) / p->alarm_interval + 1) * p->alarm_interval;
	p->alarm_at = next;
}
