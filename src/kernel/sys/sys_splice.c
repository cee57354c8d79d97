/* splice, tee and vmsplice: the checks, in the order of Linux's
 * fs/splice.c, and the offsets; splice_move.c moves the bytes. */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>

#include "kernel/abi/layout.h"
#include "kernel/sys/splice.h"
#include "kernel/sys/syscall.h"
#include "kernel/vfs/file.h"
#include "kernel/vfs/pipe.h"
#include "mem/mm.h"
#include "mem/uaccess.h"

#define IOV_MAX_L 1024	     /* UIO_MAXIOV */
#define IO_MAX_L  0x7ffff000 /* Linux caps one transfer here */

/* The description behind fd, or NULL (an O_PATH one is no file for I/O). */
static struct file *io_file(struct task *t, int fd)
{
	struct file *f = fd_lookup(t->proc->fds, fd);
	return f && !(f->flags & LINUX_O_PATH) ? f : NULL;
}

static int readable(const struct file *f) { return (f->flags & O_ACCMODE) != O_WRONLY; }

static int writable(const struct file *f) { return (f->flags & O_ACCMODE) != O_RDONLY; }

static int host_mode(const struct file *f, mode_t *mode)
{
	struct stat st;
	if (f->ops || fstat(f->host_fd, &st) < 0)
		return -1;
	*mode = st.st_mode;
	return 0;
}

void splice_side_init(struct splice_side *s, struct file *f)
{
	mode_t mode;
	s->f = f;
	s->pipe = pipe_of_file(f);
	s->host_fifo = host_mode(f, &mode) == 0 && S_ISFIFO(mode);
	s->off = NULL;
}

int splice_is_pipe(const struct splice_side *s) { return s->pipe || s->host_fifo; }

int splice_positional(const struct splice_side *s)
{
	mode_t mode;
	struct stat st;
	const struct file_ops *ops = s->f->ops;
	if (ops) /* files opened by name, and memfds; not the nameless kernel objects */
		return !ops->stat || (ops->stat(s->f, &st) == 0 && (st.st_mode & S_IFMT));
	return host_mode(s->f, &mode) == 0 && !S_ISSOCK(mode) && !isatty(s->f->host_fd);
}

/* Linux's rw_verify_area: a length that is negative as a ssize_t, a
 * negative position or one that the length takes past the largest. */
static int64_t verify_area(const struct splice_side *s, size_t len)
{
	int64_t pos;
	if ((int64_t)len < 0)
		return -EINVAL;
	if (s->off)
		pos = *s->off;
	else if (s->f->ops)
		pos = (int64_t)s->f->pos;
	else if ((pos = lseek(s->f->host_fd, 0, SEEK_CUR)) < 0)
		pos = 0; /* a stream */
	return pos < 0 || (int64_t)len > INT64_MAX - pos ? -EINVAL : 0;
}

/* do_splice's checks once both descriptors are known; adds the pipes'
 * O_NONBLOCK to the flags as Linux does. */
static int64_t check_sides(struct splice_req *r)
{
	struct splice_side *in = &r->in, *out = &r->out;
	if (!readable(in->f) || !writable(out->f))
		return -EBADF;
	if (splice_is_pipe(in) && splice_is_pipe(out)) {
		if (in->pipe && in->pipe == out->pipe)
			return -EINVAL;
		if ((in->f->flags | out->f->flags) & O_NONBLOCK)
			r->flags |= L_SPLICE_F_NONBLOCK;
		return 0;
	}
	struct splice_side *file = splice_is_pipe(in) ? out : in,
			   *pipe = splice_is_pipe(in) ? in : out;
	if (!splice_is_pipe(pipe))
		return -EINVAL; /* neither is a pipe */
	if (file->off && !splice_positional(file))
		return -EINVAL;
	if (file == out && (out->f->flags & O_APPEND))
		return -EINVAL;
	int64_t rc = verify_area(file, r->len);
	if (rc)
		return rc;
	if (pipe->f->flags & O_NONBLOCK)
		r->flags |= L_SPLICE_F_NONBLOCK;
	return 0;
}

int splice_get_loff(struct task *t, uint64_t addr, int64_t *off)
{
	uint8_t raw[8];
	if (copy_from_user(t->proc->mm, raw, addr, 8))
		return -EFAULT;
	*off = (int64_t)get64(raw, 0);
	return 0;
}

int splice_put_loff(struct task *t, uint64_t addr, int64_t off)
{
	uint8_t raw[8];
	put64(raw, 0, (uint64_t)off);
	return copy_to_user(t->proc->mm, addr, raw, 8) ? -EFAULT : 0;
}

/* splice(fd_in, off_in, fd_out, off_out, len, flags); the offsets are
 * loff_t pointers in both ABIs. */
int64_t sys_splice(struct task *t, const uint64_t *a)
{
	uint64_t uoff_in = a[1], uoff_out = a[3];
	int64_t off_in = 0, off_out = 0;
	struct splice_req r = {.len = (size_t)a[4], .flags = (unsigned)a[5]};
	if (!r.len)
		return 0;
	if (r.flags & ~L_SPLICE_F_ALL)
		return -EINVAL;
	struct file *in = io_file(t, (int)a[0]), *out = io_file(t, (int)a[2]);
	if (!in || !out)
		return -EBADF;
	splice_side_init(&r.in, in);
	splice_side_init(&r.out, out);
	if ((splice_is_pipe(&r.in) && uoff_in) || (splice_is_pipe(&r.out) && uoff_out))
		return -ESPIPE;
	if ((uoff_out && splice_get_loff(t, uoff_out, &off_out)) ||
	    (uoff_in && splice_get_loff(t, uoff_in, &off_in)))
		return -EFAULT;
	r.in.off = uoff_in ? &off_in : NULL;
	r.out.off = uoff_out ? &off_out : NULL;
	int64_t rc = check_sides(&r);
	if (!rc)
		rc = splice_move(t, &r);
	if (rc < 0)
		return rc;
	if ((uoff_out && splice_put_loff(t, uoff_out, off_out)) ||
	    (uoff_in && splice_put_loff(t, uoff_in, off_in)))
		return -EFAULT;
	return rc;
}

int64_t sys_tee(struct task *t, const uint64_t *a)
{
	struct splice_req r = {.len = (size_t)a[2], .flags = (unsigned)a[3], .tee = 1};
	if (r.flags & ~L_SPLICE_F_ALL)
		return -EINVAL;
	if (!r.len)
		return 0;
	struct file *in = io_file(t, (int)a[0]), *out = io_file(t, (int)a[1]);
	if (!in || !out)
		return -EBADF;
	splice_side_init(&r.in, in);
	splice_side_init(&r.out, out);
	if (!readable(in) || !writable(out))
		return -EBADF;
	if (!splice_is_pipe(&r.in) || !splice_is_pipe(&r.out) ||
	    (r.in.pipe && r.in.pipe == r.out.pipe))
		return -EINVAL;
	if ((in->flags | out->flags) & O_NONBLOCK)
		r.flags |= L_SPLICE_F_NONBLOCK;
	return splice_move(t, &r);
}

/* The guest's iovec array as import_iovec takes it: at most 1024, lengths
 * not negative, the total cut to what one transfer may move; the guest
 * addresses go to iov_base. The total, or -errno. */
static int64_t load_iov(struct task *t, uint64_t uiov, uint64_t count, struct iovec *iov)
{
	int is64 = sys_is64(t);
	unsigned esize = is64 ? 16 : 8;
	uint8_t raw[16];
	uint64_t total = 0;
	if (count > IOV_MAX_L)
		return -EINVAL;
	for (uint64_t k = 0; k < count; k++) {
		if (copy_from_user(t->proc->mm, raw, uiov + k * esize, esize))
			return -EFAULT;
		uint64_t base = get_long(raw, 0, is64), len = get_long(raw, is64 ? 8 : 4, is64);
		if ((int64_t)len < 0 || (!is64 && (int32_t)len < 0))
			return -EINVAL;
		len = len < IO_MAX_L - total ? len : IO_MAX_L - total;
		total += len;
		iov[k].iov_base = (void *)(uintptr_t)base;
		iov[k].iov_len = (size_t)len;
	}
	return (int64_t)total;
}

/* The guest addresses in iov become host pointers into its memory. */
static int map_iov(struct task *t, struct iovec *iov, uint64_t count, int prot)
{
	for (uint64_t k = 0; k < count; k++) {
		uint64_t base = (uint64_t)(uintptr_t)iov[k].iov_base;
		if (!(iov[k].iov_base = user_ptr(t->proc->mm, base, iov[k].iov_len, prot)))
			return -EFAULT;
	}
	return 0;
}

/* What a pipe-to-memory vmsplice wrote, for the code-page tracking. */
static void wrote_iov(struct task *t, const struct iovec *iov, uint64_t count, int64_t n)
{
	for (uint64_t k = 0; k < count && n > 0; k++) {
		size_t part = iov[k].iov_len < (uint64_t)n ? iov[k].iov_len : (size_t)n;
		user_wrote(t->proc->mm, (uint64_t)((uint8_t *)iov[k].iov_base - t->proc->mm->base),
			   part);
		n -= (int64_t)part;
	}
}

/* vmsplice(fd, iov, nr_segs, flags): memory into a pipe open for writing,
 * or, on a read end, the pipe's bytes into memory (copied in both
 * directions: a page given to the pipe does not follow later stores). */
int64_t sys_vmsplice(struct task *t, const uint64_t *a)
{
	struct iovec iov[IOV_MAX_L];
	unsigned flags = (unsigned)a[3];
	if (flags & ~L_SPLICE_F_ALL)
		return -EINVAL;
	struct file *f = io_file(t, (int)a[0]);
	if (!f)
		return -EBADF;
	int to_pipe = writable(f);
	if (!to_pipe && !readable(f))
		return -EBADF;
	int64_t total = load_iov(t, a[1], a[2], iov);
	if (total <= 0)
		return total;
	struct splice_side s;
	splice_side_init(&s, f);
	if (!splice_is_pipe(&s))
		return -EBADF;
	if (map_iov(t, iov, a[2], to_pipe ? GPROT_READ : GPROT_WRITE))
		return -EFAULT;
	int n = (int)a[2];
	if (to_pipe)
		return splice_from_user(t, &s, iov, n, flags);
	int64_t got = splice_to_user(t, &s, iov, n, flags);
	wrote_iov(t, iov, a[2], got);
	return got;
}
