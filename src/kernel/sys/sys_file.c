/* File descriptor I/O: open, read, write, vectors, seek, dup, fcntl, ioctl. */
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
#include "mem/uaccess.h"

#define LINUX_O_CLOEXEC 02000000
#define IO_MAX		0x7ffff000 /* Linux caps one transfer here */

static struct fdtable *fds(struct task *t) { return t->proc->fds; }

/* How open's flags steer resolution: O_CREAT lets the last name be missing
 * (O_EXCL also refuses a symlink there), O_NOFOLLOW refuses a final
 * symlink (but O_PATH opens it), O_DIRECTORY wants a directory. */
static int resolve_for_open(struct task *t, int dirfd, uint64_t upath, int flags,
			    struct vpath *p)
{
	int rflags = (flags & O_DIRECTORY) ? VFS_DIRECTORY : 0;
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

static int64_t do_openat(struct task *t, int dirfd, uint64_t upath, int flags, int mode)
{
	struct vpath p;
	struct file *f;
	int rc = resolve_for_open(t, dirfd, upath, flags, &p);
	if (rc < 0)
		return rc;
	int64_t opened = path_open(t, &p, flags & ~LINUX_O_CLOEXEC, mode, &f);
	if (opened < 0)
		return opened;
	return fd_alloc_new(fds(t), f, flags & LINUX_O_CLOEXEC);
}

int64_t sys_open(struct task *t, const uint64_t *a)
{
	return do_openat(t, LINUX_AT_FDCWD, a[0], (int)a[1], (int)a[2]);
}

int64_t sys_creat(struct task *t, const uint64_t *a)
{
	return do_openat(t, LINUX_AT_FDCWD, a[0], O_CREAT | O_WRONLY | O_TRUNC, (int)a[1]);
}

int64_t sys_openat(struct task *t, const uint64_t *a)
{
	return do_openat(t, (int)a[0], a[1], (int)a[2], (int)a[3]);
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
	if (f->host_may_block)
		return hostio_read(t, f, buf, n);
	if (f->cache)
		return hostcache_read(f, buf, n);
	hostcache_conflict(t->vm, f);
	return host_result(read(f->host_fd, buf, n));
}

static int64_t file_write(struct task *t, struct file *f, const void *buf, size_t n)
{
	if (f->ops)
		return ops_write(t, f, buf, n);
	if (f->host_may_block)
		return hostio_write(t, f, buf, n);
	if (f->cache)
		return hostcache_write(f, buf, n);
	hostcache_conflict(t->vm, f);
	return host_result(write(f->host_fd, buf, n));
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
	return host_result(pwrite(f->host_fd, buf, (size_t)a[2], (off_t)a[3]));
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

int64_t sys_readv(struct task *t, const uint64_t *a)
{
	struct iovec iov[1024];
	struct file *f = fd_lookup(fds(t), (int)a[0]);
	if (!f)
		return -EBADF;
	int64_t rc = load_iovecs(t, a[1], (int)a[2], GPROT_WRITE, iov);
	if (rc < 0)
		return rc;
	int64_t got = f->ops ? ops_readv(t, f, iov, (int)a[2])
			     : host_result(readv(f->host_fd, iov, (int)a[2]));
	for (int k = 0; got > 0 && k < (int)a[2]; k++)
		user_wrote(t->proc->mm, (uint64_t)((uint8_t *)iov[k].iov_base - t->proc->mm->base),
			   iov[k].iov_len);
	return got;
}

int64_t sys_writev(struct task *t, const uint64_t *a)
{
	struct iovec iov[1024];
	struct file *f = fd_lookup(fds(t), (int)a[0]);
	if (!f)
		return -EBADF;
	int64_t rc = load_iovecs(t, a[1], (int)a[2], GPROT_READ, iov);
	if (rc < 0)
		return rc;
	if (f->ops)
		return ops_writev(t, f, iov, (int)a[2]);
	return host_result(writev(f->host_fd, iov, (int)a[2]));
}

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

int64_t sys_fcntl(struct task *t, const uint64_t *a)
{
	int fd = (int)a[0], cmd = (int)a[1];
	struct file *f = fd_lookup(fds(t), fd);
	if (!f)
		return -EBADF;
	switch (cmd) {
	case F_DUPFD:
	case F_DUPFD_CLOEXEC:
		if ((int)a[2] < 0 || (int)a[2] >= fds(t)->limit)
			return -EINVAL;
		return fd_alloc(fds(t), file_get(f), (int)a[2], cmd == F_DUPFD_CLOEXEC);
	case F_GETFD: return fds(t)->cloexec[fd] ? FD_CLOEXEC : 0;
	case F_SETFD: fds(t)->cloexec[fd] = (a[2] & FD_CLOEXEC) != 0; return 0;
	case F_GETFL: {
		if (f->ops)
			return f->flags;
		int hf = fcntl(f->host_fd, F_GETFL); /* O_NONBLOCK is the guest's, not the host's */
		return hf < 0 ? -errno : (hf & ~O_NONBLOCK) | (f->flags & O_NONBLOCK);
	}
	case F_SETFL: {
		int settable = O_APPEND | O_NONBLOCK | O_ASYNC | O_DIRECT | O_NOATIME;
		if (!f->ops && fcntl(f->host_fd, F_SETFL, (int)a[2] & settable) < 0)
			return -errno;
		f->flags = (f->flags & ~settable) | ((int)a[2] & settable);
		return 0;
	}
	case F_GETLK:
	case F_SETLK:
	case F_SETLKW:
	case 12: /* i386's F_GETLK64, F_SETLK64, F_SETLKW64 */
	case 13:
	case 14:
	case 36: /* F_OFD_GETLK, F_OFD_SETLK, F_OFD_SETLKW */
	case 37:
	case 38: return fcntl_lock(t, f, cmd, a[2]);
	default: return -EINVAL;
	}
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

int64_t sys_fsync(struct task *t, const uint64_t *a)
{
	struct file *f = fd_lookup(fds(t), (int)a[0]);
	if (!f)
		return -EBADF;
	if (f->ops)
		return -EINVAL;
	return fsync(f->host_fd) < 0 ? -errno : 0;
}
