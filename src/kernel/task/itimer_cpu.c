/* ITIMER_VIRTUAL and ITIMER_PROF (see timer.h): each is a CPU time of its
 * process at which SIGVTALRM or SIGPROF goes to the process, then one
 * interval later again. Only the process's own threads advance it, so the
 * scheduler ends a thread's slice where one comes due (cpuclock_budget)
 * and fires it right after (cpuclock_after_slice). */
#include <signal.h>

#include "kernel/task/cpuclock.h"
#include "kernel/task/signal.h"
#include "kernel/task/timer.h"

static const int itimer_signal[2] = {SIGVTALRM, SIGPROF};

void itimer_cpu_get(const struct process *p, int which, uint64_t *value, uint64_t *interval)
{
	uint64_t at = p->itimer_cpu_at[which], now = process_cpu_ns(p);
	*interval = p->itimer_cpu_interval[which];
	*value = !at ? 0 : at < now ? CPUCLOCK_TICK_NS : at - now; /* (past due: about to fire) */
}

void itimer_cpu_set(struct process *p, int which, uint64_t value_ns, uint64_t interval_ns,
		    uint64_t *old_value, uint64_t *old_interval)
{
	uint64_t now = process_cpu_ns(p);
	itimer_cpu_get(p, which, old_value, old_interval);
	if (*old_value == 0 && p->itimer_cpu_at[which]) /* due this very moment */
		*old_value = CPUCLOCK_TICK_NS;
	p->itimer_cpu_at[which] = value_ns ? now + value_ns + CPUCLOCK_TICK_NS : 0;
	p->itimer_cpu_interval[which] = interval_ns;
}

uint64_t itimer_cpu_budget(const struct task *t)
{
	const struct process *p = t->proc;
	uint64_t budget = UINT64_MAX, now = process_cpu_ns(p);
	for (int k = 0; k < 2; k++) {
		uint64_t at = p->itimer_cpu_at[k];
		if (at) {
			uint64_t left = at > now ? at - now : 0;
			budget = left < budget ? left : budget;
		}
	}
	return budget;
}

void itimer_cpu_fire(struct task *t)
{
	struct process *p = t->proc;
	uint64_t now = process_cpu_ns(p);
	for (int k = 0; k < 2; k++) {
		uint64_t at = p->itimer_cpu_at[k];
		if (!at || now < at)
			continue;
		p->itimer_cpu_at[k] =
			p->itimer_cpu_interval[k] ? at + p->itimer_cpu_interval[k] : 0;
		struct siginfo_k info = {
			.signo = itimer_signal[k], .code = SI_KERNEL, .trapno = -1};
		signal_send_process(p, &info);
	}
}
