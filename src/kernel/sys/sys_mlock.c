/* Memory residency and locks: mincore, mlock, mlock2, munlock, mlockall,
 * munlockall. Guest memory is the host window's, so residency is the
 * host's (a page the guest never touched is not resident, a file's pages
 * are as its page cache has them); locking changes nothing hexvm could
 * show, so the calls check what Linux checks and succeed. */
#include <errno.h>
#include <stdlib.h>
#include <sys/mman.h>

#include "kernel/sys/syscall.h"
#include "mem/mm.h"
#include "mem/mm_cow.h"
#include "mem/uaccess.h"

#define L_MLOCK_ONFAULT	 1
#define L_MCL_CURRENT	 1
#define L_MCL_FUTURE	 2
#define L_MCL_ONFAULT	 4
#define L_RLIMIT_MEMLOCK 8
#define MINCORE_AT_ONCE	 4096 /* pages a host call answers for */

/* Every page of [addr, addr+len) is mapped (PROT_NONE counts). */
static int mapped(const struct mm *mm, uint64_t addr, uint64_t len)
{
	return len == 0 || mm_access_ok(mm, addr, len, 0);
}

int64_t sys_mincore(struct task *t, const uint64_t *a)
{
	struct mm *mm = t->proc->mm;
	uint64_t addr = a[0], len = a[1];
	if (addr & (PAGE_SIZE_G - 1))
		return -EINVAL;
	if (addr >= mm->limit || len > mm->limit - addr)
		return -ENOMEM;
	uint64_t pages = PAGE_UP(len) / PAGE_SIZE_G;
	uint8_t *vec = pages ? user_ptr(mm, a[2], (size_t)pages, GPROT_WRITE) : NULL;
	if (pages && !vec)
		return -EFAULT;
	if (!mapped(mm, addr, PAGE_UP(len)))
		return -ENOMEM;
	mm_cow_settle(mm, addr, PAGE_UP(len), 0); /* pages pending from a parent are its own */
	unsigned char host[MINCORE_AT_ONCE];
	for (uint64_t done = 0; done < pages;) {
		uint64_t n = pages - done < MINCORE_AT_ONCE ? pages - done : MINCORE_AT_ONCE;
		if (mincore(mm_host(mm, addr + done * PAGE_SIZE_G), (size_t)(n * PAGE_SIZE_G),
			    host))
			return -ENOMEM;
		for (uint64_t k = 0; k < n; k++)
			vec[done + k] = host[k] & 1;
		done += n;
	}
	if (pages)
		user_wrote(mm, a[2], (size_t)pages);
	return 0;
}

/* Linux rounds the range out to whole pages; it must be mapped, and
 * without CAP_IPC_LOCK fit RLIMIT_MEMLOCK. */
static int64_t lock_range(struct task *t, uint64_t addr, uint64_t len, int locking)
{
	struct mm *mm = t->proc->mm;
	uint64_t start = PAGE_DOWN(addr), end = PAGE_UP(addr + len);
	if (addr + len < addr || end < start)
		return -EINVAL;
	if (locking && t->proc->uid && end - start > t->proc->rlimits[L_RLIMIT_MEMLOCK][0])
		return t->proc->rlimits[L_RLIMIT_MEMLOCK][0] ? -ENOMEM : -EPERM;
	return mapped(mm, start, end - start) ? 0 : -ENOMEM;
}

int64_t sys_mlock(struct task *t, const uint64_t *a) { return lock_range(t, a[0], a[1], 1); }

int64_t sys_mlock2(struct task *t, const uint64_t *a)
{
	if (a[2] & ~(uint64_t)L_MLOCK_ONFAULT)
		return -EINVAL;
	return lock_range(t, a[0], a[1], 1);
}

int64_t sys_munlock(struct task *t, const uint64_t *a) { return lock_range(t, a[0], a[1], 0); }

int64_t sys_mlockall(struct task *t, const uint64_t *a)
{
	uint64_t flags = a[0];
	if (!flags || (flags & ~(uint64_t)(L_MCL_CURRENT | L_MCL_FUTURE | L_MCL_ONFAULT)) ||
	    flags == L_MCL_ONFAULT)
		return -EINVAL;
	if (t->proc->uid && !t->proc->rlimits[L_RLIMIT_MEMLOCK][0])
		return -EPERM;
	return 0;
}

int64_t sys_munlockall(struct task *t, const uint64_t *a) { return 0; }
