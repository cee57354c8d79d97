/* Descriptor calls with little state of their own: posix_fadvise (advice
 * changes nothing the guest can observe), close_range, sendfile,
 * copy_file_range and fallocate (between or on host files: files hexvm
 * serves itself answer EXDEV or EOPNOTSUPP, which callers fall back from). */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

#include "kernel/abi/layout.h"
#include "kernel/sys/syscall.h"
#include "kernel/vfs/file.h"
#include "mem/uaccess.h"

#define L_CLOSE_RANGE_UNSHARE 2
#define L_CLOSE_RANGE_CLOEXEC 4
#define SENDFILE_CHUNK	      65536

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
	for (unsigned fd = first; fd <= last && fd < FDTABLE_MAX; fd++)
		if (fds->files[fd]) {
			if (flags & L_CLOSE_RANGE_CLOEXEC)
				fds->cloexec[fd] = 1;
			else
				fd_close(fds, (int)fd);
		}
	return 0;
}

/* Reads through the input's offset (or *off, which then advances instead)
 * and writes what it read, in chunks; a short write ends it. */
static int64_t do_sendfile(struct task *t, const uint64_t *a, unsigned w)
{
	int out_fd = (int)a[0], in_fd = (int)a[1];
	struct file *in = fd_lookup(t->proc->fds, in_fd), *out = fd_lookup(t->proc->fds, out_fd);
	uint8_t raw[8];
	int64_t off = -1, done = 0;
	if (!in || !out)
		return -EBADF;
	if (in->ops || out->ops)
		return -EINVAL; /* (kernel-served files: read and write instead) */
	if (a[2]) {
		if (copy_from_user(t->proc->mm, raw, a[2], w))
			return -EFAULT;
		off = w == 8 ? (int64_t)get64(raw, 0) : (int32_t)get32(raw, 0);
	}
	char *buf = malloc(SENDFILE_CHUNK);
	if (!buf)
		return -ENOMEM;
	while ((uint64_t)done < a[3]) {
		size_t want = a[3] - (uint64_t)done < SENDFILE_CHUNK ? (size_t)(a[3] - (uint64_t)done) : SENDFILE_CHUNK;
		ssize_t got = off >= 0 ? pread(in->host_fd, buf, want, off + done) : read(in->host_fd, buf, want);
		if (got <= 0) {
			if (got < 0 && !done)
				done = -errno;
			break;
		}
		ssize_t put = write(out->host_fd, buf, (size_t)got);
		if (put < 0 && !done)
			done = -errno;
		if (put <= 0)
			break;
		done += put;
		if (put < got)
			break;
	}
	free(buf);
	if (done > 0 && off >= 0) {
		put_long(raw, 0, (uint64_t)(off + done), w == 8);
		if (copy_to_user(t->proc->mm, a[2], raw, w))
			return -EFAULT;
	}
	return done;
}

int64_t sys_sendfile(struct task *t, const uint64_t *a) { return do_sendfile(t, a, sys_is64(t) ? 8 : 4); }
/* i386's sendfile64: a 64-bit offset */
int64_t sys_sendfile64(struct task *t, const uint64_t *a) { return do_sendfile(t, a, 8); }

static int64_t get_offset(struct task *t, uint64_t addr, int64_t *off)
{
	uint8_t raw[8];
	if (!addr) {
		*off = -1;
		return 0;
	}
	if (copy_from_user(t->proc->mm, raw, addr, 8))
		return -EFAULT;
	*off = (int64_t)get64(raw, 0);
	return *off < 0 ? -EINVAL : 0;
}

int64_t sys_copy_file_range(struct task *t, const uint64_t *a)
{
	struct file *in = fd_lookup(t->proc->fds, (int)a[0]), *out = fd_lookup(t->proc->fds, (int)a[2]);
	int64_t in_off, out_off, rc;
	uint8_t raw[8];
	if (!in || !out)
		return -EBADF;
	if (a[5])
		return -EINVAL;
	if (in->ops || out->ops)
		return -EXDEV;
	if ((rc = get_offset(t, a[1], &in_off)) || (rc = get_offset(t, a[3], &out_off)))
		return rc;
	off_t io = (off_t)in_off, oo = (off_t)out_off;
	ssize_t n = copy_file_range(in->host_fd, a[1] ? &io : NULL, out->host_fd, a[3] ? &oo : NULL,
				    (size_t)a[4], 0);
	if (n < 0)
		return -errno;
	put64(raw, 0, (uint64_t)io);
	if (a[1] && copy_to_user(t->proc->mm, a[1], raw, 8))
		return -EFAULT;
	put64(raw, 0, (uint64_t)oo);
	if (a[3] && copy_to_user(t->proc->mm, a[3], raw, 8))
		return -EFAULT;
	return n;
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
