/* File descriptor I/O: open, read, write, vectors, seek, dup, pipes, fsync. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/ioctl.h>
#include <sys/uio.h>
#include <unistd.h>

#include "kernel/abi/layout.h"
#include "kernel/sys/sock_ident.h"
#include "kernel/sys/syscall.h"
#include "kernel/task/sched.h"
#include "kernel/task/timer.h"
#include "kernel/vfs/file.h"
#include "kernel/vfs/hostcache.h"
#include "kernel/vfs/hostio.h"
#include "kernel/vfs/lock.h"
#include "kernel/vfs/path.h"
#include "kernel/vfs/pipe.h"
#include "mem/mm.h"
#include "mem/mm_hostfile.h"
#include "mem/uaccess.h"

#define LINUX_O_CLOEXEC 02000000
#define IO_MAX		0x7ffff000 /* Linux caps one transfer here */
#define L_RWF_NOWAIT	0x08
#define L_RWF_APPEND	0x10
/* the RWF_* flags files hexvm serves take: HIPRI, DSYNC, SYNC, NOWAIT,
 * APPEND, NOAPPEND (a memory file never waits for its bytes) */
#define RWF_OPS_KNOWN	0x3f

static struct fdtable *fds(struct task *t) { return t->proc->fds; }

/* How open's flags steer resolution: O_CREAT lets the last name be missing
 * (O_EXCL also refuses a symlink there), O_NOFOLLOW refuses a final
 * symlink (but O_PATH opens it), O_DIRECTORY wants a directory. */
static int resolve_for_open(struct task *t, int dirfd, uint64_t upath, int flags, int rflags,
			    struct vpath *p)
{
	rflags |= (flags & O_DIRECTORY) ? VFS_DIRECTORY : 0;
	if (flags & O_CREAT)
		rflags |= VFS_PARENT | ((flags & O_EXCL) ? VFS_NOFOLLOW : 0);
	if (flags & O_NOFOLLOW)
		rflags |= VFS_NOFOLLOW;
	int rc = path_at(t, dirfd, upath, rflags, p);
	if (rc || !(rflags & VFS_NOFOLLOW))
		return rc;
	struct stat st;
	if (vfs_lstat(t, p, &st) == 0 && S_ISLNK(st.st_mode))
		return (flags & O_EXCL) ? -EEXIST : (flags & LINUX_O_PATH) ? 0 : -ELOOP;
	return 0;
}

/* rflags: openat2's restrictions on the walk (VFS_NO_SYMLINKS...) */
static int64_t do_openat(struct task *t, int dirfd, uint64_t upath, int flags, int mode,
			 int rflags)
{
	struct vpath p;
	struct file *f;
	if (sys_is64(t)) /* Linux's force_o_largefile; i386 calls keep what they asked */
		flags |= LINUX_O_LARGEFILE;
	int rc = resolve_for_open(t, dirfd, upath, flags, rflags, &p);
	if (rc < 0)
		return rc;
	int64_t opened = path_open(t, &p, flags & ~LINUX_O_CLOEXEC, mode, &f);
	if (opened < 0)
		return opened;
	return fd_alloc_new(fds(t), f, flags & LINUX_O_CLOEXEC);
}

int64_t sys_open(struct task *t, const uint64_t *a)
{
	return do_openat(t, LINUX_AT_FDCWD, a[0], (int)a[1], (int)a[2], 0);
}

int64_t sys_creat(struct task *t, const uint64_t *a)
{
	return do_openat(t, LINUX_AT_FDCWD, a[0], O_CREAT | O_WRONLY | O_TRUNC, (int)a[1], 0);
}

int64_t sys_openat(struct task *t, const uint64_t *a)
{
	return do_openat(t, (int)a[0], a[1], (int)a[2], (int)a[3], 0);
}

#define OPEN_HOW_SIZE	 24
#define OPEN_VALID_FLAGS 037777703ull /* every O_* flag Linux knows */
#define OPEN_PATH_FLAGS	 (O_DIRECTORY | O_NOFOLLOW | LINUX_O_PATH | LINUX_O_CLOEXEC)
#define OPEN_TMPFILE	 020000000
#define RESOLVE_BENEATH	 0x08
#define RESOLVE_IN_ROOT	 0x10
#define RESOLVE_CACHED	 0x20
#define RESOLVE_KNOWN	 0x3f

/* struct open_how of any size Linux accepts: a longer one's tail must be
 * zero (a field this kernel does not know, set, is E2BIG). */
static int64_t read_open_how(struct task *t, uint64_t addr, uint64_t size, uint64_t how[3])
{
	uint8_t raw[OPEN_HOW_SIZE], tail[256];
	if (size < OPEN_HOW_SIZE)
		return -EINVAL;
	if (size > 4096)
		return -E2BIG;
	if (copy_from_user(t->proc->mm, raw, addr, OPEN_HOW_SIZE))
		return -EFAULT;
	for (uint64_t at = OPEN_HOW_SIZE; at < size; at += sizeof tail) {
		size_t n = size - at < sizeof tail ? (size_t)(size - at) : sizeof tail;
		if (copy_from_user(t->proc->mm, tail, addr + at, n))
			return -EFAULT;
		for (size_t k = 0; k < n; k++)
			if (tail[k])
				return -E2BIG;
	}
	for (int k = 0; k < 3; k++)
		how[k] = get64(raw, 8 * (unsigned)k);
	return 0;
}

/* openat2 checks what openat lets pass, in Linux's order. */
static int64_t check_open_how(const uint64_t how[3])
{
	uint64_t flags = how[0], mode = how[1], resolve = how[2];
	if (flags & ~OPEN_VALID_FLAGS)
		return -EINVAL;
	if (resolve & ~(uint64_t)RESOLVE_KNOWN)
		return -EINVAL;
	if ((resolve & RESOLVE_BENEATH) && (resolve & RESOLVE_IN_ROOT))
		return -EINVAL;
	if ((flags & (O_CREAT | OPEN_TMPFILE)) ? (mode & ~07777ull) != 0 : mode != 0)
		return -EINVAL;
	if ((flags & LINUX_O_PATH) && (flags & ~(uint64_t)OPEN_PATH_FLAGS))
		return -EINVAL;
	if ((resolve & RESOLVE_CACHED) && (flags & (O_TRUNC | O_CREAT | OPEN_TMPFILE)))
		return -EAGAIN;
	return 0;
}

int64_t sys_openat2(struct task *t, const uint64_t *a)
{
	uint64_t how[3];
	int64_t rc = read_open_how(t, a[2], a[3], how);
	if (!rc)
		rc = check_open_how(how);
	if (rc)
		return rc;
	/* RESOLVE_NO_XDEV 1, NO_MAGICLINKS 2, NO_SYMLINKS 4, BENEATH 8, IN_ROOT 16 */
	static const int walk_flags[] = {VFS_NO_XDEV, VFS_NO_MAGICLINKS, VFS_NO_SYMLINKS,
					 VFS_BENEATH, VFS_IN_ROOT};
	int rflags = 0;
	for (unsigned k = 0; k < 5; k++)
		if (how[2] & (1u << k))
			rflags |= walk_flags[k];
	/* not a compat call: forced for i386 too, as on a 64-bit kernel */
	return do_openat(t, (int)a[0], a[1], (int)how[0] | LINUX_O_LARGEFILE, (int)how[1], rflags);
}

/* A process's record locks on a file go with any of its descriptors of it. */
int64_t sys_close(struct task *t, const uint64_t *a)
{
	struct file *f = fd_lookup(fds(t), (int)a[0]);
	if (f && t->vm->locks)
		lock_release_posix(t->vm, t->proc->pid, f);
	return fd_close(fds(t), (int)a[0]);
}

static int64_t host_result(ssize_t n) { return n < 0 ? -errno : (int64_t)n; }

/* A blocking read of a host descriptor that has nothing yet parks the task
 * rather than the whole machine. */
static int64_t ops_read(struct task *t, struct file *f, void *buf, size_t n)
{
	if (f->ops->read)
		return f->ops->read(t, f, buf, n);
	if (!f->ops->pread)
		return -EINVAL;
	int64_t got = f->ops->pread(f, buf, n, f->pos);
	if (got > 0)
		f->pos += (uint64_t)got;
	return got;
}

static int64_t ops_write(struct task *t, struct file *f, const void *buf, size_t n)
{
	struct stat st;
	if (f->ops->write)
		return f->ops->write(t, f, buf, n);
	if (!f->ops->pwrite)
		return -EINVAL;
	if ((f->flags & O_APPEND) && f->ops->stat && f->ops->stat(f, &st) == 0)
		f->pos = (uint64_t)st.st_size;
	int64_t put = f->ops->pwrite(f, buf, n, f->pos);
	if (put > 0)
		f->pos += (uint64_t)put;
	return put;
}

static int64_t file_read(struct task *t, struct file *f, void *buf, size_t n)
{
	if (f->ops)
		return ops_read(t, f, buf, n);
	if (f->is_socket) {
		struct sock_cred sender;
		int64_t got = hostio_read(t, f, buf, n);
		sock_cred_received(f, got, 0, &sender);
		return got;
	}
	if (f->host_may_block)
		return hostio_read(t, f, buf, n);
	if (f->cache)
		return hostcache_read(f, buf, n);
	hostcache_conflict(t->vm, f);
	return host_result(read(f->host_fd, buf, n));
}

void sys_host_file_changed(struct task *t, const struct file *f, int64_t at, int64_t n)
{
	struct mm_set *set = &t->vm->mms;
	if ((n <= 0 && n != -1) || !f->host_ino || !mm_file_mapped(set, f->host_dev, f->host_ino))
		return;
	if (n == -1) {
		mm_file_written(set, f->host_dev, f->host_ino, PAGE_DOWN((uint64_t)at), UINT64_MAX);
		return;
	}
	if (at < 0) {
		off_t end = lseek(f->host_fd, 0, SEEK_CUR);
		at = end > n ? end - n : 0;
	}
	mm_file_written(set, f->host_dev, f->host_ino, (uint64_t)at, (uint64_t)n);
}

static int64_t file_write(struct task *t, struct file *f, const void *buf, size_t n)
{
	if (f->ops)
		return ops_write(t, f, buf, n);
	if (f->is_socket) {
		int64_t put = hostio_write(t, f, buf, n);
		sock_cred_sent(t, f, NULL, put, NULL, 0);
		return put;
	}
	if (f->host_may_block)
		return hostio_write(t, f, buf, n);
	if (f->cache)
		return hostcache_write(f, buf, n);
	hostcache_conflict(t->vm, f);
	int64_t put = host_result(write(f->host_fd, buf, n));
	sys_host_file_changed(t, f, -1, put);
	return put;
}

int64_t sys_read(struct task *t, const uint64_t *a)
{
	struct file *f = fd_lookup(fds(t), (int)a[0]);
	size_t n = a[2] > IO_MAX ? IO_MAX : (size_t)a[2];
	if (!f)
		return -EBADF;
	if ((f->flags & O_ACCMODE) == O_WRONLY)
		return -EBADF;
	void *buf = user_ptr(t->proc->mm, a[1], n, GPROT_WRITE);
	if (!buf)
		return -EFAULT;
	int64_t got = file_read(t, f, buf, n);
	if (got > 0)
		user_wrote(t->proc->mm, a[1], (size_t)got);
	return got;
}

int64_t sys_write(struct task *t, const uint64_t *a)
{
	struct file *f = fd_lookup(fds(t), (int)a[0]);
	size_t n = a[2] > IO_MAX ? IO_MAX : (size_t)a[2];
	if (!f)
		return -EBADF;
	if ((f->flags & O_ACCMODE) == O_RDONLY)
		return -EBADF;
	const void *buf = user_ptr(t->proc->mm, a[1], n, GPROT_READ);
	if (!buf)
		return -EFAULT;
	return file_write(t, f, buf, n);
}

int64_t sys_pread64(struct task *t, const uint64_t *a)
{
	struct file *f = fd_lookup(fds(t), (int)a[0]);
	if (!f)
		return -EBADF;
	if (f->ops && !f->ops->pread)
		return -ESPIPE;
	if ((int64_t)a[3] < 0)
		return -EINVAL;
	void *buf = user_ptr(t->proc->mm, a[1], (size_t)a[2], GPROT_WRITE);
	if (!buf)
		return -EFAULT;
	int64_t got = f->ops ? f->ops->pread(f, buf, (size_t)a[2], a[3])
			     : host_result(pread(f->host_fd, buf, (size_t)a[2], (off_t)a[3]));
	if (got > 0)
		user_wrote(t->proc->mm, a[1], (size_t)got);
	return got;
}

int64_t sys_pwrite64(struct task *t, const uint64_t *a)
{
	struct file *f = fd_lookup(fds(t), (int)a[0]);
	if (!f)
		return -EBADF;
	if (f->ops && !f->ops->pwrite)
		return -ESPIPE;
	if ((int64_t)a[3] < 0)
		return -EINVAL;
	const void *buf = user_ptr(t->proc->mm, a[1], (size_t)a[2], GPROT_READ);
	if (!buf)
		return -EFAULT;
	if (f->ops)
		return f->ops->pwrite(f, buf, (size_t)a[2], a[3]);
	int64_t put = host_result(pwrite(f->host_fd, buf, (size_t)a[2], (off_t)a[3]));
	sys_host_file_changed(t, f, (int64_t)a[3], put);
	return put;
}

/* i386 passes the 64-bit offset as two registers */
int64_t sys_pread64_32(struct task *t, const uint64_t *a)
{
	uint64_t b[4] = {a[0], a[1], a[2], a[3] | a[4] << 32};
	return sys_pread64(t, b);
}

int64_t sys_pwrite64_32(struct task *t, const uint64_t *a)
{
	uint64_t b[4] = {a[0], a[1], a[2], a[3] | a[4] << 32};
	return sys_pwrite64(t, b);
}

/* Reads the guest iovec array into host iovecs pointing into the window. */
static int64_t load_iovecs(struct task *t, uint64_t uiov, int count, int prot, struct iovec *iov)
{
	int is64 = sys_is64(t);
	unsigned esize = is64 ? 16 : 8;
	uint8_t raw[16];
	if (count < 0 || count > 1024)
		return -EINVAL;
	for (int k = 0; k < count; k++) {
		if (copy_from_user(t->proc->mm, raw, uiov + (uint64_t)k * esize, esize))
			return -EFAULT;
		uint64_t base = get_long(raw, 0, is64), len = get_long(raw, is64 ? 8 : 4, is64);
		if (len > IO_MAX)
			return -EINVAL;
		iov[k].iov_base = user_ptr(t->proc->mm, base, (size_t)len, prot);
		iov[k].iov_len = (size_t)len;
		if (!iov[k].iov_base)
			return -EFAULT;
	}
	return 0;
}

static size_t iov_total(const struct iovec *iov, int count)
{
	size_t total = 0;
	for (int k = 0; k < count; k++)
		total += iov[k].iov_len;
	return total > IO_MAX ? IO_MAX : total;
}

/* Files served by ops see one contiguous transfer, so that a vector moves
 * as one read or write would (and parks as one). */
static int64_t ops_readv(struct task *t, struct file *f, const struct iovec *iov, int count)
{
	size_t total = iov_total(iov, count);
	uint8_t *tmp = malloc(total ? total : 1);
	if (!tmp)
		return -ENOMEM;
	int64_t got = file_read(t, f, tmp, total);
	for (int k = 0, off = 0; got > 0 && k < count && off < got; k++) {
		size_t part = iov[k].iov_len < (size_t)(got - off) ? iov[k].iov_len : (size_t)(got - off);
		memcpy(iov[k].iov_base, tmp + off, part);
		off += (int)part;
	}
	free(tmp);
	return got;
}

static int64_t ops_writev(struct task *t, struct file *f, const struct iovec *iov, int count)
{
	size_t total = iov_total(iov, count), off = 0;
	uint8_t *tmp = malloc(total ? total : 1);
	if (!tmp)
		return -ENOMEM;
	for (int k = 0; k < count && off < total; k++) {
		size_t part = iov[k].iov_len < total - off ? iov[k].iov_len : total - off;
		memcpy(tmp + off, iov[k].iov_base, part);
		off += part;
	}
	int64_t put = file_write(t, f, tmp, total);
	free(tmp);
	return put;
}

static void wrote_iovecs(struct task *t, const struct iovec *iov, int count, int64_t got)
{
	for (int k = 0; got > 0 && k < count; k++)
		user_wrote(t->proc->mm, (uint64_t)((uint8_t *)iov[k].iov_base - t->proc->mm->base),
			   iov[k].iov_len);
}

/* A host descriptor that can block goes the way of read and write, which
 * park rather than stop the machine. */
static int64_t do_readv(struct task *t, struct file *f, const struct iovec *iov, int count)
{
	int64_t got = f->ops || f->host_may_block ? ops_readv(t, f, iov, count)
						  : host_result(readv(f->host_fd, iov, count));
	wrote_iovecs(t, iov, count, got);
	return got;
}

static int64_t do_writev(struct task *t, struct file *f, const struct iovec *iov, int count)
{
	if (f->ops || f->host_may_block)
		return ops_writev(t, f, iov, count);
	int64_t put = host_result(writev(f->host_fd, iov, count));
	sys_host_file_changed(t, f, -1, put);
	return put;
}

int64_t sys_readv(struct task *t, const uint64_t *a)
{
	struct iovec iov[1024];
	struct file *f = fd_lookup(fds(t), (int)a[0]);
	if (!f || (f->flags & O_ACCMODE) == O_WRONLY)
		return -EBADF;
	int64_t rc = load_iovecs(t, a[1], (int)a[2], GPROT_WRITE, iov);
	return rc < 0 ? rc : do_readv(t, f, iov, (int)a[2]);
}

int64_t sys_writev(struct task *t, const uint64_t *a)
{
	struct iovec iov[1024];
	struct file *f = fd_lookup(fds(t), (int)a[0]);
	if (!f || (f->flags & O_ACCMODE) == O_RDONLY)
		return -EBADF;
	int64_t rc = load_iovecs(t, a[1], (int)a[2], GPROT_READ, iov);
	return rc < 0 ? rc : do_writev(t, f, iov, (int)a[2]);
}

/* preadv and pwritev at an offset (v2: with RWF_* flags, and -1 for the
 * file's own offset): the host's own call on a host file, which then
 * decides about the flags too; a file hexvm serves through one buffer. */
static int64_t ops_rw_at(struct file *f, const struct iovec *iov, int count, int64_t pos,
			 unsigned flags, int write)
{
	struct stat st;
	size_t total = iov_total(iov, count), off = 0;
	if ((flags & ~(unsigned)RWF_OPS_KNOWN) ||
	    ((flags & L_RWF_NOWAIT) && !strcmp(f->ops->name, "memfd")))
		return -EOPNOTSUPP; /* (a memfd is tmpfs's, which does no RWF_NOWAIT) */
	if (write ? !f->ops->pwrite : !f->ops->pread)
		return -ESPIPE;
	if (write && (flags & L_RWF_APPEND) && f->ops->stat && f->ops->stat(f, &st) == 0)
		pos = st.st_size;
	uint8_t *tmp = malloc(total ? total : 1);
	if (!tmp)
		return -ENOMEM;
	for (int k = 0; write && k < count && off < total; k++) {
		size_t part = iov[k].iov_len < total - off ? iov[k].iov_len : total - off;
		memcpy(tmp + off, iov[k].iov_base, part);
		off += part;
	}
	int64_t n = write ? f->ops->pwrite(f, tmp, total, (uint64_t)pos)
			  : f->ops->pread(f, tmp, total, (uint64_t)pos);
	for (int k = 0, done = 0; !write && n > 0 && k < count && done < n; k++) {
		size_t part = iov[k].iov_len < (size_t)(n - done) ? iov[k].iov_len : (size_t)(n - done);
		memcpy(iov[k].iov_base, tmp + done, part);
		done += (int)part;
	}
	free(tmp);
	return n;
}

static int64_t rw_at(struct task *t, const uint64_t *a, int write, int v2)
{
	struct iovec iov[1024];
	int64_t pos = sys_is64(t) ? (int64_t)a[3] : (int64_t)(a[3] | a[4] << 32), rc;
	unsigned flags = v2 ? (unsigned)a[5] : 0;
	int count = (int)a[2];
	if (pos < 0 && !(v2 && pos == -1))
		return -EINVAL;
	struct file *f = fd_lookup(fds(t), (int)a[0]);
	if (!f || (f->flags & O_ACCMODE) == (write ? O_RDONLY : O_WRONLY))
		return -EBADF;
	if ((rc = load_iovecs(t, a[1], count, write ? GPROT_READ : GPROT_WRITE, iov)) < 0)
		return rc;
	if (pos == -1 && (f->ops || f->host_may_block)) {
		if (flags & ~(unsigned)RWF_OPS_KNOWN)
			return -EOPNOTSUPP;
		return write ? do_writev(t, f, iov, count) : do_readv(t, f, iov, count);
	}
	if (f->ops) {
		rc = ops_rw_at(f, iov, count, pos, flags, write);
	} else {
		ssize_t n = write ? pwritev2(f->host_fd, iov, count, (off_t)pos, (int)flags)
				  : preadv2(f->host_fd, iov, count, (off_t)pos, (int)flags);
		rc = host_result(n);
		if (write)
			sys_host_file_changed(t, f, pos, rc);
	}
	if (!write)
		wrote_iovecs(t, iov, count, rc);
	return rc;
}

int64_t sys_preadv(struct task *t, const uint64_t *a) { return rw_at(t, a, 0, 0); }
int64_t sys_pwritev(struct task *t, const uint64_t *a) { return rw_at(t, a, 1, 0); }
int64_t sys_preadv2(struct task *t, const uint64_t *a) { return rw_at(t, a, 0, 1); }
int64_t sys_pwritev2(struct task *t, const uint64_t *a) { return rw_at(t, a, 1, 1); }

/* The offset of a file hexvm serves itself: seekable when it has pread;
 * character devices (/dev/null ...) accept any seek and stay at 0. */
static int64_t ops_lseek(struct file *f, int64_t off, int whence)
{
	struct stat st;
	int have_stat = f->ops->stat && f->ops->stat(f, &st) == 0;
	if (!f->ops->pread && !f->ops->readdir)
		return have_stat && S_ISCHR(st.st_mode) ? 0 : -ESPIPE;
	int64_t base;
	switch (whence) {
	case SEEK_SET: base = 0; break;
	case SEEK_CUR: base = (int64_t)f->pos; break;
	case SEEK_END:
	case SEEK_DATA:
	case SEEK_HOLE:
		if (!have_stat)
			return -EINVAL;
		base = whence == SEEK_END ? st.st_size : 0;
		if (whence != SEEK_END) { /* one data extent: the whole file */
			if (off >= st.st_size)
				return -ENXIO;
			return whence == SEEK_DATA ? off : st.st_size;
		}
		break;
	default: return -EINVAL;
	}
	if ((off > 0 && base > INT64_MAX - off) || base + off < 0)
		return -EINVAL;
	f->pos = (uint64_t)(base + off);
	return (int64_t)f->pos;
}

static int64_t file_lseek(struct file *f, int64_t off, int whence)
{
	if (f->ops)
		return ops_lseek(f, off, whence);
	off_t r = lseek(f->host_fd, (off_t)off, whence);
	if (r == 0 && whence == SEEK_SET && f->dir_skip)
		file_forget_dir_skip(f); /* rewinddir */
	return r < 0 ? -errno : (int64_t)r;
}

int64_t sys_lseek(struct task *t, const uint64_t *a)
{
	struct file *f = fd_lookup(fds(t), (int)a[0]);
	if (!f)
		return -EBADF;
	int64_t r = file_lseek(f, sys_sarg(t, a[1]), (int)a[2]);
	if (r >= 0 && !sys_is64(t) && r > INT32_MAX)
		return -EOVERFLOW;
	return r;
}

int64_t sys_llseek(struct task *t, const uint64_t *a)
{
	struct file *f = fd_lookup(fds(t), (int)a[0]);
	uint8_t out[8];
	if (!f)
		return -EBADF;
	int64_t r = file_lseek(f, (int64_t)(a[1] << 32 | a[2]), (int)a[4]);
	if (r < 0)
		return r;
	put64(out, 0, (uint64_t)r);
	return copy_to_user(t->proc->mm, a[3], out, 8);
}

static int64_t do_dup(struct task *t, int oldfd, int newfd, int cloexec)
{
	struct file *f = fd_lookup(fds(t), oldfd);
	if (!f)
		return -EBADF;
	if (newfd == -1)
		return fd_alloc(fds(t), file_get(f), 0, cloexec);
	return fd_install(fds(t), newfd, file_get(f), cloexec);
}

int64_t sys_dup(struct task *t, const uint64_t *a) { return do_dup(t, (int)a[0], -1, 0); }

int64_t sys_dup2(struct task *t, const uint64_t *a)
{
	if ((int)a[0] == (int)a[1])
		return fd_lookup(fds(t), (int)a[0]) ? (int)a[1] : -EBADF;
	if ((int)a[1] < 0)
		return -EBADF;
	return do_dup(t, (int)a[0], (int)a[1], 0);
}

int64_t sys_dup3(struct task *t, const uint64_t *a)
{
	if ((int)a[0] == (int)a[1])
		return -EINVAL;
	if (a[2] & ~(uint64_t)LINUX_O_CLOEXEC)
		return -EINVAL;
	if ((int)a[1] < 0)
		return -EBADF;
	return do_dup(t, (int)a[0], (int)a[1], (a[2] & LINUX_O_CLOEXEC) != 0);
}

static int64_t do_pipe2(struct task *t, uint64_t ufds, int flags)
{
	struct file *ends[2];
	int gfd[2] = {-1, -1};
	uint8_t raw[8];
	if (flags & ~(LINUX_O_CLOEXEC | O_NONBLOCK | O_DIRECT))
		return -EINVAL;
	int rc = pipe_create(t, flags & O_NONBLOCK, ends);
	if (rc)
		return rc;
	for (int k = 0; k < 2; k++)
		gfd[k] = fd_alloc_new(fds(t), ends[k], flags & LINUX_O_CLOEXEC);
	if (gfd[0] < 0 || gfd[1] < 0) {
		for (int k = 0; k < 2; k++)
			if (gfd[k] >= 0)
				fd_close(fds(t), gfd[k]);
		return -EMFILE;
	}
	put32(raw, 0, (uint32_t)gfd[0]);
	put32(raw, 4, (uint32_t)gfd[1]);
	if (copy_to_user(t->proc->mm, ufds, raw, 8)) {
		fd_close(fds(t), gfd[0]);
		fd_close(fds(t), gfd[1]);
		return -EFAULT;
	}
	return 0;
}

int64_t sys_pipe(struct task *t, const uint64_t *a) { return do_pipe2(t, a[0], 0); }

int64_t sys_pipe2(struct task *t, const uint64_t *a) { return do_pipe2(t, a[0], (int)a[1]); }

/* Files whose bytes hexvm keeps (memfs and the overlay's, memfds) are
 * tmpfs's to the guest, whose fsync has nothing to do; Linux refuses it for
 * pipes, sockets, devices and /proc's files. */
static int stored_in_memory(const struct file *f)
{
	static const char *const kinds[] = {"memfs", "overlay", "memfd"};
	for (size_t k = 0; k < sizeof kinds / sizeof kinds[0]; k++)
		if (f->ops->name && !strcmp(f->ops->name, kinds[k]))
			return 1;
	return 0;
}

int64_t sys_fsync(struct task *t, const uint64_t *a)
{
	struct file *f = fd_lookup(fds(t), (int)a[0]);
	if (!f)
		return -EBADF;
	if (f->ops)
		return stored_in_memory(f) ? 0 : -EINVAL;
	return fsync(f->host_fd) < 0 ? -errno : 0;
}
