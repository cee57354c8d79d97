/* In-kernel pipes. Readers and writers parked on a pipe wait on the pipe
 * itself: any change of its contents or of its ends wakes them. */
#include "kernel/vfs/pipe.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

#include "kernel/task/sched.h"
#include "kernel/task/signal.h"
#include "kernel/task/timer.h"
#include "kernel/vm.h"
#include "kernel/vfs/wakeseq.h"

struct pipe {
	struct vm *vm;
	uint8_t *buf;
	size_t head, len; /* the bytes held start at head, wrapping */
	int readers, writers;
	struct wake_seq seq; /* for edge-triggered epoll */
	uint64_t dev, ino;
	uint32_t uid, gid;
	/* named pipes (FIFOs) only: */
	int named;
	uint64_t r_gen, w_gen;	/* opens for reading and for writing so far */
	struct pipe *next_fifo; /* in vm->fifos */
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

/* Copies up to n held bytes, from `skip` bytes past the first, without
 * taking them. */
static size_t ring_peek(const struct pipe *p, size_t skip, uint8_t *dst, size_t n)
{
	if (skip >= p->len)
		return 0;
	n = n < p->len - skip ? n : p->len - skip;
	size_t at = (p->head + skip) % PIPE_CAPACITY;
	size_t first = PIPE_CAPACITY - at < n ? PIPE_CAPACITY - at : n;
	memcpy(dst, p->buf + at, first);
	memcpy(dst + first, p->buf, n - first);
	return n;
}

/* Bytes left the pipe: a read that makes room in a full pipe wakes its
 * writers (an edge for their epoll watches). */
static void taken(struct pipe *p, int was_full)
{
	if (was_full && PIPE_CAPACITY - p->len >= PIPE_ATOMIC)
		wake_seq_stamp(p->vm, &p->seq.out);
	sched_wake(p->vm, p);
}

/* Bytes came in: every write wakes the readers. */
static void given(struct pipe *p)
{
	wake_seq_stamp(p->vm, &p->seq.in);
	sched_wake(p->vm, p);
}

static int64_t pipe_read(struct task *t, struct file *f, void *buf, size_t n)
{
	struct pipe *p = f->priv;
	if (n == 0)
		return 0;
	if (p->len) {
		int was_full = PIPE_CAPACITY - p->len < PIPE_ATOMIC;
		size_t got = ring_out(p, buf, n);
		taken(p, was_full);
		return (int64_t)got;
	}
	if (!p->writers)
		return 0;
	if (f->flags & O_NONBLOCK)
		return -EAGAIN;
	return sched_park(t, p, -KERN_ERESTARTSYS);
}

/* A blocking write moves everything before it returns (resuming where it
 * parked); one of at most PIPE_BUF bytes goes in whole or not at all. */
static int64_t pipe_write(struct task *t, struct file *f, const void *buf, size_t n)
{
	struct pipe *p = f->priv;
	size_t done = t->resuming ? t->park.progress : 0;
	if (!p->readers)
		return done ? (int64_t)done : (signal_send_sigpipe(t), -EPIPE);
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
		given(p);
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
	int acc = f->flags & O_ACCMODE;
	short r = 0;
	if (acc != O_WRONLY)
		r |= (short)((p->len ? POLLIN : 0) | (!p->writers ? POLLHUP : 0));
	if (acc != O_RDONLY)
		r |= (short)((PIPE_CAPACITY - p->len >= PIPE_ATOMIC ? POLLOUT : 0) |
			     (!p->readers ? POLLERR : 0));
	return r;
}

/* Linux wakes a polled pipe's readers at every write, and its writers when
 * a read makes room in a full pipe. */
static uint64_t pipe_wake_seq(struct file *f, uint32_t events)
{
	return wake_seq_for(&((struct pipe *)f->priv)->seq, events);
}

static int64_t pipe_nread(struct file *f) { return (int64_t)((struct pipe *)f->priv)->len; }

static int pipe_stat(struct file *f, struct stat *st)
{
	const struct pipe *p = f->priv;
	memset(st, 0, sizeof *st);
	st->st_dev = p->dev;
	st->st_ino = p->ino;
	st->st_mode = S_IFIFO | 0600;
	st->st_nlink = 1;
	st->st_uid = p->uid;
	st->st_gid = p->gid;
	st->st_blksize = 4096;
	return 0;
}

static void unlink_fifo(struct pipe *p)
{
	for (struct pipe **pp = &p->vm->fifos; *pp; pp = &(*pp)->next_fifo)
		if (*pp == p) {
			*pp = p->next_fifo;
			return;
		}
}

/* A pipe goes with its last end (and a FIFO's contents with it, as on
 * Linux); an end still waiting in open counts. */
static void pipe_maybe_free(struct pipe *p)
{
	if (p->readers || p->writers)
		return;
	if (p->named)
		unlink_fifo(p);
	free(p->buf);
	free(p);
}

static void pipe_release(struct file *f)
{
	struct pipe *p = f->priv;
	int acc = f->flags & O_ACCMODE;
	if (acc != O_WRONLY)
		p->readers--;
	if (acc != O_RDONLY)
		p->writers--;
	wake_seq_stamp(p->vm, &p->seq.any);
	sched_wake(p->vm, p);
	pipe_maybe_free(p);
}

static const struct file_ops pipe_ops = {
	.name = "pipe",
	.read = pipe_read,
	.write = pipe_write,
	.poll = pipe_poll,
	.wake_seq = pipe_wake_seq,
	.nread = pipe_nread,
	.stat = pipe_stat,
	.release = pipe_release,
};

static struct pipe *pipe_new(struct task *t)
{
	struct pipe *p = calloc(1, sizeof *p);
	uint8_t *buf = malloc(PIPE_CAPACITY);
	if (!p || !buf) {
		free(p);
		free(buf);
		return NULL;
	}
	p->vm = t->vm;
	p->buf = buf;
	p->dev = makedev(0, 12); /* Linux's pipefs */
	p->ino = ++t->vm->next_ino;
	p->uid = t->proc->uid;
	p->gid = t->proc->gid;
	return p;
}

int pipe_create(struct task *t, int flags, struct file *ends[2])
{
	struct pipe *p = pipe_new(t);
	if (!p)
		return -ENOMEM;
	char name[40];
	snprintf(name, sizeof name, "pipe:[%llu]", (unsigned long long)p->ino);
	ends[0] = file_new(&pipe_ops, p, O_RDONLY | flags, name);
	ends[1] = ends[0] ? file_new(&pipe_ops, p, O_WRONLY | flags, name) : NULL;
	if (!ends[1]) {
		if (ends[0]) {
			free(ends[0]->path);
			free(ends[0]);
		}
		free(p->buf);
		free(p);
		return -ENOMEM;
	}
	p->readers = p->writers = 1;
	return 0;
}

static struct pipe *fifo_get(struct task *t, uint64_t dev, uint64_t ino)
{
	struct pipe *p = t->vm->fifos;
	while (p && !(p->dev == dev && p->ino == ino))
		p = p->next_fifo;
	if (p || !(p = pipe_new(t)))
		return p;
	p->named = 1;
	p->dev = dev;
	p->ino = ino;
	p->next_fifo = t->vm->fifos;
	t->vm->fifos = p;
	return p;
}

/* Linux's rules: a reader waits for a writer and a writer for a reader
 * (unless O_NONBLOCK: then a reader goes on, a writer gets ENXIO); O_RDWR
 * never waits. Each side counts as present while it waits. */
int64_t fifo_open(struct task *t, uint64_t dev, uint64_t ino, int flags, const char *path,
		  struct file **out)
{
	struct parked_call *pc = &t->park;
	int acc = flags & O_ACCMODE, nonblock = flags & O_NONBLOCK;
	struct pipe *p;
	if (t->resuming) {
		p = ((struct file *)pc->pending)->priv;
	} else {
		if (!(p = fifo_get(t, dev, ino)))
			return -ENOMEM;
		if (acc == O_WRONLY && nonblock && !p->readers) {
			pipe_maybe_free(p);
			return -ENXIO;
		}
		struct file *f = file_new(&pipe_ops, p, flags, path);
		if (!f) {
			pipe_maybe_free(p);
			return -ENOMEM;
		}
		if (acc != O_WRONLY)
			p->readers++, p->r_gen++;
		if (acc != O_RDONLY)
			p->writers++, p->w_gen++;
		sched_wake(t->vm, p);
		pc->pending = f;
		pc->progress = acc == O_RDONLY ? p->w_gen : p->r_gen;
	}
	int waits = !nonblock && ((acc == O_RDONLY && !p->writers && p->w_gen == pc->progress) ||
				  (acc == O_WRONLY && !p->readers && p->r_gen == pc->progress));
	if (waits)
		return sched_park(t, p, -KERN_ERESTARTSYS);
	*out = pc->pending;
	pc->pending = NULL;
	return 0;
}

struct pipe *pipe_of_file(const struct file *f)
{
	return f->ops == &pipe_ops ? f->priv : NULL;
}

size_t pipe_held(const struct pipe *p) { return p->len; }

size_t pipe_room(const struct pipe *p) { return PIPE_CAPACITY - p->len; }

int pipe_has_readers(const struct pipe *p) { return p->readers > 0; }

int pipe_has_writers(const struct pipe *p) { return p->writers > 0; }

size_t pipe_peek(const struct pipe *p, size_t skip, void *dst, size_t n)
{
	return ring_peek(p, skip, dst, n);
}

void pipe_drop(struct pipe *p, size_t n)
{
	int was_full = PIPE_CAPACITY - p->len < PIPE_ATOMIC;
	n = n < p->len ? n : p->len;
	if (!n)
		return;
	p->head = (p->head + n) % PIPE_CAPACITY;
	p->len -= n;
	taken(p, was_full);
}

size_t pipe_fill(struct pipe *p, const void *src, size_t n)
{
	size_t put = ring_in(p, src, n);
	if (put)
		given(p);
	return put;
}

void pipe_image_of(const struct pipe *p, struct pipe_image *img)
{
	size_t first = PIPE_CAPACITY - p->head < p->len ? PIPE_CAPACITY - p->head : p->len;
	img->part[0] = p->buf + p->head;
	img->part_len[0] = first;
	img->part[1] = p->buf;
	img->part_len[1] = p->len - first;
	img->readers = p->readers;
	img->writers = p->writers;
	img->dev = p->dev;
	img->ino = p->ino;
	img->uid = p->uid;
	img->gid = p->gid;
	img->named = p->named;
	img->r_gen = p->r_gen;
	img->w_gen = p->w_gen;
}

struct pipe *pipe_restore(struct vm *vm, const struct pipe_image *img)
{
	size_t len = img->part_len[0] + img->part_len[1];
	struct pipe *p = calloc(1, sizeof *p);
	uint8_t *buf = malloc(PIPE_CAPACITY);
	if (!p || !buf || len > PIPE_CAPACITY) {
		free(p);
		free(buf);
		return NULL;
	}
	p->vm = vm;
	p->buf = buf;
	memcpy(buf, img->part[0], img->part_len[0]);
	memcpy(buf + img->part_len[0], img->part[1], img->part_len[1]);
	p->len = len;
	p->readers = img->readers;
	p->writers = img->writers;
	p->dev = img->dev;
	p->ino = img->ino;
	p->uid = img->uid;
	p->gid = img->gid;
	p->named = img->named;
	p->r_gen = img->r_gen;
	p->w_gen = img->w_gen;
	if (p->named) {
		p->next_fifo = vm->fifos;
		vm->fifos = p;
	}
	return p;
}

int pipe_set_fifo_key(struct pipe *p, uint64_t dev, uint64_t ino)
{
	if (p->named) {
		p->dev = dev;
		p->ino = ino;
	}
	return p->named;
}

struct file *pipe_file_restore(struct pipe *p, int flags, const char *path)
{
	return file_new(&pipe_ops, p, flags, path);
}
