/* Checked copies between the kernel and guest memory. Writes go through the
 * same code-invalidation as guest stores, so read() into a code page works. */
#include "mem/uaccess.h"

#include <errno.h>
#include <string.h>

#include "interp/block.h"
#include "mem/code_alias.h"
#include "mem/mm.h"
#include "mem/mm_cow.h"

int copy_from_user(struct mm *mm, void *dst, uint64_t src, size_t n)
{
	if (n == 0)
		return 0;
	if (!mm_access_ok(mm, src, n, GPROT_READ))
		return -EFAULT;
	memcpy(dst, mm_host(mm, src), n);
	return 0;
}

void *user_ptr(struct mm *mm, uint64_t addr, size_t n, int prot)
{
	if (n == 0)
		return mm->base;
	if (!mm_access_ok(mm, addr, n, prot))
		return NULL;
	/* the host call meets copy-on-write with EFAULT, not a fault */
	mm_cow_settle(mm, addr, n, prot & GPROT_WRITE);
	return mm_host(mm, addr);
}

void user_wrote(struct mm *mm, uint64_t dst, size_t n)
{
	if (n == 0)
		return;
	int code = 0, aliased = 0;
	for (uint64_t p = dst >> 12; p <= (dst + n - 1) >> 12; p++) {
		code |= mm->code_pages[p] & (CODE_PAGE_HERE | CODE_PAGE_NEXT);
		aliased |= mm->code_pages[p] & CODE_PAGE_ALIASED;
	}
	if (code)
		block_cache_invalidate_range(mm->blocks, dst, n);
	if (aliased)
		code_alias_store(mm, dst, n);
}

int copy_to_user(struct mm *mm, uint64_t dst, const void *src, size_t n)
{
	if (n == 0)
		return 0;
	if (!mm_access_ok(mm, dst, n, GPROT_WRITE))
		return -EFAULT;
	user_wrote(mm, dst, n);
	memcpy(mm_host(mm, dst), src, n);
	return 0;
}

int clear_user(struct mm *mm, uint64_t dst, size_t n)
{
	if (n == 0)
		return 0;
	if (!mm_access_ok(mm, dst, n, GPROT_WRITE))
		return -EFAULT;
	user_wrote(mm, dst, n);
	memset(mm_host(mm, dst), 0, n);
	return 0;
}

long strncpy_from_user(struct mm *mm, char *dst, uint64_t src, size_t max)
{
	size_t done = 0;
	while (done < max) {
		const struct vma *v = mm_find_vma(mm, src + done);
		if (!v || !(v->prot & GPROT_READ))
			return -EFAULT;
		size_t chunk = (size_t)(v->end - (src + done));
		if (chunk > max - done)
			chunk = max - done;
		const char *p = (const char *)mm_host(mm, src + done);
		const char *nul = memchr(p, 0, chunk);
		if (nul) {
			memcpy(dst + done, p, (size_t)(nul - p) + 1);
			return (long)(done + (size_t)(nul - p));
		}
		memcpy(dst + done, p, chunk);
		done += chunk;
	}
	return -ENAMETOOLONG;
}
