/* Descriptor calls with little state of their own: posix_fadvise and
 * readahead (advice changes nothing the guest can observe), close_range,
 * fallocate (on host files, and files hexvm serves that say how: others
 * answer EOPNOTSUPP, which callers fall back from), and the sync calls
 * (the host's on host files; hexvm's own files are in memory). */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "kernel/abi/layout.h"
#include "kernel/sys/syscall.h"
#include "kernel/vfs/file.h"
#include "mem/uaccess.h"

#define L_CLOSE_RANGE_UNSHARE 2
#define L_CLOSE_RANGE_CLOEXEC 4
#define L_SYNC_FILE_RANGE_ALL 7 /* WAIT_BEFORE | WRITE | WAIT_AFTER */

static int64_t fadvise(struct task *t, int fd, int64_t len, int advice)
{
	struct file *f = fd_lookup(t->proc->fds, fd);
	if (!f)
		return -EBADF;
	if (f->ops && !f->ops->pread)
		return -ESPIPE;
	return len < 0 || advice < 0 || advice > 5 ? -EINVAL : 0;
}

int64_t sys_fadvise64(struct task *t, const uint64_t *a)
{
	return fadvise(t, (int)a[0], (int64_t)a[2], (int)a[3]);
}

/* i386 fadvise64_64: fd, offset (two words), len (two words), advice */
int64_t sys_fadvise64_64(struct task *t, const uint64_t *a)
{
	return fadvise(t, (int)a[0], (int64_t)(a[3] | a[4] << 32), (int)a[5]);
}

int64_t sys_close_range(struct task *t, const uint64_t *a)
{
	unsigned first = (unsigned)a[0], last = (unsigned)a[1], flags = (unsigned)a[2];
	struct fdtable *fds = t->proc->fds;
	if (first > last || flags & ~(unsigned)(L_CLOSE_RANGE_UNSHARE | L_CLOSE_RANGE_CLOEXEC))
		return -EINVAL;
	for (unsigned fd = first; fd <= last && fd < (unsigned)fds->size; fd++)
		if (fds->files[fd]) {
			if (flags & L_CLOSE_RANGE_CLOEXEC)
				fds->cloexec[fd] = 1;
			else
				fd_close(fds, (int)fd);
		}
	return 0;
}

static int64_t do_fallocate(struct task *t, int fd, int mode, int64_t off, int64_t len)
{
	struct file *f = fd_lookup(t->proc->fds, fd);
	if (!f)
		return -EBADF;
	if (off < 0 || len <= 0)
		return -EINVAL;
	if (f->ops)
		return f->ops->fallocate ? f->ops->fallocate(f, mode, (uint64_t)off, (uint64_t)len)
					 : -EOPNOTSUPP;
	return fallocate(f->host_fd, mode, (off_t)off, (off_t)len) < 0 ? -errno : 0;
}

int64_t sys_fallocate(struct task *t, const uint64_t *a)
{
	return do_fallocate(t, (int)a[0], (int)a[1], (int64_t)a[2], (int64_t)a[3]);
}

/* i386: fd, mode, offset and length in two words each */
int64_t sys_fallocate32(struct task *t, const uint64_t *a)
{
	return do_fallocate(t, (int)a[0], (int)a[1], (int64_t)(a[2] | a[3] << 32),
			    (int64_t)(a[4] | a[5] << 32));
}

int64_t sys_sync(struct task *t, const uint64_t *a)
{
	sync();
	return 0;
}

int64_t sys_syncfs(struct task *t, const uint64_t *a)
{
	struct file *f = fd_lookup(t->proc->fds, (int)a[0]);
	if (!f)
		return -EBADF;
	return f->ops ? 0 : syncfs(f->host_fd) < 0 ? -errno : 0;
}

static int file_type(const struct file *f, struct stat *st)
{
	if (f->ops)
		return f->ops->stat ? f->ops->stat((struct file *)f, st) : -EINVAL;
	return fstat(f->host_fd, st) < 0 ? -errno : 0;
}

/* Regular files, block devices, directories and links only (ESPIPE
 * otherwise). */
static int64_t do_sync_file_range(struct task *t, int fd, int64_t off, int64_t n, unsigned flags)
{
	struct stat st;
	struct file *f = fd_lookup(t->proc->fds, fd);
	if (!f)
		return -EBADF;
	if (flags & ~(unsigned)L_SYNC_FILE_RANGE_ALL)
		return -EINVAL;
	if (off < 0 || n < 0 || off > INT64_MAX - n)
		return -EINVAL;
	int rc = file_type(f, &st);
	if (rc)
		return rc;
	if (!S_ISREG(st.st_mode) && !S_ISBLK(st.st_mode) && !S_ISDIR(st.st_mode) &&
	    !S_ISLNK(st.st_mode))
		return -ESPIPE;
	if (f->ops)
		return 0;
	return sync_file_range(f->host_fd, (off_t)off, (off_t)n, flags) < 0 ? -errno : 0;
}

int64_t sys_sync_file_range(struct task *t, const uint64_t *a)
{
	return do_sync_file_range(t, (int)a[0], (int64_t)a[1], (int64_t)a[2], (unsigned)a[3]);
}

/* i386: fd, offset and length in two words each, flags */
int64_t sys_sync_file_range32(struct task *t, const uint64_t *a)
{
	return do_sync_file_range(t, (int)a[0], (int64_t)(a[1] | a[2] << 32),
				  (int64_t)(a[3] | a[4] << 32), (unsigned)a[5]);
}

/* A regular file open for reading; nothing to do beyond the checks. */
static int64_t do_readahead(struct task *t, int fd)
{
	struct stat st;
	struct file *f = fd_lookup(t->proc->fds, fd);
	if (!f || (f->flags & O_ACCMODE) == O_WRONLY)
		return -EBADF;
	if (file_type(f, &st) || !S_ISREG(st.st_mode))
		return -EINVAL;
	return 0;
}

int64_t sys_readahead(struct task *t, const uint64_t *a) { return do_readahead(t, (int)a[0]); }
/* i386: fd, offset in two words, count */
int64_t sys_readahead32(struct task *t, const uint64_t *a) { return do_readahead(t, (int)a[0]); }
