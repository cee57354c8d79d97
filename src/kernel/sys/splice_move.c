/* The bytes of splice, tee and vmsplice (see splice.h). Between two host
 * descriptors the host's own call moves them; between a host descriptor and
 * hexvm's memory they go through the machine's scratch host pipe
 * (host/hostsplice.h), so that the host says what its files can splice.
 * A kernel pipe's bytes are looked at first and taken only once the other
 * side took them, so a side that takes fewer loses nothing. */
#include "kernel/sys/splice.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <sys/uio.h>

#include "host/hostsplice.h"
#include "kernel/task/sched.h"
#include "kernel/task/signal.h"
#include "kernel/task/timer.h"
#include "kernel/vfs/file.h"
#include "kernel/vfs/pipe.h"
#include "kernel/vm.h"

#define SPLICE_CHUNK 65536 /* at most a pipe's worth per call */

static size_t min_size(size_t a, size_t b) { return a < b ? a : b; }

static int is_host(const struct splice_side *s) { return !s->f->ops; }

static int call_waits(const struct splice_req *r) { return !(r->flags & L_SPLICE_F_NONBLOCK); }

/* A host side waits unless the call says not to or its own O_NONBLOCK does
 * (which sockets, FIFOs and terminals honour). */
static int host_waits(const struct splice_req *r, const struct splice_side *s)
{
	return call_waits(r) && !(s->f->host_may_block && (s->f->flags & O_NONBLOCK));
}

/* A host side that would block: a park until it is ready, or -EAGAIN. */
static int64_t host_again(struct task *t, const struct splice_side *s, short events, int waits)
{
	if (!waits)
		return -EAGAIN;
	return sched_park_host(t, s->f->host_fd, events, -KERN_ERESTARTSYS);
}

/* Whether host side s may be used for events now. Descriptors that can
 * block are asked first, so that no host call stops the machine (a
 * terminal, for one, ignores SPLICE_F_NONBLOCK). */
static int host_ready(const struct splice_side *s, short events)
{
	if (!s->f->host_may_block)
		return 1;
	struct pollfd pfd = {s->f->host_fd, events, 0};
	return poll(&pfd, 1, 0) != 0;
}

static struct host_splice *scratch(struct vm *vm, int *err)
{
	if (!vm->host_splice)
		vm->host_splice = host_splice_open(err);
	return vm->host_splice;
}

/* After a transfer: the offset of a file hexvm serves moves by what the
 * other side took (devices have none); a host side's moved with the host
 * call. */
static void advance(struct splice_side *s, size_t n)
{
	const struct file_ops *ops = s->f->ops;
	if (!ops || (!ops->pread && !ops->pwrite))
		return;
	if (s->off)
		*s->off += (int64_t)n;
	else
		s->f->pos += n;
}

static uint64_t ops_pos(const struct splice_side *s)
{
	return s->off ? (uint64_t)*s->off : s->f->pos;
}

/* Up to n bytes of side s (no kernel pipe) into buf; tee leaves a host
 * FIFO's bytes in it. */
static int64_t side_read(struct task *t, struct splice_req *r, struct splice_side *s, void *buf,
			 size_t n)
{
	const struct file_ops *ops = s->f->ops;
	if (ops) {
		if (!(ops->splice & FILE_SPLICE_READ))
			return -EINVAL;
		return ops->pread ? ops->pread(s->f, buf, n, ops_pos(s))
				  : ops->read(t, s->f, buf, n);
	}
	int err = -ENOMEM;
	struct host_splice *hs = scratch(t->vm, &err);
	if (!hs)
		return err;
	int64_t got = host_ready(s, POLLIN)
			      ? host_splice_in(hs, s->f->host_fd, s->off, buf, n, r->tee)
			      : -EAGAIN;
	return got == -EAGAIN ? host_again(t, s, POLLIN, host_waits(r, s)) : got;
}

/* Up to n bytes of buf to side s (no kernel pipe): how many it took. */
static int64_t side_write(struct task *t, struct splice_req *r, struct splice_side *s,
			  const void *buf, size_t n)
{
	const struct file_ops *ops = s->f->ops;
	if (ops) {
		if (!(ops->splice & FILE_SPLICE_WRITE))
			return -EINVAL;
		return ops->pwrite ? ops->pwrite(s->f, buf, n, ops_pos(s))
				   : ops->write(t, s->f, buf, n);
	}
	int err = -ENOMEM;
	struct host_splice *hs = scratch(t->vm, &err);
	if (!hs)
		return err;
	int64_t put = host_ready(s, POLLOUT) ? host_splice_out(hs, s->f->host_fd, s->off, buf, n,
							       r->flags & L_SPLICE_F_MORE)
					     : -EAGAIN;
	if (put == -EPIPE)
		signal_send_sigpipe(t);
	return put == -EAGAIN ? host_again(t, s, POLLOUT, host_waits(r, s)) : put;
}

/* Linux refuses a file that cannot take splices before it waits for the
 * pipe: 0 when side s can, else the error. */
static int64_t side_takes(struct task *t, struct splice_side *s)
{
	const struct file_ops *ops = s->f->ops;
	if (ops)
		return ops->splice & FILE_SPLICE_WRITE ? 0 : -EINVAL;
	int err = -ENOMEM;
	struct host_splice *hs = scratch(t->vm, &err);
	if (!hs)
		return err;
	int64_t rc = host_splice_out(hs, s->f->host_fd, s->off, NULL, 0, 0);
	return rc == -EAGAIN ? 0 : rc;
}

/* The input pipe has bytes (0), or is at its end (0, *eof), or not yet:
 * -EAGAIN or a park. */
static int64_t wait_input(struct task *t, struct pipe *p, int waits, int *eof)
{
	*eof = 0;
	if (pipe_held(p))
		return 0;
	if (!pipe_has_writers(p)) {
		*eof = 1;
		return 0;
	}
	return waits ? sched_park(t, p, -KERN_ERESTARTSYS) : -EAGAIN;
}

/* The output pipe has room (0), or no readers (SIGPIPE, -EPIPE), or is
 * full: -EAGAIN or a park. */
static int64_t wait_room(struct task *t, struct pipe *p, int waits)
{
	if (!pipe_has_readers(p)) {
		signal_send_sigpipe(t);
		return -EPIPE;
	}
	if (pipe_room(p))
		return 0;
	return waits ? sched_park(t, p, -KERN_ERESTARTSYS) : -EAGAIN;
}

/* In the order of Linux's splice_pipe_to_pipe and link_pipe: the input
 * first, then the output (even when the input has ended). */
static int64_t pipe_to_pipe(struct task *t, struct splice_req *r)
{
	struct pipe *in = r->in.pipe, *out = r->out.pipe;
	int eof;
	int64_t rc = wait_input(t, in, call_waits(r), &eof);
	if (!rc)
		rc = wait_room(t, out, call_waits(r));
	if (rc || eof)
		return rc;
	size_t n = min_size(r->len, min_size(pipe_held(in), pipe_room(out)));
	uint8_t buf[4096];
	for (size_t done = 0; done < n;) {
		size_t part = pipe_peek(in, done, buf, min_size(n - done, sizeof buf));
		done += pipe_fill(out, buf, part);
	}
	if (!r->tee)
		pipe_drop(in, n);
	return (int64_t)n;
}

static int64_t from_pipe(struct task *t, struct splice_req *r)
{
	struct pipe *in = r->in.pipe;
	int eof;
	int64_t rc = pipe_held(in) ? 0 : side_takes(t, &r->out);
	if (!rc)
		rc = wait_input(t, in, call_waits(r), &eof);
	if (rc || eof)
		return rc;
	size_t n = min_size(r->len, min_size(pipe_held(in), SPLICE_CHUNK));
	uint8_t *buf = malloc(n);
	if (!buf)
		return -ENOMEM;
	pipe_peek(in, 0, buf, n);
	int64_t put = side_write(t, r, &r->out, buf, n);
	free(buf);
	if (put > 0) {
		if (!r->tee)
			pipe_drop(in, (size_t)put);
		advance(&r->out, (size_t)put);
	}
	return put;
}

static int64_t to_pipe(struct task *t, struct splice_req *r)
{
	struct pipe *out = r->out.pipe;
	int64_t rc = wait_room(t, out, call_waits(r));
	if (rc)
		return rc;
	size_t n = min_size(r->len, pipe_room(out));
	uint8_t *buf = malloc(n);
	if (!buf)
		return -ENOMEM;
	int64_t got = side_read(t, r, &r->in, buf, n);
	if (got > 0) {
		pipe_fill(out, buf, (size_t)got);
		advance(&r->in, (size_t)got);
	}
	free(buf);
	return got;
}

/* Between a host FIFO and a file hexvm serves: through a buffer, the
 * file's offset moving by what the other side took. */
static int64_t via_buffer(struct task *t, struct splice_req *r)
{
	int64_t rc = r->in.host_fifo ? side_takes(t, &r->out) : 0;
	if (rc)
		return rc;
	size_t n = min_size(r->len, SPLICE_CHUNK);
	uint8_t *buf = malloc(n);
	if (!buf)
		return -ENOMEM;
	int64_t got = side_read(t, r, &r->in, buf, n), put = got;
	if (got > 0)
		put = side_write(t, r, &r->out, buf, (size_t)got);
	free(buf);
	if (put > 0) {
		advance(&r->in, (size_t)put);
		advance(&r->out, (size_t)put);
	}
	return put;
}

/* Both sides the host's: its own call, parked on whichever side is not
 * ready when it would block. */
static int64_t host_to_host(struct task *t, struct splice_req *r)
{
	struct splice_side *in = &r->in, *out = &r->out;
	unsigned fl = r->flags & (L_SPLICE_F_MOVE | L_SPLICE_F_MORE);
	int64_t rc = -EAGAIN;
	if (host_ready(in, POLLIN) && host_ready(out, POLLOUT))
		rc = r->tee ? host_tee(in->f->host_fd, out->f->host_fd, r->len, fl)
			    : host_splice(in->f->host_fd, in->off, out->f->host_fd, out->off,
					  r->len, fl);
	if (rc == -EPIPE)
		signal_send_sigpipe(t);
	if (rc != -EAGAIN)
		return rc;
	struct pollfd pfd = {in->f->host_fd, POLLIN, 0};
	if (poll(&pfd, 1, 0) == 0)
		return host_again(t, in, POLLIN, host_waits(r, in));
	return host_again(t, out, POLLOUT, host_waits(r, out));
}

int64_t splice_move(struct task *t, struct splice_req *r)
{
	if (is_host(&r->in) && is_host(&r->out))
		return host_to_host(t, r);
	if (r->in.pipe)
		return r->out.pipe ? pipe_to_pipe(t, r) : from_pipe(t, r);
	if (r->out.pipe)
		return to_pipe(t, r);
	return via_buffer(t, r);
}

int64_t splice_from_user(struct task *t, struct splice_side *s, const struct iovec *iov, int n,
			 unsigned flags)
{
	int waits = !(flags & L_SPLICE_F_NONBLOCK); /* (vmsplice ignores O_NONBLOCK) */
	if (!s->pipe) {
		int64_t put = host_ready(s, POLLOUT) ? host_vmsplice(s->f->host_fd, iov, n,
								     flags & ~L_SPLICE_F_GIFT)
						     : -EAGAIN;
		if (put == -EPIPE)
			signal_send_sigpipe(t);
		return put == -EAGAIN ? host_again(t, s, POLLOUT, waits) : put;
	}
	int64_t rc = wait_room(t, s->pipe, waits);
	if (rc)
		return rc;
	size_t done = 0;
	for (int k = 0; k < n; k++) {
		size_t put = pipe_fill(s->pipe, iov[k].iov_base, iov[k].iov_len);
		done += put;
		if (put < iov[k].iov_len)
			break;
	}
	return (int64_t)done;
}

int64_t splice_to_user(struct task *t, struct splice_side *s, const struct iovec *iov, int n,
		       unsigned flags)
{
	int waits = !(flags & L_SPLICE_F_NONBLOCK), eof;
	if (!s->pipe) {
		int64_t got = host_ready(s, POLLIN) ? host_vmsplice(s->f->host_fd, iov, n,
								    flags & ~L_SPLICE_F_GIFT)
						    : -EAGAIN;
		return got == -EAGAIN ? host_again(t, s, POLLIN, waits) : got;
	}
	int64_t rc = wait_input(t, s->pipe, waits, &eof);
	if (rc || eof)
		return rc;
	size_t done = 0;
	for (int k = 0; k < n; k++) {
		size_t got = pipe_peek(s->pipe, done, iov[k].iov_base, iov[k].iov_len);
		done += got;
		if (got < iov[k].iov_len)
			break;
	}
	pipe_drop(s->pipe, done);
	return (int64_t)done;
}
