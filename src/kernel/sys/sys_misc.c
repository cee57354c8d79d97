/* getrandom, futex (single-threaded until threads land), system and
 * resource information. */
#include <errno.h>
#include <string.h>

#include "kernel/abi/layout.h"
#include "kernel/sys/syscall.h"
#include "kernel/task/task.h"
#include "mem/mm.h"
#include "mem/uaccess.h"

#define FUTEX_WAIT	  0
#define FUTEX_WAKE	  1
#define FUTEX_WAIT_BITSET 9
#define FUTEX_WAKE_BITSET 10
#define FUTEX_CMD_MASK	  0x7f /* without PRIVATE and CLOCK_REALTIME */
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

/* With one thread a wait whose value matches can never be woken. */
int64_t sys_futex(struct task *t, const uint64_t *a)
{
	uint8_t raw[4];
	switch ((int)a[1] & FUTEX_CMD_MASK) {
	case FUTEX_WAKE:
	case FUTEX_WAKE_BITSET: return 0;
	case FUTEX_WAIT:
	case FUTEX_WAIT_BITSET:
		if (copy_from_user(t->proc->mm, raw, a[0], 4))
			return -EFAULT;
		if (get32(raw, 0) != (uint32_t)a[2])
			return -EAGAIN;
		if (a[3])
			return -ETIMEDOUT;
		task_deadlock(t, "futex wait with no other thread to wake it");
		return -EINTR;
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
	int64_t ns = (int64_t)t->cpu.icount;
	memset(raw, 0, sizeof raw);
	if ((int)a[0] == 0 || (int)a[0] == 1) {
		put_long(raw, 0, (uint64_t)(ns / 1000000000), is64);
		put_long(raw, l, (uint64_t)(ns % 1000000000 / 1000), is64);
	} else if ((int)a[0] != -1) {
		return -EINVAL;
	}
	return copy_to_user(t->proc->mm, a[1], raw, is64 ? 144 : 72);
}

int64_t sys_times(struct task *t, const uint64_t *a)
{
	int is64 = sys_is64(t);
	uint8_t raw[32];
	memset(raw, 0, sizeof raw);
	put_long(raw, 0, t->cpu.icount / 10000000, is64); /* 100 Hz ticks */
	if (a[0] && copy_to_user(t->proc->mm, a[0], raw, is64 ? 32 : 16))
		return -EFAULT;
	return vm_monotonic_ns(t->vm, &t->cpu) / 10000000;
}
