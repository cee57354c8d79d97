/* timerfd on the machine's clocks: expirations are counted when looked at
 * (read, poll, gettime) against the virtual clock; armed timers give the
 * scheduler their next expiry, so that a task waiting for one in read,
 * poll or epoll is woken then and idle time skips to it. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "kernel/abi/layout.h"
#include "kernel/sys/syscall.h"
#include "kernel/task/sched.h"
#include "kernel/sys/snap_kinds.h"
#include "kernel/task/timer.h"
#include "kernel/vfs/file.h"
#include "kernel/vfs/wakeseq.h"
#include "mem/uaccess.h"

#define NSEC		 1000000000ll
#define L_CLOCK_REALTIME 0
#define L_CLOCK_MONO	 1
#define L_CLOCK_BOOT	 7
#define L_TFD_ABSTIME	 1
#define L_TFD_CLOEXEC	 02000000

struct timerfd {
	struct vm *vm;
	int clock;
	int64_t next, interval; /* monotonic ns; next 0: disarmed */
	uint64_t expirations, ino;
	uint64_t fired; /* the stamp of the last expiration (vfs/wakeseq.h) */
	struct timerfd *link; /* in vm->timerfds */
};

static int64_t now_of(const struct timerfd *tf) { return vm_now_ns(tf->vm); }

/* Counts the expirations up to now. */
static void catch_up(struct timerfd *tf)
{
	int64_t now = now_of(tf);
	if (!tf->next || now < tf->next)
		return;
	uint64_t n = 1 + (tf->interval ? (uint64_t)((now - tf->next) / tf->interval) : 0);
	tf->expirations += n;
	wake_seq_stamp(tf->vm, &tf->fired);
	tf->next = tf->interval ? tf->next + (int64_t)n * tf->interval : 0;
}

static int64_t tf_read(struct task *t, struct file *f, void *buf, size_t n)
{
	struct timerfd *tf = f->priv;
	if (n < 8)
		return -EINVAL;
	catch_up(tf);
	if (!tf->expirations) {
		if (f->flags & O_NONBLOCK)
			return -EAGAIN;
		return tf->next ? sched_park_until(t, tf, tf->next, -KERN_ERESTARTSYS)
				: sched_park(t, tf, -KERN_ERESTARTSYS);
	}
	memcpy(buf, &tf->expirations, 8);
	tf->expirations = 0;
	return 8;
}

static short tf_poll(struct file *f)
{
	struct timerfd *tf = f->priv;
	catch_up(tf);
	return tf->expirations ? POLLIN : 0;
}

static uint64_t tf_wake_seq(struct file *f, uint32_t events)
{
	struct timerfd *tf = f->priv;
	catch_up(tf);
	return events & POLLIN ? tf->fired : 0;
}

static int tf_stat(struct file *f, struct stat *st)
{
	file_anon_stat(st, ((const struct timerfd *)f->priv)->ino);
	return 0;
}

static void tf_release(struct file *f)
{
	struct timerfd *tf = f->priv;
	for (struct timerfd **pp = &tf->vm->timerfds; *pp; pp = &(*pp)->link)
		if (*pp == tf) {
			*pp = tf->link;
			break;
		}
	free(tf);
}

static const struct file_ops timerfd_ops = {
	.name = "timerfd",
	.read = tf_read, .poll = tf_poll, .wake_seq = tf_wake_seq, .stat = tf_stat, .release = tf_release};

/* The first expiry after now (0: none). An expiry nobody has read yet is
 * counted when the timer is looked at; it is no event to wait for, or the
 * scheduler would give every turn a length of nothing. */
static int64_t upcoming(const struct timerfd *tf, int64_t now)
{
	if (!tf->next || tf->next > now)
		return tf->next;
	if (!tf->interval)
		return 0;
	return tf->next + ((now - tf->next) / tf->interval + 1) * tf->interval;
}

int64_t timerfd_next_expiry(const struct vm *vm)
{
	int64_t next = 0, now = vm_now_ns(vm);
	for (const struct timerfd *tf = vm->timerfds; tf; tf = tf->link) {
		int64_t at = upcoming(tf, now);
		if (at && (!next || at < next))
			next = at;
	}
	return next;
}

void timerfd_wake_expired(struct vm *vm)
{
	for (struct timerfd *tf = vm->timerfds; tf; tf = tf->link)
		if (tf->next && now_of(tf) >= tf->next)
			sched_wake(vm, tf);
}

int64_t sys_timerfd_create(struct task *t, const uint64_t *a)
{
	int clock = (int)a[0], flags = (int)a[1];
	if (clock != L_CLOCK_REALTIME && clock != L_CLOCK_MONO && clock != L_CLOCK_BOOT)
		return -EINVAL;
	if (flags & ~(O_NONBLOCK | L_TFD_CLOEXEC))
		return -EINVAL;
	struct timerfd *tf = calloc(1, sizeof *tf);
	struct file *f = tf ? file_new(&timerfd_ops, tf, O_RDWR | (flags & O_NONBLOCK),
				       "anon_inode:[timerfd]")
			    : NULL;
	if (!f) {
		free(tf);
		return -ENOMEM;
	}
	tf->vm = t->vm;
	tf->clock = clock;
	tf->ino = ++t->vm->next_ino;
	tf->link = t->vm->timerfds;
	t->vm->timerfds = tf;
	return fd_alloc_new(t->proc->fds, f, flags & L_TFD_CLOEXEC);
}

static struct timerfd *timerfd_of(struct task *t, int fd, int64_t *err)
{
	struct file *f = fd_lookup(t->proc->fds, fd);
	*err = !f ? -EBADF : f->ops != &timerfd_ops ? -EINVAL : 0;
	return *err ? NULL : f->priv;
}

/* struct itimerspec: interval then value, timespecs of 64-bit or (i386's
 * old call) 32-bit fields. */
static int64_t put_itimerspec(struct task *t, uint64_t addr, struct timerfd *tf, int wide)
{
	uint8_t raw[32];
	unsigned f = wide ? 8 : 4;
	int64_t left = tf->next ? tf->next - now_of(tf) : 0, v[4];
	if (tf->next && left <= 0)
		left = 1;
	v[0] = tf->interval / NSEC, v[1] = tf->interval % NSEC, v[2] = left / NSEC, v[3] = left % NSEC;
	for (unsigned k = 0; k < 4; k++)
		wide ? put64(raw, 8 * k, (uint64_t)v[k]) : put32(raw, 4 * k, (uint64_t)v[k]);
	return copy_to_user(t->proc->mm, addr, raw, 4 * f);
}

static int64_t do_settime(struct task *t, const uint64_t *a, int wide)
{
	int64_t rc, interval, value;
	struct timerfd *tf = timerfd_of(t, (int)a[0], &rc);
	if (!tf)
		return rc;
	if ((int)a[1] & ~L_TFD_ABSTIME)
		return -EINVAL;
	if ((rc = sys_get_timespec(t, a[2], &interval, wide)) ||
	    (rc = sys_get_timespec(t, a[2] + (wide ? 16 : 8), &value, wide)))
		return rc;
	catch_up(tf);
	if (a[3] && (rc = put_itimerspec(t, a[3], tf, wide)))
		return rc;
	int64_t now = now_of(tf);
	/* absolute monotonic and boot time are one clock here, as they are used */
	if (value && ((int)a[1] & L_TFD_ABSTIME) && tf->clock == L_CLOCK_REALTIME)
		value += now - vm_realtime_ns(tf->vm, NULL); /* to the monotonic clock */
	else if (value && !((int)a[1] & L_TFD_ABSTIME))
		value = value > INT64_MAX - now ? INT64_MAX : now + value;
	tf->next = value;
	tf->interval = value ? interval : 0;
	tf->expirations = 0;
	sched_wake(t->vm, tf);
	return 0;
}

int64_t sys_timerfd_settime(struct task *t, const uint64_t *a) { return do_settime(t, a, 1); }
int64_t sys_timerfd_settime32(struct task *t, const uint64_t *a) { return do_settime(t, a, 0); }

static int64_t do_gettime(struct task *t, const uint64_t *a, int wide)
{
	int64_t rc;
	struct timerfd *tf = timerfd_of(t, (int)a[0], &rc);
	if (!tf)
		return rc;
	catch_up(tf);
	return put_itimerspec(t, a[1], tf, wide);
}

int64_t sys_timerfd_gettime(struct task *t, const uint64_t *a) { return do_gettime(t, a, 1); }
int64_t sys_timerfd_gettime32(struct task *t, const uint64_t *a) { return do_gettime(t, a, 0); }

int timerfd_state(const struct file *f, int64_t w[TIMERFD_WORDS])
{
	const struct timerfd *tf = f->ops == &timerfd_ops ? f->priv : NULL;
	if (!tf)
		return -1;
	w[0] = tf->clock;
	w[1] = tf->next;
	w[2] = tf->interval;
	w[3] = (int64_t)tf->expirations;
	w[4] = (int64_t)tf->ino;
	return 0;
}

struct file *timerfd_restore(struct vm *vm, const int64_t w[TIMERFD_WORDS], int flags)
{
	struct timerfd *tf = calloc(1, sizeof *tf);
	struct file *f = tf ? file_new(&timerfd_ops, tf, flags, "anon_inode:[timerfd]") : NULL;
	if (!f) {
		free(tf);
		return NULL;
	}
	*tf = (struct timerfd){vm, (int)w[0], w[1], w[2], (uint64_t)w[3], (uint64_t)w[4],
			       0, vm->timerfds};
	vm->timerfds = tf;
	return f;
}
