/* Clocks and sleeping on the virtual clock (see kernel/clock.c). */
#include <errno.h>
#include <time.h>

#include "kernel/abi/layout.h"
#include "kernel/sys/syscall.h"
#include "kernel/task/cpuclock.h"
#include "kernel/task/sched.h"
#include "kernel/task/timer.h"
#include "mem/uaccess.h"

#define NSEC		    1000000000ll
#define LINUX_TIMER_ABSTIME 1

/* timespec with 64-bit fields, or the i386 time32 one with 32-bit fields */
static int put_timespec(struct task *t, uint64_t addr, int64_t ns, int wide)
{
	uint8_t raw[16];
	if (wide) {
		put64(raw, 0, (uint64_t)(ns / NSEC));
		put64(raw, 8, (uint64_t)(ns % NSEC));
	} else {
		put32(raw, 0, (uint64_t)(ns / NSEC));
		put32(raw, 4, (uint64_t)(ns % NSEC));
	}
	return copy_to_user(t->proc->mm, addr, raw, wide ? 16 : 8);
}

int sys_get_timespec(struct task *t, uint64_t addr, int64_t *ns, int wide)
{
	uint8_t raw[16];
	if (copy_from_user(t->proc->mm, raw, addr, wide ? 16 : 8))
		return -EFAULT;
	int64_t sec = wide ? (int64_t)get64(raw, 0) : (int32_t)get32(raw, 0);
	int64_t nsec = wide ? (int64_t)get64(raw, 8) : (int32_t)get32(raw, 4);
	if (sec < 0 || nsec < 0 || nsec >= NSEC)
		return -EINVAL;
	*ns = sec > INT64_MAX / NSEC - 1 ? INT64_MAX : sec * NSEC + nsec;
	return 0;
}

/* clockid_t is an int in every ABI */
static int64_t do_clock_gettime(struct task *t, const uint64_t *a, int wide)
{
	int64_t id = (int)a[0];
	int rc = sys_clock_usable(t, id, CLOCK_USE_GET);
	return rc ? rc : put_timespec(t, a[1], sys_clock_read(t, id), wide);
}

static int64_t do_clock_getres(struct task *t, const uint64_t *a, int wide)
{
	int64_t id = (int)a[0];
	int rc = sys_clock_usable(t, id, CLOCK_USE_RES);
	if (rc || !a[1])
		return rc;
	return put_timespec(t, a[1], sys_clock_resolution(t, id), wide);
}

/* x86-64 and i386 clock_gettime64 use 64-bit fields; i386's older calls 32. */
int64_t sys_clock_gettime(struct task *t, const uint64_t *a) { return do_clock_gettime(t, a, 1); }
int64_t sys_clock_gettime32(struct task *t, const uint64_t *a) { return do_clock_gettime(t, a, 0); }
int64_t sys_clock_getres(struct task *t, const uint64_t *a) { return do_clock_getres(t, a, 1); }
int64_t sys_clock_getres32(struct task *t, const uint64_t *a) { return do_clock_getres(t, a, 0); }

int64_t sys_gettimeofday(struct task *t, const uint64_t *a)
{
	int64_t ns = vm_realtime_ns(t->vm, &t->cpu);
	uint8_t raw[16];
	int is64 = sys_is64(t);
	if (a[0]) {
		put_long(raw, 0, (uint64_t)(ns / NSEC), is64);
		put_long(raw, is64 ? 8 : 4, (uint64_t)(ns % NSEC / 1000), is64);
		if (copy_to_user(t->proc->mm, a[0], raw, is64 ? 16 : 8))
			return -EFAULT;
	}
	if (a[1]) {
		uint8_t tz[8] = {0};
		if (copy_to_user(t->proc->mm, a[1], tz, 8))
			return -EFAULT;
	}
	return 0;
}

int64_t sys_time(struct task *t, const uint64_t *a)
{
	int64_t sec = vm_realtime_ns(t->vm, &t->cpu) / NSEC;
	uint8_t raw[8];
	if (a[0]) {
		put_long(raw, 0, (uint64_t)sec, sys_is64(t));
		if (copy_to_user(t->proc->mm, a[0], raw, sys_is64(t) ? 8 : 4))
			return -EFAULT;
	}
	return sec;
}

/* Sleeping parks the task until the monotonic clock reaches the deadline;
 * without --realtime, time skips there once nothing else can run. */
static int64_t sleep_until(struct task *t, int64_t deadline)
{
	if (vm_monotonic_ns(t->vm, &t->cpu) >= deadline)
		return 0;
	return sched_park_until(t, NULL, deadline, -KERN_ERESTARTNOHAND);
}

static int64_t sleep_for(struct task *t, int64_t ns)
{
	int64_t now = vm_monotonic_ns(t->vm, &t->cpu);
	return sleep_until(t, ns > INT64_MAX - now ? INT64_MAX : now + ns);
}

int64_t sys_nanosleep(struct task *t, const uint64_t *a)
{
	int64_t ns;
	if (t->resuming)
		return sleep_until(t, t->park.deadline);
	int rc = sys_get_timespec(t, a[0], &ns, sys_is64(t));
	if (rc)
		return rc;
	return sleep_for(t, ns);
}

/* Linux's posix_cpu_nsleep: not on the caller's own thread clock; parked
 * until the clock reads the target, which a wait on a process's clock with
 * no other thread running never does. */
static int64_t cpu_sleep(struct task *t, int64_t id, int abs, int64_t req)
{
	struct cpu_clock c;
	int64_t who = id < 0 ? (~id) >> 3 : 0;
	if (id < 0 && (id & 4) && (who == 0 || who == t->tid))
		return -EINVAL;
	if (cpuclock_resolve(t, id, 0, &c))
		return -EINVAL;
	uint64_t now = cpuclock_now(&c), target = abs ? (uint64_t)req : now + (uint64_t)req;
	return now >= target ? 0 : cpuclock_sleep(t, target);
}

/* The sleep tried again: ended by a signal (as the generic wait would be),
 * done, or parked once more (also when the clock's thread or process has
 * gone: Linux's sleeper then waits on). */
static int64_t cpu_sleep_again(struct task *t, int64_t id)
{
	struct cpu_clock c;
	uint64_t target = cpuclock_sleep_target(t);
	if (task_pending(t) & ~t->sigmask)
		return -KERN_ERESTARTNOHAND;
	if (!cpuclock_resolve(t, id, 0, &c) && cpuclock_now(&c) >= target)
		return 0;
	return cpuclock_sleep(t, target);
}

static int64_t do_clock_nanosleep(struct task *t, const uint64_t *a, int wide)
{
	int64_t id = (int)a[0], req;
	if (t->resuming)
		return cpuclock_is(id) ? cpu_sleep_again(t, id) : sleep_until(t, t->park.deadline);
	int rc = sys_clock_usable(t, id, CLOCK_USE_SLEEP);
	if (!rc)
		rc = sys_get_timespec(t, a[2], &req, wide);
	if (rc)
		return rc;
	int abs = a[1] & LINUX_TIMER_ABSTIME;
	if (cpuclock_is(id))
		return cpu_sleep(t, id, abs, req);
	return sleep_for(t, abs ? req - sys_clock_read(t, id) : req);
}

int64_t sys_clock_nanosleep(struct task *t, const uint64_t *a)
{
	return do_clock_nanosleep(t, a, 1);
}
int64_t sys_clock_nanosleep32(struct task *t, const uint64_t *a)
{
	return do_clock_nanosleep(t, a, 0);
}
