/* Memory calls: brk, mmap (x86-64, i386 old_mmap and mmap2), munmap,
 * mprotect, mremap, madvise. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "kernel/abi/layout.h"
#include "kernel/sys/syscall.h"
#include "kernel/vfs/file.h"
#include "kernel/vfs/hostcache.h"
#include "kernel/vfs/memfd.h"
#include "mem/mm.h"
#include "mem/mm_cow.h"
#include "mem/uaccess.h"

#define LINUX_MAP_SHARED	  0x01
#define LINUX_MAP_PRIVATE	  0x02
#define LINUX_MAP_SHARED_VALIDATE 0x03
#define LINUX_MAP_FIXED		  0x10
#define LINUX_MAP_ANONYMOUS	  0x20
#define LINUX_MAP_GROWSDOWN	  0x100
#define LINUX_MAP_FIXED_NOREPLACE 0x100000
#define LINUX_MREMAP_MAYMOVE	  1
#define LINUX_MREMAP_FIXED	  2
#define LINUX_PROT_MASK		  7

int64_t sys_brk(struct task *t, const uint64_t *a)
{
	struct mm *mm = t->proc->mm;
	uint64_t want = a[0], old_end = PAGE_UP(mm->brk), new_end = PAGE_UP(want);
	if (want < mm->brk_start)
		return (int64_t)mm->brk;
	if (new_end > old_end) {
		if (!mm_range_free(mm, old_end, new_end - old_end))
			return (int64_t)mm->brk;
		if (mm_map(mm, old_end, new_end - old_end, GPROT_READ | GPROT_WRITE,
			   VMA_ANON | VMA_HEAP, NULL, 0))
			return (int64_t)mm->brk;
	} else if (new_end < old_end) {
		mm_unmap(mm, new_end, old_end - new_end);
	}
	mm->brk = want;
	return (int64_t)want;
}

/* Copies the file's bytes into a fresh private mapping of a file hexvm
 * serves itself (the rest of the last page stays zero, as Linux leaves it).
 * Such a mapping is a copy made now: unlike Linux's, its pages do not show
 * later changes of the file. */
static int fill_from_file(struct mm *mm, uint64_t addr, uint64_t len, struct file *f,
			  uint64_t offset)
{
	uint64_t done = 0;
	if (f->ops && !f->ops->pread)
		return -ENODEV;
	while (done < len) {
		void *to = mm_host(mm, addr + done);
		size_t want = (size_t)(len - done);
		int64_t n = f->ops ? f->ops->pread(f, to, want, offset + done)
				   : pread(f->host_fd, to, want, (off_t)(offset + done));
		if (n < 0)
			return f->ops ? (int)n : -errno;
		if (n == 0)
			break;
		done += (uint64_t)n;
	}
	return 0;
}

/* A shared mapping of a file hexvm serves whose bytes a host object holds
 * (a memfs file's), under the description's access as Linux checks it. */
static int hosted_shared(struct file *f, int prot, int *host_fd, int *vma_flags)
{
	int acc = f->flags & O_ACCMODE;
	if (!f->ops->map_host)
		return -ENODEV;
	if (acc == O_WRONLY || (f->flags & O_PATH) || ((prot & GPROT_WRITE) && acc == O_RDONLY))
		return -EACCES;
	*host_fd = f->ops->map_host(f);
	*vma_flags = VMA_MEMFD | (acc == O_RDONLY ? VMA_NO_WRITE : 0);
	return *host_fd < 0 ? *host_fd : 0;
}

/* A shared file mapping is the host object holding the file's bytes mapped
 * into the window (a host file, a memfd's, a memfs file's), so that stores reach the
 * file as they do on Linux. A mapping of a description not open for writing
 * can never be made writable. */
static int map_shared_file(struct task *t, uint64_t addr, uint64_t len, int prot,
			   struct file *f, uint64_t offset)
{
	struct mm *mm = t->proc->mm;
	int host_fd = f->host_fd, vflags = VMA_SHARED, more = 0;
	if (memfd_of(f)) {
		int rc = memfd_map_shared(f, prot, &host_fd, &more);
		if (rc)
			return rc;
	} else if (f->ops) {
		int rc = hosted_shared(f, prot, &host_fd, &more);
		if (rc)
			return rc;
	} else {
		hostcache_disable(t->vm); /* stores through the map must meet write()s */
		more = (f->flags & O_ACCMODE) == O_RDONLY ? VMA_NO_WRITE : 0;
	}
	int rc = mm_map(mm, addr, len, prot, vflags | more, file_path(f), offset);
	if (rc)
		return rc;
	rc = mm_map_shared_fd(mm, addr, len, host_fd, offset);
	if (rc)
		mm_unmap(mm, addr, len);
	return rc;
}

/* The host descriptor a private mapping of f maps when the file's bytes are
 * a host object (a host regular file, a memfd's, a memfs file's); -1 when
 * hexvm serves the file's bytes itself; or -errno. */
static int private_host_fd(struct file *f)
{
	struct stat st;
	if (memfd_of(f))
		return memfd_map_private(f);
	if (f->ops && f->ops->map_host)
		return (f->flags & O_ACCMODE) == O_WRONLY ? -EACCES : f->ops->map_host(f);
	if (f->ops || f->host_fd < 0 || fstat(f->host_fd, &st) || !S_ISREG(st.st_mode))
		return -1;
	return f->host_fd;
}

/* A private file mapping of a host object is the host's private mapping of
 * it, which is Linux's: a page shows what the file holds now until the
 * guest writes it, past the end of the file a page faults. Any other file
 * is copied in. */
static int map_private_file(struct task *t, uint64_t addr, uint64_t len, int prot, int vflags,
			    struct file *f, uint64_t offset)
{
	struct mm *mm = t->proc->mm;
	int host_fd = private_host_fd(f);
	if (host_fd < -1)
		return host_fd;
	int rc = mm_map(mm, addr, len, host_fd >= 0 ? prot : prot | GPROT_WRITE, vflags,
			file_path(f), offset);
	if (rc)
		return rc;
	if (host_fd >= 0) {
		if (!f->ops)
			hostcache_private_map(t->vm); /* writes must reach the file at once */
		rc = mm_map_host_file(mm, addr, len, host_fd, offset);
	} else if (!(rc = fill_from_file(mm, addr, len, f, offset))) {
		rc = mm_protect(mm, addr, len, prot);
	}
	if (rc)
		mm_unmap(mm, addr, len);
	return rc;
}

static int64_t choose_address(struct mm *mm, uint64_t hint, uint64_t len, int flags)
{
	if (flags & (LINUX_MAP_FIXED | LINUX_MAP_FIXED_NOREPLACE)) {
		if (hint & (PAGE_SIZE_G - 1))
			return -EINVAL;
		if (hint >= mm->limit || len > mm->limit - hint)
			return -ENOMEM;
		if ((flags & LINUX_MAP_FIXED_NOREPLACE) && !mm_range_free(mm, hint, len))
			return -EEXIST;
		return (int64_t)hint;
	}
	if (hint && !(hint & (PAGE_SIZE_G - 1)) && mm_range_free(mm, hint, len))
		return (int64_t)hint;
	uint64_t at = mm_find_free(mm, len);
	return at ? (int64_t)at : -ENOMEM;
}

static int64_t do_mmap(struct task *t, uint64_t hint, uint64_t len, int prot, int flags, int fd,
		       uint64_t offset)
{
	struct mm *mm = t->proc->mm;
	int type = flags & 3, anon = (flags & LINUX_MAP_ANONYMOUS) != 0;
	struct file *f = NULL;
	if (len == 0 || (offset & (PAGE_SIZE_G - 1)) || (prot & ~LINUX_PROT_MASK))
		return -EINVAL;
	if (type != LINUX_MAP_SHARED && type != LINUX_MAP_PRIVATE &&
	    type != LINUX_MAP_SHARED_VALIDATE)
		return -EINVAL;
	if (!anon && !(f = fd_lookup(t->proc->fds, fd)))
		return -EBADF;
	len = PAGE_UP(len);
	if (len == 0)
		return -ENOMEM;
	int64_t at = choose_address(mm, hint, len, flags);
	if (at < 0)
		return at;
	int vflags = (anon ? VMA_ANON : 0) | (flags & LINUX_MAP_GROWSDOWN ? VMA_GROWSDOWN : 0);
	int rc;
	if (f && type != LINUX_MAP_PRIVATE) {
		rc = map_shared_file(t, (uint64_t)at, len, prot, f, offset);
	} else if (f) {
		vflags |= memfd_of(f) || (f->ops && f->ops->map_host) ? VMA_MEMFD : 0;
		rc = map_private_file(t, (uint64_t)at, len, prot, vflags, f, offset);
	} else {
		vflags |= type != LINUX_MAP_PRIVATE ? VMA_SHARED : 0;
		rc = mm_map(mm, (uint64_t)at, len, prot, vflags, NULL, offset);
	}
	return rc ? rc : at;
}

int64_t sys_mmap(struct task *t, const uint64_t *a)
{
	return do_mmap(t, a[0], a[1], (int)a[2], (int)a[3], (int)a[4], a[5]);
}

int64_t sys_mmap2(struct task *t, const uint64_t *a)
{
	return do_mmap(t, a[0], a[1], (int)a[2], (int)a[3], (int)a[4], a[5] * PAGE_SIZE_G);
}

/* i386 mmap (90) takes a pointer to its six arguments. */
int64_t sys_old_mmap(struct task *t, const uint64_t *a)
{
	uint8_t raw[24];
	if (copy_from_user(t->proc->mm, raw, a[0], sizeof raw))
		return -EFAULT;
	return do_mmap(t, get32(raw, 0), get32(raw, 4), (int)get32(raw, 8), (int)get32(raw, 12),
		       (int)get32(raw, 16), get32(raw, 20));
}

int64_t sys_munmap(struct task *t, const uint64_t *a)
{
	if ((a[0] & (PAGE_SIZE_G - 1)) || a[1] == 0)
		return -EINVAL;
	return mm_unmap(t->proc->mm, a[0], a[1]);
}

/* Whether no mapping in [addr, addr+len) is one that may never be written. */
static int may_write(const struct mm *mm, uint64_t addr, uint64_t len)
{
	for (const struct vma *v = mm->vmas; v; v = v->next)
		if (v->start < addr + len && addr < v->end && (v->flags & VMA_NO_WRITE))
			return 0;
	return 1;
}

int64_t sys_mprotect(struct task *t, const uint64_t *a)
{
	if (a[0] & (PAGE_SIZE_G - 1))
		return -EINVAL;
	if (a[2] & ~(uint64_t)LINUX_PROT_MASK)
		return -EINVAL;
	if (a[1] == 0)
		return 0;
	if ((a[2] & GPROT_WRITE) && !may_write(t->proc->mm, a[0], PAGE_UP(a[1])))
		return -EACCES;
	return mm_protect(t->proc->mm, a[0], a[1], (int)a[2]);
}

/* A duplicate of host descriptor fd, or -1 (errno set) as fd is -1. */
static int dup_or_none(int fd) { return fd >= 0 ? fcntl(fd, F_DUPFD_CLOEXEC, 0) : -1; }

/* Maps [to, to+len) as what v holds from guest address `from` on: the same
 * file offset, for a shared mapping the same host object, so that moved or
 * grown shared memory stays shared with other processes and its file, and
 * for a private mapping of a host file that file's pages. Everything is
 * taken from v first, as mapping `to` may free v. */
static int map_continuing(struct mm *mm, const struct vma *v, uint64_t from, uint64_t to,
			  uint64_t len, int prot)
{
	uint64_t offset = v->offset + (from - v->start);
	int flags = v->flags & ~VMA_HOSTFILE;
	int share = dup_or_none(v->share_fd), file = dup_or_none(v->file_fd);
	char *name = v->name ? strdup(v->name) : NULL;
	int rc = (v->share_fd >= 0 && share < 0) || (v->file_fd >= 0 && file < 0) ? -EMFILE
		 : v->name && !name ? -ENOMEM
				    : mm_map(mm, to, len, prot, flags, name, offset);
	if (!rc && share >= 0 && (rc = mm_map_shared_fd(mm, to, len, share, offset)))
		mm_unmap(mm, to, len);
	if (!rc && file >= 0 && (rc = mm_map_host_file(mm, to, len, file, offset)))
		mm_unmap(mm, to, len);
	if (share >= 0)
		close(share);
	if (file >= 0)
		close(file);
	free(name);
	return rc;
}

/* The host moves the first len bytes of a private mapping of a host file
 * from `old` to `to` (the start of a mapping of the same file), so that the
 * pages not written stay the file's; the hole left at `old` is for the
 * caller to fill. 0, or -1 when the host cannot. */
static int move_file_pages(struct mm *mm, uint64_t old, uint64_t to, uint64_t len)
{
	return mremap(mm_host(mm, old), (size_t)len, (size_t)len, MREMAP_MAYMOVE | MREMAP_FIXED,
		      mm_host(mm, to)) == MAP_FAILED
		       ? -1
		       : 0;
}

/* Moves or grows [old, old+oldlen) to `to` (len bytes), keeping its contents
 * and protection. A private mapping's bytes are copied, a private mapping of
 * a host file's pages moved by the host; a shared one is the same host
 * object mapped again. */
static int64_t remap_to(struct mm *mm, const struct vma *v, uint64_t old, uint64_t oldlen,
			uint64_t to, uint64_t len)
{
	int prot = v->prot, shared = v->share_fd >= 0, file = v->file_fd >= 0;
	size_t keep = (size_t)(oldlen < len ? oldlen : len);
	int rc = map_continuing(mm, v, old, to, len, shared ? prot : prot | GPROT_WRITE);
	if (rc)
		return rc;
	if (!shared && !(file && !move_file_pages(mm, old, to, keep)))
		memcpy(mm_host(mm, to), mm_host(mm, old), keep);
	mm_unmap(mm, old, oldlen);
	if (!shared)
		mm_protect(mm, to, len, prot);
	return (int64_t)to;
}

/* old_size 0 makes a second view of shared pages: the host does the same. */
static int64_t remap_alias(struct mm *mm, const struct vma *v, uint64_t old, uint64_t len,
			   int flags, uint64_t fixed)
{
	if (!(v->flags & VMA_SHARED))
		return -EINVAL;
	uint64_t to = (flags & LINUX_MREMAP_FIXED) ? fixed : mm_find_free(mm, len);
	if (!to || (to & (PAGE_SIZE_G - 1)) || to >= mm->limit || len > mm->limit - to)
		return -ENOMEM;
	if (v->share_fd >= 0) {
		int rc = map_continuing(mm, v, old, to, len, v->prot);
		return rc ? rc : (int64_t)to;
	}
	int rc = mm_map(mm, to, len, v->prot, v->flags, v->name, v->offset + (old - v->start));
	if (rc)
		return rc;
	if (mremap(mm_host(mm, old), 0, (size_t)len, MREMAP_MAYMOVE | MREMAP_FIXED,
		   mm_host(mm, to)) == MAP_FAILED) {
		int err = errno;
		mm_unmap(mm, to, len);
		return -err;
	}
	return (int64_t)to;
}

int64_t sys_mremap(struct task *t, const uint64_t *a)
{
	struct mm *mm = t->proc->mm;
	uint64_t old = a[0], oldlen = PAGE_UP(a[1]), len = PAGE_UP(a[2]);
	int flags = (int)a[3];
	if ((old & (PAGE_SIZE_G - 1)) || len == 0 || (flags & ~3) ||
	    ((flags & LINUX_MREMAP_FIXED) && !(flags & LINUX_MREMAP_MAYMOVE)))
		return -EINVAL;
	const struct vma *v = mm_find_vma(mm, old);
	if (!v || v->end < old + oldlen)
		return -EFAULT;
	if (oldlen == 0)
		return remap_alias(mm, v, old, len, flags, a[4]);
	if (flags & LINUX_MREMAP_FIXED) {
		uint64_t to = a[4];
		if ((to & (PAGE_SIZE_G - 1)) || to >= mm->limit || len > mm->limit - to)
			return -EINVAL;
		if (to < old + oldlen && old < to + len)
			return -EINVAL;
		return remap_to(mm, v, old, oldlen, to, len);
	}
	if (len <= oldlen) {
		if (len < oldlen)
			mm_unmap(mm, old + len, oldlen - len);
		return (int64_t)old;
	}
	if (mm_range_free(mm, old + oldlen, len - oldlen)) {
		int rc = map_continuing(mm, v, old + oldlen, old + oldlen, len - oldlen, v->prot);
		return rc ? rc : (int64_t)old;
	}
	if (!(flags & LINUX_MREMAP_MAYMOVE))
		return -ENOMEM;
	uint64_t to = mm_find_free(mm, len);
	return to ? remap_to(mm, v, old, oldlen, to, len) : -ENOMEM;
}

/* Advice changes nothing the guest can observe, except MADV_DONTNEED on
 * private anonymous memory, which reads back as zeros. */
int64_t sys_madvise(struct task *t, const uint64_t *a)
{
	struct mm *mm = t->proc->mm;
	if (a[0] & (PAGE_SIZE_G - 1))
		return -EINVAL;
	if ((int)a[2] == MADV_DONTNEED) {
		uint64_t len = PAGE_UP(a[1]);
		if (!mm_access_ok(mm, a[0], len, 0))
			return -ENOMEM;
		const struct vma *v = mm_find_vma(mm, a[0]);
		if (v && !(v->flags & VMA_SHARED)) {
			mm_cow_settle(mm, a[0], len, 1); /* what others wait for goes to them first */
			madvise(mm_host(mm, a[0]), (size_t)len, MADV_DONTNEED);
		}
	}
	return 0;
}

/* Shared file mappings are host mappings of the file: msync is the host's. */
int64_t sys_msync(struct task *t, const uint64_t *a)
{
	struct mm *mm = t->proc->mm;
	int flags = (int)a[2];
	if ((a[0] & (PAGE_SIZE_G - 1)) || (flags & ~(MS_ASYNC | MS_INVALIDATE | MS_SYNC)) ||
	    ((flags & MS_ASYNC) && (flags & MS_SYNC)))
		return -EINVAL;
	uint64_t len = PAGE_UP(a[1]);
	if (!mm_access_ok(mm, a[0], len, 0))
		return -ENOMEM;
	for (uint64_t at = a[0]; at < a[0] + len;) {
		const struct vma *v = mm_find_vma(mm, at);
		uint64_t end = v->end < a[0] + len ? v->end : a[0] + len;
		if ((v->flags & VMA_SHARED) && v->name &&
		    msync(mm_host(mm, at), (size_t)(end - at),
			  flags & MS_ASYNC ? MS_ASYNC : MS_SYNC))
			return -errno;
		at = end;
	}
	return 0;
}
