/* getrandom, futex (single-threaded until threads land), system and
 * resource information. */
#include <errno.h>
#include <string.h>
#include <sys/stat.h>

#include "kernel/abi/layout.h"
#include "kernel/sys/syscall.h"
#include "kernel/task/sched.h"
#include "kernel/task/task.h"
#include "kernel/task/timer.h"
#include "mem/mm.h"
#include "mem/uaccess.h"

#define FUTEX_WAIT	  0
#define FUTEX_WAKE	  1
#define FUTEX_REQUEUE	  3
#define FUTEX_CMP_REQUEUE 4
#define FUTEX_WAKE_OP	  5
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

/* Where processes sharing a mapping meet (see sys_futex_key): keys are odd,
 * never a word's address; two objects' keys could only meet by a 64-bit
 * hash collision (then a wake-up could reach the wrong waiter). */
const void *sys_futex_key(struct mm *mm, uint64_t addr)
{
	struct vma *v = mm_find_vma(mm, addr);
	struct stat st;
	if (!v || !(v->flags & VMA_SHARED) || v->share_fd < 0 || fstat(v->share_fd, &st))
		return mm_host(mm, addr);
	uint64_t place = ((uint64_t)st.st_ino * 0x9e3779b97f4a7c15u) ^
			 ((uint64_t)st.st_dev * 0xc2b2ae3d27d4eb4fu);
	return (const void *)(uintptr_t)((place + v->offset + (addr - v->start)) | 1);
}

static const void *futex_obj(struct task *t, uint64_t addr)
{
	return sys_futex_key(t->proc->mm, addr);
}

/* A waiter parks on its word's key (sys_futex_key: the same for every thread
 * of a process, and for every process of a shared mapping); FUTEX_WAKE wakes
 * up to n. A waiter that is woken returns 0 (callers check the word
 * again, so a spurious wake is harmless, as on Linux). */
static int64_t futex_wait(struct task *t, const uint64_t *a, int absolute)
{
	uint8_t raw[4];
	int64_t deadline = 0;
	const void *key = futex_obj(t, a[0]);
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

/* A futex word the caller may use: aligned and mapped; its host address
 * is the key waiters park on. */
static const void *futex_key(struct task *t, uint64_t addr, uint32_t *value)
{
	uint8_t raw[4];
	if ((addr & 3) || copy_from_user(t->proc->mm, raw, addr, 4))
		return NULL;
	if (value)
		*value = get32(raw, 0);
	return futex_obj(t, addr);
}

/* REQUEUE and CMP_REQUEUE: wake a[2] waiters, move up to a[3] others to
 * the futex at a[4] (CMP_: only while the word still holds a[5]). */
static int64_t futex_requeue(struct task *t, const uint64_t *a, int compare)
{
	uint32_t v = 0;
	const void *from = futex_key(t, a[0], &v), *to = futex_key(t, a[4], NULL);
	if (!from || !to)
		return -EFAULT;
	if ((int)a[2] < 0 || (int)a[3] < 0)
		return -EINVAL;
	if (compare && v != (uint32_t)a[5])
		return -EAGAIN;
	int woken = sched_wake_some(t->vm, from, (int)a[2]);
	int moved = sched_requeue(t->vm, from, to, (int)a[3]);
	return compare ? woken + moved : woken;
}

static int futex_cmp(uint32_t old, int cmp, int32_t arg)
{
	int32_t o = (int32_t)old;
	switch (cmp) {
	case 0: return o == arg;
	case 1: return o != arg;
	case 2: return o < arg;
	case 3: return o <= arg;
	case 4: return o > arg;
	case 5: return o >= arg;
	default: return -1;
	}
}

/* WAKE_OP: *a[4] = op(*a[4], oparg); wake a[2] at a[0], and a[3] at a[4]
 * when the old value compares true (op, cmp and arguments packed in a[5]). */
static int64_t futex_wake_op(struct task *t, const uint64_t *a)
{
	uint32_t enc = (uint32_t)a[5], old, nv;
	int op = (enc >> 28) & 7, cmp = (enc >> 24) & 15;
	int32_t oparg = (int32_t)(enc << 8) >> 20, cmparg = (int32_t)(enc << 20) >> 20;
	const void *k1 = futex_key(t, a[0], NULL), *k2 = futex_key(t, a[4], &old);
	if (!k1 || !k2)
		return -EFAULT;
	if (enc >> 31)
		oparg = (int32_t)(1u << (oparg & 31));
	switch (op) {
	case 0: nv = (uint32_t)oparg; break;
	case 1: nv = old + (uint32_t)oparg; break;
	case 2: nv = old | (uint32_t)oparg; break;
	case 3: nv = old & ~(uint32_t)oparg; break;
	case 4: nv = old ^ (uint32_t)oparg; break;
	default: return -ENOSYS;
	}
	int hit = futex_cmp(old, cmp, cmparg);
	if (hit < 0)
		return -ENOSYS;
	uint8_t raw[4];
	put32(raw, 0, nv);
	if (copy_to_user(t->proc->mm, a[4], raw, 4))
		return -EFAULT;
	int n = sched_wake_some(t->vm, k1, (int)a[2]);
	return n + (hit ? sched_wake_some(t->vm, k2, (int)a[3]) : 0);
}

int64_t sys_futex(struct task *t, const uint64_t *a)
{
	switch ((int)a[1] & FUTEX_CMD_MASK) {
	case FUTEX_WAKE:
	case FUTEX_WAKE_BITSET:
		return sched_wake_some(t->vm, futex_obj(t, a[0]), (int)a[2]);
	case FUTEX_WAIT: return futex_wait(t, a, 0);
	case FUTEX_WAIT_BITSET: return futex_wait(t, a, 1);
	case FUTEX_REQUEUE: return futex_requeue(t, a, 0);
	case FUTEX_CMP_REQUEUE: return futex_requeue(t, a, 1);
	case FUTEX_WAKE_OP: return futex_wake_op(t, a);
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
	/* as Linux: sizes that overflow an i386 long are given in pages */
	uint32_t unit = !is64 && total > UINT32_MAX ? 4096 : 1;
	memset(raw, 0, sizeof raw);
	put_long(raw, 0, (uint64_t)(vm_monotonic_ns(t->vm, &t->cpu) / 1000000000), is64);
	put_long(raw, 4 * l, total / unit, is64);
	put_long(raw, 5 * l, (used < total ? total - used : 0) / unit, is64);
	put16(raw, 10 * l, 1);
	put32(raw, is64 ? 104 : 52, unit);
	return copy_to_user(t->proc->mm, a[0], raw, is64 ? 112 : 64);
}

/* Only user time exists: retired instructions at a nanosecond each, the
 * process's (RUSAGE_SELF, as its CPU clock reads), the thread's
 * (RUSAGE_THREAD) or the waited-for children's. */
int64_t sys_getrusage(struct task *t, const uint64_t *a)
{
	int is64 = sys_is64(t);
	unsigned l = is64 ? 8 : 4;
	uint8_t raw[144];
	int who = (int)a[0];
	if (who != 0 && who != 1 && who != -1)
		return -EINVAL;
	uint64_t self = who == 0 ? process_cpu_ns(t->proc) : task_insns(t);
	int64_t ns = (int64_t)(who == -1 ? t->proc->child_insns : self);
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
	put_long(raw, 0, process_cpu_ns(t->proc) / 10000000, is64); /* 100 Hz ticks */
	put_long(raw, 2 * l, t->proc->child_insns / 10000000, is64);
	if (a[0] && copy_to_user(t->proc->mm, a[0], raw, is64 ? 32 : 16))
		return -EFAULT;
	return vm_monotonic_ns(t->vm, &t->cpu) / 10000000;
}
