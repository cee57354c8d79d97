/* eventfd: a 64-bit counter in the kernel. read takes it (or one, with
 * EFD_SEMAPHORE) and waits while it is 0; write adds and waits while the sum
 * would pass 2^64-2. Waiters park on the counter. */
#include "kernel/vfs/eventfd.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "kernel/task/sched.h"
#include "kernel/task/timer.h"
#include "kernel/vfs/file.h"
#include "kernel/vfs/wakeseq.h"
#include "kernel/vm.h"

#define COUNT_MAX UINT64_C(0xfffffffffffffffe)

struct eventfd {
	struct vm *vm;
	uint64_t count, ino;
	int semaphore;
	struct wake_seq seq; /* a write wakes readers, a read writers */
};

static int64_t ev_read(struct task *t, struct file *f, void *buf, size_t n)
{
	struct eventfd *e = f->priv;
	if (n < 8)
		return -EINVAL;
	if (!e->count)
		return (f->flags & O_NONBLOCK) ? -EAGAIN : sched_park(t, e, -KERN_ERESTARTSYS);
	uint64_t v = e->semaphore ? 1 : e->count;
	e->count -= v;
	memcpy(buf, &v, 8);
	wake_seq_stamp(e->vm, &e->seq.out);
	sched_wake(e->vm, e);
	return 8;
}

static int64_t ev_write(struct task *t, struct file *f, const void *buf, size_t n)
{
	struct eventfd *e = f->priv;
	uint64_t v;
	if (n < 8)
		return -EINVAL;
	memcpy(&v, buf, 8);
	if (v == UINT64_MAX)
		return -EINVAL;
	if (v > COUNT_MAX - e->count)
		return (f->flags & O_NONBLOCK) ? -EAGAIN : sched_park(t, e, -KERN_ERESTARTSYS);
	e->count += v;
	wake_seq_stamp(e->vm, &e->seq.in);
	if (v)
		sched_wake(e->vm, e);
	return 8;
}

static short ev_poll(struct file *f)
{
	const struct eventfd *e = f->priv;
	return (short)((e->count ? POLLIN : 0) | (e->count < COUNT_MAX ? POLLOUT : 0));
}

static uint64_t ev_wake_seq(struct file *f, uint32_t events)
{
	return wake_seq_for(&((struct eventfd *)f->priv)->seq, events);
}

static int ev_stat(struct file *f, struct stat *st)
{
	file_anon_stat(st, ((const struct eventfd *)f->priv)->ino);
	return 0;
}

static void ev_release(struct file *f) { free(f->priv); }

static const struct file_ops eventfd_ops = {
	.name = "eventfd",
	.read = ev_read,
	.write = ev_write,
	.poll = ev_poll,
	.wake_seq = ev_wake_seq,
	.stat = ev_stat,
	.release = ev_release,
};

struct file *eventfd_create(struct vm *vm, uint64_t initial, int semaphore, int flags)
{
	struct eventfd *e = calloc(1, sizeof *e);
	if (!e)
		return NULL;
	e->vm = vm;
	e->count = initial;
	e->semaphore = semaphore;
	e->ino = ++vm->next_ino;
	struct file *f = file_new(&eventfd_ops, e, O_RDWR | flags, "anon_inode:[eventfd]");
	if (!f)
		free(e);
	return f;
}

int eventfd_state(const struct file *f, uint64_t *count, int *semaphore, uint64_t *ino)
{
	const struct eventfd *e = f->ops == &eventfd_ops ? f->priv : NULL;
	if (!e)
		return -1;
	*count = e->count;
	*semaphore = e->semaphore;
	*ino = e->ino;
	return 0;
}

struct file *eventfd_restore(struct vm *vm, uint64_t count, int semaphore, uint64_t ino,
			     int flags)
{
	struct file *f = eventfd_create(vm, count, semaphore, flags & ~O_RDWR);
	if (f) {
		((struct eventfd *)f->priv)->ino = ino;
		f->flags = flags;
	}
	return f;
}
