/* ITIMER_REAL (alarm, setitimer) on the virtual monotonic clock. When the
 * guest waits for something only a timer can bring, virtual time skips to
 * the expiry instead of passing; with --realtime, hexvm really waits. */
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
	p->alarm_at = p->alarm_interval ? p->alarm_at + p->alarm_interval : 0;
	if (p->alarm_at && p->alarm_at <= now) /* a late interval timer fires once */
		p->alarm_at = now + p->alarm_interval;
	struct siginfo_k info = {.signo = SIGALRM, .code = SI_KERNEL, .trapno = -1};
	signal_send_process(p, &info);
}
