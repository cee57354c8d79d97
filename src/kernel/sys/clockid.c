/* Linux's clock ids: which clocks the machine has, which of them can be
 * slept on or carry a timer (Linux's posix_clocks[] and their k_clock
 * ops), and what they read. Wall clocks read the virtual realtime, the
 * others the virtual monotonic time, CPU clocks CPU time
 * (kernel/task/cpuclock.h). */
#include <errno.h>

#include "kernel/sys/syscall.h"
#include "kernel/task/cpuclock.h"

#define CLOCK_IDS 12
#define CLOCKFD	  3 /* the low bits of a clock device's id */
#define L_CLOCK	  1 /* there is such a clock */
#define L_SLEEPS  2
#define L_TIMES	  4
#define L_WALL	  8  /* reads the realtime */
#define L_COARSE  16 /* a jiffy's resolution */

/* Per id 0..11: 0 for no clock, else L_CLOCK with the bits above. */
static const unsigned char clocks[CLOCK_IDS] = {
	L_CLOCK | L_SLEEPS | L_TIMES | L_WALL, /* REALTIME */
	L_CLOCK | L_SLEEPS | L_TIMES,	       /* MONOTONIC */
	L_CLOCK | L_SLEEPS | L_TIMES,	       /* PROCESS_CPUTIME_ID */
	L_CLOCK | L_TIMES,		       /* THREAD_CPUTIME_ID */
	L_CLOCK,			       /* MONOTONIC_RAW */
	L_CLOCK | L_WALL | L_COARSE,	       /* REALTIME_COARSE */
	L_CLOCK | L_COARSE,		       /* MONOTONIC_COARSE */
	L_CLOCK | L_SLEEPS | L_TIMES,	       /* BOOTTIME */
	L_CLOCK | L_SLEEPS | L_TIMES | L_WALL, /* REALTIME_ALARM */
	L_CLOCK | L_SLEEPS | L_TIMES,	       /* BOOTTIME_ALARM */
	0,
	L_CLOCK | L_SLEEPS | L_TIMES | L_WALL, /* TAI */
};

int sys_clock_usable(const struct task *t, int64_t id, enum clock_use use)
{
	struct cpu_clock c;
	if (id < 0 && (id & 7) == CLOCKFD) /* a clock device: hexvm has none */
		return use == CLOCK_USE_GET || use == CLOCK_USE_RES ? -EINVAL : -EOPNOTSUPP;
	if (id >= CLOCK_IDS || (id >= 0 && !clocks[id]))
		return -EINVAL;
	if (id >= 0 && ((use == CLOCK_USE_SLEEP && !(clocks[id] & L_SLEEPS)) ||
			(use == CLOCK_USE_TIMER && !(clocks[id] & L_TIMES))))
		return -EOPNOTSUPP;
	if (!cpuclock_is(id) || use == CLOCK_USE_SLEEP)
		return 0;
	return cpuclock_resolve(t, id, use == CLOCK_USE_GET, &c);
}

int64_t sys_clock_read(const struct task *t, int64_t id)
{
	struct cpu_clock c;
	if (cpuclock_is(id))
		return cpuclock_resolve(t, id, 1, &c) ? 0 : (int64_t)cpuclock_now(&c);
	if (clocks[id] & L_WALL)
		return vm_realtime_ns(t->vm, &t->cpu);
	return vm_monotonic_ns(t->vm, &t->cpu);
}

/* clock_getres's answer for a clock t may use: CPU clocks of kind SCHED
 * count nanoseconds, the PROF and VIRT ones and the coarse clocks jiffies. */
int64_t sys_clock_resolution(const struct task *t, int64_t id)
{
	struct cpu_clock c;
	if (cpuclock_is(id))
		return cpuclock_resolve(t, id, 0, &c) || c.kind == CPUCLOCK_SCHED
			       ? 1
			       : CPUCLOCK_TICK_NS;
	return clocks[id] & L_COARSE ? CPUCLOCK_TICK_NS : 1;
}
