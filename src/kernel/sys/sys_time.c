/* Clocks and sleeping on the virtual clock (see kernel/clock.c). */
#include <errno.h>
#include <time.h>

#include "kernel/abi/layout.h"
#include "kernel/sys/syscall.h"
#include "kernel/task/sched.h"
#include "kernel/task/timer.h"
#include "mem/uaccess.h"

#define NSEC		    1000000000ll
#define LINUX_TIMER_ABSTIME 1

enum {
	CLK_REALTIME,
	CLK_MONOTONIC,
	CLK_PROCESS,
	CLK_THREAD,
	CLK_MONO_RAW,
	CLK_REAL_COARSE,
	CLK_MONO_COARSE,
	CLK_BOOTTIME,
	CLK_REAL_ALARM,
	CLK_BOOT_ALARM,
	CLK_UNUSED,
	CLK_TAI
};

/* Nanoseconds on clock `id`, or -EINVAL. */
static int64_t clock_now(struct task *t, int64_t id, int64_t *ns)
{
	const struct cpu *c = &t->cpu;
	switch (id) {
	case CLK_REALTIME:
	case CLK_REAL_COARSE:
	case CLK_REAL_ALARM:
	case CLK_TAI: *ns = vm_realtime_ns(t->vm, c); return 0;
	case CLK_MONOTONIC:
	case CLK_MONO_RAW:
	case CLK_MONO_COARSE:
	case CLK_BOOTTIME:
	case CLK_BOOT_ALARM: *ns = vm_monotonic_ns(t->vm, c); return 0;
	case CLK_PROCESS:
	case CLK_THREAD: *ns = (int64_t)task_insns(t); return 0;
	default: return -EINVAL;
	}
}

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

static int64_t do_clock_gettime(struct task *t, const uint64_t *a, int wide)
{
	int64_t ns, rc = clock_now(t, sys_sarg(t, a[0]), &ns);
	return rc ? rc : put_timespec(t, a[1], ns, wide);
}

static int64_t do_clock_getres(struct task *t, const uint64_t *a, int wide)
{
	int64_t ns, rc = clock_now(t, sys_sarg(t, a[0]), &ns);
	return rc ? rc : a[1] ? put_timespec(t, a[1], 1, wide) : 0;
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

static int64_t do_clock_nanosleep(struct task *t, const uint64_t *a, int wide)
{
	int64_t req, now;
	if (t->resuming)
		return sleep_until(t, t->park.deadline);
	int rc = sys_get_timespec(t, a[2], &req, wide);
	if (rc)
		return rc;
	if (clock_now(t, sys_sarg(t, a[0]), &now) || (int)a[0] == CLK_PROCESS ||
	    (int)a[0] == CLK_THREAD)
		return -EINVAL;
	return sleep_for(t, (a[1] & LINUX_TIMER_ABSTIME) ? req - now : req);
}

int64_t sys_clock_nanosleep(struct task *t, const uint64_t *a)
{
	return do_clock_nanosleep(t, a, 1);
}
int64_t sys_clock_nanosleep32(struct task *t, const uint64_t *a)
{
	return do_clock_nanosleep(t, a, 0);
}
