/* Guest memory as a debugger reaches it: like ptrace, past the guest's own
 * protections (gdb reads execute-only code and patches read-only text), but
 * only where something is mapped. The host pages are opened for the copy
 * and closed again. */
#include <string.h>
#include <sys/mman.h>

#include "debug/gdb_internal.h"
#include "mem/mm.h"
#include "mem/mm_cow.h"
#include "mem/mm_hostfile.h"
#include "mem/mm_internal.h"
#include "mem/uaccess.h"

/* Copies within one mapping: `write` from buf into guest memory, else out
 * of it. 0, or -1 when the host will not open the pages (a shared mapping
 * of a file opened read-only). */
static int copy_in_vma(struct mm *mm, const struct vma *v, uint64_t addr, void *buf, size_t n,
		       int write)
{
	int need = write ? GPROT_WRITE : GPROT_READ;
	uint8_t *host = mm_host(mm, addr);
	uint8_t *lo = mm_host(mm, PAGE_DOWN(addr)), *hi = mm_host(mm, PAGE_UP(addr + n));
	int opened = (v->prot & need) != need;
	if (opened && mprotect(lo, (size_t)(hi - lo), PROT_READ | (write ? PROT_WRITE : 0)))
		return -1;
	if (write)
		memcpy(host, buf, n);
	else
		memcpy(buf, host, n);
	if (opened)
		mprotect(lo, (size_t)(hi - lo), mm_host_prot(v->prot));
	return 0;
}

static size_t copy(struct mm *mm, uint64_t addr, void *buf, size_t n, int write)
{
	size_t done = 0;
	if (!mm || addr >= mm->limit)
		return 0;
	if (n > mm->limit - addr)
		n = (size_t)(mm->limit - addr);
	while (done < n) {
		const struct vma *v = mm_find_vma(mm, addr + done);
		/* a private file mapping's pages past the end of its file fault:
		 * for the debugger they are not there, as for ptrace */
		uint64_t end = v ? mm_hostfile_end(v) : 0;
		if (!v || addr + done >= end)
			break;
		size_t chunk = end - (addr + done) < n - done ? (size_t)(end - (addr + done))
							      : n - done;
		if (write)
			user_wrote(mm, addr + done, chunk); /* drops decoded code it changes */
		/* before the protections are opened: a pending page opened would
		 * show the window's zeros */
		mm_cow_settle(mm, addr + done, chunk, write);
		if (copy_in_vma(mm, v, addr + done, (uint8_t *)buf + done, chunk, write))
			break;
		done += chunk;
	}
	return done;
}

size_t gdb_mem_read(struct mm *mm, uint64_t addr, void *buf, size_t n)
{
	return copy(mm, addr, buf, n, 0);
}

size_t gdb_mem_write(struct mm *mm, uint64_t addr, const void *buf, size_t n)
{
	return copy(mm, addr, (void *)buf, n, 1);
}
