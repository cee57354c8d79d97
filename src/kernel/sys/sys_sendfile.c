/* sendfile and copy_file_range, with Linux's checks in its order, between
 * every kind of descriptor. sendfile to a pipe is a splice (splice_move
 * moves the bytes and parks as splice does); to anything else the input
 * must be a file that can be read at an offset, and the bytes go through a
 * buffer here, the files' offsets moving with each chunk, so that a call
 * that must wait for its output parks with what it moved as its progress
 * and goes on from there. copy_file_range copies between regular files of
 * one filesystem: host files by the host's own call, files hexvm keeps
 * (memfds, memfs) through a buffer. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "kernel/abi/layout.h"
#include "kernel/sys/splice.h"
#include "kernel/sys/syscall.h"
#include "kernel/task/sched.h"
#include "kernel/task/signal.h"
#include "kernel/task/timer.h"
#include "kernel/vfs/file.h"
#include "mem/uaccess.h"

#define CHUNK	     65536
#define MAX_RW_COUNT 0x7ffff000ull
#define MAX_NON_LFS  0x7fffffffll /* i386's sendfile: a 32-bit offset */

static struct file *io_file(struct task *t, int fd)
{
	struct file *f = fd_lookup(t->proc->fds, fd);
	return f && !(f->flags & LINUX_O_PATH) ? f : NULL;
}

static int readable(const struct file *f) { return (f->flags & O_ACCMODE) != O_WRONLY; }
static int writable(const struct file *f) { return (f->flags & O_ACCMODE) != O_RDONLY; }

/* The description's own offset (a stream's is 0). */
static int64_t own_pos(const struct file *f)
{
	if (f->ops)
		return (int64_t)f->pos;
	off_t at = lseek(f->host_fd, 0, SEEK_CUR);
	return at < 0 ? 0 : (int64_t)at;
}

static void set_own_pos(struct file *f, int64_t pos)
{
	if (f->ops)
		f->pos = (uint64_t)pos;
	else
		lseek(f->host_fd, (off_t)pos, SEEK_SET);
}

/* Up to n bytes of the input at pos: a file read at an offset, or a
 * device that has no offset (/dev/zero); the host splices its own, so
 * that it says which of its files give bytes so. */
static int64_t read_at(struct task *t, struct file *in, void *buf, size_t n, int64_t pos)
{
	if (in->ops) {
		if (!(in->ops->splice & FILE_SPLICE_READ))
			return -EINVAL;
		return in->ops->pread ? in->ops->pread(in, buf, n, (uint64_t)pos)
				      : in->ops->read(t, in, buf, n);
	}
	return splice_host_in(t, in->host_fd, &pos, buf, n);
}

/* Up to n bytes to the output at its own offset: how many it took, or
 * -EAGAIN when a host descriptor that can block takes none now. */
static int64_t write_out(struct task *t, struct file *out, const void *buf, size_t n)
{
	if (out->ops) {
		if (!(out->ops->splice & FILE_SPLICE_WRITE))
			return -EINVAL;
		if (!out->ops->pwrite)
			return out->ops->write(t, out, buf, n);
		int64_t put = out->ops->pwrite(out, buf, n, out->pos);
		if (put > 0)
			out->pos += (uint64_t)put;
		return put;
	}
	if (out->host_may_block) { /* held non-blocking by the host: never stops the machine */
		struct pollfd pfd = {out->host_fd, POLLOUT, 0};
		if (poll(&pfd, 1, 0) == 0)
			return -EAGAIN;
	}
	ssize_t put = write(out->host_fd, buf, n);
	if (put < 0 && errno == EPIPE)
		signal_send_sigpipe(t);
	return put < 0 ? (errno == EWOULDBLOCK ? -EAGAIN : -errno) : put;
}

/* Linux's do_splice_direct: chunk after chunk until count, the input's
 * end, or an output that takes less. The input's offset (*pos) and the
 * output's move with every chunk; done counts what earlier tries of this
 * call moved. */
static int64_t direct(struct task *t, struct file *in, int64_t *pos, struct file *out, size_t count,
		      size_t done)
{
	uint8_t *buf = malloc(CHUNK);
	if (!buf)
		return -ENOMEM;
	int64_t rc = 0;
	while (done < count) {
		size_t want = count - done < CHUNK ? count - done : CHUNK;
		int64_t got = read_at(t, in, buf, want, *pos);
		if (got <= 0) {
			rc = got;
			break;
		}
		int64_t put = write_out(t, out, buf, (size_t)got);
		if (put <= 0) {
			rc = put;
			break;
		}
		done += (size_t)put;
		if (!in->ops || in->ops->pread) /* (a device like /dev/zero has no offset) */
			*pos += put;
		if (put < got) {
			rc = -EAGAIN;
			break;
		}
	}
	free(buf);
	if (rc == -EAGAIN && out->host_may_block && !(out->flags & O_NONBLOCK)) {
		t->park.progress = done;
		return sched_park_host(t, out->host_fd, POLLOUT, -KERN_ERESTARTSYS);
	}
	return done ? (int64_t)done : rc;
}

/* To a pipe: a splice of what the pipe has room for, waiting for room
 * unless the pipe is O_NONBLOCK. */
static int64_t to_pipe(struct task *t, struct splice_side *in, struct splice_side *out,
		       size_t count)
{
	if (splice_is_pipe(in))
		return count ? -EINVAL : 0; /* (no splice_read) */
	struct splice_req r = {.in = *in, .out = *out, .len = count};
	if (out->f->flags & O_NONBLOCK)
		r.flags = L_SPLICE_F_NONBLOCK;
	return splice_move(t, &r);
}

/* Everything but the transfer, in do_sendfile's order; -errno or 0 with
 * the sides and the count to move. */
static int64_t sendfile_checks(struct task *t, const uint64_t *a, int64_t *off, int wide,
			       struct splice_side *in, struct splice_side *out, size_t *count)
{
	struct file *fin = io_file(t, (int)a[1]), *fout;
	if (!fin || !readable(fin))
		return -EBADF;
	splice_side_init(in, fin);
	if (a[2] && (splice_is_pipe(in) || !splice_positional(in)))
		return -ESPIPE;
	int64_t pos = a[2] ? *off : own_pos(fin);
	if (pos < 0 || (int64_t)*count < 0 || (int64_t)*count > INT64_MAX - pos)
		return -EINVAL;
	if (*count > MAX_RW_COUNT)
		*count = MAX_RW_COUNT;
	if (!(fout = io_file(t, (int)a[0])) || !writable(fout))
		return -EBADF;
	splice_side_init(out, fout);
	if (!wide && pos + (int64_t)*count > MAX_NON_LFS) {
		if (pos >= MAX_NON_LFS)
			return -EOVERFLOW;
		*count = (size_t)(MAX_NON_LFS - pos);
	}
	return 0;
}

/* sendfile(out_fd, in_fd, offset, count): offset is a long (i386's
 * sendfile: 32 bits, with Linux's 2 GiB limit) or sendfile64's loff_t. */
static int64_t do_sendfile(struct task *t, const uint64_t *a, int wide)
{
	uint8_t raw[8];
	int64_t off = 0, rc;
	size_t count = (size_t)a[3];
	unsigned w = wide ? 8 : 4;
	if (a[2]) {
		if (copy_from_user(t->proc->mm, raw, a[2], w))
			return -EFAULT;
		off = w == 8 ? (int64_t)get64(raw, 0) : (int32_t)get32(raw, 0);
	}
	struct splice_side in, out;
	if ((rc = sendfile_checks(t, a, &off, w == 8, &in, &out, &count)))
		return rc;
	if (splice_is_pipe(&out)) {
		in.off = a[2] ? &off : NULL;
		rc = to_pipe(t, &in, &out, count);
	} else if (out.f->flags & O_APPEND) {
		return -EINVAL;
	} else if (splice_is_pipe(&in) || !splice_positional(&in)) {
		return -EINVAL; /* the input must be a file it can seek */
	} else {
		int64_t pos = a[2] ? off : own_pos(in.f);
		size_t done = t->resuming ? (size_t)t->park.progress : 0;
		rc = direct(t, in.f, &pos, out.f, count, done);
		if (a[2])
			off = pos;
		else if (!in.f->ops || in.f->ops->pread)
			set_own_pos(in.f, pos);
	}
	if (a[2] && (rc > 0 || rc == -KERN_EPARK)) {
		put_long(raw, 0, (uint64_t)off, w == 8);
		if (copy_to_user(t->proc->mm, a[2], raw, w))
			return -EFAULT;
	}
	return rc;
}

int64_t sys_sendfile(struct task *t, const uint64_t *a) { return do_sendfile(t, a, sys_is64(t)); }
/* i386's sendfile64: a 64-bit offset */
int64_t sys_sendfile64(struct task *t, const uint64_t *a) { return do_sendfile(t, a, 1); }

/* Linux's generic_file_rw_checks: regular files, readable and writable,
 * the output not appending. */
static int64_t copy_checks(struct file *in, struct file *out, struct stat *sin, struct stat *sout)
{
	int rin = in->ops ? (in->ops->stat ? in->ops->stat(in, sin) : -EINVAL)
			  : (fstat(in->host_fd, sin) ? -errno : 0);
	int rout = out->ops ? (out->ops->stat ? out->ops->stat(out, sout) : -EINVAL)
			    : (fstat(out->host_fd, sout) ? -errno : 0);
	if (rin || rout)
		return rin ? rin : rout;
	if (S_ISDIR(sin->st_mode) || S_ISDIR(sout->st_mode))
		return -EISDIR;
	if (!S_ISREG(sin->st_mode) || !S_ISREG(sout->st_mode))
		return -EINVAL;
	if (!readable(in) || !writable(out) || (out->flags & O_APPEND))
		return -EBADF;
	return 0;
}

/* Between files hexvm keeps (on one device, as Linux's are on one
 * filesystem): up to len bytes, cut at the input's end, refusing an
 * overlap within one file. */
static int64_t copy_kept(struct task *t, struct file *in, int64_t *pin, struct file *out,
			 int64_t *pout, size_t len, const struct stat *sin, const struct stat *sout)
{
	if (sin->st_dev != sout->st_dev)
		return -EXDEV;
	if (*pin < 0 || *pout < 0)
		return -EOVERFLOW;
	if (!len || *pin >= sin->st_size)
		return 0;
	if ((uint64_t)(sin->st_size - *pin) < len)
		len = (size_t)(sin->st_size - *pin);
	if (sin->st_ino == sout->st_ino && *pout + (int64_t)len > *pin &&
	    *pout < *pin + (int64_t)len)
		return -EINVAL;
	int64_t out_pos = own_pos(out);
	set_own_pos(out, *pout);
	int64_t rc = direct(t, in, pin, out, len, 0);
	*pout = own_pos(out);
	set_own_pos(out, out_pos);
	return rc;
}

/* The host's own call between two host files: its files, its rules. */
static int64_t copy_host(struct file *in, int64_t *pin, int with_in, struct file *out,
			 int64_t *pout, int with_out, size_t len)
{
	off_t io = (off_t)*pin, oo = (off_t)*pout;
	ssize_t n = copy_file_range(in->host_fd, with_in ? &io : NULL, out->host_fd,
				    with_out ? &oo : NULL, len, 0);
	*pin = io;
	*pout = oo;
	return n < 0 ? -errno : n;
}

int64_t sys_copy_file_range(struct task *t, const uint64_t *a)
{
	struct file *in = io_file(t, (int)a[0]), *out = io_file(t, (int)a[2]);
	struct stat sin, sout;
	int64_t pin = 0, pout = 0, rc;
	if (!in || !out)
		return -EBADF;
	if ((a[1] && splice_get_loff(t, a[1], &pin)) ||
	    (a[3] && splice_get_loff(t, a[3], &pout)))
		return -EFAULT;
	if (a[5])
		return -EINVAL;
	if ((rc = copy_checks(in, out, &sin, &sout)))
		return rc;
	if (!in->ops && !out->ops) {
		rc = copy_host(in, &pin, a[1] != 0, out, &pout, a[3] != 0, (size_t)a[4]);
	} else {
		pin = a[1] ? pin : own_pos(in);
		pout = a[3] ? pout : own_pos(out);
		rc = copy_kept(t, in, &pin, out, &pout, (size_t)a[4], &sin, &sout);
		if (rc > 0 && !a[1])
			set_own_pos(in, pin);
		if (rc > 0 && !a[3])
			set_own_pos(out, pout);
	}
	if (rc > 0 &&
	    ((a[1] && splice_put_loff(t, a[1], pin)) || (a[3] && splice_put_loff(t, a[3], pout))))
		return -EFAULT;
	return rc;
}
