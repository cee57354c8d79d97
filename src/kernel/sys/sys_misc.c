/* getrandom, futex (single-threaded until threads land), system and
 * resource information. */
#include <errno.h>
#include <string.h>

#include "kernel/abi/layout.h"
#include "kernel/sys/syscall.h"
#include "kernel/task/sched.h"
#include "kernel/task/task.h"
#include "kernel/task/timer.h"
#include "mem/mm.h"
#include "mem/uaccess.h"

#define FUTEX_WAIT	  0
#define FUTEX_WAKE	  1
#define FUTEX_WAIT_BITSET 9
#define FUTEX_WAKE_BITSET 10
#define FUTEX_CMD_MASK	  0x7f /* without PRIVATE and CLOCK_REALTIME */
#define FUTEX_CLOCK_REALTIME 256
#define GRND_NONBLOCK	  1
#define GRND_RANDOM	  2
#define GRND_INSECURE	  4

int64_t sys_getrandom(struct task *t, const uint64_t *a)
{
	uint8_t buf[256];
	size_t len = a[1] > 33554431 ? 33554431 : (size_t)a[1], done = 0;
	if (a[2] & ~(uint64_t)(GRND_NONBLOCK | GRND_RANDOM | GRND_INSECURE))
		return -EINVAL;
	while (done < len) {
		size_t n = len - done < sizeof buf ? len - done : sizeof buf;
		vm_random_bytes(t->vm, buf, n);
		if (copy_to_user(t->proc->mm, a[0] + done, buf, n))
			return done ? (int64_t)done : -EFAULT;
		done += n;
	}
	return (int64_t)done;
}

/* A waiter parks on the host address of the futex word; FUTEX_WAKE wakes
 * up to n of them. A waiter that is woken returns 0 (callers check the word
 * again, so a spurious wake is harmless, as on Linux). */
static int64_t futex_wait(struct task *t, const uint64_t *a, int absolute)
{
	uint8_t raw[4];
	int64_t deadline = 0;
	const void *key = mm_host(t->proc->mm, a[0]);
	if (t->resuming) {
		if (t->park.woken)
			return 0;
		return -ETIMEDOUT;
	}
	if (a[0] & 3)
		return -EINVAL;
	if (copy_from_user(t->proc->mm, raw, a[0], 4))
		return -EFAULT;
	if (get32(raw, 0) != (uint32_t)a[2])
		return -EAGAIN;
	if (a[3]) {
		int rc = sys_get_timespec(t, a[3], &deadline, sys_is64(t));
		if (rc)
			return rc;
		int64_t now = vm_monotonic_ns(t->vm, &t->cpu);
		if (absolute && ((int)a[1] & FUTEX_CLOCK_REALTIME))
			deadline += now - vm_realtime_ns(t->vm, &t->cpu);
		else if (!absolute)
			deadline = deadline > INT64_MAX - now ? INT64_MAX : now + deadline;
		if (deadline <= now)
			return -ETIMEDOUT;
		return sched_park_until(t, key, deadline, -KERN_ERESTARTSYS);
	}
	return sched_park(t, key, -KERN_ERESTARTSYS);
}

int64_t sys_futex(struct task *t, const uint64_t *a)
{
	switch ((int)a[1] & FUTEX_CMD_MASK) {
	case FUTEX_WAKE:
	case FUTEX_WAKE_BITSET:
		return sched_wake_some(t->vm, mm_host(t->proc->mm, a[0]), (int)a[2]);
	case FUTEX_WAIT: return futex_wait(t, a, 0);
	case FUTEX_WAIT_BITSET: return futex_wait(t, a, 1);
	default: return -ENOSYS;
	}
}

/* struct sysinfo: longs, then procs, then the high-memory fields and unit. */
int64_t sys_sysinfo(struct task *t, const uint64_t *a)
{
	int is64 = sys_is64(t);
	unsigned l = is64 ? 8 : 4;
	uint8_t raw[112];
	uint64_t total = 4ull << 30, used = 0;
	for (const struct vma *v = t->proc->mm->vmas; v; v = v->next)
		used += v->end - v->start;
	memset(raw, 0, sizeof raw);
	put_long(raw, 0, (uint64_t)(vm_monotonic_ns(t->vm, &t->cpu) / 1000000000), is64);
	put_long(raw, 4 * l, total, is64);
	put_long(raw, 5 * l, used < total ? total - used : 0, is64);
	put16(raw, 10 * l, 1);
	put32(raw, is64 ? 104 : 52, 1);
	return copy_to_user(t->proc->mm, a[0], raw, is64 ? 112 : 64);
}

/* Only user time exists: retired instructions at a nanosecond each. */
int64_t sys_getrusage(struct task *t, const uint64_t *a)
{
	int is64 = sys_is64(t);
	unsigned l = is64 ? 8 : 4;
	uint8_t raw[144];
	int who = (int)a[0];
	if (who != 0 && who != 1 && who != -1)
		return -EINVAL;
	int64_t ns = (int64_t)(who == -1 ? t->proc->child_insns : task_insns(t));
	memset(raw, 0, sizeof raw);
	put_long(raw, 0, (uint64_t)(ns / 1000000000), is64);
	put_long(raw, l, (uint64_t)(ns % 1000000000 / 1000), is64);
	return copy_to_user(t->proc->mm, a[1], raw, is64 ? 144 : 72);
}

int64_t sys_times(struct task *t, const uint64_t *a)
{
	int is64 = sys_is64(t);
	uint8_t raw[32];
	memset(raw, 0, sizeof raw);
	unsigned l = is64 ? 8 : 4;
	put_long(raw, 0, task_insns(t) / 10000000, is64); /* 100 Hz ticks */
	put_long(raw, 2 * l, t->proc->child_insns / 10000000, is64);
	if (a[0] && copy_to_user(t->proc->mm, a[0], raw, is64 ? 32 : 16))
		return -EFAULT;
	return vm_monotonic_ns(t->vm, &t->cpu) / 10000000;
}
