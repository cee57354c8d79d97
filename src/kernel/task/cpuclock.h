/* CPU-time clocks: CLOCK_PROCESS_CPUTIME_ID, CLOCK_THREAD_CPUTIME_ID and the
 * ids clock_getcpuclockid and pthread_getcpuclockid make, Linux's encoding
 * of a pid or tid and a kind: ~id << 3 | kind, with bit 2 for a thread and
 * kinds PROF, VIRT and SCHED (a negative id whose low three bits are 3
 * names a clock device by descriptor instead). hexvm's CPU time is user
 * time only, a nanosecond per retired instruction, so the three kinds read
 * the same, and a process's is its threads' together with those that ended
 * (what getrusage, times and /proc/PID/stat give too).
 *
 * The machine keeps no separate count: a wait or a timer on a CPU clock
 * comes due while a thread of the clock runs, so the scheduler ends that
 * thread's slice there (cpuclock_budget) and then wakes or fires what came
 * due (cpuclock_after_slice). */
#ifndef HEXVM_KERNEL_TASK_CPUCLOCK_H
#define HEXVM_KERNEL_TASK_CPUCLOCK_H

#include <stdint.h>

#include "kernel/vm.h"

#define L_CLOCK_PROCESS_CPUTIME_ID 2
#define L_CLOCK_THREAD_CPUTIME_ID  3
#define CPUCLOCK_SCHED		   2
#define CPUCLOCK_TICK_NS	   4000000 /* a jiffy (HZ 250): PROF and VIRT resolution */

/* Whose CPU time a clock reads: a process's, or one of its threads'. */
struct cpu_clock {
	const struct process *proc;
	const struct task *task; /* NULL: the whole process */
	int kind;		 /* PROF, VIRT or SCHED */
};

/* Whether clock id is a CPU-time clock (not necessarily one that exists). */
int cpuclock_is(int64_t id);
/* Whose clock id is, for t: 0, or -EINVAL when it names no thread of t's
 * process, or no process. `gettime` is clock_gettime's lookup, which also
 * lets a thread name its process by its own thread id. */
int cpuclock_resolve(const struct task *t, int64_t id, int gettime, struct cpu_clock *c);
/* The same clock named without reference to t (its pid or tid written
 * out): what a timer keeps, as Linux's keeps the pid. */
int64_t cpuclock_canonical(const struct task *t, int64_t id);
uint64_t cpuclock_now(const struct cpu_clock *c); /* (process_cpu_ns: kernel/vm.h) */
/* Whether t's running advances clock c. */
int cpuclock_covers(const struct cpu_clock *c, const struct task *t);

/* A clock_nanosleep on a CPU clock until it reads `target` parks t here;
 * cpuclock_sleep_target gives the target back to the call made again. */
int64_t cpuclock_sleep(struct task *t, uint64_t target);
uint64_t cpuclock_sleep_target(const struct task *t);

/* The scheduler's side: instructions t may run before a CPU-clock wait or
 * timer that t's running advances comes due (UINT64_MAX: none), and after
 * its slice, waking and firing those that came due. */
uint64_t cpuclock_budget(const struct vm *vm, const struct task *t);
void cpuclock_after_slice(struct vm *vm, struct task *t);

#endif
