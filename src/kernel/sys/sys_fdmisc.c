/* Descriptor calls with little state of their own: posix_fadvise (advice
 * changes nothing the guest can observe), close_range, sendfile. */
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
