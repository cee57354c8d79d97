/* In-kernel pipes. Readers and writers parked on a pipe wait on the pipe
 * itself: any change of its contents or of its ends wakes them. */
#include "kernel/vfs/pipe.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

#include "kernel/task/sched.h"
#include "kernel/task/signal.h"
#include "kernel/task/timer.h"

struct pipe {
	struct vm *vm;
	uint8_t *buf;
	size_t head, len; /* the bytes held start at head, wrapping */
	int readers, writers;
	uint64_t ino;
	uint32_t uid, gid;
};

static size_t ring_out(struct pipe *p, uint8_t *dst, size_t n)
{
	n = n < p->len ? n : p->len;
	size_t first = PIPE_CAPACITY - p->head < n ? PIPE_CAPACITY - p->head : n;
	memcpy(dst, p->buf + p->head, first);
	memcpy(dst + first, p->buf, n - first);
	p->head = (p->head + n) % PIPE_CAPACITY;
	p->len -= n;
	return n;
}

static size_t ring_in(struct pipe *p, const uint8_t *src, size_t n)
{
	size_t space = PIPE_CAPACITY - p->len;
	n = n < space ? n : space;
	size_t tail = (p->head + p->len) % PIPE_CAPACITY;
	size_t first = PIPE_CAPACITY - tail < n ? PIPE_CAPACITY - tail : n;
	memcpy(p->buf + tail, src, first);
	memcpy(p->buf, src + first, n - first);
	p->len += n;
	return n;
}

static int64_t pipe_read(struct task *t, struct file *f, void *buf, size_t n)
{
	struct pipe *p = f->priv;
	if (n == 0)
		return 0;
	if (p->len) {
		size_t got = ring_out(p, buf, n);
		sched_wake(p->vm, p);
		return (int64_t)got;
	}
	if (!p->writers)
		return 0;
	if (f->flags & O_NONBLOCK)
		return -EAGAIN;
	return sched_park(t, p, -KERN_ERESTARTSYS);
}

static int64_t broken_pipe(struct task *t)
{
	struct siginfo_k info = {.signo = SIGPIPE, .pid = t->proc->pid, .uid = (int)t->proc->uid,
				 .trapno = -1};
	signal_send(t, &info);
	return -EPIPE;
}

/* A blocking write moves everything before it returns (resuming where it
 * parked); one of at most PIPE_BUF bytes goes in whole or not at all. */
static int64_t pipe_write(struct task *t, struct file *f, const void *buf, size_t n)
{
	struct pipe *p = f->priv;
	size_t done = t->resuming ? t->park.progress : 0;
	if (!p->readers)
		return done ? (int64_t)done : broken_pipe(t);
	if (n == 0)
		return 0;
	size_t space = PIPE_CAPACITY - p->len;
	if (n <= PIPE_ATOMIC && space < n) {
		if (f->flags & O_NONBLOCK)
			return -EAGAIN;
		return sched_park(t, p, -KERN_ERESTARTSYS);
	}
	size_t put = ring_in(p, (const uint8_t *)buf + done, n - done);
	done += put;
	if (put)
		sched_wake(p->vm, p);
	if (done == n)
		return (int64_t)n;
	if (f->flags & O_NONBLOCK)
		return done ? (int64_t)done : -EAGAIN;
	t->park.progress = done;
	return sched_park(t, p, -KERN_ERESTARTSYS);
}

static short pipe_poll(struct file *f)
{
	struct pipe *p = f->priv;
	if ((f->flags & O_ACCMODE) == O_RDONLY)
		return (short)((p->len ? POLLIN : 0) | (!p->writers ? POLLHUP : 0));
	return (short)((PIPE_CAPACITY - p->len >= PIPE_ATOMIC ? POLLOUT : 0) |
		       (!p->readers ? POLLERR : 0));
}

static int64_t pipe_nread(struct file *f) { return (int64_t)((struct pipe *)f->priv)->len; }

static int pipe_stat(struct file *f, struct stat *st)
{
	const struct pipe *p = f->priv;
	memset(st, 0, sizeof *st);
	st->st_dev = makedev(0, 12); /* Linux's pipefs */
	st->st_ino = p->ino;
	st->st_mode = S_IFIFO | 0600;
	st->st_nlink = 1;
	st->st_uid = p->uid;
	st->st_gid = p->gid;
	st->st_blksize = 4096;
	return 0;
}

static void pipe_release(struct file *f)
{
	struct pipe *p = f->priv;
	if ((f->flags & O_ACCMODE) == O_RDONLY)
		p->readers--;
	else
		p->writers--;
	sched_wake(p->vm, p);
	if (!p->readers && !p->writers) {
		free(p->buf);
		free(p);
	}
}

static const struct file_ops pipe_ops = {
	.read = pipe_read,
	.write = pipe_write,
	.poll = pipe_poll,
	.nread = pipe_nread,
	.stat = pipe_stat,
	.release = pipe_release,
};

int pipe_create(struct task *t, int flags, struct file *ends[2])
{
	struct pipe *p = calloc(1, sizeof *p);
	uint8_t *buf = malloc(PIPE_CAPACITY);
	if (!p || !buf) {
		free(p);
		free(buf);
		return -ENOMEM;
	}
	p->vm = t->vm;
	p->buf = buf;
	p->ino = ++t->vm->next_ino;
	p->uid = t->proc->uid;
	p->gid = t->proc->gid;
	ends[0] = file_new(&pipe_ops, p, O_RDONLY | flags, "pipe");
	ends[1] = ends[0] ? file_new(&pipe_ops, p, O_WRONLY | flags, "pipe") : NULL;
	if (!ends[1]) {
		if (ends[0]) {
			free(ends[0]->path);
			free(ends[0]);
		}
		free(buf);
		free(p);
		return -ENOMEM;
	}
	p->readers = p->writers = 1;
	return 0;
}
